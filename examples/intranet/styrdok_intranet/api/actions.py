"""The API's changes: request, decide, withdraw, renew and evaluate a dispensation; ask and
answer a question; confirm having read a document. Each is one call to the registry, which
applies every rule (separation of duties, longest allowed duration, renewals …) exactly as
for the CLI and the pages; this module only turns JSON into arguments and the registry's
answer into HTTP.

A change to a dispensation that exists must carry its revision in ``If-Match`` (see
:mod:`.http`); a new record answers 201 with its address in ``Location``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, url_for

from styrdok.dispensation import Dispensation, DispensationRequest
from styrdok.errors import Conflict, InvalidValue
from styrdok.serialize import from_data, to_data
from styrdok_intranet import reading
from styrdok_intranet.api.access import signed_in
from styrdok_intranet.api.context import registry, visible
from styrdok_intranet.api.http import (
    ApiProblem,
    bool_member,
    if_match,
    json_body,
    json_response,
    known_members,
    text_member,
    with_etag,
)
from styrdok_intranet.api.reads import shown_question
from styrdok_intranet.errors import registry_reason, request_language

#: What a decision may be, and the registry's use case for each.
OUTCOMES = ("approved", "rejected", "revoked", "closed")


def register(bp: Blueprint) -> None:
    """Add the routes that change the register to ``bp``."""

    @bp.post("/api/v1/dispenser")
    def request_dispensation() -> Response:
        """Request a dispensation: the body is a ``DispensationRequest``."""
        person = signed_in()
        data = json_body()
        wanted = from_data(data, DispensationRequest)
        disp = registry().request_dispensation(wanted, actor=person.ref)
        return _created(disp)

    @bp.post("/api/v1/dispenser/<ref>/beslut")
    def decide(ref: str) -> Response:
        """Decide a request (``approved``, ``rejected``) or end a dispensation in effect
        early (``revoked``, ``closed``), with the reasoning."""
        person = signed_in()
        data = json_body()
        known_members(data, ("outcome", "reasoning", "delegated", "reported_to"))
        outcome = data.get("outcome")
        if outcome not in OUTCOMES:
            raise ApiProblem(400, "bad_member", f"outcome ska vara ett av: {', '.join(OUTCOMES)}.")
        reasoning = text_member(data, "reasoning", required=outcome != "approved")
        delegated = bool_member(data, "delegated")
        reported_to = text_member(data, "reported_to") or None
        revision = _visible_revision(ref)
        reg = registry()

        def decided() -> Dispensation:
            if outcome == "approved":
                return reg.approve_dispensation(
                    ref,
                    actor=person.ref,
                    reasoning=reasoning,
                    delegated=delegated,
                    reported_to=reported_to,
                    expected_revision=revision,
                )
            if delegated or reported_to:
                raise ApiProblem(
                    400, "bad_member", "delegated och reported_to hör bara till ett bifall."
                )
            if outcome == "rejected":
                return reg.reject_dispensation(
                    ref, actor=person.ref, reasoning=reasoning, expected_revision=revision
                )
            end = reg.revoke_dispensation if outcome == "revoked" else reg.close_dispensation
            return end(ref, actor=person.ref, reason=reasoning, expected_revision=revision)

        return _updated(decided)

    @bp.post("/api/v1/dispenser/<ref>/atertagande")
    def withdraw(ref: str) -> Response:
        """Withdraw a request that has not been decided (the requester or an administrator)."""
        person = signed_in()
        data = json_body()
        known_members(data, ("reason",))
        reason = text_member(data, "reason")
        revision = _visible_revision(ref)
        return _updated(
            lambda: registry().withdraw_dispensation(
                ref, actor=person.ref, reason=reason, expected_revision=revision
            )
        )

    @bp.post("/api/v1/dispenser/<ref>/fornyelse")
    def renew(ref: str) -> Response:
        """Request a renewal: a new linked request that starts the day after ``ref`` ends."""
        person = signed_in()
        data = json_body()
        known_members(data, ("valid_until", "justification"))
        until = _day(data, "valid_until")
        justification = text_member(data, "justification") or None
        _shown(ref)
        disp = registry().renew_dispensation(
            ref, actor=person.ref, valid_until=until, justification=justification
        )
        return _created(disp)

    @bp.post("/api/v1/dispenser/<ref>/utvardering")
    def evaluate(ref: str) -> Response:
        """Record the evaluation of a dispensation that has ended."""
        person = signed_in()
        data = json_body()
        known_members(data, ("outcome", "lessons", "rule_change_suggested"))
        outcome = text_member(data, "outcome", required=True)
        lessons = text_member(data, "lessons")
        suggested = bool_member(data, "rule_change_suggested")
        revision = _visible_revision(ref)
        return _updated(
            lambda: registry().evaluate_dispensation(
                ref,
                actor=person.ref,
                outcome=outcome,
                lessons=lessons,
                rule_change_suggested=suggested,
                expected_revision=revision,
            )
        )

    @bp.post("/api/v1/dokument/<ref>/fragor")
    def ask(ref: str) -> Response:
        """Ask the document's guardian a question."""
        person = signed_in()
        data = json_body()
        known_members(data, ("text",))
        text = text_member(data, "text", required=True)
        visible(registry().get_document(ref))
        question = registry().ask(ref, text, actor=person.ref)
        response = json_response(to_data(question), 201)
        response.headers["Location"] = url_for("api_v1.question", question_id=question.id)
        return response

    @bp.post("/api/v1/fragor/<int:question_id>/svar")
    def answer(question_id: int) -> Response:
        """Answer a question (its guardian or owner); ``promote_to_faq`` also adds it to the
        document's FAQ."""
        person = signed_in()
        data = json_body()
        known_members(data, ("answer", "promote_to_faq"))
        text = text_member(data, "answer", required=True)
        promote = bool_member(data, "promote_to_faq")
        shown_question(question_id, person)
        question = registry().answer(question_id, text, actor=person.ref, promote_to_faq=promote)
        return json_response(to_data(question))

    @bp.post("/api/v1/dokument/<ref>/bekraftelse")
    def confirm(ref: str) -> Response:
        """Confirm ``{"version": N}`` of a document: 201 with the acknowledgement, 200 when
        that version was already confirmed, 409 when it is no longer the one in force."""
        person = signed_in()
        data = json_body()
        known_members(data, ("version",))
        version = reading.json_version(data)
        if version is None:
            raise ApiProblem(
                400, "bad_member", 'Ange versionen du läste som ett heltal från 1: {"version": N}.'
            )
        reg = registry()
        doc = visible(reg.get_document(ref))
        try:
            ack, created = reading.confirm_json(reg, person.ref, doc, version)
        except reading.NotConfirmed as refused:
            raise ApiProblem(
                refused.refusal.status,
                "not_confirmed",
                refused.refusal.message,
                reason=refused.refusal.detail,
                version=refused.document.version,
                document_status=refused.document.status.value,
            ) from None
        return json_response(to_data(ack), 201 if created else 200)


