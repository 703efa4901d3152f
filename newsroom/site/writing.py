"""Page writing: the pages rendered on every core, unchanged files left as they were.

Pelican renders its pages with Jinja one after another on one core; at
10,000 releases (15,000 pages) that is about 20 seconds of one busy core. ``NewsroomWriter`` (Pelican's
writer, handed over by ``get_writer``) therefore only notes each page a
generator asks for, split into numbered pages (``pagination.py``), and
``PendingPages.flush``, the first receiver of ``finalized``, renders them all: this
process takes one share and forked workers the others. Forked workers inherit
the releases, templates and settings as they are, so nothing but progress
counts travels between the processes. Every page goes through
``StagedOutput.place``, so a page whose bytes did not change is a hardlink to the
live site's file rather than a new file.

After rendering, ``content_written`` is sent from this process for every page,
in the order the generators asked for them and with the context Pelican would
have sent, so the sitemap sees exactly what it saw before. A noted page keeps
a shallow copy of the shared context as it was when it was asked for (Pelican
changes that context while later generators run); pages asked for with an
unchanged context share one copy. Receivers of ``article_writer_finalized``
and ``page_writer_finalized`` run before the pages exist on disk; nothing in
this project listens to them.

A Pelican instance with a ``keep_release_pages`` attribute (the live preview
sets it, ``newsroom.tools.livepreview``) is handed, once the site is swapped
in, the ``ReleasePages`` of that build (``newsroom.site.plugin``,
``finalized``): what rendering one release page again needs.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from operator import is_

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from ..processes import die_with_parent, shared_heap
from ..progress import Progress
from ..settings import newsroom
from .output import is_fault
from .pagination import paginate, per_page
from .records import Records
from .renderkeys import RenderKeys

# Below this many pages per process, forking costs more than it saves.
PAGES_PER_WORKER_MIN = 20
# Workers report their progress in batches of this many pages.
PROGRESS_BATCH = 50
REUSE_SUMMARY = "Pages: %d linked from the live site, %d rendered"

logger = logging.getLogger(__name__)


class RenderError(RuntimeError):
    """A page could not be rendered in a worker process; the message carries the worker's traceback."""


@dataclass(slots=True)
class PendingPage:
    """One page to render: its file, its template and its template context in two parts."""

    path: str  # inside the staging folder
    template: object
    shared: dict  # the context the generator passed; Pelican sets its localsiteurl before rendering
    snapshot: dict  # a shallow copy of ``shared`` as it was when the page was asked for
    own: dict  # output_file, localsiteurl (and SITEURL for relative URLs), the generator's variables
    record: dict | None = None  # what the template is rendered with besides the settings (``newsroom.site.records``)
    key: str = ""
    settings: dict = field(default_factory=dict)  # the build's, shared: a copy per page would hold 10 KB each

    def context(self) -> dict:
        return {**self.snapshot, **self.own}

    def make_record(self, records: Records) -> None:
        context = self.context()
        if context["localsiteurl"]:
            # Releases compute their links from the shared context's localsiteurl.
            self.shared["localsiteurl"] = context["localsiteurl"]
        self.record, self.key = records.record(self.template, context)
        self.settings = records.settings

    def html(self) -> bytes:
        """The page's bytes, rendered from its record over the settings."""
        return self.template.render({**self.settings, **self.record}).encode("utf-8")

    def write(self, output) -> None:
        output.place(self.path, self.html())


def numbered_pages(settings: dict, name: str, url, template_name, paginated, variables: dict) -> list[tuple[str, dict]]:
    """(file, template variables) of each page of a list, split by ``pagination.paginate`` (``{key}_page``)."""
    if paginated is None:
        paginated = {key: value for key, value in variables.items() if key in ("articles", "dates")}
    if not paginated:
        return [(name, variables)]
    # A list not split is one root page: templates read a list only through ``{key}_page``, never the whole list.
    size = per_page(settings, template_name) or 0
    splits = {key: paginate(settings, name, url, items, size) for key, items in paginated.items()}
    pages = []
    for index, page in enumerate(next(iter(splits.values()))):
        page_variables = dict(variables)
        for key, split in splits.items():
            page_variables[f"{key}_page"] = split[index]
        pages.append((page.save_as, page_variables))
    return pages


def work(pages: list[PendingPage], output, connection, parent: int) -> None:
    """A forked worker: write its share, report progress in batches, then None (done) or the failure.

    A worker whose build was killed is killed with it (``die_with_parent``)
    or, where that is not available, stops at the next page: it would write
    into a staging folder the next build removes. A fault of the machine (a
    full disk) travels as the OSError itself, for the build's one-line message.
    """
    page = None
    try:
        die_with_parent(parent)
        for done, page in enumerate(pages, start=1):
            if os.getppid() != parent:
                return
            page.write(output)
            if done % PROGRESS_BATCH == 0:
                connection.send(PROGRESS_BATCH)
        connection.send(len(pages) % PROGRESS_BATCH)
        connection.send(None)
    except BaseException as error:
        connection.send(error if is_fault(error) else f"{page.path if page else 'a worker'}:\n{traceback.format_exc()}")
    finally:
        connection.close()


