"""Last stage before publishing: index the written release pages with Pagefind.

Pagefind reads the HTML this build wrote into the staging directory, so it
indexes exactly what is public: drafts and embargoed releases were never
written. The release template marks what Pagefind takes: the article as
``data-pagefind-body`` (all other pages stay out of the index), the
filters ``ressort``, ``thema`` and ``jahr``, the sort key ``datum`` and the
meta data for the result list; ``<html lang="de">`` selects German stemming.
The bundle lands in ``pagefind/`` and is swapped in with the rest of the site.

The binary comes from the pinned ``pagefind-bin`` package and runs as a
plain command, no network needed.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess

from pagefind_bin import get_executable

from .sitemap import WRITTEN

BUNDLE_DIR = "pagefind"

log = logging.getLogger(__name__)


class SearchIndexError(RuntimeError):
    """Pagefind did not finish; the build must not publish a site without its index."""


def release_glob(settings: dict) -> str:
    """The release pages' file pattern, from ARTICLE_SAVE_AS with every ``{…}`` field a wildcard.

    Only release pages carry ``data-pagefind-body``; telling Pagefind so
    spares it parsing every list page (at 10,000 releases a third of its time).
    """
    return re.sub(r"\{[^}]*\}", "*", settings["ARTICLE_SAVE_AS"])


def index_site(pelican) -> None:
    """Write the Pagefind bundle into the site at ``pelican.output_path``."""
    if not WRITTEN.has_releases():
        # Without a single data-pagefind-body page Pagefind would index every
        # page; the search page says the search is unavailable instead.
        log.warning("Search: no public releases, no search index written")
        return
    site = os.path.abspath(pelican.output_path)
    command = [str(get_executable()), "--site", site, "--output-subdir", BUNDLE_DIR, "--glob", release_glob(pelican.settings)]
    # The working directory is the site so that no pagefind.yml lying around is read.
    result = subprocess.run(command, cwd=site, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind failed with exit status {result.returncode}:\n{result.stdout}{result.stderr}")
    log.debug("Pagefind: %s", result.stdout)
    log.info("Search: index written to %s/", BUNDLE_DIR)
