"""``invoke check``: validate all content without building, with the build's own messages."""

from __future__ import annotations

import os

from pelican.settings import read_settings

from .build import Build
from .errors import ContentError
from .markup import MarkdownRenderer
from .reader import MARKDOWN_EXTENSIONS, read_source
from .settings import newsroom_settings


def source_files(settings: dict) -> list[str]:
    """Every Markdown file under the releases and pages folders, in a stable order."""
    options = newsroom_settings(settings)
    paths = []
    for folder in (options["releases_dir"], options["pages_dir"]):
        for root, dirs, files in os.walk(os.path.join(settings["PATH"], folder)):
            dirs.sort()
            paths.extend(
                os.path.join(root, name)
                for name in sorted(files)
                if name.rsplit(".", 1)[-1] in MARKDOWN_EXTENSIONS and not name.startswith(".")
            )
    return paths


def check_content(settings_file: str, content_path: str | None = None) -> tuple[list[ContentError], int]:
    """All content errors and the number of files read."""
    override = {"PATH": os.path.abspath(content_path)} if content_path else None
    settings = read_settings(settings_file, override=override)
    build = Build()
    build.start(settings)
    renderer = MarkdownRenderer()
    files = source_files(settings)
    for path in files:
        build.record(read_source(path, settings, build.registries, renderer))
    return sorted(set(build.all_errors()), key=ContentError.sort_key), len(files)
