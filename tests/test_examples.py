"""The examples run as documented: the Mittköping walk-through, and every example command in
the documentation — each command's ``--help``, the README's and ``docs/``'s shell blocks and
``examples/*/README.md`` — against a fresh copy of the demo register."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from styrdok.cli import main
from styrdok.registry import Registry

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


# --- every documented example command ------------------------------------------------------
#
# An example is a shell line as a reader would type it. Each runs in a folder of its own
# holding a copy of the demo register as `mittkoping.db` (with its `mittkoping.db.files/`),
# with STYRDOK_DB=mittkoping.db as if exported; the lines of one README or docs block run in
# order on one copy, since a tour builds on what it did before. The clock stands at the
# demo's day, so the refs an example names (D-2026-0011) and its dates stay valid whatever
# the calendar says.

#: The demo's fixed day, and the registry's clock while the examples run (09:00 in Sweden).
DEMO_TODAY = "2026-11-22"
CLOCK = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)

#: Examples that cannot run here, each matched by its source and a piece of its text, with
#: the reason. Keep it short: create what an example needs instead (see FILES below).
NOT_RUN: dict[tuple[str, str], str] = {
    ("src/styrdok/cli/remind.py", "--channel smtp"): (
        "sends mail: needs plugins/styrdok-smtp and a mail server; run as written against "
        "a real SMTP server on loopback by plugins/styrdok-smtp/tests/test_smtp.py::"
        "test_the_help_example_that_sends_mail_sends_it"
    ),
    ("docs/files.md", "$ styrdok files verify"): (
        "shows the output for a storage in which a file was changed behind the register's "
        "back; tests/test_attachments.py damages a storage and checks that output"
    ),
}

#: Files the examples read that a reader would have from elsewhere, made in the example's
#: folder when an example names one that is not there yet (an output is never pre-made).
FILES: dict[str, Callable[[Path], None]] = {}

#: Options whose value is a file or folder the command writes, never one it reads.
OUTPUT_OPTIONS = {"-o", "--output", "--xlsx", "--csv", "--csv-excel", "--public", "--html"}

#: Absolute paths in examples (a server's folders) are made inside the example's folder.
ROOTED = ("/etc/", "/srv/")

#: Headings under which a command's --help lists its examples.
EXAMPLE_HEADINGS = {"Example:", "Examples:", "Try it:", "Exempel:", "Prova:"}


@dataclass(frozen=True)
class Line:
    """One line of an example as written (continuation lines joined), and where."""

    number: int
    text: str


@dataclass(frozen=True)
class Example:
    """Example lines to run in order on one copy of the demo: a documentation block, or
    one example of a --help with those above it in the same help (it may build on them)."""

    source: str
    """The file it is written in, relative to the repository."""
    id: str
    """Where, for pytest: the file and line (or lines), and the --help or kind of block."""
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# --- collecting ----------------------------------------------------------------------------


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of every command and group beneath ``group``, ``group`` itself first."""
    yield path
    ctx = click.Context(group, info_name="styrdok")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        elif command is not None:
            yield (*path, name)


def _command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None
        command = found
    return command


def _help_sections(text: str) -> Iterator[list[tuple[str, str]]]:
    """The lines under each examples heading of a help text: each example's first line as
    written, and the example with its continuation lines joined."""
    lines = text.splitlines()
    for at, heading in enumerate(lines):
        if heading.strip() not in EXAMPLE_HEADINGS:
            continue
        section: list[tuple[str, str]] = []
        for line in lines[at + 1 :]:
            if not line.strip() or not line.startswith("    "):
                break
            if section and section[-1][1].endswith("\\"):
                first, joined = section[-1]
                section[-1] = (first, joined[:-1].rstrip() + " " + line.strip())
            else:
                section.append((line.strip(), line.strip()))
        yield section


