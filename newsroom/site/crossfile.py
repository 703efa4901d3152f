"""Stage 2: checks across files — numbers, permanent ids and page addresses used once, nothing stray.

Each valid source is recorded as the reader (or ``invoke check``) admits it;
``errors`` then compares them all. Duplicates are reported on every file
involved, each naming the others, so an editor sees both sides.
"""

from __future__ import annotations

import os
import posixpath
from collections import defaultdict

from ..content.confine import leaves_content
from ..content.numbering import ReleaseNumber
from ..content.reading import MARKDOWN_EXTENSIONS
from ..content.release import ATTACHMENTS_DIR, Release
from ..errors import ContentError, display_path
from ..outputs.sitemap import SITEMAPS_DIR
from ..settings import newsroom
from ..urls import BUNDLE_DIR, FEEDS_DIR


class CrossFileChecks:
    """Numbers, permanent ids and page slugs of every valid source, for the checks that compare files."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings
        self.numbers: dict[ReleaseNumber, list[tuple[str, int]]] = defaultdict(list)
        self.ids: dict[str, list[tuple[str, int, bool]]] = defaultdict(list)
        self.page_slugs: dict[str, list[tuple[str, int]]] = defaultdict(list)

    def record_release(self, release: Release) -> None:
        """A number may be used once per year, drafts included; so may a permanent id (on a site without numbers, what
        names a release).
        """
        if release.number:
            self.numbers[release.number].append((release.path, release.lines["number"]))
        self.ids[release.permanent_id].append((release.path, release.id_line, release.id_written))

    def record_page(self, source) -> None:
        if source.values.get("status") != "draft":
            self.page_slugs[source.slug].append((source.path, source.line_of.get("slug") or source.line_of["title"]))

    def errors(self) -> list[ContentError]:
        return self.duplicate_numbers() + self.duplicate_ids() + self.page_slug_clashes()

    def duplicate_numbers(self) -> list[ContentError]:
        errors = []
        for number, places in sorted(self.numbers.items()):
            for path, line in places if len(places) > 1 else ():
                errors.append(ContentError(path, line, "number", f"'{number}' is also used by {others(places, path)}"))
        return errors

    def duplicate_ids(self) -> list[ContentError]:
        """Front-matter ids used twice, or equal to the id another release derives from its number.

        Two derived ids only collide when the numbers do, which
        ``duplicate_numbers`` reports already.
        """
        errors = []
        for value, places in sorted(self.ids.items()):
            for path, line, written in places if len(places) > 1 else ():
                if not written:
                    continue
                other_ids = ", ".join(
                    f"{other}:{other_line}" + ("" if other_written else " (derived from its number)")
                    for other, other_line, other_written in sorted(places)
                    if other != path
                )
                errors.append(ContentError(path, line, "id", f"{value!r} is also the id of {other_ids}"))
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
                    message = f"{slug!r} is also used by {others(places, path)}; set another slug"
                    errors.append(ContentError(path, line, "slug", message))
        return errors


def others(places: list[tuple[str, int]], path: str) -> str:
    return ", ".join(f"{other}:{line}" for other, line in sorted(places) if other != path)


def stray_files(releases_path: str) -> list[ContentError]:
    """Files under the releases folder that are not Markdown would silently vanish."""
    errors = []
    markdown = tuple("." + extension for extension in MARKDOWN_EXTENSIONS)
    for root, dirs, files in os.walk(releases_path):
        dirs.sort()
        for name in sorted(files):
            if name.startswith(".") or name.endswith(markdown):
                continue
            path = display_path(os.path.join(root, name))
            errors.append(
                ContentError(path, None, None, "is not a Markdown file (.md); rename it or move it out of the releases folder")
            )
    return errors


def statics_from_outside(generator) -> list[ContentError]:
    """Receiver of ``static_generator_finalized``: nothing from outside the content folder is ever copied.

    ``newsroom.content.confine.link_errors`` already stops the build for every
    link that leads out or names a folder; this second lock drops whatever
    would still come from outside or copy a whole folder, and returns it as errors.
    """
    kept, errors = [], []
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
        errors.append(ContentError(path, None, None, problem))
    generator.staticfiles[:] = kept
    return errors


def reserved_sections(settings: dict) -> set[str]:
    """First URL segments the site's own pages and files use: archives, sections, pagination, theme, images, feeds, search
    index, cards.
    """
    urls = [value for key, value in settings.items() if key.endswith("_SAVE_AS") and isinstance(value, str)]
    urls += [pattern[1].replace("{base_name}/", "") for pattern in settings.get("PAGINATION_PATTERNS", ())]
    return first_segments(urls) | file_sections(settings)


def file_sections(settings: dict) -> set[str]:
    """First URL segments of the folders the site fills with files of its own: theme, images and their derivatives, feeds,
    search index, sitemaps, cards, attachments.
    """
    options = newsroom(settings)
    urls = [settings.get("THEME_STATIC_DIR", ""), *settings.get("STATIC_PATHS", ())]
    urls += [FEEDS_DIR, BUNDLE_DIR, SITEMAPS_DIR, options.cards.output_dir, options.images.output_dir, ATTACHMENTS_DIR]
    return first_segments(urls)


def first_segments(urls: list[str]) -> set[str]:
    segments = {url.split("/", 1)[0] for url in urls}
    return {segment for segment in segments if segment and not any(mark in segment for mark in "{.:")}
