"""The press-release and page model: which front-matter fields exist and their rules.

Rules are stated as data (one ``Field`` per name, then cross-field rules) and
every rule runs, so an editor sees all problems of a file at once.

Every text value is NFC, has no invisible or bidirectional characters
(``frontmatter.character_problem``) and is no longer than ``TEXT_LIMITS``
says: a headline is a headline, and no value can slow the build down.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from PIL import Image, UnidentifiedImageError

from ..errors import ContentError, FieldError, short_repr, unknown_name_hint
from .confine import leaves_content
from .dates import parse_datetime
from .frontmatter import STRING_TAG, Document, character_problem, size_problem
from .numbering import Numbering
from .registry import Registries
from .release import Correction
from .slugs import german_slug, is_slug

# RFC 3986: an absolute URI starts with a scheme and a colon; no whitespace anywhere.
ABSOLUTE_URI_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# The social card's width (outputs.cards.layout.WIDTH; content/ imports nothing from outputs/, a test keeps them equal).
CARD_WIDTH = 1200
# Attachments a reader can open without special software and that run no code: documents,
# tables, slides, plain data. No archives (a reader cannot see what is inside, and they hide
# executables from virus scanners), no old Office formats (macros), no images (use image).
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
ATTACHMENT_EXAMPLE = "'- {file: dokumente/flyer-strassenfest.pdf, title: Flyer zum Straßenfest}'"
RELEASE_STATUSES = ("published", "draft", "withdrawn")
PAGE_STATUSES = ("published", "draft")
# Longest value of a text field in characters, and what the field is in the message.
# A title is a headline (share-check shows that platforms cut after 60 to 70); the
# summary is a teaser (feeds and search show about 200).
TEXT_LIMITS = {
    "title": (200, "a headline"),
    "summary": (500, "a summary"),
    "image_alt": (500, "an alt text"),
    "image_credit": (200, "a credit"),
    "update_note": (500, "a note"),
    "withdrawal_reason": (1000, "a reason"),
    "id": (500, "an id"),
    "image": (500, "an image path"),
    "attachments": (200, "an attachment title"),
    "department": (100, "a key"),
    "contact": (100, "a key"),
}
OTHER_TEXT_LIMIT = (200, "a value of this field")  # status: much shorter when right
TOPIC_LIMIT = (80, "a topic")
NOTE_LIMIT = TEXT_LIMITS["update_note"]
ALIAS_LIMIT = (200, "an alias")
# An old address of a release: site-relative, ending in "/", ".html" or ".php" (a page of the old CMS, invoke import).
ALIAS_PATTERN = re.compile(r"^/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*\.(?:html?|php))?$")


class ItemErrors(FieldError):
    """Several problems inside one list field, each on the line of its item.

    ``valid`` holds the good items, so cross-field rules still check them and
    the editor sees every problem in one run.
    """

    def __init__(self, problems: list[tuple[int, str]], valid: list):
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems
        self.valid = valid


@dataclass
class Context:
    """What field rules need besides the file itself."""

    content_path: str
    registries: Registries
    data_dir_name: str  # as shown in messages
    default_contact: str
    numbering: Numbering  # the site's scheme: the form of numbers, or ids instead
    slug_max_length: int = 60
    static_paths: tuple[str, ...] = ()  # folders Pelican publishes as they are (STATIC_PATHS)


@dataclass(frozen=True)
class Field:
    parse: Callable[[Document, str, Context], Any]
    required: bool = False


def describe(value: object) -> str:
    """Name a YAML value's type the way an editor would."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"a number ({short_repr(value)})"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return short_repr(value)


def text(document: Document, name: str, context: Context, limit: tuple[int, str] | None = None) -> str:
    """A one-line text, within ``limit`` (most characters, what it is) or the field's entry in ``TEXT_LIMITS``."""
    value = document.value(name)
    if value is None:
        raise FieldError("is empty; give a value or remove the line")
    if not isinstance(value, str):
        hint = "; put the value in quotes" if isinstance(value, (int, float, bool, dt.date)) else ""
        raise FieldError(f"expected text, got {describe(value)}{hint}")
    if not value.strip():
        raise FieldError("must not be empty")
    return printable(value.strip(), *(limit or TEXT_LIMITS.get(name, OTHER_TEXT_LIMIT)))


