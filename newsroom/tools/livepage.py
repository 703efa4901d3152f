"""The live preview's fast path: one saved release's page rendered again from the last whole build, in a fraction of a second.

A whole build of a large site takes long: most of it is lists, feeds,
search and images that one edited sentence does not touch. The whole build
leaves what rendering one release page again needs (``ReleasePages``,
``newsroom.site.writing``); ``render_again`` reads the saved file as the
build reads it (``read_source``, ``Release.from_source``,
``release_metadata``, Pelican's ``Article`` with the article generator's
context) and renders its page through the build's own records
(``PendingPage.make_record``, a fresh ``Records`` with the build's site
digest), so its bytes are the ones the next whole build writes.

That holds only while the release gives every other page and lookup what it
gave the last whole build (``shared_values``): its order among the releases
(date, number) and so its neighbours; whether and how it is shown (status,
draft or embargo); its addresses (slug, URL, old addresses); its department
and topics (the section pages it is in, the feeds its page links); its
picture (the pictures lookup); its attachments (the files copied). When one
of them changed, only the whole build shows the page. Its title, summary
and text may change: the page shows them at once, the lists, feeds, search
and the neighbours' links after the whole build. A text card shows the
title: when its inputs changed, the card is drawn here (a few milliseconds)
and served with the page, as the whole build will name and draw it.

The whole build forks workers (``newsroom.content.preread``,
``newsroom.site.writing``, the card and image pools) while a fast render may
run in another thread: ``RENDERING`` is held for each fast render and taken
before every fork of this process, so no child starts with a render's
locks half held.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass

from pelican.contents import Article
from pelican.readers import _filter_discardable_metadata, default_metadata, parse_path_metadata, path_metadata
from pelican.utils import posixize_path

from ..content.reading import read_source
from ..content.registry import load_registries
from ..content.release import Release
from ..outputs.cards.drawing import render
from ..outputs.cards.stage import ReleaseCards, alt_text, card_as_linked, release_card
from ..settings import data_dir, newsroom
from ..site.clock import BuildClock, read_now
from ..site.reader import NewsroomReader, release_metadata
from ..site.records import Records
from ..site.writing import PendingPage, ReleasePages

RENDERING = threading.Lock()
os.register_at_fork(before=RENDERING.acquire, after_in_parent=RENDERING.release, after_in_child=RENDERING.release)


@dataclass(frozen=True)
class Rendered:
    """Files below the site (the page's ``output_file``, a card drawn afresh) and their bytes."""

    files: dict[str, bytes]


@dataclass(frozen=True)
class Unreadable:
    """The file has content errors, as the whole build reports them (``path:line: field: message``)."""

    errors: tuple[str, ...]


@dataclass(frozen=True)
class Unfit:
    """No fast path for this save: why (the whole build shows it)."""

    reason: str


def shared_values(article: Article, settings: dict) -> dict[str, object]:
    """What of a release other pages and the build's lookups use, by the name a message gives it (see the module)."""
    release = article.release
    return {
        "visibility": (article.status, article.metadata.get("preview_state")),
        "date": release.date,
        "number": (release.number, release.key, release.serial, release.permanent_id),
        "address": (release.url, release.save_as, tuple(alias for alias, _line in release.aliases)),
        "department": release.department,
        "topics": release.topics,
        "image": (release.image.path, release.image.focus) if release.image else None,
        "attachments": tuple((attachment.path, attachment.url) for attachment in release.attachments),
    }


def card_again(old: Article, article: Article, cards: ReleaseCards, settings: dict) -> tuple[ReleaseCards, dict[str, bytes]]:
    """The cards lookup the page is rendered with, and the card's file when its inputs changed (drawn here)."""
    key = article.release.key
    if key not in cards.by_key:  # a withdrawn release shows the site's card
        return cards, {}
    card = release_card(settings, article.release)
    if card == release_card(settings, old.release) and alt_text(card, article.release) == cards.by_key[key].alt:
        return cards, {}
    data = render(card)
    linked = card_as_linked(newsroom(settings).cards, card, article.release, hashlib.sha256(data).hexdigest())
    return ReleaseCards(cards.site, {key: linked}), {linked.path: data}


def read_article(full_path: str, settings: dict, context: dict) -> Article | Unreadable:
    """The file as the whole build's reader and Pelican's ``Readers.read_file`` make it an Article."""
    options = newsroom(settings)
    registries = load_registries(data_dir(settings), options.default_contact)
    reader = NewsroomReader(settings)  # the build's, for its departments and topics as Pelican objects
    source = read_source(full_path, settings, registries, reader.renderer)
    errors = registries.errors + source.errors
    if errors:
        return Unreadable(tuple(error.format() for error in errors))
    release = Release.from_source(source, settings)
    source_path = posixize_path(os.path.relpath(full_path, settings["PATH"]))
    metadata = _filter_discardable_metadata(default_metadata(settings=settings, process=reader.process_metadata))
    metadata.update(path_metadata(full_path=full_path, source_path=source_path, settings=settings))
    metadata.update(_filter_discardable_metadata(
        parse_path_metadata(source_path=source_path, settings=settings, process=reader.process_metadata)
    ))
    metadata["reader"] = "newsroom"
    metadata.update(release_metadata(release, reader))
    metadata.update(BuildClock(settings, read_now()).visibility(source, release, full_path))
    return Article(content=source.html, metadata=metadata, settings=settings, source_path=full_path, context=context)


def render_again(kept: ReleasePages, full_path: str) -> Rendered | Unreadable | Unfit:
    """The page of the release at ``full_path`` (one of ``kept.pages``) as the next whole build renders it, if nothing
    but its page changes.
    """
    page = kept.pages[full_path]
    old = page.own["article"]
    with RENDERING:
        article = read_article(full_path, kept.settings, old._context)
        if isinstance(article, Unreadable):
            return article
        before, after = shared_values(old, kept.settings), shared_values(article, kept.settings)
        changed = [name for name in before if before[name] != after[name]]
        if changed:
            return Unfit(f"its {', '.join(changed)} changed, which other pages show")
        article.prev_article, article.next_article = old.prev_article, old.next_article  # the same order
        cards, files = card_again(old, article, page.snapshot["cards"], kept.settings)
        own = {**page.own, "article": article, "category": article.category, "cards": cards}
        again = PendingPage(page.path, page.template, page.shared, page.snapshot, own)
        again.make_record(Records(kept.settings, kept.site_digest))
        files[own["output_file"]] = again.html()
        return Rendered(files)
