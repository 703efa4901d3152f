"""The plugin: Pelican's signals in, one ``BuildState`` per run, each stage handed what it needs.

Receivers must be module-level functions or methods of module-level objects
(blinker holds them weakly), so one module-level ``Newsroom`` object receives
every signal; it owns the running build's state and nothing else. Classes
Pelican instantiates itself (the reader, the writer) get the state's parts
through a subclass made for this build (``for_build``).

While Pelican runs, files are written into a staging directory
(``pelican.output_path`` / a generator's ``output_path``); the output's
``publish`` swaps it in and runs last.
"""

from __future__ import annotations

import logging
import os
from functools import partial

from ..content.dates import JINJA_FILTERS
from ..content.preread import read_all
from ..content.reading import MARKDOWN_EXTENSIONS
from ..outputs import attachments
from ..outputs.compress import precompress
from ..outputs.feeds import FeedsGenerator
from ..outputs.redirects import RedirectGenerator
from ..outputs.search import index_site, installed_pagefind
from ..outputs.sitemap import sitemap_files
from ..outputs.social import add_jinja_globals
from ..settings import newsroom
from .archives import with_releases_generator
from .build import BuildState
from .crossfile import statics_from_outside
from .inputs import BuildInputs, nothing_to_build
from .ordering import link_neighbours
from .output import StagedOutput, SwallowedWriteFaults
from .reader import NewsroomReader
from .records import RecordUndefined
from .renderkeys import RenderKeys, load_keys
from .writing import NewsroomWriter, index_release_lists

SWALLOWED_WRITE_FAULTS = SwallowedWriteFaults()


