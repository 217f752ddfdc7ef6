"""E-mail digests for styrdok: SMTP with STARTTLS or TLS, login, text + HTML + .ics."""

from __future__ import annotations

import datetime as dt
import email.policy
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import attrs

from styrdok.config import Bool, Config, Float, Int, Schema, Section, Str, shown
from styrdok.errors import InvalidValue
from styrdok.hookspecs import hookimpl
from styrdok.model import Person
from styrdok.notify import (
    ChannelUnavailable,
    Digest,
    Notifier,
    item_line,
    render_html,
    render_text,
    subject,
)

__version__ = "0.1.0"


SCHEMA: Schema = {
    "host": Str(required=True),
    "from": Str(required=True),
    "port": Int(1, 65535),
    "starttls": Bool(),
    "ssl": Bool(default=False),
    "username": Str(),
    "password_env": Str(),
    "cafile": Str(),
    "timeout": Float(0.1, 600, default=30.0),
}
"""``[smtp]``, checked whole when the plugin registers (``port`` defaults to 465 with
``ssl``, else 587; ``starttls`` to ``not ssl``)."""


def _one_address(value: str) -> bool:
    """Whether ``value`` is exactly one e-mail address (a display name is allowed)."""
    try:
        header = email.policy.default.header_factory("From", value)
        addresses = header.addresses
    except Exception:  # the header parser raises IndexError and others on some input
        return False
    return (
        not header.defects
        and len(addresses) == 1
        and bool(addresses[0].username and addresses[0].domain)
    )


@attrs.frozen
class SmtpSettings:
    host: str
    sender: str
    port: int = 587
    starttls: bool = True
    ssl: bool = False
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    cafile: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> SmtpSettings:
        """Settings from ``[smtp]``, checked whole against :data:`SCHEMA` (checking is
        idempotent, so a section already checked may be passed); anything that would keep
        the channel from starting is one :class:`InvalidValue` naming ``[smtp] key``."""
        if not isinstance(section, Section):
            section = Section("smtp", section, source="configuration")
        values = section.validated(SCHEMA)
        if not _one_address(values["from"]):
            raise InvalidValue(
                f"{values.where('from')}: expected one e-mail address, e.g. "
                f'"Styrdok <styrdok@kommun.example>", got {shown(values["from"])}'
            )
        password = None
        if "password_env" in values:
            variable = values["password_env"]
            password = os.environ.get(variable)
            if not password:
                raise InvalidValue(
                    f"{values.where('password_env')}: the variable {variable} is not set "
                    "(or is empty)"
                )
        cafile = values.get("cafile")
        if cafile is not None:
            try:  # read now: a missing or unreadable file stops the run, not each delivery
                ssl.create_default_context(cafile=cafile)
            except OSError as exc:  # ssl.SSLError included
                raise InvalidValue(
                    f"{values.where('cafile')}: cannot read certificates from {cafile}: "
                    f"{exc.strerror or exc}"
                ) from None
        use_ssl: bool = values["ssl"]
        return cls(
            host=values["host"],
            sender=values["from"],
            port=values.get("port", 465 if use_ssl else 587),
            starttls=values.get("starttls", not use_ssl),
            ssl=use_ssl,
            username=values.get("username"),
            password=password,
            cafile=cafile,
            timeout=values["timeout"],
        )


def calendar_for(digest: Digest) -> bytes:
    """The digest's due dates as an iCalendar file, one all-day event per item. The UID is
    stable, so a later reminder about the same date updates the event instead of adding.
    Reviews summed up as long overdue are left out: a date months past is no appointment."""
    from icalendar import Calendar, Event  # imported on use: keeps `styrdok --help` fast

    calendar = Calendar()
    calendar.add("prodid", "-//styrdok//reminders//SV")
    calendar.add("version", "2.0")
    stamp = dt.datetime.combine(digest.run_on, dt.time(), tzinfo=dt.UTC)
    for item in digest.listed:
        event = Event()
        event.add("uid", f"{item.kind.value}-{item.ref}-{item.due_on.isoformat()}@styrdok")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + dt.timedelta(days=1))
        event.add("summary", f"{item.ref} {item.title}")
        event.add("description", item_line(item, digest.language))
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def recipient_address(recipient: Person) -> Address:
    """The ``To:`` address: the registered address, with the name as display name only.

    Built as an address object, not as text, so the name is quoted or encoded as a whole
    and can never be read as an address of its own (``Sjöberg, Karin <evil@evil.example>``
    stays one name). ``Address`` refuses an ``addr_spec`` that is not exactly one address.
    """
    assert recipient.email is not None
    return Address(display_name=recipient.name, addr_spec=recipient.email)


def build_message(digest: Digest, settings: SmtpSettings) -> EmailMessage:
    """The e-mail for one digest: text, an HTML alternative, and the .ics attachment."""
    message = EmailMessage()
    message["Subject"] = subject(digest)
    message["From"] = settings.sender
    message["To"] = recipient_address(digest.recipient)
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2].strip("> "))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    # An e-mail reaches its recipient alone, so it carries their confirmation links.
    message.set_content(render_text(digest, confirm_links=True))
    message.add_alternative(render_html(digest, confirm_links=True), subtype="html")
    # As text with an explicit UTF-8 charset: å, ä and ö must survive every mail client.
    message.add_attachment(
        calendar_for(digest).decode("utf-8"),
        subtype="calendar",
        charset="utf-8",
        filename="styrdok.ics",
    )
    return message


class SmtpNotifier:
    """Sends each digest as one e-mail."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def wants(self, recipient: Person) -> bool:
        return bool(recipient.email)

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.cafile)

    def deliver(self, digest: Digest) -> None:
        """Send the digest to the registered address, and to no one else.

        A refused login raises :class:`~styrdok.notify.ChannelUnavailable`: the run then
        stops using this channel, since every further login would be refused too and
        repeated failures can lock the account.
        """
        s = self.settings
        message = build_message(digest, s)
        # The envelope recipient is the registered address itself, never what a parser
        # makes of the To: header (which send_message would use by default).
        to = recipient_address(digest.recipient).addr_spec
        client: smtplib.SMTP
        if s.ssl:
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.starttls and not s.ssl:
                client.starttls(context=self._context())
            if s.username:
                try:
                    client.login(s.username, s.password or "")
                except smtplib.SMTPAuthenticationError as exc:
                    reply = exc.smtp_error
                    if isinstance(reply, bytes):
                        reply = reply.decode(errors="replace")
                    raise ChannelUnavailable(
                        f"{s.host} refused the login of {s.username!r} "
                        f"({exc.smtp_code} {' '.join(str(reply).split())}); no more mail "
                        "is tried in this run: check the user name and password"
                    ) from exc
            client.send_message(message, to_addrs=[to])


@hookimpl
def styrdok_register_notifiers(register: Callable[[Notifier], None], config: Config) -> None:
    # Registered whenever the table exists: a mistake in it (a misspelt `hots`, a port
    # given as text) stops the run instead of silently leaving e-mail out.
    if "smtp" in config.sections:
        register(SmtpNotifier(SmtpSettings.from_section(config.section("smtp", schema=SCHEMA))))
