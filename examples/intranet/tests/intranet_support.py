"""Shared test helpers for the intranet example (not a conftest: the project's tests/ has
its own, imported by name)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from styrdok_intranet import create_app

from styrdok.demo import build_demo
from styrdok.registry import Registry

#: The demo's "today"; the app runs on the same clock so dates on the pages are stable.
DEMO_NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
SECRET = b"test-secret"
#: The login proxy the test apps believe (see :func:`make_app`).
PROXY = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Mittköping demo register, built once per test session."""
    path = tmp_path_factory.mktemp("intranet") / "mittkoping.db"
    with Registry.open(path, create=True) as registry:
        build_demo(registry, today=DEMO_NOW.date())
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo register for one test."""
    path = tmp_path / "mittkoping.db"
    shutil.copy(demo_template, path)
    return path


#: Routines added to the demo for the paging tests: how many in force, and which of them
#: have a draft beside them (owned by anna.lind, guarded by gustav.berg).
ROUTINES = 70
DRAFTS = (55, 56, 57)


def add_routines(db: Path) -> None:
    """Add :data:`ROUTINES` routines in force to the register at ``db`` — "Rutin 001 för
    sidvisning" … by anna.lind (unit KLF-IT) and maria.nystrom (unit KLF-KOM) in
    turn, every third overdue for review and the others due within 30 days — and a draft
    beside each of :data:`DRAFTS`, so the register and the due dashboard have more than one
    page and there are drafts in the middle of page 2. Idempotent."""
    from styrdok.errors import NotFound
    from styrdok.model import Document, FollowUp

    today = DEMO_NOW.date()
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        try:
            registry.get_document("RUT-001")
            return
        except NotFound:
            pass
        for n in range(1, ROUTINES + 1):
            registry.add_document(
                Document(
                    ref=f"RUT-{n:03d}",
                    title=f"Rutin {n:03d} för sidvisning",
                    doc_type="routine",
                    owner="anna.lind" if n % 2 else "maria.nystrom",
                    guardian="gustav.berg",
                    follow_up=FollowUp("Årlig uppföljning", "KLF"),
                    review_interval_months=12,
                    next_review_on=today + dt.timedelta(days=-10 if n % 3 == 0 else 30),
                ),
                actor="eva.ek",
            )
            registry.adopt_document(
                f"RUT-{n:03d}", actor="eva.ek", body="KLF", on=today - dt.timedelta(days=400)
            )
        for n in DRAFTS:
            registry.add_document(
                Document(
                    ref=f"RUT-{n:03d}-UTKAST",
                    title=f"Rutin {n:03d} för sidvisning, utkast",
                    doc_type="routine",
                    owner="anna.lind",
                    guardian="gustav.berg",
                ),
                actor="eva.ek",
            )


@pytest.fixture(scope="session")
def paged_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo register with :func:`add_routines`: more than one page, built once."""
    path = tmp_path_factory.mktemp("paged") / "mittkoping.db"
    shutil.copy(demo_template, path)
    add_routines(path)
    return path


