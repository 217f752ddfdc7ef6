"""Generated history merged into a register in use: whatever a file claims, what the merge
lets in meets the rules a decision made by hand meets, and what it refuses writes nothing."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import NOW, PEOPLE, day, policy
from styrdok import Body
from styrdok.enums import DispStatus
from styrdok.errors import StyrdokError
from styrdok.registry import Registry
from test_import_merge import other_export  # noqa: F401  (a module-scoped fixture)

DECIDERS = st.sampled_from(["x.guardian", "x.approver", "x.requester", "x.responsible", "x.admin"])
STATUSES = st.sampled_from([s.value for s in DispStatus])

_template: Path | None = None


def _register_in_use() -> Path:
    """A copy of a small register in use (people, a body, POL-1 in force)."""
    global _template
    if _template is None:
        _template = Path(tempfile.mkdtemp(prefix="styrdok-merge-props-")) / "in-use.db"
        with Registry.open(_template, create=True, clock=lambda: NOW) as registry:
            registry.add_person(PEOPLE["admin"], actor=None)
            for person in list(PEOPLE.values())[1:]:
                registry.add_person(person, actor="admin")
            registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board"), actor="admin")
            registry.add_document(policy(), actor="owner")
            registry.adopt_document("POL-1", actor="owner", body="KS", on=day(-100))
    target = Path(tempfile.mkdtemp(prefix="styrdok-merge-prop-")) / "register.db"
    shutil.copy(_template, target)
    return target


def _export(registry: Registry) -> str:
    out = io.StringIO()
    registry.export_json(out)
    return out.getvalue()


@example(which=0, decider="x.guardian", decided=-55, status="approved", length=150)  # honest
@example(which=0, decider="x.requester", decided=-55, status="approved", length=150)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, 2),
    decider=DECIDERS,
    decided=st.integers(-90, 150),
    status=STATUSES,
    length=st.integers(1, 400),
)
def test_a_merge_lets_in_only_what_the_rules_allow(
    other_export: str,  # noqa: F811
    which: int,
    decider: str,
    decided: int,
    status: str,
    length: int,
) -> None:
    """Rewrite one dispensation's decider, decision date, status and length in another
    unit's export, then merge it: refused with nothing written, or every decision in the
    register is by its guardian or a listed approver, never by the requester or the
    responsible person, not before the request, within the document's limit."""
    data: dict[str, Any] = json.loads(other_export)
    disp = data["dispensations"][which]
    disp["status"] = status
    disp["valid_until"] = str(day(-50 + length - 1) if which == 0 else day(101 + length - 1))
    if disp.get("decision"):
        disp["decision"]["by"] = decider
        disp["decision"]["on"] = str(day(decided))
    path = _register_in_use()
    try:
        with Registry.open(path, clock=lambda: NOW) as registry:
            before, events = _export(registry), len(list(registry.audit_events()))
            try:
                registry.import_json(io.StringIO(json.dumps(data)), actor="admin", merge=True)
            except StyrdokError:
                assert _export(registry) == before
                assert len(list(registry.audit_events())) == events
                return
            documents = {d.ref: d for d in registry.list_documents()}
            for merged in registry.list_dispensations():
                decision = merged.decision
                if decision is None or merged.status is DispStatus.REJECTED:
                    continue
                document = documents[merged.document_ref]
                allowed = {document.guardian, *document.dispensation_rules.approvers}
                assert decision.by in allowed, merged.ref
                assert decision.by not in (merged.requested_by, merged.responsible), merged.ref
                assert decision.on >= merged.requested_on, merged.ref
                limit = document.dispensation_rules.max_duration_days
                assert limit is None or (merged.valid_until - merged.valid_from).days < limit
            assert registry.verify_audit().broken is None
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
