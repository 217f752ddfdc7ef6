"""Refresh the catalogs: ``python -m styrdok.i18n`` extracts the English source strings,
merges them into each language's ``.po`` (keeping existing translations) and compiles
``.mo``. Translate new entries in the ``.po`` file, then run it again."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from styrdok.i18n import DOMAIN, LOCALE_DIR

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ("sv",)
STABLE_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def extract() -> Catalog:
    """Every translatable string in the package."""
    template = Catalog(domain=DOMAIN, project="styrdok")
    for _file, _line, message, comments, context in extract_from_dir(
        str(PACKAGE_DIR), method_map=[("**.py", "python")]
    ):
        template.add(message, auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled(language: str) -> bytes:
    """The ``.mo`` bytes the ``.po`` file compiles to."""
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def main() -> None:
    template = extract()
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="styrdok")
        catalog.update(template, no_fuzzy_matching=True)
        # Stable files: no timestamps that change on every run, and a header that is
        # not marked fuzzy (a fuzzy header would be left out of the compiled catalog).
        catalog.fuzzy = False
        catalog.creation_date = catalog.revision_date = STABLE_DATE
        catalog.last_translator = "styrdok developers"
        catalog.language_team = "Swedish"
        with path.open("wb") as handle:
            write_po(handle, catalog, no_location=True, omit_header=False, sort_output=True)
        path.with_suffix(".mo").write_bytes(compiled(language))
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{language}: {len(catalog)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
