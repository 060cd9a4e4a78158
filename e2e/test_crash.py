"""Crash test: nothing acknowledged is lost, nothing retried is doubled.

Starts its own servers from the built binary (never the shared demo server of
MAILLAGE_BASE_URL, since it kills them), on a fresh database seeded with the demo:

- SQLite: one `maillage serve` on a temp file;
- PostgreSQL: a throwaway PostgreSQL 15 cluster in a temp dir and two `serve` instances on
  the same DATABASE_URL, with no balancer: clients alternate between them.

Several client threads send sales (cashier's API token), capital operations (the
coordination's cookie session, opened on one instance and used on both) with an
`Idempotency-Key`, assembly votes (recorded by the coordination) and everyday-decision votes
(two associates' tokens). Mid-load the server (one instance, the other, then both) is killed
with SIGKILL three times and restarted; every request that got no answer (connection error,
timeout, 5xx) is sent again, same key and same bytes, until it is acknowledged.

Then, through the API: every acknowledged sale and operation is present exactly once, the
records created match the keys sent (a retried request was not written twice), each vote
counts once, the cash journal's hash chain verifies, the capital register is numbered 1..n
without gaps, and sending any request again with its key replays the first answer. The
counts are printed on stderr:

    crash[sqlite]: sent=… acknowledged=… found=… duplicates=… lost=… kills=… …

Environment: MAILLAGE_BIN (default .build/debug/maillage). Runs as root (PostgreSQL then
runs as the `postgres` user through runuser) or as a normal user.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import datetime
import json
import re
import sys
import threading
import time
import uuid

import requests

from servers import PASSWORD, START_TIMEOUT, Instance, maillage
from servers import postgres_env, sqlite_env, workdir  # noqa: F401 (fixtures, found by name)

COOP_NAME = "Coopérative d'habitants des Caillols"

CLIENTS = 5
SALES = 100
CAPITAL_OPERATIONS = 40
RESOLUTIONS = 4
VOTING_MEMBERS = 12
DECISIONS = 6
KILL_AT = (0.2, 0.45, 0.7)  # fraction of the requests acknowledged when each kill happens
REQUEST_TIMEOUT = (5, 30)
ABANDON_EVERY = 8  # one request in 8 is first sent by a client that does not wait for the answer
RETRY_DEADLINE = 150  # seconds for the whole load, retries included; what is left then is reported lost


# --------------------------------------------------------------------------- requests


@dataclasses.dataclass
class Op:
    family: str  # sale, capital, vote, decision-vote
    path: str
    body: bytes
    credential: str  # name in Cluster.credentials
    key: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    # The client gives up waiting for the first answer (as a phone losing the network would):
    # the server writes it all the same, and the retry must answer that first write.
    abandon_first: bool = False
    expect: dict = dataclasses.field(default_factory=dict)
    attempts: int = 0
    acked: bool = False
    response: dict | None = None
    replayed: bool = False
    rejected: str | None = None
    failures: list[str] = dataclasses.field(default_factory=list)


class Cluster:
    """The instances, the credentials, and the bookkeeping of what happened."""

    def __init__(self, instances: list[Instance]) -> None:
        self.instances = instances
        self.credentials: dict[str, dict[str, str]] = {}
        self.lock = threading.Lock()
        self.acked = 0
        self.inflight = 0
        self.server_errors: list[str] = []
        self.inflight_at_kills: list[int] = []
        self.kills = 0
        # Set when the run must end at once (an instance that does not come back, the deadline).
        self.abort = threading.Event()

    def any_up(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.abort.is_set():
            if any(i.up.is_set() for i in self.instances):
                return True
            time.sleep(0.02)
        return False

    def pick(self, index: int) -> Instance | None:
        """Clients alternate between the instances; one that is down is passed over."""
        n = len(self.instances)
        for step in range(n):
            instance = self.instances[(index + step) % n]
            if instance.up.is_set():
                return instance
        return None

    def send(self, session: requests.Session, op: Op, index: int) -> bool:
        """One attempt; True when acknowledged (or refused for good with a 4xx)."""
        if not self.any_up(START_TIMEOUT + 10):
            op.failures.append("no instance up")
            return False
        instance = self.pick(index)
        if instance is None:
            op.failures.append("no instance up")
            return False
        headers = {"Content-Type": "application/json", "Idempotency-Key": op.key, **self.credentials[op.credential]}
        op.attempts += 1
        with self.lock:
            self.inflight += 1
        timeout = (REQUEST_TIMEOUT[0], 0.001) if op.abandon_first and op.attempts == 1 else REQUEST_TIMEOUT
        try:
            response = session.post(f"{instance.base}{op.path}", data=op.body, headers=headers, timeout=timeout)
        except requests.RequestException as err:
            op.failures.append(f"{instance.name}: {type(err).__name__}")
            return False
        finally:
            with self.lock:
                self.inflight -= 1
        if response.status_code >= 500:
            message = (f"{op.family} {op.path} key={op.key} on {instance.name} (attempt {op.attempts}): "
                       f"{response.status_code} {response.text[:500]}")
            op.failures.append(message)
            with self.lock:
                self.server_errors.append(message)
            return False
        if response.status_code >= 400:
            op.rejected = f"{response.status_code} on {instance.name} (attempt {op.attempts}): {response.text[:500]}"
            return True
        op.acked = True
        op.replayed = response.headers.get("Idempotency-Replayed") == "true"
        op.response = response.json()
        with self.lock:
            self.acked += 1
        return True


def client(cluster: Cluster, worker: int, ops: list[Op], stop_at: float) -> None:
    """Sends its requests in order; whatever got no answer is sent again, same key and same
    bytes, before the next new one (so right after the restart) and at the end until done."""
    session = requests.Session()
    pending: collections.deque[Op] = collections.deque()
    counter = worker

    def attempt(op: Op) -> None:
        nonlocal counter
        counter += 1
        if not cluster.send(session, op, counter):
            pending.append(op)

    for op in ops:
        if cluster.abort.is_set() or time.monotonic() > stop_at:
            return
        for _ in range(len(pending)):
            if not cluster.any_up(0.01):
                break
            attempt(pending.popleft())
        attempt(op)
    while pending and time.monotonic() < stop_at and not cluster.abort.is_set():
        attempt(pending.popleft())
        if pending:
            time.sleep(0.05)


# --------------------------------------------------------------------------- the scenario


def api(instance: Instance, method: str, path: str, headers: dict, **kwargs) -> requests.Response:
    return requests.request(method, f"{instance.base}/api/v1{path}", headers=headers, timeout=30, **kwargs)


def ok(response: requests.Response, *statuses: int) -> dict:
    assert response.status_code in (statuses or (200,)), f"{response.request.method} {response.url}: {response.status_code} {response.text[:800]}"
    return response.json()


def cookie_session(first: Instance, second: Instance) -> dict[str, str]:
    """The coordination logs in with the login form of `second` using the session (and its
    CSRF token) that `first` opened, then reads its new CSRF token from `first`: with two
    instances, that only works when the sessions live in the shared database."""
    visitor = requests.Session()
    page = visitor.get(f"{first.base}/login", timeout=30)
    assert page.status_code == 200, page.text[:500]
    csrf = re.search(r'name="_csrf"[^>]*value="([^"]+)"', page.text)
    assert csrf, "no CSRF field on the login page"
    login = visitor.post(f"{second.base}/login", data={"_csrf": csrf.group(1), "email": "coordination@maillage.example", "password": PASSWORD},
                         allow_redirects=False, timeout=30)
    assert login.status_code in (302, 303), f"login through {second.name} with {first.name}'s session: {login.status_code} {login.text[:500]}"
    cookie = visitor.cookies.get("maillage-session")
    assert cookie, "no session cookie after login"
    home = visitor.get(f"{first.base}/", timeout=30)
    csrf = re.search(r'name="_csrf"[^>]*value="([^"]+)"', home.text)
    assert home.status_code == 200 and csrf, f"signed-in home page on {first.name}: {home.status_code}"
    me = requests.get(f"{second.base}/api/v1/me", headers={"Cookie": f"maillage-session={cookie}"}, timeout=30)
    assert ok(me)["email"] == "coordination@maillage.example"
    return {"Cookie": f"maillage-session={cookie}", "X-CSRF-Token": csrf.group(1)}


def body(value: dict) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def create_tokens(env: dict) -> dict[str, dict[str, str]]:
    """API tokens from `maillage token create`, before any server runs."""
    tokens = {}
    for name in ("coordination", "caisse", "cooperant", "societaire"):
        lines = [line for line in maillage(env, "token", "create", "--email", f"{name}@maillage.example").splitlines() if line.strip()]
        assert len(lines) == 1, f"token create must print the token alone: {lines}"
        tokens[name] = {"Authorization": f"Bearer {lines[0]}"}
    return tokens


def prepare(cluster: Cluster, tokens: dict[str, dict[str, str]]) -> dict:
    """The cooperative, and what the requests need: a product, residents, an assembly with
    its attendance and resolutions, open everyday decisions, the coordination's session."""
    a = cluster.instances[0]
    b = cluster.instances[-1]
    coordination = tokens["coordination"]
    coops = ok(api(a, "GET", "/coops", coordination))["items"]
    coop = next(c["id"] for c in coops if c["name"] == COOP_NAME)
    products = ok(api(b, "GET", f"/coops/{coop}/products", tokens["caisse"]))["items"]
    coffee = next(p["id"] for p in products if p["name"] == "Café")
    members = ok(api(a, "GET", f"/coops/{coop}/members", coordination))["items"]
    residents = [m for m in members if m["status"] == "member" and m["kind"] == "person" and m["category"].startswith("Habitant")]
    assert len(residents) >= VOTING_MEMBERS, f"only {len(residents)} residents in the demo register"
    share_class = ok(api(b, "GET", f"/coops/{coop}/share-classes", coordination))["items"][0]["id"]

    today = datetime.date.today().isoformat()
    assembly = ok(api(a, "POST", f"/coops/{coop}/assemblies", coordination,
                      json={"kind": "ordinary", "date": today, "place": "Centre social (test de panne)"}), 201)["id"]
    voters = residents[:VOTING_MEMBERS]
    for member in voters:
        ok(api(b, "POST", f"/coops/{coop}/assemblies/{assembly}/attendance", coordination, json={"memberID": member["id"], "mode": "present"}), 201)
    resolutions = [
        ok(api(a, "POST", f"/coops/{coop}/assemblies/{assembly}/resolutions", coordination,
               json={"title": f"Résolution de panne n° {n + 1}", "text": "Le serveur s'arrête et repart ; le vote reste."}), 201)["resolutionID"]
        for n in range(RESOLUTIONS)
    ]
    closes = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    decisions = [
        ok(api(b, "POST", f"/coops/{coop}/decisions", coordination,
               json={"kind": "proposal", "title": f"Proposition de panne n° {n + 1}", "closesAt": closes}), 201)["id"]
        for n in range(DECISIONS)
    ]
    cluster.credentials.update(tokens)
    cluster.credentials["session"] = cookie_session(a, b)
    return {"coop": coop, "coffee": coffee, "residents": residents, "share_class": share_class, "assembly": assembly,
            "voters": voters, "resolutions": resolutions, "decisions": decisions, "tokens": tokens}


