"""Use cases for personal API tokens: create, list, revoke, and authenticate a request.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name
(:func:`revoke_tokens_of` is a step of anonymisation, not a method). A person creates and
revokes their own tokens; an administrator may do both for anyone. What a token is and how
its secret is checked is :mod:`styrdok.tokens`.

Tokens are not part of the JSON export or an import: a token belongs to the register that
issued it, and even its hash has no business in a file that travels.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from styrdok import events, tokens
from styrdok.errors import NotFound, PermissionDenied, RuleViolation
from styrdok.model import Person
from styrdok.store.base import Store
from styrdok.tokens import ApiToken
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import Work, evolve

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def create_token(
    registry: Registry,
    person: str,
    *,
    name: str,
    days: int = tokens.DEFAULT_DAYS,
    actor: str | None,
) -> tuple[ApiToken, str]:
    """Create a personal API token for ``person``, working from today for ``days`` days
    (1–365; ``expires_on`` is the last day it works), and return it with its secret.

    The secret is returned this once: only its SHA-256 is stored, so it cannot be shown
    again — a lost secret means a new token. The person themself or an administrator may;
    the person must be active. Audited as ``token.create``, without the secret or its hash.
    """
    tokens.require_days(days)
    with registry.session.work(actor) as work:
        holder = work.person(person)
        tokens.require_may_manage(work.actor, holder.ref, "create")
        if not holder.active:
            raise RuleViolation(f"{holder.ref} has left (deactivated): no API token for them")
        token_id = tokens.new_token_id(lambda taken: work.store.get_token(taken) is not None)
        secret = tokens.new_secret(token_id)
        token = ApiToken(
            id=token_id,
            person=holder.ref,
            name=name,
            digest=tokens.digest_of(secret),
            created_at=registry.now(),
            expires_on=registry.today() + dt.timedelta(days=days),
        )
        work.store.insert_token(token)
        work.record(events.TokenCreated, f"token:{token.id}", None, tokens.without_digest(token))
    return token, secret


@use_case
def list_tokens(registry: Registry, *, person: str | None = None) -> list[ApiToken]:
    """Every API token — revoked and expired ones too — or ``person``'s, by person, then
    creation time. A token's secret is never kept, so it is never listed."""
    with registry.session.read() as store:
        return store.list_tokens(person)


@use_case
def revoke_token(registry: Registry, token_id: str, *, actor: str | None) -> ApiToken:
    """Revoke an API token at once: the next request that presents it is refused. Its
    person or an administrator may. Revoking a token already revoked changes nothing and
    returns it as it is (no second event), so a retried request is harmless. Audited as
    ``token.revoke``."""
    with registry.session.work(actor) as work:
        before = _load(work.store, token_id)
        tokens.require_may_manage(work.actor, before.person, "revoke")
        if before.revoked_at is not None:
            return before
        after = evolve(before, revoked_at=registry.now())
        work.store.replace_token(after)
        work.record(
            events.TokenRevoked,
            f"token:{token_id}",
            tokens.without_digest(before),
            tokens.without_digest(after),
        )
    return after


@use_case
def authenticate_token(registry: Registry, secret: str) -> Person:
    """The person a presented secret acts as: the HTTP API's check on every request.

    Refused with :class:`~styrdok.errors.PermissionDenied` — one line that never repeats the
    secret — when it is malformed, unknown or wrong (one message for all three, compared in
    constant time), revoked, expired (``expires_on`` before today), or when its person has
    left or is no longer registered. A token is no protection for a person who has left:
    it is refused whatever its dates say.

    Records ``last_used_on`` once a day per token. That small write is not audited: it
    changes nothing in the register, only says a token is still in use (so an unused one
    can be found and revoked), and an event per token per day would fill the hash-chained
    log with noise and take the writers' lock on every first request of the day."""
    token_id = tokens.token_id_of(secret.strip())  # a pasted secret often ends in a newline
    today = registry.today()
    with registry.session.read() as store:
        token = store.get_token(token_id)
        holder = store.get_person(token.person) if token is not None else None
    if token is None or not tokens.opens(token, secret.strip()):
        raise PermissionDenied(tokens.UNKNOWN)
    if token.revoked_at is not None:
        raise PermissionDenied(f"API token {token.id} was revoked")
    if not token.usable_on(today):
        raise PermissionDenied(
            f"API token {token.id} expired after {token.expires_on}: create a new one"
        )
    if holder is None or not holder.active:
        raise PermissionDenied(f"API token {token.id}: {token.person} has left (deactivated)")
    if token.last_used_on is None or token.last_used_on < today:
        # Not exclusive: one row is written, and nothing is numbered from what was read.
        with registry.store.transaction(exclusive=False):
            registry.store.mark_token_used(token.id, today)
    return holder


def revoke_tokens_of(work: Work, person: str, *, at: dt.datetime) -> list[ApiToken]:
    """Revoke every token of ``person`` not revoked yet, in ``work``'s transaction, each
    audited as ``token.revoke`` by the acting person; return them as revoked. Anonymisation
    calls it before the person is replaced, so these events are re-sealed with the rest."""
    revoked = []
    for token in work.store.list_tokens(person):
        if token.revoked_at is None:
            after = evolve(token, revoked_at=at)
            work.store.replace_token(after)
            work.record(
                events.TokenRevoked,
                f"token:{token.id}",
                tokens.without_digest(token),
                tokens.without_digest(after),
            )
            revoked.append(after)
    return revoked


def _load(store: Store, token_id: str) -> ApiToken:
    """A token by id, or :class:`NotFound`. What was given is repeated only if it has the
    form of an id: a secret pasted by mistake must not end up in an error message."""
    if not tokens.is_token_id(token_id):
        raise NotFound("unknown API token: give its id, 12 characters as `token list` shows")
    token = store.get_token(token_id)
    if token is None:
        raise NotFound(f"unknown API token {token_id}")
    return token
