"""The plugin manager: one per process, entry points loaded once, defaults built in.

Hooks are called one way only: ``plugins.hook().styrdok_event(event=e)`` (pluggy's hook
relay), and the "register" hooks through :func:`collect`. Never by a name string, never by
looping over ``get_hookimpls()``.

Failure policy (one, applied to every hook call, implemented once in
:class:`IsolatingPluginManager`):

* an implementation that raises :class:`~styrdok.errors.InvalidValue` (a settings mistake
  the user must see) stops the call: the error reaches the caller as
  ``InvalidValue("plugin NAME: message")``;
* any other ``Exception`` is logged with its traceback, naming the plugin and the hook, and
  that one implementation is skipped: it contributes no result and no registration, and the
  other plugins still run (pluggy alone stops at the first error).

Switches (environment):

* ``STYRDOK_LOAD_PLUGINS`` — comma-separated entry-point names to load instead of all
  installed ones (empty: load none).
* ``STYRDOK_DISABLED_PLUGINS`` — comma-separated plugin names never to load.
* ``STYRDOK_TRACE_PLUGINS=1`` — print every hook call to stderr: the hook, its arguments,
  the plugins called and what came back (or what was raised). Read when the manager is
  created.

Under tests (``sys._styrdok_testing``) installed entry points are not loaded, so a
developer's installed plugins cannot change the results; tests register what they need.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import importlib.metadata
import logging
import os
import reprlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import pluggy

from styrdok import hookspecs
from styrdok._version import __version__
from styrdok.errors import InvalidValue

log = logging.getLogger(__name__)

DEFAULT_PLUGINS = (
    "styrdok.default_plugins.sql_store",
    "styrdok.default_plugins.console",
    "styrdok.default_plugins.local_files",
)

_manager: pluggy.PluginManager | None = None


def _names(variable: str) -> list[str]:
    return [n.strip() for n in os.environ.get(variable, "").split(",") if n.strip()]


# --- the failure policy ----------------------------------------------------------------


@attrs.define
class _Call:
    """One implementation being called: who, and whether it failed (so that what it
    registered before failing can be dropped, like its result)."""

    plugin: str
    failed: bool = False


# The implementation running now, for `collect` to know who registered what. A context
# variable, not a global, so nested hook calls and threads each see their own.
_current: contextvars.ContextVar[_Call | None] = contextvars.ContextVar(
    "styrdok_plugin_call", default=None
)


def _isolated(function: Callable[..., Any], plugin: str, hook_name: str) -> Callable[..., Any]:
    """``function`` under the failure policy (see the module docstring)."""

    @functools.wraps(function)
    def isolated(*args: Any, **kwargs: Any) -> Any:
        call = _Call(plugin)
        token = _current.set(call)
        try:
            return function(*args, **kwargs)
        except InvalidValue as exc:
            call.failed = True
            raise InvalidValue(f"plugin {plugin}: {exc}") from exc
        except Exception:
            call.failed = True
            log.exception("plugin %s failed in %s; skipped", plugin, hook_name)
            # None is what pluggy leaves out of result lists, and a firstresult hook moves
            # on to the next implementation: a skipped implementation contributes nothing.
            return None
        finally:
            _current.reset(token)

    return isolated


class IsolatingPluginManager(pluggy.PluginManager):
    """A plugin manager whose every hook implementation runs under the failure policy.

    Each implementation's function is wrapped once, when its plugin is registered, rather
    than by replacing the manager's ``_inner_hookexec``: wrapping leaves pluggy's own call
    loop (call order, ``firstresult``, wrappers, optional arguments) untouched, where a
    custom ``_inner_hookexec`` would have to copy that loop from pluggy's private
    ``_multicall`` to get between two implementations.

    Hook wrappers (``wrapper=True`` / ``hookwrapper=True``) are generators around the
    others and are left as they are. Historic hooks would be replayed before the wrapping;
    styrdok has none.
    """

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register ``plugin`` (see ``pluggy.PluginManager.register``), isolating each of
        its hook implementations."""
        plugin_name = super().register(plugin, name)
        if plugin_name is None:  # blocked
            return None
        for caller in self.get_hookcallers(plugin) or ():
            for impl in caller.get_hookimpls():
                if impl.plugin is plugin and not (impl.wrapper or impl.hookwrapper):
                    # pluggy declares `function` Final, but HookImpl is a plain slotted
                    # object and pluggy reads the attribute at every call; the argument
                    # names it passes were taken from the original function above.
                    impl.function = _isolated(  # type: ignore[misc]
                        impl.function, plugin_name, caller.name
                    )
        return plugin_name


