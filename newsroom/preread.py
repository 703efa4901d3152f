"""Stage 1b: read every source ahead of Pelican, on all cores, through a content cache.

Reading a release (YAML, Markdown, sanitising, the summary) costs about 5 ms,
and Pelican reads one file after another on one core: at 10,000 releases
that is most of a build. So before Pelican asks for its first file, every
Markdown file under the releases and pages folders is read here:

* a file read before with the same bytes comes from the cache in
  ``NEWSROOM["content_cache_dir"]``. The key is a hash of the file's bytes
  (not its mtime: a git checkout resets mtimes), its absolute path, and a
  fingerprint of everything else reading depends on — the code of the
  reading stages, the Markdown/YAML/nh3 versions, the settings, the data
  registries. A cached release with an image is read again when the image
  file's bytes change; files with errors are never cached.
* the others are read in worker processes (forked, one Markdown instance
  each, reset between files).

Only reading is cached. Everything that looks across files (duplicate
numbers and ids, the clock, links, the URL manifest) runs on every build
from the ``Source`` objects, exactly as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
import pickle
import tempfile
from pathlib import Path

from .build import BUILD
from .errors import ContentError, display_path
from .markup import MarkdownRenderer
from .processes import die_with_parent
from .progress import Progress
from .reader import MARKDOWN_EXTENSIONS, Source, read_source
from .registry import Registries
from .settings import newsroom_settings

CACHE_FILE = "sources-{}.pickle"
# One file per fingerprint: the site, its draft preview and `invoke check` of
# another folder do not evict each other. The least recently used go beyond this.
CACHE_FILES_KEPT = 4
# Modules whose code decides what reading a file gives.
READING_MODULES = ("dates", "errors", "frontmatter", "markup", "model", "reader", "registry", "sanitize", "settings", "slugs", "urls")
READING_LIBRARIES = ("Markdown", "PyYAML", "nh3", "beautifulsoup4", "Pillow")
# NEWSROOM keys that never change what reading a file gives: the build, its
# draft preview and `invoke check` may differ in them and still share a cache.
NOT_READING_SETTINGS = ("content_cache_dir", "reading_workers", "writing", "cards", "preview_drafts")
# Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_FROM = 32
CHUNK_SIZE = 32

logger = logging.getLogger(__name__)


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


def file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def reading_fingerprint(settings: dict, registries: Registries) -> str:
    """A hash of everything besides a file's own bytes that reading it depends on."""
    package = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    for module in READING_MODULES:
        digest.update(file_digest(os.path.join(package, module + ".py")).encode())
    for library in READING_LIBRARIES:
        digest.update(f"{library}={importlib.metadata.version(library)}".encode())
    options = {key: value for key, value in newsroom_settings(settings).items() if key not in NOT_READING_SETTINGS}
    relevant = {
        "NEWSROOM": options,
        "PATH": os.path.abspath(settings["PATH"]),
        "SITEURL": settings.get("SITEURL", ""),
        "registries": registries,
    }
    digest.update(json.dumps(relevant, sort_keys=True, default=repr).encode())
    return digest.hexdigest()


class ContentCache:
    """A pickle of ``key → (Source, image digest)`` per fingerprint, rewritten only when something was read anew.

    It holds exactly the entries of the latest build with that fingerprint, so
    it never grows with edits.
    """

    def __init__(self, folder: str, fingerprint: str) -> None:
        self.folder = folder
        self.path = os.path.join(folder, CACHE_FILE.format(fingerprint[:16]))
        self.entries: dict[str, tuple[Source, str | None]] = {}
        try:
            with open(self.path, "rb") as handle:
                self.entries = pickle.load(handle)
            os.utime(self.path)  # recently used
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            self.entries = {}  # a missing or unreadable cache is an empty one

    def save(self, entries: dict[str, tuple[Source, str | None]]) -> None:
        os.makedirs(self.folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)
        used = []
        for entry in os.scandir(self.folder):
            if entry.name.startswith("sources-"):
                try:
                    used.append((entry.stat().st_mtime_ns, entry.path))
                except FileNotFoundError:
                    pass  # removed by a build running beside this one
        for _, stale in sorted(used, reverse=True)[CACHE_FILES_KEPT:]:
            Path(stale).unlink(missing_ok=True)


