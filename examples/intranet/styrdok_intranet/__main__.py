"""``styrdok-intranet``: serve the register on the intranet (waitress, a production WSGI
server in pure Python; put it behind the intranet's login proxy).

What it says on the console — its help, what it does at start-up, why it cannot start — is
in the reader's language, as on styrdok's command line: ``--lang``, else the settings file's
(``styrdok.toml``, ``$STYRDOK_CONFIG``), else Swedish. The texts are English in the code and
translated from styrdok's catalog (``python -m styrdok.i18n`` extracts them from this file
too); the help through styrdok's translating command class, the registry's refusals through
:mod:`styrdok.i18n.errors`. The pages are Swedish whatever the console speaks.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from styrdok.cli.app import CLICK_METAVARS, TranslatedHelp, current_language, reading
from styrdok.cli.output import said
from styrdok.i18n import translations

if TYPE_CHECKING:
    from flask import Flask

#: The languages the console speaks.
LANGUAGES = ("sv", "en")


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it yet."""
    return message


#: Why the intranet's own checks refuse a setting (``identity.proxy_network``,
#: ``security.check_frame_ancestors``, ``api.access.check_cors_origins``), as they say it in
#: English, ``{name}`` where their f-strings have a field. The reason is recognised by these
#: and shown in the reader's language; one that fits none is shown as it is.
REASONS = (
    N_("{text} is not an IP address or network"),
    N_(
        "{text} has host bits set: write {address} for that one address, or {network} for "
        "the whole /{prefix} network"
    ),
    N_("give 'self', 'none' or the origins that may frame the pages"),
    N_(
        "{source} is not an origin: write 'self', 'none' or an address such as "
        "https://intranet.kommun.se (no path, no ';')"
    ),
    N_("'none' cannot be combined with other sources"),
    N_(
        "{value} is not an origin: write one address such as https://intranet.kommun.se "
        "(scheme and host, optionally a port; no path, no wildcard)"
    ),
)

#: Why the server could not take its address, for the failures people meet: the system
#: says them in English.
LISTEN_REASONS = {
    errno.EADDRINUSE: N_("Address already in use"),
    errno.EADDRNOTAVAIL: N_("Cannot assign requested address"),
    errno.EACCES: N_("Permission denied"),  # a port below 1024
}


def reason(message: str) -> str:
    """One of :data:`REASONS` filled in, in the reader's language; else ``message``."""
    from styrdok.i18n.templates import parsed

    for text in REASONS:
        template = parsed(text, frozenset())
        found = template.pattern.match(message) if template is not None else None
        if found is not None:
            return said(text, **found.groupdict())
    return message


def _chosen_language(words: Sequence[str]) -> str | None:
    """The ``--lang`` among the words of the command line, if one was given."""
    chosen = None
    for at, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and at + 1 < len(words):
            chosen = words[at + 1]
        elif word.startswith("--lang="):
            chosen = word.partition("=")[2]
    return chosen if chosen in LANGUAGES else None


def reader_language(words: Sequence[str]) -> str:
    """The language the console speaks: ``--lang``, else the settings file's (as styrdok's
    command line finds it), else Swedish."""
    chosen = _chosen_language(words)
    if chosen is not None:
        return chosen
    from styrdok.config import load_config
    from styrdok.errors import StyrdokError

    try:
        return load_config(None).language
    except (StyrdokError, OSError):
        return "sv"  # a bad settings file is not the console's to report