class Workers:
    """Forked processes writing their shares; this process hears their progress and failures."""

    def __init__(self, shares: list[list[PendingPage]], output, shown: Progress) -> None:
        self.shown = shown
        self.running: dict = {}  # receiving end of a worker's pipe → the worker
        fork = multiprocessing.get_context("fork")
        for share in shares:
            receiver, sender = fork.Pipe(duplex=False)
            process = fork.Process(target=work, args=(share, output, sender, os.getpid()), daemon=True)
            process.start()
            sender.close()
            self.running[receiver] = process

    def listen(self, timeout: float | None) -> None:
        """Take the messages that arrived (waiting up to ``timeout`` seconds for the first); raise on a failure."""
        for receiver in wait(list(self.running), timeout):
            try:
                message = receiver.recv()
            except EOFError:
                message = f"a page-writing worker ended with exit status {self.finish(receiver)} before it was done"
            if isinstance(message, int):
                self.shown.advance(message)
            elif message is None:
                self.finish(receiver)
            else:
                if receiver in self.running:
                    self.finish(receiver)
                if isinstance(message, OSError):
                    raise message
                raise RenderError("page rendering failed in a worker process: " + message)

    def finish(self, receiver) -> int | None:
        process = self.running.pop(receiver)
        receiver.close()
        process.join()
        return process.exitcode

    def wait_for_all(self) -> None:
        while self.running:
            self.listen(None)

    def stop(self) -> None:
        for receiver, process in list(self.running.items()):
            process.kill()
            self.finish(receiver)


@dataclass(frozen=True)
class ReleasePages:
    """What a finished build leaves to render one release page again: each page's parts and the build's settings and digest.

    ``pages`` maps a release's source file (absolute) to its page as noted,
    without its record; its ``own`` holds the ``article`` (whose context is
    the article generator's, for Pelican's links in ``article.content``).
    """

    settings: dict
    site_digest: str
    pages: dict[str, PendingPage]


