"""Rows ⇄ domain objects. The only place that knows both shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from styrdok import fields, weblinks
from styrdok.attachment import Attachment
from styrdok.audit import time_text
from styrdok.model import (
    Acknowledgement,
    AnnulledDecision,
    Annulment,
    Body,
    Decision,
    Dispensation,
    DispensationRules,
    Document,
    DocumentVersion,
    Evaluation,
    FaqEntry,
    FollowUp,
    Funding,
    Person,
    Question,
    Review,
    Unit,
)
from styrdok.serialize import from_data, to_data
from styrdok.store.rebuild import rebuilt
from styrdok.tokens import ApiToken

T = TypeVar("T")

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict


def person_to_row(person: Person) -> dict[str, Any]:
    return {
        "ref": person.ref,
        "name": person.name,
        "email": person.email,
        "unit": person.unit,
        "title": person.title,
        "is_admin": person.is_admin,
        "active": person.active,
        "unit_since": person.unit_since,
    }


@fields.reads_stored
def person_from_row(row: Row) -> Person:
    return Person(
        ref=row["ref"],
        name=row["name"],
        email=row["email"],
        unit=row["unit"],
        title=row["title"],
        is_admin=bool(row["is_admin"]),
        active=bool(row.get("active", True)),
        unit_since=row.get("unit_since"),
    )


def body_to_row(body: Body) -> dict[str, Any]:
    return {"ref": body.ref, "name": body.name, "level": body.level.value, "contact": body.contact}


@fields.reads_stored
def body_from_row(row: Row) -> Body:
    return Body(ref=row["ref"], name=row["name"], level=row["level"], contact=row["contact"])


def _rules_data(rules: DispensationRules) -> dict[str, Any]:
    # Written out (not via the generic serialiser): this runs for every imported document.
    return {
        "allowed": rules.allowed,
        "requirements": rules.requirements,
        "approvers": list(rules.approvers),
        "max_duration_days": rules.max_duration_days,
        "max_renewals": rules.max_renewals,
    }


def document_to_row(doc: Document) -> dict[str, Any]:
    return {
        "ref": doc.ref,
        "title": doc.title,
        "doc_type": doc.doc_type.value,
        "status": doc.status.value,
        "version": doc.version,
        "adopted_by": doc.adopted_by,
        "decided_on": doc.decided_on,
        "effective_from": doc.effective_from,
        "in_force_from": doc.in_force_from,
        "minute_ref": doc.minute_ref,
        "registry_number": doc.registry_number,
        "owner": doc.owner,
        "guardian": doc.guardian,
        "purpose": doc.purpose,
        "intended_effects": doc.intended_effects,
        "audience": doc.audience,
        "applies_to": list(doc.applies_to),
        "limits": doc.limits,
        "follow_up": (
            {"method": doc.follow_up.method, "by": doc.follow_up.by} if doc.follow_up else None
        ),
        "review_interval_months": doc.review_interval_months,
        "next_review_on": doc.next_review_on,
        "valid_until": doc.valid_until,
        "non_compliance": doc.non_compliance,
        "dispensation_rules": _rules_data(doc.dispensation_rules),
        "faq": [{"question": f.question, "answer": f.answer} for f in doc.faq],
        "parent": doc.parent,
        "supersedes": doc.supersedes,
        "related": list(doc.related),
        "text_url": doc.text_url,
        "text": doc.text,
        "word_count": doc.word_count,
        "reminder_offsets": list(doc.reminder_offsets) if doc.reminder_offsets else None,
        "ack_version": doc.ack_version,
        "draft": to_data(doc.draft) if doc.draft is not None else None,
        "revision": doc.revision,
    }


@fields.reads_stored
def document_from_row(row: Row) -> Document:
    follow_up = row["follow_up"]
    # Rebuilt, not constructed: what the store holds was checked when it was written.
    return rebuilt(
        Document,
        {
            "ref": row["ref"],
            "title": row["title"],
            "doc_type": row["doc_type"],
            "status": row["status"],
            "version": row["version"],
            "adopted_by": row["adopted_by"],
            "decided_on": row["decided_on"],
            "effective_from": row.get("effective_from"),
            "in_force_from": row.get("in_force_from"),
            "minute_ref": row["minute_ref"],
            "registry_number": row["registry_number"],
            "owner": row["owner"],
            "guardian": row["guardian"],
            "purpose": row["purpose"],
            "intended_effects": row["intended_effects"],
            "audience": row["audience"],
            "applies_to": row["applies_to"],
            "limits": row["limits"],
            "follow_up": _part(FollowUp, follow_up) if follow_up else None,
            "review_interval_months": row["review_interval_months"],
            "next_review_on": row["next_review_on"],
            "valid_until": row["valid_until"],
            "non_compliance": row["non_compliance"],
            "dispensation_rules": _rules(row["dispensation_rules"]),
            "faq": tuple(_part(FaqEntry, entry) for entry in row["faq"]),
            "parent": row["parent"],
            "supersedes": row["supersedes"],
            "related": row["related"],
            # Stored before URLs were checked: kept readable, never rendered as a link.
            "text_url": weblinks.stored_url(row["text_url"]),
            "text": row["text"],
            "word_count": row["word_count"],
            "reminder_offsets": row["reminder_offsets"],
            "ack_version": row.get("ack_version", 0),
            "draft": _draft(row.get("draft")),
            "revision": row["revision"],
        },
    )


_PART_FIELDS: dict[type, frozenset[str]] = {
    cls: frozenset(field.name for field in attrs.fields(cls))
    for cls in (DispensationRules, FaqEntry, FollowUp)
}


def _part(cls: type[T], data: dict[str, Any]) -> T:
    """A part of a document stored as a JSON object (a FAQ entry, the follow-up): rebuilt
    when it names every field, as every write does; constructed otherwise."""
    if data.keys() == _PART_FIELDS[cls]:
        return rebuilt(cls, data)
    return cls(**data)


def _rules(data: Any) -> DispensationRules:
    """A document's stored dispensation rules (a JSON object): rebuilt when it names every
    field, as every write since the column exists does; read in full otherwise."""
    if isinstance(data, dict) and data.keys() == _PART_FIELDS[DispensationRules]:
        return rebuilt(DispensationRules, data)
    return from_data(data, DispensationRules)


def _draft(data: Any) -> Document | None:
    """A stored draft revision (a JSON column, or ``None``)."""
    return None if data is None else from_data(_stored_snapshot(data), Document, where="$.draft")


def version_to_row(version: DocumentVersion) -> dict[str, Any]:
    return {
        "document_ref": version.document_ref,
        "version": version.version,
        "in_force_from": version.in_force_from,
        "in_force_until": version.in_force_until,
        "snapshot": to_data(version.snapshot),
        "annulled": to_data(version.annulled) if version.annulled else None,
    }


def _stored_snapshot(snapshot: Any) -> Any:
    """A version's snapshot as stored, its URL read as :func:`weblinks.stored_url` reads it."""
    if isinstance(snapshot, dict) and isinstance(snapshot.get("text_url"), str):
        return {**snapshot, "text_url": weblinks.stored_url(snapshot["text_url"])}
    return snapshot


