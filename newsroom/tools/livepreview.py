"""``invoke livereload``: the drafts preview, rebuilt in one warm process on every save and shown with the site's headers.

What an editor writing a release needs to see, where they look:

* **The site as ``invoke preview --drafts`` builds it** — drafts and
  embargoed releases with their banners, every page ``noindex`` — into a
  folder of its own (``output-live/``), never the published ``output/``;
  the build marks it as a drafts preview, so ``invoke publish`` refuses it.
* **One process**: Pelican runs in this process (``Pelican(settings).run()``,
  as Pelican's own autoreload does) with the templates' compiled code kept
  (``CompiledTemplates``); the incremental build (content cache, render keys,
  card and image caches, the staged output) makes each rebuild cost what the
  change touches. A settings change is read on the next build; a change to
  the project's Python code needs a restart.
* **Watching** content, theme and the settings file with ``watchfiles``:
  a burst of saves ("save all", a checkout of another branch) is one batch
  (its ``step``: yielded once nothing has changed for that long), one rebuild;
  the batches that come while a whole build runs are one rebuild after it.
* **The fast path** of a batch that is one saved release and nothing else
  (``newsroom.tools.livepage``): its page is rendered again from what the
  last whole build kept (``ReleasePages``), in a fraction of a second, and
  the browser reloads; then the whole build runs as for any change, the
  source of truth. Batches are taken in a thread of their own, so a save
  during a whole build gets its page at once. Only the release's own page
  (and a text card with a new title) is new: lists, feeds, the search, the
  neighbours' links and the sitemap show the edit when the whole build has
  finished. A save that changes what other pages show (``livepage``
  names what) waits for the whole build, and so does every save while
  another file changed since the last whole build that rendered pages, or
  before the first (a preview started on an unchanged folder renders no
  page). A save with content errors shows them at once.
* **The overlay**: a fast-path page is served from memory, never written
  into the folder, whose files and render keys stay exactly what whole
  builds made (a later build links a live file whose key matches). It is
  dropped when a whole build that started after its save has ended.
* **Serving** from 127.0.0.1 (``http.server``): pretty URLs, the site's 404
  page, the Content-Security-Policy and security headers of the web server
  configuration (``webconfig.SECURITY_HEADERS``), never cached. Every HTML
  page gets a script and a stylesheet from ``/__vorschau/`` (external, as
  the CSP allows no inline code) that listen to a Server-Sent-Events stream
  and reload the page when there is something new: a whole build has
  finished, or the fast path has rendered a page or found errors.
* **Errors in the browser**: a build that stops on content errors changes
  nothing in the folder (the staged output), so every page still shows its
  last good version; above it a box lists the errors as the terminal does
  (``path:line: field: message``), until the next good build (or a fast
  path that reads the file without errors).
"""

from __future__ import annotations

import html
import logging
import mimetypes
import os
import posixpath
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import watchfiles
from jinja2 import BytecodeCache
from pelican import Pelican
from pelican.log import LimitFilter
from pelican.settings import read_settings

from ..errors import ContentErrors, display_path
from ..site.writing import ReleasePages
from .livepage import Rendered, Unreadable, render_again
from .webconfig import SECURITY_HEADERS, TYPES_BY_SUFFIX, UTF8_TYPES

ROUTE = "/__vorschau/"
EVENTS = ROUTE + "ereignisse"
NOT_FOUND_PAGE = "404.html"
HTML_TYPE = "text/html; charset=utf-8"
# watchfiles: a batch is yielded once nothing has changed for STEP_MS, at the latest after DEBOUNCE_MS.
STEP_MS = 80
DEBOUNCE_MS = 1600
# How often a watcher looks at the stop event while nothing changes.
WATCH_TIMEOUT_MS = 500
# Batches of the two watchers (folders, settings file) that arrive this close together are one rebuild.
SETTLE_SECONDS = STEP_MS / 1000
# An idle event stream sends a comment this often, so a closed tab ends its thread.
KEEPALIVE_SECONDS = 15
READY = "Preview of {content} with drafts and embargoed releases: {url} (Ctrl-C ends it)"
ERROR_TITLE = "Die Vorschau zeigt den letzten fehlerfreien Stand. Fehler im Inhalt:"