def printable(value: str, most: int, what: str) -> str:
    """The value in NFC, if it is short enough and every character can be published and seen."""
    value = unicodedata.normalize("NFC", value)  # the file is NFC; YAML escapes may not be
    problem = size_problem(len(value), most, what) or character_problem(value)
    if problem:
        raise FieldError(problem)
    return value


def date_time(document: Document, name: str, context: Context) -> dt.datetime:
    node = document.entries[name].node
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        raise FieldError(f"expected a date, got {describe(document.value(name))}")
    return parse_datetime(node.value)


def release_number(document: Document, name: str, context: Context) -> tuple[int, int]:
    """(serial, year) of a number in the site's scheme (``numbering``)."""
    value = document.value(name)
    if isinstance(value, str) and (problem := character_problem(value)):
        raise FieldError(problem)
    number = context.numbering.read_number(value)
    return number.serial, number.year


def registry_key(registry: str) -> Callable[[Document, str, Context], dict]:
    def parse(document: Document, name: str, context: Context) -> dict:
        key = text(document, name, context)
        entries = getattr(context.registries, registry)
        if key not in entries:
            known = ", ".join(sorted(entries)) or "none"
            raise FieldError(
                f"{short_repr(key)} is not a key of {context.data_dir_name}/{registry}.yml; known keys: {known}"
            )
        return entries[key]

    return parse


def topics(document: Document, name: str, context: Context) -> list[str]:
    value = document.value(name)
    if not isinstance(value, list):
        raise FieldError(f"expected a list of topics such as [Verkehr, Schule], got {describe(value)}")
    result: list[str] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise FieldError(f"every topic must be text, got {describe(item)}")
        item = printable(item.strip(), *TOPIC_LIMIT)
        slug = german_slug(item, context.slug_max_length)
        if not slug:
            raise FieldError(f"topic {short_repr(item)} has no letters or digits")
        if slug in seen:
            raise FieldError(f"topic {short_repr(item)} is listed twice")
        seen.add(slug)
        result.append(item)
    return result


def image(document: Document, name: str, context: Context) -> dict:
    """A picture under the content folder; its ``url`` is the normalised path.

    ``images//foto.jpg``, ``./images/foto.jpg`` and ``images/alt/../foto.jpg``
    all give ``images/foto.jpg``: the embargo check and the cards compare and
    open paths, never spellings.
    """
    written = text(document, name, context)
    relative, full = content_file(written, context)
    if not relative.lower().endswith(IMAGE_EXTENSIONS):
        raise FieldError(f"{short_repr(written)} is not an image; allowed: {', '.join(IMAGE_EXTENSIONS)}")
    if not os.path.isfile(full):
        raise FieldError(f"image file {short_repr(written)} does not exist under the content directory")
    try:
        with Image.open(full) as picture:
            width, height = picture.size
            kind = picture.format
    except (UnidentifiedImageError, OSError) as error:
        raise FieldError(f"{short_repr(written)} cannot be read as an image ({error})") from None
    expected = IMAGE_FORMATS[os.path.splitext(relative)[1].lower()]
    if kind != expected:
        suffix = next((suffix for suffix, name in IMAGE_FORMATS.items() if name == kind), None)
        advice = f"; rename it to {suffix!r}" if suffix else f"; save it as {expected}"
        raise FieldError(f"{short_repr(written)} is a {kind} file, not {expected}{advice}")
    return {"url": relative, "width": width, "height": height, "bytes": os.path.getsize(full)}


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def image_warnings(values: dict, line_of: dict, path: str, limits) -> list[ContentError]:
    """What an editor should know about a release image that still works: too small for the card, or too big to handle well.

    ``limits`` are the image settings (``NEWSROOM["images"]``: ``max_bytes``, ``max_pixels``).
    """
    picture = values.get("image")
    if not picture:
        return []
    line, problems = line_of.get("image"), []
    if picture["width"] < CARD_WIDTH:
        problems.append(f"{picture['url']!r} is {picture['width']} px wide; the social card needs at least {CARD_WIDTH} px, "
                        "so it is shown enlarged and blurred")
    if picture["bytes"] > limits.max_bytes:
        problems.append(f"{picture['url']!r} has {thousands(picture['bytes'])} bytes, more than the "
                        f"{thousands(limits.max_bytes)} allowed; save it smaller (the site publishes smaller copies anyway)")
    if picture["width"] * picture["height"] > limits.max_pixels:
        problems.append(f"{picture['url']!r} has {picture['width']}×{picture['height']} pixels, more than the "
                        f"{thousands(limits.max_pixels)} allowed; scale it down before committing it")
    return [ContentError(path, line, "image", problem) for problem in problems]