@pytest.fixture
def paged_db(paged_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of :func:`paged_template` for one test."""
    path = tmp_path / "paged.db"
    shutil.copy(paged_template, path)
    return path


#: A small organisation added to the demo for the read-acknowledgement tests (the demo has
#: none of its own yet): Läsförvaltningen, managed by MANAGER, with Ekskolan and IT-stödet
#: under it, under the register's top unit (added if there is none).
READER = "lina.lasare"
"""In Ekskolan; confirmed version 1 of READ_POLICY, is asked to read version 2 and
READ_ROUTINE."""
MANAGER = "maja.chef"
"""Manages Läsförvaltningen (and so Ekskolan and IT-stödet); has not read READ_POLICY."""
READ_POLICY = "LAS-POL-01"
"""Applies to Läsförvaltningen; version 2 (a material change) in force."""
READ_ROUTINE = "LAS-RUT-01"
"""Applies to Ekskolan; version 1 in force, confirmed by otto.olast only."""
UNPLACED = "nils.utanenhet"
"""In no unit: asked to read nothing."""
READ_UNITS = {"LAS-FORV": "Läsförvaltningen", "LAS-SKOLA": "Ekskolan", "LAS-IT": "IT-stödet"}


def add_reading(db: Path) -> None:
    """Add the organisation and documents of :data:`READER` & co to the register at ``db``,
    through the Registry as a municipality would: units, people in them, two documents
    that apply to units, adopted, and some confirmations. Idempotent."""
    from styrdok.demo import ADMIN
    from styrdok.enums import AckChannel
    from styrdok.errors import NotFound
    from styrdok.model import Document, FollowUp, Person, Unit

    today = DEMO_NOW.date()
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        try:
            registry.get_unit("LAS-FORV")
            return
        except NotFound:
            pass
        tops = registry.unit_tree().children(None)
        top = tops[0] if tops else "LAS-KOMMUN"
        if not tops:
            registry.add_unit(Unit(top, "Läsköpings kommun", kind="municipality"), actor=ADMIN)
        registry.add_unit(
            Unit("LAS-FORV", READ_UNITS["LAS-FORV"], kind="administration", parent=top),
            actor=ADMIN,
        )
        for ref in ("LAS-SKOLA", "LAS-IT"):
            registry.add_unit(Unit(ref, READ_UNITS[ref], parent="LAS-FORV"), actor=ADMIN)
        for ref, name, unit in (
            (MANAGER, "Maja Chef", "LAS-FORV"),
            (READER, "Lina Läsare", "LAS-SKOLA"),
            ("otto.olast", "Otto Olästsson", "LAS-SKOLA"),
            ("ivar.it", "Ivar Itsson", "LAS-IT"),
        ):
            registry.add_person(
                Person(
                    ref,
                    name,
                    email=f"{ref}@mittkoping.example",
                    unit=unit,
                    unit_since=today - dt.timedelta(days=365),
                ),
                actor=ADMIN,
            )
        registry.add_person(Person(UNPLACED, "Nils Utan Enhet"), actor=ADMIN)
        registry.edit_unit("LAS-FORV", {"manager": MANAGER}, actor=ADMIN)
        for ref, title, applies_to in (
            (READ_POLICY, "Policy för läsbekräftelse", ["LAS-FORV"]),
            (READ_ROUTINE, "Rutin för läsbekräftelse i skolan", ["LAS-SKOLA"]),
        ):
            registry.add_document(
                Document(
                    ref=ref,
                    title=title,
                    doc_type="policy" if ref == READ_POLICY else "routine",
                    owner="anna.lind",
                    guardian="gustav.berg",
                    purpose="Att alla som berörs vet vad som gäller.",
                    applies_to=applies_to,
                    follow_up=FollowUp("Årlig uppföljning", "KLF"),
                    review_interval_months=12,
                    text="Version ett: läs och bekräfta.",
                ),
                actor=ADMIN,
            )
            registry.adopt_document(ref, actor=ADMIN, body="KLF", on=today - dt.timedelta(days=30))
        registry.acknowledge(READ_POLICY, actor=READER, channel=AckChannel.INTRANET)
        registry.acknowledge(READ_ROUTINE, actor="otto.olast", channel=AckChannel.CLI)
        policy = registry.get_document(READ_POLICY)
        registry.edit_document(
            READ_POLICY,
            {
                "text": "Version två: läs, förstå och bekräfta inom en vecka.",
                "purpose": "Att alla som berörs vet vad som gäller, och när.",
            },
            actor=ADMIN,
            expected_revision=policy.revision,
        )
        registry.adopt_document(
            READ_POLICY, actor=ADMIN, body="KLF", on=today - dt.timedelta(days=5)
        )
        registry.acknowledge(READ_POLICY, actor="ivar.it", channel=AckChannel.API, version=2)


def fresh_reader(db: Path, ref: str) -> str:
    """A new person ``ref`` in Ekskolan (after :func:`add_reading`), asked to read both
    :data:`READ_POLICY` and :data:`READ_ROUTINE` and having confirmed neither: for a
    browser test that confirms, once per person. Idempotent; returns ``ref``."""
    from styrdok.demo import ADMIN
    from styrdok.errors import NotFound
    from styrdok.model import Person

    add_reading(db)
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        try:
            registry.get_person(ref)
        except NotFound:
            registry.add_person(
                Person(
                    ref,
                    f"Läsare {ref}",
                    unit="LAS-SKOLA",
                    unit_since=DEMO_NOW.date() - dt.timedelta(days=365),
                ),
                actor=ADMIN,
            )
    return ref


@pytest.fixture(scope="session")
def reading_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo register with :func:`add_reading`, built once."""
    path = tmp_path_factory.mktemp("reading") / "mittkoping.db"
    shutil.copy(demo_template, path)
    add_reading(path)
    return path


@pytest.fixture
def reading_db(reading_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of :func:`reading_template` for one test."""
    path = tmp_path / "reading.db"
    shutil.copy(reading_template, path)
    return path


#: Self-service: the document requests are made from (guardian erik.makinen, approver
#: per.ahmadi, at most 200 days), and who requests them.
REQUEST_DOC = "RIKT-MOLN-SKOLA"
REQUESTER = "sara.jansson"


def fresh_request(db: Path, scope: str, *, approve: bool = False, close: bool = False) -> str:
    """A new dispensation requested by :data:`REQUESTER` (responsible too) from
    :data:`REQUEST_DOC`, through the Registry, from the demo's today for 70 days; approved
    by erik.makinen with ``approve``, then closed by the requester with ``close`` (so it
    may be evaluated). For a browser test that decides, withdraws, renews or evaluates,
    once per state. Returns its ref."""
    from styrdok.dispensation import DispensationRequest, Funding

    today = DEMO_NOW.date()
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        made = registry.request_dispensation(
            DispensationRequest(
                document_ref=REQUEST_DOC,
                scope=scope,
                responsible=REQUESTER,
                valid_from=today,
                valid_until=today + dt.timedelta(days=69),
                funding=Funding(no_extra_cost=True),
            ),
            actor=REQUESTER,
        )
        if approve or close:
            registry.approve_dispensation(made.ref, actor="erik.makinen", reasoning="Ja")
        if close:
            registry.close_dispensation(made.ref, actor=REQUESTER, reason="Klart")
    return made.ref


#: The test client's and the browser tests' requests come from here, as if from the proxy.
PROXIES = ("127.0.0.1", "::1")


def make_app(db: Path, **settings: Any) -> Flask:
    """The app over ``db`` behind a login proxy on this machine (``settings`` override)."""
    settings = {"trusted_proxies": PROXIES, **settings}
    app = create_app(str(db), secret=SECRET, clock=lambda: DEMO_NOW, **settings)
    app.config["TESTING"] = True
    return app


def crashing_app(db: Path) -> Flask:
    """The app over ``db`` with errors handled as in production (not re-raised to the
    test), and one address, ``/krasch``, that fails as a bug would: to see the 500 page."""
    app = make_app(db)

    def crash() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/krasch", "crash", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


CHROMIUM = "/usr/bin/chromium"
#: Flags for Chromium as root on a machine with no outside network (see docs/deployment.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def ensure_chromium() -> str:
    """Debian's Chromium, installed here if missing (the tests never skip for want of it)."""
    import os
    import subprocess

    if not Path(CHROMIUM).exists():
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "chromium"],
        ):
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                pytest.fail(
                    f"could not install Chromium ({' '.join(command)}): {done.stderr[-500:]}"
                )
    return CHROMIUM


