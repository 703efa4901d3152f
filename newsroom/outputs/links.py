"""Stable links: the addresses every source takes, and the checks on the old addresses a release keeps (``aliases:``).

A link that was ever published must keep working. When a slug changes, the
release lists its old addresses under ``aliases:``, and ``redirects.py``
writes a page at each of them. An alias must be an address
the site does not use: not a release or static page, nor a list page or one of
its numbered pages, now or once an embargo lifts, nor anything inside the
folders the site fills itself (feeds, search index, theme, images, cards), nor
below another page's file; the check runs on every
source the reader recorded, so ``invoke check`` and the build agree and a
collision never first shows up when a cron build lifts an embargo.
The published-URL manifest (``manifest.py``) warns when an alias is missing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass, field

from ..content.registry import Registries
from ..errors import ContentError
from ..site.crossfile import file_sections
from .manifest import read_manifest, url_warnings

logger = logging.getLogger(__name__)
INDEX_FILES = ("index.html", "index.htm")
NUMBER_TOKEN = "\x00"


@dataclass
class ReleaseLink:
    """Where one release lives and which old addresses it keeps alive."""

    path: str
    number: str  # its reference in the published-URL manifest (``Release.reference``)
    url: str  # site-relative, with a leading slash: "/pressemitteilungen/2024/422-x/"
    save_as: str
    public: bool
    aliases: list[tuple[str, int]]
    slug_field: str
    slug_line: int
    year: int
    tag_slugs: list[str]


@dataclass
class Links:
    """Addresses of every source the reader recorded, for alias checks and URL warnings."""

    settings: dict = field(default_factory=dict)
    releases: list[ReleaseLink] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # save_as -> path
    manifest: dict[str, tuple[str, int]] = field(default_factory=dict)
    manifest_path: str = ""
    manifest_errors: list[ContentError] = field(default_factory=list)

    @classmethod
    def read(cls, settings: dict) -> Links:
        """The links of a new build, with the published-URL manifest read."""
        links = cls(settings=settings)
        links.manifest_path, links.manifest, links.manifest_errors = read_manifest(settings)
        return links

    def record(self, source, release, public: bool) -> None:
        """Keep the address of a valid release (``release``) or page (``source``); ``public``: what this build publishes."""
        if release is None:
            fields = {"slug": source.slug, "lang": self.settings.get("DEFAULT_LANG", "")}
            self.pages[self.settings["PAGE_SAVE_AS"].format_map(fields)] = source.path
            return
        slug_field = "slug" if "slug" in release.lines else "title"
        self.releases.append(
            ReleaseLink(
                path=release.path,
                number=release.reference,
                url="/" + release.url,
                save_as=release.save_as,
                public=public,
                aliases=list(release.aliases),
                slug_field=slug_field,
                slug_line=release.lines[slug_field],
                year=release.date.year,
                tag_slugs=[topic.slug for topic in release.topics],
            )
        )

    def used_pages(self, registries: Registries) -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
        """Pages the site has, or will have once all embargoes lift: by save_as, and numbered list pages."""
        settings = self.settings
        pages = {save_as: f"the address of {path}" for save_as, path in self.pages.items()}
        pages.update({release.save_as: f"the address of {release.path}" for release in self.releases})
        lists = {}
        for template in settings["DIRECT_TEMPLATES"]:
            save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
            if save_as:
                lists[save_as] = f"the {template} page"
        for key in registries.departments:
            lists[settings["CATEGORY_SAVE_AS"].format(slug=key)] = f"the department page {key!r}"
        for release in self.releases:
            for slug in release.tag_slugs:
                lists[settings["TAG_SAVE_AS"].format(slug=slug)] = f"the topic page {slug!r}"
            if settings.get("YEAR_ARCHIVE_SAVE_AS"):
                year = dt.date(release.year, 1, 1)
                lists[settings["YEAR_ARCHIVE_SAVE_AS"].format(date=year)] = f"the year archive {release.year}"
        pages.update({save_as: f"the address of {what}" for save_as, what in lists.items()})
        numbered = [(pagination_pattern(settings, save_as), f"a further page of {what}") for save_as, what in lists.items()]
        return pages, numbered

    def errors(self, registries: Registries) -> list[ContentError]:
        """Aliases that are used twice, that are the address of a page of the site, or that would write into its files.

        Addresses are compared without regard to case: on a case-insensitive
        file system (an editor's Mac) or web server, '/Impressum/' is '/impressum/'.
        """
        errors = list(self.manifest_errors)
        if not any(release.aliases for release in self.releases):
            return errors  # what follows compares aliases with the site's addresses: at 10,000 releases, a tenth of a second
        pages, numbered = self.used_pages(registries)
        pages = {save_as.casefold(): what for save_as, what in pages.items()}
        owned = sorted(segment.casefold() for segment in file_sections(self.settings))
        aliases = {
            alias_save_as(alias).casefold(): f"the alias {alias!r} in {release.path}:{line}"
            for release in self.releases
            for alias, line in release.aliases
        }
        first_use: dict[str, tuple[ReleaseLink, str, int]] = {}
        for release in sorted(self.releases, key=lambda item: item.path):
            for alias, line in release.aliases:
                save_as = alias_save_as(alias).casefold()
                folders = [save_as[:index] for index, char in enumerate(save_as) if char == "/"]
                if save_as == release.save_as.casefold():
                    problem = "is this release's own address"
                elif folders and folders[0] in owned:
                    taken = ", ".join(f"/{folder}/" for folder in owned)
                    problem = f"is inside /{folders[0]}/, which the site fills with its own files (taken: {taken})"
                elif save_as in pages:
                    problem = f"is {pages[save_as]}"
                else:
                    problem = next((f"is {what}" for pattern, what in numbered if pattern.fullmatch(save_as)), None)
                    inside = next((folder for folder in folders if folder in pages or folder in aliases), None)
                    if problem is None and inside is not None:
                        problem = f"needs a folder {inside!r}, but that is the file of {pages.get(inside) or aliases[inside]}"
                if problem:
                    errors.append(
                        ContentError(
                            release.path,
                            line,
                            "aliases",
                            f"{alias!r} {problem}; an alias must be an old address the site no longer uses",
                        )
                    )
                elif save_as in first_use:
                    other, other_alias, other_line = first_use[save_as]
                    for here, spelling, at, there, there_line in (
                        (release, alias, line, other, other_line),
                        (other, other_alias, other_line, release, line),
                    ):
                        errors.append(
                            ContentError(
                                here.path,
                                at,
                                "aliases",
                                f"{spelling!r} is also an alias in {there.path}:{there_line}; keep it in one release",
                            )
                        )
                else:
                    first_use[save_as] = (release, alias, line)
        return errors

    def warnings(self) -> list[ContentError]:
        """Published addresses that this build would break (see ``manifest.url_warnings``)."""
        return url_warnings(self.manifest_path, self.manifest, [release for release in self.releases if release.public])

    def report(self, registries: Registries) -> list[ContentError]:
        """Before the build stops on errors: log the URL warnings, return the alias errors."""
        for warning in self.warnings():
            logger.warning("%s", warning.format())
        return self.errors(registries)


def pagination_pattern(settings: dict, save_as: str) -> re.Pattern:
    """A regular expression for the numbered pages of a list page (``…/seite/2/``)."""
    directory, name = os.path.split(save_as)
    base_name = directory if name in INDEX_FILES else os.path.splitext(save_as)[0]
    alternatives = []
    for _, _, pattern in settings["PAGINATION_PATTERNS"]:
        text = pattern.format(
            base_name=base_name, number=NUMBER_TOKEN, name=os.path.splitext(save_as)[0], extension=".html", url=""
        )
        alternatives.append(re.escape(text.removeprefix("/")).replace(NUMBER_TOKEN, "[0-9]+"))
    return re.compile("|".join(alternatives) if alternatives else "(?!)", re.IGNORECASE)


def alias_save_as(alias: str) -> str:
    """The file that serves an alias: '/a/b/' -> 'a/b/index.html', '/a/b.html' -> 'a/b.html'."""
    relative = alias.lstrip("/")
    return relative + "index.html" if relative == "" or relative.endswith("/") else relative
