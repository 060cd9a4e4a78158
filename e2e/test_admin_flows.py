"""End-to-end tests of the network administration flows, page accessibility and tenancy.

Runs against a server seeded with the demo data (`seed --demo`), at MAILLAGE_BASE_URL.
Every run creates its own territory, cooperative and invited people (names and emails carry
a random suffix), so the file can run again and again against the same server. No test
types a wrong password: the login throttle would lock the demo accounts.
"""

from __future__ import annotations

import re
import secrets
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from test_foundation import (
    DEMO_PASSWORD,
    _FormFields,
    h1_text,
    html_lang,
    path_of,
    submit_login,
    wait,
    wait_for_path,
)

ADMIN_EMAIL = "admin@maillage.example"
ADMIN_NAME = "Nadia Benali"
CAILLOLS_COORDINATOR = "coordination@maillage.example"
CAILLOLS_NAME = "Coopérative d'habitants des Caillols"
AVIGNON_NAME = "Coopérative d'habitants d'Avignon"

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# English words that must not appear on a French page's heading or message.
ENGLISH_WORDS = re.compile(
    r"\b(the|not found|forbidden|denied|error|permission|sorry|back to|home page|"
    r"you|your|invalid|required|must|access)\b",
    re.IGNORECASE,
)
FRENCH_NOT_FOUND = re.compile(r"introuvable|n'existe pas|n’existe pas|inexistant", re.IGNORECASE)
FRENCH_FORBIDDEN = re.compile(r"accès refusé|refusé|interdit|ne permet pas|pas autorisé", re.IGNORECASE)


# --------------------------------------------------------------------------- helpers


def unique_suffix() -> str:
    return secrets.token_hex(4)


def login(browser, base_url: str, email: str) -> None:
    submit_login(browser, base_url, email, DEMO_PASSWORD)
    wait_for_path(browser, "/")


def wait_for_path_matching(driver, pattern: str) -> re.Match:
    regex = re.compile(pattern)
    try:
        wait(driver).until(lambda d: regex.fullmatch(path_of(d)))
    except Exception as err:
        raise AssertionError(
            f"expected a path matching {pattern}, still on {driver.current_url}"
        ) from err
    return regex.fullmatch(path_of(driver))


def form_with_action(driver, action: str):
    """The form whose action is `action` (the page also has the logout form)."""
    return wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, f'main form[action="{action}"]'))
    )


def submit_form(form) -> None:
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()


def fill(driver, field_id: str, value: str) -> None:
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def text_of(driver, css: str) -> str:
    return " ".join(
        wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css))).text.split()
    )


def nav_hrefs(driver) -> list[str]:
    links = driver.find_elements(
        By.CSS_SELECTOR, 'nav[aria-label="Navigation principale"] a[href]'
    )
    return [urlparse(a.get_attribute("href")).path for a in links]


def assert_french(text: str, what: str) -> None:
    text = " ".join(text.split())
    assert text, f"{what} is empty"
    assert not ENGLISH_WORDS.search(text), f"English words in {what}: {text!r}"


