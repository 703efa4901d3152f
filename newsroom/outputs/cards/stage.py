"""Stage: social card images for every release, and one for the site, in one build.

``CardStage.prepare`` plans a card for every public release and the site,
looks each up in the card cache by its fingerprint, draws the missing ones
(cards with the same inputs once, many in a pool of processes whose workers
write their cards straight into the cache) and gives pages their ``Card``;
``CardStage.write`` puts the cards into the output.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from pelican.generators import ArticlesGenerator
from PIL import Image, UnidentifiedImageError

from ...content.dates import de_date
from ...content.release import Release
from ...errors import ContentError, display_path
from ...processes import forked_executor
from ...progress import Progress
from ...settings import newsroom
from ...urls import public_base
from .cache import CardCache, card_file_name, fingerprint, read_cache_file, write_atomically
from .drawing import MIME_TYPE, render
from .layout import HEIGHT, WIDTH, PhotoCard, Style, TextCard

logger = logging.getLogger(__name__)

SITE_CARD_KEY = "allgemein"
SEPARATOR = " · "
# Below this many cards a process pool costs more than it saves.
PARALLEL_FROM = 16
CHUNK_SIZE = 32  # most cards one pool task carries
# The stage's one line per build; newsroom.tools.benchmark reads its figures.
SUMMARY = "Cards: %d drawn, %d reused from %s in %.2f s"


def card_style(settings: dict) -> Style:
    """The look of every card, from the settings: here, not in ``layout``, so the settings code is no part of ``RENDERER``."""
    options = newsroom(settings).cards
    files = options.theme_files(settings["THEME"])
    return Style(
        background=options.background,
        text=options.text,
        muted=options.muted,
        accent=options.accent,
        font_bold=files["font_bold"],
        font_regular=files["font_regular"],
        logo=files["logo"],
        quality=options.quality,
    )


@dataclass(frozen=True)
class Card:
    """A card as pages refer to it: site-relative path, size, type and alt text."""

    path: str
    alt: str
    width: int = WIDTH
    height: int = HEIGHT
    type: str = MIME_TYPE


def site_card(settings: dict) -> TextCard:
    """The card of lists and static pages: office, the site's title, its address."""
    options = newsroom(settings)
    host = urlsplit(public_base(settings)).netloc
    return TextCard(
        SITE_CARD_KEY, options.cards.site_title, (host,), options.office_name, options.office_unit, card_style(settings)
    )


def release_card(settings: dict, release: Release, style: Style | None = None) -> TextCard | PhotoCard:
    """A crop of the release's own picture, else a card with its title, number, date and department (``style``: the settings')."""
    key = release.key
    style = style or card_style(settings)
    if release.image:
        return PhotoCard(key, os.path.join(settings["PATH"], release.image.path), release.image.focus, style)
    options = newsroom(settings)
    kicker = f"{release.designation}{SEPARATOR}{de_date(release.date)}"
    department = release.department["name"]
    return TextCard(key, release.title, (kicker, department), options.office_name, options.office_unit, style)


def alt_text(card: TextCard | PhotoCard, release: Release | None = None) -> str:
    """What the card shows, for people who cannot see it."""
    if isinstance(card, PhotoCard):
        return release.image.alt
    if release is None:
        return f"{card.title} – {card.office}, {card.unit}"
    return (
        f"{card.title} – {release.designation} vom {de_date(release.date)}, "
        f"{release.department['name']}, {card.office}"
    )


@dataclass(frozen=True)
class ReleaseCards:
    """The cards pages show, in the template context as ``cards``: the site's, and each public release's."""

    site: Card
    by_key: dict

    def of(self, release: Release) -> Card:
        """A release's own card; a withdrawn release (listed nowhere, drawn no card) shows the site's."""
        return self.by_key.get(release.key, self.site)

    def restricted_to(self, releases) -> ReleaseCards:
        """The site's card and the cards of ``releases``: what a page showing them can ask for (``newsroom.site.records``)."""
        cards = {release.key: self.by_key[release.key] for release in releases if release.key in self.by_key}
        return ReleaseCards(self.site, cards)


def card_as_linked(options, card: TextCard | PhotoCard, release: Release | None, digest: str) -> Card:
    """A drawn card as pages refer to it: its file in the output, named by its key and the sha256 of its bytes."""
    return Card(f"{options.output_dir}/{card_file_name(card.key, digest)}", alt_text(card, release))


@dataclass(frozen=True)
class Drawing:
    """A card to draw and the keys of all cards with the same inputs: they are drawn once and share the bytes."""

    card: TextCard | PhotoCard
    keys: tuple[str, ...]


