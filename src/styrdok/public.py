"""Open data: the register as a municipality may publish it on its website.

What is published: documents in force (what they are for, who they are for, who adopted
them and when, when they are reviewed, their FAQ) and the dispensations decided from them
(what they cover, for how long, how they are funded). What never is: person refs, e-mail
addresses, questions, the reasoning and conditions of a dispensation, and the audit log.
People appear only as the municipality chooses (``people``):

* ``none`` — no people at all;
* ``roles`` (default) — the owner's and guardian's job title and unit ("IT-chef, IT-enheten");
* ``names`` — also their names ("Anna Lind, IT-chef, IT-enheten").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal

from styrdok.csvsafe import is_number
from styrdok.csvsafe import writer as csv_writer
from styrdok.enums import DispStatus, DocStatus
from styrdok.files import refuse_links, write_atomically
from styrdok.model import Body, Dispensation, Document, Person

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


#: A word as refs and e-mail addresses are written: letters, digits and . _ @ + -
_TOKEN = re.compile(r"[\w.@+-]+")


def _scrubber(persons: Iterable[Person], people: PeopleChoice) -> Callable[[Any], Any]:
    """Replace any person's ref, name or e-mail address in published text by what
    ``people`` allows of them (or by ``[person]``): lists of whom a dispensation applies to
    may hold person refs, and free text may name someone.

    Text is cut into words once and each word looked up in a dict, so the cost is linear
    in the text whatever the number of people (one regex alternating 20,000 names was
    measured at 474 s for a 10 %-scale register; this takes seconds)."""
    refs: dict[str, str] = {}  # as stored: refs are matched exactly ("bo" is not "Bo")
    words: dict[str, str] = {}  # e-mail addresses and one-word names, any case
    names: dict[str, list[tuple[str, str]]] = {}
    for person in persons:
        visible = _who(person, people) or "[person]"
        refs[person.ref] = visible
        if person.email:
            words[person.email.casefold()] = visible
        name = person.name.casefold()
        if " " in name:  # full names, found by their first word
            names.setdefault(name.split(" ", 1)[0], []).append((name, visible))
        elif len(name) >= 3:
            words.setdefault(name, visible)
    for candidates in names.values():
        candidates.sort(key=lambda c: -len(c[0]))  # "Anna Lind Berg" before "Anna Lind"

    def scrub_text(text: str) -> str:
        folded = text.casefold()
        if len(folded) != len(text):  # rare letters that change length when folded
            folded = text.lower()
        out: list[str] = []
        done = 0
        for match in _TOKEN.finditer(text):
            start, end = match.span()
            if start < done:
                continue
            word = folded[start:end]
            replacement, stop = None, end
            for name, visible in names.get(word, ()):
                after = start + len(name)
                if folded.startswith(name, start) and (
                    after == len(text) or not text[after].isalnum()
                ):
                    replacement, stop = visible, after
                    break
            if replacement is None:
                core = text[start:end].rstrip(".")  # "… ring anna.lind." ends a sentence
                replacement = refs.get(core) or words.get(folded[start : start + len(core)])
                stop = start + len(core)
            if replacement is not None:
                out += [text[done:start], replacement]
                done = stop
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return scrub_text(value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        return value

    return scrub


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


def build(
    *,
    today: dt.date,
    documents: Iterable[Document],
    dispensations: Iterable[Dispensation],
    persons: Iterable[Person],
    bodies: Iterable[Body],
    people: PeopleChoice = "roles",
) -> dict[str, Any]:
    """The publishable register: documents in force and the dispensations decided from
    them, with people shown as ``people`` says."""
    if people not in PEOPLE_CHOICES:
        raise ValueError(f"people must be one of {', '.join(PEOPLE_CHOICES)}")
    by_ref = {p.ref: p for p in persons}
    body_by_ref = {b.ref: b for b in bodies}
    # Names are only ever shown through _who; everything else is scrubbed of people.
    scrub = _scrubber(by_ref.values(), people)
    published = []
    for document in documents:
        if document.status is DocStatus.IN_FORCE:
            record = public_document(document, persons=by_ref, bodies=body_by_ref, people=people)
            published.append({**scrub(record), "owner": record["owner"],
                              "guardian": record["guardian"]})  # fmt: skip
    in_force = {d["ref"] for d in published}
    decided = []
    for disp in dispensations:
        if disp.status in PUBLISHED_DISPENSATIONS and disp.document_ref in in_force:
            record = public_dispensation(disp, persons=by_ref, people=people)
            decided.append({**scrub(record), "responsible": record["responsible"]})
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
    """Write ``register.json``, ``documents.csv`` and ``dispensations.csv`` (UTF-8, comma
    separated, every cell quoted, one header row; text that a spreadsheet would take for a
    formula starts with ``'``, see :mod:`styrdok.csvsafe`) into ``directory``. Each file
    appears whole or not at all; if one of the names is a symbolic link, none is written."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)

    def as_json(handle: IO[str]) -> None:
        json.dump(data, handle, ensure_ascii=False, indent=2, default=str)
        handle.write("\n")

    def as_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Callable[..., None]:
        def writer(handle: IO[str]) -> None:
            # Open data is downloaded by anyone into any spreadsheet: formulas neutralised.
            sheet = csv_writer(handle)
            sheet.writerow(columns)
            for row in rows:
                sheet.writerow([_cell(row[c]) for c in columns])

        return writer

    refuse_links(folder / name for name in FILES)
    write_atomically(folder / "register.json", as_json)
    write_atomically(folder / "documents.csv", as_csv(data["documents"], DOCUMENT_COLUMNS))
    write_atomically(
        folder / "dispensations.csv", as_csv(data["dispensations"], DISPENSATION_COLUMNS)
    )
    return list(FILES)
