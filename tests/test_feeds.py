"""Feeds: parsed with feedparser and read as XML, checked against the Atom and RSS rules, ids stable for ever."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from pelican.settings import read_settings
from PIL import Image

from newsroom.tools.check import check_content

from helpers import FIXTURE_SITE, SETTINGS, build, refusal_printed, soup, tree_digest

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
PUBLIC = "https://presse.lindenhain.example"
TAG_PREFIX = "tag:presse.lindenhain.example,2025:"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")
OVERRIDE_ID = "urn:uuid:0b6f7c52-5d1e-4c4e-9a57-3f1d2c7e8a10"

RELEASE = """---
title: {title}
date: {date}
number: "{number}"
department: {department}
{extra}---
{body}
"""


def release(title, date, number, department="bauen", extra="", body="Ein Absatz."):
    return RELEASE.format(title=title, date=date, number=number, department=department, extra=extra, body=body)


LINKS_BODY = """Siehe das [Archiv](/pressemitteilungen/), die [ältere Meldung](../17-sprechstunde-im-rathaus/),
eine [externe Seite](https://example.org/x), [E-Mail](mailto:presse@testhausen.example) und eine Fußnote[^1].

![Lageplan](/images/plan.png)

[^1]: Die Fußnote.
"""


def write_feed_content(content: Path) -> None:
    """Extras beside the fixture site: a draft, three releases of the same minute, links, an image, an override."""
    releases = content / "releases" / "2024"
    (content / "images").mkdir()
    Image.new("RGB", (40, 30), (20, 90, 40)).save(content / "images" / "plan.png")
    (releases / "entwurf.md").write_text(
        release("Geheimer Entwurf", "2024-11-01 10:00", "500/2024", extra="status: draft\n"), encoding="utf-8"
    )
    (releases / "links.md").write_text(
        release(
            "Links und Bild",
            "2024-05-06 09:00",
            "30/2024",
            extra="tags: [Verkehr, Straßenbäume]\nimage: images/plan.png\nimage_alt: Ein Lageplan\n"
            "image_credit: 'Plan: Bezirksamt'\nupdated: 2024-12-01 10:00\nupdate_note: Link ergänzt.\n",
            body=LINKS_BODY,
        ),
        encoding="utf-8",
    )
    (releases / "zwei.md").write_text(release("Zweite gleichzeitig", "2024-05-06 09:00", "31/2024"), encoding="utf-8")
    (releases / "drei.md").write_text(release("Dritte gleichzeitig", "2024-05-06 09:00", "32/2024"), encoding="utf-8")
    (releases / "importiert.md").write_text(
        release("Aus dem alten Archiv", "2024-06-01", "40/2024", extra=f"id: {OVERRIDE_ID}\n"), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory) -> tuple[Path, Path]:
    """The fixture site with the extras, built once: (content, output)."""
    root = tmp_path_factory.mktemp("feeds")
    content = root / "content"
    shutil.copytree(FIXTURE_SITE, content)
    write_feed_content(content)
    output = root / "output"
    build(content, output)
    return content, output


def feed_paths(output: Path) -> list[Path]:
    return sorted(path for path in (output / "feeds").rglob("*.xml"))


def xml(path: Path) -> ElementTree.Element:
    return ElementTree.fromstring(path.read_bytes())


def atom_entries(path: Path) -> list[ElementTree.Element]:
    return xml(path).findall(f"{ATOM}entry")


def rss_items(path: Path) -> list[ElementTree.Element]:
    return xml(path).findall("channel/item")


def entry_ids(path: Path) -> list[str]:
    if path.name.endswith(".atom.xml"):
        return [entry.findtext(f"{ATOM}id") for entry in atom_entries(path)]
    return [item.findtext("guid") for item in rss_items(path)]


def newsroom_with_feeds(**feeds) -> dict:
    """The project's NEWSROOM settings with some feed settings changed."""
    newsroom = read_settings(str(SETTINGS))["NEWSROOM"]
    return {**newsroom, "feeds": {**newsroom.get("feeds", {}), **feeds}}


def page_date(output: Path, url: str) -> str:
    """The machine-readable date a release page shows next to its number."""
    path = output / urlsplit(url).path.lstrip("/") / "index.html"
    return soup(path).find("p", class_="pm__kennung").time["datetime"]


def rfc3339(text: str) -> dt.datetime:
    assert RFC3339.match(text), text
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- every feed of the sample site ------------------------------------------


def test_every_feed_parses_cleanly(sample_output):
    paths = feed_paths(sample_output)
    assert len(paths) >= 2
    for path in paths:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if path.name.endswith(".atom.xml") else "rss20")
        assert parsed.entries, path


