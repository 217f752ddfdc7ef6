"""Opening a registry: from a URL or path to a store at the current schema.

This is the one place that knows how a target becomes a store: SQLAlchemy URLs and SQLite
paths are normalised (:mod:`styrdok.store.engine`), SQL schemas are created or upgraded by
Alembic (:mod:`styrdok.migrations`), other backends come from plugins by URL scheme and
set up their own storage, and a store whose schema is not at
:data:`styrdok.migrations.HEAD` is refused with what to do about it.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import SQLAlchemyError

from styrdok.errors import RegistryUnavailable, StyrdokError
from styrdok.store.base import Store
from styrdok.store.engine import normalise_url, sqlite_path

#: URL schemes served by Alembic-migrated SQL databases.
SQL_SCHEMES = ("sqlite", "postgresql")


def url_scheme(url: str) -> str:
    """``postgresql+psycopg://…`` → ``postgresql``: the key stores are registered under."""
    return url.split("://", 1)[0].split("+", 1)[0]


def local_zone() -> dt.tzinfo:
    """The municipality's time zone; the machine's own if the zone database is missing."""
    try:
        return ZoneInfo(os.environ.get("STYRDOK_TZ") or "Europe/Stockholm")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.datetime.now().astimezone().tzinfo or dt.UTC


def store_for(url: str) -> Store:
    """The store for ``url``'s scheme, from the plugins that offer storage backends."""
    from styrdok.plugins import store_factories

    scheme = url_scheme(url)
    factories = store_factories()
    if scheme not in factories:
        known = ", ".join(sorted(factories)) or "none"
        raise RegistryUnavailable(f"no storage backend for {scheme!r} (installed: {known})")
    store: Store = factories[scheme](url)
    return store


def open_store(target: str | os.PathLike[str] | None = None, *, create: bool = False) -> Store:
    """The store at ``target`` (a SQLAlchemy URL or a SQLite file path; default
    ``$STYRDOK_DB`` or ``./styrdok.db``), checked to be at the current schema. With
    ``create=True`` the schema is created or upgraded first, as ``styrdok init`` does."""
    from styrdok import migrations

    url = normalise_url(target)
    path = sqlite_path(url)
    if path is not None and not create and not path.exists():
        raise RegistryUnavailable(f"no registry at {path}; run 'styrdok init' first")
    sql = url_scheme(url) in SQL_SCHEMES
    if create and sql:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # Imported only here: Alembic costs 13 MB and 200 modules a plain open never needs.
        from alembic.util import CommandError

        try:
            migrations.upgrade(url)
        # What a database refuses (no such server, no rights, a full disk) and what the
        # file system refuses; anything else is a bug and keeps its traceback.
        except (SQLAlchemyError, CommandError, OSError, StyrdokError) as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise RegistryUnavailable(f"cannot initialise {url}: {message}") from None
    store = store_for(url)
    initialise = getattr(store, "initialise", None)
    if create and not sql and callable(initialise):
        initialise()  # other backends set up their own storage
    try:
        with store.transaction(write=False):
            revision = store.schema_revision()
    except RegistryUnavailable:
        store.close()
        raise
    if revision != migrations.HEAD:
        store.close()
        if revision is None:
            raise RegistryUnavailable(f"{url} is not a styrdok registry; run 'styrdok init'")
        raise RegistryUnavailable(
            f"the registry's schema is at {revision} but this styrdok needs "
            f"{migrations.HEAD}; run 'styrdok init' to upgrade"
        )
    return store
