"""The confirmation link of a reminder to read on the intranet (issue 17): ``GET
/bekrafta/<token>`` shows and never confirms, ``POST`` confirms with the channel email,
and a link that is not good is a Swedish error page that changes nothing — through
Flask's test client, on the demo with a small organisation added
(:func:`intranet_support.add_reading`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from intranet_support import (
    DEMO_NOW,
    PROXIES,
    READ_POLICY,
    READ_ROUTINE,
    READER,
    SECRET,
    by_id,
    demo_template,
    make_app,
    parse,
    reading_db,
    reading_template,
    title,
)
from styrdok_intranet import create_app
from werkzeug.test import TestResponse

from styrdok.enums import AckChannel
from styrdok.registry import Registry

__all__ = ["demo_template", "reading_db", "reading_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}


def link(db: Path, ref: str = READ_ROUTINE, version: int = 1, person: str = READER) -> str:
    """The address a reminder to read ``version`` of ``ref`` carries for ``person``."""
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        return "/bekrafta/" + registry.confirmation_link(person, ref, version)


def client(db: Path, *, now: dt.datetime = DEMO_NOW) -> FlaskClient:
    """The app over ``db``, on the demo's clock unless ``now`` is given."""
    if now == DEMO_NOW:
        return make_app(db).test_client()
    app = create_app(str(db), secret=SECRET, clock=lambda: now, trusted_proxies=PROXIES)
    app.config["TESTING"] = True
    return app.test_client()


def get(web: FlaskClient, path: str, user: str | None = None) -> TestResponse:
    """As the phone of someone outside the intranet's login, unless ``user`` is given."""
    headers = {"X-Remote-User": user} if user else {}
    return web.get(path, headers=headers, environ_base=PROXY)


def post(web: FlaskClient, path: str) -> TestResponse:
    return web.post(path, environ_base=PROXY)


def confirmations(db: Path, ref: str = READ_ROUTINE) -> list[tuple[str, int, str]]:
    """Who confirmed which version of ``ref`` through which channel, as stored."""
    with Registry.open(db) as registry, registry.session.read() as store:
        found = []
        for person in ("lina.lasare", "maja.chef", "otto.olast", "ivar.it"):
            found += [
                (a.person, a.version, a.channel.value)
                for a in store.acknowledgements_by(person)
                if a.document_ref == ref
            ]
        return sorted(found)


def buttons(page: str) -> list[str]:
    return [e.text for e in parse(page) if e.tag == "button"]


def test_opening_the_link_shows_the_document_and_one_button_and_confirms_nothing(
    reading_db: Path,
) -> None:
    """GET (and HEAD: mail scanners and link previews open links) shows the document's
    title, type, ref and version, a link to read it, whose confirmation it is and ONE
    button posting to the same address — without a login, and writing nothing."""
    address = link(reading_db)
    web = client(reading_db)
    before = confirmations(reading_db)
    page = get(web, address)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert title(html) == "Läsbekräftelse: Rutin för läsbekräftelse i skolan – Intranätet"
    assert "LAS-RUT-01" in html and "version 1" in html
    elements = parse(html)
    reads = [
        e for e in elements if e.tag == "a" and e.attrs.get("href") == f"/dokument/{READ_ROUTINE}"
    ]
    assert [e.text for e in reads] == ["Läs ”Rutin för läsbekräftelse i skolan”"]
    (form,) = [e for e in elements if e.tag == "form"]
    assert (form.attrs["method"], form.attrs["action"]) == ("post", address)
    assert buttons(html) == [
        "Jag har läst och förstått – Rutin för läsbekräftelse i skolan, version 1"
    ]
    assert "Du bekräftar som Lina Läsare." in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert web.head(address, environ_base=PROXY).status_code == 200
    assert get(web, address, user="maja.chef").status_code == 200
    assert confirmations(reading_db) == before


def test_the_button_confirms_with_the_channel_email_once(reading_db: Path) -> None:
    """POST confirms as the link's person (channel email) and redirects to the page, which
    then says so in a role="status" region; another POST changes nothing."""
    address = link(reading_db)
    web = client(reading_db)
    done = post(web, address)
    assert done.status_code == 303
    assert done.headers["Location"] == f"{address}?klart=1#kvitto"
    assert confirmations(reading_db) == [
        ("lina.lasare", 1, "email"),
        ("otto.olast", 1, "cli"),
    ]
    page = get(web, f"{address}?klart=1").get_data(as_text=True)
    receipt = by_id(page, "kvitto")
    assert receipt.attrs["role"] == "status"
    assert receipt.text == (
        "Tack! Du har bekräftat att du har läst och förstått ”Rutin för läsbekräftelse i "
        "skolan”, version 1."
    )
    assert title(page).startswith("Bekräftat: ")
    assert buttons(page) == []
    assert post(web, address).status_code == 303
    assert confirmations(reading_db) == [("lina.lasare", 1, "email"), ("otto.olast", 1, "cli")]
    again = get(web, address).get_data(as_text=True)
    assert "Du bekräftade version 1 den 2026-11-22." in again and 'id="kvitto"' not in again


