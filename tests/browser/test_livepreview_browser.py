"""``invoke livereload`` in Debian's Chromium: an editor's save on screen without a reload, errors on the page.

The preview runs as the editor starts it (the `invoke` command, its own
process, a free port) on a copy of the sample content with a draft and an
embargoed release. The page of a release is open while its file is edited,
broken and mended: each save is on screen from the fast path, and again after
the whole build that follows; the draft and the embargoed release are seen
with their banners, the search finds what the preview shows, and the
published build of the same content holds neither of the two.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from nginxserver import free_port
from playwright.sync_api import Page
from test_browser import AXE_RUN, AXE_TAGS, RECORD_POLICY_VIOLATIONS, SEARCH_SETTLED, axe_source, describe_violations
from test_embargo import occurrences

from newsroom.tools.benchmark import stop_preview
from newsroom.tools.livepreview import ERROR_TITLE
from newsroom.tools.webconfig import CONTENT_SECURITY_POLICY

from helpers import ROOT, SAMPLE_CONTENT, SETTINGS, build

pytestmark = pytest.mark.browser

NOW = "2026-11-02T12:00:00+01:00"
EMBARGOED = """---
title: Eisbahn auf dem Rathausplatz öffnet
date: 2026-11-27 16:00
number: "90/2026"
department: stadtentwicklung
summary: Vom 27. November an dreht Lindenhain auf dem Rathausplatz wieder Runden.
---
Die Eisbahn auf dem Rathausplatz öffnet am 27. November um 16 Uhr.
"""
EMBARGOED_PATH = "/pressemitteilungen/2026/90-eisbahn-auf-dem-rathausplatz-oeffnet/"
DRAFT = """---
title: Lichterfest im Bürgerpark
date: 2026-10-30 10:00
number: "91/2026"
department: stadtentwicklung
status: draft
---
Das Lichterfest im Bürgerpark beginnt mit einem Laternenumzug.
"""
DRAFT_PATH = "/pressemitteilungen/2026/91-lichterfest-im-buergerpark/"
NEEDLES = ("Eisbahn", "eisbahn-auf-dem-rathausplatz", "90/2026", "Lichterfest", "lichterfest-im-buergerpark", "91/2026")
RELEASE = Path("releases/2025/baumpflanzungen-fruehjahr.md")
RELEASE_PATH = "/pressemitteilungen/2025/27-128-neue-strassenbaeume-fuer-lindenhain/"
NEW_SENTENCE = "Die Pflanzungen im Bürgerpark sind nun abgeschlossen."
GOOD_DATE = "date: 2025-04-07 11:00\n"
BROKEN_DATE = "date: 2025-04-31 11:00\n"
# Generous: a rebuild on a busy 2-core machine; the preview's speed is measured by `invoke bench`, not here.
WAIT_MS = 90_000
# The preview's line when a whole build has ended (its pages shown), and when the fast path showed a page.
WHOLE_BUILD = re.compile(r"^Preview: (?:built|build failed) in ", re.MULTILINE)
FAST_PAGE = f"Preview: page of content/{RELEASE.as_posix()} shown in "


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """`invoke livereload` on a copy of the sample content with a draft and an embargoed release; (URL, folder)."""
    root = tmp_path_factory.mktemp("livepreview")
    content = root / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (content / "releases" / "2026" / "eisbahn.md").write_text(EMBARGOED, encoding="utf-8")
    (content / "releases" / "2026" / "lichterfest.md").write_text(DRAFT, encoding="utf-8")
    port = free_port()
    env = {**os.environ, "NEWSROOM_NOW": NOW}
    invoke = Path(sys.executable).with_name("invoke")
    command = [str(invoke), "--search-root", str(ROOT), "livereload", "--port", str(port), "--settings", str(SETTINGS)]
    log = (root / "preview.log").open("w", encoding="utf-8")
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(url + RELEASE_PATH, process, root / "preview.log")
        yield url, root
    finally:
        stop_preview(process)
        log.close()
    assert not list(root.glob("output-live.staging-*")), "Ctrl-C left a staging folder"


def wait_until_served(url: str, process: subprocess.Popen, log: Path) -> None:
    """Until the first build is served (the preview builds it before it watches); fails if the process ends."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"invoke livereload ended:\n{log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"nothing served at {url}:\n{log.read_text(encoding='utf-8')}")


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(RECORD_POLICY_VIOLATIONS)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(f"uncaught {error.name}: {error.message}"))
    yield page
    context.close()


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_save_is_on_screen_without_a_reload_and_errors_show_on_the_page(preview, page: Page):
    url, root = preview
    axe = axe_source()
    release = root / "content" / RELEASE
    original = release.read_text(encoding="utf-8")
    log = root / "preview.log"
    try:
        saved_and_seen(page, url, release, log, axe)
    finally:
        builds = whole_builds(log)
        release.write_text(original, encoding="utf-8")
        whole_build_after(log, builds)  # the next test's pages are not reloaded while they load