def _source_line(command: click.Command, first_words: str) -> tuple[str, int]:
    """Where an example of ``command``'s help is written: its file and line."""
    function = inspect.unwrap(command.callback) if command.callback else None
    if function is None:  # pragma: no cover - every styrdok command has a callback
        return "?", 0
    path = Path(inspect.getsourcefile(function) or "?")
    start = inspect.getsourcelines(function)[1]
    source = path.read_text(encoding="utf-8").splitlines()
    for number in range(start, len(source) + 1):
        if source[number - 1].strip().startswith(first_words):
            break
    else:
        number = start
    try:
        return str(path.relative_to(ROOT)), number
    except ValueError:  # a plugin's command, installed elsewhere
        return str(path), number


def _help_label(path: tuple[str, ...]) -> str:
    return f"({' '.join(('styrdok', *path, '--help'))})"


def help_examples() -> list[Example]:
    """Every example line in every command's --help: one example per line."""
    examples = []
    for path in _commands(main):
        text = CliRunner().invoke(main, [*path, "--help"]).output
        for section in _help_sections(text):
            lines: list[Line] = []
            for first, entry in section:
                source, number = _source_line(_command_at(path), first)
                lines.append(Line(number, entry))
                label = _help_label(path)
                examples.append(Example(source, f"{source}:{number} {label}", tuple(lines)))
    return examples


def _fenced_blocks(text: str) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """Each fenced code block: its info string and its numbered lines (1-based)."""
    info: str | None = None
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        fence = re.match(r"\s*```(\S*)", line)
        if fence and info is None:
            info, block = fence[1], []
        elif fence:
            yield info, block
            info = None
        elif info is not None:
            block.append((number, line))


SHELL_LINE = re.compile(r"(?:export\s+)?(?:[A-Z_]+=\S*\s+)*styrdok\s|export\s+STYRDOK_\w+=")


def doc_examples() -> list[Example]:
    """Every documentation block with a styrdok command: one example per block. In a shell
    block a line is a command (or an `export` of a STYRDOK_ variable), or ends in commands
    after `&&`; in a console or plain block only a line after `$ ` is."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    files += sorted((ROOT / "examples").glob("*/README.md"))
    examples = []
    for path in files:
        source = str(path.relative_to(ROOT))
        for info, block in _fenced_blocks(path.read_text(encoding="utf-8")):
            if info not in ("bash", "sh", "shell", "console", ""):
                continue
            lines: list[Line] = []
            continued = False
            for number, raw in block:
                line = raw.strip()
                if continued:
                    lines[-1] = Line(lines[-1].number, lines[-1].text[:-1].rstrip() + " " + line)
                elif info in ("console", "") and line.startswith("$ "):
                    if SHELL_LINE.match(line[2:]):
                        lines.append(Line(number, line))
                elif info not in ("console", "") and SHELL_LINE.match(line):
                    lines.append(Line(number, line))
                elif info not in ("console", "") and " && styrdok " in line:
                    # `pip install -e . && styrdok demo`: the styrdok commands at its end
                    tail = line[line.index(" && styrdok ") + 4 :]
                    lines.append(Line(number, tail))
                else:
                    continue
                continued = line.endswith("\\")
            if lines:
                first, last = lines[0].number, lines[-1].number
                where = f"{source}:{first}" + (f"-{last}" if last != first else "")
                examples.append(Example(source, f"{where} ({info or 'text'} block)", tuple(lines)))
    return examples


EXAMPLES = help_examples() + doc_examples()


# --- running -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo register, built once, as `mittkoping.db` and its files' folder."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        _stop_the_clock(patch)
        built = CliRunner().invoke(
            main, ["--db", str(folder / "mittkoping.db"), "demo", "--today", DEMO_TODAY]
        )
    assert built.exit_code == 0, built.output
    return folder


def _stop_the_clock(patch: pytest.MonkeyPatch) -> None:
    """Every registry the command line opens keeps the demo's day, not the calendar's."""
    open_registry = Registry.open.__func__  # type: ignore[attr-defined]

    def on_the_demo_day(
        cls: type[Registry],
        target: str | None = None,
        *,
        create: bool = False,
        clock: Callable[[], dt.datetime] = lambda: CLOCK,
    ) -> Registry:
        return open_registry(cls, target, create=create, clock=clock)  # type: ignore[no-any-return]

    patch.setattr(Registry, "open", classmethod(on_the_demo_day))


#: The PostgreSQL address the docs show; the test runs those examples on a new database of
#: the suite's real server instead (the `postgres` fixture of tests/conftest.py).
DOCS_POSTGRES = "postgresql+psycopg://styrdok@db.region.example/styrdok"


def _on_a_real_server(example: Example, request: pytest.FixtureRequest) -> Example:
    """``example`` with the docs' made-up PostgreSQL address replaced by a fresh database."""
    if not any(DOCS_POSTGRES in line.text for line in example.lines):
        return example
    url = request.getfixturevalue("postgres").create_database()
    lines = tuple(
        Line(line.number, line.text.replace(DOCS_POSTGRES, url)) for line in example.lines
    )
    return Example(example.source, example.id, lines)


