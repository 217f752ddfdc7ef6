"""The public API: one :class:`Registry` over one store.

Each mutating method is one use case: it loads what it needs, checks the acting person and
the rules (:mod:`styrdok.rules`), writes the change and its audit event in the same
transaction, and returns the stored domain object. Reads need no actor.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from styrdok import checklist, rules
from styrdok.audit import ChainReport, verify_chain
from styrdok.config import DEFAULT_MAX_WORDS
from styrdok.errors import (
    AlreadyExists,
    Conflict,
    InvalidValue,
    NotFound,
    PermissionDenied,
    RegistryUnavailable,
    RuleViolation,
)
from styrdok.events import Event
from styrdok.model import (
    AuditEvent,
    Body,
    Decision,
    Dispensation,
    DispensationRequest,
    Disposition,
    DispStatus,
    DocStatus,
    Document,
    DocumentVersion,
    DueItem,
    Evaluation,
    FaqEntry,
    Person,
    Question,
    Review,
    ReviewOutcome,
)
from styrdok.serialize import to_data
from styrdok.store.base import Store

if TYPE_CHECKING:
    from styrdok.public import PeopleChoice as PublicPeople
    from styrdok.questions import QuestionGroup
    from styrdok.report import Report
from styrdok.store.engine import normalise_url, sqlite_path


def url_scheme(url: str) -> str:
    """``postgresql+psycopg://…`` → ``postgresql``: the key stores are registered under."""
    return url.split("://", 1)[0].split("+", 1)[0]


def open_store(url: str) -> Store:
    """The store for ``url``'s scheme, from the plugins that offer storage backends."""
    from styrdok.plugins import store_factories

    scheme = url_scheme(url)
    factories = store_factories()
    if scheme not in factories:
        known = ", ".join(sorted(factories)) or "none"
        raise RegistryUnavailable(f"no storage backend for {scheme!r} (installed: {known})")
    store: Store = factories[scheme](url)
    return store


T = TypeVar("T")

#: The actor recorded for automatic transitions (expiry, lapse); no person may take it.
SYSTEM_ACTOR = "system"


