"""End-to-end tests of Maillage's foundation: login, home, language, logout, JSON API errors.

Runs against a server already started and seeded with the demo data (`seed --demo`), at
MAILLAGE_BASE_URL; scripts/check starts one on a throwaway database. Element ids and texts
follow the README (demo accounts) and docs/openapi.yaml.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
import requests
from selenium.common.exceptions import (
    JavascriptException,
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

COORDINATOR_EMAIL = "coordination@maillage.example"
COORDINATOR_NAME = "Claire Martin"
DEMO_PASSWORD = "maillage-demo-2026"
# Wrong-password attempts go to two different accounts, so that running the suite a few
# times against the same demo server stays under any per-account login rate limit.
OTHER_EMAIL = "orientation@maillage.example"
WAIT_SECONDS = 15

# Words that an error message about a failed login says in French, and English words that
# must not appear in it.
FRENCH_LOGIN_ERROR = re.compile(
    r"mot de passe|identifiant|adresse|courriel|e-mail|incorrect|invalide|erron|"
    r"connexion|échec|reconnu|inconnu",
    re.IGNORECASE,
)
ENGLISH_WORDS = re.compile(
    r"\b(the|password|invalid|wrong|failed|unknown|sign in|log in)\b", re.IGNORECASE
)


# --------------------------------------------------------------------------- helpers


def wait(driver, timeout: float = WAIT_SECONDS) -> WebDriverWait:
    # A page being replaced (form submitted, redirect followed) may make an element stale
    # or a script fail for a moment: keep polling until the timeout.
    return WebDriverWait(
        driver,
        timeout,
        ignored_exceptions=(
            NoSuchElementException,
            StaleElementReferenceException,
            JavascriptException,
        ),
    )


def path_of(driver) -> str:
    return urlparse(driver.current_url).path


def wait_for_path(driver, path: str) -> None:
    try:
        wait(driver).until(lambda d: path_of(d) == path)
    except Exception as err:
        raise AssertionError(
            f"expected to be on {path}, still on {driver.current_url}"
        ) from err


def html_lang(driver) -> str:
    return driver.execute_script("return document.documentElement.getAttribute('lang');") or ""


def wait_for_lang(driver, lang: str) -> None:
    try:
        wait(driver).until(lambda d: html_lang(d) == lang)
    except Exception as err:
        raise AssertionError(
            f'expected <html lang="{lang}">, got lang="{html_lang(driver)}" on {driver.current_url}'
        ) from err


def h1_text(driver) -> str:
    return wait(driver).until(EC.visibility_of_element_located((By.TAG_NAME, "h1"))).text.strip()


def submit_login(driver, base_url: str, email: str, password: str) -> None:
    driver.get(f"{base_url}/login")
    form = wait(driver).until(EC.presence_of_element_located((By.ID, "login-form")))
    assert (form.get_attribute("method") or "").lower() == "post"
    assert path_of_url(form.get_attribute("action")) == "/login"
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()


def path_of_url(url: str | None) -> str:
    return urlparse(url or "").path


def choose_language(driver, base_url: str, locale: str) -> None:
    driver.get(f"{base_url}/profile")
    form = wait(driver).until(EC.presence_of_element_located((By.ID, "language-form")))
    assert path_of_url(form.get_attribute("action")) == "/profile/language"
    select = Select(driver.find_element(By.ID, "locale"))
    values = sorted(o.get_attribute("value") for o in select.options)
    assert values == ["en", "fr"], f"language options: {values}"
    select.select_by_value(locale)
    driver.find_element(By.ID, "language-submit").click()
    wait_for_lang(driver, locale)
    wait_for_path(driver, "/profile")


def session_for(driver) -> requests.Session:
    """A requests session carrying the browser's cookies (the logged-in session)."""
    s = requests.Session()
    for c in driver.get_cookies():
        s.cookies.set(c["name"], c["value"], domain=c.get("domain", ""), path=c.get("path", "/"))
    return s


def assert_problem(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text[:500]}"
    )
    ctype = response.headers.get("Content-Type", "")
    assert ctype.split(";")[0].strip() == "application/problem+json", (
        f"Content-Type: {ctype!r}"
    )
    body = response.json()
    assert body.get("status") == status, body
    assert isinstance(body.get("title"), str) and body["title"], body
    assert isinstance(body.get("type"), str) and body["type"], body
    return body


class _FormFields(HTMLParser):
    """Collects the inputs (name -> value) of the form with a given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        elif tag == "input" and self.inside and a.get("name"):
            self.fields[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


class _RoleAlertText(HTMLParser):
    """Collects the text inside elements with role="alert"."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "area", "col"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("role") == "alert":
            self.depth = 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def assert_french_login_error(message: str) -> None:
    message = " ".join(message.split())
    assert message, "the error element is empty"
    assert FRENCH_LOGIN_ERROR.search(message), f"not a French login error: {message!r}"
    assert not ENGLISH_WORDS.search(message), f"English words in the error: {message!r}"


# --------------------------------------------------------------------------- tests


