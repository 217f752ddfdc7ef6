"""What every command shares: the global options, the lazily opened registry, errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

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


class StyrdokGroup(click.Group):
    """A group that turns every error into one line, ``Error: …``, and an exit code:
    1 for a refused or failed operation, 2 for a usage mistake. Never a traceback."""

    def main(
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
            click.echo("Error: aborted", err=True)
            sys.exit(1)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"Error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
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
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise click.ClickException(
                f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
            ) from None
