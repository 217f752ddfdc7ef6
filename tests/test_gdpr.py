"""GDPR: `person anonymise` replaces a person everywhere; history and the audit chain hold."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Callable

import pytest
from click.testing import Result

from conftest import day, request
from styrdok import FollowUp, Person
from styrdok.errors import PermissionDenied, RuleViolation
from styrdok.gdpr import EMAIL_REMOVED, Pseudonym, replacer
from styrdok.registry import Registry
from styrdok.testing.contract_data import revise

TOVE = Person("tove.t", "Tove Tärnström", email="Tove.T@mittkoping.example", unit="Nordskolan")


def everything(registry: Registry) -> str:
    """Every stored value: the export (all records) and the whole audit log."""
    out = io.StringIO()
    registry.export_json(out)
    events = [[e.actor, e.entity, e.before, e.after] for e in registry.audit_events()]
    return out.getvalue() + json.dumps(events, ensure_ascii=False)


@pytest.fixture
def with_tove(seeded: Registry) -> Registry:
    """Tove asked a question, requested a dispensation that ran its course, and is named in
    a document's follow-up text; her colleague tove.tt must not be touched."""
    seeded.add_person(TOVE, actor="admin")
    seeded.add_person(Person("tove.tt", "Tove Tt"), actor="admin")
    seeded.ask("POL-1", "Gäller policyn vikarier? /Tove Tärnström", actor="tove.t")
    # Rows that name her only in a form no exact substring search finds.
    seeded.ask("POL-1", "Är TOVE TÄRNSTRÖMS fråga besvarad?", actor="owner")
    seeded.ask("POL-1", "Svara Tove\u00a0Tärnström och Tove Tärnströmska skolan", actor="owner")
    ref = seeded.request_dispensation(
        request(responsible="tove.t", justification="Fråga tove.t eller tove.tt"),
        actor="tove.t",
    ).ref
    seeded.approve_dispensation(ref, actor="guardian")
    seeded.close_dispensation(ref, actor="tove.t", on=day(20), reason="Klart")
    revise(
        seeded,
        "POL-1",
        actor="owner",
        changes={
            "follow_up": FollowUp(
                "Årlig rapport", "Tove Tärnström, Mejla TOVE.T@MITTKOPING.EXAMPLE"
            )
        },
    )
    # … and a draft revision that names her too: work in progress is scrubbed as well.
    seeded.edit_document("POL-1", {"purpose": "Fråga Tove Tärnström"}, actor="owner")
    return seeded


def test_anonymising_replaces_the_person_everywhere_and_the_chain_verifies(
    with_tove: Registry,
) -> None:
    events_before = with_tove.verify_audit().events
    anonymous = with_tove.anonymise_person("tove.t", actor="admin")
    stored = everything(with_tove)
    for trace in ('tove.t"', "tove.t ", "tove.t@"):
        assert trace not in stored.casefold()
    assert not re.search(r"tärnströms?\b", stored.casefold())
    assert "tove.tt" in stored  # a longer ref is someone else
    report = with_tove.verify_audit()
    assert report.broken is None
    assert report.events == events_before + 1
    # History stays: the same dispensation and question, now under the pseudonym.
    [disp] = with_tove.list_dispensations()
    assert (disp.requested_by, disp.responsible, disp.status.value) == (
        anonymous.ref, anonymous.ref, "closed",
    )  # fmt: skip
    assert with_tove.questions()[0].asked_by == anonymous.ref
    assert [q.text for q in with_tove.questions()[1:]] == [
        f"Är {anonymous.name}:s fråga besvarad?",
        f"Svara {anonymous.name} och Tove Tärnströmska skolan",  # another word, not her
    ]
    assert with_tove.get_person(anonymous.ref) == Person(
        anonymous.ref, anonymous.name, unit="Nordskolan"
    )
    draft = with_tove.get_document("POL-1").draft
    assert draft is not None and draft.purpose == f"Fråga {anonymous.name}"
    assert with_tove.get_document("POL-1").follow_up == FollowUp(
        "Årlig rapport", f"{anonymous.name}, Mejla {EMAIL_REMOVED}"
    )


def test_the_anonymise_event_records_the_previous_chain_head(with_tove: Registry) -> None:
    head = with_tove.verify_audit().last_hash
    anonymous = with_tove.anonymise_person("tove.t", actor="admin")
    last = list(with_tove.audit_events())[-1]
    assert (last.action, last.entity, last.actor) == (
        "person.anonymise", f"person:{anonymous.ref}", "admin",
    )  # fmt: skip
    assert last.after is not None and last.after["previous_head"] == head


def test_someone_still_answerable_cannot_be_anonymised(with_tove: Registry) -> None:
    head = with_tove.verify_audit().last_hash
    with pytest.raises(RuleViolation, match=r"guardian is still guardian of POL-1"):
        with_tove.anonymise_person("guardian", actor="admin")
    assert with_tove.verify_audit().last_hash == head  # nothing written


def test_only_another_administrator_may_anonymise(with_tove: Registry) -> None:
    with pytest.raises(PermissionDenied):
        with_tove.anonymise_person("tove.t", actor="owner")
    with pytest.raises(PermissionDenied, match="themselves"):
        with_tove.anonymise_person("admin", actor="admin")


def test_refs_are_replaced_as_whole_words_only() -> None:
    rewrite = replacer(TOVE, Pseudonym("anon-1", "Anonymiserad 1"))
    assert rewrite("tove.t") == "anon-1"
    assert rewrite("person:tove.t") == "person:anon-1"
    assert rewrite("tove.tt, tove.t. Ring tove.t!") == "tove.tt, anon-1. Ring anon-1!"
    assert rewrite("mejla TOVE.T@MITTKOPING.EXAMPLE") == f"mejla {EMAIL_REMOVED}"
    data = {"by": ["tove.t", "x"], "n": 3}
    assert rewrite(data) == {"by": ["anon-1", "x"], "n": 3}
    untouched = {"by": ["x"]}
    assert rewrite(untouched) is untouched


def test_the_name_is_replaced_in_any_case_genitive_space_and_form() -> None:
    """What a careful human would strike out: TOVE TÄRNSTRÖM, Tove Tärnströms, a no-break
    space, NFD, @tove.t — but not her given name alone or a longer word."""
    rewrite = replacer(TOVE, Pseudonym("anon-1", "Anonymiserad 1"))
    nfd = unicodedata.normalize("NFD", "Tove Tärnströms")
    assert rewrite(f"TOVE TÄRNSTRÖM, {nfd} beslut, tove\u202ftärnström") == (
        "Anonymiserad 1, Anonymiserad 1:s beslut, Anonymiserad 1"
    )
    assert rewrite("Fråga @tove.t eller @Tove.T") == "Fråga @anon-1 eller @anon-1"
    untouched = "Tove svarar; Tärnströmska gården; Tove Tärnströmsson"
    assert rewrite(untouched) is untouched


def test_cli_asks_before_anonymising(with_tove: Registry, cli: Callable[..., Result]) -> None:
    refused = cli("--lang", "en", "--as", "admin", "person", "anonymise", "tove.t", input="n\n")
    assert refused.exit_code == 1
    assert with_tove.get_person("tove.t") == TOVE
    result = cli("--lang", "en", "--as", "admin", "person", "anonymise", "tove.t", "--yes")
    assert result.exit_code == 0
    assert result.output.startswith("tove.t is now anon-")
