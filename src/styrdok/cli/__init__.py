"""The ``styrdok`` command: thin commands that parse, call one Registry method, render.

Commands live in one module per noun. Nothing here imports SQLAlchemy at import time, so
``styrdok --help`` and ``styrdok --version`` start fast.
"""

from __future__ import annotations

import importlib

import click

from styrdok._version import __version__
from styrdok.cli.app import App, StyrdokGroup

#: The built-in commands, by name: the module under ``styrdok.cli`` and the attribute that
#: holds each. A command's module is imported the first time the command could run or be
#: listed, so ``styrdok --version`` imports none of them and ``styrdok doc list`` only the
#: document commands (issue 19: start-up within 1.5× of importing click).
COMMANDS = {
    "init": "setup:init",
    "demo": "setup:demo",
    "person": "people:person",
    "body": "people:body",
    "unit": "units:unit",
    "staff": "staff:staff",
    "doc": "doc:doc",
    "disp": "disp:disp",
    "due": "due:due",
    "expire": "due:expire",
    "ask": "questions:ask",
    "answer": "questions:answer",
    "questions": "questions:questions",
    "search": "content:search",
    "report": "report:report",
    "export": "exchange:export",
    "import": "exchange:import_",
    "schema": "exchange:schema",
    "remind": "remind:remind",
    "plugins": "plugins:plugins_command",
    "audit": "audit:audit",
    "files": "files:files",
    "ack": "reading:ack",
    "token": "tokens:token",
}


def builtin_command(name: str) -> click.Command:
    """The built-in command ``name`` (a key of :data:`COMMANDS`), its module imported."""
    module, attribute = COMMANDS[name].split(":")
    command: click.Command = getattr(importlib.import_module(f"styrdok.cli.{module}"), attribute)
    return command


class MainGroup(StyrdokGroup):
    """The top-level group: plugins' commands are added the first time they could be
    needed (a name not built in, or the list for --help), never for --version."""

    _plugins_loaded = False

    def _load_plugin_commands(self) -> None:
        if not MainGroup._plugins_loaded:
            MainGroup._plugins_loaded = True
            from styrdok import plugins

            plugins.hook().styrdok_register_commands(cli=self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(builtin_command(cmd_name))
        if cmd_name not in self.commands:
            self._load_plugin_commands()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))


@click.group(cls=MainGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="styrdok")
@click.option(
    "--db",
    envvar="STYRDOK_DB",
    metavar="URL|PATH",
    help="Registry database: a SQLite file or a SQLAlchemy URL "
    "[env STYRDOK_DB; default ./styrdok.db].",
)
@click.option(
    "--as",
    "actor",
    envvar="STYRDOK_USER",
    metavar="PERSON",
    help="Who is acting (a person ref) [env STYRDOK_USER].",
)
@click.option(
    "--config",
    "config_path",
    envvar="STYRDOK_CONFIG",
    metavar="PATH",
    help="Settings file [env STYRDOK_CONFIG; default ./styrdok.toml if present].",
)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    help="Language of help, tables, reports and reminders [default: from the settings file, "
    "else sv]; JSON and CSV keep the codes.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "csv-excel"]),
    default="table",
    show_default=True,
    help="Output format; csv-excel is CSV as Swedish Excel opens it (semicolons, decimal "
    "commas, UTF-8 with a byte order mark).",
)
@click.pass_context
def main(
    ctx: click.Context,
    db: str | None,
    actor: str | None,
    config_path: str | None,
    lang: str | None,
    fmt: str,
) -> None:
    """Keep governing documents (styrdokument), their guardians, reviews and
    dispensations in one trustworthy registry.

    \b
    Try it:
      styrdok demo                      # the Mittköping demo register, and what is due
      styrdok --db mittkoping.db doc list
      styrdok --db mittkoping.db due --within 60d
    """
    app = App(db=db, actor=actor, fmt=fmt, config_path=config_path, lang=lang)
    ctx.obj = app
    ctx.call_on_close(app.close)
