"""Differencing check: a funder must not undo the statistical secret by arithmetic.

Runs against the demo server of MAILLAGE_BASE_URL (seeded with `seed --demo`; other tests may
have added records since: nothing here is assumed about the figures, everything is read).

As the funder (financeur@, a funder of the Caillols cooperative) the test reads every figure a
funder can read: the cooperative's indicators (JSON), the territories' and the network's
(side by side, with their totals), the trade figures (tickets, meals and amounts by bracket,
who funded the solidarity), the funding agreements with their commitments, each agreement's
report and the funder's report; for the default period, for whole years and spans of several
years, and for adjacent and overlapping periods (each of the last twelve months, the quarters,
periods one day or one month apart, each agreement's period), plus the pages and CSV files.

Under the secret the server reads whole calendar years (`DayPeriod.wholeYears`), its
"previous" column the as many years just before: every figure is taken for the period its
answer states (`from`/`to` of the comparisons, reports and trade figures; a CSV file's name; a
page's #period-form), the agreements' achieved figures over the whole years of their period;
the cooperative's indicators API, a list that does not say its period, refuses (422) a period
the secret would widen: nothing is read there, and without a period it answers this whole year.

Every cell a funder sees masked (`masked`/`previousMasked`/a masked part, a bracket's line
`masked`, the trade figures' `totalsMasked`/`fundingMasked`) is then attacked with every linear
relation between the figures read:
- a group's total is the sum of its cooperatives (network = territories = cooperatives, the
  agreements' groups too), a total is the sum of its breakdown (referrers' kinds, exits by
  category, households and meals by bracket, the trade figures' tickets, meals and amounts by
  bracket, the solidarity given by bracket and by who funded it, members by category and by
  college, …);
- periods add up for what is counted by date (referrals, exits, meals, tickets, amounts,
  hours…): A∪B − B = A, whole years included (2025–2026 minus 2026 is 2025); stocks at a date
  (members, capital) are the same for every period ending on it;
- a share whose base is known gives its part (qpv-share's base is people-accompanied,
  dynamic-exit-rate's base is exits and its part exits minus "other exit"), and a part and a
  base give the share.
The relations are solved together (exact Gaussian elimination over fractions, which finds
everything peeling finds and more); a masked cell is "recovered" when its value follows from
the visible figures. Each relation is first checked on the exact figures (read as the network
admin, who sees every cooperative exactly, for the periods the funder's answers state): a
relation that does not hold on them is left out and reported as a note, never as a finding; a
recovery is a finding only when it gives the exact value.

The test fails, with a readable list, on:
- every masked cell recovered exactly, with the figures (endpoint, value, sign) it comes from
  (those recovered as 0 listed apart: zero is shown by rule, the masking is inconsistent);
- a count of people (or of tickets or households by bracket) from 1 to threshold − 1 shown in
  clear, or a share shown although its base, part or rest is such a count;
- a masked cell written as a number-like false value in a page or a CSV file: a masked rate
  or share written "< 5", or a cell hidden only to protect another (its exact value is 0 or
  at least the threshold) written "< 5" instead of as hidden/secret;
- trade figures giving a funder counts by bracket for a period that is not whole months
  (whole years are).
A month-by-month series on the funder's page of the cooperative (there is none under the
secret any more) would be read as figures too.

`test_the_check_finds_a_known_leak_without_a_server` feeds the check answers of known leaky
shapes (no server) and asserts they are found: the check can still fail.

The number of requests is bounded (MAX_REQUESTS); counts and timings go to stderr.
"""

from __future__ import annotations

import calendar
import collections
import concurrent.futures
import csv
import dataclasses
import datetime as dt
import html.parser
import io
import re
import sys
import threading
import time
from fractions import Fraction
from typing import Any, Iterable

import requests

from servers import Session

FUNDER_EMAIL = "financeur@maillage.example"
ADMIN_EMAIL = "admin@maillage.example"
MAX_REQUESTS = 700
WORKERS = 4

# --------------------------------------------------------------------------- what the figures are

# Shares over people (masked when their base, part or rest is small).
PEOPLE_SHARES = {"qpv-share", "dynamic-exit-rate", "attendance-rate"}
# Counts of people (and of tickets or households by bracket): under the secret for a funder.
PEOPLE_COUNTS = {
    "people-referred", "people-accompanied", "barriers-at-entry", "barriers-resolved", "skills-gained",
    "exits", "households-served", "members", "members-by-college",
}
BY_BRACKET = {"trade:tickets", "households-served"}  # counts by bracket (parts) under the secret
# Counted by date: a period's figure is the sum of its sub-periods' (checked on exact figures).
ADDITIVE_IN_TIME = {
    "people-referred", "hours-worked", "training-hours", "skills-gained", "exits", "reduced-price-meals",
    "solidarity-value", "assemblies-held", "attendance-rate#num", "attendance-rate#den", "resource-bookings",
    "trade:meals", "trade:tickets", "trade:sales", "trade:public-value", "trade:solidarity",
}
# A stock at the period's last day.
AT_END = {"members", "members-by-college", "capital"}
# Not dated at all.
TIMELESS = {"partners"}
# Total = sum of parts: (total quantity, parts quantity, keys left out of the parts).
BREAKDOWNS = [
    ("people-referred", "people-referred", ()),
    ("barriers-resolved", "barriers-resolved", ()),
    ("skills-gained", "skills-gained", ()),
    ("exits", "exits", ()),
    ("households-served", "households-served", ()),
    ("reduced-price-meals", "trade:meals", ("public",)),
    ("trade:meals", "trade:meals", ()),
    ("trade:tickets", "trade:tickets", ()),
    ("trade:sales", "trade:sales", ()),
    ("trade:public-value", "trade:public-value", ()),
    ("solidarity-value", "trade:solidarity", ()),
    ("solidarity-value", "solidarity-value", ()),
    ("members", "members", ()),
    ("members", "members-by-college", ()),
    ("partners", "partners", ()),
]
# The trade figures' fields: (JSON name, quantity), in the totals and in each bracket's line.
TRADE_FIELDS = (
    ("tickets", "trade:tickets"), ("meals", "trade:meals"), ("households", "trade:households"),
    ("salesCents", "trade:sales"), ("publicValueCents", "trade:public-value"), ("solidarityCents", "trade:solidarity"),
)
LEFT_OUT = {(total_q, parts_q): set(left_out) for total_q, parts_q, left_out in BREAKDOWNS}
OTHER_EXIT = "otherExit"
FUNDING_INDICATORS = {
    "people-accompanied": "people-accompanied",
    "members": "members",
    "meals-sold": "trade:meals",
    "solidarity-given-cents": "solidarity-value",
    "egalim-share": "egalim-share#pct",
    "local-share": "local-purchase-share#pct",
}


def canon(quantity: str, part: str | None) -> tuple[str, str | None]:
    """One name for one figure, whichever endpoint shows it."""
    if quantity == "members-by-college" and part is None:
        return "members", None
    if quantity == "reduced-price-meals" and part is not None:
        return "trade:meals", part  # the meals of a reduced bracket are the trade figures' meals
    if quantity == "trade:households":
        return "households-served", part
    if quantity == "trade:funding":
        return "solidarity-value", part  # who funded the solidarity: its parts by source
    if quantity == "trade:solidarity" and part is None:
        return "solidarity-value", None  # the trade figures' solidarity is the dashboard's
    if quantity == "qpv-share#den":
        return "people-accompanied", part
    return quantity, part


def base_quantity(q: str) -> str:
    return q.split("#")[0]


Period = tuple[dt.date, dt.date]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ptext(p: Period) -> str:
    return f"{p[0]}..{p[1]}"


def whole_years(p: Period) -> Period:
    """The period widened to whole calendar years (as the server reads it under the secret)."""
    return (dt.date(p[0].year, 1, 1), dt.date(p[1].year, 12, 31))


def is_whole_years(p: Period) -> bool:
    return p == whole_years(p)


def previous_period(p: Period) -> Period:
    """The period of the "previous" column (`ImpactRepository.previous`): as many whole years
    just before for whole years, else the same number of days just before."""
    if is_whole_years(p):
        years = p[1].year - p[0].year + 1
        return (dt.date(p[0].year - years, 1, 1), dt.date(p[0].year - 1, 12, 31))
    days = (p[1] - p[0]).days
    end = p[0] - dt.timedelta(days=1)
    return (end - dt.timedelta(days=days), end)


def month_start(d: dt.date, shift: int = 0) -> dt.date:
    index = d.year * 12 + d.month - 1 + shift
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def whole_months(p: Period) -> bool:
    return p[0].day == 1 and p[1] == month_end(p[1])


def board_months(p: Period, limit: int = 12) -> list[Period]:
    """The months a cooperative's page draws (ImpactFigures.months): clipped to the period."""
    months = []
    first = dt.date(p[0].year, p[0].month, 1)
    while first <= p[1]:
        months.append((max(first, p[0]), min(month_end(first), p[1])))
        first = month_start(first, 1)
    return months[-limit:]


def agreement_period(agreement: dict, today: dt.date) -> Period | None:
    """The period of an agreement's achieved figures for a funder: from its start to its end
    or today, widened to whole calendar years (`FundingRepository.record`)."""
    p = (day(agreement["startsOn"]), min(day(agreement["endsOn"]), today))
    return whole_years(p) if p[0] <= p[1] else None


