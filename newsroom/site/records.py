"""Render records: every page is rendered from an explicit record of what it shows, and keyed by its digest.

A page whose key equals the key recorded for the live file is linked from
the live site instead of rendered (``newsroom.site.writing``), so the key
must cover everything that can change the page's bytes. It does so by
construction, not by watching what templates touch:

* a template is rendered with its record and the settings only. The record
  holds the names the template and everything it extends, includes or
  imports can read (``jinja2.meta``), plus the names the context-reading
  globals read (``CONTEXT_NAMES``); the Jinja environment's undefined is
  strict, so a name outside the record fails the build instead of rendering
  blank;
* Pelican's own objects never enter a record: an article becomes a
  ``ReleaseView``, a static page a ``PageView``, a category or tag a
  ``SectionView``, each holding plain values and the ``Release`` (digested
  value by value, ``Digests``). Any other type in a record is an error, not a guess;
* the lookups of the whole build (cards, pictures, feeds) enter restricted
  to what the page can ask for: the cards and pictures of the releases in
  its record, the feeds of the site and of the page's own list (the feeds
  overview alone sees every feed). A lookup outside that raises;
* the settings (every value, functions by name), the code of the project and
  the versions of Pelican and Jinja, the theme's asset fingerprints and the
  registries form one site digest; each template's digest covers its source
  and the sources of everything it extends, includes or imports.

Lists cost once: views are made once per article and base address, and a
list's digest is computed once per list object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

import jinja2
import jinja2.meta
from pelican.contents import Article, Page
from pelican.urlwrappers import URLWrapper

from ..content.release import Release
from ..fingerprint import package_digest
from ..outputs.cards.stage import ReleaseCards
from ..outputs.feeds import FeedCatalog
from ..outputs.images.stage import ReleasePictures

# Names the globals with Jinja's pass_context read from the context (newsroom.outputs.social).
CONTEXT_NAMES = ("article", "redirect_to", "page", "category", "tag", "period", "output_file", "cards", "pictures")
# What the whole build shares and a page sees only in part (``restricted_to``).
LOOKUPS = (ReleaseCards, ReleasePictures, FeedCatalog)
# Context names whose static pages are links in the header and footer: their titles and addresses, not their text.
LINKED_PAGES = frozenset({"pages"})
# The template that lists every feed; every other page sees the site's feed and its own list's.
FEEDS_OVERVIEW = "feeds"
VERSIONED = ("pelican", "jinja2", "markupsafe", "feedgen", "lxml", "beautifulsoup4")
LOCATION_SETTINGS = frozenset({"PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH", "PLUGIN_PATHS"})


class RecordUndefined(jinja2.StrictUndefined):
    """Jinja's undefined for a page rendered from its record: a name outside the record fails the build.

    A missing attribute or key of a value inside the record stays Jinja's
    usual empty undefined (a contact without a phone number): the value was
    digested whole, so that leaves no input uncovered.
    """

    def __new__(cls, hint=None, obj=jinja2.utils.missing, name=None, exc=jinja2.exceptions.UndefinedError):
        if obj is not jinja2.utils.missing:
            return jinja2.Undefined(hint, obj, name, exc)
        return super().__new__(cls)


class RecordError(TypeError):
    """A value that cannot enter a render record: the key could not cover it."""


@dataclass(frozen=True)
class LinkView:
    """A neighbouring release as a release page links it."""

    title: str
    url: str


@dataclass(frozen=True)
class SectionView:
    """A department or topic as pages show it."""

    name: str
    slug: str
    url: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class PageView:
    """A static page (Impressum, Leichte Sprache …) as templates read it."""

    title: str
    slug: str
    url: str
    summary: str
    content: str
    preview_state: str | None


@dataclass(frozen=True)
class PageLinkView:
    """A static page as the header and footer of every page link it: without its text."""

    title: str
    slug: str
    url: str


@dataclass(frozen=True)
class ReleaseView:
    """A release as templates read it: Pelican's article reduced to plain values and its ``Release``."""

    release: Release
    title: str
    url: str
    date: dt.datetime
    number: str
    summary: str
    content: str
    category: SectionView
    department: dict
    tags: tuple[SectionView, ...]
    contact: dict | None
    image: dict | None
    attachments: tuple
    corrections: tuple
    updated: dt.datetime | None
    update_note: str | None
    withdrawn: object
    withdrawn_on: dt.datetime | None
    withdrawal_reason: str | None
    preview_state: str | None
    prev_article: LinkView | None
    next_article: LinkView | None


