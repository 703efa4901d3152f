"""Attachments: the release page's list with type and size in German, the feeds, the copies and their names,
the embargo, and every rule with its ``path:line``."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from newsroom.content.release import german_size
from newsroom.errors import ContentError, ContentErrors

from helpers import Reading, build, soup

FLYER_SIZE = 1_234_567
RELEASE = """---
title: Straßenfest in der Schillerstraße
date: 2024-06-03 10:00
number: "210/2024"
department: umwelt
summary: Am Samstag feiert die Schillerstraße ihr Straßenfest.
attachments:
  - {file: dokumente/flyer-strassenfest.pdf, title: Flyer zum Straßenfest}
  - file: dokumente/Sperrzeiten Schillerstraße.CSV
    title: Sperrzeiten der Schillerstraße
---
Am Samstag, 8. Juni 2024, feiert die Schillerstraße von 12 bis 22 Uhr ihr Straßenfest.
"""
URL = "pressemitteilungen/2024/210-strassenfest-in-der-schillerstrasse/"
FLYER_URL = "anhaenge/2024-210/flyer-strassenfest.pdf"
TABLE_URL = "anhaenge/2024-210/sperrzeiten-schillerstrasse.csv"

EMBARGOED = """---
title: Neuer Lageplan für den Marktplatz
date: 2030-05-01 10:00
number: "5/2030"
department: bauen
attachments:
  - {file: dokumente/lageplan-marktplatz.pdf, title: Lageplan des Marktplatzes}
  - {file: dokumente/flyer-strassenfest.pdf, title: Flyer zum Straßenfest}