def test_one_feed_pair_per_scope_with_a_page(sample_output):
    """Site, every department, topic and year page: an Atom and an RSS feed, and no feed without its page."""
    feeds = sample_output / "feeds"
    for scope, pages in (("ressorts", "ressorts"), ("themen", "themen")):
        keys = {path.parent.name for path in (sample_output / pages).glob("*/index.html")}
        assert keys
        assert {path.name.split(".")[0] for path in (feeds / scope).glob("*.atom.xml")} == keys
        assert {path.name.split(".")[0] for path in (feeds / scope).glob("*.rss.xml")} == keys
    years = {path.parent.name for path in (sample_output / "pressemitteilungen").glob("[0-9][0-9][0-9][0-9]/index.html")}
    assert {path.name.split(".")[0] for path in (feeds / "jahre").glob("*.atom.xml")} == years
    assert (feeds / "all.atom.xml").is_file() and (feeds / "all.rss.xml").is_file()


def test_atom_feeds_follow_rfc_4287(sample_output):
    for path in feed_paths(sample_output):
        if not path.name.endswith(".atom.xml"):
            continue
        root = xml(path)
        assert root.tag == f"{ATOM}feed"
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
        for name in ("id", "title", "updated"):
            assert len(root.findall(f"{ATOM}{name}")) == 1, (path, name)
        assert root.findtext(f"{ATOM}id").startswith(TAG_PREFIX)
        rfc3339(root.findtext(f"{ATOM}updated"))
        links = root.findall(f"{ATOM}link")
        selves = [link for link in links if link.get("rel") == "self"]
        assert len(selves) == 1
        assert selves[0].get("href") == f"{PUBLIC}/{path.relative_to(sample_output).as_posix()}"
        assert selves[0].get("type") == "application/atom+xml"
        assert [link.get("type") for link in links if link.get("rel") == "alternate"] == ["text/html"]
        feed_has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
        ids = []
        for entry in root.findall(f"{ATOM}entry"):
            for name in ("id", "title", "updated", "published", "content", "summary"):
                assert len(entry.findall(f"{ATOM}{name}")) == 1, (path, name)
            assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
            assert entry.find(f"{ATOM}content").get("type") == "html"
            alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
            assert [(link.get("type"), link.get("hreflang")) for link in alternates] == [("text/html", None)]
            assert rfc3339(entry.findtext(f"{ATOM}updated")) >= rfc3339(entry.findtext(f"{ATOM}published"))
            ids.append(entry.findtext(f"{ATOM}id"))
        assert len(ids) == len(set(ids)), path


def test_rss_feeds_follow_rss_2(sample_output):
    for path in feed_paths(sample_output):
        if not path.name.endswith(".rss.xml"):
            continue
        root = xml(path)
        assert root.tag == "rss" and root.get("version") == "2.0"
        channels = root.findall("channel")
        assert len(channels) == 1
        channel = channels[0]
        for name in ("title", "link", "description"):
            assert (channel.findtext(name) or "").strip(), (path, name)
        assert channel.findtext("language") == "de"
        assert email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate")).tzinfo is not None
        selves = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert [link.get("href") for link in selves] == [f"{PUBLIC}/{path.relative_to(sample_output).as_posix()}"]
        page = channel.findtext("link")
        assert page.startswith(PUBLIC + "/") and page.endswith("/")
        assert (sample_output / page[len(PUBLIC) + 1 :] / "index.html").is_file()
        guids = []
        for item in channel.findall("item"):
            assert item.findtext("title") and item.findtext("description") and item.findtext("link")
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false"
            guids.append(guid.text)
            assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
            for enclosure in item.findall("enclosure"):
                assert enclosure.get("url").startswith(PUBLIC + "/")
                assert int(enclosure.get("length")) > 0
                assert enclosure.get("type").startswith("image/")
        assert len(guids) == len(set(guids)), path


def test_entry_ids_are_tag_uris_from_the_release_number(sample_output):
    for path in feed_paths(sample_output):
        if path.name.endswith(".atom.xml"):
            pairs = [(e.findtext(f"{ATOM}id"), e.find(f"{ATOM}link").get("href")) for e in atom_entries(path)]
        else:
            pairs = [(item.findtext("guid"), item.findtext("link")) for item in rss_items(path)]
        for entry_id, link in pairs:
            year, number = re.search(r"/pressemitteilungen/(\d{4})/(\d+)-", link).groups()
            assert entry_id == f"{TAG_PREFIX}pm-{number}-{year}", (path, link)


