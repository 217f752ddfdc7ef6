"""Issue 16, self-service: revoking ("Återkalla dispensen") and closing early ("Avsluta
dispensen i förtid") an approved dispensation on its page, through Flask's test client on
the Mittköping demo.

The registry decides (``revoke_dispensation``, ``close_dispensation``,
:func:`styrdok.rules.require_may_end`); these tests pin what the page offers whom — a
party to a dispensation never the revocation, only the close — what it says in Swedish
next to the field, that a refused, stale or token-less form writes nothing, and the
confirmation after one that went through.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from intranet_support import (
    PROXY,
    SECRET,
    by_id,
    client,
    demo_db,
    demo_template,
    get_as,
    page,
    parse,
    post_as,
    title,
    words,
)
from styrdok_intranet import selfservice
from styrdok_intranet.disp_page import CHANGED
from styrdok_intranet.identity import form_token

from styrdok.dispensation import Dispensation
from styrdok.enums import DispStatus
from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

#: lisa.holm's (requester and responsible) from RIKT-MOLN-SKOLA: guardian erik.makinen,
#: owner and approver per.ahmadi; 2026-09-23 – 2026-12-12, the demo's today 2026-11-22.
APPROVED = "D-2026-0001"
GUARDIAN = "erik.makinen"
PARTY = "lisa.holm"
#: amir.yusuf's (requester and responsible) from RIKT-IS-02, guarded by gustav.berg.
AMIRS = "D-2026-0002"
PENDING = "D-2026-0003"  # a request, not decided: nothing to end
#: What the forms say when no reason is given (the registry requires one).
NO_REASON = {
    "revoke": "Skriv varför dispensen återkallas.",
    "close": "Skriv varför dispensen avslutas.",
}
REVOKE = f"/dispens/{APPROVED}/aterkallelse"
CLOSE = f"/dispens/{APPROVED}/avslut"


def disp(db: Path, ref: str) -> Dispensation:
    """Dispensation ``ref`` as the register holds it now."""
    with Registry.open(db) as registry:
        return registry.get_dispensation(ref)


def revision_on(html: str, action: str) -> str:
    """The revision the form posting to ``action`` carries, hidden."""
    inside = html.split(f'action="{action}"')[1].split("</form>")[0]
    found = next(e for e in parse(inside) if e.attrs.get("name") == "revision")
    return found.attrs["value"]


def test_the_guardian_revokes_an_approved_dispensation(demo_db: Path) -> None:
    """Erik sees both forms, today prefilled; revoking records status, day, reason and
    him, and the page confirms it with the reason under "Varför den upphörde"."""
    web = client(demo_db)
    html = page(get_as(web, GUARDIAN, f"/dispens/{APPROVED}"))
    assert words(by_id(html, "aterkalla").text) == "Återkalla dispensen"
    assert words(by_id(html, "avsluta").text) == "Avsluta dispensen i förtid"
    day = by_id(html, "aterkalla-upphor")
    assert (day.attrs["type"], day.attrs["value"]) == ("date", "2026-11-22")
    assert day.attrs["aria-describedby"] == "aterkalla-upphor-tips"
    assert "2026-09-23 till och med 2026-12-13" in by_id(html, "aterkalla-upphor-tips").text
    reason = by_id(html, "aterkalla-anledning")
    assert reason.attrs["aria-required"] == "true"
    label = next(
        e for e in parse(html) if e.tag == "label" and e.attrs.get("for") == "aterkalla-anledning"
    )
    assert words(label.text) == "Varför dispensen återkallas (obligatoriskt)"
    revision = revision_on(html, REVOKE)
    data = {"anledning": "Villkoren följs inte", "upphor": "2026-11-22", "revision": revision}
    sent = post_as(web, GUARDIAN, REVOKE, data)
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/dispens/{APPROVED}?klart=aterkallad#kvitto"
    now = disp(demo_db, APPROVED)
    assert now.status is DispStatus.REVOKED
    assert (now.ended_on, now.end_reason, now.ended_by) == (
        dt.date(2026, 11, 22),
        "Villkoren följs inte",
        GUARDIAN,
    )
    shown = page(get_as(web, GUARDIAN, sent.headers["Location"]))
    notice = by_id(shown, "kvitto")
    assert notice.attrs["role"] == "status" and notice.text.startswith("Dispensen är återkallad.")
    assert title(shown).startswith("Dispensen är återkallad: ")
    assert "Återkallad · 2026-09-23 – 2026-12-12 · upphörde 2026-11-22" in words(shown)
    assert "Varför den upphörde</dt><dd>Villkoren följs inte (Erik Mäkinen)" in shown
    assert "/aterkallelse" not in shown and "/avslut" not in shown


def test_the_responsible_sees_only_the_close_form_and_closes_it(demo_db: Path) -> None:
    """Lisa, a party to it, is offered no revocation; she closes it from a later day,
    and until then it still applies."""
    web = client(demo_db)
    html = page(get_as(web, PARTY, f"/dispens/{APPROVED}"))
    assert "/aterkallelse" not in html and 'id="aterkalla"' not in html
    assert CLOSE in html
    data = {
        "anledning": "Piloten är klar",
        "upphor": "2026-12-01",
        "revision": revision_on(html, CLOSE),
    }
    sent = post_as(web, PARTY, CLOSE, data)
    assert sent.headers["Location"] == f"/dispens/{APPROVED}?klart=avslutad#kvitto"
    now = disp(demo_db, APPROVED)
    assert (now.status, now.ended_on, now.end_reason, now.ended_by) == (
        DispStatus.CLOSED,
        dt.date(2026, 12, 1),
        "Piloten är klar",
        PARTY,
    )
    shown = page(get_as(web, PARTY, sent.headers["Location"]))
    assert by_id(shown, "kvitto").text.startswith("Dispensen är avslutad i förtid.")
    assert "gäller nu · 2026-09-23 – 2026-12-12 · upphör 2026-12-01" in words(shown)
    # Someone else following the same address is told nothing: it was not their step.
    assert 'id="kvitto"' not in page(get_as(web, GUARDIAN, sent.headers["Location"]))


def test_a_party_cannot_revoke_and_is_told_why(demo_db: Path) -> None:
    """Amir has only the close form on his own dispensation; a revocation he crafts is
    refused (403) in Swedish with the registry's reason, and nothing is written."""
    web = client(demo_db)
    html = page(get_as(web, "amir.yusuf", f"/dispens/{AMIRS}"))
    assert "/aterkallelse" not in html and f"/dispens/{AMIRS}/avslut" in html
    before = disp(demo_db, AMIRS)
    data = {"anledning": "Behövs inte", "upphor": "2026-11-22", "revision": str(before.revision)}
    crafted = post_as(web, "amir.yusuf", f"/dispens/{AMIRS}/aterkallelse", data)
    assert crafted.status_code == 403
    problem = by_id(page(crafted), "problem")
    assert words(problem.text).startswith(f"Det gick inte: {selfservice.PARTY_REVOKES}")
    assert "(jäv)" in problem.text  # the registry's own reason, as detail
    assert disp(demo_db, AMIRS) == before


