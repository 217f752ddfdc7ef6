"""Look-alikes (issue 21, item 9): refs that differ only in case, invisible characters in
a line of text, and queries in another Unicode form than the stored text."""

from __future__ import annotations

import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from conftest import NOW, PEOPLE, day, policy
from styrdok import AlreadyExists, Body, InvalidValue, Person, RegistryUnavailable, migrations
from styrdok.registry import Registry
from styrdok.store.engine import make_engine, normalise_url
from styrdok.testing.postgres import PostgresServer
from styrdok.text import check_line, check_text, is_clean_line, normalise_query

# --- refs are unique regardless of case --------------------------------------------------


@pytest.mark.parametrize(
    ("add", "message"),
    [
        (
            lambda r: r.add_person(Person("Owner", "Olga Ägare igen"), actor="admin"),
            "person owner already exists (refs are compared regardless of case)",
        ),
        (
            lambda r: r.add_body(Body("ks", "Kommunstyrelsen", "executive_board"), actor="admin"),
            "body KS already exists (refs are compared regardless of case)",
        ),
        (
            lambda r: r.add_document(policy("pol-1"), actor="owner"),
            "document POL-1 already exists (refs are compared regardless of case)",
        ),
    ],
    ids=["person", "body", "document"],
)
def test_a_ref_that_differs_only_in_case_is_refused(
    seeded: Registry, add: Callable[[Registry], Any], message: str
) -> None:
    """The error names the ref as stored, and says why a different spelling clashes."""
    events = len(list(seeded.audit_events()))
    with pytest.raises(AlreadyExists, match=f"^{re.escape(message)}$"):
        add(seeded)
    assert len(list(seeded.audit_events())) == events


def test_the_same_ref_again_keeps_its_plain_message(seeded: Registry) -> None:
    """An exact duplicate is reported as before, without the note about case."""
    with pytest.raises(AlreadyExists, match=r"^document POL-1 already exists$"):
        seeded.add_document(policy("POL-1"), actor="owner")
    with pytest.raises(AlreadyExists, match=r"^person owner already exists$"):
        seeded.add_person(PEOPLE["owner"], actor="admin")


def test_the_database_refuses_a_case_twin_the_core_did_not_see(seeded: Registry) -> None:
    """A writer that bypasses the use cases still meets the unique index on lower(ref)."""
    store: Any = seeded.store
    for insert in (
        lambda: store.insert_person(Person("ADMIN", "Ada Admin")),
        lambda: store.insert_body(Body("Ks", "Kommunstyrelsen", "executive_board")),
        lambda: store.insert_document(policy("Pol-1")),
    ):
        with pytest.raises(AlreadyExists), store.transaction():
            insert()
    assert [p.ref for p in seeded.list_persons()].count("admin") == 1


def test_existing_refs_finds_every_spelling_as_stored(seeded: Registry) -> None:
    """The bulk lookup compares regardless of case and answers with the stored spelling."""
    store: Any = seeded.store
    with store.transaction(write=False):
        assert store.existing_refs("person", ["ADMIN", "Owner", "nobody"]) in (
            ["admin", "owner"],
            ["owner", "admin"],
        )
        assert store.existing_refs("document", ["pol-1"]) == ["POL-1"]
        assert store.existing_refs("body", ["KS"]) == ["KS"]


def _export(registry: Registry) -> dict[str, Any]:
    out = io.StringIO()
    registry.export_json(out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_a_merge_that_clashes_in_case_with_the_register_is_refused(seeded: Registry) -> None:
    """An import cannot bring `Owner` into a register that has `owner`."""
    data = {"format": "styrdok-export", "version": _export(seeded)["version"]}
    data["persons"] = [{"ref": "Owner", "name": "Olga Ägare"}]
    persons = len(seeded.list_persons())
    with pytest.raises(AlreadyExists, match=r"person owner\b"):
        seeded.import_json(io.StringIO(json.dumps(data)), actor="admin", merge=True)
    assert len(seeded.list_persons()) == persons


def test_a_file_with_two_spellings_of_one_ref_writes_nothing(
    seeded: Registry, registry_factory: Callable[[], Registry]
) -> None:
    """Within one file, `admin` and `ADMIN` are refused (at the latest by the database)."""
    data = _export(seeded)
    data["persons"].append(dict(data["persons"][0], ref="ADMIN"))
    fresh = registry_factory()
    with pytest.raises((AlreadyExists, sa.exc.IntegrityError)):
        fresh.import_json(io.StringIO(json.dumps(data)), actor=None)
    assert fresh.list_persons() == []


def test_a_file_with_two_spellings_of_one_ref_is_named(
    seeded: Registry, registry_factory: Callable[[], Registry]
) -> None:
    """The import names the second spelling and where it is, as for an exact duplicate."""
    data = _export(seeded)
    data["persons"].append(dict(data["persons"][0], ref="ADMIN"))
    with pytest.raises(AlreadyExists, match=r"ADMIN .*\$\.persons\[7\]"):
        registry_factory().import_json(io.StringIO(json.dumps(data)), actor=None)


@pytest.fixture
def registry_factory(
    db_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Registry]]:
    """Another fresh registry on the same engine as the test's own."""
    opened: list[Registry] = []

    def make() -> Registry:
        if db_url.startswith("postgresql"):
            server: PostgresServer = request.getfixturevalue("postgres")
            url = server.create_database(template=request.getfixturevalue("pg_template"))
        else:
            path = Path(db_url).with_name("other.db")
            path.write_bytes(Path(db_url).read_bytes())
            url = str(path)
        opened.append(Registry.open(url))
        return opened[-1]

    yield make
    for registry in opened:
        registry.close()


