"""NEWSROOM["numbering"]: releases numbered '422/2017' (the default), '2021-012', or not at all.

Each scheme is built as a real site: the number line in German, the feed id,
the address; a number in the wrong form, twice, or of another year stops the
build with path:line; without numbers an id written once keeps the feed entry
and (with the manifest and aliases) the address when title, slug or time
change; `invoke new` follows the scheme.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pelican.settings import read_settings

from newsroom.content.dates import BERLIN
from newsroom.tools.authoring import new_release
from newsroom.tools.check import check_content
from newsroom.tools.publishing import record_published_urls

from helpers import ROOT, SETTINGS, build, refused_build, soup

ATOM = "{http://www.w3.org/2005/Atom}"
TAG_PREFIX = "tag:presse.lindenhain.example,2025:pm-"
PROJECT_NEWSROOM = read_settings(str(SETTINGS))["NEWSROOM"]
RELEASES = Path("releases") / "2024"
BAEUME_ID = f"{TAG_PREFIX}b4umk8zq"
SPRECHSTUNDE_ID = f"{TAG_PREFIX}sp7e3hwd"
FOREIGN_ID = "urn:uuid:0b6f7c52-5d1e-4c4e-9a57-3f1d2c7e8a10"


def options(tmp_path: Path, scheme: str) -> dict:
    """The project's NEWSROOM with this numbering and the caches in the test's folder."""
    return {
        **PROJECT_NEWSROOM,
        "numbering": scheme,
        "content_cache_dir": str(tmp_path / "cache-content"),
        "cards": {"cache_dir": str(tmp_path / "cache-cards")},
    }


def settings_file(tmp_path: Path, scheme: str) -> Path:
    """pelicanconf.py with this numbering, for `invoke check` and `record-urls`."""
    path = tmp_path / "einstellungen.py"
    path.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(SETTINGS)!r}).items() if k.isupper()}})\n"
        f"THEME = {str(ROOT / 'theme')!r}\n"
        f"NEWSROOM = {options(tmp_path, scheme)!r}\n",
        encoding="utf-8",
    )
    return path


def replace_line(site: Path, name: str, old: str, new: str) -> None:
    path = site / RELEASES / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def unnumbered(site: Path) -> Path:
    """The fixture site as an office without numbers writes it: an id instead of each number."""
    replace_line(site, "baeume.md", 'number: "422/2024"', f"id: {BAEUME_ID}")
    replace_line(site, "sprechstunde.md", 'number: "17/2024"', f"id: {SPRECHSTUNDE_ID}")
    return site


def year_serial(site: Path) -> Path:
    replace_line(site, "baeume.md", 'number: "422/2024"', 'number: "2024-422"')
    replace_line(site, "sprechstunde.md", 'number: "17/2024"', 'number: "2024-017"')
    return site


def feed_ids(output: Path) -> dict[str, str]:
    """Entry id by link of the site's Atom feed."""
    root = ElementTree.fromstring((output / "feeds" / "all.atom.xml").read_bytes())
    return {entry.find(f"{ATOM}link").get("href"): entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")}


def number_line(output: Path, address: str) -> str:
    return soup(output / address / "index.html").find("p", class_="pm__kennung").get_text()


def errors_of(site: Path, tmp_path: Path, scheme: str) -> list[str]:
    failure = refused_build(site, tmp_path / "output", NEWSROOM=options(tmp_path, scheme))
    return [line.replace(f"{site}/", "") for line in failure.format_message().splitlines()[:-1]]


def add_release(site: Path, name: str, head: str) -> None:
    (site / RELEASES / name).write_text(f"---\n{head.strip()}\ndepartment: bauen\n---\nDas Bezirksamt informiert.\n",
                                        encoding="utf-8")


# --- the setting ----------------------------------------------------------------------


def test_an_unknown_scheme_stops_the_build(site: Path, tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as stop:
        build(site, tmp_path / "output", NEWSROOM=options(tmp_path, "nummer/jahr"))
    assert stop.value.code == 1
    assert not (tmp_path / "output").exists()
    assert capsys.readouterr().err.splitlines()[0] == (
        "NEWSROOM: numbering: 'nummer/jahr' is not a numbering scheme; choose 'serial/year' (422/2017), "
        "'year-serial' (2021-012) or 'none' (releases without numbers)"
    )


# --- year-serial ----------------------------------------------------------------------

SPRECHSTUNDE = "pressemitteilungen/2024/17-sprechstunde-im-rathaus/"
BAEUME = "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/"


def test_year_serial_numbers_are_shown_with_three_digits(site: Path, tmp_path: Path):
    output = tmp_path / "output"
    build(year_serial(site), output, NEWSROOM=options(tmp_path, "year-serial"))
    assert number_line(output, SPRECHSTUNDE) == "Pressemitteilung Nr. 2024-017 vom 1. März 2024"
    assert number_line(output, BAEUME) == "Pressemitteilung Nr. 2024-422 vom 4. Oktober 2024"
    page = soup(output / SPRECHSTUNDE / "index.html")
    assert page.find("p", class_="pm__kennung")["data-pagefind-meta"] == "nummer:2024-017"
    listed = [meta.get_text(" ", strip=True) for meta in soup(output / "index.html").select("main .meta")]
    assert any(text.startswith("Nr. 2024-017") for text in listed), listed
    ids = feed_ids(output)
    assert ids[f"https://presse.lindenhain.example/{SPRECHSTUNDE}"] == f"{TAG_PREFIX}17-2024"
    assert list((output / "karten").glob("2024-17-*.jpg"))


def test_year_serial_refuses_numbers_in_another_form_twice_or_of_another_year(site: Path, tmp_path: Path):
    year_serial(site)
    add_release(site, "alt.md", 'title: Alte Schreibweise\ndate: 2024-05-02 09:00\nnumber: "18/2024"')
    add_release(site, "kurz.md", 'title: Ohne Nullen\ndate: 2024-05-03 09:00\nnumber: "2024-19"')
    add_release(site, "doppelt.md", 'title: Noch eine Sprechstunde\ndate: 2024-05-04 09:00\nnumber: "2024-017"')
    add_release(site, "vorjahr.md", 'title: Aus dem Vorjahr\ndate: 2024-05-05 09:00\nnumber: "2023-020"')
    errors = errors_of(site, tmp_path, "year-serial")
    assert errors == [
        "releases/2024/alt.md:4: number: '18/2024' is not a release number; write 'YYYY-NNN' such as '2021-012'",
        "releases/2024/doppelt.md:4: number: '2024-017' is also used by releases/2024/sprechstunde.md:4",
        "releases/2024/kurz.md:4: number: '2024-19' is not a release number; write 'YYYY-NNN' such as '2021-012'",
        "releases/2024/sprechstunde.md:4: number: '2024-017' is also used by releases/2024/doppelt.md:4",
        "releases/2024/vorjahr.md:4: number: the year 2023 does not match the year of date (2024)",
    ]


def test_serial_year_numbers_are_refused_on_a_year_serial_site_by_invoke_check(site: Path, tmp_path: Path):
    errors = check_content(str(settings_file(tmp_path, "year-serial")), str(site)).errors
    assert sorted((Path(error.path).name, error.line, error.message) for error in errors) == [
        ("baeume.md", 4, "'422/2024' is not a release number; write 'YYYY-NNN' such as '2021-012'"),
        ("sprechstunde.md", 4, "'17/2024' is not a release number; write 'YYYY-NNN' such as '2021-012'"),
    ]


# --- none -----------------------------------------------------------------------------

BAEUME_CODED = "pressemitteilungen/2024/b4umk8zq-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/"
SPRECHSTUNDE_CODED = "pressemitteilungen/2024/sp7e3hwd-sprechstunde-im-rathaus/"


def test_releases_without_numbers_are_named_by_their_id(site: Path, tmp_path: Path):
    output = tmp_path / "output"
    build(unnumbered(site), output, NEWSROOM=options(tmp_path, "none"))
    assert number_line(output, BAEUME_CODED) == "Pressemitteilung vom 4. Oktober 2024"
    page = soup(output / SPRECHSTUNDE_CODED / "index.html")
    assert page.find("p", class_="pm__kennung").get("data-pagefind-meta") is None
    assert "Nr." not in page.main.get_text()
    assert "Nr." not in soup(output / "index.html").main.get_text()
    assert feed_ids(output) == {
        f"https://presse.lindenhain.example/{BAEUME_CODED}": BAEUME_ID,
        f"https://presse.lindenhain.example/{SPRECHSTUNDE_CODED}": SPRECHSTUNDE_ID,
    }
    assert list((output / "karten").glob("sp7e3hwd-*.jpg"))
    card = page.find("meta", attrs={"property": "og:image:alt"})
    assert card["content"].startswith("Sprechstunde im Rathaus – Pressemitteilung vom 1. März 2024, Abteilung Bauen")


def test_releases_of_the_same_minute_without_numbers_keep_one_order(site: Path, tmp_path: Path):
    unnumbered(site)
    for code, title in (("zz9kw4aa", "Markt am Rathaus"), ("aa2kw4zz", "Lesung in der Bibliothek")):
        add_release(site, f"{code}.md", f"title: {title}\ndate: 2024-10-04 10:30\nid: {TAG_PREFIX}{code}")
    output = tmp_path / "output"
    build(site, output, NEWSROOM=options(tmp_path, "none"))
    listed = [link.get_text() for link in soup(output / "index.html").select("main .teaser__titel a")]
    assert listed[:3] == ["Lesung in der Bibliothek", "Neue Bäume für die Schillerstraße & den Marktplatz",
                          "Markt am Rathaus"]
    entries = ElementTree.fromstring((output / "feeds" / "all.atom.xml").read_bytes()).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries][:3] == listed[:3]


def test_without_numbers_the_id_is_required_and_a_number_refused(site: Path, tmp_path: Path):
    unnumbered(site)
    replace_line(site, "sprechstunde.md", f"id: {SPRECHSTUNDE_ID}\n", "")
    add_release(site, "nummer.md", f'title: Mit Nummer\ndate: 2024-05-02 09:00\nnumber: "18/2024"\nid: {TAG_PREFIX}n8mmer22')
    add_release(site, "fremd.md", f"title: Fremde Kennung\ndate: 2024-05-03 09:00\nid: {FOREIGN_ID}")
    add_release(site, "doppelt.md", f"title: Doppelte Kennung\ndate: 2024-05-04 09:00\nid: {BAEUME_ID}")
    errors = errors_of(site, tmp_path, "none")
    assert errors == [
        f"releases/2024/baeume.md:4: id: '{BAEUME_ID}' is also the id of releases/2024/doppelt.md:4",
        f"releases/2024/doppelt.md:4: id: '{BAEUME_ID}' is also the id of releases/2024/baeume.md:4",
        f"releases/2024/fremd.md:4: id: '{FOREIGN_ID}' is not an id of this site's "
        "releases (they have no numbers, so the id names them); write "
        f"'{TAG_PREFIX}k3f9x2mq': 'pm-' and 4 to 20 lower-case letters or digits (invoke new writes one)",
        "releases/2024/nummer.md:4: number: this site has no release numbers (NEWSROOM['numbering'] is 'none'); "
        "remove the line, the id names the release",
        "releases/2024/sprechstunde.md:1: id: is required but missing: this site's releases have no numbers, so each "
        f"has a permanent id; write id: '{TAG_PREFIX}k3f9x2mq' (invoke new writes one)",
    ]


def test_without_numbers_feed_id_and_address_survive_new_title_slug_and_time(site: Path, tmp_path: Path):
    unnumbered(site)
    settings = settings_file(tmp_path, "none")
    output = tmp_path / "output"
    build(site, output, NEWSROOM=options(tmp_path, "none"))
    before = feed_ids(output)
    path, count = record_published_urls(check_content(str(settings), str(site)))
    recorded = Path(path).read_text(encoding="utf-8")
    assert f'"b4umk8zq": /{BAEUME_CODED}\n' in recorded and f'"sp7e3hwd": /{SPRECHSTUNDE_CODED}\n' in recorded

    replace_line(site, "baeume.md", 'title: "Neue Bäume für die Schillerstraße & den Marktplatz"',
                 "title: Vierzig neue Bäume für die Schillerstraße")
    replace_line(site, "baeume.md", "date: 2024-10-04 10:30", "date: 2024-10-04 14:15")
    replace_line(site, "sprechstunde.md", "title: Sprechstunde im Rathaus", "title: Offene Sprechstunde im Rathaus\n"
                 "slug: offene-sprechstunde")
    warnings = [warning.format() for warning in check_content(str(settings), str(site)).warnings]
    assert [re.sub(r"^.*?releases/", "releases/", warning) for warning in warnings] == [
        f"releases/2024/baeume.md:2: title: the address changed from '/{BAEUME_CODED}' (recorded in {path}:3) to "
        "'/pressemitteilungen/2024/b4umk8zq-vierzig-neue-baeume-fuer-die-schillerstrasse/'; "
        f"add '/{BAEUME_CODED}' to aliases so the published link keeps working",
        f"releases/2024/sprechstunde.md:3: slug: the address changed from '/{SPRECHSTUNDE_CODED}' (recorded in {path}:4) "
        "to '/pressemitteilungen/2024/sp7e3hwd-offene-sprechstunde/'; "
        f"add '/{SPRECHSTUNDE_CODED}' to aliases so the published link keeps working",
    ]
    replace_line(site, "baeume.md", "department: umwelt", f"department: umwelt\naliases: [/{BAEUME_CODED}]")
    replace_line(site, "sprechstunde.md", "department: bauen", f"department: bauen\naliases: [/{SPRECHSTUNDE_CODED}]")
    assert check_content(str(settings), str(site)).warnings == []
    build(site, output, NEWSROOM=options(tmp_path, "none"))
    after = feed_ids(output)
    assert sorted(after.values()) == sorted(before.values())
    new_baeume = "pressemitteilungen/2024/b4umk8zq-vierzig-neue-baeume-fuer-die-schillerstrasse/"
    assert after[f"https://presse.lindenhain.example/{new_baeume}"] == BAEUME_ID
    refresh = soup(output / BAEUME_CODED / "index.html").find("meta", attrs={"http-equiv": "refresh"})
    assert refresh["content"] == f"0; url=/{new_baeume}"


def test_the_manifest_of_a_site_without_numbers_holds_codes(site: Path, tmp_path: Path):
    unnumbered(site)
    manifest = site / "data" / "published-urls.yml"
    manifest.write_text(f'"sp7e3hwd": /{SPRECHSTUNDE_CODED}\n"17/2024": /alt/\n', encoding="utf-8")
    errors = errors_of(site, tmp_path, "none")
    assert errors == [
        "data/published-urls.yml:2: '17/2024' is not the code of a release id (after 'pm-') such as 'k3f9x2mq'"
    ]


# --- invoke new -----------------------------------------------------------------------

NOW = dt.datetime(2024, 11, 5, 14, 7, tzinfo=BERLIN)


def settings_with(site: Path, tmp_path: Path, scheme: str) -> dict:
    return read_settings(str(SETTINGS), override={"PATH": str(site), "NEWSROOM": options(tmp_path, scheme)})


def test_invoke_new_takes_the_next_year_serial_number(site: Path, tmp_path: Path):
    year_serial(site)
    made = new_release(settings_with(site, tmp_path, "year-serial"), "Neue Spielplätze im Bezirk", "bauen", now=NOW)
    assert "number: 2024-423\n" in Path(made.path).read_text(encoding="utf-8")
    assert made.url == "pressemitteilungen/2024/423-neue-spielplaetze-im-bezirk/"
    new_year = new_release(settings_with(site, tmp_path, "year-serial"), "Neujahrsempfang", "bauen",
                           date="2025-01-03 11:00", now=NOW)
    assert "number: 2025-001\n" in Path(new_year.path).read_text(encoding="utf-8")
    output = tmp_path / "output"
    build(site, output, NEWSROOM=options(tmp_path, "year-serial"))
    assert number_line(output, made.url) == "Pressemitteilung Nr. 2024-423 vom 5. November 2024"


def test_invoke_new_writes_a_fresh_id_where_there_are_no_numbers(site: Path, tmp_path: Path):
    unnumbered(site)
    settings = settings_with(site, tmp_path, "none")
    first = new_release(settings, "Neue Spielplätze im Bezirk", "bauen", now=NOW)
    second = new_release(settings, "Mehr Grün im Kiez", "umwelt", now=NOW)
    ids = [re.search(r"^id: (.*)$", Path(made.path).read_text(encoding="utf-8"), re.M)[1] for made in (first, second)]
    codes = [re.fullmatch(re.escape(TAG_PREFIX) + "([a-z0-9]{8})", value)[1] for value in ids]
    assert codes[0] != codes[1]
    assert "number" not in Path(first.path).read_text(encoding="utf-8")
    assert first.url == f"pressemitteilungen/2024/{codes[0]}-neue-spielplaetze-im-bezirk/"
    output = tmp_path / "output"
    build(site, output, NEWSROOM=options(tmp_path, "none"))
    assert number_line(output, first.url) == "Pressemitteilung vom 5. November 2024"
    assert feed_ids(output)[f"https://presse.lindenhain.example/{first.url}"] == ids[0]

