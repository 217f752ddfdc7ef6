"""The keyed chain: HMAC-SHA256 with a key kept outside the database, so someone who can
write the database but lacks the key cannot re-forge the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest
from click.testing import Result

from styrdok import Person
from styrdok.audit import (
    GENESIS_HASH,
    ChainBroken,
    audit_hash,
    genesis,
    next_event,
    time_text,
)
from styrdok.audit_key import (
    KEY_FILE_VARIABLE,
    KEY_VARIABLE,
    AuditKeyError,
    _read_key,
    configured_key,
)
from styrdok.errors import PermissionDenied, RuleViolation
from styrdok.model import AuditEvent
from styrdok.registry import Registry

Cli = Callable[..., Result]
KEY = "4f1c" * 16  # 64 characters, as `openssl rand -hex 32` gives
OTHER_KEY = "9b2e" * 16


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without a key and with nothing cached."""
    monkeypatch.delenv(KEY_FILE_VARIABLE, raising=False)
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    _read_key.cache_clear()
    yield
    _read_key.cache_clear()


def use_key(monkeypatch: pytest.MonkeyPatch, path: Path, key: str = KEY) -> Path:
    path.write_text(key + "\n", encoding="utf-8")
    monkeypatch.setenv(KEY_FILE_VARIABLE, str(path))
    return path


@pytest.fixture
def key_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An audit key in a file, set before the register is filled (ask for it first)."""
    return use_key(monkeypatch, tmp_path / "audit.key")


def rewrite_chain(registry: Registry, key: bytes | None, change: dict[str, str]) -> None:
    """What an attacker with database access does: change event 9 and recompute every
    hash from genesis, plain or with a key of their own."""
    previous = genesis(key)
    with registry.store.transaction():
        for event in list(registry.store.iter_audit()):
            if event.seq == 9:
                event = attrs.evolve(event, **change)
            digest = audit_hash(
                prev_hash=previous, seq=event.seq, at=time_text(event.at), actor=event.actor,
                action=event.action, entity=event.entity, before=event.before,
                after=event.after, key=key,
            )  # fmt: skip
            registry.store.replace_audit(attrs.evolve(event, prev_hash=previous, hash=digest))
            previous = digest


def test_a_register_started_with_a_key_is_keyed_from_its_first_event(
    key_file: Path, seeded: Registry
) -> None:
    """Event 1 follows HMAC(key, label), each hash is HMAC-SHA256, and the log verifies."""
    first, second = list(seeded.audit_events())[:2]
    assert first.prev_hash not in (GENESIS_HASH, "") and first.prev_hash == genesis(KEY.encode())
    body = (
        '{"action":"person.add","actor":"admin","after":%s,"at":"%s","before":null,'
        '"entity":"person:admin","seq":1}'
    )
    after = json.dumps(first.after, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    message = (first.prev_hash + body % (after, time_text(first.at))).encode()
    assert first.hash == hmac.new(KEY.encode(), message, hashlib.sha256).hexdigest()
    assert second.prev_hash == first.hash
    report = seeded.verify_audit()
    assert (report.broken, report.keyed, report.events) == (None, True, 10)
    assert seeded.audit_head().chain == "hmac-sha256"


def test_without_the_key_a_keyed_log_says_a_key_is_needed(
    key_file: Path, seeded: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verifying and writing both stop with one clear line; nothing is written."""
    monkeypatch.delenv(KEY_FILE_VARIABLE)
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the audit log is keyed (HMAC-SHA256): verifying it needs its key — set "
        "STYRDOK_AUDIT_KEY_FILE (or STYRDOK_AUDIT_KEY)\n"
    )
    with pytest.raises(AuditKeyError, match="the audit log is keyed: set STYRDOK_AUDIT_KEY_FILE"):
        seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    assert seeded.get_document("POL-1").title == "Informationssäkerhetspolicy"
    assert len(list(seeded.audit_events())) == 10


