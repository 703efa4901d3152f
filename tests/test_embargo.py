"""The build clock: embargoed releases and drafts are nowhere in the output until their time.

"Nowhere" is checked on the whole output tree: every file of every type, gzip
files decompressed (Pagefind index fragments, compressed feeds), and every file
and folder name, for the release's title, number and slug.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from newsroom.errors import ContentErrors
from newsroom.site.clock import ClockError, parse_now

from helpers import ROOT, SETTINGS, build, rebuild_digest, run_task, soup, tree_digest

EMBARGOED = """---
title: Zeppelinwiese wird Naturschutzgebiet
date: 2024-12-01 10:00
number: "600/2024"
department: umwelt
tags: [Naturschutzgebiete]
summary: Die Zeppelinwiese steht ab Dezember unter Schutz.
---
Das Bezirksamt stellt die Zeppelinwiese unter Naturschutz.
"""
EMBARGO_NEEDLES = (
    "Zeppelinwiese",
    "zeppelinwiese-wird-naturschutzgebiet",
    "600/2024",
    "Naturschutzgebiete",
    "naturschutzgebiete",
)
RELEASE_URL = "pressemitteilungen/2024/600-zeppelinwiese-wird-naturschutzgebiet/"

DRAFT = """---
title: Kaninchenzucht im Rathauskeller
date: 2024-05-01 10:00
number: "601/2024"
department: bauen
tags: [Kleintierzucht]
status: draft
---
Noch geheim.
"""
DRAFT_NEEDLES = ("Kaninchenzucht", "kaninchenzucht-im-rathauskeller", "601/2024", "Kleintierzucht")

BEFORE = "2024-12-01T09:59:59+01:00"
AT = "2024-12-01T10:00:00+01:00"


def variants(needle: str) -> set[str]:
    """The needle as HTML, JSON, XML or a URL may spell it."""
    return {
        needle,
        html.escape(needle),
        json.dumps(needle)[1:-1],
        needle.replace("/", "\\/"),
        quote(needle),
        quote(needle, safe=""),
    }


def occurrences(output: Path, needles) -> list[str]:
    """Every place in the output tree that names one of the needles (case-insensitive)."""
    found = []
    spellings = {spelling.lower() for needle in needles for spelling in variants(needle)}
    for path in sorted(output.rglob("*")):
        relative = path.relative_to(output).as_posix()
        found += [f"{relative}: name contains {s!r}" for s in spellings if s in relative.lower()]
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # gzip, whatever the file is called
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace").lower()
        found += [f"{relative}: contains {s!r}" for s in spellings if s in text]
    return found


def test_the_search_finds_what_it_looks_for(tmp_path: Path):
    """The leak search itself: names, escaped text and gzip contents are all found."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x-zeppelinwiese-wird-naturschutzgebiet.png").write_bytes(b"\x89PNG")
    (tmp_path / "b.json").write_text('{"n": "600\\/2024"}', encoding="utf-8")
    (tmp_path / "c.pf_fragment").write_bytes(gzip.compress(b"Die ZEPPELINWIESE"))
    found = occurrences(tmp_path, EMBARGO_NEEDLES)
    assert any(line.startswith("a/x-zeppelinwiese") for line in found)
    assert any(line.startswith("b.json") for line in found)
    assert any(line.startswith("c.pf_fragment") for line in found)


@pytest.fixture
def clock(monkeypatch):
    """Set NEWSROOM_NOW for the builds of one test."""

    def set_now(value: str) -> None:
        monkeypatch.setenv("NEWSROOM_NOW", value)

    return set_now


def add(content: Path, name: str, text: str) -> None:
    (content / "releases" / "2024" / name).write_text(text, encoding="utf-8")