@dataclasses.dataclass(frozen=True)
class Key:
    scope: frozenset  # cooperative ids: one for a cooperative, several for a total
    q: str
    part: str | None
    t: tuple  # ("span", from, to) | ("end", to) | ("always",)


def time_of(q: str, p: Period) -> tuple:
    b = base_quantity(q)
    if b in AT_END:
        return ("end", p[1])
    if b in TIMELESS:
        return ("always",)
    return ("span", p[0], p[1])


SECRET_TEXT = re.compile(r"^<\s*\d+$")


def is_secret_text(text: str) -> bool:
    return bool(SECRET_TEXT.match(norm(text)))


def norm(text: str) -> str:
    return " ".join((text or "").replace("\u202f", " ").replace("\xa0", " ").split())


def number_like(text: str) -> bool:
    return bool(re.search(r"\d", norm(text))) and not is_secret_text(text)


# --------------------------------------------------------------------------- reading


class Reader:
    """A logged-in session (cookie) with a bounded, counted, parallel GET."""

    def __init__(self, base: str, email: str, budget: "Budget") -> None:
        self.base = base
        self.email = email
        self.budget = budget
        session = Session(base)
        session.login(email)
        self.cookies = session.cookies.copy()
        self.local = threading.local()
        budget.count += 2

    def session(self) -> requests.Session:
        s = getattr(self.local, "s", None)
        if s is None:
            s = requests.Session()
            s.cookies.update(self.cookies)
            self.local.s = s
        return s

    def get(self, path: str, params: dict | None = None) -> tuple[str, requests.Response]:
        self.budget.take()
        response = self.session().get(self.base + path, params=params, timeout=60, allow_redirects=False)
        where = path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        if response.status_code >= 500:
            self.budget.errors.append(f"{self.email}: GET {where}: {response.status_code} {response.text[:300]}")
        return where, response

    def many(self, calls: list[tuple[str, dict | None]]) -> list[tuple[str, requests.Response]]:
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            return list(pool.map(lambda c: self.get(*c), calls))


class Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self.lock = threading.Lock()
        self.errors: list[str] = []

    def take(self) -> None:
        with self.lock:
            self.count += 1
            if self.count > self.limit:
                raise AssertionError(f"more than {self.limit} requests: the differencing check must stay bounded")


def field(obj: dict, name: str, line_masked: bool = False) -> tuple[float | None, bool, bool]:
    """(value, masked, present) of a figure in a JSON object, whatever way it is masked:
    `masked`/`<name>Masked`/`secret` flags, a null value where a number is expected, or a
    text. `line_masked`: a `masked` flag on the object masks each of its figures (a trade
    figures' bracket line)."""
    present = name in obj
    value = obj.get(name)
    masked = obj.get(name + "Masked") is True
    if (name == "value" or line_masked and value is None) and (obj.get("masked") is True or obj.get("secret") is True):
        masked = True
    flags = obj.get("masked")
    if isinstance(flags, dict) and flags.get(name) is True or isinstance(flags, list) and name in flags:
        masked = True
    if isinstance(value, str):
        masked = True
        value = None
    if isinstance(value, bool):
        value = None
    if masked:
        value = None
    return (float(value) if isinstance(value, (int, float)) else None), masked, present


@dataclasses.dataclass
class Seen:
    value: float | None
    masked: bool
    where: str


class Figures:
    """Every cell read, by canonical key."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names  # coop id -> name
        self.cells: dict[Key, list[Seen]] = collections.defaultdict(list)
        # (scope, total q, parts q, time) -> (set of part keys shown, where): a breakdown shown whole.
        self.breakdowns: dict[tuple, tuple[set, str]] = {}
        self.part_keys: dict[str, set] = collections.defaultdict(set)  # parts q -> every key seen
        self.labels: dict[tuple[str, str], str] = {}  # (indicator, label) -> part key
        # (scope, share, period) -> pct key
        self.shares: set[tuple[frozenset, str, Period]] = set()
        self.masked_funding: list[tuple[str, Period, str]] = []  # trade figures with `fundingMasked`
        self.refused = 0  # readings refused for their period (422)
        self.month_cells = 0  # month-by-month cells read on a page

    def mask_funding(self) -> None:
        """Once everything is read: each source of solidarity known anywhere is masked where the
        trade figures hide who funded the solidarity."""
        for coop, p, where in self.masked_funding:
            for source in sorted(self.part_keys["solidarity-value"]):
                self.add({coop}, "trade:funding", source, p, None, True, where)

    def add(self, scope: Iterable[str], quantity: str, part: str | None, p: Period, value: float | None, masked: bool, where: str) -> Key:
        q, part = canon(quantity, part)
        key = Key(frozenset(scope), q, part, time_of(q, p))
        self.cells[key].append(Seen(value, masked, where))
        if q.endswith("#pct") and base_quantity(q) in PEOPLE_SHARES:
            self.shares.add((key.scope, base_quantity(q), p))
        return key

    def add_row(self, scope: Iterable[str], row: dict, p: Period, where: str, with_previous: bool = True) -> None:
        scope = frozenset(scope)
        indicator = row.get("key")
        if not indicator:
            return
        quantity = indicator + "#pct" if row.get("unit") == "percent" else indicator
        value, masked, present = field(row, "value")
        if present or masked:
            self.add(scope, quantity, None, p, value, masked, where)
        if with_previous:
            value, masked, present = field(row, "previous")
            if present or masked:
                self.add(scope, quantity, None, previous_period(p), value, masked, where + " (previous)")
        parts = row.get("parts")
        if isinstance(parts, list) and parts:
            shown = set()
            for part in parts:
                if not isinstance(part, dict) or "key" not in part:
                    continue
                self.labels[(indicator, norm(part.get("label") or part["key"]))] = part["key"]
                value, masked, _ = field(part, "value")
                self.add(scope, quantity, part["key"], p, value, masked, where)
                shown.add(part["key"])
            self.note_breakdown(scope, indicator, p, shown, where)

    def note_breakdown(self, scope: frozenset, indicator: str, p: Period, shown: set, where: str) -> None:
        parts_q = canon(indicator, "x")[0]
        total_q = canon(indicator, None)[0]
        self.part_keys[parts_q].update(shown)
        self.breakdowns[(scope, total_q, parts_q, time_of(parts_q, p))] = (set(shown), where)

    def add_comparison(self, comparison: dict, where: str) -> Period:
        p = (day(comparison["from"]), day(comparison["to"]))
        coops = comparison.get("cooperatives") or []
        everyone = frozenset(c["coopID"].lower() for c in coops)
        for c in coops:
            self.names.setdefault(c["coopID"].lower(), c.get("name", c["coopID"]))
            for row in c.get("indicators") or []:
                self.add_row({c["coopID"].lower()}, row, p, f"{where} [{c.get('name')}]")
        for row in comparison.get("total") or []:
            self.add_row(everyone, row, p, f"{where} [total]")
        return p

    def add_trade(self, coop: str, figures: dict, where: str) -> Period:
        """The trade figures: totals (hidden together: `totalsMasked`), one line per bracket
        (hidden whole: `masked`), who funded the solidarity (hidden: `fundingMasked`). The
        period is the one the answer states (whole years for a funder)."""
        p = (day(figures["from"]), day(figures["to"]))
        totals_masked = figures.get("totalsMasked") is True
        for name, quantity in TRADE_FIELDS:
            value, masked, present = field(figures, name)
            if totals_masked and value is None:
                masked = True
            if present or masked:
                self.add({coop}, quantity, None, p, value, masked, where)
        shown: dict[str, set] = collections.defaultdict(set)
        for line in figures.get("byTier") or []:
            tier = line.get("tier")
            for name, quantity in TRADE_FIELDS:
                value, masked, present = field(line, name, line_masked=name != "households" or "households" in line)
                if present or masked:
                    self.add({coop}, quantity, tier, p, value, masked, f"{where} [bracket {tier}]")
                    shown[quantity].add(tier)
        for _, quantity in TRADE_FIELDS:
            if quantity in shown or (not figures.get("byTier") and quantity != "trade:households"):
                self.note_breakdown(frozenset({coop}), quantity, p, shown.get(quantity, set()), where)
        # Who funded the solidarity: the parts of the solidarity given (as on the dashboard).
        if figures.get("fundingMasked") is True:
            # Its sources are not named: each source known elsewhere is masked here.
            self.masked_funding.append((coop, p, f"{where} [funding]"))
        elif isinstance(figures.get("funding"), list):
            names = set()
            for line in figures["funding"]:
                if isinstance(line, dict) and line.get("name") is not None:
                    value, masked, _ = field(line, "cents")
                    self.add({coop}, "trade:funding", line["name"], p, value, masked, f"{where} [funding {line['name']}]")
                    names.add(line["name"])
            self.note_breakdown(frozenset({coop}), "trade:funding", p, names, where)
        return p

    def add_agreement(self, agreement: dict, today: dt.date, where: str) -> Period | None:
        p = agreement_period(agreement, today)
        if p is None:
            return None
        group = frozenset(c.lower() for c in agreement.get("coopIDs") or [])
        for target in agreement.get("targets") or []:
            quantity = FUNDING_INDICATORS.get(target.get("indicator"))
            if not quantity:
                continue
            value, masked, present = field(target, "achieved")
            if present or masked:
                self.add(group, quantity, None, p, value, masked, f"{where} [{target.get('indicator')} achieved]")
            for figure in target.get("byCoop") or []:
                value, masked, present = field(figure, "achieved")
                if present or masked:
                    self.add({figure["coopID"].lower()}, quantity, None, p, value, masked,
                             f"{where} [{target.get('indicator')} of {self.names.get(figure['coopID'].lower(), figure['coopID'])}]")
        return p

    def label(self, key: Key) -> str:
        if len(key.scope) == 1:
            scope = self.names.get(next(iter(key.scope)), next(iter(key.scope)))
        elif set(key.scope) == set(self.names):
            scope = "network (all cooperatives)"
        else:
            scope = " + ".join(sorted(self.names.get(c, c) for c in key.scope))
        what = key.q + (f" / {key.part}" if key.part is not None else "")
        when = {"span": lambda t: f"{t[1]}..{t[2]}", "end": lambda t: f"at {t[1]}", "always": lambda t: "(any period)"}[key.t[0]](key.t)
        return f"{scope} · {what} · {when}"


# --------------------------------------------------------------------------- pages


class Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: dict, parent: "Node | None") -> None:
        self.tag, self.attrs, self.children, self.parent = tag, attrs, [], parent

    def text(self) -> str:
        return norm("".join(c if isinstance(c, str) else c.text() for c in self.children))

    def all(self, tag: str) -> list["Node"]:
        found = []
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag:
                    found.append(c)
                found.extend(c.all(tag))
        return found

    def by_id(self) -> dict[str, "Node"]:
        ids = {}
        stack = [self]
        while stack:
            n = stack.pop()
            if n.attrs.get("id"):
                ids.setdefault(n.attrs["id"], n)
            stack.extend(c for c in n.children if isinstance(c, Node))
        return ids


class Tree(html.parser.HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in self.VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse_html(text: str) -> Node:
    tree = Tree()
    tree.feed(text)
    tree.close()
    return tree.root


def cells(tr: Node) -> list[str]:
    return [c.text() for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]


def page_period(root: Node, fallback: Period) -> Period:
    """The period a page says it shows: the #period-form's `from` and `to` fields."""
    form = root.by_id().get("period-form")
    values = {}
    for node in form.all("input") if form is not None else []:
        if node.attrs.get("name") in ("from", "to") and node.attrs.get("value"):
            values[node.attrs["name"]] = node.attrs["value"]
    try:
        return (day(values["from"]), day(values["to"])) if len(values) == 2 else fallback
    except ValueError:
        return fallback


