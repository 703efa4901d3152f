"""``invoke new``: start a release file with the next free number (or, without numbers, a fresh id), checked by the
build's own rules.

The skeleton is validated with ``validate_release`` before it is written, so a
bad ``--date``, an unknown ``--department`` or ``--contact`` key or a topic in
``--tags`` gets the build's message, and a written file always builds.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import yaml

from ..content.dates import BERLIN, parse_datetime
from ..content.frontmatter import parse
from ..content.numbering import Numbering
from ..content.preread import source_files
from ..content.registry import load_registries
from ..content.rules import Context, validate_release
from ..content.slugs import german_slug
from ..errors import FieldError, display_path
from ..settings import data_dir, newsroom
from ..site.clock import read_now


class AuthoringError(Exception):
    """A new release cannot be written as asked; the message says why."""


def written_values(settings: dict, name: str) -> list[str]:
    """The text of field ``name`` in every release file that can be read (numbers and ids taken)."""
    found = []
    for path in source_files(settings):
        with open(path, "rb") as handle:
            document, _ = parse(path, handle.read())
        entry = document.entries.get(name) if document else None
        if entry is not None and isinstance(entry.node, yaml.ScalarNode):
            found.append(entry.node.value)
    return found


# The command-line option each release field comes from, for the messages.
OPTIONS = {"title": "title", "date": "--date", "department": "--department", "contact": "--contact", "tags": "--tags"}


@dataclass(frozen=True)
class NewRelease:
    """What ``invoke new`` wrote: the file, and where the built page will be."""

    path: str
    url: str  # site-relative, as ARTICLE_URL gives it
    embargoed: bool


def publication_time(date: str, embargo: str, now: dt.datetime) -> tuple[dt.datetime, bool]:
    """The release's date from ``--date`` or ``--embargo`` (which must lie after now), else now; and if it is embargoed."""
    if date and embargo:
        raise AuthoringError("give --date or --embargo, not both (an embargo is a date in the future)")
    if not (date or embargo):
        return now, False
    option, written = ("--embargo", embargo) if embargo else ("--date", date)
    try:
        value = parse_datetime(written)  # the rule of the date field
    except FieldError as error:
        raise AuthoringError(f"{option}: {error}") from None
    if embargo and value <= now:
        raise AuthoringError(f"--embargo: {written!r} is not in the future (now: {now:%Y-%m-%d %H:%M}); a past date is --date")
    return value, value > now


def topic_list(tags: str) -> list[str]:
    """``"Verkehr, Schule"`` as a list; the topics' rules are checked with the rest of the release."""
    return [tag.strip() for tag in tags.split(",")] if tags.strip() else []


def written_time(value: dt.datetime) -> str:
    """Berlin time as editors write it; seconds only when given."""
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")


def new_release(
    settings: dict,
    title: str,
    department: str,
    now: dt.datetime | None = None,
    date: str = "",
    embargo: str = "",
    contact: str = "",
    tags: str = "",
) -> NewRelease:
    """Write a release skeleton that passes the build's own rules; never overwrites a file."""
    now = (now or read_now()).astimezone(BERLIN).replace(second=0, microsecond=0)
    published, embargoed = publication_time(date, embargo, now)
    numbering = Numbering.of(settings)
    fields = {
        "title": title.strip(),
        "date": written_time(published),
        **numbering.new_naming(published.year, lambda name: written_values(settings, name)),
        "department": department,
        **({"contact": contact} if contact else {}),
        "tags": topic_list(tags),
    }
    front_matter = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    text = f"---\n{front_matter}---\n\nVorspann: Wer, was, wann, wo.\n\nText der Pressemitteilung.\n"
    options = newsroom(settings)
    document, errors = parse("new", text.encode())
    context = Context(
        content_path=settings["PATH"],
        registries=load_registries(data_dir(settings), options.default_contact),
        data_dir_name=display_path(data_dir(settings)),
        default_contact=options.default_contact,
        numbering=numbering,
        slug_max_length=options.slug_max_length,
    )
    values, errors = validate_release(document, context) if document else ({}, errors)
    if errors:
        option_of = {**OPTIONS, "date": "--embargo" if embargo else "--date"}
        raise AuthoringError("\n".join(f"{option_of.get(error.field, error.field)}: {error.message}" for error in errors))
    slug = german_slug(values["title"], options.slug_max_length)
    folder = os.path.join(settings["PATH"], options.releases_dir, str(published.year))
    path = os.path.join(folder, f"{slug}.md")
    if os.path.exists(path):
        raise AuthoringError(f"{display_path(path)} already exists; choose another title")
    os.makedirs(folder, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    identity = numbering.identify(values)
    url = settings["ARTICLE_URL"].format(release_year=identity.address_year, release_no=identity.address_no, slug=slug)
    return NewRelease(path, url, embargoed)
