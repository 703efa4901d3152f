"""``invoke check --changed``: the messages of the full check, reading only what changed since the last one.

Every test edits the fixture site after a check has filled the index, then
compares the fast check with the full one (``check_content``): the same
errors, URL warnings and reading warnings, and only the edited files read.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.content import facts as facts_module
from newsroom.tools.check import check_changed, check_content

from helpers import FIXTURE_SITE, ROOT, SETTINGS

BAEUME = "releases/2024/baeume.md"
SPRECHSTUNDE = "releases/2024/sprechstunde.md"
BAEUME_ID = "tag:presse.lindenhain.example,2025:pm-422-2024"
MANIFEST = (
    '"422/2024": /pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/\n'
    '"17/2024": /pressemitteilungen/2024/17-sprechstunde-im-rathaus/\n'
)
NEW_RELEASE = """---
title: Sommerfest im Stadtpark
date: 2024-06-14 12:00
number: "{number}"
department: umwelt
---
Das Bezirksamt lädt alle Nachbarinnen und Nachbarn zum Sommerfest ein.
"""


@pytest.fixture
def work(tmp_path: Path, monkeypatch) -> Path:
    """The fixture site in ``content/``, checked from its parent folder (where the caches go), index filled."""
    shutil.copytree(FIXTURE_SITE, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    check_changed(str(SETTINGS), "content")
    return tmp_path


def messages(result, caplog) -> tuple:
    """What a check says: its errors, its URL warnings, and the warnings reading the files gave, in order."""
    read = [record.getMessage() for record in caplog.records if record.name == "newsroom.content.reading"]
    caplog.clear()
    return ([error.format() for error in result.errors], [warning.format() for warning in result.warnings], read, result.files)


def compare(caplog) -> list[str]:
    """Assert the fast check says what the full one says; return the files the fast one read."""
    with caplog.at_level(logging.WARNING):
        fast = check_changed(str(SETTINGS), "content")
        said_fast = messages(fast, caplog)
        said_full = messages(check_content(str(SETTINGS), "content"), caplog)
    assert said_fast == said_full
    return sorted(Path(source.path).name for source in fast.sources)


def edit(path: str, old: str, new: str) -> None:
    file = Path("content", path)
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def index_files(work: Path) -> list[Path]:
    return sorted((work / "cache" / "content").glob("facts-*"))


def test_an_unchanged_site_is_not_read_again(work: Path, caplog):
    assert compare(caplog) == []


def test_a_number_taken_by_an_unchanged_release_is_reported_on_both(work: Path, caplog):
    edit(SPRECHSTUNDE, '"17/2024"', '"422/2024"')
    assert compare(caplog) == ["sprechstunde.md"]
    errors = check_changed(str(SETTINGS), "content").errors
    assert [error.format() for error in errors] == [
        "content/releases/2024/baeume.md:4: number: '422/2024' is also used by content/releases/2024/sprechstunde.md:4",
        "content/releases/2024/sprechstunde.md:4: number: '422/2024' is also used by content/releases/2024/baeume.md:4",
    ]


def test_an_id_that_an_unchanged_release_derives_is_reported(work: Path, caplog):
    edit(SPRECHSTUNDE, "department: bauen", f"department: bauen\nid: {BAEUME_ID}")
    assert compare(caplog) == ["sprechstunde.md"]
    [error] = check_changed(str(SETTINGS), "content").errors
    assert error.format() == (
        f"content/releases/2024/sprechstunde.md:6: id: {BAEUME_ID!r} is also the id of "
        "content/releases/2024/baeume.md:4 (derived from its number)"
    )


def test_a_front_matter_error_in_the_changed_file(work: Path, caplog):
    edit(BAEUME, "date: 2024-10-04 10:30", "date: 2024-13-04 10:30")
    assert compare(caplog) == []  # a file with errors gives no source
    [error] = check_changed(str(SETTINGS), "content").errors
    assert error.path == "content/releases/2024/baeume.md" and error.line == 3 and error.field == "date"


def test_a_deleted_release_frees_its_number(work: Path, caplog):
    Path("content/releases/2024/sommerfest.md").write_text(NEW_RELEASE.format(number="17/2024"), encoding="utf-8")
    assert compare(caplog) == ["sommerfest.md"]
    assert len(check_changed(str(SETTINGS), "content").errors) == 2
    Path("content", SPRECHSTUNDE).unlink()
    assert compare(caplog) == []
    assert check_changed(str(SETTINGS), "content").errors == []


def test_a_changed_registry_checks_every_release_again(work: Path, caplog):
    edit("data/departments.yml", "bauen:", "planen:")
    assert compare(caplog) == ["baeume.md", "impressum.md"]  # sprechstunde.md names the department that is gone
    [error] = check_changed(str(SETTINGS), "content").errors
    assert error.path == "content/releases/2024/sprechstunde.md" and error.field == "department"


def test_a_published_address_that_changed_warns_as_in_the_full_check(work: Path, caplog):
    Path("content/data/published-urls.yml").write_text(MANIFEST, encoding="utf-8")
    assert compare(caplog) == []
    edit(SPRECHSTUNDE, "department: bauen", "department: bauen\nslug: offene-sprechstunde")
    assert compare(caplog) == ["sprechstunde.md"]
    [warning] = check_changed(str(SETTINGS), "content").warnings
    assert warning.path == "content/releases/2024/sprechstunde.md" and warning.field == "slug"


def test_a_corrupt_index_is_ignored_and_everything_read(work: Path, caplog):
    [index] = index_files(work)
    data = index.read_bytes()
    index.write_bytes(data.replace(b"422", b"423", 1))
    edit(SPRECHSTUNDE, '"17/2024"', '"422/2024"')
    with caplog.at_level(logging.WARNING):
        result = check_changed(str(SETTINGS), "content")
    assert any("failed its check; every file is read" in record.getMessage() for record in caplog.records)
    assert len(result.errors) == 2 and len(result.sources) == 3
    assert compare(caplog) == []  # the index written by that check stands


def test_an_index_of_another_shape_is_ignored(work: Path, caplog):
    [index] = index_files(work)
    header, _, body = index.read_bytes().partition(b"\n")
    facts = facts_module.FactsIndex.__new__(facts_module.FactsIndex)
    facts.fingerprint = header.split()[-2].decode()
    body = body.replace(b'"release"', b'"nachricht"', 1)
    index.write_bytes(facts.header(body) + b"\n" + body)
    with caplog.at_level(logging.WARNING):
        result = check_changed(str(SETTINGS), "content")
    assert any("is not of its shape" in record.getMessage() for record in caplog.records)
    assert len(result.sources) == 3


# A change to the first release row of the fixture's index, each breaking one column's shape.
BROKEN_ROWS = {
    "number-not-text": lambda row: row[:10] + [422] + row[11:],
    "number-of-another-scheme": lambda row: row[:10] + ["2024-422"] + row[11:],
    "date-without-offset": lambda row: row[:13] + [row[13][:19]] + row[14:],
    "identity-of-four": lambda row: [row[0], [1, 2, 3, 4]] + row[2:],
    "line-not-a-number": lambda row: row[:8] + [{**row[8], "title": "2"}] + row[9:],
    "topic-of-numbers": lambda row: row[:19] + [[[1, 2]]] + row[20:],
    "alias-without-line": lambda row: row[:18] + [[["/alt/"]]] + row[19:],
    "media-not-a-mapping": lambda row: row[:3] + [[]] + row[4:],
    "field-missing": lambda row: row[:-1],
}


@pytest.mark.parametrize("broken", BROKEN_ROWS.values(), ids=BROKEN_ROWS.keys())
def test_an_index_row_of_another_shape_is_ignored(work: Path, caplog, broken):
    """Each column is checked (a page's or a release's), so a bad value is a warning, never a crash later on."""
    [index] = index_files(work)
    header, _, body = index.read_bytes().partition(b"\n")
    rows = [json.loads(line) for line in body.split(b"\n")]
    first = next(number for number, row in enumerate(rows) if row[4] == "release")
    rows[first] = broken(rows[first])
    body = b"\n".join(json.dumps(row, ensure_ascii=False).encode() for row in rows)
    facts = facts_module.FactsIndex.__new__(facts_module.FactsIndex)
    facts.fingerprint = header.split()[-2].decode()
    index.write_bytes(facts.header(body) + b"\n" + body)
    with caplog.at_level(logging.WARNING):
        result = check_changed(str(SETTINGS), "content")
    assert any("is not of its shape" in record.getMessage() for record in caplog.records)
    assert len(result.sources) == 3 and compare(caplog) == []


def test_a_file_rewritten_with_its_size_and_mtime_kept_is_read_again(work: Path, caplog, monkeypatch):
    """The identity fast path (files older than RACY_SECONDS): a stale identity must never hide an error."""
    later = time.time_ns() + 10 * facts_module.RACY_SECONDS * 1_000_000_000
    monkeypatch.setattr(facts_module.time, "time_ns", lambda: later)
    check_changed(str(SETTINGS), "content")  # every identity recorded
    assert compare(caplog) == []
    path = Path("content", SPRECHSTUNDE)
    before = path.stat()
    time.sleep(0.05)  # past the file system's timestamp tick: the ctime differs
    edit(SPRECHSTUNDE, '"17/2024"', '"42/2024"')  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert compare(caplog) == ["sprechstunde.md"]


def test_a_file_just_written_is_hashed_next_time(work: Path):
    """An identity taken within RACY_SECONDS of the file's last change is not kept."""
    [index] = index_files(work)
    entries = [json.loads(line) for line in index.read_bytes().splitlines()[1:]]
    assert len(entries) == 3 and all(identity is None for _path, identity, *_ in entries)


