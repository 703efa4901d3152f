"""The check's index: what the checks across files take from each valid source, so a commit's check reads only what changed.

``invoke check --changed`` (the pre-commit hook) compares the changed
releases with all the others — numbers, ids, addresses, aliases, published
URLs — and reading 10,000 releases takes seconds even from the content cache
(``preread``). So it keeps, beside that cache, one small file: for each valid
source its ``Facts`` (what ``BuildState.record`` needs of it, and the
warnings reading it gave), the sha256 of its bytes, and its identity.

A file's facts stand only while the file is provably the one they were
taken from. Its identity (device, inode, size, mtime and ctime, as git's
index keeps them) is the fast path; when it differs, the file's bytes are
hashed and compared with the digest taken before it was read; when those
differ too, it is read again. An identity is only kept if the file last
changed ``RACY_SECONDS`` before it was seen (a change within the same
timestamp tick would leave it equal), so a file just written is hashed next
time. The files a release's values were read from (its image, its
attachments) are checked the same way, as the content cache checks them. A
file with errors is never indexed: it is read on every check.

One index file per fingerprint: the content cache's (code of reading,
library versions, settings, registries), the code of this module, the
address settings and the working directory (paths are kept as messages show
them). It is read as untrusted data like the content cache: JSON under a
sha256 of the whole; one that fails its digest or its shape is ignored with a
warning, and the check reads every file.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import tempfile
import time
from collections import namedtuple
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, display_path
from ..fingerprint import code_fingerprint
from ..settings import newsroom
from .dates import BERLIN
from .numbering import Numbering
from .preread import file_digest, reading_fingerprint
from .reading import Source
from .registry import Registries
from .release import Release, ReleaseNumber, Topic

INDEX_VERSION = 1
INDEX_FORMAT = f"newsroom check index, version {INDEX_VERSION}"
INDEX_FILE = "facts-{}.v" + str(INDEX_VERSION)
INDEX_FILES_KEPT = 4
# The settings a Release's stored address depends on, besides NEWSROOM (in the reading fingerprint).
ADDRESS_SETTINGS = ("ARTICLE_URL", "ARTICLE_SAVE_AS", "DEFAULT_LANG")
# Of a source's lines, those the checks across files name.
LINES_KEPT = frozenset({"number", "id", "slug", "title"})
RACY_SECONDS = 2

logger = logging.getLogger(__name__)

Media = namedtuple("Media", "path")  # an image or attachment as ``BuildClock`` reads it: by its path


@dataclass(slots=True)  # not frozen: the index makes thousands, and a frozen dataclass is slower to make
class Facts:
    """One valid source as the checks across files see it; stands in for both its ``Source`` and its ``Release``.

    It has exactly the attributes ``CrossFileChecks``, ``BuildClock.visibility``
    and ``Links.record`` read, and no text: ``html`` is empty, so the paths
    its links name are not among the held-back ones (which only the build
    uses, to leave files out of the output).
    """

    kind: str
    path: str
    slug: str
    status: str | None  # a page's as written (None: not written); a release's status
    lines: dict[str, int]
    warnings: tuple[ContentError, ...]
    number: ReleaseNumber | None = None
    key: str = ""
    reference: str = ""
    date: dt.datetime | None = None
    permanent_id: str = ""
    id_written: bool = False
    url: str = ""
    save_as: str = ""
    aliases: tuple[tuple[str, int], ...] = ()
    topics: tuple[Topic, ...] = ()
    withdrawn: dt.datetime | None = None
    withdrawal_reason: str | None = None
    image_path: str | None = None
    attachment_paths: tuple[str, ...] = ()

    html = ""

    @classmethod
    def of(cls, source: Source, release: Release | None) -> Facts:
        lines = {name: line for name, line in source.line_of.items() if name in LINES_KEPT}
        if release is None:
            return cls("page", source.path, source.slug, source.values.get("status"), lines, tuple(source.warnings))
        return cls(
            "release", source.path, release.slug, release.status, lines, tuple(source.warnings),
            number=release.number, key=release.key, reference=release.reference, date=release.date,
            permanent_id=release.permanent_id, id_written=release.id_written,
            url=release.url, save_as=release.save_as, aliases=release.aliases, topics=release.topics,
            withdrawn=release.withdrawn, withdrawal_reason=release.withdrawal_reason,
            image_path=release.image.path if release.image else None,
            attachment_paths=tuple(attachment.path for attachment in release.attachments),
        )

    @property
    def release(self) -> Facts | None:
        """What stands in for the Release: these facts for a release, None for a page."""
        return self if self.kind == "release" else None

    @property
    def values(self) -> dict:
        return {} if self.status is None else {"status": self.status}

    @property
    def line_of(self) -> dict[str, int]:
        return self.lines

    @property
    def id_line(self) -> int:
        return self.lines["id" if self.id_written else "number"]

    @property
    def image(self) -> Media | None:
        return Media(self.image_path) if self.image_path else None

    @property
    def attachments(self) -> tuple[Media, ...]:
        return tuple(Media(path) for path in self.attachment_paths)

    @property
    def media(self) -> list[str]:
        """The content files the values were read from, besides the source itself."""
        return ([self.image_path] if self.image_path else []) + list(self.attachment_paths)

    def as_json(self) -> list:
        """A list by position (the index holds thousands): the fields of a page, and for a release its own after them."""
        data = [self.kind, self.path, self.slug, self.status, self.lines,
                [[warning.path, warning.line, warning.field, warning.message] for warning in self.warnings]]
        if self.kind == "release":
            data += [
                str(self.number) if self.number else None, self.key, self.reference, self.date.isoformat(),
                self.permanent_id, self.id_written,
                self.url, self.save_as, [list(alias) for alias in self.aliases],
                [[topic.name, topic.slug] for topic in self.topics],
                self.withdrawn.isoformat() if self.withdrawn else None, self.withdrawal_reason, self.image_path,
                list(self.attachment_paths),
            ]
        return data

    @classmethod
    def from_json(cls, data: list, numbering: Numbering) -> Facts:
        """Facts from ``as_json`` (of a site with ``numbering``); ValueError (or TypeError) when the data is not of that shape."""
        kind, path, slug, status, lines, warnings, *own = data
        if type(lines) is not dict or not lines.keys() <= LINES_KEPT or not all(map(is_int, lines.values())):
            raise ValueError("lines are field names and numbers")
        base = (kind, *strings(path, slug), status, lines, tuple(message(*fields) for fields in warnings))
        if kind == "page" and not own:
            return cls(*base)
        if kind != "release":
            raise ValueError("a source is a release or a page")
        (number, key, reference, date, permanent_id, id_written, url, save_as, aliases, topics, withdrawn, reason, image,
         attachments) = own
        scheme = numbering.kind
        parsed = None if number is None or scheme is None else scheme.parse(number)
        if (number is None) != (scheme is None) or (number is not None and parsed is None):
            raise ValueError("the number is not one of this site's scheme")
        strings(key, reference)
        return cls(  # by position, in the order of the fields (the index makes thousands)
            *base, parsed, key, reference, berlin(date), permanent_id, bool(id_written), url, save_as,
            tuple((alias, line) for alias, line in aliases), tuple(topic(name, slug) for name, slug in topics),
            berlin(withdrawn) if withdrawn else None, reason, image, strings(*attachments),
        )


@functools.lru_cache(maxsize=1024)
def topic(name: str, slug: str) -> Topic:
    """One ``Topic`` for each, however many releases name it (a site has a few dozen, 10,000 releases three each)."""
    return Topic(name, slug)


def is_int(value: object) -> bool:
    return type(value) is int  # not a bool, which JSON's true would give


def strings(*values: object) -> tuple[str, ...]:
    for value in values:
        if type(value) is not str:
            raise ValueError("expected texts")
    return values


def message(path: object, line: object, field: object, text: object) -> ContentError:
    if not (line is None or is_int(line)) or not (field is None or isinstance(field, str)):
        raise ValueError("a message is [path, line, field, text]")
    return ContentError(*strings(path), line, field, *strings(text))


def berlin(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a date with an offset")
    return value.astimezone(BERLIN)


def identity(path: str, seen_ns: int) -> list[int] | None:
    """A file's identity as git's index keeps it, or None when it changed too recently to be told apart by it."""
    status = os.stat(path)
    if max(status.st_mtime_ns, status.st_ctime_ns) >= seen_ns - RACY_SECONDS * 1_000_000_000:
        return None
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def index_fingerprint(settings: dict, registries: Registries) -> str:
    """Everything besides the files themselves that the stored facts depend on."""
    digest = hashlib.sha256(reading_fingerprint(settings, registries).encode())
    digest.update(code_fingerprint(__name__).encode())
    addresses = {name: settings.get(name, "") for name in ADDRESS_SETTINGS}
    digest.update(json.dumps([addresses, os.getcwd()], sort_keys=True).encode())
    return digest.hexdigest()


@dataclass
class Entry:
    """One indexed file: what it was (identity, digest), what its values were read from besides it, and its facts."""

    identity: list[int] | None
    digest: str
    media: dict[str, tuple[list[int] | None, str]]  # content-relative path → identity, digest
    facts: Facts

    def as_line(self, path: str) -> bytes:
        data = [path, self.identity, self.digest, {name: list(seen) for name, seen in self.media.items()}, self.facts.as_json()]
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()

    @classmethod
    def from_json(cls, data: list, numbering: Numbering) -> tuple[str, Entry]:
        """The path and entry of ``as_line``'s data; ValueError (or TypeError, AttributeError) when it is not of that shape."""
        path, seen, digest, media, facts = data
        entry = cls(seen, digest, {name: (media_seen, media_digest) for name, (media_seen, media_digest) in media.items()},
                    Facts.from_json(facts, numbering))
        return strings(path)[0], entry


