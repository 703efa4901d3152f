"""Release images: derivatives and JSON-LD crops without metadata, orientation applied, cached, in <picture>; warnings."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pelican.log import LimitFilter
from pelican.settings import read_settings
from PIL import Image

from newsroom.content.rules import CARD_WIDTH
from newsroom.outputs.cards.layout import WIDTH
from newsroom.outputs.images.encoding import CROP_MIN_PIXELS, crops
from newsroom.tools.check import check_content

from helpers import SETTINGS, build, image_counts, run_pelican_cli, soup, tree_digest

NEWSROOM = read_settings(str(SETTINGS))["NEWSROOM"]
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Kamera"/></rdf:RDF></x:xmpmeta>'
)
PAGE = "pressemitteilungen/2024/300-spielplatz-am-weiher-wieder-offen/index.html"
PUBLIC = "https://presse.lindenhain.example"
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "photoshop"}
RELEASE = """---
title: Spielplatz am Weiher wieder offen
date: 2024-07-01 09:00
number: "300/2024"
department: bauen
image: {image}
image_alt: Kinder klettern auf dem neuen Holzgerüst
image_credit: "Foto: Bezirksamt"{focus}
---
Der Spielplatz am Weiher ist nach der Sanierung wieder geöffnet.

![Lageplan des Spielplatzes]({{static}}/images/lageplan.png)
"""


def camera_photo(path: Path, size=(2400, 1600), orientation: int = 6, **save) -> None:
    """A JPEG as a phone writes it: stored landscape, EXIF with camera, serial number, GPS position and orientation, XMP."""
    gradient = Image.linear_gradient("L").resize(size)
    picture = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient.rotate(90)))
    exif = Image.Exif()
    exif[0x010F] = "Kamerawerk"  # Make
    exif[0x0110] = "Modell 7"  # Model
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0xA431] = "SN-4711"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}  # GPS
    picture.save(path, "JPEG", exif=exif, xmp=XMP, quality=90, **save)


def write_release(site: Path, focus: str = "") -> None:
    """The release with the camera photo; ``focus`` its ``image_focus`` (as written in the front matter) if given."""
    line = f"\nimage_focus: {focus}" if focus else ""
    (site / "releases" / "2024" / "spielplatz.md").write_text(
        RELEASE.format(image="images/spielplatz.jpg", focus=line), encoding="utf-8")


@pytest.fixture
def photo_site(site: Path, tmp_path: Path) -> Path:
    """The fixture site with a release whose photo carries camera metadata, and a body image (PNG with EXIF)."""
    (site / "images").mkdir()
    camera_photo(site / "images" / "spielplatz.jpg")
    exif = Image.Exif()
    exif[0x010F] = "Kamerawerk"
    Image.new("RGB", (640, 400), "seagreen").save(site / "images" / "lageplan.png", exif=exif)
    write_release(site)
    return site


def options(tmp_path: Path, **images) -> dict:
    return {
        **NEWSROOM,
        "cards": {"cache_dir": str(tmp_path / "cards")},
        "images": {"cache_dir": str(tmp_path / "images"), **images},
    }


def published_images(output: Path) -> list[Path]:
    return sorted(path for path in output.rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES)


def assert_no_metadata(path: Path) -> None:
    """No EXIF (nor its GPS block), XMP, IPTC (in Photoshop's block) or colour profile: neither parsed nor in the bytes."""
    data = path.read_bytes()
    assert b"Exif\0\0" not in data and b"http://ns.adobe.com/xap" not in data and b"SN-4711" not in data, path
    with Image.open(path) as picture:
        assert not picture.getexif(), path
        assert not METADATA_KEYS & set(picture.info), path


def news_article(page: Path) -> dict:
    scripts = soup(page).find_all("script", type="application/ld+json")
    return next(item for item in json.loads(scripts[0].string) if item["@type"] == "NewsArticle")


def json_ld_crops(output: Path) -> list[tuple[Path, dict]]:
    """The release's JSON-LD images other than its card: (published file, ImageObject)."""
    images = news_article(output / PAGE)["image"]
    assert images[0]["url"].startswith(f"{PUBLIC}/karten/")  # the share card first, as before
    return [(output / image["url"].removeprefix(PUBLIC + "/"), image) for image in images[1:]]




def test_no_published_image_carries_metadata(photo_site, tmp_path):
    output = tmp_path / "output"
    build(photo_site, output, NEWSROOM=options(tmp_path))
    images = published_images(output)
    names = {str(path.relative_to(output)) for path in images}
    assert "images/spielplatz.jpg" not in names  # the editor's file is not published
    assert "images/lageplan.png" in names  # the body's image: a clean copy at its address
    assert any(name.startswith("bilder/spielplatz-") and name.endswith(".webp") for name in names)
    assert any(name.startswith("karten/") for name in names)
    assert {path.relative_to(output) for path, _ in json_ld_crops(output)} <= {path.relative_to(output) for path in images}
    for path in images:
        assert_no_metadata(path)


def test_json_ld_offers_16_9_4_3_and_1_1_crops_without_metadata(photo_site, tmp_path):
    """Google's article guidance: several ratios, each at least 50,000 pixels, best 1,200 px wide."""
    output = tmp_path / "output"
    build(photo_site, output, NEWSROOM=options(tmp_path))
    found = []
    for path, image in json_ld_crops(output):
        assert image["@type"] == "ImageObject" and path.parent.name == "bilder"
        with Image.open(path) as crop:
            assert crop.format == "JPEG" and crop.size == (image["width"], image["height"]), path
            found.append(crop.size)
        assert_no_metadata(path)
    assert found == [(1200, 675), (1200, 900), (1200, 1200)]  # from the upright 1600×2400 photo


def test_crops_are_cut_around_the_focus_and_a_new_focus_makes_only_new_crops(photo_site, tmp_path, image_log):
    """Top half white, bottom half black: with the focus low, the 16:9 crop is all black."""
    picture = Image.new("RGB", (1600, 2400), "white")
    picture.paste((0, 0, 0), (0, 1200, 1600, 2400))
    picture.save(photo_site / "images" / "spielplatz.jpg", quality=95)
    settings = options(tmp_path)
    build(photo_site, tmp_path / "centre", NEWSROOM=settings)
    write_release(photo_site, focus="[0.5, 0.9]")
    build(photo_site, tmp_path / "low", NEWSROOM=settings)
    assert image_counts(image_log) == (1, 1)  # the release image again, the body image's copy reused
    [(centre, _), *_] = json_ld_crops(tmp_path / "centre")
    [(low, _), *_] = json_ld_crops(tmp_path / "low")
    with Image.open(centre) as wide:
        assert wide.convert("L").getextrema() == (0, 255)  # both halves
    with Image.open(low) as wide:
        assert wide.convert("L").getextrema()[1] < 20  # the black half only
    derivative_files = {path.name for path in (tmp_path / "centre" / "bilder").glob("spielplatz-*") if "x" not in path.stem}
    assert derivative_files == {path.name for path in (tmp_path / "low" / "bilder").glob("spielplatz-*") if "x" not in path.stem}


def test_a_small_picture_gives_smaller_crops_and_none_below_50000_pixels():
    """300×200: 16:9 would be 288×162 and 1:1 200×200, both under 50,000 pixels; 4:3 fits in 264×198."""
    def sizes(width: int, height: int) -> list[tuple[str, int, int]]:
        return [(crop.crop, crop.width, crop.height) for crop in crops(Image.new("RGB", (width, height)), (0.5, 0.5), 80)]

    assert sizes(300, 200) == [("4:3", 264, 198)] and 264 * 198 >= CROP_MIN_PIXELS
    assert sizes(700, 500) == [("16:9", 688, 387), ("4:3", 664, 498), ("1:1", 500, 500)]  # never upscaled, ratio exact


def test_orientation_is_applied_and_nothing_is_upscaled(photo_site, tmp_path):
    output = tmp_path / "output"
    build(photo_site, output, NEWSROOM=options(tmp_path))
    picture = soup(output / PAGE).find("figure", class_="pm__bild").picture
    img = picture.img
    assert (img["width"], img["height"]) == ("1600", "2400")  # stored 2400×1600, orientation 6: upright portrait
    with Image.open(output / img["src"].lstrip("/")) as largest:
        assert largest.size == (1600, 2400) and largest.format == "JPEG"
    widths = [entry.split()[1] for entry in picture.source["srcset"].split(", ")]
    assert widths == ["480w", "960w", "1600w"]


def test_small_image_gets_no_larger_files(photo_site, tmp_path):
    camera_photo(photo_site / "images" / "spielplatz.jpg", size=(700, 500), orientation=1)
    output = tmp_path / "output"
    build(photo_site, output, NEWSROOM=options(tmp_path))
    img = soup(output / PAGE).find("figure", class_="pm__bild").img
    assert [entry.split()[1] for entry in img["srcset"].split(", ")] == ["480w", "700w"]
    assert (img["width"], img["height"]) == ("700", "500")


def test_release_page_markup(photo_site, tmp_path):
    output = tmp_path / "output"
    build(photo_site, output, NEWSROOM=options(tmp_path))
    figure = soup(output / PAGE).find("figure", class_="pm__bild")
    source, img = figure.picture.source, figure.picture.img
    assert source["type"] == "image/webp" and source["sizes"] == img["sizes"]
    assert all(entry.split()[0].endswith(".webp") for entry in source["srcset"].split(", "))
    assert all(entry.split()[0].endswith(".jpg") for entry in img["srcset"].split(", "))
    assert img["alt"] == "Kinder klettern auf dem neuen Holzgerüst" and img["fetchpriority"] == "high"
    assert "loading" not in img.attrs  # the lead image is on the first screen
    assert figure.figcaption.get_text() == "Foto: Bezirksamt"
    teaser = soup(output / "index.html").find("picture", class_="teaser__bild")
    small = teaser.img
    assert small["loading"] == "lazy" and small["alt"] == "" and (small["width"], small["height"]) == ("480", "720")
    assert small["src"].endswith(".jpg") and teaser.source["srcset"].endswith(" 480w")


def test_second_build_encodes_nothing_and_gives_the_same_bytes(photo_site, tmp_path, image_log):
    settings = options(tmp_path)
    build(photo_site, tmp_path / "first", NEWSROOM=settings)
    assert image_counts(image_log) == (2, 0)  # the release's derivatives, the body image's copy
    build(photo_site, tmp_path / "second", NEWSROOM=settings)
    assert image_counts(image_log) == (0, 2)
    first, second = tree_digest(tmp_path / "first"), tree_digest(tmp_path / "second")
    assert {name: digest for name, digest in second.items() if name.endswith(IMAGE_SUFFIXES)} == {
        name: digest for name, digest in first.items() if name.endswith(IMAGE_SUFFIXES)
    }


def test_a_damaged_cache_file_is_encoded_again(photo_site, tmp_path, image_log):
    settings = options(tmp_path)
    build(photo_site, tmp_path / "first", NEWSROOM=settings)
    cached = sorted((tmp_path / "images").glob("*-960.webp"))
    assert len(cached) == 1
    cached[0].write_bytes(b"kaputt")
    build(photo_site, tmp_path / "second", NEWSROOM=settings)
    assert tree_digest(tmp_path / "second")["images/lageplan.png"] == tree_digest(tmp_path / "first")["images/lageplan.png"]
    [webp] = (tmp_path / "second" / "bilder").glob("spielplatz-960-*.webp")
    assert webp.read_bytes() == next((tmp_path / "first" / "bilder").glob("spielplatz-960-*.webp")).read_bytes()
    assert any("not as recorded; encoded again" in record.getMessage() for record in image_log.records)
    assert cached[0].read_bytes() == webp.read_bytes()  # the cache is repaired


@pytest.mark.parametrize(("key", "value"), [("format", "../../etc/passwd"), ("crop", "../../etc/passwd"), ("crop", ["16:9"])])
def test_a_malformed_manifest_is_ignored_with_one_warning(photo_site, tmp_path, image_log, key, value):
    settings = options(tmp_path)
    build(photo_site, tmp_path / "first", NEWSROOM=settings)
    manifest = tmp_path / "images" / "manifest.json"
    data = json.loads(manifest.read_text())
    next(iter(data["images"].values()))[0][key] = value
    manifest.write_text(json.dumps(data))
    build(photo_site, tmp_path / "second", NEWSROOM=settings)
    assert image_counts(image_log) == (2, 0)
    warnings = [r.getMessage() for r in image_log.records if r.levelno == logging.WARNING and "Image cache" in r.getMessage()]
    assert len(warnings) == 1 and "is ignored and every image is encoded again" in warnings[0]


def test_editors_are_warned_about_small_and_big_images(photo_site, tmp_path, caplog):
    camera_photo(photo_site / "images" / "spielplatz.jpg", size=(900, 600), orientation=1)
    caplog.set_level(logging.WARNING)
    build(photo_site, tmp_path / "output", NEWSROOM=options(tmp_path, max_bytes=1000, max_pixels=500_000))
    path = photo_site / "releases" / "2024" / "spielplatz.md"
    too_small = (
        f"{path}:6: image: 'images/spielplatz.jpg' is 900 px wide; the social card needs at least 1200 px, "
        "so it is shown enlarged and blurred"
    )
    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert too_small in messages
    assert any(m.startswith(f"{path}:6: image: 'images/spielplatz.jpg' has ") and "more than the 1.000 allowed" in m
               for m in messages)
    assert f"{path}:6: image: 'images/spielplatz.jpg' has 900×600 pixels, more than the 500.000 allowed; " \
        "scale it down before committing it" in messages
    caplog.clear()
    LimitFilter._raised_messages.clear()  # Pelican logs a message once per process
    check_content(str(SETTINGS), str(photo_site))
    assert too_small in [record.getMessage() for record in caplog.records]


def test_a_png_named_jpg_stops_the_build(photo_site, tmp_path):
    Image.new("RGB", (1600, 900), "teal").save(photo_site / "images" / "spielplatz.jpg", "PNG")
    result = run_pelican_cli(photo_site, tmp_path / "output")
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    path = photo_site / "releases" / "2024" / "spielplatz.md"
    message = f"{path}:6: image: 'images/spielplatz.jpg' is a PNG file, not JPEG; rename it to '.png'"
    assert message in result.stdout + result.stderr
    assert not (tmp_path / "output").exists()


def test_card_width_in_the_warning_is_the_cards():
    assert CARD_WIDTH == WIDTH
