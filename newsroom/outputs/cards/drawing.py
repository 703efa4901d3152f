"""Placing and drawing: a card's texts placed on the canvas, pictures cropped, and the result encoded to bytes.

``render`` turns a card into the same JPEG bytes on every machine with the
same Pillow. The parts every text card shares (background, logo, office
header, accent bar) are drawn once per process. ``RENDERER`` fingerprints
the code that shapes those bytes: this module and all it imports from the
package (``layout``, ``glyphs``), with the Pillow version; the card cache,
the stage and their log lines are not part of it.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from functools import lru_cache

import PIL
from PIL import ExifTags, Image, ImageDraw, ImageOps

from ...fingerprint import code_fingerprint
from ..images.framing import focal_box
from .glyphs import TextBlock, block_height, face, fit_line, fit_title, load_font
from .layout import HEIGHT, WIDTH, PhotoCard, Style, TextCard

MIME_TYPE = "image/jpeg"
QUARTER_TURNS = (5, 6, 7, 8)  # EXIF orientations that swap a picture's width and height
# A picture is decoded at no less than twice the card's size before resampling, as Pillow's thumbnail() does by default.
REDUCING_GAP = 2
# Code and encoder version are inputs too: a change to either may change the pixels.
RENDERER = hashlib.sha256(f"{code_fingerprint(__name__)}\0{PIL.__version__}".encode()).hexdigest()


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
    return focal_box(size, focus, (WIDTH, HEIGHT))


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
