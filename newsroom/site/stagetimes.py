"""Where a build's time goes: wall and CPU seconds per stage, logged once at its end for ``invoke bench``.

CPU seconds are this process's; the forked workers that read sources, draw
cards, encode images and render pages add theirs to the stage's wall time
only. Whatever no stage claims (Pelican's start, noting pages, redirects)
is reported as ``other``, so the stages add up to the whole build.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time

STAGES = ("inputs", "reading", "context", "checks", "cards", "images", "keys", "rendering", "feeds", "sitemap", "search",
          "compress", "output swap", "other")
SUMMARY = "Stage times (wall s, CPU s): %s"

logger = logging.getLogger(__name__)


class StageTimes:
    """Seconds per stage of one build, from ``start`` (Pelican initialised) to ``report``."""

    def __init__(self) -> None:
        self.started = (time.perf_counter(), time.process_time())
        self.mark = self.started
        self.seconds: dict[str, list[float]] = {name: [0.0, 0.0] for name in STAGES}

    def since_mark(self, name: str) -> None:
        """Give the time since the last stage ended (or the build started) to ``name``."""
        now = (time.perf_counter(), time.process_time())
        self._add(name, now[0] - self.mark[0], now[1] - self.mark[1])
        self.mark = now

    @contextlib.contextmanager
    def stage(self, name: str):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self._add(name, time.perf_counter() - wall, time.process_time() - cpu)
            self.mark = (time.perf_counter(), time.process_time())

    def timed(self, name: str, function):
        """``function`` wrapped so that each call counts towards ``name``."""

        def run(*args, **kwargs):
            with self.stage(name):
                return function(*args, **kwargs)

        return run

    def _add(self, name: str, wall: float, cpu: float) -> None:
        self.seconds[name][0] += wall
        self.seconds[name][1] += cpu

    def report(self) -> None:
        total_wall = time.perf_counter() - self.started[0]
        total_cpu = time.process_time() - self.started[1]
        named = [name for name in STAGES if name != "other"]
        self.seconds["other"] = [
            max(0.0, total_wall - sum(self.seconds[name][0] for name in named)),
            max(0.0, total_cpu - sum(self.seconds[name][1] for name in named)),
        ]
        logger.info(SUMMARY, json.dumps({name: [round(w, 3), round(c, 3)] for name, (w, c) in self.seconds.items()}))
