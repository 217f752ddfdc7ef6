"""Lifecycle events handed to plugins (``styrdok_event``) after a change is committed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs


@attrs.frozen
class Event:
    """Something that happened in the registry."""

    action: str
    """What happened, e.g. ``document.adopt`` or ``dispensation.approve``."""
    entity: str
    """``kind:ref``, e.g. ``dispensation:D-2026-0001``."""
    actor: str
    at: dt.datetime
    after: dict[str, Any] | None
    """The record as stored after the change, as plain data."""