def plan(ctx: dict) -> list[Op]:
    coop = ctx["coop"]
    sales = [Op("sale", f"/api/v1/coops/{coop}/sales", body({
        "lines": [{"productID": ctx["coffee"], "quantity": 1 + n % 3}],
        "payments": [{"method": "cash", "amountCents": 5000 + n}],
    }), "caisse") for n in range(SALES)]
    capital = [Op("capital", f"/api/v1/coops/{coop}/capital/operations", body({
        "kind": "subscription", "memberID": ctx["residents"][n % len(ctx["residents"])]["id"],
        "shareClassID": ctx["share_class"], "quantity": 1 + n % 2,
    }), "session") for n in range(CAPITAL_OPERATIONS)]
    choices = ("for", "against", "abstain")
    votes = [Op("vote", f"/api/v1/coops/{coop}/assemblies/{ctx['assembly']}/resolutions/{resolution}/votes",
                body({"memberID": member["id"], "choice": choices[(r + m) % 3]}), "coordination",
                expect={"resolution": resolution, "choice": choices[(r + m) % 3]})
             for r, resolution in enumerate(ctx["resolutions"]) for m, member in enumerate(ctx["voters"])]
    stances = ("agree", "disagree", "abstain", "block")
    decision_votes = [Op("decision-vote", f"/api/v1/coops/{coop}/decisions/{decision}/votes",
                         body({"stance": stances[(d + v) % 4]}), voter, expect={"decision": decision, "stance": stances[(d + v) % 4]})
                      for d, decision in enumerate(ctx["decisions"]) for v, voter in enumerate(("cooperant", "societaire"))]
    # Interleave the families so that every phase of the load carries each of them.
    families = [sales, capital, votes, decision_votes]
    for family in families:
        for n, op in enumerate(family):
            op.abandon_first = n % ABANDON_EVERY == ABANDON_EVERY // 2
    ops: list[Op] = []
    total = sum(len(f) for f in families)
    cursors = [0] * len(families)
    while len(ops) < total:
        for i, family in enumerate(families):
            # Each family at its own pace, spread over the whole run.
            while cursors[i] < len(family) and cursors[i] / len(family) <= len(ops) / total + 1e-9:
                ops.append(family[cursors[i]])
                cursors[i] += 1
    return ops


