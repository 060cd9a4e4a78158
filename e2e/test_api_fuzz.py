"""API fuzzing: schemathesis against docs/openapi.yaml, on a private server.

Schemathesis (pinned in e2e/requirements.txt) loads the OpenAPI document from the file and
sends generated requests -- valid ones and invalid ones -- to every operation, with the demo
coordinator's API token (Bearer). The run fails on:

  - any 5xx answer (`not_a_server_error`);
  - a status the operation does not document (`status_code_conformance`), a content type it
    does not document (`content_type_conformance`), a body that does not match the
    documented schema (`response_schema_conformance`);
  - an error (4xx, 5xx) that is not RFC 9457 `application/problem+json` with `type`,
    `title`, `status` (the HTTP status) and `detail` (`problem_json_errors`, below).

Fuzzing writes (POST, PUT, PATCH on every operation), so it does not run on the shared e2e
server, whose demo data the other tests rely on: it starts its own server from the built
binary on a fresh SQLite file (migrate, seed --demo) and stops it at the end. The
coordinator's cooperative and territory are fixed as `coopID` and `territoryID` (else nearly
every request would stop at the 404 of an unknown cooperative); identifiers of the
cooperative's demo data read through the API (pathways, invoices, assemblies...) are
dictionaries that the fuzzing phase draws the other path parameters from, nine times out of
ten. A second, short pass fuzzes the network's own operations (POST /coops, /territories,
/templates, /network/settings), which answer the coordinator 403, as the network's admin.

Bounded: at most MAILLAGE_FUZZ_EXAMPLES (default 8) test cases per operation in the examples
and fuzzing phases (the coverage phase adds its own deterministic boundary cases), a 10 s
timeout per request, and both passes are killed after MAILLAGE_FUZZ_TIMEOUT seconds in all
(default 300; about 2.5 min on the CI machine). The seed is fixed (MAILLAGE_FUZZ_SEED,
default 20260101) so that a run can be reproduced; every failure is printed with a curl
command that replays it.

Environment: MAILLAGE_BIN (default .build/debug/maillage). MAILLAGE_BASE_URL and
MAILLAGE_DB_PATH (the shared server) are not used.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shlex
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = pathlib.Path(os.environ.get("MAILLAGE_BIN", ROOT / ".build" / "debug" / "maillage"))
SPEC = ROOT / "docs" / "openapi.yaml"
SCHEMATHESIS = [sys.executable, "-m", "schemathesis.cli"]  # the test venv's own

ACCOUNT = "coordination@maillage.example"  # coordinator of the Caillols cooperative
ADMIN = "admin@maillage.example"  # the network's admin
ADMIN_PATHS = r"^/api/v1/(me|coops|territories|templates|network/.*)$"
EXAMPLES = int(os.environ.get("MAILLAGE_FUZZ_EXAMPLES", "8"))
TIMEOUT = int(os.environ.get("MAILLAGE_FUZZ_TIMEOUT", "300"))
SEED = int(os.environ.get("MAILLAGE_FUZZ_SEED", "20260101"))
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "problem_json_errors",
]
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


# --------------------------------------------------------------------------- the extra check
#
# The schemathesis CLI loads this very file as its hooks module (`hooks` in the generated
# schemathesis.toml, module name `_schemathesis_hooks`); only then is the check registered.


def problem_json_errors(ctx, response, case):
    """Every 4xx or 5xx answer of the API is RFC 9457 problem+json with its own status."""
    if response.status_code < 400:
        return None
    content_type = ";".join(response.headers.get("content-type", [""])).split(";")[0].strip().lower()
    if content_type != "application/problem+json":
        raise AssertionError(
            f"{response.status_code} answered with Content-Type {content_type or '(none)'!r}, "
            "not application/problem+json"
        )
    try:
        body = json.loads(response.content)
    except ValueError as error:
        raise AssertionError(f"problem+json body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise AssertionError(f"problem+json body is not an object: {body!r}")
    missing = [key for key in ("type", "title", "status", "detail") if key not in body]
    if missing:
        raise AssertionError(f"problem+json body lacks {', '.join(missing)}: {body!r}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem+json status {body['status']!r} is not the HTTP status {response.status_code}")
    return None


if __name__ == "_schemathesis_hooks":
    import schemathesis

    schemathesis.check(problem_json_errors)


# --------------------------------------------------------------------------- the private server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateServer:
    """`maillage serve` on a fresh demo database of its own, in `workdir`."""

    def __init__(self, workdir: pathlib.Path) -> None:
        self.workdir = workdir
        self.env = dict(os.environ, MAILLAGE_DB_PATH=str(workdir / "maillage.sqlite"), LOG_LEVEL="error")
        self.env.pop("DATABASE_URL", None)
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen | None = None
        self.base_url = ""

    def command(self, *args: str) -> str:
        result = subprocess.run(
            [str(BINARY), *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=180,
        )
        assert result.returncode == 0, f"maillage {' '.join(args)}: {result.stderr}{result.stdout}"
        return result.stdout

    def start(self) -> None:
        self.command("migrate", "--yes")
        self.command("seed", "--demo")
        port = _free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        env = dict(self.env, LOG_LEVEL="warning")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(BINARY), "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"the fuzzing server exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the fuzzing server did not answer /healthz within 60 s:\n{self.log_tail()}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


@pytest.fixture
def server(tmp_path):
    if not BINARY.exists():
        pytest.skip(f"needs the built binary {BINARY}")
    srv = PrivateServer(tmp_path)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


# --------------------------------------------------------------------------- demo identifiers


def _singular(segment: str) -> str:
    for plural, singular in (("ies", "y"), ("sses", "ss"), ("s", "")):
        if segment.endswith(plural):
            return segment[: -len(plural)] + singular
    return segment


def _collect_ids(value, into: dict[str, set[str]], list_param: str | None = None) -> None:
    """Every `...ID` key with a UUID value, and the `id` of the items of a list."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and UUID.match(item):
                if key.endswith("ID"):
                    into.setdefault(key, set()).add(item)
                elif key == "id" and list_param:
                    into.setdefault(list_param, set()).add(item)
            elif key == "items":
                _collect_ids(item, into, list_param)
            else:
                _collect_ids(item, into, None)
    elif isinstance(value, list):
        for item in value:
            _collect_ids(item, into, list_param)