def saved_and_seen(page: Page, url: str, release: Path, log: Path, axe: str) -> None:
    """Edit the open release, break its front matter, mend it: each seen in the page without touching the browser,
    from the fast path and after the whole build.
    """
    response = page.goto(url + RELEASE_PATH, wait_until="load")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page.wait_for_load_state("networkidle")  # the page's script listens for the next build
    builds = whole_builds(log)
    edit(release, "\n---\n", f"\n---\n{NEW_SENTENCE}\n\n")
    page.get_by_text(NEW_SENTENCE).wait_for(timeout=WAIT_MS)
    assert FAST_PAGE in log.read_text(encoding="utf-8")
    settled(page, url, log, builds)
    assert page.get_by_text(NEW_SENTENCE).is_visible()

    builds = whole_builds(log)
    edit(release, GOOD_DATE, BROKEN_DATE)
    box = page.get_by_role("alert")
    box.wait_for(timeout=WAIT_MS)
    settled(page, url, log, builds)
    assert box.locator("p").first.text_content() == ERROR_TITLE
    errors = box.locator("li").all_text_contents()
    assert any(error.startswith(f"content/{RELEASE.as_posix()}:3: date: ") for error in errors), errors
    assert page.get_by_text(NEW_SENTENCE).is_visible(), "the last good version is not below the errors"
    page.evaluate(axe)
    found = page.evaluate(AXE_RUN, AXE_TAGS)
    assert found["violations"] == [], "\n" + describe_violations(found["violations"])

    builds = whole_builds(log)
    edit(release, BROKEN_DATE, GOOD_DATE)
    box.wait_for(state="detached", timeout=WAIT_MS)
    settled(page, url, log, builds)
    assert page.get_by_role("alert").count() == 0
    assert page.get_by_text(NEW_SENTENCE).is_visible()
    assert page.evaluate("() => window.newsroomViolations") == []
    assert page.errors == []


def whole_builds(log: Path) -> int:
    return len(WHOLE_BUILD.findall(log.read_text(encoding="utf-8")))


def whole_build_after(log: Path, builds: int) -> None:
    """Until the log tells of more than ``builds`` whole builds."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while whole_builds(log) <= builds:
        assert time.monotonic() < deadline, f"no whole build ended:\n{log.read_text(encoding='utf-8')}"
        time.sleep(0.2)


def settled(page: Page, url: str, log: Path, builds: int) -> None:
    """Until the whole build after a save has ended and the page is the one it shows."""
    whole_build_after(log, builds)
    with urllib.request.urlopen(url + RELEASE_PATH, timeout=30) as response:
        stand = re.search(rb'data-stand="(\d+)"', response.read())[1].decode()
    page.wait_for_function("stand => document.querySelector('script[data-stand]')?.dataset.stand === stand", arg=stand,
                           timeout=WAIT_MS)
    page.wait_for_load_state("networkidle")


def test_drafts_and_embargoed_releases_are_previewed_with_banners_and_never_published(preview, page: Page, monkeypatch):
    url, root = preview
    for path, banner in ((DRAFT_PATH, "Entwurf"), (EMBARGOED_PATH, "Sperrfrist bis 27. November 2026, 16:00 Uhr")):
        assert page.goto(url + path, wait_until="load").status == 200
        assert banner in page.locator(".vorschau").text_content()
        assert page.locator("meta[name='robots'][content='noindex']").count() == 1
    published = root / "output"
    assert not published.exists(), "the preview wrote into output/"
    monkeypatch.setenv("NEWSROOM_NOW", NOW)
    build(root / "content", published)
    assert occurrences(published, NEEDLES) == []


def test_the_search_of_the_preview_finds_a_draft(preview, page: Page):
    url, _ = preview
    page.goto(url + "/suche/", wait_until="load")
    page.fill("#suche-begriff", "Lichterfest")
    page.press("#suche-begriff", "Enter")
    page.wait_for_function(SEARCH_SETTLED)
    hits = page.locator("#suche-liste a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert DRAFT_PATH in hits
    assert page.evaluate("() => window.newsroomViolations") == []
    assert page.errors == []
