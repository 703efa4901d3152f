"""Faults of the machine: a killed build, a full disk, a read-only or mounted output folder.

Each fault stops the build with one line (what failed, which path, what to
do), exit status 1 and no traceback; the published site (a copy of the
fixture site built once) stays byte for byte as it was and no staging
folder is left beside it. The faults are real where
the machine allows it: a small tmpfs that fills up, a tmpfs remounted
read-only, a tmpfs mounted as the output folder (these need the right to
mount, so they are skipped without it), a file size limit (``ulimit -f``),
and ``kill -9`` of a build while its worker processes run.
"""

from __future__ import annotations

import errno
import fcntl
import json
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import jinja2
import pytest
from pelican.settings import read_settings

import newsroom.site.output
from newsroom.outputs.search import bundle_problem
from newsroom.progress import Progress
from newsroom.site.output import OutputFault, StagedOutput
from newsroom.site.writing import PendingPage, write_in_parallel

from helpers import ROOT, SETTINGS, build, copy_of_output, run_pelican_cli, tree_digest

RELEASE = "releases/2024/baeume.md"
# A build in a subprocess, with settings overrides (JSON) as the tests' build() takes them.
BUILD_SCRIPT = (
    "import json, sys; from pathlib import Path; sys.path.insert(0, 'tests'); from helpers import build; "
    "build(Path(sys.argv[1]), Path(sys.argv[2]), **json.loads(sys.argv[3]))"
)
FULL_DISK = "No space left on device [ENOSPC]"


# --- helpers -----------------------------------------------------------------------


def staging_dirs(output: Path) -> list[Path]:
    return sorted(output.parent.glob(output.name + ".staging-*"))


def change_a_title(content: Path) -> None:
    release = content / RELEASE
    release.write_text(release.read_text(encoding="utf-8").replace("title: ", "title: Geändert – ", 1), encoding="utf-8")


def assert_one_line_failure(result: subprocess.CompletedProcess, *expected: str) -> str:
    """The build failed with exit status 1 and one line on stderr holding ``expected``; that line."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    for text in expected:
        assert text in line
    return line


def assert_unchanged(output: Path, before: dict[str, str]) -> None:
    assert tree_digest(output) == before
    assert staging_dirs(output) == []


@pytest.fixture
def mounts():
    """Mount tmpfs file systems for one test (skipped where this process may not mount); unmounted afterwards."""
    mounted: list[Path] = []

    def mount(path: Path, size_kb: int) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], capture_output=True, text=True
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", str(path)], check=True)


def fill(disk: Path, leave: int) -> None:
    """Write a file that leaves only ``leave`` bytes free on ``disk``."""
    status = os.statvfs(disk)
    size = status.f_bavail * status.f_frsize - leave
    chunk = b"\0" * (1 << 20)
    with open(disk / "filler", "wb") as handle:
        while size > 0:
            size -= handle.write(chunk[: min(size, len(chunk))])


def settings_with(**newsroom) -> dict:
    """Settings overrides: the project's NEWSROOM dict with ``newsroom`` merged over it."""
    return {"NEWSROOM": {**read_settings(str(SETTINGS))["NEWSROOM"], **newsroom}}


def write_releases(content: Path, count: int) -> None:
    """``count`` more releases of the office, enough for every pool of workers to start."""
    folder = content / "releases" / "2023"
    folder.mkdir(parents=True)
    for number in range(1, count + 1):
        (folder / f"meldung-{number}.md").write_text(
            f"---\ntitle: \"Bürgersprechstunde Nummer {number} im Rathaus\"\ndate: 2023-03-{number % 28 + 1:02d} 09:00\n"
            f"number: \"{number}/2023\"\ndepartment: bauen\ncontact: pressestelle\ntags: [Bürgerservice]\n---\n"
            f"Das Bezirksamt lädt zur {number}. Sprechstunde ein. Anmeldung ist nicht nötig.\n",
            encoding="utf-8",
        )


# --- a full disk -------------------------------------------------------------------


