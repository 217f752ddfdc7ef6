"""A progress bar for long work (imports, exports) — on a terminal only.

Output piped to a file or run from cron stays silent: the bar is drawn only when standard
error is a terminal, and otherwise nothing is written at all (not even a label).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click


@contextmanager
def progress(label: str) -> Iterator[Callable[[int], None] | None]:
    """A function to call with the number of items done since the last call, drawing a
    bar on standard error; ``None`` when standard error is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    # The total is not known up front (rows of a file, records of a register): the bar
    # counts and moves rather than showing a share.
    with click.progressbar(
        itertools.count(), label=label, file=sys.stderr, show_pos=True, show_eta=False
    ) as bar:
        yield bar.update
