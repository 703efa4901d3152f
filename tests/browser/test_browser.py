"""The built site in Debian's Chromium: what only a real browser shows.

Every page type is opened at desktop and phone width and checked for WCAG 2.1 A/AA
violations (axe-core), keyboard use (skip link, visible focus, Tab order), requests to
anything but the local server, console errors and sideways scrolling. A screenshot of
each page type at each width goes to test-artifacts/screenshots/ for review. The search
page is used as a reader uses it, under the site's Content-Security-Policy.

The site is served by nginx with the configuration `invoke web-config` writes
(local_site.py), so every page is seen with the production headers; browser, site and
server are the fixtures of conftest.py.

Needs Chromium (`apt-get install chromium`), axe-core (`npm ci`) and Debian's nginx with
its brotli_static module; without them these tests skip and say so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import pytest
from playwright.sync_api import Browser, Page

from newsroom.tools.webconfig import CONTENT_SECURITY_POLICY

from helpers import ROOT

pytestmark = pytest.mark.browser

AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WIDTHS = [1280, 360]
VIEWPORT_HEIGHT = 800


@dataclass(frozen=True)
class PageType:
    """One kind of page; ``proof`` matches only on that kind, so no entry passes by being something else."""

    name: str
    path: str
    proof: str
    status: int = 200
    only_if_built: str | None = None  # output file of a feature that may not be part of this build


PAGE_TYPES = [
    PageType("startseite", "/", ".hauptnav a[href='/'][aria-current='page']"),
    PageType("listenseite", "/seite/1/", ".seitennavigation a[href='/seite/1/'][aria-current='page']"),
    PageType(
        "pm-mit-bild",
        "/pressemitteilungen/2025/27-128-neue-strassenbaeume-fuer-lindenhain/",
        "article.pm .pm__bild img",
    ),
    PageType(
        "pm-ohne-bild",
        "/pressemitteilungen/2025/55-lindenallee-fahrbahnsanierung-in-den-sommerferien/",
        "article.pm:not(:has(.pm__bild))",
    ),
    PageType("pm-mit-tabelle", "/pressemitteilungen/2026/1-buergerhaushalt-2026/", "article.pm .tabelle table"),
    PageType("jahr", "/pressemitteilungen/2025/", ".hauptnav a[href='/pressemitteilungen/'][aria-current='true']"),
    PageType("archiv", "/pressemitteilungen/", "main .archivliste"),
    PageType("ressort", "/ressorts/stadtentwicklung/", ".hauptnav a[href='/ressorts/'][aria-current='true']"),
    PageType("ressorts", "/ressorts/", "main .uebersicht"),
    PageType("thema", "/themen/verkehr/", ".hauptnav a[href='/themen/'][aria-current='true']"),
    PageType("themen", "/themen/", "main .uebersicht"),
    PageType("seite", "/barrierefreiheit/", "main article.seite"),
    PageType("leichte-sprache", "/leichte-sprache/", ".zugang a[href='/leichte-sprache/'][aria-current='page']"),
    PageType("gebaerdensprache", "/gebaerdensprache/", "main section.dgs"),
    PageType(
        "pm-mit-anhang",
        "/pressemitteilungen/2025/48-sommerfest-kiez-kultur-im-rathausgarten/",
        "article.pm .anhaenge a[type='application/pdf']",
    ),
    PageType("404", "/gibt-es-nicht/", "head meta[name='robots'][content='noindex']", status=404),
    PageType("suche", "/suche/", "main h1", only_if_built="suche/index.html"),
    PageType("feeds", "/feeds/", "main h1", only_if_built="feeds/index.html"),
]
SEARCH_PAGE = next(page_type for page_type in PAGE_TYPES if page_type.name == "suche")
# A word of the sample content and the release it is in (tests/test_search.py searches the index itself):
# a release of 2025, whose bundle the search page merges into that of the newest year, 2026.
SEARCH_WORD = "Fahrbahnsanierung"
SEARCH_HIT = "/pressemitteilungen/2025/55-lindenallee-fahrbahnsanierung-in-den-sommerferien/"
OLDER_SHARD = "/pagefind/2025/"
# The status line (suche.js) has its answer: hits, none, or that the search is not available.
SEARCH_SETTLED = "() => /^(?!Suche läuft)./.test(document.getElementById('suche-status').textContent)"

# Installed before any script of the page runs: every report of the browser's CSP enforcement.
RECORD_POLICY_VIOLATIONS = """
window.newsroomViolations = [];
document.addEventListener('securitypolicyviolation', event => window.newsroomViolations.push(
  `${event.effectiveDirective} refused ${event.blockedURI} (at ${event.sourceFile || event.documentURI})`));
