"""The register as CSV files, one per section, for spreadsheets: UTF-8 (Swedish Excel's
dialect with ``excel=True``: semicolons, decimal commas, a BOM), every cell that a
spreadsheet would take for a formula neutralised (:mod:`styrdok.csvsafe`)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import attrs

from styrdok import csvsafe
from styrdok.exchange import SECTIONS, Section, iter_records
from styrdok.files import refuse_links, write_atomically
from styrdok.model import Document
from styrdok.serialize import to_data
from styrdok.store.base import Store

#: The sections a CSV export writes: every one but the attachments, whose text (up to
#: 200,000 characters a file, more than a spreadsheet's cell holds) is there to move a
#: register, not to be read in a spreadsheet.
CSV_SECTIONS = tuple(section for section in SECTIONS if section.name != "attachments")


def _attrs_class_of(annotation: Any) -> type | None:
    if isinstance(annotation, type) and attrs.has(annotation):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and attrs.has(arg):
                return arg
    return None


def csv_columns(cls: type, prefix: str = "") -> list[str]:
    """Flat column names for ``cls``; nested records become ``field.sub`` columns."""
    attrs.resolve_types(cls)
    columns = []
    for field in attrs.fields(cls):
        nested = _attrs_class_of(field.type)
        if nested is not None and nested not in (Document,):
            columns.extend(csv_columns(nested, f"{prefix}{field.name}."))
        else:
            columns.append(prefix + field.name)
    return columns


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key != "snapshot":
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat[prefix + key] = "; ".join(value)
        elif isinstance(value, list | dict):
            flat[prefix + key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        elif isinstance(value, bool):
            flat[prefix + key] = "yes" if value else "no"
        elif isinstance(value, dt.date):
            flat[prefix + key] = value.isoformat()
        else:
            flat[prefix + key] = "" if value is None else value
    return flat


def write_csv(store: Store, directory: str | os.PathLike[str], *, excel: bool = False) -> list[str]:
    """One UTF-8 CSV (with BOM, so spreadsheet programs read å, ä, ö right) per section;
    with ``excel``, in Swedish Excel's dialect (:func:`styrdok.csvsafe.excel_writer`:
    semicolons, decimal commas).

    Cells go through :mod:`styrdok.csvsafe` (text that would be a formula is neutralised);
    each file is written by :func:`styrdok.files.write_atomically`, and if any of the file
    names is a symbolic link nothing is written at all."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = [target / f"{section.name}.csv" for section in CSV_SECTIONS]
    refuse_links(paths)
    for section, path in zip(CSV_SECTIONS, paths, strict=True):
        write_atomically(
            path,
            functools.partial(_write_section, store, section, excel=excel),
            encoding="utf-8-sig",
        )
    return [path.name for path in paths]


def _decimal_columns(cls: type, prefix: str = "") -> set[str]:
    """The flat columns of ``cls`` that hold an amount (written as text by the converter)."""
    found = set()
    for field in attrs.fields(cls):
        nested = _attrs_class_of(field.type)
        if nested is not None and nested is not Document:
            found |= _decimal_columns(nested, f"{prefix}{field.name}.")
        elif field.type is Decimal or Decimal in typing.get_args(field.type):
            found.add(prefix + field.name)
    return found


def _write_section(store: Store, section: Section, handle: IO[str], *, excel: bool) -> None:
    columns = csv_columns(section.cls)
    sheet = csvsafe.excel_writer(handle) if excel else csvsafe.writer(handle)
    # In Excel's dialect an amount is written with a decimal comma, so it goes out as a number.
    amounts = _decimal_columns(section.cls) if excel else set()
    sheet.writerow(columns)
    for record in iter_records(store, section):
        flat = _flatten(to_data(record))
        for column in amounts:
            if flat.get(column) not in (None, ""):
                flat[column] = Decimal(flat[column])
        sheet.writerow(flat.get(column, "") for column in columns)