def api_session(base_url: str, email: str) -> requests.Session:
    """A requests session logged in through the login form (with its CSRF token)."""
    s = requests.Session()
    page = s.get(f"{base_url}/login", timeout=10)
    assert page.status_code == 200, page.status_code
    fields = _FormFields("login-form")
    fields.feed(page.text)
    assert "_csrf" in fields.fields, f"no _csrf in #login-form: {fields.fields}"
    r = s.post(
        f"{base_url}/login",
        data=dict(fields.fields, email=email, password=DEMO_PASSWORD),
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code in (302, 303), f"login of {email}: {r.status_code} {r.text[:300]}"
    me = s.get(f"{base_url}/api/v1/me", timeout=10)
    assert me.status_code == 200 and me.json()["email"] == email, me.text[:300]
    return s


def csrf_of(session: requests.Session, base_url: str) -> str:
    """The session's CSRF token, read from the logout form of its home page."""
    page = session.get(f"{base_url}/", timeout=10)
    match = re.search(r'name="_csrf" value="([^"]+)"', page.text) or re.search(
        r'value="([^"]+)" name="_csrf"', page.text
    )
    assert match, "no _csrf field on the home page"
    return match.group(1)


def all_items(session: requests.Session, url: str) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        params = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        r = session.get(url, params=params, timeout=10)
        assert r.status_code == 200, f"{url}: {r.status_code} {r.text[:300]}"
        body = r.json()
        items.extend(body["items"])
        cursor = body.get("nextCursor")
        if not cursor:
            return items


@pytest.fixture(scope="module")
def demo_ids(base_url) -> dict[str, str]:
    """Ids of the demo cooperatives (and the Caillols territory), read through the API."""
    admin = api_session(base_url, ADMIN_EMAIL)
    coops = {c["name"]: c for c in all_items(admin, f"{base_url}/api/v1/coops")}
    for name in (CAILLOLS_NAME, AVIGNON_NAME):
        assert name in coops, f"demo cooperative {name!r} missing: {sorted(coops)}"
    return {
        "caillols": coops[CAILLOLS_NAME]["id"].lower(),
        "caillols_territory": coops[CAILLOLS_NAME]["territoryID"].lower(),
        "avignon": coops[AVIGNON_NAME]["id"].lower(),
    }


class _AlertText(HTMLParser):
    """Text of the first <h1> and of every role="alert" element."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "area", "col"}

    def __init__(self) -> None:
        super().__init__()
        self.h1: str | None = None
        self._in_h1 = False
        self._alert_depth = 0
        self.alerts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "h1" and self.h1 is None:
            self._in_h1 = True
            self.h1 = ""
        if tag in self.VOID:
            return
        if self._alert_depth:
            self._alert_depth += 1
        elif dict(attrs).get("role") == "alert":
            self._alert_depth = 1
            self.alerts.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        if self._alert_depth and tag not in self.VOID:
            self._alert_depth -= 1

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data
        if self._alert_depth:
            self.alerts[-1] += data


def parse_page(html: str) -> _AlertText:
    parser = _AlertText()
    parser.feed(html)
    return parser


# --------------------------------------------------------------------------- 1. the admin flow


def test_admin_creates_territory_and_coop_then_invitee_joins(browser, base_url, axe):
    suffix = unique_suffix()
    territory_name = f"Quartier e2e {suffix}"
    coop_name = f"Coopérative e2e {suffix}"
    invitee_email = f"invite.{suffix}@maillage.example"
    invitee_name = f"Inès Testeuse {suffix}"
    password = f"Tournesol-{suffix}-Vert"

    login(browser, base_url, ADMIN_EMAIL)
    assert h1_text(browser) == f"Bonjour, {ADMIN_NAME}"

    # --- A QPV territory with an invalid QPV code: French errors, typed values kept.
    browser.get(f"{base_url}/territories/new")
    form = form_with_action(browser, "/territories/new")
    assert (form.get_attribute("method") or "").lower() == "post"
    fill(browser, "name", territory_name)
    Select(browser.find_element(By.ID, "kind")).select_by_value("qpv")
    fill(browser, "qpvCode", "QX12")
    fill(browser, "communeCodes", "13212")
    submit_form(form)

    summary = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, 'main [role="alert"]'))
    )
    assert path_of(browser) == "/territories/new"
    assert html_lang(browser) == "fr"
    summary_text = " ".join(summary.text.split())
    assert "code QPV" in summary_text, f"the error summary does not name the QPV code: {summary_text!r}"
    assert_french(summary_text, "the error summary")
    summary_links = [
        a.get_attribute("href") for a in summary.find_elements(By.CSS_SELECTOR, "a[href]")
    ]
    assert any(urlparse(h).fragment == "qpvCode" for h in summary_links), summary_links
    field_error = text_of(browser, "#qpvCode-error")
    assert "QN01306M" in field_error and "code QPV" in field_error, field_error
    assert_french(field_error, "the QPV code's message")
    qpv_input = browser.find_element(By.ID, "qpvCode")
    assert qpv_input.get_attribute("aria-invalid") == "true"
    assert "qpvCode-error" in (qpv_input.get_attribute("aria-describedby") or "").split()
    assert browser.find_element(By.ID, "name").get_attribute("value") == territory_name
    assert qpv_input.get_attribute("value") == "QX12"
    assert Select(browser.find_element(By.ID, "kind")).first_selected_option.get_attribute(
        "value"
    ) == "qpv"
    assert not browser.find_elements(By.ID, "name-error"), "the valid name is flagged"
    axe.assert_no_violations("territory form with errors")

    # --- The same form, corrected: the territory is created and shown.
    form = form_with_action(browser, "/territories/new")
    fill(browser, "qpvCode", "QN04101M")
    submit_form(form)
    territory_id = wait_for_path_matching(browser, rf"/territories/({UUID})").group(1)
    assert h1_text(browser) == territory_name
    facts = text_of(browser, "main dl.facts")
    assert "QN04101M" in facts, f"the QPV code is not shown: {facts!r}"
    assert "13212" in facts, f"the commune code is not shown: {facts!r}"
    assert "Quartier prioritaire (QPV)" in facts, facts

    # The territory appears in the list.
    browser.get(f"{base_url}/territories")
    links = browser.find_elements(By.CSS_SELECTOR, f'main a[href="/territories/{territory_id}"]')
    assert [a.text.strip() for a in links] == [territory_name]

    # --- A cooperative in that territory.
    browser.get(f"{base_url}/coops/new")
    form = form_with_action(browser, "/coops/new")
    fill(browser, "name", coop_name)
    territory_select = Select(browser.find_element(By.ID, "territoryID"))
    territory_select.select_by_visible_text(territory_name)
    assert territory_select.first_selected_option.get_attribute("value").lower() == territory_id
    Select(browser.find_element(By.ID, "legalForm")).select_by_value("scic")
    Select(browser.find_element(By.ID, "stage")).select_by_value("prefiguration")
    fill(browser, "address", "12 rue des Essais, 13012 Marseille")
    submit_form(form)
    coop_id = wait_for_path_matching(browser, rf"/coops/({UUID})").group(1)
    assert h1_text(browser) == coop_name
    facts = text_of(browser, "main dl.facts")
    assert territory_name in facts and "Préfiguration" in facts and "SCIC" in facts, facts

    # The territory page lists its new cooperative.
    browser.get(f"{base_url}/territories/{territory_id}")
    links = browser.find_elements(By.CSS_SELECTOR, f'main a[href="/coops/{coop_id}"]')
    assert [a.text.strip() for a in links] == [coop_name]

    # --- Invite a new person as staff of the cooperative.
    browser.get(f"{base_url}/coops/{coop_id}/access")
    form = wait(browser).until(EC.presence_of_element_located((By.ID, "invite-form")))
    assert path_of(browser) == f"/coops/{coop_id}/access"
    fill(browser, "email", invitee_email)
    fill(browser, "name", invitee_name)
    Select(browser.find_element(By.ID, "role")).select_by_value("staff")
    browser.find_element(By.ID, "invite-submit").click()
    link = text_of(browser, "#invitation-link")
    assert re.fullmatch(rf"{re.escape(base_url)}/invitations/[A-Za-z0-9_\-]{{16,}}", link), link
    assert path_of(browser) == f"/coops/{coop_id}/access"

    # --- The invitee, in a fresh session, accepts the invitation.
    browser.delete_all_cookies()
    browser.get(link)
    assert h1_text(browser) == "Rejoindre Maillage"
    assert html_lang(browser) == "fr"
    page_text = browser.find_element(By.TAG_NAME, "main").text
    assert invitee_email in page_text, "the invitation page does not show the invited address"
    assert "Équipe (caisse, cuisine, achats)" in page_text, "the invited role is not shown"
    assert browser.find_element(By.ID, "name").get_attribute("value") == invitee_name
    assert not browser.find_elements(By.ID, "logout-button"), "the fresh session is logged in"
    invitation_path = urlparse(link).path
    form = form_with_action(browser, invitation_path)
    fill(browser, "password", password)
    fill(browser, "confirmation", password)
    submit_form(form)
    wait_for_path(browser, "/")
    assert h1_text(browser) == f"Bonjour, {invitee_name}"
    hrefs = nav_hrefs(browser)
    assert hrefs, "the new account's home page has no main navigation"
    assert "/admin/users" not in hrefs, f"a staff member is offered /admin/users: {hrefs}"
    assert "/admin/audit" not in hrefs and "/territories" not in hrefs, hrefs
    assert "Équipe (caisse, cuisine, achats)" in browser.find_element(By.TAG_NAME, "main").text

    # The new staff member sees the cooperative, and only the roles it was given.
    browser.get(f"{base_url}/coops/{coop_id}")
    assert h1_text(browser) == coop_name
    assert not browser.find_elements(
        By.CSS_SELECTOR, f'main a[href="/coops/{coop_id}/access"]'
    ), "a staff member is offered the access page"

    # The link served once: opening it again is a French "not found" page.
    browser.get(link)
    heading = h1_text(browser)
    assert FRENCH_NOT_FOUND.search(heading), heading
    assert_french(heading, "the used invitation's heading")


def test_invalid_territory_form_answers_422(base_url):
    admin = api_session(base_url, ADMIN_EMAIL)
    name = f"Quartier invalide {unique_suffix()}"
    r = admin.post(
        f"{base_url}/territories/new",
        data={"_csrf": csrf_of(admin, base_url), "name": name, "kind": "qpv", "qpvCode": "QX12"},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 422, f"expected 422, got {r.status_code}"
    assert r.headers.get("Content-Type", "").startswith("text/html"), r.headers.get("Content-Type")
    page = parse_page(r.text)
    assert page.alerts and "code QPV" in " ".join(page.alerts), page.alerts
    # Nothing was created.
    names = [t["name"] for t in all_items(admin, f"{base_url}/api/v1/territories")]
    assert name not in names


# --------------------------------------------------------------------------- 2. accessibility


ADMIN_PAGES = [
    ("home", "/"),
    ("territories", "/territories"),
    ("new territory", "/territories/new"),
    ("territory", "/territories/{caillols_territory}"),
    ("cooperatives", "/coops"),
    ("new cooperative", "/coops/new"),
    ("cooperative", "/coops/{caillols}"),
    ("cooperative edit", "/coops/{caillols}/edit"),
    ("cooperative access", "/coops/{caillols}/access"),
    ("users", "/admin/users"),
    ("audit log", "/admin/audit"),
    ("profile", "/profile"),
]


@pytest.mark.parametrize("label,template", ADMIN_PAGES, ids=[p[0] for p in ADMIN_PAGES])
def test_admin_page_is_accessible(browser, base_url, axe, demo_ids, label, template):
    login(browser, base_url, ADMIN_EMAIL)
    path = template.format(**demo_ids)
    browser.get(f"{base_url}{path}")
    assert path_of(browser) == path, f"{label}: landed on {browser.current_url}"
    assert html_lang(browser) == "fr"
    assert h1_text(browser), f"{label}: no <h1>"
    assert not browser.find_elements(By.CSS_SELECTOR, 'main [role="alert"]'), (
        f"{label}: the page shows an error"
    )
    axe.assert_no_violations(f"{label} page (network admin)")


def test_invitation_pages_are_accessible(browser, base_url, axe):
    """/admin/users showing a new link, the anonymous invitation page, and its error state."""
    suffix = unique_suffix()
    login(browser, base_url, ADMIN_EMAIL)
    browser.get(f"{base_url}/admin/users")
    wait(browser).until(EC.presence_of_element_located((By.ID, "invite-form")))
    fill(browser, "email", f"a11y.{suffix}@maillage.example")
    fill(browser, "name", f"Personne a11y {suffix}")
    Select(browser.find_element(By.ID, "role")).select_by_value("staff")
    Select(browser.find_element(By.ID, "scope")).select_by_visible_text(
        f"Coopérative : {CAILLOLS_NAME}"
    )
    browser.find_element(By.ID, "invite-submit").click()
    link = text_of(browser, "#invitation-link")
    assert f"{base_url}/invitations/" in link, link
    axe.assert_no_violations("users page showing an invitation link")

    browser.delete_all_cookies()
    browser.get(link)
    assert h1_text(browser) == "Rejoindre Maillage"
    assert not browser.find_elements(By.ID, "logout-button")
    axe.assert_no_violations("invitation page (anonymous)")

    # Mismatched confirmation: a French error, and the page stays accessible.
    form = form_with_action(browser, urlparse(link).path)
    fill(browser, "password", f"Tournesol-{suffix}-Vert")
    fill(browser, "confirmation", f"Tournesol-{suffix}-Bleu")
    submit_form(form)
    summary = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, 'main [role="alert"]'))
    )
    assert_french(summary.text, "the invitation form's error summary")
    assert path_of(browser) == urlparse(link).path
    assert browser.find_element(By.ID, "confirmation").get_attribute("aria-invalid") == "true"
    axe.assert_no_violations("invitation page with errors (anonymous)")


# --------------------------------------------------------------------------- 3. tenancy


def test_coordinator_cannot_reach_another_cooperative(browser, base_url, axe, demo_ids):
    avignon = demo_ids["avignon"]

    # Status codes, through the coordinator's own session.
    coordinator = api_session(base_url, CAILLOLS_COORDINATOR)
    for path in (f"/coops/{avignon}", f"/coops/{avignon}/edit", f"/coops/{avignon}/access"):
        r = coordinator.get(f"{base_url}{path}", allow_redirects=False, timeout=10)
        assert r.status_code == 404, f"{path}: expected 404, got {r.status_code}"
        assert AVIGNON_NAME not in r.text, f"{path}: the 404 page leaks the cooperative's name"
    # Writing is refused the same way (with a valid CSRF token).
    suffix = unique_suffix()
    r = coordinator.post(
        f"{base_url}/coops/{avignon}/access",
        data={
            "_csrf": csrf_of(coordinator, base_url),
            "email": f"intrus.{suffix}@maillage.example",
            "name": f"Intrus {suffix}",
            "role": "staff",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 404, f"POST access of another cooperative: {r.status_code}"
    assert "invitation-link" not in r.text
    assert coordinator.get(f"{base_url}/api/v1/coops/{avignon}", timeout=10).status_code == 404

    # The same, in the browser: a French 404 page.
    login(browser, base_url, CAILLOLS_COORDINATOR)
    browser.get(f"{base_url}/coops")
    coop_links = browser.find_elements(By.CSS_SELECTOR, 'main a[href^="/coops/"]')
    names = [a.text.strip() for a in coop_links]
    assert CAILLOLS_NAME in names and AVIGNON_NAME not in names, names

    browser.get(f"{base_url}/coops/{avignon}")
    assert html_lang(browser) == "fr"
    heading = h1_text(browser)
    assert FRENCH_NOT_FOUND.search(heading), f"not a French 'not found' heading: {heading!r}"
    assert_french(heading, "the 404 heading")
    message = text_of(browser, 'main [role="alert"]')
    assert_french(message, "the 404 message")
    assert AVIGNON_NAME not in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, 'main a[href="/"]'), "no way back home"
    axe.assert_no_violations("404 page (coordinator, other cooperative)")


def test_coordinator_is_refused_admin_pages(browser, base_url, axe):
    coordinator = api_session(base_url, CAILLOLS_COORDINATOR)
    for path in ("/admin/users", "/admin/audit", "/territories", "/territories/new", "/coops/new"):
        r = coordinator.get(f"{base_url}{path}", allow_redirects=False, timeout=10)
        assert r.status_code == 403, f"{path}: expected 403, got {r.status_code}"
        page = parse_page(r.text)
        assert page.h1 and FRENCH_FORBIDDEN.search(page.h1), f"{path}: heading {page.h1!r}"
        assert_french(page.h1, f"the heading of {path}")
        assert page.alerts, f'{path}: no role="alert" message'
        assert_french(" ".join(page.alerts), f"the message of {path}")
    r = coordinator.post(
        f"{base_url}/admin/invitations",
        data={
            "_csrf": csrf_of(coordinator, base_url),
            "email": f"intrus.{unique_suffix()}@maillage.example",
            "name": "Intrus",
            "role": "network-admin",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 403, f"POST /admin/invitations: {r.status_code}"
    assert "invitation-link" not in r.text

    login(browser, base_url, CAILLOLS_COORDINATOR)
    assert "/admin/users" not in nav_hrefs(browser)
    browser.get(f"{base_url}/admin/users")
    assert html_lang(browser) == "fr"
    heading = h1_text(browser)
    assert FRENCH_FORBIDDEN.search(heading), f"not a French 'forbidden' heading: {heading!r}"
    assert_french(heading, "the 403 heading")
    assert_french(text_of(browser, 'main [role="alert"]'), "the 403 message")
    assert not browser.find_elements(By.ID, "invite-form"), "the invite form is shown"
    axe.assert_no_violations("403 page (coordinator, /admin/users)")
