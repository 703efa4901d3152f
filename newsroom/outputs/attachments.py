"""Attachments: each public release's files, copied under the release's own folder.

A release's attachment ``dokumente/flyer-strassenfest.pdf`` is published as
``anhaenge/2025-14/flyer-strassenfest.pdf`` (``Attachment.url``): one folder
per release number, the file name as a German slug. The address is stable:
an editor who replaces the flyer with a corrected one keeps its URL, so the
links in feeds, mails and shared posts lead to the current file (a
fingerprinted name would leave every old link dead). Such files are
therefore not served as immutable.

Only releases Pelican publishes (``articles``, and the withdrawn
``hidden_articles`` whose page still shows them) are copied: drafts and
embargoed releases never reach Pelican, so their files are not published,
even when a public release attaches the same file (it gets its own copy
under its own number). Attachments may not lie under ``STATIC_PATHS``
(``content.rules``), so Pelican never copies one under its source name.
"""

from __future__ import annotations

import os

from pelican.generators import ArticlesGenerator


def planned(generators, content_path: str) -> dict[str, str]:
    """Site-relative published path → source file, for every attachment of a published release."""
    articles = next(generator for generator in generators if isinstance(generator, ArticlesGenerator))
    files = {}
    for article in [*articles.articles, *articles.hidden_articles]:
        for attachment in article.release.attachments:
            files[attachment.url] = os.path.join(content_path, attachment.path)
    return dict(sorted(files.items()))


def write(output, site: str, files: dict[str, str]) -> None:
    """Copy the planned files into the staging folder (an unchanged file stays a link to the live one)."""
    for url, source in files.items():
        with open(source, "rb") as handle:
            output.place(os.path.join(site, url), handle.read())
