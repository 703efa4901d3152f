"""Stable links: redirect pages at the old addresses of a release (``aliases:``).

When a slug changes, the release lists its old addresses under ``aliases:``
and this stage writes a small page at each of them that sends the reader on
(``<meta http-equiv="refresh">``, a canonical link and a visible link; no
script). Which addresses an alias may take is checked in ``links.py``, with
every source the reader recorded.
"""

from __future__ import annotations

from itertools import chain

from pelican.generators import Generator

from .links import alias_save_as


class RedirectGenerator(Generator):
    """Writes a redirect page at every alias of a public release (also a withdrawn one)."""

    def generate_output(self, writer) -> None:
        template = self.get_template("redirect")
        articles = chain(self.context.get("articles", []), self.context.get("hidden_articles", []))
        for article in sorted(articles, key=lambda item: item.save_as):
            for alias, _line in article.release.aliases:
                writer.write_file(
                    alias_save_as(alias),
                    template,
                    self.context,
                    relative_urls=self.settings["RELATIVE_URLS"],
                    redirect_to=article,
                    redirect_from=alias,
                )


def redirect_generator(pelican) -> type[Generator]:
    """Signal receiver for ``get_generators``."""
    return RedirectGenerator

