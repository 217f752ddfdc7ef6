"""`styrdok due` prints as it reads (issue 19, item 4): the first rows are on screen before
the last are read from the database, and what is printed is what `Registry.due` returns, in
its order; JSON and CSV read exactly as when the whole list was read first."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from conftest import PEOPLE, policy
from styrdok import Body
from styrdok.cli import main
from styrdok.cli.due import TABLE_BLOCK, render_due
from styrdok.registry import Registry
from styrdok.store.sql import SqlStore
from styrdok.usecases.dates import DUE_CHUNK

TODAY = dt.date(2026, 11, 22)
#: More than the store reads at a time: the CLI must print before it has read them all.
COUNT = DUE_CHUNK + 2 * TABLE_BLOCK + 17
#: The longest title, far down the list: longer than any in the first block.
LONG_TITLE = "Riktlinje för digital arkivering och gallring i förvaltningarna"

Run = Callable[..., Result]


def _title(n: int) -> str:
    return LONG_TITLE if n == COUNT - 5 else f"Riktlinje {n:04d}"


def _export_of_many(tmp_path: Path) -> str:
    """An export of a register with ``COUNT`` documents in force, each due for review on a
    day of its own, the most overdue first: one made through the API, its document copied."""
    small = Registry.open(tmp_path / "small.db", create=True)
    small.add_person(PEOPLE["admin"], actor=None)
    for person in list(PEOPLE.values())[1:]:
        small.add_person(person, actor="admin")
    small.add_body(Body("KS", "Kommunstyrelsen", "executive_board", contact="admin"), actor="admin")
    small.add_document(policy("RIKT-0000"), actor="owner")
    small.adopt_document("RIKT-0000", actor="owner", body="KS", on=dt.date(2020, 1, 7))
    out = io.StringIO()
    small.export_json(out)
    small.close()
    data = json.loads(out.getvalue())
    (document,) = data["documents"]
    data["documents"] = [
        {
            **copy.deepcopy(document),
            "ref": f"RIKT-{n:04d}",
            "title": _title(n),
            # The last one due 30 days from today, the horizon `due` looks to by default.
            "next_review_on": (TODAY + dt.timedelta(days=30 - (COUNT - 1 - n))).isoformat(),
        }
        for n in range(COUNT)
    ]
    data["document_versions"] = []
    return json.dumps(data, ensure_ascii=False)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _export_of_many(tmp_path_factory.mktemp("many"))


@pytest.fixture
def many(db_path: Path, export: str) -> Iterator[Registry]:
    """A real SQLite register with ``COUNT`` reviews due within 30 days of ``TODAY``."""
    with Registry.open(db_path) as registry:
        registry.import_json(io.StringIO(export), actor=None)
        yield registry


@pytest.fixture
def run(db_path: Path) -> Run:
    """``styrdok --db <the register> ARGS…`` with the real clock."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, ["--db", str(db_path), *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What had been printed each time the SQL store read a chunk of what is due: its
    stream is watched, and still reads the real database."""
    seen: list[str] = []
    stream = SqlStore.stream_dated_items

    def watched(self: SqlStore, **where: Any) -> Iterator[Any]:
        for chunk in stream(self, **where):
            sys.stdout.flush()
            so_far = sys.stdout.buffer.getvalue().decode("utf-8")
            seen.append(so_far.replace("\r\n", "\n"))  # as the result has it
            yield chunk

    monkeypatch.setattr(SqlStore, "stream_dated_items", watched)
    return seen


def _cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def _as_before(registry: Registry, fmt: str) -> str:
    """What `due` printed before it streamed: the list `Registry.due` returns, rendered."""

    @click.command()
    def listed() -> None:
        render_due(registry.due(today=TODAY, within_days=30), fmt)

    return CliRunner().invoke(listed, [], catch_exceptions=False).output


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_the_first_rows_are_printed_before_the_last_are_read(
    many: Registry, run: Run, printed: list[str], fmt: str
) -> None:
    """By the time the database gives its last rows, the first are already printed."""
    result = run("--lang", "en", "--format", fmt, "due", "--today", str(TODAY))
    assert result.exit_code == 0
    assert len(printed) >= 2  # read a chunk at a time
    before_last = printed[-1]
    assert result.output.startswith(before_last)
    assert before_last.count("\n") >= TABLE_BLOCK
    assert result.output.count("\n") - before_last.count("\n") >= COUNT - DUE_CHUNK


def test_the_table_lists_what_due_returns_in_its_order(many: Registry, run: Run) -> None:
    """Every item of `Registry.due`, in its order, overdue first, one table row each."""
    lines = run("--lang", "en", "due", "--today", str(TODAY)).output.splitlines()
    assert _cells(lines[0]) == ["DUE", "WHEN", "WHAT", "REF", "TITLE", "RESPONSIBLE"]
    rows = [_cells(line) for line in lines[2:]]
    due = many.due(today=TODAY, within_days=30)
    assert len(due) == COUNT
    assert [(row[0], row[3]) for row in rows] == [(i.due_on.isoformat(), i.ref) for i in due]
    assert rows[0][1] == f"{COUNT - 31} d overdue"
    assert rows[-31][1:3] == ["today", "review"]
    assert rows[-1][1] == "in 30 d"


def test_a_long_table_keeps_the_widths_of_its_first_rows(many: Registry, run: Run) -> None:
    """Columns are fitted to the first rows and kept: every row lines up with the headings,
    a longer title further down is cut with "…", and "in 30 d" has room."""
    lines = run("--lang", "en", "due", "--today", str(TODAY)).output.splitlines()
    starts = [lines[0].index(heading) for heading in ("WHEN", "WHAT", "REF", "TITLE")]
    for line in lines[2:]:
        assert [line[start - 2 : start] for start in starts] == ["  "] * 4, line
        assert line[starts[0] - 3] != " " and line[starts[3] - 3] != " ", line
    late = next(line for line in lines if "Riktlinje för" in line)
    title = _cells(late)[4]
    assert title.endswith("…") and LONG_TITLE.startswith(title[:-1])
    assert len(title) == len("Riktlinje 0000")
    assert _cells(lines[-1])[1] == "in 30 d"


def test_json_and_csv_read_as_when_the_whole_list_was_read_first(many: Registry, run: Run) -> None:
    """JSON and CSV are byte for byte what rendering `Registry.due`'s list gives, with the
    codes and the days left."""
    for fmt in ("json", "csv"):
        shown = run("--format", fmt, "due", "--today", str(TODAY)).output
        assert shown == _as_before(many, fmt)
    first = json.loads(run("--format", "json", "due", "--today", str(TODAY)).output)[0]
    assert first == {
        "due_on": (TODAY - dt.timedelta(days=COUNT - 31)).isoformat(),
        "when": f"{COUNT - 31} d overdue",
        "kind": "review",
        "days_left": -(COUNT - 31),
        "ref": "RIKT-0000",
        "title": "Riktlinje 0000",
        "person": "owner",
    }
    rows = list(csv.reader(io.StringIO(run("--format", "csv", "due").output)))
    assert rows[0] == ["due_on", "days_left", "kind", "ref", "title", "person"]


def test_a_short_table_is_fitted_to_all_its_rows(many: Registry, run: Run) -> None:
    """A table of fewer rows than a block is what it always was: each column as wide as
    its widest cell."""
    today = TODAY - dt.timedelta(days=COUNT - 40)  # RIKT-0000 is 9 days overdue
    lines = run("--lang", "en", "due", "--today", str(today), "--within", "3d").output
    heading, rule, *rows = lines.splitlines()
    assert len(rows) == 13
    cells = [_cells(heading), *(_cells(row) for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(6)]
    assert rule == "  ".join("-" * width for width in widths)
    assert [row[1] for row in cells[1:3]] == ["9 d overdue", "8 d overdue"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--lang", "en"), "Nothing is due.\n"),
        ((), "Inget infaller.\n"),
        (("--format", "json"), "[]\n"),
        (("--format", "csv"), '"due_on","days_left","kind","ref","title","person"\n'),
    ],
)
def test_nothing_due_says_so(run: Run, args: tuple[str, ...], expected: str) -> None:
    """An empty register: the table says nothing is due, JSON is an empty list, CSV its
    headings only."""
    result = run(*args, "due")
    assert result.exit_code == 0
    assert result.output == expected
