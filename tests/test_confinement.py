"""Confinement: nothing from outside the content folder reaches the site, however it is linked.

Every hostile case starts from a copy of the cleanly built site, adds the
hostile link and builds again into that output folder: the build must stop
with a ``path`` or ``path:line`` message, leave the first output byte for
byte as it was, and no byte of the secret (a file beside the content folder,
never a real system file) may appear in any file under the test's folder,
the content cache, or the build's own messages. ``invoke check``
(``check_content``) must report the same errors. One case of each kind of
link runs the `pelican` command (exit status 1, no traceback); the others
build in this process and read what it printed and logged.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import logging
import re
from pathlib import Path

import pytest
from pelican.settings import read_settings
from PIL import Image

from newsroom.errors import ContentErrors
from newsroom.tools.check import check_content

from helpers import ROOT, SETTINGS, build, copy_of_output, refused_build, run_pelican_cli, soup, tree_digest

MARKER = "VERTRAULICH-Personalakte-7f3a9c"
RELEASE = Path("releases") / "2024" / "baeume.md"
EMBARGOED = """---
title: Zeppelinwiese wird Naturschutzgebiet
date: 2024-12-01 10:00
number: "600/2024"
department: umwelt
image: {image}
image_alt: Luftbild der Zeppelinwiese
---
Das Bezirksamt stellt die Zeppelinwiese unter Naturschutz.
"""
BEFORE = "2024-12-01T09:59:59+01:00"
AT = "2024-12-01T10:00:00+01:00"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A folder beside the content folder with a confidential note, a confidential release and a picture."""
    folder = tmp_path / "geheim"
    folder.mkdir()
    (folder / "notiz.txt").write_text(f"{MARKER}: Personalgespräch am Montag\n", encoding="utf-8")
    (folder / "intern.md").write_text(
        f"---\ntitle: {MARKER}\ndate: 2024-05-01 10:00\nnumber: \"900/2024\"\ndepartment: {MARKER}\n---\n{MARKER}\n",
        encoding="utf-8",
    )
    (folder / "kontakte.yml").write_text(
        f"pressestelle:\n  name: {MARKER}\n  organisation: {MARKER}\n  x: {MARKER}\n", encoding="utf-8"
    )
    Image.new("RGB", (1200, 630), "red").save(folder / "foto.png")
    with open(folder / "foto.png", "ab") as picture:
        picture.write(MARKER.encode())
    return folder


@pytest.fixture
def built(fixture_site_output: Path, tmp_path: Path) -> Path:
    """A copy of the fixture site's clean build (in build/, so a write beside it would show)."""
    (tmp_path / "build").mkdir()
    return copy_of_output(fixture_site_output, tmp_path / "build" / "output")


def refused_in_this_process(site: Path, output: Path) -> tuple[str, str]:
    """The refused build's errors, and everything it printed or logged (from INFO up, as the command shows)."""
    printed = io.StringIO()
    handler = logging.StreamHandler(printed)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            failure = refused_build(site, output)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    return failure.format_message(), printed.getvalue()


