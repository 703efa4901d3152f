"""Last stage before publishing: index the written release pages with Pagefind.

Pagefind reads the HTML this build wrote into the staging directory, so it
indexes exactly what is public: drafts and embargoed releases were never
written. The release template marks what Pagefind takes: the article as
``data-pagefind-body`` (all other pages stay out of the index), the
filters ``ressort``, ``thema`` and ``jahr``, the sort key ``datum`` and the
meta data for the result list; ``<html lang="de">`` selects German stemming.
The bundle lands in ``pagefind/`` and is swapped in with the rest of the site.

The binary comes from the pinned ``pagefind-bin`` package and runs as a
plain command, no network needed. Its exit status is not enough: Pagefind
ignores failed writes, so the bundle is checked before the site is published
(``bundle_problem``). When no release page changed since the
live site was built, its index is kept (linked) instead: Pagefind has no
incremental mode, and at 10,000 releases it takes longer than the rest of a
rebuild.
"""

from __future__ import annotations

import errno
import glob
import gzip
import importlib.metadata
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import zlib

from pagefind_bin import get_executable

from ..site.output import describe

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"  # Pagefind names its version there

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


def release_glob(settings: dict) -> str:
    """The release pages' file pattern, from ARTICLE_SAVE_AS with every ``{…}`` field a wildcard.

    Only release pages carry ``data-pagefind-body``; telling Pagefind so
    spares it parsing every list page (at 10,000 releases a third of its time).
    """
    return re.sub(r"\{[^}]*\}", "*", settings["ARTICLE_SAVE_AS"])


def release_pages(site: str, pattern: str) -> dict[str, int]:
    """Inode of every release page under ``site``, by path relative to it."""
    return {os.path.relpath(path, site): os.stat(path).st_ino for path in glob.glob(os.path.join(glob.escape(site), pattern))}


def previous_index(site: str, previous_site: str | None, pattern: str) -> str | None:
    """The live site's index folder, if it indexed exactly these release pages with this Pagefind.

    Every release page this build did not change is a hardlink to the live
    one (``StagedOutput.place``): same paths and same inodes mean the same bytes,
    and Pagefind reads nothing else, so its index would come out the same.
    """
    if not previous_site or not os.path.isdir(previous_site) or os.path.samefile(previous_site, site):
        return None
    folder = os.path.join(previous_site, BUNDLE_DIR)
    try:
        with open(os.path.join(folder, ENTRY_FILE), encoding="utf-8") as handle:
            version = json.load(handle).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    if version != importlib.metadata.version("pagefind-bin"):
        return None
    if release_pages(site, pattern) != release_pages(previous_site, pattern):
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

    Pagefind exits with status 0 even when its writes fail: on a full disk it
    leaves empty and cut-off files. Its JavaScript and CSS cannot be checked
    for completeness, so a disk or quota left without a free block (where a
    failed write leaves it) counts as a failure too; every compressed file
    must decompress to its end, and every chunk an index names must exist.
    (A file size limit, ``ulimit -f``, kills Pagefind: a failed exit status.)
    """
    full = space_left(os.path.dirname(folder))
    if full:
        return f"the disk filled up while Pagefind wrote the index ({describe(full)})"
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


def index_site(settings: dict, site: str, live_site: str | None, has_releases: bool) -> None:
    """Write the Pagefind bundle into the staged ``site``; ``live_site`` is the published one, whose index may still fit."""
    if not has_releases:
        # Without a single data-pagefind-body page Pagefind would index every
        # page; the search page says the search is unavailable instead.
        log.warning("Search: no public releases, no search index written")
        return
    site = os.path.abspath(site)
    unchanged = previous_index(site, live_site, release_glob(settings))
    if unchanged:
        link_tree(unchanged, os.path.join(site, BUNDLE_DIR))
        log.info("Search: no release page changed, index kept")
        return
    command = [str(get_executable()), "--site", site, "--output-subdir", BUNDLE_DIR, "--glob", release_glob(settings)]
    # The working directory is the site so that no pagefind.yml lying around is read.
    result = subprocess.run(command, cwd=site, capture_output=True, text=True)
    if result.returncode < 0:
        raise SearchIndexError(
            f"Pagefind was killed by {signal.Signals(-result.returncode).name}; its output "
            f"follows.\n{result.stdout}{result.stderr}"
        )
    if result.returncode != 0:
        raise SearchIndexError(
            f"Pagefind failed with exit status {result.returncode}; its output follows.\n{result.stdout}{result.stderr}"
        )
    log.debug("Pagefind: %s", result.stdout)
    problem = bundle_problem(os.path.join(site, BUNDLE_DIR))
    if problem:
        raise SearchIndexError(
            f"Pagefind reported success, but {problem}. Pagefind does not report failed writes, which a full disk "
            "or quota causes: free space and build again. The published site was not changed."
        )
    log.info("Search: index written to %s/", BUNDLE_DIR)
