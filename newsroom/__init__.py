"""Newsroom: Pelican plugins that turn press releases into a strict, accessible site.

Subpackages follow the pipeline (``docs/architecture.md`` walks through it):
``content`` reads one source into checked values, HTML and a ``Release``;
``site`` is the Pelican glue — the plugin and the build's one state, the
reader, cross-file checks, the clock, page writing and the atomic output;
``outputs`` makes what the site publishes from the releases (feeds, cards,
social tags, sitemaps, search, redirects, compression); ``tools`` are the
invoke tasks beside the build. ``errors``, ``settings``, ``urls``,
``fingerprint``, ``processes`` and ``progress`` serve them all.
"""

from __future__ import annotations


def register() -> None:
    """Pelican's entry point: connect the plugin (``newsroom.site.plugin``) to Pelican's signals.

    Pelican is imported here, not above: ``invoke check`` imports this package without Pelican's generators.
    """
    from pelican import signals

    from .site.plugin import connect

    connect(signals)
