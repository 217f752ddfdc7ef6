"""Building a large export's records in a worker process while the restoring process
stores them (issue 19, item 2: "the second core can validate while the first inserts").

A restore spends about as long rebuilding and checking records as the database spends
storing them, and Python runs one of the two at a time in a process. Asked to
(``styrdok import --parallel``), :class:`WorkerChunks` starts ``python -m
styrdok.restore_worker`` and:

* a thread of the restoring process reads the file, hashes it exactly as
  :class:`~styrdok.jsonstream.ExportReader` would, and passes the bytes to the worker's
  standard input;
* the worker runs :func:`styrdok.restore_chunks.built` — the same code the restoring
  process runs on a small file — and sends each built chunk back, pickled, on its standard
  output; a problem is sent as its kind and its one-line message;
* the restoring process stores the chunks as they arrive, in its one transaction, and
  raises the worker's problem as its own, so the caller rolls back as always.

The pipe holds little: the worker waits while the restoring process is behind, so memory
holds a few chunks in the two processes together, not the file. It is not the default:
the worker is a second interpreter with its own memory (``docs/performance.md`` measures
both), worth it for a large restore on a machine with a core to spare.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any, BinaryIO, NoReturn

from styrdok import errors
from styrdok.restore_chunks import Built

#: The peak resident memory (KB) of the last worker to finish, as it measured itself
#: (``VmHWM``; ``None`` where the system does not say): what a restore holds is the sum of
#: the two processes' (``bench/run.py`` reports both).
last_peak_kb: int | None = None

#: How much of the file the feeding thread reads at a time.
_FEED_CHUNK = 1 << 20


class WorkerChunks:
    """A worker process building ``source``'s chunks; use as a context manager, iterate
    :meth:`chunks`, then read :attr:`sha256`."""

    def __init__(self, source: IO[str] | IO[bytes]) -> None:
        from styrdok import restore_chunks

        self._source = source
        self._digest = hashlib.sha256()
        # The worker's own output, for a crash; closed in __exit__.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "styrdok.restore_worker",
                    str(restore_chunks.RESTORE_CHUNK),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._log,
                env=_environment(),
            )
        except OSError as exc:
            self._log.close()
            reason = exc.strerror or str(exc)
            raise errors.StyrdokError(
                f"the import's worker process could not start: {reason}"
            ) from None
        self._feed_error: BaseException | None = None
        # A daemon: after a problem nobody waits for a source that is slow to read
        # (standard input), and the thread ends with the process.
        self._feeder = threading.Thread(target=self._feed, name="styrdok-restore-feed", daemon=True)
        self._feeder.start()

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the bytes read; of a text stream, of its UTF-8 encoding."""
        return self._digest.hexdigest()

    def _feed(self) -> None:
        """Read the file into the worker (in a thread: the restoring process meanwhile
        reads what the worker sends back, so neither waits on the other)."""
        pipe = self._process.stdin
        assert pipe is not None
        try:
            while chunk := self._source.read(_FEED_CHUNK):
                data = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "surrogatepass")
                self._digest.update(data)
                pipe.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the worker stopped: it has said why, or chunks() says it stopped
        except BaseException as exc:  # reading the source failed: told by chunks()
            self._feed_error = exc
        finally:
            with contextlib.suppress(OSError):
                pipe.close()

    def chunks(self) -> Iterator[Built]:
        """The built chunks and section ends, in the file's order; the worker's problem
        raised as it was raised there."""
        out = self._process.stdout
        assert out is not None
        while True:
            try:
                # One pickle per message, each with its own memo (a pickler that kept one
                # across messages would keep every record sent alive).
                message = pickle.load(out)
            except (EOFError, pickle.UnpicklingError):
                self._stopped()
            kind = message[0]
            if kind == "built":
                yield message[1]
            elif kind == "problem":
                # A source that failed to read was noted before the pipe closed, and the
                # worker's problem (a file cut short) follows from it: the cause is told.
                if self._feed_error is not None:
                    raise self._feed_error
                _raise_problem(message[1], message[2])
            else:  # "done", with the worker's peak resident memory
                global last_peak_kb
                last_peak_kb = message[1]
                self._feeder.join()
                if self._feed_error is not None:
                    raise self._feed_error
                return

    def _stopped(self) -> None:
        """The worker's output ended without its last word: say so, with its last line."""
        self._feeder.join(timeout=1.0)  # a dead worker's pipe stops it writing at once
        if self._feed_error is not None:
            raise self._feed_error
        code = self._process.wait()
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        said = f": {lines[-1]}" if lines else ""
        raise errors.StyrdokError(f"the import's worker process stopped (exit code {code}){said}")

    def __enter__(self) -> WorkerChunks:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Early (a problem, an interrupt): the worker is stopped, not waited for.
        if self._process.poll() is None and kind is not None:
            self._process.kill()
        if self._process.stdout is not None:
            self._process.stdout.close()
        if kind is None:
            self._feeder.join()
        self._process.wait()
        self._log.close()


def _environment() -> dict[str, str]:
    """This process's environment, with the folder styrdok was imported from first on the
    worker's path: it runs this very code, installed or not."""
    import styrdok

    here = os.path.dirname(os.path.dirname(os.path.abspath(styrdok.__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return env


def _raise_problem(kind: str, message: str) -> NoReturn:
    """Raise the worker's problem as the exception it was there: one of styrdok's errors by
    name, or a plain error naming the worker for anything else (raised here, where the
    message translation finds its words)."""
    found = getattr(errors, kind, None)
    if isinstance(found, type) and issubclass(found, errors.StyrdokError):
        raise found(message)
    raise errors.StyrdokError(f"the import's worker process failed: {kind}: {message}")


def _peak_kb() -> int | None:
    """This process's peak resident memory in KB, from ``/proc`` (Linux), else ``None``.
    (A started process's ``ru_maxrss`` also counts the parent's memory it was forked
    with, before it ran this program.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _serve(source: BinaryIO, out: BinaryIO, chunk: int) -> None:
    """The worker: build ``source``'s chunks and send each to ``out``."""
    from styrdok.gcpause import paused_gc
    from styrdok.jsonstream import ExportReader
    from styrdok.restore_chunks import built, collect_young

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    with paused_gc():  # acyclic records, freed with their chunk (see styrdok.gcpause)
        try:
            for item in built(ExportReader(source), chunk=chunk):
                send(("built", item))
                out.flush()
                del item
                collect_young()
        except Exception as exc:  # styrdok's own, or a bug: told either way, not lost
            send(("problem", type(exc).__name__, str(exc)))
        else:
            send(("done", _peak_kb()))
        out.flush()


def main() -> None:
    """``python -m styrdok.restore_worker CHUNK``: the export on standard input, the built
    chunks on standard output (see the module's description)."""
    chunk = int(sys.argv[1])
    # Standard output carries the chunks, through a copy of its descriptor: anything else
    # printed — by Python or by a library writing to descriptor 1 itself — goes to the log.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    try:
        _serve(sys.stdin.buffer, out, chunk)
    except BrokenPipeError:
        pass  # the restoring process stopped reading: it has its own problem to tell
    finally:
        with contextlib.suppress(BrokenPipeError):
            out.close()


if __name__ == "__main__":
    main()