# --- the migration that adds the indexes -------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database with no schema yet, on each engine."""
    if request.param == "sqlite":
        return normalise_url(tmp_path / "old.db")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()


def _upgrade(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", migrations.SCRIPT_LOCATION)
    config.attributes["url"] = url
    command.upgrade(config, revision)


def _sql(url: str, *statements: str) -> list[tuple[Any, ...]]:
    """Run ``statements`` in one transaction; the rows of the last one, if it has any."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                result = conn.execute(sa.text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_the_upgrade_names_case_twins_and_changes_nothing(blank_url: str) -> None:
    """A register at 0002 holding `anna.lind` and `Anna.Lind` is not upgraded, and the
    message lists every pair; once one of each is gone, the upgrade goes through."""
    _upgrade(blank_url, "0002")
    _sql(
        blank_url,
        "INSERT INTO person (ref, name, is_admin) VALUES ('anna.lind', 'Anna', false), "
        "('Anna.Lind', 'Anna', false), ('olle', 'Olle', false)",
        "INSERT INTO body (ref, name, level) VALUES ('KS', 'KS', 'executive_board'), "
        "('ks', 'KS', 'executive_board')",
    )
    with pytest.raises(
        RegistryUnavailable,
        match=r"2 ref\(s\) differ only in case, which styrdok no longer allows: "
        r"person Anna\.Lind = anna\.lind; body KS = ks\. Nothing was changed: "
        r"rename or merge one of each, then run 'styrdok init' again$",
    ):
        Registry.open(blank_url, create=True)
    assert _sql(blank_url, "SELECT version_num FROM alembic_version") == [("0002",)]
    assert _sql(blank_url, "SELECT count(*) FROM person") == [(3,)]

    _sql(
        blank_url, "DELETE FROM person WHERE ref = 'Anna.Lind'", "DELETE FROM body WHERE ref = 'ks'"
    )
    with Registry.open(blank_url, create=True) as registry:
        assert [p.ref for p in registry.list_persons()] == ["anna.lind", "olle"]
    with pytest.raises(sa.exc.IntegrityError):
        _sql(blank_url, "INSERT INTO person (ref, name, is_admin) VALUES ('OLLE', 'O', false)")


def test_the_migrated_schema_has_the_case_indexes(db_url: str) -> None:
    """Each engine has the three indexes (SQLite cannot reflect expression indexes, so the
    schema comparison in test_store does not see them there; PostgreSQL can, and agrees)."""
    url = normalise_url(db_url)
    catalog = (
        "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'uq%ref_lower' ORDER BY 1"
        if url.startswith("postgresql")
        else "SELECT name FROM sqlite_master WHERE name LIKE 'uq%ref_lower' ORDER BY 1"
    )
    assert _sql(url, catalog) == [
        ("uq_body_ref_lower",),
        ("uq_document_ref_lower",),
        ("uq_person_ref_lower",),
        ("uq_unit_ref_lower",),
    ]
    if url.startswith("postgresql"):
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        from styrdok.store.search_schema import include_name
        from styrdok.store.tables import metadata

        engine = make_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": include_name}
            )
            assert compare_metadata(context, metadata) == []
        engine.dispose()


def test_the_case_insensitive_lookup_reads_the_index(db_path: Path) -> None:
    """An import's ref check stays an index search on SQLite, not a scan per batch."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT ref FROM document WHERE lower(ref) IN ('a', 'b')"
        ).fetchall()
    assert "USING INDEX uq_document_ref_lower" in " ".join(row[3] for row in plan)


