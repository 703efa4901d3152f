"""Editor tasks for the newsroom site (run `invoke --list`)."""

import json
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
DRAFTS_OUTPUT = "output-drafts"
LIVE_OUTPUT = "output-live"
NOW_VARIABLE = "NEWSROOM_NOW"
SHARE_PREVIEW = "share-preview"
GOLDEN = os.path.join("tests", "golden")
HOST = "127.0.0.1"
PORT = 8000


def pelican(c, content=CONTENT, output=OUTPUT, settings=SETTINGS, extra="", env=None):
    ensure_pagefind(c)
    command = ["pelican", content, "-s", settings, "-o", output]
    c.run(" ".join(shlex.quote(part) for part in command) + (" " + extra if extra else ""), pty=False, env=env or {})


def ensure_pagefind(c) -> None:
    """Install the Pagefind that package.json pins when node_modules/ lacks it (every build's search stage runs it).

    ``npm ci`` first deletes node_modules/: where the browser tests' packages
    are installed, they are installed again with it, else only what builds.
    """
    from newsroom.outputs.search import INSTALL_COMMAND, PROJECT, SearchIndexError, installed_pagefind

    try:
        installed_pagefind()
        return
    except SearchIndexError:
        if not shutil.which("npm"):
            raise  # it names the command to run, and that it needs Node.js with npm
    with open(os.path.join(PROJECT, "package.json"), encoding="utf-8") as handle:
        tests_need = json.load(handle).get("devDependencies", {})
    tested = any(os.path.isdir(os.path.join(PROJECT, "node_modules", name)) for name in tests_need)
    command = "npm ci" if tested else INSTALL_COMMAND
    c.run(f"{command} --prefix {shlex.quote(PROJECT)} --no-audit --no-fund --loglevel=error", pty=False)
    installed_pagefind()  # still missing (npm failed quietly, an unsupported platform): its error stops the task


@task(
    help={
        "content": "content folder",
        "output": "output folder",
        "settings": "settings file",
        "now": "build as if it were this time, ISO 8601 with offset, e.g. 2025-06-02T10:30+02:00",
    }
)
def build(c, content=CONTENT, output=OUTPUT, settings=SETTINGS, now=""):
    """Build the site into output/ (stops with a list of errors on bad content)."""
    pelican(c, content, output, settings, env={NOW_VARIABLE: now} if now else None)


@task
def clean(c):
    """Remove the built site, the previews and the share previews."""
    for folder in (OUTPUT, PREVIEW_OUTPUT, DRAFTS_OUTPUT, LIVE_OUTPUT, SHARE_PREVIEW):
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


@task(
    help={
        "port": "port to listen on",
        "content": "content folder",
        "output": f"folder of the preview (default {LIVE_OUTPUT}/; never {OUTPUT}/)",
        "settings": "settings file",
    }
)
def livereload(c, port=PORT, content=CONTENT, output=LIVE_OUTPUT, settings=SETTINGS):
    """Preview with drafts and embargoed releases, rebuilt on every save; the browser reloads and shows content errors."""
    from newsroom.tools.livepreview import PreviewRefused, serve_preview

    ensure_pagefind(c)
    try:
        serve_preview(settings, content, output, HOST, int(port))
    except PreviewRefused as refusal:
        sys.exit(f"livereload: {refusal}")


@task(
    help={
        "drafts": "also drafts and embargoed releases, with banners, into output-drafts/ (never publish it)",
        "content": "content folder",
        "output": "output folder (default output-preview/, with --drafts output-drafts/)",
    }
)
def preview(c, drafts=False, content=CONTENT, output=""):
    """Build with publishconf.py into output-preview/; --drafts: drafts and embargoed releases into output-drafts/."""
    if not drafts:
        pelican(c, content, output or PREVIEW_OUTPUT, PUBLISH_SETTINGS)
        return
    from pelican.settings import read_settings

    from newsroom.tools.livepreview import drafts_options

    output = output or DRAFTS_OUTPUT
    if os.path.abspath(output) == os.path.abspath(OUTPUT):
        sys.exit(f"preview --drafts never writes into {OUTPUT}/, the folder that is published")
    options = drafts_options(read_settings(SETTINGS))
    pelican(c, content, output, SETTINGS, extra="-e " + shlex.quote("NEWSROOM=" + json.dumps(options)))


def report(check_result):
    """Print errors and URL warnings of ``invoke check``-like tasks; exit 1 on errors."""
    from newsroom.tools.check import report

    report(check_result)


