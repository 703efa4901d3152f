"""`invoke import`: old releases as plain text and saved berlin.de pages, imported, built and read on the page.

The inputs are this file's own texts: a plain-text copy of a release and a
saved press-portal page with the portal's navigation, sidebar and footer
around the article (and its picture in the page's ``_files`` folder). Each
test imports into a small Lindenhain site, builds it and reads the release
page as a reader gets it.

The year-serial and the unnumbered tests import into a site of that scheme
(``NEWSROOM["numbering"]``): the number as the model reads it, or the
permanent id the model draws.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from nginxserver import free_port, get, require_nginx, running_nginx
from PIL import Image

from newsroom.content.markup import MarkdownRenderer
from newsroom.outputs.redirects import alias_save_as
from newsroom.tools.importing.inline import text_line

from helpers import ROOT, SAMPLE_CONTENT, SETTINGS, build, run_task, soup, tree_digest

BAENKE_TEXT = """\
Neue Sitzbänke am Mühlenteich
Pressemitteilung Nr. 422/2017 vom 04.10.2017

Das Straßen- und Grünflächenamt Lindenhain hat am Mühlenteich zwölf neue Sitzbänke aufgestellt. Die Bänke aus \
heimischem Eichenholz ersetzen die alten Betonbänke, die seit 1978 am Ufer standen.

Bezirksstadtrat Jonas Petersen:
„Der Mühlenteich ist für viele Menschen im Kiez ein Ort zum Durchatmen. Mit den neuen Bänken laden wir dazu ein, \
dort länger zu verweilen.

Gerade ältere Menschen haben sich mehr Sitzgelegenheiten gewünscht.“

Die Bänke wurden in einer Werkstatt in Lindenhain-Nord gefertigt. Aufgestellt wurden:
- zwölf Bänke mit Armlehnen,
- vier Abfallbehälter,
- zwei Fahrradbügel.

Der 1. Mai bleibt wie jedes Jahr dem Frühjahrsputz am Ufer vorbehalten; Preise ab 5 * 3 Euro gibt es nicht.
Weitere Informationen unter https://www.lindenhain.example/muehlenteich und bei @lindenhain_gruen.

Medienkontakt:
Bezirksamt Lindenhain
Abteilung Stadtentwicklung, Umwelt und Verkehr
Lena Hofstetter
Tel.: (030) 90 1234-3105
E-Mail: presse.stadtentwicklung@lindenhain.example

Im Auftrag
Lena Hofstetter
"""

PORTAL_HEAD = """\
<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{title} - Berlin.de</title>
<meta name="dcterms.title" content="{title}">
<meta name="dcterms.date" content="{day}">
<meta name="dcterms.submitted" content="{submitted}">
<meta name="keywords" content="Pressemitteilung, Bezirksamt Lindenhain, Spielplätze, Kinder und Jugend">
<link rel="canonical" href="https://www.berlin.de/ba-lindenhain/aktuelles/pressemitteilungen/{year}/pressemitteilung.{id}.php">
</head>
<body>
<div id="page-wrapper">
<header id="layout-grid__area--header" class="portal-header">
  <a href="/" class="portal-logo"><img src="logo_files/logo.svg" alt="Berlin.de"></a>
  <form role="search" action="/suche/"><label>Suche auf Berlin.de</label><input name="q"></form>
  <ul class="portal-menu">
    <li><a href="/politik-verwaltung-buerger/">Politik, Verwaltung, Bürger</a></li>
    <li><a href="/kultur-und-tickets/">Kultur &amp; Ausgehen</a></li>
    <li><a href="/tourismus/">Tourismus</a></li>
  </ul>
</header>
<nav id="layout-grid__area--navigation" aria-label="Brotkrümel">
  <ol><li><a href="/ba-lindenhain/">Bezirksamt Lindenhain</a></li><li><a href="/ba-lindenhain/aktuelles/">Aktuelles</a></li>
  <li>Pressemitteilungen</li></ol>
</nav>
<div id="layout-grid__area--maincontent">
<div class="article">
"""
PORTAL_FOOT = """\
<div class="modul-teaser"><h2 class="title">Weitere Pressemitteilungen</h2>
  <ul><li><a href="/ba-lindenhain/aktuelles/pressemitteilungen/{year}/pressemitteilung.99.php">Wochenmarkt zieht um</a></li></ul>
