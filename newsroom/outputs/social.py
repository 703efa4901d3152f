"""Stage: what a shared link shows — Open Graph and Twitter meta tags and JSON-LD, per page.

Everything is computed here and only printed by
``theme/templates/partials/social.html``, through the Jinja global
``social_meta``. Platforms differ in what they read: Facebook shows no image on
the first share without ``og:image:width``/``height``; Mastodon reads a JSON-LD
``NewsArticle`` before Open Graph, finds it only as a top-level object or in a
top-level array (not inside ``@graph``), and takes author and publisher names
from inline objects; WhatsApp and Bluesky want small images, which outputs.cards
makes. The page's own ``<title>`` and description block are the fallback for
lists, whose wording belongs to the templates.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from jinja2 import pass_context
from markupsafe import Markup
from PIL import Image

from ..content.dates import isodate
from ..content.markup import shorten
from ..settings import newsroom
from ..urls import absolute_url
from .cards.stage import Card

LOCALE = "de_DE"
LANGUAGE = "de-DE"
SCHEMA = "https://schema.org"
HOME_NAME = "Startseite"
# Section pages of the main navigation, by their URL setting: the breadcrumb between home and a list.
SECTIONS = (("ARCHIVES", "Archiv"), ("CATEGORIES", "Ressorts"), ("TAGS", "Themen"))
# Characters that could end a <script> element or start a comment inside it.
SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


@dataclass(frozen=True)
class Social:
    """The values of one page's meta tags and its JSON-LD, ready to print."""

    title: str
    description: str
    type: str
    url: str | None
    site_name: str
    image: Card | None
    image_url: str | None
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    twitter_site: str = ""
    fediverse_creator: str = ""
    json_ld: Markup | None = None
    locale: str = LOCALE
    twitter_card: str = "summary_large_image"


def script_json(data) -> Markup:
    """JSON for a ``<script type="application/ld+json">``: sorted, UTF-8, no character that ends the script."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    for character, escape in SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return Markup(text)


def plain(value) -> str:
    """Block output (escaped markup) or text as plain text on one line."""
    text = Markup(value).unescape() if isinstance(value, Markup) else str(value or "")
    return " ".join(text.split())


def site_path(output_file: str) -> str:
    """'seite/2/index.html' → 'seite/2/'; 'index.html' → ''."""
    return output_file[: -len("index.html")] if output_file.endswith("index.html") else output_file


@lru_cache(maxsize=4)
def image_size(path: str, mtime_ns: int) -> tuple[int, int]:
    with Image.open(path) as picture:
        return picture.size


def organisation(settings) -> dict:
    """The office as author and publisher: a GovernmentOrganization with its logo.

    ``settings`` is a page's template context (it holds every setting): its
    ``asset()`` names the logo's published, fingerprinted file.
    """
    options = newsroom(settings)
    logo_file = options.cards.theme_files(settings["THEME"])["logo"]
    width, height = image_size(logo_file, os.stat(logo_file).st_mtime_ns)
    logo_path = settings["asset"](options.cards.logo)
    return {
        "@type": "GovernmentOrganization",
        "name": options.office_name,
        "url": absolute_url(settings, ""),
        "logo": {"@type": "ImageObject", "url": absolute_url(settings, logo_path), "width": width, "height": height},
    }


def home_objects(settings: dict) -> list[dict]:
    """The home page's JSON-LD: the site itself, and the office that publishes it (with its address, when known)."""
    office = {"@context": SCHEMA, **organisation(settings)}
    address = newsroom(settings).office_address
    if address:
        office["address"] = address
    site = {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": settings["SITENAME"],
        "url": absolute_url(settings, ""),
        "inLanguage": LANGUAGE,
        "publisher": organisation(settings),
    }
    return [site, office]


def image_object(settings: dict, path: str, width: int, height: int) -> dict:
    return {"@type": "ImageObject", "url": absolute_url(settings, path), "width": width, "height": height}


def breadcrumbs(settings: dict, trail: list[tuple[str, str]]) -> dict:
    """BreadcrumbList from (name, absolute URL) pairs, home first."""
    items = [
        {"@type": "ListItem", "position": index, "name": name, "item": url}
        for index, (name, url) in enumerate(trail, start=1)
    ]
    return {"@context": SCHEMA, "@type": "BreadcrumbList", "itemListElement": items}


def section_trail(settings: dict, key: str) -> list[tuple[str, str]]:
    name = dict(SECTIONS)[key]
    return [(HOME_NAME, absolute_url(settings, "")), (name, absolute_url(settings, settings[f"{key}_URL"]))]


