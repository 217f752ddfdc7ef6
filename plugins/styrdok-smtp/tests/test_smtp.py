"""The e-mail channel against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shlex
import smtplib
import socket
import ssl
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
import pytest
import styrdok_smtp
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import Result
from icalendar import Calendar
from styrdok_smtp import SmtpNotifier, SmtpSettings, styrdok_register_notifiers

from styrdok.config import Config
from styrdok.errors import InvalidValue
from styrdok.model import Person
from styrdok.notify import ChannelUnavailable, Digest, DigestItem, NoticeKind
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry
from styrdok.testing.demo import REMIND_DAY, build_demo_file, copy_demo, outbox, remind_with

sys._styrdok_testing = True  # type: ignore[attr-defined]

ANNA = Person("anna.lind", "Anna Lind", email="anna.lind@mittkoping.example")
DIGEST = Digest(
    recipient=ANNA,
    run_on=dt.date(2026, 11, 20),
    language="sv",
    items=(
        DigestItem(
            NoticeKind.REVIEW, "POL-IS-01", "Informationssäkerhetspolicy", dt.date(2026, 11, 22), 2
        ),
        DigestItem(
            NoticeKind.DISPENSATION_EXPIRY,
            "D-2026-0001",
            "Pilot av molntjänst",
            dt.date(2026, 12, 12),
            22,
        ),
    ),
)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.logins: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1, and the file that trusts it."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def secure_server(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    """A server that demands STARTTLS before login, and login before mail."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        inbox.logins.append(getattr(auth_data, "login", b""))
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"styrdok",
            b"hemligt",
        )
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535

    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
        auth_required=True,
    )
    controller.start()
    yield inbox, port
    controller.stop()


def settings(port: int, **changes: Any) -> SmtpSettings:
    fields: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "sender": "Styrdok <styrdok@mittkoping.example>",
        "timeout": 5,
    }
    fields.update(changes)
    return SmtpSettings(**fields)


def test_a_digest_arrives_as_text_html_and_calendar(smtp_server: tuple[Inbox, int]) -> None:
    """One e-mail per digest: Swedish subject, text and HTML bodies, an .ics of the dates."""
    inbox, port = smtp_server
    SmtpNotifier(settings(port)).deliver(DIGEST)
    assert inbox.recipients == [["anna.lind@mittkoping.example"]]
    message = inbox.messages[0]
    assert message["Subject"] == "styrdok: 2 ärenden behöver din uppmärksamhet"
    assert message["To"] == "Anna Lind <anna.lind@mittkoping.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "POL-IS-01 Informationssäkerhetspolicy ska aktualitetsprövas senast 22 november" in text
    assert '<html lang="sv">' in html and "<li>" in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_content())
    events = [
        (str(e["summary"]), e.decoded("dtstart"), str(e["uid"])) for e in calendar.walk("VEVENT")
    ]
    assert events == [
        (
            "POL-IS-01 Informationssäkerhetspolicy",
            dt.date(2026, 11, 22),
            "review-POL-IS-01-2026-11-22@styrdok",
        ),
        (
            "D-2026-0001 Pilot av molntjänst",
            dt.date(2026, 12, 12),
            "dispensation_expiry-D-2026-0001-2026-12-12@styrdok",
        ),
    ]


