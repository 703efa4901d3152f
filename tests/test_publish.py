"""`invoke publish`: a new release folder, one rename of the `current` symlink, `--rollback`; and what it refuses.

The load test serves the target with a real nginx (root TARGET/current) while
a client requests pages in a loop: every answer is a 200 and byte for byte a
page of the one site or of the other, never an error or a half-uploaded site.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from nginxserver import free_port, get, require_nginx, running_nginx
from pelican.settings import read_settings

from newsroom.site.renderkeys import KEYS_FILE
from newsroom.tools.check import check_content
from newsroom.tools.publish import DRAFTS_MARK
from newsroom.tools.webconfig import web_config

from helpers import FIXTURE_SITE, ROOT, SETTINGS, build, run_task, tree_digest

BAEUME = "/pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/"
PAGES = {"/": "index.html", BAEUME: BAEUME.strip("/") + "/index.html", "/impressum/": "impressum/index.html",
         "/feeds/all.atom.xml": "feeds/all.atom.xml"}
NEW_NAME = "Pressemitteilungen – Bezirksamt Lindenhain (neu)"
WAIT_FOR_CLIENT = 60  # seconds; a guard against a hang, not a measured time


def invoke(*args: str) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).with_name("invoke")
    return subprocess.run([str(executable), *args], capture_output=True, text=True, cwd=ROOT)


def publish(site: Path, target: Path, *extra: str, command: bool = False) -> subprocess.CompletedProcess:
    """`invoke publish` in this process (``run_task``), or with ``command`` the invoke command itself."""
    args = ("publish", "--to", str(target), "--site", str(site), *extra)
    result = invoke(*args) if command else run_task(*args)
    assert "Traceback" not in result.stderr
    return result


def served_release(target: Path) -> str:
    return os.readlink(target / "current")


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """The fixture site built twice, the second time with another site name on every page."""
    folder = tmp_path_factory.mktemp("sites")
    content = folder / "content"
    shutil.copytree(FIXTURE_SITE, content)
    old, new = folder / "old", folder / "new"
    build(content, old)
    build(content, new, SITENAME=NEW_NAME)
    return content, old, new


class Client(threading.Thread):
    """Requests PAGES from nginx in a loop; records every answer that is not a page of one of the two sites."""

    def __init__(self, port: int, old: Path, new: Path):
        super().__init__(daemon=True)
        self.port = port
        self.versions = {
            path: {(old / file).read_bytes(): "old", (new / file).read_bytes(): "new"} for path, file in PAGES.items()
        }
        self.problems: list[str] = []
        self.seen = {"old": threading.Event(), "new": threading.Event()}
        self.stop = threading.Event()
        self.requests = 0

    def run(self) -> None:
        while not self.stop.is_set():
            for path in PAGES:
                status, _, body = get(self.port, path)
                self.requests += 1
                version = self.versions[path].get(body)
                if status != 200 or version is None:
                    self.problems.append(f"{path}: status {status}, {len(body)} bytes of neither site")
                else:
                    self.seen[version].set()

    def wait_for(self, version: str) -> None:
        self.seen[version].clear()
        assert self.seen[version].wait(WAIT_FOR_CLIENT), f"the client never got the {version} site"


def test_publishing_twice_under_load_then_rolling_back(two_sites, tmp_path):
    require_nginx()
    content, old, new = two_sites
    target = tmp_path / "presse"
    first = publish(old, target, command=True)
    assert first.returncode == 0, first.stderr
    assert f"{target}/current points to it" in first.stdout
    port = free_port()
    config = tmp_path / "presse.conf"
    config.write_text(web_config(check_content(str(SETTINGS), str(content)), str(target / "current"), f"127.0.0.1:{port}"))
    with running_nginx(tmp_path / "nginx", config, port):
        client = Client(port, old, new)
        client.start()
        try:
            client.wait_for("old")
            assert publish(new, target, command=True).returncode == 0
            client.wait_for("new")
            assert publish(old, target, command=True).returncode == 0
            client.wait_for("old")
        finally:
            client.stop.set()
            client.join()
        assert client.problems == []
        assert client.requests > len(PAGES)

        result = publish(old, target, "--rollback", command=True)
        assert result.returncode == 0, result.stderr
        assert "now serves release" in result.stdout
        # Everything of the site, but not the keys its pages were rendered with (the build's, not the readers').
        assert tree_digest(target / "current") == {path: digest for path, digest in tree_digest(new).items() if path != KEYS_FILE}
        assert (new / KEYS_FILE).is_file()
        status, _, body = get(port, "/")
        assert (status, body) == (200, (new / "index.html").read_bytes())
    # current and previous are kept, older releases removed
    releases = sorted(os.listdir(target / "releases"))
    assert len(releases) == 2
    assert {os.path.basename(served_release(target)), os.path.basename(os.readlink(target / "previous"))} == set(releases)


def test_unchanged_files_are_hardlinked_to_the_previous_release(two_sites, tmp_path):
    """A rebuild keeps unchanged files as they were (output stage), so rsync links them instead of uploading."""
    content, _, _ = two_sites
    site, target = tmp_path / "output", tmp_path / "presse"
    build(content, site)
    assert publish(site, target).returncode == 0
    first_release = target / served_release(target)
    build(content, site, SITENAME=NEW_NAME)
    assert publish(site, target).returncode == 0
    second_release = target / served_release(target)
    stylesheet = sorted(site.glob("theme/css/site.*.css"))[0].relative_to(site)
    assert os.stat(first_release / stylesheet).st_ino == os.stat(second_release / stylesheet).st_ino
    assert NEW_NAME in (second_release / "index.html").read_text(encoding="utf-8")
    assert NEW_NAME not in (first_release / "index.html").read_text(encoding="utf-8")


def test_a_rollback_needs_a_previous_release(two_sites, tmp_path):
    _, old, _ = two_sites
    target = tmp_path / "presse"
    assert publish(old, target).returncode == 0
    before = served_release(target)
    result = publish(old, target, "--rollback")
    assert result.returncode == 1
    assert "has no previous release to roll back to (publish at least twice first)" in result.stderr
    assert served_release(target) == before


def test_a_drafts_preview_is_never_published(site, tmp_path):
    preview = tmp_path / "vorschau"
    draft = site / "releases" / "2024" / "entwurf.md"
    draft.write_text(
        '---\ntitle: Entwurf zur Haushaltsklausur\ndate: 2024-05-02 09:00\nnumber: "30/2024"\n'
        "department: bauen\nstatus: draft\n---\nNoch nicht freigegeben.\n",
        encoding="utf-8",
    )
    options = {**read_settings(str(SETTINGS))["NEWSROOM"], "preview_drafts": True}
    build(site, preview, NEWSROOM=options)
    assert (preview / DRAFTS_MARK).is_file()
    target = tmp_path / "presse"
    result = publish(preview, target, command=True)
    assert result.returncode == 1
    assert "is a drafts preview (drafts and embargoed releases, with banners) and is never published" in result.stderr
    assert not target.exists()


def test_a_normal_build_carries_no_drafts_mark(two_sites):
    _, old, _ = two_sites
    assert not (old / DRAFTS_MARK).exists()


def test_a_folder_without_a_built_site_is_refused(tmp_path):
    empty = tmp_path / "output"
    empty.mkdir()
    target = tmp_path / "presse"
    result = publish(empty, target)
    assert result.returncode == 1
    assert "holds no built site (no index.html); build it first with `invoke build`" in result.stderr
    assert not target.exists()
