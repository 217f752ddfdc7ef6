"""Issue 17 on the intranet: "Att läsa", the one-click "Jag har läst och förstått", what a
document page says about reading it, the reading status for managers, and the JSON API —
through Flask's test client, on the demo with a small organisation added
(:func:`intranet_support.add_reading`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from intranet_support import (
    DEMO_NOW,
    MANAGER,
    READ_POLICY,
    READ_ROUTINE,
    READER,
    SECRET,
    UNPLACED,
    by_id,
    demo_template,
    make_app,
    parse,
    reading_db,
    reading_template,
    title,
)
from styrdok_intranet.identity import form_token
from werkzeug.test import TestResponse

from styrdok.enums import AckChannel
from styrdok.registry import Registry

__all__ = ["demo_template", "reading_db", "reading_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}


def client(db: Path) -> FlaskClient:
    return make_app(db).test_client()


def get(web: FlaskClient, path: str, user: str | None = READER) -> TestResponse:
    headers = {"X-Remote-User": user} if user else {}
    return web.get(path, headers=headers, environ_base=PROXY)


def confirm(
    web: FlaskClient, ref: str, version: int | str, user: str = READER, **form: str
) -> TestResponse:
    """Press "Jag har läst och förstått" for ``version`` of ``ref`` as ``user``."""
    data = {"token": form_token(SECRET, user), "version": str(version), **form}
    return web.post(
        f"/dokument/{ref}/bekraftelse",
        data=data,
        headers={"X-Remote-User": user},
        environ_base=PROXY,
    )


def api_confirm(web: FlaskClient, ref: str, body: Any, user: str | None = READER) -> TestResponse:
    headers = {"X-Remote-User": user} if user else {}
    return web.post(
        f"/api/dokument/{ref}/bekraftelse", json=body, headers=headers, environ_base=PROXY
    )


def confirmations(db: Path, ref: str) -> list[tuple[str, int, str]]:
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


def menu(page: str) -> list[str]:
    nav = next(e for e in parse(page) if e.tag == "nav")
    return [line.strip() for line in nav.text.splitlines() if line.strip()]


def expected_count(db: Path, person: str) -> int:
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        return len(registry.documents_to_read(person))


# --- "Att läsa" ----------------------------------------------------------------------------


def test_the_menu_counts_what_the_person_is_asked_to_read(reading_db: Path) -> None:
    """The menu's "Att läsa (N)" for someone asked; no count for someone with nothing;
    no link for a visitor who is not logged in."""
    web = client(reading_db)
    count = expected_count(reading_db, READER)
    assert count >= 2
    assert f"Att läsa ({count})" in menu(get(web, "/").get_data(as_text=True))
    assert "Att läsa" in menu(get(web, "/", user=UNPLACED).get_data(as_text=True))
    assert "Att läsa" not in " ".join(menu(get(web, "/", user=None).get_data(as_text=True)))


def test_the_to_read_page_lists_each_document_with_a_confirm_form(reading_db: Path) -> None:
    """Since when, a link, what changed since the version confirmed before, and one form
    per document posting the version shown, with the user's form token."""
    response = get(client(reading_db), "/att-lasa")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert title(page) == "Att läsa – Intranätet"
    elements = parse(page)
    assert [e.text for e in elements if e.tag == "h1"] == ["Att läsa"]
    headings = {e.text: e for e in elements if e.tag == "h2"}
    assert (
        "Policy för läsbekräftelse" in headings and "Rutin för läsbekräftelse i skolan" in headings
    )
    assert '<a href="/dokument/LAS-POL-01">Policy för läsbekräftelse</a>' in page
    assert (
        'Policy · <span class="ref">LAS-POL-01</span> · version 2 · att läsa sedan 2026-11-17'
        in page
    )
    assert "att läsa sedan 2026-10-23" in page  # the routine, adopted 30 days ago
    assert (
        "Du bekräftade version 1 den 2026-11-22. Ändrat sedan dess: Beslutsdatum, "
        "Gäller från, Syfte, Antal ord, Texten." in page
    )
    forms = [e for e in elements if e.tag == "form"]
    policy = next(f for f in forms if f.attrs["action"] == f"/dokument/{READ_POLICY}/bekraftelse")
    assert policy.attrs["method"] == "post"
    start = elements.index(policy)
    fields = {
        e.attrs["name"]: e.attrs["value"] for e in elements[start : start + 5] if e.tag == "input"
    }
    assert fields == {"token": form_token(SECRET, READER), "version": "2", "fran": "lista"}
    button = next(e for e in elements[start:] if e.tag == "button")
    assert button.text == "Jag har läst och förstått – Policy för läsbekräftelse, version 2"


