"""Stage 1b: read every source ahead of Pelican, on all cores, through a content cache.

Reading a release (YAML, Markdown, sanitising, the summary) costs about 5 ms,
and Pelican reads one file after another on one core: at 10,000 releases
that is most of a build. So before Pelican asks for its first file, every
Markdown file under the releases and pages folders is read here:

* a file read before with the same bytes comes from the cache in
  ``NEWSROOM["content_cache_dir"]``. The key is a hash of the file's bytes
  (not its mtime: a git checkout resets mtimes), its absolute path, and a
  fingerprint of everything else reading depends on — the code of
  ``read_source`` and all it imports (``newsroom.fingerprint``), the
  Markdown/YAML/nh3 versions, the settings, the data registries. A cached
  release with an image or attachments is read again when one of those
  files' bytes change; files with errors are never cached.
* the others are read in worker processes (forked, one Markdown instance
  each, reset between files).

Only reading is cached. Everything that looks across files (duplicate
numbers and ids, the clock, links, the URL manifest) runs on every build
from the ``Source`` objects, exactly as before.

The cache is restored by CI from earlier runs, so it is read as untrusted
data: plain text, never pickle (loading it cannot run code). After a header
line naming the format and its version, each line is one entry: its key, a
sha256 over the key and the entry's JSON, and the JSON, in which the few
non-JSON types a ``Source`` holds (tuples, Berlin datetimes, ``Correction``,
``ContentError``) are tagged objects with exactly one ``"$…"`` key. Every
entry is checked on load, digest first, then its shape; one that fails is
read again from its file, and the cache file gets one warning. This protects
against corruption (a truncated or edited file, an entry moved to another
key) and code execution; it does not protect against someone who can write
the cache and recomputes the digests: such a forged entry is published. A
cache that others can write is only as trustworthy as they are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import tempfile
from pathlib import Path

from ..errors import ContentError, display_path
from ..fingerprint import code_fingerprint
from ..processes import die_with_parent, forked_pool
from ..progress import Progress
from ..settings import newsroom
from .dates import BERLIN
from .markup import MarkdownRenderer
from .reading import MARKDOWN_EXTENSIONS, Source, read_source
from .registry import Registries
from .release import Correction

CACHE_VERSION = 1
CACHE_FORMAT = f"newsroom content cache, version {CACHE_VERSION}".encode()
CACHE_FILE = "sources-{}.v" + str(CACHE_VERSION)
# One file per fingerprint: the site, its draft preview and `invoke check` of
# another folder do not evict each other. The least recently used go beyond this.
CACHE_FILES_KEPT = 4
READING_LIBRARIES = ("Markdown", "PyYAML", "nh3", "beautifulsoup4", "Pillow")
# NEWSROOM keys that never change what reading a file gives: the build, its
# draft preview and `invoke check` may differ in them and still share a cache.
NOT_READING_SETTINGS = ("content_cache_dir", "reading_workers", "writing", "cards", "preview_drafts", "sign_language")
# Of NEWSROOM["images"], reading uses only the limits it warns about (the rest is the image stage's).
READING_IMAGE_SETTINGS = ("max_bytes", "max_pixels")
# Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_FROM = 32
CHUNK_SIZE = 32

logger = logging.getLogger(__name__)


def source_files(settings: dict) -> list[str]:
    """Every Markdown file under the releases and pages folders, in a stable order."""
    options = newsroom(settings)
    paths = []
    for folder in (options.releases_dir, options.pages_dir):
        for root, dirs, files in os.walk(os.path.join(settings["PATH"], folder)):
            dirs.sort()
            prefix = os.path.join(root, "")  # + name: os.path.join(root, name), without its cost for 10,000 files
            paths.extend(
                prefix + name
                for name in sorted(files)
                if name.rpartition(".")[2] in MARKDOWN_EXTENSIONS and not name.startswith(".")
            )
    return paths


def file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def reading_fingerprint(settings: dict, registries: Registries) -> str:
    """A hash of everything besides a file's own bytes that reading it depends on."""
    digest = hashlib.sha256(code_fingerprint(read_source.__module__).encode())
    digest.update(reading_inputs(settings, registries))
    return digest.hexdigest()


def reading_inputs(settings: dict, registries: Registries) -> bytes:
    """What reading depends on besides its code and the file: the libraries' versions, the settings it reads, the registries."""
    versions = "".join(f"{library}={importlib.metadata.version(library)}" for library in READING_LIBRARIES)
    options = {key: value for key, value in newsroom(settings).as_dict().items() if key not in NOT_READING_SETTINGS}
    options["images"] = {key: options["images"][key] for key in READING_IMAGE_SETTINGS}
    relevant = {
        "NEWSROOM": options,
        "PATH": os.path.abspath(settings["PATH"]),
        "SITEURL": settings.get("SITEURL", ""),
        "registries": registries,
    }
    return (versions + json.dumps(relevant, sort_keys=True, default=repr)).encode()