def snapshot(instance: Instance, ctx: dict) -> dict:
    coop, coordination = ctx["coop"], ctx["tokens"]["coordination"]
    journal = ok(api(instance, "GET", f"/coops/{coop}/journal/verify", ctx["tokens"]["caisse"]))
    register = ok(api(instance, "GET", f"/coops/{coop}/capital", coordination))["register"]
    return {"journal": journal, "register": register}


def crash_run(label: str, cluster: Cluster, env: dict) -> None:
    started = time.monotonic()
    maillage(env, "migrate", "--yes")
    maillage(env, "seed", "--demo")
    tokens = create_tokens(env)
    for instance in cluster.instances:
        instance.start()
    ctx = prepare(cluster, tokens)
    before = snapshot(cluster.instances[0], ctx)
    assert before["journal"]["ok"], before["journal"]
    ops = plan(ctx)

    # The load, with its kills: one instance, the other, then all of them at once.
    n = len(cluster.instances)
    victims = [[cluster.instances[k % n]] for k in range(len(KILL_AT) - 1)] + [cluster.instances]
    stop_at = time.monotonic() + RETRY_DEADLINE
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(client, cluster, w, ops[w::CLIENTS], stop_at) for w in range(CLIENTS)]
        try:
            for fraction, targets in zip(KILL_AT, victims):
                while cluster.acked < fraction * len(ops) and not all(f.done() for f in futures):
                    time.sleep(0.01)
                if all(f.done() for f in futures):
                    break
                with cluster.lock:
                    cluster.inflight_at_kills.append(cluster.inflight)
                for target in targets:
                    target.kill()
                cluster.kills += 1
                time.sleep(0.3)  # clients find the door shut for a moment
                for target in targets:
                    target.start()
        except BaseException:
            cluster.abort.set()  # the clients stop instead of waiting for a server that is gone
            raise
        for future in futures:
            future.result()
    load_seconds = time.monotonic() - started

    # What the server holds now, read from every instance in turn.
    after = snapshot(cluster.instances[-1], ctx)
    coop = ctx["coop"]
    caisse, coordination = ctx["tokens"]["caisse"], ctx["tokens"]["coordination"]
    problems: list[str] = []
    counts = collections.Counter()
    by_family = collections.defaultdict(collections.Counter)

    def tally(family: str, **values: int) -> None:
        for key, value in values.items():
            counts[key] += value
            by_family[family][key] += value

    for family in ("sale", "capital", "vote", "decision-vote"):
        family_ops = [op for op in ops if op.family == family]
        tally(family, sent=len(family_ops), acknowledged=sum(op.acked for op in family_ops), abandoned=sum(op.abandon_first for op in family_ops),
              retried=sum(op.attempts > 1 for op in family_ops), replayed=sum(op.replayed for op in family_ops))
    for op in ops:
        if op.rejected:
            problems.append(f"{op.family} {op.path} key={op.key} refused: {op.rejected}")
        elif not op.acked:
            problems.append(f"{op.family} {op.path} key={op.key} never acknowledged after {op.attempts} attempts: {op.failures[-3:]}")

    # Sales: each acknowledged one is in the journal once; the journal grew by exactly that.
    sales = [op for op in ops if op.family == "sale" and op.acked]
    ids = collections.Counter(op.response["id"] for op in sales)
    found = 0
    for i, (sale_id, times) in enumerate(ids.items()):
        got = api(cluster.instances[i % n], "GET", f"/coops/{coop}/sales/{sale_id}", caisse)
        if got.status_code == 200:
            found += 1
        else:
            problems.append(f"acknowledged sale {sale_id} not found: {got.status_code}")
        if times > 1:
            problems.append(f"sale {sale_id} acknowledged for {times} different keys")
    created = after["journal"]["entries"] - before["journal"]["entries"]
    tally("sale", found=found, duplicates=max(0, created - found), lost=len(sales) - found)
    if created != len(sales):
        problems.append(f"sales: the journal grew by {created} tickets for {len(sales)} acknowledged keys")
    if not after["journal"]["ok"]:
        problems.append(f"the cash journal does not verify: {after['journal']}")

    # Capital: each acknowledged operation is in the register once; numbers 1..n, no gap.
    register = after["register"]
    numbers = sorted(entry["number"] for entry in register)
    if numbers != list(range(1, len(register) + 1)):
        missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
        problems.append(f"capital register not gap-free: {len(register)} entries, missing {missing[:20]}, "
                        f"doubled {[k for k, v in collections.Counter(numbers).items() if v > 1][:20]}")
    in_register = collections.Counter(entry["id"] for entry in register)
    capital = [op for op in ops if op.family == "capital" and op.acked]
    found = 0
    for op in capital:
        op_id = op.response["id"]
        if in_register[op_id] == 1:
            entry = next(e for e in register if e["id"] == op_id)
            if entry["number"] != op.response["number"]:
                problems.append(f"operation {op_id} acknowledged as n° {op.response['number']}, registered as n° {entry['number']}")
            found += 1
        else:
            problems.append(f"acknowledged capital operation {op_id} (n° {op.response['number']}) is in the register {in_register[op_id]} times")
    created = len(register) - len(before["register"])
    tally("capital", found=found, duplicates=max(0, created - found), lost=len(capital) - found)
    if created != len(capital):
        problems.append(f"capital: the register grew by {created} operations for {len(capital)} acknowledged keys")

    # Assembly votes: each resolution counts each member's vote once, with its choice.
    votes = [op for op in ops if op.family == "vote" and op.acked]
    for resolution in ctx["resolutions"]:
        result = ok(api(cluster.instances[0], "GET", f"/coops/{coop}/assemblies/{ctx['assembly']}/resolutions/{resolution}/result", coordination))
        want = collections.Counter(op.expect["choice"] for op in votes if op.expect["resolution"] == resolution)
        got = {choice: result[choice] for choice in ("for", "against", "abstain")}
        tally("vote", found=sum(min(got[c], want[c]) for c in got),
              duplicates=sum(max(0, got[c] - want[c]) for c in got), lost=sum(max(0, want[c] - got[c]) for c in got))
        if got != {c: want[c] for c in got}:
            problems.append(f"resolution {resolution}: counted {got}, acknowledged {dict(want)}")

    # Everyday decisions: two voters each, with their stance.
    decision_votes = [op for op in ops if op.family == "decision-vote" and op.acked]
    for decision in ctx["decisions"]:
        result = ok(api(cluster.instances[-1], "GET", f"/coops/{coop}/decisions/{decision}", coordination))
        want = collections.Counter(op.expect["stance"] for op in decision_votes if op.expect["decision"] == decision)
        got = {stance: result["stances"][stance] for stance in ("agree", "disagree", "abstain", "block")}
        tally("decision-vote", found=sum(min(got[s], want[s]) for s in got),
              duplicates=sum(max(0, got[s] - want[s]) for s in got), lost=sum(max(0, want[s] - got[s]) for s in got))
        if got != {s: want[s] for s in got} or result["voters"] != sum(want.values()):
            problems.append(f"decision {decision}: counted {got} from {result['voters']} voters, acknowledged {dict(want)}")

    # Every key sent again answers the first answer, on every instance.
    replays = 0
    for i, op in enumerate(o for o in ops if o.family in ("sale", "capital") and o.acked):
        instance = cluster.instances[i % n]
        again = requests.post(f"{instance.base}{op.path}", data=op.body, timeout=REQUEST_TIMEOUT,
                              headers={"Content-Type": "application/json", "Idempotency-Key": op.key, **cluster.credentials[op.credential]})
        if again.status_code != 201 or again.headers.get("Idempotency-Replayed") != "true" or again.json().get("id") != op.response["id"]:
            problems.append(f"{op.family} key={op.key} sent again on {instance.name}: {again.status_code} "
                            f"replayed={again.headers.get('Idempotency-Replayed')} {again.text[:200]} (first answer id {op.response['id']})")
        else:
            replays += 1
    final = snapshot(cluster.instances[0], ctx)
    if final["journal"]["entries"] != after["journal"]["entries"] or len(final["register"]) != len(after["register"]):
        problems.append("sending the keys again wrote new records")
    problems.extend(f"server error: {e}" for e in cluster.server_errors)

    detail = " ".join(f"{family}[{' '.join(f'{k}={v}' for k, v in c.items())}]" for family, c in by_family.items())
    line = (f"crash[{label}]: sent={counts['sent']} acknowledged={counts['acknowledged']} found={counts['found']} "
            f"duplicates={counts['duplicates']} lost={counts['lost']} kills={cluster.kills} abandoned={counts['abandoned']} retried={counts['retried']} "
            f"replayed={counts['replayed']} replay-check={replays} 5xx={len(cluster.server_errors)} "
            f"inflight-at-kills={cluster.inflight_at_kills} instances={n} load={load_seconds:.1f}s total={time.monotonic() - started:.1f}s")
    print(line, file=sys.stderr)
    print(f"crash[{label}]: {detail}", file=sys.stderr)
    logs = "\n".join(f"--- {i.name} log (last lines) ---\n{i.tail(40)}" for i in cluster.instances)
    assert not problems and counts["duplicates"] == 0 and counts["lost"] == 0 and cluster.kills == len(KILL_AT), (
        f"{line}\n{detail}\n" + "\n".join(problems[:40]) + f"\n{logs}"
    )


def test_crash_sqlite(sqlite_env, workdir):
    cluster = Cluster([Instance("sqlite", sqlite_env, workdir)])
    try:
        crash_run("sqlite", cluster, sqlite_env)
    finally:
        for instance in cluster.instances:
            instance.stop()


def test_crash_postgres_two_instances(postgres_env, workdir):
    cluster = Cluster([Instance("pg-a", postgres_env, workdir), Instance("pg-b", postgres_env, workdir)])
    try:
        crash_run("postgres", cluster, postgres_env)
    finally:
        for instance in cluster.instances:
            instance.stop()
