"""A saved page of berlin.de's press portal (imperia CMS) into blocks and the facts in its head.

The portal's pages put the article in the main column
(``#layout-grid__area--maincontent``; older pages ``.column-content``): the
headline in ``h1.title``, the lead image with ``.image__caption`` and
``.image__copyright``, the text in ``.textile`` elements. Around it stand the
portal's navigation, a sidebar (``#layout-grid__area--marginal``) with the
office's contact box and service links, and the footer; none of that is the
release and none of it is read. The head gives ``dcterms.date`` /
``dcterms.submitted`` (with the time), ``link rel="canonical"`` (the old
address) and ``meta name="keywords"``.

Paragraphs, ``<br>`` lines, lists, headings and links are kept; other
formatting is dropped (its text stays), except that a short paragraph that is
bold throughout becomes a heading, as on the portal it stands for one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .blocks import DATE_LINE, Block, Line
from .inline import clean, line_start, link, text_markdown

MAIN = ("#layout-grid__area--maincontent", ".column-content", "main", "[role=main]", "#content", "article")
# Not the release: elements by name, role, id and class (the portal's sidebar, its contact box, hidden helper texts).
CHROME_TAGS = {"nav", "aside", "header", "footer", "form", "script", "style", "noscript", "template", "button", "iframe"}
CHROME_ROLES = {"navigation", "complementary", "search"}
CHROME_IDS = {"layout-grid__area--marginal"}
CHROME_CLASSES = {"modul-contact", "aural"}
INTRO = ".article__introtext, .intro, .lead"
CAPTION = ".image__caption, figcaption, .caption"
CREDIT = ".image__copyright, .copyright, .image__credit, .credit"
INLINE = {"a", "abbr", "b", "cite", "code", "em", "font", "i", "mark", "q", "small", "span", "strong", "sub", "sup",
          "time", "u", "s", "bdi", "bdo", "data", "dfn", "kbd", "samp", "var", "wbr", "label"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LISTS = {"ul", "ol"}
BOLD = {"b", "strong"}
SPACE = re.compile(r"\s+")
# Keywords every release of the portal carries; they are no topic.
GENERIC_KEYWORDS = {"pressemitteilung", "pressemitteilungen", "presse", "berlin", "aktuelles"}
HEADING_MOST = 100


@dataclass
class PageImage:
    path: str  # the saved picture's file, or its address on the web when the page was saved without it
    alt: str
    caption: str
    credit: str
    line: int


@dataclass
class Page:
    title: Line | None
    blocks: list[Block]
    date: str  # dcterms.date
    submitted: str  # dcterms.submitted
    canonical: str
    keywords: list[str]
    image: PageImage | None
    notes: list[tuple[int, str]] = field(default_factory=list)


def meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"name": re.compile(f"^{re.escape(name)}$", re.IGNORECASE)})
    return clean(tag.get("content") or "").strip() if tag else ""


def read_page(raw: bytes, path: str, office_name: str) -> Page:
    """The article of a saved portal page: headline, blocks, the head's facts, the lead image."""
    soup = BeautifulSoup(raw, "html.parser")
    canonical = soup.find("link", rel="canonical")
    canonical = (canonical.get("href") or "").strip() if canonical else ""
    main = next((found for selector in MAIN if (found := soup.select_one(selector))), None) or soup.body or soup
    for chrome in main.find_all(is_chrome):
        chrome.decompose()
    notes: list[tuple[int, str]] = []
    heading = main.select_one("h1.title") or main.find("h1")
    title = None
    if heading is not None:
        text = collapse(heading.get_text(" "))
        title = Line(text, line_start(text_markdown(text)), heading.sourceline or 1)
    elif text := meta(soup, "dcterms.title") or collapse(soup.title.get_text() if soup.title else ""):
        title = Line(text, line_start(text_markdown(text)), 1)
        notes.append((1, f"no h1 headline in the article; the headline {text!r} is the page's title"))
    image = lead_image(main, path)
    texts = [found for found in main.find_all(class_="textile") if not found.find_parent(class_="textile")]
    reader = BlockReader(canonical, notes)
    for before in main.find_all("p"):
        if texts and before.find_parent(class_="textile") is None and DATE_LINE.match(collapse(before.get_text(" "))):
            reader.element(before)  # a date line the layout puts above the text
    for intro in main.select(INTRO):
        if intro.find_parent(class_="textile") is None:
            reader.element(intro)
    if not texts:
        if heading is not None:
            heading.decompose()
        texts = [main]
        notes.append((1, "no .textile text block in the page; read the whole main column"))
    for text in texts:
        reader.element(text)
    return Page(title, reader.blocks, meta(soup, "dcterms.date"), meta(soup, "dcterms.submitted"), canonical,
                keywords(meta(soup, "keywords"), office_name), image, notes)


def is_chrome(tag: Tag) -> bool:
    return (tag.name in CHROME_TAGS or tag.get("role") in CHROME_ROLES or tag.get("id") in CHROME_IDS
            or not CHROME_CLASSES.isdisjoint(tag.get("class") or ()))


def collapse(text: str) -> str:
    return SPACE.sub(" ", clean(text)).strip()


def keywords(written: str, office_name: str) -> list[str]:
    generic = GENERIC_KEYWORDS | {office_name.casefold()}
    found: list[str] = []
    for keyword in (collapse(part) for part in written.split(",")):
        if keyword and keyword.casefold() not in generic and keyword not in found:
            found.append(keyword)
    return found


