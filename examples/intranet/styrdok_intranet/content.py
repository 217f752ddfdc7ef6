"""A document's own words on its page: the text, and what the current version changed.

The core renders Markdown safely (:func:`styrdok.markdown.to_html`: no raw HTML, web links
only) and compares versions (:meth:`Registry.compare_versions`); this module only names the
changed fields in Swedish for the page.
"""

from __future__ import annotations

from typing import Any

import attrs
from markupsafe import Markup

from styrdok import markdown
from styrdok.diffing import TextChange
from styrdok.enums import DocStatus
from styrdok.errors import StyrdokError
from styrdok.model import Document
from styrdok.registry import Registry

#: Swedish names of the fields a new version may change (others show their code).
FIELD_NAMES = {
    "title": "Titel",
    "doc_type": "Typ",
    "owner": "Dokumentägare",
    "guardian": "Väktare",
    "status": "Status",
    "adopted_by": "Beslutad av",
    "decided_on": "Beslutsdatum",
    "effective_from": "Gäller från",
    "in_force_from": "I kraft sedan",
    "minute_ref": "Paragraf",
    "registry_number": "Diarienummer",
    "purpose": "Syfte",
    "intended_effects": "Önskade effekter",
    "audience": "Målgrupp",
    "applies_to": "Gäller för",
    "limits": "Avgränsningar",
    "follow_up.method": "Uppföljning, hur",
    "follow_up.by": "Uppföljning, av vem",
    "review_interval_months": "Prövas var (månader)",
    "next_review_on": "Nästa prövning",
    "valid_until": "Gäller till och med",
    "non_compliance": "Om regeln inte följs",
    "faq": "Vanliga frågor",
    "parent": "Överordnat dokument",
    "supersedes": "Ersätter",
    "related": "Relaterade dokument",
    "text_url": "Länk till hela texten",
    "word_count": "Antal ord",
    "dispensation_rules.allowed": "Dispens möjlig",
    "dispensation_rules.requirements": "Krav för dispens",
    "dispensation_rules.approvers": "Får bevilja dispens",
    "dispensation_rules.max_duration_days": "Längsta dispens (dagar)",
    "dispensation_rules.max_renewals": "Antal förlängningar",
    "reminder_offsets": "Påminnelser (dagar före)",
}


#: Bookkeeping a new version changes that is no news to a reader.
NOT_SHOWN = frozenset({"ack_version"})


@attrs.frozen
class VersionChanges:
    """What the version in force changed, ready for the page."""

    version: int
    previous: int
    fields: tuple[str, ...]
    """Swedish names of the fields that changed (the text is shown word by word)."""
    text: tuple[TextChange, ...]
    """The text's redline; empty when the text did not change."""


def text_html(document: Document) -> Markup:
    """The document's text as safe HTML (empty when it has none)."""
    return Markup(markdown.to_html(document.text)) if document.text else Markup("")


def changes(
    reg: Registry, document: Document, *, since: int | None = None
) -> VersionChanges | None:
    """What the current version of a document in force changed from the one before it, or
    from version ``since`` (the one a reader confirmed); ``None`` for a first version, a
    document not in force, or nothing to compare."""
    if document.status is not DocStatus.IN_FORCE or document.version < 2:
        return None
    if since is not None and not 1 <= since < document.version:
        return None
    try:
        diff = reg.compare_versions(document.ref, from_version=since, to_version=document.version)
    except StyrdokError:
        return None  # e.g. a register imported without its earlier versions
    names: dict[str, None] = {}
    for change in diff.fields:
        if change.field in NOT_SHOWN:
            continue
        key = change.field if change.field in FIELD_NAMES else change.field.split(".")[0]
        names[FIELD_NAMES.get(key, key)] = None
    return VersionChanges(
        version=diff.to_version,
        previous=diff.from_version,
        fields=tuple(names),
        text=diff.text if diff.text_changed else (),
    )


#: What each kind of file is called on the page.
FILE_KINDS = {"decision": "beslut", "appendix": "bilaga", "template": "mall"}


def file_size(size: int) -> str:
    """A file's size the Swedish way: ``850 byte``, ``12 kB``, ``3,4 MB``."""
    if size < 1000:
        return f"{size} byte"
    if size < 1_000_000:
        return f"{round(size / 1000)} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def page_context(reg: Registry, document: Document, *, since: int | None = None) -> dict[str, Any]:
    """What ``document.html`` needs for the text, its changes (since version ``since``,
    the one the reader confirmed, when given) and its files."""
    return {
        "text_html": text_html(document),
        "changes": changes(reg, document, since=since),
        "files": reg.document_files(document.ref),
    }
