"""The editors' git workflow: check formats for CI, the shipped pipelines, the pre-commit hook, `invoke new`.

Every command runs as CI and editors run it: ``invoke`` from the folder that
holds the content (messages name ``content/…`` as in a repository),
``check-jsonschema`` with its bundled GitHub and GitLab schemas (no network),
``pre-commit`` on a real git repository.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from newsroom.errors import ContentError
from newsroom.outputs import search
from newsroom.tools.annotations import github_commands
from newsroom.tools.check import Check

from helpers import FIXTURE_SITE, ROOT, SETTINGS

BIN = Path(sys.executable).parent
BROKEN = '---\ntitle: Sommerfest im Bürgerpark\ndate: 2024-02-30\nnumber: "5/2024"\ndepartment: kultur\n---\nText\n'
DATE_MESSAGE = "'2024-02-30' is not a valid date: day is out of range for month"
DEPARTMENT_MESSAGE = "'kultur' is not a key of content/data/departments.yml; known keys: bauen, umwelt"
MOVED_WARNING = (
    "the address changed from '/pressemitteilungen/2024/17-sprechstunde/' (recorded in content/data/published-urls.yml:1) "
    "to '/pressemitteilungen/2024/17-sprechstunde-im-rathaus/'; add '/pressemitteilungen/2024/17-sprechstunde/' "
    "to aliases so the published link keeps working"
)


def environment(**extra: str) -> dict:
    """This interpreter's scripts first on PATH (invoke, pre-commit, check-jsonschema), and the checkout importable."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT), **extra}


