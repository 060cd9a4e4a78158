"""The proof crawler of e2e/test_crawl.py: every page a demo role can reach, at two sizes.

For one role, `Crawler.run()` logs in through the HTML form, then walks breadth-first from
"/" over the same-origin GET links (`a[href]`) of each page, and at each page and size
(1366×900, then 390×844 on the same document):

- checks that the page does not scroll sideways (`documentElement.scrollWidth` wider than
  the layout viewport, `clientWidth`, by more than 1 px), naming the elements that stick out;
- checks that no word inside a table cell, button or badge is split across lines (a Range
  over each word whose client rectangles sit on more than one line: the approach of
  shared/tools/screens.py);
- runs axe-core (the conftest's `Axe`) at the desktop size only;
- keeps a screenshot (PNG) of the whole page (cut at MAX_SCREENSHOT_HEIGHT).

On the phone size it also submits POST forms emptied of their required text-like values
(browser validation removed), `forms_per_shape` per page shape and `max_forms` in all, and
checks that the answer puts the error summary (`.error-summary`) in view, with the focus.
A link that answers 4xx/5xx, or sends back to the login page, is a problem too.

Nothing fails here: every problem is a `Problem`, and `report()` groups them by kind.

What is not followed: /logout and /login, the language switch (`?lang=`, which would turn
the rest of the crawl to English), anchors, other origins, downloads (any answer that is not
text/html, found by a plain GET with the browser's cookies before the browser goes; and
/api/…, ?format=…, .csv/.pdf/.ics/.json… links, which are not even fetched), and any page
of a shape (ids, numbers and dates replaced by a placeholder, query values dropped) of
which 2 pages were seen already. A role stops after `max_pages` pages; every new shape is
visited before a second page of any shape, so that the cap cuts repeats, not kinds of page.

`crawl_all` shares the roles out among several crawlers (one browser and thread each).
"""

from __future__ import annotations

import base64
import collections
import contextlib
import dataclasses
import hashlib
import json
import pathlib
import re
import threading
import time
from typing import Callable
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import requests
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "maillage-demo-2026"

# The demo's accounts (Sources/MaillageApp/Network/DemoData.swift), one per role.
ROLES: list[tuple[str, str]] = [
    ("admin", "admin@maillage.example"),  # network administrator
    ("coordination", "coordination@maillage.example"),  # coordinator
    ("caisse", "caisse@maillage.example"),  # staff at the till
    ("cooperant", "cooperant@maillage.example"),  # resident on a pathway
    ("societaire", "societaire@maillage.example"),  # member
    ("orientation", "orientation@maillage.example"),  # referrer
    ("financeur", "financeur@maillage.example"),  # funder
]

PHONE = "390x844"
DESKTOP = "1366x900"
SIZES: dict[str, tuple[int, int]] = {DESKTOP: (1366, 900), PHONE: (390, 844)}

PAGES_PER_SHAPE = 2
MAX_PAGES_PER_ROLE = 120
MAX_FORMS = 40  # refused forms submitted over the whole crawl
FORMS_PER_SHAPE = 1  # refused forms submitted per page shape, over all roles
MAX_SCREENSHOT_HEIGHT = 8000  # px; a taller page is cut there

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NUMBER = re.compile(r"^\d+$")
DAY = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
DOWNLOAD_SUFFIXES = (".csv", ".pdf", ".ics", ".json", ".xlsx", ".zip", ".txt", ".xml")
SKIPPED_FORM_ACTIONS = ["delete", "logout", "cancel"]  # forms never submitted, whatever they hold

# Problem kinds, in the order of the report.
SIDEWAYS = "page scrolls sideways"
SPLIT = "word split across lines"
AXE = "axe violation"
SUMMARY = "refused form: error summary not in view with focus"
BROKEN = "link to a page that answers with an error"
CRAWL = "crawler could not check the page"
KINDS = [SIDEWAYS, SPLIT, AXE, SUMMARY, BROKEN, CRAWL]


# --------------------------------------------------------------------------- URLs


TAB_KEYS = {"onglet"}