def test_the_to_read_page_for_someone_with_nothing_anonymous_or_unknown(reading_db: Path) -> None:
    """Each says so in words, and has no form."""
    web = client(reading_db)
    for user, words in (
        (UNPLACED, "Du har inget att läsa just nu."),
        (None, "Logga in via intranätet för att se vad du ombeds läsa."),
        ("okand.person", "Du finns inte i registret"),
    ):
        page = get(web, "/att-lasa", user=user).get_data(as_text=True)
        assert words in page, user
        assert "bekraftelse" not in page, user


def test_confirming_from_the_list_redirects_to_a_confirmation(reading_db: Path) -> None:
    """Post/Redirect/Get to #kvitto: the role=status notice names the document and the
    version, the document leaves the list and the menu's count drops; the registry has
    the confirmation, from the intranet."""
    web = client(reading_db)
    before = expected_count(reading_db, READER)
    response = confirm(web, READ_ROUTINE, 1, fran="lista")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/att-lasa?klart={READ_ROUTINE}#kvitto"
    page = get(web, f"/att-lasa?klart={READ_ROUTINE}").get_data(as_text=True)
    notice = by_id(page, "kvitto")
    assert notice.attrs == {"id": "kvitto", "class": "notice", "role": "status", "tabindex": "-1"}
    assert notice.text == (
        "Tack! Du har bekräftat att du har läst och förstått "
        "”Rutin för läsbekräftelse i skolan”, version 1."
    )
    assert title(page) == "Bekräftat: Att läsa – Intranätet"
    assert f"/dokument/{READ_ROUTINE}/bekraftelse" not in page
    assert f"Att läsa ({before - 1})" in menu(page)
    assert (READER, 1, "intranet") in confirmations(reading_db, READ_ROUTINE)


def test_a_confirmation_notice_is_said_only_when_it_is_so(reading_db: Path) -> None:
    """A made-up link cannot tell someone they have confirmed what they have not."""
    web = client(reading_db)
    page = get(web, f"/att-lasa?klart={READ_ROUTINE}").get_data(as_text=True)
    assert 'id="kvitto"' not in page and title(page) == "Att läsa – Intranätet"
    for made_up in ("FINNS-INTE", "RIKT-AI-01"):  # unknown; a draft she may not see
        assert 'id="kvitto"' not in get(web, f"/att-lasa?klart={made_up}").get_data(as_text=True)
    doc = get(web, f"/dokument/{READ_ROUTINE}?klart=last").get_data(as_text=True)
    assert 'id="kvitto"' not in doc


def test_a_stale_page_cannot_confirm_newer_words(reading_db: Path) -> None:
    """Version 1 shown, version 2 in force: 409, the page says so in Swedish next to the
    new version's button, which has focus and is described by the message; nothing is
    stored."""
    web = client(reading_db)
    response = confirm(web, READ_POLICY, 1, fran="lista")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert title(page) == "Fel: Att läsa – Intranätet"
    error = next(e for e in parse(page) if e.attrs.get("class") == "field-error")
    assert error.text.startswith(
        "Fel: ”Policy för läsbekräftelse” har fått en ny version (version 2) sedan sidan "
        "visades, och du såg version 1. Läs den nya versionen och bekräfta den i stället."
    )
    assert "är inte längre den gällande: läs version 2" in error.text
    button = next(e for e in parse(page) if e.tag == "button" and "autofocus" in e.attrs)
    assert button.attrs["aria-describedby"] == error.attrs["id"]
    assert button.text.endswith("Policy för läsbekräftelse, version 2")
    assert confirmations(reading_db, READ_POLICY) == [
        ("ivar.it", 2, "api"),
        (READER, 1, "intranet"),
    ]


def test_a_document_no_longer_in_force_is_not_confirmed(reading_db: Path) -> None:
    """Repealed while the page was open: 409 and a message that has focus, at the top of
    the list (the document has left it) or in the document's own section."""
    with Registry.open(reading_db, clock=lambda: DEMO_NOW) as registry:
        registry.repeal_document(
            READ_ROUTINE, actor="eva.ek", on=DEMO_NOW.date() - dt.timedelta(days=1)
        )
    web = client(reading_db)
    for form, where in (({"fran": "lista"}, "fel"), ({}, "fel-las")):
        response = confirm(web, READ_ROUTINE, 1, **form)
        page = response.get_data(as_text=True)
        assert response.status_code == 409
        error = by_id(page, where)
        assert error.attrs["tabindex"] == "-1" and "autofocus" in error.attrs
        assert "”Rutin för läsbekräftelse i skolan” gäller inte längre (upphävd)" in error.text
        assert title(page).startswith("Fel: ")
    assert confirmations(reading_db, READ_ROUTINE) == [("otto.olast", 1, "cli")]


