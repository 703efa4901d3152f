"""Meta tags and JSON-LD of every page type, read back from a real build."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from pelican.settings import read_settings
from PIL import Image

from newsroom.outputs.social import script_json

from helpers import FIXTURE_SITE, ROOT, SETTINGS, build, run_task, soup

PUBLIC = "https://presse.testhausen.example"
SITENAME = read_settings(str(SETTINGS))["SITENAME"]
NEWSROOM = {
    **read_settings(str(SETTINGS))["NEWSROOM"],
    "public_url": PUBLIC,
    "social": {"twitter_site": "@bezirk_testhausen", "fediverse_creator": "@presse@social.testhausen.example"},
}
RELEASE = "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/"
SIGNS = "pressemitteilungen/2024/2-zeichen-anfuehrung-fett-mehr/"
LONG = "pressemitteilungen/2024/3-ein-langer-erster-absatz/"
MARKUP = "pressemitteilungen/2024/4-viel-auszeichnung/"
CORRECTED = "pressemitteilungen/2024/5-korrigierte-meldung/"
LONG_PARAGRAPH = " ".join(["Das Bezirksamt informiert über die neue Parkraumbewirtschaftung im Ortsteil Nordend."] * 5)
LISTS = {
    "index.html": [],
    "pressemitteilungen/index.html": ["Archiv"],
    "pressemitteilungen/2024/index.html": ["Archiv", "2024"],
    "ressorts/index.html": ["Ressorts"],
    "ressorts/umwelt/index.html": ["Ressorts", "Abteilung Umwelt & Grün"],
    "themen/index.html": ["Themen"],
    "themen/strassenbaeume/index.html": ["Themen", "Straßenbäume"],
}
EVERY_PAGE = ("og:title", "og:description", "og:type", "og:site_name", "og:locale", "og:image", "og:image:width",
              "og:image:height", "og:image:type", "og:image:alt", "twitter:card", "twitter:title",
              "twitter:description", "twitter:image", "twitter:image:alt", "twitter:site", "fediverse:creator",
              "description", "og:url")
RELEASE_ONLY = ("article:published_time", "article:modified_time", "article:section", "article:tag")


def release(number: int, title: str, body: str, extra: str = "", date: str = "2024-02-01 09:00") -> str:
    return f'---\ntitle: {title}\ndate: {date}\nnumber: "{number}/2024"\ndepartment: bauen\n{extra}---\n{body}\n'


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("social")
    content = root / "content"
    shutil.copytree(FIXTURE_SITE, content)
    releases = content / "releases" / "2024"
    (releases / "zeichen.md").write_text(
        release(
            2, "'Zeichen: \"Anführung\" <b>fett</b> & mehr'", "Text.", "summary: 'Kurz \"zitiert\" </script> <i>x</i> & y'\n"
        ),
        encoding="utf-8",
    )
    (releases / "lang.md").write_text(
        release(3, "Ein langer erster Absatz", LONG_PARAGRAPH + "\n\nZweiter Absatz."), encoding="utf-8"
    )
    (releases / "auszeichnung.md").write_text(
        release(
            4,
            "Viel Auszeichnung",
            "Die **Sprech**stunde im [Rathaus](https://example.org).[^1] Neu: *H*<sub>2</sub>O  \nab Montag.\n\n[^1]: Fußnote.",
        ),
        encoding="utf-8",
    )
    (releases / "korrektur.md").write_text(
        release(5, "Korrigierte Meldung", "Kurz.", "updated: 2024-02-03 14:15\nupdate_note: Uhrzeit korrigiert.\n"),
        encoding="utf-8",
    )
    target = root / "output"
    build(content, target, NEWSROOM={**NEWSROOM, "cards": {"cache_dir": str(root / "cache")}})
    return target


def meta(page) -> dict[str, list[str]]:
    """Every meta tag's values by property or name."""
    found: dict[str, list[str]] = {}
    for tag in page.head.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            found.setdefault(key, []).append(tag["content"])
    return found


def json_ld(page) -> list:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) <= 1
    return json.loads(scripts[0].string) if scripts else []


def of_type(data: list, kind: str) -> dict:
    return next(item for item in data if item["@type"] == kind)


