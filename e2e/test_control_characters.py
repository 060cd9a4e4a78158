"""Control characters: NUL, ESC and U+202E in every string field, on both databases.

On a fresh demo server of its own (SQLite, then a throwaway PostgreSQL 15 cluster), for every
create and update operation of docs/openapi.yaml (bodies from e2e/openapi_bodies.py, as in the
injection sweep) and for each of NUL (U+0000), ESC (U+001B) and the right-to-left override
(U+202E): one request with the character inside every free string field at once. The answer
must be a 2xx (stored) or a 422 problem document; a 422 that names fields gives those fields a
plain value and the request goes again, so that every field meets the character. Never a 5xx;
and a NUL must not come back in a 2xx answer (stored as is: PostgreSQL cannot store it).

The same bodies go again, with NUL and U+202E only, as `text/json` and with no Content-Type
at all, which the API also reads as JSON: still never a 5xx, and a text refused (422) as
application/json must not be stored (2xx) under another content type.

Also: `POST /login` as a form with `%00` in the email and in the password must be refused as
any wrong login is (never 500), and `%00` in the query parameters of the GET endpoints that
take some, and in a page's query string, must not give a 5xx.
"""

from __future__ import annotations

import collections
import re
import sys
import time

import pytest
import requests

from openapi_bodies import DEMO_DOMAIN, WRITER_ROLES, Driver, Field, Spec
from servers import Session, api_token, csrf_token, demo_server

CHARACTERS = {"NUL": "\u0000", "ESC": "\u001b", "RLO": "\u202e"}
# Bodies the API also reads as JSON; sent with these characters only, to bound the requests.
OTHER_JSON_TYPES = ("text/json", None)
VARIANT_CHARACTERS = ("NUL", "RLO")
MAX_QUERY_ENDPOINTS = 12


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request):
    with demo_server(request.param, name=f"control-{request.param}") as instance:
        yield instance


def filler_for(char: str):
    def fill(n: int, field: Field, max_length: int, multiline: bool) -> str:
        text = f"a{char}b {n}{char}"
        return text[:max_length] if max_length >= 3 else char
    return fill


def is_problem(response: requests.Response) -> bool:
    return "problem+json" in response.headers.get("Content-Type", "")


