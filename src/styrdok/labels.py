"""What the registry's codes and fields are called in the language people read (the
glossary of DESIGN.md backwards): ``action_plan`` is *handlingsplan* in Swedish, *action
plan* in English; ``next_review_on`` is *nästa aktualitetsprövning*, *next review*. Used by
the command line's tables and records, the HTML report and intranet pages; every value of
every enumeration has a label (a test checks)."""

from __future__ import annotations

import re

from styrdok.i18n import translations


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it yet."""
    return message


_LABELS = {
    # DocType
    "policy": N_("policy"),
    "strategy": N_("strategy"),
    "programme": N_("programme"),
    "plan": N_("plan"),
    "action_plan": N_("action plan"),
    "guideline": N_("guideline"),
    "rule": N_("rule"),
    "routine": N_("routine"),
    "instruction": N_("instruction"),
    "charter": N_("charter"),
    "ordinance": N_("ordinance"),
    "tariff": N_("tariff"),
    # BodyLevel
    "council": N_("council"),
    "executive_board": N_("executive board"),
    "committee": N_("committee"),
    "administration": N_("administration"),
    "unit": N_("unit"),
    # DocStatus
    "draft": N_("draft"),
    "in_force": N_("in force"),
    "superseded": N_("superseded"),
    "repealed": N_("repealed"),
    "lapsed": N_("lapsed"),
    # DispStatus
    "requested": N_("requested"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
    "closed": N_("closed"),
    "withdrawn": N_("withdrawn"),
    # ReviewOutcome
    "confirmed": N_("confirmed"),
    "revise": N_("to be revised"),
    "repeal": N_("to be repealed"),
    # DueKind, and NoticeKind (why someone is reminded)
    "review": N_("review"),
    "document_expiry": N_("document ends"),
    "dispensation_expiry": N_("dispensation ends"),
    "overdue": N_("review overdue"),
    "escalation": N_("review long overdue"),
    "escalation_manager": N_("review long overdue in your unit"),
    "evaluation": N_("evaluation"),
    "read": N_("to read and confirm"),
    "read_manager": N_("not yet read in your unit"),
    "request": N_("request to decide"),
    "renewal_request": N_("renewal to decide"),
    "request_withdrawn": N_("request withdrawn"),
    "request_waiting": N_("request still waiting"),
    "request_escalation": N_("request waiting long"),
    "question": N_("question to answer"),
    "question_waiting": N_("question still waiting"),
    "question_escalation": N_("question waiting long"),
    "answer": N_("answer to your question"),
    # Disposition
    "end": N_("end"),
    "move": N_("move to the successor"),
    # UnitKind ("administration" and "unit" are BodyLevel's words too)
    "municipality": N_("municipality or region"),
    "department": N_("department"),
    # AckChannel
    "intranet": N_("intranet"),
    "api": N_("integration"),
    "email": N_("e-mail link"),
    "cli": N_("command line"),
    # FileKind
    "decision": N_("decision"),
    "appendix": N_("appendix"),
    "template": N_("template"),
}


#: What each audit event records, as a table shows it (``styrdok.events`` names them).
_ACTIONS = {
    "person.add": N_("person added"),
    "person.anonymise": N_("person anonymised"),
    "person.import": N_("person imported"),
    "person.edit": N_("person edited"),
    "person.notices": N_("choice of notices changed"),
    "person.handover": N_("duties handed over"),
    "body.add": N_("body added"),
    "body.import": N_("body imported"),
    "body.edit": N_("body edited"),
    "unit.add": N_("unit added"),
    "unit.edit": N_("unit edited"),
    "unit.map": N_("units mapped"),
    "unit.import": N_("unit imported"),
    "staff.sync": N_("staff list applied"),
    "token.create": N_("API token created"),
    "token.revoke": N_("API token revoked"),
    "document.add": N_("added as a draft"),
    "document.edit": N_("edited"),
    "document.adopt": N_("adopted"),
    "document.supersede": N_("superseded"),
    "document.review": N_("reviewed"),
    "document.repeal": N_("repealed"),
    "document.lapse": N_("lapsed"),
    "document.annul": N_("adoption annulled"),
    "document.faq": N_("FAQ entry added"),
    "document.faq_edit": N_("FAQ entry reworded"),
    "document.faq_remove": N_("FAQ entry removed"),
    "document.import": N_("document imported"),
    "document.import_version": N_("version imported"),
    "document.import_review": N_("review imported"),
    "document.acknowledge": N_("read and confirmed"),
    "document.import_acknowledgement": N_("read confirmation imported"),
    "document.ask_to_read": N_("asked to be read"),
    "attachment.add": N_("file attached"),
    "attachment.remove": N_("file detached"),
    "attachment.import": N_("file imported"),
    "dispensation.request": N_("dispensation requested"),
    "dispensation.renew": N_("renewal requested"),
    "dispensation.approve": N_("dispensation approved"),
    "dispensation.reject": N_("dispensation rejected"),
    "dispensation.revoke": N_("dispensation revoked"),
    "dispensation.close": N_("dispensation closed"),
    "dispensation.move": N_("dispensation moved"),
    "dispensation.expire": N_("dispensation expired"),
    "dispensation.evaluate": N_("dispensation evaluated"),
    "dispensation.import": N_("dispensation imported"),
    "dispensation.reassign": N_("new person responsible"),
    "dispensation.withdraw": N_("request withdrawn"),
    "dispensation.annul": N_("decision annulled"),
    "question.ask": N_("question asked"),
    "question.answer": N_("question answered"),
    "question.import": N_("question imported"),
    "registry.import": N_("export loaded"),
    "audit.rekey": N_("audit log keyed"),
}


#: The catalog context of :data:`FIELDS`: a word may be translated otherwise elsewhere.
FIELD_CONTEXT = "field"

#: A record's fields by name, as a record's lines (``doc show``, ``disp show``, ``person
#: show`` …) and a version comparison name them: nested ones dotted, an entry of a list as
#: ``name[].field`` (``{number}`` is its place in the list) and a list's entries as a whole
#: as ``name[]``. Taken into the catalog under :data:`FIELD_CONTEXT` by
#: ``python -m styrdok.i18n``.
FIELDS = {
    # Document
    "ref": "reference",
    "title": "title",
    "doc_type": "type",
    "owner": "owner",
    "guardian": "guardian",
    "status": "status",
    "version": "version",
    "adopted_by": "adopted by",
    "decided_on": "decision date",
    "effective_from": "effective from",
    "in_force_from": "in force since",
    "minute_ref": "minute",
    "registry_number": "registry number",
    "purpose": "purpose",
    "intended_effects": "intended effects",
    "audience": "audience",
    "applies_to": "applies to",
    "limits": "limits",
    "follow_up.method": "follow-up, how",
    "follow_up.by": "follow-up, by whom",
    "review_interval_months": "review interval (months)",
    "next_review_on": "next review",
    "valid_until": "valid until",
    "non_compliance": "if the rule is not followed",
    "faq": "FAQ",
    "faq[].question": "question {number}",
    "faq[].answer": "answer {number}",
    "parent": "parent document",
    "supersedes": "supersedes",
    "related": "related documents",
    "text_url": "link to the full text",
    "text": "text",
    "word_count": "word count",
    "ack_version": "read confirmation of version",
    "draft": "draft revision",
    "revision": "revision",
    "dispensation_rules.allowed": "dispensations allowed",
    "dispensation_rules.requirements": "requirements for a dispensation",
    "dispensation_rules.approvers": "may approve dispensations",
    "dispensation_rules.max_duration_days": "longest dispensation (days)",
    "dispensation_rules.max_renewals": "renewals allowed",
    "reminder_offsets": "reminders (days before)",
    # DocumentVersion (its snapshot's fields are the document's)
    "document_ref": "document",
    "in_force_until": "no longer in force from",
    "annulled.by": "adoption annulled by",
    "annulled.on": "adoption annulled on",
    "annulled.reason": "why the adoption was annulled",
    # Dispensation
    "scope": "scope",
    "requested_by": "requested by",
    "requested_on": "requested on",
    "responsible": "responsible",
    "valid_from": "valid from",
    "funding.funded_by": "funded by",
    "funding.estimated_cost": "estimated cost",
    "funding.currency": "currency",
    "funding.no_extra_cost": "no extra cost",
    "funding.note": "funding, note",
    "clause": "clause",
    "justification": "justification",
    "conditions": "conditions",
    "decision.by": "decided by",
    "decision.on": "decision date",
    "decision.reasoning": "reasons for the decision",
    "decision.delegated": "decided under delegation",
    "decision.reported_to": "reported to",
    "renewal_of": "renews",
    "ended_on": "ended on",
    "end_reason": "why it ended",
    "ended_by": "ended by",
    "evaluation.by": "evaluated by",
    "evaluation.on": "evaluated on",
    "evaluation.outcome": "outcome",
    "evaluation.lessons": "lessons learned",
    "evaluation.rule_change_suggested": "rule change suggested",
    "annulled[]": "annulled decision {number}",
    "annulment.by": "annulled by",
    "annulment.on": "annulled on",
    "annulment.reason": "why it was annulled",
    # Person, Body
    "name": "name",
    "email": "e-mail",
    "unit": "unit",
    "is_admin": "administrator",
    "active": "active",
    "unit_since": "in the unit since",
    "level": "level",
    "contact": "contact",
    # A unit as `unit show` shows it
    "kind": "kind",
    "path": "place in the organisation",
    "manager": "manager",
    "units_under": "units under it",
    "staff": "staff",
    "staff_with_units_under": "staff with the units under it",
}

#: Fields named otherwise in one kind of record, by the record's class: a person's title
#: is a job title; a version's dates are the version's, not the document's.
FIELDS_OF = {
    "Person": {"title": "job title"},
    "DocumentVersion": {
        "in_force_from": "version in force from",
        "in_force_until": "version no longer in force from",
    },
}

#: Nested records whose fields are named as the record's own: a version's
#: ``snapshot.title`` is the document's title.
_SHOWN_AS_OWN = ("snapshot.",)

#: An entry of a list among flattened names: ``faq[2].answer``.
_ENTRY = re.compile(r"(?P<head>[^\[\]]+)\[(?P<number>\d+)\]\.(?P<tail>.+)")


def field_label(name: str, language: str = "sv", *, record: str | None = None) -> str:
    """A record's field as people read it (``next_review_on``: *nästa
    aktualitetsprövning*; ``faq[2].answer``: *svar 2*); ``record``, the record's class name,
    for a field it names otherwise (a ``Person``'s title is a job title). A field not
    listed (a plugin's) as it is."""
    english = FIELDS_OF.get(record or "", {}).get(name) or FIELDS.get(name)
    if english is not None:
        return _field(english, language)
    for prefix in _SHOWN_AS_OWN:
        if name.startswith(prefix):
            return field_label(name.removeprefix(prefix), language)
    entry = _ENTRY.fullmatch(name)
    if entry is None:
        return name
    head, number, tail = entry["head"], entry["number"], entry["tail"]
    whole = FIELDS.get(f"{head}[].{tail}")
    if whole is not None:
        return _field(whole, language).format(number=number)
    entries = FIELDS.get(f"{head}[]")
    if entries is None:
        return name
    shown = _field(entries, language).format(number=number)
    return f"{shown}, {field_label(tail, language, record=record)}"


def _field(english: str, language: str) -> str:
    return translations(language).pgettext(FIELD_CONTEXT, english)


def field_names() -> list[str]:
    """Every field name of :data:`FIELDS` and :data:`FIELDS_OF`, in English: the catalog's."""
    names = [*FIELDS.values()]
    for fields in FIELDS_OF.values():
        names += fields.values()
    return list(dict.fromkeys(names))


def action_label(action: str, language: str = "sv") -> str:
    """What an audit event records (``document.adopt``: *antaget*, *adopted*); an action
    not listed (a plugin's) is shown as it is."""
    english = _ACTIONS.get(action)
    return action if english is None else translations(language).gettext(english)


def label(code: str, language: str = "sv") -> str:
    """The readable name of an enum value; unknown codes are shown as they are."""
    english = _LABELS.get(str(code))
    if english is None:
        return str(code)
    return translations(language).gettext(english)