# --- The cache file format ---------------------------------------------------

DIGEST_PATTERN = re.compile(rb"[0-9a-f]{64}")
SOURCE_FIELDS = {
    "path": str,
    "kind": str,
    "values": dict,
    "html": str,
    "line_of": dict,
    "warnings": list,
    "slug": str,
    "summary": str,
}
SOURCE_KINDS = ("release", "page")


class NotCacheable(TypeError):
    """A value of a type the cache format has no tag for: extend ``encode_value`` and ``TAGS``."""


def encode_value(value: object) -> object:
    """A value of a ``Source`` as JSON data: the non-JSON types become objects with one ``"$…"`` key."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return [encode_value(item) for item in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode_value(item) for item in value]}
    if isinstance(value, dict) and all(isinstance(key, str) and not key.startswith("$") for key in value):
        return {key: encode_value(item) for key, item in value.items()}
    if isinstance(value, dt.datetime) and value.tzinfo is BERLIN:
        return {"$datetime": value.isoformat()}
    if isinstance(value, Correction):
        return {"$correction": [encode_value(value.date), value.note, value.line]}
    if isinstance(value, ContentError):
        return {"$content_error": [value.path, value.line, value.field, value.message]}
    raise NotCacheable(f"the content cache cannot hold {value!r}")


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def optional(kind: type, value: object) -> bool:
    return value is None or isinstance(value, kind)


def decode_datetime(text: object) -> dt.datetime:
    value = dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    if value is None or value.tzinfo is None:
        raise ValueError(f"not a datetime with an offset: {text!r}")
    return value.astimezone(BERLIN)


def decode_correction(fields: object) -> Correction:
    if not (isinstance(fields, list) and len(fields) == 3):
        raise ValueError("a correction is [date, note, line]")
    date, note, line = fields
    if not (isinstance(date, dt.datetime) and isinstance(note, str) and is_int(line)):
        raise ValueError("a correction is [date, note, line]")
    return Correction(date, note, line)


def decode_content_error(fields: object) -> ContentError:
    if not (isinstance(fields, list) and len(fields) == 4):
        raise ValueError("a message is [path, line, field, message]")
    path, line, field, message = fields
    if not (isinstance(path, str) and (line is None or is_int(line)) and optional(str, field) and isinstance(message, str)):
        raise ValueError("a message is [path, line, field, message]")
    return ContentError(path, line, field, message)


def decode_tuple(items: object) -> tuple:
    if not isinstance(items, list):
        raise ValueError("a tuple is a list of items")
    return tuple(items)


TAGS = {
    "$tuple": decode_tuple,
    "$datetime": decode_datetime,
    "$correction": decode_correction,
    "$content_error": decode_content_error,
}


def decode_object(data: dict) -> object:
    """JSON decoder hook, called innermost first: an object with one ``"$…"`` key becomes its value, any other stays a dict."""
    if len(data) != 1:
        return data
    ((key, value),) = data.items()
    if not key.startswith("$"):
        return data
    if key not in TAGS:
        raise ValueError(f"unknown tag {key!r}")
    return TAGS[key](value)


def no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number the cache writes")


DECODER = json.JSONDecoder(object_hook=decode_object, parse_constant=no_constant)


def encode_entry(source: Source, image: str | None) -> bytes:
    """One cache entry as a line of JSON (no newline inside: JSON escapes them in strings)."""
    fields = {name: getattr(source, name) for name in SOURCE_FIELDS}
    data = {"image": image, "source": encode_value(fields)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def decode_entry(payload: bytes) -> tuple[Source, str | None]:
    """The source and image digest of one entry; ValueError (or TypeError) if its shape is not exactly that."""
    data = DECODER.decode(payload.decode())
    if not (isinstance(data, dict) and data.keys() == {"image", "source"} and optional(str, data["image"])):
        raise ValueError("an entry is {image, source}")
    fields = data["source"]
    if not (isinstance(fields, dict) and fields.keys() == SOURCE_FIELDS.keys()):
        raise ValueError(f"a source has the fields {', '.join(SOURCE_FIELDS)}")
    for name, kind in SOURCE_FIELDS.items():
        if not isinstance(fields[name], kind):
            raise ValueError(f"a source's {name} is a {kind.__name__}")
    if fields["kind"] not in SOURCE_KINDS:
        raise ValueError(f"a source's kind is one of {', '.join(SOURCE_KINDS)}")
    if set(map(type, fields["line_of"].values())) - {int} or set(map(type, fields["warnings"])) - {ContentError}:
        raise ValueError("a source's lines are numbers and its warnings are messages")
    return Source(**fields), data["image"]


def entry_digest(key: bytes, payload: bytes) -> bytes:
    """Binds an entry to its key: an entry moved to another file's key fails as surely as an edited one."""
    return hashlib.sha256(key + b" " + payload).hexdigest().encode()