def places_with_marker(*folders: Path, skip: Path) -> list[str]:
    """Every file under ``folders`` (gzip files opened) that holds the marker, besides the secret folder itself."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if skip in path.parents or not path.is_file() or path.is_symlink():
                continue
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            if MARKER.encode() in data:
                found.append(str(path))
    return found


def assert_refused(site: Path, output: Path, secret: Path, expected: list[str], command: bool = False) -> str:
    """Build again into ``output``: refused, with the expected messages, nothing changed, nothing disclosed.

    With ``command`` the `pelican` command builds: exit status 1, no traceback.
    """
    before = tree_digest(output)
    if command:
        result = run_pelican_cli(site, output)
        stderr, messages = result.stderr, result.stdout + result.stderr
        assert result.returncode == 1, messages
        assert "Traceback" not in messages
    else:
        stderr, printed = refused_in_this_process(site, output)
        messages = stderr + printed
    for message in expected:
        assert message in stderr, stderr
    assert tree_digest(output) == before
    assert MARKER not in messages
    tmp_path = secret.parent
    assert places_with_marker(tmp_path, ROOT / "cache", skip=secret) == []
    assert sorted(path.name for path in (tmp_path / "build").iterdir()) == ["output"]
    checked = [error.format() for error in check_content(str(SETTINGS), str(site)).errors]
    assert checked
    assert all(line in stderr for line in checked), (checked, stderr)
    count = int(re.search(r"(\d+) errors? in the content; nothing was written\.", stderr).group(1))
    assert count == len(checked)
    return stderr


# --- Symbolic links -------------------------------------------------------------------


@pytest.mark.parametrize(
    "link, target",
    [
        ("images/lageplan.png", "foto.png"),  # a file in the static folder Pelican copies
        ("images/archiv", "."),  # a folder: Pelican would copy the whole tree
        ("releases/2024/intern.md", "intern.md"),  # a release Pelican and the reading stage would read
        ("releases/akten", "."),
        ("pages/intern.md", "intern.md"),
        ("data/contacts.yml", "kontakte.yml"),  # a registry, read before anything else
        ("notizen/notiz.txt", "notiz.txt"),  # anywhere under the content folder
    ],
)
def test_a_link_out_of_the_content_folder_stops_the_build_before_anything_is_read(site, tmp_path, built, secret, link, target):
    output = built
    path = site / link
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    written = str(secret / target) if target != "." else str(secret)
    path.symlink_to(written)
    stderr = assert_refused(
        site,
        output,
        secret,
        [f"{path}: is a link to {written!r}, outside the content folder; put a copy here instead of the link"],
        command=link == "releases/2024/intern.md",
    )
    assert "1 error in the content" in stderr  # only the link: nothing was read through it


def test_a_relative_link_out_is_refused_too(site, tmp_path, built, secret):
    """What git stores: a relative target such as ../../geheim/foto.png."""
    output = built
    (site / "images").mkdir()
    (site / "images" / "lageplan.png").symlink_to(Path("..") / ".." / "geheim" / "foto.png")
    assert_refused(
        site,
        output,
        secret,
        [f"{site / 'images' / 'lageplan.png'}: is a link to '../../geheim/foto.png', outside the content folder"],
    )


def test_a_release_whose_picture_is_a_link_out_stops_before_the_cards_read_it(site, tmp_path, built, secret):
    output = built
    (site / "images").mkdir()
    (site / "images" / "foto.png").symlink_to(secret / "foto.png")
    release = site / RELEASE
    release.write_text(
        release.read_text(encoding="utf-8").replace("tags:", "image: images/foto.png\nimage_alt: Straßenbäume\ntags:"),
        encoding="utf-8",
    )
    assert_refused(
        site,
        output,
        secret,
        [f"{site / 'images' / 'foto.png'}: is a link to {str(secret / 'foto.png')!r}, outside the content folder"],
    )


def test_links_to_folders_and_to_nothing_are_refused_inside_the_content_folder(site, tmp_path, built, secret):
    output = built
    (site / "images").mkdir()
    (site / "images" / "alle").symlink_to(".")  # a loop Pelican would walk until the path is too long
    (site / "images" / "weg.png").symlink_to("fehlt.png")
    assert_refused(
        site,
        output,
        secret,
        [
            f"{site / 'images' / 'alle'}: is a link to the folder '.'; links to folders are not followed, put the folder "
            "itself here",
            f"{site / 'images' / 'weg.png'}: is a link to 'fehlt.png', which does not exist; remove the link",
        ],
    )


def test_a_link_to_a_file_inside_the_content_folder_keeps_working(site, tmp_path):
    (site / "images").mkdir()
    Image.new("RGB", (8, 8), "green").save(site / "images" / "plan.png")
    (site / "images" / "plan-aktuell.png").symlink_to("plan.png")
    output = tmp_path / "output"
    build(site, output)
    with Image.open(output / "images" / "plan-aktuell.png") as copy, Image.open(site / "images" / "plan.png") as original:
        assert copy.tobytes() == original.tobytes()  # the same pixels, in a clean copy
    assert check_content(str(SETTINGS), str(site)).errors == []


# --- Pelican's link forms ---------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown, shown",
    [
        ("[Protokoll]({attach}../../../geheim/notiz.txt)", "{attach}../../../geheim/notiz.txt"),
        ("[Protokoll]({static}../../../geheim/notiz.txt)", "{static}../../../geheim/notiz.txt"),
        ("[Protokoll]({filename}../../../geheim/intern.md)", "{filename}../../../geheim/intern.md"),
        ("[Protokoll](|filename|../../../geheim/intern.md)", "|filename|../../../geheim/intern.md"),
        ("[Protokoll](|static|../../../geheim/notiz.txt)", "|static|../../../geheim/notiz.txt"),
        ("[Protokoll]({attach}/../geheim/notiz.txt)", "{attach}/../geheim/notiz.txt"),
        ("[Protokoll]({static}%2e%2e/%2E%2E/%2e%2e/geheim/notiz.txt)", "{static}%2e%2e/%2E%2E/%2e%2e/geheim/notiz.txt"),
        ("[Protokoll]({attach}..%2F..%2F..%2Fgeheim%2Fnotiz.txt)", "{attach}..%2F..%2F..%2Fgeheim%2Fnotiz.txt"),
        ("[Protokoll]({static}&#46;&#46;/&#46;&#46;/&#46;&#46;/geheim/notiz.txt)", "{static}../../../geheim/notiz.txt"),
        ("![Plan]({static}../../../geheim/foto.png)", "{static}../../../geheim/foto.png"),
        ("[Protokoll]({attach}http://x/../../geheim/notiz.txt)", "{attach}http://x/../../geheim/notiz.txt"),
        # Pelican's link pattern also matches inside another attribute's value.
        ('<img alt="Plan src=\'{static}../../../geheim/foto.png\'" src="/images/plan.png">', "{static}../../../geheim/foto.png"),
    ],
)
def test_a_pelican_link_out_of_the_content_folder_is_an_error_on_its_line(site, tmp_path, built, secret, markdown, shown):
    output = built
    release = site / RELEASE
    text = release.read_text(encoding="utf-8")
    release.write_text(text + f"\nDas Protokoll der Sitzung: {markdown}\n", encoding="utf-8")
    line = len(text.splitlines()) + 2
    assert_refused(
        site,
        output,
        secret,
        [
            f"{site / RELEASE}:{line}: the link {shown!r} leads outside the content folder; link only to files inside it, "
            f"such as '{{static}}/images/lageplan.pdf'"
        ],
        command=shown == "{attach}../../../geheim/notiz.txt",
    )


def test_a_page_link_out_is_an_error_on_its_line(site, tmp_path, built, secret):
    output = built
    page = site / "pages" / "impressum.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nDatenschutz: [Hinweise]({attach}../../geheim/notiz.txt)\n", encoding="utf-8"
    )
    assert_refused(
        site, output, secret, [f"{page}:6: the link '{{attach}}../../geheim/notiz.txt' leads outside the content folder"]
    )


def test_a_static_link_cannot_write_beside_the_output_folder(site, tmp_path, built, secret):
    """``{static}../../../geheim/notiz.txt`` would be copied to output/../geheim/notiz.txt."""
    output = built
    release = site / RELEASE
    release.write_text(release.read_text(encoding="utf-8") + "\n[Notiz]({static}../../../geheim/notiz.txt)\n", encoding="utf-8")
    assert_refused(site, output, secret, ["the link '{static}../../../geheim/notiz.txt' leads outside the content folder"])
    assert not (tmp_path / "build" / "geheim").exists()


@pytest.mark.parametrize("link", ["{static}../2024", "{attach}.", "{static}/releases", "{static}../../"])
def test_a_static_link_to_a_folder_is_an_error_on_its_line(site, tmp_path, built, secret, monkeypatch, link):
    """Pelican would copy the whole folder: here the releases, with the embargoed one's source."""
    (site / RELEASE.parent / "zeppelinwiese.md").write_text(
        EMBARGOED.replace("image: {image}\nimage_alt: Luftbild der Zeppelinwiese\n", ""), encoding="utf-8"
    )
    monkeypatch.setenv("NEWSROOM_NOW", BEFORE)
    output = built
    release = site / RELEASE
    text = release.read_text(encoding="utf-8")
    release.write_text(text + f"\nAlle Mitteilungen: [hier]({link})\n", encoding="utf-8")
    line = len(text.splitlines()) + 2
    assert_refused(
        site,
        output,
        secret,
        [f"{release}:{line}: the link {link!r} names a folder, which Pelican would publish whole"],
        command=link == "{static}../2024",
    )
    assert not list(output.rglob("*.md"))


