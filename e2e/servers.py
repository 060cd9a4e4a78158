"""Servers started by the e2e tests themselves, from the built binary.

Most e2e tests drive the shared demo server of MAILLAGE_BASE_URL. The tests that must own
their server (they kill it, fill it with hostile data, or need PostgreSQL) start one here:

- `Instance`: one `maillage serve` process on a free loopback port, started, stopped or
  killed at will (its log goes to the work directory);
- fixtures `workdir`, `sqlite_env` and `postgres_env` (function-scoped): a temp directory,
  and the environment of a fresh SQLite file or of a throwaway PostgreSQL 15 cluster (made
  as scripts/check's pg_start makes it);
- `demo_server(backend, workdir)`: a context manager that makes the database ("sqlite" or
  "postgres"), runs `maillage migrate --yes` and `maillage seed --demo`, starts one `serve`
  and yields its `Instance` (`.base`, `.env`), then tears it all down — usable from a
  module-scoped fixture;
- `Session`: a `requests.Session` bound to a server that logs in through the HTML form like
  a browser (`login`) and makes API tokens with `maillage token create` (`api_token`).

Environment: MAILLAGE_BIN (default .build/debug/maillage). Runs as root (PostgreSQL then
runs as the `postgres` user through runuser) or as a normal user.

Import what you need: `from servers import demo_server, Session` (pytest puts e2e/ on
sys.path); to use the fixtures, import them by name into the test module.
"""

from __future__ import annotations

import contextlib
import html.parser
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from typing import Iterator

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINARY = pathlib.Path(os.environ.get("MAILLAGE_BIN", ROOT / ".build" / "debug" / "maillage"))
PG_BIN = pathlib.Path("/usr/lib/postgresql/15/bin")
PASSWORD = "maillage-demo-2026"
START_TIMEOUT = 60


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict | None = None, timeout: int = 180, user: str | None = None) -> str:
    if user and os.getuid() == 0:
        cmd = ["runuser", "-u", user, "--", *cmd]
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def maillage(env: dict, *args: str) -> str:
    return run([str(BINARY), *args], env=dict(env, LOG_LEVEL="error"))


class Instance:
    """One `maillage serve` process, killed and restarted at will."""

    def __init__(self, name: str, env: dict, workdir: pathlib.Path) -> None:
        self.name = name
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"server-{name}.log"
        self.proc: subprocess.Popen | None = None
        self.up = threading.Event()
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with open(self.log, "a") as log:
            log.write(f"\n===== e2e: start #{self.starts} of {self.name} at {time.time():.3f} =====\n")
            log.flush()
            self.proc = subprocess.Popen(
                [str(BINARY), "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited ({self.proc.returncode}) before /healthz answered:\n{self.tail()}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: /healthz did not answer 200 within {START_TIMEOUT} s:\n{self.tail()}")
            time.sleep(0.1)
        self.up.set()

    def kill(self) -> None:
        self.up.clear()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)
            with open(self.log, "a") as log:
                log.write(f"\n===== e2e: kill -9 of {self.name} at {time.time():.3f} =====\n")

    def stop(self) -> None:
        self.up.clear()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# --------------------------------------------------------------------------- databases


def require_binary() -> None:
    if not BINARY.is_file():
        pytest.fail(f"{BINARY} is missing: build the server first (swift build), or set MAILLAGE_BIN", pytrace=False)


@contextlib.contextmanager
def make_workdir(prefix: str = "maillage-e2e-") -> Iterator[pathlib.Path]:
    path = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sqlite_environment(workdir: pathlib.Path) -> dict:
    require_binary()
    env = dict(os.environ, MAILLAGE_DB_PATH=str(workdir / "m.sqlite"), LOG_LEVEL="info")
    env.pop("DATABASE_URL", None)
    return env