def _visible_revision(ref: str) -> int | None:
    """The revision ``If-Match`` names for dispensation ``ref`` (``None`` for ``*``), once
    the dispensation is known to exist and be shown: a 404 comes before a 428."""
    disp = _shown(ref)
    revision = if_match()
    # The precondition before anything else (RFC 9110, 13.2.2): a client that read an older
    # revision learns that first, not that the step no longer fits the new state. The
    # registry checks it again in the transaction, for a change that lands in between.
    if revision is not None and revision != disp.revision:
        raise ApiProblem(
            412,
            "precondition_failed",
            f"{ref} har ändrats sedan du hämtade den (du hade r{revision}, nu r"
            f"{disp.revision}). Hämta den igen och försök på nytt.",
        )
    return revision


def _shown(ref: str) -> Dispensation:
    """Dispensation ``ref`` as it is now; :class:`NotFound` unless it exists and its
    document is shown to the caller."""
    reg = registry()
    disp = reg.get_dispensation(ref)
    visible(reg.get_document(disp.document_ref))
    return disp


def _updated(change: Callable[[], Dispensation]) -> Response:
    """The dispensation after ``change`` with its new ETag; 412 when it changed since the
    revision the client named."""
    try:
        disp = change()
    except Conflict as exc:
        raise ApiProblem(
            412, "precondition_failed", registry_reason(exc, request_language())
        ) from None
    return with_etag(json_response(to_data(disp)), disp.revision)


def _created(disp: Dispensation) -> Response:
    """201 with the new dispensation, its address and its ETag."""
    response = json_response(to_data(disp), 201)
    response.headers["Location"] = url_for("api_v1.dispensation", ref=disp.ref)
    return with_etag(response, disp.revision)


def _day(data: dict[str, Any], name: str) -> dt.date:
    """The date member ``name`` (``YYYY-MM-DD``); 400 otherwise."""
    value = data.get(name)
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else _no_day(name)
    except ValueError:
        return _no_day(name)


def _no_day(name: str) -> dt.date:
    raise InvalidValue(f"{name}: expected a date YYYY-MM-DD")
