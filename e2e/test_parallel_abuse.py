"""Parallel abuse: the limits and the busiest rows under simultaneous requests.

Each test runs on a SQLite file and on a throwaway PostgreSQL cluster (module-scoped servers
of `servers.demo_server`, seeded with the demo), with requests released together by a
barrier from loopback only. Never a 5xx, never more than a limit, nothing half-written:

- login throttling: 40 simultaneous wrong passwords for one account (from 40 loopback
  addresses, then from one) get at most 5 "wrong password" answers (401), all the others
  429, and the account is then refused even with its right password; 5 failures on one
  account do not lock a second account out of the same address (a social centre's shared
  connection), while the per-address limit does exist: 60 simultaneous failures on 60
  accounts from one address end in 429 after at most 50;
- ten people (30 requests) accepting one invitation at once: exactly one account is made,
  every other answer is a clear 404/409/410, the invitation is then used up;
- concurrent writes on the same rows: till sales (distinct keys, and one key sent ten times
  at once), refunds of one sale, a day's closing, capital subscriptions (and one key many
  times), a subscription request paid by several clicks at once, votes on one decision by
  several people (and one person voting many times at once), an assembly's attendance,
  votes and bureau, closing a decision, and bookings of one resource's slot. Afterwards the
  cash journal verifies, the register is numbered without a gap, each vote counts once and
  the slot holds one booking.

Accounts made for the tests (`maillage user create`) keep the demo's accounts usable.
Environment: MAILLAGE_BIN (default .build/debug/maillage), as servers.py.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import datetime as dt
import json
import re
import sys
import threading
import time
import uuid

import pytest
import requests
from requests.adapters import HTTPAdapter

from servers import Session, api_token, csrf_token, demo_server, maillage, make_workdir

COOP_NAME = "Coopérative d'habitants des Caillols"
ACCOUNT_PASSWORD = "Abus-parallele-2026"
WRONG_PASSWORD = "pas-le-bon-mot-de-passe"
ACCOUNT_LIMIT = 5  # failures per account in 15 minutes
ADDRESS_LIMIT = 50  # failures per address in 15 minutes
TIMEOUT = 120

# Accounts made for these tests, all cooperants of the Caillols cooperative (so that they
# can also vote on a decision open to the cooperants).
ACCOUNTS = {
    "storm": "abus.tempete@maillage.example",  # 40 wrong passwords from 40 addresses
    "storm-one": "abus.tempete.une@maillage.example",  # 40 wrong passwords from one address
    "shared-a": "abus.partage.a@maillage.example",  # 5 wrong passwords behind a shared connection
    "shared-b": "abus.partage.b@maillage.example",  # then the right one, same connection
    "voter-1": "abus.votant.1@maillage.example",
    "voter-2": "abus.votant.2@maillage.example",
}


# --------------------------------------------------------------------------- helpers


class SourceAddressAdapter(HTTPAdapter):
    """Connects from a chosen loopback address (the whole of 127/8 is local)."""

    def __init__(self, source: str, **kwargs) -> None:
        self.source = (source, 0)
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **kwargs):
        kwargs["source_address"] = self.source
        super().init_poolmanager(connections, maxsize, block, **kwargs)


def visitor(server, source: str | None = None) -> Session:
    session = Session(server, timeout=TIMEOUT)
    if source:
        session.mount("http://", SourceAddressAdapter(source))
    return session


def together(calls: list) -> list:
    """Runs the callables at the same instant (a barrier), each in its own thread; returns
    their results (or the exception raised) in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        try:
            return call()
        except Exception as err:  # noqa: BLE001 - reported by the caller
            return err

    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def status(result) -> int | str:
    return result.status_code if isinstance(result, requests.Response) else f"{type(result).__name__}: {result}"


def tally(results: list) -> dict:
    return dict(sorted(collections.Counter(status(r) for r in results).items(), key=lambda kv: str(kv[0])))


def sample(results: list, unexpected) -> str:
    """The text of the first answer whose status is not expected, to say what it was."""
    for r in results:
        if isinstance(r, requests.Response) and unexpected(r.status_code):
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.text))
            return f" — e.g. {r.status_code}: {text[:300]}"
    return ""


