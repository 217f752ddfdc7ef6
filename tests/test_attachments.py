"""Files of documents: what is taken and what is refused, search by a file's words, the
storage checked, and the command line (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from styrdok.cli import main
from styrdok.config import Config, FileSettings
from styrdok.default_plugins.local_files import LocalFileStore
from styrdok.errors import InvalidValue, NotFound
from styrdok.registry import Registry
from styrdok.testing import sample_files

Run = Callable[..., Result]


@pytest.fixture
def storage(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def config(storage: Path) -> Config:
    return Config(files=FileSettings(directory=str(storage), max_mb=1))


def _stored(storage: Path) -> list[Path]:
    return [p for p in storage.rglob("*") if p.is_file()] if storage.exists() else []


def _attach(registry: Registry, path: Path, config: Config) -> object:
    return registry.attach_file("POL-1", path, actor="owner", config=config)


# --- what is refused, with nothing stored or recorded ------------------------------------


def test_a_file_larger_than_the_limit_is_refused(
    seeded: Registry, config: Config, storage: Path, tmp_path: Path
) -> None:
    """`[files] max_mb` is a hard limit, and the refusal leaves nothing behind."""
    big = sample_files.write(tmp_path / "stor.txt", b"a" * (1024 * 1024 + 1))
    events = len(list(seeded.audit_events()))
    with pytest.raises(InvalidValue, match=r"stor.txt: larger than 1.0 MB, the most a file"):
        _attach(seeded, big, config)
    assert seeded.document_files("POL-1") == []
    assert _stored(storage) == [] and len(list(seeded.audit_events())) == events


def test_a_program_renamed_pdf_is_refused(seeded: Registry, config: Config, tmp_path: Path) -> None:
    """The type is read from the content: a Windows program named .pdf is not a PDF."""
    program = sample_files.write(tmp_path / "beslut.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(InvalidValue, match="not a PDF but a Windows program"):
        _attach(seeded, program, config)


def test_an_archive_of_many_parts_is_no_office_document(
    seeded: Registry, config: Config, tmp_path: Path
) -> None:
    """A ZIP declaring more parts than any DOCX has is refused before it is opened."""
    import zipfile

    path = tmp_path / "bilaga.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("[Content_Types].xml", "word/document.xml"):
            archive.writestr(name, "<x/>")
        for number in range(10_000):
            archive.writestr(f"p/{number}", "")
    with pytest.raises(InvalidValue, match=r"not a Word document \(DOCX\) but a ZIP archive"):
        _attach(seeded, path, config)


def test_a_type_the_settings_do_not_allow_is_refused(
    seeded: Registry, storage: Path, tmp_path: Path
) -> None:
    """`[files] types` narrows what may be attached."""
    only_pdf = Config(files=FileSettings(directory=str(storage), types=("pdf",)))
    odt = sample_files.write(tmp_path / "mall.odt", sample_files.odt(["Mall"]))
    with pytest.raises(
        InvalidValue, match=r"files ending \.odt may not be attached; allowed: \.pdf"
    ):
        _attach(seeded, odt, only_pdf)


def test_text_that_is_not_utf8_is_refused(seeded: Registry, config: Config, tmp_path: Path) -> None:
    """A .txt must be UTF-8 text."""
    latin1 = sample_files.write(tmp_path / "gammal.txt", "Räksmörgås".encode("latin-1"))
    with pytest.raises(InvalidValue, match="the content is not UTF-8 text"):
        _attach(seeded, latin1, config)


def test_a_missing_file_is_named(seeded: Registry, config: Config, tmp_path: Path) -> None:
    """The path given is said back."""
    with pytest.raises(NotFound, match=r"saknas\.pdf: no such file"):
        _attach(seeded, tmp_path / "saknas.pdf", config)


def test_an_empty_file_is_refused(seeded: Registry, config: Config, tmp_path: Path) -> None:
    """An empty file is a mistake, not a document."""
    with pytest.raises(InvalidValue, match="the file is empty"):
        _attach(seeded, sample_files.write(tmp_path / "tom.txt", b""), config)


# --- text for search -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("beslut.pdf", lambda words: sample_files.pdf(words)),
        ("bilaga.docx", lambda words: sample_files.docx(words)),
        ("mall.odt", lambda words: sample_files.odt(words)),
        ("bilaga.md", lambda words: "\n\n".join(words).encode()),
    ],
)
def test_attach_then_search_finds_the_files_words(
    seeded: Registry, config: Config, tmp_path: Path, name: str, make: Callable[..., bytes]
) -> None:
    """PDF, DOCX, ODT and Markdown files are found by the words in them."""
    path = sample_files.write(tmp_path / name, make(["Samrådet med elevråden sker årligen"]))
    _attach(seeded, path, config)
    assert [hit.ref for hit in seeded.search_documents("elevråden")] == ["POL-1"]


def test_a_zip_bomb_is_attached_without_its_text(
    seeded: Registry, config: Config, tmp_path: Path
) -> None:
    """An ODT that unpacks to 60 MB is not read (nor held in memory), only attached."""
    bomb = sample_files.write(tmp_path / "bomb.odt", sample_files.zip_bomb_odt(60_000_000))
    result = seeded.attach_file("POL-1", bomb, actor="owner", config=config)
    assert result.text_length == 0
    assert result.text_problem == "its text is not read: more than 30 MB of XML unpacked"


def test_the_word_count_stays_the_documents_own(
    seeded: Registry, config: Config, tmp_path: Path
) -> None:
    """A long appendix does not make the document itself longer."""
    before = seeded.get_document("POL-1").word_count
    words = " ".join(["ord"] * 5000)
    _attach(seeded, sample_files.write(tmp_path / "bilaga.txt", words.encode()), config)
    assert seeded.get_document("POL-1").word_count == before


# --- the storage checked ---------------------------------------------------------------------


def test_verify_names_a_file_changed_in_the_storage(
    seeded: Registry, config: Config, storage: Path, tmp_path: Path
) -> None:
    """A file whose bytes no longer have the recorded SHA-256 is reported, with the hash."""
    txt = sample_files.write(tmp_path / "beslut.txt", b"Beslutat\n")
    stored = seeded.attach_file("POL-1", txt, actor="owner", config=config).attachment
    LocalFileStore(storage).path(stored.sha256).write_bytes(b"Ej beslutat\n")
    [problem] = seeded.verify_files(config=config).problems
    assert problem.attachment == stored
    assert problem.problem.startswith("changed in the storage: 12 bytes whose SHA-256 is ")


def test_verify_names_a_file_missing_from_the_storage(
    seeded: Registry, config: Config, storage: Path, tmp_path: Path
) -> None:
    """A file removed from the storage behind styrdok's back is reported."""
    txt = sample_files.write(tmp_path / "beslut.txt", b"Beslutat\n")
    stored = seeded.attach_file("POL-1", txt, actor="owner", config=config).attachment
    LocalFileStore(storage).path(stored.sha256).unlink()
    [problem] = seeded.verify_files(config=config).problems
    assert problem.problem == "missing from the storage"


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def files_cli(cli: Run, seeded: Registry, tmp_path: Path, storage: Path) -> Run:
    """`styrdok --config <[files] in the test's folder> ARGS…`."""
    settings = tmp_path / "styrdok.toml"
    settings.write_text(f'[files]\ndirectory = "{storage}"\n', encoding="utf-8")
    return lambda *args: cli("--config", str(settings), *args)


