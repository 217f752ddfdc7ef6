"""Use cases for people and deciding bodies: register, look up, anonymise (GDPR).

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from styrdok import events, rules
from styrdok.audit import reseal
from styrdok.errors import InvalidValue, NotFound, PermissionDenied, RuleViolation
from styrdok.model import Body, Person
from styrdok.text import check_new_ref
from styrdok.usecases.arguments import use_case
from styrdok.usecases.tokens import revoke_tokens_of
from styrdok.usecases.work import SYSTEM_ACTOR, evolve

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def add_person(registry: Registry, person: Person, *, actor: str | None) -> Person:
    """Register a person. Administrators only, except the very first person, who must
    be an administrator and so bootstraps the registry."""
    if person.ref == SYSTEM_ACTOR:
        raise InvalidValue(f"{SYSTEM_ACTOR!r} is reserved for automatic changes")
    with registry.session.work(actor, bootstrap=True) as work:
        if work.store.count_persons() == 0:
            if not person.is_admin:
                raise RuleViolation("the first person in a registry must be an administrator")
            acting = person.ref
        else:
            rules.require_admin(work.actor, "add people")
            acting = work.actor.ref
        check_new_ref("person", person.ref, work.store.existing_refs("person", [person.ref]))
        work.require_units([person.unit], "unit")
        if person.unit is not None and person.unit_since is None and work.units():
            person = evolve(person, unit_since=registry.today())
        work.store.insert_person(person)
        work.record(events.PersonAdded, f"person:{person.ref}", None, person, actor=acting)
    return person


@use_case
def anonymise_person(registry: Registry, ref: str, *, actor: str | None) -> Person:
    """Replace a person's ref, name and e-mail address everywhere — records, free text,
    version snapshots, reminders and the audit log — with a random pseudonym; their unit
    stays. Only an administrator may, never on themselves, and only once nobody depends
    on the person (:func:`styrdok.rules.duties_of`). Their API tokens are revoked. The
    audit log is re-sealed from the first event that named them, and the new event records
    the old chain head."""
    from styrdok import gdpr

    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "anonymise people")
        person = work.store.get_person(ref)
        if person is None:
            raise NotFound(f"unknown person {ref!r}")
        if person.ref == work.actor.ref:
            raise PermissionDenied(f"{ref} may not anonymise themselves: ask another admin")
        rules.require_no_duties(
            ref,
            rules.duties_of(
                ref,
                documents=work.store.list_documents(),
                dispensations=work.store.list_dispensations(person=ref),
                bodies=work.store.list_bodies(),
                units=work.store.list_units(),
            ),
        )
        # Their API tokens stop working with them (a pseudonym acts for nobody); revoked
        # first, so the rewrite and the re-seal below cover these events too.
        revoke_tokens_of(work, ref, at=registry.now())
        # What they opted out of is a setting of theirs, not a record: it goes with them.
        work.store.set_muted(ref, ())
        pseudonym = gdpr.new_pseudonym(lambda r: work.store.get_person(r) is not None)
        rewrite, needles = gdpr.replacer(person, pseudonym), gdpr.needles(person)
        rows = work.store.rewrite_records(rewrite, needles)
        resealed, resealed_from, previous_head = reseal(work.store, rewrite, needles)
        anonymous = Person(pseudonym.ref, pseudonym.name, unit=person.unit)
        work.store.replace_person(anonymous)
        work.record(
            events.PersonAnonymised,
            f"person:{anonymous.ref}",
            None,
            {
                "rows_rewritten": rows,
                "events_resealed": resealed,
                "resealed_from": resealed_from,
                "previous_head": previous_head,
            },
        )
    return anonymous


@use_case
def get_person(registry: Registry, ref: str) -> Person:
    """One person by ref."""
    with registry.session.read() as store:
        person = store.get_person(ref)
    if person is None:
        raise NotFound(f"unknown person {ref!r}")
    return person


@use_case
def list_persons(registry: Registry) -> list[Person]:
    """Every registered person, sorted by ref."""
    with registry.session.read() as store:
        return store.list_persons()


@use_case
def add_body(registry: Registry, body: Body, *, actor: str | None) -> Body:
    """Register a deciding body (administrators only)."""
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "add bodies")
        check_new_ref("body", body.ref, work.store.existing_refs("body", [body.ref]))
        work.require_person(body.contact, "contact")
        work.store.insert_body(body)
        work.record(events.BodyAdded, f"body:{body.ref}", None, body)
    return body


@use_case
def get_body(registry: Registry, ref: str) -> Body:
    """One deciding body by ref."""
    with registry.session.read() as store:
        body = store.get_body(ref)
    if body is None:
        raise NotFound(f"unknown body {ref!r}")
    return body


@use_case
def list_bodies(registry: Registry) -> list[Body]:
    """Every deciding body, sorted by ref."""
    with registry.session.read() as store:
        return store.list_bodies()