def server_errors(results: list, label: str) -> list[str]:
    """One line per kind of server error (or missing answer) among the results."""
    kinds: collections.Counter = collections.Counter()
    for r in results:
        if not isinstance(r, requests.Response):
            kinds[f"no answer ({status(r)})"] += 1
        elif r.status_code >= 500:
            title = re.search(r"<title>([^<]*)</title>", r.text)
            text = title.group(1) if title else re.sub(r"\s+", " ", r.text)[:200]
            kinds[f"{r.status_code} on {r.request.method} {r.request.path_url.split('?')[0]}: {text}"] += 1
    return [f"{label}: {n} × {kind}" for kind, n in kinds.items()]


def verdict(ctx: "Context", problems: list[str], title: str) -> None:
    """Fails with the problems, and the server log's errors when there was a 5xx."""
    if not problems:
        return
    message = f"[{ctx.backend}] {title}:\n" + "\n".join(problems)
    if any(" × 5" in p or "no answer" in p for p in problems):
        errors = [line for line in ctx.server.tail(400).splitlines() if "ERROR" in line or "error" in line.lower()]
        if errors:
            message += "\nserver log (errors):\n" + "\n".join(errors[-12:])
    pytest.fail(message, pytrace=False)


@dataclasses.dataclass
class API:
    """Bearer-token JSON calls to one server."""

    base: str
    token: str

    def __call__(self, method: str, path: str, body=None, key: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        return requests.request(method, f"{self.base}/api/v1{path}", headers=headers, data=data, timeout=TIMEOUT)

    def ok(self, method: str, path: str, body=None, expect: tuple = (200, 201), key: str | None = None) -> dict:
        response = self(method, path, body, key)
        assert response.status_code in expect, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else {}


def login_attempt(session: Session, token: str, email: str, password: str) -> requests.Response:
    return session.post("/login", data={"email": email, "password": password, "_csrf": token}, allow_redirects=False)


def login_page(session: Session) -> str:
    page = session.get("/login")
    assert page.status_code == 200, f"GET /login: {page.status_code} {page.text[:300]}"
    token = csrf_token(page.text)
    assert token, "no _csrf field on the login page"
    return token


def fresh_login(server, source: str, email: str, password: str) -> requests.Response:
    session = visitor(server, source)
    return login_attempt(session, login_page(session), email, password)


# --------------------------------------------------------------------------- servers


@dataclasses.dataclass
class Context:
    backend: str
    server: object
    coop: str
    territory: str
    tokens: dict[str, API]
    started: float


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def ctx(request):
    backend = request.param
    started = time.monotonic()
    with make_workdir(prefix=f"maillage-abuse-{backend}-") as workdir, demo_server(backend, workdir, name=f"abuse-{backend}") as server:
        tokens = {name: API(server.base, api_token(server.env, f"{name}@maillage.example"))
                  for name in ("coordination", "caisse", "cooperant", "societaire")}
        coops = tokens["coordination"].ok("GET", "/coops")["items"]
        coop = next(c for c in coops if c["name"] == COOP_NAME)
        for name, email in ACCOUNTS.items():
            maillage(server.env, "user", "create", "--email", email, "--name", f"Compte de test {name}", "--password", ACCOUNT_PASSWORD,
                     "--role", "cooperant", "--coop", coop["id"])
        for name in ("voter-1", "voter-2", "shared-a", "shared-b"):
            tokens[name] = API(server.base, api_token(server.env, ACCOUNTS[name]))
        print(f"abuse[{backend}]: server ready in {time.monotonic() - started:.1f}s", file=sys.stderr)
        yield Context(backend, server, coop["id"], coop["territoryID"], tokens, started)
        print(f"abuse[{backend}]: module done in {time.monotonic() - started:.1f}s", file=sys.stderr)


def net(ctx: Context, third: int, fourth: int = 1) -> str:
    """A loopback address of its own for each test and backend."""
    return f"127.{10 + (ctx.backend == 'postgres')}.{third}.{fourth}"


# --------------------------------------------------------------------------- login throttling


def storm(ctx: Context, email: str, sources: list[str]) -> list:
    """Wrong passwords for `email`, one per source address, all at once (each session opened
    and its login page read beforehand, so that only the POSTs race)."""
    sessions = [visitor(ctx.server, source) for source in sources]
    tokens = [login_page(s) for s in sessions]
    return together([lambda s=s, t=t: login_attempt(s, t, email, WRONG_PASSWORD) for s, t in zip(sessions, tokens)])


def test_login_throttle_holds_under_40_simultaneous_attempts(ctx):
    problems = []
    for label, email, sources in (
        ("40 addresses", ACCOUNTS["storm"], [net(ctx, 1, i + 1) for i in range(40)]),
        ("one address", ACCOUNTS["storm-one"], [net(ctx, 2)] * 40),
    ):
        results = storm(ctx, email, sources)
        counts = tally(results)
        print(f"abuse[{ctx.backend}]: 40 simultaneous wrong logins for one account from {label}: {counts}", file=sys.stderr)
        problems += server_errors(results, f"login storm ({label})")
        wrong = sum(1 for r in results if status(r) == 401)
        throttled = sum(1 for r in results if status(r) == 429)
        if wrong > ACCOUNT_LIMIT:
            problems.append(f"{label}: {wrong} of 40 simultaneous attempts were checked against the password (401), "
                            f"the limit is {ACCOUNT_LIMIT} per account: {counts}")
        if wrong + throttled != 40:
            problems.append(f"{label}: answers other than 401 or 429: {counts}{sample(results, lambda c: c not in (401, 429))}")
        for r in results:
            if status(r) == 429 and not (r.headers.get("Retry-After") or "").isdigit():
                problems.append(f"{label}: a 429 without a Retry-After in seconds: {r.headers.get('Retry-After')!r}")
                break
        # The failures were all recorded: the right password is refused now, from anywhere.
        after = fresh_login(ctx.server, net(ctx, 3, 1 + (label == "one address")), email, ACCOUNT_PASSWORD)
        if after.status_code != 429:
            problems.append(f"{label}: after the storm the right password answers {after.status_code} (expected 429, the account is locked)")
    verdict(ctx, problems, "login throttle")


def test_a_shared_connection_is_not_locked_by_one_account_but_the_address_limit_exists(ctx):
    problems = []
    shared = net(ctx, 4)
    session = visitor(ctx.server, shared)
    token = login_page(session)
    answers = [login_attempt(session, token, ACCOUNTS["shared-a"], WRONG_PASSWORD) for _ in range(ACCOUNT_LIMIT)]
    problems += server_errors(answers, "wrong logins on account A")
    if [a.status_code for a in answers] != [401] * ACCOUNT_LIMIT:
        problems.append(f"{ACCOUNT_LIMIT} wrong passwords for account A answered {[a.status_code for a in answers]} (expected 401 each)")
    right = fresh_login(ctx.server, shared, ACCOUNTS["shared-b"], ACCOUNT_PASSWORD)
    if right.status_code not in (302, 303):
        problems.append(f"after {ACCOUNT_LIMIT} failures on account A, account B's right password from the same address answers "
                        f"{right.status_code} (expected a redirect: a shared connection must not lock everyone out)")
    else:
        me = requests.get(f"{ctx.server.base}/api/v1/me", cookies={"maillage-session": right.cookies.get("maillage-session", "")}, timeout=30)
        if me.status_code != 200 or me.json().get("email") != ACCOUNTS["shared-b"]:
            problems.append(f"account B's session after login: /api/v1/me {me.status_code} {me.text[:200]}")

    # The per-address limit: 60 failures at once from one address, one per (unknown) account.
    crowded = net(ctx, 5)
    attempts = 60
    sessions = [visitor(ctx.server, crowded) for _ in range(attempts)]
    tokens = [login_page(s) for s in sessions]
    results = together([lambda s=s, t=t, i=i: login_attempt(s, t, f"inconnu.{i:02d}@abus.example", WRONG_PASSWORD)
                        for i, (s, t) in enumerate(zip(sessions, tokens))])
    counts = tally(results)
    print(f"abuse[{ctx.backend}]: {attempts} simultaneous failures on {attempts} accounts from one address: {counts}", file=sys.stderr)
    problems += server_errors(results, "address storm")
    wrong = sum(1 for r in results if status(r) == 401)
    throttled = sum(1 for r in results if status(r) == 429)
    if wrong + throttled != attempts:
        problems.append(f"address storm: answers other than 401 or 429: {counts}{sample(results, lambda c: c not in (401, 429))}")
    if wrong > ADDRESS_LIMIT:
        problems.append(f"address storm: {wrong} failures from one address were checked, more than the per-address limit {ADDRESS_LIMIT}: {counts}")
    if wrong == attempts:
        problems.append(f"address storm: {attempts} failures from one address and no 429: the per-address limit does not exist ({counts})")
    if wrong <= ACCOUNT_LIMIT:
        problems.append(f"address storm: only {wrong} failures before 429: the per-address limit still locks a shared connection at {ACCOUNT_LIMIT}")
    locked = fresh_login(ctx.server, crowded, ACCOUNTS["shared-b"], ACCOUNT_PASSWORD)
    if locked.status_code != 429:
        problems.append(f"after the address storm, a right password from that address answers {locked.status_code} (expected 429)")
    verdict(ctx, problems, "shared connection and address limit")


# --------------------------------------------------------------------------- invitations


def test_ten_people_accepting_one_invitation_at_once(ctx):
    problems = []
    coordination = Session(ctx.server, timeout=TIMEOUT)
    coordination.login("coordination@maillage.example")
    email = f"invitation.course.{uuid.uuid4().hex[:8]}@maillage.example"
    invited = coordination.post(f"/coops/{ctx.coop}/access", data={"_csrf": coordination.csrf, "email": email, "name": "Personne invitée",
                                                                   "role": "cooperant"}, allow_redirects=False)
    assert invited.status_code == 201, f"invitation: {invited.status_code} {invited.text[:500]}"
    link = re.search(r'id="invitation-link"[^>]*>([^<]+)<', invited.text)
    assert link, "no invitation link on the page"
    path = "/invitations/" + link.group(1).strip().rsplit("/invitations/", 1)[1]

    people, tokens, passwords = [], [], []
    for i in range(30):
        person = visitor(ctx.server)
        page = person.get(path)
        assert page.status_code == 200, f"GET {path}: {page.status_code} {page.text[:300]}"
        people.append(person)
        tokens.append(csrf_token(page.text))
        passwords.append(f"Invitation-{i:02d}-{uuid.uuid4().hex[:6]}")
    results = together([lambda p=p, t=t, pw=pw: p.post(path, data={"_csrf": t, "name": "Personne invitée", "password": pw, "confirmation": pw},
                                                       allow_redirects=False)
                        for p, t, pw in zip(people, tokens, passwords)])
    counts = tally(results)
    print(f"abuse[{ctx.backend}]: 30 simultaneous acceptances of one invitation: {counts}", file=sys.stderr)
    problems += server_errors(results, "invitation acceptance")
    def accepted(r) -> bool:
        return status(r) in (302, 303) and not (r.headers.get("Location") or "").startswith("/login")

    winners = [i for i, r in enumerate(results) if accepted(r)]
    to_login = [r for r in results if status(r) in (302, 303) and not accepted(r)]
    if to_login:
        problems.append(f"{len(to_login)} losing acceptances were sent to {to_login[0].headers.get('Location')} instead of "
                        f"a clear 404/409/410 saying that the invitation was used")
    if len(winners) != 1:
        sessions = []
        for i in winners:
            me = people[i].get("/api/v1/me")
            sessions.append(f"{results[i].headers.get('Location')} then /api/v1/me {me.status_code}"
                            + (f" {me.json().get('email')} (user {me.json().get('id')})" if me.status_code == 200 else ""))
        problems.append(f"{len(winners)} acceptances succeeded (expected exactly one): {counts}; their sessions: {sessions}")
    unclear = [r for r in results if isinstance(r, requests.Response) and r.status_code not in (302, 303, 404, 409, 410) and r.status_code < 500]
    if unclear:
        problems.append(f"{len(unclear)} losing acceptances got {sorted({r.status_code for r in unclear})} instead of a clear 404/409/410: "
                        + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unclear[0].text))[:300])

    again = visitor(ctx.server).get(path)
    if again.status_code not in (404, 410):
        problems.append(f"the invitation is still open after its acceptance: GET {path} answers {again.status_code}")
    access = coordination.get(f"/coops/{ctx.coop}/access")
    if access.text.count(email) != 1:
        problems.append(f"the cooperative's access page lists {email} {access.text.count(email)} times (expected once)")
    if len(winners) == 1:
        winner = winners[0]
        me = people[winner].get("/api/v1/me")
        if me.status_code != 200 or me.json().get("email") != email or not any(
                r["role"] == "cooperant" and r["scope"]["id"].lower() == ctx.coop.lower() for r in me.json().get("roles", [])):
            problems.append(f"the winner's session: /api/v1/me {me.status_code} {me.text[:300]}")
        source = net(ctx, 6)
        if fresh_login(ctx.server, source, email, passwords[winner]).status_code not in (302, 303):
            problems.append("the account does not open with the winner's password")
        loser = next(i for i in range(len(passwords)) if i != winner)
        if fresh_login(ctx.server, net(ctx, 6, 2), email, passwords[loser]).status_code != 401:
            problems.append("the account opens with a losing acceptance's password")
    verdict(ctx, problems, "concurrent invitation acceptance")


