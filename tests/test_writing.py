"""Page writing: pages rendered by several processes, unchanged files kept with their inode and mtime."""

from __future__ import annotations

import errno
import gc
import os
import shutil
from pathlib import Path

import jinja2
import pytest
from pelican.settings import read_settings
from pelican.writers import FileOverwriteFailedError

import newsroom.site.output
from newsroom.outputs.feeds import FeedWriter
from newsroom.progress import Progress
from newsroom.site.output import StagedOutput
from newsroom.site.writing import NewsroomWriter, PendingPage, PendingPages, ReleaseList, RenderError, write_in_parallel

from helpers import SAMPLE_CONTENT, SETTINGS, build, rebuild_digest

EDITED = "releases/2025/winterdienst-hinweise.md"  # number 80/2025
# Files the project writes itself; cards (karten/), copied images and Pagefind's index are not among them.
KEPT_SUFFIXES = (".html", ".xml", ".xsl", ".txt", ".css", ".js")


def stamps(output: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime in ns) of every file the project writes, by relative path."""
    found = {}
    for path in output.rglob("*"):
        relative = path.relative_to(output).as_posix()
        if path.is_file() and path.suffix in KEPT_SUFFIXES and not relative.startswith("pagefind/"):
            status = path.stat()
            found[relative] = (status.st_ino, status.st_mtime_ns)
    return found


def release_page(output: Path, number: str) -> Path:
    serial, year = number.split("/")
    [page] = output.glob(f"pressemitteilungen/{year}/{serial}-*/index.html")
    return page


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    return content


def writing(workers: int) -> dict:
    newsroom = read_settings(str(SETTINGS))["NEWSROOM"]
    return {"NEWSROOM": {**newsroom, "writing": {"workers": workers}}}


@pytest.mark.parametrize("workers", [1, 2])
def test_rebuild_without_change_keeps_every_page_and_feed_file(sample, tmp_path, workers):
    output = tmp_path / "output"
    build(sample, output, **writing(workers))
    before = stamps(output)
    assert len([path for path in before if path.endswith(".html")]) > 40
    assert any(path.endswith(".atom.xml") for path in before) and "sitemap.xml" in before

    build(sample, output, **writing(workers))
    assert stamps(output) == before


def test_edited_release_gets_a_new_file_and_the_previous_site_is_not_changed(sample, tmp_path):
    output = tmp_path / "output"
    build(sample, output)
    before = stamps(output)
    edited_page = release_page(output, "80/2025")
    old_text = edited_page.read_text(encoding="utf-8")
    kept = tmp_path / "previous-page.html"
    os.link(edited_page, kept)  # the previous site's file, whatever happens to its name

    release = sample / EDITED
    text = release.read_text(encoding="utf-8")
    release.write_text(text.rstrip("\n") + "\n\nEin neuer Absatz am Ende.\n", encoding="utf-8")
    build(sample, output)

    after = stamps(output)
    changed_pages = sorted(path for path in before if path.endswith(".html") and after[path] != before[path])
    assert changed_pages == [edited_page.relative_to(output).as_posix()]
    assert "Ein neuer Absatz am Ende." in edited_page.read_text(encoding="utf-8")
    assert kept.read_text(encoding="utf-8") == old_text, "the previous site's file was written to"
    assert after["feeds/all.atom.xml"] != before["feeds/all.atom.xml"]


def test_output_is_the_same_with_one_or_several_processes(tmp_path):
    one, three = tmp_path / "one", tmp_path / "three"
    build(SAMPLE_CONTENT, one, **writing(1))
    build(SAMPLE_CONTENT, three, **writing(3))
    assert rebuild_digest(one) == rebuild_digest(three)


def test_bad_workers_setting_stops_the_build(site, tmp_path, capsys):
    with pytest.raises(SystemExit):
        build(site, tmp_path / "output", **writing(-1))
    assert "NEWSROOM['writing']: workers: -1 is not a number of processes" in capsys.readouterr().err
    assert not (tmp_path / "output").exists()


# --- StagedOutput.place -------------------------------------------------------------------


@pytest.fixture
def staged(tmp_path: Path) -> StagedOutput:
    """A staging folder beside a live site holding 'a/page.html'."""
    live, staging = tmp_path / "output", tmp_path / "output.staging-test"
    (live / "a").mkdir(parents=True)
    (live / "a" / "page.html").write_bytes(b"old")
    staging.mkdir()
    output = StagedOutput()
    output.target, output.staging = str(live), str(staging)
    return output


def test_place_links_a_file_with_the_same_bytes(staged):
    staged.place(os.path.join(staged.staging, "a", "page.html"), b"old")
    live, new = Path(staged.target, "a", "page.html"), Path(staged.staging, "a", "page.html")
    assert new.stat().st_ino == live.stat().st_ino


def test_place_writes_changed_bytes_into_a_new_file(staged):
    staged.place(os.path.join(staged.staging, "a", "page.html"), b"new")
    live, new = Path(staged.target, "a", "page.html"), Path(staged.staging, "a", "page.html")
    assert (new.read_bytes(), live.read_bytes()) == (b"new", b"old")
    assert new.stat().st_ino != live.stat().st_ino


def test_place_writes_when_the_file_system_cannot_link(staged, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(newsroom.site.output.os, "link", refuse)
    staged.place(os.path.join(staged.staging, "a", "page.html"), b"old")
    new = Path(staged.staging, "a", "page.html")
    assert new.read_bytes() == b"old"
    assert new.stat().st_ino != Path(staged.target, "a", "page.html").stat().st_ino


def test_placing_a_file_again_replaces_the_link_instead_of_writing_through_it(staged):
    path = os.path.join(staged.staging, "a", "page.html")
    staged.place(path, b"old")
    staged.place(path, b"changed")
    assert Path(path).read_bytes() == b"changed"
    assert Path(staged.target, "a", "page.html").read_bytes() == b"old"


def test_place_never_links_a_symlink_of_the_live_site(staged, tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"same")
    os.symlink(outside, os.path.join(staged.target, "link.html"))
    staged.place(os.path.join(staged.staging, "link.html"), b"same")
    new = Path(staged.staging, "link.html")
    assert not new.is_symlink() and new.stat().st_ino != outside.stat().st_ino


def test_workers_compress_every_changed_file_and_keep_the_live_copies_of_the_others(staged):
    """``precompress`` with two workers: the unchanged live page keeps its .gz and .br, every other file gets its own."""
    import brotli

    from newsroom.outputs.compress import compression, gzip_bytes, precompress

    site = Path(staged.staging)
    for copy in (".gz", ".br"):
        Path(staged.target, "a", "page.html" + copy).write_bytes(b"live copy")
    Path(staged.target, ".precompressed").write_text(compression(), encoding="utf-8")
    staged.place(str(site / "a" / "page.html"), b"old")  # unchanged: linked from the live site
    pages = {site / "b" / f"{number}.html": f"<p>Mitteilung {number} der Pressestelle</p>".encode() for number in range(300)}
    for path, data in pages.items():
        staged.place(str(path), data)
    precompress(staged, str(site), workers=2)
    assert (site / "a" / "page.html.gz").read_bytes() == b"live copy"
    for path, data in pages.items():
        assert Path(str(path) + ".gz").read_bytes() == gzip_bytes(data)
        assert brotli.decompress(Path(str(path) + ".br").read_bytes()) == data


# --- workers ------------------------------------------------------------------------

PARENT = os.getpid()


def pending(tmp_path: Path, source: str, count: int, **functions) -> list[PendingPage]:
    environment = jinja2.Environment()
    environment.globals.update(functions)
    template = environment.from_string(source)
    return [
        PendingPage(
            str(tmp_path / f"{number}.html"),
            template,
            {},
            {"number": number},
            {"localsiteurl": "", "output_file": f"{number}.html"},
            record={"number": number},  # as ``make_record`` leaves it: what the template is rendered with
        )
        for number in range(count)
    ]


def test_workers_write_their_shares(tmp_path):
    pages = pending(tmp_path, "Seite {{ number }}", 120)
    with Progress("Geschrieben", len(pages), "Seiten") as shown:
        write_in_parallel(pages, 3, StagedOutput(), shown)
    assert shown.done == 120
    assert [(tmp_path / f"{number}.html").read_text() for number in range(120)] == [f"Seite {number}" for number in range(120)]


def test_workers_inherit_a_frozen_heap_and_the_build_frees_it_afterwards(tmp_path):
    """A worker's collections skip what it inherited (no copy of the build's heap); the build's own process unfreezes it.

    Unfrozen, a process that builds again and again (the live preview) could never free the objects of earlier builds.
    """
    alive = gc.get_freeze_count()  # objects frozen before (none, unless a library froze some)
    pages = pending(tmp_path, "{{ frozen() }}", 40, frozen=lambda: gc.get_freeze_count() if os.getpid() != PARENT else -1)
    write_in_parallel(pages, 2, StagedOutput(), Progress("Geschrieben", len(pages), "Seiten"))
    in_workers = [int((tmp_path / f"{number}.html").read_text()) for number in range(1, 40, 2)]
    assert all(count > alive for count in in_workers), in_workers
    assert gc.get_freeze_count() == alive


def test_a_failing_page_in_a_worker_stops_the_writing_with_its_traceback(tmp_path):
    def check(number):
        if os.getpid() != PARENT and number == 3:
            raise ValueError("kaputt")
        return number

    pages = pending(tmp_path, "{{ check(number) }}", 40, check=check)
    with pytest.raises(RenderError, match=r"(?s)3\.html.*ValueError: kaputt"):
        write_in_parallel(pages, 2, StagedOutput(), Progress("Geschrieben", len(pages), "Seiten"))


def test_a_worker_that_dies_stops_the_writing(tmp_path):
    def die(number):
        if os.getpid() != PARENT and number == 5:
            os._exit(3)
        return number

    pages = pending(tmp_path, "{{ die(number) }}", 40, die=die)
    with pytest.raises(RenderError, match="exit status 3"):
        write_in_parallel(pages, 2, StagedOutput(), Progress("Geschrieben", len(pages), "Seiten"))


def test_a_file_asked_for_twice_is_refused_as_pelican_does(tmp_path):
    settings = read_settings(str(SETTINGS))
    writer = NewsroomWriter.for_build(PendingPages(settings), StagedOutput(), None)(str(tmp_path), settings=settings)
    template = jinja2.Environment().from_string("x")
    writer.write_file("twice.html", template, {"localsiteurl": ""})
    with pytest.raises(FileOverwriteFailedError):
        writer.write_file("twice.html", template, {"localsiteurl": ""})


def test_release_list_answers_membership_by_identity_like_a_list():
    class Release:  # like Pelican's content classes: no __eq__
        pass

    first, second = Release(), Release()
    releases = ReleaseList([first])
    assert (first in releases, second in releases) == (True, False)
    assert releases == [first] and releases[0:1] == [first]


def test_a_feed_is_made_again_only_when_it_holds_the_edited_release(sample, tmp_path, monkeypatch):
    """Every other feed is linked from the live site by its key, without feedgen running for it."""
    output = tmp_path / "output"
    build(sample, output)
    made = []
    feed_bytes = FeedWriter.feed_bytes
    monkeypatch.setattr(FeedWriter, "feed_bytes", lambda self, feed, kind: made.append(feed.url(kind)) or
                        feed_bytes(self, feed, kind))
    release = sample / EDITED
    release.write_text(release.read_text(encoding="utf-8").rstrip("\n") + "\n\nStreugut liegt am Bauhof bereit.\n",
                       encoding="utf-8")
    build(sample, output)

    feeds = sorted(path.relative_to(output).as_posix() for path in output.glob("feeds/**/*.xml"))
    holding = [feed for feed in feeds if "Streugut liegt am Bauhof bereit." in (output / feed).read_text(encoding="utf-8")]
    assert len(holding) >= 4 and len(feeds) > len(holding)  # the site's, its department's, its year's, each twice
    assert sorted(made) == holding
