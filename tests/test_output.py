"""Staged output: a killed, failed or concurrent build never damages the published site."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plugins.stall_build import MARKER

import newsroom.site.output

from helpers import ROOT, SETTINGS, build, run_pelican_cli, tree_digest

PLUGINS_DIR = ROOT / "tests" / "plugins"
RELEASE = "releases/2024/baeume.md"


def start_pelican(content: Path, output: Path, plugins=("newsroom",), **popen) -> subprocess.Popen:
    """The plain `pelican` command in the background, optionally with test plugins."""
    command = [
        str(Path(sys.executable).with_name("pelican")), str(content), "-s", str(SETTINGS), "-o", str(output),
        "-e", "PLUGINS=" + json.dumps(list(plugins)), "PLUGIN_PATHS=" + json.dumps([str(PLUGINS_DIR)]),
    ]
    return subprocess.Popen(command, cwd=ROOT, text=True, env={**os.environ, "COLUMNS": "200"}, **popen)


def staging_dirs(output: Path) -> list[Path]:
    return sorted(output.parent.glob(output.name + ".staging-*"))


def change_a_title(content: Path) -> None:
    release = content / RELEASE
    release.write_text(release.read_text(encoding="utf-8").replace("title: ", "title: Geändert – ", 1), encoding="utf-8")


def test_build_killed_midway_leaves_previous_output_byte_identical(site, tmp_path):
    output = tmp_path / "output"
    build(site, output)
    before = tree_digest(output)
    change_a_title(site)

    with open(tmp_path / "stderr.txt", "w") as stderr:
        process = start_pelican(site, output, ("newsroom", "stall_build"), stdout=subprocess.PIPE, stderr=stderr)
        announced = process.stdout.readline()
        try:
            assert MARKER in announced, (tmp_path / "stderr.txt").read_text()
            [staging] = staging_dirs(output)
            assert [path for path in staging.rglob("*") if path.is_file()], "the build had written nothing yet"
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
            process.stdout.close()
    assert process.returncode == -signal.SIGKILL

    assert tree_digest(output) == before
    assert staging_dirs(output), "the killed build's staging folder is expected as a leftover"

    result = run_pelican_cli(site, output)
    assert result.returncode == 0, result.stderr
    assert staging_dirs(output) == []
    assert tree_digest(output) != before
    assert any("Geändert" in path.read_text(encoding="utf-8") for path in output.rglob("*.html"))


def test_swap_by_two_renames_where_exchange_is_unsupported(site, tmp_path, monkeypatch):
    monkeypatch.setattr(newsroom.site.output, "exchange", lambda first, second: False)
    output = tmp_path / "output"
    build(site, output)
    (output / "stale.html").write_text("from an older build", encoding="utf-8")
    change_a_title(site)
    build(site, output)
    assert not (output / "stale.html").exists()
    assert any("Geändert" in path.read_text(encoding="utf-8") for path in output.rglob("*.html"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "output"]


def test_crash_between_the_two_renames_is_repaired_by_the_next_build(site, tmp_path):
    output = tmp_path / "output"
    build(site, output)
    before = tree_digest(output)
    output.rename(tmp_path / "output.retired")  # as left by a crash after the first rename

    (site / "releases" / "2024" / "bad.md").write_text("", encoding="utf-8")
    result = run_pelican_cli(site, output)
    assert result.returncode == 1
    assert tree_digest(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "output"]


def test_second_build_waits_for_the_first_instead_of_deleting_its_files(site, tmp_path):
    output = tmp_path / "output"
    lock = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)  # what a running build holds
    try:
        process = start_pelican(site, output, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        waiting = ""
        while "waiting for it to finish" not in waiting:
            line = process.stdout.readline()
            if not line:
                pytest.fail("the second build did not wait: " + waiting)
            waiting += line
        assert not output.exists() and staging_dirs(output) == []
    finally:
        os.close(lock)
    process.communicate()
    assert process.returncode == 0
    assert (output / "index.html").is_file()


def test_a_large_previous_site_is_removed_in_the_background(site, tmp_path, monkeypatch):
    """Above the threshold the old tree goes away after the build has returned; the lock is free at once."""
    monkeypatch.setattr(newsroom.site.output, "BACKGROUND_DISCARD_FROM", 0)
    output = tmp_path / "output"
    build(site, output)
    first = tree_digest(output)
    release = sorted((site / "releases").rglob("*.md"))[0]
    release.write_text(release.read_text(encoding="utf-8") + "\nHintergrund.\n", encoding="utf-8")
    build(site, output)
    lock = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the removing process held the build lock
    finally:
        os.close(lock)
    assert tree_digest(output) != first
    assert any("Hintergrund." in path.read_text(encoding="utf-8") for path in output.rglob("*.html"))
    for _ in range(600):  # the detached removal finishes within a minute even on a busy machine
        if staging_dirs(output) == []:
            break
        time.sleep(0.1)
    assert staging_dirs(output) == []