def list_trail(context, settings: dict, url: str) -> list[tuple[str, str]]:
    """Where a list page sits: home › section › the list (the home list and its pages: home alone)."""
    if context.get("category"):
        return [*section_trail(settings, "CATEGORIES"), (context["category"].name, url)]
    if context.get("tag"):
        return [*section_trail(settings, "TAGS"), (context["tag"].name, url)]
    if context.get("period"):
        return [*section_trail(settings, "ARCHIVES"), (str(context["period"][0]), url)]
    for key, _ in SECTIONS:
        if context.get("output_file") == settings.get(f"{key}_SAVE_AS"):
            return section_trail(settings, key)
    return [(HOME_NAME, absolute_url(settings, ""))]


def release_social(context, settings: dict, article, fallback_description: str) -> Social:
    options = newsroom(settings).social
    url = absolute_url(settings, article.url)
    description = shorten(plain(article.summary) or fallback_description, options.description_length)
    release = article.release
    card = context["cards"].of(release)
    published = isodate(release.date)
    modified = isodate(release.last_change)
    office = organisation(settings)
    images = [image_object(settings, card.path, card.width, card.height)] if card else []
    picture = context["pictures"].of(release)
    if picture:  # Google's article guidance: 16:9, 4:3 and 1:1, cut from the published image, never the editor's file
        images.extend(image_object(settings, crop.path, crop.width, crop.height) for crop in picture.crops)
    year_url = absolute_url(settings, settings["YEAR_ARCHIVE_URL"].format(date=article.date))
    news = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": article.title,
        "description": description,
        "datePublished": published,
        "dateModified": modified,
        "image": images,
        "author": office,
        "publisher": office,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": LANGUAGE,
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in article.tags],
    }
    trail = [*section_trail(settings, "ARCHIVES"), (str(article.date.year), year_url), (article.title, url)]
    return Social(
        title=article.title,
        description=description,
        type="article",
        url=url,
        site_name=settings["SITENAME"],
        image=card,
        image_url=absolute_url(settings, card.path) if card else None,
        published=published,
        modified=modified,
        section=article.category.name,
        tags=tuple(tag.name for tag in article.tags),
        twitter_site=options.twitter_site,
        fediverse_creator=options.fediverse_creator,
        json_ld=script_json([news, breadcrumbs(settings, trail)]),
    )


@pass_context
def social_meta(context, title, description) -> Social:
    """Jinja global: the social data of the page being rendered.

    ``title`` and ``description`` are the page's rendered ``title`` and
    ``description`` blocks; a release and a static page use their own title
    and summary instead.
    """
    settings = context  # Pelican puts every setting into the template context
    options = newsroom(settings).social
    title, description = plain(title), plain(description)
    # A redirect page (an alias) is shared as the release it points to.
    article = context.get("article") or context.get("redirect_to")
    if article is not None:
        return release_social(context, settings, article, description)
    page = context.get("page")
    output_file = context.get("output_file", "")
    card = context["cards"].site if "cards" in context else None
    if page is not None:
        url = absolute_url(settings, page.url)
        title = page.title
        description = plain(page.summary) or description
        trail = [(HOME_NAME, absolute_url(settings, "")), (title, url)]
    elif output_file == settings.get("NOTFOUND_SAVE_AS"):
        url, trail = None, None
    else:
        url = absolute_url(settings, site_path(output_file))
        trail = list_trail(context, settings, url)
    if output_file == settings.get("INDEX_SAVE_AS"):
        json_ld = script_json(home_objects(settings))
    else:
        json_ld = script_json([breadcrumbs(settings, trail)]) if trail and len(trail) > 1 else None
    return Social(
        title=title,
        description=shorten(description, options.description_length),
        type="website",
        url=url,
        site_name=settings["SITENAME"],
        image=card,
        image_url=absolute_url(settings, card.path) if card else None,
        twitter_site=options.twitter_site,
        fediverse_creator=options.fediverse_creator,
        json_ld=json_ld,
    )


@pass_context
def share_links(context, article) -> list[tuple[str, str]]:
    """Jinja global: (label, address) of each share link of a release; plain links, no script."""
    url = absolute_url(context, article.url)
    values = {
        name: quote(value, safe="")
        for name, value in (("url", url), ("title", article.title), ("text", f"{article.title} {url}"))
    }
    return [(label, address.format(**values)) for label, address in newsroom(context).social.share]


def add_jinja_globals(settings: dict) -> None:
    settings.setdefault("JINJA_GLOBALS", {}).update(social_meta=social_meta, share_links=share_links)
