"""Attaching a large file: the peak memory of ``styrdok doc attach`` (issue 15's target: a
50 MB file attached with a peak resident set size under 100 MB).

    python bench/attach.py                      # a 50 MB PDF of 25 scanned pages
    python bench/attach.py --mb 200 --pages 100 # larger
    python bench/attach.py --type txt           # 50 MB of plain text

Makes the file (a PDF: pages of text, each with an uncompressed image, as a scanned
decision is; or plain text), a new SQLite register with one document, and runs the
command-line ``doc attach`` in a child process that reports its own peak memory (VmHWM
from /proc, the high-water mark of the resident set) — so making the file and this
process do not count. The same child doing everything but the attach (``doc files``) is
the baseline: what Python, styrdok and its libraries take before any file is read. The
file is streamed (hashed while it is copied, text read page by page), so the peak should
not grow with the file's size.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_MB = 100


def make_register(folder: Path) -> Path:
    """A register with an administrator and one draft document, ``POL-1``."""
    db = folder / "bench.db"
    code = (
        "import sys; sys._styrdok_testing = True\n"
        "from styrdok.registry import Registry\n"
        "from styrdok.model import Document, FollowUp, Person\n"
        f"r = Registry.open({str(db)!r}, create=True)\n"
        "r.add_person(Person('ada', 'Ada Admin', is_admin=True), actor=None)\n"
        "r.add_document(Document(ref='POL-1', title='Policy', doc_type='policy', owner='ada',"
        " guardian='ada', purpose='Bench', audience='Alla', follow_up=FollowUp('a', 'b'),"
        " review_interval_months=12), actor='ada')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    return db


def make_file(folder: Path, kind: str, megabytes: int, pages: int) -> Path:
    """A file of about ``megabytes`` MB."""
    size = megabytes * 1024 * 1024
    if kind == "txt":
        path = folder / "bilaga.txt"
        line = "Kommunen ska lagra personuppgifter i godkända molntjänster. " * 4 + "\n"
        with path.open("w", encoding="utf-8") as handle:
            for _ in range(size // len(line.encode())):
                handle.write(line)
        return path
    from styrdok.testing.sample_files import write_pdf

    path = folder / "beslut.pdf"
    lines = ["Protokollsutdrag ur Kommunfullmäktiges protokoll", "Beslut om molntjänster i skolan"]
    with path.open("wb") as handle:
        write_pdf(handle, lines, pages=pages, image_bytes=size // pages)
    return path


def peak_of(db: Path, folder: Path, *args: str) -> tuple[float, float, str]:
    """Run ``styrdok --db DB ARGS`` in a child; its peak memory (MB), seconds, output."""
    code = (
        "import sys; sys._styrdok_testing = True\n"
        "from styrdok.cli import main\n"
        "try:\n"
        f"    main(['--db', {str(db)!r}, '--as', 'ada', *{list(args)!r}])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=folder
    )
    seconds = time.perf_counter() - started
    *output, peak_kb = done.stdout.strip().splitlines()
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    return int(peak_kb) / 1024, seconds, "\n".join(output)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=int, default=50, help="the file's size in MB")
    parser.add_argument("--pages", type=int, default=25, help="pages of a PDF")
    parser.add_argument("--type", choices=["pdf", "txt"], default="pdf")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="styrdok-bench-") as work:
        folder = Path(work)
        db = make_register(folder)
        path = make_file(folder, options.type, options.mb, options.pages)
        size_mb = path.stat().st_size / (1024 * 1024)
        base_mb, _, _ = peak_of(db, folder, "doc", "files", "POL-1")
        peak_mb, seconds, output = peak_of(db, folder, "doc", "attach", "POL-1", path.name)
        stored = sum(
            f.stat().st_size for f in (folder / "bench.db.files").rglob("*") if f.is_file()
        )
        print(output)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
        print(
            f"file: {path.name}, {size_mb:.1f} MB ({options.pages} pages)"
            if options.type == "pdf"
            else f"file: {path.name}, {size_mb:.1f} MB"
        )
        print(f"stored: {stored / (1024 * 1024):.1f} MB")
        print(f"baseline (doc files): peak {base_mb:.0f} MB")
        verdict = "met" if peak_mb < TARGET_MB else "MISSED"
        target = f"target < {TARGET_MB} MB: {verdict}"
        print(f"doc attach: peak {peak_mb:.0f} MB in {seconds:.1f} s — {target}")
        if peak_mb >= TARGET_MB:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
