"""``invoke import``: old press releases (plain text, saved berlin.de pages) into release files that build.

For every ``.txt`` and ``.html`` input (folders are searched), one release
under ``content/releases/<year>/``: the readers (``text``, ``html``) cut the
input into blocks, ``blocks`` finds what the site shows by itself (date line
and number, contact block, signature, picture credit) and the quotations,
and ``writing`` puts it into the site's form; ``invoke check`` runs over the
content once the files are written, and takes out again what would not build.
Inputs are read in forked workers (a pure function of the file); planning
and writing run in order in this process, as each input can take what a
later one would (a number, a file name, a new contact).

Nothing lost, nothing invented: text no rule placed stays in the body, in
order; what was left out or could not be placed is a note
``input:line: …``; an input that cannot become a valid release (no date, a
number in another scheme than the site's) is not imported and says why; a
release that exists already (same number; for an office without numbers,
same date and title) is skipped, so a second run writes nothing.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from pelican.settings import read_settings

from ...content.markup import MarkdownRenderer
from ...content.numbering import Numbering
from ...content.registry import Registries, load_registries
from ...content.slugs import german_slug
from ...errors import display_path
from ...processes import forked_pool
from ...settings import data_dir, newsroom
from ..check import Check, check_content
from .blocks import Found, recognise
from .html import Page, read_page
from .text import UnreadableInput, read_text
from .writing import (
    ContactBook,
    Existing,
    Picture,
    Planned,
    Refused,
    append_contacts,
    checked,
    copy_picture,
    date_text,
    front_matter,
    number_of,
    old_address,
    picture_of,
    release_time,
    title_key,
    topics,
)

READERS = {".txt": "text", ".html": "html", ".htm": "html"}
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Fewer inputs are read here: starting workers costs more than they save.
PARALLEL_FROM = 50
CHUNK_SIZE = 16


class ImportRefused(Exception):
    """Nothing can be imported as asked (an unknown key, broken registries); the message says why."""


@dataclass
class Outcome:
    """What a run did, as lines to print, and its counts."""

    lines: list[str] = field(default_factory=list)
    written: int = 0
    skipped: int = 0
    refused: int = 0
    notes: int = 0
    check: Check | None = None

    @property
    def failed(self) -> bool:
        return bool(self.refused or (self.check and self.check.errors))


def input_files(paths: list[str]) -> tuple[list[str], list[str]]:
    """The inputs in a stable order (folders searched, saved pages' ``…_files`` folders not), and the paths that are none."""
    files, problems = [], []
    for path in paths:
        if os.path.isdir(path):
            for folder, folders, names in os.walk(path):
                folders[:] = sorted(name for name in folders if not name.endswith("_files") and not name.startswith("."))
                files.extend(os.path.join(folder, name) for name in sorted(names)
                             if os.path.splitext(name)[1].lower() in READERS and not name.startswith("."))
        elif os.path.isfile(path) and os.path.splitext(path)[1].lower() in READERS:
            files.append(path)
        elif os.path.exists(path):
            problems.append(f"{path}: is neither a .txt nor an .html file; not imported")
        else:
            problems.append(f"{path}: does not exist")
    return files, problems


def text_picture(path: str) -> str:
    """The picture saved next to a text input under the same name (``baenke.txt``, ``baenke.jpg``), or ''."""
    stem = os.path.splitext(path)[0]
    return next((stem + suffix for suffix in PICTURE_SUFFIXES if os.path.isfile(stem + suffix)), "")


@dataclass
class Read:
    """One input as its reader and the rules left it (what ``plan`` needs), or why it cannot be imported."""

    title: str = ""
    found: Found | None = None
    page: Page | None = None
    picture: str = ""  # the picture file saved with it
    notes: list[tuple[int, str]] = field(default_factory=list)
    refusal: tuple[int, str] | None = None


def read_input(job: tuple[str, str, str]) -> Read:
    """Read one input (``path``, the office's name and unit): a pure function of the file, so it runs in workers."""
    path, office, unit = job
    read = Read()
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        if READERS[os.path.splitext(path)[1].lower()] == "html":
            read.page = read_page(raw, path, office)
            title, blocks = read.page.title, read.page.blocks
            read.picture = read.page.image.path if read.page.image else ""
            read.notes.extend(read.page.notes)
        else:
            title, blocks, notes = read_text(raw)
            read.picture = text_picture(path)
            read.notes.extend(notes)
    except UnreadableInput as problem:
        read.refusal = (1, str(problem))
        return read
    except OSError as error:
        read.refusal = (1, f"cannot be read: {error.strerror}")
        return read
    if title is None or not title.text:
        read.refusal = (1, "has no headline")
        return read
    read.title = title.text
    read.found = recognise(blocks, office, unit, picture=bool(read.picture))
    read.notes.extend(read.found.notes)
    return read


def read_inputs(files: list[str], office: str, unit: str, workers: int) -> Iterator[Read]:
    """Every input read, in the order of ``files``; in forked workers when there are many."""
    jobs = [(path, office, unit) for path in files]
    if workers < 2 or len(files) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(read_input, jobs)
        return
    with forked_pool(workers) as pool:
        yield from pool.imap(read_input, jobs, chunksize=CHUNK_SIZE)


def import_releases(settings_file: str, content: str, paths: list[str], department: str, contact: str = "",
                    dry_run: bool = False) -> Outcome:
    """Import every input; with ``dry_run`` only say what would be written."""
    settings = read_settings(settings_file, override={"PATH": os.path.abspath(content)})
    options = newsroom(settings)
    registries = load_registries(data_dir(settings), options.default_contact)
    if registries.errors:
        raise ImportRefused("\n".join(error.format() for error in registries.errors))
    for option, key, registry in (("--department", department, "departments"), ("--contact", contact, "contacts")):
        entries = getattr(registries, registry)
        if key and key not in entries:
            raise ImportRefused(f"{option}: {key!r} is not a key of {display_path(data_dir(settings))}/{registry}.yml; "
                                f"known keys: {', '.join(sorted(entries))}")
    files, problems = input_files(paths)
    outcome = Outcome(lines=list(problems), refused=len(problems))
    run = Run(settings, department, contact, dry_run, registries)
    workers = options.reading_workers or os.cpu_count() or 1
    for path, read in zip(files, read_inputs(files, options.office_name, options.office_unit, workers), strict=True):
        run.one(path, read, outcome)
    if not dry_run:
        append_contacts(settings, run.book)
    verb = "would be" if dry_run else "were"
    for added in run.book.added:
        outcome.lines.append(f"New contact {added.key!r} ({added.entry['name']}) {verb} added to contacts.yml "
                             f"(from {added.source})")
    if not dry_run and outcome.written:
        outcome.check = run.checked(settings_file, content, outcome)
    written = "would be written" if dry_run else "written"
    outcome.lines.append(f"{len(files)} inputs: {outcome.written} {'release' if outcome.written == 1 else 'releases'} "
                         f"{written}, {outcome.skipped} skipped (already there), {outcome.refused} not imported, "
                         f"{outcome.notes} {'note' if outcome.notes == 1 else 'notes'}.")
    return outcome


class Run:
    """One import: the site's facts read once, and what earlier inputs of the run took (numbers, files, contacts)."""

    def __init__(self, settings: dict, department: str, contact: str, dry_run: bool, registries: Registries):
        self.settings = settings
        self.options = newsroom(settings)
        self.department = department
        self.contact = contact
        self.dry_run = dry_run
        self.registries = registries
        self.numbering = Numbering.of(settings)
        self.existing = Existing.read(settings, self.numbering)
        self.book = ContactBook(registries)
        self.renderer = MarkdownRenderer()
        self.written: dict[str, tuple[Planned, bool]] = {}  # shown path -> the release, whether its picture was copied

    def one(self, path: str, read: Read, outcome: Outcome) -> None:
        shown = display_path(path)
        notes = read.notes
        added = len(self.book.added)
        try:
            if read.refusal:
                raise Refused(*read.refusal)
            planned = self.plan(read, shown, notes)
            self.write(planned)
        except Skipped as skip:
            outcome.skipped += 1
            outcome.lines.append(f"Skipped: {shown}: {skip}")
            return
        except Refused as refusal:
            for new in self.book.added[added:]:
                del self.book.entries[new.key]
            del self.book.added[added:]
            outcome.refused += 1
            outcome.lines.append(f"{shown}:{refusal.line}: not imported: {refusal}")
        else:
            self.remember(planned)
            outcome.written += 1
            verb = "Would write" if self.dry_run else "Written"
            picture = f", picture {planned.picture.target}" if planned.picture else ""
            outcome.lines.append(f"{verb}: {display_path(planned.path)} (from {shown}{picture})")
        outcome.notes += len(notes)
        outcome.lines.extend(f"{shown}:{line}: {message}" for line, message in sorted(notes, key=lambda note: note[0]))

    def remember(self, planned: Planned) -> None:
        """What a written release takes, so a later input of the run cannot take it again."""
        existing, shown = self.existing, display_path(planned.path)
        if planned.number is not None:
            existing.numbers[planned.number] = shown
        existing.days_titles[planned.day_title] = shown
        existing.ids.add(planned.identifier)
        existing.paths.add(planned.path)

    def plan(self, read: Read, shown: str, notes: list[tuple[int, str]]) -> Planned:
        title, found, page, picture_file = read.title, read.found, read.page, read.picture
        when, timed = release_time(found, page, notes)
        number = number_of(found, self.numbering)
        existing = self.existing
        if number is not None and number in existing.numbers:
            raise Skipped(f"release {number} is already {existing.numbers[number]}")
        day_title = (when.date(), title_key(title))
        if number is None and day_title in existing.days_titles:
            raise Skipped(f"a release of {when:%d.%m.%Y} with this headline is already {existing.days_titles[day_title]}")
        slug = german_slug(title, self.options.slug_max_length) or "pressemitteilung"
        fields: dict = {"title": title}
        if number is not None:
            fields["number"] = str(number)
        else:
            fields["id"] = self.numbering.fresh_id(existing.ids)
        fields["department"] = self.department
        key = self.book.key_for(found.contact, shown, notes) if found.contact else None
        if key or self.contact:
            fields["contact"] = key or self.contact
        tags = topics(page.keywords, self.options.slug_max_length, notes) if page else []
        if tags:
            fields["tags"] = tags
        picture = self.picture(picture_file, found, page, when.year, slug, notes)
        if picture is not None:
            fields["image"] = picture.target
            fields["image_alt"] = picture.alt
            if picture.credit:
                fields["image_credit"] = picture.credit
        alias = old_address(page.canonical, notes) if page else ""
        if alias:
            fields["aliases"] = [alias]
        body = "\n\n".join(block.markdown() for block in found.body)
        if not body:
            notes.append((1, "has no text below the headline and date line"))
        text = front_matter(fields, date_text(when, timed)) + (f"\n{body}\n" if body else "")
        return Planned(shown, self.release_path(when.year, slug, number), text, picture, number, day_title,
                       fields.get("id", ""))

    def picture(self, source: str, found: Found, page: Page | None, year: int, slug: str,
                notes: list[tuple[int, str]]) -> Picture | None:
        if not source:
            return None
        image = page.image if page else None
        caption = (image.caption if image else "") or found.caption
        alt = (image.alt if image else "") or caption
        credit = (image.credit if image else "") or found.credit
        if image and image.alt and caption and caption != image.alt:
            notes.append((image.line, f"the caption {caption!r} was left out; the picture's alt text is image_alt"))
        return picture_of(source, alt, credit, year, slug, self.settings["PATH"], notes,
                          image.line if image else found.credit_line or 1)

    def release_path(self, year: int, slug: str, number) -> str:
        """``releases/<year>/<slug>.md``; another release's file of that name keeps it, this one gets the number."""
        folder = os.path.join(os.path.abspath(self.settings["PATH"]), self.options.releases_dir, str(year))
        names = [slug] + ([f"{slug}-{number.serial}"] if number else []) + [f"{slug}-{count}" for count in range(2, 1000)]
        return next(path for name in names if (path := os.path.join(folder, f"{name}.md")) not in self.existing.paths)

    def write(self, planned: Planned) -> None:
        """Write the release and copy its picture; a dry run checks it with the build's rules instead."""
        if self.dry_run:
            registries = Registries(self.registries.departments, self.book.entries)
            if problems := checked(planned, self.settings, registries, self.renderer):
                raise Refused(1, "the release would not build: " + "; ".join(problems))
            return
        made = bool(planned.picture) and copy_picture(planned.picture, self.settings["PATH"])
        os.makedirs(os.path.dirname(planned.path), exist_ok=True)
        with open(planned.path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(planned.text)
        self.written[display_path(planned.path)] = (planned, made)

    def checked(self, settings_file: str, content: str, outcome: Outcome) -> Check:
        """``invoke check`` over all content; an imported release it finds fault with is taken out again (and said why)."""
        check = check_content(settings_file, content)
        faulty: dict[str, list[str]] = {}
        for error in check.errors:
            if error.path in self.written:
                faulty.setdefault(error.path, []).append(f"{error.field + ': ' if error.field else ''}{error.message}")
        for shown, problems in faulty.items():
            planned, made = self.written.pop(shown)
            os.remove(planned.path)
            if made:
                os.remove(os.path.join(self.settings["PATH"], planned.picture.target))
            outcome.written -= 1
            outcome.refused += 1
            outcome.lines.append(f"{planned.input}:1: not imported (removed again): the release would not build: "
                                 + "; ".join(problems))
        return check_content(settings_file, content) if faulty else check


class Skipped(Exception):
    """The release exists already; the message names its file."""
