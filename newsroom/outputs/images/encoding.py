"""Turn an image file's bytes into the files the site publishes: smaller widths, WebP and JPEG, crops, no metadata.

Orientation is applied to the pixels first (``ImageOps.exif_transpose``), a
colour profile other than sRGB is converted to sRGB, and every file is saved
from an image whose ``info`` is empty and without ``exif``, ``xmp`` or
``icc_profile`` arguments: no camera serial number, no GPS position, no
editing history leaves the building. The credit stays in the page.

Besides the widths, a release image gives the JPEG crops its JSON-LD lists:
Google's article guidance asks for 16:9, 4:3 and 1:1, each with at least
50,000 pixels, best 1,200 px wide. A crop is cut around the editor's focus
(``framing``), 1,200 px wide where the picture holds that, else as wide as
the picture holds it (never upscaled), and left out below 50,000 pixels.

``ENCODER`` fingerprints this module (and what it imports from the package)
with the Pillow version: the image cache keys on it, so a change here
re-encodes every image once. Nothing here knows the cache or the build.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass

import PIL
from PIL import ExifTags, Image, ImageCms, ImageOps

from ...fingerprint import code_fingerprint
from .framing import focal_box

ENCODER = hashlib.sha256(f"{code_fingerprint(__name__)}\0{PIL.__version__}".encode()).hexdigest()
# Derivatives: a WebP for browsers that take it, a JPEG for all others (and feeds).
DERIVATIVE_FORMATS = ("webp", "jpeg")
# A clean copy keeps its file's format (a body links to it by its name).
COPY_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
SUFFIXES = {"webp": "webp", "jpeg": "jpg", "png": "png"}
MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
# The crops for the JSON-LD: name (in the cache manifest) → ratio across:down, in the order the JSON-LD lists them.
CROP_RATIOS = {"16:9": (16, 9), "4:3": (4, 3), "1:1": (1, 1)}
CROP_WIDTH = 1200
CROP_MIN_PIXELS = 50_000
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Rendition:
    """One encoded file: its format (a key of ``SUFFIXES``), size in pixels and bytes; a crop's ratio (of ``CROP_RATIOS``)."""

    format: str
    width: int
    height: int
    data: bytes
    crop: str = ""


def target_widths(width: int, widths: tuple[int, ...]) -> list[int]:
    """The configured widths below the image's own, and its own width if it is not wider than the largest: never upscaled."""
    return sorted({min(target, width) for target in widths})


def opened(data: bytes, wanted: tuple[int, int]) -> Image.Image:
    """The picture upright, in sRGB, without transparency for JPEG, decoded at no less than ``wanted`` (upright).

    A camera JPEG is decoded at a reduced scale (``draft``) that still
    leaves the wanted size, twice what is made of it, as Pillow's
    ``thumbnail()`` does.
    """
    picture = Image.open(io.BytesIO(data))
    rotated = picture.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8)
    if picture.format == "JPEG":
        picture.draft("RGB", wanted[::-1] if rotated else wanted)
    upright = ImageOps.exif_transpose(picture)
    profile = picture.info.get("icc_profile")
    if profile and upright.mode in ("RGB", "RGBA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if ImageCms.getProfileDescription(source).strip() != "sRGB IEC61966-2.1":
                upright = ImageCms.profileToProfile(upright, source, SRGB, outputMode=upright.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: the pixels as they are
    return upright


def flattened(picture: Image.Image, keep_alpha: bool) -> Image.Image:
    """RGB (or RGBA where the format keeps transparency); transparent parts on white for JPEG."""
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    if has_alpha:
        picture = picture.convert("RGBA")
        if keep_alpha:
            return picture
        backdrop = Image.new("RGBA", picture.size, (255, 255, 255, 255))
        return Image.alpha_composite(backdrop, picture).convert("RGB")
    return picture.convert("RGB")


def scaled(picture: Image.Image, width: int) -> Image.Image:
    if width == picture.width:
        return picture.copy()
    height = max(1, round(picture.height * width / picture.width))
    return picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(picture: Image.Image, kind: str, quality: int) -> bytes:
    """The picture's pixels in ``kind``, nothing else: ``info`` is emptied so no plugin carries metadata over."""
    picture.info = {}
    buffer = io.BytesIO()
    if kind == "jpeg":
        picture.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    elif kind == "webp":
        picture.save(buffer, "WEBP", quality=quality, method=4)
    else:
        picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def crop_size(box_width: float, ratio: tuple[int, int]) -> tuple[int, int]:
    """A crop's size: ``CROP_WIDTH`` or the box's own width if smaller, rounded down so the ratio is exact."""
    across, down = ratio
    width = min(CROP_WIDTH, math.floor(box_width)) // across * across
    return width, width // across * down


def crops(picture: Image.Image, focus: tuple[float, float], quality: int) -> list[Rendition]:
    """The JPEG crops of an RGB picture in ``CROP_RATIOS`` order; a ratio the picture holds in too few pixels is left out."""
    renditions = []
    for name, ratio in CROP_RATIOS.items():
        box = focal_box(picture.size, focus, ratio)
        width, height = crop_size(box[2] - box[0], ratio)
        if width * height < CROP_MIN_PIXELS:
            continue
        cropped = picture.resize((width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        renditions.append(Rendition("jpeg", width, height, encode(cropped, "jpeg", quality), name))
    return renditions


def derivatives(data: bytes, widths: tuple[int, ...], quality: int, focus: tuple[float, float]) -> list[Rendition]:
    """Every configured width (never wider than the original) in WebP and JPEG, smallest first; then the crops."""
    largest = max(widths)
    picture = opened(data, (2 * max(largest, CROP_WIDTH), 2 * CROP_WIDTH))
    rgb = flattened(picture, keep_alpha=False)
    renditions = []
    for width in target_widths(rgb.width, widths):
        resized = scaled(rgb, width)
        for kind in DERIVATIVE_FORMATS:
            renditions.append(Rendition(kind, resized.width, resized.height, encode(resized.copy(), kind, quality)))
    return renditions + crops(rgb, focus, quality)


def clean_copy(data: bytes, widths: tuple[int, ...], quality: int) -> list[Rendition]:
    """The image in its own format, upright, no wider than the largest width, without metadata: for images a body links to."""
    kind = COPY_FORMATS[Image.open(io.BytesIO(data)).format]
    picture = flattened(opened(data, (2 * max(widths), 1)), keep_alpha=kind != "jpeg")
    resized = scaled(picture, min(picture.width, max(widths)))
    return [Rendition(kind, resized.width, resized.height, encode(resized, kind, quality))]
