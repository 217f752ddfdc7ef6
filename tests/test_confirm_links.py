"""Confirming by the link in a reminder to read (issue 17): a signed token names person,
document, version and last day; it confirms once, through the usual rules, and nothing
else does."""

from __future__ import annotations

import base64
import datetime as dt
import re
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import NOW, TODAY, day, policy
from styrdok import Person
from styrdok.config import Config, ReminderSettings
from styrdok.confirm_links import (
    INVALID,
    KEY_NAME,
    LINK_DAYS,
    ExpiredLink,
    LinkClaim,
    key_bytes,
    new_key,
    read,
    sign,
    verify,
)
from styrdok.enums import AckChannel
from styrdok.errors import (
    Conflict,
    InvalidValue,
    NotFound,
    PermissionDenied,
    RegistryUnavailable,
    RuleViolation,
    StyrdokError,
)
from styrdok.model import Unit
from styrdok.notify import NoticeKind, render_html, render_text
from styrdok.registry import Registry
from test_reminders import Recorder

BASE = "https://intranat.mittkoping.se/styrdok"
KEY = bytes(range(32))
CLAIM = LinkClaim("tim", "POL-2", 1, day(60))
LINK = re.compile(re.escape(BASE) + r"/bekrafta/(?P<token>[A-Za-z0-9_.-]+)")


@pytest.fixture
def asked(seeded: Registry) -> Registry:
    """POL-2 applies to Socialförvaltningen and came into force on day 0; tim and ulla
    work in Hemtjänst Norr under it."""
    seeded.add_unit(Unit("KOMMUN", "Mittköpings kommun", "municipality"), actor="admin")
    seeded.add_unit(
        Unit("SOC", "Socialförvaltningen", "administration", parent="KOMMUN", manager="owner"),
        actor="admin",
    )
    seeded.add_unit(Unit("SOC-HT", "Hemtjänst Norr", parent="SOC"), actor="admin")
    for ref in ("tim", "ulla"):
        seeded.add_person(
            Person(
                ref,
                ref.title(),
                email=f"{ref}@mittkoping.example",
                unit="SOC-HT",
                unit_since=day(-400),
            ),
            actor="admin",
        )
    seeded.add_document(policy("POL-2", applies_to=("SOC",)), actor="owner")
    seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(0))
    return seeded


def _acks(registry: Registry) -> list[tuple[str, str, object]]:
    return [
        (e.actor, e.entity, (e.after or {}).get("channel"))
        for e in registry.audit_events()
        if e.action == "document.acknowledge"
    ]


def _flip(text: str, at: int) -> str:
    """``text`` with the character at ``at`` changed to another of the token alphabet."""
    other = "A" if text[at] != "A" else "B"
    return text[:at] + other + text[at + 1 :]


# --- the core: tokens --------------------------------------------------------------------


def test_a_token_reads_back_as_its_claim_and_is_url_safe() -> None:
    """Signed and read with the same key: the same claim; only URL-safe characters."""
    token = sign(KEY, CLAIM)
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}", token)
    assert read(KEY, token) == CLAIM
    assert verify(KEY, token, today=CLAIM.last_day) == CLAIM


def test_an_altered_or_forged_token_is_refused_with_one_message() -> None:
    """Any character changed, a claim re-signed with another key, another person's name
    spliced in: the same refusal, which never repeats the token."""
    token = sign(KEY, CLAIM)
    payload, mac = token.split(".")
    forged = [
        _flip(token, 0),
        _flip(token, len(payload) - 1),
        _flip(token, len(token) - 1),
        sign(bytes(32), CLAIM),
        sign(KEY, LinkClaim("ulla", "POL-2", 1, day(60))).split(".")[0] + "." + mac,
        base64.urlsafe_b64encode(b"1 ulla POL-2 1 2099-01-01").decode().rstrip("=") + "." + mac,
        token + "A",
        token[:-1],
        "",
        ".",
        token.replace(".", ""),
    ]
    for bad in forged:
        with pytest.raises(PermissionDenied) as refused:
            verify(KEY, bad, today=TODAY)
        assert str(refused.value) == INVALID
        assert not isinstance(refused.value, ExpiredLink)


def test_a_token_works_to_its_last_day_and_not_after() -> None:
    """The last day is the last day it works; the day after it is refused as expired."""
    token = sign(KEY, CLAIM)
    assert verify(KEY, token, today=CLAIM.last_day) == CLAIM
    with pytest.raises(ExpiredLink, match=f"worked until {CLAIM.last_day}") as refused:
        verify(KEY, token, today=CLAIM.last_day + dt.timedelta(days=1))
    assert token not in str(refused.value)


