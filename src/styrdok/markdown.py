"""A document's text: Markdown, counted and rendered safely.

The text of a governing document is written by people and shown to everyone, so it is
rendered with raw HTML switched off (a ``<script>`` in the text is shown as text, never
run) and links only to web and e-mail addresses (``javascript:`` and ``data:`` links stay
plain text). ``markdown-it-py`` does the parsing: it follows CommonMark, which is what the
editors people write in (GitLab, Nextcloud, Teams) produce, and it is maintained by the
Executable Books project; a hand-written renderer would get the escaping wrong somewhere.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: The longest text a document version may carry (characters). About 30 000 words, far
#: beyond any governing document that follows the "keep it short" advice, and well within
#: what PostgreSQL's full-text index takes for one record (1 MB).
MAX_TEXT = 200_000

#: Link targets a rendered text may point at; anything else is shown as plain text.
LINK_SCHEMES = ("https:", "http:", "mailto:")

# A word: letters or digits, with inner hyphens or apostrophes ("e-post", "kommun's").
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# Markdown that is not words: link targets, image addresses and inline HTML-looking tags.
_NOT_WORDS = re.compile(r"\]\([^)]*\)|<[^>\n]*>")


def word_count(text: str) -> int:
    """The number of words in a Markdown ``text``, as a reader counts them: link targets
    and markup are not words, ``e-post`` is one."""
    return len(_WORD.findall(_NOT_WORDS.sub("]", text)))


@functools.cache
def _renderer() -> MarkdownIt:
    # Imported on first use: the command line needs it only where it renders text.
    from markdown_it import MarkdownIt

    # "js-default" is CommonMark with raw HTML off; tables and strikethrough are what
    # documents use. typographer off: the text is shown as it was adopted.
    # Images off: an image from another site in a governing document is a tracking pixel
    # for everyone who reads it (and the intranet's CSP blocks it); pictures are attached.
    renderer = (
        MarkdownIt("js-default", {"linkify": False})
        .enable(["table", "strikethrough"])
        .disable("image")
    )
    renderer.validateLink = _is_allowed_link  # type: ignore[method-assign]
    return renderer


def _is_allowed_link(url: str) -> bool:
    target = url.strip().lower()
    if ":" not in target.split("/", 1)[0]:
        return True  # relative: stays on the page's own site
    return target.startswith(LINK_SCHEMES)


def to_html(text: str) -> str:
    """``text`` (Markdown) as HTML safe to put in a page: no raw HTML, no scripts, links
    only to web and e-mail addresses. Headings are moved so the text's highest one is an
    ``<h3>``: the text sits under the page's own ``<h1>`` (the title) and ``<h2>`` (its
    section), whether its author started at ``#`` or ``##``, and levels are never skipped."""
    html: str = _renderer().render(text)
    levels = [int(level) for level in re.findall(r"<h([1-6])>", html)]
    if not levels:
        return html
    shift = 3 - min(levels)
    return re.sub(
        r"<(/?)h([1-6])>",
        lambda match: f"<{match[1]}h{max(1, min(int(match[2]) + shift, 6))}>",
        html,
    )
