"""Plain text as Markdown that renders back to the same text: escapes, and links for bare addresses.

An old release is text, not Markdown: an asterisk, ``1. Mai`` at the start of
a line or ``<Name>`` must come out as written, never as emphasis, a list or
HTML (which strict builds refuse). Bare web and e-mail addresses become links.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Characters Python-Markdown (with "extra") gives a meaning inside a line; a backslash makes them text.
ESCAPED = re.compile(r"([\\`*_\[\]{}|])")
# At the start of a line: headings, quotes, list items, rules and setext underlines.
LINE_START = re.compile(r"^(#|>|[-+*](?=\s|$)|-(?=[-\s]*$))")  # the last: a rule or setext underline ("-- -")
# Characters no backslash escapes there: a setext underline of "=", a definition (": …"), a fence ("~~~").
AS_ENTITY = {"=": "&#61;", ":": "&#58;", "~": "&#126;"}
ENTITY_START = re.compile(r"^(?:=(?==*\s*$)|:(?=\s)|~(?=~~))")
ORDERED_START = re.compile(r"^(\d+)([.)])(?=\s|$)")
ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
URL = re.compile(r"https?://(?:[^\s<>\"„“”«»&\\`]|&(?!#?[A-Za-z0-9]+;))+", re.IGNORECASE)  # "&amp;" is text, as elsewhere
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
LINK_SAFE = ":/?#@!$&'*+,;=%~-._"
URL_TAIL = re.compile(r"[.,;:!?)\]]+$")
# Invisible characters copied along from Word and web pages; the front matter refuses them, the text does not need them.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))


def clean(text: str) -> str:
    """NFC, without invisible characters, tabs and line separators as spaces."""
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE)
    return re.sub(r"[\t\u2028\u2029\u0085\u000b\u000c]", " ", text)


def escape(text: str) -> str:
    """Text inside a line as Markdown that shows exactly this text."""
    return ENTITY.sub("&amp;", ESCAPED.sub(r"\\\1", text)).replace("<", "&lt;")


def line_start(markdown: str) -> str:
    """A Markdown line that does not begin a heading, list, quotation or code block."""
    markdown = LINE_START.sub(r"\\\1", markdown)
    markdown = ORDERED_START.sub(r"\1\\\2", markdown)
    return ENTITY_START.sub(lambda match: AS_ENTITY[match[0]], markdown)


def link(target: str, text: str) -> str:
    """A Markdown link; one whose text is its address in angle brackets, as a bare address is written."""
    if text == target and " " not in target:
        return f"<{target}>"
    return f"[{escape(text)}]({quote(target, safe=LINK_SAFE)})"


def text_line(text: str) -> str:
    """A line of plain text as a Markdown line, its bare web and e-mail addresses as links."""
    return line_start(text_markdown(text))


def text_markdown(text: str) -> str:
    """Plain text inside a line as Markdown, its bare web and e-mail addresses as links."""
    parts, position = [], 0
    for match in sorted([*URL.finditer(text), *EMAIL.finditer(text)], key=lambda found: found.start()):
        if match.start() < position:
            continue
        address = match[0]
        if address.lower().startswith("http"):
            address = URL_TAIL.sub("", address)
            if address.count("(") > address.count(")") and match[0][len(address):].startswith(")"):
                address += ")"
        parts.append(escape(text[position:match.start()]))
        parts.append(f"<{address}>")
        position = match.start() + len(address)
    parts.append(escape(text[position:]))
    return "".join(parts)
