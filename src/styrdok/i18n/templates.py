"""The templates of the core's messages, read off its source.

Every f-string in a ``raise <StyrdokError>(…)`` of the package is a *template*
(``{actor_ref} may not {action}: only an administrator may``), its ``{…}`` fields turned
into named placeholders: :func:`raise_sites` finds them, ``python -m styrdok.i18n`` lists
them in :data:`TEMPLATES_FILE` and :func:`templates` reads them from there.
:mod:`styrdok.i18n.errors` recognises a message by them and translates it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import attrs

PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: The exceptions whose messages are shown to people (``styrdok.errors``).
ERRORS = frozenset(
    {
        "StyrdokError",
        "InvalidValue",
        "NotFound",
        "AlreadyExists",
        "PermissionDenied",
        "RuleViolation",
        "Conflict",
        "RegistryUnavailable",
    }
)


@attrs.frozen
class Template:
    """One message the core raises, with ``{name}`` where its f-string has a field."""

    text: str
    """The English message with named placeholders: the catalog's msgid."""
    pattern: re.Pattern[str]
    """Matches a message formatted from it, a group for each placeholder."""
    errors: frozenset[str]
    """Placeholders whose part is an error message in its own right (``{exc}``)."""
    literal: int
    """How many fixed characters (not spaces) it has: the more, the surer a match."""


def _name(expr: ast.expr) -> str:
    """A placeholder's name, from the expression the f-string formats."""
    parts: list[str] = []
    node = expr
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return "_".join([node.id, *reversed(parts)])
    words = re.sub(r"\W+", "_", ast.unparse(expr)).strip("_")
    words = re.sub(r"_+", "_", words)[:30].strip("_")
    return words if words and not words[0].isdigit() else "value"


def _constants(tree: ast.Module) -> dict[str, object]:
    """A module's top-level constants (``INVALID = "…"``, ``MAX_DAYS = 365``)."""
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str | int):
                for target in targets:
                    if isinstance(target, ast.Name) and target.id.isupper():
                        found[target.id] = value.value
    return found


#: A template's pieces: fixed text, or a field as (name, is an error).
_Piece = str | tuple[str, bool]


def _pieces(expr: ast.expr, constants: dict[str, object]) -> Iterator[list[_Piece]]:
    """The templates one message expression can give (one for each branch of an ``if``)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield [expr.value]
    elif isinstance(expr, ast.Name) and isinstance(constants.get(expr.id), str):
        yield [str(constants[expr.id])]
    elif isinstance(expr, ast.IfExp):
        yield from _pieces(expr.body, constants)
        yield from _pieces(expr.orelse, constants)
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        for left in _pieces(expr.left, constants):
            for right in _pieces(expr.right, constants):
                yield left + right
    elif isinstance(expr, ast.JoinedStr):
        pieces: list[_Piece] = []
        for value in expr.values:
            if isinstance(value, ast.Constant):
                pieces.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                pieces.append(_field(value, constants))
        yield pieces
    else:
        yield [(_name(expr), _is_error(expr))]


def _field(value: ast.FormattedValue, constants: dict[str, object]) -> _Piece:
    inner = value.value
    if isinstance(inner, ast.Name) and inner.id in constants:
        # A module's constant is the same in every message: part of the fixed text.
        shown = constants[inner.id]
        if value.conversion == ord("r"):
            shown = repr(shown)
        spec = value.format_spec
        if spec is None:
            return str(shown)
        if isinstance(spec, ast.JoinedStr) and all(
            isinstance(v, ast.Constant) for v in spec.values
        ):
            return format(shown, "".join(str(v.value) for v in spec.values))  # type: ignore[attr-defined]
    return (_name(inner), _is_error(inner))


def _is_error(expr: ast.expr) -> bool:
    """Whether a field formats a caught exception (``{exc}``, ``str(exc)``)."""
    return any(isinstance(node, ast.Name) and node.id == "exc" for node in ast.walk(expr))


def template_of(pieces: list[_Piece]) -> Template | None:
    """The template of a message's pieces; ``None`` when it has no fixed text (a message
    that is another one's, ``raise InvalidValue(str(exc))``)."""
    text, regex, errors, literal = [], [], set(), 0
    seen: set[str] = set()
    for piece in pieces:
        if isinstance(piece, str):
            text.append(piece.replace("{", "{{").replace("}", "}}"))
            regex.append(re.escape(piece))
            literal += sum(not char.isspace() for char in piece)
            continue
        name, is_error = piece
        text.append("{" + name + "}")
        regex.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        if is_error:
            errors.add(name)
    if literal == 0:
        return None
    return Template(
        text="".join(text),
        pattern=re.compile(r"\A" + "".join(regex) + r"\Z", re.DOTALL),
        errors=frozenset(errors),
        literal=literal,
    )


def raise_sites(package: Path = PACKAGE_DIR) -> Iterator[tuple[Path, int, Template]]:
    """Every template of a ``raise <StyrdokError>(…)`` in ``package``, with where it is."""
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in ERRORS or not node.exc.args:
                continue
            for pieces in _pieces(node.exc.args[0], constants):
                template = template_of(pieces)
                if template is not None:
                    yield path, node.lineno, template


#: The templates as ``python -m styrdok.i18n`` last found them: reading them from there
#: rather than from the source keeps a refusal on the command line quick.
TEMPLATES_FILE = Path(__file__).parent / "locale" / "error_templates.json"


def found_templates() -> list[dict[str, object]]:
    """Every template in the source, as :data:`TEMPLATES_FILE` lists them."""
    unique = {template.text: template for _path, _line, template in raise_sites()}
    return [{"text": text, "errors": sorted(unique[text].errors)} for text in sorted(unique)]


@cache
def templates() -> tuple[Template, ...]:
    """The package's templates, most specific first."""
    import json

    try:
        listed = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        listed = found_templates()
    unique = [parsed(entry["text"], frozenset(entry["errors"])) for entry in listed]
    found = [template for template in unique if template is not None]
    return tuple(sorted(found, key=lambda t: (-t.literal, t.text)))


_TEXT_PIECE = re.compile(r"(\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\})")


def parsed(text: str, errors: frozenset[str]) -> Template | None:
    """A template from its text: fixed text, ``{{``/``}}`` for braces, ``{name}`` fields."""
    pieces: list[_Piece] = []
    for piece in _TEXT_PIECE.split(text):
        if piece in ("{{", "}}"):
            pieces.append(piece[0])
        elif piece.startswith("{") and piece.endswith("}"):
            pieces.append((piece[1:-1], piece[1:-1] in errors))
        elif piece:
            pieces.append(piece)
    return template_of(pieces)
