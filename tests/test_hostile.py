"""Hostile input: generated front matter and bodies never cause a traceback or reach the page as script.

Property-based (hypothesis): every generated file either reads cleanly or
yields ``path:line`` errors; whatever is rendered holds no script, handler,
style or ``javascript:`` URL. Reading is tested in this process, example by
example (bodies, which cost a Markdown rendering each, on half as many
examples, with the deepest and longest blocks always among them); the real
builds take several hostile releases at once, as each build costs far more
than a reading. Bounded so the module runs in CI in
well under a minute; in CI (``CI`` set) the examples are derandomized so a
run can be repeated. For a deeper local search: ``HOSTILE_EXAMPLES=2000 invoke test
--args tests/test_hostile.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import unicodedata

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings

from newsroom.content.frontmatter import invisible_character
from newsroom.errors import ContentError, ContentErrors

from helpers import FIXTURE_SITE, SCRIPT_URL, SETTINGS, Reading, build, csp_violations, refused_build, run_pelican_cli

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "500"))
BUILD_EXAMPLES = max(EXAMPLES // 30, 10)  # builds, of up to BUILT_TOGETHER hostile releases each
BUILT_TOGETHER = 6
LONGEST_MESSAGE = 400
SLUG_MAX_LENGTH = 60  # NEWSROOM['slug_max_length']
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

# ---------------------------------------------------------------- front matter

FIELDS = ["title", "date", "number", "department", "contact", "tags", "summary", "image", "image_alt",
          "image_credit", "updated", "update_note", "slug", "status", "tilte", "datum", "<<", "?", ""]
VALID = {
    "title": "Neue Bänke im Park",
    "date": "2024-05-06 09:00",
    "number": '"30/2024"',
    "department": "bauen",
}


def valid_front_matter(*, without: str = "", number: int = 30) -> str:
    """The VALID fields as YAML lines (with release ``number``/2024), optionally without one of them."""
    values = {**VALID, "number": f'"{number}/2024"'}
    return "\n".join(f"{name}: {value}" for name, value in values.items() if name != without)

ESCAPES = ["\\0", "\\a", "\\x07", "\\x1b", "\\ud800", "\\udfff", "\\U0010FFFF", "\\uFEFF", "\\u202E", "\\t", "\\n",
           "\\r", "\\\\", '\\"', "\\N", "\\_", "\\L", "\\P", "\\e", "\\x00"]
YAML_SPECIALS = [
    "~", "null", "true", "no", "yes", "on", ".inf", "-.inf", ".nan", "0x1F", "0o17", "1e999", "-0",
    "10" + "0" * 400, "2024-02-30", "2024-13-01", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
    "2024-05-06T25:61", "2024-05-06 09:00:00.123456789", "1/2024", '"999999999999999999999999/2024"',
    '"0/2024"', '"30/02024"', "!!binary SGFsbG8=", "!!python/object/apply:os.system [ls]", "!!set {a, b}",
    "!!omap [a: 1]", "!!timestamp gestern", "!!int abc", "!!float x", "!eigener Wert", "!!str", "!!null x",
    "&a wert", "*unbekannt", "[a, [b, [c, {d: e}]]]", "{a: 1, a: 2}", "? komplex", "|\n  Zeile\n  Zeile",
    ">-\n  gefaltet\n  weiter", '"ungeschlossen', "'ungeschlossen", "[ungeschlossen", "a: b: c",
    "- eins\n  - zwei", "\t", "%YAML 1.1", "--- zweites", "@reserviert", "`reserviert", "#", "'", '"',
    "images/../../etc/passwd", "/images/x.jpg", "images/\u0000.jpg", "images/" + "a" * 300 + ".jpg",
    "published", "draft", "Draft", "a" * 5000, "straßen-ä", "--", "a--b", "-a", "UPPER",
]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def billion_laughs(levels: int, width: int) -> str:
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines)


scalar_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
quoted_with_escapes = st.lists(
    st.one_of(st.sampled_from(ESCAPES), scalar_text.map(lambda t: t.replace('"', "").replace("\\", ""))), max_size=8
).map(lambda parts: '"' + "".join(parts) + '"')
flow_values = st.recursive(
    st.one_of(
        st.sampled_from(["a", "1", "~", "2024-01-01", '"x"', "*l2"]),
        scalar_text.map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b", "title"]), inner), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        ),
    ),
    max_leaves=12,
)
yaml_value = st.one_of(
    scalar_text,
    quoted_with_escapes,
    st.sampled_from(YAML_SPECIALS),
    flow_values,
    st.integers(min_value=1, max_value=3000).map(nested),
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
    st.datetimes().map(lambda value: value.isoformat()),
    st.tuples(st.integers(-5, 10**7), st.integers(0, 99999)).map(lambda pair: f'"{pair[0]}/{pair[1]}"'),
)
field_line = st.one_of(
    st.tuples(st.sampled_from(FIELDS), yaml_value).map(lambda pair: f"{pair[0]}: {pair[1]}"),
    scalar_text,  # a line that may not be YAML at all
    st.sampled_from(["\ttitle: Tab", "  title: eingerückt", "title:", ": ohne Namen", "- Liste", "[a]: b", "{a: b}: c",
                     "<<: *l1", "title: *l4", "tags: *l3", "? title\n: komplex"]),
)


@st.composite
def front_matter(draw) -> str:
    lines = []
    if draw(st.booleans()):
        lines.extend(f"{name}: {value}" for name, value in VALID.items() if draw(st.booleans()) or name == "title")
    if draw(st.integers(0, 6)) == 0:
        lines.insert(0, billion_laughs(draw(st.integers(1, 9)), draw(st.integers(1, 9))))
    lines.extend(draw(st.lists(field_line, max_size=6)))
    return "\n".join(draw(st.permutations(lines)))


# ------------------------------------------------------------------------ body

HOSTILE_HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)">',
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:x">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>*{display:none}</style>",
    '<div onmouseover="alert(1)">x</div>',
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<object data="javascript:alert(1)">',
    '<embed src="x.swf">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<input onfocus="alert(1)" autofocus>',
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<div markdown="1">*x* <script>alert(1)</script></div>',
    "<textarea><script>alert(1)</script></textarea>",
    '<a href="#" onclick="alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<div class="tabelle" onclick="alert(1)">x</div>',
    "<a href='http://[::1'>x</a>",
    "<img src='//evil.example/x.png' alt=x>",
    "<p title='x\" onmouseover=\"alert(1)'>y</p>",
]
HOSTILE_URLS = ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
                "vbscript:x", "//evil.example", "https://evil.example/\"onmouseover=\"alert(1)", "&#106;avascript:alert(1)",
                "http://[::1", "<javascript:alert(1)>", "mailto:x@y", "/impressum/", "#fn:1", "https://presse.lindenhain.example/x"]
ATTRIBUTE_LISTS = [
    '{: onclick="alert(1)" }',
    '{: style="color:red" }',
    "{: #inhalt }",
    "{: .tabelle }",
    '{: href="javascript:alert(1)" }',
    '{: title="x" onmouseover=alert(1) }',
    "{: }",
    "{:",
    '{: src="javascript:alert(1)" }',
]
CONTROL = [
    "\x00",
    "\x01",
    "\x02",
    "\x03",
    "\x07",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u202e",
    "\r",
    "\t",
    "\ufffe",
]


def markdown_link(label: str, url: str, image: bool) -> str:
    return f"{'!' if image else ''}[{label}]({url})"


# Blocks nested ``depth`` levels deep, and the deepest the strategy draws (each is also an explicit example).
DEEP_BLOCKS = {
    "quote": lambda depth: ">" * depth + " Zitat",
    "list": lambda depth: "\n".join("  " * level + "- Punkt" for level in range(depth)),
    "div": lambda depth: "<div>" * depth + "x" + "</div>" * depth,
    "emphasis": lambda depth: "*" * depth + "x" + "*" * depth,
    "link": lambda depth: "[" * depth + "x" + "](y)" * depth,
}
DEEPEST = {"quote": 400, "list": 200, "div": 300, "emphasis": 100, "link": 100}
LONG_BLOCKS = ["a" * 50_000, "\u202e" * 1000 + "\U0001F600" * 1000]

block = st.one_of(
    scalar_text,
    st.sampled_from(HOSTILE_HTML),
    st.sampled_from(ATTRIBUTE_LISTS),
    st.sampled_from(CONTROL),
    st.builds(markdown_link, scalar_text, st.sampled_from(HOSTILE_URLS), st.booleans()),
    st.integers(1, DEEPEST["quote"]).map(DEEP_BLOCKS["quote"]),
    st.integers(1, DEEPEST["list"]).map(DEEP_BLOCKS["list"]),
    st.integers(1, DEEPEST["div"]).map(DEEP_BLOCKS["div"]),
    st.integers(1, DEEPEST["emphasis"]).map(DEEP_BLOCKS["emphasis"]),
    st.integers(1, DEEPEST["link"]).map(DEEP_BLOCKS["link"]),
    st.integers(1, 8).map(lambda level: "#" * level + " Überschrift"),
    st.just("| a | b |\n|:--|--:|\n| <script>x</script> | [y](javascript:z) |"),
    st.just("> „Zitat“\n>\n> — <img src=x onerror=alert(1)>"),
    st.just("```\n<script>alert(1)</script>\n```"),
    st.just("Text[^1]\n\n[^1]: <script>alert(1)</script>"),
    st.just("*[HTML]: <script>alert(1)</script>\n\nHTML"),
    st.sampled_from(LONG_BLOCKS),
)
body = st.lists(block, max_size=8).flatmap(
    lambda blocks: st.sampled_from(["\n", "\n\n", "\r\n", "\t"]).map(lambda separator: separator.join(blocks))
)


@st.composite
def source_file(draw) -> bytes:
    """A whole Markdown file: mostly well-formed front matter and a hostile body, sometimes much worse."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    opening = draw(st.sampled_from(["---", "--- ", "---\t", "\ufeff---", "—", ""]))
    closing = draw(st.sampled_from(["---", "...", "--- ", "----", ""]))
    text = f"{opening}\n{draw(front_matter())}\n{closing}\n{draw(body)}"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8", "surrogatepass")


