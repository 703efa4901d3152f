"""Stage: social card images (1200×630 JPEG) for every release, and one for the site.

A shared link shows up on Mastodon, Bluesky, Facebook, LinkedIn, X, WhatsApp
and Signal as a card. A release without a picture gets one drawn with its
title, number, date and department; a release with a picture gets a crop of
it (around a focal point from the front matter); lists and static pages share
the site's card.

Kept apart, as in mkdocs-material's social plugin: the layout (``Layout``,
``Style``), text fitting (``fit_title``, ``fit_line``), placing (``place``),
drawing (``render``) and the cache. Every card is fingerprinted from all its
inputs (texts, colours, layout, the bytes of fonts, logo and picture, this
module's code and the Pillow version); a manifest in the cache folder maps
each card to the fingerprint it was drawn from and the sha256 of its file, so
an unchanged card is never drawn again, cards with the same inputs are drawn
once, and new cards are drawn in parallel. Files are named by a hash of their
bytes: platforms cache a card by its URL, so a changed card must get a new one.

CI restores the cache from earlier runs, so it is untrusted: the manifest is
checked entry by entry (a malformed one is dropped with one warning), file
names are derived from the card key and digest, never read from the manifest,
so nothing outside the cache folder is read or deleted through it, and a card
file is published only if its bytes match the recorded digest (else it is
drawn again; they are checked as they are copied, so each card is read once).
Output cards are copies, never hard links into the cache: a card unchanged
since the live site is linked from the live site instead (``OUTPUT.place``).
The digests guard against corruption, not against someone who can write the
cache and recomputes them.

Speed matters at archive scale (100,000 releases): text is set from glyphs
rasterised once per process (``Face``), the parts every text card shares are
drawn once per process, and workers write their cards straight into the cache.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import dataclasses
import hashlib
import io
import itertools
import json
import logging
import math
import multiprocessing
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import urlsplit

import PIL
from pelican.generators import ArticlesGenerator
from PIL import ExifTags, Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from ..content.dates import de_date
from ..errors import ContentError, display_path, short_repr
from ..processes import die_with_parent
from ..progress import Progress
from ..settings import newsroom
from ..site.build import BUILD
from ..site.output import OUTPUT
from ..urls import public_base

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MIME_TYPE = "image/jpeg"
SITE_CARD_KEY = "allgemein"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 2
HASH_LENGTH = 10
CARD_FILE = "{key}-{digest}.jpg"
# A release's year and number, or the site card: the file name is made from it, so nothing but these may appear.
CARD_KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DIGEST_PATTERN = re.compile(r"[0-9a-f]{64}")
SEPARATOR = " · "
ELLIPSIS = "…"
# Below this many cards a process pool costs more than it saves.
PARALLEL_FROM = 16
CHUNK_SIZE = 32  # most cards one pool task carries
QUARTER_TURNS = (5, 6, 7, 8)  # EXIF orientations that swap a picture's width and height
# A picture is decoded at no less than twice the card's size before resampling, as Pillow's thumbnail() does by default.
REDUCING_GAP = 2
Measure = Callable[[str], float]  # the advance width of a line of text at one font and size
MEASURED_WHOLE = 256  # characters: longer than any line of a card, so longer texts are measured in parts
# Code and encoder version are inputs too: a change to either may change the pixels.
RENDERER = hashlib.sha256(Path(__file__).read_bytes() + PIL.__version__.encode()).hexdigest()


# --- Layout -----------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where things go on a text card, in pixels of the 1200×630 canvas."""

    margin: int = 72
    logo_top: int = 52
    logo_size: int = 96
    logo_gap: int = 28
    office_size: int = 38
    unit_size: int = 30
    title_top: int = 190
    title_bottom: int = 450
    title_max_size: int = 76
    title_min_size: int = 40
    title_step: int = 2
    title_leading: float = 1.12
    meta_top: int = 478
    meta_size: int = 31
    meta_min_size: int = 22
    meta_leading: float = 1.4
    accent_height: int = 16

    @property
    def text_width(self) -> int:
        return WIDTH - 2 * self.margin

    @property
    def title_height(self) -> int:
        return self.title_bottom - self.title_top


@dataclass(frozen=True)
class Style:
    """Colours, fonts, logo and encoder quality: the look that settings control."""

    background: str
    text: str
    muted: str
    accent: str
    font_bold: str
    font_regular: str
    logo: str
    quality: int
    layout: Layout = Layout()


