"""Test-only Pelican plugin: after the first file is written, announce it and stall.

Lets a test kill a real `pelican` process at a known point in the middle of
writing its output (see tests/test_output.py).
"""

from __future__ import annotations

import time

from pelican import signals

STALL_SECONDS = 600
MARKER = "stalled after writing"


class Stall:
    def __init__(self) -> None:
        self.done = False

    def after_write(self, path, context=None) -> None:
        if self.done:
            return
        self.done = True
        print(MARKER, path, flush=True)
        time.sleep(STALL_SECONDS)


STALL = Stall()


def register() -> None:
    signals.content_written.connect(STALL.after_write)