SCRIPT = """\
// Vorschau (invoke livereload): lädt die Seite neu, sobald ein Build fertig ist.
(function () {
  "use strict";
  var shown = document.currentScript.dataset.stand;
  var events = new EventSource("/__vorschau/ereignisse");
  events.addEventListener("stand", function (event) {
    if (event.data !== shown) {
      events.close();
      window.location.reload();
    }
  });
})();
"""
STYLESHEET = """\
/* Vorschau (invoke livereload): der Kasten mit den Fehlern im Inhalt. */
.vorschau-fehler {
  margin: 0;
  padding: 1rem 1.25rem;
  border-bottom: 0.25rem solid #a4000f;
  background: #fff0f0;
  color: #1a1a1a;
  font: 1rem/1.5 system-ui, sans-serif;
}
.vorschau-fehler__titel {
  margin: 0 0 0.5rem;
  font-weight: bold;
}
.vorschau-fehler ul {
  margin: 0;
  padding-left: 1.25rem;
}
.vorschau-fehler code {
  font-family: ui-monospace, monospace;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
"""
ASSETS = {
    ROUTE + "vorschau.js": (SCRIPT.encode(), "application/javascript; charset=utf-8"),
    ROUTE + "vorschau.css": (STYLESHEET.encode(), "text/css; charset=utf-8"),
}
# Served when the folder has no 404 page yet (the very first build failed).
BARE_NOT_FOUND = (
    b'<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n<title>Vorschau</title>\n</head>\n'
    b"<body>\n<main>\n<h1>Noch kein Stand zu sehen</h1>\n<p>Die Vorschau hat diese Seite noch nicht gebaut.</p>\n"
    b"</main>\n</body>\n</html>\n"
)
# Python's own table, not the machine's /etc/mime.types: the same types on every machine; plus what the site
# publishes that Python 3.11's table lacks (images, sign-language captions).
KNOWN_TYPES = mimetypes.MimeTypes()
for suffix, media_type in {".webp": "image/webp", ".avif": "image/avif", ".vtt": "text/vtt"}.items():
    KNOWN_TYPES.add_type(media_type, suffix)
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)

logger = logging.getLogger(__name__)


class PreviewRefused(Exception):
    """The preview cannot run as asked: the message says why and what to pass instead."""


class CompiledTemplates(BytecodeCache):
    """The theme's templates compiled once per process instead of once per build.

    Jinja checks each entry against the template's source, so a changed
    template is compiled afresh; the pages are the same bytes either way.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def drafts_options(settings: dict) -> dict:
    """NEWSROOM of ``settings`` for a drafts preview (``invoke preview --drafts``, ``invoke livereload``)."""
    return {**settings.get("NEWSROOM", {}), "preview_drafts": True}


def inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def preview_settings(settings_file: str, content: str, output: str) -> dict:
    """The settings of a drafts preview of ``content`` into ``output``; refuses the published folder and watched ones."""
    settings = read_settings(settings_file, override={"PATH": os.path.abspath(content)})
    target = os.path.realpath(output)
    if target == os.path.realpath(settings["OUTPUT_PATH"]):
        raise PreviewRefused(f"the preview never writes into {display_path(output)}/, the folder that is published; "
                             "name another folder")
    for watched in watched_folders(settings):
        if inside(target, watched) or inside(watched, target):
            raise PreviewRefused(f"the preview folder {display_path(output)!r} must lie outside {display_path(watched)}/, "
                                 "which the preview watches")
    settings["OUTPUT_PATH"] = target
    settings["NEWSROOM"] = drafts_options(settings)
    return settings


def watched_folders(settings: dict) -> list[str]:
    """The folders whose changes rebuild the preview: content (with the registries) and theme."""
    return [os.path.realpath(settings["PATH"]), os.path.realpath(settings["THEME"])]


class Overlay:
    """Pages of the fast path, served instead of the folder's file until a whole build that started after their save ends.

    They never enter the folder: it and its render keys stay exactly what
    whole builds made, as a later build links a live file whose key matches.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages: dict[str, tuple[int, bytes]] = {}  # file below the site → (number of the save's batch, its bytes)

    def put(self, output_file: str, batch: int, data: bytes) -> None:
        with self.lock:
            self.pages[output_file] = (batch, data)

    def page(self, output_file: str) -> bytes | None:
        with self.lock:
            entry = self.pages.get(output_file)
        return entry[1] if entry else None

    def drop_covered(self, covers: int) -> None:
        """Forget the pages of the batches up to ``covers``, which a finished whole build has seen."""
        with self.lock:
            self.pages = {name: entry for name, entry in self.pages.items() if entry[0] > covers}