def lead_image(main: Tag, path: str) -> PageImage | None:
    """The first picture of the main column outside the text, with the caption and credit around it."""
    picture = next((img for img in main.find_all("img") if img.find_parent(class_="textile") is None and img.get("src")), None)
    if picture is None:
        return None
    box = picture.find_parent("figure") or picture.find_parent(class_=re.compile("image|bild|hero", re.IGNORECASE))
    box = box or picture.parent
    credit_tag = box.select_one(CREDIT)
    credit = collapse(credit_tag.get_text(" ")) if credit_tag else ""
    caption_tag = box.select_one(CAPTION)
    caption = ""
    if caption_tag is not None:
        if credit_tag is not None and credit_tag in caption_tag.descendants:
            credit_tag.extract()
        caption = collapse(caption_tag.get_text(" "))
    source = picture["src"].strip()
    if not urlsplit(source).scheme:
        source = os.path.normpath(os.path.join(os.path.dirname(path), unquote(urlsplit(source).path)))
    return PageImage(source, collapse(picture.get("alt") or ""), caption, credit, picture.sourceline or 1)


class BlockReader:
    """HTML elements into blocks: paragraphs (a line per ``<br>``), lists, headings; links kept, other markup dropped."""

    def __init__(self, base: str, notes: list[tuple[int, str]]):
        self.base = base
        self.notes = notes
        self.blocks: list[Block] = []
        self.segments: list[tuple[str, str, bool]] = []  # (text, link target or "", bold) of the line being read
        self.lines: list[Line] = []
        self.line_number = 0
        self.bold = 0  # how many <b>/<strong> the text being read is inside

    def element(self, element: Tag) -> None:
        self.children(element)
        self.end_paragraph()

    def children(self, element: Tag) -> None:
        for child in element.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.text(str(child), element)
            elif isinstance(child, Tag):
                self.tag(child)

    def tag(self, tag: Tag) -> None:
        name = tag.name
        if name == "br":
            self.end_line(tag)
        elif name == "a":
            self.anchor(tag)
        elif name in INLINE:
            self.bold += name in BOLD
            self.children(tag)
            self.bold -= name in BOLD
        elif name in HEADINGS:
            self.end_paragraph()
            self.children(tag)
            self.end_paragraph(kind="heading")
        elif name in LISTS:
            self.end_paragraph()
            self.list(tag)
        elif name == "img":
            self.notes.append((tag.sourceline or 1, f"a picture in the text ({tag.get('src', '')!r}) was not imported; "
                                                    "add it by hand"))
        elif name == "table":
            self.end_paragraph()
            self.notes.append((tag.sourceline or 1, "a table was imported as lines of text; rebuild it as a Markdown table"))
            for row in tag.find_all("tr"):
                cells = " – ".join(collapse(cell.get_text(" ")) for cell in row.find_all(["td", "th"]))
                self.segments.append((cells, "", False))
                self.end_line(row)
            self.end_paragraph()
        else:  # p, div, section, blockquote, figure, hr …: a block of its own
            self.end_paragraph()
            self.children(tag)
            self.end_paragraph()

    def list(self, tag: Tag) -> None:
        """A list's items as lines of one block; a nested list as a block of its own after its item."""
        kind = "numbered" if tag.name == "ol" else "bullets"
        items: list[Line] = []
        for item in tag.find_all("li", recursive=False):
            nested = [inner.extract() for inner in item.find_all(["ul", "ol"], recursive=False)]
            self.children(item)
            self.end_line(item)
            items.extend(self.lines)
            self.lines = []
            if nested:
                if items:
                    self.blocks.append(Block(kind, items))
                items = []
                for inner in nested:
                    self.list(inner)
        if items:
            self.blocks.append(Block(kind, items))

    def anchor(self, tag: Tag) -> None:
        href = (tag.get("href") or "").strip()
        target = urljoin(self.base, href) if href and self.base else href
        if urlsplit(target).scheme.lower() not in ("http", "https", "mailto", "tel"):
            if href and not href.startswith("#"):
                self.notes.append((tag.sourceline or 1, f"the link {href!r} has no address that can be followed from "
                                                        "the new site; its text was kept"))
            target = ""
        self.segments.append((SPACE.sub(" ", clean(tag.get_text(" "))), target, False))
        self.line_number = self.line_number or tag.sourceline or 0

    def text(self, text: str, parent: Tag) -> None:
        if text:
            self.segments.append((SPACE.sub(" ", clean(text)), "", self.bold > 0))
            self.line_number = self.line_number or parent.sourceline or 0

    def end_line(self, at: Tag | None = None) -> None:
        plain, markdown = "", ""
        for text, target, _ in self.segments:
            if plain.endswith(" ") or not plain:
                text = text.lstrip()
            if text:
                plain += text
                markdown += piece(text, target)
        if plain.strip():
            number = self.line_number or (at.sourceline if at is not None else 0) or 1
            self.lines.append(Line(plain.strip(), line_start(markdown.strip()), number))
        self.segments = []
        self.line_number = 0

    def end_paragraph(self, kind: str = "paragraph") -> None:
        bold = any(text.strip() for text, _, _ in self.segments) and all(
            flag or not text.strip() for text, _, flag in self.segments
        )
        self.end_line()
        if not self.lines:
            return
        text = " ".join(line.text for line in self.lines)
        if kind == "paragraph" and bold and len(self.lines) == 1 and len(text) <= HEADING_MOST and not text.endswith(
            (".", ":", "!", "?", ",", ";")
        ):
            kind = "heading"
        self.blocks.append(Block(kind, self.lines))
        self.lines = []


def piece(text: str, target: str) -> str:
    """A run of text as Markdown: a link when it has a target."""
    if not target:
        return text_markdown(text)
    label = text.strip()
    address = target.removeprefix("mailto:")
    made = link(address if label == address else target, label)
    return (" " if text.startswith(" ") else "") + made + (" " if text.endswith(" ") else "")
