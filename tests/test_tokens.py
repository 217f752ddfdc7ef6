"""Personal API tokens: created for oneself or by an administrator, shown once, stored
hashed, refused once revoked, expired or their person has left — and never echoed."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, TODAY
from styrdok import tokens
from styrdok.errors import InvalidValue, NotFound, PermissionDenied, RuleViolation
from styrdok.registry import Registry

SECRET = re.compile(r"styrdok_(?P<id>[0-9a-f]{12})_[A-Za-z0-9_-]{43}")


def _on(registry: Registry, day: dt.date) -> Registry:
    """The same register, its clock at 09:00 UTC on ``day``."""
    at = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    return Registry(registry.store, clock=lambda: at, events=False)


def _audit_text(registry: Registry) -> str:
    return json.dumps([[e.action, e.entity, e.before, e.after] for e in registry.audit_events()])


# --- the core ------------------------------------------------------------------------------


def test_a_new_token_opens_the_api_as_its_person(seeded: Registry) -> None:
    """The secret is handed out once, in the documented form; it opens the API as the
    token's person, and the day of use is recorded."""
    token, secret = seeded.create_token("owner", name=" Sitevision-sidan ", actor="owner")
    found = SECRET.fullmatch(secret)
    assert found is not None and found["id"] == token.id
    assert (token.person, token.name, token.created_at) == ("owner", "Sitevision-sidan", NOW)
    assert token.expires_on == TODAY + dt.timedelta(days=tokens.DEFAULT_DAYS)
    assert token.digest == tokens.digest_of(secret) and secret not in repr(token)
    assert seeded.authenticate_token(secret).ref == "owner"
    assert seeded.authenticate_token(secret + "\n").ref == "owner"  # pasted with its newline
    [listed] = seeded.list_tokens(person="owner")
    assert listed.last_used_on == TODAY


def test_neither_the_secret_nor_its_hash_reaches_the_audit_log(seeded: Registry) -> None:
    """`token.create` and `token.revoke` are audited with the token, never its secret or
    its digest."""
    token, secret = seeded.create_token("owner", name="Skript", actor="admin")
    seeded.revoke_token(token.id, actor="owner")
    events = list(seeded.audit_events())[-2:]
    assert [(e.action, e.entity, e.actor) for e in events] == [
        ("token.create", f"token:{token.id}", "admin"),
        ("token.revoke", f"token:{token.id}", "owner"),
    ]
    assert events[0].after is not None and "digest" not in events[0].after
    assert events[1].after is not None and events[1].after["revoked_at"] is not None
    text = _audit_text(seeded)
    assert secret not in text and secret[21:] not in text
    assert token.digest not in text


def test_an_expired_token_is_refused_from_the_day_after_its_last(seeded: Registry) -> None:
    """A token works through ``expires_on`` and is refused from the next day on."""
    token, secret = seeded.create_token("owner", name="Skript", days=30, actor="owner")
    assert token.expires_on == TODAY + dt.timedelta(days=30)
    assert _on(seeded, token.expires_on).authenticate_token(secret).ref == "owner"
    with pytest.raises(
        PermissionDenied, match=rf"^API token {token.id} expired after {token.expires_on}: "
    ):
        _on(seeded, token.expires_on + dt.timedelta(days=1)).authenticate_token(secret)


def test_a_revoked_token_is_refused_and_revoking_again_changes_nothing(
    seeded: Registry,
) -> None:
    """Revoking works at once; a second revoke returns the token as it is, with no second
    event."""
    token, secret = seeded.create_token("owner", name="Skript", actor="owner")
    revoked = seeded.revoke_token(token.id, actor="owner")
    assert revoked.revoked_at == NOW
    events = len(list(seeded.audit_events()))
    assert seeded.revoke_token(token.id, actor="admin") == revoked
    assert len(list(seeded.audit_events())) == events
    with pytest.raises(PermissionDenied, match=rf"^API token {token.id} was revoked$"):
        seeded.authenticate_token(secret)