def content_file(written: str, context: Context) -> tuple[str, str]:
    """The normalised content-relative path of a file a release names, and its full path; outside is an error."""
    relative = os.path.normpath(written.lstrip("/") or ".").replace(os.sep, "/")
    root = os.path.realpath(context.content_path)
    full = os.path.realpath(os.path.join(root, relative))
    if leaves_content(relative) or os.path.commonpath([root, full]) != root:
        raise FieldError(f"{short_repr(written)} is outside the content directory")
    return relative, full


def permanent_id(document: Document, name: str, context: Context) -> str:
    """An absolute URI; on a site without numbers, of the form its ids have (``Numbering.id_problem``)."""
    value = text(document, name, context)
    if not ABSOLUTE_URI_PATTERN.match(value):
        raise FieldError(
            f"{value!r} is not an absolute URI; write a permanent id with a scheme, "
            "such as 'tag:presse.example.org,2017:pm-422-2017', 'urn:uuid:…' or 'https://…'"
        )
    if problem := context.numbering.id_problem(value):
        raise FieldError(problem)
    return value


def focal_point(document: Document, name: str, context: Context) -> tuple[float, float]:
    """Where the subject of an image is, as fractions of its width and height (0 = left/top)."""
    value = document.value(name)
    example = "write [x, y] with fractions from 0 (left/top) to 1 (right/bottom), such as [0.5, 0.3]"
    if not isinstance(value, list):
        raise FieldError(f"expected a list of two numbers, got {describe(value)}; {example}")
    if len(value) != 2:
        raise FieldError(f"expected two numbers, got {len(value)}; {example}")
    for axis, number in zip(("x", "y"), value, strict=True):
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise FieldError(f"{axis} must be a number, got {describe(number)}; {example}")
        if not 0 <= number <= 1:
            raise FieldError(f"{axis} = {number!r} is outside 0 to 1; {example}")
    return float(value[0]), float(value[1])


def slug(document: Document, name: str, context: Context) -> str:
    value = text(document, name, context, (context.slug_max_length, "a slug"))
    if not is_slug(value):
        raise FieldError(f"{short_repr(value)} is not a slug; use lower-case letters, digits and single hyphens")
    return value


def choice(*allowed: str) -> Callable[[Document, str, Context], str]:
    def parse(document: Document, name: str, context: Context) -> str:
        value = text(document, name, context)
        if value not in allowed:
            raise FieldError(f"{short_repr(value)} is not allowed; choose one of {', '.join(allowed)}")
        return value

    return parse


def node_line(node: yaml.Node) -> int:
    """The line of a YAML node in the file (the front matter starts on line 2)."""
    return node.start_mark.line + 2


def list_items(document: Document, name: str, one: str, example: str) -> list[yaml.Node]:
    """The item nodes of a non-empty YAML list field (each keeps its own line)."""
    node = document.entries[name].node
    if isinstance(node, yaml.SequenceNode) and not node.value:
        raise FieldError(f"is an empty list; add {one} or remove the line")
    if not isinstance(node, yaml.SequenceNode):
        raise FieldError(f"expected a list of {example}, got {describe(document.value(name))}")
    return node.value