def test_embargoed_release_and_draft_are_nowhere_before_the_embargo(site: Path, tmp_path: Path, clock):
    clock(BEFORE)
    without = tmp_path / "without"
    build(site, without)
    add(site, "zeppelinwiese.md", EMBARGOED)
    add(site, "kaninchen.md", DRAFT)
    output = tmp_path / "output"
    build(site, output)
    assert occurrences(output, EMBARGO_NEEDLES + DRAFT_NEEDLES) == []
    assert not (output / "drafts").exists()
    # Not even a count, a neighbour link or a list changed: byte-identical to a site without them.
    assert rebuild_digest(output) == rebuild_digest(without)


def test_embargoed_release_is_everywhere_from_its_time(site: Path, tmp_path: Path, clock):
    add(site, "zeppelinwiese.md", EMBARGOED)
    clock(AT)
    output = tmp_path / "output"
    build(site, output)
    page = soup(output / RELEASE_URL / "index.html")
    assert page.h1.get_text() == "Zeppelinwiese wird Naturschutzgebiet"
    found = {line.split(":", 1)[0] for line in occurrences(output, ["Zeppelinwiese"])}
    for listing in ("index.html", "pressemitteilungen/index.html", "pressemitteilungen/2024/index.html",
                    "ressorts/umwelt/index.html", "themen/naturschutzgebiete/index.html"):
        assert listing in found, listing
    older = soup(output / "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/index.html")
    assert older.find("a", rel="next")["href"] == "/" + RELEASE_URL


FAR_FUTURE = DRAFT.replace("status: draft\n", "").replace("2024-05-01", "2999-05-01").replace("601/2024", "1/2999")


def add_far_future(content: Path) -> None:
    (content / "releases" / "2999").mkdir()
    (content / "releases" / "2999" / "fern.md").write_text(FAR_FUTURE, encoding="utf-8")


def test_without_newsroom_now_the_real_time_counts(site: Path, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("NEWSROOM_NOW", raising=False)
    add(site, "zeppelinwiese.md", EMBARGOED)
    add_far_future(site)
    output = tmp_path / "output"
    build(site, output)
    assert (output / RELEASE_URL / "index.html").is_file()
    assert occurrences(output, DRAFT_NEEDLES) == []


def test_the_build_clock_overrules_the_machine_clock(site: Path, tmp_path: Path, clock):
    """Pelican's own future-date check is off: a clock set past a far-future date publishes it."""
    add_far_future(site)
    clock("2999-05-01T10:00:00+02:00")
    output = tmp_path / "output"
    build(site, output)
    assert soup(output / "pressemitteilungen/2999/1-kaninchenzucht-im-rathauskeller/index.html").h1
    assert not (output / "drafts").exists()


def test_numbers_of_drafts_and_embargoed_releases_still_count(site: Path, tmp_path: Path, clock):
    clock(BEFORE)
    add(site, "zeppelinwiese.md", EMBARGOED.replace("600/2024", "17/2024"))
    add(site, "kaninchen.md", DRAFT.replace("601/2024", "422/2024"))
    with pytest.raises(ContentErrors) as failure:
        build(site, tmp_path / "output")
    message = failure.value.format_message()
    assert "zeppelinwiese.md:4: number: '17/2024' is also used by" in message
    assert "kaninchen.md:4: number: '422/2024' is also used by" in message


def test_draft_static_page_is_never_written(site: Path, tmp_path: Path):
    (site / "pages" / "geheim.md").write_text("---\ntitle: Geheimseite Kellerplan\nstatus: draft\n---\nText\n", encoding="utf-8")
    output = tmp_path / "output"
    build(site, output)
    assert occurrences(output, ["Geheimseite", "geheimseite-kellerplan", "Kellerplan"]) == []


def test_a_public_page_must_not_link_to_an_embargoed_release(site: Path, tmp_path: Path, clock):
    """An unresolved {filename} link would print the held-back file's name into the page."""
    clock(BEFORE)
    add(site, "zeppelinwiese.md", EMBARGOED)
    release = site / "releases" / "2024" / "baeume.md"
    release.write_text(
        release.read_text(encoding="utf-8") + "\nMehr dazu [bald]({filename}zeppelinwiese.md).\n", encoding="utf-8"
    )
    with pytest.raises(ContentErrors) as failure:
        build(site, tmp_path / "output")
    assert (
        "baeume.md:17: links to 'releases/2024/zeppelinwiese.md', which is under embargo until "
        "1. Dezember 2024, 10:00 Uhr; remove the link until that release is public"
    ) in failure.value.format_message()
    clock(AT)
    build(site, tmp_path / "output")
    assert soup(
        tmp_path / "output" / "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/index.html"
    ).find("a", href="/" + RELEASE_URL)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("morgen", "NEWSROOM_NOW: 'morgen' needs a time and a UTC offset"),
        ("2024-12-01", "NEWSROOM_NOW: '2024-12-01' needs a time and a UTC offset"),
        ("2024-12-01T10:00", "NEWSROOM_NOW: '2024-12-01T10:00' has no UTC offset; add one, for example 2024-12-01T10:00+01:00"),
        ("2024-13-01T10:00+01:00", "NEWSROOM_NOW: '2024-13-01T10:00+01:00' is not a valid date-time: month must be in 1..12"),
        ("1. Dezember 2024 10 Uhr", "NEWSROOM_NOW: '1. Dezember 2024 10 Uhr' is not an ISO 8601 date-time; write for example"),
    ],
)
def test_malformed_newsroom_now_is_a_clear_error(value: str, message: str):
    with pytest.raises(ClockError) as failure:
        parse_now(value)
    assert str(failure.value).startswith(message)