def test_a_claim_holds_only_refs_a_version_and_a_day() -> None:
    """What would break the token's form is refused when the claim is made."""
    for bad in (
        {"person": "tim ulla"},
        {"document_ref": "POL 2"},
        {"version": 0},
        {"version": True},
        {"last_day": NOW},
    ):
        fields = {"person": "tim", "document_ref": "POL-2", "version": 1, "last_day": day(1)}
        with pytest.raises(InvalidValue):
            LinkClaim(**{**fields, **bad})  # type: ignore[arg-type]


def test_a_damaged_key_is_said_without_showing_it() -> None:
    """A key that is not 64 hex digits is a broken register, and its value stays unsaid."""
    assert key_bytes(new_key()) != key_bytes(new_key())
    with pytest.raises(RegistryUnavailable, match="damaged") as damaged:
        key_bytes("secret-value-not-hex")
    assert "secret-value" not in str(damaged.value)


@given(st.one_of(st.text(max_size=400), st.binary(max_size=300), st.none(), st.integers()))
def test_reading_any_value_raises_only_permission_denied(value: object) -> None:
    """Whatever arrives in the address — any text, any length, or not text at all — is
    refused with styrdok's own error, never a crash, and the message never echoes it."""
    with pytest.raises(PermissionDenied, match=f"^{re.escape(INVALID)}$"):
        read(KEY, value)


