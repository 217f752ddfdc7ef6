"""Issue 20 in CI: every page and state of the intranet, checked by axe-core (WCAG 2.0 and
2.1, A and AA) in Chromium at 1280 and 320 CSS pixels, and for sideways scrolling at 320
pixels (WCAG 1.4.10 Reflow: a 1280 px screen zoomed to 400 %).

A new page or state (a form, a confirmation, an error) gets a line in :data:`STATES`: the
tests below then hold it to the same rules.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_support import (
    Site,
    axe_violations,
    browser,
    screenshot,
    site,
    site_blocks_nothing,
)
from intranet_support import (
    DEMO_NOW,
    MANAGER,
    READ_POLICY,
    READ_ROUTINE,
    READER,
    REQUEST_DOC,
    REQUESTER,
    add_reading,
    add_routines,
    demo_template,
    fresh_reader,
    fresh_request,
)
from playwright.sync_api import Page, expect

from styrdok.registry import Registry

__all__ = ["browser", "demo_template", "site", "site_blocks_nothing"]  # fixtures

DOC = "RIKT-MOLN-SKOLA"  # its guardian is erik.makinen
GUARDIAN = "erik.makinen"


def _asked(site: Site, text: str) -> None:
    """Sara asks ``text`` about :data:`DOC` through the form."""
    page = site.goto(f"/dokument/{DOC}")
    page.get_by_label("Din fråga").fill(text)
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.locator("#kvitto")).to_be_visible()


def question_with_an_error(site: Site, width: int) -> Page:
    """The ask form sent with only spaces."""
    page = site.goto(f"/dokument/{DOC}", width=width)
    page.get_by_label("Din fråga").fill("   ")
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.locator("#text-fel")).to_contain_text("Skriv din fråga")
    return page


def answer_with_an_error(site: Site, width: int) -> Page:
    """The guardian's first answer form sent empty."""
    page = site.goto(f"/dokument/{DOC}", user=GUARDIAN, width=width)
    page.locator("form.answer").first.get_by_role("button", name="Svara").click()
    expect(page.locator(".field-error")).to_contain_text("Skriv ditt svar")
    return page


def question_sent(site: Site, width: int) -> Page:
    """The confirmation after a question was sent."""
    page = site.goto(f"/dokument/{DOC}", width=width)
    page.get_by_label("Din fråga").fill("Gäller vägledningen på lovskolan?")
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.get_by_role("status")).to_have_text("Tack! Din fråga är skickad till väktaren.")
    return page


def answer_saved(site: Site, width: int) -> Page:
    """The confirmation after the guardian answered into the FAQ."""
    question = f"Får lärare använda egna konton? ({width})"
    _asked(site, question)
    page = site.goto(f"/dokument/{DOC}", user=GUARDIAN, width=width)
    form = page.locator("form.answer", has_text=question)
    form.get_by_label("Ditt svar").fill("Nej, bara skolans konton.")
    form.get_by_label("Lägg till i vanliga frågor").check()
    form.get_by_role("button", name="Svara").click()
    expect(page.get_by_role("status")).to_contain_text("Ditt svar är sparat")
    return page


def expired_form(site: Site, width: int) -> Page:
    """A form whose token no longer holds (the server's secret changed since it was shown)."""
    page = site.goto(f"/dokument/{DOC}", width=width)
    page.locator("form:has(#text) input[name=token]").evaluate("e => { e.value = 'gammal' }")
    page.get_by_label("Din fråga").fill("Gäller den fortfarande?")
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Det gick inte")
    return page


def version_changes_shown(site: Site, width: int) -> Page:
    """A document page with "what changed in this version" opened: the redline."""
    page = site.goto("/dokument/RIKT-SOC-01", width=width)
    page.get_by_text("Vad ändrades i version 3?").click()
    expect(page.locator(".redline ins").first).to_be_visible()
    return page


