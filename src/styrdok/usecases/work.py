"""The unit of work every use case runs in.

A use case that changes the register does the same five things: resolve the acting person,
load what it needs, apply the rules, write, and audit — in one transaction, with the
change's event handed to plugins only after that transaction has committed. This module
writes that sequence once:

* :class:`Session` owns a registry's transactions and the events waiting for their commit;
* :class:`Work` is one write transaction: ``with session.work(actor) as work:`` resolves the
  actor and gives loaders that raise :class:`~styrdok.errors.NotFound`, ``record`` for the
  audit event, and ``save_document``/``save_dispensation``, which check the caller's
  expected revision, store the record and audit it in one step.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from styrdok import events
from styrdok.audit import next_event, sealing_key
from styrdok.errors import Conflict, NotFound, PermissionDenied
from styrdok.fields import evolve as evolve  # the one evolve use cases call
from styrdok.model import AuditEvent, Dispensation, Document, Person, Question
from styrdok.organisation import UnitTree
from styrdok.serialize import to_data
from styrdok.store.base import Store

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The actor recorded for automatic transitions (expiry, lapse); no person may take it.
SYSTEM_ACTOR = "system"


class Session:
    """One registry's transactions, clock and the events waiting for their commit."""

    def __init__(
        self, store: Store, *, clock: Callable[[], dt.datetime], emit: bool = True
    ) -> None:
        self.store = store
        self.clock = clock
        self._emit = emit
        self._pending: list[events.Event] | None = None
        # The audit key that fits the chain, looked up once per write transaction.
        self._sealing: tuple[bytes | None] | None = None

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A read-only transaction (joins an outer one)."""
        with self.store.transaction(write=False):
            yield self.store

    @contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction; its events reach plugins only after it has committed.
        A nested one joins the outer transaction, which commits and emits."""
        if self._pending is not None:
            yield
            return
        self._pending = []
        try:
            with self.store.transaction():
                yield
            committed = self._pending
        finally:
            self._pending, self._sealing = None, None
        if self._emit and committed:
            from styrdok import plugins

            for event in committed:
                plugins.hook().styrdok_event(event=event)

    @contextmanager
    def work(self, actor: str | None, *, bootstrap: bool = False) -> Iterator[Work]:
        """One use case's write transaction, acting as ``actor``. With ``bootstrap`` the
        actor may be missing (the first person, a restore into an empty registry)."""
        with self.write():
            yield Work(self, actor, bootstrap=bootstrap)

    def audit(
        self,
        event: type[events.Event],
        *,
        actor: str,
        entity: str,
        before: object,
        after: object,
    ) -> AuditEvent:
        """Append ``event`` to the audit log and queue it for plugins (inside a write)."""
        if event.name not in events.EVENTS:  # a class made outside the catalogue
            raise ValueError(f"event {event.__name__} is not listed in styrdok.events")
        stored = next_event(
            self.store.audit_head(),
            key=self._sealing_key(),
            at=self.clock(),
            actor=actor,
            action=event.name,
            entity=entity,
            before=to_data(before) if before is not None else None,
            after=to_data(after) if after is not None else None,
        )
        self.store.insert_audit(stored)
        if self._pending is not None:
            self._pending.append(
                event(entity=stored.entity, actor=stored.actor, at=stored.at, after=stored.after)
            )
        return stored

    def _sealing_key(self) -> bytes | None:
        """The key this transaction's events are sealed with: keyed or plain as the chain
        already is, a key that does not fit it refused (:func:`styrdok.audit.sealing_key`).
        Looked up on the first event of each write transaction, not on every event."""
        if self._sealing is None:
            key = sealing_key(self.store)
            if self._pending is None:  # not inside a write: nothing to remember it for
                return key
            self._sealing = (key,)
        return self._sealing[0]