def invoke(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``invoke`` with the project's tasks, run in ``folder`` (its ``content/`` is the content)."""
    command = [str(BIN / "invoke"), "--search-root", str(ROOT), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, env=environment())


def check(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return invoke(folder, "check", "--content", "content", "--settings", str(SETTINGS), *args)


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A folder with the fixture site as ``content/``: a release with two errors, one whose address moved."""
    shutil.copytree(FIXTURE_SITE, tmp_path / "content")
    (tmp_path / "content/releases/2024/sommerfest.md").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "content/data/published-urls.yml").write_text('"17/2024": /pressemitteilungen/2024/17-sprechstunde/\n')
    return tmp_path


# --- invoke check --format ------------------------------------------------------------


def test_github_format_marks_each_error_and_warning_on_its_line(office: Path):
    result = check(office, "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file=content/releases/2024/sommerfest.md,line=3,title=date::{DATE_MESSAGE}",
        f"::error file=content/releases/2024/sommerfest.md,line=5,title=department::{DEPARTMENT_MESSAGE}",
        f"::warning file=content/releases/2024/sprechstunde.md,line=2,title=title::{MOVED_WARNING}",
    ]
    assert result.stderr.splitlines() == ["2 errors in 4 files."]


def test_github_format_with_warnings_only_passes(office: Path):
    (office / "content/releases/2024/sommerfest.md").unlink()
    result = check(office, "--format", "github")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"::warning file=content/releases/2024/sprechstunde.md,line=2,title=title::{MOVED_WARNING}",
        "3 files checked, no errors, 1 warning.",
    ]


def test_github_commands_escape_what_the_runner_decodes():
    """GitHub's toolkit: %, CR and LF in the message; also : and , in properties."""
    error = ContentError("content/releases/a,b:c.md", 7, "tags", "50% sind\r\nzu viel: 'x, y'")
    result = Check([error], [], 1, [], [], None, dt.datetime(2024, 1, 1), {})
    assert github_commands(result) == [
        "::error file=content/releases/a%2Cb%3Ac.md,line=7,title=tags::50%25 sind%0D%0Azu viel: 'x, y'"
    ]
    whole_file = ContentError("content/releases/x.md", None, None, "cannot be read: Permission denied")
    assert github_commands(Check([], [whole_file], 1, [], [], None, dt.datetime(2024, 1, 1), {})) == [
        "::warning file=content/releases/x.md,title=content::cannot be read: Permission denied"
    ]


# GitLab's Code Quality report, from its documented required fields: a list of issues with
# description, check_name, fingerprint, severity (of five), location.path and location.lines.begin.
CODE_QUALITY_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_format_writes_a_code_quality_report(office: Path, tmp_path: Path):
    result = check(office, "--format", "gitlab")
    assert result.returncode == 1
    report = tmp_path / "gl-code-quality-report.json"
    report.write_text(result.stdout, encoding="utf-8")
    schema = tmp_path / "code-quality.schema.json"
    schema.write_text(json.dumps(CODE_QUALITY_SCHEMA), encoding="utf-8")
    validated = subprocess.run(
        [str(BIN / "check-jsonschema"), "--schemafile", str(schema), str(report)], capture_output=True, text=True
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    issues = json.loads(result.stdout)
    assert [(issue["severity"], issue["location"], issue["description"]) for issue in issues] == [
        ("blocker", {"path": "content/releases/2024/sommerfest.md", "lines": {"begin": 3}}, f"date: {DATE_MESSAGE}"),
        ("blocker", {"path": "content/releases/2024/sommerfest.md", "lines": {"begin": 5}}, f"department: {DEPARTMENT_MESSAGE}"),
        ("minor", {"path": "content/releases/2024/sprechstunde.md", "lines": {"begin": 2}}, f"title: {MOVED_WARNING}"),
    ]
    assert len({issue["fingerprint"] for issue in issues}) == 3
    # The messages stay readable in the job log.
    assert result.stderr.splitlines()[-1] == "2 errors in 4 files."


def test_gitlab_fingerprint_survives_lines_added_above(office: Path):
    """GitLab compares the report with the target branch's by fingerprint: a line shift is no new problem."""
    before = json.loads(check(office, "--format", "gitlab").stdout)
    release = office / "content/releases/2024/sommerfest.md"
    release.write_text(BROKEN.replace("---\n", "---\nsummary: Ein Fest für alle.\n", 1), encoding="utf-8")
    after = json.loads(check(office, "--format", "gitlab").stdout)
    assert after[0]["location"]["lines"]["begin"] == before[0]["location"]["lines"]["begin"] + 1
    assert [issue["fingerprint"] for issue in after] == [issue["fingerprint"] for issue in before]


def test_json_format_lists_every_message(office: Path):
    result = check(office, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["files"] == 4
    first = {"path": "content/releases/2024/sommerfest.md", "line": 3, "field": "date", "message": DATE_MESSAGE}
    assert report["errors"][0] == first
    assert [warning["field"] for warning in report["warnings"]] == ["title"]


@pytest.mark.parametrize("args", [["--changed"], ["--changed", "--format", "github"], []], ids=["changed", "github", "full"])
def test_the_hooks_entry_says_what_invoke_check_says(office: Path, args: list[str]):
    """The hook runs ``python3 -m newsroom.tools.check``: ``invoke check`` without invoke's start, word for word."""
    module = [sys.executable, "-m", "newsroom.tools.check", "--content", "content", "--settings", str(SETTINGS), *args]
    for _ in range(2):  # the first --changed run fills the index, the second reads it
        by_module = subprocess.run(module, capture_output=True, text=True, cwd=office, env=environment())
        by_invoke = check(office, *args)
        assert by_module.returncode == by_invoke.returncode == 1
        assert (by_module.stdout, by_module.stderr) == (by_invoke.stdout, by_invoke.stderr)
    assert by_module.stderr.endswith("2 errors in 4 files.\n")


def test_unknown_format_is_refused(office: Path):
    result = check(office, "--format", "xml")
    assert result.returncode == 1
    assert result.stderr.strip() == "check: --format 'xml' is not one of text, github, gitlab, json"


# --- The shipped pipelines ---------------------------------------------------------------

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize(
    ("schema", "files"), [("vendor.github-workflows", WORKFLOWS), ("vendor.gitlab-ci", [ROOT / ".gitlab-ci.yml"])]
)
def test_pipelines_validate_against_their_platforms_schemas(schema: str, files: list[Path]):
    assert files
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def pipeline_commands() -> list[str]:
    """Every ``invoke …`` command line in the shipped pipelines."""
    texts = [path.read_text(encoding="utf-8") for path in [*WORKFLOWS, ROOT / ".gitlab-ci.yml"]]
    return [match.strip() for text in texts for match in re.findall(r"\binvoke [a-z-]+[^\n|>;&`)]*", text)]


def test_pipelines_call_tasks_and_options_that_exist():
    commands = pipeline_commands()
    assert {"invoke check --format github", "invoke check --format gitlab"} <= set(commands)
    for command in commands:
        task, *words = command.split()[1:]
        shown = subprocess.run([str(BIN / "invoke"), "--help", task], capture_output=True, text=True, cwd=ROOT, env=environment())
        assert shown.returncode == 0, command
        for option in (word for word in words if word.startswith("--")):
            assert re.search(rf"(?m)^\s+(?:-\w [A-Z]+, )?{option}\b", shown.stdout), command


def test_publishing_never_overlaps_and_runs_every_15_minutes():
    github = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    assert github["concurrency"] == {"group": "publish", "cancel-in-progress": False}
    assert github[True]["schedule"] == [{"cron": "*/15 * * * *"}]  # YAML 1.1 reads the key `on` as true
    assert github[True]["push"] == {"branches": ["main"]}
    steps = [step.get("run", "") for step in github["jobs"]["publish"]["steps"]]
    order = [next(i for i, run in enumerate(steps) if run.startswith(command)) for command in
             ("invoke build", "invoke publish", "invoke record-urls")]
    assert order == sorted(order)
    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["publish"]["resource_group"] == "publish"
    assert gitlab["check"]["artifacts"]["reports"] == {"codequality": "gl-code-quality-report.json"}


# --- On commit: pre-commit ----------------------------------------------------------------


def git(repository: Path, *args: str) -> subprocess.CompletedProcess:
    identity = {"GIT_AUTHOR_NAME": "Pressestelle", "GIT_AUTHOR_EMAIL": "presse@example.org",
                "GIT_COMMITTER_NAME": "Pressestelle", "GIT_COMMITTER_EMAIL": "presse@example.org"}
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, cwd=repository,
        env=environment(PRE_COMMIT_HOME=str(repository.parent / "pre-commit-home"), **identity),
    )


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """An office's repository: the site's tasks, settings and pre-commit configuration, the fixture content."""
    folder = tmp_path / "presse"
    folder.mkdir()
    for name in ("tasks.py", "pelicanconf.py", ".pre-commit-config.yaml"):
        shutil.copy(ROOT / name, folder / name)
    (folder / "theme").symlink_to(ROOT / "theme")
    shutil.copytree(FIXTURE_SITE, folder / "content")
    (folder / ".gitignore").write_text("/cache/\n")
    assert git(folder, "init", "--quiet", "--initial-branch=main").returncode == 0
    return folder


def test_pre_commit_refuses_a_commit_with_a_broken_release(repository: Path):
    installed = subprocess.run([str(BIN / "pre-commit"), "install"], capture_output=True, text=True, cwd=repository,
                               env=environment(PRE_COMMIT_HOME=str(repository.parent / "pre-commit-home")))
    assert installed.returncode == 0, installed.stderr
    git(repository, "add", "--all")
    first = git(repository, "commit", "--quiet", "-m", "Inhalt übernommen")
    assert first.returncode == 0, first.stdout + first.stderr
    (repository / "content/releases/2024/sommerfest.md").write_text(BROKEN, encoding="utf-8")
    git(repository, "add", "--all")
    refused = git(repository, "commit", "-m", "Sommerfest angekündigt")
    assert refused.returncode == 1
    shown = refused.stdout + refused.stderr
    assert "Pressemitteilungen prüfen (invoke check)" in shown and "Failed" in shown
    assert f"content/releases/2024/sommerfest.md:3: date: {DATE_MESSAGE}" in shown
    assert "2 errors in 4 files." in shown
    assert git(repository, "rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_pre_commit_skips_commits_outside_the_content(repository: Path):
    (repository / "content/releases/2024/sommerfest.md").write_text(BROKEN, encoding="utf-8")
    (repository / "NOTIZEN.md").write_text("Termine für den Sommer\n", encoding="utf-8")
    git(repository, "add", "NOTIZEN.md")
    result = subprocess.run([str(BIN / "pre-commit"), "run"], capture_output=True, text=True, cwd=repository,
                            env=environment(PRE_COMMIT_HOME=str(repository.parent / "pre-commit-home")))
    assert result.returncode == 0, result.stdout
    assert "(no files to check)Skipped" in result.stdout


def test_the_hook_repository_offers_the_same_hook(repository: Path):
    """``.pre-commit-hooks.yaml`` for other repositories, run from this one as pre-commit would fetch it."""
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["hooks"] == manifest
    for command in (["validate-manifest", ".pre-commit-hooks.yaml"], ["validate-config", ".pre-commit-config.yaml"]):
        valid = subprocess.run([str(BIN / "pre-commit"), *command], capture_output=True, text=True, cwd=ROOT)
        assert valid.returncode == 0, valid.stdout + valid.stderr
    (repository / "content/releases/2024/sommerfest.md").write_text(BROKEN, encoding="utf-8")
    git(repository, "add", "--all")
    tried = subprocess.run([str(BIN / "pre-commit"), "try-repo", str(ROOT), "newsroom-check"], capture_output=True,
                           text=True, cwd=repository, env=environment(PRE_COMMIT_HOME=str(repository.parent / "pre-commit-home")))
    assert tried.returncode == 1
    assert f"content/releases/2024/sommerfest.md:5: department: {DEPARTMENT_MESSAGE}" in tried.stdout


# --- invoke new -------------------------------------------------------------------------


def new(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return invoke(folder, "new", *args, "--content", "content", "--settings", str(SETTINGS))


def test_new_with_embargo_contact_and_tags_writes_a_release_that_waits(office: Path):
    (office / "content/releases/2024/sommerfest.md").unlink()
    result = new(office, "Haushaltsentwurf 2100 vorgestellt", "--department", "bauen", "--embargo", "2099-11-03 10:00",
                 "--contact", "umwelt", "--tags", "Haushalt, Finanzen")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Written: content/releases/2099/haushaltsentwurf-2100-vorgestellt.md",
        "Preview: invoke preview --drafts, then open "
        "output-drafts/pressemitteilungen/2099/1-haushaltsentwurf-2100-vorgestellt/index.html "
        "(under embargo: the site shows it from its date on)",
    ]
    written = yaml.safe_load((office / "content/releases/2099/haushaltsentwurf-2100-vorgestellt.md").read_text().split("---")[1])
    assert written == {"title": "Haushaltsentwurf 2100 vorgestellt", "date": "2099-11-03 10:00", "number": "1/2099",
                       "department": "bauen", "contact": "umwelt", "tags": ["Haushalt", "Finanzen"]}
    scheduled = invoke(office, "schedule", "--content", "content", "--settings", str(SETTINGS), "--now", "2099-11-03T09:59+01:00")
    assert ("2099-11-03 10:00     1/2099  Haushaltsentwurf 2100 vorgestellt  "
            "(content/releases/2099/haushaltsentwurf-2100-vorgestellt.md)") in scheduled.stdout.splitlines()
    later = invoke(office, "schedule", "--content", "content", "--settings", str(SETTINGS), "--now", "2099-11-03T10:00+01:00")
    assert "No releases under embargo." in later.stdout


def test_new_with_a_past_date_shows_the_page_to_preview(office: Path):
    (office / "content/releases/2024/sommerfest.md").unlink()
    result = new(office, "Rückblick auf das Baumfest", "--department", "umwelt", "--date", "2024-12-01 09:30")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Written: content/releases/2024/rueckblick-auf-das-baumfest.md",
        "Preview: invoke livereload, then open http://127.0.0.1:8000/pressemitteilungen/2024/423-rueckblick-auf-das-baumfest/",
    ]
    assert check(office).returncode == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--date", "1.12.2024"], "new: --date: '1.12.2024' is not an ISO 8601 date; write for example 2017-10-04, "),
        (["--date", "2024-02-30"], "new: --date: '2024-02-30' is not a valid date: day is out of range for month"),
        (["--embargo", "2020-05-04 10:00"], "new: --embargo: '2020-05-04 10:00' is not in the future (now: "),
        (["--date", "2024-12-01", "--embargo", "2099-01-01"],
         "new: give --date or --embargo, not both (an embargo is a date in the future)"),
        (["--contact", "presse"],
         "new: --contact: 'presse' is not a key of content/data/contacts.yml; known keys: pressestelle, umwelt"),
        (["--tags", "Kultur, kultur"], "new: --tags: topic 'kultur' is listed twice"),
    ],
)
def test_new_refuses_bad_options_with_the_rules_messages(office: Path, options: list[str], message: str):
    result = new(office, "Lesung in der Stadtbibliothek", "--department", "bauen", *options)
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert not list((office / "content/releases").rglob("lesung-in-der-stadtbibliothek.md"))


def test_new_names_every_bad_option_at_once(office: Path):
    result = new(office, "Lesung", "--department", "kultur", "--contact", "presse")
    assert result.stderr.splitlines() == [
        "new: --department: 'kultur' is not a key of content/data/departments.yml; known keys: bauen, umwelt",
        "new: --contact: 'presse' is not a key of content/data/contacts.yml; known keys: pressestelle, umwelt",
    ]


# --- A fresh machine: `invoke test` installs what the browser tests need ----------------------


def tasks_module():
    """The project's tasks.py as a module (it is not part of the installed package)."""
    spec = importlib.util.spec_from_file_location("newsroom_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Stands in for invoke's context: records the commands instead of running them."""

    def __init__(self):
        self.commands: list[str] = []

    def run(self, command: str, **options) -> None:
        self.commands.append(command)


def test_test_task_installs_only_what_is_missing_as_root(monkeypatch, tmp_path: Path):
    tasks = tasks_module()
    absent = str(tmp_path / "nicht-da")
    monkeypatch.setattr(tasks, "TEST_PACKAGES", (("rsync", "rsync"), ("fonts-dejavu-core", absent)))
    monkeypatch.setattr(tasks.os, "geteuid", lambda: 0)
    monkeypatch.chdir(ROOT)
    context = Recorder()
    with pytest.raises(SystemExit):  # the recorder installs nothing, so the font is still missing afterwards
        tasks.install_test_needs(context)
    assert context.commands == ["apt-get update -qq", "apt-get install -y -qq --no-install-recommends fonts-dejavu-core"]


def test_test_task_without_root_says_in_one_line_what_to_install(monkeypatch, tmp_path: Path):
    tasks = tasks_module()
    monkeypatch.setattr(tasks, "TEST_PACKAGES", (("chromium", str(tmp_path / "chromium")), ("rsync", "rsync")))
    monkeypatch.setattr(tasks.os, "geteuid", lambda: 1000)
    context = Recorder()
    with pytest.raises(SystemExit) as stopped:
        tasks.install_test_needs(context)
    assert context.commands == []
    assert str(stopped.value) == (
        "test: the full suite needs Debian's chromium: run `sudo apt-get install chromium`, "
        "or `invoke test --skip-browser` to run without (those tests are then skipped)"
    )


def test_test_task_runs_npm_ci_only_when_node_modules_differ_from_the_lock(monkeypatch, tmp_path: Path):
    tasks = tasks_module()
    monkeypatch.setattr(tasks, "TEST_PACKAGES", ())
    shutil.copy(ROOT / "package-lock.json", tmp_path)
    monkeypatch.chdir(tmp_path)
    context = Recorder()
    tasks.install_test_needs(context)
    assert context.commands == ["npm ci --no-audit --no-fund --loglevel=error"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for folder, entry in locked.items():
        # Every package at its locked version, as `npm ci` leaves them: of the optional ones (Pagefind's
        # binaries) only this machine's.
        if folder and (not entry.get("optional") or folder.endswith(search.platform_package())):
            (tmp_path / folder).mkdir(parents=True, exist_ok=True)
            (tmp_path / folder / "package.json").write_text(json.dumps({"version": entry["version"]}))
    context = Recorder()
    tasks.install_test_needs(context)
    assert context.commands == []


def test_a_build_task_installs_pagefind_only_when_it_is_missing(monkeypatch, tmp_path: Path):
    """`npm ci` first deletes node_modules/: installed browser-test packages are installed with it, else none."""
    tasks = tasks_module()
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"pagefind": "1.6.0"},
                                                       "devDependencies": {"axe-core": "4.14.1"}}))
    monkeypatch.setattr(search, "PROJECT", str(tmp_path))
    npm = f"--prefix {tmp_path} --no-audit --no-fund --loglevel=error"
    context = Recorder()
    with pytest.raises(SystemExit, match=r"Pagefind 1\.6\.0 .* is not installed"):  # the recorder installs nothing
        tasks.ensure_pagefind(context)
    assert context.commands == [f"npm ci --omit=dev {npm}"]
    with monkeypatch.context() as without_npm:
        without_npm.setenv("PATH", str(tmp_path))
        context = Recorder()
        with pytest.raises(SystemExit, match=r"run `npm ci --omit=dev` .* \(needs Node\.js with npm\)"):
            tasks.ensure_pagefind(context)
        assert context.commands == []

    package = tmp_path / "node_modules" / search.platform_package()
    (package / "bin").mkdir(parents=True)
    (package / "bin" / "pagefind_extended").write_bytes(b"")
    (package / "package.json").write_text(json.dumps({"version": "1.5.2"}))
    (tmp_path / "node_modules" / "axe-core").mkdir()
    context = Recorder()
    with pytest.raises(SystemExit, match=r"is version 1\.5\.2, but package\.json pins Pagefind 1\.6\.0"):
        tasks.ensure_pagefind(context)
    assert context.commands == [f"npm ci {npm}"]

    (package / "package.json").write_text(json.dumps({"version": "1.6.0"}))
    context = Recorder()
    tasks.ensure_pagefind(context)
    assert context.commands == []
