"""Open data: the register as a municipality may publish it on its website.

What is published: documents in force (what they are for, who they are for, who adopted
them and when, when they are reviewed, their FAQ, their text — in ``register.json`` as
Markdown and as HTML rendered safely by :mod:`styrdok.markdown`; the CSV leaves the text
out, as a spreadsheet cell holds at most 32 767 characters) and the dispensations decided from them
(what they cover, for how long, how they are funded). What never is: person refs, e-mail
addresses (any address in free text becomes ``[e-post]``, whoever it belongs to),
questions, the reasoning and conditions of a dispensation, and the audit log.
People appear only as the municipality chooses (``people``):

* ``none`` — no people at all;
* ``roles`` (default) — the owner's and guardian's job title and unit ("IT-chef, IT-enheten");
* ``names`` — also their names ("Anna Lind, IT-chef, IT-enheten").
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal

from styrdok import markdown
from styrdok.csvsafe import is_number
from styrdok.csvsafe import writer as csv_writer
from styrdok.enums import DispStatus
from styrdok.files import refuse_links, write_atomically
from styrdok.model import Body, Dispensation, Document, Person
from styrdok.scrub import Scrubber, Shown

#: The files :func:`write` writes, in this order.
FILES = ("register.json", "documents.csv", "dispensations.csv")

PeopleChoice = Literal["none", "roles", "names"]
PEOPLE_CHOICES: tuple[PeopleChoice, ...] = ("none", "roles", "names")

#: Dispensations that were decided in favour: the ones a resident may ask about.
PUBLISHED_DISPENSATIONS = frozenset(
    {DispStatus.APPROVED, DispStatus.EXPIRED, DispStatus.CLOSED, DispStatus.REVOKED}
)

DOCUMENT_COLUMNS = (
    "ref", "title", "doc_type", "version", "adopted_by", "adopted_by_name", "decided_on",
    "minute_ref", "registry_number", "purpose", "intended_effects", "audience", "applies_to",
    "next_review_on", "valid_until", "dispensations_allowed", "parent", "supersedes",
    "text_url", "owner", "guardian", "faq",
)  # fmt: skip
DISPENSATION_COLUMNS = (
    "ref", "document_ref", "clause", "scope", "applies_to", "status", "valid_from",
    "valid_until", "ended_on", "decided_on", "delegated", "reported_to", "funded_by",
    "estimated_cost", "currency", "no_extra_cost", "responsible",
)  # fmt: skip


#: What replaces an e-mail address of someone not in the register, by language.
EMAIL_REMOVED = {"sv": "[e-post]", "en": "[e-mail]"}


def _scrubber(
    persons: Iterable[Person], people: PeopleChoice, *, language: str = "sv"
) -> Callable[[Any], Any]:
    """Replace any person's name, ref, ``@ref`` or e-mail address in published text by
    what ``people`` allows of them (or by ``[person]``), and any other e-mail address by
    ``[e-post]`` (``[e-mail]`` in English): lists of whom a dispensation applies to may hold
    person refs, and free text may name someone or give an address. What counts as a
    mention — other case, genitive, no-break space, NFD — and what deliberately does not
    (a given name alone) is :mod:`styrdok.scrub`'s, shared with ``person anonymise``."""
    return Scrubber(
        ((person, Shown.all(_who(person, people) or "[person]")) for person in persons),
        any_email=EMAIL_REMOVED.get(language, EMAIL_REMOVED["sv"]),
    )


def _who(person: Person | None, people: PeopleChoice) -> str | None:
    if person is None or people == "none":
        return None
    role = ", ".join(part for part in (person.title, person.unit) if part)
    if people == "roles":
        return role or None
    return ", ".join(part for part in (person.name, role) if part)