hostile_text = st.one_of(
    scalar_text,
    st.sampled_from(HOSTILE_HTML),
    st.sampled_from(['"', "'", "</title><script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}",
                     "{% raw %}", "&amp;&lt;", "]]>", "-->", "</script>", "\u2028", "{filename}/x.md", "|safe",
                     "Bu\u0308rger", "\u202eTXET", "Zero\u200bwidth", "Trenn\u00adung", "\U0001f469\u200d\U0001f692", "x" * 300]),
)


@st.composite
def release_with_hostile_values(draw, number: int = 30) -> bytes:
    """A valid release (number ``number``/2024) whose text fields and body carry markup, template syntax and odd characters."""
    as_yaml = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731 (JSON is YAML)
    lines = [valid_front_matter(without="title", number=number)]
    lines.append(f"title: {as_yaml(draw(hostile_text) + ' Titel')}")
    if draw(st.booleans()):
        lines.append(f"summary: {as_yaml(draw(hostile_text))}")
    if draw(st.booleans()):
        lines.append(f"tags: {as_yaml(draw(st.lists(hostile_text, max_size=3)))}")
    if draw(st.booleans()):
        lines.append(f"updated: 2024-06-01\nupdate_note: {as_yaml(draw(hostile_text))}")
    return ("---\n" + "\n".join(lines) + "\n---\n" + draw(body)).encode("utf-8", "surrogatepass")


