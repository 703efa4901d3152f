"""Social cards: text fitting, cropping, the cache and what its fingerprint covers, determinism, the cards of real builds."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pelican.settings import read_settings
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from newsroom.errors import ContentErrors
from newsroom.fingerprint import module_closure
from newsroom.outputs.cards import cache, drawing, glyphs, layout, stage
from newsroom.outputs.cards.cache import card_file_name
from newsroom.outputs.cards.drawing import draw_text_card, focal_crop, place, render
from newsroom.outputs.cards.glyphs import fit_title
from newsroom.outputs.cards.layout import HEIGHT, WIDTH, Layout, PhotoCard, Style, TextCard
from newsroom.outputs.cards.stage import Drawing, draw_all
from newsroom.settings import DEFAULTS, contrast

from helpers import SETTINGS, build, card_counts, soup

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "theme"
NEWSROOM = read_settings(str(SETTINGS))["NEWSROOM"]
CARD_DEFAULTS = DEFAULTS["cards"]
STYLE = Style(
    background=CARD_DEFAULTS["background"],
    text=CARD_DEFAULTS["text"],
    muted=CARD_DEFAULTS["muted"],
    accent=CARD_DEFAULTS["accent"],
    font_bold=str(THEME / CARD_DEFAULTS["font_bold"]),
    font_regular=str(THEME / CARD_DEFAULTS["font_regular"]),
    logo=str(THEME / "static" / CARD_DEFAULTS["logo"]),
    quality=CARD_DEFAULTS["quality"],
)
LAYOUT = Layout()
KICKER = "Pressemitteilung Nr. 422/2017 · 4. Oktober 2017"
DEPARTMENT = "Abteilung Stadtentwicklung, Umwelt und Verkehr"
WORDS = (
    "Bezirk", "Straßenbäume", "für", "die", "Schillerstraße", "und", "den", "Marktplatz", "Sanierung",
    "Grundschule", "Nord-Süd-Achse", "Bürgerämter", "geöffnet", "Haushaltsentwurf", "2026/2027", "–",
    "„Kiez", "und", "Kultur“", "Wartemarken", "Jugendparlament", "wählt", "Beteiligungswerkstätten",
)
RELEASE = "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/index.html"


def text_card(title: str) -> TextCard:
    return TextCard("2017-422", title, (KICKER, DEPARTMENT), "Bezirksamt Lindenhain", "Pressestelle", STYLE)


def rejoin(lines) -> str:
    """Undo line breaking: a line ending in a hyphen continues the same word."""
    text = ""
    for line in lines:
        text += line if not text or text.endswith("-") else " " + line
    return text


def assert_inside(box, area):
    left, top, right, bottom = box
    assert area[0] <= left and area[1] <= top and right <= area[2] and bottom <= area[3], (box, area)


def assert_fits(card: TextCard):
    placed, title = place(card)
    canvas = (LAYOUT.margin, 0, WIDTH - LAYOUT.margin, HEIGHT - LAYOUT.accent_height)
    title_box = (LAYOUT.margin, LAYOUT.title_top, WIDTH - LAYOUT.margin, LAYOUT.title_bottom)
    for line in placed:
        assert_inside(line.box(), title_box if line.role == "title" else canvas)
    return title


# --- Text fitting ---------------------------------------------------------------


FITS_WITHOUT_SHORTENING = 180  # characters


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=18))
def test_titles_fit_and_break_only_between_words(words):
    title = " ".join(words)
    # Longer titles may be shortened with "…" (test_title_too_long_for_the_card_is_cut_after_a_whole_word
    # covers that); real ones stay far below.
    assume(len(title) <= FITS_WITHOUT_SHORTENING)
    fitted = assert_fits(text_card(title))
    assert not fitted.shortened
    assert rejoin(fitted.lines) == title  # a break inside a word would leave a hyphen or a space behind


def test_short_titles_are_big_and_long_titles_shrink():
    short = fit_title("Spielplatz eröffnet", STYLE.font_bold, LAYOUT)
    long = fit_title(" ".join(WORDS * 2), STYLE.font_bold, LAYOUT)
    assert short.size == LAYOUT.title_max_size and len(short.lines) == 1
    assert LAYOUT.title_min_size <= long.size < short.size and len(long.lines) > 3


def test_lines_are_balanced():
    fitted = fit_title("Regenwasser vor Ort halten – Bezirk startet Programm für Schwammstadt-Maßnahmen", STYLE.font_bold, LAYOUT)
    widths = [glyphs.text_width(STYLE.font_bold, fitted.size, line) for line in fitted.lines]
    assert len(widths) == 3 and min(widths) > 0.6 * max(widths)


def test_word_wider_than_the_line_is_hyphenated_as_a_last_resort():
    word = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnungsänderungsgesetz"
    assert glyphs.text_width(STYLE.font_bold, LAYOUT.title_min_size, word) > LAYOUT.text_width
    fitted = assert_fits(text_card(f"Neues {word} beschlossen"))
    assert fitted.size == LAYOUT.title_min_size and not fitted.shortened
    assert any(line.endswith("-") for line in fitted.lines)
    assert rejoin(fitted.lines).replace("-", "") == f"Neues {word} beschlossen"  # only the added hyphens differ


def test_title_too_long_for_the_card_is_cut_after_a_whole_word():
    title = " ".join(WORDS * 8)
    fitted = assert_fits(text_card(title))
    assert fitted.shortened and fitted.size == LAYOUT.title_min_size
    shown = rejoin(fitted.lines)
    assert shown.endswith("…")
    assert (title + " ").startswith(shown[:-1] + " ")


def test_long_department_and_office_names_shrink_or_end_with_ellipsis():
    card = TextCard(
        "x", "Titel", (KICKER, "Abteilung " + "Stadtentwicklung und " * 8 + "Verkehr"), "Bezirksamt " * 6, "Pressestelle", STYLE
    )
    placed, _ = place(card)
    assert_fits(card)
    department = next(line for line in placed if line.role == "meta" and line.text.startswith("Abteilung"))
    assert department.text.endswith("…") and department.size == LAYOUT.meta_min_size


def test_no_ink_outside_the_text_areas():
    """Draw the longest title and check the margins are untouched background."""
    image = draw_text_card(text_card(" ".join(WORDS * 8)))
    background = Image.new("RGB", (1, 1), STYLE.background).getpixel((0, 0))
    mask = Image.new("L", image.size, 0)
    painter = ImageDraw.Draw(mask)
    for line in place(text_card(" ".join(WORDS * 8)))[0]:
        painter.rectangle(line.box(), fill=255)
    logo_top = LAYOUT.logo_top
    painter.rectangle((LAYOUT.margin, logo_top, LAYOUT.margin + LAYOUT.logo_size, logo_top + LAYOUT.logo_size), fill=255)
    painter.rectangle((0, HEIGHT - LAYOUT.accent_height, WIDTH, HEIGHT), fill=255)
    outside = Image.composite(Image.new("RGB", image.size, background), image, mask)
    assert outside.getcolors(1) == [(WIDTH * HEIGHT, background)]


# Letters whose ink reaches under their neighbours ("fj", "Ty", "„K"), so overlapping glyphs are drawn too.
LINE_TEXT = st.text(st.sampled_from(sorted(set("".join(WORDS)) | set(" .,:;()/?!0123456789fjyTVWAÄÖÜ"))), min_size=1, max_size=40)
# A font with pair kerning in its 'kern' table (the card fonts have none), where the system has one.
KERNED_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def assert_drawn_like_pillow(font_path: str, size: int, text: str) -> None:
    pillow = ImageFont.truetype(font_path, size, layout_engine=ImageFont.Layout.BASIC)
    face = glyphs.face(font_path, size)
    assert face.width(text) == pillow.getlength(text)
    expected = Image.new("RGB", (1400, 160), STYLE.background)
    drawn = expected.copy()
    ImageDraw.Draw(expected).text((20, 30), text, font=pillow, fill=STYLE.muted, anchor="la")
    face.draw(drawn, 20, 30, text, STYLE.muted)
    assert drawn.tobytes() == expected.tobytes()


@hypothesis_settings(max_examples=80, deadline=None)
@given(LINE_TEXT, st.sampled_from([STYLE.font_bold, STYLE.font_regular]), st.sampled_from([22, 31, 40, 58, 76]))
def test_cached_glyphs_measure_and_draw_exactly_like_pillow(text, font, size):
    assert_drawn_like_pillow(font, size, text)


@pytest.mark.skipif(not KERNED_FONT.is_file(), reason="no DejaVu Sans on this system")
@pytest.mark.parametrize("text", ["AVATAR Tyrannei", "„Wärme“ – LT-Yacht, 7/8 P.", "To Yo Vo Wa"])
def test_cached_glyphs_keep_pillows_pair_kerning(text):
    assert_drawn_like_pillow(str(KERNED_FONT), 47, text)


@hypothesis_settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=18))
def test_title_gets_the_largest_size_that_fits(words):
    title = " ".join(words)
    fitted = fit_title(title, STYLE.font_bold, LAYOUT)
    assume(not fitted.shortened)
    larger = fitted.size + LAYOUT.title_step
    if larger <= LAYOUT.title_max_size:
        measure = partial(glyphs.text_width, STYLE.font_bold, larger)
        lines = glyphs.wrap(glyphs.pieces(title), measure, LAYOUT.text_width)
        line_height = round(larger * LAYOUT.title_leading)
        assert (
            lines is None
            or glyphs.block_height(glyphs.load_font(STYLE.font_bold, larger), line_height, len(lines)) > LAYOUT.title_height
        )


def test_default_colours_have_high_contrast():
    assert contrast(STYLE.text, STYLE.background) >= 7
    assert contrast(STYLE.muted, STYLE.background) >= 7


# --- Pictures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "focus", "expected"),
    [
        ((2400, 630), (0.5, 0.5), (600, 0, 1800, 630)),
        ((2400, 630), (0.0, 0.5), (0, 0, 1200, 630)),
        ((2400, 630), (1.0, 0.2), (1200, 0, 2400, 630)),
        ((1200, 1260), (0.5, 0.5), (0, 315, 1200, 945)),
        ((1200, 1260), (0.5, 0.1), (0, 0, 1200, 630)),
        ((1200, 1260), (0.5, 0.6), (0, 441, 1200, 1071)),
        ((1200, 1260), (0.5, 0.9), (0, 630, 1200, 1260)),
    ],
)
def test_focal_crop_keeps_the_focus_as_central_as_the_edges_allow(size, focus, expected):
    assert focal_crop(size, focus) == pytest.approx(expected)


def striped_picture(path: Path) -> Path:
    """A tall picture, white with a red band at 80 % of its height."""
    picture = Image.new("RGB", (1200, 3000), "white")
    ImageDraw.Draw(picture).rectangle((0, 2300, 1200, 2500), fill="red")
    picture.save(path)
    return path


def test_photo_card_is_cut_around_the_focal_point(tmp_path):
    picture = striped_picture(tmp_path / "streifen.png")
    centred = Image.open(io.BytesIO(render(PhotoCard("k", str(picture), (0.5, 0.5), STYLE))))
    focused = Image.open(io.BytesIO(render(PhotoCard("k", str(picture), (0.5, 0.8), STYLE))))
    assert centred.size == focused.size == (WIDTH, HEIGHT)
    red, green, blue = focused.getpixel((WIDTH // 2, HEIGHT // 2))
    assert red > 200 and green < 60 and blue < 60
    assert min(centred.getpixel((WIDTH // 2, HEIGHT // 2))) > 200


@pytest.mark.parametrize(
    ("size", "turned", "expected"),
    [
        ((8000, 6000), False, (2400, 1800)),
        ((8000, 6000), True, (3200, 2400)),  # shown upright, its 6000 px side becomes the card's width
        ((12000, 2000), False, (7560, 1260)),
        ((4000, 2500), False, (2400, 1500)),
        ((1600, 1000), False, (1600, 1000)),  # never enlarged
    ],
)
def test_pictures_are_decoded_at_twice_the_size_their_crop_needs(size, turned, expected):
    assert drawing.decode_size(size, turned) == expected


def test_camera_sized_jpeg_decoded_at_reduced_size_keeps_its_detail(tmp_path):
    picture = Image.new("RGB", (5000, 2625), "white")
    painter = ImageDraw.Draw(picture)
    for left in range(0, 5000, 15):  # fine lines: decoding too small would blur them
        painter.line((left, 0, left + 600, 2625), fill="navy", width=4)
    picture.save(tmp_path / "kamera.jpg", quality=90)
    card = Image.open(io.BytesIO(render(PhotoCard("k", str(tmp_path / "kamera.jpg"), (0.5, 0.5), STYLE))))
    whole = picture.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    expected = Image.open(io.BytesIO(drawing.encode(whole, STYLE.quality)))
    # Mean difference per channel, at most: decoded whole 3.9, at half size 4.8, at a quarter (too small) 15.7.
    assert max(ImageStat.Stat(ImageChops.difference(card, expected)).mean) < 8


def drawn_files(folder: Path, drawings, workers: int) -> dict[str, bytes]:
    folder.mkdir()
    results = list(draw_all(drawings, str(folder), workers))
    assert all(problem is None for _, problem in results)
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_pool_draws_the_same_files_as_one_process(tmp_path):
    titles = [" ".join(WORDS[index : index + 6]) for index in range(stage.PARALLEL_FROM + 2)]
    drawings = [Drawing(text_card(title), (f"2017-{index}",)) for index, title in enumerate(titles)]
    alone = drawn_files(tmp_path / "alone", drawings, workers=1)
    assert drawn_files(tmp_path / "pool", drawings, workers=2) == alone
    assert sorted(alone.values()) == sorted(render(drawing.card) for drawing in drawings)


# --- What the code fingerprint covers ----------------------------------------------


def test_drawing_code_is_layout_and_glyphs_but_not_the_cache_the_stage_or_the_settings():
    closure = module_closure(drawing.__name__)
    assert {drawing.__name__, layout.__name__, glyphs.__name__} <= closure.keys()
    assert not {cache.__name__, stage.__name__, "newsroom.settings"} & closure.keys(), sorted(closure)


def renderer_of(parent: Path) -> str:
    """``RENDERER`` as a new process computes it from the copy of the package in ``parent``."""
    code = "from newsroom.outputs.cards import drawing; print(drawing.__file__); print(drawing.RENDERER)"
    env = {**os.environ, "PYTHONPATH": str(parent)}
    done = subprocess.run([sys.executable, "-c", code], cwd=parent, env=env, capture_output=True, text=True, check=True)
    path, renderer = done.stdout.splitlines()
    assert Path(path).is_relative_to(parent), path
    return renderer


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_cards_are_drawn_again_after_a_change_to_the_drawing_code_only(tmp_path):
    """A new log line in the stage or the cache keeps every cached card; a change to text fitting redraws them all."""
    shutil.copytree(ROOT / "newsroom", tmp_path / "newsroom", ignore=shutil.ignore_patterns("__pycache__"))
    copy = tmp_path / "newsroom" / "outputs" / "cards"
    assert renderer_of(tmp_path) == drawing.RENDERER
    edit(copy / "stage.py", "Cards: %d drawn, %d reused", "Karten: %d gezeichnet, %d übernommen")
    edit(copy / "cache.py", "it is ignored and every card is drawn again", "es wird übergangen, alle Karten neu gezeichnet")
    assert renderer_of(tmp_path) == drawing.RENDERER
    edit(copy / "glyphs.py", 'ELLIPSIS = "…"', 'ELLIPSIS = "..."')
    assert renderer_of(tmp_path) != drawing.RENDERER


# --- Real builds --------------------------------------------------------------------


def newsroom_with(cache: Path, **cards_options) -> dict:
    return {**NEWSROOM, "cards": {"cache_dir": str(cache), **cards_options}}


def card_of(output: Path, page: str) -> str:
    return soup(output / page).find("meta", property="og:image")["content"].split("/", 3)[3]


def test_cards_of_a_build(site, tmp_path):
    output = tmp_path / "output"
    build(site, output, NEWSROOM=newsroom_with(tmp_path / "cache"))
    files = sorted((output / "karten").iterdir())
    assert [re.sub(r"-[0-9a-f]{10}\.jpg$", "", path.name) for path in files] == ["2024-17", "2024-422", "allgemein"]
    for path in files:
        with Image.open(path) as card:
            assert card.format == "JPEG" and card.size == (WIDTH, HEIGHT)
            assert not card.info.get("exif") and not card.info.get("icc_profile")
        assert path.stat().st_size <= 300_000
    assert card_of(output, RELEASE).startswith("karten/2024-422-")


def test_second_build_draws_no_card_and_keeps_the_cache(site, tmp_path, card_log):
    cache = tmp_path / "cache"
    options = newsroom_with(cache)
    build(site, tmp_path / "first", NEWSROOM=options)
    assert card_counts(card_log) == (3, 0)
    before = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in cache.iterdir()}
    build(site, tmp_path / "second", NEWSROOM=options)
    assert card_counts(card_log) == (0, 3)
    assert {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in cache.iterdir()} == before
    first = {path.name: path.read_bytes() for path in (tmp_path / "first" / "karten").iterdir()}
    assert {path.name: path.read_bytes() for path in (tmp_path / "second" / "karten").iterdir()} == first


def test_two_cold_builds_give_identical_bytes(site, tmp_path, card_log):
    for name in ("one", "two"):
        build(site, tmp_path / name, NEWSROOM=newsroom_with(tmp_path / f"cache-{name}"))
        assert card_counts(card_log)[0] == 3
    one = {path.name: path.read_bytes() for path in (tmp_path / "one" / "karten").iterdir()}
    two = {path.name: path.read_bytes() for path in (tmp_path / "two" / "karten").iterdir()}
    assert one == two and len(one) == 3


def test_title_change_changes_the_card_url_and_draws_only_that_card(site, tmp_path, card_log):
    options = newsroom_with(tmp_path / "cache")
    output = tmp_path / "output"
    build(site, output, NEWSROOM=options)
    before = card_of(output, RELEASE)
    source = site / "releases" / "2024" / "baeume.md"
    source.write_text(source.read_text(encoding="utf-8").replace("den Marktplatz", "den Rathausplatz"), encoding="utf-8")
    build(site, output, NEWSROOM=options)
    after = card_of(output, "pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-rathausplatz/index.html")
    assert after != before and after.startswith("karten/2024-422-")
    assert card_counts(card_log) == (1, 2)
    assert not (output / before).exists() and (output / after).is_file()
    manifest = json.loads((tmp_path / "cache" / "manifest.json").read_text(encoding="utf-8"))
    assert card_file_name("2024-422", manifest["cards"]["2024-422"]["sha256"]) == Path(after).name
    assert sorted(path.name for path in (tmp_path / "cache").glob("2024-422-*")) == [Path(after).name]


def add_picture_release(site: Path, focus_line: str = "") -> None:
    (site / "images").mkdir(exist_ok=True)
    striped_picture(site / "images" / "streifen.png")
    (site / "releases" / "2024" / "bild.md").write_text(
        '---\ntitle: Mit Bild\ndate: 2024-06-01 09:00\nnumber: "200/2024"\ndepartment: bauen\n'
        f"image: images/streifen.png\nimage_alt: Ein roter Streifen\n{focus_line}---\nText.\n",
        encoding="utf-8",
    )


def test_release_with_a_picture_gets_a_crop_and_keeps_the_original_on_the_page(site, tmp_path):
    add_picture_release(site, "image_focus: [0.5, 0.8]\n")
    output = tmp_path / "output"
    build(site, output, NEWSROOM=newsroom_with(tmp_path / "cache"))
    page = soup(output / "pressemitteilungen/2024/200-mit-bild/index.html")
    assert page.find("figure", class_="pm__bild").img["src"].startswith("/bilder/streifen-")
    assert page.find("meta", property="og:image:alt")["content"] == "Ein roter Streifen"
    card_path = output / card_of(output, "pressemitteilungen/2024/200-mit-bild/index.html")
    with Image.open(card_path) as card:
        assert card.size == (WIDTH, HEIGHT)
        assert card.getpixel((WIDTH // 2, HEIGHT // 2))[0] > 200 and card.getpixel((WIDTH // 2, HEIGHT // 2))[1] < 60


def test_releases_with_the_same_picture_share_one_drawing(site, tmp_path, monkeypatch, card_log):
    add_picture_release(site)
    shared = (site / "releases" / "2024" / "bild.md").read_text(encoding="utf-8")
    (site / "releases" / "2024" / "bild-2.md").write_text(
        shared.replace("Mit Bild", "Noch einmal mit Bild").replace("200/2024", "201/2024"), encoding="utf-8"
    )
    drawn = []
    real_render = stage.render
    monkeypatch.setattr(stage, "render", lambda card: drawn.append(card) or real_render(card))
    output = tmp_path / "output"
    build(site, output, NEWSROOM=newsroom_with(tmp_path / "cache"))
    assert len([card for card in drawn if isinstance(card, PhotoCard)]) == 1 and card_counts(card_log)[0] == 5
    first = output / card_of(output, "pressemitteilungen/2024/200-mit-bild/index.html")
    second = output / card_of(output, "pressemitteilungen/2024/201-noch-einmal-mit-bild/index.html")
    assert first.name.startswith("2024-200-") and second.name.startswith("2024-201-")
    assert first.name[-len("0123456789.jpg") :] == second.name[-len("0123456789.jpg") :]
    assert first.read_bytes() == second.read_bytes()


def test_cards_are_copies_of_the_cache_and_unchanged_ones_keep_the_live_file(site, tmp_path):
    """Never a hard link into the cache (damage to it would reach the live site); a card the live site has stays its file."""
    output = tmp_path / "output"
    build(site, output, NEWSROOM=newsroom_with(tmp_path / "cache"))
    cached = {path.name: path for path in (tmp_path / "cache").glob("*.jpg")}
    published = sorted((output / "karten").iterdir())
    assert len(published) == 3
    for path in published:
        assert not os.path.samefile(path, cached[path.name]) and path.read_bytes() == cached[path.name].read_bytes()
        assert path.stat().st_mode & 0o777 == 0o644
    inodes = {path.name: path.stat().st_ino for path in published}
    build(site, output, NEWSROOM=newsroom_with(tmp_path / "cache"))
    assert {path.name: path.stat().st_ino for path in (output / "karten").iterdir()} == inodes


def test_picture_that_cannot_be_drawn_stops_the_build(site, tmp_path):
    add_picture_release(site)
    broken = site / "images" / "streifen.png"
    broken.write_bytes(broken.read_bytes()[:200])
    with pytest.raises(ContentErrors) as caught:
        build(site, tmp_path / "output", NEWSROOM=newsroom_with(tmp_path / "cache"))
    assert "bild.md:6: image: 'images/streifen.png' cannot be drawn as a card:" in caught.value.format_message()
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"colour": "#000"}, "NEWSROOM['cards']: colour: unknown setting; allowed: output_dir,"),
        ({"muted": "#2a5a70"}, "NEWSROOM['cards']: muted: '#2a5a70' on '#083a50' has a contrast of"),
        ({"accent": "gelb"}, "NEWSROOM['cards']: accent: 'gelb' is not a colour"),
        ({"font_bold": "fonts/fehlt.ttf"}, "NEWSROOM['cards']: font_bold: 'fonts/fehlt.ttf' is not a font file"),
        ({"logo": "images/fehlt.png"}, "NEWSROOM['cards']: logo: 'images/fehlt.png' is not an image"),
        ({"quality": 100}, "NEWSROOM['cards']: quality: 100 is not a JPEG quality"),
    ],
)
def test_bad_card_settings_stop_the_build(site, tmp_path, options, message):
    with pytest.raises(ContentErrors) as caught:
        build(site, tmp_path / "output", NEWSROOM=newsroom_with(tmp_path / "cache", **options))
    assert message in caught.value.format_message()