def local_zone() -> dt.tzinfo:
    """The municipality's time zone; the machine's own if the zone database is missing."""
    try:
        return ZoneInfo(os.environ.get("STYRDOK_TZ") or "Europe/Stockholm")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.datetime.now().astimezone().tzinfo or dt.UTC


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Registry:
    """A register of governing documents and dispensations.

    Open one with :meth:`open`; use it as a context manager or call :meth:`close`.
    """

    def __init__(
        self, store: Store, *, clock: Callable[[], dt.datetime] = _utcnow, events: bool = True
    ) -> None:
        self.store = store
        self._clock = clock
        self._events = events
        self._pending: list[Event] | None = None

    @contextmanager
    def _write(self) -> Iterator[None]:
        """A write transaction; its events reach plugins only after it has committed."""
        if self._pending is not None:  # nested: the outer one commits and emits
            yield
            return
        self._pending = []
        try:
            with self.store.transaction():
                yield
            committed = self._pending
        finally:
            self._pending = None
        if self._events and committed:
            from styrdok.plugins import call_each

            for event in committed:
                call_each("styrdok_event", event=event)

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | None = None,
        *,
        create: bool = False,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> Registry:
        """Open the registry at ``target`` (a SQLAlchemy URL or a SQLite file path; default
        ``$STYRDOK_DB`` or ``./styrdok.db``). With ``create=True`` the schema is created or
        upgraded first, as ``styrdok init`` does."""
        from styrdok import migrations

        url = normalise_url(target)
        path = sqlite_path(url)
        if path is not None and not create and not path.exists():
            raise RegistryUnavailable(f"no registry at {path}; run 'styrdok init' first")
        sql = url_scheme(url) in ("sqlite", "postgresql")
        if create and sql:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            try:
                migrations.upgrade(url)
            except Exception as exc:
                raise RegistryUnavailable(f"cannot initialise {url}: {exc}") from None
        store = open_store(url)
        initialise = getattr(store, "initialise", None)
        if create and not sql and callable(initialise):
            initialise()  # other backends set up their own storage
        try:
            with store.transaction(write=False):
                revision = store.schema_revision()
        except RegistryUnavailable:
            store.close()
            raise
        if revision != migrations.HEAD:
            store.close()
            if revision is None:
                raise RegistryUnavailable(f"{url} is not a styrdok registry; run 'styrdok init'")
            raise RegistryUnavailable(
                f"the registry's schema is at {revision} but this styrdok needs "
                f"{migrations.HEAD}; run 'styrdok init' to upgrade"
            )
        return cls(store, clock=clock)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def now(self) -> dt.datetime:
        """The registry's clock (UTC); tests and simulations may set their own."""
        return self._clock()

    def today(self) -> dt.date:
        """Today's date where the municipality is (``STYRDOK_TZ``, default Europe/Stockholm):
        a review due on the 1st is due from local midnight, not from 01:00 or 02:00."""
        return self._clock().astimezone(local_zone()).date()

    # --- helpers -------------------------------------------------------------------------

    def _actor(self, ref: str | None) -> Person:
        if not ref:
            raise PermissionDenied("name the acting person (--as PERSON or STYRDOK_USER)")
        person = self.store.get_person(ref)
        if person is None:
            raise NotFound(f"unknown person {ref!r}")
        return person

    def _audit(
        self, actor: str, action: str, entity: str, before: object, after: object
    ) -> AuditEvent:
        event = self.store.append_audit(
            at=self._clock(),
            actor=actor,
            action=action,
            entity=entity,
            before=to_data(before) if before is not None else None,
            after=to_data(after) if after is not None else None,
        )
        if self._pending is not None:
            self._pending.append(
                Event(
                    action=event.action,
                    entity=event.entity,
                    actor=event.actor,
                    at=event.at,
                    after=event.after,
                )
            )
        return event

    def _document(self, ref: str) -> Document:
        document = self.store.get_document(ref)
        if document is None:
            raise NotFound(f"unknown document {ref!r}")
        return document

    def _dispensation(self, ref: str) -> Dispensation:
        dispensation = self.store.get_dispensation(ref)
        if dispensation is None:
            raise NotFound(f"unknown dispensation {ref!r}")
        return dispensation

    def _require_person(self, ref: str | None, role: str) -> None:
        if ref is not None and self.store.get_person(ref) is None:
            raise NotFound(f"unknown person {ref!r} given as {role}")

    def _require_body(self, ref: str | None, role: str) -> None:
        if ref is not None and self.store.get_body(ref) is None:
            raise NotFound(f"unknown body {ref!r} given as {role}")

    def _check_document_links(self, document: Document) -> None:
        self._require_person(document.owner, "owner")
        self._require_person(document.guardian, "guardian")
        for approver in document.dispensation_rules.approvers:
            self._require_person(approver, "approver")
        for role, ref in (("parent", document.parent), ("supersedes", document.supersedes)):
            if ref is not None:
                if ref == document.ref:
                    raise RuleViolation(f"{document.ref} cannot name itself as {role}")
                self._document(ref)
        for ref in document.related:
            self._document(ref)
        parents: dict[str, str | None] = {}
        parent = document.parent
        while parent is not None and parent not in parents and parent != document.ref:
            above = self.store.get_document(parent)
            parents[parent] = above.parent if above else None
            parent = parents[parent]
        rules.require_no_parent_cycle(document.ref, document.parent, parents)

    @staticmethod
    def _evolve(obj: T, **changes: Any) -> T:
        try:
            return attrs.evolve(obj, **changes)  # type: ignore[misc]
        except TypeError as exc:
            raise InvalidValue(str(exc).splitlines()[0]) from None

    # --- people and bodies ---------------------------------------------------------------

    def add_person(self, person: Person, *, actor: str | None) -> Person:
        """Register a person. Administrators only, except the very first person, who must
        be an administrator and so bootstraps the registry."""
        if person.ref == SYSTEM_ACTOR:
            raise InvalidValue(f"{SYSTEM_ACTOR!r} is reserved for automatic changes")
        with self._write():
            if self.store.count_persons() == 0:
                if not person.is_admin:
                    raise RuleViolation("the first person in a registry must be an administrator")
                acting = person.ref
            else:
                rules.require_admin(self._actor(actor), "add people")
                acting = actor or ""
            self.store.insert_person(person)
            self._audit(acting, "person.add", f"person:{person.ref}", None, person)
        return person

    def anonymise_person(self, ref: str, *, actor: str | None) -> Person:
        """Replace a person's ref, name and e-mail address everywhere — records, free text,
        version snapshots, reminders and the audit log — with a random pseudonym; their unit
        stays. Only an administrator may, never on themselves, and only once nobody depends
        on the person (:func:`styrdok.rules.duties_of`). The audit log is re-sealed from the
        first event that named them, and the new event records the old chain head."""
        from styrdok import gdpr

        with self._write():
            acting = self._actor(actor)
            rules.require_admin(acting, "anonymise people")
            person = self.store.get_person(ref)
            if person is None:
                raise NotFound(f"unknown person {ref!r}")
            if person.ref == acting.ref:
                raise PermissionDenied(f"{ref} may not anonymise themselves: ask another admin")
            rules.require_no_duties(
                ref,
                rules.duties_of(
                    ref,
                    documents=self.store.list_documents(),
                    dispensations=self.store.list_dispensations(person=ref),
                    bodies=self.store.list_bodies(),
                ),
            )
            pseudonym = gdpr.new_pseudonym(lambda r: self.store.get_person(r) is not None)
            result = self.store.rewrite_everywhere(
                gdpr.replacer(person, pseudonym), gdpr.needles(person)
            )
            anonymous = Person(pseudonym.ref, pseudonym.name, unit=person.unit)
            self.store.replace_person(anonymous)
            self._audit(
                acting.ref,
                "person.anonymise",
                f"person:{anonymous.ref}",
                None,
                {
                    "rows_rewritten": result.rows,
                    "events_resealed": result.events_resealed,
                    "resealed_from": result.resealed_from,
                    "previous_head": result.previous_head,
                },
            )
        return anonymous

    def get_person(self, ref: str) -> Person:
        with self.store.transaction(write=False):
            person = self.store.get_person(ref)
        if person is None:
            raise NotFound(f"unknown person {ref!r}")
        return person

    def list_persons(self) -> list[Person]:
        with self.store.transaction(write=False):
            return self.store.list_persons()

    def add_body(self, body: Body, *, actor: str | None) -> Body:
        """Register a deciding body (administrators only)."""
        with self._write():
            rules.require_admin(self._actor(actor), "add bodies")
            self._require_person(body.contact, "contact")
            self.store.insert_body(body)
            self._audit(actor or "", "body.add", f"body:{body.ref}", None, body)
        return body

    def get_body(self, ref: str) -> Body:
        with self.store.transaction(write=False):
            body = self.store.get_body(ref)
        if body is None:
            raise NotFound(f"unknown body {ref!r}")
        return body

    def list_bodies(self) -> list[Body]:
        with self.store.transaction(write=False):
            return self.store.list_bodies()

    # --- documents -----------------------------------------------------------------------

    def add_document(self, document: Document, *, actor: str | None) -> Document:
        """Register a new document as a draft. Any registered person may propose one."""
        if document.status is not DocStatus.DRAFT or document.version != 0:
            raise RuleViolation("a new document starts as a draft; adopt it to put it in force")
        document = self._evolve(
            document, revision=0, adopted_by=None, decided_on=None, minute_ref=None
        )
        with self._write():
            acting = self._actor(actor)
            if self.store.get_document(document.ref) is not None:
                raise AlreadyExists(f"document {document.ref} already exists")
            self._check_document_links(document)
            self.store.insert_document(document)
            self._audit(acting.ref, "document.add", f"document:{document.ref}", None, document)
        return document

    def get_document(self, ref: str) -> Document:
        with self.store.transaction(write=False):
            return self._document(ref)

    def list_documents(
        self,
        *,
        status: DocStatus | None = None,
        doc_type: str | None = None,
        body: str | None = None,
        person: str | None = None,
        parent: str | None = None,
    ) -> list[Document]:
        """Documents now, filtered by status, type, adopting body, owner/guardian, parent."""
        with self.store.transaction(write=False):
            return self.store.list_documents(
                status=status.value if status else None,
                doc_type=doc_type,
                adopted_by=body,
                person=person,
                parent=parent,
            )

    def edit_document(
        self,
        ref: str,
        changes: Mapping[str, Any],
        *,
        actor: str | None,
        expected_revision: int | None = None,
    ) -> Document:
        """Change a document's fields. Pass the ``revision`` you read as
        ``expected_revision``: if someone else changed it since, :class:`Conflict` is raised
        and nothing is written."""
        unknown = sorted(set(changes) - rules.EDITABLE_FIELDS)
        if unknown:
            raise InvalidValue(
                f"cannot edit {', '.join(unknown)}: use adopt, review or repeal for that"
            )
        with self._write():
            acting = self._actor(actor)
            before = self._document(ref)
            rules.require_document_manager(acting, before, "edit")
            if before.status not in (DocStatus.DRAFT, DocStatus.IN_FORCE):
                raise RuleViolation(f"{ref} is {before.status.value} and can no longer be edited")
            revision = before.revision if expected_revision is None else expected_revision
            if revision != before.revision:
                raise Conflict(
                    f"{ref} was changed by someone else (you had revision "
                    f"{revision}, it is now {before.revision}); reload and try again"
                )
            after = self._evolve(before, **changes)
            self._check_document_links(after)
            if after.status is DocStatus.IN_FORCE:
                rules.require_ready_for_force(after)
            stored = self.store.update_document(after, expected_revision=revision)
            self._audit(acting.ref, "document.edit", f"document:{ref}", before, stored)
        return stored

    def adopt_document(
        self,
        ref: str,
        *,
        actor: str | None,
        body: str,
        on: dt.date,
        minute_ref: str | None = None,
        registry_number: str | None = None,
        dispensations: Disposition | None = None,
        expected_revision: int | None = None,
    ) -> Document:
        """Record the decision that puts a draft in force, or a revised version of a document
        already in force (version + 1). If the document supersedes another, that one becomes
        ``superseded`` and ``dispensations`` says what happens to its open dispensations."""
        with self._write():
            acting = self._actor(actor)
            before = self._document(ref)
            rules.require_document_manager(acting, before, "adopt")
            rules.require_document_status(before, (DocStatus.DRAFT, DocStatus.IN_FORCE), "adopt")
            self._require_body(body, "adopting body")
            if expected_revision is not None and expected_revision != before.revision:
                raise Conflict(f"{ref} was changed by someone else; reload and try again")
            next_review_on = before.next_review_on
            if next_review_on is None or next_review_on <= on:
                next_review_on = rules.next_review(before, on)
            after = self._evolve(
                before,
                status=DocStatus.IN_FORCE,
                version=before.version + 1,
                adopted_by=body,
                decided_on=on,
                minute_ref=minute_ref or before.minute_ref,
                registry_number=registry_number or before.registry_number,
                next_review_on=next_review_on,
            )
            rules.require_ready_for_force(after)
            if after.valid_until is not None and after.valid_until < on:
                raise RuleViolation(f"{ref} is valid until {after.valid_until}, before {on}")
            if before.status is DocStatus.IN_FORCE:
                if before.decided_on is not None and on < before.decided_on:
                    raise RuleViolation(
                        f"version {before.version} of {ref} was adopted on "
                        f"{before.decided_on}; a new version cannot predate it"
                    )
                self.store.end_version(ref, version=before.version, until=on)
            if after.supersedes is not None:
                self._supersede(
                    acting, after.supersedes, successor=after, on=on, dispensations=dispensations
                )
            stored = self.store.update_document(after, expected_revision=before.revision)
            self.store.insert_version(
                DocumentVersion(
                    document_ref=ref,
                    version=stored.version,
                    in_force_from=on,
                    in_force_until=None,
                    snapshot=stored,
                )
            )
            self._audit(acting.ref, "document.adopt", f"document:{ref}", before, stored)
        return stored

    def _supersede(
        self,
        acting: Person,
        ref: str,
        *,
        successor: Document,
        on: dt.date,
        dispensations: Disposition | None,
    ) -> None:
        old = self._document(ref)
        if old.status is not DocStatus.IN_FORCE:
            return
        rules.require_document_manager(acting, old, "supersede")
        self._settle_dispensations(
            acting,
            old,
            on=on,
            dispensations=dispensations,
            successor=successor,
            why=f"superseded by {successor.ref}",
        )
        after = self._evolve(old, status=DocStatus.SUPERSEDED)
        stored = self.store.update_document(after, expected_revision=old.revision)
        self.store.end_version(ref, version=old.version, until=on)
        self._audit(acting.ref, "document.supersede", f"document:{ref}", old, stored)

    def _settle_dispensations(
        self,
        acting: Person,
        document: Document,
        *,
        on: dt.date,
        dispensations: Disposition | None,
        successor: Document | None,
        why: str,
    ) -> None:
        """Never leave a dispensation dangling from a document that stops being in force."""
        open_ones = self.store.open_dispensations_of(document.ref)
        if not open_ones:
            return
        if dispensations is None:
            refs = ", ".join(d.ref for d in open_ones[:5]) + (" …" if len(open_ones) > 5 else "")
            raise RuleViolation(
                f"{document.ref} has {len(open_ones)} open dispensation(s) ({refs}); "
                "say whether to end them or move them to the successor"
            )
        if dispensations is Disposition.MOVE:
            if successor is None:
                raise RuleViolation("moving dispensations needs a successor document")
            if not successor.dispensation_rules.allowed:
                raise RuleViolation(
                    f"{successor.ref} does not allow dispensations; end them instead"
                )
        for disp in open_ones:
            if dispensations is Disposition.MOVE:
                assert successor is not None
                after = self._evolve(disp, document_ref=successor.ref)
                action = "dispensation.move"
            elif disp.status is DispStatus.REQUESTED:
                after = self._evolve(
                    disp,
                    status=DispStatus.REJECTED,
                    decision=Decision(by=acting.ref, on=on, reasoning=f"The document was {why}."),
                )
                action = "dispensation.reject"
            else:
                after = self._evolve(
                    disp,
                    status=DispStatus.CLOSED,
                    ended_on=max(on, disp.valid_from),
                    end_reason=f"The document was {why}.",
                )
                action = "dispensation.close"
            stored = self.store.update_dispensation(after, expected_revision=disp.revision)
            self._audit(acting.ref, action, f"dispensation:{disp.ref}", disp, stored)

    def review_document(
        self,
        ref: str,
        *,
        actor: str | None,
        outcome: ReviewOutcome,
        on: dt.date | None = None,
        notes: str = "",
        next_review_on: dt.date | None = None,
    ) -> Review:
        """Record a review (aktualitetsprövning) and set the next review date (by default
        ``on`` plus the document's review interval)."""
        on = on or self.today()
        with self._write():
            acting = self._actor(actor)
            before = self._document(ref)
            rules.require_document_manager(acting, before, "review")
            rules.require_document_status(before, (DocStatus.IN_FORCE,), "review")
            if before.decided_on is not None and on < before.decided_on:
                raise RuleViolation(
                    f"{ref} was adopted on {before.decided_on}; it cannot be reviewed on {on}"
                )
            following = next_review_on or rules.next_review(before, on)
            if following is not None and following <= on:
                raise RuleViolation(f"the next review ({following}) must come after {on}")
            if following is None and before.valid_until is None:
                raise RuleViolation(
                    f"{ref} needs a next review date (it has no review "
                    "interval and no valid-until date)"
                )
            review = Review(
                document_ref=ref,
                document_version=before.version,
                reviewed_on=on,
                reviewer=acting.ref,
                outcome=outcome,
                notes=notes,
                next_review_on=following,
            )
            stored_review = self.store.insert_review(review)
            after = self._evolve(before, next_review_on=following)
            stored = self.store.update_document(after, expected_revision=before.revision)
            self._audit(acting.ref, "document.review", f"document:{ref}", before, stored)
        return stored_review

    def repeal_document(
        self,
        ref: str,
        *,
        actor: str | None,
        on: dt.date | None = None,
        reason: str = "",
        dispensations: Disposition | None = None,
        successor: str | None = None,
    ) -> Document:
        """Repeal a document. If it has open dispensations, ``dispensations`` must say
        whether they end or move to ``successor``."""
        on = on or self.today()
        with self._write():
            acting = self._actor(actor)
            before = self._document(ref)
            rules.require_document_manager(acting, before, "repeal")
            rules.require_document_status(before, (DocStatus.IN_FORCE, DocStatus.LAPSED), "repeal")
            if before.decided_on is not None and on < before.decided_on:
                raise RuleViolation(
                    f"{ref} was adopted on {before.decided_on}; it cannot be repealed on {on}"
                )
            target = None
            if successor is not None:
                target = self._document(successor)
                if target.ref == ref or target.status is not DocStatus.IN_FORCE:
                    raise RuleViolation(
                        f"the successor {successor} must be another document in force"
                    )
            self._settle_dispensations(
                acting, before, on=on, dispensations=dispensations, successor=target, why="repealed"
            )
            after = self._evolve(before, status=DocStatus.REPEALED)
            stored = self.store.update_document(after, expected_revision=before.revision)
            if before.status is DocStatus.IN_FORCE:
                self.store.end_version(ref, version=before.version, until=on)
            self._audit(
                acting.ref,
                "document.repeal",
                f"document:{ref}",
                before,
                {"document": to_data(stored), "reason": reason},
            )
        return stored

    def check_document(
        self, ref: str, *, max_words: int = DEFAULT_MAX_WORDS
    ) -> checklist.CheckResult:
        """A document against the LEDA checklist, with the lessons its dispensations teach
        ("the rule may need to change") and every plugin's own checks."""
        from styrdok.plugins import call_each

        with self.store.transaction(write=False):
            document = self._document(ref)
            dispensations = self.store.list_dispensations(document_ref=ref)
        checks = checklist.checklist(
            document,
            max_words=max_words,
            review_date_at_adoption=document.status is DocStatus.DRAFT,
        )
        extra = checklist.lessons(dispensations)
        for _plugin, found in call_each("styrdok_check_document", document=document):
            extra.extend(str(f) for f in found or ())
        return checklist.CheckResult(ref=ref, checks=checks, extra=tuple(extra))

    def document_versions(self, ref: str) -> list[DocumentVersion]:
        """Every adopted version of a document and when it was in force."""
        with self.store.transaction(write=False):
            self._document(ref)
            return self.store.list_versions(ref)

    def reviews(self, ref: str) -> list[Review]:
        with self.store.transaction(write=False):
            self._document(ref)
            return self.store.list_reviews(ref)

    def history(self, entity: str) -> list[AuditEvent]:
        """The audit trail of one entity, e.g. ``document:POL-IS-01``."""
        with self.store.transaction(write=False):
            return list(self.store.iter_audit(entity))

    def documents_in_force(self, on: dt.date | None = None) -> list[DocumentVersion]:
        """What was in force on a day: each document's version as adopted then."""
        with self.store.transaction(write=False):
            return self.store.versions_in_force(on or self.today())

    # --- dispensations -------------------------------------------------------------------

    def request_dispensation(
        self, request: DispensationRequest, *, actor: str | None, on: dt.date | None = None
    ) -> Dispensation:
        """Ask for a dispensation. It gets the next ``D-YYYY-NNNN`` reference."""
        on = on or self.today()
        with self._write():
            acting = self._actor(actor)
            document = self._document(request.document_ref)
            rules.require_dispensable(document)
            self._require_person(request.responsible, "responsible")
            rules.require_valid_terms(
                document.dispensation_rules,
                valid_from=request.valid_from,
                valid_until=request.valid_until,
                funding=request.funding,
                renewal_number=0,
            )
            dispensation = Dispensation(
                ref=self.store.next_dispensation_ref(on.year),
                requested_by=acting.ref,
                requested_on=on,
                **attrs.asdict(request, recurse=False),
            )
            self.store.insert_dispensation(dispensation)
            self._audit(
                acting.ref,
                "dispensation.request",
                f"dispensation:{dispensation.ref}",
                None,
                dispensation,
            )
        return dispensation

    def renew_dispensation(
        self,
        ref: str,
        *,
        actor: str | None,
        valid_until: dt.date,
        justification: str | None = None,
        on: dt.date | None = None,
    ) -> Dispensation:
        """Request a renewal: a new linked dispensation that starts the day after ``ref``
        ends. It must be approved like any request; the original is never overwritten."""
        on = on or self.today()
        with self._write():
            acting = self._actor(actor)
            original = self._dispensation(ref)
            rules.require_dispensation_status(
                original, (DispStatus.APPROVED, DispStatus.EXPIRED), "renew"
            )
            if any(
                d.status in (DispStatus.REQUESTED, DispStatus.APPROVED)
                for d in self.store.renewals_of(ref)
            ):
                raise RuleViolation(f"{ref} already has a pending or approved renewal")
            document = self._document(original.document_ref)
            rules.require_dispensable(document)
            valid_from = original.valid_until + dt.timedelta(days=1)
            rules.require_valid_terms(
                document.dispensation_rules,
                valid_from=valid_from,
                valid_until=valid_until,
                funding=original.funding,
                renewal_number=self._renewal_number(original) + 1,
            )
            renewal = self._evolve(
                original,
                ref=self.store.next_dispensation_ref(on.year),
                status=DispStatus.REQUESTED,
                requested_by=acting.ref,
                requested_on=on,
                valid_from=valid_from,
                valid_until=valid_until,
                decision=None,
                renewal_of=ref,
                ended_on=None,
                end_reason="",
                evaluation=None,
                revision=0,
                justification=justification or original.justification,
            )
            self.store.insert_dispensation(renewal)
            self._audit(
                acting.ref, "dispensation.renew", f"dispensation:{renewal.ref}", None, renewal
            )
        return renewal

    def _renewal_number(self, dispensation: Dispensation) -> int:
        """0 for an original dispensation, 1 for its first renewal, …"""
        number, current = 0, dispensation
        while current.renewal_of is not None:
            number += 1
            current = self._dispensation(current.renewal_of)
        return number

    def approve_dispensation(
        self,
        ref: str,
        *,
        actor: str | None,
        on: dt.date | None = None,
        reasoning: str = "",
        delegated: bool = False,
        reported_to: str | None = None,
        expected_revision: int | None = None,
    ) -> Dispensation:
        """Approve a request: only the document's guardian or a listed approver, never the
        requester or the responsible person. The rules are checked again at decision time."""
        on = on or self.today()
        with self._write():
            acting = self._actor(actor)
            before = self._dispensation(ref)
            document = self._document(before.document_ref)
            rules.require_decider(acting, document, before)
            rules.require_dispensation_status(before, (DispStatus.REQUESTED,), "approve")
            rules.require_dispensable(document)
            rules.require_valid_terms(
                document.dispensation_rules,
                valid_from=before.valid_from,
                valid_until=before.valid_until,
                funding=before.funding,
                renewal_number=self._renewal_number(before),
            )
            if on > before.valid_until:
                raise RuleViolation(
                    f"{ref} would have ended on {before.valid_until}; "
                    "it cannot be approved afterwards"
                )
            if delegated and reported_to is None:
                raise RuleViolation("a delegated decision must name the body it is reported to")
            self._require_body(reported_to, "reported to")
            if expected_revision is not None and expected_revision != before.revision:
                raise Conflict(f"{ref} was changed by someone else; reload and try again")
            after = self._evolve(
                before,
                status=DispStatus.APPROVED,
                decision=Decision(
                    by=acting.ref,
                    on=on,
                    reasoning=reasoning,
                    delegated=delegated,
                    reported_to=reported_to,
                ),
            )
            stored = self.store.update_dispensation(after, expected_revision=before.revision)
            self._audit(acting.ref, "dispensation.approve", f"dispensation:{ref}", before, stored)
        return stored

    def reject_dispensation(
        self, ref: str, *, actor: str | None, reasoning: str, on: dt.date | None = None
    ) -> Dispensation:
        """Reject a request, with reasons (the same people may reject as may approve)."""
        on = on or self.today()
        if not reasoning.strip():
            raise RuleViolation("a rejection must give its reasons")
        with self._write():
            acting = self._actor(actor)
            before = self._dispensation(ref)
            document = self._document(before.document_ref)
            rules.require_decider(acting, document, before)
            rules.require_dispensation_status(before, (DispStatus.REQUESTED,), "reject")
            after = self._evolve(
                before,
                status=DispStatus.REJECTED,
                decision=Decision(by=acting.ref, on=on, reasoning=reasoning),
            )
            stored = self.store.update_dispensation(after, expected_revision=before.revision)
            self._audit(acting.ref, "dispensation.reject", f"dispensation:{ref}", before, stored)
        return stored

    def revoke_dispensation(
        self, ref: str, *, actor: str | None, reason: str, on: dt.date | None = None
    ) -> Dispensation:
        """Withdraw an approved dispensation before it runs out."""
        return self._end(
            ref, actor=actor, reason=reason, on=on, action="revoke", status=DispStatus.REVOKED
        )

    def close_dispensation(
        self, ref: str, *, actor: str | None, reason: str, on: dt.date | None = None
    ) -> Dispensation:
        """End an approved dispensation early because it is no longer needed."""
        return self._end(
            ref, actor=actor, reason=reason, on=on, action="close", status=DispStatus.CLOSED
        )

    def _end(
        self,
        ref: str,
        *,
        actor: str | None,
        reason: str,
        on: dt.date | None,
        action: str,
        status: DispStatus,
    ) -> Dispensation:
        on = on or self.today()
        if not reason.strip():
            raise RuleViolation(f"say why the dispensation is {status.value}")
        with self._write():
            acting = self._actor(actor)
            before = self._dispensation(ref)
            document = self._document(before.document_ref)
            rules.require_may_end(acting, document, before, action)
            rules.require_dispensation_status(before, (DispStatus.APPROVED,), action)
            rules.require_end_date(before, on)
            after = self._evolve(before, status=status, ended_on=on, end_reason=reason)
            stored = self.store.update_dispensation(after, expected_revision=before.revision)
            self._audit(acting.ref, f"dispensation.{action}", f"dispensation:{ref}", before, stored)
        return stored

    def evaluate_dispensation(
        self,
        ref: str,
        *,
        actor: str | None,
        outcome: str,
        lessons: str = "",
        rule_change_suggested: bool = False,
        on: dt.date | None = None,
    ) -> Dispensation:
        """Record what an ended dispensation taught, and whether the rule should change."""
        on = on or self.today()
        with self._write():
            acting = self._actor(actor)
            before = self._dispensation(ref)
            document = self._document(before.document_ref)
            rules.require_evaluator(acting, document, before)
            rules.require_dispensation_status(
                before, (DispStatus.EXPIRED, DispStatus.REVOKED, DispStatus.CLOSED), "evaluate"
            )
            evaluation = Evaluation(
                by=acting.ref,
                on=on,
                outcome=outcome,
                lessons=lessons,
                rule_change_suggested=rule_change_suggested,
            )
            after = self._evolve(before, evaluation=evaluation)
            stored = self.store.update_dispensation(after, expected_revision=before.revision)
            self._audit(acting.ref, "dispensation.evaluate", f"dispensation:{ref}", before, stored)
        return stored

    def get_dispensation(self, ref: str) -> Dispensation:
        with self.store.transaction(write=False):
            return self._dispensation(ref)

    def list_dispensations(
        self,
        *,
        status: DispStatus | None = None,
        document: str | None = None,
        person: str | None = None,
    ) -> list[Dispensation]:
        with self.store.transaction(write=False):
            return self.store.list_dispensations(
                status=status.value if status else None, document_ref=document, person=person
            )

    def dispensations_active_on(
        self, on: dt.date | None = None, *, document: str | None = None
    ) -> list[Dispensation]:
        """Dispensations that applied on a day (whatever their status is now)."""
        with self.store.transaction(write=False):
            return self.store.dispensations_active_on(on or self.today(), document)

    # --- time passing --------------------------------------------------------------------

    def expire(self, *, today: dt.date | None = None) -> list[str]:
        """Mark documents past ``valid_until`` as lapsed and approved dispensations past
        theirs as expired. Idempotent; returns the refs it changed."""
        today = today or self.today()
        changed: list[str] = []
        with self._write():
            for document in self.store.lapsed_documents(today):
                assert document.valid_until is not None
                after = self._evolve(document, status=DocStatus.LAPSED)
                stored = self.store.update_document(after, expected_revision=document.revision)
                self.store.end_version(
                    document.ref,
                    version=document.version,
                    until=document.valid_until + dt.timedelta(days=1),
                )
                self._audit(
                    SYSTEM_ACTOR, "document.lapse", f"document:{document.ref}", document, stored
                )
                changed.append(document.ref)
            for disp in self.store.expired_dispensations(today):
                ended = self._evolve(
                    disp,
                    status=DispStatus.EXPIRED,
                    ended_on=disp.valid_until + dt.timedelta(days=1),
                )
                stored_disp = self.store.update_dispensation(ended, expected_revision=disp.revision)
                self._audit(
                    SYSTEM_ACTOR,
                    "dispensation.expire",
                    f"dispensation:{disp.ref}",
                    disp,
                    stored_disp,
                )
                changed.append(disp.ref)
        return changed

    def due(self, *, within_days: int = 30, today: dt.date | None = None) -> list[DueItem]:
        """Reviews and end dates falling due within ``within_days``, overdue ones first."""
        if within_days < 0:
            raise InvalidValue("the horizon must not be negative")
        today = today or self.today()
        with self.store.transaction(write=False):
            return self.store.due(today=today, until=today + dt.timedelta(days=within_days))

    # --- insight -------------------------------------------------------------------------

    def report(self, *, today: dt.date | None = None) -> Report:
        """The governance report (see :mod:`styrdok.report`) as of ``today``."""
        from styrdok import report

        with self.store.transaction(write=False):
            return report.build(
                today=today or self.today(),
                documents=self.store.list_documents(),
                dispensations=self.store.list_dispensations(),
                persons=self.store.list_persons(),
                bodies=self.store.list_bodies(),
            )

    def open_questions(self, *, guardian: str | None = None) -> list[QuestionGroup]:
        """Unanswered questions, the same question asked by several people counted once,
        most asked first per guardian (or owner, for documents without a guardian)."""
        from styrdok import questions

        with self.store.transaction(write=False):
            documents = {d.ref: d for d in self.store.list_documents()}
            groups = questions.most_asked_open(self.store.list_questions(), documents)
        return [g for g in groups if guardian is None or g.guardian == guardian]

    # --- questions -----------------------------------------------------------------------

    def ask(
        self, document_ref: str, text: str, *, actor: str | None, on: dt.date | None = None
    ) -> Question:
        """Put a question to a document's guardian."""
        with self._write():
            acting = self._actor(actor)
            self._document(document_ref)
            question = self.store.insert_question(
                Question(
                    document_ref=document_ref,
                    asked_by=acting.ref,
                    asked_on=on or self.today(),
                    text=text,
                )
            )
            self._audit(acting.ref, "question.ask", f"question:{question.id}", None, question)
        return question

    def answer(
        self,
        question_id: int,
        answer: str,
        *,
        actor: str | None,
        promote_to_faq: bool = False,
        on: dt.date | None = None,
    ) -> Question:
        """Answer a question (the guardian or the owner); optionally add it to the FAQ."""
        with self._write():
            acting = self._actor(actor)
            before = self.store.get_question(question_id)
            if before is None:
                raise NotFound(f"unknown question {question_id}")
            document = self._document(before.document_ref)
            if acting.ref not in (document.guardian, document.owner):
                raise PermissionDenied(
                    f"{acting.ref} may not answer questions about "
                    f"{document.ref}: its guardian or owner does"
                )
            answered_on = on or self.today()
            after = self._evolve(
                before,
                answer=answer,
                answered_by=acting.ref,
                answered_on=answered_on,
                promoted_to_faq=promote_to_faq,
            )
            self.store.update_question(after)
            self._audit(acting.ref, "question.answer", f"question:{question_id}", before, after)
            if promote_to_faq:
                self._add_faq_entry(acting, document, before.text, answer, on=answered_on)
        return after

    def _add_faq_entry(
        self, acting: Person, document: Document, question: str, answer: str, *, on: dt.date
    ) -> Document:
        """Add an FAQ entry. A document in force gets a new version from ``on``: the FAQ is
        part of what staff read, so what it said on a given day must stay answerable. The
        adopting decision is unchanged (an FAQ explains the rule, it does not change it)."""
        entry = FaqEntry(question=" ".join(question.split())[:500], answer=answer)
        in_force = document.status is DocStatus.IN_FORCE
        doc_after = self._evolve(
            document,
            faq=(*document.faq, entry),
            version=document.version + 1 if in_force else document.version,
        )
        if in_force:
            self.store.end_version(document.ref, version=document.version, until=on)
        stored = self.store.update_document(doc_after, expected_revision=document.revision)
        if in_force:
            self.store.insert_version(
                DocumentVersion(
                    document_ref=document.ref,
                    version=stored.version,
                    in_force_from=on,
                    in_force_until=None,
                    snapshot=stored,
                )
            )
        self._audit(acting.ref, "document.faq", f"document:{document.ref}", document, stored)
        return stored

    def questions(self, document_ref: str | None = None) -> list[Question]:
        with self.store.transaction(write=False):
            return self.store.list_questions(document_ref)

    # --- audit, export, import -----------------------------------------------------------

    def verify_audit(self) -> ChainReport:
        """Walk the hash chain of the audit log and report the first broken link."""
        with self.store.transaction(write=False):
            return verify_chain(self.store.iter_audit())

    def audit_events(self) -> Iterator[AuditEvent]:
        """The whole audit log, oldest first (streamed)."""
        with self.store.transaction(write=False):
            yield from self.store.iter_audit()

    def export_json(self, out: IO[str]) -> None:
        """Write the whole register as lossless JSON (streamed; the audit log stays)."""
        from styrdok import exchange

        with self.store.transaction(write=False):
            exchange.write_json(self.store, out)

    def export_csv(self, directory: os.PathLike[str] | str) -> list[str]:
        """Write one CSV file per kind of record into ``directory``; returns the file names."""
        from styrdok import exchange

        with self.store.transaction(write=False):
            return exchange.write_csv(self.store, directory)

    def export_public(
        self, directory: os.PathLike[str] | str, *, people: PublicPeople = "roles"
    ) -> list[str]:
        """Write the register as open data (see :mod:`styrdok.public`) into ``directory``;
        returns the file names."""
        from styrdok import public

        with self.store.transaction(write=False):
            data = public.build(
                today=self.today(),
                documents=self.store.list_documents(),
                dispensations=self.store.list_dispensations(),
                persons=self.store.list_persons(),
                bodies=self.store.list_bodies(),
                people=people,
            )
        return public.write(data, directory)

    def import_json(self, source: IO[str], *, actor: str | None) -> dict[str, int]:
        """Load an export. All or nothing: any problem names the record and writes nothing.
        Into an empty registry anyone may restore; otherwise an administrator, and no
        reference may clash with one already present."""
        from styrdok import exchange

        data = exchange.read_json(source)
        with self._write():
            acting = SYSTEM_ACTOR
            if self.store.count_persons() > 0:
                person = self._actor(actor)
                rules.require_admin(person, "import")
                acting = person.ref
            counts = exchange.load(self.store, data)
            self._audit(acting, "registry.import", "registry:", None, {"counts": counts})
        return counts
