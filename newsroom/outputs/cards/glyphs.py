"""Text fitting: a title set as large as its box allows, small lines shrunk or cut, all measured from cached glyphs.

Speed matters at archive scale (100,000 releases): text is measured and set
from glyphs rasterised once per process (``Face``), and fitting measures
only about a line's worth of text, however long the text is.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from PIL import Image, ImageDraw, ImageFont

from .layout import Layout

ELLIPSIS = "…"
Measure = Callable[[str], float]  # the advance width of a line of text at one font and size
MEASURED_WHOLE = 256  # characters: longer than any line of a card, so longer texts are measured in parts


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
