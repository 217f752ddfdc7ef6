"""`styrdok search`, and the index a register gets when it is upgraded.

What every store must find is pinned by the storage contract
(:mod:`styrdok.testing.contract_search`); these tests pin the command line, the upgrade
of an existing register, and PostgreSQL's Swedish stemming."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result

from conftest import PEOPLE, policy
from styrdok import Body
from styrdok.registry import Registry
from styrdok.store.engine import make_engine
from styrdok.testing.contract_data import revise
from styrdok.testing.postgres import PostgresServer

Run = Callable[..., Result]


def _with_text(registry: Registry, text: str, ref: str = "POL-1") -> None:
    revise(registry, ref, {"text": text}, actor="owner")  # what applies is what is found


def test_search_prints_each_hit_with_the_words_marked(seeded: Registry, cli: Run) -> None:
    _with_text(seeded, "Alla ska använda tvåfaktorsinloggning i kommunens system.")
    result = cli("--lang", "en", "search", "tvåfaktor")
    assert result.exit_code == 0, result.output
    title, snippet = result.output.splitlines()
    assert title == "POL-1  Informationssäkerhetspolicy  (in force)"
    # Each engine picks its own stretch; the found word is marked in it.
    assert snippet.startswith("    ")
    assert "använda »tvåfaktorsinloggning« i kommunens system" in snippet


def test_search_as_json_gives_the_snippet_in_parts(seeded: Registry, cli: Run) -> None:
    _with_text(seeded, "Alla ska använda tvåfaktorsinloggning.")
    [hit] = json.loads(cli("--format", "json", "search", "tvåfaktorsinloggning").output)
    assert hit["ref"] == "POL-1" and hit["status"] == "in_force"
    assert {"text": "tvåfaktorsinloggning", "matched": True} in hit["snippet"]


def test_search_says_when_nothing_matches(seeded: Registry, cli: Run) -> None:
    result = cli("--lang", "en", "search", "flygplan")
    assert (result.exit_code, result.output) == (0, "No documents match.\n")


def test_a_search_without_words_is_a_one_line_error(seeded: Registry, cli: Run) -> None:
    result = cli("--lang", "en", "search", "?!")
    assert result.exit_code == 1
    assert result.output == "Error: query: give at least one word to search for\n"


# --- the upgrade builds the index ---------------------------------------------------------


def _upgrade(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from styrdok import migrations

    config = Config()
    config.set_main_option("script_location", migrations.SCRIPT_LOCATION)
    config.attributes["url"] = url
    command.upgrade(config, revision)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_register(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A register at schema 0003 (before text and search) holding POL-1 in force."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        url = server.create_database()
    _upgrade(url, "0003")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO person (ref, name, is_admin) VALUES ('owner', 'Owner', false)")
        )
        conn.execute(
            sa.text(
                "INSERT INTO document (ref, title, doc_type, status, version, owner, purpose,"
                " intended_effects, audience, applies_to, limits, non_compliance,"
                " dispensation_rules, faq, related, revision) VALUES ('POL-9', 'Gammal policy',"
                " 'policy', 'in_force', 1, 'owner', 'Skydda arkivhandlingar', '', '', '[]', '',"
                " '', '{}', :faq, '[]', 1)"
            ),
            {"faq": '[{"question": "Var finns pärmarna?", "answer": "I närarkivet."}]'},
        )
    engine.dispose()
    return url


def test_the_upgrade_indexes_the_documents_already_there(old_register: str) -> None:
    with Registry.open(old_register, create=True) as registry:
        assert [h.ref for h in registry.search_documents("arkivhandlingar")] == ["POL-9"]
        assert [h.ref for h in registry.search_documents("närarkivet")] == ["POL-9"]
        assert registry.get_document("POL-9").text == ""


# --- PostgreSQL reads Swedish -------------------------------------------------------------


def test_postgresql_finds_other_forms_of_a_swedish_word(
    postgres: PostgresServer, pg_template: str
) -> None:
    url = postgres.create_database(template=pg_template)
    with Registry.open(url) as registry:
        registry.add_person(PEOPLE["admin"], actor=None)
        for person in list(PEOPLE.values())[1:]:
            registry.add_person(person, actor="admin")
        registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board"), actor="admin")
        registry.add_document(policy(text="Varje molntjänst ska godkännas."), actor="owner")
        registry.adopt_document("POL-1", actor="owner", body="KS", on=registry.today())
        # The plural finds the singular: the Swedish stemmer, not a prefix match.
        assert [h.ref for h in registry.search_documents("molntjänster")] == ["POL-1"]


def test_search_as_csv_for_excel_is_csv(seeded: Registry, cli: Run) -> None:
    _with_text(seeded, "Alla ska använda tvåfaktorsinloggning.")
    result = cli("--format", "csv-excel", "search", "tvåfaktorsinloggning")
    assert result.exit_code == 0, result.output
    import csv

    rows = list(csv.reader(result.output.lstrip("\ufeff").splitlines(), delimiter=";"))
    assert rows[0][:2] == ["ref", "title"]
    assert rows[1][:2] == ["POL-1", "Informationssäkerhetspolicy"]
