"""``invoke check``: validate all content without building, with the build's own messages.

It reads through the build's own state (``BuildState.start`` and ``admit``),
so it finds exactly what a build would, only nothing is rendered or written.

``check_changed`` (``invoke check --changed``, the pre-commit hook) gives the
same messages at the cost of what changed: files whose facts the check's
index (``newsroom.content.facts``) still vouches for are not read; their
facts go through ``BuildState.record`` like a read file's, so every check
across files runs over all of them.

``run`` is the task; ``python -m newsroom.tools.check`` runs it without
invoke's start (the hook's entry). Neither loads what only a build needs:
Pelican's generators, the stages that write, the HTML parser until a file is read.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import os
import sys
from dataclasses import dataclass

from ..content.facts import Facts, FactsIndex
from ..content.markup import MarkdownRenderer
from ..content.preread import read_all, source_files
from ..content.reading import Source, read_source, report_warnings
from ..content.release import Release
from ..errors import ContentError
from ..outputs.links import Links
from ..site.build import BuildState
from ..site.clock import read_now
from . import annotations

# Up to this many files are read here, one after another; more go through the
# content cache and its worker processes (a checkout of another branch, a cold index).
READ_HERE_AT_MOST = 100


@dataclass
class Check:
    """What reading all content found: errors, URL warnings, and the valid sources and releases.

    After ``check_changed``, ``sources`` and ``releases`` are only those read anew.
    """

    errors: list[ContentError]
    warnings: list[ContentError]
    files: int
    sources: list[Source]
    releases: list[Release]
    links: Links | None
    now: dt.datetime
    settings: dict


def enter_pelican_bare() -> None:
    """Let Pelican's modules load without its package ``__init__`` until something asks the package itself.

    That ``__init__`` imports Pelican's generators, readers (docutils),
    writers and server: a third of a second, most of what the pre-commit hook
    may take, and the check needs none of them, only ``read_settings`` (and,
    for a file it reads, two helpers). So when Pelican is not loaded yet, the
    package is entered as a bare module (its path, no code run); the first
    attribute asked of the package itself (``from pelican import signals``,
    ``pelican.Pelican``) runs the ``__init__`` in it, and from then on it is
    all of Pelican, as if imported so.
    """
    if "pelican" in sys.modules:
        return
    spec = importlib.util.find_spec("pelican")
    package = importlib.util.module_from_spec(spec)

    def complete(name: str) -> object:
        del package.__dict__["__getattr__"]
        spec.loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = complete
    sys.modules["pelican"] = package


def read_site_settings(settings_file: str, override: dict | None) -> dict:
    """Pelican's ``read_settings``, the very function the build reads them with (entered bare)."""
    enter_pelican_bare()
    from pelican.settings import read_settings

    return read_settings(settings_file, override=override)


def start_check(settings_file: str, content_path: str | None, now: dt.datetime | None) -> tuple[BuildState, list, dt.datetime]:
    """The build's state for a check (the build clock decides what is public; drafts are not previewed), the files, now."""
    override = {"PATH": os.path.abspath(content_path)} if content_path else None
    settings = read_site_settings(settings_file, override)
    now = now or read_now()
    return BuildState.start(settings, now, writing=False), source_files(settings), now


def finish_check(state: BuildState, files: list[str], sources: list[Source], now: dt.datetime) -> Check:
    """Every error, the cross-file ones included, sorted; and the URL warnings."""
    if not state.ready:  # as the build: nothing is read with bad settings or through a link out of the content folder
        return Check(state.errors, [], len(files), [], [], None, now, state.settings)
    errors = sorted(set(state.all_errors() + state.links.errors(state.registries)), key=ContentError.sort_key)
    return Check(errors, state.links.warnings(), len(files), sources, state.releases, state.links, now, state.settings)


