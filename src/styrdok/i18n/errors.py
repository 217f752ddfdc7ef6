"""The registry's refusals in the reader's language.

The core raises its errors in English (``RuleViolation(f"{actor.ref} may not …")``), as
the library's callers and its tests read them. They are translated where people meet them
— the command line's ``Error: …``, the intranet's pages and its API's problem ``detail`` —
by recognising the message again: every f-string in a ``raise <StyrdokError>(…)`` of the
package is a *template* (``{actor_ref} may not {action}: only an administrator may``)
found by reading the source (:func:`raise_sites`), its ``{…}`` fields turned into named
placeholders. A message that fits a template is rebuilt from the template's translation
with the same parts; one that fits none (a plugin's own, say) is shown as it is.

A part that is itself an error (``{exc}`` in ``f"{attribute.name}: {exc}"``) is
translated in turn; a state (``{document.status.value}``) is shown by its label; a verb
or noun the core passes in (``may not {action}``) is looked up among :data:`WORDS`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import attrs

from styrdok.i18n import translations

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

#: The catalog context of :data:`WORDS`.
WORD_CONTEXT = "error"

#: Verbs and nouns the core puts into its messages (``may not {action}``, ``given as
#: {role}``, ``it is {status}, not {wanted}``), translated where they stand.
WORDS = (
    "add bodies",
    "add people",
    "add units",
    "adopt",
    "adopting body",
    "annul an adoption",
    "annul the adoption of",
    "anonymise people",
    "approve",
    "approver",
    "ask people to read",
    "attach files to",
    "body",
    "close",
    "contact",
    "create",
    "detach files from",
    "discard the draft revision of",
    "dispensation",
    "document",
    "edit",
    "edit bodies",
    "edit people",
    "edit units",
    "evaluate",
    "guardian",
    "hand over duties",
    "import",
    "it ended",
    "it was requested",
    "key the audit log",
    "map units",
    "owner",
    "person",
    "reject",
    "renew",
    "repeal",
    "or",
    "reported to",
    "request",
    "requested",
    "is responsible for",
    "are responsible for",
    "responsible",
    "review",
    "revoke",
    "supersede",
    "sync staff",
    "unit",
    "withdraw",
    # What a value was expected to be (usecases/arguments.py, settings): {expected}
    "a whole number",
    "true or false",
    "text",
    "a mapping",
    "a list",
    "nothing",
    "a date (not a date and time) from 1900-01-01 to 2199-12-31",
)

#: Placeholders whose part is one of :data:`WORDS` or a state's code.
_WORD_PARTS = frozenset({"action", "role", "what", "wanted", "table", "kind"})
_OR = "or"  # among WORDS; a variable, so that the extraction does not take it without context
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


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


def _template(pieces: list[_Piece]) -> Template | None:
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
        return None  # ``raise InvalidValue(str(exc))``: the message is another one's
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
                template = _template(pieces)
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
    unique = [_parsed(entry["text"], frozenset(entry["errors"])) for entry in listed]
    found = [template for template in unique if template is not None]
    return tuple(sorted(found, key=lambda t: (-t.literal, t.text)))


_TEXT_PIECE = re.compile(r"(\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\})")


def _parsed(text: str, errors: frozenset[str]) -> Template | None:
    """A template from its text: fixed text, ``{{``/``}}`` for braces, ``{name}`` fields."""
    pieces: list[_Piece] = []
    for piece in _TEXT_PIECE.split(text):
        if piece in ("{{", "}}"):
            pieces.append(piece[0])
        elif piece.startswith("{") and piece.endswith("}"):
            pieces.append((piece[1:-1], piece[1:-1] in errors))
        elif piece:
            pieces.append(piece)
    return _template(pieces)


def messages() -> list[str]:
    """The templates' texts, for the catalog."""
    return sorted(str(entry["text"]) for entry in found_templates())


