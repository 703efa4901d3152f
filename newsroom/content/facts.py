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

One index file per fingerprint: all of the package's code, what reading
depends on besides its code (library versions, settings, registries), the
address settings and the working directory (paths are kept as messages show
them). It is read as untrusted data like the content cache: JSON under a
sha256 of the whole; one that fails its digest or its shape is ignored with a
warning, and the check reads every file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import operator
import os
import tempfile
import time
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, compress, repeat
from pathlib import Path

from ..errors import ContentError, display_path
from ..fingerprint import package_digest
from ..settings import newsroom
from .dates import BERLIN
from .numbering import Numbering
from .preread import file_digest, reading_inputs
from .reading import Source
from .registry import Registries
from .release import Release, ReleaseNumber, Topic

INDEX_VERSION = 2
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
        """Every field by position, a page's release fields at their defaults: all rows alike, decoded column by column."""
        return [
            self.kind, self.path, self.slug, self.status, self.lines,
            [[warning.path, warning.line, warning.field, warning.message] for warning in self.warnings],
            str(self.number) if self.number else None, self.key, self.reference,
            self.date.isoformat() if self.date else None, self.permanent_id, self.id_written, self.url, self.save_as,
            [list(alias) for alias in self.aliases], [[topic.name, topic.slug] for topic in self.topics],
            self.withdrawn.isoformat() if self.withdrawn else None, self.withdrawal_reason, self.image_path,
            list(self.attachment_paths),
        ]


# An index row: the file, its identity, digest and media, then the fields of its Facts in their order.
ROW_LENGTH = 4 + len(dataclasses.fields(Facts))


def entries_of(rows: object, numbering: Numbering) -> dict[str, Entry]:
    """The entries of an index's rows (of a site with ``numbering``); ValueError or TypeError when not of their shape.

    Checked and converted a column at a time, mostly by passes that run in
    C (``map``, ``set``): a function call per row and field would cost more
    than the JSON parse of all 10,000 rows.
    """
    if type(rows) is not list or not only(rows, list) or not set(map(len, rows)) <= {ROW_LENGTH}:
        raise ValueError("an entry is a list of its fields")
    if not rows:
        return {}
    (files, identities, digests, media, kinds, paths, slugs, statuses, lines, warnings, numbers, keys, references,
     dates, permanent_ids, ids_written, urls, saves_as, aliases, topics, withdrawn, reasons, images,
     attachments) = zip(*rows, strict=True)
    if not all(only(column, str) for column in (files, digests, paths, slugs, keys, references, permanent_ids, urls, saves_as)):
        raise ValueError("expected texts")
    if not all(only(column, str, type(None)) for column in (statuses, reasons, images)) or not only(ids_written, bool):
        raise ValueError("expected texts or null, and true or false")
    if not set(kinds) <= {"release", "page"}:
        raise ValueError("a source is a release or a page")
    seen = [identity for identity in identities if identity is not None]
    if not only(seen, list) or not set(map(len, seen)) <= {5} or not only(chain.from_iterable(seen), int):
        raise ValueError("an identity is five numbers")
    numbered = chain.from_iterable(map(dict.values, lines)) if only(lines, dict) else None
    if numbered is None or not set().union(*lines) <= LINES_KEPT or not only(numbered, int):
        raise ValueError("lines are field names and numbers")
    releases = list(map("release".__eq__, kinds))
    facts = map(
        Facts, kinds, paths, slugs, statuses, lines, map(messages, warnings), release_numbers(numbers, releases, numbering),
        keys, references, berlin_dates(dates, releases), permanent_ids, ids_written, urls, saves_as,
        map(line_aliases, aliases), topic_tuples(topics), berlin_dates(withdrawn), reasons, images,
        map(text_tuple, attachments),
    )
    return dict(zip(files, map(Entry, identities, digests, map(media_of, media), facts), strict=True))


def only(values: Iterable, *kinds: type) -> bool:
    """Whether every value is of one of ``kinds`` exactly (a bool is not an int here, as JSON's true is not a number)."""
    return set(map(type, values)) <= set(kinds)


