"""`invoke bench`: a smoke test at a small corpus (the benchmark itself is run by hand, never timed here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsroom.tools.benchmark import (
    ADD_ONE,
    CHECK,
    COLD,
    EDIT_ONE,
    HUGO,
    NEWSROOM,
    PELICAN,
    SCENARIOS,
    UNCHANGED,
    format_result,
    hugo_executable,
    run_benchmark,
    tree_pss,
    tree_rss,
)
from newsroom.tools.corpus import EDITED_SENTENCE, edited_release, load_contacts, load_departments, releases

from helpers import ROOT, SAMPLE_CONTENT, SETTINGS

COUNT = 40
MEGABYTE = 1024 * 1024
RELEASE_PAGE = {
    NEWSROOM: re.compile(r"^pressemitteilungen/\d{4}/\d+-meldung-\d+-\d{4}/index\.html$"),
    PELICAN: re.compile(r"^meldung-\d+-\d{4}\.html$"),
    HUGO: re.compile(r"^pressemitteilungen/\d{4}/meldung-\d+-\d{4}/index\.html$"),
}


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench") / "kept"
    return run_benchmark(str(SETTINGS), str(SAMPLE_CONTENT), COUNT, keep=str(folder)), folder


def expected_sites() -> list[str]:
    return [NEWSROOM, PELICAN] + ([HUGO] if hugo_executable() else [])


def test_every_scenario_ran_on_every_site(bench):
    result, _ = bench
    assert list(result.runs) == expected_sites()
    for site, runs in result.runs.items():
        wanted = list(SCENARIOS) if site == NEWSROOM else [COLD, UNCHANGED, EDIT_ONE, ADD_ONE]
        assert list(runs) == wanted, site
        for scenario, run in runs.items():
            assert run.seconds > 0 and run.cpu_seconds > 0 and run.peak_bytes > 0, (site, scenario)
    newsroom = result.runs[NEWSROOM]
    assert newsroom[COLD].written == newsroom[COLD].files > COUNT
    assert newsroom[ADD_ONE].files > newsroom[EDIT_ONE].files
    assert newsroom[CHECK].written == 0


def test_table_has_a_positive_figure_in_every_row(bench):
    result, _ = bench
    lines = format_result(result)
    assert lines[0].startswith(f"invoke bench: {COUNT} releases (seed 1), ")
    for label in SCENARIOS.values():
        rows = [line for line in lines if line.startswith(label + " ")]
        assert len(rows) == 2, label  # seconds and memory; CPU seconds and files written
        cells = rows[0][len(label):].split()
        assert float(cells[0]) > 0, rows[0]  # newsroom seconds
        assert float(cells[5]) > 0, rows[0]  # newsroom peak MB
        if label != SCENARIOS[CHECK]:
            assert float(cells[1]) > 0 and re.fullmatch(r"\d+\.\d×", cells[2]), rows[0]  # Pelican, newsroom ÷ Pelican
        assert float(rows[1][len(label):].split()[0]) > 0, rows[1]  # newsroom CPU seconds


def test_cold_builds_wrote_a_page_per_release(bench):
    result, _ = bench
    for site in expected_sites():
        pages = [path for path in result.cold_output[site] if RELEASE_PAGE[site].match(path)]
        assert len(pages) == COUNT, site


def test_edit_one_rebuild_shows_the_edited_sentence(bench):
    _, folder = bench
    made = releases(COUNT, load_departments(str(SAMPLE_CONTENT)), load_contacts(str(SAMPLE_CONTENT)))
    edited = edited_release(made[COUNT // 2])
    assert EDITED_SENTENCE in edited.body and EDITED_SENTENCE not in made[COUNT // 2].body
    pages = {
        NEWSROOM: f"newsroom/output/pressemitteilungen/{edited.year}/{edited.serial}-{edited.slug}/index.html",
        PELICAN: f"Pelican/output/{edited.slug}.html",
        HUGO: f"Hugo/public/pressemitteilungen/{edited.year}/{edited.slug}/index.html",
    }
    for site in expected_sites():
        assert EDITED_SENTENCE in (folder / pages[site]).read_text(encoding="utf-8"), site


def test_invoke_bench_is_a_task():
    executable = Path(sys.executable).with_name("invoke")
    shown = subprocess.run([str(executable), "--help", "bench"], capture_output=True, text=True, cwd=ROOT).stdout
    for option in ("--releases", "--seed", "--keep", "--[no-]compare"):
        assert option in shown, option


# Three processes that each hold 80 MB of their own, then wait for the end of their input.
TREE = r"""
import os, sys
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        children = []
        break
    children.append(pid)
block = b"x" * (80 << 20)
os.write(1, b"ready\n")
sys.stdin.read()
for child in children:
    os.waitpid(child, 0)
"""


def test_memory_of_a_process_tree_is_summed():
    process = subprocess.Popen([sys.executable, "-c", TREE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert [process.stdout.readline() for _ in range(3)] == ["ready\n"] * 3
        whole = tree_rss(process.pid)
        with open(f"/proc/{process.pid}/statm", encoding="ascii") as handle:
            alone = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        assert whole >= 3 * 80 * MEGABYTE > 2 * alone
    finally:
        process.stdin.close()
        process.wait()


SHARED_TREE = """
import os, sys
block = bytearray(b"x" * (120 << 20))  # written once, before the forks: shared by all three
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        children = []
        break
    children.append(pid)
os.write(1, b"ready\\n")
sys.stdin.read()
for child in children:
    os.waitpid(child, 0)
"""


def test_pages_shared_by_forked_processes_count_once_in_pss():
    process = subprocess.Popen([sys.executable, "-c", SHARED_TREE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert [process.stdout.readline() for _ in range(3)] == ["ready\n"] * 3
        rss, pss = tree_rss(process.pid), tree_pss(process.pid)
        assert rss >= 3 * 120 * MEGABYTE
        assert 120 * MEGABYTE <= pss < 0.6 * rss
    finally:
        process.stdin.close()
        process.wait()
