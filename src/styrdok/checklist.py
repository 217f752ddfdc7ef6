"""The LEDA checklist for governing documents, as pure functions.

The report styrdok grew from says a governing document should state why it exists and the
effects it should achieve, be written for a named audience, say how it is followed up and by
whom, how non-compliance is handled and how exemptions are granted, have a guardian who
referees questions, answer the common questions, be kept short ("less is more") and be
revisited on a set date. Each of those is one check here.

Dispensations also teach: a rule that keeps being departed from may need to change. Those
signals are flagged for the document's next review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from styrdok.config import DEFAULT_MAX_WORDS
from styrdok.enums import DocStatus
from styrdok.model import GRANTED_STATUSES, Dispensation, Document

#: ``doc check --all`` checks drafts and documents in force: those still worth improving.
#: Superseded, repealed and lapsed documents are history, not work to do.
CHECKED_STATUSES = frozenset({DocStatus.DRAFT, DocStatus.IN_FORCE})

#: This many dispensations against one clause, or renewals of one, suggest the rule is wrong.
REPEATS_THAT_SUGGEST_CHANGE = 3


@attrs.frozen
class Check:
    """One point of the checklist and whether the document meets it."""

    name: str
    passed: bool
    finding: str
    """What to do when it is not met."""


@attrs.frozen
class CheckResult:
    """A document against the checklist, plus plugins' findings and lessons learnt."""

    ref: str
    checks: tuple[Check, ...]
    extra: tuple[str, ...] = ()
    """Findings from plugins (``styrdok_check_document``) and from dispensations."""

    @property
    def score(self) -> str:
        """Checks passed out of all, as text: ``7/9``."""
        return f"{sum(c.passed for c in self.checks)}/{len(self.checks)}"

    @property
    def findings(self) -> list[str]:
        """What to fix: each failed check's finding, then :attr:`extra`."""
        return [c.finding for c in self.checks if not c.passed] + list(self.extra)


def is_checked(document: Document) -> bool:
    """Whether a check of the whole register (``doc check --all``) includes ``document``."""
    return document.status in CHECKED_STATUSES


def checklist(
    document: Document, *, max_words: int = DEFAULT_MAX_WORDS, review_date_at_adoption: bool = False
) -> tuple[Check, ...]:
    """The LEDA checklist for one document. ``review_date_at_adoption``: a draft with a
    review interval gets its first review date when it is adopted, so it is not missing."""
    rules = document.dispensation_rules
    has_review = (
        document.next_review_on is not None
        or document.valid_until is not None
        or (review_date_at_adoption and bool(document.review_interval_months))
    )
    words = document.word_count
    return (
        Check("purpose", bool(document.purpose), "state why the document exists (purpose)"),
        Check(
            "intended effects",
            bool(document.intended_effects),
            "state the effects it should achieve",
        ),
        Check("audience", bool(document.audience), "name the audience it is written for"),
        Check(
            "follow-up", document.follow_up is not None, "decide how it is followed up and by whom"
        ),
        Check("non-compliance", bool(document.non_compliance), "say how non-compliance is handled"),
        Check(
            "dispensation process",
            not rules.allowed or bool(rules.requirements),
            "dispensations are allowed: say what a request must show",
        ),
        Check(
            "guardian",
            document.guardian is not None,
            "appoint a guardian (väktare) to referee questions",
        ),
        Check("faq", bool(document.faq), "answer the most common questions (FAQ)"),
        Check(
            "brevity",
            words is not None and words <= max_words,
            f"keep it short: {words} words, more than {max_words}"
            if words
            else "record its length (word count) so brevity can be followed up",
        ),
        Check("review date", has_review, "set a review date or a valid-until date"),
    )


def lessons(dispensations: Sequence[Dispensation]) -> list[str]:
    """Signals from a document's dispensations that the rule itself may need to change."""
    found: list[str] = []
    granted = [d for d in dispensations if d.status in GRANTED_STATUSES]
    by_clause = Counter(d.clause for d in granted if d.clause)
    for clause, count in sorted(by_clause.items()):
        if count >= REPEATS_THAT_SUGGEST_CHANGE:
            found.append(
                f"the rule may need to change: {count} dispensations from clause {clause!r}"
            )
    chains = _renewal_counts(granted)
    for ref, renewals in sorted(chains.items()):
        if renewals >= REPEATS_THAT_SUGGEST_CHANGE - 1:
            found.append(f"the rule may need to change: {ref} has been renewed {renewals} times")
    suggested = [d.ref for d in granted if d.evaluation and d.evaluation.rule_change_suggested]
    if suggested:
        found.append(
            f"the rule may need to change: evaluations of {', '.join(suggested)} suggest so"
        )
    return found


def _renewal_counts(dispensations: Iterable[Dispensation]) -> dict[str, int]:
    """For each original dispensation, how many times it has been renewed."""
    parent = {d.ref: d.renewal_of for d in dispensations}
    counts: Counter[str] = Counter()
    for ref, renewal_of in parent.items():
        if renewal_of is None:
            continue
        root, seen = ref, set()
        while parent.get(root) is not None and root not in seen:
            seen.add(root)
            root = parent[root]  # type: ignore[assignment]
        counts[root] += 1
    return dict(counts)
