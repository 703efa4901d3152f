"""What a card is: its size, the layout of a text card, the look settings control, and the two kinds of card.

Plain values: ``glyphs`` fits text into this layout, ``drawing`` draws
them, ``cache`` fingerprints them.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 1200, 630


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
