"""The typed Release, derived once; the layering of the subpackages; one build state per run."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt

import feedparser
import pytest
from pelican.settings import read_settings

from newsroom.content.dates import BERLIN
from newsroom.content.release import Release, ReleaseNumber
from newsroom.fingerprint import import_statements, module_closure
from newsroom.settings import configure
from newsroom.site.build import BuildState
from newsroom.site.plugin import PLUGIN
from newsroom.site.records import digest_of
from newsroom.tools.check import check_content

from helpers import ROOT, SETTINGS, Reading, build, soup

CORRECTED = """---
title: Fahrbahnsanierung der Lindenallee verschoben
date: 2024-06-03 09:00
number: "55/2024"
department: bauen
tags: [Verkehr, Straßenbau in der Innenstadt und in den Ortsteilen mit sehr langen Namen]
corrections:
  - {date: 2024-06-04 12:00, note: Beginn korrigiert.}
  - {date: 2024-06-05 08:30, note: Umleitung ergänzt.}
aliases: [/pressemitteilungen/2024/55-alter-titel/]
---
Die Sanierung der Lindenallee beginnt eine Woche später als angekündigt.
"""

WITH_ID = """---
title: Bürgeramt Nord schließt früher
date: 2024-02-01 10:00
number: "9/2024"
department: bauen
id: "urn:uuid:6f1c2d3e-aaaa-4bbb-8ccc-123456789abc"
updated: 2024-02-02 11:00
update_note: Uhrzeit korrigiert.
---
Das Bürgeramt Nord schließt am Freitag um 12 Uhr.
"""


def release_of(site, text: str, name: str) -> Release:
    reading = Reading(site, f"releases/2024/{name}")
    configure(reading.settings)
    source = reading(text.encode())
    assert not source.errors, [error.format() for error in source.errors]
    return Release.from_source(source, reading.settings)


def test_the_release_derives_every_shared_value_once(site):
    release = release_of(site, CORRECTED, "lindenallee.md")
    assert release.number == ReleaseNumber(2024, 55)
    assert (str(release.number), release.number.key, f"{release.number:>8}") == ("55/2024", "2024-55", " 55/2024")
    assert release.url == "pressemitteilungen/2024/55-fahrbahnsanierung-der-lindenallee-verschoben/"
    assert release.save_as == release.url + "index.html"
    assert release.permanent_id.endswith(":pm-55-2024") and not release.id_written
    assert release.id_line == release.lines["number"] == 4
    assert [correction.note for correction in release.corrections] == ["Umleitung ergänzt.", "Beginn korrigiert."]
    assert release.updated == release.last_change == dt.datetime(2024, 6, 5, 8, 30, tzinfo=BERLIN)
    assert release.aliases == (("/pressemitteilungen/2024/55-alter-titel/", 10),)
    # A topic's slug is cut like every slug, to slug_max_length (60): the same value the topic page and the rules use.
    slugs = [topic.slug for topic in release.topics]
    assert slugs[0] == "verkehr" and len(slugs[1]) <= 60 and slugs[1].startswith("strassenbau-in-der-innenstadt")


def test_one_correction_and_a_written_id(site):
    release = release_of(site, WITH_ID, "buergeramt.md")
    assert release.permanent_id == "urn:uuid:6f1c2d3e-aaaa-4bbb-8ccc-123456789abc" and release.id_written
    assert release.id_line == release.lines["id"]
    assert [(correction.note, correction.line) for correction in release.corrections] == [("Uhrzeit korrigiert.", 7)]
    assert release.last_change == dt.datetime(2024, 2, 2, 11, tzinfo=BERLIN)


def test_a_release_has_no_correction_then_its_date_is_its_last_change(site):
    release = release_of(site, CORRECTED.replace("corrections:\n  - {date: 2024-06-04 12:00, note: Beginn korrigiert.}\n"
                                                 "  - {date: 2024-06-05 08:30, note: Umleitung ergänzt.}\n", ""), "ohne.md")
    assert release.corrections == () and release.updated is None and release.last_change == release.date


def test_the_release_is_immutable_and_its_digest_follows_its_values(site):
    first = release_of(site, CORRECTED, "lindenallee.md")
    again = release_of(site, CORRECTED, "lindenallee.md")
    edited = release_of(site, CORRECTED.replace("eine Woche später", "zwei Wochen später"), "lindenallee.md")
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.title = "Anders"
    assert first is not again and digest_of(first) == digest_of(again)
    assert digest_of(edited) != digest_of(first)


def test_numbers_sort_by_year_then_serial():
    numbers = [ReleaseNumber.parse(text) for text in ("3/2025", "422/2024", "17/2024")]
    assert [str(number) for number in sorted(numbers)] == ["17/2024", "422/2024", "3/2025"]
    assert ReleaseNumber.parse("0/2024") is None and ReleaseNumber.parse("422-2024") is None


def test_pages_feeds_and_cards_come_from_the_admitted_releases(site, tmp_path):
    output = tmp_path / "output"
    build(site, output)
    releases = PLUGIN.state.releases
    assert sorted(str(release.number) for release in releases) == ["17/2024", "422/2024"]
    feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert sorted(entry.id for entry in feed.entries) == sorted(release.permanent_id for release in releases)
    for release in releases:
        page = soup(output / release.save_as)
        assert page.find("h1").get_text(strip=True) == release.title
        assert page.find("link", rel="canonical")["href"].endswith("/" + release.url)
        [card] = (output / "karten").glob(f"{release.number.key}-*.jpg")
        assert page.find("meta", property="og:image")["content"].endswith(f"/karten/{card.name}")


def test_each_build_gets_a_state_of_its_own(site, tmp_path):
    build(site, tmp_path / "first")
    first = PLUGIN.state
    build(site, tmp_path / "second")
    assert PLUGIN.state is not first
    assert len(PLUGIN.state.releases) == len(first.releases) == 2
    assert PLUGIN.state.errors == []


def test_invoke_check_admits_the_same_releases_as_the_build(site, tmp_path):
    build(site, tmp_path / "output")
    built = {release.path: digest_of(release) for release in PLUGIN.state.releases}
    checked = check_content(str(SETTINGS), str(site))
    assert {release.path: digest_of(release) for release in checked.releases} == built


def test_a_build_state_is_made_ready_or_not_by_its_first_checks(site):
    settings = read_settings(str(SETTINGS), override={"PATH": str(site)})
    settings["NEWSROOM"] = {**settings["NEWSROOM"], "ofice_name": "Bezirksamt Anderswo"}
    state = BuildState.start(settings)
    assert not state.ready and state.clock is None and state.crossfile is None
    assert [error.format() for error in state.errors] == ["NEWSROOM: ofice_name: unknown setting; did you mean 'office_name'?"]


# --- layering ----------------------------------------------------------------------


FOUNDATIONS = {"newsroom", "newsroom.errors", "newsroom.settings", "newsroom.urls", "newsroom.fingerprint",
               "newsroom.processes", "newsroom.progress"}


def layer_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 and module not in FOUNDATIONS else "foundations"


@pytest.mark.parametrize(
    ("package", "may_use"),
    [
        ("newsroom.content", {"content", "foundations"}),
        ("newsroom.outputs.cards.drawing", {"outputs", "foundations"}),
    ],
)
def test_a_subpackage_uses_only_the_layers_below_it(package, may_use):
    """Reading a source knows nothing of Pelican's glue, the outputs or the tools; so its cache keys on content/ alone."""
    used = {layer_of(module) for module in module_closure(package)}
    assert used <= may_use, sorted(module for module in module_closure(package) if layer_of(module) not in may_use)


def test_the_fingerprint_finds_every_import_a_full_walk_finds():
    """``import_statements`` walks statements only; an import inside a function or an ``if`` counts all the same."""
    for path in sorted((ROOT / "newsroom").rglob("*.py")):
        tree = ast.parse(path.read_bytes())
        every = sorted(ast.dump(node) for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)))
        assert sorted(ast.dump(node) for node in import_statements(tree)) == every, path
    assert {"newsroom.outputs.cards.stage", "newsroom.site.writing"} <= set(module_closure("newsroom.site.build"))


def test_the_content_cache_keys_on_the_code_reading_imports():
    closure = set(module_closure("newsroom.content.reading"))
    assert {"newsroom.content.rules", "newsroom.content.sanitize", "newsroom.content.frontmatter"} <= closure
    assert not any(module.startswith(("newsroom.site", "newsroom.outputs", "newsroom.tools")) for module in closure)
    assert "newsroom.content.preread" not in closure  # the cache's own code is versioned by its format, not fingerprinted
