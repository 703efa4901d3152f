"""Last stage before publishing: index the written release pages with Pagefind, one bundle per year.

Pagefind reads the HTML this build wrote into the staging directory, so it
indexes exactly what is public: drafts and embargoed releases were never
written, withdrawn ones are not passed in. The release template marks what
Pagefind takes: the article as ``data-pagefind-body``, the filters
``ressort``, ``thema`` and ``jahr``, the sort key ``datum`` and the meta data
for the result list; ``<html lang="de">`` selects German stemming.

The index is in shards, one Pagefind bundle per year of the releases' dates
(``pagefind/2024/``), listed newest first in ``pagefind/shards.json``; the
search page (``theme/static/js/suche.js``) searches the shards and merges
their results. A year is the shard because it bounds what Pagefind holds in
memory by one year of releases, because old years do not change, so a
rebuild re-indexes only the year of an edited release, and because the
shards' order is the date order: results sorted by date are the shards'
sorted results one after another, which Pagefind's own merging
(``mergeIndex``, by score only) cannot give. Pagefind has no incremental
mode; a year whose pages are all unchanged hardlinks (``StagedOutput.place``
keeps unchanged pages as hardlinks) is kept from the live site instead.

The binary comes from npm's ``pagefind`` package, pinned in the project's
``package.json`` and installed into the ``node_modules`` beside the
``newsroom`` package (its platform package, e.g. ``@pagefind/linux-x64``,
holds the binary). It runs as a plain command, one year after the other, no
network and no Node.js needed. Only the pinned version is used: another
would index the same pages into other bytes. On a full disk Pagefind stops
with a panic and its long output; the build says so in one line. Its exit
status alone does not prove the bundle complete, so every bundle is checked
before the site is published (``bundle_problem``).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from ..content.release import Release
from ..site.output import StagedOutput, describe
from ..urls import BUNDLE_DIR

ENTRY_FILE = "pagefind-entry.json"  # in every bundle: its languages and their meta files
LISTING_FILE = "shards.json"  # the shards, newest year first, for the search page and the next build
PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # beside the newsroom package
INSTALL_COMMAND = "npm ci --omit=dev"
# npm's names of the platforms Pagefind has a package for (``os.arch()``, ``process.platform``), by Python's.
NPM_CPUS = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
NPM_SYSTEMS = {"Linux": "linux", "Darwin": "darwin", "FreeBSD": "freebsd", "Windows": "windows"}
EXECUTABLES = ("pagefind_extended", "pagefind")  # the names a platform package holds its binary under
# One line per build; ``invoke bench`` reads it. The peak is that of the largest Pagefind run (0: none ran).
SUMMARY = "Search: %d of %d shards indexed, %d kept, peak %d MB"
MEGABYTE = 1024 * 1024
# How often Pagefind's high-water mark is read while it runs: from every millisecond, so that a year of a few
# pages (done in some 50 ms) is read too, slowing to every 50 ms.
FIRST_POLL_SECONDS, PEAK_POLL_SECONDS = 0.001, 0.05

log = logging.getLogger(__name__)


# Pagefind's files that are gzip streams (its chunks and the WebAssembly of each language).
COMPRESSED_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")
SPACE_PROBE = ".space-probe"
PROBE_BYTES = 4096
CHUNK_FOLDERS = {"fragment": ".pf_fragment", "index": ".pf_index", "filter": ".pf_filter"}


class SearchIndexError(SystemExit):
    """Pagefind did not finish, or left an incomplete index: the build stops and publishes nothing.

    A ``SystemExit`` (one line, exit status 1, no traceback), like
    ``newsroom.site.output.OutputFault``.
    """

    def __init__(self, message: str):
        super().__init__(f"Search index: {message}")


@dataclass(frozen=True)
class Pagefind:
    """The pinned Pagefind binary and its version (which ``shards.json`` records)."""

    executable: str
    version: str


def read_json(path: str):
    """A JSON file's data, or None when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def platform_package() -> str:
    """The npm package that holds Pagefind's binary for this machine, e.g. ``@pagefind/linux-x64``."""
    system, cpu = platform.system(), platform.machine().lower()
    return f"@pagefind/{NPM_SYSTEMS.get(system, system.lower())}-{NPM_CPUS.get(cpu, cpu)}"


