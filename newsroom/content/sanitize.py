"""Release and page bodies are cleaned with nh3 (ammonia) to an allow-list fit for press releases.

Editors may paste HTML into Markdown, and Markdown itself passes through
``javascript:`` links and any attribute written with ``{: …}``. nh3 removes
whatever is not on the allow-list below; it alone decides what is published.
So that an editor learns the page differs from what was written, a read-only
walk over the same HTML with beautifulsoup4, using the same tables, names each
removal with the line of the body where it appears: a warning, or an error
under ``NEWSROOM["strict_html"]``.

Links to other hosts get ``rel="noopener"``; links within the site get no rel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from itertools import chain
from urllib.parse import urlsplit

import nh3

from ..errors import ContentError, short_repr
from .frontmatter import Document

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "figure", "figcaption", "div",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "a", "abbr", "em", "strong", "code", "pre", "sub", "sup", "img",
    }
)
# Removed together with everything inside them, not just their tags.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
        "noembed", "noframes", "template", "svg", "math", "textarea", "select", "title", "xmp",
    }
)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "class"}),
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt", "width", "height", "title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"scope", "colspan", "rowspan", "align"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "code": frozenset({"class"}),
    "figure": frozenset({"class"}),
    "div": frozenset({"class", "role", "tabindex", "aria-label"}),
    "sup": frozenset({"id"}),
    "li": frozenset({"id"}),
}
# Values allowed for an attribute: exactly what Python-Markdown's extensions
# and newsroom.content.markup emit (footnotes, fenced code, tables, quotations).
ALLOWED_VALUES: dict[tuple[str, str], re.Pattern] = {
    ("a", "class"): re.compile(r"footnote-ref|footnote-backref"),
    ("code", "class"): re.compile(r"language-[A-Za-z0-9_+-]+"),
    ("figure", "class"): re.compile(r"zitat"),
    ("div", "class"): re.compile(r"tabelle|footnote"),
    ("div", "role"): re.compile(r"region"),
    ("div", "tabindex"): re.compile(r"0"),
    ("th", "scope"): re.compile(r"row|col|rowgroup|colgroup"),
    ("th", "align"): re.compile(r"left|center|right"),
    ("td", "align"): re.compile(r"left|center|right"),
    ("th", "colspan"): re.compile(r"[1-9][0-9]{0,2}"),
    ("th", "rowspan"): re.compile(r"[1-9][0-9]{0,2}"),
    ("td", "colspan"): re.compile(r"[1-9][0-9]{0,2}"),
    ("td", "rowspan"): re.compile(r"[1-9][0-9]{0,2}"),
    ("img", "width"): re.compile(r"[1-9][0-9]{0,4}"),
    ("img", "height"): re.compile(r"[1-9][0-9]{0,4}"),
    ("ol", "start"): re.compile(r"[0-9]{1,9}"),
    ("sup", "id"): re.compile(r"fnref[0-9]*:.+"),
    ("li", "id"): re.compile(r"fn:.+"),
}
URL_ATTRIBUTES = frozenset({"href", "src"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener"
URL_RULE = "links must use http, https, mailto or tel, or be a path on this site"
IMAGE_RULE = "images must be given as a path on this site, such as /images/plan.png"
MAX_REPORTED = 20  # per file; more would bury the other messages
TAG_HINTS = {"h1": "the title is the page's only h1; start headings with ##"}
# How Markdown writes an element that it then emits itself (not as raw HTML).
MARKDOWN_NEEDLES = {"h1": (r"(?m)^#(?!#)", r"(?m)^=+[ \t]*$")}


@dataclass(frozen=True)
class Removal:
    """One thing nh3 removes: how to say it, and where to look for it in the Markdown."""

    warning: str
    error: str
    needles: tuple[str, ...]  # regular expressions, tried in order


def is_external(url: str, site_host: str) -> bool:
    """True for an absolute web address on another host than the site's."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return True
    if not (parts.scheme or parts.netloc) or parts.scheme in ("mailto", "tel"):
        return False
    return host != site_host


