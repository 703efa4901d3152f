"""Long lists: the page navigation shows the first and last page, two pages around the current one, and gaps."""

from __future__ import annotations

import pytest

from newsroom.tools.corpus import write_newsroom_corpus

from helpers import SAMPLE_CONTENT, build, soup


@pytest.fixture(scope="module")
def long_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("long")
    write_newsroom_corpus(str(SAMPLE_CONTENT), str(root / "content"), 150)  # 15 pages of 10
    build(root / "content", root / "output")
    return root / "output"


def navigation(page) -> list[str]:
    """The entries of the numbered navigation: page numbers, '…' for a gap, '*' marking the current page."""
    entries = []
    for item in soup(page).select("nav.seitennavigation li:not(.seitennavigation__schritt)"):
        if "seitennavigation__luecke" in (item.get("class") or []):
            entries.append("…")
        else:
            link = item.find("a")
            number = link.get_text().replace("Seite", "").strip()
            entries.append(number + ("*" if link.get("aria-current") == "page" else ""))
    return entries


def test_middle_page_shows_window_and_both_gaps(long_site):
    assert navigation(long_site / "seite" / "8" / "index.html") == ["1", "…", "6", "7", "8*", "9", "10", "…", "15"]


def test_first_and_last_pages(long_site):
    assert navigation(long_site / "index.html") == ["1*", "2", "3", "…", "15"]
    assert navigation(long_site / "seite" / "15" / "index.html") == ["1", "…", "13", "14", "15*"]


def test_no_gap_where_nothing_is_left_out(long_site):
    assert navigation(long_site / "seite" / "4" / "index.html") == ["1", "2", "3", "4*", "5", "6", "…", "15"]


def test_every_numbered_link_leads_to_its_page(long_site):
    for link in soup(long_site / "seite" / "8" / "index.html").select("nav.seitennavigation li a"):
        target = link["href"].lstrip("/")
        assert (long_site / target / "index.html").is_file() or (long_site / target).is_file(), target
