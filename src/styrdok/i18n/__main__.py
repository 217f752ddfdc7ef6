"""Refresh the catalogs: ``python -m styrdok.i18n`` extracts the English source strings,
merges them into each language's ``.po`` (keeping existing translations) and compiles
``.mo``. Translate new entries in the ``.po`` file, then run it again."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from styrdok.i18n import DOMAIN, LOCALE_DIR

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ("sv",)
#: gettext's names, and the command line's ``said(message, **parts)`` and ``said_n``.
KEYWORDS = {**DEFAULT_KEYWORDS, "said": None, "said_n": (1, 2)}
STABLE_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
#: The intranet example's command, ``styrdok-intranet``, which speaks through this catalog
#: too; not there when styrdok is installed without its examples.
INTRANET_COMMAND = (
    PACKAGE_DIR.parent.parent / "examples" / "intranet" / "styrdok_intranet" / "__main__.py"
)


def extract() -> Catalog:
    """Every translatable string in the package: its gettext calls, the help of every
    built-in command, what ``styrdok-intranet`` says on the console, click's own messages,
    which styrdok shows in the reader's language too, and the messages of the errors the
    core raises (``styrdok.i18n.errors``)."""
    from styrdok.i18n import errors

    template = Catalog(domain=DOMAIN, project="styrdok")
    for _file, _line, message, comments, context in extract_from_dir(
        str(PACKAGE_DIR), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message, auto_comments=comments, context=context)
    for message in help_messages():
        template.add(message)
    for message in intranet_messages():
        template.add(message)
    for message in click_messages():
        template.add(message)
    for message in errors.messages():
        template.add(message, auto_comments=["error"])
    for word in (*errors.WORDS, *errors.phrases()):
        template.add(word, context=errors.WORD_CONTEXT)
    from styrdok import labels

    for field in labels.field_names():
        template.add(field, context=labels.FIELD_CONTEXT)
    return template


def help_messages() -> Iterator[str]:
    """The help texts of every built-in command and group, paragraph by paragraph; example
    lines are not among them (``styrdok.i18n.help``)."""
    from styrdok.cli import COMMANDS, builtin_command, main
    from styrdok.i18n.help import command_messages

    yield from command_messages(main)
    for name in COMMANDS:
        yield from command_messages(builtin_command(name))


def intranet_messages() -> Iterator[str | tuple[str, ...]]:
    """What ``styrdok-intranet`` (examples/intranet) says on the console: its messages and
    the help of its command; nothing when the example is not beside the package."""
    import importlib.util

    from styrdok.i18n.help import command_messages

    if not INTRANET_COMMAND.is_file():
        return
    for _line, message, _comments, _context in extract_from_file(
        "python", str(INTRANET_COMMAND), keywords=KEYWORDS
    ):
        yield message
    # Loaded from its file, so that the catalog does not depend on the example's being
    # installed; it imports nothing of the intranet's until it runs.
    spec = importlib.util.spec_from_file_location("styrdok_intranet_command", INTRANET_COMMAND)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield from command_messages(module.main)


def click_messages() -> Iterator[str | tuple[str, ...]]:
    """What click writes in help and usage errors, from the click installed."""
    import importlib

    from styrdok.cli.app import CLICK_METAVARS, CLICK_MODULES

    yield from CLICK_METAVARS
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        assert module.__file__ is not None
        for _line, message, _comments, _context in extract_from_file("python", module.__file__):
            yield message


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled(language: str) -> bytes:
    """The ``.mo`` bytes the ``.po`` file compiles to."""
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def write_error_templates() -> None:
    """List the error templates found in the source (``styrdok.i18n.errors``)."""
    import json

    from styrdok.i18n import errors

    listed = json.dumps(errors.found_templates(), ensure_ascii=False, indent=1)
    errors.TEMPLATES_FILE.write_text(listed + "\n", encoding="utf-8")


def main() -> None:
    write_error_templates()
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