def test_release_page_has_every_tag_with_its_value(output):
    page = soup(output / RELEASE / "index.html")
    tags = meta(page)
    for key in EVERY_PAGE + RELEASE_ONLY:
        assert key in tags, key
    for key, values in tags.items():
        assert len(values) == 1 or key == "article:tag", key
    url = PUBLIC + "/" + RELEASE
    assert page.find("link", rel="canonical")["href"] == url and len(page.find_all("link", rel="canonical")) == 1
    expected = {
        "og:url": url,
        "og:type": "article",
        "og:title": "Neue Bäume für die Schillerstraße & den Marktplatz",
        "twitter:title": "Neue Bäume für die Schillerstraße & den Marktplatz",
        "og:site_name": SITENAME,
        "og:locale": "de_DE",
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:type": "image/jpeg",
        "twitter:card": "summary_large_image",
        "article:published_time": "2024-10-04T10:30:00+02:00",
        "article:modified_time": "2024-10-04T10:30:00+02:00",
        "article:section": "Abteilung Umwelt & Grün",
        "twitter:site": "@bezirk_testhausen",
        "fediverse:creator": "@presse@social.testhausen.example",
    }
    assert {key: tags[key][0] for key in expected} == expected
    assert tags["article:tag"] == ["Umwelt", "Straßenbäume"]
    description = "Das Bezirksamt pflanzt im Herbst 40 neue Straßenbäume in der Schillerstraße."
    assert tags["description"] == tags["og:description"] == tags["twitter:description"] == [description]
    assert tags["twitter:image"] == tags["og:image"]
    assert re.fullmatch(re.escape(PUBLIC) + r"/karten/2024-422-[0-9a-f]{10}\.jpg", tags["og:image"][0])
    alt = tags["og:image:alt"][0]
    assert tags["twitter:image:alt"] == [alt]
    assert alt.startswith(
        "Neue Bäume für die Schillerstraße & den Marktplatz – Pressemitteilung Nr. 422/2024 vom 4. Oktober 2024"
    )


@pytest.mark.parametrize("path", [*LISTS, "impressum/index.html"])
def test_lists_and_static_pages_have_every_tag_and_the_site_card(output, path):
    page = soup(output / path)
    tags = meta(page)
    for key in EVERY_PAGE:
        assert len(tags.get(key, [])) == 1, key
    for key in RELEASE_ONLY:
        assert key not in tags, key
    url = PUBLIC + "/" + path.removesuffix("index.html")
    assert page.find("link", rel="canonical")["href"] == url == tags["og:url"][0]
    assert tags["og:type"] == ["website"]
    assert tags["og:title"] == (["Impressum"] if path == "impressum/index.html" else [page.title.get_text()])
    assert re.fullmatch(re.escape(PUBLIC) + r"/karten/allgemein-[0-9a-f]{10}\.jpg", tags["og:image"][0])
    assert tags["og:image:alt"] == ["Pressemitteilungen – Bezirksamt Lindenhain, Pressestelle"]


def test_not_found_page_has_a_card_but_no_canonical_address(output):
    page = soup(output / "404.html")
    tags = meta(page)
    assert page.find("link", rel="canonical") is None and "og:url" not in tags
    assert tags["og:image"][0].startswith(PUBLIC + "/karten/allgemein-")


def test_every_card_exists_with_the_declared_size_and_type(output):
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 15
    for path in pages:
        tags = meta(soup(path))
        image = output / tags["og:image"][0].removeprefix(PUBLIC + "/")
        with Image.open(image) as card:
            assert card.format == "JPEG" and tags["og:image:type"] == ["image/jpeg"], path
            assert card.size == (int(tags["og:image:width"][0]), int(tags["og:image:height"][0])), path
        assert image.stat().st_size <= 300_000, path


