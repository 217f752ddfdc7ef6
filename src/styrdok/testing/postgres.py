"""A throw-away PostgreSQL server for tests: initdb in a temporary folder, started on a free
loopback port with trust authentication, stopped and removed afterwards.

When the server binaries are missing and the process runs as root (CI, developer
containers), the Debian ``postgresql`` package is installed first; otherwise the error says
how to install it. Tests are never skipped for want of a server.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import attrs


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found, installed or started."""


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parent.parent.name)
    )
    return Path(versions[-1]).parent if versions else None


def _install() -> None:
    if os.geteuid() != 0:
        raise PostgresUnavailable(
            "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "postgresql"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{' '.join(command)} failed: {done.stderr[-500:]}")


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.define
class PostgresServer:
    """A running throw-away server. ``url(database)`` gives a SQLAlchemy URL."""

    bindir: Path
    folder: Path
    port: int
    _run_as: list[str]
    _counter: itertools.count[int] = attrs.field(factory=itertools.count)

    @classmethod
    def start(cls) -> PostgresServer:
        bindir = _bindir()
        if bindir is None or (os.geteuid() == 0 and not _has_user("postgres")):
            # The Debian package brings the binaries and creates the postgres user.
            _install()
            bindir = _bindir()
            if bindir is None:
                raise PostgresUnavailable("PostgreSQL was installed but pg_ctl is not found")
        folder = Path(tempfile.mkdtemp(prefix="styrdok-pg-"))
        run_as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(folder, "postgres", "postgres")
            run_as = ["runuser", "-u", "postgres", "--"]
        server = cls(bindir, folder, _free_port(), run_as)
        server._run(
            "initdb",
            "-D",
            str(folder / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        server._run(
            "pg_ctl",
            "-D",
            str(folder / "data"),
            "-l",
            str(folder / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        return server

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self._run_as, str(self.bindir / program), *args], capture_output=True, text=True
        )
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text()[-1000:] if log.exists() else ""
            raise PostgresUnavailable(f"{program} failed: {done.stderr.strip()} {tail}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.encode())

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); returns its URL."""
        name = f"styrdok_{os.getpid()}_{next(self._counter)}"
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