def test_links_inside_the_content_folder_still_resolve(site, tmp_path):
    (site / "images").mkdir()
    Image.new("RGB", (8, 8), "green").save(site / "images" / "plan.png")
    release = site / RELEASE
    release.write_text(
        release.read_text(encoding="utf-8")
        + "\n![Plan]({static}../../images/./plan.png) und [Sprechstunde]({filename}sprechstunde.md)\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    build(site, output)
    page = next((output / "pressemitteilungen" / "2024").glob("422-*/index.html"))
    assert soup(page).find("img", alt="Plan")["src"] == "/images/plan.png"


def test_nothing_from_outside_is_copied_even_past_the_link_check(site, tmp_path, secret, monkeypatch):
    """The second lock: were the link check ever bypassed, the static stage still copies nothing from outside."""
    import newsroom.content.reading

    monkeypatch.setattr(newsroom.content.reading, "link_errors", lambda *arguments: [])
    release = site / RELEASE
    release.write_text(release.read_text(encoding="utf-8") + "\n[Notiz]({attach}../../../geheim/notiz.txt)\n", encoding="utf-8")
    options = {**read_settings(str(SETTINGS))["NEWSROOM"], "content_cache_dir": str(tmp_path / "cache")}
    with pytest.raises(ContentErrors) as stopped:
        build(site, tmp_path / "build" / "output", NEWSROOM=options)
    assert [error.format() for error in stopped.value.errors] == [
        "../geheim/notiz.txt: is outside the content folder; nothing is copied from there"
    ]
    assert places_with_marker(tmp_path, skip=secret) == []


def test_no_folder_is_copied_whole_even_past_the_link_check(site, tmp_path, monkeypatch):
    import newsroom.content.reading

    monkeypatch.setattr(newsroom.content.reading, "link_errors", lambda *arguments: [])
    release = site / RELEASE
    release.write_text(release.read_text(encoding="utf-8") + "\n[Alle]({static}../2024)\n", encoding="utf-8")
    options = {**read_settings(str(SETTINGS))["NEWSROOM"], "content_cache_dir": str(tmp_path / "cache")}
    with pytest.raises(ContentErrors) as stopped:
        build(site, tmp_path / "output", NEWSROOM=options)
    assert [error.format() for error in stopped.value.errors] == ["releases/2024: is a folder; folders are not published whole"]
    assert not (tmp_path / "output").exists()


# --- The embargo compares normalised paths ------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "images/foto.png",
        "images//foto.png",
        "images/./foto.png",
        "./images/foto.png",
        "images/alt/../foto.png",
        "/images/foto.png",
    ],
)
def test_an_embargoed_photo_stays_out_however_its_path_is_spelled(site, tmp_path, monkeypatch, spelling):
    (site / "images").mkdir()
    Image.new("RGB", (1200, 630), "green").save(site / "images" / "foto.png")
    (site / RELEASE.parent / "zeppelinwiese.md").write_text(EMBARGOED.format(image=spelling), encoding="utf-8")
    monkeypatch.setenv("NEWSROOM_NOW", BEFORE)
    before = tmp_path / "before"
    build(site, before)
    assert not (before / "images" / "foto.png").exists()
    monkeypatch.setenv("NEWSROOM_NOW", AT)
    after = tmp_path / "after"
    build(site, after)
    page = after / "pressemitteilungen" / "2024" / "600-zeppelinwiese-wird-naturschutzgebiet" / "index.html"
    published = soup(page).find("img", alt="Luftbild der Zeppelinwiese")["src"]
    assert published.startswith("/bilder/foto-1200-") and (after / published.lstrip("/")).is_file()


