"""The documentation stays true: the README's commands are the ones CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_opens_with_two_single_line_commands() -> None:
    """A new user sees exactly two commands first: run the demo, run the tests."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    demo, tests = _readme_commands()
    assert text.index("```bash") < text.index("styrdok demo")
    assert "\n" not in demo and demo.endswith("styrdok demo")
    assert "\n" not in tests and tests.endswith("pytest")


def test_ci_runs_the_readmes_test_command() -> None:
    """.ci/run runs the README's test command verbatim."""
    _, tests = _readme_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci_lines
