"""Text rules: one spelling per text (NFC), nothing invisible, sensible lengths, aliases off the site's own files.

Every rule is checked on a real build into a copy of a built site (refused
with the message, the earlier output untouched) and against ``invoke check``
(``check_content``), which must say the same. The build runs in this process
(``refused_build``); one case of each family runs the `pelican` command for
exit status 1 and no traceback.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from pelican.settings import read_settings

from newsroom.errors import short_repr
from newsroom.outputs.cards import glyphs
from newsroom.outputs.cards.glyphs import ELLIPSIS, fit_line, fit_title
from newsroom.outputs.cards.layout import Layout
from newsroom.outputs.cards.stage import card_style
from newsroom.tools.check import check_content

from helpers import SETTINGS, build, refusal_printed, soup, tree_digest

NFC_TITLE = "Bürgerfest im Schlosspark: Anmeldung für Stände läuft"
NFD_TITLE = unicodedata.normalize("NFD", NFC_TITLE)
RELEASE = """---
title: "{title}"
date: 2024-06-03 10:00
number: "{number}/2024"
department: bauen
tags: [{topic}]
---
{body}
"""


def write_release(site: Path, name: str, text: str) -> Path:
    path = site / "releases" / "2024" / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_rejected(content: Path, output: Path, before: dict, expected: list[str], command: bool = False) -> str:
    """The build stops with every expected message, the old output as it was; check says the same. What it printed.

    With ``command`` the `pelican` command builds: exit status 1, no traceback.
    """
    stderr = refusal_printed(content, output, command)
    for message in expected:
        assert message in stderr, (message, stderr)
    assert tree_digest(output) == before
    assert not list(output.parent.glob("output.staging-*"))
    checked = [error.format() for error in check_content(str(SETTINGS), str(content)).errors]
    for message in expected:
        assert any(message in line for line in checked), (message, checked)
    return stderr


# --- One spelling: NFC ------------------------------------------------------------


def test_nfd_and_nfc_spellings_give_one_slug_and_one_topic_page(site: Path, tmp_path: Path):
    """A Mac writes 'ü' as 'u' + U+0308; the same title and topic from two machines must be one page, one label."""
    write_release(
        site,
        "mac.md",
        RELEASE.format(title=NFD_TITLE, number=40, topic=unicodedata.normalize("NFD", "Bürgerfest"), body=NFD_TITLE + "."),
    )
    write_release(
        site, "windows.md", RELEASE.format(title=NFC_TITLE, number=41, topic="Bürgerfest", body="Stände bis Freitag anmelden.")
    )
    registry = site / "data" / "departments.yml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(
            "Abteilung Bauen", unicodedata.normalize("NFD", "Abteilung Bauen und Grünflächen")
        ),
        encoding="utf-8",
    )
    output = tmp_path / "output"
    build(site, output)

    topics = sorted(path.name for path in (output / "themen").iterdir() if path.is_dir())
    assert "buergerfest" in topics and "burgerfest" not in topics
    page = soup(output / "themen" / "buergerfest" / "index.html")
    assert page.h1.get_text(strip=True).endswith("Bürgerfest")
    releases = sorted(path.name for path in (output / "pressemitteilungen" / "2024").iterdir() if path.name[:3] in ("40-", "41-"))
    assert releases == [
        "40-buergerfest-im-schlosspark-anmeldung-fuer-staende-laeuft",
        "41-buergerfest-im-schlosspark-anmeldung-fuer-staende-laeuft",
    ]
    listed = {link["href"] for link in page.find_all("a", href=True)}
    assert {f"/pressemitteilungen/2024/{name}/" for name in releases} <= listed
    decomposed = "\u0308".encode("utf-8")
    for path in output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".xsl"):
            assert decomposed not in path.read_bytes(), path
    assert "Abteilung Bauen und Grünflächen" in (output / "ressorts" / "bauen" / "index.html").read_text(encoding="utf-8")


# --- Nothing invisible ------------------------------------------------------------

# One character of each kind that readers cannot see: (character, what the message calls it).
INVISIBLE = {
    "right-to-left-override": ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE", "a bidirectional control"),
    "left-to-right-embedding": ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING", "a bidirectional control"),
    "first-strong-isolate": ("\u2068", "U+2068 FIRST STRONG ISOLATE", "a bidirectional control"),
    "right-to-left-mark": ("\u200f", "U+200F RIGHT-TO-LEFT MARK", "a bidirectional control"),
    "arabic-letter-mark": ("\u061c", "U+061C ARABIC LETTER MARK", "a bidirectional control"),
    "zero-width-space": ("\u200b", "U+200B ZERO WIDTH SPACE", "an invisible character"),
    "zero-width-joiner": ("\u200d", "U+200D ZERO WIDTH JOINER", "an invisible character"),
    "word-joiner": ("\u2060", "U+2060 WORD JOINER", "an invisible character"),
    "byte-order-mark": ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE", "an invisible character"),
    "soft-hyphen": ("\u00ad", "U+00AD SOFT HYPHEN", "a soft hyphen"),
}

# Two releases that use every text field, each value with {x} where the character goes: (file, line, field, text).
FIELDS_A = [
    (2, "title", 'title: "Bür{x}gerfest im Park"'),
    (3, None, "date: 2024-06-03 10:00"),
    (4, "number", 'number: "4{x}2/2024"'),
    (5, "department", "department: bau{x}en"),
    (6, "contact", "contact: umwelt{x}"),
    (7, "tags", "tags: [Um{x}welt, Feste]"),
    (8, "summary", "summary: Das Fest beginnt um 11{x} Uhr."),
    (9, "slug", "slug: buerger{x}fest"),
    (10, "id", "id: tag:presse.example,2024:pm-{x}42"),
    (11, None, "updated: 2024-06-04 09:00"),
    (12, "update_note", "update_note: Uhrzeit{x} korrigiert."),
]
FIELDS_B = [
    (2, None, "title: Bürgerfest verschoben"),
    (3, None, "date: 2024-06-05 10:00"),
    (4, None, 'number: "43/2024"'),
    (5, None, "department: bauen"),
    (6, "status", "status: withdrawn{x}"),
    (7, "withdrawal_reason", "withdrawal_reason: Ersetzt durch{x} Nr. 44/2024."),
    (8, None, "image_alt: Festwiese"),
    (9, "image_credit", 'image_credit: "Foto: A. Beis{x}piel"'),
    (10, None, "corrections:"),
    (11, "corrections", '  - {{date: 2024-06-06 09:00, note: "Ort{x} ergänzt."}}'),
]


def release_text(fields: list, char: str) -> str:
    return "---\n" + "\n".join(text.format(x=char) for _, _, text in fields) + "\n---\nDer Text.\n"


@pytest.mark.parametrize("name", sorted(INVISIBLE))
def test_invisible_character_in_any_text_field_is_an_error_naming_it(built_site, name):
    content, output, before = built_site
    char, shown, kind = INVISIBLE[name]
    write_release(content, "fest.md", release_text(FIELDS_A, char))
    write_release(content, "verschoben.md", release_text(FIELDS_B, char))
    (content / "pages" / "kontakt.md").write_text(
        f"---\ntitle: Kon{char}takt\nsumma{char}ry: Wie Sie uns erreichen.\n---\nText.\n", encoding="utf-8"
    )
    registry = content / "data" / "departments.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + f"kultur:\n  name: Abteilung{char} Kultur\n", encoding="utf-8")
    expected = [
        f"{file}.md:{line}: {field}: contains {shown} at position "
        for file, fields in (("fest", FIELDS_A), ("verschoben", FIELDS_B))
        for line, field, _ in fields
        if field
    ]
    expected += [
        "kontakt.md:2: title: contains " + shown,
        "kontakt.md:3: the field name 'summa",
        "departments.yml:7: kultur.name: contains " + shown,
    ]
    stderr = assert_rejected(content, output, before, expected, command=name == "right-to-left-override")
    assert f"{kind}" in stderr and "remove it" in stderr
    assert f"fest.md:2: title: contains {shown} at position 4, " in stderr


def test_emoji_joined_with_zero_width_joiner_are_text(site: Path, tmp_path: Path):
    """A firefighter or a rainbow flag is one emoji made of several, joined by U+200D: not invisible."""
    emoji = "\U0001f469\u200d\U0001f692 \U0001f3f3\ufe0f\u200d\U0001f308"
    write_release(
        site,
        "feuerwehr.md",
        RELEASE.format(
            title=f"Tag der offenen Tür bei der Feuerwehr {emoji}", number=45, topic="Feuerwehr", body="Alle sind eingeladen."
        ),
    )
    output = tmp_path / "output"
    build(site, output)
    page = output / "pressemitteilungen" / "2024" / "45-tag-der-offenen-tuer-bei-der-feuerwehr" / "index.html"
    assert emoji in soup(page).h1.get_text()


@pytest.mark.parametrize(
    "line, expected",
    [
        ('title: "Bürgerfest\\u2028im Park"', "fest.md:2: title: contains U+2028 LINE SEPARATOR at position 11"),
        ("title: Bürgerfest\u2028im Park", "fest.md:2: this line contains U+2028 LINE SEPARATOR at position 18"),
        ("title: Bürgerfest\u2029im Park", "fest.md:2: this line contains U+2029 PARAGRAPH SEPARATOR"),
        ("title: Bürgerfest\x85im Park", "fest.md:2: this line contains the character U+0085, which cannot be published"),
        ('title: "Bu\\u0308rgerfest \\u202Eim Park"', "fest.md:2: title: contains U+202E RIGHT-TO-LEFT OVERRIDE at position 12"),
    ],
)
def test_line_separators_and_escapes_are_errors_on_their_own_line(built_site, line, expected):
    """YAML counts U+2028, U+2029 and U+0085 as line breaks: refused before YAML reads them, so later lines keep their numbers."""
    content, output, before = built_site
    write_release(
        content, "fest.md", RELEASE.format(title="x", number=46, topic="Feste", body="Text.").replace('title: "x"', line)
    )
    assert_rejected(content, output, before, [expected])


# --- Lengths ---------------------------------------------------------------------------


def long_text(length: int) -> str:
    return ("Bürgerfest im Park " * (length // 19 + 1))[:length].strip().ljust(length, "x")


@pytest.mark.parametrize(
    "line, expected",
    [
        (f"title: {long_text(5000)}", "fest.md:2: title: is 5,000 characters long; a headline has at most 200"),
        (f"summary: {long_text(501)}", "fest.md:7: summary: is 501 characters long; a summary has at most 500"),
        (f"tags: [Feste, {long_text(81)}]", "fest.md:6: tags: is 81 characters long; a topic has at most 80"),
        (
            f"aliases: [/alt/{'a' * 200}/]",
            f"fest.md:7: aliases: {short_repr('/alt/' + 'a' * 200 + '/')} is 206 characters long; an alias has at most 200",
        ),
        (
            f"updated: 2024-06-04 09:00\nupdate_note: {long_text(600)}",
            "fest.md:8: update_note: is 600 characters long; a note has at most 500",
        ),
        (f"title: {long_text(5_000_000)}", "fest.md:2: the front matter is 5,000,"),
    ],
)
def test_over_long_field_is_an_error_with_its_length_and_limit(built_site, line, expected):
    content, output, before = built_site
    text = RELEASE.format(title="Bürgerfest", number=47, topic="Feste", body="Text.")
    name = line.split(":", 1)[0]
    if name in ("title", "tags"):
        text = "\n".join(line if row.startswith(name + ":") else row for row in text.split("\n"))
    else:
        text = text.replace("tags: [Feste]", f"tags: [Feste]\n{line}")
    write_release(content, "fest.md", text)
    stderr = assert_rejected(content, output, before, [expected], command=len(line) > 1_000_000)
    assert len(stderr) < 2000  # the message shows the length, never the text


def test_over_long_body_is_an_error(built_site):
    content, output, before = built_site
    write_release(
        content, "fest.md", RELEASE.format(title="Bürgerfest", number=48, topic="Feste", body="Ein langer Absatz. " * 60_000)
    )
    assert_rejected(content, output, before, ["fest.md:8: the text is 1,140,001 characters long; a text has at most 500,000"])


# --- Card fitting for titles far beyond the limit --------------------------------------

STYLE = card_style(read_settings(str(SETTINGS)))
LAYOUT = Layout()


class CountingWidths:
    """Stands in for ``glyphs.text_width`` and counts the characters measured."""

    def __init__(self) -> None:
        self.characters = 0

    def __call__(self, path: str, size: int, text: str) -> float:
        self.characters += len(text)
        return glyphs.face(path, size).width(text)


def measured_characters(monkeypatch, fit, *arguments) -> tuple[int, object]:
    counter = CountingWidths()
    monkeypatch.setattr(glyphs, "text_width", counter)
    result = fit(*arguments)
    monkeypatch.undo()
    return counter.characters, result


def assert_block_fits(block) -> None:
    font = glyphs.load_font(STYLE.font_bold, block.size)
    assert glyphs.block_height(font, block.line_height, len(block.lines)) <= LAYOUT.title_height
    for line in block.lines:
        assert glyphs.text_width(STYLE.font_bold, block.size, line) <= LAYOUT.text_width, line


@pytest.mark.parametrize("unit", ["Bürgerfest im Park ", "Grundstücksverkehrsgenehmigung", "a "])
def test_card_title_far_beyond_the_limit_is_cut_with_work_independent_of_its_length(monkeypatch, unit):
    """A title of a million characters is fitted like one of ten thousand: same lines, about the same measuring."""
    titles = {length: (unit * (length // len(unit) + 1))[:length] for length in (10_000, 1_000_000)}
    (short_work, short), (long_work, long) = (
        measured_characters(monkeypatch, fit_title, title, STYLE.font_bold, LAYOUT) for title in titles.values()
    )
    assert long == short
    assert long.shortened and long.size == LAYOUT.title_min_size and long.lines[-1].endswith(ELLIPSIS)
    assert_block_fits(long)
    shown = "".join(long.lines)[: -len(ELLIPSIS)].replace(" ", "").replace("-", "")  # without the hyphens of broken words
    assert len(shown) > 100 and titles[1_000_000].replace(" ", "").startswith(shown)
    assert long_work <= 2 * short_work, (short_work, long_work)


def test_one_word_that_fills_more_than_the_card_ends_in_an_ellipsis():
    block = fit_title("Bürgerfest" + "x" * 5000, STYLE.font_bold, LAYOUT)
    assert_block_fits(block)
    assert block.shortened and len(block.lines) > 1
    assert all(line.endswith("-") for line in block.lines[:-1]) and block.lines[-1].endswith(ELLIPSIS)


def test_small_line_far_beyond_its_width_is_cut_after_a_word(monkeypatch):
    results = {
        length: measured_characters(monkeypatch, fit_line, long_text(length), STYLE.font_regular, 31, 22, LAYOUT.text_width)
        for length in (10_000, 1_000_000)
    }
    (short_work, short), (long_work, long) = results[10_000], results[1_000_000]
    size, text = long
    assert long == short and size == 22 and text.endswith(ELLIPSIS)
    assert (long_text(1_000_000) + " ").startswith(text[: -len(ELLIPSIS)] + " ")
    assert glyphs.text_width(STYLE.font_regular, size, text) <= LAYOUT.text_width
    assert long_work <= 2 * short_work, (short_work, long_work)


# --- Aliases onto what the site writes itself ---------------------------------------------

# (alias, what the message says); each on its own line of an aliases list, from line 8 on.
SITE_PATHS = [
    ("/feeds/", "is inside /feeds/, which the site fills with its own files"),
    ("/feeds/index.html", "is inside /feeds/"),
    ("/Feeds/", "is inside /feeds/"),
    ("/feeds/themen/umwelt/", "is inside /feeds/"),
    ("/feeds/all.atom.xml/", "is inside /feeds/"),
    ("/pagefind/", "is inside /pagefind/"),
    ("/pagefind/index.html", "is inside /pagefind/"),
    ("/theme/", "is inside /theme/"),
    ("/karten/", "is inside /karten/"),
    ("/images/alt.html", "is inside /images/"),
    ("/404.html", "is the address of the notfound page"),
    ("/index.html", "is the address of the index page"),
    ("/suche/", "is the address of the search page"),
    ("/IMPRESSUM/", "is the address of"),
    ("/themen/Umwelt/", "is the address of the topic page 'umwelt'"),
    ("/Seite/2/", "is a further page of the index page"),
    ("/impressum/index.html/", "needs a folder 'impressum/index.html', but that is the file of the address of"),
    ("/alt/seite.html/", "needs a folder 'alt/seite.html', but that is the file of the alias '/alt/seite.html'"),
]
# Spellings that are no address of a page at all: refused by the field's own rule.
NOT_PAGES = ["/feeds", "//feeds/", "/feeds/../x/", "/pagefind/pagefind.js", "/robots.txt", "/sitemap.xml"]


def with_aliases(title: str, number: int, aliases: list[str]) -> str:
    lines = "\n".join(f"  - {alias}" for alias in aliases)
    return RELEASE.format(title=title, number=number, topic="Feste", body="Text.").replace(
        "tags: [Feste]", f"tags: [Feste]\naliases:\n{lines}"
    )


def test_aliases_onto_what_the_site_writes_are_errors_in_build_and_check(built_site):
    content, output, before = built_site
    write_release(content, "fest.md", with_aliases("Bürgerfest", 49, [alias for alias, _ in SITE_PATHS]))
    write_release(content, "alt.md", with_aliases("Altes Fest", 50, ["/alt/seite.html"]))
    expected = [f"fest.md:{line}: aliases: {alias!r} {problem}" for line, (alias, problem) in enumerate(SITE_PATHS, start=8)]
    stderr = assert_rejected(content, output, before, expected, command=True)
    assert f"{len(SITE_PATHS)} errors in the content" in stderr
    checked = check_content(str(SETTINGS), str(content)).errors
    assert [error.format() for error in checked] == stderr.strip().split("\n")[:-1]


def test_aliases_that_are_no_page_address_are_errors_without_traceback(built_site):
    content, output, before = built_site
    write_release(content, "fest.md", with_aliases("Bürgerfest", 49, NOT_PAGES))
    expected = [f"fest.md:{line}: aliases: {alias!r} is not " for line, alias in enumerate(NOT_PAGES, start=8)]
    assert_rejected(content, output, before, expected)
