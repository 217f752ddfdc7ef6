"""Rendering: one ``--format`` (table, json, csv, csv-excel) for every command that prints
records.

A table is for people: its headings, its codes (``in_force``) and its yes/no are in the
reader's language (``--lang``, else the settings file's, else Swedish), through the gettext
catalog. JSON and CSV are for machines and keep the codes, whatever the language.
"""

from __future__ import annotations

import contextlib
import enum
import io
import itertools
import json
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import click

from styrdok.csvsafe import EXCEL_ENCODING, SafeWriter, excel_writer, is_number
from styrdok.csvsafe import writer as csv_writer
from styrdok.labels import N_


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return " ".join(str(value).split())


def _shown(value: Any, language: str) -> str:
    """A value as a table shows it to a person: a code by its label (``gällande``), yes/no
    as ``ja``/``nej``, in ``language``."""
    # Most cells are text or a number: a report of 200,000 lines spent seconds on the
    # general path (imports looked up, the value serialised) for them.
    kind = type(value)
    if kind is str:
        return " ".join(value.split())
    if kind is int:
        return str(value)
    from styrdok.i18n import translations
    from styrdok.labels import label

    if isinstance(value, enum.Enum):
        return label(str(value.value), language)
    if isinstance(value, bool):
        gettext = translations(language).gettext
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v, language) for v in value)
    return _cell(_plain(value))


def reader_language(language: str | None = None) -> str:
    """``language`` if given, else the running command's: ``--lang``, else the settings
    file's, else Swedish."""
    if language is not None:
        return language
    from styrdok.cli.app import App, current_language

    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(App) if ctx is not None else None
    return app.language() if app is not None else current_language()


def said(message: str, /, **parts: object) -> str:
    """``message`` in the reader's language (:func:`reader_language`), its ``{name}``
    fields filled in from ``parts``. The catalog takes its messages from these calls as
    from gettext's (``python -m styrdok.i18n``)."""
    from styrdok.i18n import translations

    return translations(reader_language()).gettext(message).format(**parts)


def said_n(singular: str, plural: str, count: int, /, **parts: object) -> str:
    """:func:`said` for a message that depends on a number, ``count`` (``{count}``)."""
    from styrdok.i18n import translations

    message = translations(reader_language()).ngettext(singular, plural, count)
    return message.format(count=count, **parts)


def _csv_cell(value: Any) -> Any:
    # Numbers stay numbers so that the CSV writer leaves a negative one (-5 days left) a
    # number; everything else becomes the same text the table shows.
    return value if is_number(value) else _cell(value)


def _plain(value: Any) -> Any:
    from styrdok.serialize import to_data

    return to_data(value)


def _excel_cell(value: Any) -> Any:
    # An amount or a share stays a number (written with a decimal comma by the writer)
    # instead of becoming the text the converter makes of it.
    return value if is_number(value) else _csv_cell(_plain(value))


@contextlib.contextmanager
def _csv_sheet(fmt: str) -> Iterator[SafeWriter]:
    """The CSV writer on standard output: plain, or (``csv-excel``) Swedish Excel's dialect
    in UTF-8 with a byte order mark, whatever the terminal's encoding."""
    if fmt != "csv-excel":
        yield csv_writer(sys.stdout)
        return
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding=EXCEL_ENCODING, newline="")
    try:
        yield excel_writer(out)
    finally:
        out.flush()
        out.detach()  # standard output stays open for whatever is printed next


#: What an empty table says unless told otherwise.
NOTHING_TO_SHOW = N_("Nothing to show.")
#: The widest a table's column grows; a longer cell is cut with "…".
_WIDEST = 60