@dataclass(frozen=True)
class TextCard:
    """A drawn card: office header, a big title, small lines under it."""

    key: str
    title: str
    lines: tuple[str, ...]
    office: str
    unit: str
    style: Style


@dataclass(frozen=True)
class PhotoCard:
    """A card cut from a release's own picture around its focal point."""

    key: str
    image: str
    focus: tuple[float, float]
    style: Style


# --- Text fitting ---------------------------------------------------------------


@lru_cache(maxsize=128)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """Basic layout, never Raqm: the same bytes on every machine with the same Pillow."""
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def pixel(position: int) -> int:
    """A pen position in 1/64 px rounded to the pixel a glyph starts on, as FreeType and Pillow round it."""
    return (position + 32) >> 6


class Face:
    """One font at one size, with each glyph measured and rasterised once per process.

    Pillow lays out and rasterises a line afresh on every call, loading each
    glyph from FreeType four times (layout, bounding box, two render passes);
    that was most of a card's cost. Cards use a few dozen distinct glyphs, so
    this keeps each glyph's advance, each pair's kerning and each glyph's
    bitmap, and places them as Pillow's basic layout does: advances and
    kerning in 1/64 px, each bitmap at its rounded pen position, blended into
    one mask for the line. Widths equal ``getlength`` and lines equal
    ``ImageDraw.text`` pixel for pixel (tests/test_cards.py checks both).
    """

    def __init__(self, path: str, size: int) -> None:
        self.font = load_font(path, size)
        self.advances: dict[str, int] = {}
        self.kerning: dict[str, int] = {}
        self.glyphs: dict[str, tuple[Image.Image, int, int] | None] = {}

    def _units(self, text: str) -> int:
        return round(self.font.getlength(text) * 64)

    def advance(self, char: str) -> int:
        if char not in self.advances:
            self.advances[char] = self._units(char)
        return self.advances[char]

    def kern(self, pair: str) -> int:
        """What a pair of neighbours adds to the first one's advance (0 in most fonts)."""
        if pair not in self.kerning:
            self.kerning[pair] = self._units(pair) - self.advance(pair[0]) - self.advance(pair[1])
        return self.kerning[pair]

    def pen_positions(self, text: str) -> tuple[list[int], int]:
        """Where each character starts and where the line ends, in 1/64 px."""
        positions, pen = [], 0
        for index, char in enumerate(text):
            if index:
                pen += self.kern(text[index - 1 : index + 1])
            positions.append(pen)
            pen += self.advance(char)
        return positions, pen

    def width(self, text: str) -> float:
        return self.pen_positions(text)[1] / 64

    def glyph(self, char: str) -> tuple[Image.Image, int, int] | None:
        """The glyph's coverage mask cut to its ink, and where it goes from the pen (ascender line); None if blank."""
        if char not in self.glyphs:
            left, top, right, bottom = self.font.getbbox(char, anchor="la")
            mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)))
            ImageDraw.Draw(mask).text((-left, -top), char, font=self.font, fill=255, anchor="la")
            ink = mask.getbbox()
            self.glyphs[char] = (mask.crop(ink), left + ink[0], top + ink[1]) if ink else None
        return self.glyphs[char]

    def draw(self, image: Image.Image, x: int, y: int, text: str, colour: str) -> None:
        """Draw one line with its ascender line's left end at (x, y), like ``ImageDraw.text(anchor="la")``."""
        positions, _ = self.pen_positions(text)
        placed = []
        for char, pen in zip(text, positions, strict=True):
            glyph = self.glyph(char)
            if glyph:
                mask, dx, dy = glyph
                placed.append((mask, pixel(pen) + dx, dy))
        if not placed:
            return
        left = min(dx for _, dx, _ in placed)
        top = min(dy for _, _, dy in placed)
        right = max(dx + mask.width for mask, dx, _ in placed)
        bottom = max(dy + mask.height for mask, _, dy in placed)
        line = Image.new("L", (right - left, bottom - top))
        for mask, dx, dy in placed:
            line.paste(255, (dx - left, dy - top), mask)
        image.paste(colour, (x + left, y + top), line)


@lru_cache(maxsize=256)
def face(path: str, size: int) -> Face:
    return Face(path, size)


@lru_cache(maxsize=8192)
def text_width(path: str, size: int, text: str) -> float:
    """Advance width of a line; remembered, as line breaking measures the same lines again and again."""
    return face(path, size).width(text)