def shape_of(path_and_query: str) -> str:
    """`/coops/<uuid>/members/<uuid>?from=…` → `/coops/{id}/members/{id}?from`."""
    parts = urlsplit(path_and_query)
    segments = []
    for segment in parts.path.split("/"):
        if UUID.fullmatch(segment):
            segment = "{id}"
        elif NUMBER.fullmatch(segment):
            segment = "{n}"
        elif DAY.fullmatch(segment):
            segment = "{date}"
        else:
            segment = UUID.sub("{id}", segment)
        segments.append(segment)
    shape = "/".join(segments) or "/"
    # A record's tabs (`?onglet=plan`) are pages of their own: the value is part of the shape.
    keys = sorted({f"{key}={value}" if key in TAB_KEYS else key for key, value in parse_qsl(parts.query, keep_blank_values=True)})
    return shape + ("?" + "&".join(keys) if keys else "")


def key_of(path_and_query: str) -> str:
    """The identity of a page: its ids in lower case (the server reads both cases)."""
    return UUID.sub(lambda m: m.group(0).lower(), path_and_query)


def is_download_link(path: str, query: str) -> bool:
    lowered = path.lower()
    if lowered.startswith("/api/") or lowered.endswith(DOWNLOAD_SUFFIXES):
        return True
    return any(key == "format" for key, _ in parse_qsl(query, keep_blank_values=True))


def slug(text: str, limit: int = 90) -> str:
    """A file-name-safe rendering of a path, with a short hash so that two never collide."""
    safe = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "home"
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{safe[:limit]}_{digest}"


# --------------------------------------------------------------------------- page scripts

# Layout of the page at the current viewport: sideways scroll (and what sticks out), and
# words split across lines in table cells, buttons and badges.
LAYOUT_JS = r"""
// The width a page may use: the layout viewport less its vertical scroll bar if it shows one
// (desktop; a phone's take no room). It is the issue's innerWidth, except that it does not count
// the desktop's scroll bar, nor grow when a phone zooms a too-wide page out.
const vw = document.documentElement.clientWidth;
const describe = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 6; e = e.parentElement) {
    let d = e.tagName.toLowerCase();
    if (e.id) { parts.unshift(d + '#' + e.id); break; }
    const classes = Array.from(e.classList).slice(0, 3);
    if (classes.length) d += '.' + classes.join('.');
    // A stacked table's cell says which column it is.
    if (e.dataset && e.dataset.label) d += '[data-label="' + e.dataset.label + '"]';
    parts.unshift(d);
    if (e.tagName === 'MAIN' || e.tagName === 'BODY') break;
  }
  return parts.join(' > ');
};
const out = {scrollWidth: document.documentElement.scrollWidth, clientWidth: vw,
             innerWidth: window.innerWidth,
             sideways: document.documentElement.scrollWidth > vw + 1, wide: [], split: []};
if (out.sideways) {
  // The outermost elements past the right edge, outside any scrolling or clipping box.
  const clipped = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if (o !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1) continue;
    const p = el.parentElement;
    if (p && p !== document.body && p.getBoundingClientRect().right > vw + 1) continue;
    if (clipped(el)) continue;
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    out.wide.push(describe(el) + ' (' + Math.round(r.right) + ' px' + (text ? ', "' + text + '"' : '') + ')');
    if (out.wide.length >= 4) break;
  }
}
// A word: a run of characters with no breaking space and no hyphen (a line may end after a
// hyphen); no-break spaces (U+00A0, U+202F, U+2007) belong to the word, so "1 234,56 €" is one.
const wordRe = /(?:[^\s\-\u2010]|[\u00a0\u202f\u2007])+/g;
const seen = new Set();
const keys = new Set();
const sel = 'td, th, button, .button, .badge, .status, .tag';
for (const el of document.querySelectorAll(sel)) {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (seen.has(node)) continue;
    seen.add(node);
    const text = node.textContent;
    wordRe.lastIndex = 0;
    let m;
    while ((m = wordRe.exec(text))) {
      const w = m[0].trim();
      if ([...w.replace(/[\u00a0\u202f\u2007]/g, '')].length < 2) continue;
      const r = document.createRange();
      r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      const tops = Array.from(r.getClientRects()).filter(x => x.width > 0 && x.height > 0)
        .map(x => x.top).sort((a, b) => a - b);
      let lines = tops.length ? 1 : 0;
      for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] > 2) lines++;
      if (lines > 1) {
        const host = node.parentElement.closest(sel) || el;
        const key = w + '|' + describe(host);
        if (!keys.has(key) && out.split.length < 40) {
          keys.add(key);
          out.split.push({word: w, where: describe(host), lines: lines});
        }
      }
    }
  }
}
return out;
"""

