"""Pausing Python's cyclic garbage collector while a use case builds many small objects.

A reminder run or a due list over a national register builds tens of thousands of
immutable domain objects. None of them form reference cycles, so the cyclic collector
finds nothing to free; but it runs every 700 allocations and walks the young objects each
time, which measured as a third of a reminder plan (``bench/run.py``, measure c). Reference
counting still frees everything as usual; the collector resumes, as it was, afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block without the cyclic collector; restore its state afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