def test_same_release_same_id_in_every_feed(sample_output):
    ids_by_link: dict[str, set[str]] = {}
    for path in feed_paths(sample_output):
        for item in rss_items(path) if path.name.endswith(".rss.xml") else []:
            ids_by_link.setdefault(item.findtext("link"), set()).add(item.findtext("guid"))
        for entry in atom_entries(path) if path.name.endswith(".atom.xml") else []:
            ids_by_link.setdefault(entry.find(f"{ATOM}link").get("href"), set()).add(entry.findtext(f"{ATOM}id"))
    assert ids_by_link
    assert all(len(ids) == 1 for ids in ids_by_link.values())


def test_dates_carry_offsets_and_match_the_release_pages(sample_output):
    for entry in atom_entries(sample_output / "feeds" / "all.atom.xml"):
        published = entry.findtext(f"{ATOM}published")
        rfc3339(published)
        assert published == page_date(sample_output, entry.find(f"{ATOM}link").get("href"))
    for item in rss_items(sample_output / "feeds" / "all.rss.xml"):
        shown = dt.datetime.fromisoformat(page_date(sample_output, item.findtext("link")))
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")) == shown


def test_entries_newest_first_and_feed_updated_is_the_newest_change(sample_output):
    for path in feed_paths(sample_output):
        if not path.name.endswith(".atom.xml"):
            continue
        entries = atom_entries(path)
        keys = [
            (rfc3339(e.findtext(f"{ATOM}published")), int(re.search(r"pm-(\d+)-", e.findtext(f"{ATOM}id")).group(1)))
            for e in entries
        ]
        assert keys == sorted(keys, reverse=True), path
        newest_change = max(rfc3339(e.findtext(f"{ATOM}updated")) for e in entries)
        assert rfc3339(xml(path).findtext(f"{ATOM}updated")) == newest_change


def test_image_is_enclosure_and_thumbnail_with_type_and_length(sample_output):
    """The enclosure is the published JPEG derivative (no metadata), never the editor's file."""
    [published] = sample_output.glob("bilder/baumpflanzung-buergerpark-1600-*.jpg")
    with Image.open(published) as picture:
        width, height = picture.size
    url = f"{PUBLIC}/bilder/{published.name}"
    source = published
    atom = [e for e in atom_entries(sample_output / "feeds" / "all.atom.xml") if e.find(f"{MEDIA}thumbnail") is not None]
    rss = [i for i in rss_items(sample_output / "feeds" / "all.rss.xml") if i.find("enclosure") is not None]
    assert len(atom) == len(rss) == 1
    enclosures = [link for link in atom[0].findall(f"{ATOM}link") if link.get("rel") == "enclosure"]
    assert [(e.get("href"), e.get("type"), e.get("length")) for e in enclosures] == [
        (url, "image/jpeg", str(source.stat().st_size))
    ]
    enclosure = rss[0].find("enclosure")
    assert (enclosure.get("url"), enclosure.get("type"), enclosure.get("length")) == (
        url,
        "image/jpeg",
        str(source.stat().st_size),
    )
    for element in (atom[0], rss[0]):
        thumbnail = element.find(f"{MEDIA}thumbnail")
        assert (thumbnail.get("url"), thumbnail.get("width"), thumbnail.get("height")) == (url, str(width), str(height))


def test_every_url_in_entry_content_is_absolute(sample_output):
    for path in feed_paths(sample_output):
        if path.name.endswith(".atom.xml"):
            contents = [e.findtext(f"{ATOM}content") for e in atom_entries(path)]
        else:
            contents = [item.findtext("description") for item in rss_items(path)]
        for html in contents:
            page = BeautifulSoup(html, "html.parser")
            for element in page.find_all(True):
                for attribute in ("href", "src"):
                    if element.has_attr(attribute):
                        assert urlsplit(element[attribute]).scheme in ("https", "mailto", "tel"), element


def test_each_feed_links_the_german_stylesheet(sample_output):
    for path in feed_paths(sample_output):
        lines = path.read_text(encoding="utf-8").split("\n")
        assert lines[0] == '<?xml version="1.0" encoding="UTF-8"?>'
        assert lines[1] == '<?xml-stylesheet type="text/xsl" href="/feeds/feed.xsl"?>'


