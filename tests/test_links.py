"""Stable links: alias redirect pages, alias collisions, and the published-URL manifest."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsroom.errors import ContentErrors
from newsroom.tools.check import check_content

from helpers import ROOT, SAMPLE_CONTENT, SETTINGS, build, run_task, soup

BAEUME = "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/"
SPRECHSTUNDE = "pressemitteilungen/2024/17-sprechstunde-im-rathaus/"
PUBLIC = "https://presse.lindenhain.example"
MANIFEST = Path("data") / "published-urls.yml"


def add_front_matter(site: Path, name: str, lines: str) -> Path:
    """Add front-matter lines at the end of a fixture release's front matter (line 8 on for baeume.md, 7 for sprechstunde.md)."""
    path = site / "releases" / "2024" / name
    head, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    path.write_text(f"{head}\n{lines.rstrip()}\n---\n{body}", encoding="utf-8")
    return path


def test_aliases_become_redirect_pages(site: Path, tmp_path: Path):
    add_front_matter(site, "baeume.md", "aliases: [/pressemitteilungen/2024/422-baeume/, /alt/baeume.html]")
    output = tmp_path / "output"
    build(site, output)
    for old in ("pressemitteilungen/2024/422-baeume/index.html", "alt/baeume.html"):
        page = soup(output / old)
        refresh = page.find("meta", attrs={"http-equiv": "refresh"})
        assert refresh["content"] == f"0; url=/{BAEUME}"
        assert page.find("link", rel="canonical")["href"] == f"{PUBLIC}/{BAEUME}"
        link = page.main.find("a", href=f"/{BAEUME}")
        assert link.get_text() == "Neue Bäume für die Schillerstraße & den Marktplatz"
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert len(page.find_all("h1")) == 1
        assert all(script.get("type") == "application/ld+json" for script in page.find_all("script")), old
        assert not any(attribute.startswith("on") for tag in page.find_all(True) for attribute in tag.attrs)
    assert (output / BAEUME / "index.html").is_file()
    assert "422-baeume/" not in (output / "index.html").read_text(encoding="utf-8")