class IntranetCommand(TranslatedHelp):
    """``styrdok-intranet``: its help, its messages and click's in the reader's language,
    chosen before the command line is parsed so that a usage error is in it too."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        words = [str(word) for word in (sys.argv[1:] if args is None else args)]
        with reading(lambda: reader_language(words)):
            self._name_paths()
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)

    def _name_paths(self) -> None:
        """A file option's kind (``Filen '…' finns inte``) in the reader's language: click
        names it when the option is declared, before any language is chosen."""
        gettext = translations(current_language()).gettext
        for param in self.params:
            kind = param.type
            if isinstance(kind, click.Path):
                # click's own words for the kinds, as click.Path names them (in the catalog).
                word = "path" if kind.file_okay == kind.dir_okay else "file"
                if not kind.file_okay:
                    word = "directory"
                kind.name = gettext(word)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        # The usage line above a usage error, as well as the help's: ``[FLAGGOR]``.
        gettext = translations(current_language()).gettext
        pieces = super().collect_usage_pieces(ctx)
        return [gettext(piece) if piece in CLICK_METAVARS else piece for piece in pieces]


def _proxies(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Each ``--trusted-proxy`` checked now, so a mistake is a usage error (exit 2)."""
    from styrdok_intranet.identity import proxy_network

    for value in values:
        try:
            proxy_network(value)
        except ValueError as exc:
            raise click.BadParameter(reason(str(exc))) from None
    return values