def pieces(text: str) -> list[tuple[str, bool]]:
    """Words, split after their own hyphens ('Nord-Süd' → 'Nord-', 'Süd'): (piece, starts a word)."""
    result = []
    for word in text.split():
        for index, part in enumerate(re.findall(r"[^-]*-+|[^-]+", word)):
            result.append((part, index == 0))
    return result


def last_true(low: int, high: int, holds: Callable[[int], bool]) -> int:
    """The largest n from low to high for which ``holds``, which is true up to some n and false after (low if none).

    Gallops up from low (1, 2, 4 … further), then halves: it asks about
    numbers up to about twice the answer only, however large ``high`` is.
    """
    step = 1
    while low + step <= high and holds(low + step):
        low += step
        step *= 2
    high = min(high, low + step - 1)
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def fitting_end(text: str, start: int, measure: Measure, width: float, suffix: str = "") -> int:
    """Where the longest part of ``text`` from ``start`` ends that fits the width with ``suffix`` after it.

    A line's width only grows as characters are added, so this measures
    pieces about as long as a line even in a text of a million characters.
    """
    return last_true(start, len(text), lambda end: measure(text[start:end] + suffix) <= width)


def fits(text: str, measure: Measure, width: float) -> bool:
    """Whether a text fits the width: measured whole when it is as short as lines are, else by ``fitting_end``."""
    if len(text) <= MEASURED_WHOLE:
        return measure(text) <= width
    return fitting_end(text, 0, measure, width) == len(text)


def break_word(piece: str, measure: Measure, width: float, most: int | None = None) -> list[str]:
    """Last resort for one word wider than the line: break it with hyphens.

    With ``most``, into at most that many lines, the last one holding the rest of the word.
    """
    chunks: list[str] = []
    start = 0
    while (most is None or len(chunks) + 1 < most) and fitting_end(piece, start, measure, width) < len(piece):
        cut = max(fitting_end(piece, start, measure, width, "-"), start + 1)
        chunks.append(piece[start:cut] + "-")
        start = cut
    return [*chunks, piece[start:]]


def wrap(
    parts: list[tuple[str, bool]], measure: Measure, width: float, break_words: bool = False, most: int | None = None
) -> list[str] | None:
    """Greedy line breaking between words and after hyphens; None if a word is too wide.

    With ``most``, it stops once there are more lines than that: enough for
    a caller that only asks whether the text fits, and the lines it returns
    are the first lines of the whole text.
    """
    lines: list[str] = []
    line = ""
    for piece, new_word in parts:
        if most is not None and len(lines) > most:
            return lines
        candidate = (line + (" " if new_word else "") + piece) if line else piece
        if fits(candidate, measure, width):
            line = candidate
            continue
        if line:
            lines.append(line)
        line = piece
        if not fits(piece, measure, width):
            if not break_words:
                return None
            *full, line = break_word(piece, measure, width, most and most + 1)
            lines.extend(full)
    if line:
        lines.append(line)
    return lines


def balance(parts: list[tuple[str, bool]], measure: Measure, width: int, count: int) -> list[str]:
    """The same number of lines at the narrowest width, so no line is left nearly empty."""
    low, high = width // 2, width
    while low < high:
        middle = (low + high) // 2
        lines = wrap(parts, measure, middle, most=count)
        if lines is not None and len(lines) <= count:
            high = middle
        else:
            low = middle + 1
    return wrap(parts, measure, high)


@dataclass(frozen=True)
class TextBlock:
    """Fitted text: its font size, lines, line height, and whether words had to be dropped."""

    size: int
    lines: tuple[str, ...]
    line_height: int
    shortened: bool = False


def block_height(font: ImageFont.FreeTypeFont, line_height: int, count: int) -> int:
    ascent, descent = font.getmetrics()
    return (count - 1) * line_height + ascent + descent