@contextlib.contextmanager
def postgres_cluster(database: str = "maillage_e2e") -> Iterator[dict]:
    """A throwaway PostgreSQL 15 cluster, as scripts/check's pg_start makes it; yields the
    environment (DATABASE_URL set, MAILLAGE_DB_PATH removed) and stops it afterwards."""
    require_binary()
    for tool in ("initdb", "pg_ctl", "psql"):
        if not os.access(PG_BIN / tool, os.X_OK):
            pytest.fail(f"{PG_BIN / tool} is missing: run scripts/install-test-deps (it installs postgresql)", pytrace=False)
    pg_dir = pathlib.Path(tempfile.mkdtemp(prefix="maillage-e2e-pg-"))
    user = "postgres" if os.getuid() == 0 else None
    if user:
        entry = pwd.getpwnam("postgres")
        os.chown(pg_dir, entry.pw_uid, entry.pw_gid)
    port = free_port()
    data = pg_dir / "data"
    started = False
    try:
        run([str(PG_BIN / "initdb"), "-D", str(data), "--username=postgres", "--encoding=UTF8", "--no-locale",
             "--auth-local=peer", "--auth-host=scram-sha-256"], user=user)
        run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(pg_dir / "postgres.log"), "-w", "-t", "60",
             "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {pg_dir} -c max_connections=300 -c fsync=on", "start"], user=user)
        started = True
        run([str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(pg_dir), "-p", str(port), "-U", "postgres", "-d", "postgres",
             "-c", "CREATE ROLE maillage LOGIN PASSWORD 'maillage'", "-c", f"CREATE DATABASE {database} OWNER maillage"], user=user)
        env = dict(os.environ, DATABASE_URL=f"postgres://maillage:maillage@127.0.0.1:{port}/{database}", LOG_LEVEL="info")
        env.pop("MAILLAGE_DB_PATH", None)
        yield env
    finally:
        if started:
            try:
                run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop"], user=user, timeout=60)
            except (AssertionError, subprocess.TimeoutExpired):
                pid_file = data / "postmaster.pid"
                if pid_file.exists():
                    try:
                        os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
                    except (OSError, ValueError):
                        pass
        shutil.rmtree(pg_dir, ignore_errors=True)


@pytest.fixture
def workdir():
    with make_workdir() as path:
        yield path


@pytest.fixture
def sqlite_env(workdir):
    yield sqlite_environment(workdir)


@pytest.fixture
def postgres_env(workdir):
    with postgres_cluster("maillage_crash") as env:
        yield env


@contextlib.contextmanager
def demo_server(backend: str, workdir: pathlib.Path | None = None, name: str | None = None) -> Iterator[Instance]:
    """A served demo network on a fresh database: backend "sqlite" or "postgres".

    Yields the running `Instance` (`.base` is its URL, `.env` its environment, for
    `maillage` commands such as `token create`). Without a workdir, a temp one is made and
    removed afterwards.
    """
    if backend not in ("sqlite", "postgres"):
        raise ValueError(f"unknown backend {backend!r}")
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = stack.enter_context(make_workdir())
        if backend == "sqlite":
            env = sqlite_environment(workdir)
        else:
            env = stack.enter_context(postgres_cluster())
        maillage(env, "migrate", "--yes")
        maillage(env, "seed", "--demo")
        instance = Instance(name or backend, env, workdir)
        stack.callback(instance.stop)
        instance.start()
        yield instance


# --------------------------------------------------------------------------- HTTP


class _HiddenInputs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            a = dict(attrs)
            if a.get("name") == "_csrf" and a.get("value") is not None:
                self.fields.setdefault("_csrf", a["value"])


def csrf_token(page_html: str) -> str | None:
    """The first `_csrf` hidden input's value of an HTML page."""
    parser = _HiddenInputs()
    parser.feed(page_html)
    parser.close()
    return parser.fields.get("_csrf")


class Session(requests.Session):
    """A browser-like session bound to one server.

    `login(email)` opens a cookie session through the HTML login form; `csrf` then holds the
    session's CSRF token (read from the page after the redirect) for writes by cookie.
    `api_token(email)` returns a bearer token made by `maillage token create` with the
    server's environment (it does not change this session).
    Relative URLs (`/coops/…`) are resolved against the server's base.
    """

    def __init__(self, server: Instance | str, env: dict | None = None, timeout: float = 30) -> None:
        super().__init__()
        if isinstance(server, Instance):
            self.base = server.base
            self.env = env if env is not None else server.env
        else:
            self.base = server.rstrip("/")
            self.env = env
        self.timeout = timeout
        self.csrf: str | None = None
        self.email: str | None = None

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if isinstance(url, str) and url.startswith("/"):
            url = self.base + url
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> requests.Response:
        page = self.get("/login")
        assert page.status_code == 200, f"GET /login: {page.status_code} {page.text[:300]}"
        token = csrf_token(page.text)
        assert token, "no _csrf field on the login page"
        answer = self.post("/login", data={"email": email, "password": password, "_csrf": token}, allow_redirects=True)
        assert answer.status_code == 200 and answer.history and not answer.url.rstrip("/").endswith("/login"), (
            f"login as {email}: {answer.status_code} at {answer.url} {answer.text[:300]}")
        self.email = email
        self.csrf = csrf_token(answer.text)
        return answer

    def api_token(self, email: str) -> str:
        return api_token(self.env, email)


def api_token(env: dict | None, email: str) -> str:
    """A new API token for `email`, from `maillage token create` with the server's env."""
    assert env is not None, "api_token needs the server's environment"
    lines = [line for line in maillage(env, "token", "create", "--email", email).splitlines() if line.strip()]
    assert len(lines) == 1, f"token create must print the token alone: {lines}"
    return lines[0].strip()
