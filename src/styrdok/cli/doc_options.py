"""The options for a document's content, shared by ``styrdok doc add`` and ``doc edit``,
and the :class:`~styrdok.edits.DocumentEdit` they make.

Each option is named after the edit's field it sets, so turning the parsed options into an
edit needs no mapping.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from styrdok.cli.output import said
from styrdok.cli.params import DATE, choice
from styrdok.enums import DocType

if TYPE_CHECKING:
    from styrdok.edits import DocumentEdit

# The core's styrdok.edits.CLEARABLE_FIELDS, spelt out so that --help needs no domain model;
# tests/test_edits.py keeps the two the same.
CLEARABLE = (
    "guardian",
    "registry_number",
    "follow_up",
    "review_interval_months",
    "next_review_on",
    "valid_until",
    "parent",
    "supersedes",
    "text_url",
    "word_count",
    "reminder_offsets",
)


#: A document's text is at most 200 000 characters (styrdok.markdown.MAX_TEXT); UTF-8 takes
#: at most four bytes a character, so a larger file is refused before it is read whole.
_MAX_TEXT_BYTES = 4 * 200_000


def _read_text_file(_ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """The file's content (``-`` reads standard input), UTF-8, as the document's text."""
    if value is None:
        return None
    name = "standard input" if value == "-" else value
    try:
        if value == "-":
            data = sys.stdin.buffer.read(_MAX_TEXT_BYTES + 1)
        else:
            with open(value, "rb") as handle:
                data = handle.read(_MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise click.BadParameter(
            said("cannot read {name}: {reason}", name=name, reason=exc.strerror), param=param
        ) from None
    if len(data) > _MAX_TEXT_BYTES:
        raise click.BadParameter(
            said("{name} is too large for a document's text", name=name), param=param
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(
            said(
                "{name} is not UTF-8 text (byte {byte}); save it as UTF-8",
                name=name,
                byte=exc.start + 1,
            ),
            param=param,
        ) from None


def _parse_offsets(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return tuple(int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(
            said("{value} is not a list of days such as 90,30,0", value=repr(value))
        ) from None


_CONTENT_OPTIONS: list[Callable[[Any], Any]] = [
    click.option("--title", help="Title."),
    click.option("--type", "doc_type", type=choice(DocType), help="Kind of document."),
    click.option("--owner", metavar="PERSON", help="Document owner (dokumentägare)."),
    click.option("--guardian", metavar="PERSON", help="Guardian (väktare) who referees."),
    click.option("--registry-number", help="Diarienummer, e.g. 'KS 2025/123'."),
    click.option("--purpose", help="Why the document exists."),
    click.option("--effects", "intended_effects", help="The effects it should achieve."),
    click.option("--audience", help="Who it is written for."),
    click.option(
        "--applies-to",
        multiple=True,
        metavar="UNIT",
        help="A unit it applies to (repeat for several).",
    ),
    click.option("--limits", help="What it does not cover."),
    click.option("--follow-up-how", "follow_up_method", help="How it is followed up."),
    click.option("--follow-up-by", help="By whom it is followed up."),
    click.option(
        "--review-months",
        "review_interval_months",
        type=click.IntRange(1, 120),
        help="Months between reviews (e.g. 12, 24, 36, 48).",
    ),
    click.option("--next-review", "next_review_on", type=DATE, help="Next review date."),
    click.option(
        "--valid-until", type=DATE, help="Last day in force (omit: until further notice)."
    ),
    click.option("--non-compliance", help="How non-compliance is handled."),
    click.option(
        "--dispensations/--no-dispensations",
        "dispensations_allowed",
        default=None,
        help="Whether dispensations may be granted.",
    ),
    click.option("--requirements", "dispensation_requirements", help="What a request must show."),
    click.option(
        "--approver",
        "dispensation_approvers",
        multiple=True,
        metavar="PERSON",
        help="May approve dispensations besides the guardian (repeat).",
    ),
    click.option(
        "--max-days",
        "dispensation_max_days",
        type=click.IntRange(1, 36_500),
        help="Longest dispensation, in days.",
    ),
    click.option(
        "--max-renewals",
        "dispensation_max_renewals",
        type=click.IntRange(0, 100),
        help="How many renewals a dispensation may have.",
    ),
    click.option(
        "--faq",
        nargs=2,
        multiple=True,
        metavar="QUESTION ANSWER",
        help="A common question and its answer (repeat).",
    ),
    click.option("--parent", metavar="DOC", help="The document above this one."),
    click.option("--supersedes", metavar="DOC", help="The document this one replaces."),
    click.option("--related", multiple=True, metavar="DOC", help="A related document."),
    click.option("--url", "text_url", help="Where the full text is published."),
    click.option(
        "--text-file",
        "text",
        metavar="FILE",
        callback=_read_text_file,
        help="The document's text, Markdown in UTF-8 ('-' reads standard input); "
        "its word count follows from it; an empty file removes the text.",
    ),
    click.option(
        "--remind-at",
        "reminder_offsets",
        callback=_parse_offsets,
        metavar="DAYS",
        help="Days before the review to remind, e.g. 90,30,0 [default: the global setting].",
    ),
    click.option(
        "--words",
        "word_count",
        type=click.IntRange(0),
        help="Length in words, for a document whose text is elsewhere (--url).",
    ),
]


def content_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options for a document's content (shared by ``doc add`` and ``doc edit``)."""
    for option in reversed(_CONTENT_OPTIONS):
        command = option(command)
    return command


#: Repeatable options: given no times means not given, not "make the list empty".
_REPEATABLE = frozenset({"applies_to", "related", "faq", "dispensation_approvers"})


def document_edit(opts: dict[str, Any], clear: tuple[str, ...] = ()) -> DocumentEdit:
    """The edit the options ask for. The options are named after its fields."""
    # Imported here, not at the top: `styrdok --version` never builds the domain model.
    from styrdok.edits import DocumentEdit

    given = {
        name: (value or None) if name in _REPEATABLE else value for name, value in opts.items()
    }
    return DocumentEdit(**given, clear=frozenset(clear))