def page_number(text: str) -> float | None:
    """A number as a page writes it ("1 234", "10,5 h"); None for anything else."""
    m = re.fullmatch(r"(-?\d[\d ]*(?:,\d+)?)(?: h)?", norm(text))
    return float(m.group(1).replace(" ", "").replace(",", ".")) if m else None


def page_months(text: str, where: str, today: dt.date, exact: set) -> list[tuple[str, list[tuple[Period, str]]]]:
    """The month-by-month series of a cooperative's page: [(indicator, [(month, text)])]."""
    root = parse_html(text)
    c = where.split("?")[0].split("/")[2].lower()
    p = page_period(root, list_period(f"/api/v1/coops/{c}/indicators" + where[len(where.split("?")[0]):], today, exact))
    series = []
    for node_id, node in root.by_id().items():
        if node_id.startswith("months-"):
            trs = node.all("tr")
            if len(trs) >= 2:
                series.append((node_id[len("months-"):], list(zip(board_months(p), cells(trs[-1])))))
    return series


def add_page_months(seen: "Figures", where: str, text: str, today: dt.date, exact: set) -> None:
    """A month-by-month series on the funder's page: each month a reading (counts and hours;
    masked when written "< N" or "secret")."""
    c = where.split("?")[0].split("/")[2].lower()
    for indicator, months in page_months(text, where, today, exact):
        if indicator not in ADDITIVE_IN_TIME and indicator not in PEOPLE_COUNTS:
            continue
        for month, cell in months:
            masked = is_secret_text(cell) or norm(cell) == "secret"
            value = None if masked else page_number(cell)
            if masked or value is not None:
                seen.add({c}, indicator, None, month, value, masked, f"GET {where} (#months-{indicator}, {ptext(month)})")
                seen.month_cells += 1


# --------------------------------------------------------------------------- solving


class Solver:
    """Exact Gaussian elimination with the provenance of every row (which readings it adds up)."""

    def __init__(self) -> None:
        self.rows: dict[Any, tuple[dict, Fraction, dict]] = {}  # pivot -> (coeffs, rhs, provenance)
        self.occurs: dict[Any, set] = collections.defaultdict(set)  # var -> pivots whose row holds it
        self.inconsistent: list[dict] = []

    @staticmethod
    def _axpy(target: dict, factor: Fraction, source: dict) -> None:
        for k, v in source.items():
            nv = target.get(k, 0) + factor * v
            if nv:
                target[k] = nv
            else:
                target.pop(k, None)

    def reduce(self, coeffs: dict, rhs: Fraction, prov: dict) -> tuple[dict, Fraction, dict]:
        coeffs, prov = dict(coeffs), dict(prov)
        for var in [v for v in coeffs if v in self.rows]:
            factor = coeffs.get(var)
            if not factor:
                continue
            row, r_rhs, r_prov = self.rows[var]
            self._axpy(coeffs, -factor, row)
            rhs -= factor * r_rhs
            self._axpy(prov, -factor, r_prov)
        return coeffs, rhs, prov

    def add(self, coeffs: dict, rhs: Fraction, prov: dict) -> None:
        coeffs, rhs, prov = self.reduce(coeffs, rhs, prov)
        if not coeffs:
            if rhs != 0:
                self.inconsistent.append(prov)
            return
        pivot = min(coeffs, key=lambda v: (len(self.occurs.get(v, ())), repr(v)))
        factor = coeffs[pivot]
        coeffs = {k: v / factor for k, v in coeffs.items()}
        rhs = rhs / factor
        prov = {k: v / factor for k, v in prov.items()}
        # Keep the rows fully reduced: the new pivot leaves every other row.
        for other in list(self.occurs.get(pivot, ())):
            row, r_rhs, r_prov = self.rows[other]
            f = row.get(pivot)
            if not f:
                continue
            before = set(row)
            self._axpy(row, -f, coeffs)
            r_rhs -= f * rhs
            self._axpy(r_prov, -f, prov)
            self.rows[other] = (row, r_rhs, r_prov)
            for v in before - set(row):
                self.occurs[v].discard(other)
            for v in set(row) - before:
                self.occurs[v].add(other)
        self.rows[pivot] = (coeffs, rhs, prov)
        for v in coeffs:
            self.occurs[v].add(pivot)

    def value(self, form: dict) -> tuple[Fraction, dict] | None:
        coeffs, rhs, prov = self.reduce(form, Fraction(0), {})
        if coeffs:
            return None
        return -rhs, {k: -v for k, v in prov.items()}


def frac(value: float) -> Fraction:
    return Fraction(str(round(value, 6)))


def show(value) -> str:
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return f"{float(value):.4g}"


# --------------------------------------------------------------------------- the check


@dataclasses.dataclass
class Finding:
    kind: str
    text: str


def query_of(where: str) -> dict:
    return dict(kv.split("=", 1) for kv in where.split("?")[1].split("&")) if "?" in where else {}


def list_period(where: str, today: dt.date, exact: set) -> Period:
    """The period of an answer that does not say it (the cooperative's indicators, as a list or
    a CSV without its file name): the one asked for, or the default one — this year so far,
    widened to the whole year under the secret. Under the secret, a period asked for that is
    not whole years is refused (422), so an answer is for the period asked."""
    params = query_of(where)
    c = where.split("?")[0].split("/")[4].lower() if where.startswith("/api/v1/coops/") else None
    p = (day(params["from"]), day(params["to"])) if "from" in params and "to" in params else (dt.date(today.year, 1, 1), today)
    return p if "from" in params or c in exact else whole_years(p)


