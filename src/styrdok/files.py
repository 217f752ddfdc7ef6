"""Writing files so that readers never see half of one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO


def write_atomically(path: Path, write: Callable[[IO[str]], object]) -> None:
    """Call ``write`` with a handle on ``<path>.partial`` beside the target, then rename it
    into place: the file appears whole or not at all, and a failure leaves what was there."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            write(handle)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