def artifacts_dir() -> Path:
    """Where screenshots go: $STYRDOK_ARTIFACTS, else artifacts/intranet in the project."""
    import os

    root = os.environ.get("STYRDOK_ARTIFACTS")
    base = Path(root) if root else Path(__file__).resolve().parents[3] / "artifacts"
    folder = base / "intranet"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Element:
    """One element of a page as the test client got it: tag, attributes, text inside."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.text = ""

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>{self.text[:60]!r}"


def parse(page: str) -> list[Element]:
    """Every element of ``page`` in document order, with the text each contains (the
    parser of the standard library: enough for the app's own well-formed templates)."""
    from html.parser import HTMLParser

    void = {"meta", "link", "input", "br", "hr", "img"}
    found: list[Element] = []
    open_: list[Element] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            element = Element(tag, {k: v or "" for k, v in attrs})
            found.append(element)
            if tag not in void:
                open_.append(element)

        def handle_endtag(self, tag: str) -> None:
            while open_:
                if open_.pop().tag == tag:
                    break

        def handle_data(self, data: str) -> None:
            for element in open_:
                element.text += data

    Parser(convert_charrefs=True).feed(page)
    return found


def by_id(page: str, element_id: str) -> Element:
    """The element with ``id``; an assertion names the id when there is none."""
    matches = [e for e in parse(page) if e.attrs.get("id") == element_id]
    assert len(matches) == 1, f"expected one element with id {element_id!r}, got {matches}"
    return matches[0]


def title(page: str) -> str:
    """The page's <title> text."""
    return next(e.text for e in parse(page) if e.tag == "title")


def client(db: Path) -> FlaskClient:
    """The app over ``db`` behind a login proxy on this machine."""
    return make_app(db).test_client()


def get_as(web: FlaskClient, user: str | None, path: str) -> Any:
    """GET ``path`` as ``user`` (``None``: nobody signed in) through the proxy."""
    headers = {"X-Remote-User": user} if user else {}
    return web.get(path, headers=headers, environ_base=PROXY)


def post_as(
    web: FlaskClient, user: str, path: str, data: dict[str, Any], *, token: bool = True
) -> Any:
    """POST a form as ``user``, with their form token unless ``token`` is false."""
    from styrdok_intranet.identity import form_token

    sent = {**data, "token": form_token(SECRET, user)} if token else data
    return web.post(path, data=sent, headers={"X-Remote-User": user}, environ_base=PROXY)


def page(response: Any) -> str:
    """The response's HTML."""
    text: str = response.get_data(as_text=True)
    return text


def words(text: str) -> str:
    """``text`` with its white space collapsed, as a reader hears it."""
    return " ".join(text.split())
