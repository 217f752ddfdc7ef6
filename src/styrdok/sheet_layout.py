"""The column layout of a spreadsheet of documents, dispensations, people or bodies.

Each kind of record has one documented layout (``docs/spreadsheets.md``): a column per field,
headed in Swedish or English (either is recognised on import, whatever the case and spacing),
written in the order below. A municipality whose register uses other headings maps them in
``styrdok.toml``::

    [import.documents]
    title = "Dokumentnamn"             # the column key = the heading in your sheet
    "follow_up.method" = "Uppföljning"
    ignore = ["Kommentar"]             # columns to leave out

How each cell reads and writes is :mod:`styrdok.sheet_cells`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from styrdok import sheet_cells as cells
from styrdok.enums import BodyLevel, DispStatus, DocStatus, DocType
from styrdok.errors import InvalidValue
from styrdok.labels import N_
from styrdok.model import Body, Dispensation, Document, Person
from styrdok.serialize import from_data, to_data
from styrdok.settings_schema import Section, Str, StrList
from styrdok.spreadsheets import SheetError, column_letter

#: The kinds of record a spreadsheet may hold, by the name of their export section.
KINDS = ("documents", "dispensations", "persons", "bodies")


@attrs.frozen
class Column:
    """One column: the field it holds (a dotted path for a nested one) and its headings."""

    key: str
    sv: str
    en: str
    kind: cells.CellKind = cells.TEXT
    required: bool = False
    """The sheet must have this column (the field has no default)."""
    width: int = 18

    def heading(self, language: str) -> str:
        """The heading in ``language`` (``sv`` or ``en``)."""
        return self.sv if language == "sv" else self.en


@attrs.frozen
class Layout:
    """The columns of one kind of record, and how rows become records and back."""

    kind: str
    cls: type
    sheet: tuple[str, str]
    """The sheet's name in Swedish and English (a workbook's sheet is found by either)."""
    columns: tuple[Column, ...]
    objects: tuple[str, ...] = ()
    """Nested records always present (``funding``): built even when all their cells are
    empty, so their defaults apply."""

    def sheet_name(self, language: str) -> str:
        """The sheet's name in ``language``."""
        return self.sheet[0] if language == "sv" else self.sheet[1]

    def row(self, record: Any, language: str) -> list[Any]:
        """A record as one row of cells, column by column."""
        data = to_data(record)
        return [column.kind.write(_get(data, column.key), language) for column in self.columns]