def test_the_confirm_form_is_refused_without_token_login_or_version(reading_db: Path) -> None:
    """The app's CSRF token, the login proxy and a version number are all required."""
    web = client(reading_db)
    forged = web.post(
        f"/dokument/{READ_ROUTINE}/bekraftelse",
        data={"token": "forged", "version": "1"},
        headers={"X-Remote-User": READER},
        environ_base=PROXY,
    )
    assert forged.status_code == 400 and "Formuläret har gått ut" in forged.get_data(as_text=True)
    anonymous = web.post(
        f"/dokument/{READ_ROUTINE}/bekraftelse", data={"version": "1"}, environ_base=PROXY
    )
    assert anonymous.status_code == 403
    for bad in ("", "ett", "0", "-1", "1.0", "²"):
        response = confirm(web, READ_ROUTINE, bad)
        assert response.status_code == 400, bad
        assert "vilken version du läste" in response.get_data(as_text=True)
    assert confirm(web, "FINNS-INTE", 1).status_code == 404
    assert confirmations(reading_db, READ_ROUTINE) == [("otto.olast", 1, "cli")]


# --- the document page ---------------------------------------------------------------------


def test_the_document_page_asks_the_reader_to_confirm(reading_db: Path) -> None:
    """A band at the top leads to the confirm form under the text; what changed since the
    version she confirmed is open above it."""
    page = get(client(reading_db), f"/dokument/{READ_POLICY}").get_data(as_text=True)
    assert (
        '<p class="ask">Du ombeds läsa version 2 och bekräfta att du har läst och förstått '
        'den. <a href="#las">Till bekräftelsen</a></p>'
    ) in page
    assert '<details class="changes" id="andringar" open>' in page
    assert "<summary>Vad har ändrats sedan version 1, som du bekräftade?</summary>" in page
    section = page[page.index('<h2 id="las">') :]
    assert "Du ombeds läsa version 2 (sedan 2026-11-17)" in section
    assert "Du bekräftade version 1 den 2026-11-22" in section
    assert f'<form method="post" action="/dokument/{READ_POLICY}/bekraftelse">' in section
    assert '<input type="hidden" name="version" value="2">' in section
    assert "Gäller för: Läsförvaltningen." in page
    assert 'id="lasstatus"' not in page  # a reader sees no one else's reading


def test_confirming_on_the_document_page_shows_when(reading_db: Path) -> None:
    """Back to the document's #kvitto; the page then says which version was confirmed
    and when, and asks no more."""
    web = client(reading_db)
    response = confirm(web, READ_POLICY, 2)
    assert response.headers["Location"] == f"/dokument/{READ_POLICY}?klart=last#kvitto"
    page = get(web, f"/dokument/{READ_POLICY}?klart=last").get_data(as_text=True)
    assert by_id(page, "kvitto").text == (
        "Tack! Du har bekräftat att du har läst och förstått dokumentet."
    )
    assert title(page) == "Bekräftat: Policy för läsbekräftelse – Intranätet"
    assert "<p>Du bekräftade version 2 den 2026-11-22.</p>" in page
    assert 'class="ask"' not in page and "/bekraftelse" not in page
    assert confirm(web, READ_POLICY, 2).status_code == 302  # again: nothing new, no error
    assert confirmations(reading_db, READ_POLICY).count((READER, 2, "intranet")) == 1


def test_a_stale_document_page_says_so_next_to_the_new_button(reading_db: Path) -> None:
    """The document page's own refusal: 409, the error in its section, focus on the
    button for the version now in force."""
    response = confirm(client(reading_db), READ_POLICY, 1)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    error = by_id(page, "fel-las")
    assert "har fått en ny version (version 2)" in error.text
    button = next(e for e in parse(page) if e.tag == "button" and "autofocus" in e.attrs)
    assert button.attrs["aria-describedby"] == "fel-las"
    assert button.text == "Jag har läst och förstått"


