"""Hook specifications: what a styrdok plugin can implement.

A plugin is a module or object with functions marked ``@hookimpl`` whose names match the
specs below. Installed packages announce plugins through the ``styrdok`` entry-point group::

    [project.entry-points.styrdok]
    smtp = "styrdok_smtp"

Every hook is documented with an example in ``docs/plugins.md``. Import the marker as
``from styrdok import hookimpl``.

One failure policy covers every hook (``styrdok.plugins``): an implementation that raises
``styrdok.errors.InvalidValue`` (a settings mistake) stops the call and the error, naming
the plugin, reaches the user; any other exception is logged and that implementation is
skipped (no result, no registrations) while the other plugins still run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from styrdok.config import Config
    from styrdok.events import Event
    from styrdok.filestore import FileStore, FileStoreSetup
    from styrdok.model import Document
    from styrdok.notify import Notifier
    from styrdok.store.base import Store

hookspec = pluggy.HookspecMarker("styrdok")
"""Marks the hook specifications below (styrdok's own; plugins do not need it)."""
hookimpl = pluggy.HookimplMarker("styrdok")
"""Marks a plugin's implementation of a hook: ``@hookimpl`` over a function named as the
hook, taking any of its parameters. Import it as ``from styrdok import hookimpl``."""

# --- backends: called once when the registry or a reminder run starts -------------------


@hookspec
def styrdok_register_notifiers(register: Callable[[Notifier], None], config: Config) -> None:
    """Offer delivery channels for reminder digests.

    Called at the start of each ``styrdok remind`` run. Call ``register(notifier)`` once per
    channel you provide; ``config`` is the parsed ``styrdok.toml``. Register nothing if your
    table is missing (``"yourname" not in config.sections``); when it is there, check it
    whole with ``config.section("yourname", schema={...})`` (``styrdok.config``'s ``Int``,
    ``Float``, ``Bool``, ``Str``, ``StrList``, ``Days``), which raises
    :class:`~styrdok.errors.InvalidValue` naming ``[yourname] key`` for an unknown key, a
    missing required one, or a wrong type or range. Raise ``InvalidValue`` naming the key
    for any other setting that keeps the channel from starting (an unset variable, say): it
    stops the run before anything is sent, where any other exception only skips your plugin.
    """


@hookspec
def styrdok_register_stores(register: Callable[[str, Callable[[str], Store]], None]) -> None:
    """Offer storage backends by URL scheme.

    Called when a registry is opened. Call ``register(scheme, factory)``; ``factory(url)``
    returns an object with the store's methods. The built-in SQL store registers
    ``sqlite`` and ``postgresql``; the first registration of a scheme wins.
    """


@hookspec
def styrdok_register_file_stores(
    register: Callable[[str, Callable[[FileStoreSetup], FileStore]], None],
) -> None:
    """Offer a place to keep attachments' content (the bytes of PDFs, appendices …).

    Called when a file command needs the storage. Call ``register(name, factory)``; the
    one named by ``[files] storage`` in ``styrdok.toml`` is used (the built-in ``local``
    by default). ``factory(setup)`` gets a :class:`~styrdok.filestore.FileStoreSetup`
    (the settings and the registry's URL) and returns an object with the
    :class:`~styrdok.filestore.FileStore` methods: ``put``, ``get``, ``delete`` and
    ``exists``, each by SHA-256. Check your own section in the factory and raise
    :class:`~styrdok.errors.InvalidValue` naming the key for a mistake. The first
    registration of a name wins.
    """


# --- lifecycle: called as things happen ------------------------------------------------


@hookspec
def styrdok_event(event: Event) -> None:
    """Observe a change after it has been committed (adopted, reviewed, requested,
    approved, rejected, revoked, closed, expired, evaluated, …).

    ``event.action`` names it, e.g. ``dispensation.approve``; ``event.entity`` is
    ``kind:ref``; ``event.after`` is the stored record as plain data. Return nothing. An
    exception never undoes the change; one other than ``InvalidValue`` is logged and does
    not stop other plugins.
    """


@hookspec
def styrdok_check_document(document: Document) -> list[str] | None:
    """Check a document against your municipality's own rules.

    Return a list of findings (one short sentence each; empty or ``None`` when the document
    passes). Used by ``styrdok doc check`` together with the built-in checklist.
    """


# --- command line ----------------------------------------------------------------------


@hookspec
def styrdok_register_commands(cli: click.Group) -> None:
    """Add commands to the ``styrdok`` command line: ``cli.add_command(my_command)``.

    Called once when the CLI starts (only when plugins are loaded).
    """


__all__ = ["hookimpl", "hookspec"]
