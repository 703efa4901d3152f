"""Caches are untrusted input: CI restores them, and whoever can write them must not run code or change the site.

Every test damages a cache the way a careless tool or a crafted merge
request could, builds again, and checks that the build succeeds with one
warning naming the cache file, publishes exactly what a clean build
publishes, and touches nothing outside the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
from pathlib import Path

import pytest
from PIL import Image

from newsroom.content import preread
from newsroom.outputs.cards import stage
from newsroom.outputs.cards.cache import card_file_name

from helpers import build, card_counts, rebuild_digest, sources_read, tree_digest

WITHDRAWN_RELEASE = """---
title: Sprechstunde im Rathaus fällt aus
date: 2024-03-04 09:00
number: "90/2024"
department: umwelt
image: images/rathaus.png
image_alt: Das Rathaus am Marktplatz
image_focus: [0.25, 0.75]
status: withdrawn
withdrawn: 2024-03-05 12:00
withdrawal_reason: Der Termin wurde verlegt.
---
Die Sprechstunde am Donnerstag fällt aus.
"""

CORRECTED_RELEASE = """---
title: Neue Öffnungszeiten der Bibliothek
date: 2024-05-02 08:00
number: "150/2024"
department: umwelt
id: "tag:presse.example.org,2024:pm-150-2024"
aliases: [/pressemitteilungen/2024/150-alte-zeiten/]
corrections:
  - {date: 2024-05-03 10:15, note: Uhrzeit am Samstag korrigiert.}
  - {date: 2024-10-27 02:30, note: Telefonnummer ergänzt.}
---
Die Stadtbibliothek öffnet ab Juni schon um 9 Uhr.
"""


class Planted:
    """A pickle that creates a marker file when it is loaded: what a crafted cache would do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "x"))


def options(tmp_path: Path) -> dict:
    """NEWSROOM settings with both caches in the test's folder."""
    from pelican.settings import read_settings

    from helpers import SETTINGS

    base = read_settings(str(SETTINGS))["NEWSROOM"]
    cards_options = {**base.get("cards", {}), "cache_dir": str(tmp_path / "cache" / "cards")}
    return {**base, "content_cache_dir": str(tmp_path / "cache" / "content"), "cards": cards_options}


def cache_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and re.search(r"\bcache\b", record.getMessage(), re.IGNORECASE)
    ]


def content_cache(tmp_path: Path) -> Path:
    (path,) = (tmp_path / "cache" / "content").glob("sources-*.v1")
    return path


def clean_build(site: Path, tmp_path: Path, caplog) -> dict[str, str]:
    """Build once with fresh caches; the digest of what it published."""
    build(site, tmp_path / "clean", NEWSROOM=options(tmp_path))
    caplog.clear()
    return rebuild_digest(tmp_path / "clean")


def source_count(site: Path) -> int:
    return len(list(site.rglob("*.md")))


def assert_rebuilt(site: Path, tmp_path: Path, caplog, clean: dict[str, str], problem: str, read: int | None = None) -> None:
    """Build again: it succeeds with one warning naming the problem, and publishes what the clean build published."""
    output = tmp_path / "again"
    build(site, output, NEWSROOM=options(tmp_path))
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1 and problem in warnings[0], warnings
    assert rebuild_digest(output) == clean
    if read is not None:
        assert sources_read()[0] == read


# --- The content cache -------------------------------------------------------------


def test_cached_values_of_every_kind_come_back_as_read(site, tmp_path, caplog):
    """Datetimes (across the end of summer time), tuples, corrections, aliases, a focal point, a withdrawal."""
    (site / "images").mkdir()
    Image.new("RGB", (900, 600), "darkgreen").save(site / "images" / "rathaus.png")
    (site / "releases" / "2024" / "ausfall.md").write_text(WITHDRAWN_RELEASE, encoding="utf-8")
    (site / "releases" / "2024" / "bibliothek.md").write_text(CORRECTED_RELEASE, encoding="utf-8")
    clean = clean_build(site, tmp_path, caplog)
    build(site, tmp_path / "again", NEWSROOM=options(tmp_path))
    assert sources_read() == (0, source_count(site))
    assert rebuild_digest(tmp_path / "again") == clean and not cache_warnings(caplog)