def public_document(
    document: Document,
    *,
    persons: Mapping[str, Person],
    bodies: Mapping[str, Body],
    people: PeopleChoice,
) -> dict[str, Any]:
    body = bodies.get(document.adopted_by or "")
    return {
        "ref": document.ref,
        "title": document.title,
        "doc_type": document.doc_type.value,
        "version": document.version,
        "adopted_by": document.adopted_by,
        "adopted_by_name": body.name if body else None,
        "decided_on": document.decided_on,
        "minute_ref": document.minute_ref,
        "registry_number": document.registry_number,
        "purpose": document.purpose,
        "intended_effects": document.intended_effects,
        "audience": document.audience,
        "applies_to": list(document.applies_to),
        "next_review_on": document.next_review_on,
        "valid_until": document.valid_until,
        "dispensations_allowed": document.dispensation_rules.allowed,
        "parent": document.parent,
        "supersedes": document.supersedes,
        "text_url": document.text_url,
        "text": document.text,
        "owner": _who(persons.get(document.owner), people),
        "guardian": _who(persons.get(document.guardian or ""), people),
        "faq": [{"question": e.question, "answer": e.answer} for e in document.faq],
    }


def public_dispensation(
    disp: Dispensation, *, persons: Mapping[str, Person], people: PeopleChoice
) -> dict[str, Any]:
    decision = disp.decision
    return {
        "ref": disp.ref,
        "document_ref": disp.document_ref,
        "clause": disp.clause,
        "scope": disp.scope,
        "applies_to": list(disp.applies_to),
        "status": disp.status.value,
        "valid_from": disp.valid_from,
        "valid_until": disp.valid_until,
        "ended_on": disp.ended_on,
        "decided_on": decision.on if decision else None,
        "delegated": decision.delegated if decision else None,
        "reported_to": decision.reported_to if decision else None,
        "funded_by": disp.funding.funded_by,
        "estimated_cost": str(disp.funding.estimated_cost)
        if disp.funding.estimated_cost is not None
        else None,
        "currency": disp.funding.currency,
        "no_extra_cost": disp.funding.no_extra_cost,
        "responsible": _who(persons.get(disp.responsible), people),
    }


class Publisher:
    """Turns the register's records into what may be published, one at a time, with people
    shown as ``people`` says (``language`` names the placeholder for an e-mail address:
    ``sv`` or ``en``). Holds only the people and bodies, so a register of any size streams
    through it."""

    def __init__(
        self,
        *,
        today: dt.date,
        persons: Iterable[Person],
        bodies: Iterable[Body],
        people: PeopleChoice = "roles",
        language: str = "sv",
    ) -> None:
        if people not in PEOPLE_CHOICES:
            raise ValueError(f"people must be one of {', '.join(PEOPLE_CHOICES)}")
        self.today, self.people = today, people
        self._persons = {p.ref: p for p in persons}
        self._bodies = {b.ref: b for b in bodies}
        # Names are only ever shown through _who (those fields are not scrubbed: they would
        # be searched for the very person they show); everything else is scrubbed of people.
        self._scrub = _scrubber(self._persons.values(), people, language=language)

    def _scrubbed(self, record: dict[str, Any], *shown: str) -> dict[str, Any]:
        return {key: value if key in shown else self._scrub(value) for key, value in record.items()}

    def document(self, document: Document) -> dict[str, Any] | None:
        """The public record of ``document``, or ``None`` if it is not in force today."""
        if not document.in_force_on(self.today):
            return None
        record = public_document(
            document, persons=self._persons, bodies=self._bodies, people=self.people
        )
        record = self._scrubbed(record, "owner", "guardian")
        # Rendered from the scrubbed text, so a name never reaches the HTML.
        record["text_html"] = markdown.to_html(record["text"]) if record["text"] else ""
        return record

    def dispensation(self, disp: Dispensation, in_force: Container[str]) -> dict[str, Any] | None:
        """The public record of ``disp``, or ``None`` unless it was decided in favour from a
        document ``in_force`` (refs of the documents published)."""
        if disp.status not in PUBLISHED_DISPENSATIONS or disp.document_ref not in in_force:
            return None
        record = public_dispensation(disp, persons=self._persons, people=self.people)
        return self._scrubbed(record, "responsible")


