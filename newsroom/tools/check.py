"""``invoke check``: validate all content without building, with the build's own messages.

It reads through the build's own state (``BuildState.start`` and ``admit``),
so it finds exactly what a build would, only nothing is rendered or written.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from pelican.settings import read_settings

from ..content.markup import MarkdownRenderer
from ..content.preread import read_all, source_files
from ..content.reading import Source, read_source
from ..content.release import Release
from ..errors import ContentError
from ..outputs.redirects import Links
from ..site.build import BuildState
from ..site.clock import read_now
from ..site.reader import report_warnings


@dataclass
class Check:
    """What reading all content found: errors, URL warnings, and the valid sources and releases."""

    errors: list[ContentError]
    warnings: list[ContentError]
    files: int
    sources: list[Source]
    releases: list[Release]
    links: Links | None
    now: dt.datetime
    settings: dict


def check_content(settings_file: str, content_path: str | None = None, now: dt.datetime | None = None) -> Check:
    """Read every source like the build does (the build clock decides what is public; drafts are not previewed)."""
    override = {"PATH": os.path.abspath(content_path)} if content_path else None
    settings = read_settings(settings_file, override=override)
    now = now or read_now()
    state = BuildState.start(settings, now)
    files = source_files(settings)
    if not state.ready:  # as the build: nothing is read with bad settings or through a link out of the content folder
        return Check(state.errors, [], len(files), [], [], None, now, settings)
    read, _ = read_all(settings, state.registries, files)
    renderer = MarkdownRenderer()
    sources = []
    for path in files:
        source = read.get(os.path.abspath(path)) or read_source(path, settings, state.registries, renderer)
        report_warnings(source)
        if state.admit(source, path) is not None:
            sources.append(source)
    errors = sorted(set(state.all_errors() + state.links.errors(state.registries)), key=ContentError.sort_key)
    return Check(errors, state.links.warnings(), len(files), sources, state.releases, state.links, now, settings)
