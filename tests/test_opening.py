"""Opening a registry: from a path to a store at the current schema, and nothing more."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from styrdok import RegistryUnavailable
from styrdok.registry import Registry


def test_opening_an_existing_registry_does_not_load_alembic(tmp_path: Path) -> None:
    """Migrations are loaded to create or upgrade only: a plain open stays light."""
    path = tmp_path / "register.db"
    Registry.open(path, create=True).close()
    code = (
        "import sys; sys._styrdok_testing = True\n"
        "from styrdok.registry import Registry\n"
        f"Registry.open({str(path)!r}).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_a_missing_registry_says_to_run_init(tmp_path: Path) -> None:
    """Opening a path with no registry names it and the command to run."""
    with pytest.raises(RegistryUnavailable, match=r"no registry at .*; run 'styrdok init'"):
        Registry.open(tmp_path / "nothing.db")
