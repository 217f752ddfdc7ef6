"""Settings from ``styrdok.toml``: reminder offsets, language and each plugin's section.

Looked for at ``--config PATH``, then ``$STYRDOK_CONFIG``, then ``./styrdok.toml``; without
a file the defaults below apply. Example::

    language = "sv"                     # or "en"

    [reminders]
    review_offsets = [60, 30, 7, 0]     # days before a review date
    dispensation_offsets = [30, 7, 1]   # days before a dispensation ends
    overdue_every_days = 7              # while a review is overdue …
    overdue_back_off_after_days = 28    # … for this long after its date,
    overdue_then_every_days = 30        # then this seldom
    overdue_summary_after_days = 60     # later than this: one summary line in a digest
    escalate_after_days = 30            # the adopting body's contact is told …
    escalate_manager_after_days = 30    # … and this much later the owner's manager
    read_after_days = 14                # a rule not yet confirmed: remind the reader …
    read_manager_after_days = 30        # … and later tell their manager
    waiting_after_working_days = 5      # a request or question unanswered: remind …
    waiting_escalate_after_days = 15    # … then tell the adopting body's contact
    base_url = "https://intranat.mittkoping.se/styrdok"  # links in digests (optional)

    [checks]
    max_words = 2500                    # brevity, for `styrdok doc check`

    [files]                             # attachments (docs/files.md)
    storage = "local"                   # or "webdav" (plugins/styrdok-webdav)
    max_mb = 100                        # the largest file taken
    types = ["pdf", "docx", "odt", "xlsx", "txt", "md", "png", "jpeg"]

    [smtp]                              # a plugin's own section
    host = "smtp.mittkoping.example"

The whole file is checked when it is loaded: every core setting's type and range, unknown
keys, and the shape of every plugin section (a table, nested at most :data:`MAX_DEPTH`
deep). A mistake is one :class:`~styrdok.errors.InvalidValue` naming the file and the key::

    styrdok.toml: [reminders] review_offsets: expected a list of whole days 0–180, got "30"

A plugin checks its own section the same way, declaratively, when it registers::

    section = config.section("smtp", schema={
        "host": config.Str(required=True),
        "port": config.Int(1, 65535, default=587),
        "starttls": config.Bool(default=True),
        "units": config.StrList(),
    })

or one value at a time (``section.get_int("port", 587, min=1, max=65535)``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from styrdok.errors import InvalidValue
from styrdok.settings_schema import (
    MAX_OFFSET_DAYS as MAX_OFFSET_DAYS,
)
from styrdok.settings_schema import (
    MAX_TEXT as MAX_TEXT,
)
from styrdok.settings_schema import (
    Bool as Bool,
)
from styrdok.settings_schema import (
    Days as Days,
)
from styrdok.settings_schema import (
    Float as Float,
)
from styrdok.settings_schema import (
    Int as Int,
)
from styrdok.settings_schema import (
    Schema as Schema,
)
from styrdok.settings_schema import (
    Section as Section,
)
from styrdok.settings_schema import (
    Setting as Setting,
)
from styrdok.settings_schema import (
    Str as Str,
)
from styrdok.settings_schema import (
    StrList as StrList,
)
from styrdok.settings_schema import (
    WebUrl as WebUrl,
)
from styrdok.settings_schema import (
    shown as shown,
)

LANGUAGES = ("sv", "en")
#: Above this many words a document is flagged as long (brevity, ``[checks] max_words``).
DEFAULT_MAX_WORDS = 2_500
#: A settings file larger than this is refused unread (it is a mistake, not settings).
MAX_FILE_BYTES = 1_000_000
#: Lists and tables inside a section may nest this deep; deeper is refused at load time.
MAX_DEPTH = 4


# --- the core settings -------------------------------------------------------------------

REMINDERS: Schema = {
    "review_offsets": Days(),
    "dispensation_offsets": Days(),
    # Upper bounds keep date arithmetic far from the calendar's end and catch typos
    # (ten million days) at load time instead of as an OverflowError in a run.
    "overdue_every_days": Int(1, 365),
    "overdue_back_off_after_days": Int(0, 3650),
    "overdue_then_every_days": Int(1, 365),
    "overdue_summary_after_days": Int(1, 3650),
    "escalate_after_days": Int(1, 3650),
    "escalate_manager_after_days": Int(1, 3650),
    "max_attempts": Int(1, 1000),
    "read_after_days": Int(1, 365),
    "read_manager_after_days": Int(1, 730),
    "waiting_after_working_days": Int(1, 60),
    "waiting_escalate_after_days": Int(1, 3650),
    "base_url": WebUrl(),
}
CHECKS: Schema = {"max_words": Int(1, 1_000_000)}
TOP: Schema = {"language": Str(choices=LANGUAGES)}
#: Every kind of file styrdok recognises (:data:`styrdok.filetypes.TYPES`).
FILE_TYPES = ("pdf", "docx", "odt", "xlsx", "txt", "md", "png", "jpeg")
FILES: Schema = {
    # A file storage's name; plugins add more than the built-in "local" (checked when a
    # file command runs, as the installed plugins decide what exists).
    "storage": Str(),
    "directory": Str(),
    "max_mb": Int(1, 100_000),
    "types": StrList(choices=FILE_TYPES),
}
_CORE = {"": TOP, "reminders": REMINDERS, "checks": CHECKS, "files": FILES}


def _valid(table: str, key: str) -> Any:
    """An attrs validator holding a field to the core schema (so a ``Config`` built in
    code obeys the same rules as one read from a file)."""

    setting = _CORE[table][key]
    where = f"[{table}] {key}" if table else key

    def check(_inst: Any, _attribute: Any, value: Any) -> None:
        setting.check(value, where)

    return check


def _no_slash(value: Any) -> Any:
    return value.rstrip("/") if isinstance(value, str) else value


@attrs.frozen
class ReminderSettings:
    """``[reminders]``: when reminders go out. Built in code, it is checked as a file is."""

    review_offsets: tuple[int, ...] = attrs.field(
        default=(60, 30, 7, 0), validator=_valid("reminders", "review_offsets")
    )
    """Days before a document's review (or valid-until) date that its owner and guardian
    are reminded; a document may set its own (``reminder_offsets``)."""
    dispensation_offsets: tuple[int, ...] = attrs.field(
        default=(30, 7, 1), validator=_valid("reminders", "dispensation_offsets")
    )
    """Days before a dispensation ends that the responsible person and the approver are
    reminded."""
    overdue_every_days: int = attrs.field(
        default=7, validator=_valid("reminders", "overdue_every_days")
    )
    """How often an overdue review is reminded of at first."""
    overdue_back_off_after_days: int = attrs.field(
        default=28, validator=_valid("reminders", "overdue_back_off_after_days")
    )
    """The overdue reminders come every ``overdue_every_days`` until this many days after
    the due date, then every ``overdue_then_every_days``: weekly for a month, then monthly,
    so an item left overdue for a year does not fill a digest every week."""
    overdue_then_every_days: int = attrs.field(
        default=30, validator=_valid("reminders", "overdue_then_every_days")
    )
    """How often an overdue review is reminded of after ``overdue_back_off_after_days``."""
    overdue_summary_after_days: int = attrs.field(
        default=60, validator=_valid("reminders", "overdue_summary_after_days")
    )
    """In a digest, reviews more than this many days overdue are summed up in one line
    after the other items instead of one line each (:func:`styrdok.notify.summary_line`);
    3650 lists every one by itself."""
    escalate_after_days: int = attrs.field(
        default=30, validator=_valid("reminders", "escalate_after_days")
    )
    """Days overdue after which the adopting body's contact is told too, once; documents
    this late are listed per body in the governance report."""
    escalate_manager_after_days: int = attrs.field(
        default=30, validator=_valid("reminders", "escalate_manager_after_days")
    )
    """Days after the contact's step that the manager of the owner's unit is told too,
    once (:mod:`styrdok.escalation`): with the defaults, 60 days overdue."""
    max_attempts: int = attrs.field(default=20, validator=_valid("reminders", "max_attempts"))
    """A notice that failed this many runs is marked failed and no longer retried."""
    read_after_days: int = attrs.field(default=14, validator=_valid("reminders", "read_after_days"))
    """Days after someone was asked to read a document (its version came into force, or
    they joined the unit) that they are reminded, once, if they have not confirmed it."""
    read_manager_after_days: int = attrs.field(
        default=30, validator=_valid("reminders", "read_manager_after_days")
    )
    """Days after which the manager of a unit whose staff have not all confirmed a
    document is told, once per version."""
    waiting_after_working_days: int = attrs.field(
        default=5, validator=_valid("reminders", "waiting_after_working_days")
    )
    """Working days a dispensation request or a question may wait before those who
    should act on it are reminded, once (:mod:`styrdok.step_notices`)."""
    waiting_escalate_after_days: int = attrs.field(
        default=15, validator=_valid("reminders", "waiting_escalate_after_days")
    )
    """Days a request or a question may wait before the adopting body's contact is told."""
    base_url: str | None = attrs.field(default=None, converter=_no_slash)
    """Where the intranet serves the register (``https://intranat.mittkoping.se/styrdok``):
    each line of a digest then ends with a link to its item. ``None``: no links."""

    @base_url.validator
    def _check_base_url(self, _attribute: Any, value: str | None) -> None:
        if value is not None:
            REMINDERS["base_url"].check(value, "[reminders] base_url")


