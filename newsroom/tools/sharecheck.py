"""``invoke share-check``: how one release will look when it is shared, before it is published.

Prints title and description lengths against what each platform shows, warns
about what will be cut or dropped, and writes a local HTML page with mock-ups
of the link previews on Mastodon, Facebook/LinkedIn, X and WhatsApp around the
release's real card. The cut-offs are rules of thumb for phone screens:
platforms change their layouts without notice, so they warn, never fail.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from jinja2 import Environment
from pelican.settings import read_settings

from ..content.markup import MarkdownRenderer, shorten
from ..content.reading import read_source
from ..content.registry import load_registries
from ..content.release import Release
from ..errors import ContentError
from ..outputs.cards.drawing import place, render
from ..outputs.cards.layout import TextCard
from ..outputs.cards.stage import release_card
from ..settings import configure, data_dir, newsroom
from ..urls import absolute_url

WHATSAPP_IMAGE_LIMIT = 300_000  # bytes; larger preview images are dropped
BLUESKY_IMAGE_LIMIT = 1_000_000  # bytes; larger thumbnails are rejected


@dataclass(frozen=True)
class Platform:
    name: str
    title: int  # characters of the title shown before it is cut
    description: int | None  # characters of the description shown; None: not shown at all


PLATFORMS = (
    Platform("Mastodon", 70, 150),
    Platform("Bluesky", 70, 150),
    Platform("Facebook", 65, 110),
    Platform("LinkedIn", 70, None),
    Platform("X", 70, None),
    Platform("WhatsApp", 65, 80),
    Platform("Telegram", 70, 200),
    Platform("Google Search", 60, 155),
)


class ShareCheckError(Exception):
    """The file cannot be checked; the message says why."""


@dataclass
class Preview:
    title: str
    description: str
    url: str
    host: str
    site_name: str
    card_file: str
    card_bytes: int
    lines: list[str]
    warnings: list[str]


def clip(text: str, limit: int | None) -> str:
    """What a platform shows of a text: all of it, nothing, or the start with '…'."""
    if limit is None:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def release_preview(path: str, settings: dict, folder: str) -> Preview:
    """Read one release as the build would, draw its card into ``folder`` and judge its lengths."""
    options = newsroom(settings)
    registries = load_registries(data_dir(settings), options.default_contact)
    source = read_source(os.path.abspath(path), settings, registries, MarkdownRenderer())
    if source.kind != "release":
        raise ShareCheckError(f"{path}: not a release; give a file under {options.releases_dir}/ of the content folder")
    problems = registries.errors + source.errors
    if problems:
        raise ShareCheckError("\n".join(error.format() for error in sorted(problems, key=ContentError.sort_key)))
    release = Release.from_source(source, settings)
    card = release_card(settings, release)
    data = render(card)
    os.makedirs(folder, exist_ok=True)
    card_file = f"{release.key}-karte.jpg"
    with open(os.path.join(folder, card_file), "wb") as handle:
        handle.write(data)

    description = shorten(release.summary, options.social.description_length)
    url = absolute_url(settings, release.url)
    title = release.title
    lines = [f"title: {len(title)} characters, description: {len(description)} characters, card: {len(data)} bytes"]
    for platform in PLATFORMS:
        shown = "not shown" if platform.description is None else f"up to {platform.description}"
        lines.append(f"  {platform.name:<13} title up to {platform.title:>3}, description {shown}")
    warnings = []
    for field, length, limits in (
        ("title", len(title), [(p.name, p.title) for p in PLATFORMS]),
        ("description", len(description), [(p.name, p.description) for p in PLATFORMS if p.description is not None]),
    ):
        cut = [f"{name} (~{limit})" for name, limit in limits if length > limit]
        if cut:
            warnings.append(f"the {field} ({length} characters) is cut on {', '.join(cut)}")
    if isinstance(card, TextCard) and place(card)[1].shortened:
        warnings.append("the title does not fit on the card even in the smallest size and is cut after a whole word with '…'")
    if not description:
        warnings.append("no description: the release has neither a summary nor a first paragraph")
    if len(data) > WHATSAPP_IMAGE_LIMIT:
        warnings.append(f"WhatsApp: the card has more than {WHATSAPP_IMAGE_LIMIT} bytes and is not shown")
    if len(data) > BLUESKY_IMAGE_LIMIT:
        warnings.append(f"Bluesky: the card has more than {BLUESKY_IMAGE_LIMIT} bytes and is rejected")
    image = release.image
    if image and (image.width < 1200 or image.height < 630):
        warnings.append(f"the picture ({image.width}×{image.height}) is smaller than 1200×630 and is enlarged for the card")
    return Preview(
        title=title,
        description=description,
        url=url,
        host=urlsplit(url).netloc,
        site_name=settings["SITENAME"],
        card_file=card_file,
        card_bytes=len(data),
        lines=lines,
        warnings=warnings,
    )


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Share preview: {{ p.title }}</title>
<style>
body { font-family: system-ui, sans-serif; background: #f2f2f2; color: #1a1a1a; margin: 2rem; }
main { display: grid; gap: 2rem; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); }
section { background: #fff; border-radius: .75rem; padding: 1rem; }
h2 { font-size: 1rem; margin: 0 0 .75rem; }
img { display: block; width: 100%; height: auto; }
.karte { border: 1px solid #ccc; border-radius: .5rem; overflow: hidden; }
.text { padding: .6rem .75rem; }
.klein { color: #555; font-size: .85rem; }
.titel { font-weight: 700; margin: .2rem 0; }
.x { position: relative; }
.x .ueberlagert { position: absolute; left: .5rem; bottom: .5rem; background: rgba(0,0,0,.75); color: #fff; border-radius: .25rem; padding: .1rem .4rem; font-size: .8rem; }
.whatsapp { background: #d9fdd3; border-radius: .5rem; padding: .25rem; max-width: 20rem; overflow-wrap: anywhere; }
.whatsapp .karte { background: #f0f0f0; border: 0; }
.warnungen { background: #fff6dc; border: 2px solid #8a5a00; }
</style>
</head>
<body>
<h1>Share preview</h1>
<p>{{ p.url }} · card: {{ p.card_bytes }} bytes</p>
{% if p.warnings %}<section class="warnungen"><h2>Warnings</h2><ul>{% for w in p.warnings %}<li>{{ w }}</li>{% endfor %}</ul></section>{% endif %}
<main>
<section><h2>Mastodon</h2><div class="karte"><img src="{{ p.card_file }}" alt=""><div class="text">
<div class="klein">{{ p.site_name }}</div><div class="titel">{{ clip(p.title, cut.Mastodon.title) }}</div><div class="klein">{{ clip(p.description, cut.Mastodon.description) }}</div></div></div></section>
<section><h2>Facebook / LinkedIn</h2><div class="karte"><img src="{{ p.card_file }}" alt=""><div class="text">
<div class="klein">{{ p.host|upper }}</div><div class="titel">{{ clip(p.title, cut.Facebook.title) }}</div><div class="klein">{{ clip(p.description, cut.Facebook.description) }}</div></div></div></section>
<section><h2>X</h2><div class="karte x"><img src="{{ p.card_file }}" alt=""><span class="ueberlagert">{{ clip(p.title, cut.X.title) }}</span></div>
<div class="klein">From {{ p.host }}</div></section>
<section><h2>WhatsApp</h2><div class="whatsapp"><div class="karte"><img src="{{ p.card_file }}" alt=""><div class="text">
<div class="titel">{{ clip(p.title, cut.WhatsApp.title) }}</div><div class="klein">{{ clip(p.description, cut.WhatsApp.description) }}</div><div class="klein">{{ p.host }}</div></div></div>
<div>{{ p.url }}</div></div></section>
</main>
</body>
</html>
"""


def write_preview(preview: Preview, folder: str) -> str:
    environment = Environment(autoescape=True)
    html = environment.from_string(PAGE).render(p=preview, clip=clip, cut={platform.name: platform for platform in PLATFORMS})
    path = os.path.join(folder, preview.card_file.replace("-karte.jpg", ".html"))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(html)
    return path


def share_check(path: str, settings_file: str, content_path: str, folder: str) -> tuple[Preview, str]:
    """Check one release file; returns the findings and the path of the written preview page."""
    settings = read_settings(settings_file, override={"PATH": os.path.abspath(content_path)})
    problems = configure(settings)
    if problems:
        raise ShareCheckError("\n".join(error.format() for error in sorted(problems, key=ContentError.sort_key)))
    preview = release_preview(path, settings, folder)
    return preview, write_preview(preview, folder)
