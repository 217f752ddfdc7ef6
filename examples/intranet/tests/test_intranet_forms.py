"""Issue 20, the forms: a mistake is said next to its field, in Swedish, with what was typed
kept and the field marked for screen readers; a form that went through is confirmed in a
status region the address's fragment moves focus to. Through Flask's test client (the
same in a real browser, by keyboard: test_intranet_keyboard.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from intranet_support import SECRET, by_id, demo_db, demo_template, make_app, parse, title
from styrdok_intranet import forms
from styrdok_intranet.identity import form_token

from styrdok.errors import InvalidValue
from styrdok.model import Question
from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
DOC = "RIKT-MOLN-SKOLA"  # guardian erik.makinen


def client(db: Path) -> FlaskClient:
    """The app over ``db`` behind a login proxy on this machine."""
    return make_app(db).test_client()


def get_as(web: FlaskClient, user: str, path: str) -> Any:
    """GET ``path`` as ``user`` through the proxy."""
    return web.get(path, headers={"X-Remote-User": user}, environ_base=PROXY)


def post_as(web: FlaskClient, user: str, path: str, data: dict[str, str]) -> Any:
    """POST a form as ``user``, with their form token."""
    return web.post(
        path,
        data={**data, "token": form_token(SECRET, user)},
        headers={"X-Remote-User": user},
        environ_base=PROXY,
    )


def questions(db: Path) -> list[Question]:
    """The questions about :data:`DOC`, oldest first."""
    with Registry.open(db) as registry:
        return registry.questions(DOC)


# --- what a field says before anything is sent -------------------------------------------


def test_the_question_field_says_it_is_required_and_how_long_it_may_be(demo_db: Path) -> None:
    """The label says required; maxlength is the limit, said in a hint the field points to."""
    page = get_as(client(demo_db), "sara.jansson", f"/dokument/{DOC}").get_data(as_text=True)
    label = next(e for e in parse(page) if e.tag == "label" and e.attrs.get("for") == "text")
    assert " ".join(label.text.split()) == "Din fråga (obligatoriskt)"
    field = by_id(page, "text")
    assert field.attrs["maxlength"] == "5000"
    assert field.attrs["aria-required"] == "true"
    assert field.attrs["aria-describedby"] == "text-tips"
    assert "aria-invalid" not in field.attrs
    assert by_id(page, "text-tips").text == "Högst 5\u00a0000 tecken."
    form = next(e for e in parse(page) if e.tag == "form" and e.attrs.get("method") == "post")
    assert "novalidate" in form.attrs  # the app's own Swedish message, not the browser's


def test_each_answer_field_says_so_too(demo_db: Path) -> None:
    """Each answer form is a group named by its question; each field has the limit."""
    page = get_as(client(demo_db), "erik.makinen", f"/dokument/{DOC}").get_data(as_text=True)
    fields = [e for e in parse(page) if e.tag == "textarea" and e.attrs["name"] == "answer"]
    assert len(fields) == 2  # the demo's two open questions about the document
    for field in fields:
        assert field.attrs["maxlength"] == "5000" and field.attrs["aria-required"] == "true"
    legends = [" ".join(e.text.split()) for e in parse(page) if e.tag == "legend"]
    assert legends[0].startswith("”Gäller vägledningen även fritidshemmet?”")


@pytest.mark.parametrize(
    ("rules", "attribute"), [(forms.QUESTION, "text"), (forms.ANSWER, "answer")]
)
def test_the_forms_limits_are_the_registrys(rules: forms.TextRules, attribute: str) -> None:
    """maxlength and the Swedish check use the core's own limit: one more is refused there."""
    base = {"document_ref": DOC, "asked_by": "sara.jansson", "asked_on": dt.date(2026, 11, 22)}
    base["text"] = "Fråga?"
    Question(**{**base, attribute: "x" * rules.limit})
    with pytest.raises(InvalidValue, match=f"at most {rules.limit}"):
        Question(**{**base, attribute: "x" * (rules.limit + 1)})


