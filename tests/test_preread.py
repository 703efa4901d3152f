"""Sources are read ahead on all cores and cached by content hash, with the same results as reading one by one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from newsroom.errors import ContentErrors
from newsroom.tools.corpus import write_newsroom_corpus

from helpers import SAMPLE_CONTENT, build, rebuild_digest, run_pelican_cli, soup, sources_read


def newsroom(site: Path, **options) -> dict:
    """NEWSROOM settings with the content cache inside the test's folder."""
    from pelican.settings import read_settings

    from helpers import SETTINGS

    base = read_settings(str(SETTINGS))["NEWSROOM"]
    return {**base, "content_cache_dir": str(site.parent / "cache"), **options}


def first_release(site: Path) -> Path:
    return sorted((site / "releases").rglob("*.md"))[0]


def test_second_build_reads_nothing_and_writes_the_same_site(site, tmp_path):
    options = newsroom(site)
    build(site, tmp_path / "first", NEWSROOM=options)
    files = len(list(site.rglob("*.md")))
    assert sources_read() == (files, 0)
    build(site, tmp_path / "second", NEWSROOM=options)
    assert sources_read() == (0, files)
    assert rebuild_digest(tmp_path / "second") == rebuild_digest(tmp_path / "first")


def test_a_time_the_clocks_skip_is_published_the_same_read_afresh_and_from_the_cache(site, tmp_path):
    """02:40 on the night of the switch to summer time does not exist: read or cached, it is 03:40 summer time."""
    release = first_release(site)
    text = release.read_text(encoding="utf-8")
    release.write_text(text.replace(text.split("date: ", 1)[1].split("\n", 1)[0], "2024-03-31 02:40", 1), encoding="utf-8")
    options = newsroom(site)
    build(site, tmp_path / "first", NEWSROOM=options)
    build(site, tmp_path / "second", NEWSROOM=options)
    assert sources_read()[0] == 0
    assert rebuild_digest(tmp_path / "second") == rebuild_digest(tmp_path / "first")
    assert 'datetime="2024-03-31T03:40:00+02:00"' in (tmp_path / "first" / "index.html").read_text(encoding="utf-8")


def test_only_the_edited_file_is_read_again_and_its_change_shows(site, tmp_path):
    options = newsroom(site)
    build(site, tmp_path / "output", NEWSROOM=options)
    release = first_release(site)
    release.write_text(release.read_text(encoding="utf-8") + "\nEin neuer Schlusssatz aus der Redaktion.\n", encoding="utf-8")
    build(site, tmp_path / "output", NEWSROOM=options)
    files = len(list(site.rglob("*.md")))
    assert sources_read() == (1, files - 1)
    pages = [
        path
        for path in (tmp_path / "output" / "pressemitteilungen").rglob("index.html")
        if "Ein neuer Schlusssatz" in path.read_text(encoding="utf-8")
    ]
    assert len(pages) == 1


def test_the_key_is_the_content_not_the_modification_time(site, tmp_path):
    options = newsroom(site)
    build(site, tmp_path / "output", NEWSROOM=options)
    release = first_release(site)
    status = release.stat()
    os.utime(release, ns=(status.st_atime_ns + 10**12, status.st_mtime_ns + 10**12))  # like a fresh git checkout
    build(site, tmp_path / "checkout", NEWSROOM=options)  # a folder of its own: the same inputs would build nothing
    assert sources_read()[0] == 0
    text = release.read_text(encoding="utf-8")
    release.write_text(text.replace("\n---\n", "\n---\nErgänzt.\n", 1) if "\n---\n" in text else text + "x", encoding="utf-8")
    os.utime(release, ns=(status.st_atime_ns, status.st_mtime_ns))  # same mtime, other bytes
    build(site, tmp_path / "output", NEWSROOM=options)
    assert sources_read()[0] == 1


def test_a_file_with_errors_is_not_cached(site, tmp_path):
    """A release naming a missing image fails; adding the image alone (release untouched) makes it pass."""
    options = newsroom(site)
    release = first_release(site)
    text = release.read_text(encoding="utf-8")
    release.write_text(text.replace("\n---\n", "\nimage: images/neu.jpg\nimage_alt: Ein Bild\n---\n", 1), encoding="utf-8")
    with pytest.raises(ContentErrors):
        build(site, tmp_path / "output", NEWSROOM=options)
    (site / "images").mkdir(exist_ok=True)
    shutil.copy(SAMPLE_CONTENT / "images" / "baumpflanzung-buergerpark.jpg", site / "images" / "neu.jpg")
    build(site, tmp_path / "output", NEWSROOM=options)
    assert sources_read()[0] == 1


