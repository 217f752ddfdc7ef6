"""The YAML store's organisation (the :class:`~styrdok.store.base.OrganisationStore`
role): units, staff per unit and read acknowledgements, counted and filtered in memory,
where the folder's register already is. Units are kept in ``units.yaml``;
acknowledgements, final once given, are appended to ``acknowledgements.jsonl`` (see
:mod:`styrdok_yamlstore.folder`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence

from styrdok.errors import AlreadyExists
from styrdok.model import Acknowledgement, Document, Person, Unit
from styrdok.organisation import StaffRecord
from styrdok.outbox import ReadCandidate
from styrdok_yamlstore.folder import State, in_order


def _staff_order(person: Person) -> tuple[str, str, str]:
    return person.unit or "", person.name, person.ref


class Organisation:
    """Units, staff per unit and acknowledgements over the register in memory."""

    _state: State

    # --- units ---------------------------------------------------------------------------

    def list_units(self) -> list[Unit]:
        return in_order(self._state.unit)

    def get_unit(self, ref: str) -> Unit | None:
        return self._state.unit.get(ref)

    def insert_unit(self, unit: Unit) -> None:
        self._state.add("unit", unit)

    def replace_unit(self, unit: Unit) -> None:
        self._state.unit[unit.ref] = unit

    # --- staff ---------------------------------------------------------------------------

    def unit_headcounts(self) -> dict[str, int]:
        people = self._state.person.values()
        return dict(Counter(p.unit for p in people if p.active and p.unit is not None))

    def _active_in_units(self, units: Sequence[str]) -> list[Person]:
        wanted = set(units)
        found = (p for p in self._state.person.values() if p.unit in wanted and p.active)
        return sorted(found, key=_staff_order)

    def staff_records(self) -> Iterator[StaffRecord]:
        """Taken at once and handed out as a list: the register is in memory already, and
        the caller may go on reading after the transaction has ended."""
        names = StaffRecord._fields
        people = self._state.person.values()
        return iter([StaffRecord._make(getattr(p, name) for name in names) for p in people])

    # --- acknowledgements ----------------------------------------------------------------

    def insert_acknowledgement(self, ack: Acknowledgement) -> None:
        key = (ack.document_ref, ack.person, ack.version)
        if key in self._state.acknowledgement:
            raise AlreadyExists(
                f"{ack.person}'s acknowledgement of version {ack.version} of "
                f"{ack.document_ref} already exists"
            )
        self._state.acknowledgement[key] = ack

    def acknowledgement_of(
        self, person: str, document_ref: str, *, versions: tuple[int, int]
    ) -> Acknowledgement | None:
        lowest, highest = versions
        found = [
            a
            for a in self._state.acknowledgement.values()
            if a.person == person
            and a.document_ref == document_ref
            and lowest <= a.version <= highest
        ]
        return max(found, key=lambda a: a.version, default=None)

    def acknowledgements_by(self, person: str) -> list[Acknowledgement]:
        """Newest first; at the same moment, by document ref (as the SQL store sorts)."""
        mine = sorted(
            (a for a in self._state.acknowledgement.values() if a.person == person),
            key=lambda a: (a.document_ref, -a.version),
        )
        return sorted(mine, key=lambda a: a.at, reverse=True)  # stable: ties keep ref order

    def read_counts(self, document_ref: str | None = None) -> Iterator[tuple[str, str, int]]:
        """Counted at once and handed out as a list: the caller may go on reading after
        the transaction has ended."""
        documents, people = self._state.document, self._state.person
        readers: dict[tuple[str, str], set[str]] = {}
        for ack in self._state.acknowledgement.values():
            document, person = documents.get(ack.document_ref), people.get(ack.person)
            if (
                document is None
                or person is None
                or (document_ref is not None and ack.document_ref != document_ref)
                or not document.asks_to_be_read
                or not document.ack_version <= ack.version <= document.version
                or not person.active
                or person.unit is None
            ):
                continue
            readers.setdefault((ack.document_ref, person.unit), set()).add(person.ref)
        # Sorted as Python sorts text, which is the byte order of refs (ASCII).
        return iter([(doc, unit, len(refs)) for (doc, unit), refs in sorted(readers.items())])

    def _readers(self, document_ref: str, versions: tuple[int, int]) -> set[str]:
        """Who has confirmed a version of ``document_ref`` in the closed range ``versions``."""
        lowest, highest = versions
        return {
            a.person
            for a in self._state.acknowledgement.values()
            if a.document_ref == document_ref and lowest <= a.version <= highest
        }

    def unread_persons(
        self,
        document_ref: str,
        units: Sequence[str],
        *,
        versions: tuple[int, int],
        limit: int | None = None,
        offset: int = 0,
        joined_since: dt.date | None = None,
    ) -> list[Person]:
        read = self._readers(document_ref, versions)
        unread = [
            p
            for p in self._active_in_units(units)
            if p.ref not in read
            # As SQL compares: someone whose joining day is not known did not join since.
            and (
                joined_since is None or (p.unit_since is not None and p.unit_since >= joined_since)
            )
        ]
        return unread[offset:] if limit is None else unread[offset : offset + max(limit, 0)]

    def read_candidates(self) -> list[ReadCandidate]:
        versions = self._state.document_version
        return [
            ReadCandidate(
                ref=d.ref,
                title=d.title,
                version=d.version,
                ack_version=d.ack_version,
                applies_to=d.applies_to,
                since=asked.in_force_from,
            )
            for d in in_order(self._state.document)
            if d.asks_to_be_read and (asked := versions.get((d.ref, d.ack_version))) is not None
        ]

    def documents_to_read(
        self, person: str, units: Sequence[str]
    ) -> list[tuple[Document, dt.date, Acknowledgement | None]]:
        wanted = set(units)
        mine: dict[str, list[Acknowledgement]] = {}
        for ack in self._state.acknowledgement.values():
            if ack.person == person:
                mine.setdefault(ack.document_ref, []).append(ack)
        found = []
        for document in self._state.document.values():
            if not document.asks_to_be_read or wanted.isdisjoint(document.applies_to):
                continue
            acks = mine.get(document.ref, [])
            if any(document.ack_version <= a.version <= document.version for a in acks):
                continue
            # Not read in the asked range, so any earlier confirmation is of an older
            # version: the latest one shows the reader what changed since.
            earlier = max(acks, key=lambda a: (a.at, a.version), default=None)
            asked = self._state.document_version.get((document.ref, document.ack_version))
            if asked is not None:
                found.append((document, asked.in_force_from, earlier))
        return sorted(found, key=lambda found: (found[0].title, found[0].ref))
