"""Full-text search: the real Pagefind indexes a built site, one bundle per year; the search page's code queries it.

The queries run the search page's script (theme/static/js/suche.js), which
merges the years' bundles with Pagefind's own pagefind.js, in Node.js
(tests/pagefind_search.mjs): the same code a browser runs on /suche/.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from newsroom.outputs import search

from helpers import FIXTURE_SITE, ROOT, build, soup, tree_digest

SEARCH_SCRIPT = ROOT / "tests" / "pagefind_search.mjs"
TREES = "/pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/"
OFFICE_HOURS = "/pressemitteilungen/2024/17-sprechstunde-im-rathaus/"
BRIDGE = "/pressemitteilungen/2023/88-kanalbruecke-wird-saniert/"
PLAYGROUND = "/pressemitteilungen/2022/140-spielplatz-am-rosengarten-ist-fertig/"
SHARD_SUMMARY = re.compile(r"Search: (\d+) of (\d+) shards indexed, (\d+) kept, peak \d+ MB")

DRAFT = """---
title: Zauberwürfelturnier im Rathaus
date: 2024-11-01 10:00
number: "500/2024"
department: bauen
status: draft
---
Das Zauberwürfelturnier ist noch nicht angekündigt.
"""

BRIDGE_RELEASE = """---
title: Kanalbrücke wird saniert
date: 2023-06-05 09:00
number: "88/2023"
department: bauen
tags: [Verkehr, Baustellen]
---
Die Brücke über den Lindenkanal wird ab Juli saniert. Die Bauaufsicht begleitet die Arbeiten.
"""

PLAYGROUND_RELEASE = """---
title: Spielplatz am Rosengarten ist fertig
date: 2022-08-12 11:00
number: "140/2022"
department: umwelt
tags: [Spielplätze]
---
Der Spielplatz am Rosengarten ist fertig. Die Bauaufsicht hat ihn abgenommen.
"""


def pagefind_search(index: Path, query: str | None, filters: dict | None = None, sort: dict | None = None) -> dict:
    """Run the search page's search over the site's ``pagefind/`` folder; returns the results with their data."""
    node = shutil.which("node")
    assert node, "the search tests run Pagefind's JavaScript in Node.js: install nodejs (.ci/run does)"
    request = json.dumps({"query": query, "filters": filters or {}, "sort": sort or {}})
    result = subprocess.run(
        # suche.js is an ES module without a package.json saying so; Node notices and warns.
        [node, "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", str(SEARCH_SCRIPT), str(index), request],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def urls(answer: dict) -> list[str]:
    return [result["url"] for result in answer["results"]]


def build_search_site(root: Path) -> Path:
    content = root / "content"
    shutil.copytree(FIXTURE_SITE, content)
    (content / "releases" / "2024" / "entwurf.md").write_text(DRAFT, encoding="utf-8")
    (content / "releases" / "2023").mkdir()
    (content / "releases" / "2023" / "bruecke.md").write_text(BRIDGE_RELEASE, encoding="utf-8")
    (content / "releases" / "2022").mkdir()
    (content / "releases" / "2022" / "spielplatz.md").write_text(PLAYGROUND_RELEASE, encoding="utf-8")
    output = root / "output"
    build(content, output)
    return output


@pytest.fixture(scope="module")
def search_output(tmp_path_factory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("search"))


@pytest.fixture(scope="module")
def bundle(search_output) -> Path:
    return search_output / "pagefind"


def test_a_word_from_a_release_body_finds_it_with_its_filters(bundle):
    answer = pagefind_search(bundle, "Lindenkanal")
    assert urls(answer) == [BRIDGE]
    found = answer["results"][0]
    assert found["meta"]["title"] == "Kanalbrücke wird saniert"
    assert found["meta"]["nummer"] == "88/2023"
    assert found["meta"]["datum"] == "5. Juni 2023"
    assert found["filters"]["ressort"] == ["Abteilung Bauen"]
    assert sorted(found["filters"]["thema"]) == ["Baustellen", "Verkehr"]
    assert found["filters"]["jahr"] == ["2023"]
    assert "<mark>Lindenkanal</mark>" in found["excerpt"]


def test_one_bundle_per_year_holds_only_that_years_public_release_pages(search_output, bundle):
    listing = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    assert [shard["year"] for shard in listing["shards"]] == ["2024", "2023", "2022"]
    assert sorted(path.name for path in bundle.iterdir() if path.is_dir()) == ["2022", "2023", "2024"]
    for shard in listing["shards"]:
        entry = json.loads((bundle / shard["year"] / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == ["de"]
        pages = search_output.glob(f"pressemitteilungen/{shard['year']}/*/index.html")
        assert entry["languages"]["de"]["page_count"] == shard["pages"] == len(list(pages)), shard


def test_one_search_finds_releases_of_every_year(bundle):
    """The word stands in a release of 2024, of 2023 and of 2022: three bundles, one list of hits."""
    assert sorted(urls(pagefind_search(bundle, "Bauaufsicht"))) == sorted([OFFICE_HOURS, BRIDGE, PLAYGROUND])


def test_a_drafts_words_are_not_found(search_output, bundle):
    assert not (search_output / "pressemitteilungen" / "2024" / "500-zauberwuerfelturnier-im-rathaus").exists()
    assert pagefind_search(bundle, "Zauberwürfelturnier")["results"] == []


def test_german_stemming_finds_other_forms(bundle):
    # The release says "im Sommer"; the genitive is no prefix of it, only the German stemmer joins them.
    assert urls(pagefind_search(bundle, "Sommers")) == [TREES]


def test_contact_block_footer_and_other_pages_are_not_indexed(bundle):
    # "Frau Beispiel" and "Testhausen" (the default contact) stand in contact blocks, "Testhausen"
    # also in the Impressum; "Lindenhain" (the office) in every header and footer. (Words that
    # contain an indexed word, like "Impressum" with "im", would match: Pagefind splits compounds.)
    for word in ("Beispiel", "Testhausen", "Lindenhain"):
        assert pagefind_search(bundle, word)["results"] == [], word


def test_filters_cover_department_topic_and_year_across_years(bundle):
    assert sorted(urls(pagefind_search(bundle, None, {"ressort": "Abteilung Bauen"}))) == sorted([OFFICE_HOURS, BRIDGE])
    assert sorted(urls(pagefind_search(bundle, None, {"ressort": "Abteilung Umwelt & Grün"}))) == sorted([TREES, PLAYGROUND])
    assert urls(pagefind_search(bundle, None, {"jahr": "2023"})) == [BRIDGE]
    assert urls(pagefind_search(bundle, "Bauaufsicht", {"jahr": "2022"})) == [PLAYGROUND]
    assert urls(pagefind_search(bundle, None, {"thema": "Verkehr"})) == [BRIDGE]
    assert urls(pagefind_search(bundle, None, {"ressort": "Abteilung Bauen", "jahr": "2024"})) == [OFFICE_HOURS]
    assert urls(pagefind_search(bundle, None, {"thema": "Straßenbäume"})) == [TREES]


def test_date_sorts_newest_or_oldest_first_across_years(bundle):
    newest_first = [TREES, OFFICE_HOURS, BRIDGE, PLAYGROUND]
    assert urls(pagefind_search(bundle, None, sort={"datum": "desc"})) == newest_first
    assert urls(pagefind_search(bundle, None, sort={"datum": "asc"})) == newest_first[::-1]
    assert urls(pagefind_search(bundle, "Bauaufsicht", sort={"datum": "asc"})) == [PLAYGROUND, BRIDGE, OFFICE_HOURS]
    building = {"ressort": "Abteilung Bauen"}
    assert urls(pagefind_search(bundle, "Bauaufsicht", building, {"datum": "desc"})) == [OFFICE_HOURS, BRIDGE]


def test_search_page_works_without_inline_code(search_output):
    page = soup(search_output / "suche" / "index.html")
    for script in page.find_all("script"):
        assert script.get("src") or script.get("type") == "application/ld+json", script
    assert not page.find_all(style=True)
    assert not page.find_all("style")
    handlers = [(tag.name, name) for tag in page.find_all(True) for name in tag.attrs if name.startswith("on")]
    assert handlers == []
    script_path = page.find("script", src=True)["src"].lstrip("/")
    assert (search_output / script_path).is_file()


def test_search_page_form_is_labelled_and_announces_results(search_output):
    page = soup(search_output / "suche" / "index.html")
    assert page.html["lang"] == "de"
    assert len(page.find_all("h1")) == 1
    form = page.find("form", attrs={"role": "search"})
    assert form["action"] == "/suche/" and form["method"] == "get"
    for control in form.find_all(["input", "select"]):
        assert page.find("label", attrs={"for": control["id"]}).get_text(strip=True), control
    assert form.find("button", type="submit").get_text(strip=True) == "Suchen"
    status = page.find(id="suche-status")
    assert status["aria-live"] == "polite" and status["role"] == "status"
    options = {select["name"]: [o["value"] for o in select.find_all("option")] for select in form.find_all("select")}
    assert options["ressort"] == ["", "Abteilung Bauen", "Abteilung Umwelt & Grün"]
    assert options["jahr"] == ["", "2024", "2023", "2022"]
    assert "Straßenbäume" in options["thema"]


def test_search_page_without_javascript_links_to_the_archives(search_output):
    page = soup(search_output / "suche" / "index.html")
    message = page.find(attrs={"data-suche-ohne-js": True})
    # Inside <noscript>: a script never hides it, so the page does not shift as it loads.
    assert message.parent.name == "noscript" and not message.has_attr("hidden")
    assert "JavaScript" in message.get_text()
    links = {a["href"] for a in page.find("main").find_all("a")}
    assert {"/pressemitteilungen/", "/pressemitteilungen/2024/", "/ressorts/", "/themen/"} <= links


def test_main_navigation_leads_to_the_search(search_output):
    navigation = soup(search_output / "index.html").find("nav", attrs={"aria-label": "Hauptnavigation"})
    assert navigation.find("a", href="/suche/").get_text() == "Suche"
    current = soup(search_output / "suche" / "index.html").find("nav", attrs={"aria-label": "Hauptnavigation"})
    assert current.find("a", attrs={"aria-current": "page"})["href"] == "/suche/"


def test_search_index_is_byte_identical_across_builds(tmp_path, bundle):
    """Pagefind 1.6.0 writes a filter's values sorted (1.5.2 in hash-map order: its filter chunks and meta files varied)."""
    again = build_search_site(tmp_path) / "pagefind"
    first = tree_digest(bundle)
    assert sum(path.endswith(".pf_filter") for path in first) >= 3 * 3  # ressort, thema and jahr in each of three years
    assert tree_digest(again) == first