# The page's links and its candidate refused forms, in one pass.
PAGE_JS = r"""
const TEXTLIKE = ['text', 'number', 'date', 'email', 'time', 'datetime-local', 'tel', 'url',
                  'search', 'month', 'week'];
const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
  && getComputedStyle(el).visibility !== 'hidden';
const links = [];
for (const a of document.querySelectorAll('a[href]')) {
  links.push({href: a.href, raw: a.getAttribute('href'), download: a.hasAttribute('download')});
}
const forms = [];
const skipped = new RegExp(arguments[0].join('|'), 'i');
Array.from(document.forms).forEach((f, index) => {
  if ((f.getAttribute('method') || 'get').toLowerCase() !== 'post') return;
  const action = f.getAttribute('action') || location.pathname;
  if (skipped.test(action)) return;
  if (f.classList.contains('logout')) return;
  const fields = Array.from(f.elements).filter(e =>
    (e.tagName === 'INPUT' && TEXTLIKE.includes((e.getAttribute('type') || 'text').toLowerCase()))
    || e.tagName === 'TEXTAREA');
  const required = fields.filter(e => e.required && visible(e));
  if (!required.length) return;
  forms.push({index: index, id: f.id || '', action: action,
              required: required.map(e => e.name || e.id)});
});
return {links: links, forms: forms, title: document.title,
        h1: (document.querySelector('h1') || {}).textContent || ''};
"""

# Empties a form's text-like fields, removes the browser's validation and submits it.
REFUSE_JS = r"""
const f = document.forms[arguments[0]];
const TEXTLIKE = ['text', 'number', 'date', 'email', 'time', 'datetime-local', 'tel', 'url',
                  'search', 'month', 'week'];
f.noValidate = true;
f.setAttribute('novalidate', 'novalidate');
for (const e of f.elements) {
  for (const a of ['required', 'pattern', 'min', 'max', 'minlength', 'maxlength', 'step']) e.removeAttribute(a);
  const type = (e.getAttribute('type') || 'text').toLowerCase();
  if ((e.tagName === 'INPUT' && TEXTLIKE.includes(type)) || e.tagName === 'TEXTAREA') e.value = '';
}
window.__crawlOldPage = true;
// The first submit button that does not send the form elsewhere to delete or cancel.
const skipped = new RegExp(arguments[1].join('|'), 'i');
const submitter = Array.from(f.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]'))
  .concat(f.id ? Array.from(document.querySelectorAll(`[form="${f.id}"][type="submit"]`)) : [])
  .find(b => !skipped.test(b.getAttribute('formaction') || ''));
if (submitter) f.requestSubmit(submitter); else f.submit();
return true;
"""

# Where the error summary is and whether it has the focus.
SUMMARY_JS = r"""
const s = document.querySelector('.error-summary');
const a = document.activeElement;
const nav = performance.getEntriesByType('navigation')[0] || {};
const answer = {status: nav.responseStatus || 0, redirected: (nav.redirectCount || 0) > 0};
const describe = (e) => !e ? 'nothing' : e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
  + (e.classList && e.classList.length ? '.' + Array.from(e.classList).join('.') : '');
if (!s) return {found: false, active: describe(a), answer: answer, h1: (document.querySelector('h1') || {}).textContent || '',
                alerts: Array.from(document.querySelectorAll('[role=alert], .error, .flash'))
                  .map(e => e.textContent.replace(/\s+/g, ' ').trim()).filter(Boolean).slice(0, 2)};
const r = s.getBoundingClientRect();
return {found: true, count: document.querySelectorAll('.error-summary').length,
        top: Math.round(r.top), bottom: Math.round(r.bottom), innerHeight: window.innerHeight,
        inView: r.top >= 0 && r.top < window.innerHeight, scale: visualViewport ? visualViewport.scale : 1,
        focused: !!a && (a === s || s.contains(a)), active: describe(a),
        autofocus: s.hasAttribute('autofocus'), scrollY: Math.round(window.scrollY)};
"""