@task(
    help={
        "content": "content folder",
        "settings": "settings file",
        "format": "text (default); github: workflow commands that mark each line in the pull request; "
        "gitlab: a Code Quality report (JSON) on standard output; json: every message with its fields",
        "changed": "read only the files changed since the last such check, the others' facts from its index "
        "(same messages; the pre-commit hook)",
    }
)
def check(c, content=CONTENT, settings=SETTINGS, format="text", changed=False):
    """Validate all content without building; same messages as the build, and URL warnings."""
    from newsroom.tools.check import run

    run(settings, content, format, changed)


@task(
    help={"content": "content folder", "settings": "settings file", "now": "list as if it were this time (ISO 8601 with offset)"}
)
def schedule(c, content=CONTENT, settings=SETTINGS, now=""):
    """List the releases under embargo with the time they go public (Berlin)."""
    from newsroom.site.clock import parse_now
    from newsroom.tools.check import check_content
    from newsroom.tools.publishing import schedule as embargoed

    result = check_content(settings, content, now=parse_now(now) if now else None)
    report(result)
    coming, drafts = embargoed(result)
    print(f"Now: {result.now:%Y-%m-%d %H:%M} (Berlin)")
    if not coming:
        print("No releases under embargo.")
    for item in coming:
        print(f"{item.date:%Y-%m-%d %H:%M}  {item.number:>9}  {item.title}  ({item.path})")
    if drafts:
        print(f"{drafts} {'draft' if drafts == 1 else 'drafts'}, published only once their status changes.")


@task(
    help={
        "content": "content folder",
        "settings": "settings file",
        "force": "record even addresses that changed without an alias",
    }
)
def record_urls(c, content=CONTENT, settings=SETTINGS, force=False):
    """Record the address of every public release in the URL manifest (run after publishing)."""
    from newsroom.tools.check import check_content
    from newsroom.tools.publishing import RecordRefused, record_published_urls

    result = check_content(settings, content)
    report(result)
    try:
        path, count = record_published_urls(result, force=force)
    except RecordRefused as refusal:
        print(refusal, file=sys.stderr)
        sys.exit("record-urls: add the old addresses to aliases first (or run with --force to forget them).")
    print(f"Written: {os.path.relpath(path)} ({count} releases)")


@task(
    help={
        "title": "headline of the release",
        "department": "key from content/data/departments.yml",
        "date": "publication date, e.g. 2025-06-02 or 2025-06-02 10:30 (Berlin time); default: now",
        "embargo": "publication time in the future: the release stays invisible until then, e.g. 2025-06-02 10:30",
        "contact": "key from content/data/contacts.yml (default: the press office)",
        "tags": "topics, separated by commas, e.g. 'Verkehr, Schule'",
        "content": "content folder",
        "settings": "settings file",
    }
)
def new(c, title, department, date="", embargo="", contact="", tags="", content=CONTENT, settings=SETTINGS):
    """Start a release with the next free number of its year (or a fresh id); prints where it is and how to preview it."""
    from pelican.settings import read_settings

    from newsroom.tools.authoring import AuthoringError, new_release

    site = read_settings(settings, override={"PATH": os.path.abspath(content)})
    try:
        made = new_release(site, title, department, date=date, embargo=embargo, contact=contact, tags=tags)
    except AuthoringError as error:
        sys.exit("\n".join(f"new: {line}" for line in str(error).splitlines()))
    print(f"Written: {os.path.relpath(made.path)}")
    if made.embargoed:
        page = os.path.join(DRAFTS_OUTPUT, made.url, "index.html")
        print(f"Preview: invoke preview --drafts, then open {page} (under embargo: the site shows it from its date on)")
    else:
        print(f"Preview: invoke livereload, then open http://{HOST}:{PORT}/{made.url}")


@task(
    name="import",
    positional=["path"],
    help={
        "path": "a .txt or .html file, a folder of them, or a pattern in quotes such as 'archiv/2021-*.html'",
        "department": "key from content/data/departments.yml for every imported release",
        "contact": "key from content/data/contacts.yml for releases without a contact block (default: the press office)",
        "dry_run": "only print what would be written",
        "content": "content folder",
        "settings": "settings file",
    },
)
def import_releases(c, path, department, contact="", dry_run=False, content=CONTENT, settings=SETTINGS):
    """Turn old releases (plain text, saved berlin.de pages) into release files; existing ones are skipped."""
    import glob

    from newsroom.tools.annotations import text_lines
    from newsroom.tools.importing import ImportRefused
    from newsroom.tools.importing import import_releases as run_import

    paths = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
    if not paths:
        sys.exit(f"import: nothing matches {path!r}")
    try:
        outcome = run_import(settings, content, paths, department, contact=contact, dry_run=dry_run)
    except ImportRefused as refusal:
        sys.exit("\n".join(f"import: {line}" for line in str(refusal).splitlines()))
    print("\n".join(outcome.lines))
    if outcome.check is not None:
        for line in text_lines(outcome.check):
            print(line, file=sys.stderr)
        print(summary_line(outcome.check))
    if outcome.failed:
        sys.exit(1)


