"""Stage 2: collect what the reader found across all files, check across files, stop on errors.

One module-level ``Build`` holds the state of the running build; it is reset
when Pelican initialises, so autoreload and tests never see a previous build.
"""

from __future__ import annotations

import os
import posixpath
from collections import defaultdict

from ..content.confine import leaves_content, refused_links
from ..content.dates import JINJA_FILTERS
from ..content.reading import MARKDOWN_EXTENSIONS
from ..content.registry import Registries, load_registries
from ..errors import ContentError, display_path, stop
from ..outputs.feeds import FEEDS_DIR, duplicate_ids, permanent_id
from ..outputs.search import BUNDLE_DIR
from ..settings import configure, data_dir, newsroom


class Build:
    """Errors, release numbers and permanent ids gathered while Pelican reads the content."""

    def __init__(self) -> None:
        self.settings: dict = {}
        self.registries = Registries()
        self.errors: list[ContentError] = []
        self.numbers: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
        self.ids: dict[str, list[tuple[str, int, bool]]] = defaultdict(list)
        self.page_slugs: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.sources: dict = {}  # absolute path → Source, read ahead by newsroom.content.preread
        self.reading = (0, 0)  # of the files read ahead: (read anew, taken from the cache)
        self.ready = True  # NEWSROOM is right, and no symbolic link leads out of the content folder

    def start(self, settings: dict) -> None:
        """Reset state, check NEWSROOM (once per build), look for links out of the content folder,
        load the registries, look for files the reader would skip.

        When a setting is wrong or a link leads out, nothing else is read (not
        even the registries, which may be such a link): the caller stops at once.
        """
        self.__init__()
        self.settings = settings
        self.errors.extend(configure(settings))
        self.errors.extend(refused_links(settings["PATH"]))
        self.ready = not self.errors
        if not self.ready:
            return
        options = newsroom(settings)
        self.registries = load_registries(data_dir(settings), options.default_contact)
        self.errors.extend(self.registries.errors)
        self.errors.extend(stray_files(os.path.join(settings["PATH"], options.releases_dir)))

    def record(self, source) -> None:
        """Keep a file's errors, and its number for the duplicate check."""
        self.errors.extend(source.errors)
        if source.kind == "release" and not source.errors:
            self.numbers[source.values["number"]].append((source.path, source.line_of["number"]))
            explicit = "id" in source.values
            line = source.line_of["id" if explicit else "number"]
            self.ids[permanent_id(self.settings, source.values)].append((source.path, line, explicit))
        if source.kind == "page" and not source.errors and source.values.get("status") != "draft":
            line = source.line_of.get("slug") or source.line_of["title"]
            self.page_slugs[source.slug].append((source.path, line))

    def duplicate_numbers(self) -> list[ContentError]:
        """A number may be used once per year, over all releases, drafts included."""
        errors = []
        for (serial, year), places in sorted(self.numbers.items()):
            if len(places) < 2:
                continue
            for path, line in places:
                others = ", ".join(f"{p}:{n}" for p, n in sorted(places) if p != path)
                errors.append(ContentError(path, line, "number", f"'{serial}/{year}' is also used by {others}"))
        return errors

    def page_slug_clashes(self) -> list[ContentError]:
        """A page's URL is /<slug>/: two pages, or a page and a section of the site, must not share it."""
        errors = []
        reserved = reserved_sections(self.settings)
        for slug, places in sorted(self.page_slugs.items()):
            for path, line in places:
                if slug in reserved:
                    errors.append(ContentError(
                        path, line, "slug",
                        f"{slug!r} is used by the site itself (taken: {', '.join(sorted(reserved))}); set another slug",
                    ))
                elif len(places) > 1:
                    others = ", ".join(f"{p}:{n}" for p, n in sorted(places) if p != path)
                    errors.append(ContentError(path, line, "slug", f"{slug!r} is also used by {others}; set another slug"))
        return errors

    def all_errors(self) -> list[ContentError]:
        return self.errors + self.duplicate_numbers() + duplicate_ids(self.ids) + self.page_slug_clashes()

    def keep_statics_inside(self, generator) -> None:
        """Receiver of ``static_generator_finalized``: nothing from outside the content folder is ever copied.

        ``newsroom.content.confine.link_errors`` already stops the build for every link
        that leads out or names a folder; this second lock drops whatever would
        still come from outside or copy a whole folder, and stops the build if
        nothing else does.
        """
        kept = []
        for static in generator.staticfiles:
            path = static.get_relative_source_path()
            if leaves_content(posixpath.normpath(path)):
                problem = "is outside the content folder; nothing is copied from there"
            elif os.path.isdir(os.path.join(generator.path, path)):
                problem = "is a folder; folders are not published whole"
            else:
                kept.append(static)
                continue
            generator.context["static_content"].pop(path, None)
            if not self.errors:
                self.errors.append(ContentError(path, None, None, problem))
        generator.staticfiles[:] = kept

    def finish(self) -> None:
        """Raise ContentErrors (after printing them) if any file had a problem."""
        errors = self.all_errors()
        if errors:
            stop(errors)


