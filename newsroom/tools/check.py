"""``invoke check``: validate all content without building, with the build's own messages."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from pelican.settings import read_settings

from ..content.preread import read_all, source_files
from ..content.reading import Source, read_source
from ..errors import ContentError
from ..outputs.redirects import Links
from ..site.build import Build
from ..site.clock import PUBLISHED, WITHDRAWN, read_now, release_state
from ..site.reader import NewsroomReader, pelican_metadata, report_warnings


@dataclass
class Check:
    """What reading all content found: errors, URL warnings, and the valid sources."""

    errors: list[ContentError]
    warnings: list[ContentError]
    files: int
    sources: list[Source]
    links: Links
    now: dt.datetime
    settings: dict


def check_content(settings_file: str, content_path: str | None = None, now: dt.datetime | None = None) -> Check:
    """Read every source like the build does (the build clock decides what is public)."""
    override = {"PATH": os.path.abspath(content_path)} if content_path else None
    settings = read_settings(settings_file, override=override)
    now = now or read_now()
    build = Build()
    build.start(settings)
    links = Links()
    if not build.ready:  # as the build: nothing is read with bad settings or through a link out of the content folder
        return Check(build.errors, [], len(source_files(settings)), [], links, now, settings)
    links.start(settings)
    reader = NewsroomReader(settings)
    files = source_files(settings)
    read, _ = read_all(settings, build.registries, files)
    sources = []
    for path in files:
        source = read.get(os.path.abspath(path)) or read_source(path, settings, build.registries, reader.renderer)
        report_warnings(source)
        build.record(source)
        if source.errors:
            continue
        sources.append(source)
        public = source.kind != "release" or release_state(source.values, now) in (PUBLISHED, WITHDRAWN)
        links.record(source, pelican_metadata(source, reader), public)
    errors = sorted(set(build.all_errors() + links.errors(build.registries)), key=ContentError.sort_key)
    return Check(errors, links.warnings(), len(files), sources, links, now, settings)
