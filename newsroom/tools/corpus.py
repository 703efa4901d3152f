"""A deterministic corpus of generated German press releases for ``invoke bench``.

The benchmark must measure the real site, so the releases use every feature
the sample content uses: all departments and contacts, several topics each,
sub-headings, quotations of the department's head, lists, internal and
external links, and on every eighth release an image of its own: a photo as
a camera writes it (``PHOTO_SIZE``, JPEG quality 90, EXIF with camera, serial
number, time, GPS position and orientation, one in four taken upright), so
that encoding it costs what a real photo costs and nothing is reused from the
image cache. Drawing such a picture from scratch takes a third of a second,
so a few base pictures are drawn and each release's photo is cut from one of
them at its own offset, with shapes of its own: its bytes and pixels differ
from every other. The same seed and count always give the same files, byte
for byte. The same releases are also written as a plain Pelican site and as
a Hugo site, so the three builds compare like with like: one ``Release``
model, three writers that differ only in format. Plain Pelican and Hugo get
no images (the image is a front-matter field of this project, not part of
the text), so their builds copy none.
``embargoed_release`` is one more release, dated after the others, which the
benchmark adds to this project's content only: it is under embargo until the
build clock passes it (plain Pelican and Hugo have no build clock).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pelican
import yaml
from PIL import ExifTags, Image, ImageDraw

from ..content.dates import BERLIN

YEARS = 20
RELEASES_PER_YEAR_MIN = 50
LAST_YEAR = 2025
IMAGE_EVERY = 8
PHOTO_SIZE = (3000, 2000)  # six megapixels, as stored by the camera
PHOTO_QUALITY = 90
BASE_PHOTOS = 6
# A base picture is larger by this share of the photo's size each way: the room for each photo's own offset.
PHOTO_MARGIN = 1 / 15
PORTRAIT_SHARE = 0.25  # photos tagged Orientation 6: taken upright, stored landscape, as phones do
# Written into a release by ``edited_release``; found nowhere else in the corpus.
EDITED_SENTENCE = "Nach Redaktionsschluss korrigiert: Der Termin verschiebt sich um genau eine Woche."
# Between two sentences of a paragraph (not inside "bis zum 5. des Monats").
SENTENCE_END = re.compile(r"(?<=\.) (?=[A-ZÄÖÜ])")

TOPICS = (
    "Bauen", "Bürgerbeteiligung", "Bürgerdienste", "Digitalisierung", "Familie", "Haushalt", "Jugend",
    "Klimaanpassung", "Kultur", "Nachbarschaft", "Ordnungsamt", "Schule", "Soziales", "Umwelt", "Verkehr",
    "Wirtschaft", "Gesundheit", "Sport", "Senioren", "Integration",
)
PLACES = (
    "im Ortsteil Nordend", "am Mühlenteich", "in der Lindenallee", "am Bürgerpark", "im Rathaus Lindenhain",
    "an der Grundschule am Markt", "in der Stadtteilbibliothek", "im Gerberviertel", "am Bahnhofsvorplatz",
    "in der Sporthalle Mühlenstraße", "im Kiezzentrum Süd", "an der Uferpromenade",
)
SUBJECTS = (
    "Die Sanierung des Spielplatzes", "Die neue Sprechstunde", "Das Beteiligungsverfahren", "Die Baumpflanzung",
    "Der Umbau der Kreuzung", "Die Ausstellung", "Das Ferienprogramm", "Die Informationsveranstaltung",
    "Die Erweiterung der Kita", "Der Aktionstag", "Die Schadstoffsammlung", "Das Nachbarschaftsfest",
    "Die Verkehrszählung", "Die Wahl zum Seniorenbeirat", "Der Wochenmarkt", "Die Reinigungsaktion",
)
VERBS = (
    "beginnt", "startet", "wird verlängert", "findet statt", "geht in die zweite Runde", "ist abgeschlossen",
    "wird vorgestellt", "lädt zum Mitmachen ein",
)
FACTS = (
    "Die Kosten belaufen sich auf rund {n},{m} Millionen Euro, die zum Teil aus Landesmitteln getragen werden.",
    "Insgesamt haben sich {n}{m}0 Bürgerinnen und Bürger an der Befragung beteiligt.",
    "Die Arbeiten dauern voraussichtlich {n} Wochen; die Zufahrt für Rettungsfahrzeuge bleibt jederzeit frei.",
    "Anmeldungen nimmt das Bezirksamt bis zum {n}. des Folgemonats entgegen, die Teilnahme ist kostenfrei.",
    "Das Angebot richtet sich an Familien, Schulklassen und alle Interessierten aus der Nachbarschaft.",
    "Während der Bauzeit wird der Verkehr über die Nebenstraßen umgeleitet; Fußwege bleiben begehbar.",
    "Die Öffnungszeiten werden montags bis donnerstags um {n} Stunden am Nachmittag erweitert.",
    "Die Ergebnisse werden im Ausschuss für Stadtentwicklung vorgestellt und anschließend veröffentlicht.",
    "Fragen beantwortet das Bürgertelefon unter der Rufnummer 115 werktags von 7 bis 18 Uhr.",
    "Bereits im Vorjahr hatten mehr als {n}{m}0 Menschen das Angebot genutzt.",
)
QUOTES = (
    "Mit diesem Schritt zeigen wir, dass gute Verwaltung nah bei den Menschen ist.",
    "Ich danke allen, die sich mit Ideen und Kritik eingebracht haben – das hat das Vorhaben besser gemacht.",
    "Wir investieren in einen Bezirk, in dem Kinder sicher aufwachsen und Ältere gut leben können.",
    "Die Belastungen während der Bauzeit sind uns bewusst; wir halten sie so gering wie möglich.",
    "Gemeinsam mit den Trägern vor Ort schaffen wir ein Angebot, das lange tragen wird.",
)
LIST_ITEMS = (
    "Personalausweis oder Reisepass", "eine aktuelle Meldebescheinigung", "ein biometrisches Passfoto",
    "die ausgefüllte Anmeldung", "ein Nachweis über den Wohnsitz im Bezirk", "festes Schuhwerk und Handschuhe",
    "Getränke für den Vormittag", "eine Einverständniserklärung der Eltern",
)


@dataclass(frozen=True)
class Release:
    """One generated release, independent of the file format it is written in."""

    serial: int
    year: int
    date: dt.datetime
    title: str
    slug: str
    department: str
    department_name: str
    contact: str
    tags: tuple[str, ...]
    body: str
    image: bool

    @property
    def number(self) -> str:
        return f"{self.serial}/{self.year}"

    @property
    def file_name(self) -> str:
        return f"{self.year}/{self.serial:05d}-{self.slug}.md"

    @property
    def image_path(self) -> str:
        """Content-relative, as the front matter names it; only this release uses it."""
        return f"images/{self.year}/{self.serial:05d}-{self.slug}.jpg"


def load_departments(content: str) -> list[tuple[str, str, str]]:
    """(key, name, head) of every department, in file order."""
    with open(os.path.join(content, "data", "departments.yml"), encoding="utf-8") as handle:
        departments = yaml.safe_load(handle)
    return [(key, entry["name"], entry.get("head", entry["name"])) for key, entry in departments.items()]


def load_contacts(content: str) -> set[str]:
    with open(os.path.join(content, "data", "contacts.yml"), encoding="utf-8") as handle:
        return set(yaml.safe_load(handle))


def releases_per_year(count: int) -> int:
    return max(RELEASES_PER_YEAR_MIN, -(-count // YEARS))


def releases(count: int, departments: list[tuple[str, str, str]], contacts: set[str], seed: int = 1) -> list[Release]:
    """``count`` releases spread over twenty years ending in 2025, oldest first.

    Numbers and dates rise with the position in the list, so the last release
    is the newest and the next one (``next_release``) follows it.
    """
    rng = random.Random(seed)
    per_year = releases_per_year(count)
    made: list[Release] = []
    for index in range(count):
        back = count - 1 - index
        year, serial = LAST_YEAR - back // per_year, per_year - back % per_year
        made.append(generated_release(rng, index, year, serial, per_year, departments, contacts, made))
    return made


def next_release(made: list[Release], departments: list[tuple[str, str, str]], contacts: set[str], seed: int = 1) -> Release:
    """The release an editor would add next: the following number in the newest year, dated after the newest."""
    newest = made[-1]
    rng = random.Random(f"{seed}/{len(made)}")
    return generated_release(
        rng, len(made), newest.year, newest.serial + 1, releases_per_year(len(made)), departments, contacts, made
    )


def embargoed_release(made: list[Release], departments: list[tuple[str, str, str]], contacts: set[str], seed: int = 1) -> Release:
    """The first release of the year after the newest, 2 January at 9:00: under embargo for a clock before that."""
    rng = random.Random(f"{seed}/embargo/{len(made)}")
    year = made[-1].year + 1
    return generated_release(rng, len(made) + 1, year, 1, releases_per_year(len(made)), departments, contacts, made)


def generated_release(
    rng: random.Random, index: int, year: int, serial: int, per_year: int,
    departments: list[tuple[str, str, str]], contacts: set[str], earlier: list[Release],
) -> Release:
    day = dt.datetime(year, 1, 2, 9, 0) + dt.timedelta(minutes=(serial - 1) * (360 * 24 * 60 // per_year))
    key, name, head = departments[index % len(departments)]
    subject, verb, place = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES)
    title = f"{subject} {place} {verb}"
    slug = f"meldung-{serial}-{year}"
    tags = tuple(sorted(rng.sample(TOPICS, rng.randint(1, 3))))
    image = index % IMAGE_EVERY == 0
    body = release_body(rng, subject, verb, place, head, earlier)
    contact = key if key in contacts else "pressestelle"
    return Release(serial, year, day, title, slug, key, name, contact, tags, body, image)


def edited_release(release: Release) -> Release:
    """The release with the first sentence of its second paragraph rewritten, as an editor's correction."""
    blocks = release.body.split("\n\n")
    rest = SENTENCE_END.split(blocks[1], maxsplit=1)[1:]
    blocks[1] = " ".join([EDITED_SENTENCE, *rest])
    return dataclasses.replace(release, body="\n\n".join(blocks))


