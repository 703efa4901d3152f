"""Stage 1: read one Markdown source into validated values and HTML.

``read_source`` is shared by the Pelican reader (``newsroom.site.reader``),
the read-ahead (``newsroom.content.preread``) and ``invoke check``, so all
report exactly the same messages.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import ContentError, display_path
from ..settings import data_dir, newsroom
from ..urls import public_base
from .confine import content_relative_dir, link_errors
from .frontmatter import parse
from .markup import MarkdownRenderer, derive_summary
from .numbering import Numbering
from .registry import Registries
from .rules import Context, image_warnings, validate_page, validate_release
from .sanitize import html_problems, sanitize
from .slugs import german_slug

MARKDOWN_EXTENSIONS = ("md", "markdown", "mkd", "mdown")

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


def report_warnings(source) -> None:
    """Log the warnings reading gave (the reader and ``invoke check`` do, a source read or its facts from the check's index)."""
    for warning in source.warnings:
        logger.warning(warning.format())


def source_kind(full_path: str, settings: dict) -> str:
    """'release' for files under the releases folder, 'page' otherwise."""
    relative = os.path.relpath(full_path, settings["PATH"])
    first = relative.replace(os.sep, "/").split("/", 1)[0]
    return "release" if first == newsroom(settings).releases_dir else "page"


def read_source(full_path: str, settings: dict, registries: Registries, renderer: MarkdownRenderer) -> Source:
    """Read, split, validate and render one file; never raises for bad content."""
    try:
        with open(full_path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        shown = display_path(full_path)
        problem = ContentError(shown, None, None, f"cannot be read: {error.strerror}")
        return Source(shown, source_kind(full_path, settings), errors=[problem])
    return read_bytes(full_path, raw, settings, registries, renderer)


def read_bytes(full_path: str, raw: bytes, settings: dict, registries: Registries, renderer: MarkdownRenderer) -> Source:
    """``read_source`` of the bytes a file at ``full_path`` would hold (``invoke import`` checks a release before writing it)."""
    shown = display_path(full_path)
    source = Source(shown, source_kind(full_path, settings))
    document, source.errors = parse(shown, raw)
    if document is None:
        return source
    options = newsroom(settings)
    context = Context(
        content_path=settings["PATH"],
        registries=registries,
        data_dir_name=display_path(data_dir(settings)),
        default_contact=options.default_contact,
        numbering=Numbering.of(settings),
        slug_max_length=options.slug_max_length,
        static_paths=tuple(settings.get("STATIC_PATHS", ())),
    )
    validate = validate_release if source.kind == "release" else validate_page
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
        source.warnings.extend(image_warnings(source.values, source.line_of, shown, options.images))
    return source
