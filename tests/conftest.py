"""Shared helpers: build real sites into temporary directories and read what they contain."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
SAMPLE_CONTENT = ROOT / "content"
SETTINGS = ROOT / "pelicanconf.py"


def build(content: Path, output: Path, **overrides) -> Pelican:
    """Run Pelican in this process with the project's settings."""
    settings = read_settings(
        str(SETTINGS),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), **overrides},
    )
    pelican = Pelican(settings)
    pelican.run()
    return pelican


def run_pelican_cli(content: Path, output: Path) -> subprocess.CompletedProcess:
    """Run the plain `pelican` command, as an editor or CI would."""
    pelican = Path(sys.executable).with_name("pelican")
    return subprocess.run(
        [str(pelican), str(content), "-s", str(SETTINGS), "-o", str(output)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
    )


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# Pagefind 1.5.2, the newest pagefind-bin on PyPI, writes the values inside a filter chunk in
# hash-map order, so these files may differ between two builds of the same content (the meta
# file names the filter chunks, the entry file names the meta file). Pagefind 1.6.0 sorts them.
# The entry file's precompressed copies (.gz, .br: newsroom/compress.py) follow it.
PAGEFIND_FILTER_ORDER_FILES = re.compile(
    r"(?:^|/)(?:filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json(?:\.gz|\.br)?)$"
)


def rebuild_digest(folder: Path) -> dict[str, str]:
    """``tree_digest`` for comparing two builds: without Pagefind's filter-order files."""
    return {path: digest for path, digest in tree_digest(folder).items() if not PAGEFIND_FILTER_ORDER_FILES.search(path)}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the small fixture site's content."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    return content


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    """The sample content in content/, built once for all tests that only read it."""
    output = tmp_path_factory.mktemp("sample") / "output"
    build(SAMPLE_CONTENT, output)
    return output
