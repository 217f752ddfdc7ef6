"""Files of documents: ``doc attach``, ``doc files``, ``doc detach``, ``doc file`` and
``files verify``. The ``doc`` commands are registered on the ``doc`` group in
:mod:`styrdok.cli.doc`; the ``files`` group on the main command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.output import done, emit_rows, said, said_n
from styrdok.cli.params import choice
from styrdok.enums import FileKind
from styrdok.labels import N_

if TYPE_CHECKING:
    from styrdok.attachment import Attachment, FilesReport


def _size(size: int) -> str:
    """``1.2 MB``, ``34 kB``, ``512 B`` (1 MB = 1,048,576 bytes, as ``[files] max_mb``)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size} B"


@click.command("attach")
@click.argument("ref")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", help="What the file is, in words [default: its name].")
@click.option(
    "--kind",
    type=choice(FileKind),
    default=FileKind.APPENDIX.value,
    show_default=True,
    help="The adopted decision, an appendix (bilaga) or a template (mall).",
)
@click.option("--name", help="Attach it under this name [default: the file's own name].")
@pass_app
def doc_attach(
    app: App, ref: str, file: Path, title: str | None, kind: str, name: str | None
) -> None:
    """Attach a file to a document: the adopted decision as PDF, an appendix, a template.

    The file's type is read from its content, which must agree with its name (PDF, DOCX,
    ODT, XLSX, TXT, MD, PNG, JPEG; `[files] types` in styrdok.toml); it may be at most
    `[files] max_mb` (100 MB). Its text is read for search. The content is kept in the
    file storage (`[files] storage`; by default a folder beside the database), and its
    SHA-256 in the register and the audit log. Owner, guardian or administrator only.

    \b
    Example:
      styrdok --as anna.lind doc attach POL-IS-01 beslut.pdf --kind decision \\
          --title "Protokollsutdrag KF § 88"
    """
    result = app.registry().attach_file(
        ref, file, actor=app.actor, title=title, kind=FileKind(kind), name=name, config=app.config()
    )
    attachment = result.attachment
    if result.text_length:
        text = said("{count} characters of text to search", count=f"{result.text_length:,}")
    else:
        text = said("no text to search")
    if result.text_problem:
        text += f": {result.text_problem}"
    done(
        said(
            "Attached {name} to {ref} as file #{id} ({type}, {size}, SHA-256 {sha256}; {text}).",
            name=attachment.name,
            ref=ref,
            id=attachment.id,
            type=attachment.media_type,
            size=_size(attachment.size),
            sha256=attachment.sha256,
            text=text,
        ),
        attachment,
        app.fmt,
    )


@click.command("files")
@click.argument("ref")
@pass_app
def doc_files(app: App, ref: str) -> None:
    """List a document's files: number, name, kind, title, type, size, SHA-256, who
    attached it and when.

    \b
    Examples:
      styrdok doc files RIKT-SOC-01
      styrdok --format json doc files RIKT-SOC-01
    """
    attachments = app.registry().document_files(ref)
    if app.fmt != "table":
        emit_rows((_row(a) for a in attachments), _COLUMNS, app.fmt)
        return
    table = [
        {**_row(a), "size": _size(a.size), "sha256": a.sha256[:12] + "…", "added_at": _when(a)}
        for a in attachments
    ]
    emit_rows(table, _COLUMNS, app.fmt, empty=said("{ref} has no files.", ref=ref))


_COLUMNS = [
    ("id", "#"),
    ("name", N_("NAME")),
    ("kind", N_("KIND")),
    ("title", N_("TITLE")),
    ("media_type", N_("TYPE")),
    ("size", N_("SIZE")),
    ("sha256", "SHA-256"),
    ("added_by", N_("ADDED BY")),
    ("added_at", N_("ADDED")),
]


def _row(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "document_ref": attachment.document_ref,
        "name": attachment.name,
        "kind": attachment.kind,
        "title": attachment.title,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "added_by": attachment.added_by,
        "added_at": attachment.added_at.isoformat(),
    }


