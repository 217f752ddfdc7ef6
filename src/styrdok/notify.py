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
    """A review date has passed (weekly at first, then monthly)."""
    ESCALATION = "escalation"
    """A review is long overdue; the adopting body's contact is told."""
    ESCALATION_MANAGER = "escalation_manager"
    """A review is overdue even longer; the manager of the owner's unit is told."""
    DOCUMENT_EXPIRY = "document_expiry"
    DISPENSATION_EXPIRY = "dispensation_expiry"
    EVALUATION = "evaluation"
    """A dispensation has ended; the responsible person is asked how it went."""
    READ = "read"
    """A document someone is asked to read has not been confirmed after some days."""
    READ_MANAGER = "read_manager"
    """Staff of a unit have not confirmed a document; their manager is told."""
    REQUEST = "request"
    """A dispensation was requested; those who may decide it are told."""
    RENEWAL_REQUEST = "renewal_request"
    """A renewal of a dispensation was requested; those who may decide it are told."""
    REQUEST_WITHDRAWN = "request_withdrawn"
    """A request was withdrawn; those who were told of it are told it needs no decision."""
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


#: The kinds of notice nobody can opt out of: whoever asks for a dispensation hears what
#: was decided (see :meth:`styrdok.registry.Registry.set_notices`).
ALWAYS_TOLD = frozenset({NoticeKind.DECISION})


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
    confirm_link: str = ""
    """For a reminder to read: the recipient's own link to confirm, without logging in,
    that they have read the version asked about (:mod:`styrdok.confirm_links`), or ``""``.
    It is a credential for that one confirmation: show it only where the recipient alone
    reads it (their e-mail), never in a shared chat or a log."""


#: The kinds a digest may sum up when long overdue: the owner's and the guardian's reminders.
#: An escalation is a step of its own, told once, and always has its own line.
_SUMMED_UP = frozenset({NoticeKind.REVIEW, NoticeKind.OVERDUE})
#: With a link to the intranet's list, a summary line names this many documents; without
#: one it names them all (the reader has nowhere else to find them).
SUMMARY_NAMED = 10


