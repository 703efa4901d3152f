"""From what an input says to a release file: number scheme, date, contact, picture, old address; checked, then written.

After writing, ``invoke check`` runs over all content (each file with the
build's rules, and numbers, ids and aliases across files), and an imported
release it finds fault with is removed again; a dry run checks each release
with the build's own reading (``read_bytes``) instead. Nothing that exists
is overwritten: a release whose number (for an office without numbers: date
and title) is already there is skipped, and contacts are only ever appended
to ``contacts.yml``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import yaml
from PIL import Image, UnidentifiedImageError

from ...content.dates import BERLIN, parse_datetime
from ...content.frontmatter import character_problem, parse, size_problem
from ...content.numbering import NUMBER_KINDS, Numbering, ReleaseNumber
from ...content.preread import source_files
from ...content.reading import read_bytes
from ...content.registry import CONTACTS, VALUE_LIMIT, Registries
from ...content.rules import ALIAS_PATTERN, TOPIC_LIMIT
from ...content.slugs import german_slug
from ...errors import FieldError, display_path
from ...settings import newsroom
from ..authoring import written_time
from .blocks import Contact, Found
from .html import Page

EXTENSION_OF = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
IMAGES_DIR = "images"


@dataclass
class Existing:
    """Releases already in the content: by number, by date and title, by id, and the files."""

    numbers: dict[ReleaseNumber, str] = field(default_factory=dict)
    days_titles: dict[tuple[dt.date, str], str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, settings: dict, numbering: Numbering) -> Existing:
        existing = cls()
        releases = os.path.join(settings["PATH"], newsroom(settings).releases_dir)
        for path in source_files(settings):
            existing.paths.add(os.path.abspath(path))
            if not os.path.abspath(path).startswith(os.path.abspath(releases) + os.sep):
                continue
            with open(path, "rb") as handle:
                document, _ = parse(path, handle.read())
            if document is None:
                continue
            values = {name: entry.node.value for name, entry in document.entries.items()
                      if isinstance(entry.node, yaml.ScalarNode)}
            shown = display_path(path)
            number = numbering.kind.parse(values.get("number", "")) if numbering.kind else None
            if number:
                existing.numbers[number] = shown
            try:
                day = parse_datetime(values["date"]).date() if "date" in values else None
            except FieldError:
                day = None
            if day and "title" in values:
                existing.days_titles[(day, title_key(values["title"]))] = shown
            if "id" in values:
                existing.ids.add(values["id"].strip())
        return existing


def title_key(title: str) -> str:
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


@dataclass
class NewContact:
    key: str
    entry: dict
    source: str  # input:line


class ContactBook:
    """The contacts of ``contacts.yml`` and the ones this run adds; a contact block finds its entry by e-mail address."""

    def __init__(self, registries: Registries):
        self.entries = dict(registries.contacts)
        self.added: list[NewContact] = []

    def key_for(self, contact: Contact, source: str, notes: list[tuple[int, str]]) -> str | None:
        """The key of the contact block's entry, a new one if no entry has its e-mail address; None if it cannot be one."""
        for key, entry in self.entries.items():
            if contact.email and entry.get("email", "").casefold() == contact.email.casefold():
                return key
            if not contact.email and (entry.get("name"), entry.get("organisation")) == (contact.name, contact.organisation):
                return key
        entry = {"name": contact.name, "organisation": contact.organisation}
        if contact.phones:
            entry["phone"] = contact.phones[0]
        if contact.email:
            entry["email"] = contact.email
        for name, value in entry.items():
            if problem := size_problem(len(value), *VALUE_LIMIT) or character_problem(value):
                notes.append((contact.line, f"the contact block cannot be a contact ({name} {problem}); "
                                            "the release gets the default contact"))
                return None
        for extra in contact.phones[1:]:
            notes.append((contact.line, f"the further number {extra!r} was left out; a contact has one phone number"))
        stem = german_slug(contact.email.split("@")[0] if contact.email else contact.name, 40) or "kontakt"
        key, count = stem, 1
        while key in self.entries:
            count += 1
            key = f"{stem}-{count}"
        self.entries[key] = {"key": key, **entry}
        self.added.append(NewContact(key, entry, source))
        return key

    def text(self) -> str:
        """The new entries as they are appended to ``contacts.yml`` (JSON strings are YAML's double-quoted scalars)."""
        parts = []
        for added in self.added:
            fields = "".join(f"  {name}: {json.dumps(value, ensure_ascii=False)}\n" for name, value in added.entry.items())
            parts.append(f"\n{added.key}:\n{fields}")
        return "".join(parts)