@dataclass
class Shown:
    """What the server shows: which stand (a number the pages' script compares) and its errors.

    A new stand comes with each whole build and each page or error of the fast path.
    """

    build: int = 0
    errors: tuple[str, ...] = ()
    changed: threading.Condition = field(default_factory=threading.Condition)

    def finished(self, errors: Iterable[str]) -> None:
        with self.changed:
            self.build += 1
            self.errors = tuple(errors)
            self.changed.notify_all()

    def after(self, build: int, timeout: float) -> int:
        """The number of the build after ``build`` once it is there, or ``build`` after ``timeout`` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.build != build, timeout)
            return self.build


def say_now(line: str) -> None:
    """A line for the terminal, at once also when standard output is a file (a log)."""
    print(line, flush=True)


class LivePreview:
    """Builds the drafts preview in this process, again on each batch of changes, and tells ``Shown``."""

    def __init__(self, settings_file: str, content: str, output: str,
                 say: Callable[[str], None] = say_now) -> None:
        self.settings_file = os.path.abspath(settings_file)
        self.content = os.path.abspath(content)
        self.output = os.path.abspath(output)
        self.settings = preview_settings(self.settings_file, self.content, self.output)
        self.templates = CompiledTemplates()
        self.shown = Shown()
        self.overlay = Overlay()
        self.say = say
        self.lock = threading.Lock()  # for the three below: batches are taken in one thread, built in another
        self.batches_seen = 0  # the number of the latest batch of changes
        self.kept: ReleasePages | None = None  # of the last whole build that rendered its pages
        self.since_kept: list[tuple[int, frozenset[str]]] = []  # the batches that build may not have seen

    def build(self, covers: int | None = None) -> tuple[str, ...]:
        """One whole build; the errors it stopped with (empty when the folder now holds the new site).

        ``covers``: the number of the latest batch of changes it sees, by
        default the latest when it starts; the fast path's pages of these
        batches are dropped when it ends, and the folder shows what it made.
        """
        covers = self.batches_seen if covers is None else covers
        started = time.perf_counter()
        # Pelican drops a warning it has logged before in this process; each build must show its own.
        LimitFilter._raised_messages.clear()
        LimitFilter._group_count.clear()
        try:
            self.settings = preview_settings(self.settings_file, self.content, self.output)
            options = self.settings["JINJA_ENVIRONMENT"]
            self.settings["JINJA_ENVIRONMENT"] = {**options, "bytecode_cache": self.templates}
            pelican = Pelican(self.settings)
            pelican.keep_release_pages = partial(self.keep, covers)
            pelican.run()
            errors: tuple[str, ...] = ()
        except ContentErrors as failure:  # already printed, with its summary line
            errors = tuple(error.format() for error in failure.errors)
        except PreviewRefused as refusal:
            errors = (f"{display_path(self.settings_file)}: {refusal}",)
            self.say(errors[0])
        except (Exception, SystemExit) as failure:  # a template or settings file that does not load, a full disk
            errors = (failure_line(failure),)
            self.say(errors[0])
        seconds = time.perf_counter() - started
        self.overlay.drop_covered(covers)
        self.shown.finished(errors)
        if errors:
            self.say(f"Preview: build failed in {seconds:.2f} s; the browser shows the errors above the last good pages.")
        else:
            self.say(f"Preview: built in {seconds:.2f} s.")
        return errors

    def keep(self, covers: int, kept: ReleasePages) -> None:
        """Receive what the whole build that saw the batches up to ``covers`` leaves for the fast path."""
        with self.lock:
            self.kept = kept
            self.since_kept = [(number, paths) for number, paths in self.since_kept if number > covers]

    def changed(self, paths: set[str]) -> None:
        """Take one batch of changes; if it is one saved release and nothing else changed since the kept build, its page now.

        A page rendered (``newsroom.tools.livepage``) is served from the
        overlay; content errors are shown in the browser at once; either way
        the whole build follows.
        """
        with self.lock:
            self.batches_seen += 1
            number = self.batches_seen
            self.since_kept.append((number, frozenset(paths)))
            kept = self.kept if all(seen == {*paths} for _, seen in self.since_kept) else None
        source = self.content_path(next(iter(paths)))
        if kept is None or len(paths) != 1 or source not in kept.pages or not os.path.isfile(source):
            return  # a release removed changes the lists
        shown = display_path(source)
        started = time.perf_counter()
        try:
            outcome = render_again(kept, source)
        except Exception as failure:  # a template that fails for this release: the whole build says where
            self.say(f"Preview: {shown} not shown at once ({failure_line(failure)}); the whole build follows.")
            return
        seconds = time.perf_counter() - started
        if isinstance(outcome, Rendered):
            for name, data in outcome.files.items():
                self.overlay.put(name, number, data)
            self.shown.finished(())
            self.say(f"Preview: page of {shown} shown in {seconds:.2f} s; the whole build follows.")
        elif isinstance(outcome, Unreadable):
            self.shown.finished(outcome.errors)
            self.say(f"Preview: {shown} has errors, shown in the browser; the whole build follows.")
        else:
            self.say(f"Preview: {shown}: {outcome.reason}; the whole build shows it.")

    def content_path(self, path: str) -> str:
        """A watched path (below the content folder's real path) as the build names it (below ``content``)."""
        real = os.path.realpath(self.content)
        return os.path.join(self.content, os.path.relpath(path, real)) if inside(path, real) else path

    def run(self, stop: threading.Event, ready: Callable[[], None] = lambda: None) -> None:
        """Build, then on every batch of changes its fast path and a rebuild, until ``stop`` is set; ``ready`` once watching.

        Batches are taken in a thread of their own, so that a save during a
        whole build gets its fast path at once; the whole builds run here
        (Ctrl-C stops one cleanly), one for all batches that came during the
        previous one.
        """
        watching = Watching(watched_folders(self.settings), self.settings_file, stop)
        self.build()
        watching.wait_until_watching()
        ready()
        wanted: queue.Queue[bool] = queue.Queue()  # True: a batch came; False: the watchers have stopped
        threading.Thread(target=self.take_batches, args=(watching, wanted), daemon=True, name="preview-batches").start()
        while True:
            more = wanted.get()
            while more and not wanted.empty():
                more = wanted.get_nowait()
            if not more:
                return
            self.build()

    def take_batches(self, watching: Watching, wanted: queue.Queue) -> None:
        try:
            for batch in watching.batches():
                names = sorted(display_path(path) for path in batch)
                self.say(f"Preview: changed {', '.join(names[:3])}" + (f" and {len(names) - 3} more" if len(names) > 3 else ""))
                self.changed(batch)
                wanted.put(True)
        finally:
            wanted.put(False)


class Watching:
    """Batches of changed paths, from the folders (recursively) and the settings file (by its folder), until ``stop``.

    Editors save by writing a new file and renaming it over the old one, which
    ends a watch on the file itself: its folder is watched instead, without
    its subfolders (the project's folder holds the virtualenv and outputs).
    """

    def __init__(self, folders: list[str], settings_file: str, stop: threading.Event) -> None:
        self.stop = stop
        self.queue: queue.Queue[set[str] | None] = queue.Queue()
        folders = [folder for folder in folders if os.path.isdir(folder)]
        self.watchers = [
            self.start([*folders], True, lambda path: True),
            self.start([os.path.dirname(settings_file)], False, lambda path: path == settings_file),
        ]

    def start(self, paths: list[str], recursive: bool, accept: Callable[[str], bool]) -> tuple[threading.Thread, threading.Event]:
        started = threading.Event()

        def watch() -> None:
            try:
                # With yield_on_timeout the first (empty) batch comes once the watch is in place.
                for batch in watchfiles.watch(*paths, recursive=recursive, debounce=DEBOUNCE_MS, step=STEP_MS,
                                              stop_event=self.stop, rust_timeout=WATCH_TIMEOUT_MS, yield_on_timeout=True,
                                              raise_interrupt=False):
                    started.set()
                    if changed := {path for _, path in batch if accept(path)}:
                        self.queue.put(changed)
            finally:
                started.set()
                self.queue.put(None)

        thread = threading.Thread(target=watch, daemon=True, name="preview-watch")
        thread.start()
        return thread, started

    def wait_until_watching(self) -> None:
        for _, started in self.watchers:
            started.wait()

    def batches(self) -> Iterator[set[str]]:
        """Each batch with what the other watcher saw of the same burst; ends when both watchers have stopped."""
        running = len(self.watchers)
        while running:
            batch = self.queue.get()
            if batch is None:
                running -= 1
                continue
            while True:
                try:
                    more = self.queue.get(timeout=SETTLE_SECONDS)
                except queue.Empty:
                    break
                if more is None:
                    running -= 1
                    break
                batch |= more
            if not self.stop.is_set():
                yield batch


def failure_line(failure: BaseException) -> str:
    """A build failure that is not a content error, in one line: where (a template's or settings file's syntax error), its
    type (unless it is one of the build's own stops, whose message says it all) and message.
    """
    own = getattr(failure, "message", None) or getattr(failure, "msg", None)  # Jinja's, Python's without "(file, line n)"
    message = own if isinstance(own, str) else str(failure)
    message = " ".join(message.split())
    if isinstance(failure, SystemExit):
        return message or "Build failed"
    line = f"{type(failure).__name__}: {message}" if message else type(failure).__name__
    where, number = getattr(failure, "filename", None), getattr(failure, "lineno", None)
    return f"{display_path(where)}:{number}: {line}" if isinstance(where, str) and number else line


# --- serving ---------------------------------------------------------------------------


def content_type(path: str) -> str:
    """The type the web server configuration sends for ``path`` (``webconfig``), in UTF-8 where it is text."""
    by_suffix = (media_type for pattern, (media_type, _) in TYPES_BY_SUFFIX.items() if re.search(pattern, path))
    media_type = next(by_suffix, None) or KNOWN_TYPES.guess_type(path)[0] or "application/octet-stream"
    return f"{media_type}; charset=utf-8" if media_type in UTF8_TYPES or media_type.startswith("text/") else media_type


def error_box(errors: tuple[str, ...]) -> bytes:
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in errors)
    return (f'<div class="vorschau-fehler" role="alert"><p class="vorschau-fehler__titel">{html.escape(ERROR_TITLE)}</p>'
            f"<ul>{items}</ul></div>").encode()


