"""NEWSROOM is checked once per build: a misspelt key names the near one, a wrong value says what is allowed.

The build stops with exit status 1 before anything is read or written, and
`invoke check` reports the very same lines; the checked settings are frozen.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from pelican.settings import read_settings

from newsroom.content.preread import reading_fingerprint
from newsroom.content.registry import load_registries
from newsroom.settings import DEFAULTS, NewsroomSettings, data_dir, newsroom

from helpers import ROOT, SETTINGS, build, tree_digest

PROJECT_NEWSROOM = read_settings(str(SETTINGS))["NEWSROOM"]
SUMMARY = "error in the content; nothing was written."


def newsroom_with(tmp_path: Path, **changes) -> dict:
    """The project's NEWSROOM with caches in the test's folder; a dict value is merged into that feature's dict."""
    options = {**PROJECT_NEWSROOM, "content_cache_dir": str(tmp_path / "cache-content")}
    options["cards"] = {"cache_dir": str(tmp_path / "cache-cards")}
    for key, value in changes.items():
        options[key] = {**options.get(key, {}), **value} if isinstance(value, dict) and key in DEFAULTS else value
    return options


def refused(site: Path, output: Path, capsys, options: dict) -> str:
    """Build with ``options``; assert that it stops with status 1 and writes nothing; what it printed."""
    with pytest.raises(SystemExit) as stop:
        build(site, output, NEWSROOM=options)
    assert stop.value.code == 1
    assert not output.exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"ofice_name": "Bezirksamt Lindenhain"}, "NEWSROOM: ofice_name: unknown setting; did you mean 'office_name'?"),
        (
            {"feeds": {"tag_autority": "presse.lindenhain.example"}},
            "NEWSROOM['feeds']: tag_autority: unknown setting; did you mean 'tag_authority'?",
        ),
        ({"cards": {"qualitaet": 80}}, "NEWSROOM['cards']: qualitaet: unknown setting; did you mean 'quality'?"),
        (
            {"social": {"twitter_sight": "@bezirksamt"}},
            "NEWSROOM['social']: twitter_sight: unknown setting; did you mean 'twitter_site'?",
        ),
        ({"writing": {"worker": 2}}, "NEWSROOM['writing']: worker: unknown setting; did you mean 'workers'?"),
    ],
)
def test_a_misspelt_setting_names_the_near_one(site, tmp_path, capsys, changes, expected):
    err = refused(site, tmp_path / "output", capsys, newsroom_with(tmp_path, **changes))
    assert err.splitlines() == [expected, f"1 {SUMMARY}"]


def test_an_unknown_setting_without_a_near_one_lists_the_allowed_ones(site, tmp_path, capsys):
    err = refused(site, tmp_path / "output", capsys, newsroom_with(tmp_path, pressesprecherin="Frau Adler"))
    assert f"NEWSROOM: pressesprecherin: unknown setting; allowed: {', '.join(DEFAULTS)}\n" in err


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"summary_length": "220"}, "NEWSROOM: summary_length: '220' is not a positive whole number"),
        ({"slug_max_length": 0}, "NEWSROOM: slug_max_length: 0 is not a positive whole number"),
        ({"strict_html": "ja"}, "NEWSROOM: strict_html: 'ja' is not True or False"),
        (
            {"office_name": ["Bezirksamt", "Lindenhain"]},
            "NEWSROOM: office_name: a list of 2 items is not text; write it in quotes",
        ),
        (
            {"public_url": "presse.lindenhain.example"},
            "NEWSROOM: public_url: 'presse.lindenhain.example' is not an absolute address",
        ),
        ({"releases_dir": ""}, "NEWSROOM: releases_dir: '' is not a file or folder name"),
        ({"reading_workers": -2}, "NEWSROOM: reading_workers: -2 is not a number of processes; use 0 (one per core) or more"),
        ({"writing": {"workers": True}}, "NEWSROOM['writing']: workers: True is not a number of processes"),
        ({"cards": {"background": 83}}, "NEWSROOM['cards']: background: 83 is not a colour; write it like '#083a50'"),
        ({"cards": {"quality": 90.5}}, "NEWSROOM['cards']: quality: 90.5 is not a JPEG quality; use a whole number from 1 to 95"),
        ({"social": {"description_length": None}}, "NEWSROOM['social']: description_length: None is not a positive whole number"),
        (
            {"social": {"share": [("Mastodon", "https://tootpick.org/#text={tekst}")]}},
            "NEWSROOM['social']: share: 'https://tootpick.org/#text={tekst}' (of 'Mastodon') is not a share address; "
            "use the placeholders {url}, {title} and {text}",
        ),
        (
            {"social": {"share": ["Mastodon"]}},
            "NEWSROOM['social']: share: a list of 1 items is not a list of (label, address) pairs",
        ),
        ({"feeds": "presse.lindenhain.example"}, "NEWSROOM['feeds']: 'presse.lindenhain.example' is not a dict of settings"),
    ],
)
def test_a_value_of_the_wrong_kind_says_what_is_allowed(site, tmp_path, capsys, changes, expected):
    err = refused(site, tmp_path / "output", capsys, newsroom_with(tmp_path, **changes))
    assert err.startswith(expected)
    assert err.endswith(f"\n1 {SUMMARY}\n")