def test_long_overdue_reviews_are_one_line_of_the_mail(smtp_server: tuple[Inbox, int]) -> None:
    """Reviews more than 60 days overdue are one summary line in the text and the HTML
    (with the link to the intranet's list), and no event in the calendar; the fresh items
    keep a line and an event each."""
    inbox, port = smtp_server
    late = (
        DigestItem(NoticeKind.OVERDUE, "RUT-1", "Rutin", dt.date(2026, 8, 1), -111),
        DigestItem(NoticeKind.OVERDUE, "POL-2", "Plan", dt.date(2026, 6, 1), -172),
    )
    digest = attrs.evolve(
        DIGEST,
        items=DIGEST.items + late,
        summary_after_days=60,
        summary_link="https://intranat.mittkoping.se/styrdok/aktuellt",
    )
    SmtpNotifier(settings(port)).deliver(digest)
    message = inbox.messages[0]
    text = message.get_body(("plain",)).get_content()
    bullets = [line for line in text.splitlines() if line.startswith("* ")]
    assert len(bullets) == 3
    assert bullets[2] == (
        "* 2 dokument är mer än 60 dagar försenade med sin aktualitetsprövning: "
        "POL-2 Plan (172 dagar); RUT-1 Rutin (111 dagar). "
        "https://intranat.mittkoping.se/styrdok/aktuellt"
    )
    html = message.get_body(("html",)).get_content()
    assert html.count("<li>") == 3
    assert '<a href="https://intranat.mittkoping.se/styrdok/aktuellt">' in html
    [attachment] = list(message.iter_attachments())
    calendar = Calendar.from_ical(attachment.get_content())
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [
        "POL-IS-01 Informationssäkerhetspolicy",
        "D-2026-0001 Pilot av molntjänst",
    ]


def test_a_reminder_to_read_carries_its_confirmation_link(
    smtp_server: tuple[Inbox, int],
) -> None:
    """A reminder to read with a confirmation link: the text has "Bekräfta att du har läst
    REF: LINK" under the item, the HTML a link named by what it does, both say the links
    are personal; the calendar, which people share, never holds it."""
    inbox, port = smtp_server
    confirm = "https://intranat.mittkoping.se/styrdok/bekrafta/MSBhbm5hLmxpbmQ.c2lnbmF0dXJl"
    read = DigestItem(
        NoticeKind.READ,
        "POL-IS-01",
        "Informationssäkerhetspolicy",
        dt.date(2026, 11, 6),
        -14,
        link="https://intranat.mittkoping.se/styrdok/dokument/POL-IS-01",
        confirm_link=confirm,
    )
    SmtpNotifier(settings(port)).deliver(attrs.evolve(DIGEST, items=(read,)))
    message = inbox.messages[0]
    text = message.get_body(("plain",)).get_content()
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("* Läs POL-IS-01"))
    assert lines[at + 1] == f"  Bekräfta att du har läst POL-IS-01: {confirm}"
    assert "Bekräftelselänkarna är personliga: vidarebefordra inte mejlet." in text
    html = message.get_body(("html",)).get_content()
    assert f'<a href="{confirm}">Bekräfta att du har läst POL-IS-01</a>' in html
    assert "vidarebefordra inte mejlet" in html
    [attachment] = list(message.iter_attachments())
    assert "bekrafta" not in attachment.get_content()


def test_a_digest_without_confirmation_links_says_nothing_about_them(
    smtp_server: tuple[Inbox, int],
) -> None:
    """No link, no call to confirm and no warning about forwarding."""
    inbox, port = smtp_server
    SmtpNotifier(settings(port)).deliver(DIGEST)
    text = inbox.messages[0].get_body(("plain",)).get_content()
    assert "Bekräfta" not in text and "vidarebefordra" not in text