def paged(path: str) -> Callable[[Site, int], Page]:
    """A page of a list long enough to have several (the demo with routines added)."""

    def state(site: Site, width: int) -> Page:
        add_routines(site.db)
        page = site.goto(path, width=width)
        expect(page.get_by_role("navigation", name="Sidor")).to_be_visible()
        return page

    return state


def visit(path: str, user: str | None = "sara.jansson") -> Callable[[Site, int], Page]:
    """A state that is just a page: ``path`` as ``user``."""

    def state(site: Site, width: int) -> Page:
        return site.goto(path, user=user, width=width)

    return state


def reading(path: str, user: str | None = READER) -> Callable[[Site, int], Page]:
    """``path`` as ``user`` in the demo with an organisation and documents to read."""

    def state(site: Site, width: int) -> Page:
        add_reading(site.db)
        return site.goto(path, user=user, width=width)

    return state


def confirmed_from_the_list(site: Site, width: int) -> Page:
    """The confirmation on "Att läsa" after "Jag har läst och förstått" (a new reader
    each time: a confirmation is made once)."""
    reader = fresh_reader(site.db, f"axe.lista.{width}")
    page = site.goto("/att-lasa", user=reader, width=width)
    page.get_by_role("button", name="Jag har läst och förstått – Policy för").click()
    expect(page.get_by_role("status")).to_contain_text("Tack! Du har bekräftat")
    page.wait_for_load_state("load")  # the stylesheet too, before widths are measured
    return page


def confirmed_on_the_document(site: Site, width: int) -> Page:
    """The confirmation on a document's page, and when it was confirmed."""
    reader = fresh_reader(site.db, f"axe.dokument.{width}")
    page = site.goto(f"/dokument/{READ_ROUTINE}", user=reader, width=width)
    page.get_by_role("button", name="Jag har läst och förstått").click()
    expect(page.get_by_role("status")).to_contain_text("Tack! Du har bekräftat")
    page.wait_for_load_state("load")  # the stylesheet too, before widths are measured
    return page


def stale(path: str) -> Callable[[Site, int], Page]:
    """A confirm form sent for the version before the one now in force (as from a page
    left open while a new version was adopted): refused, said next to the new button."""

    def state(site: Site, width: int) -> Page:
        add_reading(site.db)
        page = site.goto(path, user=READER, width=width)
        form = page.locator(f"form[action='/dokument/{READ_POLICY}/bekraftelse']")
        form.locator("input[name=version]").evaluate("e => { e.value = '1' }")
        form.get_by_role("button").click()
        expect(page.locator(".field-error")).to_contain_text("har fått en ny version")
        return page

    return state


def request_form(site: Site, width: int, *, mistakes: bool) -> Page:
    """Sara's request form, filled in and sent: with a missing scope and too long a period
    (``mistakes``), or complete (the new dispensation's page confirms it)."""
    page = site.goto(f"/dispens/ny?dokument={REQUEST_DOC}", user=REQUESTER, width=width)
    if not mistakes:
        page.get_by_label("Vad undantaget gäller (obligatoriskt)").fill("Pilot med ritapp")
        page.get_by_label("Vilka undantaget gäller").select_option("BUF-GR-SODRA")
        page.get_by_label("Dispensen medför inga extra kostnader").check()
    page.get_by_label("Gäller till och med").fill("2027-12-31" if mistakes else "2027-01-31")
    page.get_by_role("button", name="Skicka ansökan").click()
    if mistakes:
        expect(page.locator("#fel")).to_contain_text("Det finns 3 fel i formuläret")
    else:
        expect(page.get_by_role("status")).to_contain_text("Din ansökan om dispens är skickad")
    return page


def request_with_mistakes(site: Site, width: int) -> Page:
    """The request form sent with three mistakes: the summary and each field's message."""
    return request_form(site, width, mistakes=True)


def request_sent(site: Site, width: int) -> Page:
    """The confirmation on the new dispensation's page."""
    return request_form(site, width, mistakes=False)


