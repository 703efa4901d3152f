"""Newsroom: Pelican plugins that turn press releases into a strict, accessible site.

Stages, one module each: frontmatter/model/registry (reading and rules),
reader (the Pelican reader), build (cross-file checks, stop on errors),
feeds (Atom and RSS with permanent ids), output (staged, atomic output).
"""

from __future__ import annotations

from pelican import signals

from .build import BUILD, add_jinja_filters, link_neighbours
from .errors import ContentErrors
from .feeds import feeds_generator
from .output import OUTPUT
from .reader import use_newsroom_reader
from .search import index_site
from .sitemap import WRITTEN, write_sitemaps


def start_build(pelican) -> None:
    add_jinja_filters(pelican.settings)
    BUILD.start(pelican.settings)
    OUTPUT.start(pelican)


def stop_on_errors(generators) -> None:
    try:
        BUILD.finish()
    except ContentErrors:
        OUTPUT.abandon()
        raise


def register() -> None:
    """Connect the stages to Pelican's signals, in pipeline order.

    Receivers must be module-level functions or methods of module-level
    objects (blinker holds them weakly). While Pelican runs, files are written
    into a staging directory (``pelican.output_path`` / a generator's
    ``output_path``); ``OUTPUT.publish`` swaps it in and must stay the last
    receiver of ``finalized``.
    """
    signals.initialized.connect(start_build)
    signals.initialized.connect(WRITTEN.start)
    signals.readers_init.connect(use_newsroom_reader)
    signals.article_generator_finalized.connect(link_neighbours)
    signals.get_generators.connect(feeds_generator)
    signals.all_generators_finalized.connect(stop_on_errors)
    signals.content_written.connect(WRITTEN.record)
    signals.finalized.connect(write_sitemaps)
    signals.finalized.connect(index_site)
    signals.finalized.connect(OUTPUT.publish)