def fetch_everything(base: str) -> dict:
    budget = Budget(MAX_REQUESTS)
    started = time.monotonic()
    funder = Reader(base, FUNDER_EMAIL, budget)
    admin = Reader(base, ADMIN_EMAIL, budget)

    _, me = funder.get("/api/v1/me")
    assert me.status_code == 200, f"/api/v1/me as the funder: {me.status_code} {me.text[:300]}"
    funder_coops = sorted({r["scope"]["id"].lower() for r in me.json()["roles"] if r["role"] == "funder" and r["scope"]["kind"] == "cooperative"})
    assert funder_coops, f"{FUNDER_EMAIL} has no funder role in a cooperative: {me.json()['roles']}"

    # The network as the admin sees it: every cooperative, its territory, today.
    where, network = admin.get("/api/v1/network/indicators")
    assert network.status_code == 200, f"admin {where}: {network.status_code} {network.text[:300]}"
    network = network.json()
    today = day(network["to"])
    names = {c["coopID"].lower(): c["name"] for c in network["cooperatives"]}
    territory_of = {c["coopID"].lower(): c["territoryID"].lower() for c in network["cooperatives"]}
    territories = sorted(set(territory_of.values()))
    threshold = int(network.get("threshold") or 5)

    # What the funder may read at all (one request each, default period).
    probes = [("/api/v1/network/indicators", None)] + [(f"/api/v1/territories/{t}/indicators", None) for t in territories] \
        + [(f"/api/v1/coops/{c}/indicators", None) for c in names] + [(f"/api/v1/coops/{c}/trade-figures", None) for c in names] \
        + [(f"/api/v1/coops/{c}/sourcing/indicators", None) for c in names] + [(f"/api/v1/coops/{c}/funding-agreements", None) for c in names]
    probed = funder.many(probes)
    readable = {where: response for where, response in probed if response.status_code == 200}

    # Agreements the funder reads, and their periods.
    agreements: dict[str, tuple[str, dict]] = {}
    for c in names:
        response = readable.get(f"/api/v1/coops/{c}/funding-agreements")
        if response is None:
            continue
        body = response.json()
        for agreement in body.get("items", body) if isinstance(body, dict) else body:
            agreements.setdefault(agreement["id"], (c, agreement))

    # Whether the funder reads a cooperative exactly (then it reads the periods it asks for).
    funder_exact = set()
    for where, response in probed:
        body = response.json() if response.status_code == 200 and where.endswith("/indicators") else None
        if isinstance(body, dict):
            funder_exact.update(c["coopID"].lower() for c in body.get("cooperatives") or [] if c.get("exact") is True)

    periods: list[Period] = []

    def period(p: Period) -> None:
        if p[0] <= p[1] and p not in periods:
            periods.append(p)

    year = today.year
    default = (dt.date(year, 1, 1), today)
    period(default)
    # Whole years, and several whole years (a period lasts at most five years): a span of
    # years minus a year it holds is another year.
    for first, last in ((year, year), (year - 1, year - 1), (year - 2, year - 2), (year - 1, year), (year - 2, year - 1),
                        (year - 2, year), (year - 3, year)):
        period((dt.date(first, 1, 1), dt.date(last, 12, 31)))
    # Months, quarters, periods one day or one month apart: widened to whole years (or, for
    # the cooperative's indicators API that does not say its period, refused).
    for shift in range(-11, 1):
        first = month_start(today, shift)
        period((first, month_end(first)))
    period((month_start(today), today))
    for quarter in range(4):
        first = dt.date(year, 3 * quarter + 1, 1)
        if first <= today:
            period((first, month_end(dt.date(year, 3 * quarter + 3, 1))))
    period((month_start(today, -11), today))  # the last twelve months
    period((dt.date(year, 1, 1), today - dt.timedelta(days=1)))  # one day apart
    period((dt.date(year, 1, 2), today))
    period((today, today))
    period((dt.date(year, 1, 1), month_start(today) - dt.timedelta(days=1)))  # one month apart
    period((month_start(today, -1), today))
    period((month_start(today, -1), today - dt.timedelta(days=1)))
    for _, agreement in agreements.values():
        p = (day(agreement["startsOn"]), min(day(agreement["endsOn"]), today))
        period(p)
        period((p[0], p[1] - dt.timedelta(days=1)))
        period((p[0] + dt.timedelta(days=1), p[1]))

    def q(p: Period) -> dict:
        return {"from": p[0].isoformat(), "to": p[1].isoformat()}

    # The funder's readings (the sourcing indicators are shares of purchases, not of people:
    # read once, by the probe).
    calls: list[tuple[str, dict | None]] = []
    for p in periods:
        for path in readable:
            if path.endswith(("/funding-agreements", "/sourcing/indicators")):
                continue
            calls.append((path, q(p)))
    for agreement_id, (c, agreement) in agreements.items():
        calls.append((f"/api/v1/coops/{c}/funding-agreements/{agreement_id}/report", None))
    for funder_id in sorted({a["funderID"] for _, a in agreements.values()}):
        c = next(c for c, a in agreements.values() if a["funderID"] == funder_id)
        calls.append((f"/api/v1/coops/{c}/funders/{funder_id}/report", None))
    funder_json = [(where, response) for where, response in probed if not where.endswith("/funding-agreements")] + funder.many(calls)

    # Pages and CSV files (default period, a few months of last year that the secret widens;
    # each agreement's report; the trade figures of a day).
    some_months = (dt.date(year - 1, 3, 4), dt.date(year - 1, 5, 1))
    texts: list[tuple[str, dict | None]] = []
    for path in readable:
        if re.match(r"^/api/v1/coops/[^/]+/trade-figures$", path):
            texts.append((path[len("/api/v1"):], q((today, today))))
        if path.startswith("/api/v1/network/indicators"):
            texts += [("/network/impact", None), ("/api/v1/network/indicators.csv", None)]
        elif re.match(r"^/api/v1/territories/[^/]+/indicators$", path):
            t = path.split("/")[4]
            texts += [(f"/territories/{t}/impact", None), (f"/api/v1/territories/{t}/indicators.csv", None)]
        elif re.match(r"^/api/v1/coops/[^/]+/indicators$", path):
            c = path.split("/")[4]
            texts += [(f"/coops/{c}/impact", None), (f"/api/v1/coops/{c}/indicators.csv", None),
                      (f"/coops/{c}/impact", q(some_months)), (f"/api/v1/coops/{c}/indicators.csv", q(some_months))]
    for agreement_id, (c, agreement) in agreements.items():
        texts += [(f"/coops/{c}/funding-agreements/{agreement_id}/report", None),
                  (f"/api/v1/coops/{c}/funding-agreements/{agreement_id}/report.csv", None)]
    for funder_id in sorted({a["funderID"] for _, a in agreements.values()}):
        c = next(c for c, a in agreements.values() if a["funderID"] == funder_id)
        texts += [(f"/coops/{c}/funders/{funder_id}/report", None), (f"/api/v1/coops/{c}/funders/{funder_id}/report.csv", None)]
    funder_texts = funder.many(texts)

    # The exact figures, as the network admin reads them, for every period the funder was
    # answered for (the period each answer states; the previous period of each comes with the
    # same answers) and the agreements' periods.
    seen_periods = set()
    for where, response in funder_json:
        if response.status_code != 200:
            continue
        body = response.json()
        if isinstance(body, dict) and "from" in body:
            seen_periods.add((day(body["from"]), day(body["to"])))
        elif isinstance(body, dict) and isinstance(body.get("indicators"), dict):
            seen_periods.add((day(body["indicators"]["from"]), day(body["indicators"]["to"])))
        elif isinstance(body, list):
            seen_periods.add(list_period(where, today, funder_exact))
    for _, agreement in agreements.values():
        p = agreement_period(agreement, today)
        if p is not None:
            seen_periods.add(p)
    for where, response in funder_texts:
        if response.status_code == 200 and re.match(r"^/coops/[^/]+/impact$", where.split("?")[0]):
            for _, months in page_months(response.text, where, today, funder_exact)[:1]:
                seen_periods.update(month for month, _ in months)
    truth_calls = []
    for p in sorted(seen_periods):
        truth_calls.append(("/api/v1/network/indicators", q(p)))
        truth_calls += [(f"/api/v1/coops/{c}/trade-figures", q(p)) for c in names]
    admin_json = admin.many(truth_calls)

    return {
        "budget": budget, "seconds": time.monotonic() - started, "today": today, "names": names, "territory_of": territory_of,
        "threshold": threshold, "funder_coops": funder_coops, "readable": sorted(readable), "agreements": agreements,
        "periods": periods, "funder_json": funder_json, "funder_texts": funder_texts, "admin_json": admin_json,
        "funder_exact": funder_exact,
    }


def load_figures(data: dict) -> tuple[Figures, Figures, list[Finding], list[str]]:
    """The funder's readings and the exact ones, as canonical cells."""
    names = dict(data["names"])
    seen = Figures(names)
    truth = Figures(names)
    findings: list[Finding] = []
    notes: list[str] = []
    today = data["today"]

    exact = data.get("funder_exact", set())
    for where, response in data["funder_json"]:
        path = where.split("?")[0]
        params = query_of(where)
        if response.status_code != 200:
            if response.status_code == 422 and re.match(r"^/api/v1/coops/[^/]+/indicators$", path) and ("from" in params or "to" in params):
                # A list that cannot say its period refuses a period the secret would widen:
                # nothing read there.
                seen.refused += 1
            elif "?" in where or response.status_code not in (403, 404):  # a probe refused is expected
                notes.append(f"funder: GET {where}: {response.status_code} {response.text[:200]}")
            continue
        body = response.json()
        if re.match(r"^/api/v1/coops/[^/]+/indicators$", path):
            c = path.split("/")[4].lower()
            p = list_period(where, today, exact)
            for row in body:
                seen.add_row({c}, row, p, "GET " + where)
        elif path.endswith("/indicators") and isinstance(body, dict) and "total" in body:
            seen.add_comparison(body, "GET " + where)
        elif path.endswith("/trade-figures"):
            c = path.split("/")[4].lower()
            p = seen.add_trade(c, body, "GET " + where)
            if any(field(line, "tickets")[0] is not None or field(line, "households")[0] is not None for line in body.get("byTier") or []) \
                    and not whole_months(p):
                findings.append(Finding("period", f"GET {where} gives the funder counts by bracket for {ptext(p)}, not whole months: "
                                        + ", ".join(f"{line.get('tier')}: {line.get('tickets')} tickets" for line in body.get("byTier") or [])))
        elif "/funding-agreements/" in path and path.endswith("/report"):
            seen.add_agreement(body["agreement"], today, "GET " + where)
            seen.add_comparison(body["indicators"], "GET " + where)
        elif path.endswith("/report") and "/funders/" in path:
            for agreement in body.get("agreements") or []:
                seen.add_agreement(agreement, today, "GET " + where)
            seen.add_comparison(body["indicators"], "GET " + where)
    for c, agreement in data["agreements"].values():
        seen.add_agreement(agreement, today, f"GET /api/v1/coops/{c}/funding-agreements")
    # The cooperative's page, as the funder reads it (a month-by-month series, if one came back).
    for where, response in data.get("funder_texts", []):
        if response.status_code == 200 and re.match(r"^/coops/[^/]+/impact$", where.split("?")[0]):
            add_page_months(seen, where, response.text, today, exact)
    seen.mask_funding()

    for where, response in data["admin_json"]:
        if response.status_code != 200:
            notes.append(f"admin: GET {where}: {response.status_code}")
            continue
        body = response.json()
        if "/trade-figures" in where:
            truth.add_trade(where.split("/")[4].lower(), body, "admin GET " + where)
        else:
            assert all(c.get("exact") for c in body["cooperatives"]), f"the admin does not read every cooperative exactly: GET {where}"
            truth.add_comparison(body, "admin GET " + where)
    truth.mask_funding()
    return seen, truth, findings, notes


