"""Plugins: hooks documented, events after commit, isolation, listing, extra commands."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from conftest import request
from styrdok import hookspecs
from styrdok.cli import main
from styrdok.events import Event
from styrdok.hookspecs import hookimpl
from styrdok.plugins import get_plugin_manager, list_plugins
from styrdok.registry import Registry

DOCS = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
HOOKS = sorted(
    name
    for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("styrdok_")
)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_an_example(hook: str) -> None:
    """docs/plugins.md has a section per hook, with a code example."""
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(rf"^## {hook}\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    assert section, f"docs/plugins.md has no section for {hook}"
    assert "```python" in section.group(1) and f"def {hook}(" in section.group(1)


@pytest.fixture
def plugin() -> Iterator[Any]:
    """Register a plugin object for one test, and remove it afterwards."""
    registered: list[object] = []

    def register(obj: object) -> object:
        get_plugin_manager().register(obj)
        registered.append(obj)
        return obj

    yield register
    for obj in registered:
        get_plugin_manager().unregister(obj)


class EventLog:
    def __init__(self) -> None:
        self.events: list[Event] = []

    @hookimpl
    def styrdok_event(self, event: Event) -> None:
        self.events.append(event)


class Crashing:
    @hookimpl
    def styrdok_event(self, event: Event) -> None:
        raise RuntimeError("plugin bug")


def test_events_reach_plugins_after_commit(seeded: Registry, plugin: Any) -> None:
    """A request and its approval each produce one event with the stored record."""
    log = plugin(EventLog())
    ref = seeded.request_dispensation(request(), actor="requester").ref
    seeded.approve_dispensation(ref, actor="guardian")
    assert [(e.action, e.entity, e.actor) for e in log.events] == [
        ("dispensation.request", f"dispensation:{ref}", "requester"),
        ("dispensation.approve", f"dispensation:{ref}", "guardian"),
    ]
    assert log.events[-1].after is not None and log.events[-1].after["status"] == "approved"


def test_a_refused_change_produces_no_event(seeded: Registry, plugin: Any) -> None:
    """Only committed changes are announced."""
    log = plugin(EventLog())
    ref = seeded.request_dispensation(request(), actor="requester").ref
    with pytest.raises(Exception, match="separation of duties"):
        seeded.approve_dispensation(ref, actor="requester")
    assert [e.action for e in log.events] == ["dispensation.request"]


def test_a_crashing_plugin_neither_undoes_the_change_nor_silences_others(
    seeded: Registry, plugin: Any
) -> None:
    """Isolation: the change stands and the next plugin still hears of it."""
    plugin(Crashing())
    log = plugin(EventLog())
    seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    assert seeded.get_document("POL-1").title == "Ny titel"
    assert [e.action for e in log.events] == ["document.edit"]


def test_plugins_lists_the_built_ins_with_their_hooks() -> None:
    """`styrdok plugins` shows name, version and hooks."""
    result = CliRunner().invoke(main, ["--format", "csv", "plugins"])
    assert result.exit_code == 0
    assert "console,0.1.0,styrdok_register_notifiers" in result.output
    assert "sql_store,0.1.0,styrdok_register_stores" in result.output
    assert {p.name for p in list_plugins()} >= {"console", "sql_store"}


class Hello:
    @hookimpl
    def styrdok_register_commands(self, cli: click.Group) -> None:
        @cli.command()
        def hello() -> None:
            """Say hello (an example)."""
            click.echo("Hej!")


def test_plugins_can_add_commands(plugin: Any) -> None:
    """A plugin's command runs like a built-in one."""
    import styrdok.cli as cli_module

    plugin(Hello())
    cli_module.MainGroup._plugins_loaded = False
    try:
        result = CliRunner().invoke(main, ["hello"])
        assert (result.exit_code, result.output) == (0, "Hej!\n")
    finally:
        main.commands.pop("hello", None)
        cli_module.MainGroup._plugins_loaded = False


def test_a_misspelt_hook_fails_loudly(plugin: Any) -> None:
    """A typo in a hook name is an error when the plugin is registered, not silence."""
    from pluggy import PluginValidationError

    class Typo:
        @hookimpl
        def styrdok_evnt(self, event: Event) -> None: ...

    plugin(Typo())
    with pytest.raises(PluginValidationError, match="styrdok_evnt"):
        get_plugin_manager().check_pending()


def _plugins_listed(**env: str) -> set[str]:
    import os
    import subprocess
    import sys

    code = (
        "from styrdok.plugins import list_plugins\nprint(','.join(p.name for p in list_plugins()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    ).stdout
    return set(out.strip().split(","))


def test_installed_plugins_load_unless_switched_off() -> None:
    """Installed entry points load by default; STYRDOK_LOAD_PLUGINS picks some or none;
    STYRDOK_DISABLED_PLUGINS blocks any, built-ins included."""
    everything = _plugins_listed()
    assert {"console", "sql_store", "smtp", "webhook"} <= everything
    assert _plugins_listed(STYRDOK_LOAD_PLUGINS="") == {"console", "sql_store"}
    assert _plugins_listed(STYRDOK_LOAD_PLUGINS="smtp") == {"console", "sql_store", "smtp"}
    assert "console" not in _plugins_listed(STYRDOK_DISABLED_PLUGINS="console,webhook")
    assert "webhook" not in _plugins_listed(STYRDOK_DISABLED_PLUGINS="console,webhook")
