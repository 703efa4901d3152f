"""Every bad-input rule: exit status 1, a `path:line: field: message`, earlier output untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import build, run_pelican_cli, tree_digest

GOOD = """---
title: Gute Meldung
date: 2024-05-06 09:00
number: "30/2024"
department: bauen
---
Ein Absatz.
"""


def replace_field(text: str, field: str, line: str) -> str:
    """GOOD with one front-matter line replaced (or removed when ``line`` is empty)."""
    lines = text.split("\n")
    index = next(i for i, item in enumerate(lines) if item.startswith(field + ":"))
    lines[index : index + 1] = [line] if line else []
    return "\n".join(lines)


CASES = {
    "malformed-yaml": (GOOD.replace("title: Gute Meldung", "title: Gute: Meldung"), "bad.md:2: invalid YAML"),
    "no-front-matter": ("Nur Text ohne Kopf.\n", "bad.md:1: no front matter"),
    "unclosed-front-matter": ("---\ntitle: Offen\n", "bad.md:1: the front matter is not closed"),
    "empty-file": ("", "bad.md: the file is empty"),
    "missing-title": (replace_field(GOOD, "title", ""), "bad.md:1: title: is required but missing"),
    "empty-title": (replace_field(GOOD, "title", 'title: "  "'), "bad.md:2: title: must not be empty"),
    "null-title": (replace_field(GOOD, "title", "title:"), "bad.md:2: title: is empty"),
    "missing-department": (replace_field(GOOD, "department", ""), "bad.md:1: department: is required but missing"),
    "impossible-date": (replace_field(GOOD, "date", "date: 2016-02-30"), "bad.md:3: date: '2016-02-30' is not a valid date"),
    "not-a-date": (replace_field(GOOD, "date", "date: morgen"), "bad.md:3: date: 'morgen' is not an ISO 8601 date"),
    "list-for-string": (replace_field(GOOD, "title", "title: [Eins, Zwei]"), "bad.md:2: title: expected text, got a list"),
    "string-for-list": (GOOD.replace("---\nEin", "tags: Verkehr\n---\nEin"), "bad.md:6: tags: expected a list of topics"),
    "number-for-string": (replace_field(GOOD, "title", "title: 2024"), "bad.md:2: title: expected text, got a number (2024); put the value in quotes"),
    "number-format": (replace_field(GOOD, "number", "number: 30"), "bad.md:4: number: 30 is not a release number"),
    "number-year-mismatch": (replace_field(GOOD, "number", 'number: "30/2023"'), "bad.md:4: number: the year 2023 does not match the year of date (2024)"),
    "unknown-department": (replace_field(GOOD, "department", "department: kultur"), "bad.md:5: department: 'kultur' is not a key of"),
    "unknown-contact": (GOOD.replace("---\nEin", "contact: niemand\n---\nEin"), "bad.md:6: contact: 'niemand' is not a key of"),
    "unknown-field": (GOOD.replace("title:", "tilte:"), "bad.md:2: tilte: unknown field; did you mean 'title'?"),
    "duplicate-field": (GOOD.replace("---\nEin", "title: Nochmal\n---\nEin"), "bad.md:6: title: appears twice (first on line 2)"),
    "missing-image": (GOOD.replace("---\nEin", "image: images/fehlt.jpg\nimage_alt: Ein Bild\n---\nEin"), "bad.md:6: image: image file 'images/fehlt.jpg' does not exist"),
    "image-without-alt": (GOOD.replace("---\nEin", "image: images/fehlt.jpg\n---\nEin"), "bad.md:6: image_alt: is required when image is given"),
    "updated-before-date": (GOOD.replace("---\nEin", "updated: 2024-05-01 10:00\nupdate_note: Korrigiert.\n---\nEin"), "bad.md:6: updated: must be later than date"),
    "updated-without-note": (GOOD.replace("---\nEin", "updated: 2024-05-07 10:00\n---\nEin"), "bad.md:6: update_note: is required when updated is given"),
    "bad-status": (GOOD.replace("---\nEin", "status: geheim\n---\nEin"), "bad.md:6: status: 'geheim' is not allowed"),
    "bad-slug": (GOOD.replace("---\nEin", "slug: Gute Meldung\n---\nEin"), "bad.md:6: slug: 'Gute Meldung' is not a slug"),
    "control-character-in-text": (GOOD.replace("Ein Absatz.", "Ein\x08 Absatz."), "bad.md:7: the text contains the character U+0008"),
    "front-matter-not-mapping": ("---\n- eins\n- zwei\n---\nText\n", "bad.md:2: the front matter must be 'field: value' lines"),
}


@pytest.fixture
def built_site(site: Path, tmp_path: Path):
    """The fixture site built once; returns (content, output, digest of the output)."""
    output = tmp_path / "output"
    build(site, output)
    return site, output, tree_digest(output)


def assert_rejected(content: Path, output: Path, before: dict, expected: str) -> str:
    result = run_pelican_cli(content, output)
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert tree_digest(output) == before
    assert not list(output.parent.glob("output.staging-*"))
    return result.stderr


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_release_stops_the_build_and_keeps_output(built_site, name):
    content, output, before = built_site
    text, expected = CASES[name]
    (content / "releases" / "2024" / "bad.md").write_text(text, encoding="utf-8")
    assert_rejected(content, output, before, expected)


def test_file_that_is_not_utf8(built_site):
    content, output, before = built_site
    (content / "releases" / "2024" / "bad.md").write_bytes("---\ntitle: Grüße\n---\n".encode("latin-1"))
    assert_rejected(content, output, before, "bad.md:2: the file is not valid UTF-8")


def test_duplicate_number_names_both_files(built_site):
    content, output, before = built_site
    (content / "releases" / "2024" / "zweite.md").write_text(
        replace_field(GOOD, "number", 'number: "422/2024"'), encoding="utf-8"
    )
    stderr = assert_rejected(content, output, before, "zweite.md:4: number: '422/2024' is also used by")
    assert "baeume.md:4: number: '422/2024' is also used by" in stderr
    assert stderr.count("zweite.md") == 2


def test_every_problem_of_every_file_in_one_run(built_site):
    content, output, before = built_site
    releases = content / "releases" / "2024"
    (releases / "eins.md").write_text(GOOD.replace("title:", "tilte:").replace("bauen", "kultur"), encoding="utf-8")
    (releases / "zwei.md").write_text("", encoding="utf-8")
    stderr = assert_rejected(content, output, before, "eins.md:2: tilte: unknown field")
    assert "eins.md:5: department: 'kultur'" in stderr
    assert "eins.md:1: title: is required but missing" in stderr
    assert "zwei.md: the file is empty" in stderr
    assert "4 errors in the content; nothing was written." in stderr


def test_bad_registry_entry_is_reported_with_its_line(built_site):
    content, output, before = built_site
    registry = content / "data" / "departments.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + "kultur:\n  titel: Kultur\n", encoding="utf-8")
    stderr = assert_rejected(content, output, before, "departments.yml:7: kultur.titel: unknown field")
    assert "departments.yml:6: kultur.name: is required" in stderr


def test_stray_file_in_releases_is_an_error(built_site):
    content, output, before = built_site
    (content / "releases" / "2024" / "notiz.txt").write_text("vergessen", encoding="utf-8")
    assert_rejected(content, output, before, "notiz.txt: is not a Markdown file (.md)")


def test_bad_static_page_is_reported(built_site):
    content, output, before = built_site
    (content / "pages" / "kaputt.md").write_text("---\ntitle: Seite\nnumber: 1\n---\nText\n", encoding="utf-8")
    assert_rejected(content, output, before, "kaputt.md:3: number: unknown field")
