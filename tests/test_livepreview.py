"""``invoke livereload`` (newsroom.tools.livepreview): the drafts preview built in one warm process, watched and served.

Rebuilds in one process give the bytes a fresh ``invoke preview --drafts``
gives; a failed build leaves the folder and reports its errors; a burst of
saves is one rebuild; the server answers like the site's web server and
puts the reload script, and while there are errors the error box, into
every page. The fast path of one saved release gives the bytes of the whole
build that follows, from an overlay that leaves the folder alone until that
build has ended. ``tests/browser/test_livepreview_browser.py`` watches it in Chromium.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from newsroom.site.output import DRAFTS_MARK
from newsroom.site.renderkeys import KEYS_FILE
from newsroom.tools.livepreview import ERROR_TITLE, EVENTS, LivePreview, PreviewRefused, PreviewServer, preview_settings
from newsroom.tools.webconfig import CONTENT_SECURITY_POLICY

from helpers import ROOT, SETTINGS, csp_violations, rebuild_digest, run_task, tree_digest

NOW = "2024-11-20T12:00:00+01:00"
EMBARGOED = """---
title: Neue Lesesäle in der Stadtbibliothek
date: 2024-12-02 10:00
number: "610/2024"
department: bauen
summary: Die Stadtbibliothek öffnet im Dezember zwei neue Lesesäle.
---
Die Stadtbibliothek öffnet am 2. Dezember zwei neue Lesesäle.
"""
EMBARGOED_URL = "pressemitteilungen/2024/610-neue-lesesaele-in-der-stadtbibliothek/index.html"
DRAFT = """---
title: Winterdienst auf den Radwegen
date: 2024-11-18 09:00
number: "611/2024"
department: umwelt
status: draft
---
Der Winterdienst räumt in diesem Jahr auch die Radwege.
"""
DRAFT_URL = "pressemitteilungen/2024/611-winterdienst-auf-den-radwegen/index.html"
RELEASE = "releases/2024/sprechstunde.md"
RELEASE_URL = "/pressemitteilungen/2024/17-sprechstunde-im-rathaus/"
NEW_SENTENCE = "Die Sprechstunde findet ab Januar auch mittwochs statt."
BROKEN_DATE = "date: 2024-13-01\n"
PAGE_FILE = RELEASE_URL.strip("/") + "/index.html"


@pytest.fixture
def clock(monkeypatch) -> str:
    monkeypatch.setenv("NEWSROOM_NOW", NOW)
    return NOW


@pytest.fixture
def drafts_site(site: Path, clock) -> Path:
    """The fixture site with an embargoed release and a draft."""
    (site / "releases" / "2024" / "lesesaele.md").write_text(EMBARGOED, encoding="utf-8")
    (site / "releases" / "2024" / "winterdienst.md").write_text(DRAFT, encoding="utf-8")
    return site


def edit(content: Path, old: str, new: str, name: str = RELEASE) -> None:
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fresh_drafts_preview(content: Path, output: Path) -> None:
    """``invoke preview --drafts`` in a new process, as an editor runs it."""
    invoke = Path(sys.executable).with_name("invoke")
    result = subprocess.run([str(invoke), "preview", "--drafts", "--content", str(content), "--output", str(output)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_rebuilds_in_one_process_give_the_bytes_of_a_fresh_drafts_preview(drafts_site: Path, tmp_path: Path):
    live = tmp_path / "output-live"
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(live), say=lambda line: None)
    assert preview.build() == ()
    edit(drafts_site, "lädt zur offenen Sprechstunde ein.", f"lädt zur offenen Sprechstunde ein. {NEW_SENTENCE}")
    assert preview.build() == ()
    edit(drafts_site, "name: Abteilung Bauen", "name: Abteilung Bauen und Wohnen", name="data/departments.yml")
    (drafts_site / "releases" / "2024" / "winterdienst.md").unlink()
    assert preview.build() == ()
    fresh = tmp_path / "output-fresh"
    fresh_drafts_preview(drafts_site, fresh)
    assert rebuild_digest(live) == rebuild_digest(fresh)
    assert NEW_SENTENCE in (live / RELEASE_URL.strip("/") / "index.html").read_text(encoding="utf-8")
    assert (live / EMBARGOED_URL).is_file() and (live / DRAFTS_MARK).is_file()
    assert not (live / DRAFT_URL).exists()


def test_a_failed_build_leaves_the_folder_and_reports_each_error_until_the_next_good_build(drafts_site: Path, tmp_path: Path):
    live = tmp_path / "output-live"
    said: list[str] = []
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(live), say=said.append)
    preview.build()
    before = tree_digest(live)
    edit(drafts_site, "date: 2024-03-01\n", BROKEN_DATE)
    errors = preview.build()
    assert len(errors) == 1 and errors[0].startswith(f"{drafts_site / RELEASE}:3: date: ")
    assert preview.shown.errors == errors
    assert tree_digest(live) == before
    assert "Preview: build failed" in said[-1]
    edit(drafts_site, BROKEN_DATE, "date: 2024-03-01\n")
    assert preview.build() == () and preview.shown.errors == ()
    assert preview.shown.build == 3


def test_the_published_folder_and_watched_folders_are_refused(site: Path, tmp_path: Path):
    with pytest.raises(PreviewRefused, match="never writes into output/, the folder that is published"):
        preview_settings(str(SETTINGS), str(site), str(ROOT / "output"))
    with pytest.raises(PreviewRefused, match="must lie outside"):
        preview_settings(str(SETTINGS), str(site), str(site / "vorschau"))
    result = run_task("livereload", "--content", str(site), "--output", "output")
    assert result.returncode == 1
    assert "livereload: the preview never writes into output/" in result.stderr


@contextlib.contextmanager
def running(preview: LivePreview, watch: bool = True) -> Iterator[str]:
    """The preview served on a free port (and, with ``watch``, rebuilt on changes) until the block ends; yields its URL."""
    server = PreviewServer(("127.0.0.1", 0), preview.output, preview.shown, preview.overlay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop, watching = threading.Event(), threading.Event()
    builder = threading.Thread(target=preview.run, args=(stop, watching.set), daemon=True)
    if watch:
        builder.start()
        assert watching.wait(120)
    else:
        preview.build()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        if watch:
            builder.join(30)
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_server_answers_like_the_site_and_adds_the_preview_to_every_page(drafts_site: Path, tmp_path: Path):
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    with running(preview, watch=False) as url:
        status, headers, body = fetch(url + RELEASE_URL)
        assert status == 200
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        page = BeautifulSoup(body, "html.parser")
        assert page.head.find("script", src="/__vorschau/vorschau.js")["data-stand"] == "1"
        assert page.head.find("link", rel="stylesheet", href="/__vorschau/vorschau.css")
        served = tmp_path / "served.html"
        served.write_bytes(body)
        assert csp_violations(served) == []
        assert page.find(role="alert") is None
        assert fetch(url + RELEASE_URL.rstrip("/"))[:2][0] == 301
        assert fetch(url + RELEASE_URL.rstrip("/"))[1]["Location"] == RELEASE_URL
        status, _, body = fetch(url + "/gibt-es-nicht/")
        assert status == 404 and b'content="noindex"' in body and b"/__vorschau/vorschau.js" in body
        for hidden in (KEYS_FILE, DRAFTS_MARK, "../pelicanconf.py", "%2e%2e/pelicanconf.py"):
            assert fetch(f"{url}/{hidden}")[0] == 404, hidden
        status, headers, _ = fetch(url + "/__vorschau/vorschau.js")
        assert status == 200 and headers["Content-Type"] == "application/javascript; charset=utf-8"
        for name in ("pagefind/2024/pagefind.js", "pagefind/shards.json"):
            status, headers, _ = fetch(f"{url}/{name}")
            assert status == 200 and headers["Content-Type"].endswith(("javascript; charset=utf-8", "json; charset=utf-8")), name


def test_while_the_content_has_errors_every_page_shows_them_first_and_the_last_good_version_below(drafts_site: Path,
                                                                                                   tmp_path: Path):
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    with running(preview, watch=False) as url:
        edit(drafts_site, "date: 2024-03-01\n", BROKEN_DATE)
        errors = preview.build()
        for path in (RELEASE_URL, "/", "/gibt-es-nicht/"):
            page = BeautifulSoup(fetch(url + path)[2], "html.parser")
            box = page.body.find(True)
            assert box["role"] == "alert" and box.p.get_text() == ERROR_TITLE
            assert [item.get_text() for item in box.find_all("li")] == list(errors)
        page = BeautifulSoup(fetch(url + RELEASE_URL)[2], "html.parser")
        assert "Die Bauaufsicht lädt zur offenen Sprechstunde ein." in page.main.get_text()
        edit(drafts_site, BROKEN_DATE, "date: 2024-03-01\n")
        preview.build()
        assert BeautifulSoup(fetch(url + RELEASE_URL)[2], "html.parser").find(role="alert") is None


def test_the_event_stream_tells_the_number_of_each_finished_build(drafts_site: Path, tmp_path: Path):
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    with running(preview, watch=False) as url, urllib.request.urlopen(url + EVENTS, timeout=30) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        assert read_event(stream) == "1"
        preview.shown.finished(())
        assert read_event(stream) == "2"


def read_event(stream) -> str:
    """The data of the next ``stand`` event (comments and the retry line skipped)."""
    event = None
    for line in iter(stream.readline, b""):
        line = line.decode().rstrip("\n")
        if line == "event: stand":
            event = line
        elif line.startswith("data: ") and event:
            return line.removeprefix("data: ")
    raise AssertionError("the stream ended")


def test_a_burst_of_saves_is_one_rebuild(drafts_site: Path, tmp_path: Path):
    said: list[str] = []
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(tmp_path / "output-live"), say=said.append)
    with running(preview):
        built = preview.shown.build
        for number in range(20):
            (drafts_site / "releases" / "2024" / f"termin-{number}.md").write_text(
                f"---\ntitle: Bürgersprechstunde Nummer {number + 1}\ndate: 2024-11-{number + 1:02d} 10:00\n"
                f'number: "{700 + number}/2024"\ndepartment: bauen\n---\nDie Sprechstunde beginnt um 10 Uhr.\n',
                encoding="utf-8",
            )
        assert preview.shown.after(built, timeout=120) == built + 1
        # Nothing more is coming: a second build would have begun within the watcher's step after the first.
        assert preview.shown.after(built + 1, timeout=3) == built + 1
    changed = [line for line in said if line.startswith("Preview: changed")]
    assert changed == [changed[0]] and changed[0].endswith("and 17 more"), said
    assert preview.shown.errors == ()
    assert Path(preview.output, "pressemitteilungen/2024/719-buergersprechstunde-nummer-20/index.html").is_file()


def own_settings(folder: Path) -> Path:
    """A settings file of its own: the project's, with the theme named absolutely."""
    settings = folder / "einstellungen.py"
    settings.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa\n"
                        f"THEME = {str(ROOT / 'theme')!r}\n", encoding="utf-8")
    return settings


