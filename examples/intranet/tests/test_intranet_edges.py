"""Safe at the edges (issue 21): a browser's line breaks, the trusted proxy setting, and
caching of pages that depend on who is asking. Through Flask's test client and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from intranet_support import SECRET, demo_db, demo_template, make_app
from styrdok_intranet import create_app
from styrdok_intranet.__main__ import main
from styrdok_intranet.identity import IdentityPolicy, form_token

from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}


def client(db: Path) -> FlaskClient:
    return make_app(db).test_client()


def post_as(web: FlaskClient, user: str, url: str, data: dict[str, str]) -> int:
    response = web.post(
        url,
        data={**data, "token": form_token(SECRET, user)},
        headers={"X-Remote-User": user},
        environ_base=PROXY,
    )
    return response.status_code


# --- line breaks as a browser sends them ---------------------------------------------------


def test_a_multi_line_question_and_answer_from_a_browser_are_kept_with_lf(demo_db: Path) -> None:
    """A textarea posts CR LF (some clients a lone CR); both are stored as LF, not refused."""
    web = client(demo_db)
    asked = post_as(
        web,
        "sara.jansson",
        "/dokument/RIKT-MOLN-SKOLA/fraga",
        {"text": "Får eleverna spara bilder?\r\nOch filmer?\rTack!\r\n"},
    )
    assert asked == 302
    with Registry.open(demo_db) as registry:
        question = registry.questions("RIKT-MOLN-SKOLA")[-1]
    assert question.text == "Får eleverna spara bilder?\nOch filmer?\nTack!"
    answered = post_as(
        web,
        "erik.makinen",
        f"/fragor/{question.id}/svar",
        {"answer": "Nej.\r\n\r\nBara i godkända tjänster.", "faq": "ja"},
    )
    assert answered == 302
    with Registry.open(demo_db) as registry:
        again = registry.questions("RIKT-MOLN-SKOLA")[-1]
        faq = registry.get_document("RIKT-MOLN-SKOLA").faq[-1]
    assert again.answer == "Nej.\n\nBara i godkända tjänster."
    # A FAQ question is one line (the core joins the lines); the answer keeps its breaks.
    assert (faq.question, faq.answer) == (
        "Får eleverna spara bilder? Och filmer? Tack!",
        again.answer,
    )


def test_other_control_characters_are_still_refused(demo_db: Path) -> None:
    """Only line breaks are normalised: a vertical tab is refused as before."""
    response = client(demo_db).post(
        "/dokument/RIKT-MOLN-SKOLA/fraga",
        data={"text": "Får jag?\x0bJa", "token": form_token(SECRET, "sara.jansson")},
        headers={"X-Remote-User": "sara.jansson"},
        environ_base=PROXY,
    )
    assert response.status_code == 400
    assert "U+000B" in response.get_data(as_text=True)


# --- caching of what depends on identity ---------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/dokument/RIKT-IS-02", "/fragor", "/dokument/NOPE"])
def test_pages_for_a_logged_in_person_are_never_stored(demo_db: Path, path: str) -> None:
    """Pages name the person and carry their form token: `private, no-store`, errors too."""
    response = client(demo_db).get(
        path, headers={"X-Remote-User": "sara.jansson"}, environ_base=PROXY
    )
    assert response.headers["Cache-Control"] == "private, no-store"


def test_every_page_and_every_personal_answer_is_private(demo_db: Path) -> None:
    """An anonymous page is private too (a cache must not serve it to someone logged in);
    JSON for a logged-in person is private; anonymous JSON and the feed stay cacheable."""
    web = client(demo_db)
    assert web.get("/", environ_base=PROXY).headers["Cache-Control"] == "private, no-store"
    personal = web.get(
        "/api/dokument", headers={"X-Remote-User": "sara.jansson"}, environ_base=PROXY
    )
    assert personal.headers["Cache-Control"] == "private, no-store"
    assert "Cache-Control" not in web.get("/api/dokument", environ_base=PROXY).headers
    assert "Cache-Control" not in web.get("/kalender.ics", environ_base=PROXY).headers
    redirect = web.post(
        "/dokument/RIKT-IS-02/fraga",
        data={"text": "Får jag?", "token": form_token(SECRET, "sara.jansson")},
        headers={"X-Remote-User": "sara.jansson"},
        environ_base=PROXY,
    )
    assert (redirect.status_code, redirect.headers["Cache-Control"]) == (302, "private, no-store")


# --- the trusted proxy -----------------------------------------------------------------


def test_a_proxy_network_with_host_bits_is_refused_not_widened(demo_db: Path) -> None:
    """`127.0.0.5/8` would trust all of 127.0.0.0/8; it is refused with both readings."""
    with pytest.raises(ValueError, match="has host bits set") as caught:
        create_app(str(demo_db), trusted_proxies=("127.0.0.5/8",))
    assert str(caught.value) == (
        "'127.0.0.5/8' has host bits set: write 127.0.0.5 for that one address, "
        "or 127.0.0.0/8 for the whole /8 network"
    )
    policy = IdentityPolicy.from_settings("X-Remote-User", ["10.0.0.5", "10.1.0.0/16", "::1"])
    assert [str(n) for n in policy.trusted_proxies] == ["10.0.0.5/32", "10.1.0.0/16", "::1/128"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "127.0.0.5/8",
            "'127.0.0.5/8' has host bits set: write 127.0.0.5 for that one address, "
            "or 127.0.0.0/8 for the whole /8 network",
        ),
        ("fd00::1/64", "'fd00::1/64' has host bits set: write fd00::1 for that one address"),
        ("intranet-proxy", "'intranet-proxy' is not an IP address or network"),
    ],
)
def test_a_bad_trusted_proxy_is_a_usage_error(demo_db: Path, value: str, message: str) -> None:
    """Exit 2 with one line naming the option, before the database or server is touched
    (in English here, the check's own words; Swedish by default: test_intranet_command)."""
    result = CliRunner().invoke(
        main, ["--db", str(demo_db), "--trusted-proxy", value, "--lang", "en"]
    )
    assert result.exit_code == 2
    assert f"Invalid value for '--trusted-proxy': {message}" in result.output
    assert "Traceback" not in result.output
