"""The project's own settings: one ``NEWSROOM`` dict in pelicanconf.py, merged over these defaults."""

from __future__ import annotations

import os

DEFAULTS = {
    # Shown in the header, footer, feeds and cards.
    "office_name": "Bezirksamt",
    "office_unit": "Pressestelle",
    "office_address": "",
    # The public address, used where a URL must be absolute (canonical, feeds,
    # cards) while SITEURL is empty during development.
    "public_url": "https://presse.example.org",
    # Folders inside Pelican's PATH (the content directory).
    "releases_dir": "releases",
    "pages_dir": "pages",
    "data_dir": "data",
    # Read sources (newsroom/preread.py), cached by content hash; relative to
    # the working directory, like the card cache.
    "content_cache_dir": "cache/content",
    # Worker processes for reading sources; 0 means one per CPU core.
    "reading_workers": 0,
    # Contact key used when a release names none.
    "default_contact": "pressestelle",
    # Longest slug derived from a title; longer titles are cut after a whole word.
    "slug_max_length": 60,
    # Longest summary derived from the first paragraph, in characters.
    "summary_length": 220,
    # Atom and RSS feeds (newsroom/feeds.py). Entry ids are tag URIs
    # 'tag:<tag_authority>,<tag_date>:pm-<serial>-<year>': the authority is a
    # domain (or e-mail address) the office owned on tag_date (RFC 4151), never
    # taken from SITEURL, so moving the site does not change a single id.
    # Never change either once feeds are published.
    "feeds": {
        "tag_authority": "presse.example.org",
        "tag_date": "2025",
        # Newest releases per feed.
        "max_entries": 50,
        # Feed titles; placeholders {site} (SITENAME), {office} (office_name), {name} (the scope).
        "title": "{site}",
        "department_title": "{name} – {site}",
        "topic_title": "Thema: {name} – {site}",
        "year_title": "Jahrgang {name} – {site}",
    },
    # Build drafts and embargoed releases as if public, with banners (`invoke
    # preview --drafts`, into output-drafts/); never for the published site.
    "preview_drafts": False,
    # The published-URL manifest in the data folder (`invoke record-urls`).
    "url_manifest": "published-urls.yml",
    # Social cards (newsroom/cards.py). Fonts are relative to the theme folder.
    "cards": {
        "output_dir": "karten",
        "site_title": "Pressemitteilungen",  # the big line on the card of lists and static pages
        "cache_dir": "cache/cards",  # relative to the working directory, like Pelican's CACHE_PATH
        "font_bold": "fonts/AtkinsonHyperlegible-Bold.ttf",
        "font_regular": "fonts/AtkinsonHyperlegible-Regular.ttf",
        "logo": "images/logo.png",  # inside the theme's static/ folder, published with it
        "background": "#083a50",
        "text": "#ffffff",
        "muted": "#d7e5ec",
        "accent": "#ffd83d",
        "quality": 85,
        # Worker processes for drawing cards; 0 means one per CPU core.
        "workers": 0,
    },
    # Meta tags and JSON-LD (newsroom/social.py).
    "social": {
        "description_length": 200,
        "twitter_site": "",
        "fediverse_creator": "",
        # Share links under each release: (label, address); {url}, {title} and {text}
        # (title and URL) are filled in URL-encoded. Plain links: nothing is loaded before a click.
        "share": [
            ("Mastodon", "https://tootpick.org/#text={text}"),
            ("Bluesky", "https://bsky.app/intent/compose?text={text}"),
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
            ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
            ("X", "https://x.com/intent/post?text={title}&url={url}"),
            ("WhatsApp", "https://wa.me/?text={text}"),
            ("Telegram", "https://t.me/share/url?url={url}&text={title}"),
            ("E-Mail", "mailto:?subject={title}&body={text}"),
        ],
    },
    # Page writing (newsroom/writing.py).
    "writing": {
        # Processes rendering pages, this one included; 0 means one per CPU core.
        "workers": 0,
    },
    # Raw HTML outside the allow-list (newsroom.sanitize) is removed with a
    # warning; when true, each removal is an error and the build stops.
    "strict_html": False,
}


def newsroom_settings(settings: dict) -> dict:
    """The NEWSROOM dict with every default filled in."""
    return {**DEFAULTS, **settings.get("NEWSROOM", {})}


def feature_settings(settings: dict, feature: str) -> dict:
    """A feature's sub-dict (such as ``NEWSROOM["cards"]``) with every default filled in."""
    return {**DEFAULTS[feature], **newsroom_settings(settings).get(feature, {})}


def data_dir(settings: dict) -> str:
    return os.path.join(settings["PATH"], newsroom_settings(settings)["data_dir"])