def line_capacity(font: ImageFont.FreeTypeFont, line_height: int, height: int) -> int:
    """How many lines fit the height (at least one)."""
    ascent, descent = font.getmetrics()
    return max(1, (height - ascent - descent) // line_height + 1)


def fit_title(title: str, font_path: str, layout: Layout) -> TextBlock:
    """The largest size at which the title fits its box, broken between words.

    Lines break only between words and after a hyphen the word already has.
    Only when the title does not fit even at the smallest size is a single
    over-long word broken with a hyphen, and only then are words dropped
    from the end (marked with '…'). The work grows with the length of the
    title only as far as it takes to split it into words: line breaking stops
    once the box is full, and no line is measured much longer than the box is wide.
    """
    parts = pieces(title)
    width, height = layout.text_width, layout.title_height

    def fitted(size: int) -> list[str] | None:
        font, line_height = load_font(font_path, size), round(size * layout.title_leading)
        lines = wrap(parts, partial(text_width, font_path, size), width, most=line_capacity(font, line_height, height))
        if lines is None or block_height(font, line_height, len(lines)) > height:
            return None
        return lines

    # Smaller type never needs more lines or height, so the sizes that fit are a tail of this list: bisect for its start.
    sizes = range(layout.title_max_size, layout.title_min_size - 1, -layout.title_step)
    first_fitting = bisect.bisect_left(sizes, True, key=lambda size: fitted(size) is not None)
    if first_fitting < len(sizes):
        size = sizes[first_fitting]
        lines = balance(parts, partial(text_width, font_path, size), width, len(fitted(size)))
        return TextBlock(size, tuple(lines), round(size * layout.title_leading))
    size = layout.title_min_size
    font = load_font(font_path, size)
    measure = partial(text_width, font_path, size)
    line_height = round(size * layout.title_leading)
    capacity = line_capacity(font, line_height, height)
    # Words beyond the box's first lines can never be shown: start dropping words from there.
    shown_characters = sum(map(len, wrap(parts, measure, width, break_words=True, most=capacity)[:capacity]))
    within = itertools.takewhile(shown_characters.__ge__, itertools.accumulate(len(piece) for piece, _ in parts))
    keep = min(len(parts), 1 + sum(1 for _ in within))
    while keep >= 1:
        shown = parts[:keep]
        if keep < len(parts):
            shown = [*parts[: keep - 1], (parts[keep - 1][0] + ELLIPSIS, parts[keep - 1][1])]
        lines = wrap(shown, measure, width, break_words=True, most=capacity)
        if block_height(font, line_height, len(lines)) <= height:
            return TextBlock(size, tuple(lines), line_height, shortened=keep < len(parts))
        keep -= 1
    # Not even the first word fits the box: as much of it as fits, ending in '…'.
    first = parts[0][0]
    *full, rest = break_word(first, measure, width, most=capacity)
    last = rest[: fitting_end(rest, 0, measure, width, ELLIPSIS)] + ELLIPSIS
    return TextBlock(size, (*full, last), line_height, shortened=True)


def fit_line(text: str, font_path: str, largest: int, smallest: int, width: int) -> tuple[int, str]:
    """One line of small text: shrink it to fit, else cut it after a whole word with '…'."""
    for size in range(largest, smallest - 1, -1):
        if fits(text, partial(text_width, font_path, size), width):
            return size, text
    words = text.split()
    measure = partial(text_width, font_path, smallest)
    keep = last_true(1, len(words), lambda count: fits(" ".join(words[:count]) + ELLIPSIS, measure, width))
    return smallest, " ".join(words[:keep]) + ELLIPSIS


# --- Placing and drawing -----------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """One line of text at its place: ``x, y`` is the left end of its ascender line."""

    role: str
    text: str
    font: str
    size: int
    x: int
    y: int
    colour: str

    def box(self) -> tuple[int, int, int, int]:
        """The pixels the glyphs cover (left, top, right, bottom)."""
        left, top, right, bottom = load_font(self.font, self.size).getbbox(self.text, anchor="la")
        return self.x + left, self.y + top, self.x + right, self.y + bottom


def place_header(style: Style, office: str, unit: str) -> list[Placed]:
    """The office's name and unit beside the logo: the same on every card of a site."""
    layout = style.layout
    header_x = layout.margin + layout.logo_size + layout.logo_gap
    header_width = WIDTH - layout.margin - header_x
    office_size, office = fit_line(office, style.font_bold, layout.office_size, layout.meta_min_size, header_width)
    office_height = sum(load_font(style.font_bold, office_size).getmetrics())
    unit_size, unit = fit_line(unit, style.font_regular, layout.unit_size, layout.meta_min_size, header_width)
    unit_height = sum(load_font(style.font_regular, unit_size).getmetrics())
    top = layout.logo_top + (layout.logo_size - office_height - unit_height) // 2
    return [
        Placed("office", office, style.font_bold, office_size, header_x, top, style.text),
        Placed("unit", unit, style.font_regular, unit_size, header_x, top + office_height, style.muted),
    ]


def place_body(card: TextCard) -> tuple[list[Placed], TextBlock]:
    """The lines that differ from card to card: the fitted title and the small lines under it."""
    style, layout = card.style, card.style.layout
    placed = []
    title = fit_title(card.title, style.font_bold, layout)
    font = load_font(style.font_bold, title.size)
    top = layout.title_top + (layout.title_height - block_height(font, title.line_height, len(title.lines))) // 2
    for index, line in enumerate(title.lines):
        placed.append(
            Placed("title", line, style.font_bold, title.size, layout.margin, top + index * title.line_height, style.text)
        )

    line_height = round(layout.meta_size * layout.meta_leading)
    for index, text in enumerate(card.lines):
        size, text = fit_line(text, style.font_regular, layout.meta_size, layout.meta_min_size, layout.text_width)
        placed.append(
            Placed("meta", text, style.font_regular, size, layout.margin, layout.meta_top + index * line_height, style.muted)
        )
    return placed, title


def place(card: TextCard) -> tuple[list[Placed], TextBlock]:
    """Every line of text on a text card, and the fitted title."""
    body, title = place_body(card)
    return place_header(card.style, card.office, card.unit) + body, title


def draw_line(image: Image.Image, line: Placed) -> None:
    face(line.font, line.size).draw(image, line.x, line.y, line.text, line.colour)


@lru_cache(maxsize=4)
def load_logo(path: str, size: int) -> Image.Image:
    with Image.open(path) as logo:
        logo = logo.convert("RGBA")
        logo.thumbnail((size, size), Image.Resampling.LANCZOS)
        return logo


@lru_cache(maxsize=4)
def text_backdrop(style: Style, office: str, unit: str) -> Image.Image:
    """Background, logo, office header and accent bar, drawn once per process and copied for every card."""
    layout = style.layout
    image = Image.new("RGB", (WIDTH, HEIGHT), style.background)
    logo = load_logo(style.logo, layout.logo_size)
    image.paste(logo, (layout.margin, layout.logo_top + (layout.logo_size - logo.height) // 2), logo)
    for line in place_header(style, office, unit):
        draw_line(image, line)
    ImageDraw.Draw(image).rectangle((0, HEIGHT - layout.accent_height, WIDTH, HEIGHT), fill=style.accent)
    return image


def draw_text_card(card: TextCard) -> Image.Image:
    image = text_backdrop(card.style, card.office, card.unit).copy()
    for line in place_body(card)[0]:
        draw_line(image, line)
    return image


def focal_crop(size: tuple[int, int], focus: tuple[float, float]) -> tuple[float, float, float, float]:
    """The largest 1200:630 box in a picture, centred on the focus as far as the edges allow."""
    width, height = size
    if width / height > WIDTH / HEIGHT:
        crop_width, crop_height = height * WIDTH / HEIGHT, height
    else:
        crop_width, crop_height = width, width * HEIGHT / WIDTH
    left = min(max(focus[0] * width - crop_width / 2, 0), width - crop_width)
    top = min(max(focus[1] * height - crop_height / 2, 0), height - crop_height)
    return left, top, left + crop_width, top + crop_height


def decode_size(size: tuple[int, int], turned: bool) -> tuple[int, int]:
    """The smallest size to decode a picture at whose card crop still has twice the card's resolution."""
    width, height = (size[1], size[0]) if turned else size
    crop_width = min(width, height * WIDTH / HEIGHT)
    shrink = min(1.0, REDUCING_GAP * WIDTH / crop_width)
    return math.ceil(size[0] * shrink), math.ceil(size[1] * shrink)


def draw_photo_card(card: PhotoCard) -> Image.Image:
    with Image.open(card.image) as source:
        # A JPEG four or more times larger than the card (a camera's original) is decoded at 1/2, 1/4 or 1/8
        # of its size, a fraction of the work of decoding it whole; other formats ignore this.
        turned = source.getexif().get(ExifTags.Base.Orientation) in QUARTER_TURNS
        source.draft(None, decode_size(source.size, turned))
        picture = ImageOps.exif_transpose(source)
        if picture.mode in ("RGBA", "LA", "P", "PA"):
            picture = picture.convert("RGBA")
            backdrop = Image.new("RGBA", picture.size, card.style.background)
            picture = Image.alpha_composite(backdrop, picture)
        picture = picture.convert("RGB")
        return picture.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS, box=focal_crop(picture.size, card.focus))


def encode(image: Image.Image, quality: int) -> bytes:
    """Baseline JPEG with fixed settings and no metadata: the same input gives the same bytes.

    Without ``optimize`` (a second pass for tailored Huffman tables) a card
    is about 10 % larger and encodes in less than half the time.
    """
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=False, progressive=False, subsampling="4:2:0")
    return buffer.getvalue()


def render(card: TextCard | PhotoCard) -> bytes:
    image = draw_photo_card(card) if isinstance(card, PhotoCard) else draw_text_card(card)
    return encode(image, card.style.quality)


def card_file_name(key: str, digest: str) -> str:
    """The release's year and number and the start of the sha256 of the bytes: one name, one content."""
    return CARD_FILE.format(key=key, digest=digest[:HASH_LENGTH])


def write_atomically(path: str, data: bytes) -> None:
    """Write through a temporary file; on failure (a full disk) the temporary file goes and the error names ``path``."""
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.filename is None:
            error.filename = path
        raise


def read_cache_file(path: str) -> bytes:
    """A regular file's bytes; a symbolic link, pipe or device is refused (OSError): a cache must not lead reads elsewhere."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read()


@dataclass(frozen=True)
class Drawing:
    """A card to draw and the keys of all cards with the same inputs: they are drawn once and share the bytes."""

    card: TextCard | PhotoCard
    keys: tuple[str, ...]


def draw_into(folder: str, drawing: Drawing) -> tuple[str | None, str | None]:
    """Run in a worker: draw a card into the cache folder under each of its keys.

    Returns the sha256 of its bytes, or why its picture could not be read.

    The worker writes the files itself, so no JPEG travels back through a
    pipe and the parent never holds thousands of them. Each key gets a file
    of its own, no hard link: a link would make one damaged file two.
    """
    try:
        data = render(drawing.card)
    except (OSError, UnidentifiedImageError, SyntaxError, Image.DecompressionBombError) as error:
        return None, str(error)
    digest = hashlib.sha256(data).hexdigest()
    for key in drawing.keys:
        write_atomically(os.path.join(folder, card_file_name(key, digest)), data)
    return digest, None


def draw_all(drawings: list[Drawing], folder: str, workers: int) -> Iterator[tuple[str | None, str | None]]:
    """Draw cards in a pool of processes, or here when there are only a few; results in order, as they come.

    Fonts, glyphs and the text card's backdrop are kept per process (the
    cached functions above), so each worker prepares them with its first card
    and keeps them for all later ones.
    """
    draw = partial(draw_into, folder)
    if workers < 2 or len(drawings) < PARALLEL_FROM:
        yield from map(draw, drawings)
        return
    workers = min(workers, len(drawings))
    # Big enough to keep the pool's bookkeeping small, small enough for even shares and a moving progress line.
    chunksize = max(1, min(CHUNK_SIZE, len(drawings) // (4 * workers)))
    # Forked, so that the workers are this process's children and die with it (newsroom.processes).
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield from pool.map(draw, drawings, chunksize=chunksize)


# --- Fingerprints and the cache ----------------------------------------------------

FILE_FIELDS = ("font_bold", "font_regular", "logo", "image")


@lru_cache(maxsize=256)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_digest(path: str) -> str:
    """sha256 of a file's bytes (remembered while the file is unchanged)."""
    status = os.stat(path)
    return _file_digest(path, status.st_size, status.st_mtime_ns)


