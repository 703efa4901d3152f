"""A release as plain text (copied from a release page, or saved from Word as text) into blocks.

The first line is the headline (or the second, after a date line); blank lines separate paragraphs; lines that
start with a dash or bullet (``- ``, ``• ``, ``– ``) or, two or more in a
paragraph, a number (``1. ``, ``2) ``) are list items, and a line that follows an item without such a mark
continues it (a wrapped line).
"""

from __future__ import annotations

import re

from .blocks import DATE_LINE, Block, Line
from .inline import clean, text_line

BULLET = re.compile(r"^[-•–·▪*]\s+(?P<item>\S.*)$")
NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(?P<item>\S.*)$")


class UnreadableInput(Exception):
    """The input is no text, or empty; the message says why."""


def decode(raw: bytes) -> tuple[str, str]:
    """The text, and the encoding it was read in: UTF-8 (with or without BOM), else Windows-1252 (Word's "Nur Text")."""
    if b"\x00" in raw:
        raise UnreadableInput("is not a text file (it holds NUL bytes); save it as text (.txt) first")
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def read_text(raw: bytes) -> tuple[Line, list[Block], list[tuple[int, str]]]:
    """The headline, the blocks after it, and what the editor should know about reading it."""
    text, encoding = decode(raw)
    notes = [] if encoding == "UTF-8" else [(1, "not UTF-8; read as Windows-1252 (check umlauts and quotation marks)")]
    lines = [(number, clean(line).strip()) for number, line in enumerate(text.splitlines(), 1)]
    filled = [(number, line) for number, line in lines if line]
    if not filled:
        raise UnreadableInput("is empty")
    # The headline is the first line; a date line above it (some copies start with it) stays a line of the text.
    title_number, title = filled[1] if DATE_LINE.match(filled[0][1]) and len(filled) > 1 else filled[0]
    blocks: list[Block] = []
    current: list[tuple[int, str]] = []
    for number, line in lines:
        if number == title_number:
            continue
        if line:
            current.append((number, line))
        elif current:
            blocks.extend(paragraph_blocks(current))
            current = []
    if current:
        blocks.extend(paragraph_blocks(current))
    return Line(title, text_line(title), title_number), blocks, notes


def paragraph_blocks(lines: list[tuple[int, str]]) -> list[Block]:
    """One paragraph of the input: plain lines and list items as separate blocks."""
    blocks: list[Block] = []
    numbered = sum(1 for _, text in lines if NUMBERED.match(text)) > 1  # one "1. Mai …" alone is a sentence
    for number, text in lines:
        item = BULLET.match(text) or (NUMBERED.match(text) if numbered else None)
        kind = "paragraph" if item is None else "bullets" if BULLET.match(text) else "numbered"
        if item is None and blocks and blocks[-1].kind != "paragraph":  # a wrapped list item
            last = blocks[-1].lines[-1]
            joined = f"{last.text} {text}"
            blocks[-1].lines[-1] = Line(joined, text_line(joined), last.number)
            continue
        content = text if item is None else item["item"]
        if not blocks or blocks[-1].kind != kind:
            blocks.append(Block(kind, []))
        blocks[-1].lines.append(Line(content, text_line(content), number))
    return blocks
