"""Last stage before publishing: index the written release pages with Pagefind.

Pagefind reads the HTML this build wrote into the staging directory, so it
indexes exactly what is public: drafts and embargoed releases were never
written. The release template marks what Pagefind takes: the article as
``data-pagefind-body`` (all other pages stay out of the index), the
filters ``ressort``, ``thema`` and ``jahr``, the sort key ``datum`` and the
meta data for the result list; ``<html lang="de">`` selects German stemming.
The bundle lands in ``pagefind/`` and is swapped in with the rest of the site.

The binary comes from the pinned ``pagefind-bin`` package and runs as a
plain command, no network needed. When no release page changed since the
live site was built, its index is kept (linked) instead: Pagefind has no
incremental mode, and at 10,000 releases it takes longer than the rest of a
rebuild.
"""

from __future__ import annotations

import glob
import importlib.metadata
import json
import logging
import os
import re
import shutil
import subprocess

from pagefind_bin import get_executable

from .output import OUTPUT
from .sitemap import WRITTEN

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"  # Pagefind names its version there

log = logging.getLogger(__name__)


class SearchIndexError(RuntimeError):
    """Pagefind did not finish; the build must not publish a site without its index."""


def release_glob(settings: dict) -> str:
    """The release pages' file pattern, from ARTICLE_SAVE_AS with every ``{…}`` field a wildcard.

    Only release pages carry ``data-pagefind-body``; telling Pagefind so
    spares it parsing every list page (at 10,000 releases a third of its time).
    """
    return re.sub(r"\{[^}]*\}", "*", settings["ARTICLE_SAVE_AS"])


def release_pages(site: str, pattern: str) -> dict[str, int]:
    """Inode of every release page under ``site``, by path relative to it."""
    return {os.path.relpath(path, site): os.stat(path).st_ino for path in glob.glob(os.path.join(glob.escape(site), pattern))}


def previous_index(site: str, pattern: str) -> str | None:
    """The live site's index folder, if it indexed exactly these release pages with this Pagefind.

    Every release page this build did not change is a hardlink to the live
    one (``OUTPUT.place``): same paths and same inodes mean the same bytes,
    and Pagefind reads nothing else, so its index would come out the same.
    """
    previous_site = OUTPUT.target
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


def index_site(pelican) -> None:
    """Write the Pagefind bundle into the site at ``pelican.output_path``."""
    if not WRITTEN.has_releases():
        # Without a single data-pagefind-body page Pagefind would index every
        # page; the search page says the search is unavailable instead.
        log.warning("Search: no public releases, no search index written")
        return
    site = os.path.abspath(pelican.output_path)
    unchanged = previous_index(site, release_glob(pelican.settings))
    if unchanged:
        link_tree(unchanged, os.path.join(site, BUNDLE_DIR))
        log.info("Search: no release page changed, index kept")
        return
    command = [str(get_executable()), "--site", site, "--output-subdir", BUNDLE_DIR, "--glob", release_glob(pelican.settings)]
    # The working directory is the site so that no pagefind.yml lying around is read.
    result = subprocess.run(command, cwd=site, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind failed with exit status {result.returncode}:\n{result.stdout}{result.stderr}")
    log.debug("Pagefind: %s", result.stdout)
    log.info("Search: index written to %s/", BUNDLE_DIR)
