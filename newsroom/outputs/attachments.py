"""Files from the content folder that the site publishes under names of its own: attachments, the sign-language video.

Attachments are each public release's files, copied under the release's own folder.

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

The video in German Sign Language and its captions (``NEWSROOM["sign_language"]``)
are published beside the page that shows them, ``gebaerdensprache/``.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass

from pelican.generators import ArticlesGenerator

from ..settings import newsroom

SIGN_LANGUAGE_PAGE = "gebaerdensprache"


@dataclass(frozen=True)
class SignLanguageVideo:
    """Where the page finds the video and its captions (site-relative), and the files they come from."""

    video_url: str
    captions_url: str
    files: dict[str, str]  # published path → source file


def sign_language_video(settings: dict) -> SignLanguageVideo | None:
    """The configured video, or None: then the page says it is not there yet."""
    options = newsroom(settings).sign_language
    if not options.video:
        return None
    urls = {key: f"{SIGN_LANGUAGE_PAGE}/{posixpath.basename(value)}"
            for key, value in (("video", options.video), ("captions", options.captions))}
    files = {urls["video"]: os.path.join(settings["PATH"], options.video),
             urls["captions"]: os.path.join(settings["PATH"], options.captions)}
    return SignLanguageVideo(urls["video"], urls["captions"], files)


def planned(generators, settings: dict) -> dict[str, str]:
    """Site-relative published path → source file: every attachment of a published release, the sign-language video."""
    articles = next(generator for generator in generators if isinstance(generator, ArticlesGenerator))
    video = sign_language_video(settings)
    files = dict(video.files) if video else {}
    content_path = settings["PATH"]
    for article in [*articles.articles, *articles.hidden_articles]:
        for attachment in article.release.attachments:
            files[attachment.url] = os.path.join(content_path, attachment.path)
    return dict(sorted(files.items()))


def write(output, site: str, files: dict[str, str]) -> None:
    """Copy the planned files into the staging folder (an unchanged file stays a link to the live one)."""
    for url, source in files.items():
        with open(source, "rb") as handle:
            output.place(os.path.join(site, url), handle.read())
