"""The sitemap index and its sitemaps, the news sitemap and robots.txt: parsed as XML, compared with what the build wrote."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pelican.settings import read_settings

from helpers import FIXTURE_SITE, SETTINGS, build

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}
PUBLIC_URL = read_settings(str(SETTINGS))["NEWSROOM"]["public_url"]
TREES = "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/"
OFFICE_HOURS = "pressemitteilungen/2024/17-sprechstunde-im-rathaus/"
MARKET = "pressemitteilungen/2024/430-wochenmarkt-zieht-um/"
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

CORRECTION = ("---\n", "---\nupdated: 2024-10-05 14:00\nupdate_note: Die Zahl der Bäume war falsch.\n")
MARKET_RELEASE = """---
title: Wochenmarkt zieht um
date: 2024-10-03 09:00
number: "430/2024"
department: bauen
---
Der Wochenmarkt zieht auf den Marktplatz.
"""
DRAFT = """---
title: Entwurf
date: 2024-10-06 09:00
number: "431/2024"
department: bauen
status: draft
---
Noch nicht fertig.
"""


def written_pages(output: Path) -> set[str]:
    """URL paths of every HTML page the build wrote, but the 404 page."""
    pages = set()
    for path in output.rglob("*.html"):
        relative = path.relative_to(output).as_posix()
        if relative != "404.html":
            pages.add(relative.removesuffix("index.html"))
    return pages


def sitemap_parts(index: Path, base: str = PUBLIC_URL) -> dict[str, str | None]:
    """The files a sitemap index names (relative to the site) → their lastmod, in the index's order."""
    root = ET.parse(index).getroot()
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    parts = {}
    for sitemap in root.findall("s:sitemap", NS):
        loc = sitemap.findtext("s:loc", namespaces=NS)
        assert loc.startswith(base + "/"), loc
        parts[loc.removeprefix(base + "/")] = sitemap.findtext("s:lastmod", namespaces=NS)
    return parts


