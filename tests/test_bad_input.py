"""Every bad-input rule gives its exact `path:line: field: message`; the build then stops and keeps its output.

The rules of one file (``newsroom/content/frontmatter.py`` and ``newsroom/content/rules.py``:
every field of ``RELEASE_FIELDS`` and ``PAGE_FIELDS`` and the cross-field
rules) are checked in this process through ``read_source``, the function
both the build and ``invoke check`` read with: one case per rule, each
asserting the complete list of messages. The build tests below refuse content
in a copy of a built site for what only a build shows: every message in the
build's order, the earlier output byte for byte, and ``invoke check`` saying
the same; two of them run the `pelican` command for exit status 1 and no
traceback, the others build in this process (``refused_build``). Length limits and invisible characters are
in tests/test_text_limits.py; alias collisions across files in tests/test_links.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from newsroom.content.rules import PAGE_FIELDS, RELEASE_FIELDS
from newsroom.errors import ContentError
from newsroom.tools.check import check_content

from helpers import FIXTURE_SITE, SETTINGS, Reading, refusal_printed, tree_digest

GOOD = """---
title: Neue Öffnungszeiten im Rathaus
date: 2024-10-04 10:30
number: "430/2024"
department: bauen
---
Das Rathaus öffnet künftig schon um 7 Uhr.
"""
RELEASE = "releases/2024/bad.md"
PAGE = "pages/kaputt.md"
PICTURE = "image: images/foto.jpg\nimage_alt: Das Rathaus am Morgen\n"


def replace_field(field: str, line: str) -> str:
    """GOOD with one front-matter line replaced (or removed when ``line`` is empty)."""
    lines = GOOD.split("\n")
    index = next(i for i, item in enumerate(lines) if item.startswith(field + ":"))
    lines[index : index + 1] = [line] if line else []
    return "\n".join(lines)


def with_fields(lines: str) -> str:
    """GOOD with front-matter lines added after its four fields (so from line 6 on)."""
    return GOOD.replace("---\nDas", lines.rstrip("\n") + "\n---\nDas")


CORRECTION_FORM = "use either updated with update_note (one correction) or corrections (several), not both"
KNOWN_FIELDS = ", ".join(RELEASE_FIELDS)
FOCUS_EXAMPLE = "write [x, y] with fractions from 0 (left/top) to 1 (right/bottom), such as [0.5, 0.3]"

# name: (the file, every message it gives, paths relative to the content folder)
RELEASE_RULES: dict[str, tuple[str | bytes, list[str]]] = {
    # --- the file as a whole (frontmatter.py)
    "empty-file": ("", ["releases/2024/bad.md: the file is empty; a release needs front matter and a text"]),
    "not-utf8": (
        "---\ntitle: Grüße\n---\n".encode("latin-1"),
        ["releases/2024/bad.md:2: the file is not valid UTF-8 (byte 0xfc at position 13); save it as UTF-8"],
    ),
    "no-front-matter": (
        "Nur Text ohne Kopf.\n",
        [
            "releases/2024/bad.md:1: no front matter: the file must start with a '---' line, then 'field: value' lines, "
            "then another '---' line"
        ],
    ),
    "unclosed-front-matter": ("---\ntitle: Offen\n", ["releases/2024/bad.md:1: the front matter is not closed by a '---' line"]),
    "empty-front-matter": ("---\n---\nText.\n", ["releases/2024/bad.md:1: the front matter is empty"]),
    "front-matter-not-mapping": (
        "---\n- eins\n- zwei\n---\nText.\n",
        ["releases/2024/bad.md:2: the front matter must be 'field: value' lines"],
    ),
    "malformed-yaml": (
        replace_field("title", "title: Neue: Öffnungszeiten"),
        ["releases/2024/bad.md:2: invalid YAML: mapping values are not allowed here"],
    ),
    "field-name-not-a-word": (
        with_fields("[ort]: Rathaus"),
        ["releases/2024/bad.md:6: field names must be plain words such as 'title'"],
    ),
    "duplicate-field": (with_fields("title: Nochmal"), ["releases/2024/bad.md:6: title: appears twice (first on line 2)"]),
    "control-character-in-text": (
        GOOD.replace("schon um", "schon\x08 um"),
        [
            "releases/2024/bad.md:7: the text contains the character U+0008, which pages and feeds cannot carry; delete it "
            "(it is often invisible: retype the line)"
        ],
    ),
    # --- which fields exist (model._parse_fields)
    "unknown-field-close-to-one": (
        GOOD.replace("title:", "tilte:"),
        [
            "releases/2024/bad.md:1: title: is required but missing",
            "releases/2024/bad.md:2: tilte: unknown field; did you mean 'title'?",
        ],
    ),
    "unknown-field": (with_fields("farbe: blau"), [f"releases/2024/bad.md:6: farbe: unknown field; allowed: {KNOWN_FIELDS}"]),
    "missing-title": (replace_field("title", ""), ["releases/2024/bad.md:1: title: is required but missing"]),
    "missing-date": (replace_field("date", ""), ["releases/2024/bad.md:1: date: is required but missing"]),
    "missing-number": (replace_field("number", ""), ["releases/2024/bad.md:1: number: is required but missing"]),
    "missing-department": (replace_field("department", ""), ["releases/2024/bad.md:1: department: is required but missing"]),
    # --- text fields
    "null-text": (replace_field("title", "title:"), ["releases/2024/bad.md:2: title: is empty; give a value or remove the line"]),
    "blank-text": (replace_field("title", 'title: "  "'), ["releases/2024/bad.md:2: title: must not be empty"]),
    "list-for-text": (
        replace_field("title", "title: [Eins, Zwei]"),
        ["releases/2024/bad.md:2: title: expected text, got a list"],
    ),
    "mapping-for-text": (
        with_fields("summary: {kurz: Rathaus}"),
        ["releases/2024/bad.md:6: summary: expected text, got a mapping"],
    ),
    "number-for-text": (
        replace_field("title", "title: 2024"),
        ["releases/2024/bad.md:2: title: expected text, got a number (2024); put the value in quotes"],
    ),
    "yes-for-text": (
        with_fields("image_credit: yes\n" + PICTURE),
        ["releases/2024/bad.md:6: image_credit: expected text, got true/false; put the value in quotes"],
    ),
    "date-for-text": (
        with_fields("summary: 2024-10-04"),
        ["releases/2024/bad.md:6: summary: expected text, got a date; put the value in quotes"],
    ),
    # --- dates
    "impossible-date": (
        replace_field("date", "date: 2016-02-30"),
        ["releases/2024/bad.md:3: date: '2016-02-30' is not a valid date: day is out of range for month"],
    ),
    "not-a-date": (
        replace_field("date", "date: morgen"),
        [
            "releases/2024/bad.md:3: date: 'morgen' is not an ISO 8601 date; write for example 2017-10-04, 2017-10-04 10:30 "
            "or 2017-10-04T10:30:00+02:00"
        ],
    ),
    "null-date": (replace_field("date", "date:"), ["releases/2024/bad.md:3: date: expected a date, got nothing"]),
    "list-for-date": (replace_field("date", "date: [2024-10-04]"), ["releases/2024/bad.md:3: date: expected a date, got a list"]),
    "updated-not-a-date": (
        with_fields("updated: bald\nupdate_note: Korrigiert."),
        [
            "releases/2024/bad.md:6: updated: 'bald' is not an ISO 8601 date; write for example 2017-10-04, 2017-10-04 "
            "10:30 or 2017-10-04T10:30:00+02:00"
        ],
    ),
    "updated-before-date": (
        with_fields("updated: 2024-10-01 10:00\nupdate_note: Korrigiert."),
        ["releases/2024/bad.md:6: updated: must be later than date"],
    ),
    "updated-at-date": (
        with_fields("updated: 2024-10-04 10:30\nupdate_note: Korrigiert."),
        ["releases/2024/bad.md:6: updated: must be later than date"],
    ),
    # --- release numbers
    "number-not-text": (
        replace_field("number", "number: 430"),
        ["releases/2024/bad.md:4: number: 430 is not a release number; write 'N/YYYY' such as '422/2017'"],
    ),
    "number-with-leading-zero": (
        replace_field("number", 'number: "0430/2024"'),
        ["releases/2024/bad.md:4: number: '0430/2024' is not a release number; write 'N/YYYY' such as '422/2017'"],
    ),
    "number-with-short-year": (
        replace_field("number", 'number: "430/24"'),
        ["releases/2024/bad.md:4: number: '430/24' is not a release number; write 'N/YYYY' such as '422/2017'"],
    ),
    "number-year-mismatch": (
        replace_field("number", 'number: "430/2023"'),
        ["releases/2024/bad.md:4: number: the year 2023 does not match the year of date (2024)"],
    ),
    # --- registries
    "unknown-department": (
        replace_field("department", "department: kultur"),
        ["releases/2024/bad.md:5: department: 'kultur' is not a key of data/departments.yml; known keys: bauen, umwelt"],
    ),
    "unknown-contact": (
        with_fields("contact: niemand"),
        ["releases/2024/bad.md:6: contact: 'niemand' is not a key of data/contacts.yml; known keys: pressestelle, umwelt"],
    ),
    "number-for-department": (
        replace_field("department", "department: 5"),
        ["releases/2024/bad.md:5: department: expected text, got a number (5); put the value in quotes"],
    ),
    # --- topics
    "text-for-topics": (
        with_fields("tags: Verkehr"),
        ["releases/2024/bad.md:6: tags: expected a list of topics such as [Verkehr, Schule], got 'Verkehr'"],
    ),
    "topic-not-text": (
        with_fields("tags: [Verkehr, 5]"),
        ["releases/2024/bad.md:6: tags: every topic must be text, got a number (5)"],
    ),
    "empty-topic": (with_fields('tags: [Verkehr, ""]'), ["releases/2024/bad.md:6: tags: every topic must be text, got ''"]),
    "topic-without-letters": (
        with_fields('tags: ["!!!"]'),
        ["releases/2024/bad.md:6: tags: topic '!!!' has no letters or digits"],
    ),
    "topic-twice": (with_fields("tags: [Straße, strasse]"), ["releases/2024/bad.md:6: tags: topic 'strasse' is listed twice"]),
    # --- images
    "image-outside-content": (
        with_fields("image: ../geheim.jpg\nimage_alt: Geheim"),
        ["releases/2024/bad.md:6: image: '../geheim.jpg' is outside the content directory"],
    ),
    "image-not-a-picture": (
        with_fields("image: images/plan.pdf\nimage_alt: Lageplan"),
        ["releases/2024/bad.md:6: image: 'images/plan.pdf' is not an image; allowed: .jpg, .jpeg, .png, .webp"],
    ),
    "missing-image": (
        with_fields("image: images/fehlt.jpg\nimage_alt: Ein Bild"),
        ["releases/2024/bad.md:6: image: image file 'images/fehlt.jpg' does not exist under the content directory"],
    ),
    "unreadable-image": (
        with_fields("image: images/kaputt.jpg\nimage_alt: Ein Bild"),
        [
            "releases/2024/bad.md:6: image: 'images/kaputt.jpg' cannot be read as an image (cannot identify image file "
            "'images/kaputt.jpg')"
        ],
    ),
    "focus-not-a-list": (
        with_fields(PICTURE + "image_focus: 0.5"),
        [f"releases/2024/bad.md:8: image_focus: expected a list of two numbers, got a number (0.5); {FOCUS_EXAMPLE}"],
    ),
    "focus-one-number": (
        with_fields(PICTURE + "image_focus: [0.5]"),
        [f"releases/2024/bad.md:8: image_focus: expected two numbers, got 1; {FOCUS_EXAMPLE}"],
    ),
    "focus-word": (
        with_fields(PICTURE + "image_focus: [0.5, oben]"),
        [f"releases/2024/bad.md:8: image_focus: y must be a number, got 'oben'; {FOCUS_EXAMPLE}"],
    ),
    "focus-outside": (
        with_fields(PICTURE + "image_focus: [1.5, 0.5]"),
        [f"releases/2024/bad.md:8: image_focus: x = 1.5 is outside 0 to 1; {FOCUS_EXAMPLE}"],
    ),
    "focus-boolean": (
        with_fields(PICTURE + "image_focus: [true, 0.5]"),
        [f"releases/2024/bad.md:8: image_focus: x must be a number, got true/false; {FOCUS_EXAMPLE}"],
    ),
    # --- fields that belong to another (model.COMPANION_FIELDS)
    "image-without-alt": (
        with_fields("image: images/foto.jpg"),
        ["releases/2024/bad.md:6: image_alt: is required when image is given"],
    ),
    "alt-without-image": (with_fields("image_alt: Das Rathaus"), ["releases/2024/bad.md:6: image_alt: needs image as well"]),
    "credit-without-image": (
        with_fields("image_credit: Bezirksamt"),
        ["releases/2024/bad.md:6: image_credit: needs image as well"],
    ),
    "focus-without-image": (with_fields("image_focus: [0.5, 0.5]"), ["releases/2024/bad.md:6: image_focus: needs image as well"]),
    "updated-without-note": (
        with_fields("updated: 2024-10-05 10:00"),
        ["releases/2024/bad.md:6: update_note: is required when updated is given"],
    ),
    "note-without-updated": (
        with_fields("update_note: Korrigiert."),
        ["releases/2024/bad.md:6: update_note: needs updated as well"],
    ),
    # --- corrections
    "corrections-and-updated": (
        with_fields(
            "updated: 2024-10-05 09:00\nupdate_note: Korrigiert.\ncorrections:\n  - {date: 2024-10-06 09:00, note: Uhrzeit "
            "korrigiert.}"
        ),
        [f"releases/2024/bad.md:8: corrections: {CORRECTION_FORM}"],
    ),
    "corrections-not-a-list": (
        with_fields("corrections: Uhrzeit korrigiert"),
        [
            "releases/2024/bad.md:6: corrections: expected a list of corrections such as '- {date: 2017-10-05 09:00, note: "
            "Uhrzeit korrigiert.}', got 'Uhrzeit korrigiert'"
        ],
    ),
    "corrections-empty": (
        with_fields("corrections: []"),
        ["releases/2024/bad.md:6: corrections: is an empty list; add a correction or remove the line"],
    ),
    "correction-not-a-mapping": (
        with_fields("corrections:\n  - 2024-10-05 09:00"),
        [
            "releases/2024/bad.md:7: corrections: every correction needs 'date' and 'note', e.g. {date: 2017-10-05 09:00, "
            "note: Uhrzeit korrigiert.}"
        ],
    ),
    "correction-without-note": (
        with_fields("corrections:\n  - {date: 2024-10-05 09:00, note: Gut.}\n  - {date: 2024-10-06 09:00}"),
        ["releases/2024/bad.md:8: corrections: a correction has exactly the fields 'date' and 'note', got 'date'"],
    ),
    "correction-with-unknown-field": (
        with_fields("corrections:\n  - {date: 2024-10-05 09:00, notiz: Gut.}"),
        ["releases/2024/bad.md:7: corrections: a correction has exactly the fields 'date' and 'note', got 'date', 'notiz'"],
    ),
    "correction-note-a-number": (
        with_fields("corrections:\n  - {date: 2024-10-05 09:00, note: 42}"),
        ["releases/2024/bad.md:7: corrections: a correction's note must be text; put it in quotes if it is a number or a date"],
    ),
    "correction-without-date-value": (
        with_fields("corrections:\n  - {date: , note: Gut.}"),
        ["releases/2024/bad.md:7: corrections: a correction's date must be a date such as 2017-10-05 09:00"],
    ),
    "correction-impossible-date": (
        with_fields("corrections:\n  - {date: 2024-10-05 09:00, note: Gut.}\n  - {date: 2024-02-30, note: Nie.}"),
        ["releases/2024/bad.md:8: corrections: '2024-02-30' is not a valid date: day is out of range for month"],
    ),
    "correction-before-date": (
        with_fields("corrections:\n  - {date: 2024-10-05 09:00, note: Gut.}\n  - {date: 2024-10-04 10:00, note: Zu früh.}"),
        ["releases/2024/bad.md:8: corrections: a correction's date must be later than date"],
    ),
    "corrections-on-the-same-date": (
        with_fields("corrections:\n  - {date: 2024-10-05 09:00, note: Eins.}\n  - date: 2024-10-05 09:00\n    note: Zwei."),
        ["releases/2024/bad.md:8: corrections: another correction has the same date (line 7); merge the notes"],
    ),
    # --- withdrawal and status
    "unknown-status": (
        with_fields("status: geheim"),
        ["releases/2024/bad.md:6: status: 'geheim' is not allowed; choose one of published, draft, withdrawn"],
    ),
    "withdrawn-without-reason": (
        with_fields("status: withdrawn"),
        ["releases/2024/bad.md:6: withdrawal_reason: is required when status is withdrawn; say why"],
    ),
    "reason-without-status": (
        with_fields("withdrawal_reason: Falsch."),
        ["releases/2024/bad.md:6: withdrawal_reason: needs status: withdrawn as well"],
    ),
    "withdrawn-date-when-published": (
        with_fields("status: published\nwithdrawn: 2024-10-06"),
        ["releases/2024/bad.md:7: withdrawn: needs status: withdrawn as well"],
    ),
    "withdrawn-before-date": (
        with_fields("status: withdrawn\nwithdrawn: 2024-10-01\nwithdrawal_reason: Falsch."),
        ["releases/2024/bad.md:7: withdrawn: must be later than date"],
    ),
    # --- permanent id, slug, aliases
    "id-not-a-uri": (
        with_fields("id: pm-430-2024"),
        [
            "releases/2024/bad.md:6: id: 'pm-430-2024' is not an absolute URI; write a permanent id with a scheme, "
            "such as 'tag:presse.example.org,2017:pm-422-2017', 'urn:uuid:…' or 'https://…'"
        ],
    ),
    "bad-slug": (
        with_fields("slug: Neue Zeiten"),
        ["releases/2024/bad.md:6: slug: 'Neue Zeiten' is not a slug; use lower-case letters, digits and single hyphens"],
    ),
    "slug-not-derivable": (
        replace_field("title", 'title: "???"'),
        ["releases/2024/bad.md:2: slug: cannot be derived from the title; add a slug field"],
    ),
    "aliases-not-a-list": (
        with_fields("aliases: /alt/rathaus/"),
        [
            "releases/2024/bad.md:6: aliases: expected a list of old addresses such as "
            "[/pressemitteilungen/2017/422-alter-titel/], got '/alt/rathaus/'"
        ],
    ),
    "attachments-not-a-list": (  # the rules of each item: tests/test_attachments.py
        with_fields("attachments: dokumente/flyer.pdf"),
        [
            "releases/2024/bad.md:6: attachments: expected a list of attachments such as "
            "'- {file: dokumente/flyer-strassenfest.pdf, title: Flyer zum Straßenfest}', got 'dokumente/flyer.pdf'"
        ],
    ),
    "aliases-empty": (
        with_fields("aliases: []"),
        ["releases/2024/bad.md:6: aliases: is an empty list; add an old address or remove the line"],
    ),
    "alias-a-number": (
        with_fields("aliases: [430]"),
        ["releases/2024/bad.md:6: aliases: every alias must be an address such as /pressemitteilungen/2017/422-alter-titel/"],
    ),
    "alias-with-host": (
        with_fields("aliases: [https://presse.lindenhain.example/alt/]"),
        [
            "releases/2024/bad.md:6: aliases: 'https://presse.lindenhain.example/alt/' is not site-relative; leave out the "
            "host and start with '/'"
        ],
    ),
    **{
        f"alias-{name}": (
            with_fields(f"aliases: ['{alias}']"),
            [
                f"releases/2024/bad.md:6: aliases: '{alias}' is not an old address of this site; start with '/', "
                "end with '/', '.html' or '.php', use letters, digits, '-', '_', '.' and '~'"
            ],
        )
        for name, alias in {
            "without-slash": "alt/rathaus/",
            "without-ending": "/alt/rathaus",
            "dot-dot": "/alt/../impressum/",
            "query": "/alt/?id=4",
        }.items()
    },
    "alias-twice": (
        with_fields("aliases:\n  - /alt/rathaus/\n  - /alt/rathaus/"),
        ["releases/2024/bad.md:8: aliases: '/alt/rathaus/' is listed twice (first on line 7)"],
    ),
}

PAGE_GOOD = "---\ntitle: Barrierefreiheit\n---\nDiese Seite erklärt, wie barrierefrei das Angebot ist.\n"
PAGE_RULES: dict[str, tuple[str, list[str]]] = {
    "release-field": (
        PAGE_GOOD.replace("---\nDiese", "number: 1\n---\nDiese"),
        ["pages/kaputt.md:3: number: unknown field; allowed: title, slug, summary, status"],
    ),
    "withdrawn": (
        PAGE_GOOD.replace("---\nDiese", "status: withdrawn\n---\nDiese"),
        ["pages/kaputt.md:3: status: 'withdrawn' is not allowed; choose one of published, draft"],
    ),
    "summary-a-list": (
        PAGE_GOOD.replace("---\nDiese", "summary: [barrierefrei, lesbar]\n---\nDiese"),
        ["pages/kaputt.md:3: summary: expected text, got a list"],
    ),
    "missing-title": ("---\nslug: barrierefreiheit\n---\nText.\n", ["pages/kaputt.md:1: title: is required but missing"]),
    "slug-not-derivable": (
        "---\ntitle: '!!!'\n---\nText.\n",
        ["pages/kaputt.md:2: slug: cannot be derived from the title; add a slug field"],
    ),
}


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """A copy of the fixture site with one good picture and one file that only claims to be one."""
    content = tmp_path_factory.mktemp("bad-input") / "content"
    shutil.copytree(FIXTURE_SITE, content)
    (content / "images").mkdir()
    Image.new("RGB", (40, 30), "#2a6f97").save(content / "images" / "foto.jpg")
    (content / "images" / "kaputt.jpg").write_text("Dies ist kein Bild.", encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def messages(content: Path):
    """``messages(name, raw)``: every message reading ``raw`` as the file ``name`` gives, paths relative to the content folder."""
    readings = {name: Reading(content, name) for name in (RELEASE, PAGE)}

    def read(name: str, raw: str | bytes) -> list[str]:
        source = readings[name](raw.encode("utf-8") if isinstance(raw, str) else raw)
        return [error.format().replace(f"{content}/", "") for error in sorted(source.errors, key=ContentError.sort_key)]

    return read


@pytest.mark.parametrize("name", sorted(RELEASE_RULES))
def test_each_release_rule_gives_its_exact_message(messages, name):
    raw, expected = RELEASE_RULES[name]
    assert messages(RELEASE, raw) == expected


@pytest.mark.parametrize("name", sorted(PAGE_RULES))
def test_each_page_rule_gives_its_exact_message(messages, name):
    raw, expected = PAGE_RULES[name]
    assert messages(PAGE, raw) == expected


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        (RELEASE, GOOD),
        (
            RELEASE,
            with_fields(
                PICTURE + "image_credit: Bezirksamt\nimage_focus: [0.5, 0.3]\nupdated: 2024-10-05 09:00\nupdate_note: Uhrzeit."
            ),
        ),
        (
            RELEASE,
            with_fields(
                "corrections:\n  - {date: 2024-10-05 09:00, note: Eins.}\naliases: [/alt/rathaus/]\nstatus: "
                "withdrawn\nwithdrawn: 2024-10-06\nwithdrawal_reason: Abgesagt."
            ),
        ),
        (PAGE, PAGE_GOOD),
    ],
)
def test_the_files_the_rules_start_from_read_cleanly(messages, name, raw):
    """Each case above breaks one rule of a file that is otherwise right."""
    assert messages(name, raw) == []


def fields_with_a_case(rules: dict) -> set[str]:
    return {message.split(": ")[1] for _, expected in rules.values() for message in expected}


def test_every_field_has_a_case():
    """A new field in the model needs its rules here."""
    assert set(RELEASE_FIELDS) - fields_with_a_case(RELEASE_RULES) == set()
    assert set(PAGE_FIELDS) - fields_with_a_case(PAGE_RULES) == set()


# --- builds refusing the content, into a site built before ---------------------------


def assert_rejected(content: Path, output: Path, before: dict, expected: list[str], command: bool = False) -> list[str]:
    """Exactly the ``expected`` messages in the build's order (paths relative to ``content``), the same
    from ``invoke check``, the earlier output as it was. With ``command`` the `pelican` command builds:
    exit status 1, no traceback."""
    stderr = refusal_printed(content, output, command)
    lines = stderr.replace(f"{content}/", "").strip().split("\n")
    noun = "error" if len(expected) == 1 else "errors"
    assert lines[-len(expected) - 1 :] == [*expected, f"{len(expected)} {noun} in the content; nothing was written."], (
        stderr
    )
    assert tree_digest(output) == before
    assert not list(output.parent.glob("output.staging-*"))
    checked = [error.format().replace(f"{content}/", "") for error in check_content(str(SETTINGS), str(content)).errors]
    assert checked == expected
    return lines


@pytest.mark.parametrize(
    "name", ["malformed-yaml", "unknown-field-close-to-one", "impossible-date", "missing-image", "correction-before-date"]
)
def test_bad_release_stops_the_build_and_keeps_output(built_site, name):
    content, output, before = built_site
    raw, expected = RELEASE_RULES[name]
    (content / RELEASE).write_text(raw, encoding="utf-8")
    assert_rejected(content, output, before, expected, command=name == "malformed-yaml")


def test_duplicate_number_names_both_files(built_site):
    content, output, before = built_site
    (content / "releases" / "2024" / "zweite.md").write_text(replace_field("number", 'number: "422/2024"'), encoding="utf-8")
    assert_rejected(content, output, before, [
        "releases/2024/baeume.md:4: number: '422/2024' is also used by releases/2024/zweite.md:4",
        "releases/2024/zweite.md:4: number: '422/2024' is also used by releases/2024/baeume.md:4",
    ])


def test_every_problem_of_every_file_in_one_run(built_site):
    content, output, before = built_site
    releases = content / "releases" / "2024"
    (releases / "eins.md").write_text(GOOD.replace("title:", "tilte:").replace("bauen", "kultur"), encoding="utf-8")
    (releases / "zwei.md").write_text("", encoding="utf-8")
    assert_rejected(content, output, before, command=True, expected=[
        "releases/2024/eins.md:1: title: is required but missing",
        "releases/2024/eins.md:2: tilte: unknown field; did you mean 'title'?",
        "releases/2024/eins.md:5: department: 'kultur' is not a key of data/departments.yml; known keys: bauen, umwelt",
        "releases/2024/zwei.md: the file is empty; a release needs front matter and a text",
    ])


def test_bad_registry_entry_is_reported_with_its_line(built_site):
    content, output, before = built_site
    registry = content / "data" / "departments.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + "kultur:\n  titel: Kultur\n", encoding="utf-8")
    assert_rejected(content, output, before, [
        "data/departments.yml:6: kultur.name: is required",
        "data/departments.yml:7: kultur.titel: unknown field; allowed: name, head",
    ])


def test_stray_file_in_releases_is_an_error(built_site):
    content, output, before = built_site
    (content / "releases" / "2024" / "notiz.txt").write_text("vergessen", encoding="utf-8")
    assert_rejected(
        content,
        output,
        before,
        ["releases/2024/notiz.txt: is not a Markdown file (.md); rename it or move it out of the releases folder"],
    )


def test_bad_static_page_is_reported(built_site):
    content, output, before = built_site
    raw, expected = PAGE_RULES["release-field"]
    (content / PAGE).write_text(raw, encoding="utf-8")
    assert_rejected(content, output, before, expected)