def test_full_disk_while_the_pages_are_written_stops_with_one_line(site, tmp_path, fixture_site_output, mounts):
    disk = mounts(tmp_path / "disk", 4096)
    output = disk / "output"
    copy_of_output(fixture_site_output, output)
    before = tree_digest(output)
    change_a_title(site)
    fill(disk, 0)
    line = assert_one_line_failure(run_pelican_cli(site, output), "Build failed: " + FULL_DISK, "free space")
    assert f"'{disk}/output.staging-" in line  # the file that could not be written
    assert_unchanged(output, before)


def test_full_disk_while_pagefind_writes_stops_with_one_line(site, tmp_path, fixture_site_output, mounts):
    """Pagefind exits with status 0 and leaves empty files; the bundle check notices."""
    disk = mounts(tmp_path / "disk", 4096)
    output = disk / "output"
    copy_of_output(fixture_site_output, output)
    before = tree_digest(output)
    change_a_title(site)
    fill(disk, 600 * 1024)  # room for the changed pages, not for Pagefind's bundle
    assert_one_line_failure(
        run_pelican_cli(site, output), "Search index: ", "the disk filled up while Pagefind wrote the index", "free space"
    )
    assert_unchanged(output, before)


def test_full_disk_while_pelican_copies_a_static_file_stops_with_one_line(site, tmp_path, fixture_site_output, mounts):
    """Pelican only logs a failed copy and goes on; the build must stop instead of publishing a cut-off file.

    Images are no longer Pelican's to copy (the image stage writes them), so the static file is a PDF.
    """
    disk = mounts(tmp_path / "disk", 4096)
    output = disk / "output"
    copy_of_output(fixture_site_output, output)
    before = tree_digest(output)
    (site / "images").mkdir(exist_ok=True)
    (site / "images" / "marktplatz.pdf").write_bytes(os.urandom(1024 * 1024))  # only the bytes count here
    fill(disk, 320 * 1024)  # room for the cards (copied from the cache on another disk), not for the file
    line = assert_one_line_failure(run_pelican_cli(site, output), "Build failed: " + FULL_DISK, "free space")
    assert "marktplatz.pdf'" in line
    assert_unchanged(output, before)


@pytest.mark.parametrize(
    "limit_kb, first_line",
    [
        (64, "Build failed: File too large [EFBIG]"),  # a card is larger: Python's write fails
        (128, "Search index: Pagefind was killed by SIGXFSZ"),  # only Pagefind's scripts are larger
    ],
)
def test_file_size_limit_stops_the_build(site, tmp_path, fixture_site_output, limit_kb, first_line):
    """``ulimit -f``: no right to mount is needed, so this fault is tested on every machine (caches in tmp_path)."""
    output = tmp_path / "output"
    copy_of_output(fixture_site_output, output)
    before = tree_digest(output)
    change_a_title(site)
    pelican = Path(sys.executable).with_name("pelican")
    result = subprocess.run(
        [str(pelican), str(site), "-s", str(SETTINGS), "-o", str(output)], capture_output=True, text=True, cwd=tmp_path,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit_kb * 1024, limit_kb * 1024)),
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.startswith(first_line)
    if "EFBIG" in first_line:  # the card that did not fit is named, and its temporary file is gone
        assert "/cache/cards/" in result.stderr.splitlines()[0]
        assert not list((tmp_path / "cache" / "cards").glob(".tmp-*"))
    assert_unchanged(output, before)


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda bundle: (bundle / "pagefind-entry.json").write_bytes(b""), "pagefind-entry.json' is empty"),
        (
            lambda bundle: (bundle / "wasm.de.pagefind").write_bytes((bundle / "wasm.de.pagefind").read_bytes()[:4096]),
            "wasm.de.pagefind' is cut off",
        ),
        (lambda bundle: next((bundle / "fragment").iterdir()).unlink(), "is missing"),
    ],
    ids=["empty", "cut-off", "missing-fragment"],
)
def test_bundle_check_finds_what_a_failed_write_leaves(site, tmp_path, fixture_site_output, damage, problem):
    output = tmp_path / "output"
    copy_of_output(fixture_site_output, output)
    bundle = output / "pagefind" / "2024"
    assert bundle_problem(str(bundle)) is None
    damage(bundle)
    assert problem in bundle_problem(str(bundle))