# --------------------------------------------------------------------------- the busiest rows


def test_concurrent_sales_refunds_and_closings(ctx):
    caisse, problems = ctx.tokens["caisse"], []
    products = caisse.ok("GET", f"/coops/{ctx.coop}/products")["items"]
    product = next((p for p in products if p["name"] == "Café"), products[0])
    before = caisse.ok("GET", f"/coops/{ctx.coop}/journal/verify")
    assert before["ok"], before

    def sale(n: int) -> dict:
        return {"lines": [{"productID": product["id"], "quantity": 1 + n % 3}], "payments": [{"method": "cash", "amountCents": 5000 + n}]}

    same_key, same_body = str(uuid.uuid4()), sale(99)
    calls = [lambda n=n: caisse("POST", f"/coops/{ctx.coop}/sales", sale(n), key=str(uuid.uuid4())) for n in range(30)]
    calls += [lambda: caisse("POST", f"/coops/{ctx.coop}/sales", same_body, key=same_key) for _ in range(10)]
    results = together(calls)
    print(f"abuse[{ctx.backend}]: 30 sales with their own keys and 10 with one key, at once: {tally(results[:30])} / {tally(results[30:])}", file=sys.stderr)
    problems += server_errors(results, "sales")
    distinct = [r for r in results[:30] if status(r) == 201]
    if len(distinct) != 30:
        problems.append(f"sales with their own keys: {tally(results[:30])} (expected 201 each: they do not conflict)")
    replays = [r for r in results[30:] if status(r) == 201]
    ids = {r.json()["id"] for r in replays}
    if len(ids) != 1 or any(status(r) not in (201, 409) for r in results[30:]):
        problems.append(f"one key sent 10 times at once: {tally(results[30:])}, {len(ids)} different sales")
    numbers = [r.json()["number"] for r in distinct + replays[:1]]
    if len(set(numbers)) != len(numbers):
        problems.append(f"two sales share a ticket number: {sorted(numbers)}")
    after = caisse.ok("GET", f"/coops/{ctx.coop}/journal/verify")
    if not after["ok"]:
        problems.append(f"the cash journal does not verify after the burst: {after}")
    if after["entries"] - before["entries"] != len(distinct) + len(ids):
        problems.append(f"the journal grew by {after['entries'] - before['entries']} tickets for {len(distinct) + len(ids)} sales")

    # One sale refunded by six clicks at once: one refund.
    target = caisse.ok("POST", f"/coops/{ctx.coop}/sales", sale(7), key=str(uuid.uuid4()))
    results = together([lambda: caisse("POST", f"/coops/{ctx.coop}/sales/{target['id']}/refund", key=str(uuid.uuid4())) for _ in range(6)])
    print(f"abuse[{ctx.backend}]: six refunds of one sale at once: {tally(results)}", file=sys.stderr)
    problems += server_errors(results, "refunds")
    if sorted(status(r) for r in results) != [201] + [409] * 5:
        problems.append(f"six refunds of one sale at once: {tally(results)} (expected one 201 and five 409)")

    # A past day closed by six clicks at once: one closing.
    closed = {c["from"] for c in caisse.ok("GET", f"/coops/{ctx.coop}/closings")["items"] if c["period"] == "day"}
    today = dt.date.today()
    day = next((today - dt.timedelta(days=d) for d in range(2, 40) if (today - dt.timedelta(days=d)).isoformat() not in closed), None)
    if day is not None:
        results = together([lambda: caisse("POST", f"/coops/{ctx.coop}/closings", {"period": "day", "date": day.isoformat()}, key=str(uuid.uuid4()))
                            for _ in range(6)])
        print(f"abuse[{ctx.backend}]: six closings of {day} at once: {tally(results)}", file=sys.stderr)
        problems += server_errors(results, "closings")
        if sorted(status(r) for r in results) != [201] + [409] * 5:
            problems.append(f"six closings of {day} at once: {tally(results)} (expected one 201 and five 409)")
        count = sum(1 for c in caisse.ok("GET", f"/coops/{ctx.coop}/closings")["items"] if c["period"] == "day" and c["from"] == day.isoformat())
        if count != 1:
            problems.append(f"{count} closings of {day} are recorded")
    final = caisse.ok("GET", f"/coops/{ctx.coop}/journal/verify")
    if not final["ok"]:
        problems.append(f"the cash journal does not verify at the end: {final}")
    verdict(ctx, problems, "sales, refunds and closings")


