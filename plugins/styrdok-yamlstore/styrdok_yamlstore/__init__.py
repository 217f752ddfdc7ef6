"""A git-friendly storage backend for styrdok: the register as YAML files in a folder.

The store itself lives in :mod:`styrdok_yamlstore.store`, imported only when a ``yaml://``
registry is opened, so having this plugin installed costs the command line nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from styrdok.hookspecs import hookimpl

if TYPE_CHECKING:
    from styrdok_yamlstore.store import YamlStore

__version__ = "0.1.0"
__all__ = ["YamlStore", "styrdok_register_stores"]


def _open(url: str) -> YamlStore:
    from styrdok_yamlstore.store import YamlStore

    return YamlStore(url)


@hookimpl
def styrdok_register_stores(register: Callable[[str, Callable[[str], Any]], None]) -> None:
    register("yaml", _open)


def __getattr__(name: str) -> Any:
    if name == "YamlStore":
        from styrdok_yamlstore.store import YamlStore

        return YamlStore
    raise AttributeError(name)
