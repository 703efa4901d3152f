"""``invoke publish``: upload the built site so that readers switch from the old site to the new one at once.

The target (a local folder or rsync's ``user@host:path``) holds::

    releases/<id>/   one complete site per publication
    current  -> releases/<id>     what the web server serves (its root)
    previous -> releases/<id>     the site ``current`` replaced, for --rollback

A publication uploads into a new ``releases/<id>/`` with rsync (files whose bytes did
not change are hardlinked to the current release, ``--link-dest``; compared by
checksum, never by size and time), then
renames a new symlink over ``current``: one ``rename(2)``, so every request
is answered from the old site or from the new one, never from a mix or a
half-uploaded folder. Older releases than ``previous`` are removed.
``--rollback`` exchanges ``current`` and ``previous`` the same way.

Refused: a folder without a built site, and a drafts preview (``invoke
preview --drafts`` marks its output with ``DRAFTS_MARK``, whatever folder it
was written to). A failed build never reaches the site folder (the output
stage swaps in only finished builds), and the build's lock on the output
folder is held while rsync reads it, so a build finishing meanwhile cannot
mix two sites in one upload.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shlex
import shutil
import subprocess

from ..errors import display_path
from ..site.output import DRAFTS_MARK
from ..site.renderkeys import KEYS_FILE

RELEASES = "releases"
NEEDED_FILES = ("index.html", "404.html")

# Shell scripts run in the target folder, on this machine or over ssh: one code path for both.
READ_LINKS = (
    'cd "$1" 2>/dev/null || exit 0; '
    'for link in current previous; do printf "%s=%s\\n" "$link" "$(readlink "$link" 2>/dev/null)"; done'
)
PREPARE = 'mkdir -p "$1/releases"'
# ln -n: replace a leftover link itself, not create one inside the folder it points to; mv -T: rename over the link.
POINT = 'cd "$1" && ln -sfn "$3" "$2.new" && mv -T "$2.new" "$2"'
KEEP_ONLY = (
    'cd "$1/releases" || exit 0; shift; for release in *; do [ -e "$release" ] || continue; '
    'case " $* " in *" $release "*) ;; *) rm -rf -- "$release" ;; esac; done'
)


class PublishRefused(Exception):
    """Nothing was uploaded or switched: the message says why and what to do."""


def refusal_for_site(site: str) -> str | None:
    """Why ``site`` must not be published, or None."""
    shown = display_path(os.path.abspath(site))
    if os.path.exists(os.path.join(site, DRAFTS_MARK)):
        return (
            f"{shown!r} is a drafts preview (drafts and embargoed releases, with banners) and is never published; "
            "build the site with `invoke build` and publish that folder"
        )
    missing = [name for name in NEEDED_FILES if not os.path.isfile(os.path.join(site, name))]
    if missing:
        return f"{shown!r} holds no built site (no {missing[0]}); build it first with `invoke build`"
    return None


def is_remote(target: str) -> bool:
    """rsync's rule: ``host:path`` when a colon comes before the first slash."""
    head = target.split("/", 1)[0]
    return ":" in head


class Target:
    """The publication folder, local or ``user@host:path``; shell scripts run there."""

    def __init__(self, target: str):
        self.spec = target.rstrip("/") or "/"
        if is_remote(self.spec):
            self.host, self.path = self.spec.split(":", 1)
        else:
            self.host, self.path = None, os.path.abspath(self.spec)

    def run(self, script: str, *args: str) -> str:
        if self.host:
            command = ["ssh", self.host, " ".join(shlex.quote(part) for part in ("sh", "-c", script, "sh", self.path, *args))]
        else:
            command = ["sh", "-c", script, "sh", self.path, *args]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise PublishRefused(f"on {self.spec!r}: {result.stderr.strip() or f'exit status {result.returncode}'}")
        return result.stdout

    def links(self) -> dict[str, str]:
        """``current`` and ``previous`` by the release folder name each points to ('' for none)."""
        pairs = (line.split("=", 1) for line in self.run(READ_LINKS).splitlines() if "=" in line)
        return {name: os.path.basename(value) for name, value in pairs}

    def point(self, link: str, release: str) -> None:
        self.run(POINT, link, f"{RELEASES}/{release}")

    def release_url(self, release: str) -> str:
        folder = f"{self.path}/{RELEASES}/{release}/"
        return f"{self.host}:{folder}" if self.host else folder


def new_release_id(now: dt.datetime | None = None) -> str:
    """A folder name that sorts by publication time (UTC)."""
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ")


class SiteLock:
    """The output stage's lock (``flock`` on the site's parent folder): no build swaps the site while rsync reads it."""

    def __init__(self, site: str):
        self.parent = os.path.dirname(os.path.abspath(site))

    def __enter__(self):
        self.fd = os.open(self.parent, os.O_RDONLY)
        fcntl.flock(self.fd, fcntl.LOCK_SH)
        return self

    def __exit__(self, *exc_info):
        os.close(self.fd)


def publish(site: str, target: str) -> str:
    """Upload ``site`` as a new release of ``target`` and switch ``current`` to it; the release's id."""
    problem = refusal_for_site(site)
    if problem:
        raise PublishRefused(problem)
    if not shutil.which("rsync"):
        raise PublishRefused("rsync is not installed; install it (Debian: apt-get install rsync)")
    place = Target(target)
    place.run(PREPARE)
    old = place.links().get("current", "")
    release = new_release_id()
    # --checksum: rsync's quick check (size and modification time) would take a
    # file of the previous release for one of the same size written in the same second.
    command = ["rsync", "--archive", "--delete", "--checksum", f"--exclude=/{KEYS_FILE}"]  # the build's, not the site's
    if old:
        command.append(f"--link-dest=../{old}/")
    with SiteLock(site):
        if refusal_for_site(site):  # a drafts preview swapped in while waiting for the lock
            raise PublishRefused(refusal_for_site(site))
        result = subprocess.run(
            [*command, os.path.abspath(site) + "/", place.release_url(release)], capture_output=True, text=True
        )
    if result.returncode != 0:
        place.run(KEEP_ONLY, *[name for name in place.links().values() if name])
        raise PublishRefused(
            f"rsync failed (exit status {result.returncode}), the published site was not changed:\n{result.stderr.strip()}"
        )
    if old:
        place.point("previous", old)
    place.point("current", release)
    place.run(KEEP_ONLY, release, old)
    return release


def rollback(target: str) -> str:
    """Switch ``current`` back to ``previous`` (and ``previous`` to what was current); the release now served."""
    place = Target(target)
    links = place.links()
    current, previous = links.get("current", ""), links.get("previous", "")
    if not previous:
        raise PublishRefused(f"{target!r} has no previous release to roll back to (publish at least twice first)")
    place.point("current", previous)
    if current:
        place.point("previous", current)
    return previous