def test_every_bad_setting_is_reported_at_once(site, tmp_path, capsys):
    options = newsroom_with(tmp_path, ofice_unit="Pressestelle", summary_length=-1, cards={"acent": "#ffd83d"})
    err = refused(site, tmp_path / "output", capsys, options)
    assert err.splitlines() == [
        "NEWSROOM: ofice_unit: unknown setting; did you mean 'office_unit'?",
        "NEWSROOM: summary_length: -1 is not a positive whole number",
        "NEWSROOM['cards']: acent: unknown setting; did you mean 'accent'?",
        "3 errors in the content; nothing was written.",
    ]


def settings_file(tmp_path: Path, newsroom_options: dict) -> Path:
    """A settings file like pelicanconf.py, with this NEWSROOM."""
    path = tmp_path / "einstellungen.py"
    path.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(SETTINGS)!r}).items() if k.isupper()}})\n"
        f"THEME = {str(ROOT / 'theme')!r}\n"
        f"NEWSROOM = {newsroom_options!r}\n",
        encoding="utf-8",
    )
    return path


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name(command[0])), *command[1:]], capture_output=True, text=True, cwd=ROOT
    )


def test_the_pelican_command_stops_and_keeps_the_previous_output(site, tmp_path):
    output = tmp_path / "output"
    build(site, output, NEWSROOM=newsroom_with(tmp_path))
    before = tree_digest(output)
    bad = settings_file(tmp_path, newsroom_with(tmp_path, ofice_name="Bezirksamt Lindenhain", cards={"quality": 100}))
    result = run("pelican", str(site), "-s", str(bad), "-o", str(output))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "NEWSROOM: ofice_name: unknown setting; did you mean 'office_name'?" in result.stderr
    assert "NEWSROOM['cards']: quality: 100 is not a JPEG quality; use a whole number from 1 to 95" in result.stderr
    assert "2 errors in the content; nothing was written." in result.stderr
    assert tree_digest(output) == before


def test_invoke_check_reports_the_same_lines_as_the_build(site, tmp_path, capsys):
    options = newsroom_with(tmp_path, office_adress="Rathausplatz 1", feeds={"max_entries": "fünfzig"}, writing={"workers": -1})
    build_lines = refused(site, tmp_path / "output", capsys, options).splitlines()[:-1]
    result = run("invoke", "check", "--content", str(site), "--settings", str(settings_file(tmp_path, options)))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [*build_lines, "3 errors in 3 files."]
    assert build_lines == [
        "NEWSROOM: office_adress: unknown setting; did you mean 'office_address'?",
        "NEWSROOM['feeds']: max_entries: 'fünfzig' is not a positive whole number",
        "NEWSROOM['writing']: workers: -1 is not a number of processes; use 0 (one per core) or more",
    ]


def test_the_checked_settings_are_frozen_and_complete(site, tmp_path):
    pelican = build(site, tmp_path / "output", NEWSROOM=newsroom_with(tmp_path))
    options = pelican.settings["NEWSROOM"]
    assert isinstance(options, NewsroomSettings)
    assert newsroom(pelican.settings) is options
    assert options.office_name == PROJECT_NEWSROOM["office_name"]
    assert options.feeds.tag_authority == PROJECT_NEWSROOM["feeds"]["tag_authority"]
    assert options.feeds.max_entries == DEFAULTS["feeds"]["max_entries"]  # the default of a key NEWSROOM["feeds"] leaves out
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.office_name = "Bezirksamt Anderswo"
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.cards.quality = 10
    assert isinstance(options.social.share, tuple) and all(isinstance(pair, tuple) for pair in options.social.share)


def test_settings_a_script_reads_are_checked_too(site, capsys):
    settings = read_settings(str(SETTINGS), override={"PATH": str(site), "NEWSROOM": {**PROJECT_NEWSROOM, "data_dri": "daten"}})
    with pytest.raises(SystemExit) as stop:
        data_dir(settings)
    assert stop.value.code == 1
    assert "NEWSROOM: data_dri: unknown setting; did you mean 'data_dir'?" in capsys.readouterr().err


def test_equal_effective_settings_give_the_same_content_cache_key(site):
    def fingerprint(options: dict) -> str:
        settings = read_settings(str(SETTINGS), override={"PATH": str(site), "NEWSROOM": options})
        return reading_fingerprint(settings, load_registries(data_dir(settings), "pressestelle"))

    written_out = {**PROJECT_NEWSROOM, "social": {"description_length": DEFAULTS["social"]["description_length"]}}
    assert fingerprint(PROJECT_NEWSROOM) == fingerprint(written_out)
    assert fingerprint(PROJECT_NEWSROOM) != fingerprint({**PROJECT_NEWSROOM, "social": {"description_length": 120}})