---
Der Marktplatz bekommt einen neuen Lageplan.
"""


def add_documents(content: Path) -> None:
    documents = content / "dokumente"
    documents.mkdir(exist_ok=True)
    (documents / "flyer-strassenfest.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (FLYER_SIZE - 9))
    (documents / "Sperrzeiten Schillerstraße.CSV").write_text("Tag;Uhrzeit\nSamstag;10–23 Uhr\n", encoding="utf-8")
    (documents / "lageplan-marktplatz.pdf").write_bytes(b"%PDF-1.4\nLageplan\n")


@pytest.fixture
def built(site: Path, tmp_path: Path) -> Path:
    add_documents(site)
    (site / "releases" / "2024" / "strassenfest.md").write_text(RELEASE, encoding="utf-8")
    output = tmp_path / "output"
    build(site, output)
    return output


def test_release_page_lists_attachments_with_type_and_german_size(built: Path):
    section = soup(built / URL / "index.html").find("section", class_="anhaenge")
    assert section.h2.get_text() == "Anhänge"
    items = [" ".join(item.get_text().split()) for item in section.find_all("li")]
    csv_size = len("Tag;Uhrzeit\nSamstag;10–23 Uhr\n".encode())
    assert items == ["Flyer zum Straßenfest (PDF, 1,2 MB)", f"Sperrzeiten der Schillerstraße (CSV, {csv_size} Byte)"]
    links = [(link["href"], link["type"]) for link in section.find_all("a")]
    assert links == [(f"/{FLYER_URL}", "application/pdf"), (f"/{TABLE_URL}", "text/csv")]


def test_files_are_copied_under_the_release_with_slugged_names(built: Path, site: Path):
    assert (built / FLYER_URL).read_bytes() == (site / "dokumente" / "flyer-strassenfest.pdf").read_bytes()
    assert (built / TABLE_URL).read_bytes() == (site / "dokumente" / "Sperrzeiten Schillerstraße.CSV").read_bytes()
    assert not (built / "dokumente").exists(), "the source folder is never published as it is"


def test_a_changed_attachment_keeps_its_address(built: Path, site: Path, tmp_path: Path):
    (site / "dokumente" / "flyer-strassenfest.pdf").write_bytes(b"%PDF-1.4\nkorrigiert\n")
    output = tmp_path / "output"
    build(site, output)
    assert (output / FLYER_URL).read_bytes() == b"%PDF-1.4\nkorrigiert\n"
    item = soup(output / URL / "index.html").find("section", class_="anhaenge").li
    assert " ".join(item.get_text().split()) == "Flyer zum Straßenfest (PDF, 20 Byte)"


def test_atom_has_an_enclosure_per_attachment(built: Path):
    feed = feedparser.parse((built / "feeds" / "all.atom.xml").read_bytes())
    entry = next(entry for entry in feed.entries if entry.title.startswith("Straßenfest"))
    enclosures = [(link.href, link.type, link.length, link.title) for link in entry.links if link.rel == "enclosure"]
    csv_size = str(len("Tag;Uhrzeit\nSamstag;10–23 Uhr\n".encode()))
    assert enclosures == [
        (f"https://presse.lindenhain.example/{FLYER_URL}", "application/pdf", str(FLYER_SIZE), "Flyer zum Straßenfest"),
        (f"https://presse.lindenhain.example/{TABLE_URL}", "text/csv", csv_size, "Sperrzeiten der Schillerstraße"),
    ]
    assert [link.rel for link in entry.links].count("alternate") == 1


def test_rss_lists_attachments_as_links_without_an_enclosure(built: Path):
    feed = feedparser.parse((built / "feeds" / "all.rss.xml").read_bytes())
    entry = next(entry for entry in feed.entries if entry.title.startswith("Straßenfest"))
    assert "enclosures" not in entry or entry.enclosures == []
    html = entry.description
    assert f'href="https://presse.lindenhain.example/{FLYER_URL}"' in html
    assert "Flyer zum Straßenfest</a> (PDF, 1,2 MB)" in html


def test_attachments_of_a_held_back_release_are_not_published(built: Path, site: Path, tmp_path: Path):
    """The embargoed release's own file is nowhere; the file it shares with a public release is only under that one."""
    (site / "releases" / "2030").mkdir()
    (site / "releases" / "2030" / "lageplan.md").write_text(EMBARGOED, encoding="utf-8")
    output = tmp_path / "embargo"
    build(site, output)
    published = sorted(str(path.relative_to(output)) for path in output.rglob("*") if path.is_file())
    assert not any("lageplan" in path or "2030-5" in path for path in published)
    assert [path for path in published if path.startswith("anhaenge/") and not path.endswith((".gz", ".br"))] == [
        FLYER_URL,
        TABLE_URL,
    ]


def test_a_public_page_linking_the_held_back_file_keeps_it_public(site: Path, tmp_path: Path):
    """Held back like images: a file a public page links is published there, one only the embargoed release uses is not."""
    add_documents(site)
    (site / "releases" / "2030").mkdir()
    (site / "releases" / "2030" / "lageplan.md").write_text(EMBARGOED, encoding="utf-8")
    page = site / "pages" / "impressum.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Lageplan]({static}/dokumente/lageplan-marktplatz.pdf)\n")
    output = tmp_path / "output"
    build(site, output)
    assert (output / "dokumente" / "lageplan-marktplatz.pdf").exists()
    assert not (output / "anhaenge").exists()


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 Byte"), (999, "999 Byte"), (1000, "1 KB"), (320_400, "320 KB"), (999_499, "999 KB"),
     (999_500, "1 MB"), (1_234_567, "1,2 MB"), (12_960_000, "13 MB"), (1_050_000, "1,1 MB")],
)
def test_sizes_are_written_the_german_way(size: int, text: str):
    assert german_size(size) == text


# --- the rules, each with its path:line ---------------------------------------------------

GOOD = """---
title: Straßenfest in der Schillerstraße
date: 2024-06-03 10:00
number: "210/2024"
department: umwelt
attachments:
{items}
---
Am Samstag feiert die Schillerstraße.
"""
ALLOWED = ".pdf, .odt, .ods, .odp, .docx, .xlsx, .pptx, .csv, .txt"
PATH = "releases/2024/anhang.md"


