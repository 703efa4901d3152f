"""Editor tasks for the newsroom site (run `invoke --list`)."""

import os
import shlex
import shutil
import sys

from invoke import task

CONTENT = "content"
OUTPUT = "output"
SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"
PREVIEW_OUTPUT = "output-preview"
SHARE_PREVIEW = "share-preview"
GOLDEN = os.path.join("tests", "golden")
HOST = "127.0.0.1"
PORT = 8000


def pelican(c, content=CONTENT, output=OUTPUT, settings=SETTINGS, extra=""):
    command = ["pelican", content, "-s", settings, "-o", output]
    c.run(" ".join(shlex.quote(part) for part in command) + (" " + extra if extra else ""), pty=False)


@task(help={"content": "content folder", "output": "output folder", "settings": "settings file"})
def build(c, content=CONTENT, output=OUTPUT, settings=SETTINGS):
    """Build the site into output/ (stops with a list of errors on bad content)."""
    pelican(c, content, output, settings)


@task
def clean(c):
    """Remove the built site and the share previews."""
    for folder in (OUTPUT, PREVIEW_OUTPUT, SHARE_PREVIEW):
        shutil.rmtree(folder, ignore_errors=True)


@task(help={"content": "content folder", "output": "output folder", "settings": "settings file"})
def rebuild(c, content=CONTENT, output=OUTPUT, settings=SETTINGS):
    """Remove the built site and build it again."""
    clean(c)
    build(c, content, output, settings)


@task(help={"port": "port to listen on"})
def serve(c, port=PORT):
    """Serve output/ at http://127.0.0.1:8000/."""
    c.run(f"pelican --listen -o {OUTPUT} -s {SETTINGS} -b {HOST} -p {int(port)}")


@task(help={"port": "port to listen on"})
def livereload(c, port=PORT):
    """Build, serve and rebuild on every save; the browser reloads by itself."""
    from invoke.exceptions import UnexpectedExit
    from livereload import Server

    def rebuild_site():
        try:
            pelican(c)
        except UnexpectedExit:
            print("Build failed (errors above); the last good site stays served.", file=sys.stderr)

    rebuild_site()
    server = Server()
    for path in (CONTENT, "theme", SETTINGS, "newsroom"):
        server.watch(path, rebuild_site)
    server.serve(host=HOST, port=int(port), root=OUTPUT)


@task
def preview(c):
    """Build with publishconf.py (the public address) into output-preview/."""
    pelican(c, output=PREVIEW_OUTPUT, settings=PUBLISH_SETTINGS)


@task(help={"content": "content folder", "settings": "settings file"})
def check(c, content=CONTENT, settings=SETTINGS):
    """Validate all content without building; same messages as the build."""
    from newsroom.check import check_content

    errors, files = check_content(settings, content)
    for error in errors:
        print(error.format(), file=sys.stderr)
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        sys.exit(f"{len(errors)} {noun} in {files} files.")
    print(f"{files} files checked, no errors.")


@task(help={"title": "headline of the release", "department": "key from content/data/departments.yml"})
def new(c, title, department):
    """Start a release with the next free number of this year and today's date."""
    from pelican.settings import read_settings

    from newsroom.authoring import AuthoringError, new_release

    try:
        path = new_release(read_settings(SETTINGS, override={"PATH": os.path.abspath(CONTENT)}), title, department)
    except AuthoringError as error:
        sys.exit(f"new: {error}")
    print(f"Written: {os.path.relpath(path)}")


@task(help={"path": "the release's Markdown file", "content": "content folder", "settings": "settings file"})
def share_check(c, path, content=CONTENT, settings=SETTINGS):
    """Show how a release looks when shared: lengths per platform and an HTML preview."""
    from newsroom.sharecheck import ShareCheckError, share_check as check_sharing

    try:
        preview, page = check_sharing(path, settings, content, SHARE_PREVIEW)
    except ShareCheckError as error:
        sys.exit(f"share-check: {error}")
    print("\n".join(preview.lines))
    for warning in preview.warnings:
        print(f"warning: {warning}")
    print(f"Preview: {os.path.relpath(page)}")


@task(help={"extra": "generated releases added to a copy of the content", "workers": "processes drawing cards (0: one per core)",
            "content": "content folder", "settings": "settings file"})
def bench_cards(c, extra=0, workers=0, content=CONTENT, settings=SETTINGS):
    """Time the social cards of a cold and a warm build and show their sizes (a table)."""
    from newsroom.benchmark import bench_cards as run_benchmark

    print("\n".join(run_benchmark(settings, os.path.abspath(content), int(extra), int(workers))))


@task(help={"args": "extra arguments for pytest, e.g. '-k feeds'"})
def test(c, args=""):
    """Run the test suite."""
    c.run(f"{shlex.quote(sys.executable)} -m pytest {args}", pty=False)


@task
def golden(c):
    """Refresh tests/golden/ from a build of the sample content (review the diff)."""
    shutil.rmtree(GOLDEN, ignore_errors=True)
    pelican(c, output=GOLDEN)
