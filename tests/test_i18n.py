"""The Swedish catalog is complete and compiled."""

from __future__ import annotations

import io
from typing import Any

from babel.messages.pofile import read_po

from styrdok.i18n import translations
from styrdok.i18n.__main__ import compiled, extract, po_path


def test_every_text_is_translated_to_swedish() -> None:
    """No English sentence reaches a Swedish reader: every source string has a
    translation that is not marked fuzzy."""
    with po_path("sv").open("rb") as handle:
        catalog = read_po(handle, locale="sv")
    for message in extract():
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        assert entry is not None, f"not in the catalog: {message.id!r}"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings) and not entry.fuzzy, f"untranslated: {message.id!r}"


def test_the_compiled_catalog_is_up_to_date() -> None:
    """styrdok.mo says what styrdok.po says (run `python -m styrdok.i18n`). Compared by its
    messages, not its bytes: Babel releases lay the same catalog out differently."""
    from babel.messages.mofile import read_mo

    with po_path("sv").with_suffix(".mo").open("rb") as handle:
        shipped = _messages(read_mo(handle))
    assert shipped == _messages(read_mo(io.BytesIO(compiled("sv"))))


def _messages(catalog: Any) -> dict[tuple[str | None, Any], Any]:
    """Each translated message of ``catalog``: (context, id) → translation."""

    def plain(value: Any) -> Any:  # a plural's forms come as a list or a tuple
        return value if isinstance(value, str) else tuple(value)

    return {
        (message.context, plain(message.id)): plain(message.string)
        for message in catalog
        if message.id and message.string
    }


def test_plural_forms_follow_swedish_rules() -> None:
    """1 ärende, 2 ärenden."""
    ngettext = translations("sv").ngettext
    one = "styrdok: {count} item needs your attention"
    many = "styrdok: {count} items need your attention"
    assert ngettext(one, many, 1).format(count=1) == "styrdok: 1 ärende behöver din uppmärksamhet"
    assert ngettext(one, many, 2).format(count=2) == "styrdok: 2 ärenden behöver din uppmärksamhet"


def test_every_code_has_a_label_in_both_languages() -> None:
    """No raw enum code in a table: every value of every enumeration has an English label
    without underscores and a Swedish one from the catalog."""
    import enum

    from styrdok import enums
    from styrdok.attachment import FileKind
    from styrdok.labels import label
    from styrdok.notify import NoticeKind

    kinds = [
        value
        for value in vars(enums).values()
        if isinstance(value, type) and issubclass(value, enum.Enum) and value is not enum.Enum
    ]
    assert len(kinds) >= 7
    for kind in [*kinds, FileKind, NoticeKind]:
        for member in kind:
            english = label(member.value, "en")
            assert "_" not in english, f"{kind.__name__}.{member.name} has no label"
            assert english.islower()
            assert translations("sv").gettext(english) != english or english in {
                "policy", "plan",
            }, f"{kind.__name__}.{member.name}: {english!r} is not translated"  # fmt: skip