def test_attach_list_fetch_and_detach_on_the_command_line(files_cli: Run, tmp_path: Path) -> None:
    """The whole round, with the exact lines a user sees."""
    txt = sample_files.write(tmp_path / "beslut.txt", "Beslut om molntjänster\n".encode())
    attached = files_cli(
        "--lang", "en", "--as", "owner", "doc", "attach", "POL-1", str(txt), "--kind", "decision"
    )
    assert attached.exit_code == 0, attached.output
    digest = json.loads(
        files_cli("--lang", "en", "--format", "json", "doc", "files", "POL-1").output
    )[0]["sha256"]
    assert attached.output == (
        f"Attached beslut.txt to POL-1 as file #1 (text/plain, 24 B, SHA-256 {digest}; "
        "22 characters of text to search).\n"
    )
    listed = files_cli("--lang", "en", "doc", "files", "POL-1").output.splitlines()
    assert listed[0].split() == [
        "#",
        "NAME",
        "KIND",
        "TITLE",
        "TYPE",
        "SIZE",
        "SHA-256",
        "ADDED",
        "BY",
        "ADDED",
    ]
    assert listed[2].split()[:7] == [
        "1",
        "beslut.txt",
        "decision",
        "beslut.txt",
        "text/plain",
        "24",
        "B",
    ]
    copy = tmp_path / "kopia.txt"
    fetched = files_cli("--lang", "en", "doc", "file", "POL-1", "1", "-o", str(copy))
    assert fetched.output == f"Wrote #1 beslut.txt of POL-1 (24 B, SHA-256 checked) to {copy}.\n"
    assert copy.read_bytes() == txt.read_bytes()
    detached = files_cli("--lang", "en", "--as", "owner", "doc", "detach", "POL-1", "beslut.txt")
    assert detached.output == "Detached #1 beslut.txt from POL-1.\n"
    assert files_cli("--lang", "en", "doc", "files", "POL-1").output == "POL-1 has no files.\n"


