"""Newsroom: Pelican plugins that turn press releases into a strict, accessible site.

Stages, one module each: frontmatter/model/registry (reading and rules),
reader (the Pelican reader), build (cross-file checks, stop on errors),
sanitize (allow-listed HTML), assets (fingerprinted theme files),
output (staged, atomic output).
"""

from __future__ import annotations

from pelican import signals

from .assets import ASSETS, asset_generator
from .build import BUILD, add_jinja_filters, link_neighbours
from .errors import ContentErrors
from .output import OUTPUT
from .reader import use_newsroom_reader


def start_build(pelican) -> None:
    add_jinja_filters(pelican.settings)
    ASSETS.start(pelican.settings)
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
    signals.readers_init.connect(use_newsroom_reader)
    signals.get_generators.connect(asset_generator)
    signals.article_generator_finalized.connect(link_neighbours)
    signals.all_generators_finalized.connect(stop_on_errors)
    signals.finalized.connect(OUTPUT.publish)