def draw_into(folder: str, drawing: Drawing) -> tuple[str | None, str | None]:
    """Run in a worker: draw a card into the cache folder under each of its keys.

    Returns the sha256 of its bytes, or why its picture could not be read.

    The worker writes the files itself, so no JPEG travels back through a
    pipe and the parent never holds thousands of them. Each key gets a file
    of its own, no hard link: a link would make one damaged file two.
    """
    try:
        data = render(drawing.card)
    except (OSError, UnidentifiedImageError, SyntaxError, Image.DecompressionBombError) as error:
        return None, str(error)
    digest = hashlib.sha256(data).hexdigest()
    for key in drawing.keys:
        write_atomically(os.path.join(folder, card_file_name(key, digest)), data)
    return digest, None


def draw_all(drawings: list[Drawing], folder: str, workers: int) -> Iterator[tuple[str | None, str | None]]:
    """Draw cards in a pool of processes, or here when there are only a few; results in order, as they come.

    Fonts, glyphs and the text card's backdrop are kept per process (the
    cached functions of ``glyphs`` and ``drawing``), so each worker prepares
    them with its first card and keeps them for all later ones.
    """
    draw = partial(draw_into, folder)
    if workers < 2 or len(drawings) < PARALLEL_FROM:
        yield from map(draw, drawings)
        return
    workers = min(workers, len(drawings))
    # Big enough to keep the pool's bookkeeping small, small enough for even shares and a moving progress line.
    chunksize = max(1, min(CHUNK_SIZE, len(drawings) // (4 * workers)))
    # Forked, so that the workers are this process's children and die with it (newsroom.processes).
    with forked_executor(workers) as pool:
        yield from pool.map(draw, drawings, chunksize=chunksize)


class CardStage:
    """Plans, draws (or reuses) and writes the cards of one build."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings
        self.files: dict[str, tuple[str, str, TextCard | PhotoCard]] = {}  # output file name → cache file, its sha256, the card
        self.cache: CardCache | None = None

    def prepare(self, generators) -> list[ContentError]:
        """Plan the cards of the public releases and the site, draw the missing ones; the pictures that cannot be drawn.

        After filtering, before any page is written: the shared template
        context gets ``cards`` (``ReleaseCards``).
        """
        started = time.perf_counter()
        articles = next(g for g in generators if isinstance(g, ArticlesGenerator)).articles
        options = newsroom(self.settings).cards
        cache = CardCache(os.path.abspath(options.cache_dir))
        releases = [article.release for article in articles]
        style = card_style(self.settings)
        planned = [(None, site_card(self.settings))] + [
            (release, release_card(self.settings, release, style)) for release in releases
        ]
        fingerprints = {card.key: fingerprint(card) for _, card in planned}
        missing = [(release, card) for release, card in planned if not cache.lookup(card.key, fingerprints[card.key])]
        by_inputs: dict[str, list] = {}
        for release, card in missing:
            by_inputs.setdefault(fingerprints[card.key], []).append((release, card))
        drawings = [Drawing(group[0][1], tuple(card.key for _, card in group)) for group in by_inputs.values()]
        os.makedirs(cache.folder, exist_ok=True)
        results = draw_all(drawings, cache.folder, options.workers or os.cpu_count() or 1)
        failures = []
        with Progress("Karten", len(missing), "gezeichnet") as shown:
            for (inputs, group), (digest, problem) in zip(by_inputs.items(), results, strict=True):
                if problem is not None:
                    for release, _ in group:
                        message = f"{release.image.path!r} cannot be drawn as a card: {problem}"
                        failures.append(ContentError(release.path, release.lines["image"], "image", message))
                else:
                    for _, card in group:
                        cache.record(card.key, inputs, digest)
                shown.advance(len(group))
        cache.save()
        if failures:
            return failures
        published = {}
        for release, card in planned:
            digest = cache.entries[card.key]["sha256"]
            published[release] = card_as_linked(options, card, release, digest)
            self.files[published[release].path] = (cache.path(card.key), digest, card)
        site = published.pop(None)
        generators[0].context["cards"] = ReleaseCards(site, {release.key: card for release, card in published.items()})
        self.cache = cache
        seconds = time.perf_counter() - started
        logger.info(SUMMARY, len(missing), len(planned) - len(missing), display_path(cache.folder), seconds)
        return []

    def write(self, output, site: str) -> None:
        """Put every card into the output: the live site's file of its name, else its cache file checked against the digest.

        A card's name holds its digest, and the live site's card was checked
        against it when it was published, so it is linked as the live pages
        are. Otherwise a copy of the cache file, never a hard link, so damage
        to the cache cannot reach the site; a cache file that does not match
        (damaged, or changed by another build beside this one) is drawn again
        here and replaced in the cache.
        """
        for name, (cached, digest, card) in sorted(self.files.items()):
            if output.link_previous(os.path.join(site, name)):
                continue  # the live site's card of this name was published with these bytes (checked then)
            try:
                data = read_cache_file(cached)
            except OSError:
                data = b""
            if hashlib.sha256(data).hexdigest() != digest:
                self.cache.failed.append(card.key)
                data = render(card)
                write_atomically(cached, data)
            output.place(os.path.join(site, name), data)
        if self.cache:
            self.cache.report()