</div>
<div class="share"><a href="https://www.facebook.com/sharer.php">Teilen</a> <a href="javascript:print()">Drucken</a></div>
</div>
</div>
<div id="layout-grid__area--marginal" role="complementary">
  <div class="modul-contact"><h2 class="title">Kontakt</h2><div class="textile"><p>Bezirksamt Lindenhain<br>
  Pressestelle<br>Tel.: (030) 90 1234-2200<br>E-Mail: presse@lindenhain.example</p></div></div>
  <div class="modul-service"><h2>Service</h2><p>Bürgeramt: Termin buchen</p></div>
</div>
<footer id="layout-grid__area--footer"><p>Impressum · Datenschutz · Barrierefreiheit</p></footer>
</div>
</body>
</html>
"""

SPIELPLATZ_ARTICLE = """\
<h1 class="title">Spielplatz am Mühlenteich wieder geöffnet</h1>
<div class="herounit-article">
  <div class="image"><img src="spielplatz_files/spielplatz.jpg" alt="Kinder auf dem neuen Klettergerüst">
  <p class="image__caption">Das neue Klettergerüst am Mühlenteich</p>
  <p class="image__copyright">Bild: Bezirksamt Lindenhain</p></div>
</div>
<section class="modul-text_bild"><div class="text"><div class="textile">
<p>Pressemitteilung Nr. {number} vom 01.07.2021</p>
<p>Nach vier Monaten Bauzeit ist der Spielplatz am Mühlenteich seit heute wieder geöffnet. Neu sind ein
Klettergerüst, eine Wasserspielanlage und <a href="/ba-lindenhain/politik-und-verwaltung/spielplaetze/">ein Plan
aller Spielplätze</a> im Bezirk.</p>
<p><strong>Was neu ist</strong></p>
<ul><li>ein Klettergerüst für Kinder ab drei Jahren,</li><li>eine Wasserspielanlage mit Handpumpe.</li></ul>
<p>Bezirksstadträtin Aylin Demir:</p>
<p>„Ein Spielplatz ist das Wohnzimmer des Kiezes. Ich danke allen Kindern, die uns ihre Wünsche gemalt haben.“</p>
<p>Kontakt:<br>Bezirksamt Lindenhain<br>Abteilung Jugend, Familie und Schule<br>Mira Okafor<br>
Tel.: (030) 90 1234-4188<br>E-Mail: <a href="mailto:spielplaetze@lindenhain.example">spielplaetze@lindenhain.example</a></p>
</div></div></section>
"""

SPIELPLATZ_URL = "/pressemitteilungen/2021/87-spielplatz-am-muehlenteich-wieder-geoeffnet/"
SPRECHSTUNDE_TEXT = """\
Sprechstunde des Jugendamts im Rathaus
Pressemitteilung vom 01.07.2021

Das Jugendamt Lindenhain bietet ab sofort jeden Dienstag eine offene Sprechstunde im Rathaus an.

Kontakte:
Bezirksamt Lindenhain
Pressestelle
E-Mail: presse@lindenhain.example
"""


@pytest.fixture
def lindenhain(tmp_path: Path) -> Path:
    """A Lindenhain content folder without releases: the sample's registries and pages."""
    content = tmp_path / "content"
    (content / "releases").mkdir(parents=True)
    shutil.copytree(SAMPLE_CONTENT / "data", content / "data")
    (content / "data" / "published-urls.yml").unlink()
    shutil.copytree(SAMPLE_CONTENT / "pages", content / "pages")
    return content


def settings_file(tmp_path: Path, numbering: str) -> Path:
    """The project's settings with another numbering scheme."""
    path = tmp_path / f"settings-{numbering.replace('/', '-')}.py"
    path.write_text(f"from pelicanconf import *  # noqa\nNEWSROOM = {{**NEWSROOM, 'numbering': {numbering!r}}}\n",
                    encoding="utf-8")
    return path


