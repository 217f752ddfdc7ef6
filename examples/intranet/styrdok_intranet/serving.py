"""Serving the app with waitress, in one process or in several that share one socket.

One Python process runs one request at a time however many threads it has (the
interpreter's lock), so on a machine with more than one core, ten readers at once queue
for one core. ``--workers N`` forks N processes after the listening socket is bound: the
kernel hands each new connection to one of them. Each worker builds its own app — its own
registry connections, never one inherited across ``fork`` — with the same form secret, so a
form shown by one worker is accepted by another. The parent only watches: it restarts a
worker that dies, and stops them all on Ctrl+C or SIGTERM.

Why not gunicorn: waitress already serves the app on every platform, and keeping one server
means one set of behaviour (timeouts, headers, ``ident``) to test; what the parent does is
a few lines. ``fork`` is POSIX only, so on Windows ``--workers`` must stay 1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

#: A worker that dies sooner than this after it started is failing, not crashing once.
QUICK_DEATH_SECONDS = 5.0
#: How many quick deaths in a row stop the whole server instead of looping forever.
MAX_QUICK_DEATHS = 5


def can_fork() -> bool:
    """Whether this platform can run more than one worker."""
    return hasattr(os, "fork")


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket on ``host``:``port`` (IPv4 or IPv6 as ``host`` is).

    ``OSError`` when the address is taken or not this machine's."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def serve(
    build_app: Callable[[], Any],
    *,
    host: str,
    port: int,
    threads: int,
    workers: int,
    ident: str,
) -> None:
    """Serve ``build_app()`` on ``host``:``port`` until stopped.

    With ``workers`` 1 this is ``waitress.serve`` in this process; with more, see the
    module's docstring."""
    import waitress  # type: ignore[import-untyped]

    if workers <= 1:
        waitress.serve(build_app(), host=host, port=port, threads=threads, ident=ident)
        return
    sock = listening_socket(host, port)
    Supervisor(sock, build_app, threads=threads, ident=ident).run(workers)


class Supervisor:
    """The parent process: forks the workers over one socket and keeps them running."""

    def __init__(
        self, sock: socket.socket, build_app: Callable[[], Any], *, threads: int, ident: str
    ) -> None:
        self.sock = sock
        self.build_app = build_app
        self.threads = threads
        self.ident = ident
        self.children: dict[int, float] = {}  # pid → when it started
        self.stopping = False

    def run(self, workers: int) -> None:
        """Start ``workers`` workers and replace any that die, until told to stop."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(workers):
            self._spawn()
        quick_deaths = 0
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries os.wait
                continue
            started = self.children.pop(pid, None)
            if self.stopping or started is None:
                continue
            quick = time.monotonic() - started < QUICK_DEATH_SECONDS
            quick_deaths = quick_deaths + 1 if quick else 0
            print(
                f"styrdok-intranet: worker {pid} stopped ({_how(status)}); starting another",
                file=sys.stderr,
                flush=True,
            )
            if quick_deaths >= MAX_QUICK_DEATHS:
                self._stop(signal.SIGTERM, None)
                self._reap()
                raise SystemExit(
                    f"styrdok-intranet: workers keep stopping at start ({_how(status)}); "
                    "stopped serving"
                )
            self._spawn()
        self.sock.close()

    def _spawn(self) -> None:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, measured by the tests' requests
            code = 0
            try:
                code = self._work()
            finally:
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _work(self) -> int:  # pragma: no cover - runs in the child
        import waitress

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop

        def leave(_signum: int, _frame: object) -> None:
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, leave)
        try:
            server = waitress.create_server(
                self.build_app(), sockets=[self.sock], threads=self.threads, ident=self.ident
            )
            server.run()
        except SystemExit:
            return 0
        except Exception as exc:
            print(f"styrdok-intranet: worker {os.getpid()}: {exc}", file=sys.stderr, flush=True)
            return 1
        return 0

    def _stop(self, _signum: int, _frame: object) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def _reap(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            self.children.pop(pid, None)


def _how(status: int) -> str:
    """A wait status in words: "exit 1" or "signal 9"."""
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.waitstatus_to_exitcode(status)}"
