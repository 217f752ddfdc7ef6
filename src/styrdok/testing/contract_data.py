"""What the storage contract's tests build on: a fixed clock and complete records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from styrdok.model import (
    DispensationRequest,
    DispensationRules,
    Document,
    FaqEntry,
    FollowUp,
    Funding,
)
from styrdok.store.base import Store

if TYPE_CHECKING:
    from styrdok.registry import Registry

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
LEASE = dt.timedelta(minutes=15)
StoreFactory = Callable[[], Store]


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def complete_document(ref: str = "POL-1", **changes: Any) -> Document:
    fields: dict[str, Any] = {
        "ref": ref,
        "title": "Informationssäkerhetspolicy",
        "doc_type": "policy",
        "owner": "owner",
        "guardian": "guardian",
        "purpose": "Skydda informationen",
        "intended_effects": "Färre incidenter",
        "audience": "Alla medarbetare",
        "applies_to": ("IT-enheten", "Skolor"),
        "limits": "Inte leverantörer",
        "follow_up": FollowUp("Årlig rapport", "KS"),
        "review_interval_months": 12,
        "non_compliance": "Anmäls till chef",
        "registry_number": "KS 2026/1",
        "dispensation_rules": DispensationRules(
            allowed=True,
            requirements="Riskanalys",
            approvers=("approver",),
            max_duration_days=180,
            max_renewals=1,
        ),
        "faq": (FaqEntry("Vem frågar jag?", "Väktaren."),),
        "text_url": "https://mittkoping.example/pol-1",
        "word_count": 900,
        "reminder_offsets": (90, 30, 0),
    }
    fields.update(changes)
    return Document(**fields)


def complete_request(**changes: Any) -> DispensationRequest:
    fields: dict[str, Any] = {
        "document_ref": "POL-1",
        "scope": "Pilot",
        "responsible": "responsible",
        "valid_from": day(10),
        "valid_until": day(100),
        "funding": Funding(funded_by="BUN", estimated_cost=Decimal("1200.50")),
        "applies_to": ("Nordskolan",),
        "clause": "3.2",
        "conditions": "DPIA",
    }
    fields.update(changes)
    return DispensationRequest(**fields)


def revise(
    registry: Registry,
    ref: str,
    changes: Any,
    *,
    actor: str,
    on: dt.date | None = None,
    material: bool = True,
) -> Document:
    """Change what a document in force says and adopt it as its next version at once, by
    the body that adopted it, on ``on`` (default: the registry's today): an edit alone
    only prepares a draft revision."""
    current = registry.get_document(ref)
    registry.edit_document(ref, changes, actor=actor)
    return registry.adopt_document(
        ref,
        actor=actor,
        body=current.adopted_by or "KS",
        on=on or registry.today(),
        material=material,
    )