class Newsroom:
    """Receives Pelican's signals for the running build."""

    def __init__(self) -> None:
        self.state: BuildState | None = None

    def initialized(self, pelican) -> None:
        """Make the build's state, and guard the run that follows.

        The output's ``failing_cleanly`` must enclose everything that writes,
        and Pelican has no signal around its run: ``pelican.run`` of this one
        instance is wrapped instead (Pelican calls it right after this signal).
        """
        output = StagedOutput()
        with output.failing_cleanly():
            # First: NEWSROOM is checked once, and every stage after reads the checked settings.
            self.state = state = BuildState.start(pelican.settings)
            state.output = output
            if not state.ready:  # bad settings, or a link out of the content folder: stop before any stage reads
                state.stop_on_errors()
            installed_pagefind()  # the search stage's binary: missing or another version, the build stops before it reads
            target = os.path.abspath(pelican.output_path)
            with state.times.stage("inputs"):
                state.inputs = BuildInputs.of(pelican.settings)
                state.inputs_digest = state.inputs.digest()
                state.live_keys = load_keys(target)
            built = state.live_keys.build
            if built and built.holds(state.inputs_digest, state.clock.now) and state.live_keys.all_present(target):
                pelican.run = partial(nothing_to_build, target, state.times)
                return
            pelican.settings.setdefault("JINJA_FILTERS", {}).update(JINJA_FILTERS)
            # A page is rendered from its record alone (newsroom.site.records): a name outside it must fail, not render blank.
            environment = pelican.settings.get("JINJA_ENVIRONMENT", {})
            pelican.settings["JINJA_ENVIRONMENT"] = {**environment, "undefined": RecordUndefined}
            add_jinja_globals(pelican.settings)
            pelican.settings["JINJA_GLOBALS"]["sign_language_video"] = attachments.sign_language_video(pelican.settings)
            output.start(pelican)
            # Pelican names its article generator itself, no signal replaces it: this instance's list is rewritten.
            generator_classes = pelican._get_generator_classes
            pelican._get_generator_classes = lambda: with_releases_generator(generator_classes())
        pelican.run = output.failing_cleanly()(pelican.run)

    def readers_init(self, readers) -> None:
        """Every Markdown extension goes through the strict reader."""
        for extension in MARKDOWN_EXTENSIONS:
            readers.reader_classes[extension] = NewsroomReader.for_build(self.state)

    def article_generator_init(self, generator) -> None:
        """Read every source ahead, on all cores, before Pelican asks for the first file."""
        self.state.times.since_mark("other")
        with self.state.times.stage("reading"):
            self.state.sources, _ = read_all(generator.settings, self.state.registries)

    def get_generators(self, pelican) -> list[type]:
        return [FeedsGenerator, RedirectGenerator]

    def static_generator_finalized(self, generator) -> None:
        """Nothing from outside the content folder is copied, nor media only held-back releases use, nor any raw image."""
        escaped = statics_from_outside(generator)
        if escaped and not self.state.errors:  # the link check stops such a build first; this is the second lock
            self.state.errors.append(escaped[0])
        self.state.clock.hold_back_media(generator)
        self.state.images.take_statics(generator)

    def all_generators_finalized(self, generators) -> None:
        """Cross-page checks, then cards and images (a picture that cannot be made stops the build), then any stop."""
        state, times = self.state, self.state.times
        times.since_mark("context")
        with times.stage("checks"):
            state.errors.extend(state.clock.link_errors(generators))
            state.errors.extend(state.links.report(state.registries))
        if not state.all_errors():
            with times.stage("cards"):
                state.errors.extend(state.cards.prepare(generators))
        if not state.all_errors():
            with times.stage("images"):
                state.errors.extend(state.images.prepare(generators))
        state.stop_on_errors()
        state.attachments = attachments.planned(generators, state.settings)
        with times.stage("keys"):
            state.keys = RenderKeys(state.settings, state.registries, state.assets.published, state.live_keys)
        for generator in generators:
            if isinstance(generator, FeedsGenerator):
                generator.generate_output = times.timed("feeds", generator.generate_output)

    def get_writer(self, pelican) -> type:
        return NewsroomWriter.for_build(self.state.pages, self.state.output, self.state.keys)

    def content_written(self, path, context=None) -> None:
        self.state.written.record(path, context)

    def finalized(self, pelican) -> None:
        """Pages first (the sitemap and Pagefind need them), then everything made from the written site, compression last."""
        state, site, times = self.state, pelican.output_path, self.state.times
        times.since_mark("other")
        keys = state.keys
        with times.stage("keys"):
            stale = state.pages.keyed(state.output, keys)
        keep = getattr(pelican, "keep_release_pages", None)  # the live preview's (newsroom.site.writing)
        kept = state.pages.release_pages(pelican.settings, keys.records.site_digest) if keep else None
        with times.stage("rendering"):
            state.pages.flush(state.output, stale)
            state.assets.write(state.output, site)
        with times.stage("cards"):
            state.cards.write(state.output, site)
        attachments.write(state.output, site, state.attachments)
        with times.stage("images"):
            state.images.write(state.output, site)
        with times.stage("sitemap"):
            for name, data in sitemap_files(pelican.settings, state.written).items():
                state.output.place(os.path.join(site, name), data)
        with times.stage("search"):
            index_site(state.output, site, [page.release for page in state.written.releases()])
        with times.stage("compress"):
            precompress(state.output, site)
        if newsroom(pelican.settings).preview_drafts:
            state.output.mark_drafts_preview(site)
        with times.stage("inputs"):
            keys.build = state.build_key()
        keys.write(state.output, site)
        with times.stage("output swap"):
            state.output.publish(pelican)
        if keep:
            keep(kept)
        times.report()


PLUGIN = Newsroom()


def connect(signals) -> None:
    """Connect the plugin's receivers to Pelican's signals, in pipeline order."""
    logging.getLogger("pelican.utils").addFilter(SWALLOWED_WRITE_FAULTS)
    signals.initialized.connect(PLUGIN.initialized)
    signals.readers_init.connect(PLUGIN.readers_init)
    signals.article_generator_init.connect(PLUGIN.article_generator_init)
    signals.get_generators.connect(PLUGIN.get_generators)
    signals.article_generator_finalized.connect(link_neighbours)
    signals.article_generator_finalized.connect(index_release_lists)
    signals.static_generator_finalized.connect(PLUGIN.static_generator_finalized)
    signals.all_generators_finalized.connect(PLUGIN.all_generators_finalized)
    signals.get_writer.connect(PLUGIN.get_writer)
    signals.content_written.connect(PLUGIN.content_written)
    signals.finalized.connect(PLUGIN.finalized)
