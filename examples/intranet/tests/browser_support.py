"""Shared by the browser tests: the demo register served on loopback, Debian's Chromium
driven by Playwright (one browser per test module), axe-core from the npm registry, and how
a page is looked at (console, contrast, axe's findings).

axe-core is installed on first use into a cache folder (``npm install``), the way
``ensure_chromium`` installs Chromium: the tests never skip for want of it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from intranet_support import CHROMIUM_ARGS, artifacts_dir, crashing_app, ensure_chromium
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from werkzeug.serving import make_server

#: The axe-core release the checks run (pinned: a new release may add rules, and CI
#: should change only when this line does).
AXE_VERSION = "4.14.1"
#: WCAG 2.0 and 2.1, levels A and AA: what the law (EN 301 549) asks of the pages.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _cache() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "styrdok-tests"


def ensure_axe() -> Path:
    """axe.min.js of :data:`AXE_VERSION`, installed from the npm registry if missing (and
    npm from Debian's packages if that is missing too)."""
    folder = _cache() / f"axe-core-{AXE_VERSION}"
    script = folder / "axe.min.js"
    if script.exists():
        return script
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = [] if shutil.which("npm") else [["apt-get", "update", "-qq"]]
    steps += [] if shutil.which("npm") else [["apt-get", "install", "-y", "-qq", "npm"]]
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="axe-core-", dir=folder.parent))
    steps.append(
        [
            "npm",
            "install",
            "--prefix",
            str(work),
            "--no-save",
            "--no-package-lock",
            "--no-audit",
            "--no-fund",
            f"axe-core@{AXE_VERSION}",
        ]
    )
    for command in steps:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"could not install axe-core ({' '.join(command)}): {done.stderr[-500:]}")
    package = work / "node_modules" / "axe-core"
    if json.loads((package / "package.json").read_text())["version"] != AXE_VERSION:
        pytest.fail(f"npm installed another axe-core than {AXE_VERSION} into {package}")
    try:
        package.rename(folder)  # atomic: a test run alongside sees all of it or none
    except OSError:
        if not script.exists():
            raise
    shutil.rmtree(work, ignore_errors=True)
    return script


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the whole test module."""
    executable = ensure_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def serve(app: Flask) -> Iterator[str]:
    """``app`` on a free loopback port until the generator is closed; yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


class Console:
    """Console errors and warnings of the pages watched, to find CSP violations."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> Page:
        """Collect ``page``'s console errors and warnings."""

        def seen(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning"):
                self.messages.append(message.text)

        page.on("console", seen)
        return page

    def csp_violations(self) -> list[str]:
        """The CSP violations seen since the last call."""
        found = [m for m in self.messages if "Content Security Policy" in m]
        self.messages.clear()
        return found


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds on ``page`` as it is now, one line per rule: id, impact,
    what it means, and the elements (CSS selectors) that break it. The page's context
    must have the script (``context.add_init_script(path=ensure_axe())``): an init script
    runs beside the page, not under its Content-Security-Policy."""
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in results["violations"]
    ]


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot of ``page`` as ``artifacts/intranet/<name>.png``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(artifacts_dir() / f"{slug}.png"), full_page=True)


_RGB = re.compile(r"rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:[,/]\s*([\d.]+))?\)")


def rgb(css: str) -> tuple[float, float, float, float]:
    """``rgb(27, 27, 27)`` / ``rgba(0, 0, 0, 0)`` as red, green, blue, alpha."""
    found = _RGB.fullmatch(css.strip())
    assert found, f"not a computed colour: {css!r}"
    red, green, blue, alpha = found.groups()
    return float(red), float(green), float(blue), float(alpha) if alpha is not None else 1.0


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two opaque computed colours (1 to 21)."""

    def luminance(css: str) -> float:
        channels = [c / 255 for c in rgb(css)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


class Site:
    """The demo register served on loopback, and one browser page per person (each in its
    own context, carrying the login proxy's user header and axe-core), reused by every
    test of a module."""

    def __init__(self, browser: Browser, base: str, db: Path, axe: Path) -> None:
        self.browser = browser
        self.base = base
        self.db = db
        self.axe = axe
        self.console = Console()
        self._pages: dict[str | None, Page] = {}

    def page(self, user: str | None, width: int = 1280) -> Page:
        """The page of ``user`` (``None``: nobody logged in), ``width`` CSS pixels wide."""
        if user not in self._pages:
            context = self.browser.new_context(
                extra_http_headers={"X-Remote-User": user} if user else {},
                viewport={"width": width, "height": 900},
            )
            context.add_init_script(path=self.axe)
            self._pages[user] = self.console.watch(context.new_page())
        page = self._pages[user]
        page.set_viewport_size({"width": width, "height": 900})
        return page

    def goto(self, path: str, user: str | None = "sara.jansson", width: int = 1280) -> Page:
        """``user``'s page at ``path``, ``width`` pixels wide."""
        page = self.page(user, width)
        page.goto(self.base + path)
        return page

    def close(self) -> None:
        """Close every person's browser context."""
        for page in self._pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def site(
    browser: Browser, demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """One copy of the demo register and one server for the whole module."""
    db = tmp_path_factory.mktemp("site") / "mittkoping.db"
    shutil.copy(demo_template, db)
    axe = ensure_axe()
    server = serve(crashing_app(db))
    served = Site(browser, next(server), db, axe)
    yield served
    served.close()
    server.close()


@pytest.fixture(autouse=True)
def site_blocks_nothing(site: Site) -> Iterator[None]:
    """After each test: the strict Content-Security-Policy blocked nothing the pages need."""
    site.console.csp_violations()
    yield
    assert site.console.csp_violations() == []