def test_malformed_newsroom_now_stops_the_build_before_anything_is_written(built_site, tmp_path: Path):
    site, output, before = built_site
    pelican = Path(sys.executable).with_name("pelican")
    result = subprocess.run(
        [str(pelican), str(site), "-s", str(SETTINGS), "-o", str(output)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "NEWSROOM_NOW": "2024-12-01 10:00"},
    )
    assert result.returncode == 1
    assert "NEWSROOM_NOW: '2024-12-01 10:00' has no UTC offset" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert tree_digest(output) == before
    assert not list(tmp_path.glob("output.staging-*"))


def test_offsets_and_utc_are_understood():
    assert parse_now("2024-12-01T09:00:00Z") == parse_now("2024-12-01T10:00:00+01:00")
    assert parse_now("2024-07-01 10:00+02:00").isoformat() == "2024-07-01T10:00:00+02:00"


def invoke(*args: str, now: str | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "NEWSROOM_NOW"}
    if now:
        env["NEWSROOM_NOW"] = now
    executable = Path(sys.executable).with_name("invoke")
    return subprocess.run([str(executable), *args], capture_output=True, text=True, cwd=ROOT, env=env)


def test_invoke_build_now_sets_the_clock_for_one_build(site: Path, tmp_path: Path):
    add(site, "zeppelinwiese.md", EMBARGOED)
    before, after = tmp_path / "before", tmp_path / "after"
    result = invoke("build", "--content", str(site), "--output", str(before), "--now", BEFORE)
    assert result.returncode == 0, result.stderr
    result = invoke("build", "--content", str(site), "--output", str(after), "--now", AT)
    assert result.returncode == 0, result.stderr
    assert occurrences(before, EMBARGO_NEEDLES) == []
    assert (after / RELEASE_URL / "index.html").is_file()


