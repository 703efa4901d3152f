"""What an old release says, found in its blocks of text: date line, number, quotations, contact, credit.

Both readers (``text`` for plain text, ``html`` for saved pages) turn their
input into ``Block``s of ``Line``s: the text as a reader sees it (what the
rules below look at) and the same text as Markdown (what is written). The
rules take out what the site shows by itself — the date line with the number,
the contact block, an ``Im Auftrag`` signature, an image credit it can place —
and turn a speaker line with its quotation into the ``— Speaker`` blockquote
the site renders as a quotation. Everything else stays in the body, in order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

MONTHS = ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
          "dezember")
# "Pressemitteilung Nr. 422/2017 vom 04.10.2017", "Pressemitteilung vom 1. Juli 2021"
DATE_LINE = re.compile(
    r"^(?:Presse(?:mitteilung|information|meldung|erklärung)|PM)\s+(?:Nr\.?\s*(?P<number>\S+)\s+)?vom\s+"
    r"(?:(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})"
    rf"|(?P<long_day>\d{{1,2}})\.\s*(?P<month_name>{'|'.join(MONTHS)})\s+(?P<long_year>\d{{4}}))\s*$",
    re.IGNORECASE,
)
# How far down the date line may stand (blocks after the headline): further down it quotes another release.
DATE_LINE_BLOCKS = 3
CONTACT_MARKER = re.compile(r"^(?:Medienkontakt|Pressekontakt|Kontakte?|Ansprechpartner(?:in)?)\s*:\s*(?P<rest>.*)$",
                            re.IGNORECASE)
PHONE_LINE = re.compile(r"^(?:Tel(?:efon)?\.?|Fon|Mobil|Handy)\s*:?\s*(?P<value>\+?[0-9(].*)$", re.IGNORECASE)
MAIL_LINE = re.compile(r"^(?:E-?Mail|Mail)\s*:?\s*(?P<value>\S+@\S+)$", re.IGNORECASE)
OTHER_CONTACT_LINE = re.compile(r"^(?:Fax|Telefax|Internet|Web|Homepage)\s*:?\s*(?P<value>.+)$", re.IGNORECASE)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE_SEPARATORS = re.compile(r"\s*(?:,|;|\boder\b|\bund\b|\bbzw\.)\s*")
SIGNATURE = re.compile(r"^(?:Im Auftrag|i\.\s?A\.)\s*(?P<name>.*)$", re.IGNORECASE)
CREDIT = re.compile(r"^(?:Bild|Bilder|Foto|Fotos|Abbildung|Grafik)\s*:\s*\S", re.IGNORECASE)
OPENING_QUOTES = ("„", "\"", "»", "“", "‚")
CLOSING_QUOTE = re.compile(r"[“”\"«‘’][.,!?)]?$")
# A speaker line: "Bezirksstadträtin Aylin Demir:" — short, no sentence inside.
SPEAKER = re.compile(r"^(?P<speaker>[^\s.!?:„“\"»«][^!?:„“\"»«]{1,118}):$")


@dataclass(frozen=True)
class Line:
    text: str  # as a reader sees it
    markdown: str  # the same, as Markdown inline text
    number: int  # its line in the input


@dataclass
class Block:
    """A paragraph, a list ("bullets", "numbered": one line per item), a heading or a quotation."""

    kind: str
    lines: list[Line]
    speaker: str = ""  # of a quotation

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def first(self) -> Line:
        return self.lines[0]

    def markdown(self) -> str:
        if self.kind == "bullets":
            return "\n".join(f"- {line.markdown}" for line in self.lines)
        if self.kind == "numbered":
            return "\n".join(f"{index}. {line.markdown}" for index, line in enumerate(self.lines, 1))
        if self.kind == "heading":
            return "## " + " ".join(line.markdown for line in self.lines)
        if self.kind == "quotation":
            paragraphs = [line.markdown for line in self.lines] + [f"— {self.speaker}"]
            return "\n>\n".join(f"> {paragraph}" for paragraph in paragraphs)
        return "\n".join(line.markdown for line in self.lines)


@dataclass
class Contact:
    """A contact block: who, and how to reach them."""

    name: str
    organisation: str
    phones: list[str]
    email: str
    line: int


@dataclass
class Found:
    """What the rules took out of the blocks, the body that is left, and what the editor should know."""

    day: dt.date | None = None
    date_line: int = 0
    number_text: str = ""  # as written after "Nr."
    contact: Contact | None = None
    credit: str = ""
    caption: str = ""
    credit_line: int = 0
    body: list[Block] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)


def recognise(blocks: list[Block], office_name: str, office_unit: str, picture: bool) -> Found:
    """Take the date line, contact block, signature and (with a ``picture`` to credit) the credit out of ``blocks``;
    quotations become quotation blocks."""
    found = Found()
    blocks = [Block(block.kind, list(block.lines), block.speaker) for block in blocks]
    take_date_line(blocks, found)
    take_contact(blocks, found, office_name, office_unit)
    kept: list[Block] = []
    for block in blocks:
        if not block.lines:  # all its lines were taken
            continue
        if block.kind == "paragraph" and take_signature(block, found):
            continue
        if block.kind == "paragraph" and not found.credit and take_credit(block, found, picture):
            continue
        kept.append(block)
    found.body = quotations([part for block in kept for part in speaker_apart(block)], found)
    return found


def speaker_apart(block: Block) -> list[Block]:
    """A paragraph whose speaker line has the quotation right below it (no blank line) as two blocks."""
    for at in range(1, len(block.lines)):
        if block.kind == "paragraph" and SPEAKER.match(block.lines[at - 1].text) and block.lines[at].text.startswith(
            OPENING_QUOTES
        ):
            return [part for part in (Block("paragraph", block.lines[:at - 1]), Block("paragraph", block.lines[at - 1:at]))
                    if part.lines] + speaker_apart(Block("paragraph", block.lines[at:]))
    return [block]


def take_date_line(blocks: list[Block], found: Found) -> None:
    for block in blocks[:DATE_LINE_BLOCKS]:
        for line in block.lines:
            match = DATE_LINE.match(line.text)
            if match is None:
                continue
            try:
                if match["day"]:
                    found.day = dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
                else:
                    month = MONTHS.index(match["month_name"].lower()) + 1
                    found.day = dt.date(int(match["long_year"]), month, int(match["long_day"]))
            except ValueError:
                found.notes.append((line.number, f"the date line {line.text!r} names a day that does not exist"))
                return
            found.number_text = match["number"] or ""
            found.date_line = line.number
            block.lines.remove(line)
            if not block.lines:
                blocks.remove(block)
            return


def take_contact(blocks: list[Block], found: Found, office_name: str, office_unit: str) -> None:
    """The first contact block (``Medienkontakt:`` and the lines after it), out of the body."""
    for index, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        start = next((at for at, line in enumerate(block.lines) if CONTACT_MARKER.match(line.text)), None)
        if start is None:
            continue
        marker = block.lines[start]
        lines = block.lines[start + 1:]
        rest = CONTACT_MARKER.match(marker.text)["rest"].strip()
        if rest:
            lines.insert(0, Line(rest, rest, marker.number))
        del block.lines[start:]
        following = index + 1
        while following < len(blocks) and blocks[following].kind == "paragraph" and all(
            contact_detail(line.text) for line in blocks[following].lines
        ):
            lines.extend(blocks.pop(following).lines)
        found.contact = read_contact(lines, marker.number, found, office_name, office_unit)
        return


def contact_detail(text: str) -> bool:
    return bool(PHONE_LINE.match(text) or MAIL_LINE.match(text) or OTHER_CONTACT_LINE.match(text) or EMAIL.fullmatch(text))


def read_contact(lines: list[Line], line_number: int, found: Found, office_name: str, office_unit: str) -> Contact:
    names, phones, email = [], [], ""
    for line in lines:
        text = line.text.strip()
        if match := PHONE_LINE.match(text):
            phones.extend(number for number in PHONE_SEPARATORS.split(match["value"]) if number)
        elif (match := MAIL_LINE.match(text)) or EMAIL.fullmatch(text):
            address = match["value"] if match else text
            if email:
                found.notes.append((line.number, f"a second e-mail address {address!r} in the contact block was left out; "
                                                 "a contact has one"))
            else:
                email = address.rstrip(".,;")
        elif match := OTHER_CONTACT_LINE.match(text):
            found.notes.append((line.number, f"{text!r} in the contact block was left out: contacts.yml has no field for it"))
        elif text:
            names.append(text.rstrip(","))
    if not names:
        name, organisation = office_unit, office_name
    elif len(names) == 1:
        name, organisation = names[0], office_name
    else:
        name, organisation = names[-1], ", ".join(names[:-1])
    return Contact(name, organisation, phones, email, line_number)


def take_signature(block: Block, found: Found) -> bool:
    """An ``Im Auftrag`` signature (with the name on the same or the next line); the page shows the contact instead."""
    match = SIGNATURE.match(block.first.text)
    if match is None or len(block.lines) > 2 or (match["name"] and len(block.lines) > 1):
        return False
    signed = " ".join(line.text for line in block.lines)
    found.notes.append((block.first.number, f"the signature {signed!r} was left out; the page shows the Medienkontakt"))
    return True


def take_credit(block: Block, found: Found, picture: bool) -> bool:
    """A picture credit (``Foto: …``) and the caption lines before it in its block; without a picture it stays."""
    at = next((index for index, line in enumerate(block.lines) if CREDIT.match(line.text)), None)
    if at is None or at != len(block.lines) - 1:
        return False
    if not picture:
        found.notes.append((block.lines[at].number, f"the credit {block.lines[at].text!r} stays in the text: "
                                                    "there is no picture to give it to"))
        return False
    found.credit = block.lines[at].text
    found.caption = " ".join(line.text for line in block.lines[:at])
    found.credit_line = block.lines[at].number
    return True


def quotations(blocks: list[Block], found: Found) -> list[Block]:
    """A speaker line (``Name:``) and the quoted paragraphs after it („…“) as one quotation block."""
    result: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        speaker = SPEAKER.match(block.text) if block.kind == "paragraph" and len(block.lines) == 1 else None
        opening = index + 1 < len(blocks) and blocks[index + 1].kind == "paragraph" and blocks[
            index + 1].text.startswith(OPENING_QUOTES)
        if speaker is None or not opening:
            result.append(block)
            index += 1
            continue
        end = index + 1
        while end < len(blocks) and blocks[end].kind == "paragraph" and not CLOSING_QUOTE.search(blocks[end].text):
            end += 1
        if end == len(blocks) or blocks[end].kind != "paragraph":
            found.notes.append((block.first.number, f"the quotation after {block.text!r} is not closed; kept as text"))
            result.append(block)
            index += 1
            continue
        paragraphs = [Line(quoted.text, "\n> ".join(line.markdown for line in quoted.lines), quoted.first.number)
                      for quoted in blocks[index + 1:end + 1]]
        result.append(Block("quotation", paragraphs, block.first.markdown.strip().removesuffix(":").rstrip()))
        index = end + 1
    return result
