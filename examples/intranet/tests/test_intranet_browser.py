"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright.

Sara browses and filters the register, opens a document and asks its guardian a question;
Erik, the guardian, answers it and promotes the answer to the FAQ; Sara sees it there.
Screenshots of each step are saved (see ``artifacts_dir``). Every page is watched for
Content-Security-Policy violations in the console: the strict policy must block nothing the
pages need.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import Console, browser, serve
from intranet_support import artifacts_dir, demo_db, demo_template, make_app
from playwright.sync_api import Browser, Page, expect

from styrdok.registry import Registry

__all__ = ["browser", "demo_db", "demo_template"]  # fixtures


@pytest.fixture
def base_url(demo_db: Path) -> Iterator[str]:
    """A server over a fresh copy of the demo register for each test."""
    yield from serve(make_app(demo_db))


#: Console messages of the current test's pages.
CONSOLE = Console()


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[None]:
    CONSOLE.csp_violations()
    yield
    assert CONSOLE.csp_violations() == []


def watch(page: Page) -> Page:
    return CONSOLE.watch(page)


def as_user(browser: Browser, user: str) -> Page:
    """A browser session behind the login proxy: every request carries the user header."""
    context = browser.new_context(
        extra_http_headers={"X-Remote-User": user}, viewport={"width": 1100, "height": 900}
    )
    return watch(context.new_page())


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / f"{name}.png"), full_page=True)


def test_ask_answer_and_see_it_in_the_faq(browser: Browser, base_url: str) -> None:
    sara = as_user(browser, "sara.jansson")
    sara.goto(base_url + "/")
    expect(sara.get_by_text("Inloggad som Sara Jansson")).to_be_visible()
    expect(sara.get_by_role("status")).to_have_text("14 dokument")
    shot(sara, "1-register")

    sara.get_by_label("Beslutsinstans").select_option("BUN")
    sara.get_by_role("button", name="Filtrera").click()
    expect(sara.get_by_role("status")).to_have_text("1 dokument")
    sara.get_by_role("link", name="Vägledning för molntjänster i skolan").click()
    expect(sara.get_by_role("heading", level=1)).to_have_text(
        "Vägledning för molntjänster i skolan"
    )
    expect(sara.get_by_text("Erik Mäkinen")).to_be_visible()
    shot(sara, "2-document")

    question = "Får eleverna spara bilder i en egen molntjänst?"
    sara.get_by_label("Din fråga").fill(question)
    sara.get_by_role("button", name="Skicka frågan").click()
    expect(sara.get_by_text("Din fråga är skickad")).to_be_visible()
    shot(sara, "3-asked")

    erik = as_user(browser, "erik.makinen")
    erik.goto(base_url + "/fragor")
    expect(erik.get_by_role("cell", name=question)).to_be_visible()
    shot(erik, "4-guardian-questions")
    erik.get_by_role("link", name="RIKT-MOLN-SKOLA").last.click()
    form = erik.locator("form.answer", has_text=question)
    form.get_by_label("Ditt svar").fill("Nej, bara i de tjänster skolan har godkänt.")
    form.get_by_label("Lägg till i vanliga frågor").check()
    form.get_by_role("button", name="Svara").click()
    expect(erik.locator(".faq")).to_contain_text(question)
    expect(erik.locator(".meta")).to_contain_text("version 2")
    shot(erik, "5-answered")

    sara.goto(base_url + "/dokument/RIKT-MOLN-SKOLA")
    faq = sara.locator(".faq")
    expect(faq).to_contain_text(question)
    expect(faq).to_contain_text("Nej, bara i de tjänster skolan har godkänt.")
    expect(sara.get_by_role("heading", name="Obesvarade frågor till dig")).to_have_count(0)
    shot(sara, "6-faq")


def test_pages_work_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = watch(context.new_page())
    page.goto(base_url + "/?forsenad=ja")
    expect(page.get_by_role("status")).to_have_text("5 dokument")
    page.get_by_label("Sök").fill("lösenord")
    page.get_by_label("Bara försenad prövning").uncheck()
    page.get_by_role("button", name="Filtrera").click()
    # The words are searched in the documents' texts too, and shown where they were found.
    expect(page.get_by_role("status")).to_have_text("3 dokument")
    expect(page.locator(".snippet mark").first).to_contain_text("lösenord", ignore_case=True)
    page.goto(base_url + "/aktuellt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktuellt – inom 60 dagar")
    shot(page, "7-due-without-js")
    context.close()


def test_a_question_of_several_lines_is_accepted(
    browser: Browser, base_url: str, demo_db: Path
) -> None:
    """Chromium posts a textarea's line breaks as CR LF; the question is stored with LF."""
    sara = as_user(browser, "sara.jansson")
    sara.goto(base_url + "/dokument/RIKT-MOLN-SKOLA")
    sara.get_by_label("Din fråga").fill("Får eleverna spara bilder?\nOch filmer?")
    sara.get_by_role("button", name="Skicka frågan").click()
    expect(sara.get_by_text("Din fråga är skickad")).to_be_visible()
    with Registry.open(demo_db) as registry:
        assert registry.questions("RIKT-MOLN-SKOLA")[-1].text == (
            "Får eleverna spara bilder?\nOch filmer?"
        )
    sara.context.close()


def test_the_stylesheet_applies_under_the_policy(browser: Browser, base_url: str) -> None:
    """The CSP allows the app's own stylesheet: the skip link is moved off screen by it."""
    context = browser.new_context()
    try:
        page = watch(context.new_page())
        page.goto(base_url + "/dokument/RIKT-IS-02")
        assert page.locator("a.skip").evaluate("e => getComputedStyle(e).left") == "-999px"
    finally:
        context.close()
