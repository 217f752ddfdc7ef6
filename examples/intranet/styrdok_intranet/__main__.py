"""``styrdok-intranet``: serve the register on the intranet (waitress, a production WSGI
server in pure Python; put it behind the intranet's login proxy)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask


def _proxies(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Each ``--trusted-proxy`` checked now, so a mistake is a usage error (exit 2)."""
    from styrdok_intranet.identity import proxy_network

    for value in values:
        try:
            proxy_network(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return values


def _ancestors(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """``--frame-ancestors`` checked now: a usage error (exit 2), not a broken header."""
    from styrdok_intranet.security import check_frame_ancestors

    try:
        return check_frame_ancestors(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _origins(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--cors-origin`` checked now: a usage error (exit 2), not a silently closed API."""
    from styrdok_intranet.api.access import check_cors_origins

    try:
        return check_cors_origins(values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


#: Whom ``--demo`` trusts without ``--trusted-proxy``: this machine.
DEMO_PROXIES = ("127.0.0.1", "::1")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Requests served at once per worker (waitress's threads; one registry connection each).",
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
) -> None:
    """Serve the styrdok register as intranet pages, a JSON API and a calendar feed.

    \b
    Example (the Mittköping demo on http://127.0.0.1:8000):
      styrdok-intranet --db mittkoping.db --demo
    Behind the login proxy at 10.0.0.5, framed by the intranet portal, on two cores:
      styrdok-intranet --db register.db --trusted-proxy 10.0.0.5 --workers 2 \
        --frame-ancestors "https://intranet.kommun.se"
    """  # fmt: skip
    import secrets

    from styrdok.errors import StyrdokError
    from styrdok.registry import Registry
    from styrdok_intranet import create_app
    from styrdok_intranet.serving import can_fork, serve

    if workers > 1 and not can_fork():
        raise click.UsageError("--workers above 1 needs a POSIX system (fork); use 1 here")
    try:
        if demo and "://" not in db and not Path(db).exists():
            from styrdok.demo import build_demo

            with Registry.open(db, create=True) as registry:
                build_demo(registry, today=registry.today())
            click.echo(f"Built the Mittköping demo register in {db}.")
        Registry.open(db).close()  # fail here, clearly, rather than on the first request
        if demo and not proxies:
            proxies = DEMO_PROXIES
            click.echo(
                f"Demo: believing {user_header} from this machine ({', '.join(proxies)}), so "
                "any program here can claim to be anyone. Never use --demo in production."
            )
        elif not proxies:
            click.echo(
                "No --trusted-proxy: nobody is logged in; everyone may read, no one may ask "
                "or answer. Give the login proxy's address to believe its "
                f"{user_header} header."
            )
        else:
            click.echo(f"Believing {user_header} only from {', '.join(proxies)}.")
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
        raise click.ClickException(str(exc)) from None
    processes = f", {workers} worker processes" if workers > 1 else ""
    click.echo(f"Serving {db} on http://{host}:{port}/{processes} (Ctrl+C stops)")
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
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


if __name__ == "__main__":
    main()