@pytest.fixture
def messages(site: Path):
    add_documents(site)
    (site / "images").mkdir()
    (site / "images" / "plan.pdf").write_bytes(b"%PDF-1.4\n")
    (site / "dokumente" / "programm.zip").write_bytes(b"PK")
    (site / "dokumente" / "kopie").mkdir()
    (site / "dokumente" / "kopie" / "flyer-strassenfest.pdf").write_bytes(b"%PDF-1.4\n")
    reading = Reading(site, PATH)

    def read(items: str) -> list[str]:
        source = reading(GOOD.format(items=items).encode())
        return [error.format().replace(f"{site}/", "") for error in sorted(source.errors, key=ContentError.sort_key)]

    return read


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ("  - {file: dokumente/fehlt.pdf, title: Fehlt}",
         ["7: attachments: attachment file 'dokumente/fehlt.pdf' does not exist under the content directory"]),
        ("  - {file: ../geheim.pdf, title: Geheim}", ["7: attachments: '../geheim.pdf' is outside the content directory"]),
        ("  - {file: dokumente/programm.zip, title: Programm}",
         [f"7: attachments: 'dokumente/programm.zip' is not a type attachments may have; allowed: {ALLOWED}"]),
        ("  - {file: images/plan.pdf, title: Plan}",
         ["7: attachments: 'images/plan.pdf' is under images/, which the site publishes as it is; "
          "put attachments in their own folder, such as dokumente/"]),
        ("  - {file: dokumente/flyer-strassenfest.pdf, title: ''}",
         ["7: attachments: an attachment's title must be text; put it in quotes if it is a number or a date"]),
        ("  - {file: dokumente/flyer-strassenfest.pdf}",
         ["7: attachments: an attachment has exactly the fields 'file' and 'title', got 'file'"]),
        ("  - dokumente/flyer-strassenfest.pdf",
         ["7: attachments: every attachment needs 'file' and 'title', e.g. "
          "'- {file: dokumente/flyer-strassenfest.pdf, title: Flyer zum Straßenfest}'"]),
        ("  - {file: dokumente/flyer-strassenfest.pdf, title: Flyer}\n"
         "  - {file: dokumente/missing.pdf, title: Fehlt}\n"
         "  - {file: ./dokumente//flyer-strassenfest.pdf, title: Noch einmal}\n"
         "  - {file: dokumente/kopie/flyer-strassenfest.pdf, title: Kopie}",
         ["8: attachments: attachment file 'dokumente/missing.pdf' does not exist under the content directory",
          "9: attachments: 'dokumente/flyer-strassenfest.pdf' is attached twice (first on line 7)",
          "10: attachments: another attachment is published as 'flyer-strassenfest.pdf' (line 7); "
          "rename one of the files"]),
        ("  []", ["6: attachments: is an empty list; add an attachment or remove the line"]),
    ],
    ids=["missing", "outside", "type", "static-folder", "empty-title", "no-title", "no-mapping", "each-on-its-line",
         "empty-list"],
)
def test_each_attachment_rule_names_its_line(messages, items: str, expected: list[str]):
    assert messages(items) == [f"{PATH}:{message}" for message in expected]


def test_a_good_list_reads_cleanly(messages):
    assert messages("  - {file: dokumente/flyer-strassenfest.pdf, title: Flyer zum Straßenfest}") == []


def test_a_missing_attachment_stops_the_build_and_keeps_the_output(built: Path, site: Path, capsys):
    before = sorted(path for path in built.rglob("*"))
    (site / "dokumente" / "flyer-strassenfest.pdf").unlink()
    with pytest.raises(ContentErrors):
        build(site, built)
    err = capsys.readouterr().err
    assert "strassenfest.md:8: attachments: attachment file 'dokumente/flyer-strassenfest.pdf' does not exist" in err
    assert sorted(path for path in built.rglob("*")) == before
