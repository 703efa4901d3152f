"""Every page works under `Content-Security-Policy: default-src 'self'` without 'unsafe-inline'."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pelican.settings import read_settings

from conftest import FIXTURE_SITE, SETTINGS, build, soup

ALLOWED_INLINE_SCRIPT = "application/ld+json"
# Elements whose URL attributes the browser fetches (and CSP therefore checks).
FETCHED = {"img": "src", "script": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src",
           "embed": "src", "object": "data", "frame": "src"}
FETCHED_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
OTHER_HOST = re.compile(r"^\s*([a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)

HOSTILE = """---
title: Feindliche Eingaben
date: 2024-06-01 09:00
number: "99/2024"
department: bauen
---
Ein Absatz mit [Link](javascript:alert(1)).

<script>alert(1)</script>
<p onclick="alert(1)" style="color:red">Text</p>
<img src="x.png" alt="x" onerror="alert(1)">
<iframe src="https://evil.example/"></iframe>
<style>body { display: none }</style>
<svg onload="alert(1)"><script>alert(2)</script></svg>
<a href="JaVaScRiPt:alert(1)">x</a>
<math><mi xlink:href="javascript:alert(1)">x</mi></math>

Absatz
{: style="color: red" onmouseover="alert(1)" }

| a | b |
|--:|:-:|
| 1 | 2 |
"""


def csp_violations(path: Path) -> list[str]:
    """What a strict Content-Security-Policy would block on one page."""
    page = soup(path)
    problems = []
    for script in page.find_all("script"):
        if not script.get("src") and script.get("type") != ALLOWED_INLINE_SCRIPT:
            problems.append(f"inline <script type={script.get('type')!r}>")
    problems += ["<style> element" for _ in page.find_all("style")]
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name == "style":
                problems.append(f"style attribute on <{element.name}>")
            if name.startswith("on"):
                problems.append(f"{name} handler on <{element.name}>")
            if SCRIPT_URL.match(value or ""):
                problems.append(f"{name}={value!r} on <{element.name}>")
        fetched = FETCHED.get(element.name)
        if element.name == "link" and FETCHED_LINK_RELS & set(element.get("rel", [])):
            fetched = "href"
        if fetched and OTHER_HOST.match(element.get(fetched, "")):
            problems.append(f"<{element.name} {fetched}={element[fetched]!r}> loads from another host")
        srcset = element.get("srcset")
        if srcset and any(OTHER_HOST.match(part) for part in srcset.split(",")):
            problems.append(f"<{element.name} srcset> loads from another host")
    return problems


def assert_every_page_is_csp_clean(output: Path) -> int:
    pages = sorted(output.rglob("*.html"))
    assert pages
    found = {str(path.relative_to(output)): csp_violations(path) for path in pages}
    assert {path: problems for path, problems in found.items() if problems} == {}
    return len(pages)


def test_every_page_of_the_sample_site(sample_output):
    assert assert_every_page_is_csp_clean(sample_output) > 30


def test_every_page_with_hostile_html_in_a_release(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    (content / "releases" / "2024" / "feindlich.md").write_text(HOSTILE, encoding="utf-8")
    output = tmp_path / "output"
    newsroom = {**read_settings(str(SETTINGS))["NEWSROOM"], "strict_html": False}
    build(content, output, NEWSROOM=newsroom)
    release = output / "pressemitteilungen" / "2024" / "99-feindliche-eingaben" / "index.html"
    assert "Text" in release.read_text(encoding="utf-8")
    assert_every_page_is_csp_clean(output)


@pytest.mark.parametrize(
    "markup, problem",
    [
        ("<script>x()</script>", "inline <script type=None>"),
        ('<div style="color:red"></div>', "style attribute on <div>"),
        ("<style>p{}</style>", "<style> element"),
        ('<button onclick="x()">', "onclick handler on <button>"),
        ('<a href=" javascript:x()">', "href=' javascript:x()' on <a>"),
        ('<img src="https://cdn.example/a.png" alt="">', "<img src='https://cdn.example/a.png'> loads from another host"),
        ('<link rel="stylesheet" href="//cdn.example/a.css">', "<link href='//cdn.example/a.css'> loads from another host"),
    ],
)
def test_the_scan_finds_what_a_strict_policy_blocks(tmp_path, markup, problem):
    page = tmp_path / "page.html"
    page.write_text(f"<!DOCTYPE html><html><head></head><body>{markup}</body></html>", encoding="utf-8")
    assert csp_violations(page) == [problem]


def test_the_scan_allows_json_ld_and_scripts_from_the_site(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script><script src="/theme/js/suche.1a2b3c4d.js"></script>'
        '<a href="https://www.berlin.example/">extern</a>',
        encoding="utf-8",
    )
    assert csp_violations(page) == []
