"""Theme files (CSS, JS, images) are published under names that carry a hash of their content.

A browser or cache may then keep ``theme/css/site.1a2b3c4d.css`` for ever:
when the file changes, so does its name, and the pages that use it. Templates
ask for a file by its path under the theme's ``static/`` folder::

    <link rel="stylesheet" href="{{ SITEURL }}/{{ asset('css/site.css') }}">

Every file under ``static/`` is written only under its fingerprinted name
(pelicanconf sets ``THEME_STATIC_PATHS = []`` so Pelican does not also copy
the plain names). A CSS file therefore must not refer to another theme file
by a relative ``url()``; the theme uses system fonts and no background images.
"""

from __future__ import annotations

import hashlib
import os

STATIC_FOLDER = "static"
HASH_LENGTH = 8


class MissingAsset(LookupError):
    """A template asked for a file that is not in the theme's static folder."""


def fingerprinted(relative: str, content: bytes) -> str:
    """'css/site.css' → 'css/site.1a2b3c4d.css' (the hash goes before the last suffix)."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, name = os.path.split(relative)
    stem, dot, suffix = name.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot and stem else f"{name}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


class Assets:
    """The theme's static files of the running build, by plain and by fingerprinted path."""

    def __init__(self) -> None:
        self.source_dir = ""
        self.output_dir = "theme"
        self.published: dict[str, str] = {}  # plain path → fingerprinted path
        self.contents: dict[str, bytes] = {}  # plain path → the bytes that were hashed

    @classmethod
    def read(cls, settings: dict) -> Assets:
        """Hash every file under the theme's static folder; register ``asset()`` for templates."""
        assets = cls()
        assets.source_dir = os.path.join(settings["THEME"], STATIC_FOLDER)
        assets.output_dir = settings["THEME_STATIC_DIR"]
        for root, dirs, files in os.walk(assets.source_dir):
            dirs[:] = sorted(name for name in dirs if not name.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                relative = os.path.relpath(os.path.join(root, name), assets.source_dir).replace(os.sep, "/")
                with open(os.path.join(root, name), "rb") as handle:
                    assets.contents[relative] = handle.read()
                assets.published[relative] = fingerprinted(relative, assets.contents[relative])
        settings.setdefault("JINJA_GLOBALS", {})["asset"] = assets.url
        return assets

    def write(self, output, site: str) -> None:
        """Put the fingerprinted copies into the staged ``site``."""
        for relative, hashed in self.published.items():
            output.place(os.path.join(site, self.output_dir, hashed), self.contents[relative])

    def url(self, relative: str) -> str:
        """Site-relative URL of a theme file, e.g. 'theme/css/site.1a2b3c4d.css'."""
        try:
            return f"{self.output_dir}/{self.published[relative]}"
        except KeyError:
            raise MissingAsset(f"asset({relative!r}): no such file in {self.source_dir}") from None
