"""`invoke bench`: a smoke test at a small corpus (the benchmark itself is run by hand, never timed here)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from newsroom.site.stagetimes import STAGES
from newsroom.tools.benchmark import (
    ADD_ONE,
    CHECK,
    CLOCK,
    COLD,
    COLD_WITHOUT_IMAGES,
    DELETE,
    EDIT_ONE,
    HUGO,
    NEWSROOM,
    PELICAN,
    REGISTRY,
    RENAMED_DEPARTMENT,
    SCENARIOS,
    TEMPLATE,
    TEMPLATE_SENTENCE,
    UNCHANGED,
    BenchmarkError,
    Site,
    TemplateEdit,
    chosen_scenarios,
    corpus_changes,
    format_result,
    hugo_executable,
    output_state,
    parse_build_log,
    run_benchmark,
    tree_pss,
    tree_rss,
    verify,
)
from newsroom.tools.corpus import (
    EDITED_SENTENCE,
    NEWSROOM_FORMAT,
    PHOTO_SIZE,
    edited_release,
    load_contacts,
    load_departments,
    releases,
    write_photos,
)

from helpers import ROOT, SAMPLE_CONTENT, SETTINGS

COUNT = 40
PHOTOS = 5  # every eighth of the 40 releases
MEGABYTE = 1024 * 1024
RELEASE_PAGE = {
    NEWSROOM: re.compile(r"^pressemitteilungen/\d{4}/\d+-meldung-\d+-\d{4}/index\.html$"),
    PELICAN: re.compile(r"^meldung-\d+-\d{4}\.html$"),
    HUGO: re.compile(r"^pressemitteilungen/\d{4}/meldung-\d+-\d{4}/index\.html$"),
}
# Where each site puts a release's page, in the kept folder.
PAGES = {
    NEWSROOM: lambda release: f"newsroom/output/pressemitteilungen/{release.year}/{release.serial}-{release.slug}/index.html",
    PELICAN: lambda release: f"Pelican/output/{release.slug}.html",
    HUGO: lambda release: f"Hugo/public/pressemitteilungen/{release.year}/{release.slug}/index.html",
}
# Plain Pelican and Hugo have no registry, no build clock and no `invoke check`.
THEIR_SCENARIOS = [COLD, UNCHANGED, EDIT_ONE, ADD_ONE, TEMPLATE, DELETE]


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
        wanted = list(SCENARIOS) if site == NEWSROOM else THEIR_SCENARIOS
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
    for scenario, label in SCENARIOS.items():
        rows = [line for line in lines if line.startswith(label + "  ")]
        assert len(rows) == 3, label  # seconds and memory; CPU seconds and files written; stages
        cells = rows[0][len(label):].split()
        assert float(cells[0]) > 0, rows[0]  # newsroom seconds
        assert float(cells[5]) > 0, rows[0]  # newsroom peak MB
        if scenario in THEIR_SCENARIOS:
            assert float(cells[1]) > 0 and re.fullmatch(r"\d+\.\d×", cells[2]), rows[0]  # Pelican, newsroom ÷ Pelican
        else:
            assert cells[1:3] == ["–", "–"], rows[0]
        assert float(rows[1][len(label):].split()[0]) > 0, rows[1]  # newsroom CPU seconds
        stages = rows[2][len(label):].split()
        if scenario == CHECK:
            assert set(stages) == {"–"}, rows[2]
        elif scenario == UNCHANGED:  # nothing to build: the inputs are digested, no stage runs, nothing is rendered
            assert all(re.fullmatch(r"\d+\.\d\d/\d+\.\d\d", cell) for cell in stages[: len(STAGES)]), rows[2]
            ran = {name for name, cell in zip(STAGES, stages[: len(STAGES)], strict=True) if cell != "0.00/0.00"}
            assert ran <= {"inputs", "other"}, rows[2]
            assert stages[len(STAGES): len(STAGES) + 2] == ["–", "–"], rows[2]
        else:
            assert all(re.fullmatch(r"\d+\.\d\d/\d+\.\d\d", cell) for cell in stages[: len(STAGES)]), rows[2]
            assert int(stages[len(STAGES)]) >= 0 and re.fullmatch(r"\d+/\d+", stages[len(STAGES) + 1]), rows[2]


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
    for site in expected_sites():
        assert EDITED_SENTENCE in (folder / PAGES[site](edited)).read_text(encoding="utf-8"), site


def corpus_changes_of_the_bench():
    return corpus_changes(
        releases(COUNT, load_departments(str(SAMPLE_CONTENT)), load_contacts(str(SAMPLE_CONTENT))), str(SAMPLE_CONTENT), 1
    )


def test_template_registry_delete_and_clock_show_on_the_pages(bench):
    result, folder = bench
    changes = corpus_changes_of_the_bench()
    for site in expected_sites():
        assert TEMPLATE_SENTENCE in (folder / PAGES[site](changes.witness)).read_text(encoding="utf-8"), site
        assert not (folder / PAGES[site](changes.deleted)).exists(), site
        assert (folder / PAGES[site](changes.edited)).exists(), site
    newsroom = (folder / PAGES[NEWSROOM](changes.witness)).read_text(encoding="utf-8")
    assert RENAMED_DEPARTMENT in newsroom
    embargoed = PAGES[NEWSROOM](changes.embargoed)
    assert (folder / embargoed).exists()
    assert embargoed.removeprefix("newsroom/output/") not in result.cold_output[NEWSROOM]
    assert TEMPLATE_SENTENCE not in (ROOT / "theme" / "templates" / "base.html").read_text(encoding="utf-8")


def test_a_change_that_does_not_show_fails_the_run(tmp_path):
    changes = corpus_changes_of_the_bench()
    site = Site(
        NEWSROOM, str(tmp_path / "content"), str(tmp_path / "output"), NEWSROOM_FORMAT,
        lambda release: PAGES[NEWSROOM](release).removeprefix("newsroom/output/"), [], str(tmp_path),
        TemplateEdit(str(tmp_path / "base.html"), "</footer>"),
    )
    for release in (changes.witness, changes.deleted):
        page = tmp_path / "output" / site.page(release)
        page.parent.mkdir(parents=True)
        page.write_text("<footer>Bezirksamt Lindenhain</footer>", encoding="utf-8")
    state = output_state(site.output)
    with_images = {**state, "bilder/00001-meldung-1-2025-480-0123456789.webp": (1, 1, 1)}
    twin = dataclasses.replace(site, images_output="bilder", without_images=True)
    with pytest.raises(BenchmarkError, match=re.escape("the cold build without images wrote images into bilder/")):
        verify(twin, COLD_WITHOUT_IMAGES, changes, {}, with_images)
    verify(twin, COLD_WITHOUT_IMAGES, changes, {}, state)
    for scenario, before, after, reason in (
        (TEMPLATE, state, state, "lacks 'Diese Fußzeile"),
        (REGISTRY, state, state, f"lacks {RENAMED_DEPARTMENT!r}"),
        (DELETE, state, state, "is still there"),
        (DELETE, {}, {}, "was missing before"),
        (CLOCK, state, state, "has no page after"),
        (ADD_ONE, state, state, "has no page"),
        (EDIT_ONE, state, state, "is missing"),
    ):
        with pytest.raises(BenchmarkError, match=re.escape(reason)):
            verify(site, scenario, changes, before, after)
    verify(site, UNCHANGED, changes, state, state)


def test_stage_pages_and_search_lines_are_read_from_a_build_log(bench):
    _, folder = bench
    cold = parse_build_log((folder / "logs" / "newsroom-1-cold.log").read_text(encoding="utf-8"))
    assert list(cold.stages) == list(STAGES)
    assert all(wall >= 0 and cpu >= 0 for wall, cpu in cold.stages.values())
    assert cold.stages["rendering"][0] > 0
    assert cold.rendered > COUNT
    indexed, shards, kept, peak = cold.search
    assert (indexed, shards, kept) == (1, 1, 0) and peak > 0  # the corpus's public releases are all of 2025
    text = (folder / "logs" / "newsroom-2-unchanged.log").read_text(encoding="utf-8")
    unchanged = parse_build_log(text)
    assert "Nothing to build: " in text and (unchanged.rendered, unchanged.search, unchanged.images) == (None, None, None)
    assert set(unchanged.stages) == set(STAGES)
    edited = parse_build_log((folder / "logs" / "newsroom-3-edit-one.log").read_text(encoding="utf-8"))
    assert cold.images == (PHOTOS + 1, 0) and edited.images == (0, PHOTOS + 1)  # the photos and the sample's image
    assert edited.search == (1, 1, 0, edited.search[3])  # the edited release's year indexed again
    lifted = parse_build_log((folder / "logs" / "newsroom-8-clock.log").read_text(encoding="utf-8"))
    assert lifted.search[1] == 2  # the embargoed release opened the year 2026
    check = parse_build_log((folder / "logs" / "newsroom-9-check.log").read_text(encoding="utf-8"))
    assert (check.stages, check.rendered, check.search) == (None, None, None)


def test_the_cold_build_without_images_builds_the_same_releases_without_them(bench):
    result, folder = bench
    newsroom = result.runs[NEWSROOM]
    assert list(newsroom)[:2] == [COLD, COLD_WITHOUT_IMAGES]
    assert newsroom[COLD_WITHOUT_IMAGES].log.images == (1, 0)  # the sample's image, a clean copy
    assert newsroom[COLD_WITHOUT_IMAGES].log.stages["images"][0] < newsroom[COLD].log.stages["images"][0]
    twin = folder / "newsroom-no-images"
    assert not (twin / "output" / "bilder").exists() and not (twin / "content" / "images" / "2025").exists()
    pages = sorted(str(path.relative_to(twin / "output")) for path in (twin / "output").rglob("*.html"))
    assert pages == [path for path in result.cold_output[NEWSROOM] if path.endswith(".html")]
    line = next(line for line in format_result(result) if line.startswith("images: "))
    seconds = newsroom[COLD].seconds, newsroom[COLD_WITHOUT_IMAGES].seconds
    assert f"took {seconds[0]:.2f} s with its release images and {seconds[1]:.2f} s without them" in line
    assert f"its images stage took {newsroom[COLD].log.stages['images'][0]:.2f} s" in line
    assert f"for {PHOTOS + 1} images encoded" in line


def test_every_eighth_release_has_a_photo_of_its_own_with_camera_metadata(bench):
    _, folder = bench
    made = releases(COUNT, load_departments(str(SAMPLE_CONTENT)), load_contacts(str(SAMPLE_CONTENT)))
    content = folder / "newsroom" / "content"
    photographed = [release for release in made if release.image]
    assert len(photographed) == PHOTOS
    digests = set()
    for release in photographed:
        assert f"image: {release.image_path}\n" in NEWSROOM_FORMAT.render(release)
        path = content / release.image_path
        with Image.open(path) as photo:
            assert (photo.format, photo.size) == ("JPEG", PHOTO_SIZE)
            exif = photo.getexif()
            assert exif[ExifTags.Base.Orientation] in (1, 6)
            assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
            digests.add(hashlib.sha256(photo.tobytes()).hexdigest())
    assert len(digests) == PHOTOS  # no two photos share their pixels
    published = {path.name.split("-1600-")[0] for path in (folder / "newsroom" / "output" / "bilder").glob("*-1600-*.jpg")}
    assert published >= {Path(release.image_path).stem for release in photographed}


def test_the_same_seed_gives_the_same_photos(tmp_path):
    made = releases(17, load_departments(str(SAMPLE_CONTENT)), load_contacts(str(SAMPLE_CONTENT)), seed=3)
    for folder in ("first", "second"):
        write_photos(str(tmp_path / folder), made, (300, 200))
    first = sorted((tmp_path / "first").rglob("*.jpg"))
    assert [path.relative_to(tmp_path / "first") for path in first] == [
        Path(release.image_path) for release in made if release.image
    ]
    for path in first:
        assert path.read_bytes() == (tmp_path / "second" / path.relative_to(tmp_path / "first")).read_bytes()
    assert len({path.read_bytes() for path in first}) == 3


def test_only_runs_the_scenarios_asked_for(tmp_path):
    result = run_benchmark(str(SETTINGS), str(SAMPLE_CONTENT), 3, compare=False, only="edit-one, cold")
    assert list(result.runs) == [NEWSROOM] and list(result.runs[NEWSROOM]) == [COLD, EDIT_ONE]
    labels = [line.split("  ")[0] for line in format_result(result)]
    assert labels.count(SCENARIOS[COLD]) == 3 and SCENARIOS[UNCHANGED] not in labels
    assert chosen_scenarios("") == tuple(SCENARIOS)
    with pytest.raises(BenchmarkError, match="no scenario typo"):
        chosen_scenarios("cold,typo")
    with pytest.raises(BenchmarkError, match="add cold"):
        chosen_scenarios("edit-one")


def test_invoke_bench_is_a_task():
    executable = Path(sys.executable).with_name("invoke")
    shown = subprocess.run([str(executable), "--help", "bench"], capture_output=True, text=True, cwd=ROOT).stdout
    for option in ("--releases", "--seed", "--keep", "--[no-]compare", "--only"):
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
