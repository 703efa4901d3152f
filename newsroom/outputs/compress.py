"""Precompressed files: a ``.gz`` and a ``.br`` beside every text file of the site.

The web server sends them by content negotiation (nginx ``gzip_static`` and
``brotli_static``, see ``webconfig.py``) instead of compressing every
response again. Runs on the staging folder after Pagefind, as the last stage
before the output's ``publish``.

Deterministic: gzip without a file name and with mtime 0, Brotli at a
fixed quality, so the same file gives the same bytes on every build.
Brotli's quality 5, not its best (11): on the sample site's pages 11 gives
files 8 % smaller at 0.5 MB/s, 5 runs at about 26 MB/s (an archive of
10,000 releases has some 350 MB of text).
A file whose bytes equal the live site's keeps the live ``.gz`` and ``.br``
(hardlinked, like ``StagedOutput.place`` does) when the live site names the same
compression in ``MARK``; only changed files are compressed. Images and
Pagefind's chunks (``.pf_*``, ``.pagefind``, which
Pagefind compresses itself) are not text and are left alone.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import multiprocessing
import os

import brotli

from ..processes import forked_pool
from ..site.output import replace_with_link

TEXT_SUFFIXES = (".html", ".htm", ".xml", ".css", ".js", ".mjs", ".json", ".svg", ".xsl", ".txt")
ENCODINGS = (".gz", ".br")
# Names the compression the site's .gz and .br were made with (see ``compression``).
MARK = ".precompressed"
GZIP_LEVEL = 9
BROTLI_QUALITY = 5
# Below this many files a worker, forking costs more than it saves; files go to workers in chunks of this many.
PARALLEL_FROM = 64
CHUNK_SIZE = 64


def gzip_bytes(data: bytes) -> bytes:
    """gzip with mtime 0 and no file name: the same bytes for the same input."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def brotli_bytes(data: bytes) -> bytes:
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)


COMPRESSORS = {".gz": gzip_bytes, ".br": brotli_bytes}


def text_files(site: str):
    """Every text file under ``site``, by path (sorted: the same order on every build)."""
    for root, folders, files in os.walk(site):
        folders.sort()
        for name in sorted(files):
            if name.endswith(TEXT_SUFFIXES):
                yield os.path.join(root, name)


def compression() -> str:
    """What decides the compressed bytes besides the file itself.

    Written into the site, so that a live copy is reused only if it was made
    the same way: a changed level or library gives the bytes of a clean build.
    """
    return f"gzip {GZIP_LEVEL}, brotli {BROTLI_QUALITY} (brotli {importlib.metadata.version('brotli')})\n"


def live_copies_usable(output, site: str) -> bool:
    """Whether the live site's ``.gz`` and ``.br`` were made by this compression (a clean build would give the same bytes)."""
    previous = output.previous(os.path.join(site, MARK))
    try:
        with open(previous or "", encoding="utf-8") as handle:
            return handle.read() == compression()
    except OSError:
        return False


def kept_from_live_site(output, path: str) -> bool:
    """Link the live site's ``.gz`` and ``.br`` of an unchanged file; False where the file changed or they are missing.

    An unchanged file is the live site's own (``StagedOutput.place`` linked it), so
    the same inode says so without reading either.
    """
    previous = output.previous(path)
    try:
        if not previous or not os.path.samefile(previous, path):
            return False
    except OSError:
        return False
    if not all(os.path.isfile(previous + suffix) and not os.path.islink(previous + suffix) for suffix in ENCODINGS):
        return False
    return all(replace_with_link(previous + suffix, path + suffix) for suffix in ENCODINGS)


def compress_file(output, path: str) -> None:
    with open(path, "rb") as handle:
        data = handle.read()
    for suffix in ENCODINGS:
        output.place(path + suffix, COMPRESSORS[suffix](data))


# The staged output of the running compression, set before the worker processes are forked, so they inherit it.
_output = None


def _compress_in_worker(path: str) -> None:
    compress_file(_output, path)


def precompress(output, site: str, workers: int = 0) -> None:
    """Write the ``.gz`` and ``.br`` of every text file of the staged ``site`` (last, before the output is published).

    The files to compress are shared among forked worker processes
    (``workers``, default one a core): a cold build at 100,000 releases
    compresses some 3.5 GB of text.
    """
    global _output
    reuse = live_copies_usable(output, site)
    changed = [path for path in text_files(site) if not (reuse and kept_from_live_site(output, path))]
    workers = min(workers or os.cpu_count() or 1, len(changed) // PARALLEL_FROM)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for path in changed:
            compress_file(output, path)
    else:
        _output = output
        try:
            with forked_pool(workers) as pool:
                for _ in pool.imap_unordered(_compress_in_worker, changed, chunksize=CHUNK_SIZE):
                    pass
        finally:
            _output = None
    output.place(os.path.join(site, MARK), compression().encode())