# --------------------------------------------------------------------------- records


@dataclasses.dataclass(frozen=True)
class Problem:
    kind: str
    role: str
    path: str
    size: str
    detail: str
    item: str = ""  # what several problems of one detail differ by (a split word)

    @property
    def shape(self) -> str:
        return shape_of(self.path)


@dataclasses.dataclass
class Visit:
    role: str
    path: str
    shape: str
    status: int
    title: str
    referrer: str | None
    screenshots: dict[str, str] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0


@dataclasses.dataclass
class Outcome:
    visits: list[Visit] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    downloads: set[tuple[str, str]] = dataclasses.field(default_factory=set)  # (role, shape)
    skipped_shapes: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    capped_roles: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # role → shapes not reached
    forms_tested: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # role, path, form
    forms_seen: set[tuple[str, str]] = dataclasses.field(default_factory=set)  # (page, form) identities
    forms_done: set[tuple[str, str]] = dataclasses.field(default_factory=set)
    forms_per_shape: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    timings: dict[str, float] = dataclasses.field(default_factory=dict)  # role → seconds
    phases: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # step → seconds
    # Crawlers in several threads share one outcome: the form budget and the counters under it.
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)

    @property
    def forms_untested(self) -> list[tuple[str, str]]:
        return sorted(self.forms_seen - self.forms_done)


# --------------------------------------------------------------------------- crawler


