"""The build clock: which releases are public *now*, decided before Pelican sees them.

Releases under embargo ("Sperrfrist") and drafts must not exist anywhere in the
built site. Pelican's ``WITH_FUTURE_DATES = False`` would compare with the
machine's time and still keep such articles as drafts in the generator's
context, where any stage could pick them up. Here every build reads one "now"
(the real time, or ``NEWSROOM_NOW`` for one build) and the reader gives Pelican
the status ``skip`` for each draft and embargoed release. Pelican then never
creates an Article for them: they are in no list, count, archive, feed,
neighbour link or ``{filename}`` lookup. (``pelicanconf.py`` sets
``WITH_FUTURE_DATES = True`` so Pelican's own clock never overrules this one.)

A preview build (``NEWSROOM["preview_drafts"]``) publishes them instead, marked
for the theme's "Entwurf" and "Sperrfrist bis …" banners.
"""

from __future__ import annotations

import datetime as dt
import os
from itertools import chain

from ..content.confine import content_relative_dir, intrasite_links, link_targets, referenced_paths
from ..content.dates import BERLIN, ImpossibleDate, NotIsoDate, de_datetime, from_iso
from ..errors import ContentError, display_path
from ..settings import newsroom

NOW_VARIABLE = "NEWSROOM_NOW"
NOW_EXAMPLE = "2025-06-02T10:30:00+02:00"

# What a source is at the build's "now".
PUBLISHED = "published"
DRAFT = "draft"
EMBARGOED = "embargoed"
WITHDRAWN = "withdrawn"


class ClockError(SystemExit):
    """``NEWSROOM_NOW`` cannot be read: stop before anything is built, without a traceback.

    As a ``SystemExit`` with a text, Python prints the text and exits with status 1.
    """

    def __init__(self, message: str):
        super().__init__(f"{NOW_VARIABLE}: {message}")


def parse_now(text: str) -> dt.datetime:
    """An aware datetime from ISO 8601 with a time and a UTC offset, in Berlin time."""
    text = text.strip()
    if len(text) <= 10:
        raise ClockError(f"{text!r} needs a time and a UTC offset; write for example {NOW_EXAMPLE}")
    try:
        value = from_iso(text)
    except ImpossibleDate as error:
        raise ClockError(f"{text!r} is not a valid date-time: {error}") from None
    except NotIsoDate:
        raise ClockError(f"{text!r} is not an ISO 8601 date-time; write for example {NOW_EXAMPLE}") from None
    if value.tzinfo is None:
        raise ClockError(
            f"{text!r} has no UTC offset; add one, for example {text}+01:00 (Berlin in winter), "
            f"{text}+02:00 (in summer) or {text}Z (UTC)"
        )
    return value.astimezone(BERLIN)


def read_now(environ=os.environ) -> dt.datetime:
    """``NEWSROOM_NOW`` when set (and not empty), else the real time."""
    text = environ.get(NOW_VARIABLE, "")
    if text.strip():
        return parse_now(text)
    return dt.datetime.now(BERLIN)


def release_state(release, now: dt.datetime) -> str:
    """published, draft, embargoed (dated after now) or withdrawn: of a ``Release``."""
    if release.status == DRAFT:
        return DRAFT
    if release.date > now:
        return EMBARGOED
    return release.status


class BuildClock:
    """The "now" of the running build and the sources it holds back."""

    def __init__(self, settings: dict, now: dt.datetime) -> None:
        self.now = now
        self.preview = newsroom(settings).preview_drafts
        self.settings = settings
        self.held_back: dict[str, str] = {}
        self.held_back_paths: set[str] = set()  # content files the held-back sources refer to

    def visibility(self, source, release, full_path: str) -> dict:
        """Pelican status and the theme's flags for one valid source (``release`` is its Release, None for a page).

        Withdrawn releases become Pelican's ``hidden`` articles: written at
        their URL, listed nowhere. Drafts and embargoed releases are ``skip``
        (never created), or in a preview build published with a banner flag.
        """
        state = release_state(release, self.now) if release else source.values.get("status", PUBLISHED)
        withdrawn = release is not None and release.status == WITHDRAWN
        metadata = {"status": "hidden" if withdrawn else "published", "preview_state": None}
        if release:
            metadata.update(withdrawn=withdrawn, withdrawn_on=release.withdrawn, withdrawal_reason=release.withdrawal_reason)
        if state in (DRAFT, EMBARGOED):
            if self.preview:
                metadata["preview_state"] = state
            else:
                metadata["status"] = "skip"
                relative = os.path.relpath(full_path, self.settings["PATH"]).replace(os.sep, "/")
                self.held_back[relative] = "a draft" if state == DRAFT else f"under embargo until {de_datetime(release.date)}"
                folder = content_relative_dir(full_path, self.settings["PATH"])
                self.held_back_paths |= referenced_paths(source.html, folder, self.settings)
                if release:
                    self.held_back_paths |= media_paths(release)
        return metadata

    def hold_back_media(self, generator) -> None:
        """Static files (images, attachments) that only held-back releases use stay out of the output.

        Pelican copies everything under STATIC_PATHS; an embargoed release's
        photo would otherwise be online, at a telling file name, before the
        release. Receiver of ``static_generator_finalized``. Held-back and
        public sources are compared by the normalised paths they refer to, so
        no spelling (``images//foto.jpg``, ``./images/foto.jpg``) slips past.
        """
        if not self.held_back_paths:
            return
        public = set()
        for name in ("articles", "hidden_articles", "pages", "hidden_pages"):
            for content in generator.context.get(name, ()):
                public |= referenced_paths(content._content, content.relative_dir, self.settings)
                if content.release:
                    public |= media_paths(content.release)
        kept = []
        for static in generator.staticfiles:
            path = static.get_relative_source_path()
            if path in self.held_back_paths and path not in public:
                generator.context["static_content"].pop(path, None)
                continue
            kept.append(static)
        generator.staticfiles[:] = kept

    def link_errors(self, generators) -> list[ContentError]:
        """A public page must not link to held-back content: the link would show its file name."""
        if not self.held_back:
            return []
        errors = []
        for generator in generators:
            contents = chain.from_iterable(
                getattr(generator, name, ()) for name in ("articles", "hidden_articles", "pages", "hidden_pages")
            )
            for content in contents:
                for target, written in linked_sources(content, self.settings):
                    if target in self.held_back:
                        errors.append(
                            ContentError(
                                display_path(content.source_path),
                                line_containing(content.source_path, written),
                                None,
                                f"links to {target!r}, which is {self.held_back[target]}; "
                                "remove the link until that release is public",
                            )
                        )
        return errors


def media_paths(release) -> set[str]:
    """The content files a release publishes besides its text: its image and its attachments."""
    paths = {attachment.path for attachment in release.attachments}
    return paths | {release.image.path} if release.image else paths


def linked_sources(content, settings: dict) -> list[tuple[str, str]]:
    """(content-relative path, link as written) of every ``{filename}``, ``{static}`` and ``{attach}`` link in a page.

    ``{static}`` and ``{attach}`` count too: Pelican would publish a held-back
    release's Markdown source through them.
    """
    return sorted(
        {
            (target, value)
            for _match, _kind, value in intrasite_links(content._content, settings)
            for target in link_targets(value, content.relative_dir)
        }
    )


def line_containing(path: str, text: str) -> int | None:
    """The first line of a file that contains ``text``, for error messages."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if text in line:
                return number
    return None