# What the real builds of one example get: 1 to BUILT_TOGETHER hostile releases with their own
# numbers (from 40: a generated file may carry VALID's 30/2024), and maybe one generated file.
hostile_files = st.tuples(
    st.integers(1, BUILT_TOGETHER).flatmap(
        lambda count: st.tuples(*(release_with_hostile_values(number=40 + index) for index in range(count)))
    ),
    st.one_of(st.just(()), source_file().map(lambda raw: (raw,))),
).map(lambda parts: parts[0] + parts[1])


# ------------------------------------------------------------------ assertions

FORBIDDEN_ELEMENTS = ("script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link", "template")


def assert_safe_html(html: str) -> None:
    """No way to run script or restyle the page survives in a rendered body."""
    assert "<script" not in html.lower()
    page = BeautifulSoup(html, "html.parser")
    assert page.find_all(FORBIDDEN_ELEMENTS) == []
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            assert not name.startswith("on"), element
            assert name != "style", element
            assert not SCRIPT_URL.match(value or ""), element


def assert_clean_error(error: ContentError, shown_path: str, line_count: int) -> None:
    text = error.format()
    assert isinstance(error, ContentError)
    assert error.path == shown_path
    assert error.line is None or 1 <= error.line <= line_count + 1, text
    assert_one_clean_line(text[len(shown_path):])
    assert "Traceback" not in text


