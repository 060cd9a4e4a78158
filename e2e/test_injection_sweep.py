"""Injection sweep: markup typed anywhere must never come back as markup, anywhere.

On a fresh demo server of its own (SQLite, then a throwaway PostgreSQL 15 cluster):

1. For every create and update operation of docs/openapi.yaml (POST, PUT, PATCH with a JSON
   body), a valid body is built from the schema (e2e/openapi_bodies.py) with a marker payload
   in every free string field — no enum, format or pattern —, nested objects and arrays
   included; each field gets its own number n:

       mlg{n}"'><i data-mlg-xss="{n}"></title><meta http-equiv="refresh" content="0;url=/mlg{n}">

   (shorter forms for short fields; with a CRLF and `X-MLG-XSS:{n}` for long text fields,
   dropped when the server refuses line breaks). It is sent as the first demo role that may
   write it; a 422 naming a field gives that field a plain value (or its variant without
   line breaks first), so that the other fields still carry their markers. Any 5xx fails.
   Fewer operations accepting markers than FLOOR fails too (the generator got worse).
2. Each demo role logs in through the form and visits, GET only, every page it can reach
   from `/` and from the cooperative's page by same-origin links (UUIDs and numbers in paths
   normalised, a few pages per pattern, pages of the records the sweep wrote first), CSV,
   printable and iCalendar outputs included. A page fails when, parsed with html.parser:
   an element has an attribute whose name starts with `data-mlg`; a `meta` element has
   `http-equiv`; an attribute name is not a plain name (a quote or `>` broke out of an
   attribute); an event handler, a `style` or a URL attribute starts with a marker. Escaped
   text and `&quot;` inside an attribute value are fine. (html.parser reads <title> and
   <textarea> as markup, not raw text, so an unescaped payload there shows as an element.)
   A CSV must parse with the same number of columns in every row and each marker must stay
   whole inside one cell; in an iCalendar file no line may start with a property name that
   came from a payload.

The numbers n name the operation and field where each marker was typed: the failure message
says which page, which role and which field. The list of operations whose body never got
accepted with a marker is printed, for whoever improves the generator.
"""

from __future__ import annotations

import collections
import csv
import html.parser
import io
import re
import sys
import time
import urllib.parse

import pytest
import requests

from openapi_bodies import DEMO_DOMAIN, UUID_RE, WRITER_ROLES, Driver, Field, Operation, Spec
from servers import Session, api_token, demo_server