"""

# Functions the keyboard tests need in the page; evaluated through the DevTools protocol,
# so a Content-Security-Policy of the site neither blocks them nor has to be bypassed.
KEYBOARD_HELPERS = """() => {
  const focusable = 'a[href], area[href], button, input, select, textarea, summary, iframe, '
    + 'audio[controls], video[controls], [contenteditable], [tabindex]';
  const transparent = color => color === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(color);
  window.newsroomTest = {
    // What a browser puts in the Tab sequence, in document order.
    tabOrder: [...document.querySelectorAll(focusable)].filter(el =>
      el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]')
      && el.checkVisibility({visibilityProperty: true})),
    describe: el => el === document.body ? 'the page itself (nothing focused)'
      : `<${el.tagName.toLowerCase()}> "${el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50)}"`
        + (el.getAttribute('href') ? ` ${el.getAttribute('href')}` : ''),
    // The parts of an element's look that can show focus.
    look: el => {
      const s = getComputedStyle(el);
      return {
        outline: s.outlineStyle !== 'none' && !transparent(s.outlineColor)
          && (s.outlineStyle === 'auto' || parseFloat(s.outlineWidth) >= 2)
          ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'none',
        boxShadow: s.boxShadow,
        background: s.backgroundColor,
      };
    },
  };
  return window.newsroomTest.tabOrder.map(window.newsroomTest.describe);
}"""

ACTIVE_ELEMENT = """() => {
  const t = window.newsroomTest, el = document.activeElement, main = document.querySelector('main');
  const box = el.getBoundingClientRect();
  return {
    index: t.tabOrder.indexOf(el),
    description: t.describe(el),
    look: t.look(el),
    isMain: el === main,
    afterSkip: main.contains(el) || Boolean(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
    skipTarget: el.hash ? document.getElementById(decodeURIComponent(el.hash.slice(1))) === main : false,
    inViewport: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
      && box.bottom <= innerHeight && box.right <= innerWidth,
  };
}"""

OVERFLOW = """() => {
  const root = document.documentElement;
  const wider = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 0.5)
    .map(el => `<${el.tagName.toLowerCase()} class="${el.className}">`);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wider: wider.slice(0, 10)};
}"""

AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


@dataclass
class Traffic:
    """What the page asked the network for and complained about while it was open."""

    document: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # of the document's response
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def record_request(self, request) -> None:
        self.requests.append(request.url)

    def record_console(self, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url") or "the page"
        if self.status != 200 and where == self.document and f" status of {self.status} " in message.text:
            return  # Chromium logs the status the page type must answer with (the 404 page's 404)
        self.console_errors.append(f"{message.text} (at {where})")

    def record_page_error(self, error) -> None:
        self.console_errors.append(f"uncaught {error.name}: {error.message}")


@dataclass(frozen=True)
class Visit:
    """Everything one look at a page found; several tests read the same visit."""

    requests: list[str]
    console_errors: list[str]
    axe: dict
    overflow: dict


@pytest.fixture(params=PAGE_TYPES, ids=lambda page_type: page_type.name)
def page_type(request, site_output) -> PageType:
    page_type = request.param
    if page_type.only_if_built and not (site_output / page_type.only_if_built).is_file():
        pytest.skip(f"{page_type.only_if_built} is not part of this build")
    return page_type


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def width(request) -> int:
    return request.param


@cache
def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.skip("axe-core is not installed; run `npm ci` in the project folder")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@contextmanager
def opened(browser: Browser, site_url: str, page_type: PageType, width: int) -> Iterator[tuple[Page, Traffic]]:
    """A fresh browser context showing the page, with its traffic recorded from the first request."""
    context = browser.new_context(viewport={"width": width, "height": VIEWPORT_HEIGHT})
    context.add_init_script(RECORD_POLICY_VIOLATIONS)
    page = context.new_page()
    traffic = Traffic(site_url + page_type.path, page_type.status)
    page.on("request", traffic.record_request)
    page.on("console", traffic.record_console)
    page.on("pageerror", traffic.record_page_error)
    try:
        response = page.goto(traffic.document, wait_until="load")
        traffic.headers = response.headers
        assert response.status == page_type.status, f"{page_type.path} answered {response.status}"
        assert page.locator(page_type.proof).count(), f"{page_type.path} is not a {page_type.name} page"
        yield page, traffic
    finally:
        context.close()


@pytest.fixture(scope="session")
def visits(browser, site_url):
    """Open each page type at each width once: screenshot, axe, overflow, and its traffic."""
    done: dict[tuple[str, int], Visit] = {}

    def visit(page_type: PageType, width: int) -> Visit:
        key = (page_type.name, width)
        if key not in done:
            with opened(browser, site_url, page_type, width) as (page, traffic):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"{page_type.name}-{width}px.png", full_page=True)
                overflow = page.evaluate(OVERFLOW)
                page.evaluate(axe_source())
                axe = page.evaluate(AXE_RUN, AXE_TAGS)
                page.wait_for_load_state("networkidle")
                done[key] = Visit(list(traffic.requests), list(traffic.console_errors), axe, overflow)
        return done[key]

    return visit


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {' '.join(node['target'])}: {node['failureSummary']}" for node in violation["nodes"])
    return "\n".join(lines)


def test_no_accessibility_violations(visits, page_type, width):
    axe = visits(page_type, width).axe
    assert axe["passes"], "axe ran no rule at all"
    assert axe["violations"] == [], "\n" + describe_violations(axe["violations"])


def test_every_request_goes_to_the_local_server(visits, page_type, width, site_url):
    requests = visits(page_type, width).requests
    assert requests, "the browser recorded no request"
    elsewhere = [url for url in requests if not url.startswith(site_url + "/")]
    assert elsewhere == [], "requests to other hosts:\n" + "\n".join(elsewhere)


def test_no_console_errors(visits, page_type, width):
    errors = visits(page_type, width).console_errors
    assert errors == [], "\n".join(errors)


def test_no_horizontal_scrolling(visits, page_type, width):
    overflow = visits(page_type, width).overflow
    assert overflow["scrollWidth"] <= overflow["clientWidth"], f"wider than the window: {overflow['wider']}"


@dataclass(frozen=True)
class KeyboardUse:
    """One page used with the keyboard alone: Tab through every control, then (reloaded) the skip link."""

    expected: list[str]  # the controls in Tab order
    unfocused: list[dict]  # how each looks without focus
    reached: list[dict]  # the focused element after each Tab
    skip: list[dict]  # after Tab, Enter, Tab on the reloaded page


@pytest.fixture(scope="session")
def keyboard_uses(browser, site_url):
    """Use each page type at each width with the keyboard once; the skip link and Tab order tests read the same use."""
    done: dict[tuple[str, int], KeyboardUse] = {}

    def use(page_type: PageType, width: int) -> KeyboardUse:
        key = (page_type.name, width)
        if key not in done:
            with opened(browser, site_url, page_type, width) as (page, _):
                expected = page.evaluate(KEYBOARD_HELPERS)
                unfocused = page.evaluate("() => window.newsroomTest.tabOrder.map(window.newsroomTest.look)")
                reached = []
                for _ in expected:
                    page.keyboard.press("Tab")
                    reached.append(page.evaluate(ACTIVE_ELEMENT))
                page.reload(wait_until="load")  # a new document: focus starts at the top again
                page.evaluate(KEYBOARD_HELPERS)
                skip = []
                for key_name in ("Tab", "Enter", "Tab"):
                    page.keyboard.press(key_name)
                    skip.append(page.evaluate(ACTIVE_ELEMENT))
            done[key] = KeyboardUse(expected, unfocused, reached, skip)
        return done[key]

    return use


def test_skip_link_moves_focus_to_main(keyboard_uses, page_type, width):
    first, entered, after = keyboard_uses(page_type, width).skip
    assert first["skipTarget"], f"the first Tab focuses {first['description']}, not a link to <main>"
    assert first["inViewport"], "the focused skip link is not shown"
    assert entered["isMain"], "Enter on the skip link does not focus <main>"
    assert after["afterSkip"], f"after the skip link, Tab goes back to {after['description']}"


def test_tab_reaches_every_control_in_order_with_visible_focus(keyboard_uses, page_type, width):
    use = keyboard_uses(page_type, width)
    expected, unfocused, reached = use.expected, use.unfocused, use.reached
    order = [active["index"] for active in reached]
    assert order == list(range(len(expected))), "Tab order differs from document order:\n" + "\n".join(
        f"Tab {number}: {active['description']}, expected {should}"
        for number, (active, should) in enumerate(zip(reached, expected, strict=True), start=1)
        if active["description"] != should
    )
    invisible = [
        active["description"] for active in reached if not focus_shows(active["look"], unfocused[active["index"]])
    ]
    assert invisible == [], "focus is not visible on:\n" + "\n".join(invisible)


def focus_shows(focused: dict, unfocused: dict) -> bool:
    """An outline, a shadow or a background that the element has only while focused."""
    return any(
        focused[part] != unfocused[part] and focused[part] != "none" for part in ("outline", "boxShadow", "background")
    )


def policy_violations(page: Page) -> list[str]:
    return page.evaluate("() => window.newsroomViolations")


def test_search_finds_a_release_under_the_sites_policy(browser, site_url, site_output):
    """suche.js, Pagefind's script, its worker and its WebAssembly run with the policy nginx sends; nothing is refused.

    The hit is in an older year's bundle, merged into the newest year's search.
    """
    if not (site_output / SEARCH_PAGE.only_if_built).is_file():
        pytest.skip(f"{SEARCH_PAGE.only_if_built} is not part of this build")
    with opened(browser, site_url, SEARCH_PAGE, WIDTHS[0]) as (page, traffic):
        assert traffic.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY
        page.fill("#suche-begriff", SEARCH_WORD)
        page.press("#suche-begriff", "Enter")
        page.wait_for_function(SEARCH_SETTLED)
        page.wait_for_load_state("networkidle")
        status = page.locator("#suche-status").text_content()
        hits = page.locator("#suche-liste a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
        violations = policy_violations(page)
    assert violations == [], "\n".join(violations)
    assert traffic.console_errors == [], "\n".join(traffic.console_errors)
    assert f"gefunden für „{SEARCH_WORD}“" in status, status
    assert SEARCH_HIT in hits
    assert any("/pagefind/2026/wasm." in url for url in traffic.requests), "Pagefind's WebAssembly was not loaded"
    assert any(OLDER_SHARD in url for url in traffic.requests), "the older year's bundle was not searched"


def test_the_browser_enforces_the_policy_and_reports_what_it_refuses(browser, site_url):
    """The counter-check of the search test: an inline script is refused and the refusal is seen."""
    home = PAGE_TYPES[0]
    with opened(browser, site_url, home, WIDTHS[0]) as (page, traffic):
        assert traffic.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY
        page.evaluate("""() => {
          const script = document.createElement('script');
          script.textContent = 'window.inlineScriptRan = true';
          document.head.append(script);
        }""")
        page.wait_for_function("() => window.newsroomViolations.length > 0")
        ran = page.evaluate("() => window.inlineScriptRan === true")
        violations = policy_violations(page)
    assert not ran, "an inline script ran despite the policy"
    assert violations == [f"script-src-elem refused inline (at {site_url}/)"]
