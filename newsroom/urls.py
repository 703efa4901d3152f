"""Absolute URLs for places that need them (canonical links, feeds, cards, sitemaps).

Pages link root-relative during development (``SITEURL = ""``), but a feed,
a canonical link or a social card must name the public address. That address
is ``SITEURL`` when it is absolute, else ``NEWSROOM["public_url"]``.
Also the names of the folders the feed and search stages fill.
"""

from __future__ import annotations

from .settings import newsroom

# Folders the feed and search stages fill; named here, so the checks that keep pages out of them need not load the stages.
FEEDS_DIR = "feeds"
BUNDLE_DIR = "pagefind"


def public_base(settings: dict) -> str:
    """'https://presse.example.org' without a trailing slash."""
    site_url = settings.get("SITEURL") or ""
    if site_url.startswith(("http://", "https://")):
        return site_url.rstrip("/")
    return newsroom(settings).public_url.rstrip("/")


def absolute_url(settings: dict, path: str) -> str:
    """The public URL of a site-relative path such as 'pressemitteilungen/2017/422-x/'."""
    return f"{public_base(settings)}/{path.lstrip('/')}"
