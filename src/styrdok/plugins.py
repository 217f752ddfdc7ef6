"""The plugin manager: one per process, entry points loaded once, defaults built in.

Switches (environment):

* ``STYRDOK_LOAD_PLUGINS`` — comma-separated entry-point names to load instead of all
  installed ones (empty: load none).
* ``STYRDOK_DISABLED_PLUGINS`` — comma-separated plugin names never to load.

Under tests (``sys._styrdok_testing``) installed entry points are not loaded, so a
developer's installed plugins cannot change the results; tests register what they need.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pluggy

from styrdok import hookspecs
from styrdok._version import __version__

log = logging.getLogger(__name__)

DEFAULT_PLUGINS = (
    "styrdok.default_plugins.sql_store",
    "styrdok.default_plugins.console",
)

_manager: pluggy.PluginManager | None = None


def _names(variable: str) -> list[str]:
    return [n.strip() for n in os.environ.get(variable, "").split(",") if n.strip()]


def get_plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager, created on first use."""
    global _manager
    if _manager is None:
        manager = pluggy.PluginManager("styrdok")
        manager.add_hookspecs(hookspecs)
        for name in _names("STYRDOK_DISABLED_PLUGINS"):
            manager.set_blocked(name)
        for module in DEFAULT_PLUGINS:
            name = module.rsplit(".", 1)[1]
            if not manager.is_blocked(name):
                manager.register(importlib.import_module(module), name=name)
        if not getattr(sys, "_styrdok_testing", False):
            _load_entry_points(manager)
        # A misspelt hook name in a plugin fails here, loudly, not silently later.
        manager.check_pending()
        _manager = manager
    return _manager


def _load_entry_points(manager: pluggy.PluginManager) -> None:
    wanted = os.environ.get("STYRDOK_LOAD_PLUGINS")
    if wanted is None:
        manager.load_setuptools_entrypoints("styrdok")
        return
    allowed = set(_names("STYRDOK_LOAD_PLUGINS"))
    for entry in importlib.metadata.entry_points(group="styrdok"):
        if entry.name in allowed and not manager.is_blocked(entry.name):
            manager.register(entry.load(), name=entry.name)


@attrs.frozen
class PluginInfo:
    name: str
    version: str
    hooks: tuple[str, ...]


def list_plugins() -> list[PluginInfo]:
    """Every registered plugin with its version and the hooks it implements."""
    manager = get_plugin_manager()
    versions = {
        manager.get_name(plugin): dist.version for plugin, dist in manager.list_plugin_distinfo()
    }
    infos = []
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin) or repr(plugin)
        hooks = tuple(sorted(caller.name for caller in manager.get_hookcallers(plugin) or ()))
        builtin = getattr(plugin, "__name__", "").startswith("styrdok.default_plugins.")
        version = versions.get(name) or (
            __version__ if builtin else str(getattr(plugin, "__version__", "-"))
        )
        infos.append(PluginInfo(name, version, hooks))
    return sorted(infos, key=lambda info: info.name)


def implementations(hook_name: str) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Each plugin's implementation of a hook, newest registration first."""
    manager = get_plugin_manager()
    caller = getattr(manager.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):
        yield impl.plugin_name, impl.function


def store_factories() -> dict[str, Callable[[str], Any]]:
    """Storage backends by URL scheme; the first plugin to offer a scheme wins."""
    found: dict[str, Callable[[str], Any]] = {}

    def register(scheme: str, factory: Callable[[str], Any]) -> None:
        found.setdefault(scheme, factory)

    for _name, function in reversed(list(implementations("styrdok_register_stores"))):
        function(register=register)
    return found


def call_each(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call every implementation of a hook on its own: one plugin that raises is logged
    and skipped, and the others still run (pluggy alone would stop at the first error)."""
    results = []
    for name, function in implementations(hook_name):
        try:
            results.append((name, function(**kwargs)))
        except Exception:
            log.exception("plugin %s failed in %s", name, hook_name)
    return results
