"""The command line's help texts in the reader's language.

The help is written in English in the code (docstrings, ``short_help``, ``help=``) and
translated when it is shown, through the same catalog as everything else. A help text is
translated paragraph by paragraph, each with its line breaks folded into single spaces (the
catalog's message), so re-wrapping a docstring keeps its translation. A paragraph that starts
with click's ``\\b`` (no rewrap) is an example block: its heading (``Example:``) is
translated, its indented command lines never are, so the examples still run as printed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator

import click

#: click's "do not rewrap" marker, which starts every example block.
VERBATIM = "\b"


def message(text: str) -> str:
    """The catalog message for one paragraph or option help: whitespace folded."""
    return " ".join(text.split())


def _paragraphs(help_text: str) -> list[str]:
    # click shows a help text only up to its first form feed
    text = inspect.cleandoc(help_text).partition("\f")[0]
    return [part for part in text.split("\n\n") if part.strip()]


def _is_heading(line: str) -> bool:
    """A line of an example block that is prose: not indented (the example lines are)."""
    return bool(line.strip()) and not line[0].isspace()


def help_messages(help_text: str) -> Iterator[str]:
    """The messages a help text is translated by: each prose paragraph, and each heading
    of an example block."""
    for paragraph in _paragraphs(help_text):
        if paragraph.startswith(VERBATIM):
            yield from (line.strip() for line in paragraph.split("\n")[1:] if _is_heading(line))
        else:
            yield message(paragraph)


def translate_help(help_text: str, gettext: Callable[[str], str]) -> str:
    """``help_text`` with each prose paragraph and example heading translated by
    ``gettext``; a paragraph without a translation, and every example line, as written."""
    out = []
    for paragraph in _paragraphs(help_text):
        if paragraph.startswith(VERBATIM):
            lines = paragraph.split("\n")
            out.append(
                "\n".join(
                    [lines[0]]
                    + [gettext(line.strip()) if _is_heading(line) else line for line in lines[1:]]
                )
            )
        else:
            translated = gettext(message(paragraph))
            out.append(paragraph if translated == message(paragraph) else translated)
    return "\n\n".join(out)


def translate_text(text: str | None, gettext: Callable[[str], str]) -> str | None:
    """A one-paragraph help (an option's, a ``short_help``) translated, else as written."""
    if not text:
        return text
    translated = gettext(message(text))
    return text if translated == message(text) else translated


def command_messages(command: click.Command) -> Iterator[str]:
    """Every help message of ``command`` and of the commands beneath it: its help, short
    help and epilog, and each parameter's help."""
    for text in (command.help, command.epilog):
        if text:
            yield from help_messages(text)
    if command.short_help:
        yield message(command.short_help)
    for param in command.params:
        if param.help:
            yield message(param.help)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from command_messages(sub)
