"""What every API view needs from the app: this thread's registry, and the rule that a
draft is not shown (nor said to exist) to those who do not work on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import current_app, g

from styrdok import rules
from styrdok.errors import NotFound
from styrdok.model import Document
from styrdok.registry import Registry

#: Where :func:`styrdok_intranet.create_app` leaves the accessor of the thread's registry.
REGISTRY_KEY = "styrdok.registry"


def registry() -> Registry:
    """The registry of the thread serving this request (one per server thread)."""
    accessor = cast(Callable[[], Registry], current_app.extensions[REGISTRY_KEY])
    return accessor()


def visible(doc: Document) -> Document:
    """``doc`` as the caller may read it (a draft revision only for those who work on
    it), or :class:`NotFound` as for a ref that does not exist."""
    if not rules.may_see_draft(g.get("person"), doc):
        raise NotFound(f"unknown document {doc.ref!r}")
    return rules.shown_to(g.get("person"), doc)
