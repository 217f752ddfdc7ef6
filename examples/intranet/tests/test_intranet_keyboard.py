"""Issue 20 by keyboard alone, in Chromium: every form is filled in and sent with Tab, typing
and Enter, and its outcome reaches the reader (focus moves to the confirmation, or back to
the field with the mistake); the skip link works and is readable on a phone; every control
shows a focus outline of at least 3:1 against its background (WCAG 1.4.11, 2.4.7)."""

from __future__ import annotations

import pytest
from browser_support import Site, browser, contrast, rgb, site, site_blocks_nothing
from intranet_support import (
    MANAGER,
    READ_POLICY,
    READ_ROUTINE,
    READER,
    REQUEST_DOC,
    REQUESTER,
    add_reading,
    demo_template,
    fresh_reader,
    fresh_request,
)
from playwright.sync_api import Locator, Page, expect

__all__ = ["browser", "demo_template", "site", "site_blocks_nothing"]  # fixtures

DOC = "RIKT-MOLN-SKOLA"  # its guardian is erik.makinen


def focused(locator: Locator) -> bool:
    """Whether ``locator``'s element has focus."""
    return bool(locator.evaluate("e => e === document.activeElement"))


def tab_to(page: Page, target: Locator, most: int = 80) -> None:
    """Press Tab until ``target`` has focus (as a keyboard user would reach it)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused(target):
            return
    pytest.fail(f"Tab never reached {target} in {most} presses")


def test_filtering_the_register_by_keyboard(site: Site) -> None:
    """Type a search, Tab to Filtrera, Enter: the list is filtered."""
    page = site.goto("/")
    tab_to(page, page.get_by_label("Sök"))
    page.keyboard.type("lösenord")
    tab_to(page, page.get_by_role("button", name="Filtrera"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("3 dokument")
    expect(page.get_by_label("Sök")).to_have_value("lösenord")


def test_asking_by_keyboard_moves_focus_to_the_confirmation(site: Site) -> None:
    """Tab, type, Tab, Enter: the confirmation is shown and has focus."""
    page = site.goto(f"/dokument/{DOC}")
    tab_to(page, page.get_by_label("Din fråga"))
    page.keyboard.type("Gäller vägledningen på fritids?")
    tab_to(page, page.get_by_role("button", name="Skicka frågan"))
    page.keyboard.press("Enter")
    notice = page.get_by_role("status")
    expect(notice).to_have_text("Tack! Din fråga är skickad till väktaren.")
    assert page.url.endswith("#kvitto")
    assert focused(notice), "focus stays where a screen reader reads the confirmation"
    assert page.title().startswith("Frågan är skickad: ")


def test_a_mistake_by_keyboard_brings_focus_back_to_the_field(site: Site) -> None:
    """Sending spaces: focus is on the field, described by the Swedish error."""
    page = site.goto(f"/dokument/{DOC}")
    field = page.get_by_label("Din fråga")
    tab_to(page, field)
    page.keyboard.type("   ")
    tab_to(page, page.get_by_role("button", name="Skicka frågan"))
    page.keyboard.press("Enter")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(
        "Högst 5 000 tecken. Fel: Skriv din fråga. Fältet är tomt eller innehåller bara mellanslag."
    )
    expect(field).to_have_value("   ")
    assert page.title().startswith("Fel: ")
    page.keyboard.type("Gäller den?")  # mend it where focus already is, and send again
    tab_to(page, page.get_by_role("button", name="Skicka frågan"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Tack! Din fråga är skickad till väktaren.")


def test_answering_by_keyboard_moves_focus_to_the_confirmation(site: Site) -> None:
    """The guardian answers into the FAQ by keyboard; focus is on the confirmation."""
    page = site.goto(f"/dokument/{DOC}", user="erik.makinen")
    form = page.locator("form.answer").first
    question = form.locator("legend").inner_text()
    tab_to(page, form.get_by_label("Ditt svar"))
    page.keyboard.type("Ja, fritidshemmet följer samma vägledning.")
    tab_to(page, form.get_by_label("Lägg till i vanliga frågor"))
    page.keyboard.press("Space")
    tab_to(page, form.get_by_role("button", name="Svara"))
    page.keyboard.press("Enter")
    notice = page.get_by_role("status")
    expect(notice).to_have_text(
        "Ditt svar är sparat och finns nu bland vanliga frågor på den här sidan."
    )
    assert focused(notice)
    asked = question.split("”")[1]
    expect(page.locator(".faq")).to_contain_text(asked)


def test_the_skip_link_leads_to_the_content_and_is_readable_at_390_px(site: Site) -> None:
    """Focused, it has a line of its own: it covers neither the menu nor the login line."""
    page = site.goto("/", width=390)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    assert focused(skip)
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    for other in [*page.locator("nav a").all(), page.locator(".who")]:
        them = other.bounding_box()
        assert them is not None
        apart = (
            box["y"] + box["height"] <= them["y"]
            or them["y"] + them["height"] <= box["y"]
            or box["x"] + box["width"] <= them["x"]
            or them["x"] + them["width"] <= box["x"]
        )
        assert apart, f"the focused skip link {box} overlaps {other.inner_text()!r} at {them}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


#: What each focused element's outline is drawn against: the first opaque background of
#: its ancestors (the outline lies outside the element, offset from it).
_FOCUS_STYLE = """e => {
    const style = getComputedStyle(e);
    let node = e.parentElement, background = 'rgb(255, 255, 255)';
    for (; node; node = node.parentElement) {
        const colour = getComputedStyle(node).backgroundColor;
        if (!/rgba\\(.*, 0\\)$/.test(colour) && colour !== 'transparent') {
            background = colour; break;
        }
    }
    return {
        what: e.tagName.toLowerCase() + ' ' + (e.textContent || e.name || e.id).trim().slice(0, 30),
        style: style.outlineStyle, width: parseFloat(style.outlineWidth),
        colour: style.outlineColor, background: background,
    };
}"""

PAGES = [
    ("/", "sara.jansson"),
    (f"/dokument/{DOC}", "erik.makinen"),
    ("/aktuellt", "sara.jansson"),
    ("/fragor", "erik.makinen"),
    ("/tillganglighet", None),
    ("/finns-inte", None),
    ("/att-lasa", READER),
    (f"/dokument/{READ_POLICY}", MANAGER),
    (f"/dispens/ny?dokument={REQUEST_DOC}", REQUESTER),
    ("/dispens/D-2026-0003", "gustav.berg"),
    ("/mina-dispenser", "amir.yusuf"),
]


@pytest.mark.parametrize(("path", "user"), PAGES)
def test_every_focus_outline_contrasts_3_to_1(site: Site, path: str, user: str | None) -> None:
    """Tab through the whole page: every link and control shows a solid outline at least
    2 px wide, at least 3:1 against what it is drawn on."""
    if user in (READER, MANAGER):
        add_reading(site.db)
    page = site.goto(path, user=user)
    seen: list[str] = []
    problems: list[str] = []
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        focus = page.evaluate(f"({_FOCUS_STYLE})(document.activeElement)")
        if seen and focus["what"] == seen[0]:
            break  # round again
        seen.append(focus["what"])
        ratio = contrast(focus["colour"], focus["background"]) if rgb(focus["colour"])[3] else 0
        if focus["style"] in ("none", "hidden") or focus["width"] < 2 or ratio < 3:
            problems.append(f"{focus['what']}: {focus['style']} {focus['width']}px {ratio:.2f}:1")
    assert len(seen) >= 5, seen
    assert not problems, f"focus outlines on {path} that cannot be seen well: {problems}"


def test_confirming_by_keyboard_moves_focus_to_the_confirmation(site: Site) -> None:
    """Tab to "Jag har läst och förstått", Enter on "Att läsa", Space on a document's page:
    each time focus is on the confirmation, and the document page says what was confirmed."""
    reader = fresh_reader(site.db, "tangent.bord")
    page = site.goto("/att-lasa", user=reader)
    tab_to(page, page.get_by_role("button", name="Jag har läst och förstått – Policy för"))
    page.keyboard.press("Enter")
    notice = page.get_by_role("status")
    expect(notice).to_have_text(
        "Tack! Du har bekräftat att du har läst och förstått ”Policy för läsbekräftelse”, "
        "version 2."
    )
    assert page.url.endswith("#kvitto")
    assert focused(notice), "focus stays where a screen reader reads the confirmation"
    assert page.title().startswith("Bekräftat: ")
    expect(page.get_by_role("button", name="Jag har läst och förstått – Policy för")).to_have_count(
        0
    )

    page = site.goto(f"/dokument/{READ_ROUTINE}", user=reader)
    tab_to(page, page.get_by_role("button", name="Jag har läst och förstått"))
    page.keyboard.press("Space")
    notice = page.get_by_role("status")
    expect(notice).to_have_text("Tack! Du har bekräftat att du har läst och förstått dokumentet.")
    assert focused(notice)
    expect(page.get_by_text("Du bekräftade version 1 den 2026-11-22.")).to_be_visible()
    expect(page.get_by_role("button", name="Jag har läst och förstått")).to_have_count(0)


def test_a_stale_confirmation_by_keyboard_brings_focus_to_the_new_version(site: Site) -> None:
    """A page showing version 1 while version 2 is in force: Enter is refused, and focus
    lands on the button for version 2, described by the Swedish reason."""
    add_reading(site.db)
    page = site.goto("/att-lasa", user=READER)
    form = page.locator(f"form[action='/dokument/{READ_POLICY}/bekraftelse']")
    form.locator("input[name=version]").evaluate("e => { e.value = '1' }")
    tab_to(page, form.get_by_role("button"))
    page.keyboard.press("Enter")
    button = page.get_by_role("button", name="Jag har läst och förstått – Policy för")
    expect(button).to_be_focused()
    expect(button).to_have_accessible_description(
        "Fel: ”Policy för läsbekräftelse” har fått en ny version (version 2) sedan sidan "
        "visades, och du såg version 1. Läs den nya versionen och bekräfta den i stället. "
        "(version 1 av LAS-POL-01 är inte längre den gällande: läs version 2 och bekräfta "
        "den)"
    )
    assert page.title().startswith("Fel: ")
    page.keyboard.press("Enter")  # focus is already where the repair is
    expect(page.get_by_role("status")).to_contain_text("”Policy för läsbekräftelse”, version 2")


def test_a_request_with_mistakes_by_keyboard_leads_from_the_summary_to_each_field(
    site: Site,
) -> None:
    """Sent without scope, last day or funding: focus is on the summary; Enter on its
    first link moves focus to the field, described by its mistake; mended by keyboard,
    the request goes through and focus is on the confirmation."""
    page = site.goto(f"/dispens/ny?dokument={REQUEST_DOC}", user=REQUESTER)
    tab_to(page, page.get_by_role("button", name="Skicka ansökan"), most=120)
    page.keyboard.press("Enter")
    summary = page.locator("#fel")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Det finns 3 fel i formuläret")
    assert page.title().startswith("Fel: ")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    scope = page.get_by_label("Vad undantaget gäller (obligatoriskt)")
    expect(scope).to_be_focused()
    expect(scope).to_have_accessible_description(
        "Vilken regel ni vill göra avsteg från, och hur ni vill arbeta i stället. Högst "
        "5 000 tecken. Fel: Skriv vad undantaget gäller: vilken regel ni vill göra avsteg "
        "från, och hur."
    )
    page.keyboard.type("Pilot med ritapp i åk 5")
    until = page.get_by_label("Gäller till och med")
    tab_to(page, until)
    page.keyboard.type("01312027")  # the date field's parts in the browser's order (en-US)
    tab_to(page, page.get_by_label("Dispensen medför inga extra kostnader"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Skicka ansökan"))
    page.keyboard.press("Enter")
    notice = page.get_by_role("status")
    expect(notice).to_have_text("Tack! Din ansökan om dispens är skickad och väntar nu på beslut.")
    assert focused(notice)


def test_deciding_by_keyboard_moves_focus_to_the_confirmation(site: Site) -> None:
    """Erik, the guardian, chooses Bifall with Space and sends with Enter."""
    ref = fresh_request(site.db, "Tangentbordsbeslut")
    page = site.goto(f"/dispens/{ref}", user="erik.makinen")
    tab_to(page, page.get_by_label("Bifall: ansökan beviljas"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Motivering"))
    page.keyboard.type("Piloten är avgränsad.")
    tab_to(page, page.get_by_role("button", name="Spara beslutet"))
    page.keyboard.press("Enter")
    notice = page.get_by_role("status")
    expect(notice).to_have_text("Beslutet är sparat: ansökan är beviljad.")
    assert focused(notice)
    expect(page.get_by_text("Piloten är avgränsad.")).to_be_visible()