def exact_value(truth: Figures, key: Key) -> Fraction | None:
    """The exact value of a cell: the sum of its cooperatives' (admin readings)."""
    total = Fraction(0)
    for c in key.scope:
        single = Key(frozenset({c}), key.q, key.part, key.t)
        values = [s.value for s in truth.cells.get(single, []) if s.value is not None]
        if not values and key.part is not None:
            # A part of a total that is exactly zero is zero.
            whole = [s.value for s in truth.cells.get(Key(single.scope, key.q, None, key.t), []) if s.value is not None]
            if whole and whole[0] == 0:
                values = [0.0]
        if not values:
            if key.part is not None:
                # A part absent from a breakdown the admin read whole is zero.
                for (scope, total_q, parts_q, t), (shown, _) in truth.breakdowns.items():
                    if scope == single.scope and parts_q == key.q and t == key.t and key.part not in shown \
                            and key.part not in LEFT_OUT.get((total_q, parts_q), ()):
                        values = [0.0]
                        break
            if not values:
                return None
        total += frac(values[0])
    return total


def exact_share(truth: Figures, scope: frozenset, share: str, t: tuple) -> tuple[Fraction, Fraction] | None:
    """(part, base) of a share over people, from the admin's readings."""
    p = (t[1], t[2])
    parts, bases = Fraction(0), Fraction(0)
    for c in scope:
        single = frozenset({c})
        if share == "qpv-share":
            base = exact_value(truth, Key(single, "people-accompanied", None, t))
        elif share == "dynamic-exit-rate":
            base = exact_value(truth, Key(single, "exits", None, t))
        else:
            return None
        pct = [s.value for s in truth.cells.get(Key(single, share + "#pct", None, time_of(share, p)), []) if s.value is not None]
        if base is None:
            return None
        part = Fraction(0) if base == 0 else (Fraction(round(pct[0] * float(base) / 100)) if pct else None)
        if part is None:
            return None
        parts += part
        bases += base
    return parts, bases