def residents(ctx: Context) -> list[dict]:
    members = ctx.tokens["coordination"].ok("GET", f"/coops/{ctx.coop}/members")["items"]
    found = [m for m in members if m["status"] == "member" and m["kind"] == "person"]
    assert len(found) >= 8, f"only {len(found)} admitted people in the demo register"
    return found


def register(ctx: Context) -> list[dict]:
    return ctx.tokens["coordination"].ok("GET", f"/coops/{ctx.coop}/capital")["register"]


def gap_free(entries: list[dict]) -> str | None:
    numbers = sorted(e["number"] for e in entries)
    if numbers != list(range(1, len(numbers) + 1)):
        doubled = [n for n, k in collections.Counter(numbers).items() if k > 1]
        missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
        return f"the register is not numbered 1..n: missing {missing[:10]}, doubled {doubled[:10]}"
    return None


def test_concurrent_capital_operations_and_a_subscription_paid_twice(ctx):
    coordination, problems = ctx.tokens["coordination"], []
    people = residents(ctx)
    share_class = coordination.ok("GET", f"/coops/{ctx.coop}/share-classes")["items"][0]["id"]
    before = register(ctx)
    same_key = str(uuid.uuid4())
    same_body = {"kind": "subscription", "memberID": people[0]["id"], "shareClassID": share_class, "quantity": 1}
    calls = [lambda m=m: coordination("POST", f"/coops/{ctx.coop}/capital/operations",
                                      {"kind": "subscription", "memberID": m["id"], "shareClassID": share_class, "quantity": 1}, key=str(uuid.uuid4()))
             for m in people[1:9]]
    calls += [lambda: coordination("POST", f"/coops/{ctx.coop}/capital/operations", same_body, key=same_key) for _ in range(6)]
    results = together(calls)
    print(f"abuse[{ctx.backend}]: 8 subscriptions and one key sent 6 times, at once: {tally(results[:8])} / {tally(results[8:])}", file=sys.stderr)
    problems += server_errors(results, "capital operations")
    distinct = [r for r in results[:8] if status(r) == 201]
    if len(distinct) != 8:
        problems.append(f"8 subscriptions by 8 people: {tally(results[:8])} (expected 201 each)")
    same = {r.json()["id"] for r in results[8:] if status(r) == 201}
    if len(same) != 1 or any(status(r) not in (201, 409) for r in results[8:]):
        problems.append(f"one key sent 6 times: {tally(results[8:])}, {len(same)} different operations")
    after = register(ctx)
    if len(after) - len(before) != len(distinct) + len(same):
        problems.append(f"the register grew by {len(after) - len(before)} operations for {len(distinct) + len(same)} acknowledged")
    if (gap := gap_free(after)):
        problems.append(gap)

    # A subscription request paid by eight clicks at once: one payment, one register line.
    request = coordination.ok("POST", f"/coops/{ctx.coop}/subscription-requests",
                              {"memberID": people[9 % len(people)]["id"], "shareClassID": share_class, "quantity": 1,
                               "consents": {"statutes": True, "privacy": True}})
    for step in ("validated", "called"):
        coordination.ok("POST", f"/coops/{ctx.coop}/subscription-requests/{request['id']}/transitions", {"to": step})
    results = together([lambda: coordination("POST", f"/coops/{ctx.coop}/subscription-requests/{request['id']}/transitions", {"to": "paid"})
                        for _ in range(8)])
    print(f"abuse[{ctx.backend}]: a subscription request paid by 8 clicks at once: {tally(results)}", file=sys.stderr)
    problems += server_errors(results, "subscription paid")
    if sorted(status(r) for r in results) != [200] + [409] * 7:
        problems.append(f"8 'paid' at once: {tally(results)} (expected one 200 and seven 409)")
    final = register(ctx)
    if len(final) - len(after) != 1:
        problems.append(f"paying one request at once 8 times wrote {len(final) - len(after)} register lines (expected 1)")
    if (gap := gap_free(final)):
        problems.append(gap)
    verdict(ctx, problems, "capital")