def fresh(user: str, **state: bool) -> Callable[[Site, int], Page]:
    """A new dispensation's page as ``user`` (``state``: approved, closed; see
    :func:`fresh_request`), once per call: the states below change it."""

    def state_(site: Site, width: int) -> Page:
        ref = fresh_request(site.db, f"Tillgänglighetstest {width}", **state)
        return site.goto(f"/dispens/{ref}", user=user, width=width)

    return state_


def decided(site: Site, width: int, *, choice: str = "Bifall", stale: bool = False) -> Page:
    """Erik decides a new request: ``choice``; with ``stale``, Per decided it first."""
    page = fresh("erik.makinen")(site, width)
    if stale:
        ref = page.url.rsplit("/", 1)[1]
        with Registry.open(site.db, clock=lambda: DEMO_NOW) as registry:
            registry.approve_dispensation(ref, actor="per.ahmadi")
    page.get_by_label(choice, exact=False).check()
    page.get_by_role("button", name="Spara beslutet").click()
    return page


def decision_saved(site: Site, width: int) -> Page:
    """The confirmation after an approval."""
    page = decided(site, width)
    expect(page.get_by_role("status")).to_have_text("Beslutet är sparat: ansökan är beviljad.")
    return page


def decision_with_a_mistake(site: Site, width: int) -> Page:
    """A rejection without reasons."""
    page = decided(site, width, choice="Avslag")
    expect(page.locator("#beslut-motivering-fel")).to_contain_text("ett avslag ska alltid")
    return page


def decision_on_a_stale_page(site: Site, width: int) -> Page:
    """Another decider was quicker: the page as it is now, and why nothing was saved."""
    page = decided(site, width, stale=True)
    expect(page.locator("#problem")).to_contain_text("Dispensen har ändrats")
    return page


def withdrawn(site: Site, width: int) -> Page:
    """Sara withdraws her new request: the confirmation."""
    page = fresh(REQUESTER)(site, width)
    page.get_by_role("button", name="Återta ansökan").click()
    expect(page.get_by_role("status")).to_contain_text("Ansökan är återtagen")
    return page


def renewal(site: Site, width: int, *, mistake: bool) -> Page:
    """Sara asks to renew her new approved dispensation: too long, or within the limit."""
    page = fresh(REQUESTER, approve=True)(site, width)
    page.get_by_label("Förlängningen gäller till och med").fill(
        "2028-12-31" if mistake else "2027-03-31"
    )
    page.get_by_role("button", name="Ansök om förlängning").click()
    if mistake:
        expect(page.locator("#forny-giltig_till-fel")).to_contain_text("högst 200 dagar")
    else:
        expect(page.get_by_role("status")).to_contain_text("ansökan om förlängning är skickad")
    return page


def renewal_with_a_mistake(site: Site, width: int) -> Page:
    """A renewal longer than the document allows."""
    return renewal(site, width, mistake=True)


def renewal_sent(site: Site, width: int) -> Page:
    """The renewal's page confirming it."""
    return renewal(site, width, mistake=False)


def evaluated(site: Site, width: int) -> Page:
    """Sara evaluates her new closed dispensation: the confirmation."""
    page = fresh(REQUESTER, close=True)(site, width)
    page.get_by_label("Hur det gick (obligatoriskt)").fill("Det fungerade")
    page.get_by_label("Regeln i dokumentet bör ändras").check()
    page.get_by_role("button", name="Spara utvärderingen").click()
    expect(page.get_by_role("status")).to_have_text("Tack! Utvärderingen är sparad.")
    return page


def revoked_without_a_reason(site: Site, width: int) -> Page:
    """Erik, the guardian, sends the revoke form of a new approved dispensation empty."""
    page = fresh("erik.makinen", approve=True)(site, width)
    page.get_by_role("button", name="Återkalla dispensen").click()
    expect(page.locator("#aterkalla-anledning-fel")).to_contain_text("Skriv varför")
    return page


