"""Stage: the release images the site publishes, made from the editors' files, never the files themselves.

``ImageStage.take_statics`` (after Pelican's static generator) takes every
image out of Pelican's static copying: a raw file would carry its EXIF block
(camera serial number, GPS position). An image only used as a release's
``image:`` is not published at all; any other (linked from a body with
``{static}``, or just in the folder) is published at its own address as a
clean copy, no wider than the largest width. ``ImageStage.prepare`` (once the
cards are drawn) plans derivatives and the JSON-LD's crops for every release
image (per image and focus), looks each up in the image cache, encodes the missing ones in a pool of processes, and gives
the templates ``pictures``; ``ImageStage.write`` puts the files into the
output.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from PIL import Image, UnidentifiedImageError

from ...content.confine import referenced_paths
from ...content.release import Release
from ...content.slugs import german_slug
from ...errors import ContentError, display_path
from ...processes import forked_executor
from ...progress import Progress
from ...settings import newsroom
from ..cards.cache import write_atomically
from .cache import ImageCache, cache_file_name, job_fingerprint
from .encoding import MIME_TYPES, SUFFIXES, clean_copy, derivatives

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Each image costs tenths of a second: two are worth a pool.
PARALLEL_FROM = 2
# The stage's one line per build; tests and the benchmark read its figures.
SUMMARY = "Images: %d encoded, %d reused from %s in %.2f s"
ENCODING_FAULTS = (OSError, UnidentifiedImageError, SyntaxError, ValueError, Image.DecompressionBombError)


@dataclass(frozen=True)
class Job:
    """What to make of one image file: ``derivatives`` or a clean ``copy``; ``inputs`` is its fingerprint."""

    kind: str
    path: str  # content-relative
    full_path: str
    inputs: str
    focus: tuple[float, float] | None = None  # what the crops are cut around (derivatives only)


@dataclass(frozen=True)
class Published:
    """One published image file as pages and feeds refer to it."""

    path: str  # site-relative
    width: int
    height: int
    type: str
    length: int


@dataclass(frozen=True)
class Picture:
    """A release image's derivatives for the templates: WebP and JPEG files, smallest first; the JSON-LD's crops."""

    webp: tuple[Published, ...]
    jpeg: tuple[Published, ...]
    crops: tuple[Published, ...]  # JPEGs in 16:9, 4:3 and 1:1 (those the picture holds)

    @property
    def largest(self) -> Published:
        """The JPEG every reader can open: the ``src`` and the feeds' enclosure."""
        return self.jpeg[-1]

    @property
    def width(self) -> int:
        return self.largest.width

    @property
    def height(self) -> int:
        return self.largest.height

    @property
    def smallest(self) -> Published:
        return self.jpeg[0]

    def srcset(self, kind: str, base: str) -> str:
        """``srcset`` of the files of one format (``webp`` or ``jpeg``), with the site's base address."""
        return ", ".join(f"{base}/{file.path} {file.width}w" for file in getattr(self, kind))


@dataclass(frozen=True)
class ReleasePictures:
    """In the template context as ``pictures``: each release's Picture by its image's path and focus."""

    by_image: dict

    def of(self, release: Release | None) -> Picture | None:
        if release is None or release.image is None:
            return None
        return self.by_image.get((release.image.path, release.image.focus))

    def restricted_to(self, releases) -> ReleasePictures:
        """Only the pictures of ``releases``: what a page showing them can ask for (``newsroom.site.records``)."""
        wanted = [(release.image.path, release.image.focus) for release in releases if release.image]
        # In the releases' order, not a set's: the render key digests the lookup as it is ordered.
        return ReleasePictures({image: self.by_image[image] for image in wanted if image in self.by_image})


def encode_into(folder: str, widths: tuple[int, ...], quality: int, job: Job) -> tuple[list[dict] | None, str | None]:
    """Run in a worker: encode one image into the cache folder; the renditions' metadata, or why it failed.

    The worker writes the files itself, so no image travels back through a pipe.
    """
    try:
        with open(job.full_path, "rb") as handle:
            data = handle.read()
        if job.kind == "derivatives":
            renditions = derivatives(data, widths, quality, job.focus)
        else:
            renditions = clean_copy(data, widths, quality)
    except ENCODING_FAULTS as error:
        return None, str(error) or type(error).__name__
    recorded = []
    for rendition in renditions:
        entry = {
            "format": rendition.format,
            "width": rendition.width,
            "height": rendition.height,
            "sha256": hashlib.sha256(rendition.data).hexdigest(),
        }
        if rendition.crop:
            entry["crop"] = rendition.crop
        write_atomically(os.path.join(folder, cache_file_name(job.inputs, entry)), rendition.data)
        recorded.append(entry)
    return recorded, None


def encode_all(jobs: list[Job], encode, workers: int) -> Iterator[tuple[list[dict] | None, str | None]]:
    """Encode in a pool of forked processes (they die with the build), or here for a single image; results in order."""
    if workers < 2 or len(jobs) < PARALLEL_FROM:
        yield from map(encode, jobs)
        return
    with forked_executor(min(workers, len(jobs))) as pool:
        yield from pool.map(encode, jobs)


def derivative_name(output_dir: str, source: str, rendition: dict) -> str:
    """``bilder/<file name>-<width>-<hash of the bytes>.<suffix>`` (a crop: ``<width>x<height>``): a new image, a new address."""
    stem = german_slug(os.path.splitext(os.path.basename(source))[0], 60) or "bild"
    size = f"{rendition['width']}x{rendition['height']}" if "crop" in rendition else rendition["width"]
    return f"{output_dir}/{stem}-{size}-{rendition['sha256'][:10]}.{SUFFIXES[rendition['format']]}"