def corrections(document: Document, name: str, context: Context) -> list[Correction]:
    """A list of ``{date, note}`` mappings, each checked on its own line."""
    items = list_items(
        document, name, "a correction",
        "corrections such as '- {date: 2017-10-05 09:00, note: Uhrzeit korrigiert.}'",
    )
    found: list[Correction] = []
    problems: list[tuple[int, str]] = []
    for item in items:
        line = node_line(item)
        if not isinstance(item, yaml.MappingNode):
            problems.append(
                (line, "every correction needs 'date' and 'note', e.g. {date: 2017-10-05 09:00, note: Uhrzeit korrigiert.}")
            )
            continue
        fields = {key.value if isinstance(key, yaml.ScalarNode) else None: value for key, value in item.value}
        if len(item.value) != 2 or set(fields) != {"date", "note"}:
            got = ", ".join(repr(key) for key in fields) or "nothing"
            problems.append((line, f"a correction has exactly the fields 'date' and 'note', got {got}"))
            continue
        date_node, note_node = fields["date"], fields["note"]
        if not isinstance(note_node, yaml.ScalarNode) or note_node.tag != STRING_TAG or not note_node.value.strip():
            problems.append((line, "a correction's note must be text; put it in quotes if it is a number or a date"))
            continue
        if not isinstance(date_node, yaml.ScalarNode) or not date_node.value.strip():
            problems.append((line, "a correction's date must be a date such as 2017-10-05 09:00"))
            continue
        try:
            note = printable(note_node.value.strip(), *NOTE_LIMIT)
            date = parse_datetime(date_node.value)
        except FieldError as error:
            problems.append((line, str(error)))
            continue
        found.append(Correction(date, note, line))
    if problems:
        raise ItemErrors(problems, found)
    return found


def attachment_name(relative: str, context: Context) -> str:
    """The published file name: the German slug of the file name, with its extension in lower case."""
    stem, extension = os.path.splitext(posixpath.basename(relative))
    return (german_slug(stem, context.slug_max_length) or "anhang") + extension.lower()


def attachment(item: yaml.Node, context: Context) -> dict:
    """One ``{file, title}`` item as plain values (the content cache keeps them); FieldError if it is wrong."""
    if not isinstance(item, yaml.MappingNode):
        raise FieldError(f"every attachment needs 'file' and 'title', e.g. {ATTACHMENT_EXAMPLE}")
    fields = {key.value if isinstance(key, yaml.ScalarNode) else None: value for key, value in item.value}
    if len(item.value) != 2 or set(fields) != {"file", "title"}:
        got = ", ".join(repr(key) for key in fields) or "nothing"
        raise FieldError(f"an attachment has exactly the fields 'file' and 'title', got {got}")
    texts = {}
    for key, node in fields.items():
        if not isinstance(node, yaml.ScalarNode) or node.tag != STRING_TAG or not node.value.strip():
            raise FieldError(f"an attachment's {key} must be text; put it in quotes if it is a number or a date")
        texts[key] = node.value.strip()
    title = printable(texts["title"], *TEXT_LIMITS["attachments"])
    written = printable(texts["file"], *TEXT_LIMITS["image"])
    relative, full = content_file(written, context)
    extension = os.path.splitext(relative)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        allowed = ", ".join(ATTACHMENT_TYPES)
        raise FieldError(f"{short_repr(written)} is not a type attachments may have; allowed: {allowed}")
    for folder in context.static_paths:
        if relative.startswith(folder.rstrip("/") + "/"):
            raise FieldError(
                f"{short_repr(written)} is under {folder}/, which the site publishes as it is; "
                "put attachments in their own folder, such as dokumente/"
            )
    if not os.path.isfile(full):
        raise FieldError(f"attachment file {short_repr(written)} does not exist under the content directory")
    return {"file": relative, "title": title, "type": ATTACHMENT_TYPES[extension], "size": os.path.getsize(full),
            "name": attachment_name(relative, context), "line": node_line(item)}


def attachments(document: Document, name: str, context: Context) -> list[dict]:
    """A list of ``{file, title}`` mappings, each checked on its own line; no file and no published name twice."""
    items = list_items(document, name, "an attachment", f"attachments such as {ATTACHMENT_EXAMPLE}")
    found: list[dict] = []
    problems: list[tuple[int, str]] = []
    file_line: dict[str, int] = {}
    name_line: dict[str, int] = {}
    for item in items:
        line = node_line(item)
        try:
            value = attachment(item, context)
        except FieldError as error:
            problems.append((line, str(error)))
            continue
        if value["file"] in file_line:
            problems.append((line, f"{value['file']!r} is attached twice (first on line {file_line[value['file']]})"))
        elif value["name"] in name_line:
            problems.append((line, f"another attachment is published as {value['name']!r} (line {name_line[value['name']]}); "
                                   "rename one of the files"))
        else:
            file_line[value["file"]] = name_line[value["name"]] = line
            found.append(value)
    if problems:
        raise ItemErrors(problems, found)
    return found