def fingerprint(card: TextCard | PhotoCard) -> str:
    """A hash of everything that decides a card's pixels; files count by their bytes, not their path."""

    def by_content(value):
        if isinstance(value, dict):
            return {key: file_digest(item) if key in FILE_FIELDS else by_content(item) for key, item in value.items()}
        return value

    fields = dataclasses.asdict(card)
    del fields["key"]  # not drawn: cards with the same inputs share a fingerprint and are drawn once
    data = {"kind": type(card).__name__, "card": by_content(fields), "renderer": RENDERER}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class ManifestError(ValueError):
    """What is wrong with a card manifest, for the one warning it gets."""


def manifest_entries(data: object) -> dict[str, dict]:
    """The entries of a loaded manifest, each checked; ManifestError at the first that is not exactly as written here."""
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("cards"), dict):
        raise ManifestError(f"is not a card manifest of version {MANIFEST_VERSION}")
    for key, entry in data["cards"].items():
        if not CARD_KEY_PATTERN.fullmatch(key):
            raise ManifestError(f"has the card key {short_repr(key)}; keys are a year and number such as '2024-422'")
        if not (
            isinstance(entry, dict)
            and entry.keys() == {"fingerprint", "sha256"}
            and all(isinstance(value, str) and DIGEST_PATTERN.fullmatch(value) for value in entry.values())
        ):
            raise ManifestError(f"has a malformed entry for {key!r}; an entry is a fingerprint and a sha256")
    return data["cards"]