@pytest.mark.parametrize("where", ["current", "pickle of old"])
def test_a_pickle_in_the_cache_runs_no_code(site, tmp_path, caplog, where):
    clean = clean_build(site, tmp_path, caplog)
    marker = tmp_path / "von-pickle-angelegt.txt"
    cache = content_cache(tmp_path)
    target = cache if where == "current" else cache.with_suffix(".pickle")  # where the old code looked
    target.write_bytes(pickle.dumps({"schluessel": Planted(marker)}))
    expected = f"{cache.name} is not a newsroom content cache" if where == "current" else None
    output = tmp_path / "again"
    build(site, output, NEWSROOM=options(tmp_path))
    assert not marker.exists()
    assert rebuild_digest(output) == clean
    if expected:
        warnings = cache_warnings(caplog)
        assert len(warnings) == 1 and expected in warnings[0], warnings
        assert sources_read()[0] == source_count(site)
    else:
        assert not cache_warnings(caplog) and sources_read()[0] == 0  # the pickle was not even opened
    build(site, tmp_path / "third", NEWSROOM=options(tmp_path))  # a folder of its own: the same inputs would build nothing
    assert sources_read()[0] == 0  # rebuilt


def signed(key: bytes, payload: bytes) -> bytes:
    """A cache line with a correct digest, as the build writes it."""
    return b"%s %s %s\n" % (key, preread.entry_digest(key, payload), payload)


def first_key(cache: Path) -> bytes:
    return cache.read_bytes().split(b"\n")[1].split(b" ", 1)[0]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (lambda cache: os.urandom(4096), "is not a newsroom content cache"),
        (lambda cache: b"", "is not a newsroom content cache"),
        (lambda cache: json.dumps({"sources": []}).encode(), "is not a newsroom content cache"),
        (lambda cache: preread.CACHE_FORMAT + b"\nkaputt\n", "1 of 1 entries failed their check"),
        (
            lambda cache: preread.CACHE_FORMAT + b"\n" + signed(first_key(cache), b'{"image":null,"source":{"path":1}}'),
            "1 of 1 entries failed",
        ),
        (
            lambda cache: preread.CACHE_FORMAT + b"\n" + signed(first_key(cache), b'{"$eval":"os.system"}'),
            "1 of 1 entries failed",
        ),
        (
            lambda cache: preread.CACHE_FORMAT + b"\n" + signed(first_key(cache), b"[" * 100_000 + b"]" * 100_000),
            "1 of 1 entries failed",
        ),
        (
            lambda cache: preread.CACHE_FORMAT + b"\n" + signed(first_key(cache), b'{"image":NaN,"source":{}}'),
            "1 of 1 entries failed",
        ),
    ],
    ids=[
        "random bytes",
        "empty",
        "JSON without header",
        "line without digest",
        "wrong shape",
        "unknown tag",
        "deep nesting",
        "NaN",
    ],
)
def test_a_broken_content_cache_is_read_again_with_one_warning(site, tmp_path, caplog, content, problem):
    clean = clean_build(site, tmp_path, caplog)
    cache = content_cache(tmp_path)
    cache.write_bytes(content(cache))
    assert_rebuilt(site, tmp_path, caplog, clean, problem, read=source_count(site))
    assert cache.name in cache_warnings(caplog)[0]


def test_a_modified_entry_is_not_published(site, tmp_path, caplog):
    clean = clean_build(site, tmp_path, caplog)
    cache = content_cache(tmp_path)
    text = cache.read_bytes()
    assert text.count("Neue Bäume".encode()) >= 1
    cache.write_bytes(text.replace("Neue Bäume".encode(), "Gefällte Bäume".encode()))
    count = source_count(site)
    assert_rebuilt(site, tmp_path, caplog, clean, f"1 of {count} entries failed their check; their files are read again", read=1)
    for path in (tmp_path / "again").rglob("*"):
        if path.is_file():
            assert "Gefällte".encode() not in path.read_bytes(), path