# --- tracing (STYRDOK_TRACE_PLUGINS) -----------------------------------------------------

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 80
_repr.maxlist = _repr.maxdict = 4


def _trace_before(
    hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
) -> None:
    arguments = ", ".join(f"{key}={_repr.repr(value)}" for key, value in kwargs.items())
    # pluggy calls the implementations from the end of the list (newest plugin first).
    called = ", ".join(impl.plugin_name for impl in reversed(impls)) or "no plugin"
    print(f"[styrdok trace] {hook_name}({arguments}) -> {called}", file=sys.stderr)


def _trace_after(
    outcome: pluggy.Result[Any],
    hook_name: str,
    impls: Sequence[pluggy.HookImpl],
    kwargs: Mapping[str, Any],
) -> None:
    if outcome.exception is not None:
        what = f"raised {type(outcome.exception).__name__}: {outcome.exception}"
    else:
        what = f"returned {_repr.repr(outcome.get_result())}"
    print(f"[styrdok trace] {hook_name} {what}", file=sys.stderr)


def _tracing() -> bool:
    return os.environ.get("STYRDOK_TRACE_PLUGINS", "").strip() not in ("", "0")


# --- the manager -------------------------------------------------------------------------


def get_plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager, created on first use."""
    global _manager
    if _manager is None:
        manager = IsolatingPluginManager("styrdok")
        manager.add_hookspecs(hookspecs)
        if _tracing():
            manager.add_hookcall_monitoring(_trace_before, _trace_after)
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


def hook() -> pluggy.HookRelay:
    """The hooks, to call as ``plugins.hook().styrdok_event(event=e)``.

    Every call applies the failure policy (module docstring). A hook returns the list of
    its implementations' results that are not ``None``, newest plugin first.
    """
    return get_plugin_manager().hook


# --- "register" hooks --------------------------------------------------------------------


def _collect(hook_caller: pluggy.HookCaller, **kwargs: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """Like :func:`collect`, each registration paired with the plugin that made it."""
    made: list[tuple[_Call | None, tuple[Any, ...]]] = []

    def register(*args: Any) -> None:
        made.append((_current.get(), args))

    hook_caller(register=register, **kwargs)
    # `call` is None only for a registration made outside an implementation (a hook
    # wrapper's, say), which no policy could skip.
    return [
        (call.plugin if call else "", args)
        for call, args in made
        if call is None or not call.failed
    ]


def collect(hook_caller: pluggy.HookCaller, **kwargs: Any) -> list[tuple[Any, ...]]:
    """Call a "register" hook and return the arguments of each ``register(...)`` call,
    in the order they were made (pluggy calls the newest plugin first).

    ``hook_caller`` is e.g. ``hook().styrdok_register_notifiers``; ``kwargs`` are the
    hook's other arguments (``register`` is supplied here). An implementation skipped by
    the failure policy registers nothing, even what it registered before it failed.
    Pattern: simonw/llm ``_get_loaders``.
    """
    return [args for _plugin, args in _collect(hook_caller, **kwargs)]


def store_factories() -> dict[str, Callable[[str], Any]]:
    """Storage backends by URL scheme; the first plugin to offer a scheme wins.

    "First" is in the order plugins were registered, so the built-in SQL store (registered
    before any installed plugin) keeps ``sqlite`` and ``postgresql``, and an installed
    plugin can add schemes but not take those over.
    """
    return _first_wins(hook().styrdok_register_stores)


def file_store_factories() -> dict[str, Callable[[Any], Any]]:
    """File storages (for attachments' content) by name; the first plugin to offer a
    name wins, as for :func:`store_factories`, so the built-in ``local`` stays itself."""
    return _first_wins(hook().styrdok_register_file_stores)


def _first_wins(hook_caller: pluggy.HookCaller) -> dict[str, Callable[[Any], Any]]:
    """``register(name, factory)`` calls of a hook by name, the earliest plugin's kept."""
    by_plugin: dict[str, list[tuple[Any, ...]]] = {}
    for plugin, args in _collect(hook_caller):
        by_plugin.setdefault(plugin, []).append(args)
    found: dict[str, Callable[[Any], Any]] = {}
    # pluggy calls the newest plugin first, so the plugins met last were registered first.
    for plugin in reversed(by_plugin):
        for name, factory in by_plugin[plugin]:
            found.setdefault(name, factory)
    return found


# --- listing -----------------------------------------------------------------------------


@attrs.frozen
class PluginInfo:
    """A registered plugin as ``styrdok plugins`` shows it."""

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