def is_absolute(url: str) -> bool:
    """True for a URL with a scheme or a host: not a path on this site."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return True
    return bool(parts.scheme or parts.netloc)


def attribute_allowed(tag: str, name: str, value: str) -> bool:
    """The rules nh3's own allow-list cannot express: values, and images by path only.

    An image by absolute URL, even of the site's own public address, would be
    blocked by a Content-Security-Policy wherever the site is served from
    another address (during development, in a preview).
    """
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    pattern = ALLOWED_VALUES.get((tag, name))
    if pattern and not pattern.fullmatch(value):
        return False
    return not (tag == "img" and name == "src" and is_absolute(value))


class AttributeFilter:
    """nh3's attribute_filter: the value rules, and rel only on links that leave the site.

    ammonia adds ``link_rel`` to every ``<a>`` after the element's other
    attributes and passes it through this filter too, so the href that passed
    just before decides whether the rel stays.
    """

    def __init__(self, site_host: str) -> None:
        self.site_host = site_host
        self.href: str | None = None

    def __call__(self, tag: str, name: str, value: str) -> str | None:
        if tag == "a" and name == "rel":
            href, self.href = self.href, None
            return value if href is not None and is_external(href, self.site_host) else None
        if not attribute_allowed(tag, name, value):
            return None
        if tag == "a" and name == "href":
            self.href = value
        return value


def cleaner(site_host: str) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=AttributeFilter(site_host),
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def url_survives(tag: str, name: str, value: str) -> bool:
    """Ask nh3 itself whether a URL passes its scheme and syntax checks."""
    probe = f'<{tag} {name}="{escape(value)}">'
    kept = nh3.clean(probe, tags={tag}, attributes={tag: {name}}, url_schemes=set(URL_SCHEMES), link_rel=None)
    return f" {name}=" in kept


def readable(name: str) -> str:
    """A tag or attribute name as written, or its repr when it holds odd characters."""
    return name if re.fullmatch(r"[\w:.-]+", name) else short_repr(name)


def element_removal(tag: str) -> Removal:
    hint = f": {TAG_HINTS[tag]}" if tag in TAG_HINTS else ""
    needles = (rf"<{re.escape(tag)}\b", *MARKDOWN_NEEDLES.get(tag, ()))
    shown = readable(tag)
    if tag in DROPPED_WITH_CONTENT:
        return Removal(f"removed <{shown}> and its content{hint}", f"<{shown}> is not allowed{hint}", needles)
    return Removal(f"removed <{shown}>, kept its text{hint}", f"<{shown}> is not allowed{hint}", needles)


def attribute_removal(tag: str, name: str, value: str) -> Removal | None:
    shown = f"{readable(name)}={short_repr(value)}"
    needles = (rf"\b{re.escape(name)}\s*=", rf"\b{re.escape(name)}\b")
    if name in ALLOWED_ATTRIBUTES.get(tag, ()) and name in URL_ATTRIBUTES:
        needles = (re.escape(value.strip()), *needles) if value.strip() else needles
        if not url_survives(tag, name, value):
            return Removal(f"removed {shown} from <{tag}>: {URL_RULE}", f"{shown} is not allowed on <{tag}>: {URL_RULE}", needles)
        if tag == "img" and is_absolute(value):
            return Removal(
                f"removed {shown} from <{tag}>: {IMAGE_RULE}", f"{shown} is not allowed on <{tag}>: {IMAGE_RULE}", needles
            )
    if attribute_allowed(tag, name, value):
        return None
    return Removal(f"removed {shown} from <{tag}>", f"{shown} is not allowed on <{tag}>", needles)


SECTION_RULE = "'<![…[' … ']]>' is not HTML"


def find_removals(html: str) -> list[Removal]:
    """What nh3 will remove from ``html``, in document order (reads the HTML, never writes it)."""
    from bs4 import BeautifulSoup, ParserRejectedMarkup, Tag  # here: ``invoke check`` often parses no HTML

    try:
        soup = BeautifulSoup(html, "html.parser", multi_valued_attributes=None)
    except ParserRejectedMarkup:  # a marked section of an unknown kind (``<![foo[ … ]]>``): nh3 drops it
        return [Removal(f"removed a marked section: {SECTION_RULE}", f"a marked section is not allowed: {SECTION_RULE}",
                        (r"<!\[",))]
    removals: list[Removal] = []
    pending = list(reversed(soup.contents))
    while pending:  # iterative: bodies may nest deeper than Python's recursion limit
        node = pending.pop()
        if not isinstance(node, Tag):
            continue
        if node.name not in ALLOWED_TAGS:
            removals.append(element_removal(node.name))
            if node.name in DROPPED_WITH_CONTENT:
                continue
        else:
            for name, value in node.attrs.items():
                removal = attribute_removal(node.name, name, value or "")
                if removal:
                    removals.append(removal)
        pending.extend(reversed(node.contents))
    return removals


def sanitize(html: str, site_host: str) -> tuple[str, list[Removal]]:
    """The cleaned HTML and what was removed from it."""
    return cleaner(site_host).clean(html), find_removals(html)


def source_lines(body: str, body_line: int, removals: list[Removal]) -> list[int]:
    """The file line of each removal: where its tag, attribute or URL appears in the body.

    Removals come in document order, so each search starts where the previous
    one was found, and a place found once is not used again; what cannot be
    found (an entity-encoded URL, say) keeps the previous line.
    """
    lines, cursor, used = [], 0, set()
    for removal in removals:
        for needle in removal.needles:
            pattern = re.compile(needle, re.IGNORECASE)
            candidates = chain(pattern.finditer(body, cursor), pattern.finditer(body, 0, cursor))
            match = next((m for m in candidates if (needle, m.start()) not in used), None)
            if match:
                used.add((needle, match.start()))
                cursor = match.start()
                break
        lines.append(body_line + body.count("\n", 0, cursor))
    return lines


def html_problems(removals: list[Removal], document: Document, strict: bool) -> list[ContentError]:
    """One ``path:line: html: …`` per removal (at most MAX_REPORTED), worded as an error when ``strict``."""
    shown = removals[:MAX_REPORTED]
    lines = source_lines(document.body, document.body_line, shown)
    problems = [
        ContentError(document.path, line, "html", removal.error if strict else removal.warning)
        for removal, line in zip(shown, lines, strict=True)
    ]
    if len(removals) > len(shown):
        more = len(removals) - len(shown)
        problems.append(ContentError(document.path, lines[-1], "html", f"and {more} more removals of HTML that is not allowed"))
    return problems