@pytest.mark.parametrize("name", ["all.atom.xml", "all.rss.xml", "ressorts/jugend.atom.xml"])
def test_stylesheet_shows_a_readable_german_page(sample_output, name):
    stylesheet = etree.XSLT(etree.parse(str(sample_output / "feeds" / "feed.xsl")))
    feed = sample_output / "feeds" / name
    page = BeautifulSoup(str(stylesheet(etree.parse(str(feed)))), "html.parser")
    assert page.html["lang"] == "de"
    assert len(page.find_all("h1")) == 1
    assert "Dies ist ein Feed" in page.get_text()
    titles = [a.get_text() for a in page.select(".teaser__titel a")]
    assert titles == [entry.title for entry in feedparser.parse(feed.read_bytes()).entries]
    assert re.fullmatch(r"\d{1,2}\. [A-Za-zä]+ \d{4}", page.select_one(".teaser .meta").get_text(strip=True))
    assert not page.find("script")
    for element in page.find_all(True):
        assert "style" not in element.attrs
        assert not [attribute for attribute in element.attrs if attribute.startswith("on")]
    loaded = [link["href"] for link in page.find_all("link")] + [img["src"] for img in page.find_all("img")]
    [stylesheet] = loaded
    assert re.fullmatch(r"/theme/css/site\.[0-9a-f]{8}\.css", stylesheet)
    assert (sample_output / stylesheet.lstrip("/")).is_file()


# --- HTML pages -------------------------------------------------------------


def alternates(path: Path) -> list[tuple[str, str]]:
    return [(link["type"], link["href"]) for link in soup(path).find_all("link", rel="alternate")]


def pair(stem: str) -> list[tuple[str, str]]:
    return [("application/atom+xml", f"/{stem}.atom.xml"), ("application/rss+xml", f"/{stem}.rss.xml")]


def test_pages_link_the_site_feed_and_their_own(sample_output):
    site = pair("feeds/all")
    assert alternates(sample_output / "index.html") == site
    assert alternates(sample_output / "ressorts" / "jugend" / "index.html") == site + pair("feeds/ressorts/jugend")
    assert alternates(sample_output / "themen" / "umwelt" / "index.html") == site + pair("feeds/themen/umwelt")
    assert alternates(sample_output / "pressemitteilungen" / "2025" / "index.html") == site + pair("feeds/jahre/2025")
    release = next((sample_output / "pressemitteilungen" / "2025").glob("27-*/index.html"))
    department = soup(release).find("p", class_="pm__ressort").a["href"].strip("/").split("/")[-1]
    assert alternates(release) == site + pair(f"feeds/ressorts/{department}")
    for path in sample_output.rglob("*.html"):
        links = alternates(path)
        assert links[:2] == site, path
        for _, href in links:
            assert (sample_output / href.lstrip("/")).is_file(), (path, href)


def test_feeds_page_lists_every_feed(sample_output):
    page = soup(sample_output / "feeds" / "index.html")
    assert page.h1.get_text() == "Feeds abonnieren"
    assert "Feedreader" in page.main.get_text()
    linked = {a["href"] for a in page.main.find_all("a") if a["href"].endswith(".xml")}
    assert linked == {"/" + path.relative_to(sample_output).as_posix() for path in feed_paths(sample_output)}
    assert page.find("footer").find("a", href="/feeds/")["aria-current"] == "page"
    other = soup(sample_output / "index.html").find("footer").find("a", href="/feeds/")
    assert other.get_text() == "Feeds abonnieren" and not other.has_attr("aria-current")


# --- rules on the fixture site ----------------------------------------------


def test_drafts_never_appear(feed_site):
    content, output = feed_site
    for path in feed_paths(output):
        text = path.read_text(encoding="utf-8")
        assert "Geheimer Entwurf" not in text and "pm-500-2024" not in text, path


def test_same_minute_orders_by_number_and_override_id_is_used(feed_site):
    content, output = feed_site
    ids = entry_ids(output / "feeds" / "all.atom.xml")
    assert ids == [
        f"{TAG_PREFIX}pm-422-2024",
        OVERRIDE_ID,
        f"{TAG_PREFIX}pm-32-2024",
        f"{TAG_PREFIX}pm-31-2024",
        f"{TAG_PREFIX}pm-30-2024",
        f"{TAG_PREFIX}pm-17-2024",
    ]
    assert entry_ids(output / "feeds" / "all.rss.xml") == ids


