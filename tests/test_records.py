"""The digests render keys are made of: values that can render differently never share a digest."""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup

from newsroom.site.records import Digests, LinkView, RecordError, SectionView, digest_of
from newsroom.site.renderkeys import KEYS_FILE

from helpers import ROOT, SAMPLE_CONTENT, SETTINGS


@dataclass
class Unfrozen:
    title: str
    links: list


def test_values_that_render_differently_differ():
    berlin = dt.datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    fixed = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    pairs = [
        ("Straßenfest <b>heute</b>", Markup("Straßenfest <b>heute</b>")),  # escaped vs. shown as markup
        ({"telefon": "030 1", "fax": "030 2"}, {"fax": "030 2", "telefon": "030 1"}),  # a loop shows them in order
        (["Bürgerpark", "Rathaus"], ["Rathaus", "Bürgerpark"]),
        (["ab", "c"], ["a", "bc"]),
        (1, "1"),
        (1, 1.0),
        (True, 1),
        (None, "None"),
        (berlin, fixed),  # same instant, but %Z shows CET in one and UTC+01:00 in the other
        (SectionView("Umwelt", "umwelt", "themen/umwelt/"), LinkView("Umwelt", "themen/umwelt/")),
        ({"a": "b"}, ["a", "b"]),
    ]
    for first, second in pairs:
        assert digest_of(first) != digest_of(second), (first, second)


def test_lists_and_tuples_are_one_sequence():
    # A release read from the content cache has lists where a fresh read has tuples.
    assert digest_of(["Rathaus", ("Bürgerpark", 3)]) == digest_of(("Rathaus", ["Bürgerpark", 3]))


def test_remembered_digests_equal_fresh_ones():
    section = SectionView("Umwelt", "umwelt", "themen/umwelt/")
    shared_list = (section, LinkView("Baumfest im Bürgerpark", "pressemitteilungen/2026/12-baumfest/"))
    digests = Digests()
    digests.share(shared_list)
    first = digests.hexdigest({"list": shared_list, "section": section})
    again = digests.hexdigest({"list": shared_list, "section": section})
    assert first == again == digest_of({"list": shared_list, "section": section})


def test_unfrozen_dataclasses_are_digested_each_time():
    digests = Digests()
    value = Unfrozen("Sprechstunde", ["Rathaus"])
    before = digests.hexdigest(value)
    value.links.append("Bürgeramt")
    assert digests.hexdigest(value) != before


def test_types_outside_a_record_are_refused():
    for value in ({"Rathaus"}, object(), b"bytes"):
        with pytest.raises(RecordError):
            digest_of({"value": value})


PICTURED = """---
title: "{title}"
date: 2024-11-{day:02d} 10:00
number: "{number}/2024"
department: umwelt
image: images/{image}
image_alt: Eine gezeichnete Parkansicht mit Bäumen und einem Weg
---
Das Bezirksamt lädt zur Pflanzaktion im Bürgerpark ein.
"""


def test_keys_are_the_same_in_every_process(site, tmp_path):
    """Lists with several pictures: no lookup in a record may carry the order of a set, which each process hashes anew."""
    (site / "images").mkdir(exist_ok=True)
    for index, name in enumerate(("eiche.jpg", "linde.jpg", "ahorn.jpg")):
        shutil.copy(SAMPLE_CONTENT / "images" / "baumpflanzung-buergerpark.jpg", site / "images" / name)
        text = PICTURED.format(title=f"Pflanzaktion {index + 1} im Bürgerpark", day=10 + index, number=700 + index, image=name)
        (site / "releases" / "2024" / f"pflanzaktion-{index}.md").write_text(text, encoding="utf-8")
    keys = []
    for seed in ("1", "2", "3"):
        output = tmp_path / f"output-{seed}"
        pelican = Path(sys.executable).with_name("pelican")
        done = subprocess.run([str(pelican), str(site), "-s", str(SETTINGS), "-o", str(output)], capture_output=True,
                              text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        keys.append(json.loads((output / KEYS_FILE).read_text(encoding="utf-8"))["pages"])
    assert keys[0] == keys[1] == keys[2]