def check(data: dict) -> tuple[list[Finding], list[str], dict]:
    seen, truth, findings, notes = load_figures(data)
    threshold = data["threshold"]
    small = lambda v: v is not None and 0 < v < threshold  # noqa: E731
    stats = collections.Counter()

    # ----- relations, each checked on the exact figures first
    additive = set(ADDITIVE_IN_TIME)
    # Periods that add up, among those read: P = P1 + P2.
    spans = sorted({(k.t[1], k.t[2]) for k in truth.cells if k.t[0] == "span"})
    span_set = set(spans)
    triples = [(p1, p2, (p1[0], p2[1])) for p1 in spans for p2 in spans
               if p2[0] == p1[1] + dt.timedelta(days=1) and (p1[0], p2[1]) in span_set]
    for q in sorted(additive):
        broken = []
        for p1, p2, p in triples:
            for c in data["names"]:
                one = frozenset({c})
                values = [exact_value(truth, Key(one, q, None, ("span",) + x)) for x in (p1, p2, p)]
                if None not in values and values[0] + values[1] != values[2]:
                    broken.append(f"{data['names'][c]}: {ptext(p1)} {values[0]} + {ptext(p2)} {values[1]} ≠ {ptext(p)} {values[2]}")
        if broken:
            additive.discard(q)
            notes.append(f"{q} is not additive over periods on the exact figures, left out of period sums: {broken[0]}")
    breakdowns = []
    for total_q, parts_q, left_out in BREAKDOWNS:
        broken = []
        for (scope, tq, pq, t), (shown, where) in truth.breakdowns.items():
            if tq != total_q or pq != parts_q or len(scope) != 1:
                continue
            whole = exact_value(truth, Key(scope, total_q, None, t))
            parts = [exact_value(truth, Key(scope, parts_q, k, t)) for k in shown if k not in left_out]
            if whole is not None and None not in parts and sum(parts) != whole:
                broken.append(f"{where}: {total_q} {whole} ≠ sum of {parts_q} parts {sum(parts)}")
        if broken:
            notes.append(f"{total_q} is not the sum of its {parts_q} parts on the exact figures, relation left out: {broken[0]}")
        else:
            breakdowns.append((total_q, parts_q, left_out))

    # Cells whose readings disagree with the exact figures are left out (the model would be wrong).
    bad_keys = set()
    for key, readings in seen.cells.items():
        values = {frac(s.value) for s in readings if s.value is not None}
        if len(values) > 1:
            bad_keys.add(key)
            notes.append(f"{seen.label(key)} is read with different values: " + "; ".join(f"{s.value} at {s.where}" for s in readings[:4]))
            continue
        exact = exact_value(truth, key) if not key.q.endswith("#pct") else None
        if values and exact is not None and next(iter(values)) != exact:
            bad_keys.add(key)
            notes.append(f"{seen.label(key)}: the funder reads {next(iter(values))}, the exact figure is {exact} ({readings[0].where}); left out")

    # ----- what the funder sees in clear that the secret should hide
    for key, readings in seen.cells.items():
        shown = [s for s in readings if s.value is not None]
        if not shown or key in bad_keys:
            continue
        b = base_quantity(key.q)
        if key.q in PEOPLE_COUNTS or (key.q in BY_BRACKET and key.part is not None):
            if small(shown[0].value):
                findings.append(Finding("clear", f"{seen.label(key)} = {shown[0].value:g} is shown in clear to the funder "
                                        f"(a count under the threshold {threshold}) at {shown[0].where}"))
        elif key.q.endswith("#pct") and b in PEOPLE_SHARES and key.t[0] == "span":
            share = exact_share(truth, key.scope, b, key.t)
            if share and share[1] > 0 and (small(share[1]) or small(share[0]) or small(share[1] - share[0])):
                findings.append(Finding("clear", f"{seen.label(key)} = {shown[0].value:g} % is shown to the funder although its part "
                                        f"({share[0]}), base ({share[1]}) or rest ({share[1] - share[0]}) is under {threshold} at {shown[0].where}"))

    # ----- the linear system over the cooperatives' own cells
    cuts = set()
    for key in list(seen.cells) + list(truth.cells):
        if key.t[0] == "span" and key.q in additive:
            cuts.add(key.t[1])
            cuts.add(key.t[2] + dt.timedelta(days=1))
    cuts = sorted(cuts)

    def times(q: str, t: tuple) -> list[tuple]:
        if t[0] == "span" and q in additive:
            inside = [d for d in cuts if t[1] <= d <= t[2] + dt.timedelta(days=1)]
            return [("elem", a, b - dt.timedelta(days=1)) for a, b in zip(inside, inside[1:])]
        return [t]

    def form(key: Key) -> dict:
        out: dict = {}
        for c in key.scope:
            for t in times(key.q, key.t):
                var = (c, key.q, key.part, t)
                out[var] = out.get(var, 0) + 1
        return out

    def share_forms(scope: frozenset, share: str, t: tuple) -> tuple[dict, dict] | None:
        if share == "qpv-share":
            return form(Key(scope, "qpv-share#num", None, t)), form(Key(scope, "people-accompanied", None, t))
        if share == "dynamic-exit-rate":
            exits = form(Key(scope, "exits", None, t))
            num = dict(exits)
            for var, v in form(Key(scope, "exits", OTHER_EXIT, t)).items():
                num[var] = num.get(var, 0) - v
            return num, exits
        if share == "attendance-rate":
            return form(Key(scope, "attendance-rate#num", None, t)), form(Key(scope, "attendance-rate#den", None, t))
        return None

    equations: list[tuple[dict, Fraction, dict]] = []
    readings: dict[int, str] = {}  # provenance id -> what was read
    zero_readings: set[int] = set()

    def reading(text: str, value: float | None = None) -> int:
        readings[len(readings)] = text
        if value == 0:
            zero_readings.add(len(readings) - 1)
        return len(readings) - 1

    for key, rs in seen.cells.items():
        if key in bad_keys or key.q.endswith("#pct"):
            continue
        shown = [s for s in rs if s.value is not None]
        if shown:
            rid = reading(f"{seen.label(key)} = {shown[0].value:g} ({shown[0].where})", shown[0].value)
            equations.append((form(key), frac(shown[0].value), {rid: Fraction(1)}))
    # A part missing from a breakdown shown whole is zero.
    for (scope, total_q, parts_q, t), (shown, where) in seen.breakdowns.items():
        for total, pq, left_out in breakdowns:
            if (total, pq) != (total_q, parts_q):
                continue
            for k in seen.part_keys[parts_q] - shown - set(left_out):
                key = Key(scope, parts_q, k, t)
                if key not in bad_keys and not any(s.value is not None for s in seen.cells.get(key, [])):
                    exact = exact_value(truth, key)
                    if exact is not None and exact != 0:
                        notes.append(f"{seen.label(key)} is absent from the breakdown at {where} but is {exact}: not taken as zero")
                        continue
                    rid = reading(f"{seen.label(key)} = 0 (absent from the breakdown at {where})", 0)
                    equations.append((form(key), Fraction(0), {rid: Fraction(1)}))
    # Totals are the sums of their parts, for each cooperative and each time cell in use.
    used_times: dict[tuple[str, str], set] = collections.defaultdict(set)
    variables = {var for eq in equations for var in eq[0]}
    targets: dict[Key, list[Seen]] = {k: v for k, v in seen.cells.items() if any(s.masked for s in v) and k not in bad_keys}
    for key in targets:
        if not key.q.endswith("#pct"):
            variables.update(form(key))
    for c, q, part, t in variables:
        used_times[(c, q)].add(t)
    structural = reading("(each total is the sum of its breakdown)")
    for total_q, parts_q, left_out in breakdowns:
        keys = sorted(k for k in seen.part_keys[parts_q] | truth.part_keys[parts_q] if k not in left_out)
        if not keys:
            continue  # no breakdown known anywhere: nothing to say
        for c in data["names"]:
            for t in used_times[(c, total_q)] | used_times[(c, parts_q)]:
                row = {(c, total_q, None, t): Fraction(1)}
                for k in keys:
                    row[(c, parts_q, k, t)] = row.get((c, parts_q, k, t), 0) - 1
                equations.append((row, Fraction(0), {structural: Fraction(1)}))

    # Shares: their readings link part and base (a nonlinear relation, applied once the base
    # or the part is known).
    share_readings = []
    for scope, share, p in seen.shares:
        key = Key(scope, share + "#pct", None, time_of(share, p))
        if key in bad_keys:
            continue
        forms = share_forms(scope, share, key.t)
        if forms is None:
            continue
        shown = [s for s in seen.cells[key] if s.value is not None]
        share_readings.append((key, forms, shown[0] if shown else None))

    # Only the part of the system that touches a masked cell is solved.
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(vars_: Iterable) -> None:
        vars_ = list(vars_)
        for v in vars_[1:]:
            a, b = find(vars_[0]), find(v)
            if a != b:
                parent[a] = b

    for row, _, _ in equations:
        union(row)
    for _, (num, den), _ in share_readings:
        union(list(num) + list(den))
    target_forms: dict[Key, list[dict]] = {}
    for key in targets:
        if key.q.endswith("#pct"):
            forms = share_forms(key.scope, base_quantity(key.q), key.t) if base_quantity(key.q) in PEOPLE_SHARES and key.t[0] == "span" else None
            if forms:
                target_forms[key] = list(forms)
        else:
            target_forms[key] = [form(key)]
    wanted = {find(var) for forms in target_forms.values() for f in forms for var in f}
    solver = Solver()
    for row, rhs, prov in equations:
        if row and find(next(iter(row))) in wanted:
            solver.add(row, rhs, prov)
            stats["equations"] += 1
    for _ in range(4):  # shares: a known base gives the part, a known part the base
        added = False
        for key, (num, den), shown in share_readings:
            if shown is None or not num or find(next(iter(num))) not in wanted:
                continue
            d, n = solver.value(den), solver.value(num)
            rid = None
            if d is not None and n is None and d[0] > 0:
                rid = reading(f"{seen.label(key)} = {shown.value:g} % ({shown.where})")
                prov = dict(d[1])
                prov[rid] = prov.get(rid, 0) + 1
                solver.add(num, Fraction(round(shown.value * float(d[0]) / 100)), prov)
                added = True
            elif n is not None and d is None and shown.value and n[0] > 0:
                rid = reading(f"{seen.label(key)} = {shown.value:g} % ({shown.where})")
                prov = dict(n[1])
                prov[rid] = prov.get(rid, 0) + 1
                solver.add(den, Fraction(round(float(n[0]) * 100 / shown.value)), prov)
                added = True
        if not added:
            break
    if solver.inconsistent:
        notes.append(f"{len(solver.inconsistent)} readings contradict the others (the model of the figures is off somewhere): "
                     + "; ".join(readings[r] for r in list(solver.inconsistent[0])[:4]))
    stats["variables"] = len(solver.occurs)
    stats["readings refused for their period (422)"] = seen.refused
    stats["month-by-month cells read"] = seen.month_cells
    stats["masked cells"] = len(targets)

    # ----- every masked cell: can it be worked out?
    def explain(prov: dict) -> str:
        parts = []
        zeros = [rid for rid in prov if rid in zero_readings]
        for rid, coef in sorted(prov.items(), key=lambda kv: (readings[kv[0]].startswith("("), -abs(kv[1]))):
            if rid == structural or rid in zero_readings:
                continue
            sign = "+" if coef > 0 else "−"
            magnitude = abs(coef)
            parts.append(f"      {sign} {'' if magnitude == 1 else f'{magnitude} × '}{readings[rid]}")
        if zeros:
            parts.append(f"      ± {len(zeros)} figures read as 0, e.g. " + "; ".join(readings[r] for r in zeros[:2]))
        if structural in prov:
            parts.append("      (with: each total is the sum of its breakdown)")
        return "\n".join(parts)

    for key, rs in sorted(targets.items(), key=lambda kv: seen.label(kv[0])):
        masked_at = sorted({s.where for s in rs if s.masked})
        visible = [s for s in rs if s.value is not None]
        recovered: tuple[Fraction, str] | None = None
        if visible:
            recovered = (frac(visible[0].value), f"      shown in clear at {visible[0].where}")
        elif key.q.endswith("#pct"):
            forms = target_forms.get(key)
            if forms:
                n, d = solver.value(forms[0]), solver.value(forms[1])
                if n is not None and d is not None and d[0] > 0:
                    recovered = (n[0] * 100 / d[0], f"    part = {n[0]}:\n{explain(n[1])}\n    base = {d[0]}:\n{explain(d[1])}")
        else:
            got = solver.value(target_forms[key][0])
            if got is not None:
                recovered = (got[0], explain(got[1]))
        if recovered is None:
            stats["masked cells kept secret"] += 1
            continue
        value, how = recovered
        if key.q.endswith("#pct"):
            share = exact_share(truth, key.scope, base_quantity(key.q), key.t)
            exact = share[0] * 100 / share[1] if share and share[1] else None
            exact_text = f"{float(exact):.4g} %" if exact is not None else "?"
            matches = exact is not None and abs(float(exact) - float(value)) < 1e-6
            shown_value = f"{float(value):.4g} %"
        else:
            exact = exact_value(truth, key)
            exact_text = str(exact)
            matches = exact is not None and exact == value
            shown_value = show(value)
        if exact is not None and not matches:
            notes.append(f"{seen.label(key)}: worked out as {shown_value} but the exact figure is {exact_text}; the model is off, not reported")
            continue
        stats["masked cells recovered"] += 1
        findings.append(Finding("recovered" if value != 0 else "zero", f"{seen.label(key)} is masked at {masked_at[0]}"
                                f"{f' (and {len(masked_at) - 1} more)' if len(masked_at) > 1 else ''}, "
                                f"yet = {shown_value}{'' if exact is not None else ' (exact value not available to compare)'}:\n{how}"))

    # ----- masked cells written as false values in the pages and CSV files
    findings += false_values(data, seen, truth, threshold, stats)
    return findings, notes, dict(stats)