def test_relative_links_in_content_become_absolute(feed_site):
    content, output = feed_site
    entry = next(e for e in atom_entries(output / "feeds" / "all.atom.xml") if e.findtext(f"{ATOM}title") == "Links und Bild")
    page_url = entry.find(f"{ATOM}link").get("href")
    html = BeautifulSoup(entry.findtext(f"{ATOM}content"), "html.parser")
    hrefs = [a["href"] for a in html.find_all("a")]
    assert f"{PUBLIC}/pressemitteilungen/" in hrefs
    assert f"{PUBLIC}/pressemitteilungen/2024/17-sprechstunde-im-rathaus/" in hrefs
    assert "https://example.org/x" in hrefs
    assert "mailto:presse@testhausen.example" in hrefs
    assert f"{page_url}#fn:1" in hrefs
    # The lead image is its published JPEG; the body's image keeps its own (clean) file.
    lead, body = (img["src"] for img in html.find_all("img"))
    assert lead.startswith(f"{PUBLIC}/bilder/plan-") and lead.endswith(".jpg")
    assert body == f"{PUBLIC}/images/plan.png"
    assert html.find("figcaption").get_text() == "Plan: Bezirksamt"
    assert "Aktualisiert am 1. Dezember 2024, 10:00 Uhr:" in html.get_text()
    # The site's own page keeps its links as written.
    own_page = soup(output / "pressemitteilungen" / "2024" / "30-links-und-bild" / "index.html")
    assert own_page.find("a", string="Archiv")["href"] == "/pressemitteilungen/"


def test_update_moves_entry_and_feed_updated(feed_site):
    content, output = feed_site
    feed = feedparser.parse((output / "feeds" / "themen" / "verkehr.atom.xml").read_bytes())
    assert feed.feed.updated == "2024-12-01T10:00:00+01:00"
    assert [(e.published, e.updated) for e in feed.entries] == [("2024-05-06T09:00:00+02:00", "2024-12-01T10:00:00+01:00")]
    assert [tag.term for tag in feed.entries[0].tags] == ["verkehr", "strassenbaeume"]
    assert feed.entries[0].author == "Abteilung Bauen"


def test_max_entries_keeps_the_newest(site, tmp_path):
    write_feed_content(site)
    output = tmp_path / "output"
    build(site, output, NEWSROOM=newsroom_with_feeds(max_entries=2))
    assert entry_ids(output / "feeds" / "all.atom.xml") == [f"{TAG_PREFIX}pm-422-2024", OVERRIDE_ID]
    assert len(entry_ids(output / "feeds" / "all.rss.xml")) == 2
    assert len(entry_ids(output / "feeds" / "ressorts" / "bauen.atom.xml")) == 2
    assert "Jeder Feed enthält die 2 neuesten" in soup(output / "feeds" / "index.html").get_text()


def test_ids_survive_new_title_slug_time_and_siteurl(site, tmp_path):
    first = tmp_path / "first"
    build(site, first)
    before = {path.relative_to(first): entry_ids(path) for path in feed_paths(first)}
    baeume = site / "releases" / "2024" / "baeume.md"
    text = baeume.read_text(encoding="utf-8")
    text = text.replace('title: "Neue Bäume für die Schillerstraße & den Marktplatz"', "title: Bäume für die Schillerstraße")
    text = text.replace("date: 2024-10-04 10:30", "date: 2024-10-04 16:45\nslug: baeume-schillerstrasse")
    baeume.write_text(text, encoding="utf-8")
    second = tmp_path / "second"
    build(site, second, SITEURL="https://neue-adresse.example")
    after = {path.relative_to(second): entry_ids(path) for path in feed_paths(second)}
    assert after == before
    assert all(before.values())
    link = atom_entries(second / "feeds" / "all.atom.xml")[0].find(f"{ATOM}link").get("href")
    assert link == "https://neue-adresse.example/pressemitteilungen/2024/422-baeume-schillerstrasse/"


def test_two_builds_give_identical_feed_bytes(site, tmp_path):
    write_feed_content(site)
    build(site, tmp_path / "eins")
    build(site, tmp_path / "zwei")
    first = {name: digest for name, digest in tree_digest(tmp_path / "eins").items() if name.startswith("feeds/")}
    second = {name: digest for name, digest in tree_digest(tmp_path / "zwei").items() if name.startswith("feeds/")}
    assert first and first == second