def test_a_document_not_asked_of_the_person_says_nothing_about_reading(reading_db: Path) -> None:
    """Someone outside the units it applies to: in another förvaltning, or in a
    sibling of the one unit it applies to."""
    web = client(reading_db)
    for user, ref in (("sara.jansson", READ_POLICY), ("ivar.it", READ_ROUTINE)):
        page = get(web, f"/dokument/{ref}", user=user).get_data(as_text=True)
        assert 'id="las"' not in page and 'class="ask"' not in page, (user, ref)


# --- the reading status --------------------------------------------------------------------


def status_rows(page: str) -> list[list[str]]:
    table = page[page.index('<table class="stack reading">') :]
    table = table[: table.index("</table>")]
    rows = [e for e in parse(table) if e.tag == "tr"][1:]
    return [[c.strip() for c in row.text.strip().split("\n") if c.strip()] for row in rows]


def test_a_manager_sees_each_unit_and_who_in_theirs_has_not_read(reading_db: Path) -> None:
    """Asked and read per unit, in tree order, and the names in the units they manage."""
    page = get(client(reading_db), f"/dokument/{READ_POLICY}", user=MANAGER).get_data(as_text=True)
    assert "<p>1 av 4 som ombeds läsa har bekräftat version 2 (25\u00a0%).</p>" in page
    assert status_rows(page) == [
        ["Läsförvaltningen", "1", "0", "0\u00a0%"],
        ["Ekskolan", "2", "0", "0\u00a0%"],
        ["IT-stödet", "1", "1", "100\u00a0%"],
    ]
    assert '<td class="lead depth-1">Ekskolan</td>' in page
    assert "<h3>Har inte bekräftat (i enheterna du är chef för)</h3>" in page
    names = [e.text for e in parse(page) if e.tag == "li" and "Ekskolan" in e.text]
    assert names == ["Lina Läsare (Ekskolan)", "Otto Olästsson (Ekskolan)"]


def test_the_owner_sees_numbers_but_not_names(reading_db: Path) -> None:
    """Names are personal data: only for managers (their units) and administrators."""
    page = get(client(reading_db), f"/dokument/{READ_POLICY}", user="anna.lind").get_data(
        as_text=True
    )
    assert status_rows(page)[0] == ["Läsförvaltningen", "1", "0", "0\u00a0%"]
    assert "Vilka som inte har bekräftat visas bara för chefer" in page
    assert "Lina Läsare" not in page


def test_an_administrator_sees_every_name(reading_db: Path) -> None:
    page = get(client(reading_db), f"/dokument/{READ_ROUTINE}", user="eva.ek").get_data(
        as_text=True
    )
    assert "<h3>Har inte bekräftat</h3>" in page
    assert status_rows(page) == [["Ekskolan", "2", "1", "50\u00a0%"]]
    assert '<td class="lead depth-0">Ekskolan</td>' in page
    assert "Lina Läsare" in page and "Otto Olästsson" not in page


# --- the JSON API --------------------------------------------------------------------------


def test_the_api_lists_what_the_person_is_asked_to_read(reading_db: Path) -> None:
    """The same list as the page, with the earlier confirmation and where to confirm."""
    response = get(client(reading_db), "/api/att-lasa")
    assert response.status_code == 200 and response.mimetype == "application/json"
    found = {item["ref"]: item for item in response.get_json()}
    assert found[READ_POLICY] == {
        "ref": READ_POLICY,
        "title": "Policy för läsbekräftelse",
        "doc_type": "policy",
        "version": 2,
        "since": "2026-11-17",
        "read_before": {"version": 1, "at": "2026-11-22T09:00:00+00:00", "channel": "intranet"},
        "page": f"/dokument/{READ_POLICY}",
        "confirm": f"/api/dokument/{READ_POLICY}/bekraftelse",
    }
    assert found[READ_ROUTINE]["read_before"] is None
    assert get(client(reading_db), "/api/att-lasa", user=UNPLACED).get_json() == []


def test_the_api_confirms_201_then_200(reading_db: Path) -> None:
    """201 with the acknowledgement; the same version again is 200 with the first one."""
    web = client(reading_db)
    created = api_confirm(web, READ_POLICY, {"version": 2})
    assert created.status_code == 201
    ack = {
        "person": READER,
        "document_ref": READ_POLICY,
        "version": 2,
        "at": "2026-11-22T09:00:00+00:00",
        "channel": "api",
    }
    assert created.get_json() == ack
    again = api_confirm(web, READ_POLICY, {"version": 2})
    assert again.status_code == 200 and again.get_json() == ack
    assert READ_POLICY not in {i["ref"] for i in get(web, "/api/att-lasa").get_json()}
    assert confirmations(reading_db, READ_POLICY).count((READER, 2, "api")) == 1