def build(
    *,
    today: dt.date,
    documents: Iterable[Document],
    dispensations: Iterable[Dispensation],
    persons: Iterable[Person],
    bodies: Iterable[Body],
    people: PeopleChoice = "roles",
    language: str = "sv",
) -> dict[str, Any]:
    """The publishable register as one value: documents in force and the dispensations
    decided from them (see :class:`Publisher`; :func:`write_stream` writes a register of
    any size without holding it)."""
    publisher = Publisher(
        today=today, persons=persons, bodies=bodies, people=people, language=language
    )
    published = [r for r in map(publisher.document, documents) if r is not None]
    in_force = {d["ref"] for d in published}
    decided = [
        r for r in (publisher.dispensation(x, in_force) for x in dispensations) if r is not None
    ]
    return {
        "generated_on": today,
        "people": people,
        "documents": published,
        "dispensations": decided,
    }


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if is_number(value):
        # Left a number, so the CSV writer does not treat a negative one as text.
        return value
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write(data: Mapping[str, Any], directory: os.PathLike[str] | str) -> list[str]:
    """Write a :func:`build` result as :func:`write_stream` does."""
    return write_stream(
        directory,
        generated_on=data["generated_on"],
        people=data["people"],
        documents=data["documents"],
        dispensations=data["dispensations"],
    )


def write_stream(
    directory: os.PathLike[str] | str,
    *,
    generated_on: dt.date,
    people: PeopleChoice,
    documents: Iterable[Mapping[str, Any]],
    dispensations: Iterable[Mapping[str, Any]],
) -> list[str]:
    """Write ``register.json``, ``documents.csv`` and ``dispensations.csv`` (UTF-8, comma
    separated, every cell quoted, one header row; text that a spreadsheet would take for a
    formula starts with ``'``, see :mod:`styrdok.csvsafe`) into ``directory`` in one pass
    over ``documents`` and then ``dispensations`` (public records, which may be generators:
    nothing is held). Each file appears whole or not at all; if one of the names is a
    symbolic link, none is written."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    refuse_links(folder / name for name in FILES)

    def items(
        handle: IO[str], records: Iterable[Mapping[str, Any]], sheet: Any, columns: Sequence[str]
    ) -> None:
        handle.write("[")
        first = True
        for record in records:
            handle.write("\n" if first else ",\n")
            # The layout json.dump(indent=2) gave the whole register before it streamed.
            text = json.dumps(record, ensure_ascii=False, indent=2, default=str)
            handle.write("    " + text.replace("\n", "\n    "))
            sheet.writerow([_cell(record[c]) for c in columns])
            first = False
        handle.write("]" if first else "\n  ]")

    def register(handle: IO[str]) -> None:
        def with_documents_csv(documents_csv: IO[str]) -> None:
            def with_dispensations_csv(dispensations_csv: IO[str]) -> None:
                # Open data is downloaded by anyone into any spreadsheet: formulas neutralised.
                documents_sheet = csv_writer(documents_csv)
                documents_sheet.writerow(DOCUMENT_COLUMNS)
                dispensations_sheet = csv_writer(dispensations_csv)
                dispensations_sheet.writerow(DISPENSATION_COLUMNS)
                head = json.dumps({"generated_on": str(generated_on), "people": people})
                handle.write(head[:-1] + ', "documents": ')
                items(handle, documents, documents_sheet, DOCUMENT_COLUMNS)
                handle.write(', "dispensations": ')
                items(handle, dispensations, dispensations_sheet, DISPENSATION_COLUMNS)
                handle.write("}\n")

            write_atomically(folder / "dispensations.csv", with_dispensations_csv)

        write_atomically(folder / "documents.csv", with_documents_csv)

    write_atomically(folder / "register.json", register)
    return list(FILES)