#: A message's location in the record it came from, added by imports: `` @ $.path``.
_WHERE = re.compile(r"\A(?P<message>.+?)(?P<where> @ \$\S*)\Z", re.DOTALL)


def translate_error(message: str, language: str) -> str:
    """``message``, raised by the core in English, in ``language``; as it is when no
    template fits it or the catalog lacks its translation."""
    if language == "en" or not message:
        return message
    catalog = translations(language)
    for template in templates():
        found = template.pattern.match(message)
        if found is None:
            continue
        translated = catalog.gettext(template.text)
        try:
            parts = {
                name: _part(name, value, template, language)
                for name, value in found.groupdict().items()
            }
            return translated.format(**parts)
        except _EnglishPhrase:
            return message  # all English beats a Swedish sentence around an English phrase
        except (KeyError, IndexError, ValueError):
            return message
    where = _WHERE.match(message)
    if where is not None:
        head = translate_error(where["message"], language)
        if head != where["message"]:
            return head + where["where"]
    return message


class _EnglishPhrase(Exception):
    """A part of a message is English prose the catalog does not have."""


#: English prose: it starts with two words of letters (a ref, a code or a date does not).
_PROSE = re.compile(r"[A-Za-z]+ [A-Za-z(]")


def _part(name: str, value: str, template: Template, language: str) -> str:
    if name in template.errors:
        return translate_error(value, language)
    if name == "wanted" or name.endswith("status_value"):
        return word(value, language, code=True)
    if name in _WORD_PARTS or name.endswith("expected"):
        if _PROSE.match(value) and not _known(value, language):
            raise _EnglishPhrase(value)
        return word(value, language)
    return value


def _known(value: str, language: str) -> bool:
    """Whether the catalog says ``value`` (or each of its ``… or …`` pieces) whole."""
    from styrdok.labels import label

    catalog = translations(language)
    if catalog.pgettext(WORD_CONTEXT, value) != value:
        return True
    pieces = value.split(" or ")
    return len(pieces) > 1 and all(
        catalog.pgettext(WORD_CONTEXT, piece) != piece or label(piece, language) != piece
        for piece in pieces
    )


def word(value: str, language: str, *, code: bool = False) -> str:
    """A verb or noun the core put in a message, or (``code``) a state's code, in
    ``language``; ``in_force or draft`` word by word."""
    from styrdok.labels import label

    catalog = translations(language)
    pieces = value.split(" or ")
    if len(pieces) > 1:
        joined = catalog.pgettext(WORD_CONTEXT, _OR)
        return f" {joined} ".join(word(piece, language, code=code) for piece in pieces)
    if code:
        return label(value, language)
    said = catalog.pgettext(WORD_CONTEXT, value)
    return said if said != value else label(value, language)


def untranslated(language: str = "sv") -> list[str]:
    """The templates that ``language``'s catalog lacks or leaves untranslated."""
    from babel.messages.pofile import read_po

    from styrdok.i18n.__main__ import po_path

    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = []
    for text in messages():
        entry = catalog.get(text)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(text)
    return missing


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a template's text."""
    return set(_FIELD.findall(text))


def os_error(exc: OSError, language: str) -> str:
    """A failed file operation, ``No such file or directory: out.json``, in ``language``:
    the system's own words for the common failures, which it writes in English."""
    import errno

    reasons = {
        errno.ENOENT: N_("No such file or directory"),
        errno.EACCES: N_("Permission denied"),
        errno.EPERM: N_("Operation not permitted"),
        errno.EISDIR: N_("Is a directory"),
        errno.ENOTDIR: N_("Not a directory"),
        errno.EEXIST: N_("File exists"),
        errno.ENOSPC: N_("No space left on device"),
        errno.EROFS: N_("Read-only file system"),
    }
    reason = reasons.get(exc.errno or 0)
    said = translations(language).gettext(reason) if reason else exc.strerror or str(exc)
    if not exc.filename:
        return said if reason else str(exc)
    return f"{said}: {exc.filename}"


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it yet."""
    return message
