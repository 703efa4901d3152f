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

from .output import OUTPUT

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

    def start(self, settings: dict) -> None:
        """Hash every file under the theme's static folder; register ``asset()`` for templates."""
        self.__init__()
        self.source_dir = os.path.join(settings["THEME"], STATIC_FOLDER)
        self.output_dir = settings["THEME_STATIC_DIR"]
        for root, dirs, files in os.walk(self.source_dir):
            dirs[:] = sorted(name for name in dirs if not name.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                relative = os.path.relpath(os.path.join(root, name), self.source_dir).replace(os.sep, "/")
                with open(os.path.join(root, name), "rb") as handle:
                    self.contents[relative] = handle.read()
                self.published[relative] = fingerprinted(relative, self.contents[relative])
        settings.setdefault("JINJA_GLOBALS", {})["asset"] = self.url

    def url(self, relative: str) -> str:
        """Site-relative URL of a theme file, e.g. 'theme/css/site.1a2b3c4d.css'."""
        try:
            return f"{self.output_dir}/{self.published[relative]}"
        except KeyError:
            raise MissingAsset(f"asset({relative!r}): no such file in {self.source_dir}") from None


class AssetGenerator:
    """Pelican generator that writes the fingerprinted copies into the (staging) output."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs) -> None:
        self.output_path = output_path

    def generate_output(self, writer) -> None:
        for relative, hashed in ASSETS.published.items():
            OUTPUT.place(os.path.join(self.output_path, ASSETS.output_dir, hashed), ASSETS.contents[relative])


def asset_generator(pelican) -> type:
    """Signal receiver for ``get_generators``."""
    return AssetGenerator


ASSETS = Assets()
