"""The state of one build: every stage's part, created when Pelican initialises and dropped with it.

``BuildState`` is made fresh for each run (``BuildState.start``), so
autoreload and tests never see a previous build, and nothing is reset by
hand. It holds what the stages share — the settings, the errors found so far,
the registries, the sources read ahead, the releases admitted — and one
object per stage that keeps something from one signal to a later one (clock,
links, cards, images, output, theme files, written pages). Stages take their inputs
and return their outputs; ``newsroom.site.plugin`` hands them over.

``admit`` is the one way from a read source to the build's knowledge of it:
the Pelican reader and ``invoke check`` both call it, so both see the same
releases and report the same errors.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..content.confine import refused_links
from ..content.reading import Source
from ..content.registry import Registries, load_registries
from ..content.release import Release
from ..errors import ContentError, stop
from ..outputs.links import Links
from ..outputs.sitemap import WrittenPages
from ..settings import configure, data_dir, newsroom
from .assets import Assets
from .clock import BuildClock, read_now
from .crossfile import CrossFileChecks, stray_files
from .output import StagedOutput
from .stagetimes import StageTimes

if TYPE_CHECKING:  # imported by ``start`` when they are set up: ``invoke check`` sets up no stage that writes
    from ..outputs.cards.stage import CardStage
    from ..outputs.images.stage import ImageStage
    from .inputs import BuildInputs, BuildKey
    from .renderkeys import LiveKeys, RenderKeys
    from .writing import PendingPages


@dataclass
class Admitted:
    """What the build made of one valid source: its Release (None for a page) and how it is shown."""

    release: Release | None
    visibility: dict  # Pelican status and the theme's flags (``BuildClock.visibility``)

    @property
    def public(self) -> bool:
        return self.visibility["status"] != "skip"


@dataclass
class BuildState:
    """Everything one build knows, from its settings to the pages it wrote."""

    settings: dict
    ready: bool = True  # NEWSROOM is right, and no symbolic link leads out of the content folder
    errors: list[ContentError] = field(default_factory=list)
    registries: Registries = field(default_factory=Registries)
    sources: dict[str, Source] = field(default_factory=dict)  # absolute path → Source, read ahead
    releases: list[Release] = field(default_factory=list)
    clock: BuildClock | None = None
    crossfile: CrossFileChecks | None = None
    links: Links | None = None
    cards: CardStage | None = None
    images: ImageStage | None = None
    assets: Assets | None = None
    written: WrittenPages | None = None
    pages: PendingPages | None = None
    attachments: dict[str, str] = field(default_factory=dict)  # published path → source file, once planned
    output: StagedOutput = field(default_factory=StagedOutput)
    times: StageTimes = field(default_factory=StageTimes)
    inputs: BuildInputs | None = None
    inputs_digest: str | None = None  # when the build started (``newsroom.site.inputs``)
    live_keys: LiveKeys | None = None  # the live site's (``newsroom.site.renderkeys``), read when the build starts
    keys: RenderKeys | None = None  # this build's, made once the context is complete

    @classmethod
    def start(cls, settings: dict, now: dt.datetime | None = None, writing: bool = True) -> BuildState:
        """Check NEWSROOM (once per build), look for links out of the content folder, then set up every stage.

        When a setting is wrong or a link leads out, nothing else is read (not
        even the registries, which may be such a link): ``ready`` is false and
        the caller stops at once. Then the clock is read (``now``, else
        ``NEWSROOM_NOW`` or the real time; a bad ``NEWSROOM_NOW`` raises here,
        before anything is created). Without ``writing`` (``invoke check``)
        only the stages that read and compare are set up.
        """
        state = cls(settings)
        state.errors.extend(configure(settings))
        state.errors.extend(refused_links(settings["PATH"]))
        state.ready = not state.errors
        if not state.ready:
            return state
        state.clock = BuildClock(settings, now or read_now())
        options = newsroom(settings)
        state.registries = load_registries(data_dir(settings), options.default_contact)
        state.errors.extend(state.registries.errors)
        state.errors.extend(stray_files(os.path.join(settings["PATH"], options.releases_dir)))
        state.crossfile = CrossFileChecks(settings)
        state.links = Links.read(settings)
        if not writing:
            return state
        from ..outputs.cards.stage import CardStage
        from ..outputs.images.stage import ImageStage
        from .writing import PendingPages

        state.cards = CardStage(settings)
        state.images = ImageStage(settings)
        state.assets = Assets.read(settings)
        state.written = WrittenPages(settings)
        state.pages = PendingPages(settings)
        return state

    def admit(self, source: Source, full_path: str) -> Admitted | None:
        """Take in one read source: keep its errors, or make its Release and record it with every stage that compares files."""
        self.errors.extend(source.errors)
        if source.errors:
            return None
        release = Release.from_source(source, self.settings) if source.kind == "release" else None
        if release:
            self.releases.append(release)
        return self.record(source, release, full_path)

    def record(self, source, release, full_path: str) -> Admitted:
        """Record one valid source with every stage that compares files (``invoke check --changed`` replays its index here)."""
        if release:
            self.crossfile.record_release(release)
        else:
            self.crossfile.record_page(source)
        visibility = self.clock.visibility(source, release, full_path)
        admitted = Admitted(release, visibility)
        self.links.record(source, release, admitted.public)
        return admitted

    def build_key(self) -> BuildKey | None:
        """The whole build's key, if its inputs are as they were when it started: the span of time they hold for."""
        from .inputs import BuildKey, clock_window

        if self.inputs_digest is None or self.inputs.digest() != self.inputs_digest:
            return None
        return BuildKey(self.inputs_digest, *clock_window([release.date for release in self.releases], self.clock.now))

    def all_errors(self) -> list[ContentError]:
        """Every error so far, the cross-file ones included."""
        return self.errors + (self.crossfile.errors() if self.crossfile else [])

    def stop_on_errors(self) -> None:
        """Raise ContentErrors (after printing them) if any file had a problem."""
        errors = self.all_errors()
        if errors:
            stop(errors)