def test_preview_drafts_builds_everything_with_banners_elsewhere(site: Path, tmp_path: Path):
    add(site, "zeppelinwiese.md", EMBARGOED)
    add(site, "kaninchen.md", DRAFT)
    (site / "pages" / "geheim.md").write_text("---\ntitle: Geheimseite\nstatus: draft\n---\nText\n", encoding="utf-8")
    preview = tmp_path / "output-drafts"
    result = invoke("preview", "--drafts", "--content", str(site), "--output", str(preview), now=BEFORE)
    assert result.returncode == 0, result.stderr
    embargoed = soup(preview / RELEASE_URL / "index.html")
    banner = embargoed.find("div", class_="vorschau")
    assert banner.get_text(" ", strip=True) == "Sperrfrist bis 1. Dezember 2024, 10:00 Uhr – Vorschau, nicht veröffentlicht."
    assert banner.time["datetime"] == "2024-12-01T10:00:00+01:00"
    draft = soup(preview / "pressemitteilungen/2024/601-kaninchenzucht-im-rathauskeller/index.html")
    assert draft.find("div", class_="vorschau").strong.get_text() == "Entwurf"
    assert soup(preview / "geheimseite/index.html").find("div", class_="vorschau").strong.get_text() == "Entwurf"
    for path in preview.rglob("*.html"):
        assert soup(path).find("meta", attrs={"name": "robots", "content": "noindex"}), path
    published = soup(preview / "pressemitteilungen/2024/17-sprechstunde-im-rathaus/index.html")
    assert published.find("div", class_="vorschau") is None


def test_preview_drafts_refuses_the_published_folder(site: Path):
    result = run_task("preview", "--drafts", "--content", str(site), "--output", "output")
    assert result.returncode == 1
    assert "never writes into output/" in result.stderr


def test_published_pages_carry_no_preview_marks(site: Path, tmp_path: Path, clock):
    clock(AT)
    add(site, "zeppelinwiese.md", EMBARGOED)
    output = tmp_path / "output"
    build(site, output)
    for path in output.rglob("*.html"):
        page = soup(path)
        assert page.find("div", class_="vorschau") is None, path
        if path.name != "404.html":
            assert page.find("meta", attrs={"name": "robots"}) is None, path


def test_schedule_lists_coming_releases_in_berlin_time(site: Path, monkeypatch):
    add(site, "zeppelinwiese.md", EMBARGOED)
    add(site, "spaeter.md", EMBARGOED.replace("Zeppelinwiese", "Sommerwiese").replace("600/2024", "602/2024")
        .replace("2024-12-01 10:00", "2024-12-20T08:30:00Z"))
    add(site, "kaninchen.md", DRAFT)
    result = invoke("schedule", "--content", str(site), now=BEFORE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Now: 2024-12-01 09:59 (Berlin)"
    assert lines[1].startswith("2024-12-01 10:00   600/2024  Zeppelinwiese wird Naturschutzgebiet  (")
    assert lines[2].startswith("2024-12-20 09:30   602/2024  Sommerwiese wird Naturschutzgebiet  (")
    assert lines[3] == "1 draft, published only once their status changes."
    monkeypatch.delenv("NEWSROOM_NOW", raising=False)
    later = run_task("schedule", "--content", str(site), "--now", "2024-12-24T00:00+01:00")
    assert later.stdout.splitlines()[1] == "No releases under embargo."


def test_an_image_only_an_embargoed_release_uses_waits_for_it(site: Path, tmp_path: Path, clock):
    from PIL import Image

    (site / "images").mkdir()
    Image.new("RGB", (8, 8), "green").save(site / "images" / "lageplan-schutzgebiet.png")
    Image.new("RGB", (8, 8), "blue").save(site / "images" / "gemeinsam.png")
    add(site, "zeppelinwiese.md", EMBARGOED.replace(
        "summary:", "image: images/lageplan-schutzgebiet.png\nimage_alt: Lageplan\nsummary:"
    ) + "\n![Karte](/images/gemeinsam.png)\n")
    release = site / "releases" / "2024" / "sprechstunde.md"
    release.write_text(release.read_text(encoding="utf-8") + "\n![Karte]({static}/images/gemeinsam.png)\n", encoding="utf-8")
    clock(BEFORE)
    build(site, tmp_path / "before")
    assert not (tmp_path / "before" / "images" / "lageplan-schutzgebiet.png").exists()
    assert (tmp_path / "before" / "images" / "gemeinsam.png").is_file()
    clock(AT)
    build(site, tmp_path / "after")
    assert list((tmp_path / "after" / "bilder").glob("lageplan-schutzgebiet-8-*.jpg"))
