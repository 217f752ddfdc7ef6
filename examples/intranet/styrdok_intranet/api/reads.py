"""The API's reads: the register, what falls due, dispensations, questions, what to read,
and who is calling. Lists are a page at a time from the database (``sida``, ``per_sida``);
a record comes with its revision as ``ETag`` and answers ``If-None-Match`` with 304.

Anyone may read the register, its dispensations and what falls due — as on the pages.
Questions name the person who asked, so they are shown only to that person, to those who
may answer them and to administrators; "mine" and "to decide" need a signed-in caller.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from styrdok import rules
from styrdok.enums import DispStatus
from styrdok.errors import NotFound
from styrdok.model import Person, Question
from styrdok.serialize import to_data
from styrdok_intranet import listing, reading
from styrdok_intranet.api.access import signed_in
from styrdok_intranet.api.context import registry, visible
from styrdok_intranet.api.http import (
    ApiProblem,
    choice,
    etag,
    json_response,
    page_response,
    with_etag,
)

#: ``urval`` of the dispensation list: all, the caller's own, or those they may decide.
DISPENSATION_SCOPES = ("alla", "mina", "att-besluta")
#: ``urval`` of the question list: asked by the caller, to the caller, or all (administrators).
QUESTION_SCOPES = ("mina", "till-mig", "alla")


def register(bp: Blueprint) -> None:
    """Add the read routes to ``bp``."""

    @bp.get("/api/v1/mig")
    def me() -> Response:
        """The calling person: a program's check that its token works."""
        return json_response(to_data(signed_in()))

    @bp.get("/api/v1/dokument")
    def documents() -> Response:
        """One page of the register, filtered as ``/`` (``q``, ``typ``, ``instans``,
        ``enhet``, ``status``, ``forsenad``)."""
        size = listing.page_size(request.args)
        found = listing.filtered(registry(), request.args, g.get("person"), per_page=size)
        return page_response(
            [to_data(d) for d in found.found.documents],
            found.found,
            "api_v1.documents",
            found.filters,
        )

    @bp.get("/api/v1/dokument/<ref>")
    def document(ref: str) -> Response:
        """One document as the register holds it now."""
        doc = visible(registry().get_document(ref))
        return _record(to_data(doc), doc.revision)

    @bp.get("/api/v1/aktuellt")
    def due() -> Response:
        """One page of what falls due within 60 days, overdue first."""
        size = listing.page_size(request.args)
        found = registry().due_page(
            within_days=rules.REVIEW_SOON_DAYS,
            page=listing.page_number(request.args),
            per_page=size,
        )
        return page_response([to_data(i) for i in found.items], found, "api_v1.due", {})

    @bp.get("/api/v1/dispenser")
    def dispensations() -> Response:
        """One page of dispensations, newest first: ``dokument``, ``status`` (comma-
        separated), ``urval`` (``alla``, ``mina``: requested by or responsible, or
        ``att-besluta``: those the caller may decide)."""
        scope = choice(request.args, "urval", DISPENSATION_SCOPES, "alla")
        person = signed_in() if scope != "alla" else None
        statuses = _statuses(request.args.get("status", ""))
        if scope == "att-besluta" and statuses is None:
            statuses = frozenset({DispStatus.REQUESTED})
        document_ref = request.args.get("dokument") or None
        found = registry().browse_dispensations(
            document=document_ref,
            statuses=statuses,
            person=person.ref if person and scope == "mina" else None,
            decider=person.ref if person and scope == "att-besluta" else None,
            page=listing.page_number(request.args),
            per_page=listing.page_size(request.args),
        )
        params = {
            "urval": scope if scope != "alla" else "",
            "status": request.args.get("status", ""),
            "dokument": document_ref or "",
        }
        return page_response(
            [to_data(d) for d in found.dispensations], found, "api_v1.dispensations", params
        )

    @bp.get("/api/v1/dispenser/<ref>")
    def dispensation(ref: str) -> Response:
        """One dispensation, with its revision as ``ETag``."""
        reg = registry()
        disp = reg.get_dispensation(ref)
        visible(reg.get_document(disp.document_ref))
        return _record(to_data(disp), disp.revision)

    @bp.get("/api/v1/fragor")
    def questions() -> Response:
        """One page of questions, newest first: ``urval`` (``mina``: asked by the caller,
        ``till-mig``: about documents they guard or own, ``alla``: administrators),
        ``dokument``, ``obesvarade=ja``."""
        person = signed_in()
        scope = choice(request.args, "urval", QUESTION_SCOPES, "mina")
        if scope == "alla" and not person.is_admin:
            raise ApiProblem(403, "forbidden", "Bara administratörer ser alla frågor.")
        unanswered = choice(request.args, "obesvarade", ("", "ja"), "") == "ja"
        document_ref = request.args.get("dokument") or None
        found = registry().browse_questions(
            document=document_ref,
            asked_by=person.ref if scope == "mina" else None,
            answerer=person.ref if scope == "till-mig" else None,
            open_only=unanswered,
            reader=person,
            page=listing.page_number(request.args),
            per_page=listing.page_size(request.args),
        )
        params = {
            "urval": scope,
            "dokument": document_ref or "",
            "obesvarade": "ja" if unanswered else "",
        }
        return page_response(
            [to_data(q) for q in found.questions], found, "api_v1.questions", params
        )

    @bp.get("/api/v1/fragor/<int:question_id>")
    def question(question_id: int) -> Response:
        """One question, for the person who asked it, those who may answer it and
        administrators (404 for anyone else, as for one that does not exist)."""
        person = signed_in()
        found = shown_question(question_id, person)
        return json_response(to_data(found))

    @bp.get("/api/v1/att-lasa")
    def to_read() -> Response:
        """What the caller is asked to read and has not confirmed."""
        person = signed_in()
        return json_response(reading.to_read_list(registry(), person.ref, "api_v1.confirm"))


def shown_question(question_id: int, person: Person) -> Question:
    """The question, if ``person`` may see it; :class:`NotFound` otherwise."""
    reg = registry()
    found = reg.get_question(question_id)
    doc = reg.get_document(found.document_ref)
    if not (person.is_admin or found.asked_by == person.ref or rules.may_answer(person.ref, doc)):
        raise NotFound(f"unknown question {question_id}")
    return found


def _record(data: object, revision: int) -> Response:
    """A record with its ETag, or 304 when the client already holds that revision."""
    if etag(revision) in _tags(request.headers.get("If-None-Match", "")):
        response = Response(status=304)
    else:
        response = json_response(data)
    return with_etag(response, revision)


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _statuses(text: str) -> frozenset[DispStatus] | None:
    """The statuses a ``status`` parameter names (comma-separated); 400 for an unknown one."""
    if not text:
        return None
    wanted = [part.strip() for part in text.split(",")]
    known = {s.value: s for s in DispStatus}
    unknown = [part for part in wanted if part not in known]
    if unknown:
        raise ApiProblem(
            400,
            "bad_parameter",
            f"Okänd status: {', '.join(unknown)}. Möjliga: {', '.join(known)}.",
        )
    return frozenset(known[part] for part in wanted)
