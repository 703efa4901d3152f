"""The pages in Leichte Sprache and Gebärdensprache: linked from the header of every page, in the sitemap, and the
sign-language video (NEWSROOM["sign_language"]) shown with its captions, or the page says honestly that it is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.settings import read_settings

from newsroom.errors import ContentErrors

from helpers import SETTINGS, build, soup

HEADER_LINKS = [("/leichte-sprache/", "Leichte Sprache"), ("/gebaerdensprache/", "Gebärdensprache")]
# One page of every kind the site writes.
PAGE_KINDS = [
    "index.html",
    "seite/1/index.html",
    "pressemitteilungen/index.html",
    "pressemitteilungen/2025/index.html",
    "pressemitteilungen/2025/48-sommerfest-kiez-kultur-im-rathausgarten/index.html",
    "ressorts/index.html",
    "ressorts/stadtentwicklung/index.html",
    "themen/index.html",
    "themen/verkehr/index.html",
    "suche/index.html",
    "feeds/index.html",
    "impressum/index.html",
    "leichte-sprache/index.html",
    "gebaerdensprache/index.html",
    "404.html",
]


def header_links(path: Path) -> list[tuple[str, str]]:
    nav = soup(path).find("header", class_="kopf").find("nav", class_="zugang")
    return [(link["href"], link.get_text(strip=True)) for link in nav.find_all("a")]


@pytest.mark.parametrize("page", PAGE_KINDS)
def test_every_page_links_both_in_its_header(sample_output: Path, page: str):
    assert header_links(sample_output / page) == HEADER_LINKS


def test_the_page_itself_is_marked_current(sample_output: Path):
    nav = soup(sample_output / "leichte-sprache" / "index.html").find("nav", class_="zugang")
    assert [link.get("aria-current") for link in nav.find_all("a")] == ["page", None]


def test_both_pages_are_in_the_sitemap(sample_output: Path):
    sitemap = (sample_output / "sitemaps" / "seiten.xml").read_text(encoding="utf-8")  # pages other than releases
    for url, _ in HEADER_LINKS:
        assert f"<loc>https://presse.lindenhain.example{url}</loc>" in sitemap


def test_leichte_sprache_explains_the_site_in_short_sentences(sample_output: Path):
    page = soup(sample_output / "leichte-sprache" / "index.html").find("article", class_="seite")
    assert page.h1.get_text() == "Leichte Sprache"
    assert [heading.get_text() for heading in page.find_all("h2")] == [
        "Was ist diese Internet-Seite?", "Wie finde ich eine Presse-Mitteilung?", "Wie suche ich etwas?", "Gibt es Hilfe?",
    ]
    sentences = [part for block in page.find_all(["p", "li"]) for part in block.get_text(" ").split(".") if part.strip()]
    assert max(len(sentence.split()) for sentence in sentences) <= 12


def test_without_a_video_the_page_says_so(sample_output: Path):
    page = soup(sample_output / "gebaerdensprache" / "index.html")
    assert page.find("video") is None
    placeholder = page.find("p", class_="dgs__platzhalter")
    assert placeholder.get_text().startswith("Das Video in Deutscher Gebärdensprache ist noch nicht fertig.")


@pytest.fixture
def sign_language_site(site: Path) -> Path:
    (site / "pages" / "gebaerdensprache.md").write_text(
        "---\ntitle: Gebärdensprache\nslug: gebaerdensprache\n---\nDas Bezirksamt erklärt diese Website in DGS.\n",
        encoding="utf-8",
    )
    (site / "medien").mkdir()
    (site / "medien" / "dgs-erklaerung.webm").write_bytes(b"\x1aE\xdf\xa3 webm des Testes")
    (site / "medien" / "dgs-erklaerung.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nWillkommen.\n", encoding="utf-8")
    return site


def video_settings(**given) -> dict:
    office = read_settings(str(SETTINGS))["NEWSROOM"]
    return {"NEWSROOM": {**office, "sign_language": given}}


def test_a_configured_video_is_shown_with_captions_and_published(sign_language_site: Path, tmp_path: Path):
    output = tmp_path / "output"
    build(sign_language_site, output,
          **video_settings(video="medien/dgs-erklaerung.webm", captions="medien/dgs-erklaerung.vtt"))
    video = soup(output / "gebaerdensprache" / "index.html").find("video")
    assert video["src"] == "/gebaerdensprache/dgs-erklaerung.webm" and video.has_attr("controls")
    track = video.find("track")
    assert (track["kind"], track["srclang"], track["src"]) == ("captions", "de", "/gebaerdensprache/dgs-erklaerung.vtt")
    assert (output / "gebaerdensprache" / "dgs-erklaerung.webm").read_bytes() == b"\x1aE\xdf\xa3 webm des Testes"
    assert (output / "gebaerdensprache" / "dgs-erklaerung.vtt").read_text(encoding="utf-8").startswith("WEBVTT")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"video": "medien/dgs-erklaerung.webm"},
         "NEWSROOM['sign_language']: captions: is needed with video: a video without captions is not accessible"),
        ({"video": "medien/dgs-erklaerung.vtt", "captions": "medien/dgs-erklaerung.vtt"},
         "NEWSROOM['sign_language']: video: 'medien/dgs-erklaerung.vtt' is not a .mp4 or .webm file"),
        ({"video": "medien/fehlt.mp4", "captions": "medien/dgs-erklaerung.vtt"},
         "NEWSROOM['sign_language']: video: 'medien/fehlt.mp4' is not a file in the content folder"),
        ({"video": "medien/dgs-erklaerung.webm", "captions": "../dgs.vtt"},
         "NEWSROOM['sign_language']: captions: '../dgs.vtt' is not a file in the content folder"),
    ],
    ids=["no-captions", "wrong-type", "missing", "outside"],
)
def test_a_wrong_video_setting_stops_the_build(sign_language_site: Path, tmp_path: Path, capsys, given, message):
    with pytest.raises(ContentErrors):
        build(sign_language_site, tmp_path / "output", **video_settings(**given))
    assert message in capsys.readouterr().err
    assert not (tmp_path / "output").exists()