def test_starttls_and_login(
    secure_server: tuple[Inbox, int],
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """STARTTLS with the municipality's own CA, then login with a password from the
    environment: the way a real mail server is reached."""
    inbox, port = secure_server
    monkeypatch.setenv("STYRDOK_SMTP_PASSWORD", "hemligt")
    section = {
        "host": "127.0.0.1",
        "port": port,
        "username": "styrdok",
        "password_env": "STYRDOK_SMTP_PASSWORD",
        "cafile": str(certificate[0]),
        "from": "styrdok@mittkoping.example",
        "timeout": 5,
    }
    SmtpNotifier(SmtpSettings.from_section(section)).deliver(DIGEST)
    assert len(inbox.messages) == 1


def test_a_wrong_password_makes_the_channel_unavailable(
    secure_server: tuple[Inbox, int], certificate: tuple[Path, Path]
) -> None:
    """A refused login says the whole channel is out (not just this digest), naming the
    server's answer; the SMTP error is kept as the cause."""
    inbox, port = secure_server
    notifier = SmtpNotifier(
        settings(
            port, starttls=True, username="styrdok", password="fel", cafile=str(certificate[0])
        )
    )
    with pytest.raises(ChannelUnavailable, match=r"refused the login of 'styrdok' \(535 ") as err:
        notifier.deliver(DIGEST)
    assert isinstance(err.value.__cause__, smtplib.SMTPAuthenticationError)
    assert inbox.messages == []


def test_a_wrong_password_is_tried_once_per_run(
    secure_server: tuple[Inbox, int], certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    """Through the reminder engine, against a server that refuses the password: one login
    in the whole run, not one per digest (no lock-out); every e-mail notice stays pending,
    the report names each digest, other channels still deliver, and with the right password
    the next run sends every digest once."""
    from styrdok.demo import build_demo

    class Recorder:
        name = "chat"

        def __init__(self) -> None:
            self.digests: list[Digest] = []

        def wants(self, recipient: Person) -> bool:
            return True

        def deliver(self, digest: Digest) -> None:
            self.digests.append(digest)

    inbox, port = secure_server
    wrong = settings(
        port, starttls=True, username="styrdok", password="fel", cafile=str(certificate[0])
    )
    right = settings(
        port, starttls=True, username="styrdok", password="hemligt", cafile=str(certificate[0])
    )
    with pytest.raises(ChannelUnavailable):
        SmtpNotifier(wrong).deliver(DIGEST)
    one_login = len(inbox.logins)  # smtplib tries each mechanism the server offers, once
    inbox.logins.clear()
    today = dt.date(2026, 11, 23)
    chat = Recorder()
    with Registry.open(tmp_path / "demo.db", create=True) as registry:
        build_demo(registry, today=today)
        refused = registry.remind(
            config=Config(), notifiers={"smtp": SmtpNotifier(wrong), "chat": chat}, today=today
        )
        with registry.store.transaction(write=False):
            after_refusal = [r for r in registry.store.notices() if r.channel == "smtp"]
        logins_after_refusal = len(inbox.logins)
        fixed = registry.remind(
            config=Config(), notifiers={"smtp": SmtpNotifier(right), "chat": chat}, today=today
        )
    assert logins_after_refusal == one_login
    failures = [f for f in refused.failures if f[0] == "smtp"]
    assert len(failures) > 10 and refused.failures == tuple(failures)
    first, *rest = (error for _, _, error in failures)
    assert first.startswith("ChannelUnavailable: 127.0.0.1 refused the login of 'styrdok' (535")
    assert all(error == f"not tried: {first}" for error in rest)
    assert {r.state for r in after_refusal} == {"pending"}
    assert sum(r.attempts for r in after_refusal) == len(
        [r for r in after_refusal if r.recipient == failures[0][1]]
    )  # only the digest actually tried counts an attempt
    assert {d.recipient.ref for d in chat.digests} >= {person for _, person, _ in failures}
    assert fixed.failures == ()
    assert sorted(d.recipient.ref for _, d in fixed.digests) == sorted(p for _, p, _ in failures)
    assert len(inbox.messages) == len(failures)


def test_a_name_shaped_like_an_address_stays_a_name(smtp_server: tuple[Inbox, int]) -> None:
    """A display name with a comma and an address in it reaches only the registered
    address: the envelope has that one recipient, and a mail program reading To: finds
    exactly one address, with the whole name as its display name."""
    inbox, port = smtp_server
    for name in ("Sjöberg, Karin <evil@evil.example>", 'Karin "x" <evil@evil.example>, a@b.c'):
        karin = Person("karin.sjoberg", name, email="karin.sjoberg@mittkoping.example")
        inbox.messages.clear()
        inbox.recipients.clear()
        SmtpNotifier(settings(port)).deliver(attrs.evolve(DIGEST, recipient=karin))
        assert inbox.recipients == [["karin.sjoberg@mittkoping.example"]]
        [address] = inbox.messages[0]["To"].addresses
        assert address.addr_spec == "karin.sjoberg@mittkoping.example"
        assert address.display_name == name


def test_an_address_that_is_not_one_address_is_never_sent(
    smtp_server: tuple[Inbox, int],
) -> None:
    """Should a malformed address get past the model (an old database row), the plugin
    refuses it rather than let the mail go to two recipients."""
    inbox, port = smtp_server
    for bad in ("karin@mittkoping.example, evil@evil.example", "a<evil@evil.example>@b.se"):
        person = Person("karin", "Karin", email="karin@mittkoping.example")
        object.__setattr__(person, "email", bad)  # bypass the model's validator on purpose
        with pytest.raises(ValueError, match="Invalid addr_spec"):
            SmtpNotifier(settings(port)).deliver(attrs.evolve(DIGEST, recipient=person))
    assert inbox.recipients == [] and inbox.messages == []


def test_an_untrusted_certificate_is_refused(secure_server: tuple[Inbox, int]) -> None:
    """Without the CA the server's certificate is not accepted: no mail in clear text."""
    _, port = secure_server
    with pytest.raises(ssl.SSLCertVerificationError):
        SmtpNotifier(settings(port, starttls=True)).deliver(DIGEST)


def test_a_server_that_is_down_raises_quickly() -> None:
    """Connection refused is an error, not a hang."""
    with pytest.raises(ConnectionRefusedError):
        SmtpNotifier(settings(free_port())).deliver(DIGEST)


def test_people_without_an_address_are_not_for_this_channel() -> None:
    """E-mail needs an address; other channels may still reach them."""
    notifier = SmtpNotifier(settings(25))
    assert notifier.wants(ANNA)
    assert not notifier.wants(Person("nils", "Nils Utan Adress"))


def test_the_plugin_registers_whenever_its_table_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    """No [smtp] table, no channel; a table, a channel or one clear error naming the key
    (a table without `host` is a mistake, not a way to turn e-mail off)."""
    found: list[Any] = []
    styrdok_register_notifiers(found.append, Config())
    assert found == []
    styrdok_register_notifiers(
        found.append, Config(sections={"smtp": {"host": "smtp.example", "from": "styrdok@example"}})
    )
    assert [n.name for n in found] == ["smtp"]
    assert (found[0].settings.port, found[0].settings.starttls) == (587, True)
    with pytest.raises(InvalidValue, match=r"^configuration: \[smtp\] host: missing"):
        styrdok_register_notifiers(found.append, Config(sections={"smtp": {}}))
    with pytest.raises(InvalidValue, match=r"\[smtp\] from: missing"):
        styrdok_register_notifiers(found.append, Config(sections={"smtp": {"host": "x"}}))
    monkeypatch.delenv("NO_SUCH_VARIABLE", raising=False)
    with pytest.raises(
        InvalidValue, match=r"\[smtp\] password_env: the variable NO_SUCH_VARIABLE is not set"
    ):
        styrdok_register_notifiers(
            found.append,
            Config(
                sections={"smtp": {"host": "x", "from": "a@b", "password_env": "NO_SUCH_VARIABLE"}}
            ),
        )
    assert len(found) == 1


def test_ssl_changes_the_defaults_of_port_and_starttls() -> None:
    """Implicit TLS means port 465 and no STARTTLS, unless the settings say otherwise."""
    base = {"host": "smtp.example", "from": "styrdok@example"}
    tls = SmtpSettings.from_section({**base, "ssl": True})
    assert (tls.port, tls.starttls, tls.ssl, tls.timeout) == (465, False, True, 30.0)
    own = SmtpSettings.from_section({**base, "ssl": True, "port": 2465, "timeout": 5})
    assert (own.port, own.timeout) == (2465, 5.0)
    relay = SmtpSettings.from_section({**base, "port": 25, "starttls": False})
    assert (relay.port, relay.starttls, relay.ssl) == (25, False, False)


# --- through `styrdok remind`: a wrong [smtp] stops the run --------------------------------

SENDER = 'from = "Styrdok <styrdok@mittkoping.example>"\n'


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_file(tmp_path_factory.mktemp("smtp-cli"))


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_template, tmp_path)


@pytest.fixture
def smtp_plugin() -> Iterator[None]:
    """The plugin registered as its entry point would (tests load no entry points)."""
    manager = get_plugin_manager()
    manager.register(styrdok_smtp, name="smtp")
    yield
    manager.unregister(styrdok_smtp)


def remind(db: Path, settings: str, tmp_path: Path, *args: str) -> Result:
    return remind_with(db, settings, tmp_path, *args)


@pytest.mark.usefixtures("smtp_plugin")
def test_good_settings_send_through_styrdok_remind(
    demo_db: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    """The control for the cases below: the same settings, right, deliver every digest."""
    inbox, port = smtp_server
    settings = (
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\ntimeout = 5\n{SENDER}'
        "[console]\nenabled = false\n"
    )
    result = remind(demo_db, settings, tmp_path)
    assert result.exit_code == 0, result.stderr
    rows = outbox(demo_db)
    assert rows and {r.channel for r in rows} == {"smtp"} and {r.state for r in rows} == {"sent"}
    assert len(inbox.messages) == len({r.recipient for r in rows})


@pytest.mark.usefixtures("smtp_plugin")
def test_the_help_example_that_sends_mail_sends_it(
    demo_db: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    """``styrdok remind --help``'s example that sends mail, run as written there — its
    settings file made in the test's folder, the register and the reminders' day added —
    delivers every digest through a real server, in English as it asks
    (tests/test_examples.py leaves this one example to this test)."""
    from click.testing import CliRunner

    from styrdok.cli import main
    from styrdok.cli.remind import remind as remind_command

    inbox, port = smtp_server
    config = tmp_path / "styrdok.toml"
    config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n{SENDER}',
        encoding="utf-8",
    )
    lines = (remind_command.help or "").splitlines()
    example = next(line.strip() for line in lines if "--channel smtp" in line)
    words = shlex.split(example.replace("/etc/styrdok.toml", str(config)))
    assert words[0] == "styrdok" and "--config" in words
    result = CliRunner().invoke(main, ["--db", str(demo_db), *words[1:], "--today", REMIND_DAY])
    assert result.exit_code == 0, result.output
    rows = outbox(demo_db)
    assert rows and {(r.channel, r.state) for r in rows} == {("smtp", "sent")}
    assert len(inbox.messages) == len({r.recipient for r in rows})
    assert all(
        re.fullmatch(r"styrdok: \d+ items? needs? your attention", message["Subject"])
        for message in inbox.messages
    )


@pytest.mark.usefixtures("smtp_plugin")
@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            '[smtp]\nhost = "127.0.0.1"\nport = "{port}"\n' + SENDER,
            '[smtp] port: expected a whole number 1–65535, got "{port}"',
        ),
        (
            '[smtp]\nhost = "127.0.0.1"\nport = {port}\nssl = "false"\n' + SENDER,
            '[smtp] ssl: expected true or false (without quotes), got "false"',
        ),
        (
            '[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = 0\n' + SENDER,
            "[smtp] starttls: expected true or false (without quotes), got 0",
        ),
        (
            '[smtp]\nhots = "127.0.0.1"\nport = {port}\n' + SENDER,
            "[smtp] hots: unknown setting; known: cafile, from, host, password_env, port, "
            "ssl, starttls, timeout, username",
        ),
        ("[smtp]\n", "[smtp] host: missing; expected text on one line (1–1000 characters)"),
        (
            '[smtp]\nhost = "127.0.0.1"\nport = {port}\n',
            "[smtp] from: missing; expected text on one line (1–1000 characters)",
        ),
        (
            '[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "styrdok"\n',
            '[smtp] from: expected one e-mail address, e.g. "Styrdok <styrdok@kommun.example>", '
            'got "styrdok"',
        ),
        (
            '[smtp]\nhost = "127.0.0.1"\nport = {port}\ntimeout = 0\n' + SENDER,
            "[smtp] timeout: expected a number 0.1–600, got 0",
        ),
        (
            '[smtp]\nhost = "127.0.0.1"\nport = {port}\nusername = "styrdok"\n'
            'password_env = "STYRDOK_TEST_NO_SUCH_PASSWORD"\n' + SENDER,
            "[smtp] password_env: the variable STYRDOK_TEST_NO_SUCH_PASSWORD is not set "
            "(or is empty)",
        ),
        (
            '[smtp]\nhost = "127.0.0.1"\nport = {port}\ncafile = "{missing}"\n' + SENDER,
            "[smtp] cafile: cannot read certificates from {missing}: No such file or directory",
        ),
    ],
)
def test_a_wrong_smtp_setting_fails_the_run_and_nothing_is_recorded(
    demo_db: Path,
    tmp_path: Path,
    smtp_server: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
    settings: str,
    message: str,
) -> None:
    """A mail server is up and the console channel works, yet a mistake in [smtp] is one
    `Error:` line naming the key, exit 1, before anything is recorded or sent: the e-mail
    channel is never silently left out."""
    inbox, port = smtp_server
    monkeypatch.delenv("STYRDOK_TEST_NO_SUCH_PASSWORD", raising=False)
    names = {"port": port, "missing": tmp_path / "no-such-ca.pem"}
    # In English (the settings file's language), as the messages below are written.
    result = remind(demo_db, 'language = "en"\n' + settings.format(**names), tmp_path)
    path = tmp_path / "styrdok.toml"
    expected = f"Error: plugin smtp: {path}: {message.format(**names)}\n"
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)
    assert outbox(demo_db) == []
    assert inbox.messages == []


