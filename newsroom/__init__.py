"""Newsroom: Pelican plugins that turn press releases into a strict, accessible site.

Stages, one module each: frontmatter/model/registry (reading and rules),
reader (the Pelican reader), preread (all sources read ahead on all
cores, cached by content hash), sanitize (allow-listed HTML), clock
(embargoes and drafts held back), build (cross-file checks, stop on errors),
feeds (Atom and RSS with permanent ids), links (aliases, redirect pages,
published-URL warnings), cards (social card images), social (meta tags and
JSON-LD), assets (fingerprinted theme files), writing (pages rendered in
parallel), sitemap, search (Pagefind), compress (.gz and .br
beside every text file), publish (the drafts-preview mark; ``invoke
publish``), output (staged, atomic output, unchanged
files kept).
"""

from __future__ import annotations

import logging

from pelican import signals

from .content.preread import read_ahead
from .outputs.cards.stage import CARDS, card_generator
from .outputs.compress import precompress
from .outputs.feeds import feeds_generator
from .outputs.redirects import LINKS, redirect_generator
from .outputs.search import index_site
from .outputs.sitemap import WRITTEN, write_sitemaps
from .outputs.social import add_jinja_globals
from .site.assets import ASSETS, asset_generator
from .site.build import BUILD, add_jinja_filters, link_neighbours, pin_urls
from .site.clock import CLOCK
from .site.output import OUTPUT, SwallowedWriteFaults
from .site.reader import use_newsroom_reader
from .site.writing import PAGES, index_release_lists, newsroom_writer
from .tools.publish import mark_drafts_preview

SWALLOWED_WRITE_FAULTS = SwallowedWriteFaults()


def start_build(pelican) -> None:
    """Receiver of ``initialized``: reset every stage, and guard the run that follows.

    ``OUTPUT.failing_cleanly`` must enclose everything that writes, and
    Pelican has no signal around its run: ``pelican.run`` of this one
    instance is wrapped instead (Pelican calls it right after this signal).
    Inside it, generators, signal receivers and Pelican's own copying all run.
    """
    with OUTPUT.failing_cleanly():
        # First: NEWSROOM is checked once, and every stage after reads the checked settings.
        BUILD.start(pelican.settings)
        if not BUILD.ready:  # bad settings, or a link out of the content folder: stop before any stage reads
            BUILD.finish()
        CLOCK.start(pelican.settings)  # a bad NEWSROOM_NOW stops before anything is created
        add_jinja_filters(pelican.settings)
        add_jinja_globals(pelican.settings)
        ASSETS.start(pelican.settings)
        LINKS.start(pelican.settings)
        CARDS.start(pelican)
        OUTPUT.start(pelican)
    pelican.run = OUTPUT.failing_cleanly()(pelican.run)


def stop_on_errors(generators) -> None:
    BUILD.finish()


def register() -> None:
    """Connect the stages to Pelican's signals, in pipeline order.

    Receivers must be module-level functions or methods of module-level
    objects (blinker holds them weakly). While Pelican runs, files are written
    into a staging directory (``pelican.output_path`` / a generator's
    ``output_path``); ``OUTPUT.publish`` swaps it in and must stay the last
    receiver of ``finalized``.
    """
    logging.getLogger("pelican.utils").addFilter(SWALLOWED_WRITE_FAULTS)
    signals.initialized.connect(start_build)
    signals.initialized.connect(WRITTEN.start)
    signals.initialized.connect(PAGES.start)
    signals.readers_init.connect(use_newsroom_reader)
    signals.article_generator_init.connect(read_ahead)
    signals.get_generators.connect(asset_generator)
    signals.article_generator_finalized.connect(link_neighbours)
    signals.article_generator_finalized.connect(pin_urls)
    signals.article_generator_finalized.connect(index_release_lists)
    signals.get_generators.connect(feeds_generator)
    signals.get_generators.connect(redirect_generator)
    signals.static_generator_finalized.connect(BUILD.keep_statics_inside)
    signals.static_generator_finalized.connect(CLOCK.hold_back_media)
    signals.all_generators_finalized.connect(CLOCK.check_links)
    signals.all_generators_finalized.connect(LINKS.check)
    signals.get_generators.connect(card_generator)
    # Cards are drawn once the public releases are final and before the error
    # check, so a picture that cannot be drawn stops the build like bad content.
    signals.all_generators_finalized.connect(CARDS.prepare)
    signals.all_generators_finalized.connect(stop_on_errors)
    signals.get_writer.connect(newsroom_writer)
    signals.content_written.connect(WRITTEN.record)
    # Pages are rendered here, before the sitemap and Pagefind need them.
    signals.finalized.connect(PAGES.flush)
    signals.finalized.connect(write_sitemaps)
    signals.finalized.connect(index_site)
    signals.finalized.connect(precompress)
    signals.finalized.connect(mark_drafts_preview)
    signals.finalized.connect(OUTPUT.publish)
