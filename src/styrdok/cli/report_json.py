"""``styrdok --format json report``: the report as one JSON object, written as it is read.

The object is what ``json.dumps(…, ensure_ascii=False, indent=2)`` makes of it, byte for
byte, but its long lists are written an item at a time as the store gives them, so a
national register's 40 MB of JSON is never held whole (issue 19).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from styrdok.report import StreamedReport

#: Characters collected before they are echoed (each echo flushes standard output).
CHUNK = 1 << 16


class Listed:
    """A JSON array whose items are written as they are read."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _members(streamed: StreamedReport) -> dict[str, Any]:
    """The report's members, its long lists as :class:`Listed`."""
    report = streamed.summary

    def shares(items: Any) -> list[dict[str, Any]]:
        return [
            {"group": s.group, "in_force": s.in_force, "overdue": s.overdue,
             "overdue_share": round(s.share, 4)}
            for s in items
        ]  # fmt: skip

    return {
        "today": report.today.isoformat(),
        "documents_in_force": report.documents_in_force,
        "overdue_reviews": report.overdue_reviews,
        "overdue_share": round(report.overdue_share, 4),
        "review_by_unit": shares(report.by_unit),
        "review_by_body": shares(report.by_body),
        "without_guardian": Listed(streamed.without_guardian),
        "documents_by_type_and_level": [
            {"doc_type": c.doc_type, "level": c.level, "documents": c.documents}
            for c in report.per_type_and_level
        ],
        "active_dispensations": report.active_dispensations,
        "renewals": report.renewals,
        "dispensations_by_document": Listed(
            {"document": d.document_ref, "active": d.active, "renewals": d.renewals}
            for d in streamed.by_document
        ),
        "cost_by_funder": [
            {
                "funder": f.funder,
                "currency": f.currency,
                "dispensations": f.dispensations,
                "estimated_cost": str(f.estimated_cost),
            }
            for f in report.cost_by_funder
        ],
        # None without an organisation: nothing is counted per unit then.
        "acceptance": [
            {
                "document": d.document_ref,
                "title": d.title,
                "version": d.version,
                "asked": d.asked,
                "read": d.read,
                "share": _share(d.share),
                "units": [
                    {
                        "unit": u.unit,
                        "name": u.name,
                        "asked": u.asked,
                        "read": u.read,
                        "share": _share(u.share),
                    }
                    for u in d.units
                ],
            }
            for d in report.reading
        ]
        if report.organisation
        else None,
        "long_overdue_after_days": report.long_overdue_after_days,
        "long_overdue": Listed(
            {
                "body": d.body,
                "body_name": d.body_name,
                "document": d.ref,
                "title": d.title,
                "owner": d.owner,
                "owner_name": d.owner_name,
                "next_review_on": d.next_review_on.isoformat(),
                "days_overdue": d.days_overdue,
            }
            for d in streamed.long_overdue
        ),
        "audit_log": None
        if report.audit is None
        else {
            "events": report.audit.events,
            "head": report.audit.hash,
            "chain": report.audit.chain,
        },
    }


def _dumped(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it ``depth`` levels down: its own lines
    indented by the levels above (a JSON string never holds a raw line break)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def _pieces(members: dict[str, Any]) -> Iterator[str]:
    """The object ``members`` as ``json.dumps(indent=2)`` writes it, in pieces."""
    yield "{"
    for i, (key, value) in enumerate(members.items()):
        yield ("\n  " if i == 0 else ",\n  ") + json.dumps(key, ensure_ascii=False) + ": "
        if not isinstance(value, Listed):
            yield _dumped(value, 1)
            continue
        empty = True
        for item in value.items:
            yield ("[" if empty else ",") + "\n    " + _dumped(item, 2)
            empty = False
        yield "[]" if empty else "\n  ]"
    yield "\n}" if members else "}"


def write_json(streamed: StreamedReport) -> None:
    """Echo the report as JSON, a chunk at a time."""
    chunk: list[str] = []
    size = 0
    for piece in _pieces(_members(streamed)):
        chunk.append(piece)
        size += len(piece)
        if size >= CHUNK:
            click.echo("".join(chunk), nl=False)
            chunk, size = [], 0
    click.echo("".join(chunk))
