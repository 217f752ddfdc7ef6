"""What changed between two versions of a document: every changed field, and the text as a
word-level redline.

Pure functions over two :class:`~styrdok.model.Document` snapshots; the use case
(:func:`styrdok.usecases.content.compare_versions`) finds the versions, the faces render
the result (``[-struck-]{+added+}`` on a terminal, ``<del>``/``<ins>`` in a page, JSON).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import attrs

from styrdok.model import Document
from styrdok.serialize import to_data

Op = Literal["equal", "insert", "delete"]

#: Fields not compared: bookkeeping that always differs between versions, and the text,
#: which is compared word by word instead.
# ack_version follows the adoption (material or editorial), not the words.
NOT_COMPARED = frozenset({"ref", "version", "revision", "text", "ack_version", "draft"})

# Words, runs of white space, and single punctuation marks: a redline that marks a changed
# comma does not strike the word before it.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@attrs.frozen
class FieldChange:
    """One field whose value differs (values as the JSON export writes them)."""

    field: str
    before: Any
    after: Any


@attrs.frozen
class TextChange:
    """A stretch of the redline: kept, added or removed."""

    op: Op
    text: str


@attrs.frozen
class VersionDiff:
    """Two versions of one document side by side."""

    ref: str
    from_version: int
    to_version: int
    fields: tuple[FieldChange, ...]
    text: tuple[TextChange, ...]
    """The redline of the text; empty when neither version has text."""

    @property
    def text_changed(self) -> bool:
        """Whether any word of the text was added or removed."""
        return any(part.op != "equal" for part in self.text)


def changed_fields(before: Document, after: Document) -> tuple[FieldChange, ...]:
    """Each field (nested ones by dotted name) whose value differs, in the model's order."""
    old, new = _flat(to_data(before)), _flat(to_data(after))
    return tuple(
        FieldChange(name, old.get(name), new.get(name))
        for name in _ordered(old, new)
        if name.split(".")[0] not in NOT_COMPARED and old.get(name) != new.get(name)
    )


def _ordered(*mappings: dict[str, Any]) -> list[str]:
    names: dict[str, None] = {}
    for mapping in mappings:
        names.update(dict.fromkeys(mapping))
    return list(names)


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def redline(before: str, after: str) -> tuple[TextChange, ...]:
    """The text ``before`` turned into ``after``, word by word. Lines are matched first
    and only changed blocks are compared word by word, so a long text with a few changes
    stays fast (difflib's word matching is quadratic in the block it is given)."""
    if not before and not after:
        return ()
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    parts: list[TextChange] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "equal":
            parts.append(TextChange("equal", old))
        elif op == "delete":
            parts.append(TextChange("delete", old))
        elif op == "insert":
            parts.append(TextChange("insert", new))
        else:
            parts.extend(_words(old, new))
    return _merged(parts)


#: Above this many tokens on a side, a changed block is shown struck and rewritten whole:
#: word matching a rewritten chapter would take seconds and say little more.
MAX_WORD_MATCH = 20_000


def _words(before: str, after: str) -> Iterable[TextChange]:
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    if max(len(old), len(new)) > MAX_WORD_MATCH:
        yield TextChange("delete", before)
        yield TextChange("insert", after)
        return
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield TextChange("equal", "".join(old[i1:i2]))
            continue
        if i2 > i1:
            yield TextChange("delete", "".join(old[i1:i2]))
        if j2 > j1:
            yield TextChange("insert", "".join(new[j1:j2]))


def _merged(parts: Sequence[TextChange]) -> tuple[TextChange, ...]:
    merged: list[TextChange] = []
    for part in parts:
        if not part.text:
            continue
        if merged and merged[-1].op == part.op:
            merged[-1] = TextChange(part.op, merged[-1].text + part.text)
        else:
            merged.append(part)
    return tuple(merged)


def compare(
    before: Document, after: Document, *, from_version: int, to_version: int
) -> VersionDiff:
    """``before`` and ``after`` (two snapshots of one document) compared."""
    return VersionDiff(
        ref=after.ref,
        from_version=from_version,
        to_version=to_version,
        fields=changed_fields(before, after),
        text=redline(before.text, after.text),
    )