class CardCache:
    """The cache folder: drawn cards, and a manifest of the fingerprint each was drawn from and its bytes' sha256.

    One entry per card key (a release's year and number, or the site card),
    so the folder holds one file per card and never grows with edits. A card
    file's name comes from its key and digest, so every file this class reads
    or deletes is one of its own names inside the folder.
    """

    def __init__(self, folder: str):
        self.folder = folder
        self.changed = False
        self.entries: dict[str, dict] = {}
        self.failed: list[str] = []  # keys whose file is not a plain file with the recorded bytes
        path = os.path.join(folder, MANIFEST)
        try:
            self.entries = manifest_entries(json.loads(read_cache_file(path)))
        except FileNotFoundError:
            pass  # a cold cache
        except ManifestError as error:
            self.ignore(path, str(error))
        except OSError as error:
            self.ignore(path, f"cannot be read ({error.strerror or error})")
        except (ValueError, RecursionError) as error:
            self.ignore(path, f"is not JSON ({error})")

    @staticmethod
    def ignore(path: str, problem: str) -> None:
        """The one line a failing manifest gets."""
        logger.warning("Card cache manifest %s %s; it is ignored and every card is drawn again", display_path(path), problem)

    def path(self, key: str) -> str:
        return os.path.join(self.folder, card_file_name(key, self.entries[key]["sha256"]))

    def lookup(self, key: str, inputs: str) -> bool:
        """Whether the cached card was drawn from exactly these inputs (a fingerprint) and its file is there.

        Its bytes are checked against the digest when they are published
        (``CardStage.write``): each card is read once per build.
        """
        entry = self.entries.get(key)
        if not entry or entry["fingerprint"] != inputs:
            return False
        try:
            status = os.lstat(self.path(key))
        except FileNotFoundError:
            return False  # a cache that lost a file is a smaller cache
        except OSError:
            status = None
        if status is not None and stat.S_ISREG(status.st_mode):
            return True
        self.failed.append(key)
        return False

    def report(self) -> None:
        """One warning for all cards whose cached file was not what the manifest records."""
        if self.failed:
            keys = sorted(set(self.failed))
            shown = ", ".join(keys[:5]) + (", …" if len(keys) > 5 else "")
            logger.warning(
                "Card cache %s: %d card file(s) not as recorded (%s); drawn again", display_path(self.folder), len(keys), shown
            )

    def record(self, key: str, inputs: str, digest: str) -> None:
        """Note a card just drawn into the folder; drop the card's previous file."""
        if key in self.entries and self.entries[key]["sha256"] != digest:
            Path(self.path(key)).unlink(missing_ok=True)
        self.entries[key] = {"fingerprint": inputs, "sha256": digest}
        self.changed = True

    def save(self) -> None:
        """Write the manifest if a card was drawn; a build that drew none leaves the cache as it was."""
        if not self.changed:
            return
        os.makedirs(self.folder, exist_ok=True)
        manifest = {"version": MANIFEST_VERSION, "cards": self.entries}
        write_atomically(os.path.join(self.folder, MANIFEST), json.dumps(manifest, indent=1, sort_keys=True).encode())