def _when(attachment: Attachment) -> str:
    return attachment.added_at.strftime("%Y-%m-%d %H:%M UTC")


@click.command("detach")
@click.argument("ref")
@click.argument("file", metavar="FILE-NUMBER-OR-NAME")
@pass_app
def doc_detach(app: App, ref: str, file: str) -> None:
    """Detach a file from a document, by its number (see `doc files`) or its name. The
    change is audited; the content leaves the storage unless another document has the
    same file. Owner, guardian or administrator only.

    \b
    Example:
      styrdok --as maria.nystrom doc detach RIKT-SOC-01 1
    """
    attachment = app.registry().detach_file(ref, file, actor=app.actor, config=app.config())
    done(said("Detached {label} from {ref}.", label=attachment.label, ref=ref), attachment, app.fmt)


@click.command("file")
@click.argument("ref")
@click.argument("file", metavar="FILE-NUMBER-OR-NAME")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write it to this file (written only once the whole file has been checked).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@pass_app
def doc_file(app: App, ref: str, file: str, output: Path, force: bool) -> None:
    """Fetch a document's file back from the storage, checked against the SHA-256 that
    was recorded when it was attached: a changed file is refused, not written.

    \b
    Example:
      styrdok doc file RIKT-SOC-01 protokollsutdrag-ks-132.pdf -o kopia.pdf
    """
    from styrdok.files import write_bytes_atomically

    if output.exists() and not force:
        # Never replace a file by surprise: a typo in -o must not overwrite anything.
        raise click.UsageError(said("{output} exists; give --force to replace it", output=output))
    registry, config = app.registry(), app.config()
    fetched: list[Attachment] = []

    def write(handle: BinaryIO) -> None:
        fetched.append(registry.fetch_file(ref, file, handle, config=config))

    write_bytes_atomically(output, write)  # type: ignore[arg-type]
    attachment = fetched[0]
    done(
        said(
            "Wrote {file} of {ref} ({size}, SHA-256 checked) to {output}.",
            file=attachment.label,
            ref=ref,
            size=_size(attachment.size),
            output=output,
        ),
        attachment,
        app.fmt,
    )


@click.group(cls=StyrdokGroup)
def files() -> None:
    """Attached files in their storage."""


@files.command("verify")
@pass_app
def files_verify(app: App) -> None:
    """Read every attached file back from the storage and check it against its recorded
    SHA-256: one line per file that is missing or was changed, and exit 1 if any is.

    \b
    Examples:
      styrdok files verify
      styrdok --format json files verify
    """
    report = app.registry().verify_files(config=app.config())
    if app.fmt == "json":
        click.echo(json.dumps(_report_data(report), ensure_ascii=False, indent=2))
    elif app.fmt in ("csv", "csv-excel"):
        rows = (
            {"ref": p.attachment.document_ref, **_row(p.attachment), "problem": p.problem}
            for p in report.problems
        )
        columns = [("ref", N_("REF")), ("id", "#"), ("name", N_("NAME")), ("sha256", "SHA-256")]
        emit_rows(rows, [*columns, ("problem", N_("PROBLEM"))], app.fmt)
    else:
        for problem in report.problems:
            a = problem.attachment
            click.echo(f"{a.document_ref} {a.label}: {problem.problem}")
        checked = said_n(
            "Checked {count} file in {where}",
            "Checked {count} files in {where}",
            report.files,
            where=report.where,
        )
        verdict = (
            said("{count} missing or changed", count=len(report.problems))
            if report.problems
            else said("all present and unchanged")
        )
        click.echo(f"{checked}: {verdict}.")
    if report.problems:
        raise SystemExit(1)


def _report_data(report: FilesReport) -> dict[str, Any]:
    return {
        "storage": report.where,
        "files": report.files,
        "contents": report.contents,
        "problems": [{**_row(p.attachment), "problem": p.problem} for p in report.problems],
    }