# Operations that accepted at least one marker, on the binary this floor was set with, minus
# a small margin: a lower count means the body generator (or the API) regressed.
FLOOR = 36
MIN_MARKED_PAGES = 40  # pages that must show some marker, or the crawl went blind
CRAWL_ROLES = ("coordination", "admin", "caisse", "cooperant", "societaire", "orientation", "financeur")
PAGES_PER_PATTERN = 2  # pages visited per normalised path, for the demo's own records
MARKED_PAGES_PER_PATTERN = 6  # … for pages of records the sweep wrote, or linked by a marked text
MAX_PAGES_PER_ROLE = 260
SKIP_EXTENSIONS = (".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".woff", ".woff2", ".webp", ".pdf")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "background", "srcset", "ping"}
MARKER_RE = re.compile(r"(?<![A-Za-z0-9_-])mlg(\d+)")  # not inside a token or an id
ATTR_MARKER_RE = re.compile(r"data-mlg(?:-xss)?=\\?[\"']?(\d+)")
PLAIN_ATTRIBUTE_NAME = re.compile(r"[a-zA-Z_:][-a-zA-Z0-9_:.]*")


# --------------------------------------------------------------------------- payloads


def payload(n: int, max_length: int, multiline: bool) -> str:
    """The longest marker form that fits in max_length."""
    forms = [
        f'mlg{n}"\'><i data-mlg-xss="{n}"></title><meta http-equiv="refresh" content="0;url=/mlg{n}">',
        f'mlg{n}"\'><i data-mlg-xss="{n}"></title>',
        f'mlg{n}"><i data-mlg-xss={n}>',
        f'"><i data-mlg={n}>',
    ]
    for text in forms:
        if multiline and len(text) == len(forms[0]) and max_length >= 150:
            crlf = f"{text}\r\nX-MLG-XSS:{n}"
            if len(crlf) <= max_length:
                return crlf
        if len(text) <= max_length:
            return text
    return f"mlg{n}"[:max_length]


class Registry:
    """Where each marker number was typed."""

    def __init__(self) -> None:
        self.origin: dict[int, str] = {}
        self.text: dict[int, str] = {}

    def filler(self):
        def fill(n: int, field: Field, max_length: int, multiline: bool) -> str:
            text = payload(n, max_length, multiline)
            self.text[n] = text
            return text

        return fill

    def name(self, n: int | None) -> str:
        if n is None:
            return "marker ?"
        return f"marker {n} ({self.origin.get(n, 'unknown field')})"


# --------------------------------------------------------------------------- checks


class PageInspector(html.parser.HTMLParser):
    """Collects what in a parsed page came from a payload."""

    # Keep <title> and <textarea> parsed as markup, even on a Python whose html.parser learnt
    # to read them as raw text: an unescaped payload there must show up as an element.
    CDATA_CONTENT_ELEMENTS = ("script", "style")
    RCDATA_CONTENT_ELEMENTS: tuple = ()

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source_lines = source.splitlines()
        self.problems: list[tuple[int | None, str]] = []

    def near(self) -> str:
        line, col = self.getpos()
        text = self.source_lines[line - 1] if 0 < line <= len(self.source_lines) else ""
        return text[max(0, col - 80): col + 160]

    def number(self, *texts: str | None) -> int | None:
        for text in texts:
            if not text:
                continue
            m = ATTR_MARKER_RE.search(text) or MARKER_RE.search(text)
            if m:
                return int(m.group(1))
        return None

    def flag(self, what: str, *texts: str | None) -> None:
        snippet = self.near()
        self.problems.append((self.number(*texts, snippet), f"{what}: …{snippet.strip()[:240]}…"))

    def handle_starttag(self, tag, attrs):
        self.inspect(tag, attrs)

    def handle_data(self, data):
        # Text of <script> or <style> is code, not text: no typed text belongs there.
        if getattr(self, "cdata_elem", None) and (MARKER_RE.search(data) or "data-mlg" in data):
            self.flag(f"marker inside <{self.cdata_elem}>", data)

    def handle_startendtag(self, tag, attrs):
        self.inspect(tag, attrs)

    def inspect(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "mlg" in tag or not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9-]*", tag):
            self.flag(f"element <{tag}> from a payload", tag)
        names = [name for name, _ in attrs]
        for name, value in attrs:
            value = value or ""
            if name.startswith("data-mlg"):
                self.flag(f"<{tag} {name}> from a payload", f'{name}="{value}"', value and f"mlg{value}")
            elif not PLAIN_ATTRIBUTE_NAME.fullmatch(name):
                self.flag(f"<{tag}> attribute named {name!r}: a quote broke out of an attribute", name, value)
            elif "mlg" in value:
                lowered = name.lower()
                if lowered.startswith("on") or lowered in ("style", "srcdoc"):
                    self.flag(f"<{tag} {name}> holds a marker", value)
                elif lowered in URL_ATTRIBUTES and re.match(r"\s*(mlg|\"|'|javascript:)", value, re.I):
                    self.flag(f"<{tag} {name}> is a URL made of a marker", value)
        if tag == "meta" and "http-equiv" in names:
            values = " ".join(v or "" for _, v in attrs)
            self.flag("<meta http-equiv> in the page", values)


def check_html(text: str) -> list[tuple[int | None, str]]:
    inspector = PageInspector(text)
    try:
        inspector.feed(text)
        inspector.close()
    except Exception as err:  # html.parser raises on little, but never hide a page
        inspector.problems.append((None, f"html.parser failed: {err!r}"))
    return inspector.problems


def check_csv(text: str, registry: Registry) -> list[tuple[int | None, str]]:
    problems: list[tuple[int | None, str]] = []
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as err:
        return [(None, f"does not parse as CSV ({delimiter!r}): {err}")]
    rows = [r for r in rows if r]  # blank separator lines are not rows
    if not rows:
        return problems
    width = len(rows[0])
    for i, row in enumerate(rows):
        joined = delimiter.join(row)
        if len(row) != width:
            m = ATTR_MARKER_RE.search(joined) or MARKER_RE.search(joined)
            problems.append((int(m.group(1)) if m else None, f"row {i + 1} has {len(row)} cells, the header {width}: {joined[:200]}"))
        for cell in row:
            for m in list(ATTR_MARKER_RE.finditer(cell)) + list(MARKER_RE.finditer(cell)):
                n = int(m.group(1))
                sent = registry.text.get(n)
                if sent is None:
                    continue
                whole = sent.split("\r\n")[0]
                if whole not in cell:
                    problems.append((n, f"row {i + 1}: marker {n} is not whole in its cell: {cell[:200]!r}"))
                break
    return problems


def check_ics(text: str) -> list[tuple[int | None, str]]:
    problems: list[tuple[int | None, str]] = []
    physical = re.split(r"\r\n|\n|\r", text)
    logical: list[str] = []
    for line in physical:
        if line[:1] in (" ", "\t") and logical:
            logical[-1] += line[1:]
        else:
            logical.append(line)
    for line in logical:
        if not line:
            continue
        m = re.match(r"[A-Za-z0-9-]+", line)
        name = m.group(0) if m else line[:20]
        if name.upper().startswith("X-MLG") or "mlg" in name.lower() or not m or line[len(name):len(name) + 1] not in (":", ";"):
            n = re.search(r"(\d+)", line[len(name):]) if name.upper().startswith("X-MLG") else None
            number = int(n.group(1)) if n else None
            if number is None:
                mm = MARKER_RE.search(line) or ATTR_MARKER_RE.search(line)
                number = int(mm.group(1)) if mm else None
            problems.append((number, f"iCalendar line that is no property of the feed: {line[:200]!r}"))
    return problems


# --------------------------------------------------------------------------- crawl


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (href, text of the link)
        self.current: list[str] | None = None
        self.href: str | None = None
        self.others: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            if self.current is not None and self.href:
                self.links.append((self.href, "".join(self.current)))
            self.href = a["href"]
            self.current = []
        elif tag in ("input", "textarea") and a.get("value") and (".ics" in (a.get("value") or "") or "ical" in (a.get("value") or "")):
            self.others.append(a["value"])

    def handle_endtag(self, tag):
        if tag == "a" and self.href is not None:
            self.links.append((self.href, "".join(self.current or [])))
            self.href = None
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def pattern_of(path: str, query: str) -> str:
    normal = UUID_RE.sub("{id}", path)
    normal = re.sub(r"/\d+(?=/|$)", "/{n}", normal)
    normal = re.sub(r"/[A-Za-z0-9_-]{24,}(?=/|$|\.)", "/{token}", normal)
    keys = sorted(k for k, _ in urllib.parse.parse_qsl(query, keep_blank_values=True))
    return normal + ("?" + "&".join(keys) if keys else "")


def kind_of(response: requests.Response, url: str) -> str:
    ctype = response.headers.get("Content-Type", "").lower()
    if "text/html" in ctype:
        return "html"
    if "csv" in ctype or url.split("?")[0].endswith(".csv"):
        return "csv"
    if "calendar" in ctype or url.split("?")[0].endswith(".ics"):
        return "ics"
    return "other"


def crawl(session: Session, role: str, starts: list[str], marked_ids: set[str], registry: Registry,
          findings: list[str], stats: dict, seen_markers: set[int]) -> None:
    base = session.base
    host = urllib.parse.urlsplit(base).netloc
    seen: set[str] = set()
    per_pattern: collections.Counter = collections.Counter()
    queue: collections.deque = collections.deque()
    priority: collections.deque = collections.deque()
    visited = 0

    def enqueue(url: str, marked: bool) -> None:
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(base + "/", url))
        if parts.scheme not in ("http", "https") or parts.netloc != host:
            return
        path = parts.path or "/"
        if "logout" in path or path.startswith("/assets/") or path.lower().endswith(SKIP_EXTENSIONS):
            return
        if path.startswith("/api/") and not path.endswith((".csv", ".ics")):
            return
        key = path + ("?" + parts.query if parts.query else "")
        if key in seen:
            return
        pattern = pattern_of(path, parts.query)
        marked = marked or any(i in key.lower() for i in marked_ids)
        limit = MARKED_PAGES_PER_PATTERN if marked else PAGES_PER_PATTERN
        if per_pattern[pattern] >= limit:
            return
        per_pattern[pattern] += 1
        seen.add(key)
        (priority if marked else queue).append(key)

    for start in starts:
        enqueue(start, True)
    while (priority or queue) and visited < MAX_PAGES_PER_ROLE:
        key = priority.popleft() if priority else queue.popleft()
        try:
            response = session.get(key, allow_redirects=True)
        except requests.RequestException as err:
            findings.append(f"[{role}] GET {key}: no answer ({err!r})")
            continue
        visited += 1
        if response.status_code >= 500:
            findings.append(f"[{role}] GET {key}: {response.status_code} {response.text[:300]}")
            continue
        if response.status_code != 200:
            continue
        kind = kind_of(response, key)
        stats[kind] += 1
        shown = {int(m.group(1)) for m in MARKER_RE.finditer(response.text)} if kind != "other" else set()
        if shown:
            stats["marked pages"] += 1
            seen_markers.update(shown)
        if kind == "html":
            text = response.text
            problems = check_html(text)
            links = Links()
            try:
                links.feed(text)
            except Exception:
                pass
            for href, label in links.links:
                enqueue(href, bool(MARKER_RE.search(label) or "data-mlg" in label))
            for other in links.others:
                enqueue(other, True)
        elif kind == "csv":
            problems = check_csv(response.content.decode("utf-8-sig", errors="replace"), registry)
        elif kind == "ics":
            problems = check_ics(response.text)
        else:
            problems = []
        for n, what in problems:
            findings.append(f"[{role}] {key} — {registry.name(n)} — {what}")
    stats[f"pages[{role}]"] = visited


