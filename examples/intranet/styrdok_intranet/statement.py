"""The accessibility statement (*tillgänglighetsredogörelse*) the law requires, served at
``/tillganglighet`` and linked from every page's footer.

It is Markdown, written by the municipality: ``TILLGANGLIGHETSREDOGORELSE.md`` beside this
package is a template following DIGG's model, with ``[placeholders]`` to fill in; point
the app at the filled-in copy (``styrdok-intranet --statement FILE``). HTML comments (the
template's instructions to whoever fills it in) are left out of the page; any other raw
HTML is shown as text, not markup.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

NAME = "TILLGANGLIGHETSREDOGORELSE.md"
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)


def bundled() -> Path:
    """The template: inside the installed package (the wheel includes it), or beside the
    package in the source tree (an editable install)."""
    here = Path(__file__).resolve().parent
    inside = here / NAME
    return inside if inside.exists() else here.parent / NAME


def render(path: str | os.PathLike[str] | None = None) -> Markup:
    """The statement at ``path`` (default: :func:`bundled`) as HTML for the page.

    Read once, when the app is made: an unreadable file stops the server at start-up
    (``OSError``), not the first reader."""
    text = _COMMENT.sub("", Path(path or bundled()).read_text(encoding="utf-8"))
    html = MarkdownIt("commonmark", {"html": False}).render(text)
    return Markup(html)  # raw HTML is off: every tag in it is markdown-it's own
