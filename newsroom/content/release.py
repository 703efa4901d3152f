"""The Release: one press release as every later stage sees it, typed, immutable, derived once.

``rules`` checks the front matter field by field into plain values (what the
content cache keeps); ``Release.from_source`` turns those values of one valid
release into this value, and every value more than one stage needs — slug,
topic slugs, permanent id, URL, last change, the number as shown — is
computed here and nowhere else (what depends on the site's numbering scheme,
in ``numbering``). Pelican's metadata, links, cards, feeds,
social tags, the sitemap and the tools read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..settings import newsroom
from .numbering import Numbering, ReleaseNumber
from .slugs import german_slug

CENTRE = (0.5, 0.5)
# Where a release's attachments are published: one folder per release, by its key.
ATTACHMENTS_DIR = "anhaenge"


@dataclass(frozen=True)
class Correction:
    """One correction of a release: when, what, and the line it was written on."""

    date: dt.datetime
    note: str
    line: int


@dataclass(frozen=True)
class Image:
    """A release's picture: a normalised path under the content folder, its size and what it shows."""

    path: str
    width: int
    height: int
    alt: str
    credit: str = ""
    focus: tuple[float, float] = CENTRE

    def as_metadata(self) -> dict:
        """What templates and feeds read as ``article.image``."""
        return {"url": self.path, "width": self.width, "height": self.height, "alt": self.alt, "credit": self.credit,
                "focus": self.focus}


@dataclass(frozen=True)
class Attachment:
    """A file published with a release (a flyer, a decision as PDF): where it comes from and what it is."""

    path: str  # normalised, under the content folder
    title: str
    media_type: str
    size: int  # bytes
    url: str  # site-relative: "anhaenge/2025-14/flyer-strassenfest.pdf"
    line: int

    @property
    def kind(self) -> str:
        """'PDF', 'DOCX': the file's type as readers know it, from its extension."""
        return self.url.rsplit(".", 1)[-1].upper()

    @property
    def size_text(self) -> str:
        """'1,2 MB', '320 KB', '800 Byte': the size in German, in steps of 1000."""
        return german_size(self.size)

    @property
    def description(self) -> str:
        """'PDF, 1,2 MB': what the link text adds to the title."""
        return f"{self.kind}, {self.size_text}"


def german_size(size: int) -> str:
    from babel.numbers import format_decimal  # here: the pre-commit hook imports this module and mostly reads no file

    if size < 1000:
        return f"{size} Byte"
    if size < 999_500:  # from there on it would round to "1.000 KB"
        return f"{format_decimal(round(size / 1000), locale='de_DE')} KB"
    return f"{format_decimal(round(size / 1_000_000, 1), format='#,##0.#', locale='de_DE')} MB"


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str


@dataclass(frozen=True, eq=False)
class Release:
    """A valid release, with everything derived from its front matter and its text.

    Compared by identity (render keys digest its values: ``newsroom.site.records``).
    """

    path: str  # as shown in messages
    lines: dict[str, int] = field(compare=False, hash=False)  # field name → its line in the file
    title: str
    date: dt.datetime
    number: ReleaseNumber | None  # None where the site has no numbers (NEWSROOM["numbering"])
    key: str  # names its files (cards, attachments): "2017-422"; see ``numbering.Identity``
    reference: str  # names it in the published-URL manifest and in messages: "422/2017"
    serial: int  # the number's serial, 0 without numbers
    slug: str
    summary: str
    html: str
    department: dict  # the registry entry: key, name, head
    contact: dict | None
    topics: tuple[Topic, ...]
    image: Image | None
    attachments: tuple[Attachment, ...]  # in the order written
    corrections: tuple[Correction, ...]  # newest first
    aliases: tuple[tuple[str, int], ...]  # old address, its line
    status: str  # published, draft or withdrawn (as written; the build clock decides what is public)
    withdrawn: dt.datetime | None
    withdrawal_reason: str | None
    permanent_id: str
    id_written: bool  # the id comes from the front matter, not from the number (always, without numbers)
    url: str  # site-relative, no leading slash: "pressemitteilungen/2017/422-…/"
    save_as: str

    @classmethod
    def from_source(cls, source, settings: dict) -> Release:
        """The Release of a source read without errors (``newsroom.content.reading.Source`` of kind release)."""
        values, options = source.values, newsroom(settings)
        identity = Numbering.of(settings).identify(values)
        image = None
        if "image" in values:
            picture = values["image"]
            image = Image(picture["url"], picture["width"], picture["height"], values["image_alt"],
                          values.get("image_credit", ""), tuple(values.get("image_focus", CENTRE)))
        if "corrections" in values:
            corrections = values["corrections"]
        elif "updated" in values:
            corrections = [Correction(values["updated"], values["update_note"], source.line_of["updated"])]
        else:
            corrections = []
        address = {"slug": source.slug, "release_year": identity.address_year, "release_no": identity.address_no,
                   "lang": settings.get("DEFAULT_LANG", "")}
        return cls(
            path=source.path,
            lines=dict(source.line_of),
            title=values["title"],
            date=values["date"],
            number=identity.number,
            key=identity.key,
            reference=identity.reference,
            serial=identity.serial,
            slug=source.slug,
            summary=source.summary,
            html=source.html,
            department=values["department"],
            contact=values["contact"],
            topics=tuple(Topic(name, german_slug(name, options.slug_max_length)) for name in values.get("tags", [])),
            image=image,
            attachments=tuple(
                Attachment(item["file"], item["title"], item["type"], item["size"],
                           f"{ATTACHMENTS_DIR}/{identity.key}/{item['name']}", item["line"])
                for item in values.get("attachments", [])
            ),
            corrections=tuple(sorted(corrections, key=lambda correction: correction.date, reverse=True)),
            aliases=tuple(values.get("aliases", [])),
            status=values.get("status", "published"),
            withdrawn=values.get("withdrawn"),
            withdrawal_reason=values.get("withdrawal_reason"),
            permanent_id=identity.permanent_id,
            id_written="id" in values,
            url=settings["ARTICLE_URL"].format_map(address),
            save_as=settings["ARTICLE_SAVE_AS"].format_map(address),
        )

    @property
    def updated(self) -> dt.datetime | None:
        """The date of the newest correction, if there is one."""
        return self.corrections[0].date if self.corrections else None

    @property
    def last_change(self) -> dt.datetime:
        """When the release last changed: its newest correction, else its date (feeds, sitemap, JSON-LD)."""
        return self.updated or self.date

    @property
    def designation(self) -> str:
        """'Pressemitteilung Nr. 422/2017', or 'Pressemitteilung' where the site has no numbers."""
        return f"Pressemitteilung Nr. {self.number}" if self.number else "Pressemitteilung"

    @property
    def newest_first(self) -> tuple:
        """Sort key of lists and feeds: newest date first, then the higher number, then (without numbers) by key."""
        return (-self.date.timestamp(), -self.serial, self.key)

    @property
    def id_line(self) -> int:
        """The line the permanent id comes from: the ``id`` field, else the number."""
        return self.lines["id" if self.id_written else "number"]