@given(
    payload=st.binary(min_size=1, max_size=150),
    mac=st.binary(min_size=16, max_size=16),
)
def test_any_well_formed_but_unsigned_token_is_refused(payload: bytes, mac: bytes) -> None:
    """Tokens of the right shape whose MAC was not made with the key: refused alike."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    with pytest.raises(PermissionDenied, match=f"^{re.escape(INVALID)}$"):
        read(KEY, f"{b64(payload)}.{b64(mac)}")


@given(at=st.integers(min_value=0), character=st.sampled_from("AZaz09-_."))
def test_any_one_character_changed_is_refused(at: int, character: str) -> None:
    """A token changed in any one place (a mail client's rewrite, a typo) is refused."""
    token = sign(KEY, CLAIM)
    at %= len(token)
    changed = token[:at] + character + token[at + 1 :]
    if changed == token:
        return
    with pytest.raises(PermissionDenied):
        read(KEY, changed)


# --- the use cases -----------------------------------------------------------------------


def test_a_link_confirms_once_with_the_channel_email_and_is_audited(asked: Registry) -> None:
    """Confirming through the link is ``acknowledge`` as the link's person: one audited
    confirmation with the channel email; again, the same one and no second event."""
    token = asked.confirmation_link("tim", "POL-2", 1)
    person, document, version, ack = asked.confirmation_by_link(token)
    assert (person.ref, document.ref, version, ack) == ("tim", "POL-2", 1, None)
    first = asked.acknowledge_by_link(token)
    assert (first.person, first.document_ref, first.version) == ("tim", "POL-2", 1)
    assert first.channel is AckChannel.EMAIL
    assert asked.acknowledge_by_link(token) == first
    assert asked.confirmation_by_link(token)[3] == first
    assert _acks(asked) == [("tim", "document:POL-2", "email")]
    assert asked.acknowledgement_of("ulla", "POL-2") is None


def test_an_earlier_confirmation_is_what_the_link_returns(asked: Registry) -> None:
    """Someone who confirmed on the intranet already: the link changes nothing."""
    earlier = asked.acknowledge("POL-2", actor="tim", channel=AckChannel.INTRANET)
    token = asked.confirmation_link("tim", "POL-2", 1)
    assert asked.confirmation_by_link(token)[3] == earlier
    assert asked.acknowledge_by_link(token) == earlier
    assert _acks(asked) == [("tim", "document:POL-2", "intranet")]


def test_a_newer_version_in_force_refuses_the_link(asked: Registry) -> None:
    """A link for version 1 cannot confirm version 2, whose words the reader never saw:
    the page is told (the version in force is not the link's), confirming is a Conflict."""
    token = asked.confirmation_link("tim", "POL-2", 1)
    doc = asked.get_document("POL-2")
    asked.edit_document(
        "POL-2",
        {"purpose": "Skydda all information"},
        actor="owner",
        expected_revision=doc.revision,
    )
    asked.adopt_document("POL-2", actor="owner", body="KS", on=day(1))
    _person, document, version, _ack = asked.confirmation_by_link(token)
    assert (document.version, version) == (2, 1)
    with pytest.raises(Conflict, match="version 1 of POL-2 is no longer the one in force"):
        asked.acknowledge_by_link(token)
    assert _acks(asked) == []


def test_a_document_no_longer_in_force_refuses_the_link(asked: Registry) -> None:
    """A repealed document is not confirmed: the existing RuleViolation."""
    token = asked.confirmation_link("tim", "POL-2", 1)
    asked.repeal_document("POL-2", actor="owner", on=day(1), reason="Ersatt")
    with pytest.raises(RuleViolation, match="only a document in force is confirmed"):
        asked.acknowledge_by_link(token)
    assert _acks(asked) == []


def test_the_link_of_someone_who_has_left_is_refused(asked: Registry) -> None:
    """A link is no credential for a person who has left: refused before anything is read
    about the document, and nothing written."""
    token = asked.confirmation_link("tim", "POL-2", 1)
    asked.edit_person("tim", {"active": False}, actor="admin")
    for use in (asked.confirmation_by_link, asked.acknowledge_by_link):
        with pytest.raises(PermissionDenied, match="someone who has left") as refused:
            use(token)
        assert token not in str(refused.value)
    assert _acks(asked) == []


def test_forged_altered_and_expired_links_write_nothing(asked: Registry, db_url: str) -> None:
    """Every refusal is a PermissionDenied that never repeats the token; nothing is
    written. A link still works on its last day and not after."""
    token = asked.confirmation_link("tim", "POL-2", 1)
    for bad in (_flip(token, 3), _flip(token, len(token) - 2), sign(KEY, CLAIM), "x" * 5000):
        for use in (asked.confirmation_by_link, asked.acknowledge_by_link):
            with pytest.raises(PermissionDenied) as refused:
                use(bad)
            assert bad not in str(refused.value)
    last = TODAY + dt.timedelta(days=LINK_DAYS)
    for offset, works in ((0, True), (1, False)):
        moment = dt.datetime.combine(last + dt.timedelta(days=offset), dt.time(9), dt.UTC)
        with Registry.open(db_url, clock=lambda moment=moment: moment) as later:
            if works:
                assert later.confirmation_by_link(token)[0].ref == "tim"
            else:
                with pytest.raises(ExpiredLink):
                    later.acknowledge_by_link(token)
    assert _acks(asked) == []


def test_a_link_names_someone_and_something_registered(asked: Registry) -> None:
    """Links are made for registered people and documents only."""
    with pytest.raises(NotFound, match="unknown person 'nobody'"):
        asked.confirmation_link("nobody", "POL-2", 1)
    with pytest.raises(NotFound, match="unknown document 'POL-9'"):
        asked.confirmation_link("tim", "POL-9", 1)


def test_no_link_works_before_a_key_exists_and_none_is_made_by_trying(
    asked: Registry,
) -> None:
    """A register that never made a link has no key, and a visitor's token does not make
    one: only making a link does."""
    with pytest.raises(PermissionDenied, match=f"^{re.escape(INVALID)}$"):
        asked.confirmation_by_link(sign(KEY, CLAIM))
    with asked.store.transaction(write=False):
        assert asked.store.get_secret(KEY_NAME) is None


def test_the_key_is_created_once_and_every_process_agrees(asked: Registry, db_url: str) -> None:
    """The first link makes the key; later links, other registries opened on the same
    register (the intranet beside the reminder run) and threads racing to make it all use
    that one key."""
    token = asked.confirmation_link("tim", "POL-2", 1)
    with asked.store.transaction(write=False):
        key = asked.store.get_secret(KEY_NAME)
    assert key is not None and len(key) == 64
    with Registry.open(db_url, clock=lambda: NOW) as intranet:
        assert intranet.confirmation_by_link(token)[0].ref == "tim"
        assert verify(key_bytes(key), intranet.confirmation_link("ulla", "POL-2", 1), today=TODAY)
    with asked.store.transaction(write=False):
        assert asked.store.get_secret(KEY_NAME) == key


def test_processes_racing_to_make_the_key_end_up_with_one(seeded: Registry, db_url: str) -> None:
    """Four registries on one fresh register make their first link at once: every link
    verifies, as they all signed with the one key that was kept."""
    barrier, tokens, errors = threading.Barrier(4), [], []

    def make(person: str) -> None:
        try:
            with Registry.open(db_url, clock=lambda: NOW) as registry:
                barrier.wait(timeout=10)
                tokens.append(registry.confirmation_link(person, "POL-1", 1))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=make, args=(p,))
        for p in ("owner", "guardian", "approver", "requester")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(tokens) == 4
    for token in tokens:
        assert seeded.confirmation_by_link(token)[1].ref == "POL-1"