class Crawler:
    """Crawls the server at `base` as each role, in one selenium driver."""

    def __init__(self, driver, base: str, axe: Callable[[], list[dict]], artefacts: pathlib.Path,
                 outcome: Outcome | None = None, max_pages: int = MAX_PAGES_PER_ROLE,
                 max_forms: int = MAX_FORMS, forms_per_shape: int = FORMS_PER_SHAPE,
                 log: Callable[[str], None] = lambda line: None) -> None:
        self.driver = driver
        self.base = base.rstrip("/")
        self.origin = urlsplit(self.base)
        self.axe = axe
        self.artefacts = artefacts
        self.outcome = outcome or Outcome()
        self.max_pages = max_pages
        self.max_forms = max_forms
        self.forms_per_shape = forms_per_shape
        self.log = log
        self.size: str | None = None

    # ---------------------------------------------------------------- browser plumbing

    def set_size(self, size: str) -> None:
        """The viewport itself (not the window), on the page already open.

        The phone is emulated as a phone ("mobile"): the page's meta viewport applies and its
        scroll bars take no room, so the page is laid out on 390 px, not 375. A phone zooms
        a page that is too wide out to show it whole (innerWidth then grows with the page),
        so the zoom is put back to 1 and the sideways check compares with clientWidth, the
        layout viewport's width. The desktop keeps its scroll bar, as desktop browsers do.
        """
        if size == self.size:
            return
        width, height = SIZES[size]
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": size == PHONE})
        self.driver.execute_cdp_cmd("Emulation.setPageScaleFactor", {"pageScaleFactor": 1})
        self.size = size

    def reset_browser(self) -> None:
        """What the session's shared driver looked like before the crawl."""
        for command, params in (("Emulation.clearDeviceMetricsOverride", {}),
                                ("Emulation.setPageScaleFactor", {"pageScaleFactor": 1}),
                                ("Network.clearBrowserCookies", {})):
            try:
                self.driver.execute_cdp_cmd(command, params)
            except WebDriverException:
                pass
        self.size = None

    def screenshot(self, role: str, path: str, size: str) -> str:
        """A PNG of the whole page (cut at MAX_SCREENSHOT_HEIGHT), named by role, size and path."""
        width, height = SIZES[size]
        full = self.driver.execute_script(
            "return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);")
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "optimizeForSpeed": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(max(full, height), MAX_SCREENSHOT_HEIGHT), "scale": 1},
        })
        name = f"{role}_{size}_{slug(path)}.png"
        (self.artefacts / name).write_bytes(base64.b64decode(shot["data"]))
        return name

    def login(self, email: str) -> requests.Session:
        driver = self.driver
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.set_size(DESKTOP)
        driver.get(self.base + "/login")
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        WebDriverWait(driver, 15).until(lambda d: urlsplit(d.current_url).path != "/login")
        # The same cookie session for the requests that sort pages from downloads.
        http = requests.Session()
        for cookie in driver.get_cookies():
            http.cookies.set(cookie["name"], cookie["value"], domain=self.origin.hostname, path=cookie.get("path", "/"))
        http.headers["Accept-Language"] = "fr-FR,fr"
        return http

    def open(self, url: str) -> None:
        self.driver.get(url)
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")

    # ---------------------------------------------------------------- one role

    def run(self, role: str, email: str) -> None:
        started = time.monotonic()
        outcome = self.outcome
        http = self.login(email)
        # Breadth-first, but every new shape before a second page of a shape already seen:
        # with the page cap, this reaches the most kinds of page.
        fresh: collections.deque[tuple[str, str | None]] = collections.deque([("/", None)])
        again: collections.deque[tuple[str, str | None]] = collections.deque()
        queued = {key_of("/")}
        per_shape: collections.Counter = collections.Counter()
        pages = 0
        while fresh or again:
            from_fresh = bool(fresh)
            path, referrer = (fresh if from_fresh else again).popleft()
            shape = shape_of(path)
            if per_shape[shape] >= PAGES_PER_SHAPE:
                outcome.skipped_shapes[(role, shape)] += 1
                continue
            if per_shape[shape] and from_fresh:
                again.append((path, referrer))
                continue
            if pages >= self.max_pages:
                left = {shape_of(p) for p, _ in [(path, referrer), *fresh, *again]}
                outcome.capped_roles[role] = sorted(s for s in left if not per_shape[s])
                break
            # Pages and downloads told apart by the server's answer, before the browser goes.
            try:
                with self.phase("sorting links (HTTP)"):
                    answer = http.get(self.base + path, stream=True, timeout=30, allow_redirects=True)
                    answer.close()
            except requests.RequestException as err:
                outcome.problems.append(Problem(CRAWL, role, path, "-", f"GET failed: {err!r}"))
                continue
            content_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if answer.status_code >= 400:
                outcome.problems.append(Problem(BROKEN, role, path, "-",
                                                f"{answer.status_code} {content_type}, linked from {referrer}"))
                continue
            if content_type != "text/html":
                outcome.downloads.add((role, shape))
                continue
            if urlsplit(answer.url).path == "/login":
                outcome.problems.append(Problem(BROKEN, role, path, "-", f"sends back to the login page, linked from {referrer}"))
                continue
            per_shape[shape] += 1
            pages += 1
            for link in self.visit(role, path, referrer, answer.status_code):
                key = key_of(link)
                if key not in queued:
                    queued.add(key)
                    fresh.append((link, path))
        outcome.timings[role] = time.monotonic() - started
        self.log(f"crawl: {role}: {pages} pages in {outcome.timings[role]:.1f} s")

    def visit(self, role: str, path: str, referrer: str | None, status: int) -> list[str]:
        """Checks one page at both sizes; returns the paths it links to."""
        started = time.monotonic()
        outcome = self.outcome
        visit = Visit(role, path, shape_of(path), status, "", referrer)
        outcome.visits.append(visit)
        links: list[str] = []
        phase = self.phase
        try:
            # Desktop first: links, layout, screenshot, axe.
            with phase("open"):
                self.set_size(DESKTOP)
                self.open(self.base + path)
                page = self.driver.execute_script(PAGE_JS, SKIPPED_FORM_ACTIONS)
            visit.title = page["title"]
            links = self.links_of(page["links"])
            with phase("layout"):
                self.check_layout(role, path, DESKTOP)
            with phase("screenshots"):
                visit.screenshots[DESKTOP] = self.screenshot(role, path, DESKTOP)
            with phase("axe"):
                self.check_axe(role, path, DESKTOP)
            # Then the phone, on the same document.
            with phase("layout"):
                self.set_size(PHONE)
                self.driver.execute_script("window.scrollTo(0, 0);")
                self.check_layout(role, path, PHONE)
            with phase("screenshots"):
                visit.screenshots[PHONE] = self.screenshot(role, path, PHONE)
            with phase("refused forms"):
                self.check_refused_forms(role, path, page["forms"])
        except (WebDriverException, TimeoutException) as err:
            message = " ".join(str(getattr(err, "msg", None) or err).split())[:300]
            outcome.problems.append(Problem(CRAWL, role, path, self.size or "-", f"{type(err).__name__}: {message}"))
        visit.seconds = time.monotonic() - started
        return links

    @contextlib.contextmanager
    def phase(self, name: str):
        started = time.monotonic()
        try:
            yield
        finally:
            with self.outcome.lock:
                self.outcome.phases[name] += time.monotonic() - started

    def links_of(self, anchors: list[dict]) -> list[str]:
        found = []
        for anchor in anchors:
            raw = (anchor.get("raw") or "").strip()
            if not raw or raw.startswith("#") or anchor.get("download"):
                continue
            url = urlsplit(anchor["href"])
            if url.scheme not in ("http", "https") or url.netloc != self.origin.netloc:
                continue
            if url.path.rstrip("/") == "/logout" or url.path == "/login":
                continue
            if any(key == "lang" for key, _ in parse_qsl(url.query, keep_blank_values=True)):
                continue
            if is_download_link(url.path, url.query):
                continue
            found.append(urlunsplit(("", "", url.path or "/", url.query, "")))
        return found

    # ---------------------------------------------------------------- checks

    def check_layout(self, role: str, path: str, size: str) -> None:
        layout = self.driver.execute_script(LAYOUT_JS)
        problems = self.outcome.problems
        if layout["sideways"]:
            wide = "; ".join(dict.fromkeys(generalised(w) for w in layout["wide"])) or "no single element found"
            problems.append(Problem(SIDEWAYS, role, path, size,
                                    f"{layout['scrollWidth']} px wide for {layout['clientWidth']}: {wide}"))
        for split in layout["split"]:
            problems.append(Problem(SPLIT, role, path, size, f"in {split['where']}", split["word"]))

    def check_axe(self, role: str, path: str, size: str) -> None:
        try:
            violations = self.axe()
        except RuntimeError as err:
            self.outcome.problems.append(Problem(CRAWL, role, path, size, f"axe: {err}"))
            return
        for v in violations:
            targets = [" ".join(t if isinstance(t, str) else " >>> ".join(t) for t in node.get("target", []))
                       for node in v.get("nodes", [])]
            shown = ", ".join(targets[:4]) + (f" (+{len(targets) - 4} more)" if len(targets) > 4 else "")
            self.outcome.problems.append(Problem(
                AXE, role, path, size, f"{v.get('id')} [{v.get('impact')}] {v.get('help')}: {shown}"))

    def check_refused_forms(self, role: str, path: str, forms: list[dict]) -> None:
        """`forms_per_shape` forms per page shape at most (over all roles), `max_forms` in all;
        a form already refused on a page of the same path is not submitted again."""
        outcome = self.outcome
        shape = shape_of(path)
        page = shape_of(urlsplit(path).path)  # the booking form of /resources/{id}?from is that of /resources/{id}
        with outcome.lock:
            outcome.forms_seen.update((page, self.form_name(form)) for form in forms)
        on_the_page = True
        for form in forms:
            name = self.form_name(form)
            with outcome.lock:
                if outcome.forms_per_shape[shape] >= self.forms_per_shape or len(outcome.forms_tested) >= self.max_forms:
                    return
                if (page, name) in outcome.forms_done:
                    continue
                outcome.forms_per_shape[shape] += 1
                outcome.forms_done.add((page, name))
                outcome.forms_tested.append((role, path, name))
            if not on_the_page:
                # The page again, for its next form (the same form, found by its name).
                self.open(self.base + path)
                again = [f for f in self.driver.execute_script(PAGE_JS, SKIPPED_FORM_ACTIONS)["forms"] if self.form_name(f) == name]
                if not again:
                    continue
                form = again[0]
            on_the_page = False
            self.refuse(role, path, form, name)

    def refuse(self, role: str, path: str, form: dict, name: str) -> None:
        outcome = self.outcome
        driver = self.driver
        driver.execute_script(REFUSE_JS, form["index"], SKIPPED_FORM_ACTIONS)
        try:
            WebDriverWait(driver, 15).until(lambda d: d.execute_script(
                "return !window.__crawlOldPage && document.readyState === 'complete';"))
        except TimeoutException:
            outcome.problems.append(Problem(SUMMARY, role, path, PHONE, f"{name}: no new page after the submission"))
            return
        # Autofocus runs at the next rendering update: give it a moment.
        deadline = time.monotonic() + 1.0
        while True:
            state = driver.execute_script(SUMMARY_JS)
            if (state["found"] and state["inView"] and state["focused"]) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        answer = urlsplit(driver.current_url)
        where = answer.path + (f"?{answer.query}" if answer.query else "")
        emptied = ", ".join(form["required"])
        if not state["found"]:
            shown = f"; the page shows: {' / '.join(state['alerts'])!r}" if state["alerts"] else ""
            status = state["answer"]["status"]
            how = ("accepted: redirected to" if state["answer"]["redirected"]
                   else f"answered {status} at" if status else "answered at")
            outcome.problems.append(Problem(SUMMARY, role, path, PHONE,
                                            f"{name} (emptied {emptied}): {how} {where} "
                                            f"(h1 \"{' '.join(state['h1'].split())}\") with no .error-summary{shown}"))
            return
        faults = []
        if not state["inView"]:
            faults.append(f"summary top at {state['top']} px, outside the {state['innerHeight']} px viewport "
                          f"(scrollY {state['scrollY']}, zoom {state['scale']:.2f})")
        if not state["focused"]:
            faults.append(f"focus on {state['active']}, not in the summary"
                          + ("" if state["autofocus"] else " (no autofocus attribute)"))
        if state["count"] > 1:
            faults.append(f"{state['count']} error summaries on the page")
        if faults:
            outcome.problems.append(Problem(SUMMARY, role, path, PHONE, f"{name} (emptied {emptied}): " + "; ".join(faults)))

    @staticmethod
    def form_name(form: dict) -> str:
        return f"form#{form['id']}" if form["id"] else f"form[action={shape_of(form['action'])}]"


