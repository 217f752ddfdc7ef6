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

from conftest import policy, request
from styrdok import hookimpl, hookspecs, plugins
from styrdok.cli import main
from styrdok.errors import InvalidValue
from styrdok.events import Event
from styrdok.model import Document
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

    def register(obj: object, name: str | None = None) -> object:
        get_plugin_manager().register(obj, name=name)
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
    seeded.edit_document("POL-1", {"registry_number": "KS 2026/9"}, actor="owner")
    assert seeded.get_document("POL-1").registry_number == "KS 2026/9"
    assert [e.action for e in log.events] == ["document.edit"]


def test_plugins_lists_the_built_ins_with_their_hooks() -> None:
    """`styrdok plugins` shows name, version and hooks."""
    result = CliRunner().invoke(main, ["--format", "csv", "plugins"])
    assert result.exit_code == 0
    assert '"console","0.1.0","styrdok_register_notifiers"' in result.output
    assert '"sql_store","0.1.0","styrdok_register_stores"' in result.output
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


class Finds:
    def __init__(self, *findings: str) -> None:
        self.findings = list(findings)

    @hookimpl
    def styrdok_check_document(self, document: Document) -> list[str]:
        return self.findings


class Broken:
    @hookimpl
    def styrdok_check_document(self, document: Document) -> list[str]:
        raise RuntimeError("plugin bug")


class Misconfigured:
    @hookimpl
    def styrdok_check_document(self, document: Document) -> list[str]:
        raise InvalidValue("[strict]: 'level' must be a number")


def test_a_raising_plugin_is_logged_by_name_and_skipped(
    plugin: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The error is logged naming plugin and hook; the others' results still arrive."""
    plugin(Finds("first"), name="early")
    plugin(Broken(), name="broken")
    plugin(Finds("last"), name="late")
    results = plugins.hook().styrdok_check_document(document=policy())
    assert results == [["last"], ["first"]]
    (record,) = [r for r in caplog.records if r.name == "styrdok.plugins"]
    assert "plugin broken failed in styrdok_check_document" in record.getMessage()
    assert record.exc_info is not None and "plugin bug" in str(record.exc_info[1])


def test_invalid_value_from_a_plugin_reaches_the_caller_naming_it(plugin: Any) -> None:
    """A settings mistake is not swallowed: it propagates, prefixed with the plugin."""
    plugin(Misconfigured(), name="strict")
    with pytest.raises(InvalidValue, match=r"^plugin strict: \[strict\]: 'level' must be"):
        plugins.hook().styrdok_check_document(document=policy())


def test_a_skipped_implementation_passes_a_firstresult_hook_on() -> None:
    """With firstresult, a failing implementation gives no answer and the next one does."""
    import pluggy

    spec, impl = pluggy.HookspecMarker("demo"), pluggy.HookimplMarker("demo")

    class Spec:
        @spec(firstresult=True)
        def answer(self) -> int | None:
            """The first answer."""

    class Answers:
        @impl
        def answer(self) -> int:
            return 42

    class Fails:
        @impl
        def answer(self) -> int:
            raise RuntimeError("plugin bug")

    manager = plugins.IsolatingPluginManager("demo")
    manager.add_hookspecs(Spec)
    manager.register(Answers(), name="answers")
    manager.register(Fails(), name="fails")  # registered last, so called first
    assert manager.hook.answer() == 42


class Stores:
    def __init__(self, *schemes: str, fail: bool = False) -> None:
        self.schemes = schemes
        self.fail = fail

    def factory(self, url: str) -> Any:
        return (self, url)

    @hookimpl
    def styrdok_register_stores(self, register: Any) -> None:
        for scheme in self.schemes:
            register(scheme, self.factory)
        if self.fail:
            raise RuntimeError("plugin bug")


def test_collect_returns_registrations_newest_plugin_first(plugin: Any) -> None:
    """`collect` gives each register(...) call's arguments, in the order pluggy calls."""
    old, new = plugin(Stores("a", "b"), name="old"), plugin(Stores("c"), name="new")
    collected = plugins.collect(plugins.hook().styrdok_register_stores)
    assert collected[:3] == [("c", new.factory), ("a", old.factory), ("b", old.factory)]


def test_a_skipped_plugin_registers_nothing(plugin: Any) -> None:
    """What a failing implementation registered before it raised is dropped."""
    plugin(Stores("half", fail=True), name="half")
    assert "half" not in {
        args[0] for args in plugins.collect(plugins.hook().styrdok_register_stores)
    }


def test_the_first_registered_plugin_keeps_a_scheme(plugin: Any) -> None:
    """A later plugin adds schemes but cannot take sqlite from the built-in SQL store."""
    from styrdok.default_plugins import sql_store

    newcomer = plugin(Stores("sqlite", "yaml"), name="newcomer")
    factories = plugins.store_factories()
    assert factories["yaml"] == newcomer.factory
    assert factories["sqlite"].__module__ == sql_store.__name__


def test_hookimpl_is_exported_from_the_package_root() -> None:
    """`from styrdok import hookimpl` is the marker, the same as in hookspecs."""
    import styrdok

    assert styrdok.hookimpl is hookspecs.hookimpl and "hookimpl" in styrdok.__all__


def test_trace_plugins_prints_each_hook_call_to_stderr() -> None:
    """STYRDOK_TRACE_PLUGINS=1 shows the hook, its arguments, the plugins and the result."""
    import os
    import subprocess
    import sys

    code = "from styrdok import plugins\nplugins.store_factories()\n"
    env = {**os.environ, "STYRDOK_LOAD_PLUGINS": "", "STYRDOK_TRACE_PLUGINS": "1"}
    err = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stderr
    assert "[styrdok trace] styrdok_register_stores(register=<function " in err
    assert ") -> sql_store\n" in err
    assert "[styrdok trace] styrdok_register_stores returned []\n" in err


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
    built_in = {"console", "sql_store", "local_files"}
    assert _plugins_listed(STYRDOK_LOAD_PLUGINS="") == built_in
    assert _plugins_listed(STYRDOK_LOAD_PLUGINS="smtp") == {*built_in, "smtp"}
    assert "console" not in _plugins_listed(STYRDOK_DISABLED_PLUGINS="console,webhook")
    assert "webhook" not in _plugins_listed(STYRDOK_DISABLED_PLUGINS="console,webhook")
