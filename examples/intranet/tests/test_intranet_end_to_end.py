"""Issue 16, item 5: tests a user would believe — each step told by e-mail, end to end.

Nothing is stood in for: the demo register is served on loopback by a real HTTP server,
each person uses their own Chromium context behind the login proxy's header, the reminder
run (``Registry.remind`` with a ``styrdok.toml``, as ``styrdok remind`` runs it) sends
through the e-mail plugin to a real SMTP server started by the test, and the next person
follows the link in the e-mail they received.

1. Jonas Ali asks for a dispensation from RIKT-IS-02 → Gustav Berg, its guardian and the
   one who decides, gets an e-mail with a link → he follows it and approves → Jonas gets
   an e-mail of the decision, and Gustav is not told again.
2. Sara Jansson asks the guardian of RIKT-MOLN-SKOLA a question → Erik Mäkinen gets an
   e-mail with a link → he follows it and answers there → Sara gets an e-mail, follows its
   link and reads the answer.

The reminder run works on the app's clock (the demo's today), so what the pages and the
e-mails say is the same on every run. Nothing waits for time to pass: the browser waits
for what the page shows, and a message is in the inbox once the run has returned (the
server keeps it before it answers the sender).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from browser_support import Console, browser, serve
from intranet_support import DEMO_NOW, demo_db, demo_template, make_app
from mail_support import Inbox, smtp_plugin, smtp_server
from playwright.sync_api import Browser, Page, expect

from styrdok.config import load_config
from styrdok.registry import Registry

__all__ = ["browser", "demo_db", "demo_template", "smtp_plugin", "smtp_server"]  # fixtures

#: Riktlinjer för lösenord och inloggning: in force, dispensations of at most 365 days,
#: decided by its guardian alone.
DOCUMENT = "RIKT-IS-02"
EMPLOYEE = "jonas.ali"
"""Systemutvecklare at the IT unit: neither guardian nor approver of :data:`DOCUMENT`."""
DECIDER = "gustav.berg"
"""The guardian of :data:`DOCUMENT`, who decides its dispensations."""
#: Vägledning för molntjänster i skolan, whose guardian is Erik Mäkinen.
ASKED_ABOUT = "RIKT-MOLN-SKOLA"
ASKER = "sara.jansson"
GUARDIAN = "erik.makinen"


class Intranet:
    """The demo register served on loopback, a mail server, the settings the reminder run
    reads (e-mail to that server, links to the served app), and each person's browser."""

    def __init__(self, browser: Browser, base: str, db: Path, inbox: Inbox, folder: Path) -> None:
        self.browser = browser
        self.base = base
        self.db = db
        self.inbox = inbox
        self.console = Console()
        self.pages: list[Page] = []
        self.settings = folder / "styrdok.toml"
        self.settings.write_text(
            f"""language = "sv"

[reminders]
base_url = "{base}"

[smtp]
host = "127.0.0.1"
port = {inbox.port}
starttls = false
from = "Styrdokumentregistret <styrdok@mittkoping.example>"
timeout = 5

[console]
enabled = false
""",
            encoding="utf-8",
        )

    def person(self, user: str) -> Page:
        """A browser of ``user``'s own, behind the login proxy (its header on every request)."""
        context = self.browser.new_context(extra_http_headers={"X-Remote-User": user})
        self.pages.append(self.console.watch(context.new_page()))
        return self.pages[-1]

    def close(self) -> None:
        """Close every person's browser."""
        for page in self.pages:
            page.context.close()

    def reminder_run(self) -> list[EmailMessage]:
        """One reminder run at the app's clock, with the settings above, as ``styrdok
        remind`` would do it; returns the e-mails it sent. Every digest went by e-mail."""
        before = len(self.inbox.messages)
        with Registry.open(self.db, clock=lambda: DEMO_NOW) as registry:
            report = registry.remind(config=load_config(self.settings))
        assert report.failures == ()
        assert {channel for channel, _ in report.digests} <= {"smtp"}
        sent = self.inbox.messages[before:]
        assert len(sent) == len(report.digests)
        return sent