def demo_identifiers(base_url: str, headers: dict[str, str]) -> tuple[str, str, dict[str, list[str]]]:
    """The account's cooperative, its territory, and identifiers of the cooperative's demo
    data by path parameter name, read through the API."""
    import yaml  # PyYAML, a dependency of schemathesis

    def get(path: str):
        answer = requests.get(f"{base_url}{path}", headers=headers, timeout=10)
        if answer.status_code == 200 and "json" in answer.headers.get("content-type", ""):
            return answer.json()
        return None

    me = get("/api/v1/me") or {}
    coops = [role["scope"]["id"] for role in me.get("roles", [])
             if (role.get("scope") or {}).get("kind") == "cooperative"]
    assert coops, f"{ACCOUNT} has no role in a cooperative: {me!r}"
    coop = coops[0]
    territory = (get(f"/api/v1/coops/{coop}") or {}).get("territoryID")
    assert territory, f"GET /api/v1/coops/{coop} gives no territoryID"

    ids: dict[str, set[str]] = {}
    spec = yaml.safe_load(SPEC.read_text())
    for path, item in spec["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        if "get" not in item or not params or set(params) - {"coopID", "territoryID"}:
            continue
        last = path.rstrip("/").split("/")[-1]
        list_param = None if last.startswith("{") else _singular(last.split("-")[-1]) + "ID"
        _collect_ids(get(path.replace("{coopID}", coop).replace("{territoryID}", territory)), ids, list_param)
    ids.pop("coopID", None)
    ids.pop("territoryID", None)
    return coop, territory, {name: sorted(values) for name, values in ids.items()}


# --------------------------------------------------------------------------- the run


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_config(path: pathlib.Path, fixed: dict[str, str], ids: dict[str, list[str]]) -> pathlib.Path:
    """schemathesis.toml: this file as hooks, no example database, the fixed path parameters
    (every phase uses them) and the dictionaries of the others (the fuzzing phase draws from
    them nine times out of ten, random values otherwise; the coverage phase ignores them)."""
    params = set(re.findall(r"{(\w+)}", SPEC.read_text()))
    lines = [
        f"hooks = {_toml_string(str(pathlib.Path(__file__).resolve()))}",
        "",
        "[generation]",
        'database = "none"',
        "with-security-parameters = false",
        "",
    ]
    bound = {name: values[:20] for name, values in ids.items() if name in params and values}
    for name, values in sorted(bound.items()):
        lines += [f"[dictionaries.{name}]", f"values = [{', '.join(map(_toml_string, values))}]", ""]
    lines.append("[parameters]")
    for name, value in sorted(fixed.items()):
        lines.append(f'"path.{name}" = {_toml_string(value)}')
    for name in sorted(bound):
        lines.append(f'"path.{name}" = {{ dictionary = {_toml_string(name)}, probability = 0.9 }}')
    path.write_text("\n".join(lines) + "\n")
    return path


def run_schemathesis(label: str, workdir: pathlib.Path, base_url: str, token: str, config: pathlib.Path,
                     *selection: str, deadline: float) -> dict:
    """One `schemathesis run`; prints its output and returns its JSON report."""
    report = workdir / f"report-{label}.json"
    command = [
        *SCHEMATHESIS, "--config-file", str(config), "--no-color", "run", str(SPEC),
        "--url", base_url,
        "--header", f"Authorization: Bearer {token}",
        *selection,
        "--checks", ",".join(CHECKS),
        "--phases", "examples,coverage,fuzzing",
        "--mode", "all",
        "--max-examples", str(EXAMPLES),
        "--seed", str(SEED),
        # One worker: with several, Debian's Python 3.11.2 fails now and then in hypothesis's
        # ast.parse ("AST constructor recursion depth mismatch", CPython gh-106905).
        "--workers", "1",
        "--request-timeout", "10",
        "--no-shrink",
        "--warnings", "off",
        "--report", "json", "--report-json-path", str(report),
    ]
    print(f"\napi-fuzz [{label}]:", shlex.join(command).replace(token, "<token>"), flush=True)
    timeout = max(10, deadline - time.monotonic())
    started = time.monotonic()
    try:
        run = subprocess.run(command, cwd=workdir, capture_output=True, text=True,
                             stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode(errors="replace") if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        print(output.replace(token, "<token>"))
        pytest.fail(f"schemathesis [{label}] did not finish within the {TIMEOUT} s of MAILLAGE_FUZZ_TIMEOUT")
    print((run.stdout + run.stderr).replace(token, "<token>"), flush=True)
    assert report.exists(), f"schemathesis [{label}] wrote no report (exit {run.returncode})"
    summary = json.loads(report.read_text())
    summary["label"] = label
    summary["elapsed"] = time.monotonic() - started
    summary["returncode"] = run.returncode
    return summary


def test_api_fuzzing_finds_no_server_error_and_answers_as_documented(server, tmp_path):
    deadline = time.monotonic() + TIMEOUT
    token = server.command("token", "create", "--email", ACCOUNT).strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{server.base_url}/api/v1/me", headers=headers, timeout=10).status_code == 200
    coop, territory, ids = demo_identifiers(server.base_url, headers)
    print(f"\napi-fuzz: cooperative {coop}, territory {territory}; demo identifiers: "
          + ", ".join(f"{name} {len(values)}" for name, values in sorted(ids.items())))
    config = write_config(tmp_path / "schemathesis.toml", {"coopID": coop, "territoryID": territory}, ids)

    summaries = [run_schemathesis("coordinator", tmp_path, server.base_url, token, config, deadline=deadline)]
    # The network's own operations, which answer the coordinator 403, once more as its admin.
    admin = server.command("token", "create", "--email", ADMIN).strip().splitlines()[-1]
    summaries.append(run_schemathesis("network-admin", tmp_path, server.base_url, admin, config,
                                      "--include-path-regex", ADMIN_PATHS, deadline=deadline))

    problems = []
    for summary in summaries:
        operations = summary.get("operations") or {}
        cases = summary.get("test_cases") or {}
        failures = summary.get("failures") or []
        errors = summary.get("errors") or []
        label = summary["label"]
        print(
            f"api-fuzz [{label}]: {operations.get('tested')} of {operations.get('selected')} operations tested, "
            f"{cases.get('generated')} test cases, {cases.get('with_failures', 0)} with failures "
            f"({sum(group['count'] for group in failures)} failures of {len(failures)} kinds), "
            f"{sum(group['count'] for group in errors)} errors, in {summary['elapsed']:.0f} s (seed {SEED})"
        )
        if operations.get("tested") != operations.get("selected"):
            problems.append(f"[{label}] untested operations: {operations}")
        problems += [f"[{label}] {group['title']} ({group['code']}) x{group['count']}: "
                     + ", ".join(group["operations"]) for group in failures]
        problems += [f"[{label}] schemathesis error: {group['title']} x{group['count']}" for group in errors]
        if summary["returncode"] != 0 and not failures and not errors:
            problems.append(f"[{label}] schemathesis exited {summary['returncode']}")
    if problems:
        print("api-fuzz: last lines of the fuzzing server's log:\n" + server.log_tail())
    assert not problems, "API fuzzing (details above):\n" + "\n".join(problems)