def with_preview(page: bytes, build: int, errors: tuple[str, ...]) -> bytes:
    """An HTML page with the preview's stylesheet and script in its head; while there are errors, the box first in its body."""
    head = (f'<link rel="stylesheet" href="{ROUTE}vorschau.css">'
            f'<script src="{ROUTE}vorschau.js" data-stand="{build}" defer></script>').encode()
    if errors:
        body = BODY_START.search(page)
        at = body.end() if body else 0
        page = page[:at] + error_box(errors) + page[at:]
    end = HEAD_END.search(page)
    return page[: end.start()] + head + page[end.start():] if end else head + page


class PreviewServer(ThreadingHTTPServer):
    """The preview's folder on 127.0.0.1, one thread a request (an open event stream holds one)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], folder: str, shown: Shown, overlay: Overlay) -> None:
        self.folder = folder
        self.shown = shown
        self.overlay = overlay
        super().__init__(address, PreviewHandler)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "newsroom-preview"

    def do_GET(self) -> None:
        self.respond(head_only=False)

    def do_HEAD(self) -> None:
        self.respond(head_only=True)

    def log_message(self, format: str, *args) -> None:  # the terminal is for builds and errors
        pass

    def respond(self, head_only: bool) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS:
            self.stream_events(head_only)
            return
        if path in ASSETS:
            body, media_type = ASSETS[path]
            self.send(HTTPStatus.OK, media_type, body, head_only)
            return
        found = self.resolve(path)
        if found is None:
            self.not_found(head_only)
        elif isinstance(found, Redirect):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", found.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_file(HTTPStatus.OK, found, head_only)

    def resolve(self, path: str) -> str | Redirect | None:
        """The file a URL path names (``/x/`` is ``/x/index.html``), a redirect for ``/x`` to ``/x/``, or None."""
        parts = [part for part in posixpath.normpath(unquote(path)).split("/") if part]
        if any(part.startswith(".") for part in parts):  # the render keys, the drafts mark: not part of the site
            return None
        folder = os.path.realpath(self.server.folder)
        file = os.path.realpath(os.path.join(folder, *parts))
        if not inside(file, folder):
            return None
        if os.path.isdir(file):
            if not path.endswith("/"):
                return Redirect(path + "/")
            file = os.path.join(file, "index.html")
        return file if os.path.isfile(file) or self.newer(file) is not None else None

    def newer(self, file: str) -> bytes | None:
        """The fast path's bytes for a file of the folder, if it holds newer ones (``Overlay``)."""
        return self.server.overlay.page(os.path.relpath(file, os.path.realpath(self.server.folder)).replace(os.sep, "/"))

    def not_found(self, head_only: bool) -> None:
        page = os.path.join(self.server.folder, NOT_FOUND_PAGE)
        if os.path.isfile(page):
            self.send_file(HTTPStatus.NOT_FOUND, page, head_only)
        else:
            self.send_page(HTTPStatus.NOT_FOUND, BARE_NOT_FOUND, head_only)

    def send_file(self, status: HTTPStatus, file: str, head_only: bool) -> None:
        body = self.newer(file)
        try:
            if body is None:
                with open(file, "rb") as handle:
                    body = handle.read()
        except OSError:  # swapped away by a build between finding and opening it: the new site has it or not
            self.not_found(head_only) if status == HTTPStatus.OK else self.send_page(status, BARE_NOT_FOUND, head_only)
            return
        if file.endswith(".html"):
            self.send_page(status, body, head_only)
        else:
            self.send(status, content_type(file), body, head_only)

    def send_page(self, status: HTTPStatus, body: bytes, head_only: bool) -> None:
        shown = self.server.shown
        self.send(status, HTML_TYPE, with_preview(body, shown.build, shown.errors), head_only)

    def send(self, status: HTTPStatus, media_type: str, body: bytes, head_only: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.site_headers()
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def site_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")  # a preview page is always asked for again

    def stream_events(self, head_only: bool) -> None:
        """Server-Sent Events: the number of the latest build now, then after every build."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.site_headers()
        self.end_headers()
        if head_only:
            return
        shown = self.server.shown
        build = shown.build
        try:
            self.wfile.write(f"retry: 500\nevent: stand\ndata: {build}\n\n".encode())
            self.wfile.flush()
            while True:
                latest = shown.after(build, KEEPALIVE_SECONDS)
                message = ": \n\n" if latest == build else f"event: stand\ndata: {latest}\n\n"
                build = latest
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


@dataclass(frozen=True)
class Redirect:
    location: str


def serve_preview(settings_file: str, content: str, output: str, host: str, port: int) -> None:
    """``invoke livereload``: serve ``output`` at ``host:port`` (0: a free port), built from ``content`` until Ctrl-C."""
    from pelican.log import init as init_logging

    init_logging(logging.WARNING)  # as the `pelican` command: warnings and errors
    preview = LivePreview(settings_file, content, output)
    try:
        server = PreviewServer((host, port), preview.output, preview.shown, preview.overlay)
    except OSError as error:
        raise PreviewRefused(f"cannot listen on {host}:{port} ({error.strerror}); pass another --port") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop = threading.Event()
    url = f"http://{host}:{server.server_address[1]}/"  # port 0: the free port the system chose
    try:
        preview.run(stop, ready=lambda: preview.say(READY.format(content=display_path(preview.content), url=url)))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
    print("Preview ended.", file=sys.stderr)