@dataclass
class Picture:
    source: str  # the input's picture file
    target: str  # content-relative, where it is copied to
    alt: str
    credit: str


@dataclass
class Planned:
    """One release to write: its file, its text, its picture, and what it takes (number, date and title, id)."""

    input: str
    path: str  # absolute
    text: str
    picture: Picture | None
    number: ReleaseNumber | None
    day_title: tuple[dt.date, str]
    identifier: str  # the id written, for a release without number


class Refused(Exception):
    """This input is not imported; the message says why (with the line, if there is one)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def release_time(found: Found, page: Page | None, notes: list[tuple[int, str]]) -> tuple[dt.datetime, bool]:
    """When it was published, and whether the time of day is known: the date line's day, the time from dcterms.submitted."""
    head = None
    for name, written in (("dcterms.submitted", page.submitted if page else ""), ("dcterms.date", page.date if page else "")):
        if written:
            try:
                head = parse_datetime(written.replace("T", " ") if "+" not in written else written)
                if name == "dcterms.date" and len(written.strip()) == 10:
                    head = head.replace(hour=0, minute=0)
                break
            except FieldError:
                notes.append((1, f"{name} {written!r} is no date; left out"))
    timed = bool(head and page and page.submitted and head.strftime("%H:%M") != "00:00")
    if found.day is None and head is None:
        raise Refused(1, "has no date: neither a line 'Pressemitteilung vom TT.MM.JJJJ' nor dcterms.date")
    if found.day is None:
        return head, timed
    if head is not None and head.date() != found.day:
        notes.append((found.date_line, f"the date line says {found.day:%d.%m.%Y}, the page's head {head:%d.%m.%Y}; "
                                       "the date line counts"))
        timed = False
    if head is not None and head.date() == found.day:
        return head, timed
    return dt.datetime(found.day.year, found.day.month, found.day.day, tzinfo=BERLIN), False


def number_of(found: Found, numbering: Numbering) -> ReleaseNumber | None:
    """The release number in the site's scheme, or Refused when the input's scheme is not the site's.

    Each scheme's own parser reads the number, so what the importer accepts is what the build accepts.
    """
    scheme = numbering.scheme
    setting = f"NEWSROOM['numbering'] is {scheme!r}"
    if not found.number_text:
        if numbering.kind:
            raise Refused(found.date_line or 1, f"has no release number, but this site numbers its releases ({setting}); "
                                                "add the number to the date line, or import into a site without numbers")
        return None
    text = found.number_text.rstrip(".,;:")
    written_in = next(((name, number) for name, kind in NUMBER_KINDS.items() if kind and (number := kind.parse(text))),
                      None)
    if written_in is None:
        forms = " nor ".join(f"{name} ('{kind.EXAMPLE}')" for name, kind in NUMBER_KINDS.items() if kind)
        raise Refused(found.date_line, f"the number {text!r} is neither {forms}")
    name, number = written_in
    if numbering.kind is None:
        raise Refused(found.date_line, f"has the number {text!r}, but this site has no numbers ({setting}); "
                                       "set the site's scheme to match the archive, or remove the number")
    if name != scheme:
        raise Refused(found.date_line, f"the number {text!r} is {name}, but this site numbers "
                                       f"{scheme} ({setting}); not converted, so the number stays as journalists cite it")
    return number


def old_address(canonical: str, notes: list[tuple[int, str]]) -> str:
    """The path of the page's old address, as an alias (the host is left out: an alias is an address of this site)."""
    if not canonical:
        return ""
    parts = urlsplit(canonical)
    path = unquote(parts.path)
    if parts.query or not ALIAS_PATTERN.match(path):
        notes.append((1, f"the old address {canonical!r} cannot be an alias (an alias ends in '/', '.html' or '.php' "
                         "and has no query); redirect it on the old server"))
        return ""
    return path


