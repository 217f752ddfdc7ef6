"""A mkdocs hook: the Registry page lists every method, grouped as registry.py groups them.

``docs/api/registry.md`` holds the marker below; this hook replaces it with one section per
``# --- group ---`` banner in ``src/styrdok/registry.py`` and one ``:::`` entry per method
bound under it, so a use case added to the facade appears in the reference with no edit
here. Public names the banners do not cover (``open``, ``close``, the clock, the attributes)
come first, under "Opening and the clock".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MARKER = "<!-- registry methods -->"
SOURCE = Path(__file__).resolve().parents[2] / "src" / "styrdok" / "registry.py"

_BANNER = re.compile(r"^    # --- (?P<title>[^(]+?)\s*(?:\([^)]*\))?\s*-+$")
_BINDING = re.compile(r"^    (?P<name>[a-z]\w*) = \w+\.\w+")
_DEF = re.compile(r"^    def (?P<name>[a-z]\w*)\(")
_ATTRIBUTE = re.compile(r"^        self\.(?P<name>[a-z]\w*)(?:\s*:[^=]+)? = ")


def groups(source: str) -> list[tuple[str, list[str]]]:
    """``(title, names)`` per group of ``registry.py``, in source order."""
    found: list[tuple[str, list[str]]] = [("Opening and the clock", [])]
    seen: set[str] = set()
    for line in source.splitlines():
        if banner := _BANNER.match(line):
            title = banner["title"]
            found.append((title[0].upper() + title[1:], []))
            continue
        match = _BINDING.match(line) or _DEF.match(line)
        if match is None and len(found) == 1:  # attributes set in __init__, before any banner
            match = _ATTRIBUTE.match(line)
        if match is not None and match["name"] not in seen:
            seen.add(match["name"])
            found[-1][1].append(match["name"])
    return [group for group in found if group[1]]


def markdown() -> str:
    """The Markdown that replaces :data:`MARKER`."""
    parts = []
    for title, names in groups(SOURCE.read_text(encoding="utf-8")):
        parts.append(f"## {title}\n")
        parts.extend(
            f"::: styrdok.registry.Registry.{name}\n"
            "    options:\n"
            "      show_root_full_path: false\n"
            "      heading_level: 3\n"
            for name in names
        )
    return "\n".join(parts)


def on_page_markdown(markdown_text: str, page: Any, **kwargs: Any) -> str:
    """Expand the marker on the Registry page."""
    if page.file.src_uri == "api/registry.md":
        return markdown_text.replace(MARKER, markdown())
    return markdown_text