def test_a_wrong_secret_is_refused_without_echoing_it(seeded: Registry) -> None:
    """Another random part, another token's id, a token never issued: the same one line,
    which repeats nothing of what was presented."""
    token, secret = seeded.create_token("owner", name="Skript", actor="owner")
    other, other_secret = seeded.create_token("guardian", name="Skript", actor="guardian")
    tail = secret[21:]
    wrong = [
        secret[:-1] + ("A" if secret[-1] != "A" else "B"),
        f"styrdok_{other.id}_{tail}",
        f"styrdok_{'0' * 12}_{tail}",
    ]
    for presented in wrong:
        with pytest.raises(PermissionDenied, match=f"^{tokens.UNKNOWN}$") as refused:
            seeded.authenticate_token(presented)
        assert tail not in str(refused.value) and token.id not in str(refused.value)
    assert seeded.authenticate_token(other_secret).ref == "guardian"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    presented=st.one_of(
        st.text(),
        st.text(alphabet="styrdok_0123456789abcdefABCDEF-\x00\n ", min_size=60, max_size=70),
        st.from_regex(r"styrdok_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", fullmatch=True),
        st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")),
    )
)
def test_any_string_presented_is_refused_in_one_line(seeded: Registry, presented: str) -> None:
    """Whatever string arrives in the Authorization header, the answer is
    PermissionDenied with one line that does not contain it."""
    with pytest.raises(PermissionDenied) as refused:
        seeded.authenticate_token(presented)
    message = str(refused.value)
    assert "\n" not in message
    assert len(presented.strip()) < 24 or presented.strip() not in message


def test_only_the_person_or_an_administrator_manages_their_tokens(seeded: Registry) -> None:
    """Someone else may neither create nor revoke a person's token; an administrator may
    both; nothing is written by a refusal."""
    events = len(list(seeded.audit_events()))
    with pytest.raises(PermissionDenied, match=r"^outsider may not create API tokens for owner"):
        seeded.create_token("owner", name="Skript", actor="outsider")
    assert seeded.list_tokens() == [] and len(list(seeded.audit_events())) == events
    token, _ = seeded.create_token("owner", name="Skript", actor="admin")
    with pytest.raises(PermissionDenied, match=r"^outsider may not revoke API tokens for owner"):
        seeded.revoke_token(token.id, actor="outsider")
    assert seeded.list_tokens()[0].revoked_at is None
    assert seeded.revoke_token(token.id, actor="admin").revoked_at == NOW


def test_bad_arguments_are_refused_and_nothing_is_written(seeded: Registry) -> None:
    """Days outside 1–365, an empty or multi-line name, an unknown person or token: one
    clear error each, and no token and no event."""
    events = len(list(seeded.audit_events()))
    with pytest.raises(InvalidValue, match=r"^days: a token works 1 to 365 days, not 0"):
        seeded.create_token("owner", name="Skript", days=0, actor="owner")
    with pytest.raises(InvalidValue, match="not 366"):
        seeded.create_token("owner", name="Skript", days=366, actor="owner")
    with pytest.raises(InvalidValue, match=r"^days: "):
        seeded.create_token("owner", name="Skript", days=True, actor="owner")
    with pytest.raises(InvalidValue, match=r"^name: text must not be empty"):
        seeded.create_token("owner", name="  ", actor="owner")
    with pytest.raises(InvalidValue, match=r"^name: text contains the control character"):
        seeded.create_token("owner", name="Två\nrader", actor="owner")
    with pytest.raises(InvalidValue, match=r"^name: text is 101 characters long"):
        seeded.create_token("owner", name="x" * 101, actor="owner")
    with pytest.raises(NotFound, match=r"^unknown person 'nobody'$"):
        seeded.create_token("nobody", name="Skript", actor="admin")
    with pytest.raises(NotFound, match=r"^unknown API token 0123456789ab$"):
        seeded.revoke_token("0123456789ab", actor="admin")
    with pytest.raises(NotFound, match=r"^unknown API token: give its id") as refused:
        seeded.revoke_token("styrdok_0123456789ab_" + "x" * 43, actor="admin")
    assert "x" * 10 not in str(refused.value)
    assert seeded.list_tokens() == [] and len(list(seeded.audit_events())) == events
    assert seeded.create_token("owner", name="x" * 100, days=365, actor="owner")[0].name


