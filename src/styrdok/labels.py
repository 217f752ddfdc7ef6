"""What the registry's codes are called in the language people read (the glossary of
DESIGN.md backwards): ``action_plan`` is *handlingsplan* in Swedish, *action plan* in
English. Used by the command line's tables, the HTML report and intranet pages; every value
of every enumeration has a label (a test checks)."""

from __future__ import annotations

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


#: The catalog context of :data:`FIELDS` ("title" is a person's job title elsewhere).
FIELD_CONTEXT = "document field"

#: A document's fields by name, as a version comparison names them (nested ones dotted);
#: taken into the catalog under :data:`FIELD_CONTEXT` by ``python -m styrdok.i18n``.
FIELDS = {
    "title": "title",
    "doc_type": "type",
    "owner": "owner",
    "guardian": "guardian",
    "status": "status",
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
    "parent": "parent document",
    "supersedes": "supersedes",
    "related": "related documents",
    "text_url": "link to the full text",
    "text": "text",
    "word_count": "word count",
    "dispensation_rules.allowed": "dispensations allowed",
    "dispensation_rules.requirements": "requirements for a dispensation",
    "dispensation_rules.approvers": "may approve dispensations",
    "dispensation_rules.max_duration_days": "longest dispensation (days)",
    "dispensation_rules.max_renewals": "renewals allowed",
    "reminder_offsets": "reminders (days before)",
}


def field_label(name: str, language: str = "sv") -> str:
    """A document field's name as people read it (``next_review_on``: *nästa
    aktualitetsprövning*); a field not listed (a list entry, ``faq[0].answer``) as it is."""
    english = FIELDS.get(name)
    return name if english is None else translations(language).pgettext(FIELD_CONTEXT, english)


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