@fields.reads_stored
def version_from_row(row: Row) -> DocumentVersion:
    return DocumentVersion(
        document_ref=row["document_ref"],
        version=row["version"],
        in_force_from=row["in_force_from"],
        in_force_until=row["in_force_until"],
        snapshot=from_data(_stored_snapshot(row["snapshot"]), Document),
        annulled=from_data(row["annulled"], Annulment) if row["annulled"] else None,
    )


def review_to_row(review: Review) -> dict[str, Any]:
    return {
        "document_ref": review.document_ref,
        "document_version": review.document_version,
        "reviewed_on": review.reviewed_on,
        "reviewer": review.reviewer,
        "outcome": review.outcome.value,
        "next_review_on": review.next_review_on,
        "notes": review.notes,
    }


@fields.reads_stored
def review_from_row(row: Row) -> Review:
    return Review(
        id=row["id"],
        document_ref=row["document_ref"],
        document_version=row["document_version"],
        reviewed_on=row["reviewed_on"],
        reviewer=row["reviewer"],
        outcome=row["outcome"],
        next_review_on=row["next_review_on"],
        notes=row["notes"],
    )


def dispensation_to_row(disp: Dispensation) -> dict[str, Any]:
    decision = disp.decision
    return {
        "ref": disp.ref,
        "document_ref": disp.document_ref,
        "clause": disp.clause,
        "scope": disp.scope,
        "limits": disp.limits,
        "applies_to": list(disp.applies_to),
        "justification": disp.justification,
        "conditions": disp.conditions,
        "requested_by": disp.requested_by,
        "requested_on": disp.requested_on,
        "responsible": disp.responsible,
        "funded_by": disp.funding.funded_by,
        "estimated_cost": disp.funding.estimated_cost,
        "currency": disp.funding.currency,
        "no_extra_cost": disp.funding.no_extra_cost,
        "funding_note": disp.funding.note,
        "valid_from": disp.valid_from,
        "valid_until": disp.valid_until,
        "status": disp.status.value,
        "decided_by": decision.by if decision else None,
        "decided_on": decision.on if decision else None,
        "decision_reasoning": decision.reasoning if decision else "",
        "delegated": decision.delegated if decision else False,
        "reported_to": decision.reported_to if decision else None,
        "renewal_of": disp.renewal_of,
        "ended_on": disp.ended_on,
        "ended_by": disp.ended_by,
        "end_reason": disp.end_reason,
        "evaluation": to_data(disp.evaluation) if disp.evaluation else None,
        "annulled": to_data(disp.annulled),
        "revision": disp.revision,
    }


