"""The project's own settings: one ``NEWSROOM`` dict in pelicanconf.py, merged over these defaults."""

from __future__ import annotations

import os

DEFAULTS = {
    # Shown in the header, footer, feeds and cards.
    "office_name": "Bezirksamt",
    "office_unit": "Pressestelle",
    "office_address": "",
    # The public address, used where a URL must be absolute (canonical, feeds,
    # cards) while SITEURL is empty during development.
    "public_url": "https://presse.example.org",
    # Folders inside Pelican's PATH (the content directory).
    "releases_dir": "releases",
    "pages_dir": "pages",
    "data_dir": "data",
    # Contact key used when a release names none.
    "default_contact": "pressestelle",
    # Longest slug derived from a title; longer titles are cut after a whole word.
    "slug_max_length": 60,
    # Longest summary derived from the first paragraph, in characters.
    "summary_length": 220,
    # Raw HTML outside the allow-list (newsroom.sanitize) is removed with a
    # warning; when true, each removal is an error and the build stops.
    "strict_html": False,
}


def newsroom_settings(settings: dict) -> dict:
    """The NEWSROOM dict with every default filled in."""
    return {**DEFAULTS, **settings.get("NEWSROOM", {})}


def data_dir(settings: dict) -> str:
    return os.path.join(settings["PATH"], newsroom_settings(settings)["data_dir"])