def false_values(data: dict, seen: Figures, truth: Figures, threshold: int, stats: collections.Counter) -> list[Finding]:
    """'< 5' written for a masked rate, or for a cell hidden only to protect another."""
    findings = []
    today = data["today"]
    names = data["names"]
    by_name = {v: k for k, v in names.items()}
    exact = data.get("funder_exact", set())
    json_by_path = {w: r for w, r in data["funder_json"] if r.status_code == 200}

    def verdict(keys: list[Key], text: str, where: str, rate: bool) -> None:
        stats["page and CSV cells checked"] += 1
        stats["page and CSV cells matched to a JSON reading"] += any(key in seen.cells for key in keys)
        stats["page and CSV cells written as < N"] += is_secret_text(text)
        if not is_secret_text(text):
            for key in keys:
                if any(s.masked for s in seen.cells.get(key, [])) and not any(s.value is not None for s in seen.cells.get(key, [])) \
                        and number_like(text) and not rate:
                    findings.append(Finding("false", f"{where}: {seen.label(key)} is masked in the JSON but written {text!r}"))
            return
        if rate:
            findings.append(Finding("false", f"{where}: a masked rate or share ({', '.join(seen.label(k) for k in keys) or '?'}) "
                                    f"is written {text!r}, a number-like false value (it should read as hidden/secret)"))
            return
        for key in keys:
            exact = exact_value(truth, key)
            if exact is not None and not (0 < exact < threshold):
                findings.append(Finding("false", f"{where}: {seen.label(key)} is written {text!r} but is hidden only to protect "
                                        f"another cell (its exact value is {exact}): it should read as hidden/secret, not '< {threshold}'"))
                return

    def key_of(scope: Iterable[str], indicator: str, unit: str | None, part: str | None, p: Period) -> Key:
        quantity = indicator + "#pct" if unit == "percent" or indicator in PEOPLE_SHARES else indicator
        q, part = canon(quantity, part)
        return Key(frozenset(scope), q, part, time_of(q, p))

    units = {}
    for where, r in data["funder_json"]:
        body = r.json() if r.status_code == 200 else None
        rows = body if isinstance(body, list) else (body.get("total") if isinstance(body, dict) else None)
        for row in rows or []:
            if isinstance(row, dict) and "key" in row:
                units[row["key"]] = row.get("unit")

    def is_rate(indicator: str) -> bool:
        return units.get(indicator) == "percent" or indicator in PEOPLE_SHARES

    for where, response in data["funder_texts"]:
        if response.status_code != 200:
            findings.append(Finding("false", f"the funder cannot open {where}: {response.status_code}")) if response.status_code >= 500 else None
            continue
        path = where.split("?")[0]
        params = query_of(where)
        # The period an answer states (a CSV file in its name, a page in its form), else the
        # one it is for without saying it.
        p = list_period(("/api/v1" + where) if where.startswith("/coops/") else where, today, exact)
        if path.endswith(".csv"):
            named = re.search(r"(\d{4}-\d\d-\d\d)-(\d{4}-\d\d-\d\d)\.csv", response.headers.get("content-disposition") or "")
            if named:
                p = (day(named.group(1)), day(named.group(2)))
            rows = list(csv.reader(io.StringIO(response.text)))
            if not rows:
                continue
            # The comparison's period and cooperatives come from its JSON twin.
            twin = json_by_path.get(path[:-4]) if not params else None
            group = frozenset(names)
            comparison = None
            if path.endswith("/report.csv"):
                twin = json_by_path.get(path[:-4])
                if twin is not None:
                    comparison = twin.json()["indicators"]
            elif twin is not None and isinstance(twin.json(), dict):
                comparison = twin.json()
            if comparison is not None:
                p = (day(comparison["from"]), day(comparison["to"]))
                group = frozenset(c["coopID"].lower() for c in comparison["cooperatives"])
            single = re.match(r"^/api/v1/coops/([^/]+)/indicators\.csv$", path)
            for row in rows[1:]:
                if len(row) < 7:
                    continue
                scope_name, indicator, _label, detail, _unit, value, previous = row[:7]
                if detail.startswith("cible "):
                    # A commitment: [programme or "Engagements", indicator, label, "cible N", "", achieved, ""].
                    twin_body = json_by_path[path[:-4]].json() if path.endswith("/report.csv") and path[:-4] in json_by_path else {}
                    for agreement in twin_body.get("agreements") or [twin_body.get("agreement") or {}]:
                        if not agreement or (scope_name not in ("Engagements", agreement.get("programme"))):
                            continue
                        quantity = FUNDING_INDICATORS.get(indicator)
                        ap = agreement_period(agreement, today)
                        if quantity and ap is not None:
                            q, _ = canon(quantity, None)
                            key = Key(frozenset(c.lower() for c in agreement["coopIDs"]), q, None, time_of(q, ap))
                            verdict([key], value, f"GET {where} (commitment {indicator} of {agreement.get('programme')!r})", q.endswith("#pct"))
                    continue
                if single:
                    scope = {single.group(1).lower()}
                elif scope_name == "Ensemble":
                    scope = group
                elif scope_name in by_name:
                    scope = {by_name[scope_name]}
                else:
                    continue
                part = seen.labels.get((indicator, norm(detail))) if detail else None
                if detail and part is None:
                    continue
                unit = units.get(indicator)
                verdict([key_of(scope, indicator, unit, part, p)], value, f"GET {where} ({scope_name}, {indicator}{', ' + detail if detail else ''})", is_rate(indicator))
                if previous and not detail:
                    verdict([key_of(scope, indicator, unit, None, previous_period(p))], previous,
                            f"GET {where} ({scope_name}, {indicator}, previous period)", is_rate(indicator))
            continue
        root = parse_html(response.text)
        ids = root.by_id()
        if path.endswith("/trade-figures"):
            twin = json_by_path.get("/api/v1" + where)
            if twin is None:
                continue
            body = twin.json()
            c = path.split("/")[2].lower()
            tp = (day(body["from"]), day(body["to"]))
            tiers = {norm(line.get("label") or ""): line.get("tier") for line in body.get("byTier") or []}
            for tr in root.all("tr"):
                texts = cells(tr)
                if len(texts) >= 3 and norm(texts[0]) in tiers:
                    tier = tiers[norm(texts[0])]
                    for text, quantity in zip(texts[1:3], ("trade:tickets", "trade:meals")):
                        verdict([Key(frozenset({c}), quantity, tier, time_of(quantity, tp))], text, f"GET {where} ({texts[0]}, {quantity[6:]})", False)
            continue
        if path.startswith("/coops/") and path.endswith("/impact"):
            c = path.split("/")[2].lower()
            p = page_period(root, p)
            for node_id, node in ids.items():
                if node_id.startswith("row-"):
                    indicator = node_id[4:]
                    texts = cells(node)[1:]
                    for text, period in zip(texts, [p, previous_period(p)]):
                        verdict([key_of({c}, indicator, units.get(indicator), None, period)], text, f"GET {where} (#{node_id})", is_rate(indicator))
                elif node_id.startswith("chart-"):
                    indicator = node_id[6:]
                    for tr in node.all("tr")[1:]:
                        label, *rest = cells(tr) + [""]
                        part = seen.labels.get((indicator, norm(label)))
                        if part is not None:
                            verdict([key_of({c}, indicator, units.get(indicator), part, p)], rest[0], f"GET {where} (#{node_id}, {label})", is_rate(indicator))
                elif node_id.startswith("months-"):
                    indicator = node_id[7:]
                    trs = node.all("tr")
                    if len(trs) >= 2:
                        for text, month in zip(cells(trs[-1]), board_months(p)):
                            verdict([key_of({c}, indicator, units.get(indicator), None, month)], text, f"GET {where} (#{node_id}, {ptext(month)})", is_rate(indicator))
        elif path.endswith("/impact"):
            twin_path = "/api/v1/network/indicators" if path == "/network/impact" else f"/api/v1{path[:-len('/impact')]}/indicators"
            twin = json_by_path.get(twin_path)
            if twin is None:
                continue
            comparison = twin.json()
            p = (day(comparison["from"]), day(comparison["to"]))
            coops = [c["coopID"].lower() for c in comparison["cooperatives"]]
            scopes = [{c} for c in coops] + [set(coops)]
            for node_id, node in ids.items():
                if node_id.startswith("row-"):
                    indicator = node_id[4:]
                    texts = cells(node)[1:]
                    for i, text in enumerate(texts):
                        if i < len(scopes):
                            key = key_of(scopes[i], indicator, units.get(indicator), None, p)
                        elif i == len(scopes):
                            key = key_of(set(coops), indicator, units.get(indicator), None, previous_period(p))
                        else:
                            continue
                        verdict([key], text, f"GET {where} (#{node_id}, column {i + 2})", is_rate(indicator))
                elif node_id.startswith("chart-"):
                    indicator = node_id[6:]
                    for tr in node.all("tr")[1:]:
                        label, *rest = cells(tr) + [""]
                        part = seen.labels.get((indicator, norm(label)))
                        if part is not None:
                            verdict([key_of(set(coops), indicator, units.get(indicator), part, p)], rest[0], f"GET {where} (#{node_id}, {label})", is_rate(indicator))
        elif path.endswith("/report"):
            twin = json_by_path.get("/api/v1" + path)
            if twin is None:
                continue
            body = twin.json()
            comparison = body["indicators"]
            p = (day(comparison["from"]), day(comparison["to"]))
            group = {c["coopID"].lower() for c in comparison["cooperatives"]}
            agreements = body.get("agreements") or [body["agreement"]]
            for node_id, node in ids.items():
                if node_id.startswith(("funder-row-", "report-row-")):
                    indicator = node_id.split("-row-", 1)[1]
                    for text, period in zip(cells(node)[1:], [p, previous_period(p)]):
                        verdict([key_of(group, indicator, units.get(indicator), None, period)], text, f"GET {where} (#{node_id})", is_rate(indicator))
            sections = [ids.get(f"agreement-{a['id']}") for a in agreements] if "agreements" in body else [ids.get("report")]
            for agreement, section in zip(agreements, sections):
                if section is None:
                    continue
                ap = agreement_period(agreement, today)
                by_label = {norm(t["label"]): t for t in agreement.get("targets") or []}
                for tr in section.all("tr"):
                    texts = cells(tr)
                    if len(texts) >= 3 and norm(texts[0]) in by_label:
                        target = by_label[norm(texts[0])]
                        quantity = FUNDING_INDICATORS.get(target["indicator"])
                        if quantity and ap is not None:
                            q, _ = canon(quantity, None)
                            key = Key(frozenset(c.lower() for c in agreement["coopIDs"]), q, None, time_of(q, ap))
                            verdict([key], texts[-1], f"GET {where} (commitment {texts[0]!r} of {agreement['programme']!r})", q.endswith("#pct"))
    return findings


# --------------------------------------------------------------------------- the test


def report(findings: list[Finding], limit: int = 60) -> str:
    order = {"recovered": 0, "zero": 1, "clear": 2, "false": 3, "period": 4}
    titles = {
        "recovered": "Masked cells the funder recovers exactly",
        "zero": ("Masked cells the funder recovers exactly as 0 (zero points at nobody and is shown by rule, so nothing "
                 "protected is disclosed; but the cell is hidden in one place and known from another — the secret is applied "
                 "inconsistently)"),
        "clear": "Counts under the threshold (or shares over them) shown in clear",
        "false": "Masked cells written as number-like false values",
        "period": "Trade figures by bracket for a period that is not whole months",
    }
    out = []
    for kind in sorted({f.kind for f in findings}, key=order.get):
        items = [f.text for f in findings if f.kind == kind]
        out.append(f"\n== {titles[kind]}: {len(items)}")
        for i, text in enumerate(items[:limit], 1):
            out.append(f"{i}. {text}")
        if len(items) > limit:
            out.append(f"… and {len(items) - limit} more")
    return "\n".join(out)


