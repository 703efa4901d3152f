"""A build whose inputs equal the live site's, at a time no embargo ends, writes nothing; any change builds again."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from newsroom.site.inputs import NOTHING_TO_BUILD
from newsroom.site.renderkeys import KEYS_FILE

from helpers import ROOT, build, rebuild_digest

EMBARGOED = """---
title: Spielplatz am Lindenweg öffnet wieder
date: 2024-12-01 10:00
number: "600/2024"
department: umwelt
tags: [Spielplätze]
summary: Nach der Sanierung ist der Spielplatz am Lindenweg ab Dezember wieder offen.
---
Das Bezirksamt hat den Spielplatz am Lindenweg saniert. Er öffnet am 1. Dezember.
"""
BEFORE = "2024-12-01T09:59:59+01:00"
AT = "2024-12-01T10:00:00+01:00"
RELEASE = "releases/2024/baeume.md"


@pytest.fixture
def built(site: Path, tmp_path: Path, monkeypatch, caplog):
    """The site built once at a fixed time; returns its output folder and a function that builds again."""
    monkeypatch.setenv("NEWSROOM_NOW", BEFORE)
    output = tmp_path / "output"
    build(site, output)

    def again(**overrides) -> bool:
        """Build into the same output; whether the build found nothing to do."""
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="newsroom.site.inputs"):
            build(site, output, **overrides)
        return any(record.getMessage().startswith(NOTHING_TO_BUILD.split(":")[0]) for record in caplog.records)

    return output, again


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_nothing_changed_nothing_is_written(built, site):
    output, again = built
    before = rebuild_digest(output)
    page, keys = inode(output / "index.html"), inode(output / KEYS_FILE)
    (site / RELEASE).write_bytes((site / RELEASE).read_bytes())  # saved again, same bytes: no change
    assert again()
    assert inode(output / "index.html") == page and inode(output / KEYS_FILE) == keys  # not even relinked
    assert rebuild_digest(output) == before
    assert not [name for name in os.listdir(output.parent) if ".staging" in name]


@pytest.mark.parametrize("change", ["content", "new file", "link", "theme", "setting", "damaged keys", "missing page"])
def test_any_change_is_built(built, site, tmp_path, change):
    output, again = built
    overrides = {}
    if change == "content":
        release = site / RELEASE
        release.write_text(release.read_text(encoding="utf-8") + "\nEin weiterer Satz.\n", encoding="utf-8")
    elif change == "new file":
        (site / "pages" / "notiz.txt").write_text("Notiz der Pressestelle\n", encoding="utf-8")
    elif change == "link":  # the same bytes behind a link: a different input, which the build refuses
        release = site / RELEASE
        outside = tmp_path / "kopie.md"
        outside.write_bytes(release.read_bytes())
        release.unlink()
        release.symlink_to(outside)
    elif change == "theme":
        overrides["THEME"] = str(copied_theme(tmp_path, "Stand: Winter"))
    elif change == "setting":
        overrides["SITENAME"] = "Presse – Bezirksamt Lindenhain"
    elif change == "damaged keys":
        data = json.loads((output / KEYS_FILE).read_text(encoding="utf-8"))
        data["build"]["public_until"] = "morgen"
        (output / KEYS_FILE).write_text(json.dumps(data), encoding="utf-8")
    else:
        (output / "impressum" / "index.html").unlink()
    if change == "link":
        with pytest.raises(SystemExit):
            again()
        return
    assert not again(**overrides)
    if change == "missing page":
        assert (output / "impressum" / "index.html").exists()


def copied_theme(tmp_path: Path, text: str) -> Path:
    import shutil

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", f"<p>{text}</p></footer>", 1), encoding="utf-8")
    return theme


def test_an_embargo_ending_builds_again(site, tmp_path, monkeypatch, caplog):
    (site / "releases" / "2024" / "spielplatz.md").write_text(EMBARGOED, encoding="utf-8")
    output = tmp_path / "output"
    monkeypatch.setenv("NEWSROOM_NOW", BEFORE)
    build(site, output)
    page = output / "pressemitteilungen" / "2024" / "600-spielplatz-am-lindenweg-oeffnet-wieder" / "index.html"
    assert not page.exists()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newsroom.site.inputs"):
        build(site, output)  # a quarter of an hour later, as far as the releases are concerned
    assert any(NOTHING_TO_BUILD.split(":")[0] in record.getMessage() for record in caplog.records)
    monkeypatch.setenv("NEWSROOM_NOW", AT)
    build(site, output)
    assert page.exists()
    monkeypatch.setenv("NEWSROOM_NOW", BEFORE)  # the clock set back: the release is under embargo again
    build(site, output)
    assert not page.exists()