def test_a_changed_image_is_measured_again(site, tmp_path):
    from PIL import Image

    options = newsroom(site)
    release = first_release(site)
    text = release.read_text(encoding="utf-8")
    (site / "images").mkdir(exist_ok=True)
    Image.new("RGB", (800, 600), "navy").save(site / "images" / "bild.jpg")
    release.write_text(text.replace("\n---\n", "\nimage: images/bild.jpg\nimage_alt: Ein Bild\n---\n", 1), encoding="utf-8")
    build(site, tmp_path / "output", NEWSROOM=options)
    Image.new("RGB", (1000, 500), "navy").save(site / "images" / "bild.jpg")
    build(site, tmp_path / "output", NEWSROOM=options)
    assert sources_read()[0] == 1
    pictures = [
        img
        for path in (tmp_path / "output" / "pressemitteilungen").rglob("index.html")
        for img in soup(path).select("figure.pm__bild img")
    ]
    assert [(img["width"], img["height"]) for img in pictures] == [("1000", "500")]


def test_warnings_are_repeated_from_the_cache(site, tmp_path, monkeypatch):
    """Two runs of the command (one process each: Pelican logs a message once per process)."""
    monkeypatch.setenv("NEWSROOM_STRICT_HTML", "0")  # CI makes removals errors; here they must be warnings
    release = first_release(site)
    release.write_text(release.read_text(encoding="utf-8") + '\n<span class="x">Hinweis</span>\n', encoding="utf-8")
    first = run_pelican_cli(site, tmp_path / "output")
    second = run_pelican_cli(site, tmp_path / "second")  # a folder of its own: into the same, nothing is built
    for run in (first, second):
        assert run.returncode == 0, run.stdout + run.stderr
        assert f"{release.name}" in run.stdout and ": html: removed <span>" in run.stdout, run.stdout


def test_workers_give_the_same_site_as_one_process(tmp_path):
    """Enough files for the worker pool; built once with workers and once in this process, caches apart."""
    content = tmp_path / "content"
    write_newsroom_corpus(str(SAMPLE_CONTENT), str(content), 60, photo_size=(1200, 800))
    build(content, tmp_path / "parallel", NEWSROOM=newsroom(content, reading_workers=2, content_cache_dir=str(tmp_path / "c1")))
    assert sources_read()[0] == 60 + len(list((content / "pages").rglob("*.md")))
    build(content, tmp_path / "serial", NEWSROOM=newsroom(content, reading_workers=1, content_cache_dir=str(tmp_path / "c2")))
    assert rebuild_digest(tmp_path / "parallel") == rebuild_digest(tmp_path / "serial")


def test_bad_worker_count_is_reported(site, tmp_path):
    with pytest.raises(ContentErrors) as stop:
        build(site, tmp_path / "output", NEWSROOM=newsroom(site, reading_workers="zwei"))
    assert "NEWSROOM: reading_workers: 'zwei' is not a number of processes; use 0 (one per core) or more" in str(stop.value)
    assert not (tmp_path / "output").exists()


def test_the_draft_preview_does_not_evict_the_site(site, tmp_path):
    options = newsroom(site)
    build(site, tmp_path / "site", NEWSROOM=options)
    build(site, tmp_path / "preview", NEWSROOM={**options, "preview_drafts": True})
    build(site, tmp_path / "site", NEWSROOM=options)
    assert sources_read()[0] == 0


def test_settings_that_do_not_change_reading_keep_the_cache(site, tmp_path):
    options = newsroom(site)
    build(site, tmp_path / "output", NEWSROOM=options)
    other = {**options, "reading_workers": 1, "cards": {**options.get("cards", {}), "cache_dir": str(tmp_path / "cards")},
             "images": {**options.get("images", {}), "cache_dir": str(tmp_path / "bilder"), "quality": 70}}
    build(site, tmp_path / "output", NEWSROOM=other)
    assert sources_read()[0] == 0
    build(site, tmp_path / "output", NEWSROOM={**options, "summary_length": 80})
    assert sources_read()[0] == len(list(site.rglob("*.md")))
    build(site, tmp_path / "output", NEWSROOM={**options, "images": {**options.get("images", {}), "max_bytes": 1000}})
    assert sources_read()[0] == len(list(site.rglob("*.md")))  # a limit reading warns about


def test_another_working_directory_shares_the_cache_and_shows_its_own_paths(site, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSROOM_STRICT_HTML", "0")  # the removal must stay a (cached) warning
    options = newsroom(site)
    release = first_release(site)
    release.write_text(release.read_text(encoding="utf-8") + '\n<span class="x">Hinweis</span>\n', encoding="utf-8")
    build(site, tmp_path / "output", NEWSROOM=options)
    monkeypatch.chdir(site)
    from pelican.settings import read_settings

    from newsroom.content.preread import read_all
    from newsroom.content.registry import load_registries

    from helpers import SETTINGS

    settings = read_settings(str(SETTINGS), override={"PATH": str(site), "NEWSROOM": options})
    sources, read = read_all(settings, load_registries(str(site / "data"), options["default_contact"]))
    assert read == 0
    shown = sources[str(release)]
    assert shown.path == str(release.relative_to(site)) and shown.warnings
    assert all(warning.path == shown.path for warning in shown.warnings)
