"""Editor tasks: `invoke check` gives the build's messages; `invoke new` writes a valid release."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from pelican.settings import read_settings

from newsroom.content.dates import BERLIN
from newsroom.tools.authoring import AuthoringError, new_release
from newsroom.tools.check import check_content

from helpers import ROOT, SETTINGS, build, soup


def invoke(*args: str) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).with_name("invoke")
    return subprocess.run([str(executable), *args], capture_output=True, text=True, cwd=ROOT)


def test_check_passes_on_the_sample_content():
    result = invoke("check")
    assert result.returncode == 0, result.stderr
    assert "no errors" in result.stdout


def test_check_reports_like_the_build(site: Path):
    (site / "releases" / "2024" / "bad.md").write_text(
        '---\ntitle: X\ndate: 2024-02-30\nnumber: "1/2024"\ndepartment: bauen\n---\nText\n', encoding="utf-8"
    )
    result = invoke("check", "--content", str(site))
    assert result.returncode == 1
    assert "bad.md:3: date: '2024-02-30' is not a valid date" in result.stderr
    assert "1 error in 4 files." in result.stderr
    errors = check_content(str(SETTINGS), str(site)).errors
    assert [error.format() for error in errors] == [line for line in result.stderr.splitlines()[:-1]]


def settings_for(content: Path) -> dict:
    return read_settings(str(SETTINGS), override={"PATH": str(content)})


def test_new_release_takes_the_next_free_number_and_builds(site: Path, tmp_path: Path):
    now = dt.datetime(2024, 11, 5, 14, 7, 33, tzinfo=BERLIN)
    path = Path(new_release(settings_for(site), "Neue Öffnungszeiten für Bürgerämter", "umwelt", now=now).path)
    assert path == site / "releases" / "2024" / "neue-oeffnungszeiten-fuer-buergeraemter.md"
    text = path.read_text(encoding="utf-8")
    assert 'number: 423/2024' in text
    assert "date: 2024-11-05 14:07" in text
    output = tmp_path / "out"
    build(site, output)
    page = soup(output / "pressemitteilungen/2024/423-neue-oeffnungszeiten-fuer-buergeraemter/index.html")
    assert page.h1.get_text() == "Neue Öffnungszeiten für Bürgerämter"


def test_new_release_starts_at_one_in_a_new_year(site: Path):
    now = dt.datetime(2025, 1, 2, 9, 0, tzinfo=BERLIN)
    path = Path(new_release(settings_for(site), "Neujahrsempfang", "bauen", now=now).path)
    assert 'number: 1/2025' in path.read_text(encoding="utf-8")


def test_new_release_refuses_unknown_department_and_existing_file(site: Path):
    now = dt.datetime(2024, 11, 5, 14, 7, tzinfo=BERLIN)
    with pytest.raises(AuthoringError, match="--department: 'kultur' is not a key of .*; known keys: bauen, umwelt"):
        new_release(settings_for(site), "Titel", "kultur", now=now)
    new_release(settings_for(site), "Titel", "bauen", now=now)
    with pytest.raises(AuthoringError, match="already exists"):
        new_release(settings_for(site), "Titel", "bauen", now=now)


def test_task_list_documents_every_task():
    result = invoke("--list")
    for name in (
        "build",
        "rebuild",
        "clean",
        "serve",
        "livereload",
        "preview",
        "check",
        "schedule",
        "record-urls",
        "new",
        "test",
        "golden",
    ):
        assert f"  {name} " in result.stdout, name
