"""Sitemaps and robots.txt, from the pages the generators actually wrote.

Every file Pelican writes passes ``content_written`` with its template
context; ``WrittenPages`` keeps the public ones: release pages, static pages and
the lists of releases (home, archives, departments, topics, the search page,
every page of a paginated list), and pages another stage marks with
``sitemap_page=True`` in their context (the feeds overview). Whatever was not written from public content
(drafts, embargoed releases) never shows up here, and neither do the 404 page
or files other stages write without such a context (redirects, the feeds themselves).

``lastmod`` comes from the content, never from the clock: a release's newest
correction (``updated``) else its ``date``; for a list the newest such time
of its releases. Static pages carry no date, so they have no ``lastmod``.
"""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..content.dates import isodate
from ..settings import newsroom
from ..urls import absolute_url

SITEMAP = "sitemap.xml"
NEWS_SITEMAP = "sitemap-news.xml"
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
    release: object | None = None  # the Pelican article of a release page


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
        # Every page of a paginated list passes the same list of releases:
        # its newest change is computed once per list, not once per page.
        self.list_lastmod: dict[int, tuple[list, dt.datetime | None]] = {}

    def record(self, path: str, context: dict) -> None:
        """Receiver of ``content_written``: keep the file if it shows public content."""
        output_file = context.get("output_file") or ""
        if not output_file.endswith(".html") or output_file in self.unlisted:
            return
        article = context.get("article")
        page = context.get("page")
        if article is not None:
            if output_file == article.save_as:
                self.pages[output_file] = WrittenPage(url_path(output_file), article.release.last_change, article)
        elif page is not None:
            if output_file == page.save_as:
                self.pages[output_file] = WrittenPage(url_path(output_file), None)
        elif context.get("sitemap_page"):
            # A page another stage writes itself (the feeds overview): listed, no content date.
            self.pages[output_file] = WrittenPage(url_path(output_file), None)
        elif context.get("blog"):
            # Pelican's article generator writes every list with blog=True.
            releases = context.get("articles") or []
            self.pages[output_file] = WrittenPage(url_path(output_file), self.newest_change(releases))

    def newest_change(self, releases: list) -> dt.datetime | None:
        known = self.list_lastmod.get(id(releases))
        if known is None or known[0] is not releases:
            known = (releases, max((release.release.last_change for release in releases), default=None))
            self.list_lastmod[id(releases)] = known
        return known[1]

    def sorted_pages(self) -> list[WrittenPage]:
        return sorted(self.pages.values(), key=lambda page: page.path)

    def releases(self) -> list[WrittenPage]:
        return [page for page in self.sorted_pages() if page.release is not None]

    def has_releases(self) -> bool:
        return any(page.release is not None for page in self.pages.values())


def serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def sitemap_xml(settings: dict, pages: list[WrittenPage]) -> bytes:
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for page in pages:
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = absolute_url(settings, page.path)
        if page.lastmod is not None:
            ET.SubElement(url, "lastmod").text = isodate(page.lastmod)
    return serialize(urlset)


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
    """sitemap.xml, the news sitemap (if any release is recent) and robots.txt, by file name."""
    sitemaps = {SITEMAP: sitemap_xml(settings, written.sorted_pages())}
    news = recent_releases(written.releases())
    if news:
        sitemaps[NEWS_SITEMAP] = news_sitemap_xml(settings, news)
    return {**sitemaps, ROBOTS: robots_txt(settings, list(sitemaps)).encode("utf-8")}
