"""The card cache: a fingerprint of each card's inputs, a manifest of what was drawn from them, and safe file access.

Every card is fingerprinted from all its inputs (texts, colours, layout, the
bytes of fonts, logo and picture, and ``drawing.RENDERER``: the drawing code
and the Pillow version); a manifest in the cache folder maps each card to the
fingerprint it was drawn from and the sha256 of its file, so an unchanged
card is never drawn again and cards with the same inputs are drawn once.
Files are named by a hash of their bytes: platforms cache a card by its URL,
so a changed card must get a new one.

CI restores the cache from earlier runs, so it is untrusted: the manifest is
checked entry by entry (a malformed one is dropped with one warning), file
names are derived from the card key and digest, never read from the manifest,
so nothing outside the cache folder is read or deleted through it, and a card
file is published only if its bytes match the recorded digest (else it is
drawn again; they are checked as they are copied, so each card is read once).
The digests guard against corruption, not against someone who can write the
cache and recomputes them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import stat
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ...errors import display_path, short_repr
from .drawing import RENDERER
from .layout import PhotoCard, TextCard

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MANIFEST_VERSION = 2
HASH_LENGTH = 10
CARD_FILE = "{key}-{digest}.jpg"
# A release's year and number, or the site card: the file name is made from it, so nothing but these may appear.
CARD_KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DIGEST_PATTERN = re.compile(r"[0-9a-f]{64}")
FILE_FIELDS = ("font_bold", "font_regular", "logo", "image")


@lru_cache(maxsize=256)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_digest(path: str) -> str:
    """sha256 of a file's bytes (remembered while the file is unchanged)."""
    status = os.stat(path)
    return _file_digest(path, status.st_size, status.st_mtime_ns)


def fingerprint(card: TextCard | PhotoCard) -> str:
    """A hash of everything that decides a card's pixels; files count by their bytes, not their path."""

    def by_content(value):  # what JSON makes of the card's nested dataclasses (its style)
        if not dataclasses.is_dataclass(value):
            raise TypeError(f"a {type(value).__name__} in a card")
        return fields_of(value)

    def fields_of(value) -> dict:
        named = ((field.name, getattr(value, field.name)) for field in dataclasses.fields(value))
        return {name: file_digest(item) if name in FILE_FIELDS else item for name, item in named}

    fields = fields_of(card)
    del fields["key"]  # not drawn: cards with the same inputs share a fingerprint and are drawn once
    data = {"kind": type(card).__name__, "card": fields, "renderer": RENDERER}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=by_content).encode()).hexdigest()


class ManifestError(ValueError):
    """What is wrong with a cache's manifest, for the one warning it gets."""


def load_manifest(path: str, entries_of: Callable[[object], dict], ignore: Callable[[str, str], None]) -> dict:
    """A manifest's checked entries (``entries_of`` raises ManifestError); {} when it is missing or told to ``ignore``."""
    try:
        return entries_of(json.loads(read_cache_file(path)))
    except FileNotFoundError:
        return {}  # a cold cache
    except ManifestError as error:
        problem = str(error)
    except OSError as error:
        problem = f"cannot be read ({error.strerror or error})"
    except (ValueError, RecursionError) as error:
        problem = f"is not JSON ({error})"
    ignore(path, problem)
    return {}


def manifest_entries(data: object) -> dict[str, dict]:
    """The entries of a loaded manifest, each checked; ManifestError at the first that is not exactly as written here."""
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("cards"), dict):
        raise ManifestError(f"is not a card manifest of version {MANIFEST_VERSION}")
    for key, entry in data["cards"].items():
        if not CARD_KEY_PATTERN.fullmatch(key):
            raise ManifestError(f"has the card key {short_repr(key)}; keys are a year and number such as '2024-422'")
        if not (
            isinstance(entry, dict)
            and entry.keys() == {"fingerprint", "sha256"}
            and all(isinstance(value, str) and DIGEST_PATTERN.fullmatch(value) for value in entry.values())
        ):
            raise ManifestError(f"has a malformed entry for {key!r}; an entry is a fingerprint and a sha256")
    return data["cards"]


class CardCache:
    """The cache folder: drawn cards, and a manifest of the fingerprint each was drawn from and its bytes' sha256.

    One entry per card key (a release's year and number, or the site card),
    so the folder holds one file per card and never grows with edits. A card
    file's name comes from its key and digest, so every file this class reads
    or deletes is one of its own names inside the folder.
    """

    def __init__(self, folder: str):
        self.folder = folder
        self.changed = False
        self.failed: list[str] = []  # keys whose file is not a plain file with the recorded bytes
        self.entries: dict[str, dict] = load_manifest(os.path.join(folder, MANIFEST), manifest_entries, self.ignore)

    @staticmethod
    def ignore(path: str, problem: str) -> None:
        """The one line a failing manifest gets."""
        logger.warning("Card cache manifest %s %s; it is ignored and every card is drawn again", display_path(path), problem)

    def path(self, key: str) -> str:
        return os.path.join(self.folder, card_file_name(key, self.entries[key]["sha256"]))

    def lookup(self, key: str, inputs: str) -> bool:
        """Whether the cached card was drawn from exactly these inputs (a fingerprint) and its file is there.

        Its bytes are checked against the digest when they are published
        (``CardStage.write``): each card is read once per build.
        """
        entry = self.entries.get(key)
        if not entry or entry["fingerprint"] != inputs:
            return False
        try:
            status = os.lstat(self.path(key))
        except FileNotFoundError:
            return False  # a cache that lost a file is a smaller cache
        except OSError:
            status = None
        if status is not None and stat.S_ISREG(status.st_mode):
            return True
        self.failed.append(key)
        return False

    def report(self) -> None:
        """One warning for all cards whose cached file was not what the manifest records."""
        if self.failed:
            keys = sorted(set(self.failed))
            shown = ", ".join(keys[:5]) + (", …" if len(keys) > 5 else "")
            logger.warning(
                "Card cache %s: %d card file(s) not as recorded (%s); drawn again", display_path(self.folder), len(keys), shown
            )

    def record(self, key: str, inputs: str, digest: str) -> None:
        """Note a card just drawn into the folder; drop the card's previous file."""
        if key in self.entries and self.entries[key]["sha256"] != digest:
            Path(self.path(key)).unlink(missing_ok=True)
        self.entries[key] = {"fingerprint": inputs, "sha256": digest}
        self.changed = True

    def save(self) -> None:
        """Write the manifest if a card was drawn; a build that drew none leaves the cache as it was."""
        if not self.changed:
            return
        os.makedirs(self.folder, exist_ok=True)
        manifest = {"version": MANIFEST_VERSION, "cards": self.entries}
        write_atomically(os.path.join(self.folder, MANIFEST), json.dumps(manifest, indent=1, sort_keys=True).encode())


def card_file_name(key: str, digest: str) -> str:
    """The release's year and number and the start of the sha256 of the bytes: one name, one content."""
    return CARD_FILE.format(key=key, digest=digest[:HASH_LENGTH])


def write_atomically(path: str, data: bytes) -> None:
    """Write through a temporary file; on failure (a full disk) the temporary file goes and the error names ``path``."""
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.filename is None:
            error.filename = path
        raise


def read_cache_file(path: str) -> bytes:
    """A regular file's bytes; a symbolic link, pipe or device is refused (OSError): a cache must not lead reads elsewhere."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read()