def test_site_without_public_releases_still_has_a_valid_site_feed(site, tmp_path):
    for path in (site / "releases" / "2024").glob("*.md"):
        path.unlink()
    (site / "releases" / "2024" / "entwurf.md").write_text(
        release("Geheimer Entwurf", "2024-11-01 10:00", "500/2024", extra="status: draft\n"), encoding="utf-8"
    )
    output = tmp_path / "output"
    build(site, output)
    assert [path.name for path in feed_paths(output)] == ["all.atom.xml", "all.rss.xml"]
    for path in feed_paths(output):
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0 and parsed.entries == []
    # No build time: the day the tag authority was owned (tag_date '2025').
    assert xml(output / "feeds" / "all.atom.xml").findtext(f"{ATOM}updated") == "2025-01-01T00:00:00+01:00"


# --- bad input --------------------------------------------------------------


def rejected(content: Path, output: Path, before: dict, command: bool = False) -> str:
    """What the refused build printed, the earlier output as it was; with ``command`` from the `pelican` command
    (exit status 1, no traceback), else from a build in this process."""
    stderr = refusal_printed(content, output, command)
    assert tree_digest(output) == before
    return stderr


@pytest.mark.parametrize("value", ["pm-422-2024", "/pressemitteilungen/x/", "tag: mit Leerzeichen", "https:"])
def test_id_must_be_an_absolute_uri(built_site, value):
    content, output, before = built_site
    (content / "releases" / "2024" / "neu.md").write_text(
        release("Neu", "2024-05-06 09:00", "30/2024", extra=f"id: '{value}'\n"), encoding="utf-8"
    )
    stderr = rejected(content, output, before, command=value == "pm-422-2024")
    assert f"neu.md:6: id: {value!r} is not an absolute URI" in stderr


def test_id_used_twice_names_both_files(built_site):
    content, output, before = built_site
    for name, number in (("eins.md", "30/2024"), ("zwei.md", "31/2024")):
        (content / "releases" / "2024" / name).write_text(
            release("Neu", "2024-05-06 09:00", number, extra=f"id: {OVERRIDE_ID}\n"), encoding="utf-8"
        )
    stderr = rejected(content, output, before, command=True)
    assert f"eins.md:6: id: '{OVERRIDE_ID}' is also the id of" in stderr
    assert f"zwei.md:6: id: '{OVERRIDE_ID}' is also the id of" in stderr
    assert re.search(r"eins\.md:6: id: .* is also the id of \S*zwei\.md:6", stderr)


def test_id_equal_to_another_release_derived_id(built_site):
    content, output, before = built_site
    (content / "releases" / "2024" / "neu.md").write_text(
        release("Neu", "2024-05-06 09:00", "30/2024", extra=f"id: {TAG_PREFIX}pm-17-2024\n"), encoding="utf-8"
    )
    stderr = rejected(content, output, before)
    assert re.search(r"neu\.md:6: id: .* is also the id of \S*sprechstunde\.md:4 \(derived from its number\)", stderr)


def test_invoke_check_reports_duplicate_ids(site):
    for name, number in (("eins.md", "30/2024"), ("zwei.md", "31/2024")):
        (site / "releases" / "2024" / name).write_text(
            release("Neu", "2024-05-06 09:00", number, extra=f"id: {OVERRIDE_ID}\n"), encoding="utf-8"
        )
    errors = check_content(str(SETTINGS), str(site)).errors
    assert [(Path(e.path).name, e.line, e.field) for e in errors] == [("eins.md", 6, "id"), ("zwei.md", 6, "id")]


@pytest.mark.parametrize(
    "feeds, expected",
    [
        ({"tag_date": "25"}, "NEWSROOM['feeds']: tag_date: '25' is not a date"),
        ({"tag_date": "2025-02-30"}, "NEWSROOM['feeds']: tag_date: '2025-02-30' is not a date"),
        ({"tag_authority": "https://presse.example.org"}, "'https://presse.example.org' is not a domain name"),
        ({"max_entries": 0}, "NEWSROOM['feeds']: max_entries: 0 is not a positive whole number"),
        ({"title": "{unbekannt}"}, "NEWSROOM['feeds']: title: '{unbekannt}' is not a title"),
    ],
)
def test_bad_feed_settings_stop_the_build(site, tmp_path, capsys, feeds, expected):
    with pytest.raises(SystemExit) as stop:
        build(site, tmp_path / "output", NEWSROOM=newsroom_with_feeds(**feeds))
    assert stop.value.code == 1
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "output").exists()