@pytest.mark.parametrize("link", ["{static}../../images//foto.png", "{static}/images/./foto.png", "/images/alt/../foto.png"])
def test_an_embargoed_photo_linked_in_the_body_stays_out_however_it_is_spelled(site, tmp_path, monkeypatch, link):
    (site / "images").mkdir()
    Image.new("RGB", (8, 8), "green").save(site / "images" / "foto.png")
    body = EMBARGOED.replace("image: {image}\nimage_alt: Luftbild der Zeppelinwiese\n", "") + f"\n![Luftbild]({link})\n"
    (site / RELEASE.parent / "zeppelinwiese.md").write_text(body, encoding="utf-8")
    monkeypatch.setenv("NEWSROOM_NOW", BEFORE)
    build(site, tmp_path / "before")
    assert not (tmp_path / "before" / "images" / "foto.png").exists()


def test_a_public_page_may_not_publish_an_embargoed_source_through_a_static_link(site, tmp_path, monkeypatch):
    (site / RELEASE.parent / "zeppelinwiese.md").write_text(
        EMBARGOED.replace("image: {image}\nimage_alt: Luftbild der Zeppelinwiese\n", ""), encoding="utf-8"
    )
    page = site / "pages" / "impressum.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Vorab]({static}../releases/2024/zeppelinwiese.md)\n", encoding="utf-8")
    monkeypatch.setenv("NEWSROOM_NOW", BEFORE)
    result = run_pelican_cli(site, tmp_path / "output")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert (
        f"{page}:6: links to 'releases/2024/zeppelinwiese.md', which is under embargo until 1. Dezember 2024, 10:00 Uhr"
        in result.stderr
    ), result.stderr
    assert not (tmp_path / "output").exists()
