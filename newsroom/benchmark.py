"""``invoke bench-cards``: what social cards cost — bytes per card and seconds, cold and warm.

Builds a copy of the content (plus generated releases, to see the process
pool at work) twice into a temporary folder: once with an empty card cache
and once with the cache the first build left. Prints a table; never asserts.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time

from pelican import Pelican
from pelican.settings import read_settings

from .cards import CARDS
from .registry import load_registries
from .settings import data_dir, newsroom_settings


def add_generated_releases(settings_file: str, content: str, count: int) -> None:
    """``count`` releases of the year 2000 with titles of varied length, in the first department."""
    settings = read_settings(settings_file, override={"PATH": content})
    department = min(load_registries(data_dir(settings), newsroom_settings(settings)["default_contact"]).departments)
    folder = os.path.join(content, "releases", "benchmark")
    os.makedirs(folder, exist_ok=True)
    words = "Bezirksamt informiert über neue Öffnungszeiten der Bürgerämter und die Sanierung der Grundschule am Markt".split()
    for number in range(1, count + 1):
        title = " ".join(words[: 3 + number % (len(words) - 3)]) + f" ({number})"
        with open(os.path.join(folder, f"meldung-{number}.md"), "w", encoding="utf-8") as handle:
            handle.write(f'---\ntitle: "{title}"\ndate: 2000-01-01 10:00\nnumber: "{number}/2000"\ndepartment: {department}\nslug: meldung-{number}\n---\nText.\n')


def timed_build(settings_file: str, content: str, output: str, cache: str, workers: int) -> float:
    base = read_settings(settings_file)
    newsroom = {**base.get("NEWSROOM", {}), "cards": {**base.get("NEWSROOM", {}).get("cards", {}), "cache_dir": cache, "workers": workers}}
    settings = read_settings(settings_file, override={"PATH": content, "OUTPUT_PATH": output, "NEWSROOM": newsroom})
    started = time.perf_counter()
    Pelican(settings).run()
    return time.perf_counter() - started


def bench_cards(settings_file: str, content: str, extra: int, workers: int) -> list[str]:
    """Rows of the table: build and card times cold and warm, and card sizes."""
    rows = [f"{'build':<6} {'cards':>6} {'drawn':>6} {'reused':>6} {'card stage s':>13} {'ms per drawn card':>18} {'whole build s':>14}"]
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "content")
        shutil.copytree(content, copy)
        if extra:
            add_generated_releases(settings_file, copy, extra)
        cache, output = os.path.join(scratch, "cache"), os.path.join(scratch, "output")
        for name in ("cold", "warm"):
            total = timed_build(settings_file, copy, output, cache, workers)
            per_card = f"{1000 * CARDS.seconds / CARDS.drawn:.1f}" if CARDS.drawn else "–"
            cards = CARDS.drawn + CARDS.reused
            rows.append(f"{name:<6} {cards:>6} {CARDS.drawn:>6} {CARDS.reused:>6} {CARDS.seconds:>13.3f} {per_card:>18} {total:>14.2f}")
        folder = os.path.join(output, "karten")
        sizes = sorted(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))
    rows.append(f"card bytes: min {sizes[0]}, median {statistics.median(sizes):.0f}, max {sizes[-1]} ({len(sizes)} cards)")
    rows.append(f"workers: {workers or os.cpu_count()}, load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return rows