# --- Settings -------------------------------------------------------------------------


def card_style(settings: dict) -> Style:
    options = newsroom(settings).cards
    files = options.theme_files(settings["THEME"])
    return Style(
        background=options.background,
        text=options.text,
        muted=options.muted,
        accent=options.accent,
        font_bold=files["font_bold"],
        font_regular=files["font_regular"],
        logo=files["logo"],
        quality=options.quality,
    )


# --- The build stage ---------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """A card as pages refer to it: site-relative path, size, type and alt text."""

    path: str
    alt: str
    width: int = WIDTH
    height: int = HEIGHT
    type: str = MIME_TYPE


def site_card(settings: dict) -> TextCard:
    """The card of lists and static pages: office, the site's title, its address."""
    options = newsroom(settings)
    host = urlsplit(public_base(settings)).netloc
    return TextCard(
        SITE_CARD_KEY, options.cards.site_title, (host,), options.office_name, options.office_unit, card_style(settings)
    )


def release_card(settings: dict, release) -> TextCard | PhotoCard:
    """A crop of the release's own picture, else a card with its title, number, date and department."""
    key = f"{release.release_year}-{release.release_no}"
    style = card_style(settings)
    if release.image:
        return PhotoCard(key, os.path.join(settings["PATH"], release.image["url"]), tuple(release.image["focus"]), style)
    options = newsroom(settings)
    kicker = f"Pressemitteilung Nr. {release.number}{SEPARATOR}{de_date(release.date)}"
    return TextCard(key, release.title, (kicker, release.category.name), options.office_name, options.office_unit, style)


