"""The Mittköping demo register for tests that drive the command line, plugins' included.

Build the demo once per module with :func:`build_demo_file`, copy it per test with
:func:`copy_demo`, and run ``styrdok remind`` on it with settings of your own through
:func:`remind_with`::

    @pytest.fixture(scope="module")
    def demo_template(tmp_path_factory):
        return build_demo_file(tmp_path_factory.mktemp("demo"))

    @pytest.fixture
    def demo_db(demo_template, tmp_path):
        return copy_demo(demo_template, tmp_path)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from styrdok.outbox import Notice

#: The demo's "today", and the day after it, when reminders are due.
DEMO_TODAY = "2026-11-22"
REMIND_DAY = "2026-11-23"


def build_demo_file(folder: Path) -> Path:
    """``styrdok demo`` into ``folder/demo.db``; returns the path."""
    from styrdok.cli import main

    path = folder / "demo.db"
    result = CliRunner().invoke(
        main, ["--db", str(path), "demo", "--today", DEMO_TODAY], catch_exceptions=False
    )
    if result.exit_code != 0:
        raise RuntimeError(f"styrdok demo failed: {result.output}")
    return path


def copy_demo(template: Path, folder: Path) -> Path:
    """A copy of a built demo register in ``folder``, for one test to change."""
    path = folder / "demo.db"
    shutil.copy(template, path)
    return path


def remind_with(db: Path, settings: str, folder: Path, *args: str) -> Result:
    """``styrdok remind --today REMIND_DAY`` on ``db`` with ``settings`` as styrdok.toml."""
    from styrdok.cli import main

    config = folder / "styrdok.toml"
    config.write_text(settings, encoding="utf-8")
    return CliRunner().invoke(
        main, ["--db", str(db), "--config", str(config), "remind", "--today", REMIND_DAY, *args]
    )


def outbox(db: Path) -> list[Notice]:
    """Every notice in the register's outbox."""
    from styrdok.registry import Registry

    with Registry.open(db) as registry, registry.session.read():
        return list(registry.store.notices())