class Work:
    """One write use case: the acting person, loaders, and writes that audit themselves."""

    def __init__(self, session: Session, actor: str | None, *, bootstrap: bool = False) -> None:
        self.session = session
        self.store = session.store
        self._actor_ref = actor
        self._actor: Person | None = None
        self._tree: UnitTree | None = None
        if not bootstrap:  # bootstrap work resolves the actor only if it needs one
            self._actor = self.person(actor, role=None)

    @property
    def actor(self) -> Person:
        """The acting person: resolved when the work began, or (bootstrap work) on first
        use, so an empty registry can be set up without one."""
        if self._actor is None:
            self._actor = self.person(self._actor_ref, role=None)
        return self._actor

    def units(self) -> UnitTree:
        """The organisation as it stands in this transaction (read once, then kept; a use
        case that changes a unit calls :meth:`forget_units`)."""
        if self._tree is None:
            self._tree = UnitTree(self.store.list_units())
        return self._tree

    def forget_units(self) -> None:
        """Read the organisation again on next use (after a unit was written)."""
        self._tree = None

    def require_units(
        self, values: Iterable[str | None], field: str, *, before: Iterable[str | None] = ()
    ) -> None:
        """Once the register has an organisation, every value of ``field`` must name one
        of its units. Values already stored (``before``: free text from before there were
        units) are left alone until ``styrdok unit map`` maps them."""
        tree = self.units()
        if not tree:
            return
        kept = set(before)
        for value in values:
            if value is not None and value not in kept and value not in tree:
                raise NotFound(
                    f"{field}: {value!r} is not a unit of the organisation "
                    "(see `styrdok unit list`)"
                )

    # --- loading -------------------------------------------------------------------------

    def person(self, ref: str | None, *, role: str | None = "") -> Person:
        """A registered person; ``role`` names what they were given as in the error."""
        if not ref:
            raise PermissionDenied("name the acting person (--as PERSON or STYRDOK_USER)")
        person = self.store.get_person(ref)
        if person is None:
            raise NotFound(f"unknown person {ref!r}" + (f" given as {role}" if role else ""))
        if role is None and not person.active:
            # A leaver's account may still exist in the login proxy for a while.
            raise PermissionDenied(f"{ref} has left (deactivated) and can no longer act")
        return person

    def require_person(self, ref: str | None, role: str) -> None:
        """Refuse a reference to a person who is not registered (``None`` passes)."""
        if ref is not None:
            self.person(ref, role=role)

    def require_body(self, ref: str | None, role: str) -> None:
        """Refuse a reference to a body that is not registered (``None`` passes)."""
        if ref is not None and self.store.get_body(ref) is None:
            raise NotFound(f"unknown body {ref!r} given as {role}")

    def document(self, ref: str) -> Document:
        """A document by ref."""
        return load_document(self.store, ref)

    def dispensation(self, ref: str) -> Dispensation:
        """A dispensation by ref."""
        return load_dispensation(self.store, ref)

    def question(self, question_id: int) -> Question:
        """A question by number."""
        # Beyond a 64-bit id no question can exist (and SQLite would overflow on it).
        question = self.store.get_question(question_id) if 0 < question_id < 2**63 else None
        if question is None:
            raise NotFound(f"unknown question {question_id}")
        return question

    def next_version(self, document: Document) -> int:
        """The number ``document``'s next version gets: one more than any it has had, an
        annulled one included, so that a number never names two versions."""
        recorded = [v.version for v in self.store.list_versions(document.ref)]
        return max([document.version, *recorded]) + 1

    # --- writing -------------------------------------------------------------------------

    def record(
        self,
        event: type[events.Event],
        entity: str,
        before: object,
        after: object,
        *,
        actor: str | None = None,
    ) -> AuditEvent:
        """Audit a change (by the acting person unless ``actor`` is given)."""
        return self.session.audit(
            event,
            actor=actor if actor is not None else self.actor.ref,
            entity=entity,
            before=before,
            after=after,
        )

    def save_document(
        self,
        before: Document,
        after: Document,
        event: type[events.Event],
        *,
        expected_revision: int | None = None,
        actor: str | None = None,
        audit_after: Callable[[Document], object] | None = None,
    ) -> Document:
        """Store a changed document if nobody changed it since the caller read it, and
        audit the change; returns the stored document with its new revision."""
        require_revision(before.ref, before.revision, expected_revision)
        stored = self.store.update_document(after, expected_revision=before.revision)
        shown = audit_after(stored) if audit_after is not None else stored
        self.record(event, f"document:{before.ref}", before, shown, actor=actor)
        return stored

    def save_dispensation(
        self,
        before: Dispensation,
        after: Dispensation,
        event: type[events.Event],
        *,
        expected_revision: int | None = None,
        actor: str | None = None,
    ) -> Dispensation:
        """Store a changed dispensation if nobody changed it since the caller read it,
        and audit the change; returns it with its new revision."""
        require_revision(before.ref, before.revision, expected_revision)
        stored = self.store.update_dispensation(after, expected_revision=before.revision)
        self.record(event, f"dispensation:{before.ref}", before, stored, actor=actor)
        return stored


def require_revision(ref: str, current: int, expected: int | None) -> None:
    """Refuse a change based on an older read (``expected`` ``None``: the caller did not
    say which revision it read, so the one just loaded counts)."""
    if expected is not None and expected != current:
        raise Conflict(
            f"{ref} was changed by someone else (you had revision {expected}, "
            f"it is now {current}); reload and try again"
        )


def load_document(store: Store, ref: str) -> Document:
    """A document by ref, or :class:`NotFound`."""
    document = store.get_document(ref)
    if document is None:
        raise NotFound(f"unknown document {ref!r}")
    return document


def load_dispensation(store: Store, ref: str) -> Dispensation:
    """A dispensation by ref, or :class:`NotFound`."""
    dispensation = store.get_dispensation(ref)
    if dispensation is None:
        raise NotFound(f"unknown dispensation {ref!r}")
    return dispensation