# --- permissions, read-only file systems, mount points ------------------------------


def test_read_only_file_system_stops_with_one_line(site, tmp_path, fixture_site_output, mounts):
    disk = mounts(tmp_path / "disk", 4096)
    output = disk / "output"
    copy_of_output(fixture_site_output, output)
    before = tree_digest(output)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    line = assert_one_line_failure(run_pelican_cli(site, output), "Read-only file system [EROFS]", "mount it writable")
    assert f"'{disk}/output.staging-" in line
    assert_unchanged(output, before)


def test_output_folder_without_write_permission_stops_with_one_line(site, tmp_path, fixture_site_output):
    """Permission bits stop root only without CAP_DAC_OVERRIDE: as root, the build runs with it dropped (setpriv)."""
    parent = tmp_path / "public"
    output = parent / "output"
    copy_of_output(fixture_site_output, output)
    before = tree_digest(output)
    parent.chmod(0o555)
    without_override = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    pelican = Path(sys.executable).with_name("pelican")
    try:
        result = subprocess.run(
            [*without_override, str(pelican), str(site), "-s", str(SETTINGS), "-o", str(output)],
            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "200"},
        )
    finally:
        parent.chmod(0o755)
    assert_one_line_failure(result, "Permission denied [EACCES]", "let the user running the build write there")
    assert_unchanged(output, before)


def test_output_folder_that_is_a_mount_point_is_refused(site, tmp_path, fixture_site_output, mounts):
    output = mounts(tmp_path / "output", 4096)  # a container volume
    subprocess.run(["cp", "-a", f"{fixture_site_output}/.", str(output)], check=True)
    before = tree_digest(output)
    change_a_title(site)
    line = assert_one_line_failure(run_pelican_cli(site, output), "is a mount point", "mount the folder above it instead")
    assert f"-o {output}/site" in line
    assert_unchanged(output, before)


def test_mount_point_is_refused_before_anything_is_done(site, tmp_path, monkeypatch):
    """The same refusal without the right to mount: os.path.ismount says the output is one."""
    output = tmp_path / "output"
    monkeypatch.setattr(os.path, "ismount", lambda path: path == str(output))
    with pytest.raises(OutputFault, match="is a mount point"):
        build(site, output)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content"]


def test_failed_swap_puts_the_previous_site_back(site, tmp_path, fixture_site_output, monkeypatch):
    """Where the exchange is unsupported and the second rename fails (EBUSY), the first is undone."""
    output = tmp_path / "output"
    copy_of_output(fixture_site_output, output)
    before = tree_digest(output)
    change_a_title(site)
    monkeypatch.setattr(newsroom.site.output, "exchange", lambda first, second: False)
    rename = os.rename

    def busy_for_staging(source, target):
        if newsroom.site.output.STAGING_MARK in os.fspath(source):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), source, None, target)
        rename(source, target)

    monkeypatch.setattr(os, "rename", busy_for_staging)
    with pytest.raises(OutputFault, match=r"\[EBUSY\]: '.*output\.staging-[^']+' → '.*output'; the path is in use"):
        build(site, output)
    assert_unchanged(output, before)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "output"]


# --- every failed build removes its staging folder ----------------------------------


def test_a_crash_removes_the_staging_folder_and_keeps_its_traceback(site, tmp_path, fixture_site_output, monkeypatch):
    """An unexpected error is a bug: its traceback stays, but no staging folder is left behind."""
    output = tmp_path / "output"
    copy_of_output(fixture_site_output, output)
    before = tree_digest(output)
    change_a_title(site)

    def crash(folder):
        raise RuntimeError("Fehler im Test")

    monkeypatch.setattr(newsroom.outputs.search, "bundle_problem", crash)
    with pytest.raises(RuntimeError, match="Fehler im Test"):
        build(site, output)
    assert_unchanged(output, before)


# --- kill -9 while workers run -----------------------------------------------------


