"""Theme files are published under content-hashed names, and pages refer only to those."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from pelican.settings import read_settings

from newsroom.outputs.compress import ENCODINGS

from helpers import ROOT, SETTINGS, build, soup

THEME = ROOT / "theme"
HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{8})\.(?P<suffix>[^.]+)$")


def theme_files(output: Path) -> dict[str, bytes]:
    """The published theme files, without their precompressed .gz and .br copies (tests/test_webserver.py)."""
    return {
        str(path.relative_to(output / "theme")): path.read_bytes()
        for path in (output / "theme").rglob("*")
        if path.is_file() and not path.name.endswith(ENCODINGS)
    }


def test_every_theme_file_is_published_under_its_content_hash_only(sample_output):
    published = theme_files(sample_output)
    sources = {
        str(path.relative_to(THEME / "static")): path.read_bytes() for path in (THEME / "static").rglob("*") if path.is_file()
    }
    assert len(published) == len(sources) > 0
    for name, content in published.items():
        match = HASHED_NAME.match(name)
        assert match, name
        assert match["hash"] == hashlib.sha256(content).hexdigest()[:8], name
        assert sources[f"{match['stem']}.{match['suffix']}"] == content, name


def test_pages_use_the_fingerprinted_stylesheet(sample_output):
    for path in sample_output.rglob("*.html"):
        stylesheets = [link["href"] for link in soup(path).find_all("link", rel="stylesheet")]
        assert len(stylesheets) == 1, path
        assert HASHED_NAME.match(stylesheets[0].rsplit("/", 1)[1]), stylesheets
        assert (sample_output / stylesheets[0].lstrip("/")).is_file(), stylesheets


def test_every_theme_reference_in_every_page_exists(sample_output):
    for path in sample_output.rglob("*.html"):
        page = soup(path)
        for element in page.find_all(["link", "script", "img", "source"]):
            for attribute in ("href", "src"):
                value = element.get(attribute, "")
                if value.startswith("/theme/"):
                    assert (sample_output / value.lstrip("/")).is_file(), f"{path}: {value}"


def test_a_changed_or_new_theme_file_gets_a_new_name(site, tmp_path, sample_output):
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    with open(theme / "static" / "css" / "site.css", "a", encoding="utf-8") as css:
        css.write("\n/* geändert */\n")
    (theme / "static" / "js" / "neu.min.js").write_text("console.log('neu');\n", encoding="utf-8")
    output = tmp_path / "output"
    build(site, output, THEME=str(theme))

    published = theme_files(output)
    script = next(name for name in published if name.startswith("js/neu"))
    assert re.fullmatch(r"js/neu\.min\.[0-9a-f]{8}\.js", script)
    assert published[script] == b"console.log('neu');\n"
    [stylesheet] = [name for name in published if name.startswith("css/")]
    assert stylesheet not in theme_files(sample_output)
    assert soup(output / "index.html").find("link", rel="stylesheet")["href"] == f"/theme/{stylesheet}"


def test_asking_for_a_missing_theme_file_names_it():
    from newsroom.site.assets import Assets, MissingAsset

    try:
        Assets.read(read_settings(str(SETTINGS))).url("css/fehlt.css")
    except MissingAsset as error:
        assert "asset('css/fehlt.css'): no such file in" in str(error)
    else:
        raise AssertionError("MissingAsset was not raised")