def test_the_same_file_twice_is_one_line_and_exit_1(files_cli: Run, tmp_path: Path) -> None:
    """A document has each file once."""
    txt = sample_files.write(tmp_path / "beslut.txt", b"Beslutat\n")
    assert (
        files_cli("--lang", "en", "--as", "owner", "doc", "attach", "POL-1", str(txt)).exit_code
        == 0
    )
    again = files_cli(
        "--lang", "en", "--as", "owner", "doc", "attach", "POL-1", str(txt), "--name", "igen.txt"
    )
    assert (again.exit_code, again.stderr) == (
        1,
        "Error: POL-1 already has this file, as #1 beslut.txt (same SHA-256)\n",
    )


def test_an_unknown_document_is_one_line_and_exit_1(files_cli: Run, tmp_path: Path) -> None:
    """Nothing is read or stored for a document that does not exist."""
    txt = sample_files.write(tmp_path / "beslut.txt", b"Beslutat\n")
    result = files_cli("--lang", "en", "--as", "owner", "doc", "attach", "NOPE", str(txt))
    assert (result.exit_code, result.stderr) == (1, "Error: unknown document 'NOPE'\n")


def test_files_verify_prints_a_line_per_file_and_exits_1(
    files_cli: Run, tmp_path: Path, storage: Path
) -> None:
    """`files verify`: one reason per bad file, a summary, exit 1; exit 0 when all is well."""
    for name in ("a.txt", "b.txt"):
        path = sample_files.write(tmp_path / name, name.encode())
        assert (
            files_cli(
                "--lang", "en", "--as", "owner", "doc", "attach", "POL-1", str(path)
            ).exit_code
            == 0
        )
    good = files_cli("--lang", "en", "files", "verify")
    assert (good.exit_code, good.output) == (
        0,
        f"Checked 2 files in {storage}: all present and unchanged.\n",
    )
    for path in _stored(storage):
        if path.read_bytes() == b"b.txt":
            path.unlink()
    bad = files_cli("--lang", "en", "files", "verify")
    assert (bad.exit_code, bad.output) == (
        1,
        f"POL-1 #2 b.txt: missing from the storage\nChecked 2 files in {storage}: "
        "1 missing or changed.\n",
    )