def children(pid: int) -> set[int]:
    """The live children of process ``pid`` (of any of its threads)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie (dead, waiting to be reaped by init)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def start_build(content: Path, output: Path, overrides: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BUILD_SCRIPT, str(content), str(output), json.dumps(overrides)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


# Which pool runs with two workers; the others run in the build's process.
POOLS = {
    "reading": {"reading_workers": 2, "cards": {"workers": 1}, "writing": {"workers": 1}},
    "cards": {"reading_workers": 1, "cards": {"workers": 2}, "writing": {"workers": 1}},
    "writing": {"reading_workers": 1, "cards": {"workers": 1}, "writing": {"workers": 2}},
}


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(), reason="needs Linux /proc children lists"
)
@pytest.mark.parametrize("pool", sorted(POOLS))
def test_next_build_proceeds_after_kill_9_while_workers_run(site, tmp_path, pool):
    """What the OOM killer does: the workers die with the build, the lock is free, the next build completes."""
    write_releases(site, 60)
    caches = {"content_cache_dir": str(tmp_path / "cache" / "content"), "cards": {"cache_dir": str(tmp_path / "cache" / "cards")}}
    overrides = settings_with(**{**POOLS[pool], **caches, "cards": {**POOLS[pool]["cards"], **caches["cards"]}})
    output = tmp_path / "output"
    killed = start_build(site, output, overrides)
    workers: set[int] = set()
    while not workers and killed.poll() is None:
        workers = children(killed.pid)
    killed.send_signal(signal.SIGKILL)
    _, stderr = killed.communicate()
    assert workers, f"the build ended before its {pool} workers started: {stderr}"
    assert killed.returncode == -signal.SIGKILL
    for _ in range(600):  # the kernel kills them at once; give a busy machine a minute to show it
        if not any(map(alive, workers)):
            break
        time.sleep(0.1)
    assert not any(map(alive, workers)), "a worker of the killed build is still running"

    result = subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(site), str(output), json.dumps(settings_with(**caches))],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert staging_dirs(output) == []
    assert len(list(output.glob("pressemitteilungen/2023/*/index.html"))) == 60
    entries = [json.loads(entry.read_text(encoding="utf-8")) for entry in output.glob("pagefind/*/pagefind-entry.json")]
    assert sum(entry["languages"]["de"]["page_count"] for entry in entries) == 62


def run_until_killed(running) -> None:
    running.set()
    time.sleep(600)


def test_no_forked_process_keeps_the_output_lock(tmp_path):
    """The lock's descriptor is closed in every forked child, so the lock ends with the build's process."""
    fork = multiprocessing.get_context("fork")
    output = StagedOutput()
    output._lock(str(tmp_path))
    running = fork.Event()
    child = fork.Process(target=run_until_killed, args=(running,), daemon=True)
    child.start()
    running.wait()
    try:
        output._unlock()  # what the kernel does when the build's process dies
        probe = os.open(tmp_path, os.O_RDONLY)
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the child kept the lock
        finally:
            os.close(probe)
    finally:
        child.kill()
        child.join()


def test_full_disk_in_a_page_writing_worker_reaches_the_build_as_the_fault(tmp_path):
    """A worker sends the OSError itself, not a traceback text, so the build can say it in one line."""
    parent = os.getpid()

    def fill_up(number):
        if os.getpid() != parent and number == 7:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "7.html"))
        return number

    environment = jinja2.Environment()
    environment.globals["fill_up"] = fill_up
    template = environment.from_string("{{ fill_up(number) }}")
    pages = [
        PendingPage(
            str(tmp_path / f"{number}.html"),
            template,
            {},
            {"number": number},
            {"localsiteurl": "", "output_file": f"{number}.html"},
            record={"number": number},
        )
        for number in range(40)
    ]
    with pytest.raises(OSError) as raised:
        write_in_parallel(pages, 2, StagedOutput(), Progress("Geschrieben", len(pages), "Seiten"))
    assert (raised.value.errno, raised.value.filename) == (errno.ENOSPC, str(tmp_path / "7.html"))
    assert OutputFault.from_error(raised.value).code.startswith(
        f"Build failed: {FULL_DISK}: '{tmp_path}/7.html'; the disk is full"
    )