def summary_line(check_result) -> str:
    from newsroom.tools.annotations import summary

    return f"invoke check: {summary(check_result)}"


@task(help={"path": "the release's Markdown file", "content": "content folder", "settings": "settings file"})
def share_check(c, path, content=CONTENT, settings=SETTINGS):
    """Show how a release looks when shared: lengths per platform and an HTML preview."""
    from newsroom.tools.sharecheck import ShareCheckError
    from newsroom.tools.sharecheck import share_check as check_sharing

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
    from newsroom.tools.benchmark import bench_cards as run_benchmark

    ensure_pagefind(c)
    print("\n".join(run_benchmark(settings, os.path.abspath(content), int(extra), int(workers))))


@task(help={"releases": "number of generated releases", "seed": "seed of the generated corpus (same seed, same files)",
            "keep": "work in this new or empty folder and keep it (content, outputs, caches, logs)",
            "compare": "also build the same releases with plain Pelican and Hugo (--no-compare: the newsroom only)",
            "only": "run only these scenarios, a comma list with cold among them (cold, cold-no-images, unchanged, "
                    "edit-one, add-one, template, registry, delete, clock, check); the 100,000-release run: "
                    "--releases 100000 --only cold,edit-one --no-compare",
            "photos": "a photo of its own on every eighth release (--no-photos: no images, no cold build without them)",
            "settings": "settings file"})
def bench(c, releases=10000, seed=1, keep="", compare=True, only="", photos=True, settings=SETTINGS):
    """Time cold build, rebuilds, `invoke check`, peak memory and stages on generated releases, against plain Pelican and Hugo."""
    from newsroom.tools.benchmark import BenchmarkError, format_result, run_benchmark

    ensure_pagefind(c)
    try:
        result = run_benchmark(settings, os.path.abspath(CONTENT), int(releases), int(seed), keep, compare, say=print,
                               only=only, photos=photos)
    except BenchmarkError as error:
        sys.exit(f"bench: {error}")
    print()
    print("\n".join(format_result(result)))


@task(help={"releases": "number of generated releases", "seed": "seed of the generated corpus (same seed, same files)",
            "keep": "work in this new or empty folder and keep it (content, preview, caches, log)",
            "edits": "saves of the one release that is timed", "settings": "settings file"})
def bench_preview(c, releases=10000, seed=1, keep="", edits=10, settings=SETTINGS):
    """Time `invoke livereload` on generated releases: from saving a release to its page showing the edit, and peak memory."""
    from newsroom.tools.benchmark import BenchmarkError
    from newsroom.tools.benchmark import bench_preview as run_benchmark

    ensure_pagefind(c)
    try:
        lines = run_benchmark(settings, os.path.abspath(CONTENT), int(releases), int(seed), keep, int(edits), say=print)
    except BenchmarkError as error:
        sys.exit(f"bench-preview: {error}")
    print()
    print("\n".join(lines))