def urlset_entries(path: Path, base: str = PUBLIC_URL) -> dict[str, str | None]:
    """URL path → lastmod (None when absent) of one sitemap, in its order."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{NS['s']}}}urlset"
    entries = {}
    for url in root.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc.startswith(base + "/"), loc
        entries[loc.removeprefix(base + "/")] = url.findtext("s:lastmod", namespaces=NS)
    return entries


def sitemap_entries(index: Path, base: str = PUBLIC_URL) -> dict[str, str | None]:
    """URL path → lastmod of every address the sitemaps of an index list; each address once."""
    entries = {}
    for part in sitemap_parts(index, base):
        listed = urlset_entries(index.parent / part, base)
        assert not set(listed) & set(entries), set(listed) & set(entries)
        entries.update(listed)
    return entries


@pytest.fixture(scope="module")
def fixture_output(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("sitemap") / "content"
    shutil.copytree(FIXTURE_SITE, content)
    trees = content / "releases" / "2024" / "baeume.md"
    trees.write_text(trees.read_text(encoding="utf-8").replace(*CORRECTION, 1), encoding="utf-8")
    (content / "releases" / "2024" / "markt.md").write_text(MARKET_RELEASE, encoding="utf-8")
    (content / "releases" / "2024" / "entwurf.md").write_text(DRAFT, encoding="utf-8")
    output = content.parent / "output"
    build(content, output)
    return output


def test_sitemap_lists_exactly_the_public_pages_of_the_sample_site(sample_output):
    entries = sitemap_entries(sample_output / "sitemap.xml")
    assert set(entries) == written_pages(sample_output)
    assert {"", "seite/1/", "suche/", "impressum/", "ressorts/", "themen/", "pressemitteilungen/"} <= set(entries)
    parts = sitemap_parts(sample_output / "sitemap.xml")
    assert list(parts) == ["sitemaps/2025.xml", "sitemaps/2026.xml", "sitemaps/seiten.xml"]
    for part, lastmod in parts.items():
        listed = urlset_entries(sample_output / part)
        assert list(listed) == sorted(listed)
        assert lastmod == max(listed.values(), key=lambda value: value or "")
        year = part.removeprefix("sitemaps/").removesuffix(".xml")
        releases = [path for path in listed if path.startswith("pressemitteilungen/") and path.count("/") == 3]
        assert (releases == list(listed)) if year.isdigit() else not releases
        assert all(f"/{year}/" in path for path in releases)
    assert (sample_output / "404.html").is_file() and "404.html" not in entries


def test_sitemap_leaves_out_drafts(fixture_output):
    entries = sitemap_entries(fixture_output / "sitemap.xml")
    assert set(entries) == written_pages(fixture_output)
    assert not any("431" in path or "entwurf" in path for path in entries)


def test_lastmod_comes_from_the_content_with_offsets(fixture_output):
    entries = sitemap_entries(fixture_output / "sitemap.xml")
    # A release: its correction, else its date.
    assert entries[TREES] == "2024-10-05T14:00:00+02:00"
    assert entries[OFFICE_HOURS] == "2024-03-01T00:00:00+01:00"
    # A list: the newest change among its releases.
    assert entries["ressorts/bauen/"] == "2024-10-03T09:00:00+02:00"
    assert entries[""] == entries["pressemitteilungen/2024/"] == entries["suche/"] == "2024-10-05T14:00:00+02:00"
    # A static page has no date to tell.
    assert entries["impressum/"] is None
    assert all(OFFSET.match(lastmod) for lastmod in entries.values() if lastmod is not None)


def test_a_page_of_a_list_dates_from_the_releases_it_shows(site, tmp_path):
    """One release a page: ``seite/1/`` shows the office hours, the root the trees; a new release leaves seite/1/ as it was."""
    office_hours = site / "releases" / "2024" / "sprechstunde.md"
    correction = ("---\n", "---\nupdated: 2024-11-04 08:00\nupdate_note: Die Sprechzeiten am Donnerstag haben sich geändert.\n")
    office_hours.write_text(office_hours.read_text(encoding="utf-8").replace(*correction, 1), encoding="utf-8")
    output = tmp_path / "output"
    build(site, output, DEFAULT_PAGINATION=1)
    before = sitemap_entries(output / "sitemap.xml")
    assert before["seite/1/"] == "2024-11-04T08:00:00+01:00"  # its own release's correction
    assert before[""] == "2024-10-04T10:30:00+02:00"  # the root: its own releases, not the correction on seite/1/

    later = MARKET_RELEASE.replace("2024-10-03 09:00", "2024-10-08 09:00")
    (site / "releases" / "2024" / "markt.md").write_text(later, encoding="utf-8")
    build(site, output, DEFAULT_PAGINATION=1)
    after = sitemap_entries(output / "sitemap.xml")
    assert after["seite/1/"] == before["seite/1/"]
    assert after["seite/2/"] == before[""]  # the trees, now one page down
    assert after[""] == "2024-10-08T09:00:00+02:00"


def test_news_sitemap_has_the_releases_of_the_last_two_days(fixture_output):
    root = ET.parse(fixture_output / "sitemap-news.xml").getroot()
    news = {url.findtext("s:loc", namespaces=NS).removeprefix(PUBLIC_URL + "/"): url for url in root.findall("s:url", NS)}
    assert set(news) == {TREES, MARKET}
    entry = news[MARKET].find("news:news", NS)
    assert entry.findtext("news:publication/news:name", namespaces=NS) == "Bezirksamt Lindenhain"
    assert entry.findtext("news:publication/news:language", namespaces=NS) == "de"
    assert entry.findtext("news:publication_date", namespaces=NS) == "2024-10-03T09:00:00+02:00"
    assert entry.findtext("news:title", namespaces=NS) == "Wochenmarkt zieht um"


def test_robots_txt_points_to_the_sitemaps(fixture_output):
    lines = (fixture_output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap: ")]
    assert sitemaps == [f"{PUBLIC_URL}/sitemap.xml", f"{PUBLIC_URL}/sitemap-news.xml"]


def test_published_address_is_used_and_output_is_stable(site, tmp_path):
    base = "https://www.example.org/presse"
    first, second = tmp_path / "first", tmp_path / "second"
    for output in (first, second):
        build(site, output, SITEURL=base)
    entries = sitemap_entries(first / "sitemap.xml", base)
    assert set(entries) == written_pages(first)
    assert f"Sitemap: {base}/sitemap.xml" in (first / "robots.txt").read_text(encoding="utf-8").splitlines()
    for name in ("sitemap.xml", "sitemaps/2024.xml", "sitemaps/seiten.xml", "sitemap-news.xml", "robots.txt"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_site_without_public_releases_has_no_news_sitemap(site, tmp_path):
    for release in (site / "releases").rglob("*.md"):
        release.write_text(release.read_text(encoding="utf-8").replace("---\n", "---\nstatus: draft\n", 1), encoding="utf-8")
    output = tmp_path / "output"
    build(site, output)
    assert set(sitemap_entries(output / "sitemap.xml")) == written_pages(output)
    assert not (output / "sitemap-news.xml").exists()
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    assert [line for line in robots.splitlines() if line.startswith("Sitemap:")] == [f"Sitemap: {PUBLIC_URL}/sitemap.xml"]


WITHDRAWN = """---
title: Bürgerfest abgesagt
date: 2024-09-20 09:00
number: "400/2024"
department: bauen
status: withdrawn
withdrawn: 2024-09-21 10:00
withdrawal_reason: Die Meldung nannte einen falschen Ort.
---
Das Bürgerfest findet nicht statt.
"""


def test_a_withdrawn_release_keeps_its_page_but_is_in_no_sitemap(site, tmp_path):
    (site / "releases" / "2024" / "fest.md").write_text(WITHDRAWN, encoding="utf-8")
    output = tmp_path / "output"
    build(site, output)
    page = "pressemitteilungen/2024/400-buergerfest-abgesagt/"
    assert (output / page / "index.html").is_file()
    assert page not in sitemap_entries(output / "sitemap.xml")
    assert set(sitemap_entries(output / "sitemap.xml")) == written_pages(output) - {page}
    assert page not in (output / "sitemap-news.xml").read_text(encoding="utf-8")


def test_a_year_passing_the_protocols_limits_is_split(monkeypatch):
    """At most MOST_URLS addresses and MOST_BYTES bytes per file; the index names every part with its newest lastmod."""
    from newsroom.content.dates import BERLIN
    from newsroom.outputs import sitemap
    from newsroom.outputs.sitemap import WrittenPage

    settings = read_settings(str(SETTINGS))

    def release(day: int):
        return type("Release", (), {"date": dt.datetime(2024, 1, day, 9, tzinfo=BERLIN)})()

    pages = [WrittenPage(f"pressemitteilungen/2024/{day}-meldung/", dt.datetime(2024, 1, day, 9, tzinfo=BERLIN), release(day))
             for day in range(1, 8)]
    pages.append(WrittenPage("impressum/", None))
    monkeypatch.setattr(sitemap, "MOST_URLS", 3)
    files = sitemap.sitemap_set(settings, pages)
    assert sorted(files) == ["sitemap.xml", "sitemaps/2024-2.xml", "sitemaps/2024-3.xml", "sitemaps/2024.xml",
                             "sitemaps/seiten.xml"]
    index = ET.fromstring(files["sitemap.xml"])
    lastmods = {entry.findtext("s:loc", namespaces=NS).rsplit("/", 1)[1]: entry.findtext("s:lastmod", namespaces=NS)
                for entry in index.findall("s:sitemap", NS)}
    assert lastmods == {"2024.xml": "2024-01-03T09:00:00+01:00", "2024-2.xml": "2024-01-06T09:00:00+01:00",
                        "2024-3.xml": "2024-01-07T09:00:00+01:00", "seiten.xml": None}
    listed = [url.findtext("s:loc", namespaces=NS) for name in ("2024", "2024-2", "2024-3")
              for url in ET.fromstring(files[f"sitemaps/{name}.xml"]).findall("s:url", NS)]
    assert listed == [sitemap.absolute_url(settings, page.path) for page in pages[:7]]
    monkeypatch.setattr(sitemap, "MOST_URLS", 50_000)
    monkeypatch.setattr(sitemap, "MOST_BYTES", 700)
    files = sitemap.sitemap_set(settings, pages)
    assert len([name for name in files if name.startswith("sitemaps/2024")]) > 1
    assert all(len(data) <= 700 for name, data in files.items() if name.startswith("sitemaps/"))


def test_an_edit_rewrites_only_the_sitemap_of_its_year(site, tmp_path):
    (site / "releases" / "2023").mkdir()
    (site / "releases" / "2023" / "alt.md").write_text(MARKET_RELEASE.replace("2024", "2023"), encoding="utf-8")
    output = tmp_path / "output"
    build(site, output)
    before = {name: (output / name).stat().st_ino for name in ("sitemaps/2023.xml", "sitemaps/2024.xml")}
    trees = site / "releases" / "2024" / "baeume.md"
    trees.write_text(trees.read_text(encoding="utf-8").replace(*CORRECTION, 1), encoding="utf-8")
    build(site, output)
    assert (output / "sitemaps/2023.xml").stat().st_ino == before["sitemaps/2023.xml"]
    assert (output / "sitemaps/2024.xml").stat().st_ino != before["sitemaps/2024.xml"]
