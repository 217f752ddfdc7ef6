"""Moving a register in: restoring or importing an export, all or nothing.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from styrdok import events, rules
from styrdok.errors import RuleViolation
from styrdok.serialize import to_data
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import SYSTEM_ACTOR, Work

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def import_json(
    registry: Registry,
    source: IO[str] | IO[bytes],
    *,
    actor: str | None,
    merge: bool = False,
    progress: Callable[[int], None] | None = None,
    parallel: bool = False,
) -> dict[str, int]:
    """Load an export. All or nothing: any problem names the record and writes nothing.

    Into an empty registry anyone may restore (a backup: every record is rebuilt and every
    reference checked, and one audit event names the file by its SHA-256); the file is
    read, checked and stored a chunk of records at a time, in the one transaction
    (:func:`styrdok.restoring.restore`), so memory does not grow with the file. A registry in
    use takes an export only as a checked merge (``merge=True``), by an administrator: no
    reference may clash with one already present, every record must pass the rules a
    change made by hand would (:func:`styrdok.exchange.check_rules`), and each record gets
    its own audit event naming the file. ``progress`` is called with the number of records
    stored since its last call. With ``parallel`` a restore builds the records in a worker
    process while this one stores them (:mod:`styrdok.restore_worker`; a merge is read
    whole first and ignores it)."""
    from styrdok import exchange, restoring

    # A merge is small and is held to the rules with the whole file in view: it is read
    # before the write transaction opens. A restore is read as it is stored (below).
    export = exchange.read_json(source) if merge else None
    with registry.session.work(actor, bootstrap=True) as work:
        acting = SYSTEM_ACTOR
        if not work.store.is_empty():
            rules.require_admin(work.actor, "import")
            if not merge:
                raise RuleViolation(
                    "the registry is in use: a restore needs an empty one; to add these "
                    "records to it, merge them (--merge), and each is checked against the rules"
                )
            acting = work.actor.ref
        if export is None:
            counts, sha256 = restoring.restore(
                work.store, source, progress=progress, parallel=parallel
            )
        else:
            sha256 = export.sha256
            parsed = exchange.parse(export.data)
            exchange.validate(work.store, parsed, merge=merge)
            counts = exchange.insert(work.store, parsed, progress=progress)
            record_each(work, parsed, sha256, acting)
        work.record(
            events.RegistryImported,
            "registry:",
            None,
            {"counts": counts, "source_sha256": sha256, "merge": merge},
            actor=acting,
        )
    return counts


#: The audit event of each kind of merged record, and the entity it names.
_PER_RECORD: dict[str, tuple[type[events.Event], Any]] = {
    "persons": (events.PersonImported, lambda p: f"person:{p.ref}"),
    "units": (events.UnitImported, lambda u: f"unit:{u.ref}"),
    "bodies": (events.BodyImported, lambda b: f"body:{b.ref}"),
    "documents": (events.DocumentImported, lambda d: f"document:{d.ref}"),
    "document_versions": (events.DocumentVersionImported, lambda v: f"document:{v.document_ref}"),
    # Reviews and questions are numbered anew on a merge: they name their document.
    "reviews": (events.DocumentReviewImported, lambda r: f"document:{r.document_ref}"),
    "dispensations": (events.DispensationImported, lambda x: f"dispensation:{x.ref}"),
    "questions": (events.QuestionImported, lambda q: f"document:{q.document_ref}"),
    "attachments": (events.AttachmentImported, lambda a: f"document:{a.document_ref}"),
    "acknowledgements": (
        events.AcknowledgementImported,
        lambda a: f"document:{a.document_ref}",
    ),
}


def record_each(work: Work, parsed: dict[str, list[Any]], sha256: str, actor: str) -> None:
    """One audit event per merged record, naming the file it came from (also used by the
    spreadsheet import, :mod:`styrdok.usecases.sheets`)."""
    for section, records in parsed.items():
        event, entity = _PER_RECORD[section]
        for record in records:
            data = to_data(record)
            if section in ("reviews", "questions", "attachments"):
                data.pop("id", None)  # the file's number, not the one it got here
            if section == "attachments":
                del data["text"]  # up to 200,000 characters a file: searched, not audited
            work.record(
                event, entity(record), None, {"source_sha256": sha256, "record": data}, actor=actor
            )