def problem(response: TestResponse) -> dict[str, Any]:
    assert response.mimetype == "application/problem+json", response.mimetype
    body: dict[str, Any] = response.get_json()
    assert body["type"] == "about:blank" and body["status"] == response.status_code
    assert body["error"] == body["detail"]
    return body


def test_the_api_takes_only_json(reading_db: Path) -> None:
    """415 for a form or plain text (what a page elsewhere could send without asking):
    the JSON API's defence against CSRF."""
    web = client(reading_db)
    for content_type, data in (
        ("application/x-www-form-urlencoded", "version=1"),
        ("text/plain", '{"version": 1}'),
        ("multipart/form-data; boundary=x", "--x--"),
    ):
        response = web.post(
            f"/api/dokument/{READ_ROUTINE}/bekraftelse",
            data=data,
            content_type=content_type,
            headers={"X-Remote-User": READER},
            environ_base=PROXY,
        )
        assert response.status_code == 415, content_type
        assert response.headers["Accept-Post"] == "application/json"
        assert problem(response)["title"] == "Unsupported Media Type"
    assert (READER, 1, "api") not in confirmations(reading_db, READ_ROUTINE)


def test_api_refusals_are_problem_details(reading_db: Path) -> None:
    """A bad body 400, a stale version 409 (with the version in force), an unknown
    document 404, nobody logged in 403."""
    web = client(reading_db)
    for body in ({}, {"version": "2"}, {"version": True}, {"version": 2.0}, {"version": 0}, [2]):
        response = api_confirm(web, READ_POLICY, body)
        assert response.status_code == 400, body
        assert problem(response)["detail"] == (
            'Ange versionen du läste som ett heltal från 1: {"version": N}.'
        )
    stale = api_confirm(web, READ_POLICY, {"version": 1})
    assert stale.status_code == 409
    body = problem(stale)
    assert body["title"] == "Conflict" and body["version"] == 2
    assert body["document_status"] == "in_force"
    assert body["detail"].startswith("”Policy för läsbekräftelse” har fått en ny version")
    assert "är inte längre den gällande" in body["reason"]
    unknown = api_confirm(web, "FINNS-INTE", {"version": 1})
    assert (
        unknown.status_code == 404 and problem(unknown)["detail"] == "okänt dokument 'FINNS-INTE'"
    )
    for user, words in ((None, "Logga in"), ("okand.person", "finns inte i registret")):
        refused = api_confirm(web, READ_POLICY, {"version": 2}, user=user)
        assert refused.status_code == 403 and words in problem(refused)["detail"]
        listed = get(web, "/api/att-lasa", user=user)
        assert listed.status_code == 403 and words in problem(listed)["detail"]
    draft = api_confirm(web, "RIKT-AI-01", {"version": 1})
    assert draft.status_code == 404  # a draft is not said to exist
    assert [c for c in confirmations(reading_db, READ_POLICY) if c[0] == READER] == [
        (READER, 1, "intranet")
    ]


def test_a_person_who_has_left_cannot_confirm(reading_db: Path) -> None:
    """Deactivated (staff sync): nothing to read, and a confirmation is a 403."""
    with Registry.open(reading_db, clock=lambda: DEMO_NOW) as registry:
        registry.edit_person(READER, {"active": False}, actor="eva.ek")
    web = client(reading_db)
    assert get(web, "/api/att-lasa").get_json() == []
    assert "Du har inget att läsa just nu." in get(web, "/att-lasa").get_data(as_text=True)
    assert api_confirm(web, READ_ROUTINE, {"version": 1}).status_code == 403
    assert confirm(web, READ_ROUTINE, 1).status_code == 403


def test_confirmations_are_audited_with_their_channel(reading_db: Path) -> None:
    """The registry records each one in the audit log, as any change."""
    web = client(reading_db)
    confirm(web, READ_ROUTINE, 1, fran="lista")
    api_confirm(web, READ_POLICY, {"version": 2})
    with Registry.open(reading_db) as registry:
        events = [
            (e.entity, e.actor, (e.after or {}).get("channel"))
            for e in registry.audit_events()
            if e.action == "document.acknowledge" and e.actor == READER
        ]
    assert events[-2:] == [
        (f"document:{READ_ROUTINE}", READER, AckChannel.INTRANET.value),
        (f"document:{READ_POLICY}", READER, AckChannel.API.value),
    ]