def installed_pagefind() -> Pagefind:
    """The Pagefind binary ``package.json`` pins, from ``node_modules``; stops the build when it is missing or another version.

    Read from the packages' ``package.json`` files, not by running the
    binary: the check costs no process, and the build starts with it.
    """
    pinned = ((read_json(os.path.join(PROJECT, "package.json")) or {}).get("dependencies") or {}).get("pagefind")
    if not pinned:
        raise SearchIndexError(f"{os.path.join(PROJECT, 'package.json')!r} pins no version of the npm package 'pagefind'")
    package = platform_package()
    folder = os.path.join(PROJECT, "node_modules", *package.split("/"))
    suffix = ".exe" if platform.system() == "Windows" else ""
    found = [path for name in EXECUTABLES if os.path.isfile(path := os.path.join(folder, "bin", name + suffix))]
    version = (read_json(os.path.join(folder, "package.json")) or {}).get("version")
    if not found or version is None:
        problem = f"Pagefind {pinned} ({package}) is not installed in {os.path.join(PROJECT, 'node_modules')!r}"
    elif version != pinned:
        problem = f"{package} is version {version}, but package.json pins Pagefind {pinned}"
    else:
        return Pagefind(found[0], version)
    raise SearchIndexError(f"{problem}: run `{INSTALL_COMMAND}` in {PROJECT!r} (needs Node.js with npm)")


@dataclass(frozen=True)
class Shard:
    """The release pages of one year: one Pagefind bundle in ``pagefind/<year>/``."""

    year: str
    pages: tuple[str, ...]  # output files, relative to the site, sorted

    @property
    def folder(self) -> str:
        return f"{BUNDLE_DIR}/{self.year}"

    @property
    def digest(self) -> str:
        """Names the shard's pages: a kept shard must hold no page that is gone and miss none that came."""
        return hashlib.sha256("\n".join(self.pages).encode("utf-8")).hexdigest()

    def listing(self) -> dict:
        return {"year": self.year, "pages": len(self.pages), "digest": self.digest}


def shards(releases: Iterable[Release]) -> list[Shard]:
    """The releases' pages by the year of their date (the ``jahr`` filter), newest year first."""
    years: dict[str, list[str]] = {}
    for release in releases:
        years.setdefault(str(release.date.year), []).append(release.save_as.replace(os.sep, "/"))
    return [Shard(year, tuple(sorted(pages))) for year, pages in sorted(years.items(), reverse=True)]


