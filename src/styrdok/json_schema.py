"""The published JSON Schema (Draft 2020-12) of the JSON export, made from the domain classes.

The schema is generated from the attrs classes the export is written from (:mod:`styrdok.model`,
:mod:`styrdok.dispensation`, :mod:`styrdok.attachment`) and the sections of
:mod:`styrdok.exchange`, so it cannot drift from what ``styrdok export`` writes: a field
added to a class is in the next schema. Field types come from the annotations, descriptions
from the docstrings under the fields (a subclass's record, those of its bases' fields too).

It describes the *shape* of the file — every property, its type, which are required, no
others — plus the pattern every reference follows. The registry's own rules (lengths,
clean text, who may decide what) are checked by ``styrdok import``, not by the schema.

The schema is versioned with the export format (``"version": 1`` in a file); a copy of each
version is kept in ``docs/schema/styrdok-export-v<N>.json`` (a test compares it with this
module's output). ``styrdok schema`` prints it.
"""

from __future__ import annotations

import ast
import datetime as dt
import enum
import inspect
import json
import textwrap
import types
import typing
from decimal import Decimal
from functools import cache
from typing import Any

import attrs

from styrdok import fields
from styrdok.exchange import FORMAT, FORMAT_VERSION, SECTIONS
from styrdok.text import REF_PATTERN

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: The schema's identifier: names the format and its version (no web address is implied).
SCHEMA_ID = f"urn:styrdok:schema:{FORMAT}:v{FORMAT_VERSION}"
#: Where the published copy of this version lives in the repository.
PUBLISHED = f"docs/schema/{FORMAT}-v{FORMAT_VERSION}.json"

_REF = {"type": "string", "pattern": f"^{REF_PATTERN.pattern}$"}
_REF_VALIDATORS = (fields.ref, fields.opt_ref)


def export_schema() -> dict[str, Any]:
    """The JSON Schema of an export file of this version, as a dict."""
    defs: dict[str, Any] = {}
    sections = {
        section.name: {"type": "array", "items": _schema(section.cls, defs)} for section in SECTIONS
    }
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": f"styrdok export, version {FORMAT_VERSION}",
        "description": (
            "The whole register as `styrdok export` writes it and `styrdok import` reads it: "
            "one array per kind of record, in foreign-key order. The exporter writes every "
            "section and every property; the importer fills in a missing section (empty) or "
            "optional property (its default). Dates are YYYY-MM-DD, amounts are decimal text."
        ),
        "type": "object",
        "required": ["format", "version"],
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": FORMAT_VERSION},
            **sections,
        },
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    """The schema as published: indented JSON, keys in a stable order, a final newline."""
    return json.dumps(export_schema(), ensure_ascii=False, indent=2) + "\n"


def definitions(*classes: type, prefix: str = "#/$defs/") -> dict[str, Any]:
    """The JSON Schemas of the attrs ``classes`` (or named tuples, as
    :class:`~styrdok.model.DueItem`) and of every class they hold, by class
    name, referring to each other as ``{prefix}Name`` — so another document (the intranet's
    OpenAPI description: ``prefix="#/components/schemas/"``) can describe the same records
    as the export without a copy of its own that could drift."""
    defs: dict[str, Any] = {}
    for cls in classes:
        _define(cls, defs)
    text = json.dumps(dict(sorted(defs.items())))
    if prefix != "#/$defs/":
        text = text.replace('"#/$defs/', json.dumps(prefix)[:-1])
    found: dict[str, Any] = json.loads(text)
    return found


def _schema(annotation: Any, defs: dict[str, Any], *, ref: bool = False) -> dict[str, Any]:
    """The schema of one annotation; attrs classes go into ``defs`` and are referenced."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner = [_schema(option, defs, ref=ref) for option in options]
        if len(typing.get_args(annotation)) > len(options):
            inner.append({"type": "null"})
        return inner[0] if len(inner) == 1 else {"anyOf": inner}
    if origin in (tuple, list):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return {"type": "array", "items": _schema(args[0], defs, ref=ref) if args else {}}
    if origin is dict or annotation is dict:
        return {"type": "object"}
    if annotation is Any:
        return {}
    if isinstance(annotation, type):
        if attrs.has(annotation):
            _define(annotation, defs)
            return {"$ref": f"#/$defs/{annotation.__name__}"}
        if issubclass(annotation, enum.Enum):
            return {"type": "string", "enum": [member.value for member in annotation]}
        if annotation is bool:
            return {"type": "boolean"}
        if annotation is int:
            return {"type": "integer"}
        if annotation is str:
            return dict(_REF) if ref else {"type": "string"}
        if annotation is Decimal:
            # Written as text ("18500.00") so no precision is lost; a whole number is read too.
            return {"type": ["string", "integer"], "pattern": r"^[0-9]+(\.[0-9]+)?$"}
        if annotation is dt.datetime:
            return {"type": "string", "format": "date-time"}
        if annotation is dt.date:
            return {"type": "string", "format": "date"}
    raise TypeError(f"no JSON Schema for {annotation!r}")  # a new kind of field: add it here


def _define(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # a placeholder first: classes may refer to each other
    described: dict[str, str] = {}
    for base in reversed(cls.__mro__):  # a subclass's record describes inherited fields too
        if attrs.has(base) or base is cls:
            described.update(_field_docs(base))
    properties: dict[str, Any] = {}
    required = []
    for name, annotation, is_ref, has_default in _fields_of(cls):
        schema = _schema(annotation, defs, ref=is_ref)
        if name in described:
            schema = {"description": described[name], **schema}
        properties[name] = schema
        if not has_default:
            required.append(name)
    definition: dict[str, Any] = {"type": "object"}
    if cls.__doc__:
        definition["description"] = " ".join(inspect.cleandoc(cls.__doc__).split())
    definition.update(
        {"properties": properties, "required": required, "additionalProperties": False}
    )
    defs[cls.__name__] = definition


def _fields_of(cls: type) -> list[tuple[str, Any, bool, bool]]:
    """The fields of the attrs class or named tuple ``cls``, in order: name, type, whether
    it holds references, whether it has a default."""
    if attrs.has(cls):
        attrs.resolve_types(cls)
        return [
            (
                field.name,
                field.type,
                field.validator in _REF_VALIDATORS or field.validator is fields.refs,
                field.default is not attrs.NOTHING,
            )
            for field in attrs.fields(cls)
        ]
    hints = typing.get_type_hints(cls)  # a named tuple (DueItem): no validators
    defaults = getattr(cls, "_field_defaults", {})
    names: tuple[str, ...] = cls._fields  # type: ignore[attr-defined]
    return [(name, hints[name], False, name in defaults) for name in names]


@cache
def _field_docs(cls: type) -> dict[str, str]:
    """The docstrings written under the fields of ``cls`` (``name: str`` then ``\"\"\"…\"\"\"``),
    read from its source; empty where the source is not at hand."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = ast.parse(source).body[0]
    assert isinstance(body, ast.ClassDef)
    docs: dict[str, str] = {}
    for statement, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = " ".join(inspect.cleandoc(following.value.value).split())
    return docs
