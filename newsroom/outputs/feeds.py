"""Feeds: Atom and RSS 2.0 for the whole site and for every department, topic and year.

Subscribers must receive a release exactly once and forever, so an entry's id
never comes from anything an editor or an administrator changes (title, slug,
time of day, SITEURL): it is a tag URI (RFC 4151) built from a configured
authority and date and the release number, or the release's own front-matter
``id`` (which a site without numbers writes for every release). The same
content gives byte-identical feeds: no build time, no library version, entries
in a fixed order. python-feedgen writes the XML.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import quoteattr

from bs4 import BeautifulSoup
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from pelican.generators import Generator

from ..content.dates import BERLIN
from ..content.numbering import tag_uri
from ..content.slugs import german_slug
from ..settings import newsroom, tag_date
from ..urls import FEEDS_DIR, absolute_url
from .images.stage import Picture

STYLESHEET = f"{FEEDS_DIR}/feed.xsl"
OVERVIEW_SAVE_AS = f"{FEEDS_DIR}/index.html"
OVERVIEW_URL = f"{FEEDS_DIR}/"
SCOPE_DIRS = {"ressort": "ressorts", "thema": "themen", "jahr": "jahre"}
SCOPE_LABELS = {"ressort": "Ressort: {name}", "thema": "Thema: {name}", "jahr": "Jahrgang {name}"}
GENERATOR_NAME = "Newsroom"
RSS_DOCS = "https://www.rssboard.org/rss-specification"
FORMATS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
URL_ATTRIBUTES = ("href", "src", "poster", "cite")


# --- which feeds exist ------------------------------------------------------


def newest_first(articles) -> list:
    """Entries newest first, as the lists show them (``Release.newest_first``)."""
    return sorted(articles, key=lambda article: article.release.newest_first)


@dataclass
class Feed:
    """One scope (site, department, topic or year), written as Atom and as RSS."""

    kind: str  # "alle", "ressort", "thema" or "jahr"
    key: str  # "" for the site, else the department key, topic slug or year
    name: str  # the scope as readers know it
    title: str
    page_url: str  # site-relative URL of the HTML page listing the same releases
    articles: list = field(default_factory=list)

    @property
    def stem(self) -> str:
        if self.kind == "alle":
            return f"{FEEDS_DIR}/all"
        return f"{FEEDS_DIR}/{SCOPE_DIRS[self.kind]}/{self.key}"

    @property
    def atom_url(self) -> str:
        return self.stem + ".atom.xml"

    @property
    def rss_url(self) -> str:
        return self.stem + ".rss.xml"

    def url(self, kind: str) -> str:
        return self.atom_url if kind == "atom" else self.rss_url


@dataclass
class FeedCatalog:
    """Every feed of one build; templates use it for alternate links and the overview page."""

    site: Feed
    departments: list[Feed]
    topics: list[Feed]
    years: list[Feed]

    def all(self) -> list[Feed]:
        return [self.site, *self.departments, *self.topics, *self.years]

    def department(self, key: str) -> Feed | None:
        return next((feed for feed in self.departments if feed.key == key), None)

    def topic(self, slug: str) -> Feed | None:
        return next((feed for feed in self.topics if feed.key == slug), None)

    def year(self, year: object) -> Feed | None:
        return next((feed for feed in self.years if feed.key == str(year)), None)

    def restricted_to(self, department: str | None, topic: str | None, year: object) -> FeedCatalog:
        """The site's feed and those of one list, as pages link them: without their entries (``newsroom.site.records``)."""
        return FeedCatalog(
            unlisted(self.site),
            [unlisted(feed) for feed in self.departments if feed.key == department],
            [unlisted(feed) for feed in self.topics if feed.key == topic],
            [unlisted(feed) for feed in self.years if year is not None and feed.key == str(year)],
        )

    def listing(self) -> FeedCatalog:
        """Every feed as the overview page lists it: without their entries."""
        return FeedCatalog(unlisted(self.site), *([unlisted(feed) for feed in feeds]
                                                  for feeds in (self.departments, self.topics, self.years)))


def unlisted(feed: Feed) -> Feed:
    return dataclasses.replace(feed, articles=[])


def alphabetical(feed: Feed) -> tuple[str, str]:
    """Sort key: by name with umlauts transliterated, so 'Ämter' comes before 'Bauen'."""
    return german_slug(feed.name), feed.key


