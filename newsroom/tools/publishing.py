"""``invoke schedule`` and ``invoke record-urls``: what goes public when, and what was published where."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..content.numbering import Numbering
from ..outputs.manifest import broken_addresses, manifest_file, updated_manifest, warning_for, write_manifest
from ..site.clock import DRAFT, EMBARGOED, release_state
from .check import Check


@dataclass(frozen=True)
class Scheduled:
    """A release under embargo: it goes public with the first build after ``date``."""

    date: dt.datetime
    number: str  # as shown: the number, or (without numbers) the code of its id
    title: str
    path: str


def schedule(check: Check) -> tuple[list[Scheduled], int]:
    """Embargoed releases, soonest first, and the number of drafts."""
    coming = []
    drafts = 0
    for release in sorted(check.releases, key=lambda release: (release.date, release.serial, release.key)):
        state = release_state(release, check.now)
        if state == DRAFT:
            drafts += 1
        elif state == EMBARGOED:
            coming.append(Scheduled(release.date, release.reference, release.title, release.path))
    return coming, drafts


class RecordRefused(Exception):
    """Recording would forget a published address that has no alias."""


def record_published_urls(check: Check, force: bool = False) -> tuple[str, int]:
    """Write the manifest with the address of every public release; returns (path, entries).

    An address that changed without the old one in ``aliases:`` would be lost
    from the manifest, and with it the warning, so that needs ``force``.
    """
    links = check.links
    public = [release for release in links.releases if release.public]
    changed = [broken for broken in broken_addresses(links.manifest, public) if broken.release is not None]
    if changed and not force:
        raise RecordRefused("\n".join(warning_for(links.manifest_path, broken).format() for broken in changed))
    entries = updated_manifest(links.manifest, public)
    path = manifest_file(check.settings)
    write_manifest(path, entries, Numbering.of(check.settings))
    return path, len(entries)