@attrs.frozen
class Digest:
    """One person's reminders in one run, through one channel."""

    recipient: Person
    run_on: dt.date
    language: str
    items: tuple[DigestItem, ...]
    """Every item of the run, one per notice — those summed up included."""
    summary_after_days: int | None = None
    """Reviews more than this many days overdue read as one summary line
    (:func:`summary_line`) after the other items, not one line each; ``None``: every item
    has its own line (``[reminders] overdue_summary_after_days``)."""
    summary_link: str = ""
    """The intranet's page of what is due, shown with the summary line, or ``""``."""

    def summed_up(self, item: DigestItem) -> bool:
        """Whether ``item`` reads in the summary line rather than on a line of its own."""
        return (
            self.summary_after_days is not None
            and item.kind in _SUMMED_UP
            and -item.days_left > self.summary_after_days
        )

    @property
    def listed(self) -> tuple[DigestItem, ...]:
        """The items that have a line of their own, in the digest's order."""
        return tuple(item for item in self.items if not self.summed_up(item))

    @property
    def long_overdue(self) -> tuple[DigestItem, ...]:
        """The items summed up in the summary line, the most overdue first."""
        found = [item for item in self.items if self.summed_up(item)]
        return tuple(sorted(found, key=lambda item: (item.days_left, item.ref)))


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
    elif item.kind is NoticeKind.ESCALATION_MANAGER:
        text = _(
            "Escalation to you as manager: the review of {ref} {title} (owner {owner}, in a "
            "unit you manage) was due on {date} and is {days} days overdue."
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
    if item.kind is NoticeKind.RENEWAL_REQUEST:
        return _(
            "A renewal of a dispensation from {owner} ({title}), {ref}, was requested on "
            "{date} and waits for your decision."
        )
    if item.kind is NoticeKind.REQUEST_WITHDRAWN:
        return _(
            "The request for dispensation {ref} from {owner} ({title}) was withdrawn on "
            "{date}: no decision is needed."
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


def summary_line(digest: Digest) -> str:
    """The one line for the items summed up (:attr:`Digest.long_overdue`), or ``""``: how
    many reviews are late beyond ``summary_after_days``, and which (ref, title, days), the
    most overdue first — with a link, the first :data:`SUMMARY_NAMED` and the link."""
    text = _summary_text(digest)
    return f"{text} {digest.summary_link}" if text and digest.summary_link else text


def _summary_text(digest: Digest) -> str:
    items = digest.long_overdue
    if not items:
        return ""
    catalog = translations(digest.language)
    shown = items[:SUMMARY_NAMED] if digest.summary_link else items
    documents = "; ".join(
        catalog.ngettext(
            "{ref} {title} ({days} day)", "{ref} {title} ({days} days)", -i.days_left
        ).format(ref=i.ref, title=i.title, days=-i.days_left)
        for i in shown
    )
    if len(shown) < len(items):
        more = catalog.gettext("and {count} more").format(count=len(items) - len(shown))
        documents = f"{documents} {more}"
    return catalog.ngettext(
        "{count} document is more than {days} days overdue for its review: {documents}.",
        "{count} documents are more than {days} days overdue for their review: {documents}.",
        len(items),
    ).format(count=len(items), days=digest.summary_after_days, documents=documents)


def confirm_line(item: DigestItem, language: str) -> str:
    """The call to confirm a reminder to read by its link ("Bekräfta att du har läst
    POL-IS-01: https://…"), or ``""`` when the item has no :attr:`~DigestItem.confirm_link`."""
    if not item.confirm_link:
        return ""
    text = translations(language).gettext("Confirm that you have read {ref}: {link}")
    return text.format(ref=item.ref, link=item.confirm_link)


def _personal(digest: Digest, confirm_links: bool) -> bool:
    return confirm_links and any(item.confirm_link for item in digest.listed)


def render_text(digest: Digest, *, confirm_links: bool = False) -> str:
    """The digest as plain text (e-mail body, console, chat): a line per item, then the
    long-overdue ones summed up in one line. With ``confirm_links`` (a channel only the
    recipient reads: their e-mail) each reminder to read is followed by its confirmation
    link (:func:`confirm_line`); without, no link is shown — the console's output ends up
    in cron logs."""
    _ = translations(digest.language).gettext
    lines = [
        _("Hello {name},").format(name=digest.recipient.name),
        "",
        _("These governing documents and dispensations need your attention:"),
        "",
    ]
    for item in digest.listed:
        lines.append(f"* {item_line(item, digest.language)}")
        if confirm_links and item.confirm_link:
            lines.append(f"  {confirm_line(item, digest.language)}")
    summary = summary_line(digest)
    if summary:
        lines.append(f"* {summary}")
    lines += ["", _("This is an automatic reminder from styrdok: one summary per run.")]
    if _personal(digest, confirm_links):
        lines.append(_("The confirmation links are personal: please do not forward this e-mail."))
    return "\n".join(lines)


def render_html(digest: Digest, *, confirm_links: bool = False) -> str:
    """The digest as a small, accessible HTML document (for e-mail); ``confirm_links`` as
    for :func:`render_text`, each link named by what it does."""
    _ = translations(digest.language).gettext
    hello = _("Hello {name},").format(name=digest.recipient.name)
    intro = _("These governing documents and dispensations need your attention:")
    footer = _("This is an automatic reminder from styrdok: one summary per run.")
    if _personal(digest, confirm_links):
        footer += " " + _("The confirmation links are personal: please do not forward this e-mail.")
    lines = []
    for item in digest.listed:
        line = _html_line(item_line(attrs.evolve(item, link=""), digest.language), item.link)
        if confirm_links and item.confirm_link:
            # The link's text says what it does (WCAG 2.4.4), not the address.
            name = _("Confirm that you have read {ref}").format(ref=item.ref)
            address = html.escape(item.confirm_link, quote=True)
            line += f'<br>\n<strong><a href="{address}">{html.escape(name)}</a></strong>'
        lines.append(line)
    summary = _summary_text(digest)
    if summary:
        lines.append(_html_line(summary, digest.summary_link))
    items = "\n".join(f"<li>{line}</li>" for line in lines)
    return (
        f'<!DOCTYPE html>\n<html lang="{digest.language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject(digest))}</title></head><body>\n"
        f"<p>{html.escape(hello)}</p>\n<p>{html.escape(intro)}</p>\n<ul>\n{items}\n</ul>\n"
        f"<p><small>{html.escape(footer)}</small></p>\n</body></html>\n"
    )


def _html_line(text: str, link: str) -> str:
    if not link:
        return html.escape(text)
    address = html.escape(link, quote=True)
    return f'{html.escape(text)} <a href="{address}">{address}</a>'