@fields.reads_stored
def dispensation_from_row(row: Row) -> Dispensation:
    decision = None
    if row["decided_by"] is not None:
        decision = Decision(
            by=row["decided_by"],
            on=row["decided_on"],
            reasoning=row["decision_reasoning"],
            delegated=bool(row["delegated"]),
            reported_to=row["reported_to"],
        )
    evaluation = row["evaluation"]
    # Rebuilt, not constructed: what the store holds was checked when it was written.
    return rebuilt(
        Dispensation,
        {
            "ref": row["ref"],
            "document_ref": row["document_ref"],
            "clause": row["clause"],
            "scope": row["scope"],
            "limits": row["limits"],
            "applies_to": row["applies_to"],
            "justification": row["justification"],
            "conditions": row["conditions"],
            "requested_by": row["requested_by"],
            "requested_on": row["requested_on"],
            "responsible": row["responsible"],
            "funding": Funding(
                funded_by=row["funded_by"],
                estimated_cost=row["estimated_cost"],
                currency=row["currency"],
                no_extra_cost=bool(row["no_extra_cost"]),
                note=row["funding_note"],
            ),
            "valid_from": row["valid_from"],
            "valid_until": row["valid_until"],
            "status": row["status"],
            "decision": decision,
            "renewal_of": row["renewal_of"],
            "ended_on": row["ended_on"],
            "end_reason": row["end_reason"],
            "ended_by": row.get("ended_by"),
            "evaluation": from_data(evaluation, Evaluation) if evaluation else None,
            "annulled": tuple(from_data(a, AnnulledDecision) for a in row["annulled"]),
            "revision": row["revision"],
        },
    )


def question_to_row(question: Question) -> dict[str, Any]:
    return {
        "document_ref": question.document_ref,
        "asked_by": question.asked_by,
        "asked_on": question.asked_on,
        "text": question.text,
        "answer": question.answer,
        "answered_by": question.answered_by,
        "answered_on": question.answered_on,
        "promoted_to_faq": question.promoted_to_faq,
    }


@fields.reads_stored
def question_from_row(row: Row) -> Question:
    return Question(
        id=row["id"],
        document_ref=row["document_ref"],
        asked_by=row["asked_by"],
        asked_on=row["asked_on"],
        text=row["text"],
        answer=row["answer"],
        answered_by=row["answered_by"],
        answered_on=row["answered_on"],
        promoted_to_faq=bool(row["promoted_to_faq"]),
    )


def unit_to_row(unit: Unit) -> dict[str, Any]:
    return {
        "ref": unit.ref,
        "name": unit.name,
        "kind": unit.kind.value,
        "parent": unit.parent,
        "manager": unit.manager,
    }


@fields.reads_stored
def unit_from_row(row: Row) -> Unit:
    return Unit(
        ref=row["ref"],
        name=row["name"],
        kind=row["kind"],
        parent=row["parent"],
        manager=row["manager"],
    )


def acknowledgement_to_row(ack: Acknowledgement) -> dict[str, Any]:
    return {
        "document_ref": ack.document_ref,
        "person": ack.person,
        "version": ack.version,
        # Fixed-width UTC text, as the audit log keeps time: it sorts as it reads.
        "at": time_text(ack.at),
        "channel": ack.channel.value,
    }


@fields.reads_stored
def acknowledgement_from_row(row: Row) -> Acknowledgement:
    return Acknowledgement(
        person=row["person"],
        document_ref=row["document_ref"],
        version=row["version"],
        at=dt.datetime.fromisoformat(row["at"]),
        channel=row["channel"],
    )


def attachment_to_row(attachment: Attachment, text: str) -> dict[str, Any]:
    """The row of an attachment and the text read from its file (without its ``id``: the
    store numbers it, or a restore adds the one it had)."""
    return {
        "document_ref": attachment.document_ref,
        "name": attachment.name,
        "title": attachment.title,
        "kind": attachment.kind.value,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "added_by": attachment.added_by,
        "added_at": time_text(attachment.added_at),
        "text": text,
    }


@fields.reads_stored  # a value an earlier, looser rule let in is kept, not refused
def attachment_from_row(row: Row) -> Attachment:
    return Attachment(
        document_ref=row["document_ref"],
        name=row["name"],
        title=row["title"],
        kind=row["kind"],
        media_type=row["media_type"],
        size=row["size"],
        sha256=row["sha256"],
        added_by=row["added_by"],
        added_at=dt.datetime.fromisoformat(row["added_at"]),
        id=row["id"],
    )


def token_to_row(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "person": token.person,
        "name": token.name,
        "digest": token.digest,
        # Fixed-width UTC text, as the audit log keeps time: it sorts as it reads.
        "created_at": time_text(token.created_at),
        "expires_on": token.expires_on,
        "revoked_at": time_text(token.revoked_at) if token.revoked_at else None,
        "last_used_on": token.last_used_on,
    }


@fields.reads_stored
def token_from_row(row: Row) -> ApiToken:
    revoked_at = row["revoked_at"]
    return ApiToken(
        id=row["id"],
        person=row["person"],
        name=row["name"],
        digest=row["digest"],
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        expires_on=row["expires_on"],
        revoked_at=dt.datetime.fromisoformat(revoked_at) if revoked_at else None,
        last_used_on=row["last_used_on"],
    )
