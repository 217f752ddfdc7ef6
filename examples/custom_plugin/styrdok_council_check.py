"""An example styrdok plugin: documents adopted by the council need a registry number.

Copy this file and its ``pyproject.toml``, change the rule, ``pip install -e .`` — and
``styrdok doc check`` applies it. The body ref is Mittköping's; use your own.
"""

from __future__ import annotations

from styrdok import Document, hookimpl

__version__ = "0.1.0"

COUNCIL = "KF"  # kommunfullmäktige


@hookimpl
def styrdok_check_document(document: Document) -> list[str]:
    if document.adopted_by == COUNCIL and not document.registry_number:
        return ["adopted by the council but has no registry number (diarienummer)"]
    return []