def test_a_person_who_has_left_gets_no_token_and_theirs_stop_working(
    seeded: Registry,
) -> None:
    """Deactivating a person makes their tokens unusable (whatever their dates say), and
    no new one is made for them; back again, an unexpired token works again."""
    token, secret = seeded.create_token("owner", name="Skript", actor="owner")
    seeded.edit_person("owner", {"active": False}, actor="admin")
    with pytest.raises(PermissionDenied, match=rf"^API token {token.id}: owner has left"):
        seeded.authenticate_token(secret)
    with pytest.raises(RuleViolation, match=r"^owner has left"):
        seeded.create_token("owner", name="Nytt", actor="admin")
    with pytest.raises(PermissionDenied, match="has left"):
        seeded.create_token("owner", name="Nytt", actor="owner")
    seeded.edit_person("owner", {"active": True}, actor="admin")
    assert seeded.authenticate_token(secret).ref == "owner"


def test_anonymising_a_person_revokes_their_tokens(seeded: Registry) -> None:
    """Their tokens are revoked (audited, then re-sealed with the rest), belong to the
    pseudonym, and open nothing; the audit chain still verifies."""
    _, kept_secret = seeded.create_token("guardian", name="Skript", actor="guardian")
    token, secret = seeded.create_token("outsider", name="Otto Utomståendes skript", actor="admin")
    anonymous = seeded.anonymise_person("outsider", actor="admin")
    [stored] = seeded.list_tokens(person=anonymous.ref)
    assert stored.id == token.id and stored.revoked_at == NOW
    assert stored.name == f"{anonymous.name}:s skript"
    assert seeded.list_tokens(person="outsider") == []
    with pytest.raises(PermissionDenied, match="was revoked"):
        seeded.authenticate_token(secret)
    assert seeded.authenticate_token(kept_secret).ref == "guardian"
    assert seeded.verify_audit().broken is None
    assert "outsider" not in _audit_text(seeded)
    revoke = [e for e in seeded.audit_events() if e.action == "token.revoke"]
    assert [(e.entity, e.actor) for e in revoke] == [(f"token:{token.id}", "admin")]


