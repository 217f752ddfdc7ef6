"""The YAML store's files may be edited by hand or by a git merge: whatever is wrong with
one is a single line naming the file and the field, and refs never differ only in case."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest
import styrdok_yamlstore
import yaml
from click.testing import CliRunner
from styrdok_yamlstore.store import YamlStore

from styrdok.cli import main
from styrdok.demo import build_demo
from styrdok.errors import AlreadyExists, RegistryUnavailable
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry

sys._styrdok_testing = True  # type: ignore[attr-defined]

POL = "documents/POL-IS-01.yaml"
DISP = "dispensations/D-2026-0001.yaml"
TITLE = "  title: Informationssäkerhetspolicy\n"
REVIEW = "- document_ref: POL-IS-01\n  document_version: 1\n  reviewed_on"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Mittköping demo as a folder, built once (the plugin installed meanwhile)."""
    folder = tmp_path_factory.mktemp("template") / "register"
    get_plugin_manager().register(styrdok_yamlstore, name="yamlstore")
    try:
        with Registry.open(f"yaml://{folder}", create=True) as registry:
            build_demo(registry, today=dt.date(2026, 11, 22))
    finally:
        get_plugin_manager().unregister(name="yamlstore")
    return folder


@pytest.fixture
def folder(template: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the demo folder for one test, with the plugin installed."""
    copy = Path(shutil.copytree(template, tmp_path / "register"))
    get_plugin_manager().register(styrdok_yamlstore, name="yamlstore")
    yield copy
    get_plugin_manager().unregister(name="yamlstore")


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


Edit = Callable[[Path], None]


def replace(name: str, old: str | bytes, new: str | bytes) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / name
        text = path.read_bytes()
        old_b, new_b = (s.encode() if isinstance(s, str) else s for s in (old, new))
        assert old_b in text, (name, old)
        path.write_bytes(text.replace(old_b, new_b, 1))

    return edit


def write(name: str, text: str | bytes) -> Edit:
    return lambda folder: (folder / name).write_bytes(
        text if isinstance(text, bytes) else text.encode()
    )


def rename(name: str, to: str) -> Edit:
    return lambda folder: (folder / name).rename(folder / to)


def append(name: str, text: str | Callable[[str], str]) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / name
        old = path.read_text("utf-8")
        path.write_text(old + (text(old) if callable(text) else text), "utf-8")

    return edit


def truncate_last_line(folder: Path) -> None:
    path = folder / "audit.jsonl"
    text = path.read_bytes()
    path.write_bytes(text[: text.rstrip(b"\n").rfind(b"\n") + 60])


def cut_reviews(folder: Path) -> None:
    path = folder / POL
    path.write_text(path.read_text("utf-8").split("reviews:")[0], "utf-8")


def _line_count(folder: Path, name: str) -> int:
    return len((folder / name).read_bytes().splitlines())


def _byte_of(folder: Path, name: str, text: bytes) -> int:
    """Where ``text`` starts in file ``name``."""
    return (folder / name).read_bytes().index(text)


def _first_person(folder: Path) -> str:
    return str(yaml.safe_load((folder / "people.yaml").read_text("utf-8"))[0]["ref"])


def bad_generation(folder: Path) -> None:
    path = folder / "styrdok.yaml"
    path.write_text(re.sub(r"generation: \d+", "generation: many", path.read_text()), "utf-8")


#: What the one line says: as written, or made from the folder before it is spoiled (where
#: the demo's contents decide a line or a byte number).
Message = str | Callable[[Path], str]

# (id, how the folder is spoiled, what the one line says)
CASES: list[tuple[str, Edit, Message]] = [
    (
        "nested 100,000 deep",
        write(POL, "document: " + "[" * 100_000),
        f"{POL}: line 1, column 30: nested more than 20 deep",
    ),
    (
        "JSON nested 100,000 deep in the audit log",
        append("audit.jsonl", '{"seq": ' + "[" * 100_000 + "\n"),
        lambda folder: (
            f"audit.jsonl: line {_line_count(folder, 'audit.jsonl') + 1}: nested too deeply"
        ),
    ),
    (
        "a missing field",
        replace(POL, TITLE, ""),
        f"{POL}: required field missing @ $.document.title",
    ),
    ("a missing section", cut_reviews, f"{POL}: required field missing @ $.reviews"),
    (
        "a list where a mapping is expected",
        replace(POL, "follow_up:\n    method:", "follow_up:\n  - method:"),
        f"{POL}: unknown error ('list' object has no attribute 'keys') @ $.document.follow_up",
    ),
    ("a file that is a list", write(DISP, "- a\n- b\n"), f"{DISP}: expected a mapping @ $"),
    ("an empty document file", write(POL, ""), f"{POL}: expected a mapping @ $"),
    (
        "a mapping where the list is",
        write("people.yaml", "ref: x\n"),
        "people.yaml: expected a list",
    ),
    (
        "a string where a date is",
        replace(DISP, "valid_until: '2026-12-12'", "valid_until: soon"),
        f"{DISP}: invalid value for type, expected date @ $.valid_until",
    ),
    (
        "an unknown key",
        replace(POL, TITLE, TITLE + "  colour: red\n"),
        f"{POL}: extra fields found (colour) @ $.document",
    ),
    (
        "invalid UTF-8",
        replace("people.yaml", "Amir Yusuf", b"Amir \xffYusuf"),
        lambda folder: (
            "people.yaml: not UTF-8: invalid start byte at byte "
            f"{_byte_of(folder, 'people.yaml', b'Amir Yusuf') + len('Amir ')}"
        ),
    ),
    (
        "invalid UTF-8 in the audit log",
        replace("audit.jsonl", '"actor": "eva.ek"', b'"actor": "eva.\xc3k"'),
        "audit.jsonl: line 1: not UTF-8: invalid continuation byte",
    ),
    (
        "a control character",
        replace("people.yaml", "Amir Yusuf", "Amir\0Yusuf"),
        "people.yaml: unacceptable character #x0000",
    ),
    (
        "a YAML bomb",
        write("bodies.yaml", BOMB),
        "bodies.yaml: line 1, column 4: anchors, aliases and tags (&, *, !) are not read",
    ),
    (
        "a Python object tag",
        write(DISP, "!!python/object/apply:os.system ['echo hi']\n"),
        f"{DISP}: line 1, column 1: anchors, aliases and tags",
    ),
    (
        "a huge file",
        write("outbox.yaml", "#" * 10_000_001),
        "outbox.yaml: larger than 10,000,000 bytes; a register this large belongs in SQLite",
    ),
    (
        "a document file named for another ref",
        rename(POL, "documents/POL-IS-99.yaml"),
        "documents/POL-IS-99.yaml: 'POL-IS-01' is not the ref the file is named for"
        " @ $.document.ref",
    ),
    (
        "a file named for the ref in other case",
        rename(DISP, "dispensations/d-2026-0001.yaml"),
        "dispensations/d-2026-0001.yaml: 'D-2026-0001' is not the ref the file is named for"
        " @ $.ref",
    ),
    (
        "another document's review in a document's file",
        replace(POL, REVIEW, REVIEW.replace("POL-IS-01", "RIKT-IS-01", 1)),
        f"{POL}: 'RIKT-IS-01' is not the ref the file is named for @ $.reviews[0].document_ref",
    ),
    (
        "a key twice",
        replace(POL, TITLE, TITLE + "  title: Igen\n"),
        f"{POL}: line 4, column 3: the key 'title' twice",
    ),
    (
        "a person twice",
        append("people.yaml", lambda text: text.split("- ref: anna.lind")[0]),
        lambda folder: f"people.yaml: person {_first_person(folder)!r} appears twice",
    ),
    (
        "a review twice",
        append(POL, lambda text: REVIEW + text.split(REVIEW)[1]),
        f"{POL}: review 1 appears twice",
    ),
    (
        "a review without its id",
        replace(POL, "  id: 1\n", "  id: null\n"),
        f"{POL}: review without its id",
    ),
    (
        "a truncated audit line",
        truncate_last_line,
        lambda folder: f"audit.jsonl: line {_line_count(folder, 'audit.jsonl')}: not JSON: ",
    ),
    (
        "not YAML",
        replace(POL, TITLE, "  title: [unclosed\n"),
        f"{POL}: line 4, column 11: expected ',' or ']', but got ':'",
    ),
    (
        "a change counter that is not a number",
        bad_generation,
        "styrdok.yaml: expected a whole number @ $.generation",
    ),
]


def test_the_table_covers_the_issue() -> None:
    assert len({case[0] for case in CASES}) == len(CASES) >= 20


@pytest.mark.parametrize(("spoil", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_spoiled_file_is_one_line_naming_it(folder: Path, spoil: Edit, message: Message) -> None:
    """The API raises one RegistryUnavailable; the command line shows it as one `Error:`
    line, exit 1, and writes nothing."""
    message = message if isinstance(message, str) else message(folder)
    spoil(folder)
    before = _files(folder)
    with pytest.raises(RegistryUnavailable) as raised, YamlStore(f"yaml://{folder}").transaction():
        pass
    assert message in str(raised.value)
    result = CliRunner().invoke(main, ["--lang", "en", "--db", f"yaml://{folder}", "doc", "list"])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == f"Error: {raised.value}\n"
    assert re.fullmatch(r"Error: [^\n]+\n", result.stderr)
    assert _files(folder) == before


def test_hand_written_dates_are_read_as_dates(folder: Path) -> None:
    """YAML's unquoted dates (as a person writes them) are dates, and are written back as
    styrdok writes every date: quoted text."""
    replace(DISP, "valid_until: '2026-12-12'", "valid_until: 2026-12-13")(folder)
    with Registry.open(f"yaml://{folder}") as registry:
        assert registry.get_dispensation("D-2026-0001").valid_until == dt.date(2026, 12, 13)
        store = registry.store
        with store.transaction():
            old = store.get_dispensation("D-2026-0001")
            assert old is not None
            store.update_dispensation(attrs.evolve(old, scope="Ny"), expected_revision=old.revision)
    assert "valid_until: '2026-12-13'" in (folder / DISP).read_text("utf-8")


def test_refs_differing_only_in_case_are_refused(folder: Path) -> None:
    """`pol-is-01` beside `POL-IS-01` would look like one record and be two — and one file
    on a case-insensitive file system: every way in refuses it, naming the stored ref."""
    before = _files(folder)
    store = YamlStore(f"yaml://{folder}")
    with store.transaction(write=False):
        document = store.get_document("POL-IS-01")
        person, body = store.get_person("anna.lind"), store.get_body("KF")
        dispensation = store.get_dispensation("D-2026-0001")
        rows = {name: next(store.iter_table(name)) for name in ("person", "document")}
    assert document and person and body and dispensation
    case, evolve = " already exists (refs are compared regardless of case)", attrs.evolve
    for insert, record, message in (
        (store.insert_document, evolve(document, ref="pol-is-01"), "document POL-IS-01" + case),
        (store.insert_person, evolve(person, ref="Anna.Lind"), "person anna.lind" + case),
        (store.insert_body, evolve(body, ref="kf"), "body KF" + case),
        (store.insert_dispensation, evolve(dispensation, ref="d-2026-0001"),
         "dispensation D-2026-0001" + case),
        (store.insert_person, person, "person anna.lind already exists"),
    ):  # fmt: skip
        with pytest.raises(AlreadyExists) as raised, store.transaction():
            insert(record)
        assert str(raised.value) == message
    first = rows["document"]["ref"]
    with pytest.raises(AlreadyExists, match=f"document {first} already"), store.transaction():
        store.bulk_insert("document", [{**rows["document"], "ref": first.lower()}])
    with pytest.raises(AlreadyExists, match=r"person new\.one already"), store.transaction():
        store.bulk_insert("person", [{**rows["person"], "ref": r} for r in ("new.one", "New.One")])
    with store.transaction(write=False):
        assert store.existing_refs("document", ["pol-is-01", "POL-IS-01", "NEW-1"]) == ["POL-IS-01"]
        assert store.existing_refs("person", ["Anna.Lind", "ghost"]) == ["anna.lind"]
    assert _files(folder) == before

    # A refused transaction leaves no trace in what is compared: the ref is free again.
    def fail_midway() -> None:
        with store.transaction():
            store.insert_person(attrs.evolve(person, ref="kim.olsson"))
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        fail_midway()
    with store.transaction():
        store.insert_person(attrs.evolve(person, ref="Kim.Olsson"))
    assert (folder / "people.yaml").read_text("utf-8").count("Kim.Olsson") == 1