def feed_catalog(context: dict, settings: dict) -> FeedCatalog:
    """The feeds for the public releases in Pelican's shared context (drafts are never there)."""
    options = newsroom(settings)
    names = {"site": settings.get("SITENAME", ""), "office": options.office_name}

    def title(key: str, name: str = "") -> str:
        return getattr(options.feeds, key).format(name=name, **names)

    articles = context.get("articles", [])
    site = Feed("alle", "", "Alle Pressemitteilungen", title("title"), "", list(articles))
    departments = [
        Feed("ressort", category.slug, category.name, title("department_title", category.name), category.url, list(members))
        for category, members in context.get("categories", [])
    ]
    topics = [
        Feed("thema", tag.slug, tag.name, title("topic_title", tag.name), tag.url, list(members))
        for tag, members in context.get("tags", [])
    ]
    by_year: dict[int, list] = {}
    for article in articles:
        by_year.setdefault(article.date.year, []).append(article)
    years = [
        Feed(
            "jahr",
            str(year),
            str(year),
            title("year_title", str(year)),
            settings["YEAR_ARCHIVE_URL"].format(date=members[0].date),
            members,
        )
        for year, members in by_year.items()
    ]
    return FeedCatalog(
        site,
        sorted(departments, key=alphabetical),
        sorted(topics, key=alphabetical),
        sorted(years, key=lambda feed: feed.key, reverse=True),
    )


# --- entry content ----------------------------------------------------------


def absolute_reference(settings: dict, base: str, value: str) -> str:
    """A URL from the HTML, made absolute: feed readers show content away from the site."""
    value = value.strip()
    if not value or urlsplit(value).scheme:
        return value
    if value.startswith("/") and not value.startswith("//"):
        return absolute_url(settings, value)
    return urljoin(base, value)


def absolute_links(html: str, settings: dict, page_url: str) -> str:
    """The HTML with every link and image address absolute (relative ones resolve against the page)."""
    base = absolute_url(settings, page_url)
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        for attribute in URL_ATTRIBUTES:
            if element.has_attr(attribute):
                element[attribute] = absolute_reference(settings, base, element[attribute])
        if element.has_attr("srcset"):
            candidates = []
            for candidate in element["srcset"].split(","):
                parts = candidate.split()
                if parts:
                    candidates.append(" ".join([absolute_reference(settings, base, parts[0]), *parts[1:]]))
            element["srcset"] = ", ".join(candidates)
    return str(soup)


@dataclass(frozen=True)
class Enclosure:
    url: str
    media_type: str
    length: int
    width: int
    height: int


def image_enclosure(picture: Picture | None, settings: dict) -> Enclosure | None:
    """The release image's largest JPEG (published, without metadata; never the editor's file), with the size RSS requires."""
    if not picture:
        return None
    file = picture.largest
    return Enclosure(absolute_url(settings, file.path), file.type, file.length, file.width, file.height)


# --- writing ----------------------------------------------------------------

LINK_ATTRIBUTES = ("rel", "type", "hreflang", "title", "length")


class Entry(FeedEntry):
    """feedgen 1.0.0 writes Atom entry links with nothing but href (lkiesow/python-feedgen#135),
    so an enclosure would turn into a second alternate link: put the attributes back."""

    def atom_entry(self, extensions=True):
        element = super().atom_entry(extensions)
        for link_element, link in zip(element.findall("link"), self.link() or [], strict=True):
            for name in LINK_ATTRIBUTES:
                if link.get(name):
                    link_element.set(name, link[name])
        return element


