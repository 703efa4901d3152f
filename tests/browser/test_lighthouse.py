"""Lighthouse (pinned in package.json) on four page types of the nginx-served test site, in Debian's Chromium.

Home page, a release with an image, the search page and a year's list are audited as
Lighthouse's default mobile run does, offline (every request goes to the local nginx).
Accessibility, best practices and SEO must score 100 (the 404 page is left out: it is
``noindex`` on purpose). Performance is asserted by the audits that do not depend on the
machine's speed rather than by its score: the score weighs simulated timings scaled from
the CPU time Chromium took, and on a shared two-core machine the same list page scored 81
and 98 minutes apart. So no layout shift at all, every image sized, not larger than
shown, in a modern format, compressed, lazy below the first screen, and the lead image
(the largest paint) not lazy. Leaving out the timing audits also halves the run.

Needs what test_browser.py needs, and Lighthouse (`npm ci`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, chromium_path

from helpers import ROOT

pytestmark = pytest.mark.browser

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "package.json"
RUNNER = Path(__file__).with_name("lighthouse.mjs")
PAGES = {
    "startseite": "/",
    "pm-mit-bild": "/pressemitteilungen/2025/27-128-neue-strassenbaeume-fuer-lindenhain/",
    "suche": "/suche/",
    "jahr": "/pressemitteilungen/2025/",
}
CATEGORIES = ["accessibility", "best-practices", "seo"]
IMAGE_AUDITS = [
    "unsized-images",
    "uses-responsive-images",
    "modern-image-formats",
    "uses-optimized-images",
    "offscreen-images",
    "lcp-lazy-loaded",
]
SETTINGS = {"onlyCategories": CATEGORIES, "onlyAudits": ["cumulative-layout-shift", *IMAGE_AUDITS]}
RUN_LIMIT = 600  # seconds; a run takes about 20 s of CPU time


@pytest.fixture(scope="module")
def reports(site_url, site_output) -> dict[str, dict]:
    """One Lighthouse run over all pages (one Chromium); each page's report by its name in PAGES."""
    chromium = chromium_path()
    node = shutil.which("node")
    if node is None or not LIGHTHOUSE.is_file():
        pytest.skip("Lighthouse is not installed; run `npm ci` in the project folder (needs Node.js)")
    assert (site_output / "suche" / "index.html").is_file(), "the test site has no search page"
    urls = {site_url + path: name for name, path in PAGES.items()}
    run = subprocess.run(
        [node, str(RUNNER), json.dumps(CHROMIUM_ARGS), json.dumps(SETTINGS), *urls],
        capture_output=True, text=True, timeout=RUN_LIMIT, env={**os.environ, "CHROME_PATH": chromium}, check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout)
    assert set(found) == set(urls)
    return {urls[url]: report for url, report in found.items()}


def report_of(reports: dict, name: str) -> dict:
    report = reports[name]
    assert report["runtimeError"] is None, report["runtimeError"]
    return report


@pytest.mark.parametrize("name", PAGES)
def test_accessibility_best_practices_and_seo_score_100(reports, name):
    report = report_of(reports, name)
    below = {category: report["failing"][category] for category in CATEGORIES if report["categories"][category] != 1}
    assert below == {}, f"scores {report['categories']}; not passed: {below}"


@pytest.mark.parametrize("name", PAGES)
def test_nothing_shifts(reports, name):
    layout_shift = report_of(reports, name)["audits"]["cumulative-layout-shift"]
    assert layout_shift["numericValue"] == 0, layout_shift["displayValue"]


@pytest.mark.parametrize("name", PAGES)
def test_images_are_sized_small_modern_and_lazy_where_they_may_be(reports, name):
    audits = report_of(reports, name)["audits"]
    failed = {
        audit: audits[audit]["displayValue"] or audits[audit]["score"]
        for audit in IMAGE_AUDITS
        if not (audits[audit]["score"] == 1 or audits[audit]["scoreDisplayMode"] == "notApplicable")
    }
    assert failed == {}


def test_the_lead_image_is_the_largest_paint_and_not_lazy(reports):
    """On the release page the image audits have an image to judge: the largest paint is the lead image."""
    audits = report_of(reports, "pm-mit-bild")["audits"]
    assert audits["lcp-lazy-loaded"]["scoreDisplayMode"] != "notApplicable"
    assert audits["lcp-lazy-loaded"]["score"] == 1