def test_someone_with_no_part_in_it_is_offered_nothing_and_refused(demo_db: Path) -> None:
    """Sara has nothing to do with Lisa's dispensation: no form, and a crafted close is
    refused in Swedish."""
    web = client(demo_db)
    html = page(get_as(web, "sara.jansson", f"/dispens/{APPROVED}"))
    assert "/aterkallelse" not in html and "/avslut" not in html
    before = disp(demo_db, APPROVED)
    data = {"anledning": "Fel", "upphor": "2026-11-22", "revision": str(before.revision)}
    crafted = post_as(web, "sara.jansson", CLOSE, data)
    assert crafted.status_code == 403
    assert selfservice.NOT_ENDER["close"] in words(by_id(page(crafted), "problem").text)
    assert disp(demo_db, APPROVED) == before


@pytest.mark.parametrize(
    ("path", "prefix", "typed", "field", "said"),
    [
        (REVOKE, "aterkalla", {"anledning": " "}, "anledning", NO_REASON["revoke"]),
        (CLOSE, "avsluta", {"anledning": ""}, "anledning", NO_REASON["close"]),
        (
            REVOKE,
            "aterkalla",
            {"upphor": "22/11/2026"},
            "upphor",
            "Ange första dagen dispensen inte gäller som ÅÅÅÅ-MM-DD, till exempel 2027-01-31.",
        ),
        (CLOSE, "avsluta", {"upphor": ""}, "upphor", "Ange första dagen dispensen inte gäller."),
        (
            CLOSE,
            "avsluta",
            {"upphor": "2026-12-14"},
            "upphor",
            "Dispensen gäller 2026-09-23 till och med 2026-12-12. Välj en dag från 2026-09-23 "
            "till och med 2026-12-13 som första dag den inte gäller.",
        ),
    ],
)
def test_a_mistake_is_said_next_to_its_field_and_nothing_is_written(
    demo_db: Path, path: str, prefix: str, typed: dict[str, str], field: str, said: str
) -> None:
    """No reason, or no first day it no longer applies, or one outside the dispensation:
    said in Swedish next to the field and in the summary (400); what was typed is kept."""
    web = client(demo_db)
    before = disp(demo_db, APPROVED)
    data = {
        "anledning": "Villkoren följs inte",
        "upphor": "2026-11-22",
        "revision": str(before.revision),
        **typed,
    }
    answer = post_as(web, GUARDIAN, path, data)
    assert answer.status_code == 400
    html = page(answer)
    assert by_id(html, f"{prefix}-{field}-fel").text == f"Fel: {said}"
    element = by_id(html, f"{prefix}-{field}")
    assert element.attrs["aria-invalid"] == "true"
    assert element.attrs["aria-describedby"] == f"{prefix}-{field}-tips {prefix}-{field}-fel"
    summary = by_id(html, f"{prefix}-fel")
    assert "autofocus" in summary.attrs
    link = next(e for e in parse(html) if e.attrs.get("href") == f"#{prefix}-{field}")
    assert link.text == said
    assert title(html).startswith("Fel: ")
    if field == "upphor":
        assert element.attrs["value"] == typed["upphor"]
        assert by_id(html, f"{prefix}-anledning").text == "Villkoren följs inte"
    assert disp(demo_db, APPROVED) == before


