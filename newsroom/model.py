"""The press-release and page model: which front-matter fields exist and their rules.

Rules are stated as data (one ``Field`` per name, then cross-field rules) and
every rule runs, so an editor sees all problems of a file at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

import yaml
from PIL import Image, UnidentifiedImageError

from .dates import parse_datetime
from .errors import ContentError, FieldError, short_repr
from .frontmatter import Document, unpublishable_character
from .registry import Registries
from .slugs import german_slug, is_slug

NUMBER_PATTERN = re.compile(r"^([1-9][0-9]{0,5})/([0-9]{4})$")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
STATUSES = ("published", "draft")


@dataclass
class Context:
    """What field rules need besides the file itself."""

    content_path: str
    registries: Registries
    data_dir_name: str  # as shown in messages
    default_contact: str
    slug_max_length: int = 60


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


def text(document: Document, name: str, context: Context) -> str:
    value = document.value(name)
    if value is None:
        raise FieldError("is empty; give a value or remove the line")
    if not isinstance(value, str):
        hint = "; put the value in quotes" if isinstance(value, (int, float, bool, dt.date)) else ""
        raise FieldError(f"expected text, got {describe(value)}{hint}")
    if not value.strip():
        raise FieldError("must not be empty")
    return printable(value.strip())


def printable(value: str) -> str:
    char = unpublishable_character(value)
    if char is not None:
        raise FieldError(f"contains the character U+{ord(char):04X}, which cannot be published; remove it")
    return value


def date_time(document: Document, name: str, context: Context) -> dt.datetime:
    node = document.entries[name].node
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        raise FieldError(f"expected a date, got {describe(document.value(name))}")
    return parse_datetime(node.value)


def release_number(document: Document, name: str, context: Context) -> tuple[int, int]:
    value = document.value(name)
    if not isinstance(value, str) or not NUMBER_PATTERN.match(value.strip()):
        raise FieldError(
            f"{short_repr(value)} is not a release number; write 'N/YYYY' such as '422/2017'"
        )
    serial, year = NUMBER_PATTERN.match(value.strip()).groups()
    return int(serial), int(year)


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
        printable(item)
        slug = german_slug(item)
        if not slug:
            raise FieldError(f"topic {short_repr(item)} has no letters or digits")
        if slug in seen:
            raise FieldError(f"topic {short_repr(item)} is listed twice")
        seen.add(slug)
        result.append(item.strip())
    return result


def image(document: Document, name: str, context: Context) -> dict:
    relative = text(document, name, context).lstrip("/")
    root = os.path.realpath(context.content_path)
    full = os.path.realpath(os.path.join(root, relative))
    if os.path.commonpath([root, full]) != root:
        raise FieldError(f"{short_repr(relative)} is outside the content directory")
    if not relative.lower().endswith(IMAGE_EXTENSIONS):
        raise FieldError(f"{short_repr(relative)} is not an image; allowed: {', '.join(IMAGE_EXTENSIONS)}")
    if not os.path.isfile(full):
        raise FieldError(f"image file {short_repr(relative)} does not exist under the content directory")
    try:
        with Image.open(full) as picture:
            width, height = picture.size
    except (UnidentifiedImageError, OSError) as error:
        raise FieldError(f"{short_repr(relative)} cannot be read as an image ({error})") from None
    return {"url": relative.replace(os.sep, "/"), "width": width, "height": height}


def slug(document: Document, name: str, context: Context) -> str:
    value = text(document, name, context)
    if not is_slug(value):
        raise FieldError(f"{short_repr(value)} is not a slug; use lower-case letters, digits and single hyphens")
    if len(value) > context.slug_max_length:
        raise FieldError(f"is {len(value)} characters long; at most {context.slug_max_length} are allowed")
    return value


def choice(*allowed: str) -> Callable[[Document, str, Context], str]:
    def parse(document: Document, name: str, context: Context) -> str:
        value = text(document, name, context)
        if value not in allowed:
            raise FieldError(f"{short_repr(value)} is not allowed; choose one of {', '.join(allowed)}")
        return value

    return parse


RELEASE_FIELDS: dict[str, Field] = {
    "title": Field(text, required=True),
    "date": Field(date_time, required=True),
    "number": Field(release_number, required=True),
    "department": Field(registry_key("departments"), required=True),
    "contact": Field(registry_key("contacts")),
    "tags": Field(topics),
    "summary": Field(text),
    "image": Field(image),
    "image_alt": Field(text),
    "image_credit": Field(text),
    "updated": Field(date_time),
    "update_note": Field(text),
    "slug": Field(slug),
    "status": Field(choice(*STATUSES)),
}

PAGE_FIELDS: dict[str, Field] = {
    "title": Field(text, required=True),
    "slug": Field(slug),
    "summary": Field(text),
    "status": Field(choice(*STATUSES)),
}


def _parse_fields(document: Document, fields: dict[str, Field], context: Context):
    values: dict[str, Any] = {}
    errors: list[ContentError] = []
    for name, entry in document.entries.items():
        if name not in fields:
            guess = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]!r}?" if guess else f"allowed: {', '.join(fields)}"
            errors.append(ContentError(document.path, entry.line, name, f"unknown field; {hint}"))
            continue
        try:
            values[name] = fields[name].parse(document, name, context)
        except FieldError as error:
            errors.append(ContentError(document.path, entry.line, name, str(error)))
    for name, field in fields.items():
        if field.required and name not in document.entries:
            errors.append(ContentError(document.path, 1, name, "is required but missing"))
    return values, errors


# (field, the field it belongs to, whether it is required with that field)
COMPANION_FIELDS = (
    ("update_note", "updated", True),
    ("image_alt", "image", True),
    ("image_credit", "image", False),
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


def validate_release(document: Document, context: Context) -> tuple[dict, list[ContentError]]:
    """Release fields as Python values, or the list of everything wrong with them."""
    values, errors = _parse_fields(document, RELEASE_FIELDS, context)
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
    if "contact" not in document.entries:
        values["contact"] = context.registries.contacts.get(context.default_contact)
    if "title" in values and "slug" not in document.entries and not german_slug(values["title"]):
        errors.append(ContentError(document.path, line["title"], "slug", "cannot be derived from the title; add a slug field"))
    return values, errors


def validate_page(document: Document, context: Context) -> tuple[dict, list[ContentError]]:
    """Static page fields as Python values, or the list of what is wrong."""
    values, errors = _parse_fields(document, PAGE_FIELDS, context)
    if "title" in values and "slug" not in document.entries and not german_slug(values["title"]):
        errors.append(ContentError(document.path, document.entries["title"].line, "slug", "cannot be derived from the title; add a slug field"))
    return values, errors