def aliases(document: Document, name: str, context: Context) -> list[tuple[str, int]]:
    """Old site-relative addresses of a release, each with its line, no repeats."""
    items = list_items(
        document, name, "an old address", "old addresses such as [/pressemitteilungen/2017/422-alter-titel/]"
    )
    found: list[tuple[str, int]] = []
    problems: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    for item in items:
        line = node_line(item)
        value = item.value if isinstance(item, yaml.ScalarNode) and item.tag == STRING_TAG else None
        if value is None:
            problems.append((line, "every alias must be an address such as /pressemitteilungen/2017/422-alter-titel/"))
            continue
        value = value.strip()
        if too_long := size_problem(len(value), *ALIAS_LIMIT):
            problems.append((line, f"{short_repr(value)} {too_long}"))
        elif value.startswith(("http://", "https://", "//")):
            problems.append((line, f"{value!r} is not site-relative; leave out the host and start with '/'"))
        elif not ALIAS_PATTERN.match(value):
            problems.append(
                (
                    line,
                    f"{value!r} is not an old address of this site; start with '/', end with '/', '.html' or '.php', "
                    "use letters, digits, '-', '_', '.' and '~'",
                )
            )
        elif value in first_line:
            problems.append((line, f"{value!r} is listed twice (first on line {first_line[value]})"))
        else:
            first_line[value] = line
            found.append((value, line))
    if problems:
        raise ItemErrors(problems, found)
    return found


RELEASE_FIELDS: dict[str, Field] = {
    "title": Field(text, required=True),
    "date": Field(date_time, required=True),
    "number": Field(release_number),  # required on a numbered site, ``id`` on one without (``naming_field``)
    "department": Field(registry_key("departments"), required=True),
    "contact": Field(registry_key("contacts")),
    "tags": Field(topics),
    "summary": Field(text),
    "image": Field(image),
    "image_alt": Field(text),
    "image_credit": Field(text),
    "image_focus": Field(focal_point),
    "attachments": Field(attachments),
    "updated": Field(date_time),
    "update_note": Field(text),
    "corrections": Field(corrections),
    "slug": Field(slug),
    "aliases": Field(aliases),
    "status": Field(choice(*RELEASE_STATUSES)),
    "withdrawn": Field(date_time),
    "withdrawal_reason": Field(text),
    "id": Field(permanent_id),
}

PAGE_FIELDS: dict[str, Field] = {
    "title": Field(text, required=True),
    "slug": Field(slug),
    "summary": Field(text),
    "status": Field(choice(*PAGE_STATUSES)),
}


def _parse_fields(document: Document, fields: dict[str, Field], context: Context, naming: str | None = None):
    """The values of the fields written, and every error; ``naming``: the field that names a release (``numbering``)."""
    values: dict[str, Any] = {}
    errors: list[ContentError] = []
    for name, entry in document.entries.items():
        if name not in fields:
            errors.append(
                ContentError(document.path, entry.line, name, f"unknown field; {unknown_name_hint(name, list(fields))}")
            )
            continue
        try:
            values[name] = fields[name].parse(document, name, context)
        except ItemErrors as error:
            errors.extend(ContentError(document.path, line, name, message) for line, message in error.problems)
            values[name] = error.valid
        except FieldError as error:
            errors.append(ContentError(document.path, entry.line, name, str(error)))
    for name, field in fields.items():
        if (field.required or name == naming) and name not in document.entries:
            message = context.numbering.missing_message if name == naming else "is required but missing"
            errors.append(ContentError(document.path, 1, name, message))
    return values, errors


# (field, the field it belongs to, whether it is required with that field)
COMPANION_FIELDS = (
    ("update_note", "updated", True),
    ("image_alt", "image", True),
    ("image_credit", "image", False),
    ("image_focus", "image", False),
)