def fact(rng: random.Random) -> str:
    return rng.choice(FACTS).format(n=rng.randint(2, 9), m=rng.randint(1, 9))


def release_body(rng: random.Random, subject: str, verb: str, place: str, head: str, earlier: list[Release]) -> str:
    """Lead, paragraphs, and now and then a heading, a quotation, a list and links."""
    lead = f"{subject} {place} {verb}. " + " ".join(fact(rng) for _ in range(2))
    blocks = [lead]
    for _ in range(rng.randint(2, 4)):
        blocks.append(" ".join(fact(rng) for _ in range(rng.randint(2, 4))))
    if rng.random() < 0.5:
        blocks.append("## Was Sie mitbringen sollten")
        blocks.append("\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, rng.randint(2, 4))))
    if rng.random() < 0.6:
        blocks.append(f"> „{rng.choice(QUOTES)}“\n>\n> — {head}")
    if earlier and rng.random() < 0.3:
        previous = rng.choice(earlier[-50:])
        link = f"/pressemitteilungen/{previous.year}/{previous.serial}-{previous.slug}/"
        blocks.append(
            f"Über den Beginn des Vorhabens hatte das Bezirksamt in der [Pressemitteilung Nr. {previous.number}]({link}) informiert."
        )
    if rng.random() < 0.3:
        blocks.append("Weitere Informationen stehen auf der [Seite des Landes](https://service.example.org/buergerdienste).")
    return "\n\n".join(blocks) + "\n"


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def newsroom_file(release: Release) -> str:
    """The release as this project's editors write it: YAML front matter, Markdown body."""
    lines = [
        "---",
        f"title: {quoted(release.title)}",
        f"date: {release.date:%Y-%m-%d %H:%M}",
        f'number: "{release.number}"',
        f"slug: {release.slug}",
        f"department: {release.department}",
        f"contact: {release.contact}",
        f"tags: [{', '.join(release.tags)}]",
    ]
    if release.image:
        lines += [f"image: {release.image_path}", f"image_alt: {quoted('Foto zur Meldung ' + release.number)}"]
    return "\n".join(lines) + "\n---\n\n" + release.body


def pelican_file(release: Release) -> str:
    """The release in plain Pelican's Markdown format: metadata lines, a blank line, the body."""
    lines = [
        f"Title: {release.title}",
        f"Date: {release.date:%Y-%m-%d %H:%M}",
        f"Category: {release.department_name}",
        f"Tags: {', '.join(release.tags)}",
        f"Slug: {release.slug}",
    ]
    return "\n".join(lines) + "\n\n" + release.body


def hugo_file(release: Release) -> str:
    """The release for Hugo: YAML front matter with the date's UTC offset, taxonomies categories and tags."""
    lines = [
        "---",
        f"title: {quoted(release.title)}",
        f"date: {release.date.replace(tzinfo=BERLIN).isoformat()}",
        f"categories: [{quoted(release.department_name)}]",
        f"tags: [{', '.join(quoted(tag) for tag in release.tags)}]",
        f"slug: {release.slug}",
    ]
    return "\n".join(lines) + "\n---\n\n" + release.body


def base_photo(number: int, size: tuple[int, int]) -> Image.Image:
    """Base picture ``number``: soft areas of colour, shapes with hard edges, texture and grain, as in a photograph."""
    rng = random.Random(f"photo/{number}")
    width, height = size
    picture = Image.frombytes("RGB", (48, 32), rng.randbytes(48 * 32 * 3)).resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(picture)
    for _ in range(40):
        x, y, radius = rng.randrange(width), rng.randrange(height), rng.randrange(width // 75, width // 7)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        else:
            corners = [(x + rng.randrange(-radius, radius), y + rng.randrange(-radius, radius)) for _ in range(5)]
            draw.polygon(corners, fill=colour)
    quarter = (width // 4, height // 4)
    texture = Image.frombytes("L", quarter, rng.randbytes(quarter[0] * quarter[1])).resize(size, Image.Resampling.BILINEAR)
    grain = Image.frombytes("L", size, rng.randbytes(width * height))
    return Image.blend(picture, Image.blend(texture, grain, 0.3).convert("RGB"), 0.18)


def photo_random(release: Release) -> random.Random:
    """The photo's own choices, from what the seed gave the release (not its body: a correction keeps the photo)."""
    return random.Random(f"photo/{release.number}/{release.title}")


def photo_exif(release: Release, rng: random.Random) -> Image.Exif:
    """What a camera writes: make, model, serial number, time taken, orientation and a GPS position in the district."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamerawerk"
    exif[ExifTags.Base.Model] = "Modell 7"
    exif[ExifTags.Base.Orientation] = 6 if rng.random() < PORTRAIT_SHARE else 1
    taken = exif.get_ifd(ExifTags.IFD.Exif)
    taken[ExifTags.Base.DateTimeOriginal] = f"{release.date - dt.timedelta(days=1):%Y:%m:%d %H:%M:%S}"
    taken[ExifTags.Base.BodySerialNumber] = f"SN-{rng.randrange(10**6):06d}"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (52.0, 31.0, round(rng.uniform(0, 60), 2)),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (13.0, 24.0, round(rng.uniform(0, 60), 2)),
    }
    return exif


def write_photos(content: str, made: list[Release], size: tuple[int, int] = PHOTO_SIZE) -> None:
    """The photo of every release in ``made`` that has an image, into ``content``; each base picture drawn once."""
    margin = (round(size[0] * PHOTO_MARGIN), round(size[1] * PHOTO_MARGIN))
    planned = []  # (base picture, year, serial, the photo's random choices, release)
    for release in made:
        if release.image:
            rng = photo_random(release)
            planned.append((rng.randrange(BASE_PHOTOS), release.year, release.serial, rng, release))
    planned.sort(key=lambda plan: plan[:3])
    for number, plans in itertools.groupby(planned, key=lambda plan: plan[0]):
        base = base_photo(number, (size[0] + margin[0], size[1] + margin[1]))
        for *_, rng, release in plans:
            left, top = rng.randrange(margin[0] + 1), rng.randrange(margin[1] + 1)
            photo = base.crop((left, top, left + size[0], top + size[1]))
            draw = ImageDraw.Draw(photo)
            for _ in range(4):
                x, y, radius = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(size[0] // 50, size[0] // 10)
                draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=tuple(rng.randrange(256) for _ in range(3)))
            path = os.path.join(content, release.image_path)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            photo.save(path, "JPEG", quality=PHOTO_QUALITY, exif=photo_exif(release, rng))


@dataclass(frozen=True)
class ReleaseFormat:
    """Where a site keeps its release files (inside its content folder) and how it writes them."""

    folder: str
    render: Callable[[Release], str]
    photos: bool = False  # a release's image is written beside it (this project's format only)

    def path(self, content: str, release: Release) -> str:
        return os.path.join(content, self.folder, release.file_name)

    def write(self, content: str, release: Release) -> None:
        """One release, and its photo unless that is there: a correction leaves the photo alone, as an editor's does."""
        write_text(self.path(content, release), self.render(release))
        if self.photos and release.image and not os.path.exists(os.path.join(content, release.image_path)):
            write_photos(content, [release])

    def write_all(self, content: str, made: list[Release], photo_size: tuple[int, int] = PHOTO_SIZE) -> None:
        """Many releases; each base picture of their photos is drawn once."""
        for release in made:
            write_text(self.path(content, release), self.render(release))
        if self.photos:
            write_photos(content, made, photo_size)


NEWSROOM_FORMAT = ReleaseFormat("releases", newsroom_file, photos=True)
PELICAN_FORMAT = ReleaseFormat("releases", pelican_file)
HUGO_FORMAT = ReleaseFormat("pressemitteilungen", hugo_file)


def write_newsroom_corpus(sample_content: str, target: str, count: int, seed: int = 1, images: bool = True,
                          photo_size: tuple[int, int] = PHOTO_SIZE) -> list[Release]:
    """A content folder with the sample's data, pages and images and ``count`` generated releases.

    ``images=False`` writes the same releases without their images (the
    benchmark's cold build without images); a small ``photo_size`` spares a
    test that does not measure the encoding its cost.
    """
    for folder in ("data", "pages", "images"):
        shutil.copytree(os.path.join(sample_content, folder), os.path.join(target, folder))
    manifest = os.path.join(target, "data", "published-urls.yml")
    if os.path.exists(manifest):
        os.remove(manifest)  # lists the sample's releases, which the corpus does not contain
    made = releases(count, load_departments(sample_content), load_contacts(sample_content), seed)
    if not images:
        made = [dataclasses.replace(release, image=False) for release in made]
    NEWSROOM_FORMAT.write_all(target, made, photo_size)
    return made


# Plain Pelican as its documentation sets it up, with the newsroom's page size
# and feed length so both sites write comparable pages; a copy of its default
# theme "notmyidea" (so a template can be edited), and the output emptied before
# each build, as for publishing (else a deleted release's page stays online).
PLAIN_PELICAN_SETTINGS = """\
# Plain Pelican for comparison with the newsroom build (written by `invoke bench`).
AUTHOR = "Pressestelle"
SITENAME = "Pressemitteilungen"
SITEURL = ""
FEED_DOMAIN = "https://presse.example.org"
PATH = "content"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "de"
DEFAULT_PAGINATION = 10
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
FEED_MAX_ITEMS = 50
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
THEME = "theme"
DELETE_OUTPUT_DIRECTORY = True
"""


def write_pelican_site(folder: str, made: list[Release]) -> str:
    """``folder``/pelicanconf.py, ``folder``/theme and ``folder``/content with the releases; returns the settings file."""
    shutil.copytree(os.path.join(os.path.dirname(pelican.__file__), "themes", "notmyidea"), os.path.join(folder, "theme"))
    PELICAN_FORMAT.write_all(os.path.join(folder, "content"), made)
    settings = os.path.join(folder, "pelicanconf.py")
    write_text(settings, PLAIN_PELICAN_SETTINGS)
    return settings


# A Hugo site that writes what the newsroom writes, minus its extras: release
# pages, home, archive and year lists, department and topic pages, each list
# paginated by 10 at .../seite/N/, an RSS feed (Hugo's built-in template, newest
# 50) for each list, and Hugo's sitemap.
HUGO_CONFIG = """\
baseURL = "https://presse.example.org/"
locale = "de"
title = "Pressemitteilungen"
titleCaseStyle = "none"
timeZone = "Europe/Berlin"

[pagination]
pagerSize = 10
path = "seite"

[services.rss]
limit = 50
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{{ .Title }} – {{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><a href="/pressemitteilungen/">Archiv</a> <a href="/categories/">Ressorts</a> <a href="/tags/">Themen</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "02.01.2006, 15:04" }} Uhr</time>
{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .RegularPagesRecursive }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "02.01.2006" }}</p><p>{{ .Summary }}</p></article>
{{ end }}
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">Neuere</a>{{ end }} Seite {{ $pager.PageNumber }} von {{ $pager.TotalPages }}
{{ with $pager.Next }}<a href="{{ .URL }}">Ältere</a>{{ end }}</nav>{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
}
# A department or topic page lists its releases like any other list.
HUGO_LAYOUTS["term.html"] = HUGO_LAYOUTS["list.html"]


def write_hugo_site(folder: str, made: list[Release]) -> None:
    """``folder``/hugo.toml, layouts/ and content/ with the releases, one section per year."""
    write_text(os.path.join(folder, "hugo.toml"), HUGO_CONFIG)
    for name, template in HUGO_LAYOUTS.items():
        write_text(os.path.join(folder, "layouts", name), template)
    releases_folder = os.path.join(folder, "content", HUGO_FORMAT.folder)
    write_text(os.path.join(releases_folder, "_index.md"), '---\ntitle: "Pressemitteilungen"\n---\n')
    for year in sorted({release.year for release in made}):
        write_text(os.path.join(releases_folder, str(year), "_index.md"), f'---\ntitle: "Jahrgang {year}"\n---\n')
    HUGO_FORMAT.write_all(os.path.join(folder, "content"), made)


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
