"""Shared test helpers: build real sites into temporary directories and read what they contain.

Plain functions and constants live here and are imported by name
(``from helpers import build``); pytest fixtures stay in ``conftest.py``.
``pyproject.toml`` puts ``tests/`` on ``sys.path`` for this.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from invoke import Collection, Program
from pelican import Pelican
from pelican.log import LimitFilter
from pelican.settings import read_settings

from newsroom.content.markup import MarkdownRenderer
from newsroom.content.reading import Source, read_source
from newsroom.content.registry import load_registries
from newsroom.errors import ContentErrors
from newsroom.settings import data_dir
from newsroom.site.renderkeys import KEYS_FILE
from newsroom.tools.livepreview import CompiledTemplates

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
SAMPLE_CONTENT = ROOT / "content"
SETTINGS = ROOT / "pelicanconf.py"

# The templates' compiled code, one cache per set of environment options (they shape the code).
COMPILED_TEMPLATES: dict[str, CompiledTemplates] = {}


def build(content: Path, output: Path, **overrides) -> Pelican:
    """Run Pelican in this process with the project's settings, as a fresh ``pelican`` process would.

    Pelican drops a log message it has logged before in the same process
    (``LimitFilter``); a new process starts without that memory. Templates
    are compiled once per test process (``CompiledTemplates``).
    """
    LimitFilter._raised_messages.clear()
    settings = read_settings(
        str(SETTINGS),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), **overrides},
    )
    options = settings["JINJA_ENVIRONMENT"]
    compiled = COMPILED_TEMPLATES.setdefault(repr(sorted(options.items())), CompiledTemplates())
    settings["JINJA_ENVIRONMENT"] = {**options, "bytecode_cache": compiled}
    pelican = Pelican(settings)
    pelican.run()
    return pelican


def refused_build(content: Path, output: Path, **overrides) -> ContentErrors:
    """``build`` of content that must be refused: the ``ContentErrors`` it stopped with.

    The command line prints exactly ``format_message()`` and exits with its
    code; a ``SystemExit`` shows no traceback. A few tests per rule family run
    the real command (``run_pelican_cli``) to see that end to end.
    """
    try:
        build(content, output, **overrides)
    except ContentErrors as failure:
        assert failure.code == 1
        return failure
    raise AssertionError(f"the build of {content} was not refused")


def refusal_printed(content: Path, output: Path, command: bool = False) -> str:
    """What a refused build prints: from the `pelican` command with ``command`` (exit status 1, no traceback),
    else from ``refused_build`` in this process.
    """
    if command:
        result = run_pelican_cli(content, output)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        return result.stderr
    return refused_build(content, output).format_message() + "\n"


def run_pelican_cli(content: Path, output: Path) -> subprocess.CompletedProcess:
    """Run the plain `pelican` command, as an editor or CI would."""
    pelican = Path(sys.executable).with_name("pelican")
    return subprocess.run(
        [str(pelican), str(content), "-s", str(SETTINGS), "-o", str(output)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
    )


def copy_of_output(output: Path, target: Path) -> Path:
    """A private copy of a built site: the previous output a later build must leave as it was."""
    shutil.copytree(output, target, symlinks=True)
    return target


def run_task(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """An `invoke` command run in this process: invoke's own parser and the task of tasks.py, without starting Python.

    For tasks that start no command themselves. ``sys.exit(message)`` gives
    what Python's exit gives: the message on stderr, exit status 1. A few
    cases per task still run the `invoke` command itself.
    """
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    stdout, stderr = io.StringIO(), io.StringIO()
    status = 0
    with contextlib.chdir(cwd), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            Program(namespace=Collection.from_module(tasks)).run(["invoke", *args])
        except SystemExit as stop:
            if isinstance(stop.code, str):
                print(stop.code, file=sys.stderr)
            status = 1 if isinstance(stop.code, str) else (stop.code or 0)
    return subprocess.CompletedProcess(["invoke", *args], status, stdout.getvalue(), stderr.getvalue())


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def rebuild_digest(folder: Path) -> dict[str, str]:
    """``tree_digest`` for comparing two builds: every file, the search index's too, but the render keys.

    The keys (``newsroom.site.renderkeys``) cover every setting, also those
    that change no page (how many processes write), so builds with different
    settings have different keys; ``tests/test_incremental.py`` compares them.
    """
    return {path: digest for path, digest in tree_digest(folder).items() if path != KEYS_FILE}


# The card stage's line per build (newsroom.outputs.cards.stage.SUMMARY).
CARD_SUMMARY = re.compile(r"Cards: (\d+) drawn, (\d+) reused from .+ in \d+\.\d\d s")


def card_counts(caplog) -> tuple[int, int]:
    """Cards drawn and reused by the last build, read from its log line (``caplog`` of the ``card_log`` fixture)."""
    counts = [match.groups() for record in caplog.records if (match := CARD_SUMMARY.fullmatch(record.getMessage()))]
    assert counts, "no card stage line in the log"
    drawn, reused = counts[-1]
    return int(drawn), int(reused)


IMAGE_SUMMARY = re.compile(r"Images: (\d+) encoded, (\d+) reused from .+ in \d+\.\d\d s")


def image_counts(caplog) -> tuple[int, int]:
    """Images encoded and reused by the last build, read from its log line (``caplog`` of the ``image_log`` fixture)."""
    counts = [match.groups() for record in caplog.records if (match := IMAGE_SUMMARY.fullmatch(record.getMessage()))]
    assert counts, "no image stage line in the log"
    encoded, reused = counts[-1]
    return int(encoded), int(reused)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


class Reading:
    """Reads one source file of a content folder in this process, as the build's reader does.

    Goes through ``read_source`` with the site's registries and the Markdown
    renderer, without Pelican: a rule's message in milliseconds instead of a
    build. Raw HTML outside the allow-list is a warning here, as without
    ``NEWSROOM_STRICT_HTML``.
    """

    def __init__(self, content: Path, name: str = "releases/2024/feindlich.md") -> None:
        self.path = content / name
        self.settings = read_settings(str(SETTINGS), override={"PATH": str(content)})
        self.settings["NEWSROOM"] = {**self.settings["NEWSROOM"], "strict_html": False}
        self.registries = load_registries(data_dir(self.settings), self.settings["NEWSROOM"]["default_contact"])
        self.renderer = MarkdownRenderer()

    def __call__(self, raw: bytes) -> Source:
        self.path.write_bytes(raw)
        return read_source(str(self.path), self.settings, self.registries, self.renderer)

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"Reading({self.path.name})"


# --- what a strict Content-Security-Policy blocks ------------------------------------

ALLOWED_INLINE_SCRIPT = "application/ld+json"
# Elements whose URL attributes the browser fetches (and CSP therefore checks).
FETCHED = {"img": "src", "script": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src",
           "embed": "src", "object": "data", "frame": "src"}
FETCHED_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
OTHER_HOST = re.compile(r"^\s*([a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


class LoggedCounts(logging.Handler):
    """The figures of the latest log line a stage writes about its work, e.g. 'Sources: 3 read, 12 from the cache'.

    What a build did is read from what it tells its operator, so the
    production objects carry no counters for tests.
    """

    def __init__(self, logger: str, prefix: str) -> None:
        super().__init__(logging.INFO)
        self.prefix = prefix
        self.latest: tuple = ()
        logging.getLogger(logger).setLevel(logging.INFO)
        logging.getLogger(logger).addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(self.prefix):
            self.latest = record.args


SOURCES_READ = LoggedCounts("newsroom.content.preread", "Sources: ")


def sources_read() -> tuple[int, int]:
    """(read anew, taken from the cache) in the latest reading of all sources."""
    return SOURCES_READ.latest


def csp_violations(path: Path) -> list[str]:
    """What a strict Content-Security-Policy would block on one page."""
    page = soup(path)
    problems = []
    for script in page.find_all("script"):
        if not script.get("src") and script.get("type") != ALLOWED_INLINE_SCRIPT:
            problems.append(f"inline <script type={script.get('type')!r}>")
    problems += ["<style> element" for _ in page.find_all("style")]
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name == "style":
                problems.append(f"style attribute on <{element.name}>")
            if name.startswith("on"):
                problems.append(f"{name} handler on <{element.name}>")
            if SCRIPT_URL.match(value or ""):
                problems.append(f"{name}={value!r} on <{element.name}>")
        fetched = FETCHED.get(element.name)
        if element.name == "link" and FETCHED_LINK_RELS & set(element.get("rel", [])):
            fetched = "href"
        if fetched and OTHER_HOST.match(element.get(fetched, "")):
            problems.append(f"<{element.name} {fetched}={element[fetched]!r}> loads from another host")
        srcset = element.get("srcset")
        if srcset and any(OTHER_HOST.match(part) for part in srcset.split(",")):
            problems.append(f"<{element.name} srcset> loads from another host")
    return problems