def test_redirects_use_the_public_address_when_published(site: Path, tmp_path: Path):
    add_front_matter(site, "baeume.md", "aliases: [/alt/baeume/]")
    output = tmp_path / "output"
    build(site, output, SITEURL=PUBLIC)
    page = soup(output / "alt/baeume/index.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={PUBLIC}/{BAEUME}"


def test_withdrawn_release_keeps_its_aliases(site: Path, tmp_path: Path):
    add_front_matter(site, "baeume.md", "aliases: [/alt/baeume/]\nstatus: withdrawn\nwithdrawal_reason: Falsch.")
    output = tmp_path / "output"
    build(site, output)
    assert soup(output / "alt/baeume/index.html").find("meta", attrs={"http-equiv": "refresh"})


# Aliases onto an address the site writes (the forms the field itself refuses: tests/test_bad_input.py).
ALIAS_ERRORS = {
    "own-address": (f"aliases: [/{BAEUME}]", f"baeume.md:8: aliases: '/{BAEUME}' is this release's own address"),
    "other-release": (
        f"aliases: [/{SPRECHSTUNDE}]",
        "baeume.md:8: aliases: '/pressemitteilungen/2024/17-sprechstunde-im-rathaus/' is the address of",
    ),
    "static-page": ("aliases: [/impressum/]", "baeume.md:8: aliases: '/impressum/' is the address of"),
    "home": ("aliases: [/]", "baeume.md:8: aliases: '/' is the address of the index page"),
    "department": (
        "aliases: [/ressorts/bauen/]",
        "baeume.md:8: aliases: '/ressorts/bauen/' is the address of the department page 'bauen'",
    ),
    "topic": (
        "aliases: [/themen/strassenbaeume/]",
        "baeume.md:8: aliases: '/themen/strassenbaeume/' is the address of the topic page 'strassenbaeume'",
    ),
    "year": (
        "aliases: [/pressemitteilungen/2024/]",
        "baeume.md:8: aliases: '/pressemitteilungen/2024/' is the address of the year archive 2024",
    ),
    "numbered-home": ("aliases: [/seite/7/]", "baeume.md:8: aliases: '/seite/7/' is a further page of the index page"),
    "numbered-year": (
        "aliases: [/pressemitteilungen/2024/seite/2/index.html]",
        "baeume.md:8: aliases: '/pressemitteilungen/2024/seite/2/index.html' is a further page of the year archive 2024",
    ),
}


@pytest.mark.parametrize("name", sorted(ALIAS_ERRORS))
def test_bad_aliases_stop_the_build_and_check_says_the_same(site: Path, tmp_path: Path, name: str):
    lines, expected = ALIAS_ERRORS[name]
    add_front_matter(site, "baeume.md", lines)
    with pytest.raises(ContentErrors) as failure:
        build(site, tmp_path / "output")
    assert expected in failure.value.format_message()
    checked = [error.format() for error in check_content(str(SETTINGS), str(site)).errors]
    assert checked == [error.format() for error in failure.value.errors]


def test_an_alias_in_two_releases_names_both(site: Path, tmp_path: Path):
    add_front_matter(site, "baeume.md", "aliases: [/alt/]")
    add_front_matter(site, "sprechstunde.md", "aliases:\n  - /alt/index.html")
    with pytest.raises(ContentErrors) as failure:
        build(site, tmp_path / "output")
    message = failure.value.format_message()
    assert (
        f"baeume.md:8: aliases: '/alt/' is also an alias in {site.as_posix()}/releases/2024/sprechstunde.md:8; keep it in "
        "one release"
        in message
    )
    assert (
        f"sprechstunde.md:8: aliases: '/alt/index.html' is also an alias in {site.as_posix()}/releases/2024/baeume.md:8;"
        in message
    )


def test_aliases_of_embargoed_releases_are_checked_before_the_embargo_lifts(site: Path, tmp_path: Path, monkeypatch):
    (site / "releases" / "2024" / "zukunft.md").write_text(
        '---\ntitle: Zukunft\ndate: 2024-12-01 10:00\nnumber: "600/2024"\ndepartment: bauen\n'
        "aliases: [/ressorts/umwelt/]\n---\nText\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NEWSROOM_NOW", "2024-11-01T00:00+01:00")
    with pytest.raises(ContentErrors) as failure:
        build(site, tmp_path / "output")
    assert (
        "zukunft.md:6: aliases: '/ressorts/umwelt/' is the address of the department page 'umwelt'"
        in failure.value.format_message()
    )


def write_manifest(site: Path, text: str) -> Path:
    path = site / MANIFEST
    path.write_text(text, encoding="utf-8")
    return path


OLD_BAEUME = "/pressemitteilungen/2024/422-baeume/"


def test_a_changed_address_is_a_warning_until_the_old_one_is_an_alias(site: Path, tmp_path: Path, caplog):
    write_manifest(site, f'"17/2024": /{SPRECHSTUNDE}\n"422/2024": {OLD_BAEUME}\n')
    expected = (
        "baeume.md:2: title: the address changed from '/pressemitteilungen/2024/422-baeume/' "
        "(recorded in "
    )
    with caplog.at_level(logging.WARNING, logger="newsroom"):
        build(site, tmp_path / "output")
    warnings = [record.getMessage() for record in caplog.records if record.name.startswith("newsroom")]
    assert len(warnings) == 1 and expected in warnings[0]
    assert f"to '/{BAEUME}'; add '{OLD_BAEUME}' to aliases so the published link keeps working" in warnings[0]
    result = check_content(str(SETTINGS), str(site))
    assert result.errors == [] and [warning.format() for warning in result.warnings] == warnings

    add_front_matter(site, "baeume.md", f"aliases: [{OLD_BAEUME}]")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newsroom"):
        build(site, tmp_path / "output")
    assert [record for record in caplog.records if record.name.startswith("newsroom")] == []
    assert check_content(str(SETTINGS), str(site)).warnings == []
    assert (tmp_path / "output" / OLD_BAEUME.strip("/") / "index.html").is_file()


def test_a_slug_field_change_points_at_the_slug_line(site: Path):
    add_front_matter(site, "sprechstunde.md", "slug: offene-sprechstunde")
    write_manifest(site, f'"17/2024": /{SPRECHSTUNDE}\n')
    warnings = [warning.format() for warning in check_content(str(SETTINGS), str(site)).warnings]
    assert len(warnings) == 1 and "sprechstunde.md:7: slug: the address changed from" in warnings[0]


def test_a_published_release_that_is_gone_is_a_warning(site: Path, monkeypatch):
    write_manifest(site, f'# Kopf\n"17/2024": /{SPRECHSTUNDE}\n"422/2024": /{BAEUME}\n')
    (site / "releases" / "2024" / "sprechstunde.md").unlink()
    warnings = [warning.format() for warning in check_content(str(SETTINGS), str(site)).warnings]
    assert warnings == [
        f"{(site / MANIFEST).as_posix()}:2: 17/2024: was published at '/{SPRECHSTUNDE}', but no public release "
        "has this number now (deleted, a draft or dated after now), so the link is broken; restore the release, "
        "keep it with 'status: withdrawn', or add the address to another release's aliases"
    ]
    add_front_matter(site, "baeume.md", f"aliases: [/{SPRECHSTUNDE}]")
    assert check_content(str(SETTINGS), str(site)).warnings == []


def test_a_malformed_manifest_is_an_error(site: Path, tmp_path: Path):
    write_manifest(site, '"422/2024": /ok/\n"17": /x/\n"18/2024": x/\n')
    with pytest.raises(ContentErrors) as failure:
        build(site, tmp_path / "output")
    message = failure.value.format_message()
    assert "published-urls.yml:2: '17' is not a release number such as '422/2017'" in message
    assert "published-urls.yml:3: 18/2024: must be a site-relative address starting with '/'" in message


def invoke(*args: str, now: str = "2024-11-01T00:00+01:00") -> subprocess.CompletedProcess:
    """The `invoke` command with the build clock at ``now``."""
    executable = Path(sys.executable).with_name("invoke")
    return subprocess.run(
        [str(executable), *args], capture_output=True, text=True, cwd=ROOT, env={**os.environ, "NEWSROOM_NOW": now}
    )


@pytest.fixture
def task(monkeypatch):
    """``invoke`` in this process (``run_task``), with the same build clock."""

    def run(*args: str) -> subprocess.CompletedProcess:
        monkeypatch.setenv("NEWSROOM_NOW", "2024-11-01T00:00+01:00")
        return run_task(*args)

    return run


def test_record_urls_writes_public_releases_sorted(site: Path):
    (site / "releases" / "2024" / "zukunft.md").write_text(
        '---\ntitle: Zukunft\ndate: 2024-12-01 10:00\nnumber: "600/2024"\ndepartment: bauen\n---\nText\n', encoding="utf-8"
    )
    add_front_matter(site, "sprechstunde.md", "status: withdrawn\nwithdrawal_reason: Abgesagt.")
    write_manifest(site, '"3/2023": /pressemitteilungen/2023/3-alt/\n')
    result = invoke("record-urls", "--content", str(site))
    assert result.returncode == 0, result.stderr
    lines = [line for line in (site / MANIFEST).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == [
        '"3/2023": /pressemitteilungen/2023/3-alt/',
        f'"17/2024": /{SPRECHSTUNDE}',
        f'"422/2024": /{BAEUME}',
    ]
    assert "(3 releases)" in result.stdout


def test_record_urls_refuses_to_forget_an_address_without_alias(site: Path, task):
    manifest = write_manifest(site, f'"422/2024": {OLD_BAEUME}\n')
    result = task("record-urls", "--content", str(site))
    assert result.returncode == 1
    assert "baeume.md:2: title: the address changed from" in result.stderr
    assert "add the old addresses to aliases first" in result.stderr
    assert manifest.read_text(encoding="utf-8") == f'"422/2024": {OLD_BAEUME}\n'
    forced = task("record-urls", "--content", str(site), "--force")
    assert forced.returncode == 0, forced.stderr
    assert f'"422/2024": /{BAEUME}' in manifest.read_text(encoding="utf-8")


def test_invoke_check_prints_url_warnings(site: Path, task):
    write_manifest(site, f'"422/2024": {OLD_BAEUME}\n')
    result = task("check", "--content", str(site))
    assert result.returncode == 0
    assert result.stderr.startswith("warning: ") and "baeume.md:2: title: the address changed" in result.stderr
    assert result.stdout.strip() == "3 files checked, no errors, 1 warning."


def test_the_sample_manifest_records_every_sample_release():
    result = check_content(str(SETTINGS), str(SAMPLE_CONTENT))
    assert result.errors == [] and result.warnings == []
    manifest = (SAMPLE_CONTENT / MANIFEST).read_text(encoding="utf-8")
    public = [release for release in result.links.releases if release.public]
    assert public and all(f'"{release.number}": {release.url}\n' in manifest for release in public)
