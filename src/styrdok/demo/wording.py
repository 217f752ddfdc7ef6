"""The words of Mittköping's documents: one Markdown file per document in ``texts/``.

The files are package data, read through :mod:`importlib.resources` so they are found in
an installed wheel as well as in a source checkout. A document the demo adopts again in
new words has a file per later edition: ``REF.md`` first, then ``REF.v2.md``.
"""

from __future__ import annotations

from importlib import resources


def text_of(ref: str, *, edition: int = 1) -> str:
    """The text of document ``ref``: as first adopted, or its later ``edition``."""
    name = f"{ref}.md" if edition == 1 else f"{ref}.v{edition}.md"
    return (resources.files("styrdok.demo") / "texts" / name).read_text(encoding="utf-8")
