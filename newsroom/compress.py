"""Precompressed files: a ``.gz`` and a ``.br`` beside every text file of the site.

The web server sends them by content negotiation (nginx ``gzip_static`` and
``brotli_static``, see ``webconfig.py``) instead of compressing every
response again. Runs on the staging folder after Pagefind, as the last stage
before ``OUTPUT.publish``.

Deterministic: gzip without a file name and with mtime 0, Brotli at a
fixed quality, so the same file gives the same bytes on every build.
Brotli's quality 5, not its best (11): on the sample site's pages 11 gives
files 8 % smaller at 0.5 MB/s, 5 runs at about 26 MB/s (an archive of
10,000 releases has some 350 MB of text).
A file whose bytes equal the live site's keeps the live ``.gz`` and ``.br``
(hardlinked, like ``OUTPUT.place`` does); only changed files are
compressed. Images and Pagefind's chunks (``.pf_*``, ``.pagefind``, which
Pagefind compresses itself) are not text and are left alone.
"""

from __future__ import annotations

import gzip
import os

import brotli

from .output import OUTPUT, replace_with_link, same_bytes

TEXT_SUFFIXES = (".html", ".htm", ".xml", ".css", ".js", ".mjs", ".json", ".svg", ".xsl", ".txt")
ENCODINGS = (".gz", ".br")
GZIP_LEVEL = 9
BROTLI_QUALITY = 5


def gzip_bytes(data: bytes) -> bytes:
    """gzip with mtime 0 and no file name: the same bytes for the same input."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def brotli_bytes(data: bytes) -> bytes:
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)


COMPRESSORS = {".gz": gzip_bytes, ".br": brotli_bytes}


def text_files(site: str):
    """Every text file under ``site``, by path (sorted, for a reproducible order of writes)."""
    for root, folders, files in os.walk(site):
        folders.sort()
        for name in sorted(files):
            if name.endswith(TEXT_SUFFIXES):
                yield os.path.join(root, name)


def kept_from_live_site(path: str, data: bytes) -> bool:
    """Link the live site's ``.gz`` and ``.br`` of an unchanged file; False where the file changed or they are missing."""
    previous = OUTPUT.previous(path)
    if not previous or not same_bytes(previous, data):
        return False
    if not all(os.path.isfile(previous + suffix) and not os.path.islink(previous + suffix) for suffix in ENCODINGS):
        return False
    return all(replace_with_link(previous + suffix, path + suffix) for suffix in ENCODINGS)


def precompress(pelican) -> None:
    """Signal receiver (``finalized``, before ``OUTPUT.publish``): write the ``.gz`` and ``.br`` of every text file."""
    for path in text_files(pelican.output_path):
        with open(path, "rb") as handle:
            data = handle.read()
        if kept_from_live_site(path, data):
            continue
        for suffix in ENCODINGS:
            OUTPUT.place(path + suffix, COMPRESSORS[suffix](data))
