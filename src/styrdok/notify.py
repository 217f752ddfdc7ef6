"""Delivery of reminders: the Notifier protocol, digests, and how a digest reads.

A *digest* is everything one person should hear about in one run, through one channel: the
reminder engine builds it, a notifier delivers it (e-mail, chat, console …).
"""

from __future__ import annotations

import datetime as dt
import enum
import html
from typing import Protocol, runtime_checkable

import attrs

from styrdok.i18n import long_date, translations
from styrdok.model import Person


class NoticeKind(enum.StrEnum):
    """Why someone is reminded."""

    REVIEW = "review"
    """A review date is coming up or is today."""
    OVERDUE = "overdue"
    """A review date has passed (sent weekly)."""
    ESCALATION = "escalation"
    """A review is long overdue; the adopting body's contact is told."""
    DOCUMENT_EXPIRY = "document_expiry"
    DISPENSATION_EXPIRY = "dispensation_expiry"
    EVALUATION = "evaluation"
    """A dispensation has ended; the responsible person is asked how it went."""
    READ = "read"
    """A document someone is asked to read has not been confirmed after some days."""
    READ_MANAGER = "read_manager"
    """Staff of a unit have not confirmed a document; their manager is told."""
    REQUEST = "request"
    """A dispensation (or its renewal) was requested; those who may decide it are told."""
    REQUEST_WAITING = "request_waiting"
    """A request has waited some working days for a decision."""
    REQUEST_ESCALATION = "request_escalation"
    """A request has waited long; the adopting body's contact is told."""
    DECISION = "decision"
    """A dispensation was approved, rejected, revoked or closed; the requester and the
    responsible person are told (the outcome is the notice's ``owner``)."""
    QUESTION = "question"
    """A question about a document was asked; its guardian (or owner) is told."""
    QUESTION_WAITING = "question_waiting"
    """A question has waited some working days for its answer."""
    QUESTION_ESCALATION = "question_escalation"
    """A question has waited long; the adopting body's contact is told."""
    ANSWER = "answer"
    """A question was answered; the one who asked is told."""


@attrs.frozen
class DigestItem:
    """One line of a digest: one item someone is told about."""

    kind: NoticeKind
    ref: str
    title: str
    due_on: dt.date
    days_left: int
    """Negative when overdue."""
    owner: str = ""
    """For escalations: whose review is late; for a manager's notice: the unit; for a
    request, a question or an answer: the document; for a decision: its outcome."""
    link: str = ""
    """The item's page in the intranet (``[reminders] base_url``), or ``""``."""


@attrs.frozen
class Digest:
    """One person's reminders in one run, through one channel."""

    recipient: Person
    run_on: dt.date
    language: str
    items: tuple[DigestItem, ...]


class ChannelUnavailable(Exception):
    """Raised by :meth:`Notifier.deliver` when no digest can get through this channel in
    this run, whoever it is for: the mail server refused the login, say. The reminder run
    then stops trying the channel: the digest that raised counts one failed attempt, every
    later digest for the channel is reported as not tried (no attempt counted), and all of
    them stay pending for the next run. Retrying each digest would only repeat the failure,
    and repeated wrong logins can lock the account. Other channels deliver as usual."""


@runtime_checkable
class Notifier(Protocol):
    """A delivery channel. Register one with ``styrdok_register_notifiers``."""

    name: str
    """Channel name, unique, e.g. ``smtp``. Kept in the outbox ledger with each notice."""

    def wants(self, recipient: Person) -> bool:
        """Whether this channel can reach ``recipient`` (e.g. e-mail needs an address)."""
        ...

    def deliver(self, digest: Digest) -> None:
        """Deliver one digest, or raise: the notices then stay pending and are retried on
        the next run, with the error recorded. Raise :class:`ChannelUnavailable` when the
        channel as a whole is out (no other digest should be tried in this run). Must not
        take longer than its own timeout."""
        ...


def subject(digest: Digest) -> str:
    ngettext = translations(digest.language).ngettext
    count = len(digest.items)
    return ngettext(
        "styrdok: {count} item needs your attention",
        "styrdok: {count} items need your attention",
        count,
    ).format(count=count)