def confirm_link(*, press: bool) -> Callable[[Site, int], Page]:
    """The page of a reminder's confirmation link, opened on a phone outside the login (a
    new reader each time: a confirmation is made once); with ``press``, after its button."""

    def state(site: Site, width: int) -> Page:
        from intranet_support import DEMO_NOW

        from styrdok.registry import Registry

        reader = fresh_reader(site.db, f"axe.lank.{int(press)}.{width}")
        with Registry.open(site.db, clock=lambda: DEMO_NOW) as registry:
            token = registry.confirmation_link(reader, READ_ROUTINE, 1)
        page = site.goto(f"/bekrafta/{token}", user=None, width=width)
        if press:
            page.get_by_role("button", name="Jag har läst och förstått").click()
            expect(page.get_by_role("status")).to_contain_text("Tack! Du har bekräftat")
            page.wait_for_load_state("load")  # the stylesheet too, before widths are measured
        return page

    return state


#: Every page and state the intranet has, by the name a failure is reported under.
STATES: dict[str, Callable[[Site, int], Page]] = {
    "register": visit("/"),
    "register, nobody logged in": visit("/", user=None),
    "register, filtered": visit("/?q=informationss%C3%A4kerhet&instans=KS&status=alla"),
    "register, nothing matches": visit("/?q=finns+inte+alls"),
    "register, words found in texts": visit("/?q=l%C3%B6senord"),
    "register, page 2 of several": paged("/?sida=2"),
    "register, a page after the last": paged("/?sida=9"),
    "document, a reader": visit("/dokument/RIKT-IS-02"),
    "document, what its new version changed": version_changes_shown,
    "document, its guardian with open questions": visit(f"/dokument/{DOC}", user=GUARDIAN),
    "dispensation": visit("/dispens/D-2026-0002"),
    "due dashboard": visit("/aktuellt"),
    "due dashboard, page 2": paged("/aktuellt?sida=2"),
    "questions to me": visit("/fragor", user=GUARDIAN),
    "questions to me, none": visit("/fragor"),
    "accessibility statement": visit("/tillganglighet"),
    "to read": reading("/att-lasa"),
    "to read, nothing": reading("/att-lasa", user="ivar.it"),
    "to read, nobody logged in": visit("/att-lasa", user=None),
    "to read, confirmed": confirmed_from_the_list,
    "to read, a stale version refused": stale("/att-lasa"),
    "document, asked to read what changed": reading(f"/dokument/{READ_POLICY}"),
    "document, confirmed": confirmed_on_the_document,
    "document, a stale version refused": stale(f"/dokument/{READ_POLICY}"),
    "confirmation link from a reminder": confirm_link(press=False),
    "confirmation link, confirmed": confirm_link(press=True),
    "confirmation link, not valid": visit("/bekrafta/inte-en-lank", user=None),
    "document, a manager's reading status": reading(f"/dokument/{READ_POLICY}", user=MANAGER),
    "document, an administrator's reading status": reading(
        f"/dokument/{READ_ROUTINE}", user="eva.ek"
    ),
    "question form with an error": question_with_an_error,
    "answer form with an error": answer_with_an_error,
    "question sent": question_sent,
    "answer saved": answer_saved,
    "dispensation request form": visit(f"/dispens/ny?dokument={REQUEST_DOC}"),
    "dispensation request, nobody logged in": visit(f"/dispens/ny?dokument={DOC}", user=None),
    "dispensation request with mistakes": request_with_mistakes,
    "dispensation requested": request_sent,
    "dispensation, its decider": fresh("erik.makinen"),
    "dispensation, a decision with a mistake": decision_with_a_mistake,
    "dispensation, decision saved": decision_saved,
    "dispensation, decided by someone else meanwhile": decision_on_a_stale_page,
    "dispensation, its requester (withdraw; may not decide)": fresh(REQUESTER),
    "dispensation withdrawn": withdrawn,
    "dispensation, renewal form": fresh(REQUESTER, approve=True),
    "dispensation, renewal with a mistake": renewal_with_a_mistake,
    "dispensation, renewal requested": renewal_sent,
    "dispensation, no renewal allowed": visit("/dispens/D-2026-0009", user="olle.strand"),
    "dispensation, its guardian (revoke, close)": fresh("erik.makinen", approve=True),
    "dispensation, revoked without a reason": revoked_without_a_reason,
    "dispensation, evaluation form": visit("/dispens/D-2026-0008", user="hanna.persson"),
    "dispensation evaluated": evaluated,
    "my cases": visit("/mina-dispenser", user="amir.yusuf"),
    "my cases, nobody logged in": visit("/mina-dispenser", user=None),
    "to decide": visit("/att-besluta", user="gustav.berg"),
    "to decide, nothing": visit("/att-besluta"),
    "my questions": visit("/mina-fragor"),
    "my notices": visit("/mina-aviseringar"),
    "my notices, saved": visit("/mina-aviseringar?klart=sparat"),
    "error 404, unknown address": visit("/finns-inte"),
    "error 404, unknown document": visit("/dokument/FINNS-INTE"),
    "error 405, wrong method": visit("/fragor/1/svar"),
    "error 400, expired form": expired_form,
    "error 400, a page number that is not one": visit("/?sida=abc"),
    "error 500": visit("/krasch"),
}