def test_release_json_ld_is_a_news_article_with_breadcrumbs(output):
    data = json_ld(soup(output / RELEASE / "index.html"))
    article = of_type(data, "NewsArticle")
    url = PUBLIC + "/" + RELEASE
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "Neue Bäume für die Schillerstraße & den Marktplatz"
    assert article["description"] == "Das Bezirksamt pflanzt im Herbst 40 neue Straßenbäume in der Schillerstraße."
    assert article["datePublished"] == article["dateModified"] == "2024-10-04T10:30:00+02:00"
    assert article["mainEntityOfPage"]["@id"] == article["url"] == url
    assert article["inLanguage"] == "de-DE"
    assert article["articleSection"] == "Abteilung Umwelt & Grün"
    assert article["image"][0]["url"] == meta(soup(output / RELEASE / "index.html"))["og:image"][0]
    assert (article["image"][0]["width"], article["image"][0]["height"]) == (1200, 630)
    for role in ("author", "publisher"):
        office = article[role]
        assert office["@type"] == "GovernmentOrganization" and office["name"] == "Bezirksamt Lindenhain"
        assert office["url"] == PUBLIC + "/"
        logo = office["logo"]
        assert re.fullmatch(re.escape(PUBLIC) + r"/theme/images/logo\.[0-9a-f]{8}\.png", logo["url"])
        with Image.open(output / logo["url"].removeprefix(PUBLIC + "/")) as picture:
            assert picture.size == (logo["width"], logo["height"])
    crumbs = of_type(data, "BreadcrumbList")["itemListElement"]
    assert [item["position"] for item in crumbs] == [1, 2, 3, 4]
    assert [item["name"] for item in crumbs] == ["Startseite", "Archiv", "2024", article["headline"]]
    assert [item["item"] for item in crumbs] == [
        PUBLIC + "/",
        PUBLIC + "/pressemitteilungen/",
        PUBLIC + "/pressemitteilungen/2024/",
        url,
    ]


@pytest.mark.parametrize(("path", "trail"), [*LISTS.items(), ("impressum/index.html", ["Impressum"])])
def test_lists_and_pages_carry_their_breadcrumbs(output, path, trail):
    data = json_ld(soup(output / path))
    if not trail:  # the home page: the site and the office instead (below)
        assert "BreadcrumbList" not in [item["@type"] for item in data]
        return
    crumbs = of_type(data, "BreadcrumbList")["itemListElement"]
    assert [item["name"] for item in crumbs] == ["Startseite", *trail]
    assert crumbs[-1]["item"] == PUBLIC + "/" + path.removesuffix("index.html")
    assert all(item["item"].startswith(PUBLIC + "/") for item in crumbs)


def test_home_page_describes_the_site_and_the_office(output):
    data = json_ld(soup(output / "index.html"))
    assert [item["@type"] for item in data] == ["WebSite", "GovernmentOrganization"]
    site, office = data
    assert site["@context"] == office["@context"] == "https://schema.org"
    assert (site["url"], site["inLanguage"]) == (PUBLIC + "/", "de-DE")
    assert site["name"].startswith("Pressemitteilungen")
    assert site["publisher"]["@type"] == "GovernmentOrganization"
    assert site["publisher"]["name"] == office["name"] and office["url"] == PUBLIC + "/"
    assert office["logo"]["url"].startswith(PUBLIC + "/theme/images/logo.")
    assert office["address"] == "Rathausplatz 1, 12345 Lindenhain"
    assert site["name"] == SITENAME


def test_quotes_angle_brackets_and_ampersands_are_escaped(output):
    path = output / SIGNS / "index.html"
    html = path.read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    assert "<b>" not in head and "<i>" not in head and head.count("</script>") == 1
    tags = meta(soup(path))
    assert tags["og:title"] == ['Zeichen: "Anführung" <b>fett</b> & mehr']
    assert tags["og:description"] == ['Kurz "zitiert" </script> <i>x</i> & y']
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    assert not set("<>&") & set(script)
    article = of_type(json.loads(script), "NewsArticle")
    assert article["headline"] == 'Zeichen: "Anführung" <b>fett</b> & mehr'
    assert article["description"] == 'Kurz "zitiert" </script> <i>x</i> & y'


def test_script_json_is_sorted_unicode_and_safe():
    text = script_json({"b": "</script><!-- & ü", "a": 1})
    assert text == '{"a": 1, "b": "\\u003c/script\\u003e\\u003c!-- \\u0026 ü"}'
    assert json.loads(text) == {"a": 1, "b": "</script><!-- & ü"}


def test_long_first_paragraph_is_cut_at_a_word_within_200_characters(output):
    description = meta(soup(output / LONG / "index.html"))["og:description"][0]
    assert len(description) <= 200 and description.endswith("…")
    assert (LONG_PARAGRAPH + " ").startswith(description[:-1] + " ")
    assert len(description) > 150


def test_markup_in_the_first_paragraph_leaves_plain_text(output):
    description = meta(soup(output / MARKUP / "index.html"))["og:description"][0]
    assert description == "Die Sprechstunde im Rathaus. Neu: H2O ab Montag."


def test_short_description_and_correction_date(output):
    tags = meta(soup(output / CORRECTED / "index.html"))
    assert tags["og:description"] == ["Kurz."]
    assert tags["article:published_time"] == ["2024-02-01T09:00:00+01:00"]
    assert tags["article:modified_time"] == ["2024-02-03T14:15:00+01:00"]
    article = of_type(json_ld(soup(output / CORRECTED / "index.html")), "NewsArticle")
    assert article["dateModified"] == "2024-02-03T14:15:00+01:00"