# --- a question that cannot be sent -------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "   ", "\r\n \t \r\n", "\u00a0\u3000"])
def test_a_blank_question_is_refused_next_to_the_field(demo_db: Path, typed: str) -> None:
    """Nothing or only white space: a Swedish error at the field, not "Tack!"; nothing stored."""
    before = len(questions(demo_db))
    response = post_as(client(demo_db), "sara.jansson", f"/dokument/{DOC}/fraga", {"text": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tack!" not in page
    assert title(page).startswith("Fel: Vägledning för molntjänster i skolan")
    field = by_id(page, "text")
    assert field.attrs["aria-invalid"] == "true"
    assert field.attrs["aria-describedby"] == "text-tips text-fel"
    assert "autofocus" in field.attrs  # the page opens with focus on the field to mend
    error = " ".join(by_id(page, "text-fel").text.split())
    assert error == "Fel: Skriv din fråga. Fältet är tomt eller innehåller bara mellanslag."
    assert len(questions(demo_db)) == before


def test_a_too_long_question_is_refused_with_what_was_typed_kept(demo_db: Path) -> None:
    """Longer than maxlength allows (a script, or a browser that ignores it): a Swedish
    error in the page, and the whole text back in the field to shorten."""
    typed = "Får jag?\r\n" + "å" * 4_995
    before = len(questions(demo_db))
    response = post_as(client(demo_db), "sara.jansson", f"/dokument/{DOC}/fraga", {"text": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert by_id(page, "text-fel").text.endswith(
        "Frågan är för lång: 5\u00a0004 tecken. Den får vara högst 5\u00a0000 tecken."
    )
    assert by_id(page, "text").text == typed
    assert "characters long" not in page
    assert len(questions(demo_db)) == before


def test_a_hidden_character_is_named_in_swedish(demo_db: Path) -> None:
    """A direction-changing character is named by its code, in a Swedish sentence."""
    typed = "Får jag?\u202e Ja"
    response = post_as(client(demo_db), "sara.jansson", f"/dokument/{DOC}/fraga", {"text": typed})
    error = by_id(response.get_data(as_text=True), "text-fel").text
    assert response.status_code == 400
    assert "osynligt tecken eller styrtecken (U+202E)" in error
    assert by_id(response.get_data(as_text=True), "text").text == typed


# --- a question sent, an answer saved ----------------------------------------------------


def test_a_question_sent_is_confirmed_where_the_address_takes_focus(demo_db: Path) -> None:
    """Post/Redirect/Get: the address ends in #kvitto, the id of a status region with
    tabindex=-1, so the browser moves focus to it and a screen reader reads it; no script."""
    web = client(demo_db)
    sent = post_as(web, "sara.jansson", f"/dokument/{DOC}/fraga", {"text": "Gäller den i åk 9?"})
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/dokument/{DOC}?klart=fraga#kvitto"
    page = get_as(web, "sara.jansson", sent.headers["Location"]).get_data(as_text=True)
    notice = by_id(page, "kvitto")
    assert (notice.attrs["role"], notice.attrs["tabindex"]) == ("status", "-1")
    assert notice.text == "Tack! Din fråga är skickad till väktaren."
    assert title(page).startswith("Frågan är skickad: ")
    assert questions(demo_db)[-1].text == "Gäller den i åk 9?"
    plain = get_as(web, "sara.jansson", f"/dokument/{DOC}").get_data(as_text=True)
    assert 'id="kvitto"' not in plain


@pytest.mark.parametrize(
    ("faq", "confirmation"),
    [
        ({}, "Ditt svar är sparat."),
        ({"faq": "ja"}, "Ditt svar är sparat och finns nu bland vanliga frågor på den här sidan."),
    ],
)
def test_an_answer_saved_is_confirmed_the_same_way(
    demo_db: Path, faq: dict[str, str], confirmation: str
) -> None:
    """An answer (into the FAQ or not) redirects to its own confirmation."""
    web = client(demo_db)
    question = questions(demo_db)[0]
    saved = post_as(
        web, "erik.makinen", f"/fragor/{question.id}/svar", {"answer": "Ja, det gör den.", **faq}
    )
    assert saved.headers["Location"] == (f"/dokument/{DOC}?klart={'faq' if faq else 'svar'}#kvitto")
    page = get_as(web, "erik.makinen", saved.headers["Location"]).get_data(as_text=True)
    assert by_id(page, "kvitto").text == confirmation
    assert title(page).startswith("Svaret är sparat: ")


def test_a_blank_answer_is_refused_next_to_its_own_field(demo_db: Path) -> None:
    """Of two answer forms, only the one sent is marked; its FAQ box stays ticked."""
    first, second = questions(demo_db)[:2]
    response = post_as(
        client(demo_db), "erik.makinen", f"/fragor/{first.id}/svar", {"answer": " ", "faq": "ja"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    field = by_id(page, f"svar-{first.id}")
    assert field.attrs["aria-invalid"] == "true"
    assert field.attrs["aria-describedby"] == f"svar-{first.id}-tips svar-{first.id}-fel"
    assert " ".join(by_id(page, f"svar-{first.id}-fel").text.split()) == (
        "Fel: Skriv ditt svar. Fältet är tomt eller innehåller bara mellanslag."
    )
    assert "checked" in by_id(page, f"faq-{first.id}").attrs
    assert "aria-invalid" not in by_id(page, f"svar-{second.id}").attrs
    assert "checked" not in by_id(page, f"faq-{second.id}").attrs
    assert questions(demo_db)[0].answer is None


def test_a_too_long_answer_keeps_the_text(demo_db: Path) -> None:
    """Too long an answer: a Swedish error, and the whole text back in its field."""
    first = questions(demo_db)[0]
    typed = "Nej. " * 1_001
    response = post_as(
        client(demo_db), "erik.makinen", f"/fragor/{first.id}/svar", {"answer": typed}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Svaret är för långt: 5\u00a0004 tecken" in by_id(page, f"svar-{first.id}-fel").text
    assert by_id(page, f"svar-{first.id}").text == typed


def test_a_blank_answer_from_someone_who_may_not_answer_is_still_refused(demo_db: Path) -> None:
    """The mistake is not shown to someone who has no form to mend: a 403 in Swedish."""
    first = questions(demo_db)[0]
    response = post_as(client(demo_db), "sara.jansson", f"/fragor/{first.id}/svar", {"answer": ""})
    assert response.status_code == 403
    assert "Bara dokumentets väktare eller ägare får besvara frågor" in response.get_data(
        as_text=True
    )


def test_a_blank_answer_to_an_unknown_question_is_a_404(demo_db: Path) -> None:
    """A mistake about a question that does not exist is a 404, not a form."""
    response = post_as(client(demo_db), "erik.makinen", "/fragor/9999/svar", {"answer": ""})
    assert response.status_code == 404
    assert "okänd fråga 9999" in response.get_data(as_text=True)


def test_a_refusal_the_form_did_not_foresee_is_shown_at_the_field(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the registry refuse text the form's own checks let through, the reader still
    gets the form back, the text kept, and the registry's reason in Swedish."""
    monkeypatch.setattr(forms, "problem", lambda rules, text: None)
    response = post_as(client(demo_db), "sara.jansson", f"/dokument/{DOC}/fraga", {"text": " "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = by_id(page, "text-fel")
    assert " ".join(error.text.split()) == (
        "Fel: Registret tog inte emot det du skickade. (text: får inte vara tomt)"
    )
    assert by_id(page, "text").attrs["aria-invalid"] == "true"
