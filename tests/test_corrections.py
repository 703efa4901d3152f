"""Corrections shown on the page and in ``article.updated``; withdrawn releases keep their URL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pelican import signals

from newsroom.content.dates import BERLIN

from helpers import build, run_pelican_cli, soup, tree_digest

HEAD = """---
title: Neue Öffnungszeiten im Rathaus
date: 2024-10-04 10:30
number: "430/2024"
department: bauen
"""
BODY = "---\nDas Rathaus öffnet künftig schon um 7 Uhr.\n"
URL = "pressemitteilungen/2024/430-neue-oeffnungszeiten-im-rathaus/"
SEVERAL = """corrections:
  - date: 2024-10-05 09:00
    note: Die Uhrzeit war falsch angegeben.
  - {date: 2024-10-07 14:15, note: Die Telefonnummer wurde ergänzt.}
  - date: 2024-10-06 08:00
    note: Ein Tippfehler im Titel wurde behoben.
"""

CAPTURED: dict[str, list] = {}


def keep_articles(generator) -> None:
    CAPTURED["articles"] = list(generator.articles)
    CAPTURED["hidden"] = list(generator.hidden_articles)


@pytest.fixture
def articles():
    """The generator's public and hidden articles of the next build."""
    signals.article_generator_finalized.connect(keep_articles)
    yield CAPTURED
    signals.article_generator_finalized.disconnect(keep_articles)
    CAPTURED.clear()


def write(site: Path, front_matter: str, body: str = BODY) -> None:
    (site / "releases" / "2024" / "oeffnung.md").write_text(HEAD + front_matter + body, encoding="utf-8")


def release(captured: dict, group: str = "articles"):
    return next(article for article in captured[group] if article.number == "430/2024")


def test_one_correction_is_shown_and_sets_updated(site: Path, tmp_path: Path, articles):
    write(site, "updated: 2024-10-05 09:00\nupdate_note: Die Uhrzeit war falsch angegeben.\n")
    build(site, tmp_path / "output")
    box = soup(tmp_path / "output" / URL / "index.html").find("div", class_="hinweis")
    assert box.get_text(" ", strip=True) == "Aktualisiert am 5. Oktober 2024 : Die Uhrzeit war falsch angegeben."
    assert box.time["datetime"] == "2024-10-05T09:00:00+02:00"
    article = release(articles)
    assert article.updated == dt.datetime(2024, 10, 5, 9, 0, tzinfo=BERLIN)
    assert article.update_note == "Die Uhrzeit war falsch angegeben."
    assert article.modified == article.updated
    assert article.corrections == [{"date": article.updated, "note": article.update_note}]


def test_several_corrections_are_a_change_history_newest_first(site: Path, tmp_path: Path, articles):
    write(site, SEVERAL)
    build(site, tmp_path / "output")
    page = soup(tmp_path / "output" / URL / "index.html")
    history = page.find("section", class_="aenderungen")
    assert history["aria-labelledby"] == "aenderungen-titel"
    assert history.h2.get_text() == "Änderungen"
    assert [item.get_text(" ", strip=True) for item in history.find_all("li")] == [
        "Aktualisiert am 7. Oktober 2024 : Die Telefonnummer wurde ergänzt.",
        "Aktualisiert am 6. Oktober 2024 : Ein Tippfehler im Titel wurde behoben.",
        "Aktualisiert am 5. Oktober 2024 : Die Uhrzeit war falsch angegeben.",
    ]
    article = release(articles)
    newest = dt.datetime(2024, 10, 7, 14, 15, tzinfo=BERLIN)
    assert (article.updated, article.update_note, article.modified) == (newest, "Die Telefonnummer wurde ergänzt.", newest)
    assert [correction["date"].day for correction in article.corrections] == [7, 6, 5]


def test_a_release_without_corrections_has_none(site: Path, tmp_path: Path, articles):
    write(site, "")
    build(site, tmp_path / "output")
    article = release(articles)
    assert (article.updated, article.update_note, article.corrections) == (None, None, [])
    assert soup(tmp_path / "output" / URL / "index.html").find(class_="hinweis") is None


# Each rule of corrections and withdrawals on its own: tests/test_bad_input.py.


def test_every_bad_correction_is_reported_with_the_cli_and_output_kept(built_site):
    site, output, before = built_site
    write(
        site,
        "corrections:\n  - {date: 2024-10-01 09:00, note: Früh.}\n  - {date: 2024-10-05}\n  - {date: 2024-02-30, note: X.}\n",
    )
    result = run_pelican_cli(site, output)
    assert result.returncode == 1
    assert "oeffnung.md:7: corrections: a correction's date must be later than date" in result.stderr
    assert "oeffnung.md:8: corrections: a correction has exactly the fields 'date' and 'note', got 'date'" in result.stderr
    assert "oeffnung.md:9: corrections: '2024-02-30' is not a valid date" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(output) == before


WITHDRAWN = (
    "status: withdrawn\nwithdrawn: 2024-10-06 12:00\nwithdrawal_reason: Der Termin wurde abgesagt.\ntags: [Rathauszeiten]\n"
)


def test_withdrawn_release_keeps_its_url_with_a_notice(site: Path, tmp_path: Path, articles):
    write(site, WITHDRAWN)
    output = tmp_path / "output"
    build(site, output)
    page = soup(output / URL / "index.html")
    notice = page.find("div", class_="hinweis--zurueckgezogen")
    assert notice.p.get_text(" ", strip=True) == "Zurückgezogen am 6. Oktober 2024 : Der Termin wurde abgesagt."
    assert "gilt nicht mehr" in notice.get_text()
    assert "Das Rathaus öffnet künftig schon um 7 Uhr." in page.find("div", class_="fliesstext").get_text()
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    hidden = release(articles, "hidden")
    assert hidden.withdrawn is True and hidden.withdrawal_reason == "Der Termin wurde abgesagt."
    assert all(not article.withdrawn for article in articles["articles"])


def test_withdrawn_release_is_in_no_list(site: Path, tmp_path: Path):
    write(site, WITHDRAWN)
    output = tmp_path / "output"
    build(site, output)
    assert not (output / "themen" / "rathauszeiten").exists()
    for path in output.rglob("*.html"):
        if path.parent.name == URL.split("/")[-2]:
            continue
        page = soup(path)
        assert not page.find("a", href="/" + URL), path
        assert "Öffnungszeiten im Rathaus" not in page.get_text(), path


def test_withdrawn_release_without_date_or_text(site: Path, tmp_path: Path):
    write(site, "status: withdrawn\nwithdrawal_reason: Aus rechtlichen Gründen entfernt.\n", body="---\n")
    output = tmp_path / "output"
    build(site, output)
    notice = soup(output / URL / "index.html").find("div", class_="hinweis--zurueckgezogen")
    assert notice.get_text(" ", strip=True) == "Zurückgezogen: Aus rechtlichen Gründen entfernt."