def assert_one_clean_line(message: str) -> None:
    assert not any(unicodedata.category(char) == "Cc" for char in message), repr(message)
    assert len(message) <= LONGEST_MESSAGE, message


def assert_clean_text(value: str) -> None:
    assert value.strip() == value and value
    assert not any(unicodedata.category(char) in ("Cc", "Cs") for char in value), repr(value)
    assert unicodedata.is_normalized("NFC", value) and invisible_character(value) is None, repr(value)
    assert len(value) <= 1000


@pytest.fixture(scope="module")
def reading(tmp_path_factory) -> Reading:
    content = tmp_path_factory.mktemp("hostile") / "content"
    shutil.copytree(FIXTURE_SITE, content)
    return Reading(content)


def assert_read_cleanly(source, raw: bytes) -> None:
    line_count = raw.count(b"\n") + raw.count(b"\r") + 1
    for error in source.errors:
        assert_clean_error(error, source.path, line_count)
    if not source.errors:
        values = source.values
        for name in ("title", "summary", "image_alt", "image_credit", "update_note"):
            if name in values:
                assert_clean_text(values[name])
        for topic in values.get("tags", []):
            assert_clean_text(topic)
        assert 0 < len(source.slug) <= SLUG_MAX_LENGTH, source.slug
        assert_safe_html(source.html)


# ----------------------------------------------------------------------- tests


@BOUNDED
@given(raw=source_file())
@example(raw=("---\n" + billion_laughs(9, 9) + "\ntitle: *l9\n---\nText\n").encode())
@example(raw=("---\ntitle: " + nested(5000) + "\n---\nText\n").encode())
@example(raw=("---\n" + valid_front_matter() + "\n---\n" + ">" * 3000 + " tief").encode())
@example(raw=b'---\ntitle: "\\ud800"\ndate: 2024-05-06\nnumber: "1/2024"\ndepartment: bauen\n---\nText\n')
@example(raw=b'---\ntitle: "a\\0b"\ndate: 0001-01-01T00:00:00+14:00\nnumber: "1/1"\ndepartment: bauen\n---\nText\n')
def test_reading_any_file_gives_clean_values_or_clean_errors(reading, raw):
    source = reading(raw)
    event("read cleanly" if not source.errors else "content errors")
    assert_read_cleanly(source, raw)