# --- What the hook loads ---------------------------------------------------------

# The parts of Pelican and the stages a check never uses: a third of a second of the hook's second to import.
NOT_FOR_CHECKING = ("pelican.generators", "pelican.readers", "pelican.writers", "docutils", "jinja2", "bs4",
                    "newsroom.outputs.cards.stage", "newsroom.outputs.images.stage", "newsroom.outputs.feeds",
                    "newsroom.outputs.search", "newsroom.site.writing", "newsroom.site.plugin")
SETTINGS_AS_TEXT = """
import json, sys
def as_text(settings):
    return json.dumps(settings, sort_keys=True, default=lambda value: getattr(value, "__qualname__", repr(value)))
"""


def python(script: str, cwd: Path) -> str:
    """``script`` in a fresh interpreter (nothing of Pelican loaded yet), its standard output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("changed", [False, True], ids=["nothing-changed", "one-release-changed"])
def test_a_commit_check_loads_no_generator_and_no_stage(work: Path, changed: bool):
    """Only a file read again needs the HTML parser (bs4, for the summary and the sanitizer's report)."""
    if changed:
        edit(BAEUME, "im Herbst 40 neue", "im Herbst 42 neue")
    script = f"""
import sys
from newsroom.tools.check import check_changed
assert len(check_changed({str(SETTINGS)!r}, "content").sources) == {int(changed)}
print(sorted({{name.split(".")[0] if name.startswith("bs4") else name
              for name in sys.modules if name.startswith({NOT_FOR_CHECKING!r})}}))
"""
    assert python(script, work) == ("['bs4']\n" if changed else "[]\n")


def test_settings_read_through_pelicans_bare_package_are_pelicans_own(work: Path):
    """``read_site_settings`` gives what ``read_settings`` gives after ``import pelican``; the package completes when asked."""
    bare = python(SETTINGS_AS_TEXT + f"""
from newsroom.tools.check import read_site_settings
settings = read_site_settings({str(SETTINGS)!r}, {{"PATH": "content"}})
assert "pelican.generators" not in sys.modules
import pelican
from pelican import signals
assert pelican.Pelican and signals.initialized and "pelican.generators" in sys.modules
print(as_text(settings))
""", work)
    full = python(SETTINGS_AS_TEXT + f"""
import pelican
from pelican.settings import read_settings
print(as_text(read_settings({str(SETTINGS)!r}, override={{"PATH": "content"}})))
""", work)
    assert bare == full and '"ARTICLE_ORDER_BY": "newest_first"' in bare


# --- Random edit sequences -----------------------------------------------------

FILES = ("baeume.md", "sprechstunde.md", "sommerfest.md")
EDITS = st.one_of(
    st.tuples(st.just("number"), st.sampled_from(FILES), st.sampled_from(["17/2024", "422/2024", "5/2024"])),
    st.tuples(st.just("id"), st.sampled_from(FILES), st.sampled_from([BAEUME_ID, "urn:pm:sommer", None])),
    st.tuples(st.just("alias"), st.sampled_from(FILES), st.sampled_from(["/alt/", "/impressum/", None])),
    st.tuples(st.just("slug"), st.sampled_from(FILES), st.sampled_from(["sommer", "impressum", None])),
    st.tuples(st.just("break"), st.sampled_from(FILES), st.just(None)),
    st.tuples(st.just("delete"), st.sampled_from(FILES), st.just(None)),
    st.tuples(st.just("department"), st.just("bauen"), st.sampled_from(["planen", "bauen"])),
)


def apply(content: Path, change: tuple) -> None:
    """One editor's change: a field of a release set or removed, a broken front matter, a file gone, a registry edited."""
    kind, name, value = change
    if kind == "department":
        registry = content / "data" / "departments.yml"
        registry.write_text(registry.read_text(encoding="utf-8").replace("bauen:", "XX:").replace("planen:", "XX:")
                            .replace("XX:", f"{value}:"), encoding="utf-8")
        return
    path = content / "releases" / "2024" / name
    if kind == "delete":
        path.unlink(missing_ok=True)
        return
    number = {"baeume.md": "422/2024", "sprechstunde.md": "17/2024"}.get(name, "18/2024")
    text = path.read_text(encoding="utf-8") if path.exists() else NEW_RELEASE.format(number=number)
    head, _, body = text.partition("\n---\n")
    lines = [line for line in head.splitlines() if not line.startswith(f"{kind if kind != 'alias' else 'aliases'}:")]
    if kind == "number":
        lines.append(f'number: "{value}"')
    elif kind == "break":
        lines.append("date: [kein Datum")
    elif value is not None:
        lines.append(f"{'aliases' if kind == 'alias' else kind}: {[value] if kind == 'alias' else value}")
    path.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(EDITS, min_size=1, max_size=4))
def test_random_edits_give_the_messages_of_the_full_check(changes, caplog, monkeypatch):
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(FIXTURE_SITE, Path(folder, "content"))
        Path(folder, "content", "data", "published-urls.yml").write_text(MANIFEST, encoding="utf-8")
        monkeypatch.chdir(folder)
        check_changed(str(SETTINGS), "content")
        for change in changes:
            apply(Path(folder, "content"), change)
            compare(caplog)
