"""A walk through styrdok's Python API on the Mittköping demo register.

Run it:  python examples/mittkoping/walkthrough.py [FOLDER]

It builds the demo register in a fresh SQLite file, then follows one school's cloud-service
pilot from request to evaluation, showing the rules the registry enforces on the way.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from styrdok import DispensationRequest, Funding, PermissionDenied, Registry, RuleViolation
from styrdok.demo import build_demo


def main(folder: Path) -> None:
    today = dt.date.today()
    path = folder / "mittkoping.db"
    with Registry.open(path, create=True) as registry:
        print(build_demo(registry, today=today))

        guideline = registry.get_document("RIKT-MOLN-SKOLA")
        print(f"\n{guideline.ref}: {guideline.title}")
        print(f"  owner {guideline.owner}, guardian {guideline.guardian}")
        print(f"  dispensations up to {guideline.dispensation_rules.max_duration_days} days")

        # A headteacher asks to pilot a service for one term, funded by the committee.
        request = DispensationRequest(
            document_ref=guideline.ref,
            scope="Digitalt provverktyg i årskurs 8 under vårterminen",
            responsible="lisa.holm",
            valid_from=today + dt.timedelta(days=30),
            valid_until=today + dt.timedelta(days=200),
            funding=Funding(funded_by="Barn- och utbildningsnämnden", estimated_cost="9500"),
            applies_to=("BUF-GR-NORD",),
            conditions="DPIA klar; pseudonyma elevkonton",
        )
        disp = registry.request_dispensation(request, actor="lisa.holm")
        print(f"\nRequested {disp.ref} ({disp.status.value})")

        # She cannot approve her own request, whoever she is.
        try:
            registry.approve_dispensation(disp.ref, actor="lisa.holm")
        except PermissionDenied as refused:
            print(f"  refused: {refused}")

        # Nor can a longer period slip through than the guideline allows.
        try:
            registry.request_dispensation(
                DispensationRequest(
                    document_ref=guideline.ref,
                    scope="Hela läsåret",
                    responsible="lisa.holm",
                    valid_from=today,
                    valid_until=today + dt.timedelta(days=365),
                    funding=Funding(no_extra_cost=True),
                ),
                actor="lisa.holm",
            )
        except RuleViolation as refused:
            print(f"  refused: {refused}")

        approved = registry.approve_dispensation(
            disp.ref, actor="erik.makinen", reasoning="Samma villkor som höstens pilot"
        )
        assert approved.decision is not None
        print(f"Approved by {approved.decision.by} on {approved.decision.on}")

        print("\nDue within 30 days:")
        for item in registry.due(within_days=30, today=today):
            print(f"  {item.due_on}  {item.days_left:>4} d  {item.kind.value:<20} {item.ref}")

        # Later: the period ends, the dispensation expires, the lessons are recorded.
        end = approved.valid_until + dt.timedelta(days=1)
        registry.expire(today=end)
        evaluated = registry.evaluate_dispensation(
            disp.ref,
            actor="lisa.holm",
            on=end,
            outcome="Rättningstiden halverades",
            lessons="Vägledningen kan godkänna verktyget generellt",
            rule_change_suggested=True,
        )
        print(
            f"\n{evaluated.ref} is {evaluated.status.value}; rule change suggested: "
            f"{evaluated.evaluation.rule_change_suggested if evaluated.evaluation else '-'}"
        )
    print(f"\nThe register is in {path}; try: styrdok --db {path} doc list")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    main(target)