@settings(BOUNDED, max_examples=max(EXAMPLES // 2, 10))  # each costs a Markdown rendering; the extremes are examples
@given(markdown=body)
@example(markdown="\n\n".join(DEEP_BLOCKS[name](depth) for name, depth in DEEPEST.items()))
@example(markdown="\r\n".join(LONG_BLOCKS + HOSTILE_HTML))
def test_any_body_under_valid_front_matter_renders_without_script(reading, caplog, markdown):
    caplog.clear()
    raw = ("---\n" + valid_front_matter() + "\n---\n" + markdown).encode("utf-8", "surrogatepass")
    source = reading(raw)
    event("read cleanly" if not source.errors else "content errors")
    assert_read_cleanly(source, raw)
    if caplog.records:
        event("HTML removed with a warning")
    for record in caplog.records:  # the warnings about removed HTML
        assert record.getMessage().startswith(source.path + ":")
        assert_one_clean_line(record.getMessage()[len(source.path):])


def build_hostile_site(root, files: list[bytes]):
    """Build the fixture site with ``files`` as releases (raw HTML a warning, not an error); its output, or the ContentErrors."""
    content = root / "content"
    shutil.copytree(FIXTURE_SITE, content)
    for index, raw in enumerate(files):
        (content / "releases" / "2024" / f"feindlich-{index}.md").write_bytes(raw)
    output = root / "output"
    newsroom = {**read_settings(str(SETTINGS))["NEWSROOM"], "strict_html": False}
    try:
        build(content, output, NEWSROOM=newsroom)
    except ContentErrors as failure:
        assert failure.errors
        assert not output.exists()
        for error in failure.errors:
            assert "\n" not in error.format()
        return failure
    return output


@settings(BOUNDED, max_examples=BUILD_EXAMPLES)
@given(files=hostile_files)
def test_real_builds_stop_with_clean_errors_or_give_csp_clean_pages(tmp_path_factory, reading, files):
    """All files in one build, which stops cleanly if one does not read; the files that read cleanly in a second."""
    readable = [raw for raw in files if not reading(raw).errors]
    if len(readable) < len(files):
        stopped = build_hostile_site(tmp_path_factory.mktemp("hostile-build"), list(files))
        assert isinstance(stopped, ContentErrors), "a file with errors was built"
        event("build stopped with content errors")
    if not readable:
        return
    built = build_hostile_site(tmp_path_factory.mktemp("hostile-build"), readable)
    if isinstance(built, ContentErrors):
        event("the readable files together stopped with content errors")
        return
    event(f"site built with {len(readable)} generated files")
    for page in built.rglob("*.html"):
        assert csp_violations(page) == [], page


# ------------------------------------------- crashes found by this suite, kept as examples

FOUND = {
    "deep-nesting": ("title: " + nested(5000), "feindlich.md:2: invalid YAML: lists or mappings are nested too deeply"),
    "deep-nesting-in-a-value": (
        "tags: [" + "[" * 400 + "]" * 400 + "]",
        "feindlich.md:6: tags: cannot be read: lists or mappings are nested too deeply",
    ),
    "raw-control-character": ("title: a\x1fb", "feindlich.md:5: invalid YAML: the character U+001F is not allowed"),
    "escaped-nul": (
        'title: "a\\0b"',
        "feindlich.md:5: title: contains the character U+0000, which cannot be published; remove it",
    ),
    "escaped-surrogate": ('title: "Bäume \\ud800"', "feindlich.md:5: title: contains the character U+D800"),
    "surrogate-in-topic": ('tags: ["\\udfff x"]', "feindlich.md:6: tags: contains the character U+DFFF"),
    "date-beyond-year-one": (
        "updated: 0001-01-01T00:00:00+14:00\nupdate_note: x",
        "feindlich.md:6: updated: '0001-01-01T00:00:00+14:00' is not a valid date: out of range",
    ),
    "date-beyond-9999": (
        "updated: 9999-12-31T23:59:59-12:00\nupdate_note: x",
        "feindlich.md:6: updated: '9999-12-31T23:59:59-12:00' is not a valid date: out of range",
    ),
    "long-slug": ("slug: " + "a" * 300, "feindlich.md:6: slug: is 300 characters long; a slug has at most 60"),
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_found_crash_is_a_clean_error(reading, name):
    extra, expected = FOUND[name]
    replaced = "title" if extra.startswith("title:") else ""  # the extra line is then line 5, else line 6
    raw = ("---\n" + valid_front_matter(without=replaced) + "\n" + extra + "\n---\nText\n").encode("utf-8", "surrogatepass")
    source = reading(raw)
    messages = [error.format() for error in source.errors]
    assert any(expected in message for message in messages), messages
    assert_read_cleanly(source, raw)


def test_huge_release_number_is_not_a_number(reading):
    raw = ("---\n" + valid_front_matter(without="number") + '\nnumber: "' + "9" * 300 + '/2024"\n---\nText\n').encode()
    [error] = reading(raw).errors
    assert "number: '999999999" in error.format() and "is not a release number; write 'N/YYYY'" in error.format()
    assert len(error.message) < 120


def test_long_topics_and_titles_give_short_urls(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    (content / "releases" / "2024" / "lang.md").write_text(
        "---\n" + valid_front_matter(without="title")
        + f"\ntitle: {'Titel' * 40}\ntags: [{'Thema' * 16}]\n---\nText\n",  # as long as a headline and a topic may be
        encoding="utf-8",
    )
    build(content, tmp_path / "output")
    topic_dirs = [path.name for path in (tmp_path / "output" / "themen").iterdir() if path.is_dir()]
    release_dirs = [
        path.name for path in (tmp_path / "output" / "pressemitteilungen" / "2024").iterdir() if path.name.startswith("30-")
    ]
    assert "themathemathema"[:15] in "".join(topic_dirs)
    assert max(len(name) for name in topic_dirs) <= SLUG_MAX_LENGTH
    assert [len(name) for name in release_dirs] == [len("30-") + SLUG_MAX_LENGTH]


@pytest.mark.parametrize(
    "file_name, title, expected",
    [
        (
            "impressum2.md",
            "Impressum",
            ["impressum.md:2: slug: 'impressum' is also used by", "impressum2.md:2: slug: 'impressum' is also used by"],
        ),
        (
            "themen.md",
            "Themen",
            [
                "themen.md:2: slug: 'themen' is used by the site itself (taken: anhaenge, bilder, feeds, images, karten, "
                "pagefind, pressemitteilungen, ressorts, seite, sitemaps, suche, theme, themen); set another slug"
            ],
        ),
    ],
)
def test_page_whose_url_is_taken_stops_the_build_without_traceback(site, tmp_path, file_name, title, expected):
    (site / "pages" / file_name).write_text(f"---\ntitle: {title}\n---\nText\n", encoding="utf-8")
    stderr = refused_or_failed_command(site, tmp_path / "output", command=file_name == "themen.md")
    for message in expected:
        assert message in stderr, stderr
    assert not (tmp_path / "output").exists()


def refused_or_failed_command(content, output, command: bool) -> str:
    """What a refused build printed: in this process, or with ``command`` from the `pelican` command
    (exit status 1, no traceback)."""
    if not command:
        return refused_build(content, output).format_message()
    result = run_pelican_cli(content, output)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    return result.stderr


@pytest.mark.parametrize(
    "registry, expected",
    [
        ("umwelt:\n  name: Umwelt\x1f\n", "departments.yml:2: invalid YAML: the character U+001F is not allowed"),
        (
            'umwelt:\n  name: "Umwelt \\ud800"\n',
            "departments.yml:2: umwelt.name: contains the character U+D800, which cannot be published; remove it",
        ),
        ("umwelt: " + nested(3000) + "\n", "departments.yml:1: invalid YAML: lists or mappings are nested too deeply"),
        ("umwelt:\n  ? [name]\n  : Umwelt\n", "departments.yml:2: umwelt.?: unknown field; allowed: name, head"),
    ],
)
def test_hostile_registry_is_a_clean_error(site, tmp_path, registry, expected):
    (site / "data" / "departments.yml").write_text(registry, encoding="utf-8", errors="surrogatepass")
    stderr = refused_or_failed_command(site, tmp_path / "output", command="U+001F" in expected)
    assert expected in stderr, stderr
