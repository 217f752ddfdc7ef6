"""The SQL store's organisation: units, who works where, and read acknowledgements
(the :class:`~styrdok.store.base.OrganisationStore` role).

What can be large — 57,000 staff, 20 million acknowledgements — is counted and listed in
SQL: staff per unit in one grouped query, acknowledgements per document and unit in
another, "who has not read it" as an anti-join on the acknowledgement table's key. The
tree of units is small and the core expands it (:class:`styrdok.organisation.UnitTree`),
so every query here takes plain lists of unit refs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from styrdok.enums import DocStatus
from styrdok.model import Acknowledgement, Document, Person, Unit
from styrdok.organisation import StaffRecord
from styrdok.outbox import ReadCandidate
from styrdok.store import convert, tables
from styrdok.store.sql_base import SqlBase, without_key

# Unit lists go into IN (…) in parts of this size: far below SQLite's 32,766 variables.
_PART = 900


def _parts(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _PART):
        yield values[start : start + _PART]


class SqlOrganisation(SqlBase):
    """Units, staff per unit and acknowledgements in SQL."""

    # --- units ---------------------------------------------------------------------------

    def list_units(self) -> list[Unit]:
        rows = self._rows(sa.select(tables.unit).order_by(tables.unit.c.ref))
        return [convert.unit_from_row(r) for r in rows]

    def get_unit(self, ref: str) -> Unit | None:
        row = self._one(sa.select(tables.unit).where(tables.unit.c.ref == ref))
        return convert.unit_from_row(row) if row else None

    def insert_unit(self, unit: Unit) -> None:
        self._insert(tables.unit, convert.unit_to_row(unit), f"unit {unit.ref}")

    def replace_unit(self, unit: Unit) -> None:
        u = tables.unit
        row = without_key(convert.unit_to_row(unit))
        self.conn.execute(u.update().where(u.c.ref == unit.ref).values(**row))

    # --- staff ---------------------------------------------------------------------------

    def unit_headcounts(self) -> dict[str, int]:
        """Active people per unit (people with no unit are not counted)."""
        p = tables.person
        query = (
            sa.select(p.c.unit, sa.func.count())
            .where(p.c.active.is_(True), p.c.unit.is_not(None))
            .group_by(p.c.unit)
        )
        return {unit: count for unit, count in self.conn.execute(query)}  # noqa: C416

    def staff_records(self) -> Iterator[StaffRecord]:
        """Every person as stored, a few thousand rows at a time: the column types still
        turn SQLite's 0/1 into booleans and its text into dates, but no row becomes a
        :class:`~styrdok.model.Person` (57,000 of them cost more than the sync's
        comparison)."""
        p = tables.person
        query = sa.select(*(p.c[name] for name in StaffRecord._fields))
        # Options on the statement, not the connection (they would outlive this query).
        result = self.conn.execute(query.execution_options(stream_results=True, yield_per=5_000))
        yield from map(StaffRecord._make, result)

    # --- acknowledgements ----------------------------------------------------------------

    def insert_acknowledgement(self, ack: Acknowledgement) -> None:
        self._insert(
            tables.acknowledgement,
            convert.acknowledgement_to_row(ack),
            f"{ack.person}'s acknowledgement of version {ack.version} of {ack.document_ref}",
        )

    def acknowledgement_of(
        self, person: str, document_ref: str, *, versions: tuple[int, int]
    ) -> Acknowledgement | None:
        """``person``'s latest acknowledgement of ``document_ref`` with a version in the
        closed range ``versions``, or ``None``."""
        a = tables.acknowledgement
        row = self._one(
            sa.select(a)
            .where(
                a.c.document_ref == document_ref,
                a.c.person == person,
                a.c.version.between(*versions),
            )
            .order_by(a.c.version.desc())
            .limit(1)
        )
        return convert.acknowledgement_from_row(row) if row else None

    def acknowledgements_by(self, person: str) -> list[Acknowledgement]:
        """Everything ``person`` has confirmed, newest first."""
        a = tables.acknowledgement
        rows = self._rows(
            sa.select(a).where(a.c.person == person).order_by(a.c.at.desc(), a.c.document_ref)
        )
        return [convert.acknowledgement_from_row(r) for r in rows]

    def read_counts(self, document_ref: str | None = None) -> Iterator[tuple[str, str, int]]:
        """``(document, unit, people)``: how many active people of each unit have confirmed
        the version each document in force asks about (or a later one), ordered by
        document; one document, or every document that asks. Streamed."""
        a, p, d = tables.acknowledgement, tables.person, tables.document
        query = (
            # COUNT(*), not COUNT(DISTINCT person): a person has at most one confirmation
            # in a document's counting range (Registry.acknowledge does not repeat one that
            # counts; a merged import is held to the same), and DISTINCT makes PostgreSQL
            # sort all 20 million joined rows.
            sa.select(a.c.document_ref, p.c.unit, sa.func.count())
            .select_from(a.join(p, p.c.ref == a.c.person).join(d, d.c.ref == a.c.document_ref))
            .where(
                p.c.active.is_(True),
                p.c.unit.is_not(None),
                d.c.status == DocStatus.IN_FORCE.value,
                d.c.ack_version > 0,
                a.c.version >= d.c.ack_version,
                a.c.version <= d.c.version,
            )
            .group_by(a.c.document_ref, p.c.unit)
            # Byte order, as Python sorts refs (ASCII), whatever the database's collation.
            .order_by(
                sa.collate(a.c.document_ref, "C")
                if self.conn.dialect.name == "postgresql"
                else a.c.document_ref
            )
        )
        if document_ref is not None:
            query = query.where(a.c.document_ref == document_ref)
        if self.conn.dialect.name == "postgresql":
            # Room to group the (document, unit) pairs in memory instead of on disk; for
            # this transaction only. Measured: 17 s → 6 s at 20 million confirmations.
            self.conn.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        # Options on the statement, not the connection (they would outlive this query).
        result = self.conn.execute(query.execution_options(stream_results=True, yield_per=5_000))
        # Plain tuples: a Row is one, but the protocol promises (doc, unit, count).
        yield from ((doc, unit, count) for doc, unit, count in result)

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
        """Active people of ``units`` who have not confirmed ``document_ref`` in the
        version range ``versions``, by unit and name; a page of them with ``limit``."""
        p, a = tables.person, tables.acknowledgement
        read = (
            sa.select(a.c.person)
            .where(
                a.c.document_ref == document_ref,
                a.c.person == p.c.ref,
                a.c.version.between(*versions),
            )
            .exists()
        )
        unit_list = list(units)
        if not unit_list:
            return []
        in_units = sa.or_(*(p.c.unit.in_(part) for part in _parts(unit_list)))
        query = (
            sa.select(p)
            .where(
                p.c.active.is_(True),
                in_units,
                ~read,
                sa.true() if joined_since is None else p.c.unit_since >= joined_since,
            )
            .order_by(p.c.unit, p.c.name, p.c.ref)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [convert.person_from_row(r) for r in self._rows(query)]

    def read_candidates(self) -> list[ReadCandidate]:
        d, v = tables.document, tables.document_version
        query = (
            sa.select(
                d.c.ref,
                d.c.title,
                d.c.version,
                d.c.ack_version,
                d.c.applies_to,
                v.c.in_force_from,
            )
            .select_from(
                d.join(v, sa.and_(v.c.document_ref == d.c.ref, v.c.version == d.c.ack_version))
            )
            .where(d.c.status == DocStatus.IN_FORCE.value, d.c.ack_version > 0)
            .order_by(d.c.ref)
        )
        return [
            ReadCandidate(
                ref=ref,
                title=title,
                version=version,
                ack_version=asked,
                applies_to=tuple(applies_to or ()),
                since=since,
            )
            for ref, title, version, asked, applies_to, since in self.conn.execute(query)
        ]

    def documents_to_read(
        self, person: str, units: Sequence[str]
    ) -> list[tuple[Document, dt.date, Acknowledgement | None]]:
        """Documents in force that ask to be read (``ack_version`` > 0) and apply to one of
        ``units`` (a person's unit and those above it), which ``person`` has not confirmed
        in their current range, by title; each with the person's latest earlier
        acknowledgement of it, if any (they read an older version)."""
        d, t, a = tables.document, tables.document_target, tables.acknowledgement
        v = tables.document_version
        if not units:
            return []
        read = (
            sa.select(a.c.person)
            .where(
                a.c.document_ref == d.c.ref,
                a.c.person == person,
                a.c.version >= d.c.ack_version,
                a.c.version <= d.c.version,
            )
            .exists()
        )
        targeted = sa.select(t.c.document_ref).where(t.c.target.in_(list(units)))
        query = (
            sa.select(d, v.c.in_force_from.label("asked_since"))
            .select_from(
                d.join(v, sa.and_(v.c.document_ref == d.c.ref, v.c.version == d.c.ack_version))
            )
            .where(
                d.c.ref.in_(targeted),
                # Checked on each document the person's units name, not used to pick them:
                # SQLite otherwise read every document in force by its status index and
                # looked each up in the list — 1.9 ms on every intranet page at 0.1 scale
                # (the menu counts what to read), 0.05 ms from the units' few documents.
                d.c.status.concat("") == DocStatus.IN_FORCE.value,
                d.c.ack_version > 0,
                ~read,
            )
            .order_by(d.c.title, d.c.ref)
        )
        found = [(convert.document_from_row(r), r["asked_since"]) for r in self._rows(query)]
        wanted = {doc.ref for doc, _ in found}
        earlier = {  # newest last, so each document keeps the latest earlier confirmation
            ack.document_ref: ack
            for ack in reversed(self.acknowledgements_by(person))
            if ack.document_ref in wanted
        }
        return [(doc, since, earlier.get(doc.ref)) for doc, since in found]