def section_view(wrapper: URLWrapper) -> SectionView:
    return SectionView(wrapper.name, wrapper.slug, wrapper.url)


def link_view(article) -> LinkView | None:
    return LinkView(article.title, article.url) if article is not None else None


def release_view(article: Article, section=section_view) -> ReleaseView:
    """The view of an article; ``article.content`` and its summary with links for the base address set now.

    ``section`` makes the view of its department and topics (``Records`` gives
    each department and topic one view, digested once).
    """
    meta = article.metadata
    return ReleaseView(
        release=meta["release"],
        title=article.title,
        url=article.url,
        date=article.date,
        number=meta["number"],
        summary=article.summary,
        content=article.content,
        category=section(article.category),
        department=meta["department"],
        tags=tuple(section(tag) for tag in getattr(article, "tags", [])),
        contact=meta.get("contact"),
        image=meta.get("image"),
        attachments=tuple(meta.get("attachments", ())),
        corrections=tuple(meta.get("corrections", ())),
        updated=meta.get("updated"),
        update_note=meta.get("update_note"),
        withdrawn=meta.get("withdrawn", False),
        withdrawn_on=meta.get("withdrawn_on"),
        withdrawal_reason=meta.get("withdrawal_reason"),
        preview_state=meta.get("preview_state"),
        prev_article=link_view(getattr(article, "prev_article", None)),
        next_article=link_view(getattr(article, "next_article", None)),
    )


def page_view(page: Page) -> PageView:
    return PageView(page.title, page.slug, page.url, page.summary or "", page.content, page.metadata.get("preview_state"))