class PendingPages:
    """The pages of the running build, noted by the writer and written by ``flush``."""

    def __init__(self, settings: dict) -> None:
        self.workers = newsroom(settings).writing.workers or os.cpu_count() or 1
        self.pages: list[PendingPage] = []  # every page asked for, in order, skipped ones too
        self.landing: dict[str, PendingPage] = {}  # file → the page whose bytes end up in it
        self.overridden: set[str] = set()
        self.snapshots: dict[int, dict] = {}  # id of a context → its latest shallow copy

    def claim(self, path: str, override: bool) -> bool:
        """Pelican's rule for a file asked for twice: only an override replaces it, once; later requests are skipped."""
        if path in self.overridden:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{path}" a second time (was previously overwritten)')
            logger.info('Skipping "%s", not overwriting', path)
            return False
        if path in self.landing:
            if not override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{path}" as Pelican has already written to it previously (set `override=True` '
                    'if intended)'
                )
            logger.info('Overwriting "%s"', path)
        if override:
            self.overridden.add(path)
        return True

    def snapshot(self, context: dict) -> dict:
        """A shallow copy of ``context``; the previous one while nothing in it was replaced."""
        known = self.snapshots.get(id(context))
        # Same names, and the same object under each (values of both in the same order, as a copy keeps them).
        if known is not None and known.keys() == context.keys() and all(map(is_, known.values(), context.values())):
            return known
        self.snapshots[id(context)] = copy = dict(context)
        return copy

    def add(
        self, output_path: str, name: str, template, context: dict, relative_urls: bool, override: bool, variables: dict
    ) -> None:
        path = sanitised_join(output_path, name)
        lands = self.claim(path, override)
        own = {"localsiteurl": context.get("localsiteurl")}
        if relative_urls:
            own["SITEURL"] = own["localsiteurl"] = path_to_url(get_relative_path(name))
        own["output_file"] = name
        own.update(variables)
        page = PendingPage(path, template, context, self.snapshot(context), own)
        if own["localsiteurl"]:
            context["localsiteurl"] = own["localsiteurl"]  # what Pelican's writer does before each page
        self.pages.append(page)
        if lands:
            self.landing[path] = page

    def keyed(self, output, keys: RenderKeys) -> list[PendingPage]:
        """Key every noted page and link those whose key equals the one the live site's file was rendered with.

        The pages left, to render with ``flush``.
        """
        stale = []
        for page in self.landing.values():
            page.make_record(keys.records)
            if keys.reuse(output, page.path, page.key):
                page.record = None  # linked: nothing left to render it with
            else:
                stale.append(page)
        logger.info(REUSE_SUMMARY, len(self.landing) - len(stale), len(stale))
        return stale

    def release_pages(self, settings: dict, site_digest: str) -> ReleasePages:
        """The release pages noted (what lands in each release's file), by source file, before ``flush`` forgets them."""
        pages = {}
        for page in self.landing.values():
            article = page.own.get("article")
            if article is not None and getattr(article, "release", None) is not None:
                pages[article.source_path] = PendingPage(page.path, page.template, page.shared, page.snapshot, page.own)
        return ReleasePages(settings, site_digest, pages)

    def flush(self, output, pages: list[PendingPage]) -> None:
        """Write ``pages`` through ``output`` (first of ``finalized``), then announce every noted page."""
        workers = max(1, min(self.workers, len(pages) // PAGES_PER_WORKER_MIN))
        with Progress("Geschrieben", len(pages), "Seiten") as shown:
            if workers == 1:
                for page in pages:
                    page.write(output)
                    shown.advance()
            else:
                write_in_parallel(pages, workers, output, shown)
        for page in self.pages:
            logger.info('Writing "%s"', page.path)
            signals.content_written.send(page.path, context=page.context())
        self.pages, self.landing, self.snapshots = [], {}, {}


def write_in_parallel(pages: list[PendingPage], workers: int, output, shown: Progress) -> None:
    """This process writes every n-th page, forked workers the others (interleaved, so lists and releases mix)."""
    shares = [pages[index::workers] for index in range(workers)]
    with shared_heap():
        helpers = Workers(shares[1:], output, shown)
        try:
            for done, page in enumerate(shares[0], start=1):
                page.write(output)
                shown.advance()
                if done % PROGRESS_BATCH == 0:
                    helpers.listen(0)
            helpers.wait_for_all()
        finally:
            helpers.stop()


class NewsroomWriter(Writer):
    """Pelican's writer, except that pages are noted here and written by ``PendingPages.flush``.

    ``pages`` and ``output`` are the running build's: set on the class the
    plugin hands to Pelican for this build (``for_build``). Generators that
    write bytes of their own (feeds) put them through ``place``.
    """

    pages: PendingPages | None = None
    output = None
    keys: RenderKeys | None = None
    entry_keys: dict[int, str] | None = None  # id of a release → the key of its feed entry

    @classmethod
    def for_build(cls, pages: PendingPages, output, keys: RenderKeys) -> type[NewsroomWriter]:
        return type(cls.__name__, (cls,), {"pages": pages, "output": output, "keys": keys, "entry_keys": {}})

    def place(self, path: str, data: bytes) -> None:
        self.output.place(path, data)

    def place_unless_live(self, path: str, made_of: tuple, make) -> None:
        """Write ``make()`` at ``path``, or link the live file if it was made of the same ``made_of`` (and settings and code)."""
        key = self.keys.records.key_of(os.path.basename(path), made_of)
        if not self.keys.reuse(self.output, path, key):
            self.output.place(path, make())

    def entry_key(self, template, context: dict, article) -> str:
        """The key of ``template`` rendered for one release in ``context``, once per release and build."""
        if id(article) not in self.entry_keys:
            self.entry_keys[id(article)] = self.keys.records.record(template, {**context, "article": article})[1]
        return self.entry_keys[id(article)]

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **variables,
    ):
        if not name:
            return
        for save_as, page_variables in numbered_pages(self.settings, name, url, template_name, paginated, variables):
            self.pages.add(self.output_path, save_as, template, context, relative_urls, override_output, page_variables)


class ReleaseList(list):
    """A topic's, department's or author's releases, answering ``release in releases`` without a scan.

    For every topic, department and author Pelican picks its releases out of
    all of them with ``release in releases`` (generators.py, ``generate_tags``,
    ``generate_categories``, ``generate_authors``): quadratic, seconds at
    10,000 releases, two minutes at 100,000 for the one author. Releases
    compare by identity (Pelican's content classes define no ``__eq__``), so a
    set of ids gives the same answer. The lists are final once the article
    generator has finished.
    """

    __slots__ = ("ids",)

    def __init__(self, releases) -> None:
        super().__init__(releases)
        self.ids = frozenset(map(id, self))

    def __contains__(self, item) -> bool:
        return id(item) in self.ids


def index_release_lists(generator) -> None:
    """Receiver of ``article_generator_finalized``: topic, department and author lists as ``ReleaseList``."""
    generator.tags = {tag: ReleaseList(releases) for tag, releases in generator.tags.items()}
    generator.categories = [(category, ReleaseList(releases)) for category, releases in generator.categories]
    # The author's list too: Pelican scans it although AUTHOR_SAVE_AS writes no author page.
    generator.authors = [(author, ReleaseList(releases)) for author, releases in generator.authors]
    generator.context["authors"] = generator.authors
    generator.context["tags"] = list(generator.tags.items())
    generator.context["categories"] = generator.categories


