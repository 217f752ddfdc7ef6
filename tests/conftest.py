"""Fixtures: every test gets its own real SQLite file, copied from one migrated template."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from styrdok import (
    Body,
    DispensationRequest,
    DispensationRules,
    Document,
    FaqEntry,
    FollowUp,
    Funding,
    Person,
)
from styrdok.cli import main
from styrdok.registry import Registry
from styrdok.store import rebuild
from styrdok.testing.postgres import PostgresServer

# Installed plugins must not change test results: tests register what they need.
sys._styrdok_testing = True  # type: ignore[attr-defined]

# Every record a test reads is rebuilt from its row both ways, and the two compared.
rebuild.CHECK = True

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
DEMO_TODAY = dt.date(2026, 11, 22)


def day(offset: int) -> dt.date:
    """A date ``offset`` days from the tests' fixed today."""
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    Registry.open(path, create=True).close()
    return path


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    path = tmp_path / "register.db"
    shutil.copy(template_db, path)
    return path


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throw-away PostgreSQL server for the whole run (installed if missing)."""
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_template(postgres: PostgresServer) -> str:
    """A migrated, empty database that each PostgreSQL test copies."""
    url = postgres.create_database()
    Registry.open(url, create=True).close()
    return url.rsplit("/", 1)[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, template_db: Path) -> str:
    """A fresh, migrated, empty registry on each engine: a SQLite file, or a new
    PostgreSQL database on the real test server."""
    if request.param == "sqlite":
        path = tmp_path / "register.db"
        shutil.copy(template_db, path)
        return str(path)
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(template=request.getfixturevalue("pg_template"))


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    reg = Registry.open(db_url, clock=lambda: NOW)
    yield reg
    reg.close()


PEOPLE = {
    "admin": Person("admin", "Ada Admin", email="ada@mittkoping.example", is_admin=True),
    "owner": Person("owner", "Olga Ägare", email="olga@mittkoping.example"),
    "guardian": Person("guardian", "Gunnar Väktare", email="gunnar@mittkoping.example"),
    "approver": Person("approver", "Ann Attest"),
    "requester": Person("requester", "Rolf Sökande"),
    "responsible": Person("responsible", "Rut Ansvarig"),
    "outsider": Person("outsider", "Otto Utomstående"),
}


def policy(ref: str = "POL-1", **changes: Any) -> Document:
    """A complete draft policy that allows dispensations of up to 180 days, one renewal."""
    fields: dict[str, Any] = {
        "ref": ref,
        "title": "Informationssäkerhetspolicy",
        "doc_type": "policy",
        "owner": "owner",
        "guardian": "guardian",
        "purpose": "Skydda informationen",
        "audience": "Alla medarbetare",
        "follow_up": FollowUp("Årlig rapport", "Kommunstyrelsen"),
        "review_interval_months": 12,
        "dispensation_rules": DispensationRules(
            allowed=True, approvers=("approver",), max_duration_days=180, max_renewals=1
        ),
        "faq": (FaqEntry("Vem frågar jag?", "Väktaren."),),
    }
    fields.update(changes)
    return Document(**fields)


def request(document: str = "POL-1", **changes: Any) -> DispensationRequest:
    fields: dict[str, Any] = {
        "document_ref": document,
        "scope": "Pilot av molntjänst",
        "responsible": "responsible",
        "valid_from": day(10),
        "valid_until": day(100),
        "funding": Funding(funded_by="BUN"),
        "applies_to": ("Nordskolan",),
    }
    fields.update(changes)
    return DispensationRequest(**fields)


@pytest.fixture
def seeded(registry: Registry) -> Registry:
    """People, a body, and POL-1 in force since 100 days ago."""
    registry.add_person(PEOPLE["admin"], actor=None)
    for person in list(PEOPLE.values())[1:]:
        registry.add_person(person, actor="admin")
    registry.add_body(
        Body("KS", "Kommunstyrelsen", "executive_board", contact="admin"), actor="admin"
    )
    registry.add_document(policy(), actor="owner")
    registry.adopt_document("POL-1", actor="owner", body="KS", on=day(-100), minute_ref="§ 1")
    return registry


@pytest.fixture
def approved(seeded: Registry) -> str:
    """The ref of an approved dispensation from POL-1, valid day 10 to day 100."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    seeded.approve_dispensation(ref, actor="guardian")
    return ref


@pytest.fixture
def cli(db_url: str) -> Callable[..., Result]:
    """Run ``styrdok --db <this test's registry> ARGS…`` and return the result."""

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(
            main, ["--db", db_url, *args], input=input, catch_exceptions=False
        )

    return run