# --------------------------------------------------------------------------- the test


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request):
    with demo_server(request.param, name=f"sweep-{request.param}") as instance:
        yield instance


def write_everything(driver: Driver, registry: Registry, backend: str, ops: list[Operation]) -> tuple[list, list]:
    outcomes = []
    for op in ops:
        outcome = driver.run(op, registry.filler())
        for attempt in outcome.attempts:
            for field, n in attempt.markers.items():
                registry.origin[n] = f"{op.method} {op.path} field {field}, as {attempt.role}"
        outcomes.append(outcome)
    errors = [f"{o.op.label} as {a.role}: {a.status} {a.answer[:400]}\n    body: {str(a.body)[:600]}"
              for o in outcomes for a in o.server_errors]
    return outcomes, errors


def test_injection_sweep(server):
    started = time.monotonic()
    backend = server.name.split("-")[-1]
    spec = Spec()
    ops = spec.write_operations()
    tokens = {role: api_token(server.env, f"{role}@{DEMO_DOMAIN}") for role in WRITER_ROLES}
    driver = Driver(spec, server.base, tokens)
    registry = Registry()

    outcomes, server_errors = write_everything(driver, registry, backend, ops)
    marked_ops = [o for o in outcomes if o.accepted]
    never = [o for o in outcomes if o.free_fields and not o.accepted]
    no_free = [o for o in outcomes if not o.free_fields]
    written = time.monotonic()

    coop = driver.resolver.coop
    territory = driver.resolver.territory
    marked_ids = {i.lower() for ids in driver.resolver.created.values() for i in ids}
    findings: list[str] = []
    stats: collections.Counter = collections.Counter()
    seen_markers: set[int] = set()
    for role in CRAWL_ROLES:
        session = Session(server)
        session.login(f"{role}@{DEMO_DOMAIN}")
        starts = ["/", f"/coops/{coop}", f"/territories/{territory}"]
        crawl(session, role, starts, marked_ids, registry, findings, stats, seen_markers)
    crawled = time.monotonic()

    # What the next engineer needs to improve the generator: what never took a marker, and why.
    lines = [f"injection[{backend}]: {len(ops)} operations, {len(marked_ops)} accepted markers "
             f"({sum(len(o.accepted) for o in outcomes)} fields), {len(never)} never did, {len(no_free)} have no free text; "
             f"floor {FLOOR}; pages: " + " ".join(f"{k}={v}" for k, v in sorted(stats.items())) +
             f"; write {written - started:.1f}s crawl {crawled - written:.1f}s"]
    accepted_numbers = {n: f"{o.op.label} {field}" for o in outcomes for field, n in o.accepted.items()}
    unseen = sorted({v for n, v in accepted_numbers.items() if n not in seen_markers})
    lines.append(f"  markers accepted: {len(accepted_numbers)}, shown on some page: {len(seen_markers & set(accepted_numbers))}"
                 + (f"; never shown (no page shows these fields, or the crawl misses it): {'; '.join(unseen)}" if unseen else ""))
    partial = [f"{o.op.label}: {', '.join(sorted(o.free_fields - set(o.accepted)))}" for o in marked_ops if o.free_fields - set(o.accepted)]
    if partial:
        lines.append("  free fields that got a plain value (the server refused the marker there): " + "; ".join(partial))
    for o in never:
        last = o.last()
        why = f"{last.status} as {last.role} on {last.path}: {last.answer[:300]}" if last else "not sent"
        lines.append(f"  never accepted a marker: {o.op.label} — {why}")
    print("\n".join(lines), file=sys.stderr)

    grouped: dict[str, list[str]] = collections.defaultdict(list)
    for finding in findings:
        m = re.search(r"— (marker \d+ \([^)]*\)|marker \?)", finding)
        grouped[m.group(1) if m else "?"].append(finding)
    summary = []
    for origin, items in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
        summary.append(f"{origin}: {len(items)} finding(s), e.g.")
        summary.extend(f"    {x}" for x in items[:4])

    problems = []
    if server_errors:
        problems.append(f"{len(server_errors)} write(s) answered 5xx:\n  " + "\n  ".join(server_errors))
    if stats["marked pages"] < MIN_MARKED_PAGES:
        problems.append(f"only {stats['marked pages']} pages showed a marker: the crawl is blind (fewer than {MIN_MARKED_PAGES})")
    if len(marked_ops) < FLOOR:
        problems.append(f"only {len(marked_ops)} operations accepted markers, fewer than the floor {FLOOR}")
    if findings:
        problems.append(f"{len(findings)} page(s) hold markup from a payload:\n" + "\n".join(summary))
    assert not problems, f"injection sweep on {backend}:\n" + "\n".join(problems) + "\n" + "\n".join(lines)


