"""The image cache: encoded files by the fingerprint of their inputs, and a manifest of what each input gave.

A job's fingerprint covers the image's bytes (their sha256), what is made of
it (derivatives or a clean copy), the widths, the quality, the focus the
crops are cut around and ``encoding.ENCODER`` (the encoding code and the
Pillow version): an unchanged image is never encoded again, and releases that
share a picture share its files. The manifest maps each fingerprint to the
renditions made from it (format, size, sha256 of the bytes, and a crop's
ratio).

Like the card cache it is untrusted input (CI restores it): the manifest is
checked entry by entry (a malformed manifest is dropped with one warning),
file names are derived from fingerprint, width and format, never read from
the manifest, and a file is published only if its bytes match the recorded
digest (else it is encoded again). Entries no build asked for are dropped
when the manifest is saved, so the folder does not grow with every edit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from pathlib import Path

from ...errors import display_path
from ..cards.cache import DIGEST_PATTERN, ManifestError, file_digest, load_manifest, read_cache_file, write_atomically
from .encoding import CROP_RATIOS, ENCODER, SUFFIXES

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
KINDS = ("derivatives", "copy")
LARGEST_SIDE = 100_000
RENDITION_KEYS = {"format", "width", "height", "sha256"}
CACHE_FILE = re.compile(r"[0-9a-f]{24}-[0-9]+(?:x[0-9]+)?\.(?:webp|jpg|png)")


def job_fingerprint(path: str, kind: str, widths: tuple[int, ...], quality: int, focus: tuple[float, float] | None) -> str:
    """A hash of everything that decides the files made from an image; the image counts by its bytes, not its path."""
    data = {"image": file_digest(path), "kind": kind, "widths": list(widths), "quality": quality, "encoder": ENCODER}
    if focus is not None:
        data["focus"] = list(focus)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def cache_file_name(inputs: str, rendition: dict) -> str:
    """``<fingerprint>-<width>.<suffix>``, a crop's ``<fingerprint>-16x9.jpg``: one name per rendition of a job."""
    size = rendition["crop"].replace(":", "x") if "crop" in rendition else rendition["width"]
    return f"{inputs[:24]}-{size}.{SUFFIXES[rendition['format']]}"


def valid_rendition(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and entry.keys() in (RENDITION_KEYS, RENDITION_KEYS | {"crop"})
        and ("crop" not in entry or (isinstance(entry["crop"], str) and entry["crop"] in CROP_RATIOS))
        and entry["format"] in SUFFIXES
        and all(type(entry[side]) is int and 1 <= entry[side] <= LARGEST_SIDE for side in ("width", "height"))
        and isinstance(entry["sha256"], str)
        and DIGEST_PATTERN.fullmatch(entry["sha256"]) is not None
    )


def manifest_entries(data: object) -> dict[str, list[dict]]:
    """The entries of a loaded manifest, each checked; ManifestError at the first that is not exactly as written here."""
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("images"), dict):
        raise ManifestError(f"is not an image manifest of version {MANIFEST_VERSION}")
    for inputs, renditions in data["images"].items():
        if not DIGEST_PATTERN.fullmatch(inputs):
            raise ManifestError(f"has the key {inputs[:80]!r}; keys are sha256 fingerprints")
        if not (isinstance(renditions, list) and renditions and all(map(valid_rendition, renditions))):
            raise ManifestError(f"has a malformed entry for {inputs[:12]}…; an entry lists format, width, height and sha256")
        if len({cache_file_name(inputs, rendition) for rendition in renditions}) != len(renditions):
            raise ManifestError(f"names one file twice in the entry for {inputs[:12]}…")
    return data["images"]


class ImageCache:
    """The cache folder: encoded files, and a manifest of the renditions each input fingerprint gave."""

    def __init__(self, folder: str):
        self.folder = folder
        self.used: set[str] = set()
        self.changed = False
        self.failed: set[str] = set()  # fingerprints whose files were not as recorded
        self.entries: dict[str, list[dict]] = load_manifest(os.path.join(folder, MANIFEST), manifest_entries, self.ignore)

    @staticmethod
    def ignore(path: str, problem: str) -> None:
        logger.warning("Image cache manifest %s %s; it is ignored and every image is encoded again", display_path(path), problem)

    def path(self, inputs: str, rendition: dict) -> str:
        return os.path.join(self.folder, cache_file_name(inputs, rendition))

    def lookup(self, inputs: str) -> list[dict] | None:
        """The renditions made from these inputs if every file is there as a plain file; their bytes are checked when written."""
        self.used.add(inputs)
        renditions = self.entries.get(inputs)
        if not renditions:
            return None
        for rendition in renditions:
            try:
                status = os.lstat(self.path(inputs, rendition))
            except OSError:
                return None  # a cache that lost a file is a smaller cache
            if not stat.S_ISREG(status.st_mode):
                self.failed.add(inputs)
                return None
        return renditions

    def record(self, inputs: str, renditions: list[dict]) -> None:
        self.entries[inputs] = renditions
        self.used.add(inputs)
        self.changed = True

    def read(self, inputs: str, rendition: dict) -> bytes | None:
        """A cached file's bytes if they are what the manifest records, else None (and the entry is noted as failed)."""
        try:
            data = read_cache_file(self.path(inputs, rendition))
        except OSError:
            data = b""
        if hashlib.sha256(data).hexdigest() == rendition["sha256"]:
            return data
        self.failed.add(inputs)
        return None

    def report(self) -> None:
        if self.failed:
            logger.warning(
                "Image cache %s: the files of %d image(s) were not as recorded; encoded again",
                display_path(self.folder),
                len(self.failed),
            )

    def save(self) -> None:
        """Write the manifest if anything changed, keeping only what this build used; remove the files of the rest."""
        unused = set(self.entries) - self.used
        if not (self.changed or unused):
            return
        for inputs in unused:
            del self.entries[inputs]
        kept = {cache_file_name(inputs, rendition) for inputs, renditions in self.entries.items() for rendition in renditions}
        os.makedirs(self.folder, exist_ok=True)
        for name in os.listdir(self.folder):
            if CACHE_FILE.fullmatch(name) and name not in kept:
                Path(self.folder, name).unlink(missing_ok=True)
        manifest = {"version": MANIFEST_VERSION, "images": self.entries}
        write_atomically(os.path.join(self.folder, MANIFEST), json.dumps(manifest, indent=1, sort_keys=True).encode())
