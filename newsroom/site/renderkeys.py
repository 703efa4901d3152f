"""The keys the live site's pages were rendered with, kept beside them: a page with the same key is linked, not rendered.

Each build writes ``KEYS_FILE`` into its own output (the staging folder), so
it is swapped in with the pages it describes and can never describe pages
of another build; a build that fails leaves the live site and its keys as
they were. A restored CI cache that holds the output folder holds its keys.
The file is read as untrusted data (JSON of strings only); anything else in
it, or a file that cannot be read, means every page is rendered. It is not
part of the site: ``invoke publish`` leaves it out and the web server
configuration refuses it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass

from ..content.registry import Registries
from .inputs import BuildKey
from .records import Records, digest_of, site_digest

KEYS_FILE = ".newsroom-render-keys"  # no text suffix: never precompressed
FORMAT = "newsroom-render-keys/2"

logger = logging.getLogger(__name__)


def registries_digest(registries: Registries) -> str:
    return digest_of({"departments": registries.departments, "contacts": registries.contacts})


def assets_digest(published: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(published, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class LiveKeys:
    """What the live site's keys file says: each page's key, and the whole build's (``newsroom.site.inputs``)."""

    pages: dict[str, str]
    build: BuildKey | None = None

    def all_present(self, site: str) -> bool:
        """Whether every page the keys describe is still a file of the live site."""
        return bool(self.pages) and all(os.path.isfile(os.path.join(site, page)) for page in self.pages)


def load_keys(site: str | None) -> LiveKeys:
    """The live site's keys; none when there are none to trust."""
    if not site:
        return LiveKeys({})
    path = os.path.join(site, KEYS_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return LiveKeys({})
    except (OSError, ValueError) as error:
        logger.warning("%s: the page keys of the live site could not be read (%s); every page is rendered", path, error)
        return LiveKeys({})
    keys = data.get("pages") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(keys, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in keys.items()):
        logger.warning("%s: not a file of page keys this version writes; every page is rendered", path)
        return LiveKeys({})
    return LiveKeys(keys, BuildKey.from_json(data.get("build")))


class RenderKeys:
    """The page keys of the live site and of this build."""

    def __init__(self, settings: dict, registries: Registries, published_assets: dict[str, str], live: LiveKeys) -> None:
        self.records = Records(settings, site_digest(settings, assets_digest(published_assets), registries_digest(registries)))
        self.live = live.pages
        self.keys: dict[str, str] = {}
        self.build: BuildKey | None = None  # set when the build's inputs did not change while it ran

    def reuse(self, output, path: str, key: str) -> bool:
        """Note ``key`` for the page at ``path`` (in the staging folder); link the live file if it was made with it."""
        relative = path[len(output.staging) + 1:].replace(os.sep, "/")  # a page's path is always inside the staging folder
        self.keys[relative] = key
        return self.live.get(relative) == key and output.link_previous(path)

    def write(self, output, site: str) -> None:
        build = self.build.as_json() if self.build else None
        data = json.dumps({"format": FORMAT, "build": build, "pages": dict(sorted(self.keys.items()))}, indent=0,
                          ensure_ascii=False)
        output.place(os.path.join(site, KEYS_FILE), data.encode("utf-8"))