def messages(fields: list) -> tuple[ContentError, ...]:
    return tuple(message(*given) for given in fields) if fields else ()


def release_numbers(texts: tuple, releases: list[bool], numbering: Numbering) -> list:
    """Each release's number in the site's scheme (None on a site without numbers); a page's None."""
    scheme = numbering.kind
    if scheme is None:
        if any(texts):
            raise ValueError("this site's releases have no numbers")
        return [None] * len(texts)
    if not only(compress(texts, releases), str) or any(compress(texts, map(operator.not_, releases))):
        raise ValueError("a release's number is text, a page has none")
    numbers = [scheme.parse(text) if text else None for text in texts]
    if not all(compress(numbers, releases)):
        raise ValueError("the number is not one of this site's scheme")
    return numbers


def berlin_dates(texts: tuple, required: list[bool] | None = None) -> list:
    """Dates with an offset, in Berlin's zone; None where not given (which ``required`` rows may not be)."""
    if required and None in compress(texts, required):
        raise ValueError("a release has a date")
    given = [text for text in texts if text is not None]
    if not only(given, str):
        raise ValueError("a date is text")
    parsed = list(map(dt.datetime.fromisoformat, given))
    if None in map(operator.attrgetter("tzinfo"), parsed):
        raise ValueError("a date with an offset")
    dates = iter(map(dt.datetime.astimezone, parsed, repeat(BERLIN)))
    return [None if text is None else next(dates) for text in texts]


def line_aliases(given: list) -> tuple[tuple[str, int], ...]:
    return tuple(alias_line(*alias) for alias in given) if given else ()


def alias_line(alias: object, line: object) -> tuple[str, int]:
    if type(alias) is not str or not is_int(line):
        raise ValueError("an alias is its address and line")
    return alias, line


def topic_tuples(column: tuple) -> list[tuple[Topic, ...]]:
    """Each row's topics, made once for all rows that name the same ones (a site has a few dozen, 10,000 releases a few
    each, mostly in the same combinations)."""
    keys = list(map(tuple, map(map, repeat(tuple), column)))
    made = {key: tuple(topic(*pair) for pair in key) for key in set(keys)}
    return list(map(made.__getitem__, keys))


def text_tuple(given: list) -> tuple[str, ...]:
    return strings(*given) if given else ()


def media_of(given: dict) -> dict[str, tuple[list[int] | None, str]]:
    """An entry's media: content-relative path → identity (five numbers or null) and digest."""
    if type(given) is not dict:
        raise ValueError("media are a mapping")
    media = {}
    for name, (seen, digest) in given.items():
        if not (seen is None or (type(seen) is list and len(seen) == 5 and only(seen, int))):
            raise ValueError("an identity is five numbers")
        media[name] = seen, strings(digest)[0]
    return media


def topic(name: object, slug: object) -> Topic:
    return Topic(*strings(name, slug))


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


def identity(path: str, seen_ns: int) -> list[int] | None:
    """A file's identity as git's index keeps it, or None when it changed too recently to be told apart by it."""
    status = os.stat(path)
    if max(status.st_mtime_ns, status.st_ctime_ns) >= seen_ns - RACY_SECONDS * 1_000_000_000:
        return None
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def index_fingerprint(settings: dict, registries: Registries) -> str:
    """Everything besides the files themselves that the stored facts depend on.

    The code is all of the package's, by its files' bytes: more than the facts
    depend on, but parsing the imports of the reading modules to find exactly
    those (``code_fingerprint``) would take a tenth of the hook's second.
    """
    digest = hashlib.sha256(package_digest().encode())
    digest.update(reading_inputs(settings, registries))
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
        data = [path, self.identity, self.digest, {name: list(seen) for name, seen in self.media.items()}, *self.facts.as_json()]
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


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
            self.entries = entries_of(rows, self.numbering)
            if len(self.entries) != len(lines):
                raise ValueError("one entry a line, each file once")
            self.lines = dict(zip(self.entries, lines, strict=True))
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
