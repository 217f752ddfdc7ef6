"""What every command shares: the global options, the lazily opened registry, errors, and
the reader's language for help and usage errors."""

from __future__ import annotations

import contextlib
import copy
import gettext as stdlib_gettext
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import click

from styrdok.i18n import translations
from styrdok.i18n.help import translate_help, translate_text

if TYPE_CHECKING:
    from styrdok.config import Config
    from styrdok.registry import Registry

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """Global options, and the registry opened on first use (not for ``--help``).

    A plain class, not attrs: ``styrdok --version`` builds one before anything else, and
    importing attrs would be a fifth of its start-up."""

    def __init__(
        self,
        db: str | None,
        actor: str | None,
        fmt: str,
        config_path: str | None = None,
        lang: str | None = None,
    ) -> None:
        self.db = db
        self.actor = actor
        self.fmt = fmt
        self.config_path = config_path
        self.lang = lang
        self._registry: Registry | None = None

    def __repr__(self) -> str:
        return f"App(db={self.db!r}, actor={self.actor!r}, fmt={self.fmt!r})"

    def config(self) -> Config:
        from styrdok.config import load_config

        return load_config(self.config_path)

    def language(self) -> str:
        """The language people read: ``--lang``, else the settings file's, else Swedish."""
        return self.lang or self.config().language

    def registry(self) -> Registry:
        if self._registry is None:
            from styrdok.registry import Registry

            self._registry = Registry.open(self.db)
        return self._registry

    def close(self) -> None:
        if self._registry is not None:
            self._registry.close()
            self._registry = None


pass_app = click.make_pass_decorator(App)


# --- the reader's language for help and click's own messages -------------------------------
#
# click writes its messages ("Usage:", "Missing argument", "[default: …]") through the
# standard library's gettext, bound into each of its modules as `_` when it is imported. Those
# names are routed to `_gettext` below, which answers from styrdok's catalog only while a
# styrdok command runs (or formats its help) and otherwise exactly as click would: another
# program using click in the same process is not affected.

#: The reader's language while a styrdok command runs, found the first time a message needs
#: it (so that ``--version`` reads no settings file).
_reading: ContextVar[Callable[[], str] | None] = ContextVar("styrdok_reading", default=None)

#: Fixed strings of click's that it does not pass through gettext, shown translated.
CLICK_METAVARS = ("[OPTIONS]", "COMMAND [ARGS]...")


def current_language() -> str:
    """The language of the command running now: Swedish unless one was chosen."""
    language = _reading.get()
    return language() if language is not None else "sv"


@contextlib.contextmanager
def reading(language: Callable[[], str] | None) -> Iterator[None]:
    """Within this block click's messages and the help are in ``language()`` (``None``:
    click's own, English)."""
    token = _reading.set(cache(language) if language is not None else None)
    try:
        yield
    finally:
        _reading.reset(token)


def _gettext(message: str) -> str:
    language = _reading.get()
    if language is None:
        return stdlib_gettext.gettext(message)
    return translations(language()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    language = _reading.get()
    if language is None:
        return stdlib_gettext.ngettext(singular, plural, n)
    return translations(language()).ngettext(singular, plural, n)


#: click's modules that translate their messages.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


def _route_click_messages() -> None:
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "_", None) is stdlib_gettext.gettext:
            setattr(module, "_", _gettext)  # noqa: B010 - a module's global, not an attribute
        if getattr(module, "ngettext", None) is stdlib_gettext.ngettext:
            setattr(module, "ngettext", _ngettext)  # noqa: B010


_route_click_messages()


def _help_language(ctx: click.Context) -> Callable[[], str]:
    """The language to show help in: the running command's, else the one its global
    options chose, else Swedish."""
    running = _reading.get()
    if running is not None:
        return running
    app = ctx.find_object(App)
    return app.language if app is not None else (lambda: "sv")


def _translated_param(param: click.Parameter, gettext: Callable[[str], str]) -> click.Parameter:
    if not param.help:
        return param
    shown = copy.copy(param)
    shown.help = translate_text(param.help, gettext)
    return shown


