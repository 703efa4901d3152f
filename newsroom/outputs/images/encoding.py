"""Turn an image file's bytes into the files the site publishes: smaller widths, WebP and JPEG, no metadata.

Orientation is applied to the pixels first (``ImageOps.exif_transpose``), a
colour profile other than sRGB is converted to sRGB, and every file is saved
from an image whose ``info`` is empty and without ``exif``, ``xmp`` or
``icc_profile`` arguments: no camera serial number, no GPS position, no
editing history leaves the building. The credit stays in the page.

``ENCODER`` fingerprints this module (and what it imports from the package)
with the Pillow version: the image cache keys on it, so a change here
re-encodes every image once. Nothing here knows the cache or the build.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import PIL
from PIL import ExifTags, Image, ImageCms, ImageOps

from ...fingerprint import code_fingerprint

ENCODER = hashlib.sha256(f"{code_fingerprint(__name__)}\0{PIL.__version__}".encode()).hexdigest()
# Derivatives: a WebP for browsers that take it, a JPEG for all others (and feeds).
DERIVATIVE_FORMATS = ("webp", "jpeg")
# A clean copy keeps its file's format (a body links to it by its name).
COPY_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
SUFFIXES = {"webp": "webp", "jpeg": "jpg", "png": "png"}
MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Rendition:
    """One encoded file: its format (a key of ``SUFFIXES``), its size in pixels and its bytes."""

    format: str
    width: int
    height: int
    data: bytes


def target_widths(width: int, widths: tuple[int, ...]) -> list[int]:
    """The configured widths below the image's own, and its own width if it is not wider than the largest: never upscaled."""
    return sorted({min(target, width) for target in widths})


def opened(data: bytes, largest: int) -> Image.Image:
    """The picture upright, in sRGB, without transparency for JPEG, at no more than twice the largest width decoded.

    A camera JPEG is decoded at a reduced scale (``draft``) that still
    leaves twice the largest width, as Pillow's ``thumbnail()`` does.
    """
    picture = Image.open(io.BytesIO(data))
    rotated = picture.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8)
    if picture.format == "JPEG":
        wanted = 2 * largest
        picture.draft("RGB", (1, wanted) if rotated else (wanted, 1))
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


def derivatives(data: bytes, widths: tuple[int, ...], quality: int) -> list[Rendition]:
    """Every configured width (never wider than the original) in WebP and JPEG, smallest first."""
    picture = opened(data, max(widths))
    rgb = flattened(picture, keep_alpha=False)
    renditions = []
    for width in target_widths(rgb.width, widths):
        resized = scaled(rgb, width)
        for kind in DERIVATIVE_FORMATS:
            renditions.append(Rendition(kind, resized.width, resized.height, encode(resized.copy(), kind, quality)))
    return renditions


def clean_copy(data: bytes, widths: tuple[int, ...], quality: int) -> list[Rendition]:
    """The image in its own format, upright, no wider than the largest width, without metadata: for images a body links to."""
    kind = COPY_FORMATS[Image.open(io.BytesIO(data)).format]
    picture = flattened(opened(data, max(widths)), keep_alpha=kind != "jpeg")
    resized = scaled(picture, min(picture.width, max(widths)))
    return [Rendition(kind, resized.width, resized.height, encode(resized, kind, quality))]