class ContentCache:
    """``key → (Source, image digest)`` per fingerprint, in a file rewritten only when something was read anew.

    It holds exactly the entries of the latest build with that fingerprint, so
    it never grows with edits. ``payloads`` keeps each entry's checked JSON, so
    saving writes unchanged entries back without encoding them again.
    """

    def __init__(self, folder: str, fingerprint: str) -> None:
        self.folder = folder
        self.path = os.path.join(folder, CACHE_FILE.format(fingerprint[:16]))
        self.entries: dict[str, tuple[Source, str | None]] = {}
        self.payloads: dict[str, bytes] = {}
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return  # a cold cache
        except OSError as error:
            self.warn(f" cannot be read ({error.strerror}); it is ignored and rebuilt")
            return
        header, _, body = data.partition(b"\n")
        if header != CACHE_FORMAT:
            self.warn(f" is not a {CACHE_FORMAT.decode()}; it is ignored and rebuilt")
            return
        lines = body.splitlines()
        for line in lines:
            self.load_entry(line)
        if len(self.entries) < len(lines):
            self.warn(
                f": {len(lines) - len(self.entries)} of {len(lines)} entries failed their check; their files are read again"
            )
        os.utime(self.path)  # recently used

    def warn(self, problem: str) -> None:
        """The one line a failing cache file gets."""
        logger.warning("Content cache %s%s", display_path(self.path), problem)

    def load_entry(self, line: bytes) -> None:
        parts = line.split(b" ", 2)
        if len(parts) != 3:
            return
        key, digest, payload = parts
        if not (DIGEST_PATTERN.fullmatch(key) and digest == entry_digest(key, payload)):
            return
        try:
            entry = decode_entry(payload)
        except (ValueError, TypeError, OverflowError, RecursionError):
            return
        self.entries[key.decode()] = entry
        self.payloads[key.decode()] = payload

    def save(self, payloads: dict[str, bytes]) -> None:
        """Write these entries (key → ``encode_entry``) as the whole cache; drop the least recently used other caches."""
        os.makedirs(self.folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(CACHE_FORMAT + b"\n")
            for key, payload in payloads.items():
                stream.write(b"%s %s %s\n" % (key.encode(), entry_digest(key.encode(), payload), payload))
        os.replace(temporary, self.path)
        used = []
        for entry in os.scandir(self.folder):
            if entry.name.startswith("sources-"):
                try:
                    # Files of another format version (pickles of old) go first.
                    used.append((entry.name.endswith(f".v{CACHE_VERSION}"), entry.stat().st_mtime_ns, entry.path))
                except FileNotFoundError:
                    pass  # removed by a build running beside this one
        for *_, stale in sorted(used, reverse=True)[CACHE_FILES_KEPT:]:
            Path(stale).unlink(missing_ok=True)


class ImageDigests:
    """Digests of the files a release's values were read from (its image, its attachments), each hashed once per build.

    A cached entry stands only while these files are unchanged: an image's
    size and an attachment's size and existence are part of the values. The
    digest of a release with only an image is that image's digest.
    """

    def __init__(self, content_path: str) -> None:
        self.content_path = content_path
        self.known: dict[str, str] = {}

    def file(self, relative: str) -> str:
        if relative not in self.known:
            try:
                self.known[relative] = file_digest(os.path.join(self.content_path, relative))
            except OSError:
                self.known[relative] = "missing"
        return self.known[relative]

    def of(self, source: Source) -> str | None:
        if source.kind != "release":
            return None
        image = source.values.get("image")
        files = [item["file"] for item in source.values.get("attachments", [])]
        if not files:
            return self.file(image["url"]) if image else None
        parts = [self.file(image["url"]) if image else ""] + [f"{name}={self.file(name)}" for name in files]
        return hashlib.sha256(" ".join(parts).encode()).hexdigest()


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
    import multiprocessing  # here: the pre-commit hook imports this module and mostly reads a file or none

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
            with forked_pool(workers, _start_worker) as pool:
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
    options = newsroom(settings)
    fingerprint = reading_fingerprint(settings, registries)
    cache = ContentCache(os.path.abspath(options.content_cache_dir), fingerprint)
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
    from_cache = set(found)
    missing = [path for path in paths if path not in from_cache]
    workers = options.reading_workers or os.cpu_count() or 1
    for path, source in zip(missing, read_files(missing, settings, registries, workers), strict=True):
        found[path] = source
    kept = {
        keys[path]: cache.payloads[keys[path]] if path in from_cache else encode_entry(source, images.of(source))
        for path, source in found.items()
        if path in keys and not source.errors
    }
    if missing or kept.keys() != cache.entries.keys():
        cache.save(kept)
    logger.info("Sources: %d read, %d from the cache", len(missing), len(found) - len(missing))
    return {os.path.abspath(path): source for path, source in found.items()}, len(missing)