class ImageDigests:
    """Digests of the images releases use, each file hashed once per build."""

    def __init__(self, content_path: str) -> None:
        self.content_path = content_path
        self.known: dict[str, str | None] = {}

    def of(self, source: Source) -> str | None:
        image = source.values.get("image") if source.kind == "release" else None
        if not image:
            return None
        url = image["url"]
        if url not in self.known:
            try:
                self.known[url] = file_digest(os.path.join(self.content_path, url))
            except OSError:
                self.known[url] = "missing"
        return self.known[url]


# Set in the parent before the worker processes are forked, so they inherit it.
_job: tuple[dict, Registries] | None = None
_renderer: MarkdownRenderer | None = None


def _start_worker(parent: int) -> None:
    global _renderer
    die_with_parent(parent)
    _renderer = MarkdownRenderer()


def _read_in_worker(path: str) -> Source:
    settings, registries = _job
    return read_source(path, settings, registries, _renderer)


def as_shown_here(source: Source, shown: str) -> Source:
    """A cached source with its path as messages show it from this working directory."""
    if source.path != shown:
        source.path = shown
        source.warnings = [dataclasses.replace(warning, path=shown) for warning in source.warnings]
    return source


def read_files(paths: list[str], settings: dict, registries: Registries, workers: int) -> list[Source]:
    """Read files here or in forked worker processes; results in the order of ``paths``."""
    global _job
    with Progress("Gelesen", len(paths), "Dateien") as shown:
        if workers < 2 or len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
            renderer = MarkdownRenderer()
            sources = []
            for path in paths:
                sources.append(read_source(path, settings, registries, renderer))
                shown.advance()
            return sources
        _job = (settings, registries)
        try:
            with multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
                sources = []
                for source in pool.imap(_read_in_worker, paths, chunksize=CHUNK_SIZE):
                    sources.append(source)
                    shown.advance()
                return sources
        finally:
            _job = None


def read_all(settings: dict, registries: Registries, paths: list[str] | None = None) -> tuple[dict[str, Source], int]:
    """Every source file, read or taken from the cache, by absolute path; and how many were read anew."""
    paths = source_files(settings) if paths is None else paths
    options = newsroom_settings(settings)
    fingerprint = reading_fingerprint(settings, registries)
    cache = ContentCache(os.path.abspath(options["content_cache_dir"]), fingerprint)
    images = ImageDigests(settings["PATH"])
    found: dict[str, Source] = {}
    keys: dict[str, str] = {}
    for path in paths:
        digest = hashlib.sha256(fingerprint.encode())
        digest.update(os.path.abspath(path).encode() + b"\0")
        try:
            digest.update(file_digest(path).encode())
        except OSError:
            continue  # read_source reports it
        key = keys[path] = digest.hexdigest()
        cached = cache.entries.get(key)
        if cached and cached[1] == images.of(cached[0]):
            found[path] = as_shown_here(cached[0], display_path(path))
    missing = [path for path in paths if path not in found]
    workers = options["reading_workers"] or os.cpu_count() or 1
    for path, source in zip(missing, read_files(missing, settings, registries, workers)):
        found[path] = source
    kept = {
        keys[path]: (source, images.of(source))
        for path, source in found.items()
        if path in keys and not source.errors
    }
    if missing or kept.keys() != cache.entries.keys():
        cache.save(kept)
    logger.info("Sources: %d read, %d from the cache", len(missing), len(found) - len(missing))
    return {os.path.abspath(path): source for path, source in found.items()}, len(missing)


def read_ahead(generator) -> None:
    """Receiver of ``article_generator_init``: read everything before Pelican asks for the first file."""
    workers = newsroom_settings(generator.settings)["reading_workers"]
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        message = f"{workers!r} is not a number of processes; use 0 (one per core) or more"
        BUILD.errors.append(ContentError("NEWSROOM", None, "reading_workers", message))
        return
    BUILD.sources, read = read_all(generator.settings, BUILD.registries)
    BUILD.reading = (read, len(BUILD.sources) - read)