@pytest.fixture
def intranet(
    browser: Browser, demo_db: Path, smtp_server: Inbox, smtp_plugin: None, tmp_path: Path
) -> Iterator[Intranet]:
    """A fresh copy of the demo register, served, with its own mail server."""
    server = serve(make_app(demo_db))
    town = Intranet(browser, next(server), demo_db, smtp_server, tmp_path)
    yield town
    town.close()
    server.close()
    assert town.console.csp_violations() == []


def recipients(messages: list[EmailMessage]) -> list[str]:
    """Whom ``messages`` are to, by the user name of their address (the demo's people
    have ``ref@mittkoping.example``)."""
    return [m["To"].addresses[0].username for m in messages]


def mail_to(messages: list[EmailMessage], user: str) -> EmailMessage:
    """The one e-mail among ``messages`` to ``user``'s registered address."""
    found = [m for m in messages if m["To"].addresses[0].addr_spec == f"{user}@mittkoping.example"]
    assert len(found) == 1, f"{len(found)} e-mails to {user}"
    return found[0]


def body(message: EmailMessage, kind: str) -> str:
    """The ``plain`` or ``html`` part of ``message``, which has both."""
    part = message.get_body((kind,))
    assert part is not None, f"no {kind} part"
    text: str = part.get_content()
    return text


def line_about(message: EmailMessage, words: str) -> tuple[str, str]:
    """The sentence of ``message`` that says ``words``, and the link it ends with (in the
    text part; the HTML part links to the same address)."""
    (line,) = [line for line in body(message, "plain").splitlines() if words in line]
    sentence, link = line.removeprefix("* ").rsplit(" ", 1)
    assert f'<a href="{link}">' in body(message, "html")
    return sentence, link


def test_a_request_reaches_its_decider_by_mail_and_the_decision_its_requester(
    intranet: Intranet,
) -> None:
    """Request in the browser → the decider's e-mail links to it → approved there → the
    requester's e-mail tells the decision; nobody is told a step twice."""
    scope = "Löneservern saknar stöd för tvåfaktorsinloggning; inloggning med lösenord tills vidare"
    # In the e-mails the scope is a title of at most 80 characters, of whole words.
    title = "Löneservern saknar stöd för tvåfaktorsinloggning; inloggning med lösenord tills…"
    # Jonas asks for a dispensation from the guidelines' page.
    jonas = intranet.person(EMPLOYEE)
    jonas.goto(f"{intranet.base}/dokument/{DOCUMENT}")
    jonas.get_by_role("link", name="Ansök om dispens").click()
    expect(jonas.get_by_role("heading", level=1)).to_have_text("Ansök om dispens")
    expect(jonas.locator("#regler")).to_be_visible()
    expect(jonas.get_by_text("Gustav Berg (väktare)")).to_be_visible()
    jonas.get_by_label("Vad undantaget gäller (obligatoriskt)").fill(scope)
    jonas.get_by_label("Avgränsningar").fill("Bara löneservern, och bara från IT-enhetens nät")
    jonas.get_by_label("Gäller från och med").fill("2026-12-01")
    jonas.get_by_label("Gäller till och med").fill("2027-05-31")
    jonas.get_by_label("Dispensen medför inga extra kostnader").check()
    jonas.get_by_label("Motivering").fill(
        "Servern byts i maj 2027; till dess har den 20 tecken långa lösenord och loggning."
    )
    jonas.get_by_role("button", name="Skicka ansökan").click()
    expect(jonas.get_by_role("status")).to_have_text(
        "Tack! Din ansökan om dispens är skickad och väntar nu på beslut."
    )
    found = re.search(r"/dispens/(D-\d{4}-\d{4})", jonas.url)
    assert found, jonas.url
    ref = found.group(1)

    # The reminder run: Gustav's e-mail, in Swedish, says the request waits for him.
    sent = intranet.reminder_run()
    to_gustav = mail_to(sent, DECIDER)
    assert to_gustav["To"] == "Gustav Berg <gustav.berg@mittkoping.example>"
    assert re.fullmatch(r"styrdok: \d+ ärenden? behöver din uppmärksamhet", to_gustav["Subject"])
    sentence, link = line_about(to_gustav, ref)
    assert sentence == (
        f"Dispens {ref} från {DOCUMENT} ({title}) söktes 22 november 2026 och väntar på "
        "ditt beslut."
    )
    assert link == f"{intranet.base}/dispens/{ref}"
    # The one who asked is not asked to decide.
    to_jonas = [m for m in sent if recipients([m]) == [EMPLOYEE]]
    assert all(ref not in body(m, "plain") for m in to_jonas)

    # Gustav follows the link and approves, with his reasons.
    gustav = intranet.person(DECIDER)
    gustav.goto(link)
    expect(gustav.get_by_role("heading", level=1)).to_have_text(f"Dispens {ref}")
    expect(gustav.get_by_text(scope)).to_be_visible()
    gustav.get_by_label("Bifall: ansökan beviljas").check()
    gustav.get_by_label("Motivering").fill("Avgränsad till en server med ett slutdatum.")
    gustav.get_by_role("button", name="Spara beslutet").click()
    expect(gustav.get_by_role("status")).to_have_text("Beslutet är sparat: ansökan är beviljad.")

    # The next run: only Jonas hears, of the decision, with the link; Gustav nothing again.
    sent = intranet.reminder_run()
    assert recipients(sent) == [EMPLOYEE]
    sentence, link = line_about(sent[0], ref)
    assert sentence == f"Dispens {ref} ({title}) beviljades 22 november 2026."
    assert link == f"{intranet.base}/dispens/{ref}"
    jonas.goto(link)
    expect(jonas.locator(".meta").first).to_contain_text("Beviljad")
    expect(jonas.get_by_text("Avgränsad till en server med ett slutdatum.")).to_be_visible()
    assert intranet.reminder_run() == []