def failing_pagefind(monkeypatch) -> None:
    """The search stage runs `false` as Pagefind (of the pinned version): every run fails."""
    pinned = search.installed_pagefind()
    monkeypatch.setattr(search, "installed_pagefind", lambda: search.Pagefind(shutil.which("false"), pinned.version))


def edit_first_release(content: Path, sentence: str) -> None:
    release = sorted((content / "releases").rglob("*.md"))[0]
    release.write_text(release.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")


def test_failed_indexing_publishes_nothing(site, tmp_path, monkeypatch):
    output = tmp_path / "output"
    build(site, output)
    before = tree_digest(output)
    edit_first_release(site, "Eine Ergänzung, die neu indexiert werden muss.")
    failing_pagefind(monkeypatch)
    with pytest.raises(search.SearchIndexError, match="exit status 1"):
        build(site, output)
    assert tree_digest(output) == before


def test_site_without_public_releases_has_no_index(site, tmp_path):
    for release in (site / "releases").rglob("*.md"):
        text = release.read_text(encoding="utf-8")
        release.write_text(text.replace("---\n", "---\nstatus: draft\n", 1), encoding="utf-8")
    output = tmp_path / "output"
    build(site, output)
    assert not (output / "pagefind").exists()
    assert (output / "suche" / "index.html").is_file()


@pytest.fixture
def shard_log(caplog, monkeypatch):
    """caplog with the search stage's summary line of every build (Pelican's filter drops repeated lines)."""
    caplog.set_level(logging.INFO, logger=search.log.name)
    monkeypatch.setattr(search.log, "filters", [])
    return caplog


def shard_counts(caplog) -> tuple[int, int, int]:
    """(indexed, shards, kept) of the last build, from the stage's log line."""
    counts = [match.groups() for record in caplog.records if (match := SHARD_SUMMARY.fullmatch(record.getMessage()))]
    assert counts, "no search stage line in the log"
    return tuple(map(int, counts[-1]))


def inodes(folder: Path) -> dict[str, int]:
    return {path: (folder / path).stat().st_ino for path in tree_digest(folder)}


def test_index_is_kept_when_no_release_page_changed(site, tmp_path, monkeypatch, shard_log):
    """Pagefind is not even run (it would fail here); the live bundles are linked into the new site."""
    output = tmp_path / "output"
    build(site, output)
    before = inodes(output / "pagefind")
    failing_pagefind(monkeypatch)
    imprint = site / "pages" / "impressum.md"  # a change that shows on no release page
    imprint.write_text(imprint.read_text(encoding="utf-8") + "\nStand: Dezember.\n", encoding="utf-8")
    build(site, output)
    assert shard_counts(shard_log) == (0, 1, 1)
    assert before and inodes(output / "pagefind") == before


def test_an_edit_re_indexes_only_the_year_of_the_edited_release(tmp_path, shard_log):
    output = build_search_site(tmp_path)
    assert shard_counts(shard_log) == (3, 3, 0)
    before = {year: inodes(output / "pagefind" / year) for year in ("2024", "2023", "2022")}
    bridge = tmp_path / "content" / "releases" / "2023" / "bruecke.md"
    bridge.write_text(bridge.read_text(encoding="utf-8") + "\nDer Wasserspielplatz bleibt geöffnet.\n", encoding="utf-8")
    build(tmp_path / "content", output)
    assert shard_counts(shard_log) == (1, 3, 2)
    after = {year: inodes(output / "pagefind" / year) for year in ("2024", "2023", "2022")}
    assert after["2024"] == before["2024"] and after["2022"] == before["2022"]
    # 2023 indexed again: only what the new words change is written, the rest (scripts, WebAssembly) is the live files.
    written = {path for path, inode in after["2023"].items() if before["2023"].get(path) != inode}
    assert "pagefind-entry.json" in written and any(path.endswith(".pf_fragment") for path in written)
    assert {"pagefind.js", "pagefind.js.br", "wasm.de.pagefind", "pagefind-ui.js"} <= set(after["2023"]) - written
    assert urls(pagefind_search(output / "pagefind", "Wasserspielplatz")) == [BRIDGE]
    assert sorted(urls(pagefind_search(output / "pagefind", "Bauaufsicht"))) == sorted([OFFICE_HOURS, BRIDGE, PLAYGROUND])


def test_a_year_is_re_indexed_when_one_of_its_releases_is_gone(tmp_path, shard_log):
    """A withdrawn release keeps its page, but its year's bundle is made again without it."""
    output = build_search_site(tmp_path)
    before = inodes(output / "pagefind" / "2023")
    office_hours = tmp_path / "content" / "releases" / "2024" / "sprechstunde.md"
    office_hours.write_text(
        office_hours.read_text(encoding="utf-8").replace(
            "---\n", "---\nstatus: withdrawn\nwithdrawn: 2024-03-05 12:00\nwithdrawal_reason: Die Sprechstunde entfällt.\n", 1
        ),
        encoding="utf-8",
    )
    build(tmp_path / "content", output)
    # 2024 and 2023: the bridge's page links to the next release, which is now another one.
    assert shard_counts(shard_log) == (2, 3, 1)
    # Outside what Pagefind reads (data-pagefind-body): the same bundle, every file the live one.
    assert inodes(output / "pagefind" / "2023") == before
    assert sorted(urls(pagefind_search(output / "pagefind", "Bauaufsicht"))) == sorted([BRIDGE, PLAYGROUND])


def test_index_is_rebuilt_when_a_release_page_changed(site, tmp_path):
    output = tmp_path / "output"
    build(site, output)
    assert urls(pagefind_search(output / "pagefind", "Wasserspielplatz")) == []
    edit_first_release(site, "Der neue Wasserspielplatz öffnet im Juni.")
    build(site, output)
    assert len(urls(pagefind_search(output / "pagefind", "Wasserspielplatz"))) == 1


def pagefind_project(root: Path, installed: str | None = "1.6.0", binary: str = "pagefind_extended") -> Path:
    """A project pinning Pagefind 1.6.0 in package.json; with ``installed``, its platform package of that version."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"dependencies": {"pagefind": "1.6.0"}}), encoding="utf-8")
    if installed:
        package = root / "node_modules" / search.platform_package()
        (package / "bin").mkdir(parents=True)
        (package / "package.json").write_text(json.dumps({"version": installed}), encoding="utf-8")
        (package / "bin" / binary).write_bytes(b"")
    return root


def test_pagefind_is_the_pinned_binary_from_the_platform_package():
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["pagefind"]
    pagefind = search.installed_pagefind()
    assert pagefind.version == pinned
    assert Path(pagefind.executable).is_relative_to(ROOT / "node_modules" / "@pagefind")
    # The version read from the package is the binary's own.
    shown = subprocess.run([pagefind.executable, "--version"], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["pagefind", pinned]


def test_the_plain_binary_serves_where_the_package_has_no_extended_one(tmp_path, monkeypatch):
    project = pagefind_project(tmp_path / "projekt", binary="pagefind")
    monkeypatch.setattr(search, "PROJECT", str(project))
    found = search.installed_pagefind()
    assert found == search.Pagefind(str(project / "node_modules" / search.platform_package() / "bin" / "pagefind"), "1.6.0")


def test_a_build_without_pagefind_stops_before_it_writes_and_names_the_command(site, tmp_path, monkeypatch):
    output = tmp_path / "output"
    build(site, output)
    before = tree_digest(output)
    project = pagefind_project(tmp_path / "projekt", installed=None)
    monkeypatch.setattr(search, "PROJECT", str(project))
    with pytest.raises(search.SearchIndexError) as stopped:
        build(site, output)
    assert str(stopped.value) == (
        f"Search index: Pagefind 1.6.0 ({search.platform_package()}) is not installed in "
        f"{str(project / 'node_modules')!r}: run `npm ci --omit=dev` in {str(project)!r} (needs Node.js with npm)"
    )
    assert tree_digest(output) == before


def test_another_pagefind_version_is_refused_not_used(site, tmp_path, monkeypatch):
    """Two versions would index the same pages into two different sites."""
    project = pagefind_project(tmp_path / "projekt", installed="1.5.2")
    monkeypatch.setattr(search, "PROJECT", str(project))
    refusal = r"is version 1\.5\.2, but package\.json pins Pagefind 1\.6\.0: run `npm ci --omit=dev`"
    with pytest.raises(search.SearchIndexError, match=refusal):
        build(site, tmp_path / "output")
    assert not (tmp_path / "output").exists()
