"""Reading what documents say: full-text search, and what changed between two versions.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
Reads need no actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from styrdok import diffing
from styrdok.errors import InvalidValue, RuleViolation
from styrdok.model import DocStatus
from styrdok.search import SearchHit
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import load_document

if TYPE_CHECKING:
    from styrdok.registry import Registry

#: The most hits one search returns.
MAX_HITS = 100


@use_case
def search_documents(
    registry: Registry,
    query: str,
    *,
    status: DocStatus | None = DocStatus.IN_FORCE,
    limit: int = 20,
) -> list[SearchHit]:
    """Documents whose title, purpose, text or FAQ hold every word of ``query``, best
    first, each with a snippet around what matched. By default only documents in force
    (what applies now); ``status=None`` searches every document."""
    if not 1 <= limit <= MAX_HITS:
        raise InvalidValue(f"limit: expected 1 to {MAX_HITS}, got {limit}")
    with registry.session.read() as store:
        # In force means in force today: not those adopted to take effect later.
        return store.search_documents(
            query,
            statuses=None if status is None else (status,),
            limit=limit,
            effective_on=registry.today() if status is DocStatus.IN_FORCE else None,
        )


@use_case
def compare_versions(
    registry: Registry,
    ref: str,
    *,
    from_version: int | None = None,
    to_version: int | None = None,
) -> diffing.VersionDiff:
    """What changed between two adopted versions of a document: every changed field and a
    word-level redline of the text. By default the last version against the one before."""
    with registry.session.read() as store:
        load_document(store, ref)
        versions = {v.version: v for v in store.list_versions(ref)}
    if not versions:
        raise RuleViolation(f"{ref} has no adopted version yet")

    def require(name: str, number: int) -> None:
        if number not in versions:
            known = ", ".join(str(v) for v in sorted(versions))
            raise InvalidValue(f"{name}: {ref} has no version {number} (versions: {known})")

    to_version = max(versions) if to_version is None else to_version
    require("to_version", to_version)
    if from_version is None:
        if to_version == min(versions):
            raise RuleViolation(
                f"{ref} has no version before version {to_version}: nothing to compare it with"
            )
        from_version = to_version - 1
    require("from_version", from_version)
    if from_version >= to_version:
        raise InvalidValue(
            f"from_version ({from_version}) must be earlier than to_version ({to_version})"
        )
    return diffing.compare(
        versions[from_version].snapshot,
        versions[to_version].snapshot,
        from_version=from_version,
        to_version=to_version,
    )