def test_a_settings_file_that_does_not_load_is_reported_with_its_line(drafts_site: Path, tmp_path: Path):
    settings = own_settings(tmp_path)
    preview = LivePreview(str(settings), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    assert preview.build() == ()
    good = settings.read_text(encoding="utf-8")
    settings.write_text(good + "DEFAULT_PAGINATION = (\n", encoding="utf-8")
    assert preview.build() == (f"{settings}:5: SyntaxError: '(' was never closed",)
    settings.write_text(good, encoding="utf-8")
    assert preview.build() == ()


def test_a_changed_settings_file_rebuilds_with_the_new_settings(drafts_site: Path, tmp_path: Path):
    settings = own_settings(tmp_path)
    preview = LivePreview(str(settings), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    with running(preview) as url:
        built = preview.shown.build
        replacement = tmp_path / "einstellungen.py.neu"  # as editors save: a new file renamed over the old one
        replacement.write_text(settings.read_text(encoding="utf-8") + 'SITENAME = "Vorschau Lindenhain"\n', encoding="utf-8")
        os.replace(replacement, settings)
        assert preview.shown.after(built, timeout=120) == built + 1
        assert preview.shown.errors == ()
        assert "<title>Vorschau Lindenhain</title>" in fetch(url + "/")[2].decode()


def fast_path(preview: LivePreview, content: Path, name: str = RELEASE) -> list[str]:
    """The preview takes a batch of one saved file, as its watcher gives it; what it said."""
    said: list[str] = []
    preview.say = said.append
    preview.changed({str(content / name)})
    return said


def test_the_fast_path_gives_the_bytes_of_the_whole_build_that_follows(drafts_site: Path, tmp_path: Path):
    live = tmp_path / "output-live"
    # With a slug of its own, a new title leaves the address: the text card with the title is drawn by the fast path.
    edit(drafts_site, "number: \"17/2024\"\n", "number: \"17/2024\"\nslug: sprechstunde-im-rathaus\n")
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(live), say=lambda line: None)
    assert preview.build() == ()
    before = tree_digest(live)
    edit(drafts_site, "title: Sprechstunde im Rathaus", "title: Offene Sprechstunde im Rathaus")
    edit(drafts_site, "lädt zur offenen Sprechstunde ein.", f"lädt zur offenen Sprechstunde ein. {NEW_SENTENCE}")
    said = fast_path(preview, drafts_site)
    assert said == [f"Preview: page of {drafts_site / RELEASE} shown in {said[0].split(' shown in ')[1]}"], said
    fast = dict(preview.overlay.pages)
    card = next(name for name in fast if name.startswith("karten/"))
    assert sorted(fast) == sorted([PAGE_FILE, card]) and not (live / card).exists()
    assert tree_digest(live) == before, "the fast path wrote into the folder"
    assert preview.shown.build == 2
    assert preview.build() == ()
    assert preview.overlay.pages == {}
    for name, (_, data) in fast.items():
        assert (live / name).read_bytes() == data, name
    page = BeautifulSoup(fast[PAGE_FILE][1], "html.parser")
    assert NEW_SENTENCE in page.main.get_text() and "Offene Sprechstunde im Rathaus" in page.h1.get_text()


def test_a_fast_page_is_served_until_a_whole_build_that_started_after_its_save_has_ended(drafts_site: Path,
                                                                                       tmp_path: Path):
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    with running(preview, watch=False) as url:
        edit(drafts_site, "lädt zur offenen Sprechstunde ein.", f"lädt zur offenen Sprechstunde ein. {NEW_SENTENCE}")
        fast_path(preview, drafts_site)
        page = BeautifulSoup(fetch(url + RELEASE_URL)[2], "html.parser")
        assert NEW_SENTENCE in page.main.get_text()
        assert page.head.find("script", src="/__vorschau/vorschau.js")["data-stand"] == "2"
        assert NEW_SENTENCE not in (Path(preview.output) / PAGE_FILE).read_text(encoding="utf-8")
        started = preview.batches_seen  # a whole build starts here …
        edit(drafts_site, NEW_SENTENCE, "Die Sprechstunde entfällt am 24. Dezember.")
        fast_path(preview, drafts_site)  # … a save comes while it runs …
        assert preview.build(covers=started) == ()  # … and it ends
        assert preview.overlay.page(PAGE_FILE) is not None
        assert "entfällt am 24. Dezember" in BeautifulSoup(fetch(url + RELEASE_URL)[2], "html.parser").main.get_text()
        assert preview.build() == ()
        assert preview.overlay.pages == {}
        assert "entfällt am 24. Dezember" in (Path(preview.output) / PAGE_FILE).read_text(encoding="utf-8")


def test_a_save_with_errors_shows_the_whole_builds_errors_at_once(drafts_site: Path, tmp_path: Path):
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    preview.build()
    edit(drafts_site, "date: 2024-03-01\n", BROKEN_DATE)
    fast_path(preview, drafts_site)
    shown = preview.shown.errors
    assert len(shown) == 1 and shown[0].startswith(f"{drafts_site / RELEASE}:3: date: ")
    assert preview.overlay.pages == {}
    assert preview.build() == shown
    edit(drafts_site, BROKEN_DATE, "date: 2024-03-01\n")  # mended after the failed build: the page at once again
    fast_path(preview, drafts_site)
    assert preview.shown.errors == () and preview.overlay.page(PAGE_FILE) is not None


@pytest.mark.parametrize(("old", "new", "changed"), [
    ("date: 2024-03-01\n", "date: 2024-03-02\n", "date"),
    ("number: \"17/2024\"", "number: \"18/2024\"", "number, address"),
    ("department: bauen", "department: umwelt", "department"),
    ("title: Sprechstunde im Rathaus", "title: Sprechstunde im Bürgeramt", "address"),
    ("department: bauen\n", "department: bauen\ntags: [Bauen]\n", "topics"),
    ("department: bauen\n", "department: bauen\nstatus: draft\n", "visibility"),
])
def test_a_save_that_changes_what_other_pages_show_waits_for_the_whole_build(drafts_site: Path, tmp_path: Path,
                                                                             old: str, new: str, changed: str):
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    preview.build()
    edit(drafts_site, old, new)
    said = fast_path(preview, drafts_site)
    assert said == [f"Preview: {drafts_site / RELEASE}: its {changed} changed, which other pages show; "
                    "the whole build shows it."]
    assert preview.overlay.pages == {} and preview.shown.build == 1


def test_no_fast_path_while_another_file_changed_since_the_last_whole_build(drafts_site: Path, tmp_path: Path):
    preview = LivePreview(str(SETTINGS), str(drafts_site), str(tmp_path / "output-live"), say=lambda line: None)
    preview.build()
    edit(drafts_site, "name: Abteilung Bauen", "name: Abteilung Bauen und Wohnen", name="data/departments.yml")
    assert fast_path(preview, drafts_site, "data/departments.yml") == []
    edit(drafts_site, "lädt zur offenen Sprechstunde ein.", f"lädt zur offenen Sprechstunde ein. {NEW_SENTENCE}")
    assert fast_path(preview, drafts_site) == []
    preview.changed({str(drafts_site / RELEASE), str(drafts_site / "releases" / "2024" / "baeume.md")})
    assert preview.overlay.pages == {} and preview.shown.build == 1
    preview.build()
    assert fast_path(preview, drafts_site)[0].startswith("Preview: page of ")
    (drafts_site / RELEASE).unlink()
    assert fast_path(preview, drafts_site) == [] and preview.shown.errors == ()
