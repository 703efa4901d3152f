"""The whole build's inputs: if the live site was made from the same, and no release's time has come since, nothing is built.

A build's bytes are a function of its inputs and of which releases are public
at its "now": the content and theme folders (every file by its bytes, every
link by its target, every folder by its name), the settings (as the render
keys take them: without the folders), the project's code, every installed
package's version (Pagefind's from npm too) and Python's. ``BuildInputs``
digests them when the build starts and again when it ends; only if nothing changed in between is the
digest recorded with the live site (in the render keys file), together with
the span of time in which the same releases are public: from the latest
release date at or before the build's "now" to the first one after it
(``clock_window``). A later build that finds the same digest, and a "now"
inside that span, leaves the live site as it is and writes nothing — the
build every quarter of an hour that only waits for embargoes. A site with
plugins of its own besides this project is always built: their code is not
digested.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sys
from dataclasses import dataclass
from importlib.metadata import distributions

from ..content.dates import from_iso
from ..errors import display_path
from ..fingerprint import package_digest
from ..outputs.search import installed_pagefind
from .records import setting_text, without_locations

PROJECT_PLUGIN = "newsroom"
NOTHING_TO_BUILD = (
    "Nothing to build: %s was built from the same content, theme, settings and code, "
    "and no release's time has come since; nothing was written."
)

logger = logging.getLogger(__name__)


def tree_digest(root: str) -> str:
    """sha256 over a folder: each entry's path and kind, each file's bytes, each link's target (never followed)."""
    digest = hashlib.sha256()
    folders = [""]
    while folders:
        relative = folders.pop()
        with os.scandir(os.path.join(root, relative)) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        for entry in entries:
            name = os.fsencode(f"{relative}/{entry.name}" if relative else entry.name)
            if entry.is_symlink():
                digest.update(b"L" + name + b"\0" + os.fsencode(os.readlink(entry.path)) + b"\0")
            elif entry.is_dir(follow_symlinks=False):
                digest.update(b"D" + name + b"\0")
                folders.append(os.fsdecode(name))
            elif entry.is_file(follow_symlinks=False):
                with open(entry.path, "rb") as handle:
                    digest.update(b"F" + name + b"\0" + hashlib.file_digest(handle, "sha256").digest())
            else:
                digest.update(b"O" + name + b"\0")
    return digest.hexdigest()


def packages_text() -> str:
    return ";".join(sorted(f"{package.metadata['Name']}={package.version}" for package in distributions()))


@dataclass(frozen=True)
class BuildInputs:
    """What a build is made from, apart from the clock; ``digest`` None where a part cannot be digested."""

    settings: dict
    settings_text: str  # taken when the build starts, before any stage adds to the settings

    @classmethod
    def of(cls, settings: dict) -> BuildInputs:
        return cls(settings, setting_text(without_locations(settings)))

    def digest(self) -> str | None:
        if any(plugin != PROJECT_PLUGIN for plugin in self.settings.get("PLUGINS", ())):
            return None
        try:
            parts = [tree_digest(self.settings["PATH"]), tree_digest(self.settings["THEME"])]
        except OSError:
            return None  # a file the build cannot read either: the build reports it
        parts += [self.settings_text, package_digest(), packages_text(), installed_pagefind().version, sys.version]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class BuildKey:
    """The inputs the live site was built from, and the span of "now" in which the same releases are public."""

    inputs: str
    public_from: dt.datetime | None  # the latest release date at or before the build's now
    public_until: dt.datetime | None  # the first release date after it: an embargo ends then

    def holds(self, inputs: str | None, now: dt.datetime) -> bool:
        return (
            inputs is not None
            and inputs == self.inputs
            and (self.public_from is None or self.public_from <= now)
            and (self.public_until is None or now < self.public_until)
        )

    def as_json(self) -> dict:
        def text(moment):
            return moment.isoformat() if moment else None

        return {"inputs": self.inputs, "public_from": text(self.public_from), "public_until": text(self.public_until)}

    @classmethod
    def from_json(cls, data) -> BuildKey | None:
        """The key of a keys file (untrusted data); None when it is not exactly what ``as_json`` writes."""
        if not isinstance(data, dict) or set(data) != {"inputs", "public_from", "public_until"}:
            return None
        if not isinstance(data["inputs"], str) or not all(
            moment is None or isinstance(moment, str) for moment in (data["public_from"], data["public_until"])
        ):
            return None
        try:
            moments = [from_iso(data[name]) if data[name] else None for name in ("public_from", "public_until")]
        except ValueError:
            return None
        if any(moment is not None and moment.tzinfo is None for moment in moments):
            return None
        return cls(data["inputs"], *moments)


def clock_window(dates, now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The span around ``now`` in which no release date lies: the same releases are public all through it."""
    before = [date for date in dates if date <= now]
    after = [date for date in dates if date > now]
    return (max(before) if before else None, min(after) if after else None)


def nothing_to_build(site: str, times) -> None:
    """The run of a build whose inputs and clock window are the live site's: the site stays as it is."""
    logger.info(NOTHING_TO_BUILD, display_path(site))
    print(NOTHING_TO_BUILD % display_path(site))
    times.report()