# --- the reminder run --------------------------------------------------------------------


def _run(registry: Registry, today: dt.date, *channels: Recorder, base_url: str | None = BASE):
    config = Config(reminders=ReminderSettings(base_url=base_url))
    return registry.remind(config=config, notifiers={c.name: c for c in channels}, today=today)


def test_the_reminder_to_read_carries_a_link_that_confirms(asked: Registry) -> None:
    """With ``base_url`` each reminder to read carries its reader's own link; the e-mail
    rendering shows it under the item, and the link confirms as that reader, channel
    email — once."""
    channel = Recorder()
    _run(asked, day(14), channel)
    digests = {d.recipient.ref: d for d in channel.digests}
    links = {}
    for ref in ("tim", "ulla"):
        (item,) = [i for i in digests[ref].items if i.kind is NoticeKind.READ]
        found = LINK.fullmatch(item.confirm_link)
        assert found is not None, item.confirm_link
        links[ref] = found["token"]
        text = render_text(digests[ref], confirm_links=True)
        assert f"  Bekräfta att du har läst POL-2: {item.confirm_link}" in text.splitlines()
        assert "vidarebefordra inte" in text
        html = render_html(digests[ref], confirm_links=True)
        assert f'<a href="{item.confirm_link}">Bekräfta att du har läst POL-2</a>' in html
    assert links["tim"] != links["ulla"]
    ack = asked.acknowledge_by_link(links["ulla"])
    assert (ack.person, ack.version, ack.channel) == ("ulla", 1, AckChannel.EMAIL)
    assert asked.acknowledge_by_link(links["ulla"]) == ack
    assert _acks(asked) == [("ulla", "document:POL-2", "email")]


def test_the_link_is_shown_only_where_the_reader_alone_reads_it(asked: Registry) -> None:
    """The console's text (cron logs) and a rendering without ``confirm_links`` never
    show the link; nor is there a link without ``base_url``."""
    channel = Recorder()
    _run(asked, day(14), channel)
    (digest,) = [d for d in channel.digests if d.recipient.ref == "tim"]
    (item,) = [i for i in digest.items if i.kind is NoticeKind.READ]
    assert item.confirm_link and item.confirm_link not in render_text(digest)
    assert item.confirm_link not in render_html(digest)
    bare = Recorder("bare")
    _run(asked, day(15), bare, base_url=None)
    assert all(not i.confirm_link for d in bare.digests for i in d.items)


def test_the_run_reads_the_key_once(asked: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    """However many reminders to read a run makes, the key is read once, not per item."""
    asked.confirmation_link("tim", "POL-2", 1)  # the key exists, as after the first run
    reads: list[str] = []
    kept = asked.store.get_secret

    def counting(name: str) -> str | None:
        reads.append(name)
        return kept(name)

    monkeypatch.setattr(asked.store, "get_secret", counting)
    channel = Recorder()
    _run(asked, day(14), channel)
    assert sum(i.kind is NoticeKind.READ for d in channel.digests for i in d.items) == 2
    assert reads == [KEY_NAME]


def test_a_dry_run_makes_no_key(asked: Registry) -> None:
    """A dry run writes nothing, not even the key."""
    config = Config(reminders=ReminderSettings(base_url=BASE))
    asked.remind(config=config, notifiers={"test": Recorder()}, today=day(14), dry_run=True)
    with asked.store.transaction(write=False):
        assert asked.store.get_secret(KEY_NAME) is None


def test_no_link_for_a_document_that_no_longer_asks(asked: Registry) -> None:
    """A reminder planned before its document was repealed is still delivered (the ledger
    is the ledger) but carries no link: nothing could be confirmed by it."""
    channel = Recorder("test", failing=True)
    _run(asked, day(14), channel)  # planned, not delivered
    asked.repeal_document("POL-2", actor="owner", on=day(14), reason="Ersatt")
    working = Recorder("test")
    _run(asked, day(15), working)
    items = [i for d in working.digests for i in d.items if i.kind is NoticeKind.READ]
    assert items and all(not i.confirm_link for i in items)


def test_every_refusal_is_styrdoks_own_error(asked: Registry) -> None:
    """Through the registry too, odd input is a StyrdokError, never a crash."""
    asked.confirmation_link("tim", "POL-2", 1)
    for odd in ("", "ä" * 40, "a.b", "\x00", "%2e%2e", "/" * 10):
        with pytest.raises(StyrdokError):
            asked.confirmation_by_link(odd)