@pytest.mark.parametrize("state", STATES)
def test_axe_finds_no_wcag_2_1_aa_violation(site: Site, state: str) -> None:
    """At 1280 px, then the same page at 320 px (the layout changes; the rules must hold)."""
    page = STATES[state](site, 1280)
    found = [f"at 1280 px: {line}" for line in axe_violations(page)]
    page.set_viewport_size({"width": 320, "height": 900})
    found += [f"at 320 px: {line}" for line in axe_violations(page)]
    assert not found, f"axe-core on '{state}' ({page.url}):\n  " + "\n  ".join(found)


@pytest.mark.parametrize("state", STATES)
def test_nothing_scrolls_sideways_at_320_px(site: Site, state: str) -> None:
    """Reflow: tables become rows, long addresses wrap, controls fit. Screenshots of
    each state at 320 px are kept for review (artifacts/intranet/320-*.png)."""
    page = STATES[state](site, 320)
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"320 {state}")
    if width > 320:
        widest = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 320)
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
        )
        pytest.fail(f"'{state}' is {width} px wide at 320 px; sticking out: {widest}")


def test_the_register_reads_as_rows_at_320_px(site: Site) -> None:
    """Each cell is named by its column: a reader need not remember a header scrolled away."""
    page = site.goto("/", width=320)
    cell = page.locator("table.register tbody tr").first.locator("td").nth(1)
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert label.startswith('"Typ: "'), label
    expect(page.get_by_role("columnheader", name="Typ")).to_have_count(1)  # still a table


def test_the_states_reach_what_they_name(site: Site) -> None:
    """The list above is honest: the states with forms end where their name says."""
    assert "Inte inloggad" in STATES["register, nobody logged in"](site, 1280).content()
    filtered = STATES["register, filtered"](site, 1280)
    expect(filtered.locator(".count")).not_to_have_text("0 dokument")
    assert STATES["error 500"](site, 1280).title() == "Något gick fel – Intranätet"


def test_form_controls_use_the_texts_size(site: Site) -> None:
    """Inputs, selects, textareas and buttons in the text's own font size, not smaller."""
    for path, user in (("/", "sara.jansson"), (f"/dokument/{DOC}", GUARDIAN)):
        page = site.goto(path, user=user, width=320)
        sizes = page.evaluate(
            """() => [...document.querySelectorAll(
                    'input:not([type=hidden]), select, textarea, button')]
                .map(e => [e.tagName, getComputedStyle(e).fontSize])"""
        )
        body = page.evaluate("getComputedStyle(document.body).fontSize")
        assert sizes and all(size == body for _, size in sizes), (path, body, sizes)