def test_a_stale_page_cannot_end_what_someone_else_already_ended(demo_db: Path) -> None:
    """Lisa closes it first; Erik's revocation from the page before (its revision) is
    refused (409) with the Swedish message, what he typed kept, and nothing of his written."""
    web = client(demo_db)
    html = page(get_as(web, GUARDIAN, f"/dispens/{APPROVED}"))
    old = revision_on(html, REVOKE)
    lisa = {"anledning": "Klart", "upphor": "2026-11-22", "revision": old}
    assert post_as(web, PARTY, CLOSE, lisa).status_code == 302
    erik = {"anledning": "Villkoren följs inte", "upphor": "2026-11-22", "revision": old}
    answer = post_as(web, GUARDIAN, REVOKE, erik)
    assert answer.status_code == 409
    problem = by_id(page(answer), "problem")
    assert words(problem.text) == f"Det gick inte: {CHANGED}"
    assert "Avslutad" in page(answer) and "/aterkallelse" not in page(answer)
    now = disp(demo_db, APPROVED)
    assert (now.status, now.ended_by, now.end_reason) == (DispStatus.CLOSED, PARTY, "Klart")


def test_a_form_without_its_token_is_refused_and_writes_nothing(demo_db: Path) -> None:
    """CSRF: no token, or another user's, is the app's 400 page; nobody signed in a 403."""
    web = client(demo_db)
    before = disp(demo_db, APPROVED)
    data = {"anledning": "Villkoren följs inte", "upphor": "2026-11-22", "revision": "1"}
    for path in (REVOKE, CLOSE):
        missing = post_as(web, GUARDIAN, path, data, token=False)
        assert missing.status_code == 400 and "Formuläret har gått ut" in page(missing)
        theirs = {**data, "token": form_token(SECRET, PARTY)}
        assert post_as(web, GUARDIAN, path, theirs, token=False).status_code == 400
        assert web.post(path, data=data, environ_base=PROXY).status_code == 403
    assert disp(demo_db, APPROVED) == before


def test_nothing_to_end_on_a_request_and_the_registry_says_why(demo_db: Path) -> None:
    """A pending request offers no end form to its decider; one crafted anyway is refused
    by the registry (it is not approved), said at the top of the page."""
    web = client(demo_db)
    html = page(get_as(web, "gustav.berg", f"/dispens/{PENDING}"))
    assert "/aterkallelse" not in html and "/avslut" not in html
    data = {"anledning": "Fel", "upphor": "2026-12-23", "revision": "0"}
    crafted = post_as(web, "gustav.berg", f"/dispens/{PENDING}/aterkallelse", data)
    assert crafted.status_code == 400
    assert "Registrets förklaring" in by_id(page(crafted), "problem").text
    assert disp(demo_db, PENDING).status is DispStatus.REQUESTED


def test_a_made_up_confirmation_says_nothing(demo_db: Path) -> None:
    """``?klart=aterkallad`` on a dispensation nobody revoked confirms nothing."""
    html = page(get_as(client(demo_db), GUARDIAN, f"/dispens/{APPROVED}?klart=aterkallad"))
    assert 'id="kvitto"' not in html
