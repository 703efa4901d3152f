"""Raw HTML in releases: the allow-list, each removal reported at its line, strict mode, rel on links."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings

from newsroom.content.markup import MarkdownRenderer
from newsroom.content.reading import read_source, report_warnings
from newsroom.content.registry import load_registries
from newsroom.settings import data_dir

from helpers import ROOT, SETTINGS, build, soup, tree_digest

FRONT_MATTER = """---
title: Meldung mit HTML
date: 2024-05-06 09:00
number: "30/2024"
department: bauen
---
Erster Absatz.

"""
FIRST_BODY_LINE = 7
SNIPPET_LINE = FIRST_BODY_LINE + 2
RELEASE_URL = "pressemitteilungen/2024/30-meldung-mit-html/index.html"

# name: (Markdown snippet from line 9 on, expected warning, text that must not survive)
REMOVALS = {
    "script": ("<script>alert('x')</script>", "removed <script> and its content", "alert"),
    "script-upper-case": ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "removed <script> and its content", "evil.example"),
    "event-handler": ('<p onclick="alert(1)">Hallo</p>', "removed onclick='alert(1)' from <p>", "onclick"),
    "handler-on-image": (
        '<img src="/images/a.jpg" alt="A" onerror="alert(1)">',
        "removed onerror='alert(1)' from <img>",
        "onerror",
    ),
    "javascript-link": (
        "[Klick](javascript:alert(1))",
        "removed href='javascript:alert(1)' from <a>: links must use",
        "javascript:",
    ),
    "javascript-entities": (
        '<a href="&#106;ava&#x09;script:alert(1)">x</a>',
        "removed href='java\\tscript:alert(1)' from <a>",
        "script:",
    ),
    "data-url-image": (
        '<img src="data:image/png;base64,AAAA" alt="x">',
        "removed src='data:image/png;base64,AAAA' from <img>",
        "data:",
    ),
    "marked-section": ("<div><![amt[ Vermerk ]]></div>", "removed a marked section: '<![…[' … ']]>' is not HTML", "Vermerk"),
    "iframe": ('<iframe src="https://video.example/v"></iframe>', "removed <iframe> and its content", "video.example"),
    "style-attribute": ('<p style="color: red">rot</p>', "removed style='color: red' from <p>", "style="),
    "style-element": ("<style>body { display: none }</style>", "removed <style> and its content", "display"),
    "attribute-list": ('Absatz\n{: onmouseover="alert(1)" }', "removed onmouseover='alert(1)' from <p>", "onmouseover"),
    "svg-script": ("<svg><script>alert(1)</script></svg>", "removed <svg> and its content", "alert"),
    "object": ('<object data="x.swf"></object>', "removed <object> and its content", "x.swf"),
    "form": ('<form action="https://evil.example/"><input name="pin"></form>', "removed <form>, kept its text", "evil.example"),
    "meta-refresh": (
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        "removed <meta>, kept its text",
        "refresh",
    ),
    "base": ('<base href="https://evil.example/">', "removed <base>, kept its text", "evil.example"),
    "image-from-other-host": (
        "![Bild](https://bilder.example/x.png)",
        "removed src='https://bilder.example/x.png' from <img>: images must be given as a path on this site",
        "bilder.example",
    ),
    "image-by-own-address": (
        "![Bild](https://presse.lindenhain.example/images/x.png)",
        "removed src='https://presse.lindenhain.example/images/x.png' from <img>",
        "presse.lindenhain",
    ),
    "span": ('<span class="x">Text</span>', "removed <span>, kept its text", "<span"),
    "foreign-class": ('<div class="banner">Text</div>', "removed class='banner' from <div>", "banner"),
    "theme-id": ('<h2 id="inhalt">Zwischentitel</h2>', "removed id='inhalt' from <h2>", "inhalt"),
    "markdown-h1": (
        "# Überschrift",
        "removed <h1>, kept its text: the title is the page's only h1; start headings with ##",
        "<h1",
    ),
}


def settings_for(content: Path, strict: bool) -> dict:
    settings = read_settings(str(SETTINGS), override={"PATH": str(content)})
    settings["NEWSROOM"] = {**settings["NEWSROOM"], "strict_html": strict}
    return settings


def read_release(content: Path, body: str, strict: bool = False):
    """read_source on a release with ``body`` after the first paragraph."""
    path = content / "releases" / "2024" / "html.md"
    path.write_text(FRONT_MATTER + body + "\n", encoding="utf-8")
    settings = settings_for(content, strict)
    registries = load_registries(data_dir(settings), settings["NEWSROOM"]["default_contact"])
    source = read_source(str(path), settings, registries, MarkdownRenderer())
    report_warnings(source)  # as the reader and `invoke check` do
    return source


def warnings_of(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]


@pytest.mark.parametrize("name", sorted(REMOVALS))
def test_removal_is_reported_with_its_line(site, caplog, name):
    snippet, expected, forbidden = REMOVALS[name]
    caplog.set_level(logging.WARNING)
    source = read_release(site, snippet)
    assert source.errors == []
    line = SNIPPET_LINE + snippet.count("\n")  # the attribute list sits on the line after its paragraph
    assert any(f"html.md:{line}: html: {expected}" in message for message in warnings_of(caplog)), warnings_of(caplog)
    assert forbidden.lower() not in source.html.lower()
    assert "Erster Absatz." in source.html


@pytest.mark.parametrize("name", sorted(REMOVALS))
def test_removal_is_an_error_when_strict(site, caplog, name):
    snippet, expected, _ = REMOVALS[name]
    source = read_release(site, snippet, strict=True)
    line = SNIPPET_LINE + snippet.count("\n")
    messages = [error.format() for error in source.errors]
    assert any(message.startswith(f"{source.path}:{line}: html: ") and "is not allowed" in message for message in messages), (
        messages
    )
    assert warnings_of(caplog) == []


def test_each_removal_on_its_own_line(site, caplog):
    caplog.set_level(logging.WARNING)
    body = "<span>eins</span>\n\nText\n\n<p style=\"x\">zwei</p>\n\n<span>drei</span>\n\n[vier](javascript:void(0))"
    read_release(site, body)
    located = [message.split(": html: ")[0].rsplit(":", 1)[1] for message in warnings_of(caplog)]
    assert located == [str(SNIPPET_LINE + offset) for offset in (0, 4, 6, 8)]


def test_long_lists_of_removals_are_cut_short(site, caplog):
    caplog.set_level(logging.WARNING)
    read_release(site, "\n\n".join(f"<span>{n}</span>" for n in range(30)))
    messages = warnings_of(caplog)
    assert len(messages) == 21
    assert messages[-1].endswith("html: and 10 more removals of HTML that is not allowed")


ALLOWED = """## Zwischentitel