def admit_all(state: BuildState, files: list[str], read: dict[str, Source], index: FactsIndex | None = None,
              known: dict[str, Facts | None] | None = None) -> list[Source]:
    """Admit every file in order: its facts from ``known``, else its source from ``read``, else read here.

    Sources admitted without errors go into ``index``; the sources are returned.
    """
    renderer = None
    sources = []
    for path in files:
        facts = known.get(path) if known else None
        if facts is not None:
            if facts.warnings:
                report_warnings(facts)
            state.record(facts, facts.release, path)
            continue
        source = read.get(os.path.abspath(path))
        if source is None:  # not read ahead: the index's choice, or a file the read-ahead could not hash
            renderer = renderer or MarkdownRenderer()
            source = read_source(path, state.settings, state.registries, renderer)
        report_warnings(source)
        admitted = state.admit(source, path)
        if admitted is not None:
            sources.append(source)
            if index is not None:
                index.add(path, source, admitted.release)
    return sources


def check_content(settings_file: str, content_path: str | None = None, now: dt.datetime | None = None) -> Check:
    """Read every source like the build does, through the content cache."""
    state, files, now = start_check(settings_file, content_path, now)
    if not state.ready:
        return finish_check(state, files, [], now)
    read, _ = read_all(state.settings, state.registries, files)
    return finish_check(state, files, admit_all(state, files, read), now)


def check_changed(settings_file: str, content_path: str | None = None, now: dt.datetime | None = None) -> Check:
    """The messages of ``check_content``, reading only the files the index no longer vouches for."""
    state, files, now = start_check(settings_file, content_path, now)
    if not state.ready:
        return finish_check(state, files, [], now)
    gc.disable()  # some twenty objects a file, none freed before the end: a collection would only walk them all again
    try:
        index = FactsIndex(state.settings, state.registries)
        known = {path: index.known(path) for path in files}
        unread = sum(facts is None for facts in known.values())
        read = read_all(state.settings, state.registries, files)[0] if unread > READ_HERE_AT_MOST else {}
        sources = admit_all(state, files, read, index, known)
        index.save()
        return finish_check(state, files, sources, now)
    finally:
        gc.enable()


def report(result: Check) -> None:
    """Print the errors and URL warnings (standard error); on errors, exit with the closing line (status 1)."""
    for line in annotations.text_lines(result):
        print(line, file=sys.stderr)
    if result.errors:
        sys.exit(annotations.summary(result))


def run(settings_file: str, content_path: str, format: str = "text", changed: bool = False) -> None:
    """``invoke check`` and ``python -m newsroom.tools.check``: check, print in ``format``, exit 1 on errors."""
    if format not in annotations.FORMATS:
        sys.exit(f"check: --format {format!r} is not one of {', '.join(annotations.FORMATS)}")
    result = (check_changed if changed else check_content)(settings_file, content_path)
    if format == "text":
        report(result)
    elif format == "github":  # the runner reads the commands on standard output and shows each as an annotation
        for line in annotations.github_commands(result):
            print(line)
    else:  # the document alone on standard output (CI writes it to the report file); the messages readable in the log
        sys.stdout.write(annotations.gitlab_report(result) if format == "gitlab" else annotations.json_report(result))
        for line in annotations.text_lines(result):
            print(line, file=sys.stderr)
    if result.errors:
        sys.exit(annotations.summary(result))
    print(annotations.summary(result), file=sys.stdout if format in ("text", "github") else sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """The pre-commit hook's entry: ``invoke check`` without invoke's own start (a tenth of a second of the hook's second)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m newsroom.tools.check", description="invoke check: the same messages and exit status."
    )
    parser.add_argument("--content", default="content", help="content folder")
    parser.add_argument("--settings", default="pelicanconf.py", help="settings file")
    parser.add_argument("--format", default="text", help=", ".join(annotations.FORMATS))
    parser.add_argument("--changed", action="store_true", help="read only the files changed since the last such check")
    options = parser.parse_args(argv)
    run(options.settings, options.content, options.format, options.changed)


if __name__ == "__main__":
    main()