def emit_rows(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    fmt: str,
    *,
    empty: str = NOTHING_TO_SHOW,
    language: str | None = None,
    block: int | None = None,
    room: Mapping[str, Iterable[Any]] | None = None,
) -> None:
    """Print rows (dicts) with ``columns`` as (key, heading) pairs.

    In a table, each heading is translated into ``language`` (default: the reader's, see
    :func:`reader_language`; mark headings with ``N_`` for the catalog), an enum value is
    shown by its label and a bool as yes or no in that language. JSON and CSV keep the codes
    and use the keys as headings. Every format writes the rows as they come.

    A table fits its columns (at most 60 characters wide) to the headings and to every row,
    so it reads all of them before it prints. With ``block``, it prints as the rows come
    instead: the columns are fitted to the first ``block`` rows and kept, and the rows are
    printed ``block`` at a time. If there are more rows than that, each column also makes
    ``room`` for the values listed under its key (those later rows may hold); a longer cell
    further down is cut with "…", as any cell over 60 characters is."""
    if fmt == "json":
        out = sys.stdout
        out.write("[")
        first = True
        for row in rows:
            out.write("\n" if first else ",\n")
            out.write(json.dumps(_plain(row), ensure_ascii=False))
            first = False
        out.write("\n]\n" if not first else "]\n")
        return
    if fmt in ("csv", "csv-excel"):
        cell = _excel_cell if fmt == "csv-excel" else lambda value: _csv_cell(_plain(value))
        with _csv_sheet(fmt) as sheet:
            sheet.writerow([key for key, _ in columns])
            for row in rows:
                sheet.writerow([cell(row.get(key)) for key, _ in columns])
        return
    _emit_table(
        rows, columns, empty=empty, language=reader_language(language), block=block, room=room or {}
    )


def _emit_table(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    *,
    empty: str,
    language: str,
    block: int | None,
    room: Mapping[str, Iterable[Any]],
) -> None:
    """The table of :func:`emit_rows`: fitted to the first ``block`` rows (all of them
    when ``None``), then printed a block at a time."""
    from styrdok.i18n import translations

    keys = [key for key, _ in columns]
    cells = ([_shown(row.get(key), language) for key in keys] for row in rows)
    first = list(itertools.islice(cells, block) if block is not None else cells)
    gettext = translations(language).gettext
    if not first:
        click.echo(gettext(empty))
        return
    headings = [gettext(heading) for _, heading in columns]
    following = next(cells, None) if block is not None else None
    widths = []
    for i, key in enumerate(keys):
        texts = [headings[i], *(row[i] for row in first)]
        if following is not None:  # more rows than the first block: room for what may come
            texts += [following[i], *(_shown(v, language) for v in room.get(key, ()))]
        widths.append(min(max(len(text) for text in texts), _WIDEST))
    rule = ["-" * w for w in widths]
    click.echo("\n".join(_line(row, widths) for row in (headings, rule, *first)))
    if following is None:
        return
    rest = itertools.chain((following,), cells)
    while chunk := list(itertools.islice(rest, block)):
        click.echo("\n".join(_line(row, widths) for row in chunk))


