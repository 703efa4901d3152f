"""An incremental build gives the bytes of a clean build, after any sequence of changes.

A hypothesis state machine edits a small site — titles, bodies, dates, topics,
departments, images, drafts, embargoes, withdrawals; adds, deletes and renames
release files; edits a template, a registry entry, a setting; moves the build
clock — and after every step builds it twice: into the live output (which
links every page whose render key is unchanged, keeps search shards, sitemaps
and compressed copies, and reuses the content, card and image caches) and
from nothing into a fresh folder with empty caches. Every file must be the
same, the search index's too (``helpers.rebuild_digest``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from newsroom.site.clock import NOW_VARIABLE
from newsroom.site.renderkeys import KEYS_FILE

from helpers import FIXTURE_SITE, ROOT, SAMPLE_CONTENT, build, rebuild_digest

THEME = ROOT / "theme"
IMAGE = SAMPLE_CONTENT / "images" / "baumpflanzung-buergerpark.jpg"
BEFORE_SUMMER = "2025-06-01T12:00:00+02:00"
AFTER_SUMMER = "2025-09-30T12:00:00+02:00"
TITLES = ["Neue Bänke im Bürgerpark", "Sprechstunde der Bezirksbürgermeisterin", "Baustelle Lindenallee",
          "Ferienprogramm in den Stadtteilbibliotheken", "Wahl zum Jugendparlament"]
SENTENCES = ["Die Arbeiten beginnen am Montag.", "Anmeldungen nimmt das Bürgeramt entgegen.",
             "Der Eintritt ist frei.", "Die Sperrung dauert zwei Wochen."]
TOPICS = ["Umwelt", "Verkehr", "Bildung", "Jugend"]
DEPARTMENTS = ["umwelt", "bauen"]
# Within the build clock's reach: spring (always public), summer (public only after the clock moved). The
# site starts with a release on each of the first three, so one is always at 02:30 on 30 March 2025, a time
# the clocks skip (read as 03:30 summer time, whether read afresh or from the content cache).
DAYS = ["2025-03-02 09:00", "2025-03-30 02:30", "2025-04-15 11:30", "2025-05-20 10:00", "2025-08-12 10:00",
        "2024-11-03 08:15"]


def release_text(release: dict) -> str:
    lines = ["---", f'title: "{release["title"]}"', f"date: {release['date']}",
             f'number: "{release["serial"]}/{release["date"][:4]}"', f"department: {release['department']}"]
    if release["topics"]:
        lines.append("tags: [" + ", ".join(release["topics"]) + "]")
    if release["image"]:
        lines += ["image: images/bild.jpg", "image_alt: Eine gezeichnete Parkansicht mit Bäumen und einem Weg"]
    if release["status"] == "draft":
        lines.append("status: draft")
    if release["status"] == "withdrawn":
        lines += ["status: withdrawn", "withdrawn: 2025-12-01 10:00", "withdrawal_reason: Der Termin wurde verschoben."]
    lines += ["---", "", release["body"], ""]
    return "\n".join(lines)


class IncrementalBuilds(RuleBasedStateMachine):
    """The site as files, the live output built after each step, and a clean build to compare it with."""

    def __init__(self) -> None:
        super().__init__()
        self.releases: dict[int, dict] = {}  # serial → what its file says
        self.serials = iter(range(1, 10_000))
        self.now = BEFORE_SUMMER
        self.overrides: dict = {}
        self.builds = 0

    @initialize(root=st.just(None))
    def start(self, root) -> None:
        self.root = Path(os.environ["INCREMENTAL_ROOT"]) / f"run-{os.getpid()}-{id(self)}"
        self.content = self.root / "content"
        shutil.copytree(FIXTURE_SITE, self.content)
        shutil.rmtree(self.content / "releases")
        (self.content / "releases" / "2025").mkdir(parents=True)
        (self.content / "images").mkdir()
        shutil.copy(IMAGE, self.content / "images" / "bild.jpg")
        self.theme = self.root / "theme"
        shutil.copytree(THEME, self.theme)
        for index in range(3):
            self.add_release(TITLES[index], DAYS[index], DEPARTMENTS[index % 2], TOPICS[index: index + 2], index == 1)

    # -- the files ---------------------------------------------------------------------------------------------

    def path_of(self, serial: int) -> Path:
        release = self.releases[serial]
        return self.content / "releases" / release["date"][:4] / release["file"]

    def write(self, serial: int) -> None:
        path = self.path_of(serial)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(release_text(self.releases[serial]), encoding="utf-8")

    def add_release(self, title: str, date: str, department: str, topics: list[str], image: bool) -> None:
        serial = next(self.serials)
        self.releases[serial] = {"serial": serial, "title": title, "date": date, "department": department,
                                 "topics": topics, "image": image, "status": "published",
                                 "body": SENTENCES[serial % len(SENTENCES)], "file": f"pm-{serial}.md"}
        self.write(serial)

    def change(self, serial: int, **values) -> None:
        self.path_of(serial).unlink()  # the date may move the file to another year's folder
        self.releases[serial].update(values)
        self.write(serial)

    @rule(data=st.data(), title=st.sampled_from(TITLES))
    @precondition(lambda self: self.releases)
    def edit_title(self, data, title) -> None:
        self.change(data.draw(st.sampled_from(sorted(self.releases))), title=title)

    @rule(data=st.data(), sentence=st.sampled_from(SENTENCES))
    @precondition(lambda self: self.releases)
    def edit_body(self, data, sentence) -> None:
        serial = data.draw(st.sampled_from(sorted(self.releases)))
        self.change(serial, body=self.releases[serial]["body"] + " " + sentence)

    @rule(data=st.data(), date=st.sampled_from(DAYS))
    @precondition(lambda self: self.releases)
    def edit_date(self, data, date) -> None:
        """A summer date is an embargo until the clock moves past it; another year moves the file and the number."""
        self.change(data.draw(st.sampled_from(sorted(self.releases))), date=date)

    @rule(data=st.data(), topics=st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))
    @precondition(lambda self: self.releases)
    def edit_topics(self, data, topics) -> None:
        self.change(data.draw(st.sampled_from(sorted(self.releases))), topics=topics)

    @rule(data=st.data(), department=st.sampled_from(DEPARTMENTS))
    @precondition(lambda self: self.releases)
    def edit_department(self, data, department) -> None:
        self.change(data.draw(st.sampled_from(sorted(self.releases))), department=department)

    @rule(data=st.data())
    @precondition(lambda self: self.releases)
    def toggle_image(self, data) -> None:
        serial = data.draw(st.sampled_from(sorted(self.releases)))
        self.change(serial, image=not self.releases[serial]["image"])

    @rule(data=st.data(), status=st.sampled_from(["published", "draft", "withdrawn"]))
    @precondition(lambda self: self.releases)
    def edit_status(self, data, status) -> None:
        self.change(data.draw(st.sampled_from(sorted(self.releases))), status=status)

    @rule(title=st.sampled_from(TITLES), date=st.sampled_from(DAYS), department=st.sampled_from(DEPARTMENTS),
          topics=st.lists(st.sampled_from(TOPICS), max_size=2, unique=True), image=st.booleans())
    @precondition(lambda self: len(self.releases) < 7)
    def add(self, title, date, department, topics, image) -> None:
        self.add_release(title, date, department, topics, image)

    @rule(data=st.data())
    @precondition(lambda self: len(self.releases) > 1)
    def delete(self, data) -> None:
        serial = data.draw(st.sampled_from(sorted(self.releases)))
        self.path_of(serial).unlink()
        del self.releases[serial]

    @rule(data=st.data())
    @precondition(lambda self: self.releases)
    def rename_file(self, data) -> None:
        serial = data.draw(st.sampled_from(sorted(self.releases)))
        old = self.path_of(serial)
        self.releases[serial]["file"] = "umbenannt-" + self.releases[serial]["file"]
        old.rename(self.path_of(serial))

    @rule(text=st.sampled_from(["Stand: Frühjahr", "Stand: Herbst"]))
    def edit_template(self, text) -> None:
        """A visible line in the footer, which every page includes."""
        base = self.theme / "templates" / "base.html"
        source = base.read_text(encoding="utf-8")
        marker = '<p class="fuss__absender">'
        head, _, tail = source.partition(marker)
        tail = tail.split("<!--stand-->", 1)[-1]
        base.write_text(f"{head}{marker}<!--stand-->{text}<!--stand-->{tail}", encoding="utf-8")

    @rule(name=st.sampled_from(["Abteilung Bauen", "Abteilung Bauen, Wohnen und Denkmalschutz"]))
    def edit_registry(self, name) -> None:
        registry = self.content / "data" / "departments.yml"
        lines = registry.read_text(encoding="utf-8").splitlines()
        start = lines.index("bauen:")
        lines[start + 1] = f"  name: {name}"
        registry.write_text("\n".join(lines) + "\n", encoding="utf-8")

    @rule(sitename=st.sampled_from(["Pressemitteilungen – Bezirksamt Lindenhain", "Presse – Bezirksamt Lindenhain"]),
          per_page=st.sampled_from([2, 3]))
    def edit_settings(self, sitename, per_page) -> None:
        self.overrides = {"SITENAME": sitename, "DEFAULT_PAGINATION": per_page}

    @rule(now=st.sampled_from([BEFORE_SUMMER, AFTER_SUMMER]))
    def move_clock(self, now) -> None:
        self.now = now

    @rule()
    def save_unchanged(self) -> None:
        """Every release saved again with the same bytes (a "save all"): the live site's build has nothing to do."""
        for serial in self.releases:
            self.write(serial)

    # -- the builds ----------------------------------------------------------------------------------------------

    def build_into(self, output: Path, caches: Path) -> None:
        newsroom = {
            "cards": {"cache_dir": str(caches / "cards")},
            "images": {"cache_dir": str(caches / "images")},
            "content_cache_dir": str(caches / "content"),
        }
        previous = os.environ.get(NOW_VARIABLE)
        os.environ[NOW_VARIABLE] = self.now
        try:
            options = {"DEFAULT_PAGINATION": 2, **self.overrides}
            build(self.content, output, THEME=str(self.theme), NEWSROOM=newsroom_settings(newsroom), **options)
        finally:
            if previous is None:
                del os.environ[NOW_VARIABLE]
            else:
                os.environ[NOW_VARIABLE] = previous

    @invariant()
    def incremental_equals_clean(self) -> None:
        if not hasattr(self, "content"):
            return
        self.builds += 1
        live = self.root / "live"
        self.build_into(live, self.root / "caches")
        clean = self.root / f"clean-{self.builds}"
        self.build_into(clean, clean.with_name(clean.name + "-caches"))
        one, two = rebuild_digest(live), rebuild_digest(clean)
        assert sorted(one) == sorted(two), (sorted(set(one) ^ set(two)))
        assert [path for path in one if one[path] != two[path]] == []
        assert (live / KEYS_FILE).read_bytes() == (clean / KEYS_FILE).read_bytes()
        shutil.rmtree(clean)
        shutil.rmtree(clean.with_name(clean.name + "-caches"), ignore_errors=True)


def newsroom_settings(caches: dict) -> dict:
    from pelican.settings import read_settings

    from helpers import SETTINGS

    base = read_settings(str(SETTINGS)).get("NEWSROOM", {})
    return {**base, **{key: {**base.get(key, {}), **value} if isinstance(value, dict) else value
                       for key, value in caches.items()}}


IncrementalBuilds.TestCase.settings = settings(
    max_examples=int(os.environ.get("INCREMENTAL_EXAMPLES", "2")),
    stateful_step_count=int(os.environ.get("INCREMENTAL_STEPS", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    # Every step builds twice; shrinking a failure costs minutes. The failing sequence is printed as it ran.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def test_incremental_builds_equal_clean_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("INCREMENTAL_ROOT", str(tmp_path))
    IncrementalBuilds.TestCase("runTest").runTest()