def test_login_page_is_french_and_accessible(browser, base_url, axe):
    browser.get(f"{base_url}/login")
    assert path_of(browser) == "/login"
    assert html_lang(browser) == "fr"
    heading = h1_text(browser)
    assert heading, "the login page has no <h1> text"
    assert heading.lower() not in {"login", "log in", "sign in"}, heading
    assert browser.find_element(By.ID, "login-submit").text.strip() == "Se connecter"
    email = browser.find_element(By.ID, "email")
    password = browser.find_element(By.ID, "password")
    assert email.get_attribute("name") == "email"
    assert password.get_attribute("name") == "password"
    assert password.get_attribute("type") == "password"
    csrf = browser.find_elements(By.CSS_SELECTOR, '#login-form input[name="_csrf"]')
    assert len(csrf) == 1 and csrf[0].get_attribute("type") == "hidden"
    assert csrf[0].get_attribute("value"), "the _csrf field is empty"
    axe.assert_no_violations("login page")


def test_login_home_language_switch_and_logout(browser, base_url, axe):
    submit_login(browser, base_url, COORDINATOR_EMAIL, DEMO_PASSWORD)
    wait_for_path(browser, "/")
    assert h1_text(browser) == f"Bonjour, {COORDINATOR_NAME}"
    assert html_lang(browser) == "fr"
    navs = browser.find_elements(By.CSS_SELECTOR, 'nav[aria-label="Navigation principale"]')
    assert len(navs) == 1, "home has no <nav aria-label=\"Navigation principale\">"
    assert browser.find_element(By.ID, "logout-button").text.strip() == "Se déconnecter"
    axe.assert_no_violations("home page (fr)")

    # The browser's session cookie authenticates the JSON API too.
    me = session_for(browser).get(f"{base_url}/api/v1/me", timeout=10)
    assert me.status_code == 200, me.text[:500]
    body = me.json()
    assert body["email"] == COORDINATOR_EMAIL
    assert body["name"] == COORDINATOR_NAME
    assert body["locale"] == "fr"

    switched = True  # from here on, the account may be in English
    try:
        choose_language(browser, base_url, "en")
        browser.get(f"{base_url}/")
        wait_for_lang(browser, "en")
        assert h1_text(browser) == f"Hello, {COORDINATOR_NAME}"
        assert browser.find_element(By.ID, "logout-button").text.strip() == "Log out"
        assert session_for(browser).get(f"{base_url}/api/v1/me", timeout=10).json()["locale"] == "en"
        axe.assert_no_violations("home page (en)")

        # Back to French, so that the demo account is as it was and the test can run again.
        choose_language(browser, base_url, "fr")
        switched = False
    finally:
        if switched:
            # The test already failed; only try to put the account back in French.
            try:
                choose_language(browser, base_url, "fr")
            except Exception as err:  # noqa: BLE001 - cleanup must not hide the failure
                print(f"could not switch the demo account back to French: {err!r}")

    browser.get(f"{base_url}/")
    assert h1_text(browser) == f"Bonjour, {COORDINATOR_NAME}"
    cookies_before_logout = session_for(browser)

    browser.find_element(By.ID, "logout-button").click()
    wait_for_path(browser, "/login")
    assert html_lang(browser) == "fr"
    # The session that was logged out no longer authenticates.
    assert_problem(cookies_before_logout.get(f"{base_url}/api/v1/me", timeout=10), 401)


def test_wrong_password_shows_french_error(browser, base_url):
    submit_login(browser, base_url, COORDINATOR_EMAIL, "not-the-password")
    alert = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, '[role="alert"]'))
    )
    assert_french_login_error(alert.text)
    assert path_of(browser) == "/login"
    assert html_lang(browser) == "fr"
    assert not browser.find_elements(By.ID, "logout-button"), "logged in with a wrong password"


def test_wrong_password_answers_401(base_url):
    s = requests.Session()
    page = s.get(f"{base_url}/login", timeout=10)
    assert page.status_code == 200
    parser = _FormFields("login-form")
    parser.feed(page.text)
    assert "_csrf" in parser.fields, f"no _csrf field in #login-form: {parser.fields}"
    form = dict(parser.fields, email=OTHER_EMAIL, password="not-the-password")
    r = s.post(f"{base_url}/login", data=form, allow_redirects=False, timeout=10)
    assert r.status_code == 401, f"expected 401, got {r.status_code}"
    alerts = _RoleAlertText()
    alerts.feed(r.text)
    assert alerts.texts, 'no role="alert" element on the 401 page'
    assert_french_login_error(" ".join(alerts.texts))


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-valid-token"}],
    ids=["no-credentials", "bogus-bearer-token"],
)
def test_api_me_requires_authentication(base_url, headers):
    r = requests.get(f"{base_url}/api/v1/me", headers=headers, timeout=10)
    assert_problem(r, 401)


def test_healthz(base_url):
    r = requests.get(f"{base_url}/healthz", timeout=10)
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body.get("status") == "ok" and body.get("database") == "ok", body
