"""Long lists stay put: numbered pages count from the oldest release, the list's own address shows the newest.

The site has 154 generated releases (``newsroom.tools.corpus``): the home list
has 14 numbered pages of 10 and 14 releases on its root, so one more release
completes a block there, while the newest year (50 releases) only grows its root.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from newsroom.content.slugs import german_slug
from newsroom.tools.corpus import NEWSROOM_FORMAT, load_contacts, load_departments, next_release, write_newsroom_corpus

from helpers import SAMPLE_CONTENT, build, copy_of_output, soup, tree_digest

RELEASES = 154
PER_PAGE = 10
LIST_FILE = re.compile(r"(?:(?:pressemitteilungen/[0-9]{4}|ressorts/[^/]+|themen/[^/]+)/)?(?:seite/[0-9]+/)?index\.html")


def numbered(count: int) -> int:
    """The rule, written out: full blocks of 10 from the oldest, at least 5 left for the root."""
    return max(0, (count - 5) // PER_PAGE)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("long")
    made = write_newsroom_corpus(str(SAMPLE_CONTENT), str(root / "content"), RELEASES, photo_size=(1200, 800))
    build(root / "content", root / "output")
    return root, made


@pytest.fixture
def long_site(corpus) -> Path:
    return corpus[0] / "output"


@pytest.fixture
def own_site(corpus, tmp_path) -> tuple[Path, Path]:
    """A private copy of the long site's content and output, to change and build again."""
    root, _ = corpus
    shutil.copytree(root / "content", tmp_path / "content")
    return tmp_path / "content", copy_of_output(root / "output", tmp_path / "output")


def url_of(release) -> str:
    return f"/pressemitteilungen/{release.year}/{release.serial}-{release.slug}/"


def lists_of(release) -> list[str]:
    """The root files of the lists a generated release belongs to: home, its year, department and topics."""
    return [
        "index.html",
        f"pressemitteilungen/{release.year}/index.html",
        f"ressorts/{release.department}/index.html",
        *(f"themen/{german_slug(topic)}/index.html" for topic in release.tags),
    ]


def members(made) -> dict[str, list[str]]:
    """Root file of every list → the URLs of its releases, newest first."""
    lists: dict[str, list[str]] = {}
    for release in reversed(made):
        for root in lists_of(release):
            lists.setdefault(root, []).append(url_of(release))
    return lists


def numbered_file(root: str, number: int) -> str:
    return str(Path(root).parent / "seite" / str(number) / "index.html").removeprefix("./")


def pages_of(site: Path, root: str) -> list[str]:
    """The files of a list in reading order: its root, then its numbered pages from the newest to the oldest."""
    numbers = sorted((int(path.parent.name) for path in (site / root).parent.glob("seite/*/index.html")), reverse=True)
    return [root, *(numbered_file(root, number) for number in numbers)]


def shown(page: Path) -> list[str]:
    return [link["href"] for link in soup(page).select("ul.teaser-liste .teaser__titel a")]


def address(file: str) -> str:
    return "/" + file.removesuffix("index.html")


def list_files(site: Path) -> dict[str, str]:
    """Digest of every page of every list: home, years, departments, topics, each with its numbered pages."""
    return {file: digest for file, digest in tree_digest(site).items() if LIST_FILE.fullmatch(file)}


def test_every_release_is_on_exactly_one_page_of_each_of_its_lists(corpus):
    site, made = corpus[0] / "output", corpus[1]
    for root, urls in members(made).items():
        pages = pages_of(site, root)
        on_pages = [shown(site / page) for page in pages]
        assert [url for page in on_pages for url in page] == urls, root  # each once, newest first across the pages
        assert len(pages) - 1 == numbered(len(urls)), root
        assert all(len(page) == PER_PAGE for page in on_pages[1:]), root
        assert len(on_pages[0]) == len(urls) - PER_PAGE * numbered(len(urls)), root
        assert len(urls) < 5 or 5 <= len(on_pages[0]) < 15, root


def test_numbered_pages_hold_the_oldest_first(corpus):
    site, made = corpus[0] / "output", corpus[1]
    assert shown(site / "seite" / "1" / "index.html") == [url_of(release) for release in reversed(made[:PER_PAGE])]
    assert shown(site / "seite" / "14" / "index.html") == [url_of(release) for release in reversed(made[130:140])]
    assert shown(site / "index.html") == [url_of(release) for release in reversed(made[140:])]


def navigation(page: Path) -> list[tuple[str, str, str | None, str | None]]:
    """(text, href, rel, aria-current) of each link of the page navigation."""
    nav = soup(page).find("nav", class_="seitennavigation")
    assert nav["aria-label"] == "Seitennavigation"
    return [
        (link.get_text(strip=True), link["href"], link.get("rel", [None])[0], link.get("aria-current"))
        for link in nav.find_all("a")
    ]


def test_navigation_runs_from_the_oldest_to_the_newest(long_site):
    assert navigation(long_site / "index.html") == [
        ("Älteste Pressemitteilungen", "/seite/1/", None, None),
        ("‹Ältere Pressemitteilungen", "/seite/14/", "prev", None),
        ("Neueste Pressemitteilungen", "/", None, "page"),
    ]
    assert navigation(long_site / "seite" / "8" / "index.html") == [
        ("Älteste Pressemitteilungen", "/seite/1/", None, None),
        ("‹Ältere Pressemitteilungen", "/seite/7/", "prev", None),
        ("Seite 8", "/seite/8/", None, "page"),
        ("Neuere Pressemitteilungen›", "/seite/9/", "next", None),
        ("Neueste Pressemitteilungen", "/", None, None),
    ]
    assert navigation(long_site / "seite" / "14" / "index.html")[-1] == ("Neuere Pressemitteilungen›", "/", "next", None)
    assert navigation(long_site / "seite" / "1" / "index.html")[0] == ("Seite 1", "/seite/1/", None, "page")