def test_the_checks_flag_known_holes():
    """The page, CSV and iCalendar checks themselves, on what the holes looked like (issue 21,
    finding 1: Plot's `.title()` wrote the title unescaped into `<meta name="twitter:title">`),
    so that a sweep that finds nothing means the pages are clean, not that the checks are blind."""
    registry = Registry()
    full = payload(7, 1000, False)
    registry.text[7] = full
    hole = (f'<html><head><title>{full.replace("<", "&lt;").replace(">", "&gt;")} · Maillage</title>'
            f'<meta name="twitter:title" content="{full} · Maillage"/></head><body></body></html>')
    found = check_html(hole)
    assert any(n == 7 and "data-mlg" in what for n, what in found), found
    assert any("http-equiv" in what for _, what in found), found
    escaped = full.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
    clean = (f'<html><head><title>{escaped}</title><meta name="twitter:title" content="{escaped}"/></head>'
             f'<body><h1>{escaped}</h1><input value="{escaped}"><textarea>{escaped}</textarea></body></html>')
    assert check_html(clean) == [], check_html(clean)
    # An unescaped payload inside <textarea> or <title> shows as an element, not as raw text.
    assert check_html(f"<textarea>{full}</textarea>"), "a raw <textarea> payload was not flagged"
    assert check_html(f"<title>{full}</title>"), "a raw <title> payload was not flagged"
    # An attribute broken out by a single quote.
    assert check_html(f"<a title='{payload(8, 45, False)}'>x</a>")
    # CSV: the payload's `;` and `"` must not split or unbalance a row.
    assert check_csv(f'nom;montant\r\n"{full.replace(chr(34), chr(34) * 2)}";12\r\n', registry) == []
    assert check_csv(f"nom;montant\r\n{full};12\r\n", registry)
    # iCalendar: a line break in a summary must not start a property.
    assert check_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:mlg9\\nX-MLG-XSS:9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n") == []
    assert check_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:mlg9\r\nX-MLG-XSS:9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    # Typed text inside a <script> element is code.
    assert check_html(f"<script>var t = '{payload(10, 30, False)}';</script>")