class Digests:
    """Digests of record values, exact down to types and order; what many pages share is digested once per build.

    A value is fed to sha256 as a tagged stream: a ``str`` and a ``Markup``
    with the same text, a list and a dict, ``{"a", "b"}`` in two orders all
    differ, as they may render differently. Lists and tuples are the same
    sequence (a release read from the content cache has lists where a fresh
    read has tuples). A sequence or dataclass enters by its own digest,
    remembered by its id for frozen dataclasses (views, releases) and for
    values passed to ``share`` (the lists and feed scopes pages share), each
    kept with its digest so that the id is not reused.
    Any other type is refused: the key could not cover it.
    """

    def __init__(self) -> None:
        self.memo: dict[int, tuple[bytes, object]] = {}  # id → (digest, the value, kept alive)
        self.shared: set[int] = set()

    def share(self, value) -> None:
        """Remember the digest of ``value`` (not frozen, but unchanged while pages are keyed) by its id."""
        self.shared.add(id(value))

    def hexdigest(self, value) -> str:
        stream = hashlib.sha256()
        self.feed(stream, value)
        return stream.hexdigest()

    def feed(self, stream, value) -> None:
        kind = type(value)
        form = form_of(kind)
        if form is STR:
            data = value.encode()
            stream.update(b"s%d:" % len(data))
            stream.update(data)
        elif form is SCALAR:
            stream.update(f"{kind.__name__}:{value!r};".encode())
        elif form is SEQUENCE or form is DATA:
            stream.update(b"h" + self.own_digest(value, form))
        elif form is MAP:
            if kind is dict and all(type(key) in PLAIN and type(item) in PLAIN for key, item in value.items()):
                stream.update(b"p" + repr(value).encode())  # exact for plain values, and done in C
                return
            stream.update(b"m%d:" % len(value))
            for key, item in value.items():
                self.feed(stream, key)
                self.feed(stream, item)
        elif form is TIME:
            stream.update(f"t{value.isoformat()}|{getattr(value, 'tzinfo', None)};".encode())
        elif form is STR_TYPE:  # Markup and other str types render differently from a str
            stream.update(b"S" + kind.__qualname__.encode() + b":")
            self.feed(stream, str(value))
        else:
            raise RecordError(f"a {kind.__module__}.{kind.__qualname__} cannot enter a render record")

    def feed_items(self, stream, items) -> None:
        """The items of a sequence or the fields of a dataclass: each run of plain values as one list's ``repr``.

        A run's ``repr`` is a Python literal, so it ends where it ends; every
        other item starts with its form's own tag. One ``repr`` in C instead of
        a call of ``feed`` per plain item.
        """
        run = []
        for item in items:
            if type(item) in PLAIN:
                run.append(item)
                continue
            if run:
                stream.update(b"p" + repr(run).encode())
                run = []
            self.feed(stream, item)
        if run:
            stream.update(b"p" + repr(run).encode())

    def own_digest(self, value, form) -> bytes:
        """The digest of a sequence or dataclass, remembered for frozen and shared ones."""
        known = self.memo.get(id(value))
        if known is not None:
            return known[0]
        own = hashlib.sha256()
        if form is SEQUENCE:
            own.update(b"l%d:" % len(value))
            self.feed_items(own, value)
        else:
            kind = type(value)
            own.update(b"d" + kind.__qualname__.encode() + b":")
            self.feed_items(own, [getattr(value, name) for name in field_names(kind)])
        digest = own.digest()
        if id(value) in self.shared or (form is DATA and type(value).__dataclass_params__.frozen):
            self.memo[id(value)] = (digest, value)
        return digest


# Values whose ``repr`` tells every two of them apart: a dict or list of only these is digested by its ``repr``.
PLAIN = frozenset({str, int, float, bool, type(None)})
STR, SCALAR, SEQUENCE, DATA, MAP, TIME, STR_TYPE, REFUSED = (
    "str", "scalar", "sequence", "data", "map", "time", "str type", "refused"
)


@cache
def form_of(kind: type) -> str:
    """How ``Digests.feed`` digests values of a type."""
    exact = {str: STR, bool: SCALAR, int: SCALAR, float: SCALAR, type(None): SCALAR, list: SEQUENCE, tuple: SEQUENCE}
    if kind in exact:
        return exact[kind]
    if dataclasses.is_dataclass(kind):
        return DATA
    for base, form in ((Mapping, MAP), (dt.date, TIME), (str, STR_TYPE)):  # dt.datetime is a dt.date
        if issubclass(kind, base):
            return form
    return REFUSED


@cache
def field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, once per class (``dataclasses.fields`` is slow for every value)."""
    return tuple(field.name for field in dataclasses.fields(kind))


def digest_of(value) -> str:
    """The digest of one value on its own (``Digests``)."""
    return Digests().hexdigest(value)


def without_locations(settings: dict) -> dict:
    """The settings without the folders the build reads and writes, and without Jinja's bytecode cache."""
    kept = {name: value for name, value in settings.items() if name not in LOCATION_SETTINGS}
    kept["JINJA_ENVIRONMENT"] = {
        name: value for name, value in settings.get("JINJA_ENVIRONMENT", {}).items() if name != "bytecode_cache"
    }
    options = settings.get("NEWSROOM", {})
    if dataclasses.is_dataclass(options):
        options = dataclasses.asdict(options)
    kept["NEWSROOM"] = {
        name: ({key: item for key, item in value.items() if key != "cache_dir"} if isinstance(value, dict) else value)
        for name, value in options.items()
        if name != "content_cache_dir"
    }
    return kept


