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

from ..content.registry import Registries
from .records import Records, digest_of, site_digest

KEYS_FILE = ".newsroom-render-keys"  # no text suffix: never precompressed
FORMAT = "newsroom-render-keys/1"

logger = logging.getLogger(__name__)


def registries_digest(registries: Registries) -> str:
    return digest_of({"departments": registries.departments, "contacts": registries.contacts})


def assets_digest(published: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(published, sort_keys=True).encode()).hexdigest()


def load_keys(site: str | None) -> dict[str, str]:
    """The live site's page keys (site-relative path → key); empty when there are none to trust."""
    if not site:
        return {}
    path = os.path.join(site, KEYS_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        logger.warning("%s: the page keys of the live site could not be read (%s); every page is rendered", path, error)
        return {}
    keys = data.get("pages") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(keys, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in keys.items()):
        logger.warning("%s: not a file of page keys this version writes; every page is rendered", path)
        return {}
    return keys


class RenderKeys:
    """The page keys of the live site and of this build."""

    def __init__(self, settings: dict, registries: Registries, published_assets: dict[str, str], live_site: str | None) -> None:
        self.records = Records(settings, site_digest(settings, assets_digest(published_assets), registries_digest(registries)))
        self.live = load_keys(live_site)
        self.staging: str | None = None
        self.keys: dict[str, str] = {}

    def reuse(self, output, path: str, key: str) -> bool:
        """Note ``key`` for the page at ``path`` (in the staging folder); link the live file if it was made with it."""
        relative = path[len(output.staging) + 1:] if path.startswith(output.staging + os.sep) else os.path.relpath(path, output.staging)
        relative = relative.replace(os.sep, "/")
        self.keys[relative] = key
        return self.live.get(relative) == key and output.link_previous(path)

    def write(self, output, site: str) -> None:
        data = json.dumps({"format": FORMAT, "pages": dict(sorted(self.keys.items()))}, indent=0, ensure_ascii=False)
        output.place(os.path.join(site, KEYS_FILE), data.encode("utf-8"))