def test_an_entry_moved_to_another_files_key_is_not_used(site, tmp_path, caplog):
    clean = clean_build(site, tmp_path, caplog)
    cache = content_cache(tmp_path)
    header, first, second, *rest = cache.read_bytes().split(b"\n")
    key_one, digest_one, payload_one = first.split(b" ", 2)
    key_two, digest_two, payload_two = second.split(b" ", 2)
    swapped = [b" ".join((key_one, digest_two, payload_two)), b" ".join((key_two, digest_one, payload_one))]
    cache.write_bytes(b"\n".join([header, *swapped, *rest]))
    assert_rebuilt(site, tmp_path, caplog, clean, f"2 of {source_count(site)} entries failed", read=2)


def test_a_truncated_content_cache_keeps_its_whole_entries(site, tmp_path, caplog):
    clean = clean_build(site, tmp_path, caplog)
    cache = content_cache(tmp_path)
    text = cache.read_bytes()
    cache.write_bytes(text[: len(text) - 40])
    assert_rebuilt(site, tmp_path, caplog, clean, f"1 of {source_count(site)} entries failed", read=1)


# --- The card cache ------------------------------------------------------------------------


def card_cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "cards"


def manifest(tmp_path: Path) -> dict:
    return json.loads((card_cache(tmp_path) / "manifest.json").read_text(encoding="utf-8"))


