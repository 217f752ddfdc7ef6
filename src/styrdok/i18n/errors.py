"""The registry's refusals in the reader's language.

The core raises its errors in English (``RuleViolation(f"{actor.ref} may not …")``), as
the library's callers and its tests read them. They are translated where people meet them
— the command line's ``Error: …``, the intranet's pages and its API's problem ``detail`` —
by recognising the message again: every f-string in a ``raise <StyrdokError>(…)`` of the
package is a *template* (``{actor_ref} may not {action}: only an administrator may``)
found by reading the source (:mod:`styrdok.i18n.templates`), its ``{…}`` fields turned into
named placeholders. A message that fits a template is rebuilt from the template's translation
with the same parts; one that fits none (a plugin's own, say) is shown as it is.

A part that is itself an error (``{exc}`` in ``f"{attribute.name}: {exc}"``) is
translated in turn; a state (``{document.status.value}``) is shown by its label; a verb
or noun the core passes in (``may not {action}``) is looked up among :data:`WORDS`; a part
that is one of :func:`phrases` filled in (what a setting must be: ``expected a whole number
1–65535``) is translated whole. When several templates fit a message, the first that can
say every part in the reader's language is used.
"""

from __future__ import annotations

import re
from functools import cache

from styrdok.i18n import translations
from styrdok.i18n.templates import (
    TEMPLATES_FILE,
    Template,
    found_templates,
    parsed,
    raise_sites,
    templates,
)

__all__ = [
    "TEMPLATES_FILE",
    "WORDS",
    "WORD_CONTEXT",
    "found_templates",
    "messages",
    "os_error",
    "phrases",
    "placeholders",
    "raise_sites",
    "translate_error",
    "untranslated",
    "word",
]

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
#: Placeholders whose part says what a value must be: one of :func:`phrases` filled in, one
#: of :data:`WORDS`, or a type's name (``readable``: ``date | None``), never English prose.
_EXPECTED_PARTS = ("expected", "readable")
_OR = "or"  # among WORDS; a variable, so that the extraction does not take it without context
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


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
            # All English beats a Swedish sentence around an English phrase; but another
            # template that fits the same message may say it whole.
            continue
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
_PROSE = re.compile(r"[A-Za-z]+[,;]? [A-Za-z(]")


def _part(name: str, value: str, template: Template, language: str) -> str:
    if name in template.errors:
        return translate_error(value, language)
    if name == "wanted" or name.endswith("status_value"):
        return word(value, language, code=True)
    expected = name in _WORD_PARTS or name.endswith(_EXPECTED_PARTS)
    # What a value must be, or what was given instead (``got {shown(value)}``, ``got
    # {type(value).__name__}``): never a person's free text, which could start "one of".
    if expected or "shown" in name or name.startswith("type_"):
        phrase = _phrase(value, language)
        if phrase is not None:
            return phrase
    if expected:
        if _PROSE.match(value) and not _known(value, language):
            raise _EnglishPhrase(value)
        return word(value, language)
    return value


def phrases() -> tuple[str, ...]:
    """Phrases the core fills in and puts into its messages: what a setting must be
    (``expected a whole number {min}–{max}``), what it got instead (``a table``). In the
    catalog with the context :data:`WORD_CONTEXT`."""
    from styrdok.settings_schema import PHRASES

    return PHRASES


@cache
def _phrase_templates() -> tuple[Template, ...]:
    found = (parsed(text, frozenset()) for text in phrases())
    return tuple(template for template in found if template is not None)


def _phrase(value: str, language: str) -> str | None:
    """``value`` in ``language`` if it is one of :func:`phrases` filled in; else ``None``."""
    for template in _phrase_templates():
        found = template.pattern.match(value)
        if found is not None:
            said = translations(language).pgettext(WORD_CONTEXT, template.text)
            return said.format(**found.groupdict())
    return None


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
