"""A change to a governing document as someone asks for it: only the parts given change.

A command line or a form collects what the user gave into a :class:`DocumentEdit`; the core
turns it into the new document. Nested values are merged with the document as it stands: a
new follow-up method keeps who follows it up, one new dispensation limit keeps the other
rules. So every face edits documents the same way and none of them decides what an edit
means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from styrdok import fields
from styrdok.enums import DocType
from styrdok.errors import InvalidValue
from styrdok.model import DispensationRules, Document, FaqEntry, FollowUp
from styrdok.rules import EDITABLE_FIELDS

#: Editable fields a document may be without (``None``): ``doc edit --clear`` offers these.
CLEARABLE_FIELDS = frozenset(
    {
        "guardian",
        "registry_number",
        "follow_up",
        "review_interval_months",
        "next_review_on",
        "valid_until",
        "parent",
        "supersedes",
        "text_url",
        "word_count",
        "reminder_offsets",
    }
)

# --- field checks ------------------------------------------------------------------------
# Only the kind of each value is checked here, so a wrong kind is an InvalidValue naming the
# field and never a TypeError; what a value may contain is the Document's to check.


def _kind(kind: type, what: str) -> Any:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        wrong_bool = isinstance(value, bool) and kind is not bool
        wrong_date = isinstance(value, dt.datetime) and kind is dt.date
        if not isinstance(value, kind) or wrong_bool or wrong_date:
            raise InvalidValue(f"{attribute.name}: expected {what}, got {type(value).__name__}")

    return check


_TEXT = _kind(str, "text")
_NUMBER = _kind(int, "a whole number")
_DATE = _kind(dt.date, "a date")
_FLAG = _kind(bool, "true or false")


def _list_of(kind: type, what: str) -> Any:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, tuple):
            raise InvalidValue(f"{attribute.name}: expected a list, got {type(value).__name__}")
        for item in value:
            if not isinstance(item, kind) or (isinstance(item, bool) and kind is not bool):
                raise InvalidValue(
                    f"{attribute.name}: expected a list of {what}, got {type(item).__name__}"
                )

    return check


def _tuple(values: Any) -> Any:
    if values is None or isinstance(values, str | bytes) or not isinstance(values, Iterable):
        return values  # None means "not given"; anything else odd is left to the check
    return tuple(values)


def _doc_type(value: Any) -> Any:
    try:
        return None if value is None else DocType(value)
    except ValueError:
        choices = ", ".join(member.value for member in DocType)
        raise InvalidValue(f"doc_type: {value!r} is not one of: {choices}") from None


def _faq(values: Any) -> Any:
    """FAQ entries, also given as (question, answer) pairs or mappings."""
    values = _tuple(values)
    if not isinstance(values, tuple):
        return values
    entries = []
    for value in values:
        if isinstance(value, Mapping):
            value = (value.get("question"), value.get("answer"))
        if isinstance(value, tuple | list) and len(value) == 2:
            value = FaqEntry(question=value[0], answer=value[1])
        if not isinstance(value, FaqEntry):
            raise InvalidValue("faq: each entry needs a question and an answer")
        entries.append(value)
    return tuple(entries)


def _names(names: Iterable[str]) -> frozenset[str]:
    return frozenset(names)


def _clear(_inst: Any, _attribute: attrs.Attribute[Any], value: frozenset[str]) -> None:
    _require_editable(value)


def _require_editable(names: Iterable[str]) -> None:
    unknown = sorted(set(names) - EDITABLE_FIELDS)
    if unknown:
        raise InvalidValue(
            f"cannot edit {', '.join(unknown)}: use adopt, review or repeal for that"
        )


# --- the edit ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DocumentEdit:
    """What to change in a document. ``None`` means "not given, keep what is there"; to
    remove a value, name its field in ``clear``. Every editable field of
    :class:`~styrdok.model.Document` can be given whole; the follow-up and the dispensation
    rules can also be given in parts, which are merged with the document's current value."""

    title: str | None = attrs.field(default=None, validator=_TEXT)
    doc_type: DocType | None = attrs.field(default=None, converter=_doc_type)
    owner: str | None = attrs.field(default=None, validator=_TEXT)
    guardian: str | None = attrs.field(default=None, validator=_TEXT)
    registry_number: str | None = attrs.field(default=None, validator=_TEXT)
    purpose: str | None = attrs.field(default=None, validator=_TEXT)
    intended_effects: str | None = attrs.field(default=None, validator=_TEXT)
    audience: str | None = attrs.field(default=None, validator=_TEXT)
    applies_to: tuple[str, ...] | None = attrs.field(
        default=None, converter=_tuple, validator=_list_of(str, "units")
    )
    limits: str | None = attrs.field(default=None, validator=_TEXT)
    follow_up: FollowUp | None = attrs.field(default=None, validator=_kind(FollowUp, "a follow-up"))
    """The whole follow-up; ``follow_up_method`` and ``follow_up_by`` override its parts."""
    review_interval_months: int | None = attrs.field(default=None, validator=_NUMBER)
    next_review_on: dt.date | None = attrs.field(default=None, validator=_DATE)
    valid_until: dt.date | None = attrs.field(default=None, validator=_DATE)
    non_compliance: str | None = attrs.field(default=None, validator=_TEXT)
    dispensation_rules: DispensationRules | None = attrs.field(
        default=None, validator=_kind(DispensationRules, "dispensation rules")
    )
    """The whole exemption process; the ``dispensation_…`` parts override its parts."""
    faq: tuple[FaqEntry, ...] | None = attrs.field(default=None, converter=_faq)
    parent: str | None = attrs.field(default=None, validator=_TEXT)
    supersedes: str | None = attrs.field(default=None, validator=_TEXT)
    related: tuple[str, ...] | None = attrs.field(
        default=None, converter=_tuple, validator=_list_of(str, "document refs")
    )
    text_url: str | None = attrs.field(default=None, validator=_TEXT)
    text: str | None = attrs.field(default=None, validator=_TEXT)
    """The document's text (Markdown); its word count follows from it."""
    reminder_offsets: tuple[int, ...] | None = attrs.field(
        default=None, converter=_tuple, validator=_list_of(int, "days")
    )
    word_count: int | None = attrs.field(default=None, validator=_NUMBER)

    follow_up_method: str | None = attrs.field(default=None, validator=_TEXT)
    """How the document is followed up; keeps the current ``by``."""
    follow_up_by: str | None = attrs.field(default=None, validator=_TEXT)
    """By whom it is followed up; keeps the current method."""
    dispensations_allowed: bool | None = attrs.field(default=None, validator=_FLAG)
    dispensation_requirements: str | None = attrs.field(default=None, validator=_TEXT)
    """What a request must show."""
    dispensation_approvers: tuple[str, ...] | None = attrs.field(
        default=None, converter=_tuple, validator=_list_of(str, "person refs")
    )
    """Who may approve besides the guardian (replaces the list)."""
    dispensation_max_days: int | None = attrs.field(default=None, validator=_NUMBER)
    """Longest dispensation, in days."""
    dispensation_max_renewals: int | None = attrs.field(default=None, validator=_NUMBER)
    """How many renewals a dispensation may have."""

    clear: frozenset[str] = attrs.field(default=frozenset(), converter=_names, validator=_clear)
    """Fields to remove (set to ``None``); wins over a value given for the same field."""

    @classmethod
    def of(cls, changes: DocumentEdit | Mapping[str, Any]) -> DocumentEdit:
        """An edit as given, or made from a mapping of whole field values as
        ``Registry.edit_document`` has always taken them: ``None`` clears a field."""
        if isinstance(changes, DocumentEdit):
            return changes
        _require_editable(changes)
        given = {name: value for name, value in changes.items() if value is not None}
        return cls(**given, clear=frozenset(changes) - set(given))

    @property
    def is_empty(self) -> bool:
        """Nothing to change: no value given and nothing to clear."""
        return not self.clear and all(
            getattr(self, field.name) is None
            for field in attrs.fields(DocumentEdit)
            if field.name != "clear"
        )

    def missing_for_new(self) -> tuple[str, ...]:
        """Fields a new document needs that this edit does not give (empty when none)."""
        required = (
            field.name
            for field in attrs.fields(Document)
            if field.default is attrs.NOTHING and field.name != "ref"
        )
        return tuple(name for name in required if getattr(self, name) is None)

    def as_changes(self, current: Document | None) -> dict[str, Any]:
        """The new value of each field this edit changes, nested parts merged with
        ``current`` (``None`` for a new document); a cleared field maps to ``None``."""
        changes: dict[str, Any] = {
            name: getattr(self, name)
            for name in sorted(EDITABLE_FIELDS)
            if getattr(self, name) is not None
        }
        follow_up = self._follow_up(current)
        if follow_up is not None:
            changes["follow_up"] = follow_up
        dispensation_rules = self._dispensation_rules(current)
        if dispensation_rules is not None:
            changes["dispensation_rules"] = dispensation_rules
        changes.update(dict.fromkeys(sorted(self.clear)))
        return changes

    def apply_to(self, document: Document) -> Document:
        """``document`` with this edit made; every field is validated again."""
        changed: Document = fields.evolve(document, **self.as_changes(document))
        self._check_word_count(changed)
        return changed

    def _check_word_count(self, document: Document) -> None:
        if self.word_count is not None and document.text:
            raise InvalidValue(
                "word_count: counted from the document's text; "
                "set it by hand only for a document without text"
            )

    def new_document(self, ref: str) -> Document:
        """A new draft document ``ref`` made of this edit (defaults for what it leaves out)."""
        missing = self.missing_for_new()
        if missing:
            raise InvalidValue(f"a new document needs {', '.join(missing)}")
        try:
            document = Document(ref=ref, **self.as_changes(None))
        except TypeError as exc:
            raise InvalidValue(str(exc).splitlines()[0]) from None
        self._check_word_count(document)
        return document

    def _follow_up(self, current: Document | None) -> FollowUp | None:
        method, by = self.follow_up_method, self.follow_up_by
        if method is None and by is None:
            return self.follow_up
        base = self.follow_up or (current.follow_up if current else None)
        method = method if method is not None else (base.method if base else None)
        by = by if by is not None else (base.by if base else None)
        if method is None or by is None:
            raise InvalidValue(
                "follow_up: a follow-up needs both its method (how) and who does it (by)"
            )
        return FollowUp(method=method, by=by)

    def _dispensation_rules(self, current: Document | None) -> DispensationRules | None:
        parts = {
            "allowed": self.dispensations_allowed,
            "requirements": self.dispensation_requirements,
            "approvers": self.dispensation_approvers,
            "max_duration_days": self.dispensation_max_days,
            "max_renewals": self.dispensation_max_renewals,
        }
        given = {name: value for name, value in parts.items() if value is not None}
        if not given:
            return self.dispensation_rules
        base = self.dispensation_rules or (
            current.dispensation_rules if current else DispensationRules()
        )
        rules: DispensationRules = fields.evolve(base, **given)
        return rules