def test_concurrent_votes_and_edits_on_one_decision_and_one_assembly(ctx):
    coordination, problems = ctx.tokens["coordination"], []
    closes = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    decision = coordination.ok("POST", f"/coops/{ctx.coop}/decisions",
                               {"kind": "proposal", "title": "Vote en rafale", "closesAt": closes, "electorate": "cooperants"})
    voters = ["cooperant", "voter-1", "voter-2", "shared-a", "shared-b"]
    stances = ["agree", "disagree", "abstain", "block"]
    calls = [lambda v=v, i=i: ctx.tokens[v]("POST", f"/coops/{ctx.coop}/decisions/{decision['id']}/votes", {"stance": stances[i % 4]})
             for i, v in enumerate(voters)]
    # One person voting six times at once (a ballot is replaced, never added).
    calls += [lambda i=i: ctx.tokens["voter-1"]("POST", f"/coops/{ctx.coop}/decisions/{decision['id']}/votes", {"stance": stances[i % 4]})
              for i in range(6)]
    results = together(calls)
    print(f"abuse[{ctx.backend}]: votes on one decision at once: {tally(results)}", file=sys.stderr)
    problems += server_errors(results, "decision votes")
    if any(status(r) not in (200, 201, 409) for r in results):
        problems.append(f"decision votes: {tally(results)}")
    if any(status(r) not in (200, 201) for r in results[:len(voters)]):
        problems.append(f"each of {len(voters)} voters voting once: {tally(results[:len(voters)])} (expected each recorded)")
    state = coordination.ok("GET", f"/coops/{ctx.coop}/decisions/{decision['id']}")
    counted = sum(state.get("stances", {}).values())
    if state["voters"] != len(voters) or counted != len(voters):
        problems.append(f"the decision counts {state['voters']} voters and {counted} ballots for {len(voters)} people who voted")
    results = together([lambda: coordination("POST", f"/coops/{ctx.coop}/decisions/{decision['id']}/close", {"outcome": "Adopté en rafale."})
                        for _ in range(5)])
    problems += server_errors(results, "decision close")
    if sorted(status(r) for r in results) != [200] + [409] * 4:
        problems.append(f"five closings of one decision at once: {tally(results)} (expected one 200 and four 409)")

    # An assembly: attendance, votes, the bureau, the closing of a resolution, all at once.
    people = residents(ctx)[:8]
    assembly = coordination.ok("POST", f"/coops/{ctx.coop}/assemblies",
                               {"kind": "ordinary", "date": dt.date.today().isoformat(), "place": "Salle commune (test en rafale)"})
    base = f"/coops/{ctx.coop}/assemblies/{assembly['id']}"
    calls = [lambda m=m: coordination("POST", f"{base}/attendance", {"memberID": m["id"], "mode": "present"}) for m in people]
    calls += [lambda: coordination("POST", f"{base}/attendance", {"memberID": people[0]["id"], "mode": "present"}) for _ in range(4)]
    results = together(calls)
    print(f"abuse[{ctx.backend}]: attendance at once: {tally(results)}", file=sys.stderr)
    problems += server_errors(results, "attendance")
    if any(status(r) not in (200, 201) for r in results):
        problems.append(f"attendance of 8 people (one 5 times) at once: {tally(results)} (expected each recorded)")
    state = coordination.ok("GET", base)
    present = state.get("attendance") or state.get("attendees") or []
    if isinstance(present, list) and len({a.get("memberID") for a in present}) != len(present):
        problems.append(f"someone is twice on the attendance sheet: {[a.get('memberID') for a in present]}")
    if isinstance(present, list) and len(present) != len(people):
        problems.append(f"{len(present)} people on the attendance sheet for {len(people)} signed in")
    resolution = coordination.ok("POST", f"{base}/resolutions", {"title": "Résolution en rafale", "text": "Tout le monde vote en même temps."})["resolutionID"]
    choices = ["for", "against", "abstain"]
    calls = [lambda m=m, i=i: coordination("POST", f"{base}/resolutions/{resolution}/votes", {"memberID": m["id"], "choice": choices[i % 3]})
             for i, m in enumerate(people)]
    calls += [lambda i=i: coordination("POST", f"{base}/resolutions/{resolution}/votes", {"memberID": people[0]["id"], "choice": choices[i % 3]})
              for i in range(5)]
    calls += [lambda i=i: coordination("PUT", f"{base}/bureau", {"chair": f"Présidence {i}", "secretary": "Secrétariat", "tellers": []}) for i in range(4)]
    results = together(calls)
    print(f"abuse[{ctx.backend}]: resolution votes and bureau at once: {tally(results)}", file=sys.stderr)
    problems += server_errors(results, "resolution votes and bureau")
    if any(status(r) not in (200, 201) for r in results):
        problems.append(f"resolution votes and bureau edits at once: {tally(results)} (expected each recorded)")
    result = coordination.ok("GET", f"{base}/resolutions/{resolution}/result")
    counted = sum(result.get(c, 0) for c in choices)
    if counted != len(people):
        problems.append(f"the resolution counts {counted} votes for {len(people)} members who voted: {result}")
    results = together([lambda: coordination("POST", f"{base}/resolutions/{resolution}/close") for _ in range(4)]
                       + [lambda: coordination("POST", f"{base}/resolutions/{resolution}/votes", {"memberID": people[1]["id"], "choice": "against"})
                          for _ in range(4)])
    problems += server_errors(results, "resolution close")
    if any(status(r) not in (200, 201, 409) for r in results):
        problems.append(f"closing a resolution while votes arrive: {tally(results)}")
    final = coordination.ok("GET", f"{base}/resolutions/{resolution}/result")
    if sum(final.get(c, 0) for c in choices) != len(people):
        problems.append(f"after the closing the resolution counts {sum(final.get(c, 0) for c in choices)} votes for {len(people)} members")
    late = coordination("POST", f"{base}/resolutions/{resolution}/votes", {"memberID": people[2]["id"], "choice": "against"})
    if late.status_code != 409:
        problems.append(f"a vote after the closing answers {late.status_code} (expected 409)")
    verdict(ctx, problems, "decision and assembly")