@dataclass
class FeedWriter:
    """Turns a Feed into Atom or RSS bytes; entry HTML is rendered once per release."""

    settings: dict
    entry_template: object
    render_context: dict
    stylesheet_url: str
    _entry_html: dict = field(default_factory=dict)

    def entry_html(self, article) -> str:
        if article.source_path not in self._entry_html:
            html = self.entry_template.render({**self.render_context, "article": article})
            self._entry_html[article.source_path] = absolute_links(html, self.settings, article.url)
        return self._entry_html[article.source_path]

    def entries(self, feed: Feed) -> list:
        """The releases a feed holds: its newest, as many as the settings allow."""
        return newest_first(feed.articles)[: newsroom(self.settings).feeds.max_entries]

    def feed_bytes(self, feed: Feed, kind: str) -> bytes:
        office = newsroom(self.settings)
        entries = self.entries(feed)

        generator = FeedGenerator()
        generator.load_extension("media")
        generator.load_extension("dc", atom=False, rss=True)
        generator.id(tag_uri(self.settings, f"feed:{feed.kind}" + (f":{feed.key}" if feed.key else "")))
        generator.title(feed.title)
        description = f"Pressemitteilungen der {office.office_unit} – {office.office_name}"
        if feed.kind in SCOPE_LABELS:
            description += ". " + SCOPE_LABELS[feed.kind].format(name=feed.name)
        generator.subtitle(description)  # also the RSS channel description
        generator.author(name=f"{office.office_name}, {office.office_unit}", uri=absolute_url(self.settings, ""))
        generator.link(href=absolute_url(self.settings, feed.url(kind)), rel="self", type=FORMATS[kind])
        # Last, because feedgen makes the last link RSS's channel link.
        generator.link(href=absolute_url(self.settings, feed.page_url), rel="alternate", type="text/html")
        generator.language(self.settings.get("DEFAULT_LANG", "de"))
        generator.generator(GENERATOR_NAME)
        generator.docs(RSS_DOCS)
        generator.updated(max((article.release.last_change for article in entries), default=self.empty_feed_date()))
        for article in entries:
            self.add_entry(generator, article, kind)

        if kind == "atom":
            document = generator.atom_str(pretty=True, xml_declaration=False)
        else:
            document = generator.rss_str(pretty=True, xml_declaration=False)
        # Our own declaration, so the stylesheet line can follow it.
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<?xml-stylesheet type="text/xsl" href={quoteattr(self.stylesheet_url)}?>\n'
        )
        return head.encode("utf-8") + document

    def empty_feed_date(self) -> dt.datetime:
        """A feed without releases still needs a fixed date: the day the tag authority was owned."""
        day = tag_date(newsroom(self.settings).feeds.tag_date)
        return dt.datetime(day.year, day.month, day.day, tzinfo=BERLIN)

    def add_entry(self, generator: FeedGenerator, article, kind: str) -> None:
        release = article.release
        entry = generator.add_entry(Entry(), order="append")
        entry.id(release.permanent_id)  # also the RSS guid, isPermaLink="false"
        entry.title(article.title)
        entry.link(href=absolute_url(self.settings, article.url), rel="alternate", type="text/html")
        entry.content(self.entry_html(article), type="html")
        if kind == "atom":
            # RSS has one description: the full content, as for Atom's content.
            entry.summary(article.summary)
        entry.published(article.date)
        entry.updated(release.last_change)
        department = article.category
        entry.author(name=department.name, uri=absolute_url(self.settings, department.url))
        if kind == "rss":
            entry.dc.dc_creator(department.name)
        for tag in article.tags:
            entry.category(term=tag.slug, label=tag.name, scheme=absolute_url(self.settings, self.settings["TAGS_URL"]))
        enclosure = image_enclosure(self.render_context["pictures"].of(release), self.settings)
        if enclosure:
            entry.enclosure(enclosure.url, enclosure.length, enclosure.media_type)
            entry.media.thumbnail(url=enclosure.url, width=str(enclosure.width), height=str(enclosure.height), group=None)
        if kind == "atom":
            # Atom takes any number of enclosures; RSS only one (the image): its entries list the attachments as links.
            for attachment in release.attachments:
                entry.link(href=absolute_url(self.settings, attachment.url), rel="enclosure", type=attachment.media_type,
                           length=str(attachment.size), title=attachment.title)


class FeedsGenerator(Generator):
    """Pelican generator: learns the feeds after the releases are read, writes them after the pages.

    A feed is made only when its key differs from the live file's
    (``NewsroomWriter.place_unless_live``): the key covers the feed's own
    values, the key of each entry as ``feed_entry`` renders it (its record,
    ``newsroom.site.records``) and the pictures of the entries, whose largest
    JPEG is each entry's enclosure. Everything else a feed shows comes from
    the settings and the code, which every key covers.
    """

    def generate_context(self) -> None:
        self.catalog = feed_catalog(self.context, self.settings)
        self.context["feeds"] = self.catalog

    def generate_output(self, writer) -> None:
        site_url = self.settings.get("SITEURL", "")
        entry_template = self.get_template("feed_entry")
        feed_writer = FeedWriter(self.settings, entry_template, self.context, f"{site_url}/{STYLESHEET}")
        for feed in self.catalog.all():
            entries = feed_writer.entries(feed)
            made_of = (
                feed.kind, feed.key, feed.name, feed.title, feed.page_url,
                tuple(writer.entry_key(entry_template, self.context, article) for article in entries),
                self.context["pictures"].restricted_to([article.release for article in entries]),
            )
            for kind in FORMATS:
                writer.place_unless_live(
                    os.path.join(self.output_path, feed.url(kind)), (kind, *made_of), partial(feed_writer.feed_bytes, feed, kind)
                )
        stylesheet = self.env.get_template("feed.xsl").render(self.context)
        self.write_bytes(writer, STYLESHEET, stylesheet.encode("utf-8"))
        writer.write_file(
            OVERVIEW_SAVE_AS,
            self.get_template("feeds"),
            self.context,
            url=OVERVIEW_URL,
            sitemap_page=True,
            feeds_max=newsroom(self.settings).feeds.max_entries,
            feeds_site_atom=absolute_url(self.settings, self.catalog.site.atom_url),
        )

    def write_bytes(self, writer, relative_path: str, data: bytes) -> None:
        writer.place(os.path.join(self.output_path, relative_path), data)


def feeds_generator(pelican) -> type[Generator]:
    """Receiver of ``get_generators``."""
    return FeedsGenerator
