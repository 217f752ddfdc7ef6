"""Use cases for confirming by a link in a reminder: making a link, showing what it is
about, and confirming through it — no login: the signed token is the credential for exactly
one confirmation (what a token is: :mod:`styrdok.confirm_links`).

:func:`confirmation_link`, :func:`confirmation_by_link` and :func:`acknowledge_by_link` are
bound on :class:`~styrdok.registry.Registry` as methods of the same name;
:func:`add_confirm_links` is a step of the reminder run, not a method.

The key lives in the register (:class:`~styrdok.store.base.SecretStore`, under
:data:`~styrdok.confirm_links.KEY_NAME`) and is created the first time a link is made,
so the reminder run and the intranet agree without configuration. Creating it is not
audited — it changes nothing anyone reads, and an event would have to leave it out anyway
— and it is never logged, exported or shown.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from styrdok import confirm_links
from styrdok.confirm_links import LINK_DAYS, LinkClaim
from styrdok.enums import AckChannel
from styrdok.errors import NotFound, PermissionDenied
from styrdok.model import Acknowledgement, Document, Person
from styrdok.notify import Digest, NoticeKind
from styrdok.store.base import Store
from styrdok.usecases import reading
from styrdok.usecases.arguments import use_case

if TYPE_CHECKING:
    from styrdok.registry import Registry

#: What a digest of the reminder run is: (channel, digest, ids of its stored notices).
Made = tuple[str, Digest, list[int]]


def _key(registry: Registry) -> bytes:
    """The register's key, created on first use. Read in its own transaction: a key
    created by another process meanwhile is found by ``add_secret``, not overwritten."""
    with registry.session.read() as store:
        stored = store.get_secret(confirm_links.KEY_NAME)
    if stored is None:
        # Not exclusive: one row, numbered from nothing; the first writer wins.
        with registry.store.transaction(exclusive=False):
            stored = registry.store.add_secret(confirm_links.KEY_NAME, confirm_links.new_key())
    return confirm_links.key_bytes(stored)


def _claim(registry: Registry, store: Store, token: str) -> tuple[LinkClaim, Person]:
    """What a presented token claims, and its person — who must still be registered and
    active: a link is no credential for someone who has left."""
    stored = store.get_secret(confirm_links.KEY_NAME)
    if stored is None:  # no link was ever made here; nor is one created by a visitor
        raise PermissionDenied(confirm_links.INVALID)
    claim = confirm_links.verify(confirm_links.key_bytes(stored), token, today=registry.today())
    person = store.get_person(claim.person)
    if person is None or not person.active:
        raise PermissionDenied(
            "this confirmation link is for someone who has left or is no longer registered"
        )
    return claim, person


@use_case
def confirmation_link(registry: Registry, person: str, document_ref: str, version: int) -> str:
    """The token of a link with which ``person`` confirms having read ``version`` of a
    document, working from today for :data:`~styrdok.confirm_links.LINK_DAYS` days; the
    address is ``{base_url}/bekrafta/{token}`` (:func:`styrdok.confirm_links.link`). The
    reminder run puts one on each reminder to read; this method is for other senders.

    The person and the document must be registered (:class:`~styrdok.errors.NotFound`);
    whether the version can be confirmed is decided when the link is used. Makes the
    register's key the first time (not audited; see the module)."""
    claim = LinkClaim(person, document_ref, version, registry.today() + dt.timedelta(LINK_DAYS))
    with registry.session.read() as store:
        if store.get_person(person) is None:
            raise NotFound(f"unknown person {person!r}")
        if store.get_document(document_ref) is None:
            raise NotFound(f"unknown document {document_ref!r}")
    return confirm_links.sign(_key(registry), claim)


@use_case
def confirmation_by_link(
    registry: Registry, token: str
) -> tuple[Person, Document, int, Acknowledgement | None]:
    """What a confirmation link is about, for the page that shows it before anyone
    confirms: its person, the document as it is now, the version the link confirms, and
    the person's confirmation that counts now (``None`` if there is none; the same one
    :func:`acknowledge_by_link` would return without writing).

    Refused with :class:`~styrdok.errors.PermissionDenied` — one line that never repeats
    the token — for a forged, altered or malformed token, one that ran out
    (:class:`~styrdok.confirm_links.ExpiredLink`), or one whose person has left. Reads
    only: showing a link never confirms (mail scanners and link previews open links)."""
    with registry.session.read() as store:
        claim, person = _claim(registry, store, token)
        document = store.get_document(claim.document_ref)
        if document is None:  # a genuine link names a document; this register has none
            raise PermissionDenied(confirm_links.INVALID)
        ack = store.acknowledgement_of(
            person.ref,
            document.ref,
            versions=(max(document.ack_version, 1), document.version),
        )
    return person, document, claim.version, ack


@use_case
def acknowledge_by_link(registry: Registry, token: str) -> Acknowledgement:
    """Confirm, as the link's person, having read the version the link names, with the
    channel ``email`` — through :meth:`~styrdok.registry.Registry.acknowledge` and its
    rules, and audited as every confirmation (``document.acknowledge``, the person as
    actor). Idempotent while a confirmation counts (that one is returned, nothing is
    written); a newer version in force is a :class:`~styrdok.errors.Conflict`, a document
    no longer in force a :class:`~styrdok.errors.RuleViolation`; a token refused as by
    :func:`confirmation_by_link`."""
    with registry.session.read() as store:
        claim, _person = _claim(registry, store, token)
    return reading.acknowledge(
        registry,
        claim.document_ref,
        actor=claim.person,
        channel=AckChannel.EMAIL,
        version=claim.version,
    )


def add_confirm_links(
    registry: Registry, made: list[Made], *, base_url: str | None, today: dt.date
) -> list[Made]:
    """The reminder run's digests with a confirmation link on each reminder to read
    (:func:`styrdok.confirm_links.with_links`), working until ``today`` +
    :data:`~styrdok.confirm_links.LINK_DAYS`; unchanged without a ``base_url`` or without
    reminders to read. The key is read (or created) once per run, and the versions in
    force with one query, never per item."""
    if not base_url or not any(
        item.kind is NoticeKind.READ for _, digest, _ in made for item in digest.items
    ):
        return made
    key = _key(registry)
    with registry.session.read() as store:
        # The version in force now, not when the notice was planned: only that one can be
        # confirmed. A document that no longer asks gets no link.
        versions = {candidate.ref: candidate.version for candidate in store.read_candidates()}
    last_day = today + dt.timedelta(days=LINK_DAYS)
    return [
        (
            channel,
            confirm_links.with_links(
                digest, key=key, versions=versions, base_url=base_url, last_day=last_day
            ),
            ids,
        )
        for channel, digest, ids in made
    ]
