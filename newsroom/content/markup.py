"""Markdown to HTML for release bodies, and plain-text summaries from that HTML.

Tables are wrapped in a scrollable region so phones never scroll the page sideways.
Quotations are written as a blockquote whose last paragraph starts with an em
dash and the speaker; they become ``<figure class="zitat">`` with the speaker
in ``<figcaption>``, which screen readers announce as a quotation with source.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

SPEAKER_MARKERS = ("— ", "– ", "-- ")
MARKDOWN_EXTENSIONS = ("extra", "sane_lists")
# Column alignment as the align attribute, not style="text-align: …", which a
# Content-Security-Policy without 'unsafe-inline' would block.
EXTENSION_CONFIGS = {
    "extra": {
        "tables": {"use_align_attribute": True},
        "footnotes": {"BACKLINK_TITLE": "Zurück zur Fußnote %d im Text"},
    }
}


class QuotationProcessor(Treeprocessor):
    """Wrap attributed blockquotes in a figure with the speaker as caption."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "blockquote":
                    self._attribute(parent, index, child)

    @staticmethod
    def _attribute(parent: etree.Element, index: int, quote: etree.Element) -> None:
        paragraphs = [element for element in quote if element.tag == "p"]
        if len(paragraphs) < 2 or len(quote) != len(paragraphs):
            return
        last = paragraphs[-1]
        lead = last.text or ""
        marker = next((m for m in SPEAKER_MARKERS if lead.startswith(m)), None)
        if marker is None:
            return
        quote.remove(last)
        figure = etree.Element("figure", {"class": "zitat"})
        caption = etree.SubElement(figure, "figcaption")
        caption.text = lead[len(marker):]
        for element in list(last):
            caption.append(element)
        figure.insert(0, quote)
        parent.remove(quote)
        figure.tail = "\n"
        parent.insert(index, figure)


class TableProcessor(Treeprocessor):
    """Wrap tables in a focusable, labelled region that scrolls sideways on phones."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    region = etree.Element(
                        "div", {"class": "tabelle", "role": "region", "tabindex": "0", "aria-label": "Tabelle"}
                    )
                    region.tail, child.tail = child.tail, None
                    parent.remove(child)
                    region.append(child)
                    parent.insert(index, region)


class ReleaseMarkupExtension(Extension):
    """Quotations with speakers and scrollable tables."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API name)
        md.treeprocessors.register(QuotationProcessor(md), "newsroom_quotation", 5)
        md.treeprocessors.register(TableProcessor(md), "newsroom_table", 4)


class MarkdownRenderer:
    """One Markdown instance, reset between files (creating one per file is slow)."""

    def __init__(self) -> None:
        self._markdown = Markdown(
            extensions=[*MARKDOWN_EXTENSIONS, ReleaseMarkupExtension()],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )

    def render(self, body: str) -> str:
        self._markdown.reset()
        return self._markdown.convert(body)


def derive_summary(html: str, limit: int) -> str:
    """Plain text of the first paragraph, cut at a word boundary within ``limit``."""
    from bs4 import BeautifulSoup  # here, not above: ``invoke check`` imports this module and often parses no HTML

    soup = BeautifulSoup(html, "html.parser")
    for paragraph in soup.find_all("p"):
        if paragraph.find_parent(["blockquote", "figure", "table", "li"]):
            continue
        text = plain_text(paragraph)
        if text:
            return shorten(text, limit)
    return ""


def plain_text(element) -> str:
    """Text as a reader sees it: no footnote markers, line breaks as spaces, no spaces added around inline markup."""
    # Not ``select("sup:has(> a.footnote-ref)")``: soupsieve's first selector costs 0.25 s, most of reading one file.
    for marker in element.find_all("sup"):
        if marker.find("a", class_="footnote-ref", recursive=False):
            marker.decompose()
    for line_break in element.find_all("br"):
        line_break.replace_with(" ")
    return " ".join(element.get_text().split())


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"
