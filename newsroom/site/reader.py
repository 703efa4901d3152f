"""The Pelican reader: a read source (``newsroom.content.reading``) into Pelican's metadata."""

from __future__ import annotations

import datetime as dt
import logging
import os

from pelican.readers import BaseReader
from pelican.urlwrappers import Tag

from ..content.dates import BERLIN
from ..content.markup import MarkdownRenderer
from ..content.reading import MARKDOWN_EXTENSIONS, Source, read_source
from ..content.slugs import german_slug
from ..outputs.feeds import permanent_id
from ..outputs.redirects import LINKS
from ..settings import newsroom
from .build import BUILD
from .clock import CLOCK

PLACEHOLDER_DATE = dt.datetime(1970, 1, 1, tzinfo=BERLIN)

logger = logging.getLogger(__name__)


def report_warnings(source: Source) -> None:
    for warning in source.warnings:
        logger.warning(warning.format())


def pelican_metadata(source: Source, reader: BaseReader) -> dict:
    """Translate validated values into the metadata Pelican's Article and Page expect."""
    values = source.values
    options = newsroom(reader.settings)
    metadata = {
        "title": values["title"],
        "slug": source.slug,
        "summary": source.summary,
    }
    if source.kind == "page":
        return metadata

    department = values["department"]
    category = reader.process_metadata("category", department["name"])
    category.slug = department["key"]
    tags = []
    for name in values.get("tags", []):
        tag = Tag(name, reader.settings)
        tag.slug = german_slug(name, options.slug_max_length)
        tags.append(tag)
    serial, year = values["number"]
    image = values.get("image")
    if image:
        image = {
            **image,
            "alt": values["image_alt"],
            "credit": values.get("image_credit", ""),
            "focus": values.get("image_focus", (0.5, 0.5)),
        }
    metadata.update(
        {
            "date": values["date"],
            "number": f"{serial}/{year}",
            "release_id": permanent_id(reader.settings, values),
            "release_no": serial,
            "release_year": year,
            "category": category,
            "department": department,
            "tags": tags,
            "contact": values["contact"],
            "image": image,
            "aliases": [alias for alias, _ in values.get("aliases", [])],
        }
    )
    metadata.update(correction_metadata(values))
    return metadata


def correction_metadata(values: dict) -> dict:
    """``corrections`` newest first; ``updated``/``update_note`` (and Pelican's ``modified``) from the newest.

    Feeds, ``article:modified_time`` and JSON-LD ``dateModified`` read
    ``updated``, so it must be the newest correction whichever form the file uses.
    """
    if "corrections" in values:
        pairs = [(correction.date, correction.note) for correction in values["corrections"]]
    elif "updated" in values:
        pairs = [(values["updated"], values["update_note"])]
    else:
        pairs = []
    corrections = [{"date": date, "note": note} for date, note in sorted(pairs, key=lambda pair: pair[0], reverse=True)]
    newest = corrections[0] if corrections else {"date": None, "note": None}
    metadata = {"corrections": corrections, "updated": newest["date"], "update_note": newest["note"]}
    if newest["date"]:
        metadata["modified"] = newest["date"]
    return metadata


def placeholder_metadata(source: Source) -> dict:
    """Metadata for a file with errors: enough for Pelican to carry on until the build stops."""
    return {
        "title": source.path,
        "date": PLACEHOLDER_DATE,
        "status": "draft",
        "slug": "invalid-" + german_slug(source.path),
    }


class NewsroomReader(BaseReader):
    """Reads release and page Markdown with strict YAML front matter."""

    enabled = True
    file_extensions = list(MARKDOWN_EXTENSIONS)

    def __init__(self, settings):
        super().__init__(settings)
        self.renderer = MarkdownRenderer()

    def read(self, source_path):
        source = BUILD.sources.pop(os.path.abspath(source_path), None)
        if source is None:  # a file outside the releases and pages folders
            source = read_source(source_path, self.settings, BUILD.registries, self.renderer)
        report_warnings(source)
        BUILD.record(source)
        if source.errors:
            return "", placeholder_metadata(source)
        metadata = pelican_metadata(source, self)
        metadata.update(CLOCK.visibility(source, source_path))
        LINKS.record(source, metadata, public=metadata["status"] != "skip")
        return source.html, metadata


def use_newsroom_reader(readers) -> None:
    """Signal receiver: every Markdown extension goes through the strict reader."""
    for extension in MARKDOWN_EXTENSIONS:
        readers.reader_classes[extension] = NewsroomReader
