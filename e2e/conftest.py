"""Shared fixtures for Maillage's end-to-end tests (pytest + selenium + axe-core).

The browser is Debian's headless Chromium driven through Debian's chromedriver; nothing is
downloaded at run time, and selenium-manager is disabled outright (see `_no_selenium_manager`).
Accessibility is checked with axe-core, whose `axe.min.js` comes bundled in the PyPI package
axe-playwright-python (installed with --no-deps by scripts/install-test-deps); only that
script is used, injected into the page through selenium.

Environment:
  MAILLAGE_BASE_URL        server under test (default http://127.0.0.1:8080, i.e. scripts/demo)
  MAILLAGE_E2E_ARTIFACTS   where screenshots and HTML of failed browser tests go
                           (default: a fresh directory under /tmp)
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import re
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.selenium_manager import SeleniumManager

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# --------------------------------------------------------------------------- helpers


def _axe_script_path() -> pathlib.Path:
    # find_spec does not import the package (which would need playwright).
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "axe-playwright-python is not installed; run scripts/install-test-deps"
        )
    path = pathlib.Path(list(spec.submodule_search_locations)[0]) / "axe.min.js"
    if not path.is_file():
        raise RuntimeError(f"axe.min.js not found at {path}")
    return path


def format_violations(violations: list[dict]) -> str:
    """Readable report of axe violations: id, impact, help, and each node's target."""
    if not violations:
        return "no axe violations"
    lines = [f"{len(violations)} axe violation(s):"]
    for v in violations:
        lines.append(
            f"- {v.get('id')} [{v.get('impact')}]: {v.get('help')} ({v.get('helpUrl')})"
        )
        for node in v.get("nodes", []):
            target = " ".join(
                t if isinstance(t, str) else " >>> ".join(t) for t in node.get("target", [])
            )
            lines.append(f"    target: {target}")
            html = " ".join((node.get("html") or "").split())
            if html:
                lines.append(f"      html: {html[:200]}{'…' if len(html) > 200 else ''}")
            summary = (node.get("failureSummary") or "").strip()
            if summary:
                lines.extend("      " + s for s in summary.splitlines())
    return "\n".join(lines)


class Axe:
    """axe-core runner bound to a selenium driver.

    `axe()` injects axe.min.js into the current page (once per page) and returns the list of
    violations for the WCAG 2.0/2.1 A and AA rules. `axe.assert_no_violations(label)` fails
    the test with a readable report when there is any.
    """

    def __init__(self, driver: webdriver.Remote, source: str) -> None:
        self._driver = driver
        self._source = source

    def __call__(self) -> list[dict]:
        driver = self._driver
        if not driver.execute_script("return typeof window.axe === 'object';"):
            driver.execute_script(self._source)
        if not driver.execute_script("return typeof window.axe === 'object';"):
            raise RuntimeError("axe-core could not be injected into the page")
        result = driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
              .then((r) => done({violations: r.violations, passes: r.passes.length}))
              .catch((e) => done({error: String(e && e.stack || e)}));
            """,
            AXE_TAGS,
        )
        if "error" in result:
            raise RuntimeError(f"axe.run failed: {result['error']}")
        if result["passes"] == 0 and not result["violations"]:
            # axe found nothing at all to check: the page is most likely empty.
            raise RuntimeError("axe.run checked no rule at all on this page")
        return result["violations"]

    def assert_no_violations(self, label: str = "") -> None:
        violations = self()
        if violations:
            where = f"{label or 'page'} ({self._driver.current_url})"
            pytest.fail(f"{where}: {format_violations(violations)}", pytrace=False)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def base_url() -> str:
    return os.environ.get("MAILLAGE_BASE_URL", "http://127.0.0.1:8080").rstrip("/")


@pytest.fixture(scope="session", autouse=True)
def _no_selenium_manager():
    """selenium-manager would try to download drivers/browsers: make any use of it fail."""

    def refuse(self, *args, **kwargs):  # pragma: no cover - only runs on misuse
        raise RuntimeError(
            "selenium-manager must not run: use /usr/bin/chromium and /usr/bin/chromedriver"
        )

    original = SeleniumManager.binary_paths
    SeleniumManager.binary_paths = refuse
    yield
    SeleniumManager.binary_paths = original


@pytest.fixture(scope="session")
def driver(_no_selenium_manager):
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: run scripts/install-test-deps")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=fr-FR",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(arg)
    # A French-speaking visitor (the app's audience); the app's default language is French.
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    service = Service(executable_path=CHROMEDRIVER)
    drv = webdriver.Chrome(service=service, options=options)
    drv.set_page_load_timeout(30)
    drv.set_script_timeout(60)
    yield drv
    drv.quit()


@pytest.fixture
def browser(driver):
    """The session's driver with no cookies: every browser test starts logged out."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    yield driver


@pytest.fixture(scope="session")
def axe_source() -> str:
    return _axe_script_path().read_text(encoding="utf-8")


@pytest.fixture
def axe(driver, axe_source) -> Axe:
    return Axe(driver, axe_source)


# --------------------------------------------------------------------------- reporting

_ARTIFACTS: pathlib.Path | None = None


def _artifacts_dir() -> pathlib.Path:
    global _ARTIFACTS
    if _ARTIFACTS is None:
        configured = os.environ.get("MAILLAGE_E2E_ARTIFACTS")
        if configured:
            _ARTIFACTS = pathlib.Path(configured)
            _ARTIFACTS.mkdir(parents=True, exist_ok=True)
        else:
            _ARTIFACTS = pathlib.Path(tempfile.mkdtemp(prefix="maillage-e2e-"))
    return _ARTIFACTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, keep a screenshot and the page's HTML, and say where."""
    report = yield
    if report.when == "call" and report.failed and "driver" in item.fixturenames:
        drv = item.funcargs.get("driver")
        if drv is not None:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
            out = _artifacts_dir()
            try:
                drv.save_screenshot(str(out / f"{name}.png"))
                (out / f"{name}.html").write_text(drv.page_source, encoding="utf-8")
                report.sections.append(
                    (
                        "browser",
                        f"url: {drv.current_url}\nscreenshot and HTML: {out}/{name}.(png|html)",
                    )
                )
            except Exception as err:  # the browser itself may be what broke
                report.sections.append(("browser", f"could not capture the page: {err!r}"))
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    stats = terminalreporter.stats
    failed = {r.nodeid for key in ("failed", "error") for r in stats.get(key, [])}
    passed = {r.nodeid for r in stats.get("passed", [])} - failed
    skipped = {r.nodeid for r in stats.get("skipped", [])} - failed - passed
    line = f"e2e: {len(passed)} passed, {len(failed)} failed"
    if skipped:
        line += f", {len(skipped)} skipped"
    terminalreporter.write_line(line)