# --------------------------------------------------------------------------- more browsers


def extra_driver(chromium: str, chromedriver: str):
    """Another headless Chromium, set up as the conftest's session driver (for a second
    crawler in a thread of its own)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--lang=fr-FR", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                "--disable-sync"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def crawl_all(crawlers: list["Crawler"], roles: list[tuple[str, str]]) -> None:
    """The roles shared out among the crawlers (one thread each), the biggest first."""
    queue = collections.deque(roles)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(crawler: Crawler) -> None:
        while True:
            with lock:
                if not queue or errors:
                    return
                role, email = queue.popleft()
            try:
                crawler.run(role, email)
            except BaseException as err:  # noqa: BLE001 - re-raised in the main thread
                with lock:
                    errors.append(err)
                return

    threads = [threading.Thread(target=work, args=(crawler,), name=f"crawler-{n}") for n, crawler in enumerate(crawlers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# --------------------------------------------------------------------------- report


def report(outcome: Outcome) -> str:
    """Problems grouped by kind, then by page shape; one finding on several roles or pages of
    a shape is written once, with its roles and one example path (split words: the words of
    one place together)."""
    lines: list[str] = []
    by_kind: dict[str, list[Problem]] = collections.defaultdict(list)
    for problem in outcome.problems:
        by_kind[problem.kind].append(problem)
    lines.append(f"{len(outcome.problems)} problem(s) on {len(outcome.visits)} page visit(s):")
    for kind in KINDS:
        problems = by_kind.get(kind)
        if not problems:
            continue
        groups: dict[tuple[str, str, str], list[Problem]] = collections.defaultdict(list)
        for p in problems:
            groups[(p.shape, p.size, generalised(p.detail))].append(p)
        lines.append("")
        lines.append(f"== {kind} ({len(problems)}; {len(groups)} distinct)")
        current_shape = None
        for (shape, size, detail), members in sorted(groups.items()):
            if shape != current_shape:
                lines.append(f"  {shape}")
                current_shape = shape
            items = list(dict.fromkeys(shorten(m.item) for m in members if m.item))
            if len(items) > 10:
                items[10:] = [f"and {len(items) - 10} more"]
            if items:
                detail = f"{', '.join(items)} {detail}"
            roles = sorted({m.role for m in members}, key=[r for r, _ in ROLES].index)
            lines.append(f"    [{size}] {detail}")
            lines.append(f"        roles: {', '.join(roles)}; e.g. {members[0].path}")
    return "\n".join(lines)


def shorten(word: str, limit: int = 32) -> str:
    return f"\"{word}\"" if len(word) <= limit else f"\"{word[:16]}…\" ({len(word)} characters)"


def generalised(detail: str) -> str:
    """A detail without its ids (nor the numbers ending an element's id), so that one finding
    on several pages or elements groups together."""
    return re.sub(r"(#[\w-]*?-)\d+\b", r"\1{n}", UUID.sub("{id}", detail))


def coverage(outcome: Outcome) -> str:
    """What the crawl saw and what it left out."""
    lines = ["What the crawl covered:"]
    for role, _ in ROLES:
        visits = [v for v in outcome.visits if v.role == role]
        if not visits and role not in outcome.timings:
            continue
        shapes = len({v.shape for v in visits})
        downloads = sorted(shape for r, shape in outcome.downloads if r == role)
        skipped = sum(n for (r, _), n in outcome.skipped_shapes.items() if r == role)
        line = (f"  {role}: {len(visits)} pages of {shapes} shapes in {outcome.timings.get(role, 0):.0f} s; "
                f"{skipped} links to a shape already seen twice, {len(downloads)} download shapes not opened")
        lines.append(line)
        if role in outcome.capped_roles:
            lines.append(f"    stopped at the page cap; shapes linked but never visited: "
                         f"{', '.join(outcome.capped_roles[role]) or 'none'}")
    tested = outcome.forms_tested
    lines.append(f"  refused forms: {len(tested)} submitted, {len(outcome.forms_untested)} of "
                 f"{len(outcome.forms_seen)} candidate forms not submitted")
    for role, path, form in tested:
        lines.append(f"    submitted: {shape_of(path)} {form} (as {role})")
    for page, form in outcome.forms_untested:
        lines.append(f"    not submitted: {page} {form}")
    if outcome.phases:
        lines.append("  time by step (all browsers): "
                     + ", ".join(f"{name} {spent:.0f} s" for name, spent in outcome.phases.most_common()))
    return "\n".join(lines)


def write_manifest(outcome: Outcome, artefacts: pathlib.Path) -> None:
    """crawl-pages.json (every page visited, with its screenshots), crawl-problems.json and
    crawl-report.txt (the report and the coverage) in the artefacts directory."""
    pages = [dataclasses.asdict(v) for v in outcome.visits]
    (artefacts / "crawl-pages.json").write_text(json.dumps(pages, indent=1, ensure_ascii=False), encoding="utf-8")
    problems = [dataclasses.asdict(p) | {"shape": p.shape} for p in outcome.problems]
    (artefacts / "crawl-problems.json").write_text(json.dumps(problems, indent=1, ensure_ascii=False), encoding="utf-8")
    (artefacts / "crawl-report.txt").write_text(f"{report(outcome)}\n\n{coverage(outcome)}\n", encoding="utf-8")