def test_a_funder_cannot_undo_the_statistical_secret(base_url):
    """On the shared demo server (SQLite)."""
    run_differencing(base_url)


def test_a_funder_cannot_undo_the_statistical_secret_on_postgresql():
    """The same on a demo server of its own on PostgreSQL (the figures are summed by the
    database: the secret must hold whatever computes them)."""
    from servers import demo_server

    with demo_server("postgres", name="differencing") as server:
        run_differencing(server.base)


def run_differencing(base_url: str) -> None:
    started = time.monotonic()
    data = fetch_everything(base_url)
    budget: Budget = data["budget"]
    assert not budget.errors, "server errors while reading the figures:\n" + "\n".join(budget.errors[:20])
    assert any("/indicators" in path for path in data["readable"]), f"the funder reads no indicator at all: {data['readable']}"
    findings, notes, stats = check(data)
    # One finding per line of text is enough: drop exact duplicates.
    unique, seen_texts = [], set()
    for f in findings:
        if (f.kind, f.text) not in seen_texts:
            seen_texts.add((f.kind, f.text))
            unique.append(f)
    summary = (f"differencing: {budget.count} requests, {len(data['periods'])} periods, readable {len(data['readable'])} endpoints; "
               + ", ".join(f"{k}={v}" for k, v in sorted(stats.items()))
               + f"; findings={len(unique)}; notes={len(notes)}; {time.monotonic() - started:.1f}s")
    print(summary, file=sys.stderr)
    for note in notes[:30]:
        print(f"differencing note: {note}", file=sys.stderr)
    assert not unique, summary + "\n" + report(unique) + ("\n\nNotes:\n" + "\n".join(notes[:15]) if notes else "")


# --------------------------------------------------------------------------- the check checked


class FakeResponse:
    """A canned answer for the self-test (no server)."""

    def __init__(self, body: Any, status_code: int = 200) -> None:
        self.body, self.status_code = body, status_code
        self.text = "" if body is None else repr(body)
        self.headers: dict = {}

    def json(self) -> Any:
        return self.body


def fake_row(key: str, value=None, previous=0, unit: str = "people", parts: dict | None = None) -> dict:
    """An indicator row; `None` for a masked value ("< 5"), `"secret"` for one masked as secret."""
    row: dict = {"key": key, "name": key, "unit": unit}
    for name, v in (("value", value), ("previous", previous)):
        if v is None or v == "secret":
            row["masked" if name == "value" else "previousMasked"] = True
            if v == "secret":
                row["secret" if name == "value" else "previousSecret"] = True
        else:
            row[name] = v
    if parts is not None:
        row["parts"] = [{"key": k, "label": k, **({"masked": True} if v is None else {"value": v})} for k, v in parts.items()]
    return row


def fake_comparison(p: Period, coops: dict[str, list[dict]], total: list[dict], exact: bool) -> dict:
    return {"from": p[0].isoformat(), "to": p[1].isoformat(), "threshold": 5, "total": total,
            "cooperatives": [{"coopID": c.upper(), "name": SELF_TEST_NAMES[c], "territoryID": "T", "exact": exact, "indicators": rows}
                             for c, rows in coops.items()]}


SELF_TEST_NAMES = {"avignon": "Avignon", "caillols": "Caillols", "vendomois": "Vendômois"}


def self_test_data(funder_json: list, admin_json: list) -> dict:
    return {"names": dict(SELF_TEST_NAMES), "threshold": 5, "today": dt.date(2026, 12, 7), "funder_json": funder_json,
            "admin_json": admin_json, "agreements": {}, "funder_texts": [], "funder_exact": set()}


def recovered(findings: list[Finding]) -> list[str]:
    return [f.text for f in findings if f.kind == "recovered"]


def test_the_check_finds_a_known_leak_without_a_server():
    """The solver must still be able to fail: three leaks of known shape, fed as answers."""
    year, years = (dt.date(2026, 1, 1), dt.date(2026, 12, 31)), (dt.date(2025, 1, 1), dt.date(2026, 12, 31))

    # 1. Before the fix: the network's total (15) beside Caillols (13), Vendômois (0) and
    #    Avignon masked gives Avignon = 2.
    seen = fake_comparison(year, {"avignon": [fake_row("people-referred", None)], "caillols": [fake_row("people-referred", 13)],
                                  "vendomois": [fake_row("people-referred", 0)]}, [fake_row("people-referred", 15)], exact=False)
    exact = fake_comparison(year, {"avignon": [fake_row("people-referred", 2)], "caillols": [fake_row("people-referred", 13)],
                                   "vendomois": [fake_row("people-referred", 0)]}, [fake_row("people-referred", 15)], exact=True)
    findings, notes, _ = check(self_test_data([("/api/v1/network/indicators", FakeResponse(seen))],
                                              [("/api/v1/network/indicators", FakeResponse(exact))]))
    assert any(t.startswith("Avignon · people-referred · 2026-01-01..2026-12-31") and "yet = 2:" in t for t in recovered(findings)), \
        f"the pre-fix shape (network 15, Caillols 13, Vendômois 0, Avignon masked) is not found:\n{report(findings)}\n{notes}"

    # 2. Whole years that overlap: 2025–2026 (12) minus 2026 (10) gives 2025, masked as
    #    2026's previous year.
    funder = [("/api/v1/network/indicators?from=2025-01-01&to=2026-12-31",
               FakeResponse(fake_comparison(years, {"caillols": [fake_row("people-referred", 12, previous=0)]}, [], exact=False))),
              ("/api/v1/network/indicators",
               FakeResponse(fake_comparison(year, {"caillols": [fake_row("people-referred", 10, previous=None)]}, [], exact=False)))]
    admin = [("/api/v1/network/indicators?from=2025-01-01&to=2026-12-31",
              FakeResponse(fake_comparison(years, {"caillols": [fake_row("people-referred", 12, previous=0)]}, [], exact=True))),
             ("/api/v1/network/indicators?from=2026-01-01&to=2026-12-31",
              FakeResponse(fake_comparison(year, {"caillols": [fake_row("people-referred", 10, previous=2)]}, [], exact=True)))]
    findings, notes, _ = check(self_test_data(funder, admin))
    assert any(t.startswith("Caillols · people-referred · 2025-01-01..2025-12-31") and "yet = 2:" in t for t in recovered(findings)), \
        f"2025–2026 minus 2026 is not found:\n{report(findings)}\n{notes}"

    # 3. The trade figures hide bracket T3 (few households), their totals and who funded the
    #    solidarity; the dashboard's solidarity given (300) minus T1's (100) gives T3's (200).
    def trade(t3: dict | None) -> dict:
        lines = [{"tier": "T1", "label": "T1", "tickets": 9, "meals": 10, "salesCents": 50, "publicValueCents": 150, "solidarityCents": 100},
                 {"tier": "public", "label": "public", "tickets": 20, "meals": 30, "salesCents": 400, "publicValueCents": 400, "solidarityCents": 0}]
        body = {"from": "2026-01-01", "to": "2026-12-31", "donationsCents": 0, "poolDrawCents": 0, "suspendedMeals": 0}
        if t3 is None:
            lines.insert(1, {"tier": "T3", "label": "T3", "masked": True, "secret": True})
            body.update(totalsMasked=True, fundingMasked=True, funding=[], wholeYears=True)
        else:
            lines.insert(1, {"tier": "T3", "label": "T3", **t3})
            body.update(tickets=31, meals=42, salesCents=470, publicValueCents=870, solidarityCents=300,
                        funding=[{"source": "funder", "name": "CCAS", "cents": 300}])
        body["byTier"] = lines
        return body

    dashboard = [fake_row("solidarity-value", 300, unit="cents", parts={"CCAS": 300})]
    funder = [("/api/v1/coops/caillols/trade-figures", FakeResponse(trade(None))),
              ("/api/v1/coops/caillols/indicators", FakeResponse(dashboard))]
    admin = [("/api/v1/coops/caillols/trade-figures?from=2026-01-01&to=2026-12-31",
              FakeResponse(trade({"tickets": 2, "meals": 2, "salesCents": 20, "publicValueCents": 320, "solidarityCents": 200}))),
             ("/api/v1/network/indicators?from=2026-01-01&to=2026-12-31",
              FakeResponse(fake_comparison(year, {"caillols": dashboard}, [], exact=True)))]
    findings, notes, _ = check(self_test_data(funder, admin))
    assert any(t.startswith("Caillols · trade:solidarity / T3 · 2026-01-01..2026-12-31") and "yet = 200:" in t for t in recovered(findings)), \
        f"the dashboard's solidarity minus the trade figures' shown brackets is not found:\n{report(findings)}\n{notes}"

    # And nothing is found where nothing can be worked out (the same answers without the total).
    seen["total"] = [fake_row("people-referred", None)]
    findings, notes, _ = check(self_test_data([("/api/v1/network/indicators", FakeResponse(seen))],
                                              [("/api/v1/network/indicators", FakeResponse(exact))]))
    assert not recovered(findings), report(findings)
