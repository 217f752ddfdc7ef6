"""`styrdok export --public`: open data for the website, with no personal data beyond the
names and roles the municipality chooses to publish."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from styrdok.cli import main
from styrdok.demo import build_demo
from styrdok.enums import DispStatus, DocStatus
from styrdok.registry import Registry
from styrdok.testing.contract_data import revise

DEMO_DAY = "2026-11-22"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import datetime as dt

    path = tmp_path_factory.mktemp("public") / "mittkoping.db"
    with Registry.open(path, create=True) as registry:
        build_demo(registry, today=dt.date.fromisoformat(DEMO_DAY))
    return path


def publish(db: Path, target: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["--db", str(db), "export", "--public", str(target), *extra])
    assert result.exit_code == 0, result.output
    return "".join(p.read_text(encoding="utf-8") for p in sorted(target.iterdir()))


def test_by_default_only_roles_appear_never_refs_names_or_addresses(
    demo: Path, tmp_path: Path
) -> None:
    published = publish(demo, tmp_path / "www")
    with Registry.open(demo) as registry:
        people = registry.list_persons()
    for person in people:
        assert person.ref not in published
        assert person.name not in published
        assert person.email is not None and person.email not in published
    assert "IT-chef, IT-enheten" in published


def test_names_are_published_only_when_chosen(demo: Path, tmp_path: Path) -> None:
    assert "Anna Lind, IT-chef, IT-enheten" in publish(demo, tmp_path / "n", "--people", "names")
    data = json.loads((tmp_path / "n" / "register.json").read_text(encoding="utf-8"))
    assert data["people"] == "names"
    publish(demo, tmp_path / "none", "--people", "none")
    data = json.loads((tmp_path / "none" / "register.json").read_text(encoding="utf-8"))
    assert {d["owner"] for d in data["documents"]} == {None}


def test_only_documents_in_force_and_decided_dispensations_are_published(
    demo: Path, tmp_path: Path
) -> None:
    publish(demo, tmp_path / "www")
    data = json.loads((tmp_path / "www" / "register.json").read_text(encoding="utf-8"))
    with Registry.open(demo) as registry:
        in_force = {d.ref for d in registry.list_documents(status=DocStatus.IN_FORCE)}
        requested = {d.ref for d in registry.list_dispensations(status=DispStatus.REQUESTED)}
    assert {d["ref"] for d in data["documents"]} == in_force
    published = {d["ref"] for d in data["dispensations"]}
    assert published and not published & requested
    assert not {"justification", "conditions", "requested_by"} & set(data["dispensations"][0])
    with (tmp_path / "www" / "documents.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["ref"] for r in rows} == in_force


def test_public_and_csv_together_is_a_usage_error(demo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--db", str(demo), "export", "--public", str(tmp_path / "a"), "--csv", "b"]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "a").exists()


def test_people_in_free_text_are_replaced_as_whole_words() -> None:
    import datetime as dt

    from styrdok import Person
    from styrdok.public import _scrubber

    scrub = _scrubber(
        [
            Person("anna.lind", "Anna Lind", email="Anna.Lind@k.se", title="IT-chef"),
            Person("bo", "Bo Ek"),
        ],
        "roles",
    )
    assert scrub("Ring anna.lind. Eller Anna Lind, ANNA.LIND@K.SE") == (
        "Ring IT-chef. Eller IT-chef, IT-chef"
    )
    untouched = "anna.lindqvist och Anna Lindström, bo-gruppen, Bo Eklund, Anna"
    assert scrub(untouched) == untouched
    assert scrub("Anna Linds och ANNA\u00a0LIND:s beslut; fråga @anna.lind") == (
        "IT-chefs och IT-chefs beslut; fråga IT-chef"
    )
    assert scrub(["bo", {"x": "Bo Ek"}, 3, dt.date(2026, 1, 1)]) == [
        "[person]", {"x": "[person]"}, 3, dt.date(2026, 1, 1),
    ]  # fmt: skip


def test_free_text_loses_genitives_mentions_spaced_names_and_every_address(
    seeded: Registry, tmp_path: Path
) -> None:
    """A careful editor's pass over what the website gets: "Olga Ägares", "@guardian",
    "Gunnar\u00a0Väktare", "ROLF SÖKANDE" and any e-mail address, a stranger's too — while
    a given name alone ("Olga") and a longer word stay."""

    revise(
        seeded,
        "POL-1",
        actor="owner",
        changes={
            "purpose": "Olga Ägares ansvar. Frågor till @guardian eller Gunnar\u00a0Väktare, "
            "gunnar@mittkoping.example eller dataskyddsombudet dso.privat@gmail.com.",
            "audience": "ALLA MEDARBETARE UTOM ROLF SÖKANDE; Olga och Gunnar informerar",
        },
    )
    seeded.edit_faq_entry(
        "POL-1", 1, answer="Ann Attests kollega, inte Ann Attestsson.", actor="owner"
    )
    seeded.export_public(tmp_path / "www")
    data = json.loads((tmp_path / "www" / "register.json").read_text(encoding="utf-8"))
    [document] = data["documents"]
    assert document["purpose"] == (
        "[person]:s ansvar. Frågor till [person] eller [person], [person] eller "
        "dataskyddsombudet [e-post]."
    )
    assert document["audience"] == "ALLA MEDARBETARE UTOM [person]; Olga och Gunnar informerar"
    assert document["faq"] == [
        {"question": "Vem frågar jag?", "answer": "[person]:s kollega, inte Ann Attestsson."}
    ]
    published = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "www").iterdir())
    assert "@" not in published


def test_addresses_of_strangers_are_named_in_the_publication_language() -> None:
    """`[e-post]` in Swedish, `[e-mail]` in English; a registered person's address shows
    what `people` allows of them."""
    from styrdok import Person
    from styrdok.public import _scrubber

    people = [Person("anna.lind", "Anna Lind", email="anna.lind@k.se", title="IT-chef")]
    text = "Mejla anna.lind@k.se eller Kalle.Karlsson@hotmail.com"
    assert _scrubber(people, "roles")(text) == "Mejla IT-chef eller [e-post]"
    assert _scrubber(people, "none", language="en")(text) == "Mejla [person] eller [e-mail]"


def test_the_text_is_published_scrubbed_and_rendered_without_html(
    seeded: Registry, tmp_path: Path
) -> None:
    """A document's text goes out as Markdown and as safe HTML, people scrubbed from both."""
    revise(
        seeded,
        "POL-1",
        {"text": "## Ansvar\n\nFråga Olga Ägare. <script>x()</script> [IMY](https://www.imy.se)"},
        actor="owner",
    )
    seeded.export_public(tmp_path / "www")
    [document] = json.loads((tmp_path / "www" / "register.json").read_text("utf-8"))["documents"]
    assert document["text"].startswith("## Ansvar\n\nFråga [person].")
    assert "<script>" not in document["text_html"]
    assert "<p>Fråga [person]. &lt;script&gt;x()&lt;/script&gt; " in document["text_html"]
    assert '<a href="https://www.imy.se">IMY</a>' in document["text_html"]