def topics(keywords: list[str], slug_length: int, notes: list[tuple[int, str]]) -> list[str]:
    """The page's keywords as topics: each once, none longer than a topic may be."""
    kept, slugs = [], set()
    for keyword in keywords:
        slug = german_slug(keyword, slug_length)
        if len(keyword) > TOPIC_LIMIT[0] or not slug:
            notes.append((1, f"the keyword {keyword!r} cannot be a topic (at most {TOPIC_LIMIT[0]} characters, "
                             "with a letter or digit); left out"))
        elif slug not in slugs:
            slugs.add(slug)
            kept.append(keyword)
    return kept


def picture_of(source: str, alt: str, credit: str, year: int, slug: str, content: str,
               notes: list[tuple[int, str]], line: int) -> Picture | None:
    """The input's picture, to be copied under ``images/<year>/``; None, with a note, when it cannot be."""
    if urlsplit(source).scheme:
        notes.append((line, f"the picture {source!r} is on the web, not saved with the page (save it as 'complete "
                            f"page'); caption {alt!r}, credit {credit!r}; add image and image_alt by hand"))
        return None
    if not os.path.isfile(source):
        notes.append((line, f"the picture {display_path(source)!r} was not found; caption {alt!r}, credit {credit!r}"))
        return None
    try:
        with Image.open(source) as image:
            kind = image.format
    except (UnidentifiedImageError, OSError):
        kind = None
    if kind not in EXTENSION_OF:
        notes.append((line, f"the picture {display_path(source)!r} is no JPEG, PNG or WebP; not imported"))
        return None
    if not alt:
        notes.append((line, f"the picture {display_path(source)!r} has no caption or alt text to describe it; "
                            "not imported, add image and image_alt by hand"))
        return None
    target = f"{IMAGES_DIR}/{year}/{slug}{EXTENSION_OF[kind]}"
    existing = os.path.join(content, target)
    count = 1
    while os.path.exists(existing) and digest(existing) != digest(source):
        count += 1
        target = f"{IMAGES_DIR}/{year}/{slug}-{count}{EXTENSION_OF[kind]}"
        existing = os.path.join(content, target)
    return Picture(source, target, alt, credit)


def digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def front_matter(fields: dict, date_text: str) -> str:
    """The head of the file: title first, then the date as editors write it, then the rest in the handbook's order."""
    lines = [field_line(name, value) for name, value in fields.items()]
    lines.insert(1, f"date: {date_text}")
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n"


def field_line(name: str, value) -> str:
    """``name: value`` in YAML, quoted where YAML needs it; a list in brackets (``tags: [Umwelt, Verkehr]``)."""
    if isinstance(value, list):
        return f"{name}: " + yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True).strip()
    return yaml.safe_dump({name: value}, allow_unicode=True, width=10_000).strip()


def date_text(when: dt.datetime, timed: bool) -> str:
    return written_time(when.astimezone(BERLIN)) if timed else f"{when:%Y-%m-%d}"


def checked(planned: Planned, settings: dict, registries: Registries, renderer) -> list[str]:
    """What the build would say about the release before its picture is copied (html warnings count: CI is strict)."""
    text = planned.text
    if planned.picture is not None:
        text = "\n".join(line for line in text.split("\n") if not line.startswith(("image:", "image_alt:", "image_credit:")))
    source = read_bytes(planned.path, text.encode("utf-8"), settings, registries, renderer)
    problems = source.errors + [warning for warning in source.warnings if warning.field == "html"]
    return [f"{problem.field + ': ' if problem.field else ''}{problem.message}" for problem in problems]


def copy_picture(picture: Picture, content: str) -> bool:
    """Copy the picture into the content folder; True if this made the file (so a refused release can take it back)."""
    target = os.path.join(content, picture.target)
    if os.path.exists(target):
        return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(picture.source, target)
    return True


def contacts_path(settings: dict) -> str:
    return os.path.join(settings["PATH"], newsroom(settings).data_dir, CONTACTS.filename)


def append_contacts(settings: dict, book: ContactBook) -> None:
    """Append the new entries to ``contacts.yml``, keeping everything that is there (comments, order, spelling)."""
    if not book.added:
        return
    path = contacts_path(settings)
    with open(path, "rb") as handle:
        ending = b"" if handle.read().endswith(b"\n") else b"\n"
    with open(path, "ab") as handle:
        handle.write(ending + book.text().encode("utf-8"))