#: A megabyte, as file managers count it.
MB = 1024 * 1024


@attrs.frozen
class FileSettings:
    """``[files]``: where attachments' content is kept, how large and of which types."""

    storage: str = attrs.field(default="local", validator=_valid("files", "storage"))
    """The file storage (``local``, or one a plugin offers, e.g. ``webdav``)."""
    directory: str | None = attrs.field(default=None)
    """For ``local``: the folder; default beside a SQLite database, ``<db>.files``."""
    max_mb: int = attrs.field(default=100, validator=_valid("files", "max_mb"))
    """The largest file taken, in MB (1,048,576 bytes)."""
    types: tuple[str, ...] = attrs.field(default=FILE_TYPES, validator=_valid("files", "types"))
    """The kinds of file taken (:data:`FILE_TYPES`)."""

    @directory.validator
    def _directory(self, _attribute: object, value: str | None) -> None:
        if value is not None:
            FILES["directory"].check(value, "[files] directory")

    @property
    def max_bytes(self) -> int:
        """:attr:`max_mb` in bytes."""
        return self.max_mb * MB


@attrs.frozen
class Config:
    """The settings (:func:`load_config` reads them from ``styrdok.toml``); the defaults
    apply without a file. Built in code, it is checked as a file is."""

    reminders: ReminderSettings = attrs.field(factory=ReminderSettings)
    """``[reminders]``: when reminders go out."""
    files: FileSettings = attrs.field(factory=FileSettings)
    """``[files]``: attachments' storage, size limit and types."""
    max_words: int = attrs.field(default=DEFAULT_MAX_WORDS, validator=_valid("checks", "max_words"))
    """``[checks] max_words``: above this a document is flagged as long (brevity)."""
    language: str = attrs.field(default="sv", validator=_valid("", "language"))
    """``language``: ``sv`` or ``en``, for reminders, reports and spreadsheet headings
    (``--lang`` overrides it on the command line)."""
    sections: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    """Every other table, as read, by name: plugins' sections (see :meth:`section`)."""
    path: Path | None = None
    """The file read, or ``None`` when no file was."""

    @property
    def source(self) -> str:
        """How messages name the settings: the file's path, or ``configuration``."""
        return str(self.path) if self.path else "configuration"

    def section(self, name: str, *, schema: Schema | None = None) -> Section:
        """A plugin's own settings (empty when absent), checked against ``schema`` when
        given — call it when your plugin registers, so a mistake stops the run before
        anything is sent (the plugin manager passes :class:`InvalidValue` on)."""
        section = Section(name, self.sections.get(name, {}), source=self.source)
        return section.validated(schema) if schema is not None else section


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the configuration; a bad file is one clear :class:`InvalidValue`."""
    explicit = path or os.environ.get("STYRDOK_CONFIG")
    target = Path(explicit) if explicit else Path("styrdok.toml")
    if not target.exists():
        if explicit:
            raise InvalidValue(f"configuration file {target} does not exist")
        return Config()
    if target.is_file() and target.stat().st_size > MAX_FILE_BYTES:
        raise InvalidValue(f"{target}: larger than {MAX_FILE_BYTES:,} bytes; not a settings file")
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # Where the mistake is, in styrdok's words (translated); what it is, in tomllib's.
        reason, line, column = _toml_mistake(exc)
        if line is None:
            raise InvalidValue(
                f"{target}: not valid TOML at the end of the file ({reason})"
            ) from None
        raise InvalidValue(
            f"{target}, line {line}, column {column}: not valid TOML ({reason})"
        ) from None
    except UnicodeDecodeError as exc:
        at = exc.start + 1
        raise InvalidValue(f"{target}: not UTF-8 text (byte {at}); save it as UTF-8") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise InvalidValue(f"{target}: arrays or tables nested too deeply") from None
    return parse_config(data, path=target)


#: Where tomllib says a mistake is: ``Invalid value (at line 3, column 9)``.
_TOML_AT = re.compile(r"(?P<reason>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)", re.S)


def _toml_mistake(exc: tomllib.TOMLDecodeError) -> tuple[str, str | None, str | None]:
    """What tomllib says is wrong, and the line and column (``None`` at the file's end)."""
    message = str(exc)
    at = _TOML_AT.fullmatch(message)
    if at is None:
        return message.removesuffix(" (at end of document)"), None, None
    return at["reason"], at["line"], at["column"]


def _depth(value: Any) -> int:
    """How deep lists and tables nest in ``value`` (a scalar is 0)."""
    if isinstance(value, Mapping):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def parse_config(data: Mapping[str, Any], *, path: Path | None = None) -> Config:
    """A :class:`Config` from a parsed settings file, checked as a whole (module docs)."""
    source = str(path) if path else "configuration"
    top = Section("", {k: v for k, v in data.items() if k in TOP}, source=source)
    tables: dict[str, Section] = {}
    for name, value in data.items():
        if name in TOP:
            continue
        if not isinstance(value, Mapping):
            raise InvalidValue(
                f"{source}: {name}: unknown setting; the top level takes only "
                f"{', '.join(TOP)}, everything else is a table such as [{name}]; "
                f"got {shown(value)}"
            )
        tables[name] = Section(name, value, source=source)
        for key, item in value.items():
            if _depth(item) > MAX_DEPTH:
                raise InvalidValue(
                    f"{tables[name].where(key)}: lists or tables nested more than {MAX_DEPTH} deep"
                )
    language = top.read("language", TOP["language"])
    if language is None:
        language = "sv"
    reminders = tables.pop("reminders", Section("reminders", {}, source=source))
    checks = tables.pop("checks", Section("checks", {}, source=source))
    files = tables.pop("files", Section("files", {}, source=source))
    return Config(
        reminders=ReminderSettings(**reminders.validated(REMINDERS)),
        files=FileSettings(**files.validated(FILES)),
        max_words=checks.validated(CHECKS).get("max_words", DEFAULT_MAX_WORDS),
        language=language,
        sections={name: dict(table) for name, table in tables.items()},
        path=path,
    )