class FactsIndex:
    """Source file → ``Entry``, for one fingerprint; ``known`` says which facts still stand, ``add`` takes new ones.

    The file: a header line with the format, the fingerprint and a sha256 of
    the rest, then one entry a line; a line of an entry that still stands is
    written back as it was read.
    """

    def __init__(self, settings: dict, registries: Registries) -> None:
        self.content_path = settings["PATH"]
        self.fingerprint = index_fingerprint(settings, registries)
        self.numbering = Numbering.of(settings)
        self.folder = os.path.abspath(newsroom(settings).content_cache_dir)
        self.path = os.path.join(self.folder, INDEX_FILE.format(self.fingerprint[:16]))
        self.started_ns = time.time_ns()
        self.entries: dict[str, Entry] = {}
        self.lines: dict[str, bytes] = {}  # the line each entry was read from
        self.seen: dict[str, tuple[list[int] | None, str]] = {}  # files to be read: identity and digest before reading
        self.media: dict[str, tuple[list[int] | None, str] | None] = {}  # this run: content-relative path → identity, digest
        self.kept: dict[str, Entry] = {}  # this run's index: the entries that stand, and the new ones
        self.load()

    def warn(self, problem: str) -> None:
        logger.warning("Check index %s %s; every file is read", display_path(self.path), problem)

    def load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return
        except OSError as error:
            self.warn(f"cannot be read ({error.strerror})")
            return
        header, _, body = data.partition(b"\n")
        if header != self.header(body):
            self.warn("failed its check")
            return
        lines = body.split(b"\n") if body else []
        try:  # one parse for all lines (a parse a line costs more than the parsing)
            rows = json.loads(b"[" + b",".join(lines) + b"]")
            for line, row in zip(lines, rows, strict=True):  # one entry a line
                path, entry = Entry.from_json(row, self.numbering)
                self.entries[path], self.lines[path] = entry, line
        except (ValueError, TypeError, AttributeError, RecursionError) as error:
            self.entries, self.lines = {}, {}
            self.warn(f"is not of its shape ({error})")

    def header(self, body: bytes) -> bytes:
        return f"{INDEX_FORMAT} {self.fingerprint} {hashlib.sha256(body).hexdigest()}".encode()

    def stands(self, path: str, seen: list[int] | None, digest: str) -> tuple[list[int] | None, str] | None:
        """The file's identity and digest now if it is still the one seen then, else None (it is hashed only when its
        identity does not vouch for it).
        """
        try:
            now = identity(path, self.started_ns)
            if now is not None and now == seen:
                return now, digest
            now_digest = file_digest(path)
        except OSError:
            return None
        return (now, now_digest) if now_digest == digest else None

    def media_stands(self, name: str, seen: list[int] | None, digest: str) -> tuple[list[int] | None, str] | None:
        """As ``stands``, for an image or attachment (shared by many releases: looked at once a run)."""
        if name not in self.media:
            self.media[name] = self.stands(os.path.join(self.content_path, name), seen, digest)
        now = self.media[name]
        return now if now is not None and now[1] == digest else None

    def known(self, path: str) -> Facts | None:
        """The facts of this source file if they still stand; None when it must be read (its identity and digest taken now)."""
        entry = self.entries.get(path)
        if entry is not None:
            now = self.stands(path, entry.identity, entry.digest)
            media = {name: self.media_stands(name, *seen) for name, seen in entry.media.items()} if entry.media else entry.media
            if now is not None and None not in media.values():
                unchanged = now[0] == entry.identity and media == entry.media
                self.kept[path] = entry if unchanged else Entry(now[0], entry.digest, media, entry.facts)
                return entry.facts
        try:
            self.seen[path] = identity(path, self.started_ns), file_digest(path)
        except OSError:
            pass  # reading reports it
        return None

    def add(self, path: str, source: Source, release: Release | None) -> None:
        """Index a source read anew without errors (its identity and digest were taken by ``known``, before it was read)."""
        if path not in self.seen:
            return
        facts = Facts.of(source, release)
        media = {}
        for name in facts.media:
            full = os.path.join(self.content_path, name)
            try:
                media[name] = identity(full, self.started_ns), file_digest(full)
            except OSError:
                return  # not indexed: read again next time
        self.kept[path] = Entry(*self.seen[path], media, facts)

    def save(self) -> None:
        """Write this run's entries as the index if anything changed; drop the least recently used other indexes."""
        if self.kept.keys() == self.entries.keys() and all(entry is self.entries[path] for path, entry in self.kept.items()):
            return
        body = b"\n".join(
            self.lines[path] if self.entries.get(path) is entry else entry.as_line(path) for path, entry in self.kept.items()
        )
        os.makedirs(self.folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(self.header(body) + b"\n" + body)
        os.replace(temporary, self.path)
        used = []
        for item in os.scandir(self.folder):
            if item.name.startswith("facts-"):
                try:
                    used.append((item.stat().st_mtime_ns, item.path))
                except FileNotFoundError:
                    pass  # removed by a check running beside this one
        for _, stale in sorted(used, reverse=True)[INDEX_FILES_KEPT:]:
            Path(stale).unlink(missing_ok=True)