def live_listing(live_site: str | None, site: str, version: str) -> dict[str, dict]:
    """The shards the live site lists in its ``shards.json``, by year, if it was indexed by this Pagefind ``version``."""
    if not live_site or not os.path.isdir(live_site) or os.path.samefile(live_site, site):
        return {}
    try:
        with open(os.path.join(live_site, BUNDLE_DIR, LISTING_FILE), encoding="utf-8") as handle:
            listing = json.load(handle)
        if listing["pagefind"] != version:
            return {}
        return {shard["year"]: shard for shard in listing["shards"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def kept_shard(shard: Shard, site: str, live_site: str, live: dict[str, dict]) -> str | None:
    """The live site's bundle of this year, if it indexed exactly these release pages with this Pagefind.

    Every release page this build did not change is a hardlink to the live
    one (``StagedOutput.place``): same paths and same inodes mean the same bytes,
    and Pagefind reads nothing else, so its bundle would come out the same.
    """
    if live.get(shard.year) != shard.listing():
        return None
    folder = os.path.join(live_site, shard.folder)
    if not os.path.isfile(os.path.join(folder, ENTRY_FILE)):
        return None
    try:
        if any(os.stat(os.path.join(site, page)).st_ino != os.stat(os.path.join(live_site, page)).st_ino for page in shard.pages):
            return None
    except OSError:
        return None
    return folder


def link_tree(source: str, target: str) -> None:
    """Hardlink every file of ``source`` into ``target`` (copy where links are impossible)."""
    shutil.copytree(source, target, copy_function=link_or_copy)


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def chunk_names(meta: bytes, language: str) -> set[str]:
    """The chunks (fragments, index and filter chunks) a language's decompressed meta file names.

    Each name is a CBOR text string: a header byte 0x60 + its length, then
    ``<language>_<hex digits>``.
    """
    pattern = re.compile(rb"([\x61-\x77])(" + re.escape(language.encode()) + rb"_[0-9a-f]+)")
    return {name.decode() for header, name in pattern.findall(meta) if header[0] - 0x60 == len(name)}


def space_left(folder: str) -> OSError | None:
    """Write and remove one block in ``folder``: the error when the disk or the quota has no room for it.

    A write that fails for want of space first takes what little is left, so
    after a failed write there is not a block to spare.
    """
    probe = os.path.join(folder, SPACE_PROBE)
    try:
        with open(probe, "wb") as handle:
            handle.write(bytes(PROBE_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return error
        raise
    finally:
        if os.path.lexists(probe):
            os.unlink(probe)
    return None


def decompressed(path: str) -> bytes | None:
    """The bytes of a gzip file, or None when it is cut off or damaged."""
    try:
        with gzip.open(path) as stream:
            return stream.read()
    except (OSError, EOFError, zlib.error):
        return None


def bundle_problem(folder: str) -> str | None:
    """What is wrong with the Pagefind bundle in ``folder``, or None when it is complete.

    What a failed write leaves: empty and cut-off files, chunks missing.
    Every file must hold bytes, every compressed file must decompress to its
    end, and every chunk an index names must exist. (Its JavaScript and CSS
    cannot be checked for completeness: ``index_shard`` checks for a full
    disk first.)
    """
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if os.path.getsize(path) == 0:
                return f"{path!r} is empty"
            if name.endswith(COMPRESSED_SUFFIXES) and decompressed(path) is None:
                return f"{path!r} is cut off or damaged"
    entry = os.path.join(folder, ENTRY_FILE)
    try:
        with open(entry, encoding="utf-8") as handle:
            languages = {code: (language["hash"], language["wasm"]) for code, language in json.load(handle)["languages"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return f"{entry!r} is missing or unreadable"
    for code, (meta_hash, wasm_name) in sorted(languages.items()):
        meta = os.path.join(folder, f"pagefind.{meta_hash}.pf_meta")
        for path in (meta, os.path.join(folder, f"wasm.{wasm_name}.pagefind")):
            if not os.path.isfile(path):
                return f"{path!r} is missing"
        for chunk in sorted(chunk_names(decompressed(meta), code)):
            if not any(os.path.isfile(os.path.join(folder, sub, chunk + suffix)) for sub, suffix in CHUNK_FOLDERS.items()):
                return f"chunk {chunk!r}, named in {meta!r}, is missing"
    return None


def index_site(output: StagedOutput, site: str, releases: list[Release]) -> None:
    """Write one Pagefind bundle per year and ``pagefind/shards.json`` into the staged ``site``.

    ``releases`` are those whose pages this build wrote as public pages; a
    year's bundle is linked from the live site when none of its pages changed.
    """
    if not releases:
        # Without a single data-pagefind-body page Pagefind would index every
        # page; the search page says the search is unavailable instead.
        log.warning("Search: no public releases, no search index written")
        return
    pagefind = installed_pagefind()
    site = os.path.abspath(site)
    live_site = output.target
    live = live_listing(live_site, site, pagefind.version)
    planned = shards(releases)
    indexed, peak = 0, 0
    for shard in planned:
        kept = kept_shard(shard, site, live_site, live)
        if kept:
            link_tree(kept, os.path.join(site, shard.folder))
        else:
            peak = max(peak, index_shard(pagefind.executable, site, shard))
            link_unchanged(output, os.path.join(site, shard.folder))
            indexed += 1
    listing = {"pagefind": pagefind.version, "shards": [shard.listing() for shard in planned]}
    output.place(os.path.join(site, BUNDLE_DIR, LISTING_FILE), (json.dumps(listing, indent=1) + "\n").encode("utf-8"))
    log.info(SUMMARY, indexed, len(planned), len(planned) - indexed, peak // MEGABYTE)


def index_shard(executable: str, site: str, shard: Shard) -> int:
    """Run Pagefind over one year's release pages, linked into a folder of their own at their paths in the site.

    Pagefind reads only the pages under ``--site`` and names each by its path
    there, so the shard's pages keep their addresses and no other page is read.
    Returns Pagefind's peak resident bytes.
    """
    pages = tempfile.mkdtemp(prefix=".pagefind-pages-", dir=site)  # dies with the staging folder
    try:
        for page in shard.pages:
            os.makedirs(os.path.join(pages, os.path.dirname(page)), exist_ok=True)
            link_or_copy(os.path.join(site, page), os.path.join(pages, page))
        bundle = os.path.join(site, shard.folder)
        command = [executable, "--site", pages, "--output-path", bundle]
        # The working directory is the pages' folder so that no pagefind.yml lying around is read.
        status, shown, peak = run_measured(command, pages)
    finally:
        shutil.rmtree(pages, ignore_errors=True)
    # A disk or quota left without a free block is where a failed write leaves it, whatever Pagefind says.
    full = space_left(site)
    if full:
        raise SearchIndexError(
            f"the disk filled up while Pagefind wrote the index ({describe(full)}): free space and build again. "
            "The published site was not changed."
        )
    if status < 0:
        raise SearchIndexError(f"Pagefind was killed by {signal.Signals(-status).name}; its output follows.\n{shown}")
    if status != 0:
        raise SearchIndexError(f"Pagefind failed with exit status {status}; its output follows.\n{shown}")
    log.debug("Pagefind (%s): %s", shard.year, shown)
    problem = bundle_problem(bundle)
    if problem:
        raise SearchIndexError(
            f"Pagefind reported success, but {problem}: build again (a full disk or quota leaves such files). "
            "The published site was not changed."
        )
    return peak


def link_unchanged(output: StagedOutput, bundle: str) -> None:
    """Put the live site's file in place of every file of a new ``bundle`` that holds the same bytes.

    Pagefind writes the same bytes for the same pages, so of a year indexed
    again most files are the live ones: its scripts, its WebAssembly, the
    fragments and chunks of the pages that did not change (all of them when
    only a page's links outside ``data-pagefind-body`` changed). Linked, they
    are not compressed again (``newsroom.outputs.compress`` keeps a linked
    file's copies) nor uploaded again.
    """
    for root, _, files in os.walk(bundle):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                output.place(path, handle.read())  # the live file when it has these bytes, else these bytes again


def run_measured(command: list[str], cwd: str) -> tuple[int, str, int]:
    """Exit status (negative: killed by that signal), output and peak resident bytes of one command.

    The peak is the process's own high-water mark (``VmHWM``), read while it
    runs. Not ``ru_maxrss``: it also counts the memory the forked child had
    before its ``exec``, which is this build's whole heap. Where there is no
    ``/proc``, the peak is 0 (unknown).
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as shown:
        process = subprocess.Popen(command, cwd=cwd, stdout=shown, stderr=subprocess.STDOUT)
        peak, pause = 0, FIRST_POLL_SECONDS
        try:
            while True:
                peak = max(peak, high_water_mark(process.pid))
                finished, status = os.waitpid(process.pid, os.WNOHANG)
                if finished:
                    break
                time.sleep(pause)
                pause = min(2 * pause, PEAK_POLL_SECONDS)
        except BaseException:
            process.kill()
            process.wait()
            raise
        process.returncode = os.waitstatus_to_exitcode(status)
        shown.seek(0)
        return process.returncode, shown.read(), peak


def high_water_mark(pid: int) -> int:
    """The peak resident bytes of a running process since its ``exec`` (Linux ``/proc``), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024  # in kB
    except (OSError, ValueError, IndexError):
        pass
    return 0