Ein Satz mit *Betonung*, **Gewicht**, `Code`, H<sub>2</sub>O, m<sup>2</sup>, <abbr title="Bezirksverordnetenversammlung">BVV</abbr>
und einem Umbruch<br>
sowie [extern](https://www.berlin.example/seite "Titel"), [intern](/impressum/), [absolut intern](https://presse.lindenhain.example/themen/),
[Mail](mailto:presse@lindenhain.example) und [Telefon](tel:+49301234).

> „Zitat.“
>
> — Sprecherin

<table>
<caption>Termine</caption>
<thead><tr><th scope="col">Tag</th><th scope="col" colspan="2">Zeit</th></tr></thead>
<tbody><tr><td rowspan="2">Montag</td><td>9</td><td>12</td></tr></tbody>
</table>

| links | rechts |
|:------|-------:|
| a     | b      |

<figure><img src="/images/plan.png" alt="Lageplan" width="800" height="600"><figcaption>Lageplan</figcaption></figure>

```text
<script>gezeigt, nicht ausgeführt</script>
```

Begriff
: Erklärung

Fußnote[^1]

[^1]: Quelle.

---
"""  # noqa: E501 (one Markdown line, kept as an editor writes it)


def test_allowed_html_is_kept_and_nothing_is_reported(site, caplog):
    caplog.set_level(logging.WARNING)
    source = read_release(site, ALLOWED, strict=True)
    assert source.errors == [] and warnings_of(caplog) == []
    page = BeautifulSoup(source.html, "html.parser")
    for selector in (
        "h2", "em", "strong", "code", "sub", "sup", "abbr[title]", "br", "figure.zitat > blockquote", "figcaption",
        "table > caption", "th[scope=col][colspan='2']", "td[rowspan='2']", "th[align=left]", "td[align=right]",
        "div.tabelle[role=region][tabindex='0'][aria-label=Tabelle]", "img[src][alt][width][height]",
        "pre > code.language-text", "dl > dt", "dd", "sup[id^='fnref'] > a.footnote-ref", "div.footnote li[id^='fn']",
        "a.footnote-backref", "hr",
    ):
        assert page.select_one(selector) is not None, selector
    assert "&lt;script&gt;gezeigt" in source.html
    assert "style=" not in source.html


def test_only_links_to_other_hosts_get_noopener(site):
    page = BeautifulSoup(read_release(site, ALLOWED).html, "html.parser")
    rel = {link.get_text(): link.get("rel") for link in page.find_all("a") if not link.get("class")}
    assert rel == {"extern": ["noopener"], "intern": None, "absolut intern": None, "Mail": None, "Telefon": None}


def test_pages_are_sanitized_too(site, caplog):
    caplog.set_level(logging.WARNING)
    (site / "pages" / "impressum.md").write_text(
        "---\ntitle: Impressum\n---\nText\n\n<script>alert(1)</script>\n", encoding="utf-8"
    )
    output = site.parent / "output"
    build(site, output, NEWSROOM={**settings_for(site, False)["NEWSROOM"]})
    assert "impressum.md:6: html: removed <script> and its content" in "\n".join(warnings_of(caplog))
    assert "alert" not in (output / "impressum" / "index.html").read_text(encoding="utf-8")


def run_cli(content: Path, output: Path, strict: bool) -> subprocess.CompletedProcess:
    """The plain `pelican` command with the strictness CI would give it."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("pelican")), str(content), "-s", str(SETTINGS), "-o", str(output)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200", "NEWSROOM_STRICT_HTML": "1" if strict else "0"},
    )