def setting_text(value) -> str:
    """A setting as stable text: functions by their qualified name, everything else by ``repr`` of its plain form."""
    if callable(value):
        owner = getattr(value, "__self__", None)
        prefix = f"{type(owner).__qualname__}." if owner is not None else ""
        return f"{getattr(value, '__module__', '')}:{prefix}{getattr(value, '__qualname__', type(value).__qualname__)}"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{key!r}:{setting_text(item)}" for key, item in sorted(value.items(), key=repr)) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(map(setting_text, value)) if isinstance(value, (set, frozenset)) else map(setting_text, value)
        return "[" + ",".join(items) + "]"
    return repr(value)


def site_digest(settings: dict, assets_digest: str, registries_digest: str) -> str:
    """What every page of the build depends on: settings, the project's code, library versions, assets, registries.

    Where the build reads and writes (content, output, theme and cache folders)
    changes no page: their contents enter through the views, the template
    and asset digests, so the same content built elsewhere has the same keys.
    """
    parts = [
        setting_text(without_locations(settings)),
        package_digest(),
        *(f"{name}={version(name)}" for name in VERSIONED),
        f"python={sys.version}",  # plain values are digested by their repr
        assets_digest,
        registries_digest,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class Templates:
    """Per template: the names its record holds and the digest of its sources (its own and all it uses)."""

    def __init__(self, environment: jinja2.Environment) -> None:
        self.environment = environment
        self.known: dict[str, tuple[frozenset[str], str]] = {}
        self.parsed: dict[str, tuple[str, jinja2.nodes.Template]] = {}  # name → its source and syntax tree

    def parse(self, name: str) -> tuple[str, jinja2.nodes.Template]:
        """A template's source and syntax tree, each template parsed once per build."""
        if name not in self.parsed:
            source = self.environment.loader.get_source(self.environment, name)[0]
            self.parsed[name] = (source, self.environment.parse(source))
        return self.parsed[name]

    def closure(self, name: str) -> list[str]:
        """``name`` and every template it extends, includes or imports, each once (all templates if one is computed)."""
        seen, todo = [], [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.append(current)
            for referenced in jinja2.meta.find_referenced_templates(self.parse(current)[1]):
                if referenced is None:  # a name computed while rendering: every template may be used
                    return sorted(self.environment.list_templates())
                todo.append(referenced)
        return seen

    def of(self, template: jinja2.Template) -> tuple[frozenset[str], str]:
        if template.name not in self.known:
            names, digest = set(CONTEXT_NAMES), hashlib.sha256()
            for member in sorted(self.closure(template.name)):
                source, tree = self.parse(member)
                names |= jinja2.meta.find_undeclared_variables(tree)
                digest.update(f"{member}\0{source}\0".encode())
            self.known[template.name] = (frozenset(names), digest.hexdigest())
        return self.known[template.name]


class Records:
    """Makes the record and the key of each page of one build."""

    def __init__(self, settings: dict, site_digest: str) -> None:
        self.settings = settings
        self.site_digest = site_digest
        self.templates: Templates | None = None
        self.views: dict[tuple, object] = {}  # (id of a Pelican object, base address, linked) → its view
        self.lists: dict[tuple, tuple] = {}  # (id of a list, base address, linked) → its views
        self.kept: list = []  # every object known by its id, so that no id is reused while it is known
        self.feed_scopes: dict = {}  # the feeds pages of one scope link (its list's and the site's)
        self.digests = Digests()

    def view(self, value, base: str, linked: bool):
        key = (id(value), base, linked)
        if key not in self.views:
            if isinstance(value, Article):
                self.views[key] = release_view(value, lambda section: self.view(section, base, linked))
            elif isinstance(value, Page):
                self.views[key] = PageLinkView(value.title, value.slug, value.url) if linked else page_view(value)
            else:
                self.views[key] = section_view(value)
            self.kept.append(value)  # the id stays the object's while the view is known
        return self.views[key]

    def convert(self, value, base: str, linked: bool = False):
        """The record's form of one context value (``linked``: static pages as the header and footer link them)."""
        if isinstance(value, (Article, Page, URLWrapper)):
            return self.view(value, base, linked)
        if isinstance(value, list):
            key = (id(value), base, linked)
            if key not in self.lists:
                self.lists[key] = tuple(self.convert(item, base, linked) for item in value)
                self.digests.share(self.lists[key])  # pages share it: the footer links, a list's releases
                self.kept.append(value)
            return self.lists[key]
        if isinstance(value, tuple):
            return tuple(self.convert(item, base, linked) for item in value)
        if isinstance(value, dict):
            return {key: self.convert(item, base, linked) for key, item in value.items()}
        if dataclasses.is_dataclass(value) and not isinstance(value, (type, Release, ReleaseView)):
            fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value) if field.init}
            converted = {name: self.convert(item, base, linked) for name, item in fields.items()}
            if any(converted[name] is not fields[name] for name in fields):
                return dataclasses.replace(value, **converted)
        return value

    def record(self, template: jinja2.Template, context: dict) -> tuple[dict, str]:
        """What to render ``template`` with over the settings (``{**settings, **record}``), and the page's key."""
        if self.templates is None:
            self.templates = Templates(template.environment)
        names, template_digest = self.templates.of(template)
        base = context.get("localsiteurl") or ""
        record = {}
        for name in sorted(names):
            if name not in context:
                continue
            value = context[name]
            if name in self.settings and value is self.settings[name]:
                continue  # a setting: covered by the site digest
            # The build's lookups hold no Pelican objects; they are cut down to the page's releases below.
            record[name] = value if isinstance(value, LOOKUPS) else self.convert(value, base, linked=name in LINKED_PAGES)
        releases = self.releases_in(record)
        if isinstance(record.get("cards"), ReleaseCards):
            record["cards"] = record["cards"].restricted_to(releases)
        if isinstance(record.get("pictures"), ReleasePictures):
            record["pictures"] = record["pictures"].restricted_to(releases)
        if isinstance(record.get("feeds"), FeedCatalog):
            tag, category, period = record.get("tag"), record.get("category"), record.get("period_num")
            scope = FEEDS_OVERVIEW if template.name == FEEDS_OVERVIEW + ".html" else (
                category.slug if category else None, tag.slug if tag else None, period[0] if period else None
            )
            if scope not in self.feed_scopes:  # one catalog per scope, shared by its pages
                catalog = record["feeds"]
                self.feed_scopes[scope] = catalog.listing() if scope == FEEDS_OVERVIEW else catalog.restricted_to(*scope)
                self.digests.share(self.feed_scopes[scope])
            record["feeds"] = self.feed_scopes[scope]
        key = hashlib.sha256()
        key.update(f"{self.site_digest}\0{template.name}\0{template_digest}\0".encode())
        for name, value in record.items():
            key.update(f"{name}\0{self.digests.hexdigest(value)}\0".encode())
        return record, key.hexdigest()

    def key_of(self, name: str, made_of) -> str:
        """The key of a file the project's code makes (not a template) from ``made_of``, the settings and the code."""
        return hashlib.sha256(f"{self.site_digest}\0{name}\0{self.digests.hexdigest(made_of)}".encode()).hexdigest()

    def releases_in(self, record: dict) -> list[Release]:
        """Every release whose view the record holds, at any depth of sequences, mappings and dataclasses."""
        found, todo = {}, [value for value in record.values() if not isinstance(value, LOOKUPS)]
        while todo:
            value = todo.pop()
            kind = type(value)
            if kind is ReleaseView:
                found[id(value.release)] = value.release
                continue
            form = form_of(kind)
            if form is SEQUENCE:
                todo.extend(value)
            elif form is MAP:
                todo.extend(value.values())
            elif form is DATA and kind is not SectionView:
                todo.extend(getattr(value, name) for name in field_names(kind))
        return list(found.values())
