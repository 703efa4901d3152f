"""The Pelican reader: a read source, admitted into the build (``BuildState.admit``), as Pelican's metadata."""

from __future__ import annotations

import datetime as dt
import os

from pelican.readers import BaseReader
from pelican.urlwrappers import Tag

from ..content.dates import BERLIN
from ..content.markup import MarkdownRenderer
from ..content.reading import MARKDOWN_EXTENSIONS, Source, read_source, report_warnings
from ..content.release import Release
from ..content.slugs import german_slug

PLACEHOLDER_DATE = dt.datetime(1970, 1, 1, tzinfo=BERLIN)


def page_metadata(source: Source) -> dict:
    """A static page has no Release (``release`` is None, as for a file with errors)."""
    return {"title": source.values["title"], "slug": source.slug, "summary": source.summary, "release": None}


def release_metadata(release: Release, reader: BaseReader) -> dict:
    """What Pelican's Article and the templates read, every value taken from the Release.

    ``release`` itself travels along for the stages that read the typed value;
    ``override_url`` and ``override_save_as`` fix the address to the
    Release's (Pelican would format it again on every ``article.url``, ~15
    times per release in the lists).
    """
    category = reader.section("category", release.department["name"], release.department["key"])
    tags = [reader.section("tag", topic.name, topic.slug) for topic in release.topics]
    corrections = [{"date": correction.date, "note": correction.note} for correction in release.corrections]
    metadata = {
        "release": release,
        "title": release.title,
        "slug": release.slug,
        "summary": release.summary,
        "date": release.date,
        "number": str(release.number or ""),  # empty where the site has no numbers
        "override_url": release.url,
        "override_save_as": release.save_as,
        "category": category,
        "department": release.department,
        "tags": tags,
        "contact": release.contact,
        "image": release.image.as_metadata() if release.image else None,
        "attachments": release.attachments,
        "corrections": corrections,
        "updated": release.updated,
        "update_note": corrections[0]["note"] if corrections else None,
    }
    if release.updated:
        metadata["modified"] = release.updated
    return metadata


def placeholder_metadata(source: Source) -> dict:
    """Metadata for a file with errors: enough for Pelican to carry on until the build stops."""
    return {
        "title": source.path,
        "date": PLACEHOLDER_DATE,
        "status": "draft",
        "slug": "invalid-" + german_slug(source.path),
        "release": None,
    }


class NewsroomReader(BaseReader):
    """Reads release and page Markdown with strict YAML front matter, into the build's state.

    ``state`` is the running build's ``BuildState``: set on the class the
    plugin hands to Pelican for this build (``for_build``).
    """

    enabled = True
    file_extensions = list(MARKDOWN_EXTENSIONS)
    state = None

    def __init__(self, settings):
        super().__init__(settings)
        self.renderer = MarkdownRenderer()
        self.sections: dict[tuple[str, str, str], object] = {}

    def section(self, kind: str, name: str, slug: str):
        """The one category or tag object of every release of a department or topic (its address formatted once)."""
        key = (kind, name, slug)
        if key not in self.sections:
            wrapper = self.process_metadata("category", name) if kind == "category" else Tag(name, self.settings)
            wrapper.slug = slug
            self.sections[key] = wrapper
        return self.sections[key]

    @classmethod
    def for_build(cls, state) -> type[NewsroomReader]:
        return type(cls.__name__, (cls,), {"state": state})

    def read(self, source_path):
        source = self.state.sources.pop(os.path.abspath(source_path), None)
        if source is None:  # a file outside the releases and pages folders
            source = read_source(source_path, self.settings, self.state.registries, self.renderer)
        report_warnings(source)
        admitted = self.state.admit(source, source_path)
        if admitted is None:
            return "", placeholder_metadata(source)
        metadata = release_metadata(admitted.release, self) if admitted.release else page_metadata(source)
        metadata.update(admitted.visibility)
        return source.html, metadata

