"""Sitemaps and robots.txt, from the pages the generators actually wrote.

Every file Pelican writes passes ``content_written`` with its template
context; ``WrittenPages`` keeps the public ones: release pages, static pages and
the lists of releases (home, archives, departments, topics, the search page,
every page of a paginated list), and pages another stage marks with
``sitemap_page=True`` in their context (the feeds overview). Whatever was not written from public content
(drafts, embargoed releases) never shows up here, and neither do the 404 page
or files other stages write without such a context (redirects, the feeds themselves).

``lastmod`` comes from the content, never from the clock: a release's newest
correction (``updated``) else its ``date``; for a page of a list the newest
such time of the releases it shows, so a numbered page (``…/seite/3/``)
keeps its ``lastmod`` while the list grows at its root. Static pages carry no date, so they have no ``lastmod``.
A withdrawn release keeps its page (with the notice) but is no page to find:
it is left out, as from the feeds and lists.

The sitemap protocol allows 50,000 addresses and 50 MB per file, which a city
office's archive passes. ``sitemap.xml`` is therefore a sitemap index, and the
addresses are in ``sitemaps/``: one file per year of release pages
(``2024.xml``) and one for the other pages (``seiten.xml``), each split into
``-2``, ``-3`` … parts should it pass a limit. A year's file only changes
when one of its releases does, so a rebuild leaves the others as they were.
"""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..content.dates import isodate
from ..content.release import Release
from ..settings import newsroom
from ..urls import absolute_url

SITEMAP = "sitemap.xml"
SITEMAPS_DIR = "sitemaps"
OTHER_PAGES = "seiten"
NEWS_SITEMAP = "sitemap-news.xml"
# The protocol's limits per sitemap file (sitemaps.org): addresses, and bytes uncompressed.
MOST_URLS = 50_000
MOST_BYTES = 50 * 1024 * 1024
# The markup of one <url> with <loc> and <lastmod>, indented, without the texts: 57 bytes; counted generously.
URL_MARKUP_BYTES = 120
ROBOTS = "robots.txt"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Google News reads only releases of the last two days.
NEWS_WINDOW = dt.timedelta(days=2)
# Direct templates that are written but are no page to find (the 404 page).
UNLISTED_DIRECT_TEMPLATES = ("notfound",)


@dataclass(frozen=True)
class WrittenPage:
    path: str  # site-relative URL path: "" for the home page, else e.g. "impressum/"
    lastmod: dt.datetime | None
    release: Release | None = None  # the release a release page shows


def url_path(output_file: str) -> str:
    """'pressemitteilungen/2025/index.html' → 'pressemitteilungen/2025/'."""
    output_file = output_file.replace(os.sep, "/")
    if output_file == "index.html":
        return ""
    if output_file.endswith("/index.html"):
        return output_file[: -len("index.html")]
    return output_file


class WrittenPages:
    """The public HTML pages of the running build, by output file."""

    def __init__(self, settings: dict) -> None:
        self.pages: dict[str, WrittenPage] = {}
        self.unlisted = {
            settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html") for template in UNLISTED_DIRECT_TEMPLATES
        }

    def record(self, path: str, context: dict) -> None:
        """Receiver of ``content_written``: keep the file if it shows public content."""
        output_file = context.get("output_file") or ""
        if not output_file.endswith(".html") or output_file in self.unlisted:
            return
        article = context.get("article")
        page = context.get("page")
        if article is not None:
            if output_file == article.save_as and not article.withdrawn:
                self.pages[output_file] = WrittenPage(url_path(output_file), article.release.last_change, article.release)
        elif page is not None:
            if output_file == page.save_as:
                self.pages[output_file] = WrittenPage(url_path(output_file), None)
        elif context.get("sitemap_page"):
            # A page another stage writes itself (the feeds overview): listed, no content date.
            self.pages[output_file] = WrittenPage(url_path(output_file), None)
        elif context.get("blog"):
            # Pelican's article generator writes every list with blog=True; a page shows its share, ``articles_page``.
            shown = context["articles_page"].object_list
            lastmod = max((release.release.last_change for release in shown), default=None)
            self.pages[output_file] = WrittenPage(url_path(output_file), lastmod)

    def sorted_pages(self) -> list[WrittenPage]:
        return sorted(self.pages.values(), key=lambda page: page.path)

    def releases(self) -> list[WrittenPage]:
        return [page for page in self.sorted_pages() if page.release is not None]


def serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def url_entry(settings: dict, page: WrittenPage) -> ET.Element:
    url = ET.Element("url")
    ET.SubElement(url, "loc").text = absolute_url(settings, page.path)
    if page.lastmod is not None:
        ET.SubElement(url, "lastmod").text = isodate(page.lastmod)
    return url


def urlset_parts(settings: dict, pages: list[WrittenPage]) -> list[tuple[bytes, dt.datetime | None]]:
    """The pages as sitemap files within the protocol's limits, each with its newest ``lastmod``."""
    entries = [url_entry(settings, page) for page in pages]
    room = MOST_BYTES - len(serialize(ET.Element("urlset", {"xmlns": SITEMAP_NS})))
    parts, start = [], 0
    while start < len(entries):
        end, size = start, 0
        while end < len(entries) and end - start < MOST_URLS and size + entry_bytes(entries[end]) <= room:
            size += entry_bytes(entries[end])
            end += 1
        end = max(end, start + 1)
        urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
        urlset.extend(entries[start:end])
        newest = max((page.lastmod for page in pages[start:end] if page.lastmod), default=None)
        parts.append((serialize(urlset), newest))
        start = end
    return parts


def entry_bytes(url: ET.Element) -> int:
    """At least the bytes one ``<url>`` takes when serialised and indented (tags, indentation, escaped text)."""
    texts = sum(len((child.text or "").encode()) for child in url)
    return 2 * texts + URL_MARKUP_BYTES


def sitemap_set(settings: dict, pages: list[WrittenPage]) -> dict[str, bytes]:
    """``sitemap.xml`` as an index of ``sitemaps/<year>.xml`` (release pages) and ``sitemaps/seiten.xml`` (the others)."""
    groups: dict[str, list[WrittenPage]] = {}
    for page in pages:
        groups.setdefault(str(page.release.date.year) if page.release else OTHER_PAGES, []).append(page)
    files = {}
    index = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for name in sorted(groups, key=lambda group: (group == OTHER_PAGES, group)):
        for number, (data, newest) in enumerate(urlset_parts(settings, groups[name]), start=1):
            path = f"{SITEMAPS_DIR}/{name}{'' if number == 1 else f'-{number}'}.xml"
            files[path] = data
            entry = ET.SubElement(index, "sitemap")
            ET.SubElement(entry, "loc").text = absolute_url(settings, path)
            if newest is not None:
                ET.SubElement(entry, "lastmod").text = isodate(newest)
    return {SITEMAP: serialize(index), **files}


def recent_releases(releases: list[WrittenPage]) -> list[WrittenPage]:
    """Releases of the two days up to the newest one (a fixed point keeps rebuilds identical)."""
    if not releases:
        return []
    newest = max(page.release.date for page in releases)
    return [page for page in releases if page.release.date > newest - NEWS_WINDOW]


def news_sitemap_xml(settings: dict, releases: list[WrittenPage]) -> bytes:
    publication_name = newsroom(settings).office_name
    language = settings.get("DEFAULT_LANG", "de")
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS})
    for page in releases:
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = absolute_url(settings, page.path)
        news = ET.SubElement(url, "news:news")
        publication = ET.SubElement(news, "news:publication")
        ET.SubElement(publication, "news:name").text = publication_name
        ET.SubElement(publication, "news:language").text = language
        ET.SubElement(news, "news:publication_date").text = isodate(page.release.date)
        ET.SubElement(news, "news:title").text = page.release.title
    return serialize(urlset)


def robots_txt(settings: dict, sitemaps: list[str]) -> str:
    lines = ["User-agent: *", "Disallow:", ""]
    lines += [f"Sitemap: {absolute_url(settings, name)}" for name in sitemaps]
    return "\n".join(lines) + "\n"


def sitemap_files(settings: dict, written: WrittenPages) -> dict[str, bytes]:
    """The sitemap index and its sitemaps, the news sitemap (if any release is recent) and robots.txt, by file name."""
    files = sitemap_set(settings, written.sorted_pages())
    announced = [SITEMAP]
    news = recent_releases(written.releases())
    if news:
        files[NEWS_SITEMAP] = news_sitemap_xml(settings, news)
        announced.append(NEWS_SITEMAP)
    return {**files, ROBOTS: robots_txt(settings, announced).encode("utf-8")}
