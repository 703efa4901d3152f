"""The project's own settings: the ``NEWSROOM`` dict in pelicanconf.py, checked once per build.

``configure`` runs when Pelican initialises (``Build.start``, also in ``invoke
check``): it checks every key and value under NEWSROOM, fills in the defaults
and puts a frozen ``NewsroomSettings`` in the dict's place. Every stage reads
it with ``newsroom(settings)``; templates read it as ``NEWSROOM.office_name``,
as they read the dict. An unknown key (the near one is suggested) or a value
of the wrong kind is a ContentError, so the build stops before anything is
read or written. The defaults, their meaning and their checks are the fields
below.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PIL import Image, ImageColor, ImageFont, UnidentifiedImageError

from .errors import ContentError, display_path, short_repr, stop, unknown_name_hint

# WCAG 2.1 AA for normal text: the card's lines against its background.
MIN_CONTRAST = 4.5
# RFC 4151: authorityName = DNSname / emailAddress; date = year ["-" month ["-" day]].
DNS_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
AUTHORITY_PATTERN = re.compile(rf"^(?:[A-Za-z0-9._-]+@)?{DNS_NAME}$")
TAG_DATE_PATTERN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
# NEWSROOM["numbering"]; what each means is newsroom.content.numbering's business.
NUMBERING_SCHEMES = ("serial/year", "year-serial", "none")
# Where errors in the card settings are reported.
CARDS = "NEWSROOM['cards']"


# --- Checks: each returns what is wrong with a value, or None --------------------------


def text_problem(value: object) -> str | None:
    return None if isinstance(value, str) else f"{short_repr(value)} is not text; write it in quotes"


def path_problem(value: object) -> str | None:
    if isinstance(value, str) and value:
        return None
    return f"{short_repr(value)} is not a file or folder name; write it in quotes, like 'releases'"


def flag_problem(value: object) -> str | None:
    return None if isinstance(value, bool) else f"{short_repr(value)} is not True or False"


def whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def positive_problem(value: object) -> str | None:
    return None if whole_number(value) and value >= 1 else f"{short_repr(value)} is not a positive whole number"


def workers_problem(value: object) -> str | None:
    if whole_number(value) and value >= 0:
        return None
    return f"{short_repr(value)} is not a number of processes; use 0 (one per core) or more"


def quality_problem(value: object) -> str | None:
    if whole_number(value) and 1 <= value <= 95:
        return None
    return f"{short_repr(value)} is not a JPEG quality; use a whole number from 1 to 95"


def widths_problem(value: object) -> str | None:
    if (
        isinstance(value, (list, tuple))
        and value
        and all(whole_number(width) and 16 <= width <= 8000 for width in value)
        and list(value) == sorted(set(value))
    ):
        return None
    return f"{short_repr(value)} is not a list of widths in pixels; write them ascending, like (480, 960, 1600)"


def colour_problem(value: object) -> str | None:
    try:
        ImageColor.getrgb(value)
    except (ValueError, AttributeError, TypeError):
        return f"{short_repr(value)} is not a colour; write it like '#083a50'"
    return None


def address_problem(value: object) -> str | None:
    if isinstance(value, str) and re.match(r"^https?://[^/\s]+", value):
        return None
    return f"{short_repr(value)} is not an absolute address; write it like 'https://presse.example.org'"


def tag_authority_problem(value: object) -> str | None:
    if isinstance(value, str) and AUTHORITY_PATTERN.match(value):
        return None
    return f"{short_repr(value)} is not a domain name or e-mail address; write e.g. 'presse.example.org'"


def tag_date(value: object) -> dt.date | None:
    """The first day a tag date stands for, or None when it is not one."""
    match = TAG_DATE_PATTERN.match(value) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def tag_day_problem(value: object) -> str | None:
    return None if tag_date(value) else f"{short_repr(value)} is not a date; write 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'"


def feed_title_problem(value: object) -> str | None:
    try:
        value.format(site="", office="", name="")
    except (AttributeError, KeyError, IndexError, ValueError):
        return f"{short_repr(value)} is not a title; use the placeholders {{site}}, {{office}} and {{name}}"
    return None


def share_links_problem(value: object) -> str | None:
    pairs = isinstance(value, (list, tuple)) and all(
        isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(part, str) for part in pair) for pair in value
    )
    if not pairs:
        return f"{short_repr(value)} is not a list of (label, address) pairs, like ('Mastodon', 'https://tootpick.org/#text={{text}}')"
    for label, link in value:
        try:
            link.format(url="", title="", text="")
        except (KeyError, IndexError, ValueError):
            return (
                f"{short_repr(link)} (of {label!r}) is not a share address; use the placeholders {{url}}, {{title}} and {{text}}"
            )
    return None


def numbering_problem(value: object) -> str | None:
    if value in NUMBERING_SCHEMES:
        return None
    return (f"{short_repr(value)} is not a numbering scheme; choose 'serial/year' (422/2017), "
            "'year-serial' (2021-012) or 'none' (releases without numbers)")


def pairs(value) -> tuple[tuple[str, str], ...]:
    return tuple((label, link) for label, link in value)


def setting(default: object, check: Callable[[object], str | None], convert: Callable | None = None):
    """A field of the settings: its default, its check, and how a checked value is stored (frozen)."""
    return field(default=default, metadata={"check": check, "convert": convert})


def section(kind: type):
    """A field that is a dict of its own settings (``NEWSROOM["cards"]``), checked key by key."""
    return field(default_factory=kind, metadata={"section": kind})


# --- The settings ----------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSettings:
    """Atom and RSS feeds (newsroom/outputs/feeds.py).

    Entry ids are tag URIs 'tag:<tag_authority>,<tag_date>:pm-<serial>-<year>'
    (without numbers, the id each release has written: '…:pm-<code>'):
    the authority is a domain (or e-mail address) the office owned on tag_date
    (RFC 4151), never taken from SITEURL, so moving the site does not change a
    single id. Never change either once feeds are published.
    """

    tag_authority: str = setting("presse.example.org", tag_authority_problem)
    tag_date: str = setting("2025", tag_day_problem)
    # Newest releases per feed.
    max_entries: int = setting(50, positive_problem)
    # Feed titles; placeholders {site} (SITENAME), {office} (office_name), {name} (the scope).
    title: str = setting("{site}", feed_title_problem)
    department_title: str = setting("{name} – {site}", feed_title_problem)
    topic_title: str = setting("Thema: {name} – {site}", feed_title_problem)
    year_title: str = setting("Jahrgang {name} – {site}", feed_title_problem)


@dataclass(frozen=True)
class CardSettings:
    """Social cards (newsroom/outputs/cards/). Fonts are relative to the theme folder."""

    output_dir: str = setting("karten", path_problem)
    site_title: str = setting("Pressemitteilungen", text_problem)  # the big line on the card of lists and static pages
    cache_dir: str = setting("cache/cards", path_problem)  # relative to the working directory, like Pelican's CACHE_PATH
    font_bold: str = setting("fonts/AtkinsonHyperlegible-Bold.ttf", path_problem)
    font_regular: str = setting("fonts/AtkinsonHyperlegible-Regular.ttf", path_problem)
    logo: str = setting("images/logo.png", path_problem)  # inside the theme's static/ folder, published with it
    background: str = setting("#083a50", colour_problem)
    text: str = setting("#ffffff", colour_problem)
    muted: str = setting("#d7e5ec", colour_problem)
    accent: str = setting("#ffd83d", colour_problem)
    quality: int = setting(85, quality_problem)
    # Worker processes for drawing cards; 0 means one per CPU core.
    workers: int = setting(0, workers_problem)

    def theme_files(self, theme: str) -> dict[str, str]:
        """Where the fonts and the logo are: fonts in the theme folder, the logo in its static folder."""
        return {
            "font_bold": os.path.join(theme, self.font_bold),
            "font_regular": os.path.join(theme, self.font_regular),
            "logo": os.path.join(theme, "static", self.logo),
        }


@dataclass(frozen=True)
class ImageSettings:
    """Release images (newsroom/outputs/images/): the sizes published, and the limits editors are warned about."""

    output_dir: str = setting("bilder", path_problem)
    cache_dir: str = setting("cache/images", path_problem)  # relative to the working directory, like the card cache
    # Widths of the derivatives (WebP and JPEG); none is wider than the original.
    widths: tuple[int, ...] = setting((480, 960, 1600), widths_problem, tuple)
    quality: int = setting(80, quality_problem)
    # An image file larger than this (bytes) or with more pixels gets a warning.
    max_bytes: int = setting(5_000_000, positive_problem)
    max_pixels: int = setting(25_000_000, positive_problem)
    # Worker processes for encoding; 0 means one per CPU core.
    workers: int = setting(0, workers_problem)


@dataclass(frozen=True)
class SocialSettings:
    """Meta tags and JSON-LD (newsroom/outputs/social.py)."""

    description_length: int = setting(200, positive_problem)
    twitter_site: str = setting("", text_problem)
    fediverse_creator: str = setting("", text_problem)
    # Share links under each release: (label, address); {url}, {title} and {text}
    # (title and URL) are filled in URL-encoded. Plain links: nothing is loaded before a click.
    share: tuple[tuple[str, str], ...] = setting(
        (
            ("Mastodon", "https://tootpick.org/#text={text}"),
            ("Bluesky", "https://bsky.app/intent/compose?text={text}"),
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
            ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
            ("X", "https://x.com/intent/post?text={title}&url={url}"),
            ("WhatsApp", "https://wa.me/?text={text}"),
            ("Telegram", "https://t.me/share/url?url={url}&text={title}"),
            ("E-Mail", "mailto:?subject={title}&body={text}"),
        ),
        share_links_problem,
        pairs,
    )


@dataclass(frozen=True)
class WritingSettings:
    """Page writing (newsroom/site/writing.py)."""

    # Processes rendering pages, this one included; 0 means one per CPU core.
    workers: int = setting(0, workers_problem)


@dataclass(frozen=True)
class SignLanguageSettings:
    """The office's video in German Sign Language on the page 'gebaerdensprache' (theme/templates/page.html).

    Paths under the content folder, both or neither: without them the page
    says that the video is not there yet. The files are published beside the
    page (``/gebaerdensprache/<name>``).
    """

    video: str = setting("", text_problem)  # .mp4 or .webm
    captions: str = setting("", text_problem)  # WebVTT (.vtt), German captions


SIGN_LANGUAGE = "NEWSROOM['sign_language']"
SIGN_LANGUAGE_FILES = {"video": (".mp4", ".webm"), "captions": (".vtt",)}


@dataclass(frozen=True)
class NewsroomSettings:
    """Everything under NEWSROOM, checked, with every default filled in."""

    # Shown in the header, footer, feeds and cards.
    office_name: str = setting("Bezirksamt", text_problem)
    office_unit: str = setting("Pressestelle", text_problem)
    office_address: str = setting("", text_problem)
    # The public address, used where a URL must be absolute (canonical, feeds,
    # cards) while SITEURL is empty during development.
    public_url: str = setting("https://presse.example.org", address_problem)
    # Folders inside Pelican's PATH (the content directory).
    releases_dir: str = setting("releases", path_problem)
    pages_dir: str = setting("pages", path_problem)
    data_dir: str = setting("data", path_problem)
    # Read sources (newsroom/content/preread.py), cached by content hash; relative to
    # the working directory, like the card cache.
    content_cache_dir: str = setting("cache/content", path_problem)
    # Worker processes for reading sources; 0 means one per CPU core.
    reading_workers: int = setting(0, workers_problem)
    # How releases are numbered (newsroom/content/numbering.py): 'serial/year'
    # (422/2017), 'year-serial' (2021-012) or 'none' (an id names each release).
    numbering: str = setting("serial/year", numbering_problem)
    # Contact key used when a release names none.
    default_contact: str = setting("pressestelle", text_problem)
    # Longest slug derived from a title; longer titles are cut after a whole word.
    slug_max_length: int = setting(60, positive_problem)
    # Longest summary derived from the first paragraph, in characters.
    summary_length: int = setting(220, positive_problem)
    feeds: FeedSettings = section(FeedSettings)
    # Build drafts and embargoed releases as if public, with banners (`invoke
    # preview --drafts`, into output-drafts/); never for the published site.
    preview_drafts: bool = setting(False, flag_problem)
    # The published-URL manifest in the data folder (`invoke record-urls`).
    url_manifest: str = setting("published-urls.yml", path_problem)
    cards: CardSettings = section(CardSettings)
    images: ImageSettings = section(ImageSettings)
    social: SocialSettings = section(SocialSettings)
    writing: WritingSettings = section(WritingSettings)
    sign_language: SignLanguageSettings = section(SignLanguageSettings)
    # Raw HTML outside the allow-list (newsroom.content.sanitize) is removed with a
    # warning; when true, each removal is an error and the build stops.
    strict_html: bool = setting(False, flag_problem)

    def as_dict(self) -> dict:
        """The effective values as plain data: for hashing, and to check them again."""
        return dataclasses.asdict(self)


DEFAULTS = NewsroomSettings().as_dict()


# --- Checking --------------------------------------------------------------------------


def checked(kind: type, given: object, where: str) -> tuple[object, list[ContentError]]:
    """``kind`` made from a dict of settings; an unknown key or a bad value is an error, and its default is kept."""
    if not isinstance(given, Mapping):
        return kind(), [
            ContentError(where, None, None, f"{short_repr(given)} is not a dict of settings; write it like {{'key': value}}")
        ]
    names = [option.name for option in dataclasses.fields(kind)]
    errors = [
        ContentError(where, None, key, f"unknown setting; {unknown_name_hint(key, names)}")
        for key in sorted(str(key) for key in given if key not in names)
    ]
    values = {}
    for option in dataclasses.fields(kind):
        if option.name not in given:
            continue
        value = given[option.name]
        if "section" in option.metadata:
            values[option.name], problems = checked(option.metadata["section"], value, f"{where}['{option.name}']")
            errors.extend(problems)
        elif problem := option.metadata["check"](value):
            errors.append(ContentError(where, None, option.name, problem))
        else:
            convert = option.metadata["convert"]
            values[option.name] = convert(value) if convert else value
    return kind(**values), errors


def read_newsroom(settings) -> tuple[NewsroomSettings, list[ContentError]]:
    """NEWSROOM checked key by key and value by value (a configured one again, from its values)."""
    given = settings.get("NEWSROOM", {})
    if isinstance(given, NewsroomSettings):
        given = given.as_dict()
    return checked(NewsroomSettings, given, "NEWSROOM")


def contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        channels = []
        for value in ImageColor.getrgb(colour)[:3]:
            value /= 255
            channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def card_errors(cards: CardSettings, theme: str) -> list[ContentError]:
    """The card settings against the theme: the fonts and the logo must be there, the text readable on the background."""
    errors = []
    files = cards.theme_files(theme)
    for key in ("font_bold", "font_regular"):
        try:
            ImageFont.truetype(files[key], 12)
        except OSError:
            errors.append(
                ContentError(
                    CARDS,
                    None,
                    key,
                    f"{getattr(cards, key)!r} is not a font file in the theme folder ({display_path(files[key])})",
                )
            )
    try:
        with Image.open(files["logo"]) as logo:
            logo.verify()
    except (OSError, UnidentifiedImageError, SyntaxError):
        errors.append(
            ContentError(
                CARDS,
                None,
                "logo",
                f"{cards.logo!r} is not an image in the theme's static folder ({display_path(files['logo'])})",
            )
        )
    for key in ("text", "muted"):
        ratio = contrast(getattr(cards, key), cards.background)
        if ratio < MIN_CONTRAST:
            message = (
                f"{getattr(cards, key)!r} on {cards.background!r} has a contrast of {ratio:.2f}:1; "
                f"at least {MIN_CONTRAST}:1 is needed"
            )
            errors.append(ContentError(CARDS, None, key, message))
    return errors


def sign_language_errors(sign_language: SignLanguageSettings, content_path: str) -> list[ContentError]:
    """The video and its captions: both or neither, of their types, files inside the content folder."""
    given = {key: getattr(sign_language, key) for key in SIGN_LANGUAGE_FILES if getattr(sign_language, key)}
    if len(given) == 1:
        (key,) = given
        other = "captions" if key == "video" else "video"
        return [ContentError(SIGN_LANGUAGE, None, other, f"is needed with {key}: a video without captions is not accessible")]
    errors = []
    root = os.path.realpath(content_path)
    for key, value in given.items():
        full = os.path.realpath(os.path.join(root, value))
        if not value.lower().endswith(SIGN_LANGUAGE_FILES[key]):
            problem = f"{value!r} is not a {' or '.join(SIGN_LANGUAGE_FILES[key])} file"
        elif os.path.commonpath([root, full]) != root or not os.path.isfile(full):
            problem = f"{value!r} is not a file in the content folder"
        else:
            continue
        errors.append(ContentError(SIGN_LANGUAGE, None, key, problem))
    return errors


def configure(settings: dict) -> list[ContentError]:
    """Check NEWSROOM once for this build and put the frozen result in its place; the errors found.

    The theme's card files and colours are checked once the card values themselves are right.
    """
    options, errors = read_newsroom(settings)
    if not any(error.path == CARDS for error in errors):
        errors.extend(card_errors(options.cards, settings["THEME"]))
    if not any(error.path == SIGN_LANGUAGE for error in errors):
        errors.extend(sign_language_errors(options.sign_language, settings["PATH"]))
    settings["NEWSROOM"] = options
    return errors


def newsroom(settings) -> NewsroomSettings:
    """This build's settings, as ``configure`` left them in Pelican's settings (and so in the template context).

    A settings dict never configured (a script's, a test's) is checked here on
    each call, its values only, and stops like the build when it is wrong.
    """
    options = settings.get("NEWSROOM")
    if isinstance(options, NewsroomSettings):
        return options
    options, errors = read_newsroom(settings)
    if errors:
        stop(errors)
    return options


def data_dir(settings: dict) -> str:
    return os.path.join(settings["PATH"], newsroom(settings).data_dir)