def _get(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _c(key: str, sv: str, en: str, kind: cells.CellKind = cells.TEXT, **more: Any) -> Column:
    return Column(key, sv, en, kind, **more)


_DOCUMENT_COLUMNS = (
    _c("ref", "Referens", "Reference", cells.REF, required=True, width=16),
    _c("title", "Titel", "Title", required=True, width=40),
    _c("doc_type", "Typ", "Type", cells.enum(DocType), required=True, width=14),
    _c("status", "Status", "Status", cells.enum(DocStatus), width=14),
    _c("version", "Version", "Version", cells.WHOLE, width=9),
    _c("owner", "Ägare", "Owner", cells.REF, required=True),
    _c("guardian", "Väktare", "Guardian", cells.REF),
    _c("adopted_by", "Beslutad av", "Adopted by", cells.REF),
    _c("decided_on", "Beslutsdatum", "Decided on", cells.DATE, width=12),
    _c("effective_from", "Gäller från", "Effective from", cells.DATE, width=12),
    _c("in_force_from", "I kraft sedan", "In force since", cells.DATE, width=12),
    _c("minute_ref", "Paragraf", "Minute", width=10),
    _c("registry_number", "Diarienummer", "Registry number", width=16),
    _c("purpose", "Syfte", "Purpose", width=40),
    _c("intended_effects", "Effekter", "Intended effects", width=40),
    _c("audience", "Målgrupp", "Audience", width=30),
    _c("applies_to", "Gäller för", "Applies to", cells.LINES, width=30),
    _c("limits", "Avgränsningar", "Limits", width=30),
    _c("follow_up.method", "Uppföljning", "Follow-up", width=30),
    _c("follow_up.by", "Uppföljning av", "Follow-up by", width=24),
    _c("review_interval_months", "Revideringsintervall (månader)", "Review interval (months)",
       cells.LIMIT, width=12),
    _c("next_review_on", "Revideras senast", "Next review", cells.DATE, width=12),
    _c("valid_until", "Gäller till", "Valid until", cells.DATE, width=12),
    _c("non_compliance", "Avvikelser", "Non-compliance", width=30),
    _c("dispensation_rules.allowed", "Dispens möjlig", "Dispensations allowed", cells.BOOLEAN,
       width=10),
    _c("dispensation_rules.requirements", "Krav för dispens", "Dispensation requirements",
       width=30),
    _c("dispensation_rules.approvers", "Dispens beviljas även av", "Approvers", cells.LINES),
    _c("dispensation_rules.max_duration_days", "Längsta dispens (dagar)",
       "Longest dispensation (days)", cells.LIMIT, width=12),
    _c("dispensation_rules.max_renewals", "Högst antal förlängningar", "Renewals allowed",
       cells.LIMIT, width=12),
    _c("faq", "Vanliga frågor", "FAQ", cells.FAQ, width=30),
    _c("parent", "Överordnat dokument", "Parent", cells.REF),
    _c("supersedes", "Ersätter", "Supersedes", cells.REF),
    _c("related", "Relaterade dokument", "Related", cells.LINES),
    _c("reminder_offsets", "Påminnelser (dagar före)", "Reminders (days before)", cells.OFFSETS,
       width=14),
    _c("text_url", "Länk till texten", "Text URL", width=30),
    _c("text", "Text", "Text", width=40),
    _c("word_count", "Antal ord", "Word count", cells.WHOLE, width=10),
    _c("ack_version", "Läsbekräftelse av version", "Read confirmation of version", cells.WHOLE,
       width=10),
)  # fmt: skip

_DISPENSATION_COLUMNS = (
    # No ref: the next D-YYYY-NNNN. No requester: the responsible person. No request date:
    # the decision's date, or the day of the import (see docs/spreadsheets.md).
    _c("ref", "Referens", "Reference", cells.REF, width=14),
    _c("document_ref", "Dokument", "Document", cells.REF, required=True, width=16),
    _c("clause", "Punkt", "Clause", width=20),
    _c("scope", "Omfattning", "Scope", required=True, width=40),
    _c("limits", "Avgränsningar", "Limits", width=30),
    _c("applies_to", "Gäller för", "Applies to", cells.LINES, width=24),
    _c("justification", "Motivering", "Justification", width=30),
    _c("conditions", "Villkor", "Conditions", width=30),
    _c("requested_by", "Sökt av", "Requested by", cells.REF),
    _c("requested_on", "Sökt den", "Requested on", cells.DATE, width=12),
    _c("responsible", "Ansvarig", "Responsible", cells.REF, required=True),
    _c("valid_from", "Gäller från", "Valid from", cells.DATE, required=True, width=12),
    _c("valid_until", "Gäller till", "Valid until", cells.DATE, required=True, width=12),
    _c("funding.funded_by", "Finansieras av", "Funded by", width=30),
    _c("funding.estimated_cost", "Beräknad kostnad", "Estimated cost", cells.AMOUNT, width=14),
    _c("funding.currency", "Valuta", "Currency", width=8),
    _c("funding.no_extra_cost", "Ingen extra kostnad", "No extra cost", cells.BOOLEAN, width=10),
    _c("funding.note", "Finansiering, kommentar", "Funding note", width=24),
    _c("status", "Status", "Status", cells.enum(DispStatus), width=12),
    _c("decision.by", "Beslutad av", "Decided by", cells.REF),
    _c("decision.on", "Beslutsdatum", "Decided on", cells.DATE, width=12),
    _c("decision.reasoning", "Beslutsmotivering", "Reasoning", width=30),
    _c("decision.delegated", "Delegationsbeslut", "Delegated", cells.BOOLEAN, width=10),
    _c("decision.reported_to", "Anmäld till", "Reported to", cells.REF, width=12),
    _c("renewal_of", "Förlänger", "Renews", cells.REF, width=14),
    _c("ended_on", "Upphörde", "Ended on", cells.DATE, width=12),
    _c("end_reason", "Skäl för upphörande", "End reason", width=24),
    _c("ended_by", "Avslutad av", "Ended by", cells.REF),
    _c("evaluation.by", "Utvärderad av", "Evaluated by", cells.REF),
    _c("evaluation.on", "Utvärderad den", "Evaluated on", cells.DATE, width=12),
    _c("evaluation.outcome", "Utfall", "Outcome", width=30),
    _c("evaluation.lessons", "Lärdomar", "Lessons", width=30),
    _c("evaluation.rule_change_suggested", "Regeländring föreslås", "Rule change suggested",
       cells.BOOLEAN, width=10),
    _c("annulled", "Annullerade beslut", "Annulled decisions", cells.RECORDS, width=30),
)  # fmt: skip

_PERSON_COLUMNS = (
    _c("ref", "Referens", "Reference", cells.REF, required=True),
    _c("name", "Namn", "Name", required=True, width=24),
    _c("email", "E-post", "Email", width=30),
    _c("unit", "Enhet", "Unit", width=30),
    _c("title", "Befattning", "Job title", width=24),
    _c("is_admin", "Administratör", "Administrator", cells.BOOLEAN, width=10),
    _c("active", "Aktiv", "Active", cells.BOOLEAN, width=10),
    _c("unit_since", "I enheten sedan", "In the unit since", cells.DATE, width=12),
)

_BODY_COLUMNS = (
    _c("ref", "Referens", "Reference", cells.REF, required=True, width=10),
    _c("name", "Namn", "Name", required=True, width=36),
    _c("level", "Nivå", "Level", cells.enum(BodyLevel), required=True, width=16),
    _c("contact", "Kontaktperson", "Contact", cells.REF),
)


def _existing(cls: type, columns: Iterable[Column]) -> tuple[Column, ...]:
    # A column whose field the class does not have (yet) is left out, so the layout and
    # the model cannot disagree; a test checks that every field has a column.
    names = {field.name for field in attrs.fields(cls)}
    return tuple(column for column in columns if column.key.split(".")[0] in names)


LAYOUTS = {
    "documents": Layout(
        "documents", Document, ("Dokument", "Documents"),
        _existing(Document, _DOCUMENT_COLUMNS),
    ),
    "dispensations": Layout(
        "dispensations", Dispensation, ("Dispenser", "Dispensations"),
        _existing(Dispensation, _DISPENSATION_COLUMNS), objects=("funding",),
    ),
    "persons": Layout("persons", Person, ("Personer", "People"), _PERSON_COLUMNS),
    "bodies": Layout("bodies", Body, ("Beslutsinstanser", "Bodies"), _BODY_COLUMNS),
}  # fmt: skip


# --- the settings: other headings ----------------------------------------------------------


@attrs.frozen
class HeadingMap:
    """How a municipality's own headings map to the layout's columns."""

    columns: Mapping[str, str] = attrs.field(factory=dict)
    """Column key → the heading used instead of the layout's."""
    ignore: tuple[str, ...] = ()
    """Headings of columns to leave out."""


def mapping_from_settings(settings: Mapping[str, Any], kind: str, *, source: str) -> HeadingMap:
    """The ``[import.<kind>]`` table of ``styrdok.toml`` checked against the layout: every
    key a column key (dotted keys may be written as nested tables) or ``ignore``, every
    value one line of text."""
    table = settings.get(kind, {})
    unknown = sorted(set(settings) - set(KINDS))
    if unknown:
        raise InvalidValue(
            f"{source}: [import] {unknown[0]}: unknown kind; known: {', '.join(KINDS)}"
        )
    flat = _flatten(table) if isinstance(table, Mapping) else table
    if not isinstance(flat, Mapping):
        raise InvalidValue(f"{source}: [import] {kind}: expected a table")
    schema: dict[str, Any] = {column.key: Str() for column in LAYOUTS[kind].columns}
    schema["ignore"] = StrList()
    checked = Section(f"import.{kind}", flat, source=source).validated(schema)
    ignore = checked.pop("ignore", ())
    return HeadingMap(dict(checked), tuple(ignore))


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


# --- reading rows --------------------------------------------------------------------------


def _norm(heading: Any) -> str:
    return " ".join(str(heading).split()).casefold()


@attrs.frozen
class Headings:
    """A sheet's heading row matched to the layout."""

    columns: tuple[Column | None, ...]
    """The column of each cell, ``None`` for one left out."""
    ignored: frozenset[int]
    """The cells of columns the settings say to ignore."""
    shown: Mapping[str, str]
    """How an error names each column present: ``"Beslutsdatum" (F)``."""


def match_headings(
    layout: Layout, row: int, headings: Sequence[Any], mapping: HeadingMap | None = None
) -> Headings:
    """Match the heading row to ``layout`` (and ``mapping``). An unknown heading, a column
    given twice or a required column missing is one :class:`SheetError`."""
    mapping = mapping or HeadingMap()
    by_heading: dict[str, Column] = {}
    for column in layout.columns:
        if column.key in mapping.columns:
            by_heading[_norm(mapping.columns[column.key])] = column
        else:
            by_heading.setdefault(_norm(column.sv), column)
            by_heading.setdefault(_norm(column.en), column)
    ignored = {_norm(heading) for heading in mapping.ignore}
    matched: list[Column | None] = []
    shown: dict[str, str] = {}
    left_out = set()
    for index, heading in enumerate(headings):
        name = f'"{heading}" ({column_letter(index)})'
        if heading is None or not str(heading).strip() or _norm(heading) in ignored:
            if heading is not None and _norm(heading) in ignored:
                left_out.add(index)
            matched.append(None)
            continue
        found = by_heading.get(_norm(heading))
        if found is None:
            raise SheetError(
                N_(
                    "no column of {kind} is called that; see docs/spreadsheets.md, or map it "
                    "in styrdok.toml [import.{kind}] (or list it under ignore)"
                ),
                row=row, column=name, kind=layout.kind,
            )  # fmt: skip
        if found.key in shown:
            raise SheetError(
                N_("a second column for {first}"), row=row, column=name, first=shown[found.key]
            )
        matched.append(found)
        shown[found.key] = name
    for column in layout.columns:
        if column.required and column.key not in shown:
            heading = mapping.columns.get(column.key, column.sv)
            raise SheetError(
                N_("the sheet has no column {heading} ({key})"), heading=heading, key=column.key
            )
    return Headings(tuple(matched), frozenset(left_out), shown)


def read_row(layout: Layout, headings: Headings, row: int, values: Sequence[Any]) -> dict[str, Any]:
    """One row as the plain data of a record (empty cells left out, so defaults apply).
    A cell that does not read as its column's kind is one :class:`SheetError`."""
    data: dict[str, Any] = {key: {} for key in layout.objects}
    for index, value in enumerate(values):
        column = headings.columns[index] if index < len(headings.columns) else None
        if column is None:
            if index not in headings.ignored and value is not None and str(value).strip():
                raise SheetError(
                    N_("a value in a column without a heading"),
                    row=row, column=f"({column_letter(index)})",
                )  # fmt: skip
            continue
        try:
            parsed = column.kind.read(value)
        except cells.BadCell as bad:
            raise SheetError(
                bad.template, row=row, column=headings.shown[column.key], **bad.values
            ) from None
        if parsed is cells.MISSING:
            continue
        *parents, last = column.key.split(".")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = parsed
    return data


_WHERE = re.compile(r" @ \$(?:\.(?P<section>\w+)\[(?P<index>\d+)\])?\.?(?P<field>[\w.]*)")


def locate(
    exc: Exception, rows: Mapping[str, Sequence[int]], shown: Mapping[str, str]
) -> Exception:
    """An error of the import (``… @ $.documents[3].owner``, or ``… @ $.owner`` from
    building one record) as a :class:`SheetError` naming the row and the column.
    ``rows`` gives each section's row numbers in order; ``$`` alone is ``rows[""]``."""
    message = str(exc)
    match = _WHERE.search(message)
    if match is None:
        return exc
    section, index, field = match["section"] or "", match["index"], match["field"]
    numbers = rows.get(section)
    if numbers is None:
        return exc
    row = numbers[int(index)] if index is not None else numbers[0]
    problem = (message[: match.start()] + message[match.end() :]).strip()
    if not field:  # a validator names its field first: "owner: invalid reference …"
        field = problem.split(":", 1)[0] if ":" in problem else ""
    column = shown.get(field) or shown.get(field.split(".")[0])
    if column is None and field:
        problem += f" ({field})"
    return SheetError("{problem}", row=row, column=column, problem=problem)


def build(layout: Layout, row: int, data: Mapping[str, Any], shown: Mapping[str, str]) -> Any:
    """The record of one row, every field rule applied (:func:`~styrdok.serialize.from_data`);
    a problem is one :class:`SheetError` naming the row and the column."""
    try:
        return from_data(data, layout.cls, where="$")
    except InvalidValue as exc:
        raise locate(exc, {"": [row]}, shown) from None