class ImageStage:
    """Takes images out of Pelican's copying, encodes (or reuses) their published files, and writes them."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings
        self.copies: list[str] = []  # content-relative paths published as clean copies
        self.files: dict[str, tuple[Job, dict]] = {}  # site-relative name → its job and rendition
        self.cache: ImageCache | None = None

    def take_statics(self, generator) -> None:
        """Receiver of ``static_generator_finalized`` (after the clock's hold-back): no image is copied as it is.

        The static stays in ``static_content``, so ``{static}`` links still
        resolve to its address, where the clean copy is written.
        """
        lead_only, linked = set(), set()
        for name in ("articles", "hidden_articles", "pages", "hidden_pages"):
            for content in generator.context.get(name, ()):
                linked |= referenced_paths(content._content, content.relative_dir, self.settings)
                if content.release and content.release.image:
                    lead_only.add(content.release.image.path)
        kept = []
        for static in generator.staticfiles:
            path = static.get_relative_source_path()
            if not path.lower().endswith(IMAGE_SUFFIXES):
                kept.append(static)
            elif path in linked or path not in lead_only:
                self.copies.append(path)
        generator.staticfiles[:] = kept

    def prepare(self, generators) -> list[ContentError]:
        """Plan, look up and encode every release image and clean copy; give the templates ``pictures``; the images that fail."""
        started = time.perf_counter()
        context = generators[0].context
        options = newsroom(self.settings).images
        cache = ImageCache(os.path.abspath(options.cache_dir))
        content = self.settings["PATH"]
        releases = [article.release for name in ("articles", "hidden_articles") for article in context.get(name, ())]
        users: dict[tuple[str, str, tuple[float, float] | None], list[Release | None]] = {}
        for release in releases:
            if release.image:
                users.setdefault(("derivatives", release.image.path, release.image.focus), []).append(release)
        for path in self.copies:
            users.setdefault(("copy", path, None), []).append(None)
        jobs = {}
        for kind, path, focus in sorted(users, key=lambda user: (user[0], user[1], user[2] or ())):
            full = os.path.join(content, path)
            inputs = job_fingerprint(full, kind, options.widths, options.quality, focus)
            jobs[kind, path, focus] = Job(kind, path, full, inputs, focus)
        results = {job.inputs: cache.lookup(job.inputs) for job in jobs.values()}
        missing = list({job.inputs: job for job in jobs.values() if results[job.inputs] is None}.values())
        os.makedirs(cache.folder, exist_ok=True)
        encode = partial(encode_into, cache.folder, options.widths, options.quality)
        failures = []
        with Progress("Bilder", len(missing), "umgerechnet") as shown:
            results_in_order = encode_all(missing, encode, options.workers or os.cpu_count() or 1)
            for job, (renditions, problem) in zip(missing, results_in_order, strict=True):
                if problem is None:
                    cache.record(job.inputs, renditions)
                    results[job.inputs] = renditions
                else:
                    failures.extend(self.failure(job, users[job.kind, job.path, job.focus], problem))
                shown.advance()
        cache.save()
        if failures:
            return failures
        by_image = {}
        for (kind, path, focus), job in jobs.items():
            renditions = results[job.inputs]
            if kind == "copy":
                self.files[path] = (job, renditions[0])
                continue
            published = {"webp": [], "jpeg": [], "crops": []}
            for rendition in renditions:
                name = derivative_name(options.output_dir, path, rendition)
                self.files[name] = (job, rendition)
                published["crops" if "crop" in rendition else rendition["format"]].append(Published(
                    name, rendition["width"], rendition["height"], MIME_TYPES[rendition["format"]],
                    os.path.getsize(cache.path(job.inputs, rendition))))
            by_image[path, focus] = Picture(tuple(published["webp"]), tuple(published["jpeg"]), tuple(published["crops"]))
        context["pictures"] = ReleasePictures(by_image)
        self.cache = cache
        logger.info(SUMMARY, len(missing), len(jobs) - len(missing), display_path(cache.folder), time.perf_counter() - started)
        return []

    def failure(self, job: Job, releases: list[Release | None], problem: str) -> list[ContentError]:
        """A content error for each release that uses an image that cannot be encoded (or for the file itself)."""
        message = f"{job.path!r} cannot be made into the site's images: {problem}"
        if releases == [None]:
            return [ContentError(display_path(job.full_path), None, None, message)]
        return [ContentError(release.path, release.lines["image"], "image", message) for release in releases if release]

    def write(self, output, site: str) -> None:
        """Every file into the output: a copy of its cache file once its bytes match the digest, else encoded again.

        A copy, never a hard link, so damage to the cache cannot reach the site.
        """
        options = newsroom(self.settings).images
        again = set()
        for name, (job, rendition) in sorted(self.files.items()):
            data = self.cache.read(job.inputs, rendition)
            if data is None:
                if job.inputs not in again:
                    encode_into(self.cache.folder, options.widths, options.quality, job)
                    again.add(job.inputs)
                data = self.cache.read(job.inputs, rendition)
                if data is None:
                    raise OSError(f"image cache {display_path(self.cache.folder)}: {name} cannot be made again")
            output.place(os.path.join(site, name), data)
        if self.cache:
            self.cache.report()
