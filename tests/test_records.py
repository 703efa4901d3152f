"""The digests render keys are made of: values that can render differently never share a digest."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup

from newsroom.site.records import Digests, LinkView, RecordError, SectionView, digest_of


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