def _ancestors(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """``--frame-ancestors`` checked now: a usage error (exit 2), not a broken header."""
    from styrdok_intranet.security import check_frame_ancestors

    try:
        return check_frame_ancestors(value)
    except ValueError as exc:
        raise click.BadParameter(reason(str(exc))) from None


def _origins(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--cors-origin`` checked now: a usage error (exit 2), not a silently closed API."""
    from styrdok_intranet.api.access import check_cors_origins

    try:
        return check_cors_origins(values)
    except ValueError as exc:
        raise click.BadParameter(reason(str(exc))) from None


def _failure(exc: Exception) -> str:
    """Why the server cannot start, in the reader's language: the registry's refusal, a
    file that failed or a setting refused."""
    from styrdok.errors import StyrdokError
    from styrdok.i18n.errors import os_error, translate_error

    if isinstance(exc, StyrdokError):
        return translate_error(str(exc), current_language())
    if isinstance(exc, OSError):
        return os_error(exc, current_language())
    return reason(str(exc))


def _listen_failure(exc: OSError) -> str:
    """Why the server could not take its address, in the reader's language."""
    known = LISTEN_REASONS.get(exc.errno or 0)
    return said(known) if known is not None else exc.strerror or str(exc)


#: Whom ``--demo`` trusts without ``--trusted-proxy``: this machine.
DEMO_PROXIES = ("127.0.0.1", "::1")


@click.command(cls=IntranetCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="STYRDOK_DB",
    default="styrdok.db",
    show_default=True,
    help="Registry: a SQLite file or a SQLAlchemy URL [env STYRDOK_DB].",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Build the Mittköping demo register into --db first if it does not exist.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Requests computed at once per worker (waitress's threads; one registry connection "
    "each). One process computes one at a time anyway; raise it when the database is across "
    "a network.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port (POSIX only): one per core lets readers use "
    "every core, which one process cannot.",
)
@click.option(
    "--trusted-proxy",
    "proxies",
    multiple=True,
    metavar="CIDR",
    callback=_proxies,
    help="Address of the login proxy whose user header is believed (repeatable). "
    "Without it nobody is logged in (with --demo: this machine).",
)
@click.option(
    "--user-header",
    default="X-Remote-User",
    show_default=True,
    help="Header in which the proxy names the logged-in person (their styrdok ref).",
)
@click.option(
    "--frame-ancestors",
    envvar="STYRDOK_INTRANET_FRAME_ANCESTORS",
    default="'self'",
    show_default=True,
    callback=_ancestors,
    metavar="SOURCES",
    help="Who may show the pages in a frame: 'self', 'none' or origins such as "
    '"https://intranet.kommun.se" [env STYRDOK_INTRANET_FRAME_ANCESTORS].',
)
@click.option(
    "--statement",
    "statement_file",
    envvar="STYRDOK_INTRANET_STATEMENT",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The accessibility statement (Markdown) shown at /tillganglighet; default: the "
    "template to fill in, TILLGANGLIGHETSREDOGORELSE.md [env STYRDOK_INTRANET_STATEMENT].",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    callback=_origins,
    help="A site whose pages may call the API from the browser, such as "
    '"https://intranet.kommun.se" (repeatable; default: none).',
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Language of this help and of the messages on the console (the pages are in "
    "Swedish) [default: from the settings file, else sv].",
)
def main(
    db: str,
    demo: bool,
    host: str,
    port: int,
    threads: int,
    workers: int,
    proxies: tuple[str, ...],
    user_header: str,
    frame_ancestors: str,
    statement_file: Path | None,
    cors_origins: tuple[str, ...],
    lang: str | None,
) -> None:
    """Serve the styrdok register as intranet pages, a JSON API and a calendar feed.

    \b
    Example (the Mittköping demo on http://127.0.0.1:8000):
      styrdok-intranet --db mittkoping.db --demo
    Behind the login proxy at 10.0.0.5, framed by the intranet portal, on two cores:
      styrdok-intranet --db register.db --trusted-proxy 10.0.0.5 --workers 2 \\
        --frame-ancestors "https://intranet.kommun.se"
    """  # fmt: skip
    # ``lang`` was read before the command line was parsed (IntranetCommand.main): every
    # message from here on, and click's own, are already in it.
    del lang
    import secrets

    from styrdok.errors import StyrdokError
    from styrdok.registry import Registry
    from styrdok_intranet import create_app
    from styrdok_intranet.serving import can_fork, serve

    if workers > 1 and not can_fork():
        raise click.UsageError(said("--workers above 1 needs a POSIX system (fork); use 1 here"))
    try:
        if demo and "://" not in db and not Path(db).exists():
            from styrdok.demo import build_demo

            with Registry.open(db, create=True) as registry:
                build_demo(registry, today=registry.today())
            click.echo(said("Built the Mittköping demo register in {db}.", db=db))
        Registry.open(db).close()  # fail here, clearly, rather than on the first request
        if demo and not proxies:
            proxies = DEMO_PROXIES
            click.echo(
                said(
                    "Demo: believing {header} from this machine ({addresses}), so any program "
                    "here can claim to be anyone. Never use --demo in production.",
                    header=user_header,
                    addresses=", ".join(proxies),
                )
            )
        elif not proxies:
            click.echo(
                said(
                    "No --trusted-proxy: nobody is logged in; everyone may read, no one may "
                    "ask or answer. Give the login proxy's address to believe its {header} "
                    "header.",
                    header=user_header,
                )
            )
        else:
            click.echo(
                said(
                    "Believing {header} only from {addresses}.",
                    header=user_header,
                    addresses=", ".join(proxies),
                )
            )
        # One secret for every worker: a form one worker shows, another accepts.
        secret = os.environ.get("STYRDOK_INTRANET_SECRET", "").encode() or secrets.token_bytes(32)

        def build_app() -> Flask:
            return create_app(
                db,
                trusted_proxies=proxies,
                user_header=user_header,
                frame_ancestors=frame_ancestors,
                statement_file=statement_file,
                cors_origins=cors_origins,
                secret=secret,
            )

        build_app()  # fail here, clearly, before any worker starts
    except (StyrdokError, ValueError, OSError) as exc:
        raise click.ClickException(_failure(exc)) from None
    address = f"http://{host}:{port}/"
    if workers > 1:
        click.echo(
            said(
                "Serving {db} on {address}, {workers} worker processes (Ctrl+C stops)",
                db=db,
                address=address,
                workers=workers,
            )
        )
    else:
        click.echo(said("Serving {db} on {address} (Ctrl+C stops)", db=db, address=address))
    try:
        serve(
            build_app,
            host=host,
            port=port,
            threads=threads,
            workers=workers,
            ident="styrdok-intranet",
        )
    except OSError as exc:
        raise click.ClickException(
            said(
                "cannot listen on {host}:{port}: {reason}",
                host=host,
                port=port,
                reason=_listen_failure(exc),
            )
        ) from None


if __name__ == "__main__":
    main()