def alt_text(card: TextCard | PhotoCard, release=None) -> str:
    """What the card shows, for people who cannot see it."""
    if isinstance(card, PhotoCard):
        return release.image["alt"]
    if release is None:
        return f"{card.title} – {card.office}, {card.unit}"
    return (
        f"{card.title} – Pressemitteilung Nr. {release.number} vom {de_date(release.date)}, "
        f"{release.category.name}, {card.office}"
    )


class CardStage:
    """Plans, draws (or reuses) and writes the cards of one build."""

    def __init__(self) -> None:
        self.settings: dict = {}
        self.files: dict[str, tuple[str, str, TextCard | PhotoCard]] = {}  # output file name → cache file, its sha256, the card
        self.cache: CardCache | None = None
        self.drawn = 0
        self.reused = 0
        self.seconds = 0.0

    def start(self, pelican) -> None:
        self.__init__()
        self.settings = pelican.settings

    def prepare(self, generators) -> None:
        """Give every public release its card and the context the site card: after filtering, before any page is written."""
        if BUILD.all_errors():
            return
        started = time.perf_counter()
        articles = next(g for g in generators if isinstance(g, ArticlesGenerator)).articles
        options = newsroom(self.settings).cards
        cache = CardCache(os.path.abspath(options.cache_dir))
        planned = [(None, site_card(self.settings))] + [(article, release_card(self.settings, article)) for article in articles]
        fingerprints = {card.key: fingerprint(card) for _, card in planned}
        missing = [(article, card) for article, card in planned if not cache.lookup(card.key, fingerprints[card.key])]
        by_inputs: dict[str, list] = {}
        for article, card in missing:
            by_inputs.setdefault(fingerprints[card.key], []).append((article, card))
        drawings = [Drawing(group[0][1], tuple(card.key for _, card in group)) for group in by_inputs.values()]
        os.makedirs(cache.folder, exist_ok=True)
        results = draw_all(drawings, cache.folder, options.workers or os.cpu_count() or 1)
        failures = []
        with Progress("Karten", len(missing), "gezeichnet") as shown:
            for (inputs, group), (digest, problem) in zip(by_inputs.items(), results, strict=True):
                if problem is not None:
                    for article, _ in group:
                        message = f"{article.image['url']!r} cannot be drawn as a card: {problem}"
                        failures.append(ContentError(display_path(article.source_path), None, "image", message))
                else:
                    for _, card in group:
                        cache.record(card.key, inputs, digest)
                shown.advance(len(group))
        cache.save()
        if failures:
            BUILD.errors.extend(failures)
            return
        for article, card in planned:
            digest = cache.entries[card.key]["sha256"]
            published = Card(f"{options.output_dir}/{card_file_name(card.key, digest)}", alt_text(card, article))
            self.files[published.path] = (cache.path(card.key), digest, card)
            if article is None:
                generators[0].context["site_card"] = published
            else:
                article.card = published
        self.cache = cache
        self.drawn, self.reused = len(missing), len(planned) - len(missing)
        self.seconds = time.perf_counter() - started
        logger.info(
            "Cards: %d drawn, %d reused from %s in %.2f s", self.drawn, self.reused, display_path(cache.folder), self.seconds
        )

    def write(self, output_path: str) -> None:
        """Put every card into the output: a copy of its cache file once its bytes match the digest, else drawn again.

        A copy, never a hard link, so damage to the cache cannot reach the
        site; a card the live site already has keeps the live file
        (``OUTPUT.place``). A cache file that does not match (damaged, or
        changed by another build beside this one) is drawn again here and
        replaced in the cache.
        """
        for name, (cached, digest, card) in sorted(self.files.items()):
            try:
                data = read_cache_file(cached)
            except OSError:
                data = b""
            if hashlib.sha256(data).hexdigest() != digest:
                self.cache.failed.append(card.key)
                data = render(card)
                write_atomically(cached, data)
            OUTPUT.place(os.path.join(output_path, name), data)
        if self.cache:
            self.cache.report()


CARDS = CardStage()


class CardGenerator:
    """Pelican generator that puts the prepared cards into the output."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.output_path = output_path

    def generate_output(self, writer) -> None:
        CARDS.write(self.output_path)


def card_generator(pelican):
    return CardGenerator
