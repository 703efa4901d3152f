"""A deterministic corpus of generated German press releases for ``invoke bench``.

The benchmark must measure the real site, so the releases use every feature
the sample content uses: all departments and contacts, several topics each,
sub-headings, quotations of the department's head, lists, internal and
external links, and an image on every eighth release. The same seed and count
always give the same files, byte for byte; the same releases can also be
written for plain Pelican and for Hugo, so the three builds compare like with
like.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from dataclasses import dataclass

import yaml

YEARS = 20
RELEASES_PER_YEAR_MIN = 50
LAST_YEAR = 2025
IMAGE_EVERY = 8
SAMPLE_IMAGE = "images/baumpflanzung-buergerpark.jpg"

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


def load_departments(content: str) -> list[tuple[str, str, str]]:
    """(key, name, head) of every department, in file order."""
    with open(os.path.join(content, "data", "departments.yml"), encoding="utf-8") as handle:
        departments = yaml.safe_load(handle)
    return [(key, entry["name"], entry.get("head", entry["name"])) for key, entry in departments.items()]


def load_contacts(content: str) -> set[str]:
    with open(os.path.join(content, "data", "contacts.yml"), encoding="utf-8") as handle:
        return set(yaml.safe_load(handle))


def releases(count: int, departments: list[tuple[str, str, str]], contacts: set[str], seed: int = 1) -> list[Release]:
    """``count`` releases spread over twenty years ending in 2025, oldest first."""
    rng = random.Random(seed)
    per_year = max(RELEASES_PER_YEAR_MIN, -(-count // YEARS))
    made = []
    for index in range(count):
        year = LAST_YEAR - (count - 1 - index) // per_year
        serial = index % per_year + 1
        day = dt.datetime(year, 1, 2, 9, 0) + dt.timedelta(minutes=(serial - 1) * (360 * 24 * 60 // per_year))
        key, name, head = departments[index % len(departments)]
        subject, verb, place = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES)
        title = f"{subject} {place} {verb}"
        slug = f"meldung-{serial}-{year}"
        tags = tuple(sorted(rng.sample(TOPICS, rng.randint(1, 3))))
        image = index % IMAGE_EVERY == 0
        body = release_body(rng, subject, verb, place, head, made)
        made.append(
            Release(serial, year, day, title, slug, key, name, key if key in contacts else "pressestelle", tags, body, image)
        )
    return made


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
        blocks.append(f"Über den Beginn des Vorhabens hatte das Bezirksamt in der [Pressemitteilung Nr. {previous.number}]({link}) informiert.")
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
        lines += [f"image: {SAMPLE_IMAGE}", f"image_alt: {quoted('Parkansicht zur Meldung ' + release.number)}"]
    return "\n".join(lines) + "\n---\n\n" + release.body


def write_newsroom_corpus(sample_content: str, target: str, count: int, seed: int = 1) -> list[Release]:
    """A content folder with the sample's data, pages and images and ``count`` generated releases."""
    for folder in ("data", "pages", "images"):
        shutil.copytree(os.path.join(sample_content, folder), os.path.join(target, folder))
    manifest = os.path.join(target, "data", "published-urls.yml")
    if os.path.exists(manifest):
        os.remove(manifest)  # lists the sample's releases, which the corpus does not contain
    made = releases(count, load_departments(sample_content), load_contacts(sample_content), seed)
    for release in made:
        write_text(os.path.join(target, "releases", release.file_name), newsroom_file(release))
    return made


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
