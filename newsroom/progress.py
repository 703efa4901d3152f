"""Progress lines for long builds: counts on a terminal, silence everywhere else.

An editor waiting for ten thousand releases wants to see that the build moves
("Gelesen: 4.200 von 10.000 Dateien"); CI logs and ``pelican --quiet`` want
nothing. A line is shown only when standard error is a terminal, the ``CI``
variable is unset and Pelican logs at least warnings; it is redrawn in place
at most ten times a second and ends with the final count.
"""

from __future__ import annotations

import logging
import os
import sys
import time

REDRAW_SECONDS = 0.1


def wanted() -> bool:
    if os.environ.get("CI") or not sys.stderr.isatty():
        return False
    return logging.getLogger().getEffectiveLevel() <= logging.WARNING


def german_count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class Progress:
    """``with Progress("Gelesen", total, "Dateien") as shown: shown.advance()``."""

    def __init__(self, label: str, total: int, unit: str) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.done = 0
        self.visible = wanted() and total > 0
        self.last_drawn = 0.0

    def __enter__(self) -> Progress:
        return self

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.visible and time.monotonic() - self.last_drawn >= REDRAW_SECONDS:
            self.draw()

    def draw(self, end: str = "") -> None:
        self.last_drawn = time.monotonic()
        sys.stderr.write(f"\r{self.label}: {german_count(self.done)} von {german_count(self.total)} {self.unit}{end}")
        sys.stderr.flush()

    def __exit__(self, *exc_info) -> None:
        if self.visible:
            self.draw(end="\n")