# What the whole suite needs beyond pip, as Debian packages, and the command or file that shows each is
# there: Chromium and axe-core (below) for tests/browser, Node.js for the search, nginx with brotli_static,
# rsync and openssl for the web server and publishing, DejaVu Sans for the cards' kerning.
TEST_PACKAGES = (
    ("chromium", "chromium"),
    ("nodejs", "node"),
    ("npm", "npm"),
    ("nginx", "/usr/sbin/nginx"),
    ("libnginx-mod-http-brotli-static", "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"),
    ("rsync", "rsync"),
    ("openssl", "openssl"),
    ("fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)


def missing_test_packages() -> list[str]:
    return [name for name, found in TEST_PACKAGES if not (os.path.exists(found) if os.sep in found else shutil.which(found))]


def node_modules_current() -> bool:
    """Every package in package-lock.json installed at its locked version (then `npm ci` has nothing to do)."""
    with open("package-lock.json", encoding="utf-8") as handle:
        locked = json.load(handle)["packages"]
    for folder, entry in locked.items():
        if not folder:  # the project itself
            continue
        try:
            with open(os.path.join(folder, "package.json"), encoding="utf-8") as handle:
                if json.load(handle).get("version") != entry["version"]:
                    return False
        except FileNotFoundError:
            if not entry.get("optional"):  # npm installs an optional package only where it fits (Pagefind's binaries)
                return False
    return True


def install_test_needs(c) -> None:
    """Install what is missing (Debian's packages only as root), or stop with the one line that says how."""
    missing = missing_test_packages()
    if missing and shutil.which("apt-get") and os.geteuid() == 0:
        quiet = {"DEBIAN_FRONTEND": "noninteractive"}
        c.run("apt-get update -qq", pty=False, env=quiet)
        c.run("apt-get install -y -qq --no-install-recommends " + " ".join(missing), pty=False, env=quiet)
        missing = missing_test_packages()
    if missing:
        sys.exit(f"test: the full suite needs Debian's {' '.join(missing)}: run `sudo apt-get install {' '.join(missing)}`, "
                 "or `invoke test --skip-browser` to run without (those tests are then skipped)")
    if not node_modules_current():
        c.run("npm ci --no-audit --no-fund --loglevel=error", pty=False)


@task(help={"args": "extra arguments for pytest, e.g. '-k feeds'",
            "skip_browser": "neither install nor demand what the browser, web-server and search tests need; they skip"})
def test(c, args="", skip_browser=False):
    """Run the test suite; first installs what the browser tests need where it can, so "passed" means every test ran."""
    if not skip_browser:
        install_test_needs(c)
    ensure_pagefind(c)  # the tests build sites, and every build runs Pagefind
    c.run(f"{shlex.quote(sys.executable)} -m pytest {args}", pty=False)


@task
def golden(c):
    """Refresh tests/golden/ from a build of the sample content (review the diff)."""
    shutil.rmtree(GOLDEN, ignore_errors=True)
    pelican(c, output=GOLDEN)
    # The search bundle is checked by tests/test_search.py, not kept as golden output.
    shutil.rmtree(os.path.join(GOLDEN, "pagefind"))
    # The render keys are not part of the site.
    from newsroom.site.renderkeys import KEYS_FILE

    os.remove(os.path.join(GOLDEN, KEYS_FILE))
    # The precompressed copies are checked by tests/test_webserver.py, not kept as golden output.
    from newsroom.outputs.compress import ENCODINGS

    for folder, _, files in os.walk(GOLDEN):
        for name in files:
            if name.endswith(ENCODINGS):
                os.remove(os.path.join(folder, name))


@task(
    help={
        "root": "the built site's folder on the web server (absolute; with `invoke publish`: TARGET/current)",
        "listen": "nginx listen address, e.g. 127.0.0.1:8080, or '443 ssl' (then --certificate and --key)",
        "output": "write the configuration into this file (default: print it)",
        "server_name": "host name(s) to answer for (default: the host of NEWSROOM['public_url'])",
        "certificate": "TLS certificate chain (PEM) on the web server, for an 'ssl' listener",
        "key": "TLS private key (PEM) on the web server, for an 'ssl' listener",
        "server": "web server to configure (only nginx)",
        "content": "content folder",
        "settings": "settings file",
    }
)
def web_config(
    c, root, listen, output="", server_name="", certificate="", key="", server="nginx", content=CONTENT, settings=SETTINGS
):
    """Write the nginx configuration of the site: security headers, caching, precompressed files, 301, 410, 404."""
    from newsroom.tools.check import check_content
    from newsroom.tools.webconfig import WebConfigError
    from newsroom.tools.webconfig import web_config as nginx_config

    if server != "nginx":
        sys.exit(f"web-config: --server {server!r} is not supported; only 'nginx' is")
    result = check_content(settings, content)
    report(result)
    try:
        text = nginx_config(result, root, listen, server_name, certificate, key)
    except WebConfigError as error:
        sys.exit(f"web-config: {error}")
    if not output:
        print(text, end="")
        return
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"Written: {output} (check it with `nginx -t`, then reload nginx)")


@task(
    help={
        "to": "target folder, local or user@host:path; the web server's root is TARGET/current",
        "rollback": "switch TARGET/current back to the release it replaced (uploads nothing)",
        "site": "the built site to upload",
    }
)
def publish(c, to, rollback=False, site=OUTPUT):
    """Upload the built site as a new release and switch to it at once; --rollback: back to the previous one."""
    from newsroom.tools.publish import PublishRefused
    from newsroom.tools.publish import publish as upload
    from newsroom.tools.publish import rollback as roll_back

    try:
        if rollback:
            release = roll_back(to)
            print(f"Rolled back: {to} now serves release {release}")
        else:
            release = upload(site, to)
            print(f"Published: {site} as release {release}; {to}/current points to it")
    except PublishRefused as refusal:
        sys.exit(f"publish: {refusal}")