def stray_files(releases_path: str) -> list[ContentError]:
    """Files under the releases folder that are not Markdown would silently vanish."""
    errors = []
    for root, dirs, files in os.walk(releases_path):
        dirs.sort()
        for name in sorted(files):
            if name.startswith(".") or name.endswith(tuple("." + extension for extension in MARKDOWN_EXTENSIONS)):
                continue
            path = display_path(os.path.join(root, name))
            errors.append(
                ContentError(path, None, None, "is not a Markdown file (.md); rename it or move it out of the releases folder")
            )
    return errors


def reserved_sections(settings: dict) -> set[str]:
    """First URL segments the site's own pages and files use: archives, sections, pagination, theme, images, feeds, search
    index, cards.
    """
    urls = [value for key, value in settings.items() if key.endswith("_SAVE_AS") and isinstance(value, str)]
    urls += [pattern[1].replace("{base_name}/", "") for pattern in settings.get("PAGINATION_PATTERNS", ())]
    return first_segments(urls) | file_sections(settings)


def file_sections(settings: dict) -> set[str]:
    """First URL segments of the folders the site fills with files of its own: theme, images, feeds, search index, cards."""
    urls = [settings.get("THEME_STATIC_DIR", ""), *settings.get("STATIC_PATHS", ())]
    urls += [FEEDS_DIR, BUNDLE_DIR, newsroom(settings).cards.output_dir]
    return first_segments(urls)


def first_segments(urls: list[str]) -> set[str]:
    segments = {url.split("/", 1)[0] for url in urls}
    return {segment for segment in segments if segment and not any(mark in segment for mark in "{.:")}


def link_neighbours(generator) -> None:
    """Give each release its older (prev) and newer (next) neighbour."""
    articles = generator.articles
    for index, article in enumerate(articles):
        article.prev_article = articles[index + 1] if index + 1 < len(articles) else None
        article.next_article = articles[index - 1] if index > 0 else None


def pin_urls(generator) -> None:
    """Compute each release's URL once: Pelican formats it anew on every ``article.url``.

    Lists read it ~15 times per release, and each formatting costs a path
    computation; ``override_url`` is Pelican's own way of fixing a URL.
    """
    for article in generator.articles:
        article.override_url = article.url


def by_file_name(page) -> tuple:
    """PAGE_ORDER_BY: by file name as Pelican does, then by path, so equal names keep one order."""
    return (os.path.basename(page.source_path), page.source_path)


def newest_first(article) -> tuple:
    """Sort key for ARTICLE_ORDER_BY: newest date first, then highest number."""
    return (-article.date.timestamp(), -getattr(article, "release_no", 0))


def add_jinja_filters(settings: dict) -> None:
    settings.setdefault("JINJA_FILTERS", {}).update(JINJA_FILTERS)


BUILD = Build()
