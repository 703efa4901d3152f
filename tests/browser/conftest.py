"""What every browser test shares: Debian's Chromium (through Playwright) and the sample site, built once and served by nginx.

The site is the sample content plus one release with a table, footnote,
definition list and long words (extra_release.md), served with the
configuration ``invoke web-config`` writes (local_site.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_site import serve
from playwright.sync_api import Browser, sync_playwright

from helpers import SAMPLE_CONTENT, build

EXTRA_RELEASE = Path(__file__).with_name("extra_release.md")

# Headless and quiet: no GPU here, no sandbox as root in CI, and none of Chromium's own
# background traffic (updates, sync, safe browsing) that would muddy the request log.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """Debian's Chromium, or the test skips and says how to install it."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium is not installed; install Debian's package: apt-get install chromium")
    return chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_folder(tmp_path_factory) -> Path:
    """content/ and output/ of the sample site plus one release with a table, footnote, definition list and long words."""
    root = tmp_path_factory.mktemp("browser")
    content = root / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    shutil.copy(EXTRA_RELEASE, content / "releases" / "2026" / "buergerhaushalt-2026.md")
    build(content, root / "output")
    return root


@pytest.fixture(scope="session")
def site_output(site_folder) -> Path:
    return site_folder / "output"


@pytest.fixture(scope="session")
def site_url(site_folder) -> Iterator[str]:
    with serve(site_folder / "content", site_folder / "output", site_folder / "server") as url:
        yield url