def test_numbered_pages_name_no_total(long_site):
    page = soup(long_site / "ressorts" / "stadtentwicklung" / "seite" / "1" / "index.html")
    assert page.title.get_text().startswith("Abteilung Stadtentwicklung, Umwelt und Verkehr – Seite 1 – ")
    assert page.find("p", class_="einleitung").get_text().startswith("Ältere Pressemitteilungen aus diesem Ressort.")
    assert " von " not in page.find("nav", class_="seitennavigation").get_text()
    root = soup(long_site / "ressorts" / "stadtentwicklung" / "index.html").find("p", class_="einleitung").get_text()
    assert root.split(" aus ")[0].endswith("Pressemitteilungen") and root[0].isdigit()


def test_every_navigation_link_leads_to_its_neighbour(corpus):
    site, made = corpus[0] / "output", corpus[1]
    for root in members(made):
        pages = pages_of(site, root)
        if len(pages) == 1:
            assert soup(site / root).find("nav", class_="seitennavigation") is None, root
            continue
        for position, page in enumerate(pages):
            links = navigation(site / page)
            for _, href, _, _ in links:
                assert (site / href.lstrip("/") / "index.html").is_file(), (page, href)
            rels = {rel: href for _, href, rel, _ in links if rel}
            assert rels.get("prev") == (address(pages[position + 1]) if position + 1 < len(pages) else None), page
            assert rels.get("next") == (address(pages[position - 1]) if position else None), page
            assert [href for _, href, _, current in links if current] == [address(page)], page


def test_one_more_release_changes_only_the_roots_of_its_lists_and_a_completed_block(corpus, own_site):
    content, output = own_site
    made = corpus[1]
    before = list_files(output)
    added = next_release(made, load_departments(str(SAMPLE_CONTENT)), load_contacts(str(SAMPLE_CONTENT)))
    NEWSROOM_FORMAT.write(str(content), added)
    build(content, output)
    after = list_files(output)

    counts = {root: len(urls) for root, urls in members(made).items()}
    expected_changed, expected_new = set(), set()
    for root in lists_of(added):
        expected_changed.add(root)
        blocks_before, blocks_after = numbered(counts.get(root, 0)), numbered(counts.get(root, 0) + 1)
        if blocks_after > blocks_before:
            expected_new.add(numbered_file(root, blocks_after))
            if blocks_before:
                expected_changed.add(numbered_file(root, blocks_before))  # its newer neighbour is no longer the root
    assert numbered_file("index.html", 15) in expected_new  # the home list completed a block
    assert set(after) - set(before) == expected_new
    assert set(before) - set(after) == set()
    assert {file for file in before if before[file] != after[file]} == expected_changed
    assert shown(output / "seite" / "15" / "index.html") == [url_of(release) for release in reversed(made[140:150])]


def test_a_list_that_shrinks_loses_only_its_top_numbered_pages(corpus, own_site):
    """Deleted releases take pages off the top, as a clean build would; the web server redirects those addresses."""
    content, output = own_site
    made = corpus[1]
    linked = {url_of(release) for release in made if any(url_of(release) in other.body for other in made)}
    gone = [release for release in reversed(made) if release.year == 2023 and url_of(release) not in linked][:10]
    for release in gone:
        Path(NEWSROOM_FORMAT.path(str(content), release)).unlink()
    before = set(list_files(output))
    build(content, output)

    lost = before - set(list_files(output))
    assert {numbered_file("index.html", 14), numbered_file("pressemitteilungen/2023/index.html", 4)} <= lost
    for file in lost:
        root = file.split("seite/")[0] + "index.html"
        assert (output / root).is_file()
        assert all(int(Path(page).parent.name) < int(Path(file).parent.name) for page in pages_of(output, root)[1:])
    sitemap = (output / "sitemaps" / "seiten.xml").read_text(encoding="utf-8")
    assert "/seite/14/" not in sitemap and "/pressemitteilungen/2023/seite/4/" not in sitemap


def test_year_month_and_day_archives_hold_what_pelicans_own_grouping_gives():
    """``ReleasesGenerator`` finds each period's releases by id; Pelican scans; the lists must be the same, in order."""
    import datetime as dt
    import random
    from types import SimpleNamespace

    from pelican.generators import ArticlesGenerator

    from newsroom.site.archives import ReleasesGenerator

    pick = random.Random(7)
    start = dt.datetime(2019, 11, 28, 9, 30)
    articles = [SimpleNamespace(date=start + dt.timedelta(hours=pick.randrange(0, 24 * 120))) for _ in range(300)]
    articles.sort(key=lambda article: (article.date.day, article.date))  # unlike the dates' order, as ARTICLE_ORDER_BY may be
    dates = sorted(articles, key=lambda article: article.date, reverse=True)
    settings = {f"{period}_ARCHIVE_{kind}": f"{period.lower()}/{{date:%Y-%m-%d}}/{kind.lower()}"
                for period in ("YEAR", "MONTH", "DAY") for kind in ("SAVE_AS", "URL")}
    theirs = ArticlesGenerator._build_period_archives(None, dates, articles, settings)
    ours = ReleasesGenerator._build_period_archives(ReleasesGenerator.__new__(ReleasesGenerator), dates, articles, settings)
    assert set(ours) == {"year", "month", "day"} and len(ours["day"]) > 100
    for granularity, archives in theirs.items():
        assert [{**archive, "articles": list(map(id, archive["articles"]))} for archive in ours[granularity]] == [
            {**archive, "articles": list(map(id, archive["articles"]))} for archive in archives
        ]
