"""Every page works under `Content-Security-Policy: default-src 'self'` without 'unsafe-inline'."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pelican.settings import read_settings

from helpers import FIXTURE_SITE, SETTINGS, build, csp_violations

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