def assert_no_byte_of(secret: bytes, folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path


@pytest.mark.parametrize(
    "planted",
    [
        {"cards": {"2024-422": {"fingerprint": "0" * 64, "file": "../../opfer.txt"}}},
        {"version": 2, "cards": {"../../opfer": {"fingerprint": "0" * 64, "sha256": "0" * 64}}},
        {"version": 2, "cards": {"2024-422": {"fingerprint": "0" * 64, "sha256": "../../opfer.txt"}}},
        {"version": 2, "cards": {"2024-422": {"fingerprint": "0" * 64, "sha256": "0" * 64, "file": "../../opfer.txt"}}},
    ],
    ids=["old format", "key with a path", "digest with a path", "extra file field"],
)
@pytest.mark.usefixtures("card_log")
def test_a_manifest_naming_files_outside_the_cache_deletes_nothing(site, tmp_path, caplog, planted):
    clean = clean_build(site, tmp_path, caplog)
    victim = tmp_path / "opfer.txt"
    victim.write_text("Geheimer Vermerk 7f3a: nicht veröffentlichen.", encoding="utf-8")
    (card_cache(tmp_path) / "manifest.json").write_text(json.dumps(planted), encoding="utf-8")
    assert_rebuilt(site, tmp_path, caplog, clean, "manifest.json")
    assert victim.read_text(encoding="utf-8") == "Geheimer Vermerk 7f3a: nicht veröffentlichen."
    assert_no_byte_of(b"Geheimer Vermerk 7f3a", tmp_path / "again")
    assert card_counts(caplog)[0] == 3
    assert manifest(tmp_path)["version"] == 2


@pytest.mark.parametrize(
    "content",
    [
        b'{"version": 2, "cards": {',
        b"[]",
        b'{"version": 2, "cards": {"2024-422": "karte.jpg"}}',
        b"\xff\xfe\x00kaputt",
        b"[" * 100_000,
    ],
    ids=["cut off", "a list", "entry not a mapping", "not UTF-8", "deep nesting"],
)
@pytest.mark.usefixtures("card_log")
def test_a_malformed_manifest_gives_one_warning_and_fresh_cards(site, tmp_path, caplog, content):
    clean = clean_build(site, tmp_path, caplog)
    (card_cache(tmp_path) / "manifest.json").write_bytes(content)
    assert_rebuilt(site, tmp_path, caplog, clean, "manifest.json")
    assert "is ignored and every card is drawn again" in cache_warnings(caplog)[0]
    assert card_counts(caplog)[0] == 3


def cached_card(tmp_path: Path, key: str) -> Path:
    (path,) = card_cache(tmp_path).glob(f"{key}-*.jpg")
    return path


def published_card(output: Path, key: str) -> Path:
    (path,) = (output / "karten").glob(f"{key}-*.jpg")
    return path


@pytest.mark.parametrize("damage", ["truncated", "altered"])
def test_a_damaged_cached_card_does_not_reach_the_live_site_and_is_drawn_again(site, tmp_path, caplog, damage):
    output = tmp_path / "output"
    build(site, output, NEWSROOM=options(tmp_path))
    cached = cached_card(tmp_path, "2024-422")
    live = published_card(output, "2024-422")
    good = cached.read_bytes()
    assert live.stat().st_ino != cached.stat().st_ino
    if damage == "truncated":
        os.truncate(cached, 1000)
    else:
        cached.write_bytes(good[:5000] + bytes(255 - byte for byte in good[5000:5100]) + good[5100:])
    assert live.read_bytes() == good  # the live site does not share the cache's file
    build(site, output, NEWSROOM=options(tmp_path))
    assert published_card(output, "2024-422").read_bytes() == good  # the live site's card, checked when it was published
    caplog.clear()
    fresh = tmp_path / "fresh-output"  # no live card to keep: the cache file is read and checked
    build(site, fresh, NEWSROOM=options(tmp_path))
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1 and "1 card file(s) not as recorded (2024-422); drawn again" in warnings[0], warnings
    assert published_card(fresh, "2024-422").read_bytes() == good and cached.read_bytes() == good


def test_a_card_file_that_is_a_link_out_of_the_cache_is_not_read(site, tmp_path, caplog):
    """Even with a manifest digest that matches the outside file, a symbolic link is not followed."""
    clean = clean_build(site, tmp_path, caplog)
    secret = tmp_path / "geheim.jpg"
    secret.write_bytes(b"Vertraulich 91c2: Personalakte")
    cached = cached_card(tmp_path, "2024-422")
    recorded = manifest(tmp_path)
    recorded["cards"]["2024-422"]["sha256"] = hashlib.sha256(secret.read_bytes()).hexdigest()
    (card_cache(tmp_path) / "manifest.json").write_text(json.dumps(recorded), encoding="utf-8")
    cached.unlink()
    link = card_cache(tmp_path) / card_file_name("2024-422", recorded["cards"]["2024-422"]["sha256"])
    link.symlink_to(secret)
    assert_rebuilt(site, tmp_path, caplog, clean, "1 card file(s) not as recorded (2024-422)")
    assert_no_byte_of(b"Vertraulich 91c2", tmp_path / "again")
    assert secret.read_bytes() == b"Vertraulich 91c2: Personalakte"


def test_a_card_changed_while_the_build_runs_is_drawn_again(site, tmp_path, caplog, monkeypatch):
    """By another build sharing the cache: the bytes are checked when they are published."""
    clean = clean_build(site, tmp_path, caplog)
    write = stage.CardStage.write

    def damage_then_write(self, output, site):
        os.truncate(cached_card(tmp_path, "allgemein"), 10)
        write(self, output, site)

    monkeypatch.setattr(stage.CardStage, "write", damage_then_write)
    assert_rebuilt(site, tmp_path, caplog, clean, "1 card file(s) not as recorded (allgemein)")


def test_a_failed_build_leaves_the_previous_site_untouched(site, tmp_path, caplog):
    """A content error after a broken cache: the build stops, the live site keeps every byte."""
    output = tmp_path / "output"
    build(site, output, NEWSROOM=options(tmp_path))
    before = tree_digest(output)
    content_cache(tmp_path).write_bytes(b"\x80\x05kaputt")
    (card_cache(tmp_path) / "manifest.json").write_bytes(b"{")
    release = site / "releases" / "2024" / "baeume.md"
    release.write_text(release.read_text(encoding="utf-8").replace('number: "422/2024"', 'number: "422"'), encoding="utf-8")
    from newsroom.errors import ContentErrors

    with pytest.raises(ContentErrors):
        build(site, output, NEWSROOM=options(tmp_path))
    assert tree_digest(output) == before