def test_use_is_recorded_once_a_day_and_not_audited(
    seeded: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request of a day records it; later ones that day do not write; none of
    them adds an audit event."""
    _, secret = seeded.create_token("owner", name="Skript", actor="owner")
    events = len(list(seeded.audit_events()))
    writes: list[dt.date] = []
    mark = seeded.store.mark_token_used
    monkeypatch.setattr(
        seeded.store, "mark_token_used", lambda i, on: (writes.append(on), mark(i, on))
    )
    for _ in range(3):
        seeded.authenticate_token(secret)
    tomorrow = _on(seeded, TODAY + dt.timedelta(days=1))
    tomorrow.authenticate_token(secret)
    tomorrow.authenticate_token(secret)
    assert writes == [TODAY, TODAY + dt.timedelta(days=1)]
    assert seeded.list_tokens()[0].last_used_on == TODAY + dt.timedelta(days=1)
    assert len(list(seeded.audit_events())) == events


def test_tokens_are_not_exported(seeded: Registry) -> None:
    """The JSON export carries no token, not even its hash."""
    token, _ = seeded.create_token("owner", name="Sitevision-sidan", actor="owner")
    out = io.StringIO()
    seeded.export_json(out)
    assert token.id not in out.getvalue() and token.digest not in out.getvalue()
    assert "api_token" not in json.loads(out.getvalue())


# --- the command line --------------------------------------------------------------------


def test_cli_create_prints_the_secret_once_and_list_never_shows_it(
    seeded: Registry, cli: Callable[..., Result]
) -> None:
    """`token create` prints the secret alone on standard output, what it is on standard
    error; `token list` shows the token in every format without digest or
    secret."""
    created = cli(
        "--lang", "en", "--as", "owner", "token", "create", "owner", "--name", "Sitevision-sidan"
    )
    assert created.exit_code == 0, created.output
    found = SECRET.fullmatch(created.stdout.strip())
    assert found is not None and created.stdout.count("\n") == 1
    assert re.fullmatch(
        rf"Created API token {found['id']} for owner, valid through \d{{4}}-\d\d-\d\d\.\n"
        r"The secret is shown only now: store it safely\. styrdok keeps only a hash of it\.\n",
        created.stderr,
    )
    secret, digest = created.stdout.strip(), tokens.digest_of(created.stdout.strip())
    for fmt in ("table", "json", "csv"):
        listed = cli("--format", fmt, "token", "list", "--person", "owner")
        assert listed.exit_code == 0 and found["id"] in listed.stdout
        assert secret not in listed.stdout and digest not in listed.stdout
    rows = json.loads(cli("--format", "json", "token", "list").stdout)
    assert [(r["person"], r["name"], r["status"]) for r in rows] == [
        ("owner", "Sitevision-sidan", "valid")
    ]
    assert set(rows[0]) == {
        "id", "person", "name", "status", "created_on", "expires_on", "last_used_on",
        "revoked_on",
    }  # fmt: skip


def test_cli_create_as_json_holds_the_secret_but_not_its_hash(
    seeded: Registry, cli: Callable[..., Result]
) -> None:
    """With --format json the new token and its secret are one JSON object."""
    created = cli("--format", "json", "--as", "admin", "token", "create", "owner",
                  "--name", "Skript", "--days", "7")  # fmt: skip
    assert created.exit_code == 0, created.output
    data = json.loads(created.stdout)
    assert SECRET.fullmatch(data["secret"]) and "digest" not in data
    assert (data["person"], data["name"]) == ("owner", "Skript")


def test_cli_revoke(seeded: Registry, cli: Callable[..., Result]) -> None:
    """`token revoke ID` by the token's person says it no longer works; another person is
    refused in one line and nothing changes."""
    token, _ = seeded.create_token("owner", name="Skript", actor="owner")
    refused = cli("--lang", "en", "--as", "outsider", "token", "revoke", token.id)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == (
        "Error: outsider may not revoke API tokens for owner: only owner or an administrator may\n"
    )
    assert seeded.list_tokens()[0].revoked_at is None
    done = cli("--lang", "en", "--as", "owner", "token", "revoke", token.id)
    assert done.exit_code == 0
    assert done.stdout == f"API token {token.id} is revoked and no longer works.\n"
    assert seeded.list_tokens()[0].revoked_at is not None
    assert "återkallad" in cli("token", "list").stdout  # the table in Swedish by default


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (["create", "owner"], 2, "Error: Flagga saknas: '--name'."),
        (["create", "owner", "--name", "S", "--days", "abc"], 2, "Error: Ogiltigt värde"),
        (["create", "owner", "--name", "S", "--days", "0"], 1, "Error: days: en token fungerar"),
        (["create", "owner", "--name", ""], 1, "Error: name: texten får inte vara tom"),
        (["create", "nobody", "--name", "S"], 1, "Error: okänd person 'nobody'"),
        (["create", "guardian", "--name", "S"], 1, "Error: owner får inte skapa API-token"),
        (["revoke", "nope"], 1, "Error: okänd API-token: ange dess id"),
        (["revoke", "0123456789ab"], 1, "Error: okänd API-token 0123456789ab"),
        (["revoke"], 2, "Error: Argument saknas: 'ID'."),
    ],
)
def test_cli_bad_input_is_one_line_and_writes_nothing(
    seeded: Registry, cli: Callable[..., Result], args: list[str], code: int, error: str
) -> None:
    """A mistake exits 1 (refused) or 2 (usage) with one `Error:` line, no traceback, no
    token and no audit event."""
    events = len(list(seeded.audit_events()))
    result = cli("--as", "owner", "token", *args)
    assert result.exit_code == code
    assert result.stdout == "" and result.stderr.startswith(error)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert seeded.list_tokens() == [] and len(list(seeded.audit_events())) == events