def test_a_link_confirms_as_its_person_whoever_is_logged_in(reading_db: Path) -> None:
    """The token is the credential: a link opened in someone else's browser still confirms
    for the person it was sent to (the page says whose it is), never for the one logged in."""
    address = link(reading_db)
    web = client(reading_db)
    response = web.post(address, headers={"X-Remote-User": "maja.chef"}, environ_base=PROXY)
    assert response.status_code == 303
    assert confirmations(reading_db) == [("lina.lasare", 1, "email"), ("otto.olast", 1, "cli")]


def _error(response: TestResponse, status: int, heading: str) -> str:
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert [e.text for e in parse(page) if e.tag == "h1"] == [heading]
    assert title(page) == f"{heading} – Intranätet"
    assert 'role="alert"' in page and buttons(page) == []
    return page


@pytest.mark.parametrize(
    "address",
    [
        "/bekrafta/inte-en-lank",
        "/bekrafta/" + "A" * 3000,
        "/bekrafta/MSBsaW5hLmxhc2FyZSBMQVMtUlVULTAxIDEgMjA5OS0wMS0wMQ.AAAAAAAAAAAAAAAAAAAAAA",
        "/bekrafta/%C3%A5%00%2e",
    ],
)
def test_a_bad_link_is_a_swedish_error_page_and_nothing_is_written(
    reading_db: Path, address: str
) -> None:
    """Garbage, an overlong token, a well-formed one never signed here: 403 in the app's
    layout for GET and POST alike, never a crash, never a confirmation."""
    link(reading_db)  # the register has its key
    web = client(reading_db)
    before = confirmations(reading_db)
    for response in (get(web, address), post(web, address)):
        page = _error(response, 403, "Länken går inte att använda")
        assert "bekräfta under ”Att läsa” i stället" in page
    assert confirmations(reading_db) == before


def test_an_altered_link_is_refused_and_never_echoed(reading_db: Path) -> None:
    """One character changed in a real link: refused, and the page does not repeat it."""
    address = link(reading_db)
    altered = address[:-3] + ("A" if address[-3] != "A" else "B") + address[-2:]
    web = client(reading_db)
    for response in (get(web, altered), post(web, altered)):
        page = _error(response, 403, "Länken går inte att använda")
        assert altered.rsplit("/", 1)[1] not in page
    assert confirmations(reading_db) == [("otto.olast", 1, "cli")]


def test_an_expired_link_says_so(reading_db: Path) -> None:
    """Sixty days after the reminder the link has run out: 403, "Länken har gått ut"."""
    address = link(reading_db)
    later = DEMO_NOW + dt.timedelta(days=61)
    web = client(reading_db, now=later)
    for response in (get(web, address), post(web, address)):
        _error(response, 403, "Länken har gått ut")
    assert confirmations(reading_db) == [("otto.olast", 1, "cli")]


def test_a_link_for_an_older_version_is_refused_with_the_way_to_the_new_one(
    reading_db: Path,
) -> None:
    """Version 2 of the policy is in force; a link for version 1 cannot confirm words its
    reader never saw: 409 with a way to the document, and nothing written."""
    address = link(reading_db, READ_POLICY, 1)
    web = client(reading_db)
    before = confirmations(reading_db, READ_POLICY)
    for response in (get(web, address), post(web, address)):
        page = _error(response, 409, "Det finns en ny version")
        assert "har fått en ny version (version 2) sedan påminnelsen skickades" in page
        assert f'href="/dokument/{READ_POLICY}"' in page
    assert confirmations(reading_db, READ_POLICY) == before


def test_a_link_of_someone_who_has_left_is_refused(reading_db: Path) -> None:
    """A person who has left confirms nothing, by link or otherwise."""
    address = link(reading_db)
    with Registry.open(reading_db, clock=lambda: DEMO_NOW) as registry:
        registry.edit_person(READER, {"active": False}, actor="eva.ek")
    web = client(reading_db)
    for response in (get(web, address), post(web, address)):
        _error(response, 403, "Länken går inte att använda")
    assert confirmations(reading_db) == [("otto.olast", 1, "cli")]


def test_a_confirmation_by_link_is_one_like_any_other(reading_db: Path) -> None:
    """Confirmed by link, the document leaves "Att läsa" and its page says it is confirmed."""
    post(client(reading_db), link(reading_db))
    with Registry.open(reading_db, clock=lambda: DEMO_NOW) as registry:
        refs = [t.document.ref for t in registry.documents_to_read(READER)]
        ack = registry.acknowledgement_of(READER, READ_ROUTINE)
    assert READ_ROUTINE not in refs and READ_POLICY in refs
    assert ack is not None and ack.channel is AckChannel.EMAIL
