"""Test-only Pelican plugin: directory listings come in name order, or reversed (LISTING_ORDER=reverse).

Real file systems list a folder in an order of their own (by hash on ext4,
by creation on others). A build that depends on it would differ between
machines; with this plugin a test builds the same content in two opposite
orders and compares the bytes (see tests/test_determinism.py).
"""

from __future__ import annotations

import os

REAL_SCANDIR = os.scandir
REAL_LISTDIR = os.listdir


class Listing:
    """What os.scandir returns: an iterator over entries that is also a context manager."""

    def __init__(self, entries) -> None:
        self._entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._entries = iter(())


def reverse() -> bool:
    return os.environ.get("LISTING_ORDER") == "reverse"


def scandir(path="."):
    with REAL_SCANDIR(path) as entries:
        return Listing(sorted(entries, key=lambda entry: entry.name, reverse=reverse()))


def listdir(path="."):
    return sorted(REAL_LISTDIR(path), reverse=reverse())


def register() -> None:
    os.scandir = scandir
    os.listdir = listdir
