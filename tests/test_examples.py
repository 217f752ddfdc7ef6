"""The examples run as documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_mittkoping_walkthrough_runs(tmp_path: Path) -> None:
    """The walk-through shows both refusals, the approval and the evaluation."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "mittkoping" / "walkthrough.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    assert "refused: lisa.holm may not decide" in out
    assert "refused: a dispensation may last at most 200 days" in out
    assert "Approved by erik.makinen" in out
    assert "is expired; rule change suggested: True" in out
    assert (tmp_path / "mittkoping.db").exists()