def test_a_chain_rewritten_as_plain_sha256_is_refused(
    key_file: Path, seeded: Registry, cli: Cli
) -> None:
    """The way around the key — recompute everything without it — fails at event 1."""
    rewrite_chain(seeded, None, {"actor": "admin"})
    broken = seeded.verify_audit().broken
    assert broken is not None and broken.seq == 1
    assert broken.reason.startswith("it is not keyed, but an audit key is set")
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "someone rewrote it without the key" in result.stderr
    with pytest.raises(AuditKeyError, match="rekey"):  # and nothing is appended to it
        seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")


def test_a_chain_rewritten_with_another_key_is_refused(key_file: Path, seeded: Registry) -> None:
    """A forger's own key gives a different genesis: named at event 1."""
    rewrite_chain(seeded, OTHER_KEY.encode(), {"actor": "admin"})
    broken = seeded.verify_audit().broken
    assert broken is not None and broken.seq == 1
    assert broken.reason == "it was sealed with another key than the one set"


def test_an_edit_re_hashed_without_the_key_is_caught_where_it_is(
    key_file: Path, seeded: Registry
) -> None:
    """Keeping the keyed genesis and re-hashing from the edit with SHA-256 fails there."""
    events = list(seeded.audit_events())
    with seeded.store.transaction():
        previous = events[7].hash
        for event in events[8:]:
            changed = attrs.evolve(event, actor="admin") if event.seq == 9 else event
            digest = audit_hash(
                prev_hash=previous, seq=changed.seq, at=time_text(changed.at),
                actor=changed.actor, action=changed.action, entity=changed.entity,
                before=changed.before, after=changed.after,
            )  # fmt: skip
            seeded.store.replace_audit(attrs.evolve(changed, prev_hash=previous, hash=digest))
            previous = digest
    broken = seeded.verify_audit().broken
    assert broken is not None and broken.seq == 9
    assert "contents were changed" in broken.reason