def saved_page(folder: Path, name: str, number: str = "87/2021", page_id: int = 1102306) -> Path:
    """A saved portal page with its picture in the ``_files`` folder, as a browser saves it ("complete page")."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}_files").mkdir(exist_ok=True)
    Image.new("RGB", (1600, 900), (40, 120, 60)).save(folder / f"{name}_files" / "spielplatz.jpg", "JPEG")
    head = PORTAL_HEAD.format(title="Spielplatz am Mühlenteich wieder geöffnet", day="2021-07-01",
                              submitted="2021-07-01 10:30", year=2021, id=page_id)
    article = SPIELPLATZ_ARTICLE.format(number=number).replace("spielplatz_files", f"{name}_files")
    page = folder / f"{name}.html"
    page.write_text(head + article + PORTAL_FOOT.format(year=2021), encoding="utf-8")
    return page


def run_import(content: Path, *args: str, settings: Path = SETTINGS):
    return run_task("import", *args, "--content", str(content), "--settings", str(settings))


def release_page(output: Path, title: str) -> BeautifulSoup:
    """The built page whose headline is ``title``."""
    for path in sorted(output.glob("pressemitteilungen/*/*/index.html")):
        page = soup(path)
        if page.h1 and page.h1.get_text(strip=True) == title:
            return page
    raise AssertionError(f"no release page with the headline {title!r}")


def assert_release_page(page: BeautifulSoup, date_line: str, speaker: str, quote_start: str, contact_name: str,
                        email: str) -> None:
    """Headline, date line, quotation with speaker, Medienkontakt, and nothing of them left in the text."""
    assert page.select_one(".pm__kennung").get_text(" ", strip=True) == date_line
    quotation = page.select_one(".fliesstext figure.zitat")
    assert quotation.figcaption.get_text(strip=True) == speaker
    assert quotation.blockquote.get_text(" ", strip=True).startswith(quote_start)
    contact = page.select_one("aside.kontakt")
    assert contact.h2.get_text(strip=True) == "Medienkontakt"
    assert contact.select_one(".kontakt__name").get_text(strip=True) == contact_name
    assert contact.find("a", href=f"mailto:{email}")
    body = page.select_one(".fliesstext").get_text(" ", strip=True)
    for leftover in ("Pressemitteilung vom", "Pressemitteilung Nr.", "Medienkontakt", "Kontakt:", "Tel.:", "E-Mail",
                     "Im Auftrag", speaker + ":"):
        assert leftover not in body


def test_a_plain_text_release_with_serial_year_number(lindenhain: Path, tmp_path: Path):
    source = tmp_path / "alt" / "baenke.txt"
    source.parent.mkdir()
    source.write_text(BAENKE_TEXT, encoding="utf-8")
    result = run_import(lindenhain, str(source), "--department", "stadtentwicklung")
    assert result.returncode == 0, result.stderr
    written = lindenhain / "releases" / "2017" / "neue-sitzbaenke-am-muehlenteich.md"
    assert f"Written: {written}" in result.stdout
    assert f"{source}:26: the signature 'Im Auftrag Lena Hofstetter' was left out" in result.stdout
    assert "invoke check: 6 files checked, no errors." in result.stdout
    head = written.read_text(encoding="utf-8").split("---")[1]
    assert "number: 422/2017" in head and "contact: stadtentwicklung" in head  # matched by its e-mail address
    build(lindenhain, tmp_path / "output")
    page = release_page(tmp_path / "output", "Neue Sitzbänke am Mühlenteich")
    assert_release_page(page, "Pressemitteilung Nr. 422/2017 vom 4. Oktober 2017", "Bezirksstadtrat Jonas Petersen",
                        "„Der Mühlenteich ist", "Lena Hofstetter", "presse.stadtentwicklung@lindenhain.example")
    text = page.select_one(".fliesstext")
    assert len(text.select("figure.zitat blockquote p")) == 2  # the quotation over two paragraphs
    assert [item.get_text(strip=True) for item in text.select("ul li")] == [
        "zwölf Bänke mit Armlehnen,", "vier Abfallbehälter,", "zwei Fahrradbügel."]
    assert not text.select("ol")  # "1. Mai" is a sentence, not a list
    assert "Preise ab 5 * 3 Euro" in text.get_text()
    assert text.find("a", href="https://www.lindenhain.example/muehlenteich")
    assert "@lindenhain_gruen" in text.get_text()


def test_a_saved_portal_page_without_its_navigation_and_sidebar(lindenhain: Path, tmp_path: Path):
    page_file = saved_page(tmp_path / "gespeichert", "spielplatz")
    result = run_import(lindenhain, str(page_file), "--department", "jugend")
    assert result.returncode == 0, result.stderr
    assert "New contact 'spielplaetze' (Mira Okafor) were added to contacts.yml" in result.stdout
    assert (f"{page_file}:31: the caption 'Das neue Klettergerüst am Mühlenteich' was left out; the picture's alt text "
            "is image_alt") in result.stdout
    written = lindenhain / "releases" / "2021" / "spielplatz-am-muehlenteich-wieder-geoeffnet.md"
    head = written.read_text(encoding="utf-8").split("---")[1]
    assert "date: 2021-07-01 10:30" in head  # the time from dcterms.submitted
    assert "tags: [Spielplätze, Kinder und Jugend]" in head
    assert (lindenhain / "images" / "2021" / "spielplatz-am-muehlenteich-wieder-geoeffnet.jpg").is_file()
    contacts = (lindenhain / "data" / "contacts.yml").read_text(encoding="utf-8")
    assert contacts.startswith("# Pressekontakte des Bezirksamts Lindenhain")  # appended, nothing rewritten
    assert contacts.endswith('\nspielplaetze:\n  name: "Mira Okafor"\n'
                             '  organisation: "Bezirksamt Lindenhain, Abteilung Jugend, Familie und Schule"\n'
                             '  phone: "(030) 90 1234-4188"\n  email: "spielplaetze@lindenhain.example"\n')
    output = tmp_path / "output"
    build(lindenhain, output)
    page = release_page(output, "Spielplatz am Mühlenteich wieder geöffnet")
    assert_release_page(page, "Pressemitteilung Nr. 87/2021 vom 1. Juli 2021", "Bezirksstadträtin Aylin Demir",
                        "„Ein Spielplatz ist das Wohnzimmer", "Mira Okafor", "spielplaetze@lindenhain.example")
    assert page.select_one(".pm__bild figcaption").get_text(strip=True) == "Bild: Bezirksamt Lindenhain"
    assert page.select_one(".pm__bild img")["alt"] == "Kinder auf dem neuen Klettergerüst"
    text = page.select_one(".fliesstext")
    assert text.h2.get_text(strip=True) == "Was neu ist"  # a paragraph bold throughout
    assert text.find("a", href="https://www.berlin.de/ba-lindenhain/politik-und-verwaltung/spielplaetze/")
    whole = page.select_one("main").get_text(" ", strip=True)
    for portal in ("Politik, Verwaltung, Bürger", "Weitere Pressemitteilungen", "Wochenmarkt zieht um", "Termin buchen",
                   "(030) 90 1234-2200", "Drucken"):
        assert portal not in whole
    alias = "/ba-lindenhain/aktuelles/pressemitteilungen/2021/pressemitteilung.1102306.php"
    assert f"aliases: [{alias}]" in head
    redirect = soup(output / alias_save_as(alias))
    assert redirect.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={SPIELPLATZ_URL}"


def test_the_old_portal_address_is_a_real_redirect(lindenhain: Path, tmp_path: Path):
    """nginx answers the old .php address with a 301 to the release (``invoke web-config``)."""
    require_nginx()
    result = run_import(lindenhain, str(saved_page(tmp_path / "gespeichert", "spielplatz")), "--department", "jugend")
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output"
    build(lindenhain, output)
    port, config = free_port(), tmp_path / "presse.conf"
    configured = run_task("web-config", "--root", str(output), "--listen", f"127.0.0.1:{port}", "--output", str(config),
                          "--content", str(lindenhain))
    assert configured.returncode == 0, configured.stderr
    with running_nginx(tmp_path / "nginx", config, port):
        status, headers, _ = get(port, "/ba-lindenhain/aktuelles/pressemitteilungen/2021/pressemitteilung.1102306.php")
    assert status == 301
    assert headers["Location"] == SPIELPLATZ_URL


def test_a_second_run_changes_nothing_and_a_dry_run_writes_nothing(lindenhain: Path, tmp_path: Path):
    inputs = tmp_path / "alt"
    inputs.mkdir()
    (inputs / "baenke.txt").write_text(BAENKE_TEXT, encoding="utf-8")
    saved_page(inputs, "spielplatz")
    before = tree_digest(lindenhain)
    dry = run_import(lindenhain, str(inputs), "--department", "jugend", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert tree_digest(lindenhain) == before
    assert f"Would write: {lindenhain}/releases/2017/neue-sitzbaenke-am-muehlenteich.md (from {inputs}/baenke.txt)" in dry.stdout
    assert "New contact 'spielplaetze' (Mira Okafor) would be added to contacts.yml" in dry.stdout
    assert "2 inputs: 2 releases would be written, 0 skipped (already there), 0 not imported" in dry.stdout
    first = run_import(lindenhain, str(inputs), "--department", "jugend")
    assert first.returncode == 0, first.stderr
    after_first = tree_digest(lindenhain)
    again = run_import(lindenhain, str(inputs), "--department", "jugend")
    assert again.returncode == 0, again.stderr
    assert tree_digest(lindenhain) == after_first
    assert (f"Skipped: {inputs}/baenke.txt: release 422/2017 is already "
            f"{lindenhain}/releases/2017/neue-sitzbaenke-am-muehlenteich.md") in again.stdout
    assert "2 inputs: 0 releases written, 2 skipped (already there), 0 not imported" in again.stdout


def test_an_existing_release_is_never_overwritten(lindenhain: Path, tmp_path: Path):
    existing = lindenhain / "releases" / "2017" / "baenke.md"
    existing.parent.mkdir()
    existing.write_text('---\ntitle: Bänke\ndate: 2017-10-04\nnumber: "422/2017"\ndepartment: jugend\n---\nText.\n',
                        encoding="utf-8")
    source = tmp_path / "baenke.txt"
    source.write_text(BAENKE_TEXT, encoding="utf-8")
    result = run_import(lindenhain, str(source), "--department", "jugend")
    assert result.returncode == 0, result.stderr
    assert f"Skipped: {source}: release 422/2017 is already {existing}" in result.stdout
    assert sorted(path.name for path in existing.parent.iterdir()) == ["baenke.md"]


def test_what_cannot_be_placed_stays_in_the_text_and_is_reported(lindenhain: Path, tmp_path: Path):
    source = tmp_path / "markt.txt"
    source.write_text(
        "Wochenmarkt zieht auf den Rathausplatz\nPressemitteilung Nr. 12/2018 vom 05.02.2018\n\n"
        "Der Wochenmarkt findet ab März auf dem Rathausplatz statt.\n\n"
        "Bezirksbürgermeisterin Dr. Karin Albers:\n„Der Markt gehört in die Mitte des Bezirks.\n\n"
        "Foto: Bezirksamt Lindenhain\n",
        encoding="utf-8",
    )
    result = run_import(lindenhain, str(source), "--department", "buergermeisterin")
    assert result.returncode == 0, result.stderr
    assert (f"{source}:6: the quotation after 'Bezirksbürgermeisterin Dr. Karin Albers:' is not closed; kept as text"
            in result.stdout)
    assert f"{source}:9: the credit 'Foto: Bezirksamt Lindenhain' stays in the text: there is no picture" in result.stdout
    body = (lindenhain / "releases" / "2018" / "wochenmarkt-zieht-auf-den-rathausplatz.md").read_text(encoding="utf-8")
    for kept in ("Bezirksbürgermeisterin Dr. Karin Albers:", "„Der Markt gehört in die Mitte des Bezirks.",
                 "Foto: Bezirksamt Lindenhain"):
        assert kept in body


def test_a_number_in_another_scheme_is_not_imported(lindenhain: Path, tmp_path: Path):
    source = tmp_path / "senat.txt"
    source.write_text(BAENKE_TEXT.replace("Nr. 422/2017", "Nr. 2017-042"), encoding="utf-8")
    result = run_import(lindenhain, str(source), "--department", "jugend")
    assert result.returncode == 1
    assert (f"{source}:2: not imported: the number '2017-042' is year-serial, but this site numbers serial/year "
            "(NEWSROOM['numbering'] is 'serial/year')") in result.stdout
    unnumbered = tmp_path / "ohne.txt"
    unnumbered.write_text(SPRECHSTUNDE_TEXT, encoding="utf-8")
    result = run_import(lindenhain, str(unnumbered), "--department", "jugend")
    assert result.returncode == 1
    assert f"{unnumbered}:2: not imported: has no release number, but this site numbers its releases" in result.stdout
    assert not list((lindenhain / "releases").rglob("*.md"))


def test_unknown_keys_stop_before_anything_is_read(lindenhain: Path, tmp_path: Path):
    result = run_import(lindenhain, str(tmp_path), "--department", "kultur")
    assert result.returncode == 1
    assert result.stderr.startswith("import: --department: 'kultur' is not a key of")
    assert "known keys: buergerdienste, buergermeisterin, jugend, stadtentwicklung" in result.stderr


# --- The other numbering schemes --------------------------------------------------------------------------------------


def test_a_saved_page_with_year_serial_number(lindenhain: Path, tmp_path: Path):
    site_settings = settings_file(tmp_path, "year-serial")
    result = run_import(lindenhain, str(saved_page(tmp_path / "senat", "spielplatz", number="2021-012")),
                        "--department", "jugend", settings=site_settings)
    assert result.returncode == 0, result.stdout + result.stderr
    written = lindenhain / "releases" / "2021" / "spielplatz-am-muehlenteich-wieder-geoeffnet.md"
    assert "number: 2021-012" in written.read_text(encoding="utf-8")
    output = tmp_path / "output"
    build(lindenhain, output, NEWSROOM={**read_newsroom_dict(), "numbering": "year-serial"})
    page = release_page(output, "Spielplatz am Mühlenteich wieder geöffnet")
    assert_release_page(page, "Pressemitteilung Nr. 2021-012 vom 1. Juli 2021", "Bezirksstadträtin Aylin Demir",
                        "„Ein Spielplatz ist das Wohnzimmer", "Mira Okafor", "spielplaetze@lindenhain.example")


def test_an_unnumbered_text_gets_a_permanent_id_once(lindenhain: Path, tmp_path: Path):
    site_settings = settings_file(tmp_path, "none")
    source = tmp_path / "sprechstunde.txt"
    source.write_text(SPRECHSTUNDE_TEXT, encoding="utf-8")
    result = run_import(lindenhain, str(source), "--department", "jugend", settings=site_settings)
    assert result.returncode == 0, result.stdout + result.stderr
    written = lindenhain / "releases" / "2021" / "sprechstunde-des-jugendamts-im-rathaus.md"
    head = written.read_text(encoding="utf-8").split("---")[1]
    assert "number:" not in head
    assert re.search(r"^id: tag:presse\.lindenhain\.example,2025:pm-[a-z0-9]{4,20}$", head, re.MULTILINE)
    assert "contact: pressestelle" in head
    before = tree_digest(lindenhain)
    again = run_import(lindenhain, str(source), "--department", "jugend", settings=site_settings)
    assert again.returncode == 0
    assert f"Skipped: {source}: a release of 01.07.2021 with this headline is already {written}" in again.stdout
    assert tree_digest(lindenhain) == before
    output = tmp_path / "output"
    build(lindenhain, output, NEWSROOM={**read_newsroom_dict(), "numbering": "none"})
    page = release_page(output, "Sprechstunde des Jugendamts im Rathaus")
    assert page.select_one(".pm__kennung").get_text(" ", strip=True) == "Pressemitteilung vom 1. Juli 2021"
    assert page.select_one("aside.kontakt .kontakt__name").get_text(strip=True) == "Pressestelle"
    assert "Kontakte" not in page.select_one(".fliesstext").get_text()


def read_newsroom_dict() -> dict:
    """The NEWSROOM dict of the project's settings, as written."""
    namespace: dict = {}
    exec(compile((ROOT / "pelicanconf.py").read_text(encoding="utf-8"), "pelicanconf.py", "exec"), namespace)
    return dict(namespace["NEWSROOM"])


# --- Plain text stays the same text as Markdown --------------------------------------------------------------------

RENDERER = MarkdownRenderer()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1. -*_#>[]()<>&;:|=~`{}!+\\@„“") + ["https://x.example/a", "mail@x.de", "&amp;"]),
                min_size=1, max_size=30).map("".join).map(str.strip).filter(bool))
def test_a_line_of_text_renders_as_exactly_that_text(line: str):
    rendered = BeautifulSoup(RENDERER.render(text_line(line)), "html.parser")
    assert " ".join(rendered.get_text().split()) == " ".join(line.split())
