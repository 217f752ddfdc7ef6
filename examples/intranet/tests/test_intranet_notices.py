"""``/mina-aviseringar``: a person chooses which kinds of notice they get — never decisions
about their own requests — with a form protected like every other (issue 16, item 1)."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from intranet_support import DEMO_NOW, SECRET, by_id, demo_db, demo_template, make_app, parse
from styrdok_intranet.identity import form_token
from styrdok_intranet.notices import GROUPS

from styrdok.notify import NoticeKind
from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
PERSON = "sara.jansson"


def muted(db: Path, person: str = PERSON) -> frozenset[NoticeKind]:
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        return registry.muted_notices(person)


def save(web: FlaskClient, wanted: list[str], **extra: str) -> object:
    data = {"token": form_token(SECRET, PERSON), **extra}
    return web.post(
        "/mina-aviseringar",
        data={**data, "vill": wanted},
        headers={"X-Remote-User": PERSON},
        environ_base=PROXY,
    )


def test_the_page_offers_every_kind_once() -> None:
    listed = [kind for _heading, kinds in GROUPS for kind in kinds]
    assert sorted(listed) == sorted(NoticeKind)


def test_unticking_a_kind_opts_out_of_it_and_the_page_says_so(demo_db: Path) -> None:
    web = make_app(demo_db).test_client()
    every = [kind.value for kind in NoticeKind if kind is not NoticeKind.DECISION]
    sent = save(web, [k for k in every if k not in ("overdue", "read")])
    assert sent.status_code == 302  # type: ignore[attr-defined]
    assert sent.headers["Location"] == "/mina-aviseringar?klart=sparat#kvitto"  # type: ignore[attr-defined]
    assert muted(demo_db) == {NoticeKind.OVERDUE, NoticeKind.READ}
    page = web.get(
        "/mina-aviseringar?klart=sparat", headers={"X-Remote-User": PERSON}, environ_base=PROXY
    ).get_data(as_text=True)
    assert by_id(page, "kvitto").text == "Dina val är sparade."
    boxes = {e.attrs["id"]: e.attrs for e in parse(page) if e.tag == "input" and "id" in e.attrs}
    assert "checked" not in boxes["vill-overdue"] and "checked" in boxes["vill-review"]
    assert "disabled" in boxes["vill-decision"] and "checked" in boxes["vill-decision"]
    save(web, every)
    assert muted(demo_db) == frozenset()


def test_a_form_without_its_token_changes_nothing(demo_db: Path) -> None:
    web = make_app(demo_db).test_client()
    refused = web.post(
        "/mina-aviseringar",
        data={"vill": ["review"]},
        headers={"X-Remote-User": PERSON},
        environ_base=PROXY,
    )
    assert refused.status_code == 400
    assert muted(demo_db) == frozenset()


def test_nobody_signed_in_may_send_it(demo_db: Path) -> None:
    web = make_app(demo_db).test_client()
    assert web.post("/mina-aviseringar", data={"vill": []}).status_code == 403