def test_a_question_reaches_the_guardian_by_mail_and_the_answer_the_asker(
    intranet: Intranet,
) -> None:
    """Question in the browser → the guardian's e-mail links to where it is answered →
    answered there → the asker's e-mail links to where the answer is read."""
    question = "Får eleverna logga in i ritappen med sina skolkonton?"
    answer = "Ja, om appen finns i kommunens förteckning över godkända tjänster."
    # Sara asks the guardian on the document's page.
    sara = intranet.person(ASKER)
    sara.goto(f"{intranet.base}/dokument/{ASKED_ABOUT}")
    sara.get_by_label("Din fråga").fill(question)
    sara.get_by_role("button", name="Skicka frågan").click()
    expect(sara.get_by_role("status")).to_have_text("Tack! Din fråga är skickad till väktaren.")

    # The reminder run: Erik's e-mail says a question asked today waits for his answer
    # (the demo's older questions have lines of their own), with a link.
    sent = intranet.reminder_run()
    to_erik = mail_to(sent, GUARDIAN)
    sentence, link = line_about(to_erik, "ställdes 22 november 2026")
    assert sentence == (
        f"En fråga om {ASKED_ABOUT} Vägledning för molntjänster i skolan ställdes "
        "22 november 2026 och väntar på ditt svar."
    )
    assert link == f"{intranet.base}/dokument/{ASKED_ABOUT}#obesvarade"

    # Erik follows the link and answers on the page it leads to.
    erik = intranet.person(GUARDIAN)
    erik.goto(link)
    form = erik.locator("form.answer", has_text=question)
    form.get_by_label("Ditt svar").fill(answer)
    form.get_by_role("button", name="Svara").click()
    expect(erik.get_by_role("status")).to_have_text("Ditt svar är sparat.")

    # The next run: only Sara hears, that her question is answered; the link leads to
    # her question with its answer.
    sent = intranet.reminder_run()
    assert recipients(sent) == [ASKER]
    sentence, link = line_about(sent[0], f"Din fråga om {ASKED_ABOUT}")
    assert sentence == (
        f"Din fråga om {ASKED_ABOUT} Vägledning för molntjänster i skolan besvarades "
        "22 november 2026."
    )
    assert re.fullmatch(rf"{re.escape(intranet.base)}/mina-fragor#fraga-\d+", link)
    sara.goto(link)
    asked = sara.locator(link[link.index("#") :])
    expect(asked).to_contain_text(question)
    expect(asked).to_contain_text(f"Svar (Erik Mäkinen, 2026-11-22): {answer}")
    assert intranet.reminder_run() == []