class TranslatedHelp(click.Command):
    """A command whose help is shown in the reader's language: its text, its short help in
    the parent's list, its parameters' help and click's headings. The help stays English in
    the code; it is translated when shown, from the catalog (``styrdok.i18n.help``)."""

    #: The translation a copy being formatted shows its parameters' help in.
    _showing: Callable[[str], str] | None = None

    def _in(self, gettext: Callable[[str], str]) -> TranslatedHelp:
        shown = copy.copy(self)
        shown._showing = gettext
        shown.help = translate_help(self.help, gettext) if self.help else self.help
        shown.short_help = translate_text(self.short_help, gettext)
        shown.epilog = translate_help(self.epilog, gettext) if self.epilog else self.epilog
        shown.options_metavar = self.options_metavar and gettext(self.options_metavar)
        if isinstance(shown, click.Group) and shown.subcommand_metavar in CLICK_METAVARS:
            shown.subcommand_metavar = gettext(shown.subcommand_metavar)
        return shown

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with reading(_help_language(ctx)):
            shown = self._in(translations(current_language()).gettext)
            super(TranslatedHelp, shown).format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        shown = self._in(translations(current_language()).gettext)
        return super(TranslatedHelp, shown).get_short_help_str(limit)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        if self._showing is None:
            return params
        return [_translated_param(param, self._showing) for param in params]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click makes the --help option once per command and keeps it: made in English,
        # its help is translated when shown, in whichever language is read then.
        with reading(None):
            return super().get_help_option(ctx)


class StyrdokCommand(TranslatedHelp):
    """A styrdok command: its help in the reader's language."""


#: Each command class, and its subclass that shows help in the reader's language.
_TRANSLATING: dict[type[click.Command], type[TranslatedHelp]] = {}


def _translating(cls: type[click.Command]) -> type[TranslatedHelp]:
    if cls not in _TRANSLATING:
        _TRANSLATING[cls] = type(
            cls.__name__, (TranslatedHelp, cls), {"__module__": cls.__module__}
        )
    return _TRANSLATING[cls]


def translating(command: click.Command) -> click.Command:
    """``command``, made to show its help in the reader's language if it does not yet.

    Commands are mostly declared with a plain ``@click.command()`` (and plugins declare
    theirs), so a group gives each command it takes the translating behaviour, rather than
    every declaration having to remember a ``cls=``."""
    if not isinstance(command, TranslatedHelp):
        command.__class__ = _translating(type(command))
    return command


def _global_option(args: Sequence[str], params: Sequence[click.Parameter], name: str) -> str | None:
    """The value given to the global option ``name`` before the command's name, if any."""
    takes_value = {
        opt
        for param in params
        if isinstance(param, click.Option) and not param.is_flag
        for opt in param.opts
    }
    words = iter(args)
    for word in words:
        if word == "--" or not word.startswith("-"):
            break
        option, equals, value = word.partition("=")
        if option == name:
            return value if equals else next(words, None)
        if option in takes_value and not equals:
            next(words, None)
    return None


def error_line(message: str) -> str:
    """``Error: message``: the line a failed command ends with. The prefix comes from the
    catalog, as click's own (``Error: {message}``), and stays ``Error:`` in every language
    so that scripts and logs find it; what follows is in the reader's language."""
    return translations(current_language()).gettext("Error: {message}").format(message=message)


class StyrdokGroup(TranslatedHelp, click.Group):
    """A group that turns every error into one line, ``Error: …``, and an exit code:
    1 for a refused or failed operation, 2 for a usage mistake. Never a traceback.

    What follows ``Error:``, and the help, are in the reader's language: ``--lang``, else the
    settings file's, else Swedish."""

    command_class = StyrdokCommand
    group_class = type

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(translating(cmd), name)

    def _reader_language(self, args: Sequence[str]) -> str:
        chosen = _global_option(args, self.params, "--lang")
        if chosen in ("sv", "en"):
            return chosen
        from styrdok.errors import StyrdokError

        try:
            config_path = _global_option(args, self.params, "--config")
            return App(db=None, actor=None, fmt="table", config_path=config_path).language()
        except (StyrdokError, OSError):
            return "sv"  # a bad settings file is reported when a command reads it

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        words = [str(word) for word in (sys.argv[1:] if args is None else args)]
        with reading(lambda: self._reader_language(words)):
            return self._main(args, prog_name, complete_var, standalone_mode, **extra)

    def _main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.Abort:
            click.echo(error_line(translations(current_language()).gettext("aborted")), err=True)
            sys.exit(1)
        except click.UsageError as exc:
            see = translations(current_language()).gettext("see '{command} --help'")
            hint = f" ({see.format(command=exc.ctx.command_path)})" if exc.ctx else ""
            click.echo(error_line(f"{exc.format_message()}{hint}"), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(error_line(exc.format_message()), err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            # Output piped into `head` and the like: stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        from styrdok.errors import StyrdokError

        try:
            return super().invoke(ctx)
        except StyrdokError as exc:
            from styrdok.i18n.errors import translate_error

            raise click.ClickException(translate_error(str(exc), current_language())) from None
        except BrokenPipeError:
            raise
        except OSError as exc:
            from styrdok.i18n.errors import os_error

            raise click.ClickException(os_error(exc, current_language())) from None