def test_control_characters(server):
    started = time.monotonic()
    backend = server.name.split("-")[-1]
    spec = Spec()
    ops = spec.write_operations()
    tokens = {role: api_token(server.env, f"{role}@{DEMO_DOMAIN}") for role in WRITER_ROLES}
    driver = Driver(spec, server.base, tokens, max_attempts=8)
    failures: list[tuple[str, str, str]] = []  # (kind of failure, operation, detail)
    counts: collections.Counter = collections.Counter()

    # 1. Every write operation, one character at a time, in all its free text fields at once;
    # then again with the other Content-Types the API reads as JSON (`text/json`, none at
    # all), with NUL and U+202E: the content type must not decide whether a text is checked.
    ops = [op for op in ops if driver.free_fields(op)]
    refused: set[tuple[str, str]] = set()  # (operation, character) refused with a 422 as application/json
    for content_type, characters in (("application/json", CHARACTERS), *((ct, VARIANT_CHARACTERS) for ct in OTHER_JSON_TYPES)):
        driver.content_type = content_type
        shown_type = content_type or "no Content-Type"
        for name in characters:
            char = CHARACTERS[name]
            for op in ops:
                outcome = driver.run(op, filler_for(char), to_plain=True)
                for attempt in outcome.attempts:
                    counts["requests"] += 1
                    where = f"{name} {op.label} as {attempt.role} ({attempt.path}, {shown_type})"
                    fields = f"fields with {name}: {', '.join(sorted(attempt.markers))}"
                    if attempt.status >= 500:
                        failures.append((f"{attempt.status} with {name} as {shown_type}", op.label,
                                         f"{where}: {attempt.status} {attempt.answer[:300]}\n    {fields}"))
                    elif attempt.status == 422 and attempt.markers:
                        counts[f"refused[{name}]"] += 1
                        if content_type == "application/json":
                            refused.add((op.label, name))
                        if "problem+json" not in attempt.content_type or not attempt.errors:
                            failures.append((f"422 naming no field, {name} as {shown_type}", op.label,
                                             f"{where}: 422 without a problem document naming the fields "
                                             f"({attempt.content_type}): {attempt.answer[:300]}\n    {fields}"))
                    elif 200 <= attempt.status < 300 and attempt.markers:
                        counts[f"accepted[{name}]"] += 1
                        if char == "\u0000" and ("\\u0000" in attempt.raw or "\u0000" in attempt.raw):
                            failures.append((f"NUL stored as is (answer {attempt.status} gives it back) as {shown_type}", op.label,
                                             f"{where}: {attempt.status}, and the answer gives the NUL back: stored as is "
                                             f"(PostgreSQL cannot store it in text)\n    {fields}"))
                        elif content_type != "application/json" and (op.label, name) in refused:
                            failures.append((f"{name} stored as {shown_type}, refused as application/json", op.label,
                                             f"{where}: {attempt.status}, stored, when the same text is refused (422) "
                                             f"as application/json\n    {fields}"))
                if content_type == "application/json":
                    counts[f"fields[{name}]"] += len({f for a in outcome.attempts for f in a.markers})
    driver.content_type = "application/json"

    # 2. The login form with NUL in the email and the password: refused as a wrong login is.
    def login_answer(email: str, password: str) -> requests.Response:
        visitor = requests.Session()
        page = visitor.get(f"{server.base}/login", timeout=30)
        token = csrf_token(page.text) or ""
        form = f"email={email}&password={password}&_csrf={requests.utils.quote(token, safe='')}"
        return visitor.post(f"{server.base}/login", data=form.encode(), allow_redirects=False, timeout=30,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    normal = login_answer("personne%40example.org", "mauvais-mot-de-passe")
    counts[f"wrong-login-{normal.status_code}"] += 1
    for email, password in (("a%00b%40x.fr", "mot%00de%00passe"), ("coordination%00%40maillage.example", "maillage-demo-2026%00"),
                            ("%1b%5b31m%40x.fr", "%E2%80%AEpasse")):
        counts["requests"] += 1
        answer = login_answer(email, password)
        counts[f"login-{answer.status_code}"] += 1
        if answer.status_code >= 500 or answer.status_code not in (normal.status_code, 400, 422, 429):
            failures.append((f"login form answers {answer.status_code}", "POST /login",
                             f"POST /login email={email} password={password}: {answer.status_code} "
                             f"(a wrong login answers {normal.status_code}) {answer.text[:300]}"))

    # 3. NUL in query parameters: the GET operations of the spec that take some, and a page.
    resolver = driver.resolver
    headers = driver.headers("coordination")
    tried = 0
    for path, item in spec.doc["paths"].items():
        get = item.get("get")
        if not get or tried >= MAX_QUERY_ENDPOINTS:
            continue
        params = [spec.resolve(p) for p in get.get("parameters", [])]
        query = [p["name"] for p in params if p.get("in") == "query"]
        if not query:
            continue
        bound = {"coopID": resolver.coop, "territoryID": resolver.territory}
        for param in re.findall(r"\{(\w+)\}", path):
            if param not in bound:
                candidates = resolver.candidates_for_param(path, param, bound)
                if not candidates:
                    break
                bound[param] = candidates[0]
        url = resolver.fill(path, bound)
        if not url:
            continue
        tried += 1
        for value in ("a%00b", "2026-01-01%00", "%1b%e2%80%ae"):
            qs = "&".join(f"{q}={value}" for q in query)
            counts["requests"] += 1
            answer = requests.get(f"{server.base}{url}?{qs}", headers=headers, timeout=30)
            if answer.status_code >= 500:
                failures.append((f"{answer.status_code} on a query parameter", f"GET {path}",
                                 f"GET {url}?{qs}: {answer.status_code} {answer.text[:300]}"))
    session = Session(server)
    session.login(f"coordination@{DEMO_DOMAIN}")
    for page in (f"/coops/{resolver.coop}/suppliers?q=a%00b", f"/coops/{resolver.coop}/pathways?q=a%00b&status=%00",
                 f"/territories/{resolver.territory}/partners?service=%00", "/login?next=/%00"):
        counts["requests"] += 1
        answer = session.get(page, allow_redirects=False)
        if answer.status_code >= 500:
            failures.append((f"{answer.status_code} on a page's query", f"GET {page}",
                             f"GET {page} (page, as coordination): {answer.status_code} {answer.text[:300]}"))

    line = (f"control[{backend}]: " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())) +
            f" failures={len(failures)} time={time.monotonic() - started:.1f}s")
    print(line, file=sys.stderr)
    by_kind: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for kind, operation, detail in failures:
        by_kind[kind].append((operation, detail))
    report = []
    for kind, items in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        operations = list(dict.fromkeys(operation for operation, _ in items))
        report.append(f"- {kind}: {len(items)} answer(s), {len(operations)} operation(s): {'; '.join(operations)}")
        report.extend(f"    e.g. {detail}" for _, detail in items[:2])
    assert not failures, f"{line}\n" + "\n".join(report)
