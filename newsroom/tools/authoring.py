"""``invoke new``: start a release file with the next free number and today's date."""

from __future__ import annotations

import datetime as dt
import os

import yaml

from ..content.dates import BERLIN
from ..content.frontmatter import parse
from ..content.preread import source_files
from ..content.registry import DEPARTMENTS, load_registry
from ..content.release import NUMBER_PATTERN
from ..content.slugs import german_slug
from ..settings import data_dir, newsroom


class AuthoringError(Exception):
    """A new release cannot be written as asked; the message says why."""


def used_numbers(settings: dict, year: int) -> set[int]:
    """Serial numbers already taken in ``year``, from every release file that can be read."""
    taken = set()
    for path in source_files(settings):
        with open(path, "rb") as handle:
            document, _ = parse(path, handle.read())
        entry = document.entries.get("number") if document else None
        if entry is None or not isinstance(entry.node, yaml.ScalarNode):
            continue
        match = NUMBER_PATTERN.match(entry.node.value.strip())
        if match and int(match.group(2)) == year:
            taken.add(int(match.group(1)))
    return taken


def new_release(settings: dict, title: str, department: str, now: dt.datetime | None = None) -> str:
    """Write a release skeleton and return its path; never overwrites a file."""
    departments, _ = load_registry(os.path.join(data_dir(settings), DEPARTMENTS.filename), DEPARTMENTS)
    if department not in departments:
        raise AuthoringError(f"{department!r} is not a department; known: {', '.join(sorted(departments))}")
    if not title.strip():
        raise AuthoringError("the title must not be empty")
    now = (now or dt.datetime.now(BERLIN)).astimezone(BERLIN).replace(second=0, microsecond=0)
    number = max(used_numbers(settings, now.year), default=0) + 1
    options = newsroom(settings)
    slug = german_slug(title, options.slug_max_length)
    folder = os.path.join(settings["PATH"], options.releases_dir, str(now.year))
    path = os.path.join(folder, f"{slug}.md")
    if os.path.exists(path):
        raise AuthoringError(f"{path} already exists; choose another title")
    front_matter = yaml.safe_dump(
        {
            "title": title.strip(),
            "date": now.strftime("%Y-%m-%d %H:%M"),
            "number": f"{number}/{now.year}",
            "department": department,
            "tags": [],
        },
        allow_unicode=True,
        sort_keys=False,
    )
    os.makedirs(folder, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(f"---\n{front_matter}---\n\nVorspann: Wer, was, wann, wo.\n\nText der Pressemitteilung.\n")
    return path
