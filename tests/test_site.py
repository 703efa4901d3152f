"""What readers get: real builds of the fixture and sample sites, read with beautifulsoup4."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from helpers import FIXTURE_SITE, build, soup

RELEASE = "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/index.html"
OLDER = "pressemitteilungen/2024/17-sprechstunde-im-rathaus/index.html"


@pytest.fixture(scope="module")
def fixture_output(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fixture")
    content = root / "content"
    shutil.copytree(FIXTURE_SITE, content)
    (content / "releases" / "2024" / "entwurf.md").write_text(
        '---\ntitle: Geheimer Entwurf\ndate: 2024-11-01 10:00\nnumber: "500/2024"\n'
        "department: bauen\nstatus: draft\n---\nNoch nicht fertig.\n",
        encoding="utf-8",
    )
    (content / "releases" / "2024" / "zeichen.md").write_text(
        "---\ntitle: 'Test \"Anführung\" <b>fett</b> & mehr'\ndate: 2024-01-02 08:00\n"
        'number: "1/2024"\ndepartment: bauen\nsummary: \'Kurz "zitiert" <i>x</i> & y\'\n---\nText.\n',
        encoding="utf-8",
    )
    output = root / "output"
    build(content, output)
    return output


def test_release_page_shows_the_release(fixture_output):
    page = soup(fixture_output / RELEASE)
    assert page.html["lang"] == "de"
    assert page.h1.get_text() == "Neue Bäume für die Schillerstraße & den Marktplatz"
    identity = page.find(string=re.compile("Pressemitteilung Nr. 422/2024 vom"))
    assert identity is not None
    time = identity.parent.find("time")
    assert time.get_text() == "4. Oktober 2024"
    assert time["datetime"] == "2024-10-04T10:30:00+02:00"
    department = page.find("a", href="/ressorts/umwelt/")
    assert department.get_text() == "Abteilung Umwelt & Grün"


def test_quotation_has_its_speaker(fixture_output):
    figure = soup(fixture_output / RELEASE).find("figure", class_="zitat")
    assert figure.blockquote.get_text(strip=True) == "„Jeder Baum kühlt die Straße im Sommer.“"
    assert figure.figcaption.get_text(strip=True) == "Bezirksstadträtin Erika Muster"


def test_media_contact_named_or_default(fixture_output):
    named = soup(fixture_output / RELEASE).find(id="medienkontakt-titel").find_parent("aside")
    assert "Frau Beispiel" in named.get_text()
    default = soup(fixture_output / OLDER).find(id="medienkontakt-titel").find_parent("aside")
    assert "Bezirksamt Testhausen" in default.get_text()
    assert default.find("a", href="mailto:presse@testhausen.example")
    assert default.find("a", href="tel:03012345678")


def test_topics_link_to_german_slugs(fixture_output):
    page = soup(fixture_output / RELEASE)
    assert page.find("a", href="/themen/strassenbaeume/").get_text() == "Straßenbäume"
    topic = soup(fixture_output / "themen/strassenbaeume/index.html")
    assert "Straßenbäume" in topic.h1.get_text()
    assert topic.find("a", href="/" + RELEASE.removesuffix("index.html"))


def test_previous_and_next_release(fixture_output):
    newer = soup(fixture_output / RELEASE)
    assert newer.find("a", rel="prev")["href"] == "/" + OLDER.removesuffix("index.html")
    assert newer.find("a", rel="next") is None
    older = soup(fixture_output / OLDER)
    assert older.find("a", rel="next")["href"] == "/" + RELEASE.removesuffix("index.html")


def test_date_without_time_is_midnight_in_berlin(fixture_output):
    time = soup(fixture_output / OLDER).find("p", class_="pm__kennung").time
    assert time["datetime"] == "2024-03-01T00:00:00+01:00"
    assert time.get_text() == "1. März 2024"


def test_summary_from_front_matter_or_first_paragraph(fixture_output):
    given = soup(fixture_output / OLDER).find("meta", attrs={"name": "description"})
    assert given["content"] == "Die Bauaufsicht bietet eine offene Sprechstunde an."
    derived = soup(fixture_output / RELEASE).find("meta", attrs={"name": "description"})
    assert derived["content"] == "Das Bezirksamt pflanzt im Herbst 40 neue Straßenbäume in der Schillerstraße."


def test_markup_characters_in_titles_are_escaped(fixture_output):
    path = fixture_output / "pressemitteilungen/2024/1-test-anfuehrung-fett-mehr/index.html"
    html = path.read_text(encoding="utf-8")
    assert "<b>fett</b>" not in html
    assert "<i>x</i>" not in html
    page = soup(path)
    assert page.h1.get_text() == 'Test "Anführung" <b>fett</b> & mehr'
    assert page.find("meta", attrs={"name": "description"})["content"] == 'Kurz "zitiert" <i>x</i> & y'


def test_drafts_are_never_written(fixture_output):
    for path in fixture_output.rglob("*"):
        assert "entwurf" not in str(path)
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".txt"}:
            assert "Geheimer Entwurf" not in path.read_text(encoding="utf-8")


def test_lists_archives_departments_topics_and_pages_exist(fixture_output):
    expected = {
        "index.html": "Aktuelle Pressemitteilungen",
        "pressemitteilungen/index.html": "Archiv",
        "pressemitteilungen/2024/index.html": "Pressemitteilungen 2024",
        "ressorts/index.html": "Ressorts",
        "ressorts/bauen/index.html": "Abteilung Bauen",
        "themen/index.html": "Themen",
        "impressum/index.html": "Impressum",
        "404.html": "Seite nicht gefunden",
    }
    for path, heading in expected.items():
        page = soup(fixture_output / path)
        assert page.h1.get_text(strip=True) == heading, path
        assert len(page.find_all("h1")) == 1, path


def test_home_lists_newest_first(fixture_output):
    links = [
        a["href"] for a in soup(fixture_output / "index.html").main.find_all("a") if "/pressemitteilungen/2024/" in a["href"]
    ]
    ordered = list(dict.fromkeys(links))
    assert ordered[0].startswith("/pressemitteilungen/2024/422-")
    assert ordered[-1].startswith("/pressemitteilungen/2024/1-")


def test_every_page_is_accessible_in_structure_and_local_only(fixture_output):
    for path in fixture_output.rglob("*.html"):
        page = soup(path)
        assert page.html["lang"] == "de", path
        skip = page.find("a", class_="skip-link")
        assert skip["href"] == "#inhalt", path
        assert page.find("main", id="inhalt"), path
        assert page.find("header") and page.find("footer") and page.find("nav"), path
        for tag, attribute in (("img", "src"), ("script", "src"), ("link", "href"), ("iframe", "src")):
            for element in page.find_all(tag):
                value = element.get(attribute, "")
                if tag == "link" and "stylesheet" not in element.get("rel", []):
                    continue
                assert not re.match(r"^(https?:)?//", value), f"{path}: {value}"
        for image in page.find_all("img"):
            assert image.has_attr("alt"), path


def test_sample_site_has_pagination_image_and_correction(sample_output):
    home = soup(sample_output / "index.html")
    assert home.find("nav", attrs={"aria-label": "Seitennavigation"})
    assert (sample_output / "seite/1/index.html").exists()
    with_image = next(
        path for path in sample_output.glob("pressemitteilungen/*/*/index.html") if soup(path).find("figure", class_="pm__bild")
    )
    figure = soup(with_image).find("figure", class_="pm__bild")
    assert figure.img["alt"].strip()
    assert figure.img["width"] == "1600" and figure.img["height"] == "1000"
    assert (sample_output / figure.img["src"].lstrip("/")).is_file()
    assert figure.figcaption.get_text(strip=True) == "Foto: Bezirksamt Lindenhain"
    corrected = [
        path
        for path in sample_output.glob("pressemitteilungen/*/*/index.html")
        if "Aktualisiert am" in path.read_text(encoding="utf-8")
    ]
    assert len(corrected) == 1


def test_sample_site_has_the_legal_pages(sample_output):
    for slug, title in (
        ("impressum", "Impressum"),
        ("datenschutz", "Datenschutzerklärung"),
        ("barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ):
        page = soup(sample_output / slug / "index.html")
        assert page.h1.get_text(strip=True) == title
        assert soup(sample_output / "index.html").find("a", href=f"/{slug}/")


def test_tables_scroll_in_a_labelled_region(fixture_output):
    region = soup(fixture_output / OLDER).find("div", class_="tabelle")
    assert region["role"] == "region" and region["tabindex"] == "0" and region["aria-label"] == "Tabelle"
    assert region.table.find("th").get_text() == "Tag"