def _line(row: Sequence[str], widths: Sequence[int]) -> str:
    """One line of a table: each cell padded (or cut) to its column's width."""
    parts = [
        (c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(row, widths, strict=True)
    ]
    return "  ".join(parts).rstrip()


def emit_fitted(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    *,
    empty: str = NOTHING_TO_SHOW,
    language: str | None = None,
    block: int = 1_000,
) -> None:
    """The table :func:`emit_rows` prints — its columns fitted to every row, line for line
    the same — for rows too many to hold: each row's cells wait in a temporary file, not
    in memory, until the last row has given the widths; then they are printed ``block``
    rows at a time."""
    from styrdok.i18n import translations

    language = reader_language(language)
    gettext = translations(language).gettext
    keys = [key for key, _ in columns]
    headings = [gettext(heading) for _, heading in columns]
    widths = [len(heading) for heading in headings]
    # Reading the rows twice instead would read the store twice; JSON keeps any cell intact.
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as spool:
        seen = False
        for row in rows:
            cells = [_shown(row.get(key), language) for key in keys]
            widths = [max(width, len(cell)) for width, cell in zip(widths, cells, strict=True)]
            spool.write(json.dumps(cells, ensure_ascii=False) + "\n")
            seen = True
        if not seen:
            click.echo(gettext(empty))
            return
        widths = [min(width, _WIDEST) for width in widths]
        click.echo("\n".join(_line(row, widths) for row in (headings, ["-" * w for w in widths])))
        spool.seek(0)
        lines = (json.loads(line) for line in spool)
        while chunk := list(itertools.islice(lines, block)):
            click.echo("\n".join(_line(row, widths) for row in chunk))


def emit_object(obj: Any, fmt: str, *, language: str | None = None) -> None:
    """Print one record: ``field: value`` lines, or JSON, or a one-row CSV.

    The lines are for people, in ``language`` (default: the reader's): each field by its
    name (:func:`styrdok.labels.field_label`: *nästa aktualitetsprövning*, not
    ``next_review_on``), a code by its label and a bool as yes or no; a field without a
    value, or a line that says again what one above said, is left out. JSON and CSV keep
    every field under its code, with its code."""
    data = _plain(obj)
    flat = _flatten(data)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt in ("csv", "csv-excel"):
        with _csv_sheet(fmt) as sheet:
            sheet.writerow(list(flat))
            sheet.writerow([_csv_cell(v) for v in flat.values()])
    else:
        lines = _lines(obj, flat, reader_language(language))
        width = max((len(name) for name, _ in lines), default=0)
        for name, text in lines:
            first, *more = text.splitlines()
            click.echo(f"{name.ljust(width)}  {first}".rstrip())
            for line in more:
                click.echo(f"{'':{width}}  {line}".rstrip())


def _lines(obj: Any, flat: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """A record's (name, value) lines as people read them: see :func:`emit_object`."""
    import attrs

    from styrdok.labels import field_label

    codes = _codes(obj)
    record = type(obj).__name__ if attrs.has(type(obj)) else None
    flat = _with_money(obj, flat, language)
    flat = _with_version(obj, flat, language)
    lines: dict[tuple[str, str], None] = {}
    for key, value in flat.items():
        value = codes.get(key, value)
        text = value if type(value) is str else _shown(value, language)
        if text.strip():
            lines[(field_label(key, language, record=record), text)] = None
    return list(lines)


def _with_money(obj: Any, flat: dict[str, Any], language: str) -> dict[str, Any]:
    """A dispensation's estimated cost as an amount people read (``18 500 kr``), its
    currency in it rather than on a line of its own."""
    from styrdok.dispensation import Dispensation
    from styrdok.i18n import money

    if not isinstance(obj, Dispensation) or obj.funding.estimated_cost is None:
        return flat
    shown = money(obj.funding.estimated_cost, obj.funding.currency, language)
    return {
        key: shown if key == "funding.estimated_cost" else value
        for key, value in flat.items()
        if key != "funding.currency"
    }


def _with_version(obj: Any, flat: dict[str, Any], language: str) -> dict[str, Any]:
    """A document never adopted has version 0 in the data; people read that it is not
    adopted yet, not a version number."""
    from styrdok.i18n import translations
    from styrdok.model import Document

    if not isinstance(obj, Document) or obj.version != 0:
        return flat
    not_yet = translations(language).gettext(N_("not adopted yet"))
    return {key: not_yet if key == "version" else value for key, value in flat.items()}


def _codes(obj: Any) -> dict[str, enum.Enum]:
    """The enum values among an attrs record's fields, under the keys :func:`_flatten` gives
    them (``status``, ``reviews[1].outcome``): the plain data has lost that they are codes."""
    import attrs

    if not attrs.has(type(obj)):
        return {}
    flat = _flatten(attrs.asdict(obj))
    return {key: value for key, value in flat.items() if isinstance(value, enum.Enum)}


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    if not isinstance(data, dict):
        return {prefix.rstrip(".") or "value": data}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value, 1):
                flat.update(_flatten(item, f"{prefix}{key}[{i}]."))
        else:
            flat[prefix + key] = value
    return flat


def done(message: str, obj: Any, fmt: str) -> None:
    """After a change: a one-line confirmation, or the stored record in json/csv."""
    if fmt == "table":
        click.echo(message)
    else:
        emit_object(obj, fmt)