def test_one_slot_of_a_pooled_resource_booked_at_once(ctx):
    coordination, caisse, problems = ctx.tokens["coordination"], ctx.tokens["caisse"], []
    resources = coordination.ok("GET", f"/territories/{ctx.territory}/resources")["items"]
    resource = next((r for r in resources if r["territoryWide"] and r["maxDurationMinutes"] >= 90), None) \
        or next((r for r in resources if r["maxDurationMinutes"] >= 90), None)
    assert resource, f"no resource of the territory can be booked for 90 minutes: {resources}"
    slot_day = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    first = {"start": f"{slot_day}T10:00", "end": f"{slot_day}T11:00", "purpose": "Atelier en rafale"}
    overlapping = {"start": f"{slot_day}T10:30", "end": f"{slot_day}T11:30", "purpose": "Atelier qui chevauche"}
    calls = [lambda who=who: who("POST", f"/resources/{resource['id']}/bookings", first) for who in [coordination, caisse] * 5]
    calls += [lambda who=who: who("POST", f"/resources/{resource['id']}/bookings", overlapping) for who in [coordination, caisse] * 3]
    results = together(calls)
    counts = tally(results)
    print(f"abuse[{ctx.backend}]: 16 overlapping bookings of one slot at once: {counts}", file=sys.stderr)
    problems += server_errors(results, "bookings")
    if sorted(status(r) for r in results) != [201] + [409] * (len(calls) - 1):
        problems.append(f"16 overlapping bookings at once: {counts} (expected one 201, the others 409)")
    bookings = coordination.ok("GET", f"/resources/{resource['id']}/bookings")["items"]
    in_slot = [b for b in bookings if b["start"] < f"{slot_day}T11:30" and b["end"] > f"{slot_day}T10:00"]
    if len(in_slot) != 1:
        problems.append(f"{len(in_slot)} bookings hold the slot of {slot_day} 10:00–11:30: {[(b['start'], b['end']) for b in in_slot]}")
    verdict(ctx, problems, "bookings")
