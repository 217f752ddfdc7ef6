"""Issue 16, item 2: self-service on the intranet — request a dispensation, decide, withdraw,
renew, evaluate, and one's own lists — through Flask's test client on the Mittköping demo.

The registry decides; these tests pin what the pages say about it: every rule of the core
shown in Swedish next to the field it concerns, nothing written when a form is refused,
the decision form never offered to a party to the request, a stale page never
overwriting a newer decision, and every form refused without its token.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from intranet_support import (
    DEMO_NOW,
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
from styrdok_intranet import disp_forms, step_forms
from styrdok_intranet.identity import form_token
from werkzeug.datastructures import MultiDict

from styrdok.dispensation import Dispensation, DispensationRequest, Funding
from styrdok.enums import DispStatus
from styrdok.errors import InvalidValue
from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

SCHOOL = (
    "RIKT-MOLN-SKOLA"  # at most 200 days, one renewal; guardian erik.makinen, approver per.ahmadi
)
PENDING = "D-2026-0003"  # amir.yusuf's renewal request from RIKT-IS-02, decided by gustav.berg
TWO_DECIDERS = (
    "D-2026-0004"  # maria.nystrom's request from RIKT-SOC-01: olle.strand or karin.sjoberg
)
APPROVED = "D-2026-0001"  # lisa.holm's, from SCHOOL, ends 2026-12-12, never renewed
CLOSED = "D-2026-0008"  # closed early, not evaluated; responsible hanna.persson


def said(html: str) -> str:
    """The words of ``html`` without its tags."""
    return words(re.sub(r"<[^>]+>", "", html))


def disp(db: Path, ref: str) -> Dispensation:
    """Dispensation ``ref`` as the register holds it now."""
    with Registry.open(db) as registry:
        return registry.get_dispensation(ref)


def count(db: Path) -> int:
    """How many dispensations the register holds."""
    with Registry.open(db) as registry:
        return len(registry.list_dispensations())


def request_data(**changes: Any) -> dict[str, Any]:
    """A complete request from :data:`SCHOOL` as Sara would fill it in, with ``changes``."""
    data: dict[str, Any] = {
        "paragraf": "Avsnitt 3",
        "omfattning": "Pilot med en digital ritapp i åk 5",
        "avgransning": "Bara bilder, inga personuppgifter",
        "enheter": ["BUF-GR-SODRA"],
        "ansvarig": "sara.jansson",
        "giltig_fran": "2026-12-01",
        "giltig_till": "2027-05-31",
        "finansieras_av": "Södra skolans budget",
        "kostnad": "12 500,50",
        "finansiering_not": "Licens för en termin",
        "motivering": "DPIA är gjord; tjänsten avvecklas efter piloten",
        "villkor": "Inga elevkonton skapas",
    }
    data.update(changes)
    return data


# --- requesting ----------------------------------------------------------------------------


def test_a_document_that_allows_dispensations_links_to_the_request_form(demo_db: Path) -> None:
    """ "Ansök om dispens" on a document in force that allows them; not on one that does not."""
    web = client(demo_db)
    assert 'href="/dispens/ny?dokument=RIKT-MOLN-SKOLA">Ansök om dispens' in page(
        get_as(web, "sara.jansson", f"/dokument/{SCHOOL}")
    )
    assert "Ansök om dispens" not in page(get_as(web, "sara.jansson", "/dokument/POL-DATA-01"))


def test_the_request_form_shows_the_documents_rules_and_every_field(demo_db: Path) -> None:
    """Beside the form: what a request must show, 200 days, one renewal, who decides; the
    responsible is prefilled with the signed-in person; the units come from the tree."""
    html = page(get_as(client(demo_db), "sara.jansson", f"/dispens/ny?dokument={SCHOOL}"))
    rules = words(by_id(html, "regler").text + " " + html.split('id="regler"')[1].split("</dl>")[0])
    for said in ("DPIA", "200 dagar per beslut", "Högst en förlängning", "Erik Mäkinen (väktare)"):
        assert said in rules
    names = {e.attrs.get("name") for e in parse(html) if e.tag in ("input", "textarea", "select")}
    assert {
        "paragraf", "omfattning", "avgransning", "enheter", "ansvarig", "giltig_fran",
        "giltig_till", "finansieras_av", "kostnad", "ingen_extra_kostnad", "finansiering_not",
        "motivering", "villkor", "token",
    } <= names  # fmt: skip
    assert by_id(html, "ansvarig").attrs["value"] == "sara.jansson"
    assert by_id(html, "giltig_till").attrs["type"] == "date"
    assert by_id(html, "enheter").attrs.get("multiple") is not None
    legends = [words(e.text) for e in parse(html) if e.tag == "legend"]
    assert "Finansiering (obligatoriskt)" in legends
    label = next(e for e in parse(html) if e.tag == "label" and e.attrs.get("for") == "omfattning")
    assert words(label.text) == "Vad undantaget gäller (obligatoriskt)"


def test_a_request_goes_through_and_its_page_confirms_it(demo_db: Path) -> None:
    """Every field reaches the registry; the answer redirects to the new dispensation's page,
    whose status region confirms it (Post/Redirect/Get)."""
    web = client(demo_db)
    sent = post_as(web, "sara.jansson", f"/dispens/ny?dokument={SCHOOL}", request_data())
    assert sent.status_code == 302
    assert sent.headers["Location"] == "/dispens/D-2026-0011?klart=ansokan#kvitto"
    made = disp(demo_db, "D-2026-0011")
    assert made.status is DispStatus.REQUESTED and made.requested_by == "sara.jansson"
    assert (made.clause, made.scope, made.limits) == (
        "Avsnitt 3",
        "Pilot med en digital ritapp i åk 5",
        "Bara bilder, inga personuppgifter",
    )
    assert made.applies_to == ("BUF-GR-SODRA",)
    assert (made.valid_from, made.valid_until) == (dt.date(2026, 12, 1), dt.date(2027, 5, 31))
    assert made.funding == Funding(
        funded_by="Södra skolans budget",
        estimated_cost=Decimal("12500.50"),
        note="Licens för en termin",
    )
    assert made.justification.startswith("DPIA") and made.conditions == "Inga elevkonton skapas"
    shown = page(get_as(web, "sara.jansson", "/dispens/D-2026-0011?klart=ansokan"))
    notice = by_id(shown, "kvitto")
    assert notice.attrs["role"] == "status" and notice.attrs["tabindex"] == "-1"
    assert notice.text == "Tack! Din ansökan om dispens är skickad och väntar nu på beslut."
    assert title(shown).startswith("Ansökan är skickad: ")
    assert "Södra skolan" in shown  # whom it applies to, by the unit's name


def test_too_long_a_dispensation_is_said_in_swedish_and_nothing_is_written(demo_db: Path) -> None:
    """366 days from a document that allows 200: the message says the limit and the last
    day that would do, next to the field and in the summary; what was typed is kept."""
    before = count(demo_db)
    web = client(demo_db)
    wrong = request_data(giltig_till="2027-12-01")
    answer = post_as(web, "sara.jansson", f"/dispens/ny?dokument={SCHOOL}", wrong)
    assert answer.status_code == 400
    html = page(answer)
    said = (
        "En dispens från dokumentet får gälla högst 200 dagar. 2026-12-01 till och med "
        "2027-12-01 är 366 dagar: välj 2027-06-18 eller tidigare som sista dag."
    )
    assert by_id(html, "giltig_till-fel").text == f"Fel: {said}"
    field = by_id(html, "giltig_till")
    assert field.attrs["aria-invalid"] == "true"
    assert field.attrs["aria-describedby"] == "giltig_till-tips giltig_till-fel"
    assert field.attrs["value"] == "2027-12-01"
    summary = by_id(html, "fel")
    assert "autofocus" in summary.attrs and summary.attrs["tabindex"] == "-1"
    link = next(e for e in parse(html) if e.tag == "a" and e.attrs.get("href") == "#giltig_till")
    assert link.text == said
    assert by_id(html, "omfattning").text == "Pilot med en digital ritapp i åk 5"
    assert title(html).startswith("Fel: ")
    assert count(demo_db) == before


def test_each_missing_or_wrong_field_is_named(demo_db: Path) -> None:
    """Scope, responsible, dates, funding, cost: each mistake next to its field."""
    web = client(demo_db)
    wrong = request_data(
        omfattning="  ",
        ansvarig="finns.inte",
        giltig_fran="2027-01-10",
        giltig_till="2027-01-01",
        finansieras_av="",
        kostnad="tolv tusen",
        enheter=["BUF-GR-SODRA", "PÅHITTAD"],
    )
    html = page(post_as(web, "sara.jansson", f"/dispens/ny?dokument={SCHOOL}", wrong))
    errors = {
        e.attrs["id"]: words(e.text) for e in parse(html) if e.attrs.get("class") == "field-error"
    }
    assert errors == {
        "omfattning-fel": f"Fel: {disp_forms.NO_SCOPE}",
        "ansvarig-fel": "Fel: Det finns ingen person med användarnamnet finns.inte i registret.",
        "giltig_till-fel": (
            "Fel: Sista giltighetsdagen (2027-01-01) måste komma efter den första (2027-01-10)."
        ),
        "finansieras_av-fel": f"Fel: {disp_forms.NO_FUNDING}",
        "kostnad-fel": (
            "Fel: Skriv beräknad kostnad i kronor med siffror, till exempel 12 500 eller 12 500,50."
        ),
        "enheter-fel": "Fel: Välj enheterna i listan: någon av dem finns inte.",
    }
    assert words(by_id(html, "fel-rubrik").text) == "Det finns 6 fel i formuläret"
    assert count(demo_db) == 10


def test_no_extra_cost_is_a_statement_of_funding(demo_db: Path) -> None:
    """Ticking "inga extra kostnader" answers the funding question without a payer."""
    web = client(demo_db)
    data = request_data(finansieras_av="", kostnad="", ingen_extra_kostnad="ja")
    assert post_as(web, "sara.jansson", f"/dispens/ny?dokument={SCHOOL}", data).status_code == 302
    assert disp(demo_db, "D-2026-0011").funding == Funding(
        no_extra_cost=True, note="Licens för en termin"
    )


def test_a_form_without_its_token_is_refused_and_writes_nothing(demo_db: Path) -> None:
    """CSRF: no token (or another user's) is a 400 in the app's layout; nobody signed in a
    403; the register is unchanged either way."""
    web = client(demo_db)
    target = f"/dispens/ny?dokument={SCHOOL}"
    missing = post_as(web, "sara.jansson", target, request_data(), token=False)
    assert missing.status_code == 400
    assert "Formuläret har gått ut" in page(missing)
    theirs = {**request_data(), "token": form_token(SECRET, "lisa.holm")}
    assert post_as(web, "sara.jansson", target, theirs, token=False).status_code == 400
    for path in (f"/dispens/{PENDING}/beslut", f"/dispens/{PENDING}/atertagande"):
        data = {"val": "bifall", "revision": "0"}
        assert post_as(web, "gustav.berg", path, data, token=False).status_code == 400
        assert post_as(web, "amir.yusuf", path, data, token=False).status_code == 400
    anonymous = web.post(target, data=request_data(), environ_base=PROXY)
    assert anonymous.status_code == 403
    assert count(demo_db) == 10
    assert disp(demo_db, PENDING).status is DispStatus.REQUESTED


def test_nobody_signed_in_is_asked_to_log_in(demo_db: Path) -> None:
    """The request form and the own lists say how to sign in, and offer no form."""
    web = client(demo_db)
    html = page(get_as(web, None, f"/dispens/ny?dokument={SCHOOL}"))
    assert "Logga in via intranätet för att ansöka om dispens." in html and "<form" not in html
    for path in ("/mina-dispenser", "/att-besluta", "/mina-fragor"):
        assert "Logga in via intranätet" in page(get_as(web, None, path))


# --- deciding --------------------------------------------------------------------------------


def test_the_requester_is_not_offered_the_decision_and_is_told_why(demo_db: Path) -> None:
    """Separation of duties: no form for Amir on his own request, a sentence instead;
    a form he crafts anyway is refused in Swedish (403) and nothing is written."""
    web = client(demo_db)
    html = page(get_as(web, "amir.yusuf", f"/dispens/{PENDING}"))
    assert "/beslut" not in html
    assert (
        "Du kan inte besluta om ansökan, eftersom du själv har ansökt om den. Den som ansöker "
        "om en dispens eller ansvarar för den beslutar aldrig själv om den (åtskillnad mellan "
        "roller)." in html
    )
    crafted = post_as(
        web, "amir.yusuf", f"/dispens/{PENDING}/beslut", {"val": "bifall", "revision": "0"}
    )
    assert crafted.status_code == 403
    problem = words(by_id(page(crafted), "problem").text)
    assert problem.startswith("Det gick inte: Du kan inte besluta om ansökan, eftersom du själv")
    assert "(jäv)" in problem  # the registry's own reason, as detail
    assert disp(demo_db, PENDING).status is DispStatus.REQUESTED


def test_the_decider_approves_and_the_page_says_so(demo_db: Path) -> None:
    """Gustav, the guardian, sees the form with the revision, approves with reasons."""
    web = client(demo_db)
    html = page(get_as(web, "gustav.berg", f"/dispens/{PENDING}"))
    revision = next(e for e in parse(html) if e.attrs.get("name") == "revision")
    assert revision.attrs["value"] == "0"
    data = {"val": "bifall", "motivering": "Upphandlingen pågår", "revision": "0"}
    sent = post_as(web, "gustav.berg", f"/dispens/{PENDING}/beslut", data)
    assert sent.headers["Location"] == f"/dispens/{PENDING}?klart=beviljad#kvitto"
    now = disp(demo_db, PENDING)
    assert now.status is DispStatus.APPROVED and now.decision is not None
    assert (now.decision.by, now.decision.reasoning) == ("gustav.berg", "Upphandlingen pågår")
    notice = by_id(page(get_as(web, "gustav.berg", sent.headers["Location"])), "kvitto")
    assert notice.text == "Beslutet är sparat: ansökan är beviljad."


def test_a_rejection_needs_its_reasons(demo_db: Path) -> None:
    """Avslag without a reason: said next to the field, nothing written; with one: rejected."""
    web = client(demo_db)
    path = f"/dispens/{PENDING}/beslut"
    empty = post_as(web, "gustav.berg", path, {"val": "avslag", "motivering": " ", "revision": "0"})
    assert empty.status_code == 400
    assert by_id(page(empty), "beslut-motivering-fel").text == f"Fel: {step_forms.NO_REASONS}"
    assert disp(demo_db, PENDING).status is DispStatus.REQUESTED
    none = post_as(web, "gustav.berg", path, {"revision": "0"})
    assert by_id(page(none), "beslut-val-fel").text == f"Fel: {step_forms.NO_CHOICE}"
    data = {"val": "avslag", "motivering": "Nytt system finns", "revision": "0"}
    assert (
        post_as(web, "gustav.berg", path, data)
        .headers["Location"]
        .endswith("klart=avslagen#kvitto")
    )
    assert disp(demo_db, PENDING).status is DispStatus.REJECTED


def test_a_delegated_approval_names_the_body_it_is_reported_to(demo_db: Path) -> None:
    """Delegation without a body is said in Swedish; with one it is recorded."""
    web = client(demo_db)
    path = f"/dispens/{PENDING}/beslut"
    data = {"val": "bifall", "delegation": "ja", "revision": "0"}
    html = page(post_as(web, "gustav.berg", path, data))
    assert (
        "Välj vilken nämnd delegationsbeslutet anmäls till."
        in by_id(html, "beslut-anmals_till-fel").text
    )
    post_as(web, "gustav.berg", path, {**data, "anmals_till": "KS"})
    decision = disp(demo_db, PENDING).decision
    assert decision is not None and (decision.delegated, decision.reported_to) == (True, "KS")


@pytest.mark.parametrize("second", ["bifall", "avslag"])
def test_a_stale_page_cannot_overwrite_another_deciders_decision(
    demo_db: Path, second: str
) -> None:
    """Olle approves first; Karin's form from before (revision 0) is refused with a
    Swedish message (409), the page shows Olle's decision, and nothing of hers is written."""
    web = client(demo_db)
    path = f"/dispens/{TWO_DECIDERS}/beslut"
    first = {"val": "bifall", "motivering": "Ja", "revision": "0"}
    assert post_as(web, "olle.strand", path, first).status_code == 302
    late = {"val": second, "motivering": "Karins skäl", "revision": "0"}
    answer = post_as(web, "karin.sjoberg", path, late)
    assert answer.status_code == 409
    html = page(answer)
    problem = by_id(html, "problem")
    assert "autofocus" in problem.attrs
    assert words(problem.text).startswith(
        "Det gick inte: Dispensen har ändrats sedan du öppnade sidan"
    )
    assert "Beviljad" in html and "Olle Strand" in html
    now = disp(demo_db, TWO_DECIDERS)
    assert now.decision is not None and now.decision.by == "olle.strand"
    assert now.decision.reasoning == "Ja"


def test_the_registrys_own_conflict_is_said_the_same_way(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision that lands between the page's check and the registry's write: the
    registry's Conflict is the same Swedish message, with its reason as detail."""
    from styrdok.errors import Conflict

    def quicker(*_args: Any, **_kwargs: Any) -> Dispensation:
        raise Conflict("D-2026-0003 was changed by someone else")

    monkeypatch.setattr(Registry, "approve_dispensation", quicker)
    data = {"val": "bifall", "revision": "0"}
    answer = post_as(client(demo_db), "gustav.berg", f"/dispens/{PENDING}/beslut", data)
    assert answer.status_code == 409
    assert "was changed by someone else" in by_id(page(answer), "problem").text


# --- withdraw, renew, evaluate ---------------------------------------------------------------


def test_the_requester_withdraws_a_pending_request(demo_db: Path) -> None:
    """Amir has the form; anyone else does not, and a crafted one is refused in Swedish."""
    web = client(demo_db)
    assert "Återta ansökan" in page(get_as(web, "amir.yusuf", f"/dispens/{PENDING}"))
    assert "Återta ansökan" not in page(get_as(web, "sara.jansson", f"/dispens/{PENDING}"))
    path = f"/dispens/{PENDING}/atertagande"
    crafted = post_as(web, "sara.jansson", path, {"revision": "0"})
    assert crafted.status_code == 403
    assert "Bara den som ansökte, eller en administratör, får återta ansökan." in page(crafted)
    sent = post_as(web, "amir.yusuf", path, {"anledning": "Systemet är bytt", "revision": "0"})
    assert sent.headers["Location"] == f"/dispens/{PENDING}?klart=atertagen#kvitto"
    now = disp(demo_db, PENDING)
    assert (now.status, now.end_reason) == (DispStatus.WITHDRAWN, "Systemet är bytt")
    html = page(get_as(web, "amir.yusuf", sent.headers["Location"]))
    assert by_id(html, "kvitto").text.startswith("Ansökan är återtagen.")
    assert "Återta ansökan" not in html
    assert "återtogs 2026-11-22" in html and "Varför ansökan återtogs" in html
    assert "upphörde" not in html


def test_a_renewal_is_a_new_request_within_the_documents_limits(demo_db: Path) -> None:
    """Lisa may renew D-2026-0001 (ends 2026-12-12): too long is said in Swedish; within
    200 days it is a new linked request, and the original then says a renewal is pending."""
    web = client(demo_db)
    html = page(get_as(web, "lisa.holm", f"/dispens/{APPROVED}"))
    assert "börjar 2026-12-13" in html and "till och med 2027-06-30" in html
    path = f"/dispens/{APPROVED}/fornyelse"
    long = post_as(web, "lisa.holm", path, {"giltig_till": "2027-12-31"})
    assert long.status_code == 400
    assert "får gälla högst 200 dagar" in by_id(page(long), "forny-giltig_till-fel").text
    assert count(demo_db) == 10
    sent = post_as(
        web, "lisa.holm", path, {"giltig_till": "2027-06-30", "motivering": "Piloten förlängs"}
    )
    assert sent.headers["Location"] == "/dispens/D-2026-0011?klart=fornyelse#kvitto"
    renewal = disp(demo_db, "D-2026-0011")
    assert (renewal.renewal_of, renewal.valid_from, renewal.status) == (
        APPROVED,
        dt.date(2026, 12, 13),
        DispStatus.REQUESTED,
    )
    notice = by_id(page(get_as(web, "lisa.holm", sent.headers["Location"])), "kvitto")
    assert notice.text == "Tack! Din ansökan om förlängning är skickad och väntar nu på beslut."
    again = page(get_as(web, "lisa.holm", f"/dispens/{APPROVED}"))
    assert "En förlängning är redan sökt: D-2026-0011 (ansökt" in said(again)
    assert "/fornyelse" not in again


def test_no_renewal_is_offered_where_the_document_allows_none(demo_db: Path) -> None:
    """RIKT-WEBB-02 allows no renewals: Olle is told so, with no form."""
    html = words(page(get_as(client(demo_db), "olle.strand", "/dispens/D-2026-0009")))
    assert "Dokumentet tillåter inte att dispenser förlängs." in html
    assert "/fornyelse" not in html


def test_an_ended_dispensation_is_evaluated_by_its_responsible(demo_db: Path) -> None:
    """Hanna has the form for the closed D-2026-0008; an empty outcome is said; then saved.
    Sara, no party to it, is offered nothing."""
    web = client(demo_db)
    assert "/utvardering" not in page(get_as(web, "sara.jansson", f"/dispens/{CLOSED}"))
    assert "Utvärdering" in page(get_as(web, "hanna.persson", f"/dispens/{CLOSED}"))
    path = f"/dispens/{CLOSED}/utvardering"
    revision = str(disp(demo_db, CLOSED).revision)
    empty = post_as(web, "hanna.persson", path, {"utfall": "", "revision": revision})
    assert by_id(page(empty), "utv-utfall-fel").text == f"Fel: {step_forms.NO_OUTCOME}"
    data = {
        "utfall": "Fungerade",
        "lardomar": "Planera tidigare",
        "regelandring": "ja",
        "revision": revision,
    }
    sent = post_as(web, "hanna.persson", path, data)
    assert sent.headers["Location"] == f"/dispens/{CLOSED}?klart=utvarderad#kvitto"
    evaluation = disp(demo_db, CLOSED).evaluation
    assert evaluation is not None
    assert (evaluation.outcome, evaluation.lessons, evaluation.rule_change_suggested) == (
        "Fungerade",
        "Planera tidigare",
        True,
    )
    html = page(get_as(web, "hanna.persson", sent.headers["Location"]))
    assert by_id(html, "kvitto").text == "Tack! Utvärderingen är sparad."
    assert "Föreslår att regeln ändras." in html and "/utvardering" not in html


def test_a_made_up_confirmation_says_nothing(demo_db: Path) -> None:
    """``?klart=beviljad`` on a request nobody decided confirms nothing."""
    html = page(get_as(client(demo_db), "gustav.berg", f"/dispens/{PENDING}?klart=beviljad"))
    assert 'id="kvitto"' not in html


# --- one's own lists -----------------------------------------------------------------------


def add_requests(db: Path, n: int, *, withdraw: bool = False) -> None:
    """``n`` requests by Sara from :data:`SCHOOL` (withdrawn too, with ``withdraw``)."""
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        for i in range(n):
            made = registry.request_dispensation(
                DispensationRequest(
                    document_ref=SCHOOL,
                    scope=f"Försök {i:02d}",
                    responsible="sara.jansson",
                    valid_from=dt.date(2027, 1, 1),
                    valid_until=dt.date(2027, 2, 1),
                    funding=Funding(no_extra_cost=True),
                ),
                actor="sara.jansson",
            )
            if withdraw:
                registry.withdraw_dispensation(made.ref, actor="sara.jansson")


def test_my_cases_list_what_waits_and_what_is_settled(demo_db: Path) -> None:
    """Amir's pending renewal under "Väntar på beslut", his others below, with status in
    Swedish and his role."""
    html = page(get_as(client(demo_db), "amir.yusuf", "/mina-dispenser"))
    waiting, settled = html.split('id="dispenser"')
    assert PENDING in waiting and "ansökt" in waiting
    assert "D-2026-0002" in settled and "beviljad" in settled and "återkallad" in settled
    assert "sökande och ansvarig" in settled


def test_my_cases_are_paged(demo_db: Path) -> None:
    """51 withdrawn requests and the demo's rejected one: two pages, kept in the address."""
    add_requests(demo_db, 51, withdraw=True)
    web = client(demo_db)
    first = page(get_as(web, "sara.jansson", "/mina-dispenser"))
    assert "Sida 1 av 2" in first and 'href="/mina-dispenser?sida=2"' in first
    second = page(get_as(web, "sara.jansson", "/mina-dispenser?sida=2"))
    assert second.count("återtagen") + second.count("avslagen") == 2
    assert get_as(web, "sara.jansson", "/mina-dispenser?sida=noll").status_code == 400


def test_my_waiting_requests_are_paged_on_their_own(demo_db: Path) -> None:
    """51 waiting requests and 51 withdrawn: each list has two pages, by its own number
    in the address (``vantar``, ``sida``), and paging one keeps the other's page."""
    add_requests(demo_db, 51)
    add_requests(demo_db, 51, withdraw=True)
    web = client(demo_db)
    first = page(get_as(web, "sara.jansson", "/mina-dispenser"))
    waiting, settled = first.split('id="dispenser"')
    assert "51 ansökningar · visar 1–50" in waiting and "Sida 1 av 2" in waiting
    assert 'href="/mina-dispenser?vantar=2"' in waiting
    assert 'href="/mina-dispenser?sida=2"' in settled
    # Two page navigations, each named for its list (a screen reader lists landmarks).
    assert 'aria-label="Sidor, väntande ansökningar"' in waiting
    assert 'aria-label="Sidor, mina dispenser"' in settled
    second = page(get_as(web, "sara.jansson", "/mina-dispenser?vantar=2&sida=2"))
    waiting, settled = second.split('id="dispenser"')
    assert waiting.count("ansökt</td>") == 1 and "visar 51–51" in waiting
    assert 'href="/mina-dispenser?sida=2" rel="prev"' in waiting  # settled's page kept
    assert 'href="/mina-dispenser?vantar=2" rel="prev"' in settled  # and the other way
    beyond = page(get_as(web, "sara.jansson", "/mina-dispenser?vantar=9"))
    assert "Sidan 9 finns inte: listan har 2 sidor." in beyond.split('id="dispenser"')[0]
    assert get_as(web, "sara.jansson", "/mina-dispenser?vantar=noll").status_code == 400


def test_to_decide_lists_and_counts_what_waits_on_the_decider(demo_db: Path) -> None:
    """Gustav's menu says "Att besluta (1)"; Sara's has no such link; the list is paged."""
    web = client(demo_db)
    html = page(get_as(web, "gustav.berg", "/att-besluta"))
    assert 'href="/att-besluta">Att besluta (1)</a>' in html
    assert f'href="/dispens/{PENDING}#beslut"' in html and "Amir Yusuf" in html
    assert "Att besluta" not in page(get_as(web, "sara.jansson", "/"))
    add_requests(demo_db, 51)
    erik = page(get_as(web, "erik.makinen", "/att-besluta"))
    assert "Att besluta (51)" in erik and "Sida 1 av 2" in erik
    assert "Försök 00" in page(get_as(web, "erik.makinen", "/att-besluta?sida=2"))
    # Sara requested them: she is not asked to decide them, however many there are.
    assert "Att besluta" not in page(get_as(web, "sara.jansson", "/"))


def test_the_list_of_what_to_decide_is_always_current_and_its_count_follows(
    demo_db: Path,
) -> None:
    """The menu's count is kept a minute (counting reads every document's approvers), but
    the list itself is read fresh and brings the count up to date at once."""
    web = client(demo_db)
    assert "Att besluta" not in page(get_as(web, "erik.makinen", "/"))
    add_requests(demo_db, 2)
    assert "Att besluta (2)" in page(get_as(web, "erik.makinen", "/att-besluta"))
    assert "Att besluta (2)" in page(get_as(web, "erik.makinen", "/"))


def test_my_questions_show_their_answers(demo_db: Path) -> None:
    """Sara's two questions, newest first: one unanswered, one answered by Olle into the FAQ."""
    html = words(page(get_as(client(demo_db), "sara.jansson", "/mina-fragor")))
    assert "2 frågor" in html
    assert html.index("gäller vägledningen även fritidshemmet") < html.index("Får jag svara")
    assert "Inte besvarad ännu." in html and "Olle Strand" in html
    assert 'href="/fragor">Frågor till dig</a>' in page(
        get_as(client(demo_db), "sara.jansson", "/mina-fragor")
    )


# --- the form's limits are the registry's ----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("clause", disp_forms.LIMITS["clause"]),
        ("scope", disp_forms.LIMITS["text"]),
        ("limits", disp_forms.LIMITS["text"]),
        ("justification", disp_forms.LIMITS["text"]),
        ("conditions", disp_forms.LIMITS["text"]),
    ],
)
def test_each_text_limit_is_the_registrys(field: str, limit: int) -> None:
    """A text at the form's limit is taken by the model; one character more is refused."""
    base = DispensationRequest(
        document_ref=SCHOOL,
        scope="x",
        responsible="sara.jansson",
        valid_from=dt.date(2027, 1, 1),
        valid_until=dt.date(2027, 2, 1),
        funding=Funding(no_extra_cost=True),
    )
    attrs.evolve(base, **{field: "x" * limit})
    with pytest.raises(InvalidValue):
        attrs.evolve(base, **{field: "x" * (limit + 1)})
    Funding(funded_by="x" * disp_forms.LIMITS["line"], note="x" * disp_forms.LIMITS["note"])
    with pytest.raises(InvalidValue):
        Funding(note="x" * (disp_forms.LIMITS["note"] + 1))


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("12500", "12500"), ("12 500", "12500"), ("12\u00a0500,50 kr", "12500.50"), ("0", "0")],
)
def test_kronor_are_read_as_swedes_write_them(typed: str, amount: str) -> None:
    """Grouped digits, a decimal comma and "kr" all read as the amount meant."""
    data = MultiDict(request_data(kostnad=typed, enheter="BUF"))
    form, wanted = disp_forms.request_form(
        data, document=SCHOOL, rules=_rules(), units=_no_units(), known=lambda _ref: True
    )
    assert not form.errors, form.errors
    assert wanted is not None and wanted.funding.estimated_cost == Decimal(amount)


def _rules() -> Any:
    from styrdok.model import DispensationRules

    return DispensationRules(allowed=True, max_duration_days=200)


def _no_units() -> Any:
    from styrdok.organisation import UnitTree

    return UnitTree(())