def test_optional_accounts_are_left_out_when_not_set(sample_output):
    tags = meta(soup(sample_output / "index.html"))
    assert "twitter:site" not in tags and "fediverse:creator" not in tags


def test_release_has_plain_share_links_for_every_platform(output):
    page = soup(output / RELEASE / "index.html")
    section = page.find("section", class_="teilen")
    assert section.h2.get_text() == "Teilen"
    links = {a.get_text(): a for a in section.find_all("a")}
    assert list(links) == ["Mastodon", "Bluesky", "Facebook", "LinkedIn", "X", "WhatsApp", "Telegram", "E-Mail"]
    encoded = quote(PUBLIC + "/" + RELEASE, safe="")
    for name, link in links.items():
        assert encoded in link["href"], name
        assert link["rel"] == ["noreferrer"], name
    assert links["E-Mail"]["href"].startswith(
        "mailto:?subject=Neue%20B%C3%A4ume%20f%C3%BCr%20die%20Schillerstra%C3%9Fe%20%26%20den"
    )
    assert links["Facebook"]["href"] == "https://www.facebook.com/sharer/sharer.php?u=" + encoded
    assert not page.find("script", src=True) and not page.find("iframe")
    assert soup(output / "impressum/index.html").find("section", class_="teilen") is None


def run_share_check(tmp_path: Path, content: Path, release: Path, command: bool = False) -> subprocess.CompletedProcess:
    """`invoke share-check` writing its preview below ``tmp_path``: in this process, with ``command`` as an editor runs it."""
    args = ["share-check", "--settings", str(SETTINGS), "--content", str(content), str(release)]
    if not command:
        return run_task(*args, cwd=tmp_path)
    executable = Path(sys.executable).with_name("invoke")
    return subprocess.run([str(executable), "-r", str(ROOT), *args], capture_output=True, text=True, cwd=tmp_path)


def test_share_check_prints_lengths_and_writes_a_preview(site, tmp_path):
    title = "Neue Öffnungszeiten der Bürgerämter in Nordend, Südend und am Marktplatz ab dem ersten März"
    release_file = site / "releases" / "2024" / "lang.md"
    release_file.write_text(release(9, title, LONG_PARAGRAPH), encoding="utf-8")
    result = run_share_check(tmp_path, site, release_file, command=True)
    assert result.returncode == 0, result.stderr
    assert f"title: {len(title)} characters, description: " in result.stdout
    assert f"warning: the title ({len(title)} characters) is cut on Mastodon (~70)" in result.stdout
    assert "warning: the description (" in result.stdout and "WhatsApp (~80)" in result.stdout
    page = soup(tmp_path / "share-preview" / "2024-9.html")
    assert page.title.get_text() == f"Share preview: {title}"
    assert {image["src"] for image in page.find_all("img")} == {"2024-9-karte.jpg"}
    with Image.open(tmp_path / "share-preview" / "2024-9-karte.jpg") as card:
        assert card.size == (1200, 630) and card.format == "JPEG"


def test_share_check_short_release_has_no_warnings_and_rejects_pages(site, tmp_path):
    result = run_share_check(tmp_path, site, site / "releases" / "2024" / "baeume.md")
    assert result.returncode == 0 and "warning" not in result.stdout
    result = run_share_check(tmp_path, site, site / "pages" / "impressum.md")
    assert result.returncode == 1 and "impressum.md: not a release" in result.stderr


def test_share_check_reports_content_errors(site, tmp_path):
    broken = site / "releases" / "2024" / "kaputt.md"
    broken.write_text(release(9, "Kaputt", "Text.").replace("department: bauen", "department: kultur"), encoding="utf-8")
    result = run_share_check(tmp_path, site, broken, command=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "kaputt.md:5: department: 'kultur' is not a key of" in result.stderr


def test_share_check_warns_when_the_title_does_not_fit_the_card(site, tmp_path):
    release_file = site / "releases" / "2024" / "riesig.md"
    title = " ".join(["Bürgerbeteiligung"] * 11)  # 197 characters: a headline may have 200
    release_file.write_text(release(9, title, "Text."), encoding="utf-8")
    result = run_share_check(tmp_path, site, release_file)
    assert "warning: the title does not fit on the card even in the smallest size" in result.stdout
