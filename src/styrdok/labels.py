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


def label(code: str, language: str = "sv") -> str:
    """The readable name of an enum value; unknown codes are shown as they are."""
    english = _LABELS.get(str(code))
    if english is None:
        return str(code)
    return translations(language).gettext(english)