def test_the_wrong_key_refuses_writes(
    key_file: Path, seeded: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A process given another key appends nothing to the chain."""
    use_key(monkeypatch, tmp_path / "other.key", OTHER_KEY)
    with pytest.raises(AuditKeyError, match="sealed with another key"):
        seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    broken = seeded.verify_audit().broken
    assert broken is not None and broken.reason == "it was sealed with another key than the one set"


def test_rekey_converts_a_plain_register_once(
    seeded: Registry, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Plain → keyed by one audited command; a head anchored before still checks out."""
    plain_head = seeded.verify_audit().last_hash
    use_key(monkeypatch, tmp_path / "audit.key")
    with pytest.raises(AuditKeyError, match="convert it once with `styrdok audit rekey`"):
        seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    with pytest.raises(PermissionDenied, match="owner may not key the audit log"):
        seeded.rekey_audit(actor="owner")
    result = cli("--lang", "en", "--as", "admin", "audit", "rekey")
    assert result.exit_code == 0, result.output
    last = list(seeded.audit_events())[-1]
    assert result.stdout == (
        f"The audit log is keyed: 10 events re-sealed with the key; event 11 records the "
        f"plain head {plain_head}.\n"
        f"New head: 11 events, last hash {last.hash} — record it (see "
        "`styrdok audit verify --help`).\n"
    )
    assert (last.action, last.actor, last.entity) == ("audit.rekey", "admin", "registry:")
    assert last.after == {"events_resealed": 10, "previous_head": plain_head}
    report = seeded.verify_audit(expect=plain_head, expect_count=10)
    assert report.problem() is None and report.keyed
    assert report.reached is not None and report.reached.resealed_by == last
    seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")  # writes work again
    assert seeded.verify_audit().broken is None
    with pytest.raises(RuleViolation, match="already keyed with this key"):
        seeded.rekey_audit(actor="admin")
    again = cli("--lang", "en", "--as", "admin", "audit", "rekey")
    assert (again.exit_code, again.stderr) == (
        1, "Error: the audit log is already keyed with this key\n",
    )  # fmt: skip


def test_rekey_needs_a_key_and_an_intact_chain(
    seeded: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No key: nothing to key with. A broken plain chain is not laundered into a keyed one."""
    with pytest.raises(AuditKeyError, match="no audit key is set"):
        seeded.rekey_audit(actor="admin")
    with seeded.store.transaction():
        seeded.store.conn.exec_driver_sql("UPDATE audit_event SET actor = 'admin' WHERE seq = 9")
    use_key(monkeypatch, tmp_path / "audit.key")
    before = list(seeded.audit_events())
    with pytest.raises(ChainBroken, match="breaks at event 9"):
        seeded.rekey_audit(actor="admin")
    assert list(seeded.audit_events()) == before


def test_anonymising_re_seals_a_keyed_chain_with_the_key(key_file: Path, seeded: Registry) -> None:
    """GDPR re-sealing keeps working with a key, and keeps the chain keyed."""
    seeded.add_person(Person("tove.t", "Tove Tärnström"), actor="admin")
    head = seeded.verify_audit().last_hash
    seeded.anonymise_person("tove.t", actor="admin")
    report = seeded.verify_audit(expect=head, expect_count=11)
    assert report.problem() is None and report.keyed and report.events == 12
    assert report.reached is not None and report.reached.resealed_by is not None


def test_the_report_and_the_public_export_say_the_chain_is_keyed(
    key_file: Path, seeded: Registry, tmp_path: Path
) -> None:
    """What outsiders anchor says which kind of chain it is."""
    assert seeded.report().audit == seeded.audit_head()
    assert seeded.audit_head().keyed
    seeded.export_public(tmp_path / "www")
    assert '"chain": "hmac-sha256"' in (tmp_path / "www" / "audit-head.json").read_text()


def test_the_key_may_come_from_the_environment(
    seeded: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STYRDOK_AUDIT_KEY holds the key itself (the file is preferred: it stays out of
    process listings)."""
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    assert configured_key() == KEY.encode()
    seeded.rekey_audit(actor="admin")
    assert seeded.verify_audit().keyed


def test_the_key_is_read_once_per_process(key_file: Path) -> None:
    """Later changes to the file do not change the key a running process uses."""
    assert configured_key() == KEY.encode()
    key_file.write_text(OTHER_KEY, encoding="utf-8")
    assert configured_key() == KEY.encode()
    key_file.unlink()
    assert configured_key() == KEY.encode()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "missing",
            "Error: cannot read the audit key file {path} (STYRDOK_AUDIT_KEY_FILE): "
            "No such file or directory\n",
        ),
        (
            "short",
            "Error: the audit key file {path} (STYRDOK_AUDIT_KEY_FILE) holds 9 characters; an "
            "audit key needs at least 32 (e.g. from `openssl rand -hex 32`)\n",
        ),
        ("both", "Error: set STYRDOK_AUDIT_KEY_FILE or STYRDOK_AUDIT_KEY, not both\n"),
    ],
)
def test_a_bad_key_setting_is_one_clear_error(
    seeded: Registry,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    setting: str,
    message: str,
) -> None:
    """Never a traceback, never a silent fall-back to an unkeyed chain."""
    path = tmp_path / "audit.key"
    monkeypatch.setenv(KEY_FILE_VARIABLE, str(path))
    if setting == "short":
        path.write_text("too-short\n", encoding="utf-8")
    if setting == "both":
        path.write_text(KEY, encoding="utf-8")
        monkeypatch.setenv(KEY_VARIABLE, KEY)
    for args in (["audit", "verify"], ["--as", "owner", "doc", "edit", "POL-1", "--title", "X"]):
        result = cli(*args)
        assert (result.exit_code, result.stderr) == (1, message.format(path=path))
    assert len(list(seeded.audit_events())) == 10


def test_audit_event_of_a_keyed_chain_is_still_an_audit_event(key_file: Path) -> None:
    """Keyed events keep the stored shape (64 hex digits), so every backend keeps them."""
    event = next_event(
        None, at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), actor="a", action="person.add",
        entity="person:a", before=None, after=None, key=KEY.encode(),
    )  # fmt: skip
    assert isinstance(event, AuditEvent) and len(event.hash) == len(event.prev_hash) == 64