# --- invisible characters in a line ------------------------------------------------------


def _every(categories: set[str]) -> list[str]:
    return [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in categories]


def test_every_format_character_and_line_separator_is_refused_in_a_line() -> None:
    """The cause, not examples: all of Unicode category Cf (zero-width characters, soft
    hyphen, word joiner, marks, BOM, tags …) and Zl/Zp, per this Python's Unicode data."""
    allowed = [c for c in _every({"Cf", "Zl", "Zp"}) if is_clean_line(f"a{c}b", 10)]
    assert allowed == []


def test_the_fast_check_and_the_explanation_agree() -> None:
    """Whatever the fast check refuses, the detailed check refuses too, naming it."""
    for code in range(sys.maxunicode + 1):
        line = f"a{chr(code)}b"
        if not is_clean_line(line, 10):
            with pytest.raises(InvalidValue, match=f"U\\+{code:04X}"):
                check_line(line, limit=10)


@pytest.mark.parametrize(
    "char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\ufe0f"]
)
def test_a_name_with_an_invisible_character_is_refused(registry: Registry, char: str) -> None:
    """`Anna\u200bLind` looks like `AnnaLind`; the field and the character are named."""
    registry.add_person(PEOPLE["admin"], actor=None)
    with pytest.raises(InvalidValue, match=f"^name: text contains .*U\\+{ord(char):04X}"):
        registry.add_person(Person("anna", f"Anna{char}Lind"), actor="admin")


def test_a_title_with_a_soft_hyphen_is_refused(seeded: Registry) -> None:
    """Word processors paste soft hyphens; a title must read as it is stored."""
    with pytest.raises(InvalidValue, match=r"^title: .*U\+00AD \(SOFT HYPHEN\); remove it$"):
        seeded.edit_document("POL-1", {"title": "Informations\u00adsäkerhet"}, actor="owner")
    assert seeded.get_document("POL-1").title == "Informationssäkerhetspolicy"


def test_an_import_names_the_record_with_an_invisible_character(
    seeded: Registry, registry_factory: Callable[[], Registry]
) -> None:
    """The bulk path applies the same rule and points at the record."""
    data = _export(seeded)
    data["persons"][1]["name"] = "Olga\u2060Ägare"
    fresh = registry_factory()
    with pytest.raises(InvalidValue, match=r"U\+2060 .*@ \$\.persons\[1\]"):
        fresh.import_json(io.StringIO(json.dumps(data)), actor=None)
    assert fresh.list_persons() == []


def test_free_text_keeps_its_rules() -> None:
    """Several lines of text still allow line breaks and tabs, and refuse bidi overrides."""
    assert check_text("Rad ett\n\trad två", limit=100)
    with pytest.raises(InvalidValue, match="direction-changing character U\\+202E"):
        check_text("a\u202eb", limit=100)


# --- queries in another Unicode form ------------------------------------------------------


def test_a_decomposed_query_is_normalised_like_stored_text() -> None:
    """'ä' sent as 'a' + U+0308 (NFD) becomes the stored form (NFC), stripped."""
    assert normalise_query(" Informationssa\u0308kerhet ") == "Informationssäkerhet"


def test_document_filters_are_normalised(seeded: Registry) -> None:
    """Filters reach the store as stored text is written: a padded ref still matches."""
    assert [d.ref for d in seeded.list_documents(body=" KS ", person="owner\n")] == ["POL-1"]


def test_the_intranet_search_finds_a_decomposed_query(tmp_path: Path) -> None:
    """The intranet's free-text search normalises the query before comparing."""
    pytest.importorskip("flask")
    from styrdok_intranet import create_app

    path = tmp_path / "r.db"
    with Registry.open(path, create=True, clock=lambda: NOW) as registry:
        registry.add_person(PEOPLE["admin"], actor=None)
        for person in list(PEOPLE.values())[1:]:
            registry.add_person(person, actor="admin")
        registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board"), actor="admin")
        registry.add_document(policy(), actor="owner")
        registry.adopt_document("POL-1", actor="owner", body="KS", on=day(-1), minute_ref="§ 1")
    app = create_app(str(path), secret=b"test", clock=lambda: NOW)
    app.config["TESTING"] = True
    web = app.test_client()
    nfd = unicodedata.normalize("NFD", "informationssäkerhet")
    assert nfd != "informationssäkerhet"
    page = web.get("/", query_string={"q": nfd}).get_data(as_text=True)
    assert "1 dokument" in page and "Informationssäkerhetspolicy" in page