def _companion_errors(document: Document) -> list[ContentError]:
    """Fields that only make sense together: a note with its date, alt text with its image."""
    errors = []
    entries = document.entries
    for companion, anchor, required in COMPANION_FIELDS:
        if anchor in entries and companion not in entries and required:
            errors.append(
                ContentError(document.path, entries[anchor].line, companion, f"is required when {anchor} is given")
            )
        if companion in entries and anchor not in entries:
            errors.append(
                ContentError(document.path, entries[companion].line, companion, f"needs {anchor} as well")
            )
    return errors


def _correction_errors(document: Document, values: dict) -> list[ContentError]:
    """One form of correction at a time; every correction after the release, none twice."""
    entries = document.entries
    if "corrections" not in entries:
        return []
    errors = []
    if "updated" in entries or "update_note" in entries:
        errors.append(
            ContentError(
                document.path,
                entries["corrections"].line,
                "corrections",
                "use either updated with update_note (one correction) or corrections (several), not both",
            )
        )
    seen: dict[dt.datetime, int] = {}
    for correction in values.get("corrections", []):
        if "date" in values and correction.date <= values["date"]:
            errors.append(
                ContentError(document.path, correction.line, "corrections", "a correction's date must be later than date")
            )
        if correction.date in seen:
            errors.append(
                ContentError(
                    document.path,
                    correction.line,
                    "corrections",
                    f"another correction has the same date (line {seen[correction.date]}); merge the notes",
                )
            )
        seen.setdefault(correction.date, correction.line)
    return errors


def _withdrawal_errors(document: Document, values: dict) -> list[ContentError]:
    """A withdrawal needs its reason; its fields mean nothing without ``status: withdrawn``."""
    entries = document.entries
    errors = []
    withdrawn = values.get("status") == "withdrawn"
    if withdrawn and "withdrawal_reason" not in entries:
        errors.append(
            ContentError(
                document.path, entries["status"].line, "withdrawal_reason", "is required when status is withdrawn; say why"
            )
        )
    status_readable = "status" not in entries or "status" in values
    if status_readable and not withdrawn:
        for name in ("withdrawn", "withdrawal_reason"):
            if name in entries:
                errors.append(ContentError(document.path, entries[name].line, name, "needs status: withdrawn as well"))
    if "date" in values and "withdrawn" in values and values["withdrawn"] <= values["date"]:
        errors.append(ContentError(document.path, entries["withdrawn"].line, "withdrawn", "must be later than date"))
    return errors


def validate_release(document: Document, context: Context) -> tuple[dict, list[ContentError]]:
    """Release fields as Python values, or the list of everything wrong with them."""
    values, errors = _parse_fields(document, RELEASE_FIELDS, context, context.numbering.naming_field)
    line = {name: entry.line for name, entry in document.entries.items()}

    if "date" in values and "number" in values:
        number_year = values["number"][1]
        if number_year != values["date"].year:
            errors.append(
                ContentError(
                    document.path,
                    line["number"],
                    "number",
                    f"the year {number_year} does not match the year of date ({values['date'].year})",
                )
            )
    if "date" in values and "updated" in values and values["updated"] <= values["date"]:
        errors.append(ContentError(document.path, line["updated"], "updated", "must be later than date"))
    errors.extend(_companion_errors(document))
    errors.extend(_correction_errors(document, values))
    errors.extend(_withdrawal_errors(document, values))
    if "contact" not in document.entries:
        values["contact"] = context.registries.contacts.get(context.default_contact)
    if "title" in values and "slug" not in document.entries and not german_slug(values["title"]):
        errors.append(ContentError(document.path, line["title"], "slug", "cannot be derived from the title; add a slug field"))
    return values, errors


def validate_page(document: Document, context: Context) -> tuple[dict, list[ContentError]]:
    """Static page fields as Python values, or the list of what is wrong."""
    values, errors = _parse_fields(document, PAGE_FIELDS, context)
    if "title" in values and "slug" not in document.entries and not german_slug(values["title"]):
        errors.append(
            ContentError(
                document.path, document.entries["title"].line, "slug", "cannot be derived from the title; add a slug field"
            )
        )
    return values, errors
