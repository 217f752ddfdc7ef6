"""What the intranet's forms accept, and what they say, in Swedish, when they do not.

The registry is the judge (:class:`styrdok.model.Question` refuses a blank, oversized or
hidden-character question or answer), but its messages are in English and name attributes,
not fields. So each form's text is checked here first, by the same rules and limits, and a
mistake is shown next to its field in words a reader understands, with what they typed
kept (see ``templates/_fields.html``). Anything the registry still refuses is shown there
too, in its own words (:data:`REFUSED`).
"""

from __future__ import annotations

import attrs

from styrdok.model import QUESTION_MAX
from styrdok.text import is_clean_text


@attrs.frozen
class TextRules:
    """How one multi-line form field is checked and what its mistakes are called."""

    limit: int
    """At most this many characters (the registry's own limit; a test holds them equal)."""
    empty: str
    """Said when nothing but white space was sent."""
    too_long: str
    """Said when the text is longer than ``limit``: ``{length}`` and ``{limit}`` filled in."""
    hidden: str
    """Said for a control or direction-changing character: ``{code}`` is ``U+000B`` etc."""


#: A question to a document's guardian (``Question.text``: required text, 5,000 characters).
QUESTION = TextRules(
    limit=QUESTION_MAX,
    empty="Skriv din fråga. Fältet är tomt eller innehåller bara mellanslag.",
    too_long="Frågan är för lång: {length} tecken. Den får vara högst {limit} tecken.",
    hidden=(
        "Frågan innehåller ett osynligt tecken eller styrtecken ({code}) som registret inte "
        "tar emot. Ta bort det och skicka igen."
    ),
)

#: A guardian's answer (``Question.answer``: required text, 5,000 characters).
ANSWER = TextRules(
    limit=QUESTION_MAX,
    empty="Skriv ditt svar. Fältet är tomt eller innehåller bara mellanslag.",
    too_long="Svaret är för långt: {length} tecken. Det får vara högst {limit} tecken.",
    hidden=(
        "Svaret innehåller ett osynligt tecken eller styrtecken ({code}) som registret inte "
        "tar emot. Ta bort det och skicka igen."
    ),
)

#: Said when the registry refuses text that passed the checks above (its reason follows).
REFUSED = "Registret tog inte emot det du skickade."


@attrs.frozen
class Field:
    """A form field as the page shows it again: what was typed, and what is wrong with it."""

    value: str = ""
    error: str | None = None
    detail: str | None = None
    """The registry's own reason, in English, when it refused what passed :func:`problem`."""
    checked: bool = False
    """The checkbox that goes with the field, as it was ticked (an answer's "add to FAQ")."""


def problem(rules: TextRules, text: str) -> str | None:
    """What is wrong with ``text`` (already normalised: stripped, line breaks as LF), in
    Swedish, or ``None`` if the registry would take it."""
    if not text.strip():
        return rules.empty
    if len(text) > rules.limit:
        return rules.too_long.format(
            length=swedish_number(len(text)), limit=swedish_number(rules.limit)
        )
    bad = next((char for char in text if not is_clean_text(char, 1)), None)
    if bad is not None:
        return rules.hidden.format(code=f"U+{ord(bad):04X}")
    return None


def swedish_number(value: int) -> str:
    """``5 000``: thousands grouped by a no-break space, as Swedish writes them."""
    return f"{value:,}".replace(",", "\u00a0")