def test_build_warns_and_publishes_the_cleaned_release(site, tmp_path):
    (site / "releases" / "2024" / "html.md").write_text(FRONT_MATTER + '<p onclick="alert(1)">Hallo</p>\n', encoding="utf-8")
    output = tmp_path / "output"
    result = run_cli(site, output, strict=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"html.md:{SNIPPET_LINE}: html: removed onclick='alert(1)' from <p>" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    article = soup(output / RELEASE_URL).find("article") or soup(output / RELEASE_URL)
    assert article.find("p", string="Hallo") is not None
    assert "onclick" not in (output / RELEASE_URL).read_text(encoding="utf-8")


def test_strict_build_stops_and_keeps_the_previous_output(built_site):
    site, output, before = built_site
    (site / "releases" / "2024" / "html.md").write_text(FRONT_MATTER + "<script>alert(1)</script>\n", encoding="utf-8")
    result = run_cli(site, output, strict=True)
    assert result.returncode == 1
    assert f"html.md:{SNIPPET_LINE}: html: <script> is not allowed" in result.stderr
    assert "1 error in the content; nothing was written." in result.stderr
    assert tree_digest(output) == before


def test_odd_names_are_shown_readably(site, caplog):
    caplog.set_level(logging.WARNING)
    # Control characters never get this far (the reader refuses them); invisible format characters do.
    read_release(site, '<p on\u200bclick="x">a</p> <x\u200by>b</x\u200by>')
    messages = warnings_of(caplog)
    assert any("removed 'on\\u200bclick'='x' from <p>" in message for message in messages), messages
    assert any("removed <'x\\u200by'>, kept its text" in message for message in messages), messages
    assert all("\u200b" not in message for message in messages), messages
