"""Stage 1: read one Markdown source into validated values and HTML.

``read_source`` is shared by the Pelican reader and by ``invoke check``, so
both report exactly the same messages.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pelican.readers import BaseReader
from pelican.urlwrappers import Tag

from .build import BUILD
from .clock import CLOCK
from .confine import content_relative_dir, link_errors
from .dates import BERLIN
from .errors import ContentError, display_path
from .feeds import permanent_id
from .frontmatter import parse
from .links import LINKS
from .markup import MarkdownRenderer, derive_summary
from .model import Context, validate_page, validate_release
from .registry import Registries
from .sanitize import html_problems, sanitize
from .settings import data_dir, newsroom
from .slugs import german_slug
from .urls import public_base

MARKDOWN_EXTENSIONS = ("md", "markdown", "mkd", "mdown")
PLACEHOLDER_DATE = dt.datetime(1970, 1, 1, tzinfo=BERLIN)

logger = logging.getLogger(__name__)


@dataclass
class Source:
    """One source file after reading: its values, its HTML, or its errors."""

    path: str
    kind: str
    values: dict = field(default_factory=dict)
    html: str = ""
    line_of: dict = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    slug: str = ""
    summary: str = ""


def source_kind(full_path: str, settings: dict) -> str:
    """'release' for files under the releases folder, 'page' otherwise."""
    relative = os.path.relpath(full_path, settings["PATH"])
    first = relative.replace(os.sep, "/").split("/", 1)[0]
    return "release" if first == newsroom(settings).releases_dir else "page"


def read_source(full_path: str, settings: dict, registries: Registries, renderer: MarkdownRenderer) -> Source:
    """Read, split, validate and render one file; never raises for bad content."""
    shown = display_path(full_path)
    kind = source_kind(full_path, settings)
    source = Source(shown, kind)
    try:
        with open(full_path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        source.errors.append(ContentError(shown, None, None, f"cannot be read: {error.strerror}"))
        return source
    document, source.errors = parse(shown, raw)
    if document is None:
        return source
    options = newsroom(settings)
    context = Context(
        content_path=settings["PATH"],
        registries=registries,
        data_dir_name=display_path(data_dir(settings)),
        default_contact=options.default_contact,
        slug_max_length=options.slug_max_length,
    )
    validate = validate_release if kind == "release" else validate_page
    source.values, errors = validate(document, context)
    source.errors.extend(errors)
    source.line_of = {name: entry.line for name, entry in document.entries.items()}
    if not source.errors:
        source.slug = source.values.get("slug") or german_slug(source.values["title"], options.slug_max_length)
        source.html, removals = sanitize(renderer.render(document.body), urlsplit(public_base(settings)).hostname)
        source.errors.extend(link_errors(document, source.html, content_relative_dir(full_path, settings["PATH"]), settings))
        strict = options.strict_html
        (source.errors if strict else source.warnings).extend(html_problems(removals, document, strict))
        source.summary = source.values.get("summary") or derive_summary(source.html, options.summary_length)
    return source


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