@pytest.mark.usefixtures("smtp_plugin")
def test_the_reminder_runs_mail_carries_a_link_that_confirms(
    tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    """Through `styrdok remind` with `[reminders] base_url`: the reminder to read arrives
    with its reader's link, and that link confirms as the reader, channel email."""
    from styrdok.enums import AckChannel
    from styrdok.model import Body, Unit
    from styrdok.testing.contract_data import complete_document

    inbox, port = smtp_server
    db = tmp_path / "register.db"
    day = dt.date.fromisoformat(REMIND_DAY)
    clock = dt.datetime.combine(day, dt.time(9), dt.UTC)
    with Registry.open(db, create=True, clock=lambda: clock) as registry:
        registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
        registry.add_unit(Unit("MK", "Mittköpings kommun", "municipality"), actor="admin")
        for ref in ("owner", "guardian", "approver"):
            registry.add_person(Person(ref, ref.title()), actor="admin")
        registry.add_person(
            attrs.evolve(ANNA, unit="MK", unit_since=day - dt.timedelta(days=400)),
            actor="admin",
        )
        registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board"), actor="admin")
        registry.add_document(complete_document(applies_to=("MK",)), actor="owner")
        registry.adopt_document("POL-1", actor="owner", body="KS", on=day - dt.timedelta(14))
    settings = (
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\ntimeout = 5\n{SENDER}'
        '[console]\nenabled = false\n[reminders]\nbase_url = "https://intranat.example/styrdok"\n'
    )
    result = remind(db, settings, tmp_path)
    assert result.exit_code == 0, result.stderr
    (message,) = [m for m in inbox.messages if m["To"].addresses[0].username == "anna.lind"]
    text = message.get_body(("plain",)).get_content()
    (line,) = [line for line in text.splitlines() if "Bekräfta att du har läst POL-1" in line]
    address = line.rsplit(" ", 1)[1]
    assert address.startswith("https://intranat.example/styrdok/bekrafta/")
    assert f'href="{address}"' in message.get_body(("html",)).get_content()
    with Registry.open(db, clock=lambda: clock) as registry:
        ack = registry.acknowledge_by_link(address.rsplit("/", 1)[1])
    assert (ack.person, ack.document_ref, ack.channel) == ("anna.lind", "POL-1", AckChannel.EMAIL)


def test_mail_down_then_up_delivers_once_on_the_next_run(tmp_path: Path) -> None:
    """Through the reminder engine: a dead server keeps every notice pending with the
    error; when it is back, the next run delivers each digest exactly once."""
    from styrdok.demo import build_demo

    today = dt.date(2026, 11, 23)
    port = free_port()
    notifier = SmtpNotifier(settings(port))
    with Registry.open(tmp_path / "demo.db", create=True) as registry:
        build_demo(registry, today=today)
        down = registry.remind(config=Config(), notifiers={"smtp": notifier}, today=today)
        people = len(down.failures)
        assert down.digests == () and people > 10
        assert {error.split(":")[0] for _, _, error in down.failures} == {"ConnectionRefusedError"}
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            up = registry.remind(config=Config(), notifiers={"smtp": notifier}, today=today)
            again = registry.remind(config=Config(), notifiers={"smtp": notifier}, today=today)
        finally:
            controller.stop()
    assert len(up.digests) == people and up.failures == ()
    assert len(inbox.messages) == people and again.digests == ()
    assert sorted(r[0] for r in inbox.recipients) == sorted(
        f"{d.recipient.ref}@mittkoping.example" for _, d in up.digests
    )


def test_a_silent_server_times_out_and_other_channels_still_deliver(tmp_path: Path) -> None:
    """A server that accepts the connection and never answers (overloaded, a firewall
    black hole): the e-mail channel gives up after its timeout, its notices stay pending
    with the error, and the same run still delivers through the other channel."""
    import threading
    import time

    from styrdok.demo import build_demo

    class Recorder:
        name = "chat"

        def __init__(self) -> None:
            self.digests: list[Digest] = []

        def wants(self, recipient: Person) -> bool:
            return True

        def deliver(self, digest: Digest) -> None:
            self.digests.append(digest)

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_say_nothing() -> None:
        silent.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except TimeoutError:
                continue

    acceptor = threading.Thread(target=accept_and_say_nothing, daemon=True)
    acceptor.start()
    today = dt.date(2026, 11, 23)
    smtp = SmtpNotifier(settings(silent.getsockname()[1], timeout=0.3))
    chat = Recorder()
    try:
        with Registry.open(tmp_path / "demo.db", create=True) as registry:
            build_demo(registry, today=today)
            started = time.monotonic()
            report = registry.remind(
                config=Config(), notifiers={"smtp": smtp, "chat": chat}, today=today
            )
            elapsed = time.monotonic() - started
            with registry.store.transaction(write=False):
                rows = registry.store.notices()
    finally:
        stop.set()
        acceptor.join(timeout=5)
        for connection in held:
            connection.close()
        silent.close()
    failed = {person for channel, person, _ in report.failures if channel == "smtp"}
    assert failed and all("timed out" in error for _, _, error in report.failures)
    assert elapsed < 0.3 * len(failed) + 10  # one timeout per digest, never a hang
    smtp_rows = [r for r in rows if r.channel == "smtp"]
    assert {r.state for r in smtp_rows} == {"pending"}
    assert all("timed out" in r.last_error for r in smtp_rows)
    assert {r.state for r in rows if r.channel == "chat"} == {"sent"}
    assert {d.recipient.ref for d in chat.digests} >= failed