def item_line(item: DigestItem, language: str) -> str:
    """One sentence about one item, in the recipient's language."""
    _ = translations(language).gettext
    ngettext = translations(language).ngettext
    date = long_date(item.due_on, language)
    days = abs(item.days_left)
    values = {"ref": item.ref, "title": item.title, "date": date, "days": days, "owner": item.owner}
    review = item.kind in (NoticeKind.REVIEW, NoticeKind.OVERDUE)
    # The sentence follows the days actually left, not the threshold that triggered it:
    # a day-0 reminder sent late after a missed run must say "overdue", not "in 5 days".
    if review and item.days_left > 0:
        text = ngettext(
            "The review of {ref} {title} is due on {date} (in {days} day).",
            "The review of {ref} {title} is due on {date} (in {days} days).",
            days,
        )
    elif review and item.days_left == 0:
        text = _("The review of {ref} {title} is due today, {date}.")
    elif review:
        text = ngettext(
            "The review of {ref} {title} was due on {date}: {days} day overdue.",
            "The review of {ref} {title} was due on {date}: {days} days overdue.",
            days,
        )
    elif item.kind is NoticeKind.ESCALATION:
        text = _(
            "Escalation: the review of {ref} {title} (owner {owner}) was due on {date} "
            "and is {days} days overdue."
        )
    elif item.kind is NoticeKind.DOCUMENT_EXPIRY:
        text = _("{ref} {title} stops being valid after {date}. Extend or replace it in time.")
    elif item.kind is NoticeKind.DISPENSATION_EXPIRY and item.days_left > 0:
        text = ngettext(
            "Dispensation {ref} ({title}) ends on {date}, in {days} day. "
            "Apply for a renewal in time, or let it end.",
            "Dispensation {ref} ({title}) ends on {date}, in {days} days. "
            "Apply for a renewal in time, or let it end.",
            days,
        )
    elif item.kind is NoticeKind.DISPENSATION_EXPIRY:
        text = _("Dispensation {ref} ({title}) ends on {date}.")
    elif item.kind is NoticeKind.READ:
        text = _(
            "Please read {ref} {title}, which applies to you, and confirm that you have "
            "read and understood it (asked since {date}): styrdok ack confirm {ref}"
        )
    elif item.kind is NoticeKind.READ_MANAGER:
        text = _(
            "Staff of {owner} have not yet confirmed that they have read {ref} {title} "
            "(asked since {date}). Who: styrdok ack status {ref} --unit {owner}"
        )
    elif item.kind is NoticeKind.EVALUATION:
        text = _(
            "Dispensation {ref} ({title}) ended on {date}. Please record how it went: "
            "styrdok disp evaluate {ref}"
        )
    else:
        text = step_sentence(item, language)
    text = text.format(**values)
    return f"{text} {item.link}" if item.link else text


def step_sentence(item: DigestItem, language: str) -> str:
    """The sentence (to be formatted) for a step of a request or a question."""
    _ = translations(language).gettext
    if item.kind is NoticeKind.REQUEST:
        return _(
            "Dispensation {ref} from {owner} ({title}) was requested on {date} and waits "
            "for your decision."
        )
    if item.kind is NoticeKind.REQUEST_WAITING:
        return _(
            "Reminder: dispensation {ref} from {owner} ({title}) has waited for a decision "
            "since {date}."
        )
    if item.kind is NoticeKind.REQUEST_ESCALATION:
        return _(
            "Escalation: dispensation {ref} from {owner} ({title}) has waited for a "
            "decision since {date}, {days} days."
        )
    if item.kind is NoticeKind.QUESTION:
        return _("A question about {owner} {title} was asked on {date} and waits for your answer.")
    if item.kind is NoticeKind.QUESTION_WAITING:
        return _(
            "Reminder: a question about {owner} {title} has waited for an answer since {date}."
        )
    if item.kind is NoticeKind.QUESTION_ESCALATION:
        return _(
            "Escalation: a question about {owner} {title} has waited for an answer since "
            "{date}, {days} days."
        )
    if item.kind is NoticeKind.ANSWER:
        return _("Your question about {owner} {title} was answered on {date}.")
    outcomes = {
        "approved": _("Dispensation {ref} ({title}) was approved on {date}."),
        "rejected": _("Dispensation {ref} ({title}) was rejected on {date}."),
        "revoked": _("Dispensation {ref} ({title}) is revoked from {date}."),
        "closed": _("Dispensation {ref} ({title}) is closed from {date}."),
    }
    return outcomes.get(item.owner, _("Dispensation {ref} ({title}) was decided on {date}."))


def render_text(digest: Digest) -> str:
    """The digest as plain text (e-mail body, console, chat)."""
    _ = translations(digest.language).gettext
    lines = [
        _("Hello {name},").format(name=digest.recipient.name),
        "",
        _("These governing documents and dispensations need your attention:"),
        "",
    ]
    lines += [f"* {item_line(item, digest.language)}" for item in digest.items]
    lines += ["", _("This is an automatic reminder from styrdok: one summary per run.")]
    return "\n".join(lines)


def render_html(digest: Digest) -> str:
    """The digest as a small, accessible HTML document (for e-mail)."""
    _ = translations(digest.language).gettext
    hello = _("Hello {name},").format(name=digest.recipient.name)
    intro = _("These governing documents and dispensations need your attention:")
    footer = _("This is an automatic reminder from styrdok: one summary per run.")
    items = "\n".join(f"<li>{_html_line(item, digest.language)}</li>" for item in digest.items)
    return (
        f'<!DOCTYPE html>\n<html lang="{digest.language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject(digest))}</title></head><body>\n"
        f"<p>{html.escape(hello)}</p>\n<p>{html.escape(intro)}</p>\n<ul>\n{items}\n</ul>\n"
        f"<p><small>{html.escape(footer)}</small></p>\n</body></html>\n"
    )


def _html_line(item: DigestItem, language: str) -> str:
    if not item.link:
        return html.escape(item_line(item, language))
    text = item_line(attrs.evolve(item, link=""), language)
    link = html.escape(item.link, quote=True)
    return f'{html.escape(text)} <a href="{link}">{link}</a>'