def _not_run(example: Example) -> str | None:
    for (source, text), reason in NOT_RUN.items():
        if example.source == source and text in example.text:
            return reason
    return None


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_the_example_runs_against_the_demo(
    example: Example,
    demo_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """Each command exits 0 — or, marked `# refused`, exits 1 with one line, `Error: …` —
    run in order on a copy of the demo register (a PostgreSQL example on a real server)."""
    reason = _not_run(example)
    if reason is not None:
        pytest.skip(f"{example.id}: {reason}")
    example = _on_a_real_server(example, request)
    _stop_the_clock(monkeypatch)
    monkeypatch.chdir(tmp_path)
    first = shlex.split(_without_prompt(example.lines[0].text), comments=True)
    if "demo" not in first:  # an example that builds the demo starts in an empty folder
        shutil.copy(demo_folder / "mittkoping.db", tmp_path / "mittkoping.db")
        shutil.copytree(demo_folder / "mittkoping.db.files", tmp_path / "mittkoping.db.files")
    env: dict[str, str | None] = {
        "STYRDOK_DB": "mittkoping.db",
        "STYRDOK_USER": None,
        "STYRDOK_CONFIG": None,
        "STYRDOK_AUDIT_KEY": None,
        "STYRDOK_AUDIT_KEY_FILE": None,
        "STYRDOK_TRACE_PLUGINS": None,
    }
    for line in example.lines:
        _run_line(line, env, tmp_path, where=f"{example.source}:{line.number}")


def _without_prompt(text: str) -> str:
    return text[2:] if text.startswith("$ ") else text


def _run_line(line: Line, env: dict[str, str | None], folder: Path, *, where: str) -> None:
    words = shlex.split(_without_prompt(line.text), comments=True)
    if words[0] == "export":
        for assignment in words[1:]:
            name, _, value = assignment.partition("=")
            env[name] = _rooted(value, folder)
        return
    refused = re.search(r"#.*\brefused\b", line.text, flags=re.I) is not None
    while words:
        command = words[: words.index("&&")] if "&&" in words else words
        words = words[len(command) + 1 :]
        result = _run_command(command, env, folder)
        shown = f"{where}: {line.text}\n{result.output}"
        if refused:
            assert result.exit_code == 1, shown
            assert result.stdout == "", shown
            assert re.fullmatch(r"Error: [^\n]+\n", result.stderr), shown
            break
        assert result.exit_code == 0, shown


def _run_command(words: list[str], env: dict[str, str | None], folder: Path) -> Result:
    here = dict(env)
    while "=" in words[0]:  # VAR=value styrdok …
        name, _, value = words.pop(0).partition("=")
        here[name] = _rooted(value, folder)
    assert words[0] == "styrdok", f"not a styrdok command: {' '.join(words)}"
    args, target = [_rooted(word, folder) for word in words[1:]], None
    if ">" in args:
        args, target = args[: args.index(">")], args[args.index(">") + 1]
    read = [word for at, word in enumerate(args) if at == 0 or args[at - 1] not in OUTPUT_OPTIONS]
    for word in [*read, *(value for value in here.values() if value)]:
        if Path(word).name in FILES and not Path(word).exists():
            FILES[Path(word).name](Path(word))
    args = _fill_in(args, here)
    result = CliRunner(env=here).invoke(main, args, catch_exceptions=False)
    if target is not None:
        Path(target).write_bytes(result.stdout_bytes)
    return result


def _rooted(word: str, folder: Path) -> str:
    if word.startswith(ROOTED):
        path = folder / word.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(path)
    return word


def _fill_in(args: list[str], env: dict[str, str | None]) -> list[str]:
    """Put in what an example leaves for the reader to fill in: `--expect HASH
    --expect-count N` is the head that an earlier `audit verify` printed; `token revoke ID`
    names the token an earlier `token create` made (its id is random)."""
    if args[-3:-1] == ["token", "revoke"] and args[-1] == "ID":
        actor = args[args.index("--as") + 1] if "--as" in args else env["STYRDOK_USER"]
        listed = CliRunner(env=env).invoke(main, ["--format", "json", "token", "list"])
        rows = json.loads(listed.stdout)
        [own] = [t["id"] for t in rows if t["person"] == actor and t["status"] == "valid"]
        return [*args[:-1], own]
    if "HASH" not in args:
        return args
    verified = CliRunner(env=env).invoke(main, ["--format", "json", "audit", "verify"])
    head = json.loads(verified.stdout)
    filled = {"HASH": head["head"], "N": str(head["events"])}
    return [filled.get(word, word) for word in args]


# --- files the examples assume -------------------------------------------------------------


def _file(name: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(make: Callable[[Path], None]) -> Callable[[Path], None]:
        FILES[name] = make
        return make

    return register


def _styrdok(*args: str) -> None:
    """Run a command on the example's copy of the demo (in the current folder)."""
    done = CliRunner().invoke(main, ["--db", "mittkoping.db", *args], catch_exceptions=False)
    assert done.exit_code == 0, done.output


@_file("register.json")
def _an_export(target: Path) -> None:
    """What `styrdok export -o register.json` wrote."""
    _styrdok("export", "-o", str(target))


@_file("register.xlsx")
def _a_workbook(target: Path) -> None:
    """What `styrdok export --xlsx register.xlsx` wrote."""
    _styrdok("export", "--xlsx", str(target))


@_file("other-unit.json")
def _another_units_export(target: Path) -> None:
    """Another unit's register, exported: an administrator of its own and a body."""
    from styrdok import Body, Person

    with Registry.open(target.with_suffix(".db"), create=True) as other:
        other.add_person(Person("kim.strom", "Kim Ström", is_admin=True), actor=None)
        other.add_body(Body("MBN", "Miljö- och byggnämnden", "committee"), actor="kim.strom")
        with target.open("w", encoding="utf-8") as out:
            other.export_json(out)


@_file("beslut.pdf")
def _a_decision(target: Path) -> None:
    """A minutes' extract as PDF: the demo's own."""
    pdf = resources.files("styrdok.demo") / "files" / "protokollsutdrag-ks-132.pdf"
    target.write_bytes(pdf.read_bytes())


@_file("audit.key")
def _an_audit_key(target: Path) -> None:
    """A key as `openssl rand -hex 32` makes one."""
    target.write_text("5f" * 32 + "\n", encoding="ascii")


# --- the collection itself -----------------------------------------------------------------


def test_examples_are_collected_from_every_source() -> None:
    """Every command's --help has an example, and each kind of source yields some."""
    for path in _commands(main):
        if not isinstance(_command_at(path), click.Group):
            assert any(example.id.endswith(_help_label(path)) for example in EXAMPLES), path
    sources = {example.source for example in EXAMPLES}
    assert {"README.md", "docs/files.md", "docs/spreadsheets.md"} <= sources
    assert "examples/mittkoping/README.md" in sources


def test_every_example_not_run_exists() -> None:
    """The list of examples not run names only examples that are there."""
    for (source, text), reason in NOT_RUN.items():
        assert any(e.source == source and text in e.text for e in EXAMPLES), (source, text)
        assert reason
