"""The API reference site builds without a warning and documents every public name."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import griffe
import pytest

from styrdok.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
API_PAGES = ROOT / "docs" / "api"
EXTENSION = ROOT / "docs" / "_ext" / "griffe_styrdok.py"


@pytest.fixture(scope="module")
def build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The site built once, with warnings as errors, into a temporary folder."""
    site = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml"]
    result = subprocess.run(
        [*command, "-d", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    return result, site


def test_the_site_builds_with_warnings_as_errors(
    build: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """`mkdocs build --strict` succeeds: no broken link, no docstring griffe cannot read."""
    result, site = build
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output
    assert (site / "api" / "registry" / "index.html").is_file()


def test_the_registry_page_shows_every_public_method_with_signature_and_docstring(
    build: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """Each public name of Registry has its section: a signature and a description."""
    result, site = build
    assert result.returncode == 0, result.stdout + result.stderr
    page = (site / "api" / "registry" / "index.html").read_text(encoding="utf-8")
    sections = {
        chunk.split('"', 1)[0]: chunk
        for chunk in page.split('<h3 id="styrdok.registry.Registry.')[1:]
    }
    public = [name for name in dir(Registry) if not name.startswith("_")]
    missing = [name for name in public if name not in sections]
    assert not missing, f"not on the Registry page: {missing}"
    bare = [
        name
        for name in public
        if "doc-signature" not in sections[name] or "<p>" not in sections[name]
    ]
    assert not bare, f"shown without a signature or a docstring: {bare}"


def _documented_paths() -> list[str]:
    """What the API pages render: the targets of their ``::: path`` lines."""
    paths = []
    for page in sorted(API_PAGES.glob("*.md")):
        paths += re.findall(r"^::: (\S+)", page.read_text(encoding="utf-8"), flags=re.M)
    return paths


def _public_api(package: griffe.Module) -> dict[str, griffe.Object | griffe.Alias]:
    """Every public name the site shows: modules and what they define (functions, classes,
    the attributes they export in ``__all__``), each class's methods and properties with
    those it inherits, and every attribute of the Registry facade."""
    found: dict[str, griffe.Object | griffe.Alias] = {}

    def add_class(cls: griffe.Class | griffe.Alias) -> None:
        found[cls.path] = cls
        for name, member in cls.all_members.items():
            if name.startswith("_"):
                continue
            facade = cls.path == "styrdok.registry.Registry"
            if member.is_function or member.has_labels("property") or facade:
                # An inherited one is named where it is defined, where its docstring goes.
                path = member.target_path if isinstance(member, griffe.Alias) else member.path
                found.setdefault(path, member)

    for path in _documented_paths():
        obj = package.modules_collection[path]
        if not obj.is_module:
            add_class(obj)
            continue
        found[obj.path] = obj
        exported = set(obj.exports or ())
        for name, member in obj.members.items():
            if name.startswith("_") or (member.is_alias and name not in exported):
                continue
            if member.is_class:
                add_class(member)
            elif member.is_function or name in exported:
                found[member.path] = member
    return found


def test_every_public_name_in_the_reference_has_a_docstring() -> None:
    """Functions, classes, methods and Registry attributes on the site all say what they do."""
    extensions = griffe.load_extensions(f"{EXTENSION}:StyrdokDocs")
    package = griffe.load(
        "styrdok",
        search_paths=[ROOT / "src"],
        extensions=extensions,
        resolve_aliases=True,
        resolve_external=False,
    )
    assert isinstance(package, griffe.Module)
    api = _public_api(package)
    assert "styrdok.registry.Registry.add_document" in api
    undocumented = sorted(path for path, obj in api.items() if not obj.docstring)
    assert not undocumented, "no docstring:\n" + "\n".join(undocumented)
