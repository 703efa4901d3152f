"""Pelican settings for the press releases of the Bezirksamt Lindenhain (development)."""

import os

from newsroom.site.ordering import by_file_name, newest_first

AUTHOR = "Pressestelle Bezirksamt Lindenhain"
SITENAME = "Pressemitteilungen – Bezirksamt Lindenhain"
SITEURL = ""

PATH = "content"
THEME = "theme"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "de"
LOCALE = ("de_DE.UTF-8", "C.UTF-8", "C")

PLUGINS = ["newsroom"]

NEWSROOM = {
    "office_name": "Bezirksamt Lindenhain",
    "office_unit": "Pressestelle",
    "office_address": "Rathausplatz 1, 12345 Lindenhain",
    "public_url": "https://presse.lindenhain.example",
    "default_contact": "pressestelle",
    # Entry ids never change: never edit these once feeds are published.
    "feeds": {"tag_authority": "presse.lindenhain.example", "tag_date": "2025"},
    # CI sets NEWSROOM_STRICT_HTML=1: raw HTML that would be removed stops the build.
    "strict_html": os.environ.get("NEWSROOM_STRICT_HTML") == "1",
}

# Releases and static pages; registries and images are not content.
ARTICLE_PATHS = ["releases"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
ARTICLE_EXCLUDES = []
READERS = {"html": None, "htm": None, "rst": None}
# Theme files are published only under fingerprinted names (newsroom.site.assets).
THEME_STATIC_PATHS = []

# The build clock (newsroom/site/clock.py) alone decides what is public: drafts and
# releases dated after "now" never reach Pelican. Pelican's own check against
# the machine's time would contradict NEWSROOM_NOW, so it is off.
WITH_FUTURE_DATES = True

# Newest first; among releases of the same minute, the higher number first.
ARTICLE_ORDER_BY = newest_first
NEWEST_FIRST_ARCHIVES = True
# Static pages (the footer links) by file name; Pelican reads files in no fixed order.
PAGE_ORDER_BY = by_file_name
# One language: no translations. Pelican would pair releases of the same slug (the same
# title in two years) as translations of each other, and its pairing is quadratic.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None

# Stable German URLs. A release's URL holds its year and number, which never
# change, and its slug; see docs/handbuch.md, "Die Adressen der Website".
ARTICLE_URL = "pressemitteilungen/{release_year}/{release_no}-{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ""
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
PAGE_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
CATEGORY_URL = "ressorts/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_URL = "ressorts/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAG_URL = "themen/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "themen/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
ARCHIVES_URL = "pressemitteilungen/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "pressemitteilungen/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
INDEX_SAVE_AS = "index.html"
NOTFOUND_SAVE_AS = "404.html"
SEARCH_URL = "suche/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"
DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "notfound", "search"]

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "category": None, "tag": None, "period_archives": None}
# A list's own address shows its newest releases; numbered pages count from the oldest (newsroom/site/pagination.py).
PAGINATION_PATTERNS = ((1, "{base_name}/seite/{number}/", "{base_name}/seite/{number}/index.html"),)

# Feeds come from the project's own feed stage (newsroom/outputs/feeds.py), never from Pelican's.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
DELETE_OUTPUT_DIRECTORY = False
RELATIVE_URLS = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
SUMMARY_MAX_LENGTH = None