def test_a_changed_file_is_not_written_out(files_cli: Run, tmp_path: Path, storage: Path) -> None:
    """`doc file` checks the hash before the output appears: a changed file gives an error
    and no file."""
    txt = sample_files.write(tmp_path / "beslut.txt", b"Beslutat\n")
    files_cli("--lang", "en", "--as", "owner", "doc", "attach", "POL-1", str(txt))
    [stored] = _stored(storage)
    stored.write_bytes(b"Ej beslutat\n")
    out = tmp_path / "ut.txt"
    result = files_cli("--lang", "en", "doc", "file", "POL-1", "beslut.txt", "-o", str(out))
    assert result.exit_code == 1
    assert (
        "the content in" in result.stderr and "is not the file that was attached" in result.stderr
    )
    assert not out.exists()


def test_fetching_a_file_never_replaces_one_by_surprise(files_cli: Run, tmp_path: Path) -> None:
    """`doc file -o` refuses an existing file unless told --force: a typo in the output
    path must not overwrite anything."""
    txt = sample_files.write(tmp_path / "beslut.txt", b"Beslutat\n")
    files_cli("--lang", "en", "--as", "owner", "doc", "attach", "POL-1", str(txt))
    precious = sample_files.write(tmp_path / "viktig.txt", b"mitt eget\n")
    refused = files_cli("--lang", "en", "doc", "file", "POL-1", "beslut.txt", "-o", str(precious))
    assert refused.exit_code == 2
    assert f"{precious} exists; give --force to replace it" in refused.stderr
    assert precious.read_bytes() == b"mitt eget\n"
    forced = files_cli(
        "--lang", "en", "doc", "file", "POL-1", "beslut.txt", "-o", str(precious), "--force"
    )
    assert forced.exit_code == 0 and precious.read_bytes() == b"Beslutat\n"


def _examples(help_text: str) -> list[str]:
    """The commands in a help text's examples, continuation lines joined."""
    lines = help_text.split("Exempel:", 1)[1].splitlines()[1:]  # Swedish by default
    commands: list[str] = []
    joining = False
    for line in (line.strip() for line in lines):
        if joining:
            commands[-1] += " " + line.rstrip("\\").strip()
        elif line.startswith("styrdok "):
            commands.append(line.rstrip("\\").strip())
        joining = line.endswith("\\")
    return commands


def test_every_example_in_the_files_commands_help_runs_against_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The examples of `doc attach`, `doc files`, `doc file`, `files verify` and
    `doc detach`, run in that order on the demo register (with a beslut.pdf at hand),
    all succeed."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["--db", "mittkoping.db", "demo"]).exit_code == 0
    sample_files.write(tmp_path / "beslut.pdf", sample_files.pdf(["Protokollsutdrag KF § 88"]))
    ran = []
    for command in (
        ["doc", "attach"],
        ["doc", "files"],
        ["doc", "file"],
        ["files", "verify"],
        ["doc", "detach"],
    ):
        for example in _examples(runner.invoke(main, [*command, "--help"]).output):
            result = runner.invoke(main, ["--db", "mittkoping.db", *shlex.split(example)[1:]])
            assert result.exit_code == 0, (example, result.output)
            ran.append(example)
    assert len(ran) == 7


def test_migration_0005_goes_down_and_up_again(
    seeded: Registry, config: Config, tmp_path: Path
) -> None:
    """Downgrading to 0004 drops the files and keeps search working; upgrading again
    brings the table and the files' place in the index back."""
    from alembic import command
    from alembic.config import Config as Alembic

    from styrdok import migrations

    txt = sample_files.write(tmp_path / "bilaga.txt", "Elevrådens synpunkter\n".encode())
    _attach(seeded, txt, config)
    alembic = Alembic()
    alembic.set_main_option("script_location", migrations.SCRIPT_LOCATION)
    alembic.attributes["url"] = seeded.store.url
    seeded.close()
    command.downgrade(alembic, "0004")
    command.upgrade(alembic, "head")
    with Registry.open(seeded.store.url) as again:
        assert again.document_files("POL-1") == []
        hits = again.search_documents("informationssäkerhetspolicy")
        assert [hit.ref for hit in hits] == ["POL-1"]
        _attach(again, txt, config)
        assert [hit.ref for hit in again.search_documents("elevrådens")] == ["POL-1"]
