"""End-to-end tests of referrals (orientations) and pathways (parcours).

Runs against a server seeded with the demo data (`seed --demo`), at MAILLAGE_BASE_URL.
Every referral created here carries a random last name, so the file can run again and
again against the same server. No test types a wrong password: the login throttle would
lock the demo accounts.

The demo accounts used (README): the referrer Mehdi Belkacem and the coordinator Claire
Martin, both on the Caillols cooperative; the cooperative's staff and funder, who must not
see people's files; the Avignon coordinator, for whom the Caillols cooperative does not
exist.
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import date, datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_admin_flows import (
    ADMIN_EMAIL,
    AVIGNON_NAME,
    CAILLOLS_NAME,
    FRENCH_FORBIDDEN,
    FRENCH_NOT_FOUND,
    UUID,
    all_items,
    api_session,
    assert_french,
    csrf_of,
    fill,
    login,
    parse_page,
    text_of,
    wait_for_path_matching,
)
from test_foundation import (
    WAIT_SECONDS,
    h1_text,
    html_lang,
    path_of,
    session_for,
    wait,
    wait_for_path,
)

REFERRER_EMAIL = "orientation@maillage.example"
REFERRER_NAME = "Mehdi Belkacem"
COORDINATOR_EMAIL = "coordination@maillage.example"
COORDINATOR_NAME = "Claire Martin"
STAFF_EMAIL = "caisse@maillage.example"
FUNDER_EMAIL = "financeur@maillage.example"
AVIGNON_COORDINATOR_EMAIL = "coordination.avignon@maillage.example"

# Last names of the people this file refers start with this, so that the demo's own people
# can be told apart from the ones earlier runs left behind.
TEST_NAME_PREFIX = "Essai"

# Demo people whose pathway the demo opens (DemoPathways.swift).
DEMO_PATHWAY_PEOPLE = {"Jonathan Petit", "Fatou Diallo", "Nadia Rahmani", "Kevin Martin", "Samia Kaci"}


# --------------------------------------------------------------------------- helpers


def unique_last_name() -> str:
    letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    return f"{TEST_NAME_PREFIX}{letters.capitalize()}"


def paris_today() -> date:
    """The server counts days in Paris (CalendarDay.today)."""
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def add_months(day: date, months: int) -> date:
    """Same day `months` later, moved back to the month's last day when needed."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def logout(browser) -> None:
    browser.find_element(By.ID, "logout-button").click()
    wait_for_path(browser, "/login")
    assert not browser.find_elements(By.ID, "logout-button"), "still logged in after logout"


def main_text(browser) -> str:
    return " ".join(browser.find_element(By.TAG_NAME, "main").text.split())


def facts_of(browser) -> dict[str, str]:
    """The <dt>/<dd> pairs of every fact list in <main>."""
    facts: dict[str, str] = {}
    for dl in browser.find_elements(By.CSS_SELECTOR, "main dl"):
        terms = dl.find_elements(By.TAG_NAME, "dt")
        values = dl.find_elements(By.TAG_NAME, "dd")
        assert len(terms) == len(values), f"unbalanced <dl>: {dl.get_attribute('outerHTML')[:300]}"
        for dt, dd in zip(terms, values):
            facts[" ".join(dt.text.split())] = " ".join(dd.text.split())
    return facts


def error_summary(browser) -> str:
    summary = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, 'main [role="alert"]'))
    )
    return " ".join(summary.text.split())


def without_browser_validation(browser, form_id: str) -> None:
    """Lets a form reach the server with required fields left empty (server-side checks)."""
    browser.execute_script("document.getElementById(arguments[0]).noValidate = true;", form_id)


def set_date(browser, field_id: str, day: date) -> None:
    """A date input's value, as the browser submits it (YYYY-MM-DD, whatever the locale)."""
    element = browser.find_element(By.ID, field_id)
    assert element.get_attribute("type") == "date", f"#{field_id} is not a date input"
    browser.execute_script("arguments[0].value = arguments[1];", element, day.isoformat())


def click_and_wait_for_new_page(browser, element_id: str) -> None:
    """Clicks a submit button and waits until another document is loaded.

    The old document is marked with a window property, which the new one lacks. (Selenium's
    staleness check on the button may fail with an inspector error while the page is being
    replaced, hence this check, retried through WebDriver errors.)
    """
    browser.execute_script("window.__maillageOldPage = true;")
    browser.find_element(By.ID, element_id).click()
    WebDriverWait(browser, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return !window.__maillageOldPage && document.readyState === 'complete';"
        )
    )
    wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))


def table_rows(browser) -> dict[str, list[str]]:
    """Rows of the page's table: person's name -> the row's cells."""
    rows: dict[str, list[str]] = {}
    for tr in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
        cells = [" ".join(td.text.split()) for td in tr.find_elements(By.TAG_NAME, "td")]
        if cells:
            rows[cells[0]] = cells
    return rows


def person_link(browser, full_name: str):
    links = [
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "main table a[href]")
        if " ".join(a.text.split()) == full_name
    ]
    assert len(links) == 1, f"expected one link to {full_name!r}, found {len(links)}"
    return links[0]


def open_referrals_from_home(browser, base_url: str, coop_id: str, label: str) -> None:
    """Follows the home page's link to the cooperative's referrals."""
    browser.get(f"{base_url}/")
    wait_for_path(browser, "/")
    href = f"/coops/{coop_id}/referrals"
    links = [
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "main a[href]")
        if urlparse(a.get_attribute("href")).path == href
        and not a.find_elements(By.XPATH, "ancestor::ul[contains(@class, 'todo-list')]")
    ]
    assert [" ".join(a.text.split()) for a in links] == [label], (
        f"home page links to {href}: {[a.text for a in links]}"
    )
    links[0].click()
    wait_for_path(browser, href)
    assert h1_text(browser) == label


def fill_referral(browser, person: dict, consent: bool) -> None:
    fill(browser, "firstName", person["firstName"])
    fill(browser, "lastName", person["lastName"])
    fill(browser, "birthYear", person["birthYear"])
    fill(browser, "contact", person["contact"])
    fill(browser, "commune", person["commune"])
    fill(browser, "qpvCode", person["qpvCode"])
    Select(browser.find_element(By.ID, "situationAtEntry")).select_by_value(person["situationAtEntry"])
    Select(browser.find_element(By.ID, "educationLevel")).select_by_value(person["educationLevel"])
    fill(browser, "reason", person["reason"])
    for barrier in person["barriers"]:
        box = browser.find_element(By.ID, f"barriers-{barrier}")
        if not box.is_selected():
            box.click()
    fill(browser, "preferredContact", person["preferredContact"])
    consent_box = browser.find_element(By.ID, "consent")
    if consent_box.is_selected() != consent:
        consent_box.click()
    if person.get("consentDate"):
        set_date(browser, "consentDate", person["consentDate"])


def new_person(first_name: str = "Léa") -> dict:
    return {
        "firstName": first_name,
        "lastName": unique_last_name(),
        "birthYear": "1988",
        "contact": "06 12 34 56 78",
        "commune": "Marseille",
        "qpvCode": "QN01306M",
        "situationAtEntry": "rsa",
        "educationLevel": "cap_bep",
        "reason": "Souhaite reprendre une activité près de chez elle, en cuisine.",
        "barriers": ["mobility", "childcare"],
        "preferredContact": "Par téléphone, le matin",
        "consentDate": paris_today(),
    }


def full_name(person: dict) -> str:
    return f"{person['firstName']} {person['lastName']}"


def send_referral(browser, base_url: str, coop_id: str, person: dict) -> str:
    """The referrer (logged in) sends a referral through the form; returns its id."""
    browser.get(f"{base_url}/coops/{coop_id}/referrals/new")
    wait(browser).until(EC.presence_of_element_located((By.ID, "referral-form")))
    fill_referral(browser, person, consent=True)
    browser.find_element(By.ID, "referral-submit").click()
    referral_id = wait_for_path_matching(
        browser, rf"/coops/{coop_id}/referrals/({UUID})"
    ).group(1)
    assert h1_text(browser) == f"Orientation de {full_name(person)}"
    return referral_id


def assert_forbidden_page(response, path: str) -> None:
    assert response.status_code == 403, f"{path}: expected 403, got {response.status_code}"
    assert response.headers.get("Content-Type", "").startswith("text/html"), (
        f"{path}: {response.headers.get('Content-Type')}"
    )
    page = parse_page(response.text)
    assert page.h1 and FRENCH_FORBIDDEN.search(page.h1), f"{path}: heading {page.h1!r}"
    assert_french(page.h1, f"the heading of {path}")
    assert page.alerts, f'{path}: no role="alert" message'
    assert_french(" ".join(page.alerts), f"the message of {path}")
    assert '<html lang="fr"' in response.text, f"{path}: not a French page"


def assert_not_found_page(response, path: str) -> None:
    assert response.status_code == 404, f"{path}: expected 404, got {response.status_code}"
    page = parse_page(response.text)
    assert page.h1 and FRENCH_NOT_FOUND.search(page.h1), f"{path}: heading {page.h1!r}"
    assert_french(page.h1, f"the heading of {path}")
    assert page.alerts, f'{path}: no role="alert" message'
    assert_french(" ".join(page.alerts), f"the message of {path}")


def status_in(html: str) -> str | None:
    """The referral's "État" fact, in a referral page's HTML."""
    match = re.search(r"<dt>État</dt><dd>([^<]*)</dd>", html)
    return match.group(1) if match else None


def links_in(html: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(rf'href="({pattern})"', html)))


@pytest.fixture(scope="module")
def coop_id(base_url) -> str:
    """The Caillols cooperative's id, read through the admin's API."""
    admin = api_session(base_url, ADMIN_EMAIL)
    coops = {c["name"]: c for c in all_items(admin, f"{base_url}/api/v1/coops")}
    assert CAILLOLS_NAME in coops, f"demo cooperative {CAILLOLS_NAME!r} missing: {sorted(coops)}"
    assert AVIGNON_NAME in coops, f"demo cooperative {AVIGNON_NAME!r} missing: {sorted(coops)}"
    return coops[CAILLOLS_NAME]["id"].lower()


@pytest.fixture(scope="module")
def demo_pathway_path(base_url, coop_id) -> str:
    """The page of one of the demo's pathways, picked from the coordinator's list."""
    coordinator = api_session(base_url, COORDINATOR_EMAIL)
    r = coordinator.get(f"{base_url}/coops/{coop_id}/pathways", timeout=10)
    assert r.status_code == 200, f"pathways list: {r.status_code}"
    found = re.findall(
        rf'<a href="(/coops/{coop_id}/pathways/{UUID})">([^<]+)</a>', r.text
    )
    demo = [href for href, name in found if name in DEMO_PATHWAY_PEOPLE]
    assert demo, f"no demo pathway in the list: {found}"
    return demo[0]


@pytest.fixture(scope="module")
def demo_referral_path(base_url, coop_id) -> str:
    """The page of one of the demo's referrals, picked from the coordinator's list."""
    coordinator = api_session(base_url, COORDINATOR_EMAIL)
    r = coordinator.get(f"{base_url}/coops/{coop_id}/referrals", timeout=10)
    assert r.status_code == 200, f"referrals list: {r.status_code}"
    found = links_in(r.text, rf"/coops/{coop_id}/referrals/{UUID}")
    assert len(found) >= 12, f"the demo holds 12 referrals, the list links {len(found)}"
    return found[0]


# --------------------------------------------------------------------------- 1. the journey


def test_referral_to_pathway_journey(browser, base_url, axe, coop_id):
    person = new_person()
    name = full_name(person)
    today = paris_today()

    # --- The referrer reaches "Mes orientations" from the home page.
    login(browser, base_url, REFERRER_EMAIL)
    assert h1_text(browser) == f"Bonjour, {REFERRER_NAME}"
    open_referrals_from_home(browser, base_url, coop_id, "Mes orientations")
    assert name not in main_text(browser)
    new_link = browser.find_element(By.ID, "new-referral")
    assert urlparse(new_link.get_attribute("href")).path == f"/coops/{coop_id}/referrals/new"
    new_link.click()
    wait_for_path(browser, f"/coops/{coop_id}/referrals/new")
    form = wait(browser).until(EC.presence_of_element_located((By.ID, "referral-form")))
    assert (form.get_attribute("method") or "").lower() == "post"

    # --- Without consent: the server refuses, in French, and keeps what was typed.
    fill_referral(browser, person, consent=False)
    without_browser_validation(browser, "referral-form")
    browser.find_element(By.ID, "referral-submit").click()
    summary = error_summary(browser)
    assert path_of(browser) == f"/coops/{coop_id}/referrals/new"
    assert html_lang(browser) == "fr"
    assert "accord" in summary, f"the error summary does not mention the accord: {summary!r}"
    assert_french(summary, "the referral form's error summary")
    summary_targets = [
        urlparse(a.get_attribute("href")).fragment
        for a in browser.find_elements(By.CSS_SELECTOR, 'main [role="alert"] a[href]')
    ]
    assert summary_targets == ["consent"], f"error summary links: {summary_targets}"
    consent_box = browser.find_element(By.ID, "consent")
    assert not consent_box.is_selected()
    assert consent_box.get_attribute("aria-invalid") == "true"
    assert "consent-error" in (consent_box.get_attribute("aria-describedby") or "").split()
    assert "accord" in text_of(browser, "#consent-error")
    for field in ("firstName", "lastName", "birthYear", "contact", "commune", "qpvCode", "reason", "preferredContact"):
        value = browser.find_element(By.ID, field).get_attribute("value")
        assert value == person[field], f"#{field} lost its value: {value!r}"
    for field in ("situationAtEntry", "educationLevel"):
        chosen = Select(browser.find_element(By.ID, field)).first_selected_option.get_attribute("value")
        assert chosen == person[field], f"#{field}: {chosen!r}"
    checked = sorted(
        box.get_attribute("value")
        for box in browser.find_elements(By.CSS_SELECTOR, 'input[name="barriers[]"]')
        if box.is_selected()
    )
    assert checked == sorted(person["barriers"]), f"barriers kept: {checked}"
    assert browser.find_element(By.ID, "consentDate").get_attribute("value") == today.isoformat()
    axe.assert_no_violations("new referral form with errors (referrer)")

    # Nothing was sent.
    referrer = session_for(browser)
    listing = referrer.get(f"{base_url}/coops/{coop_id}/referrals", timeout=10)
    assert listing.status_code == 200 and name not in listing.text, "a referral without consent was saved"

    # --- With consent: the referral is sent.
    browser.find_element(By.ID, "consent").click()
    browser.find_element(By.ID, "referral-submit").click()
    referral_id = wait_for_path_matching(browser, rf"/coops/{coop_id}/referrals/({UUID})").group(1)
    referral_path = f"/coops/{coop_id}/referrals/{referral_id}"
    assert h1_text(browser) == f"Orientation de {name}"
    facts = facts_of(browser)
    assert facts.get("État") == "Envoyée", facts
    # The demo referrer works for the social centre: the referral says so.
    assert facts.get("Envoyée par") == f"{REFERRER_NAME} — Centre social des Caillols", facts
    assert facts.get("Motif") == person["reason"], facts
    assert facts.get("Freins repérés") == "Mobilité, Garde d'enfants", facts
    assert facts.get("Consentement") == f"donné le {french_date(today)}", facts
    for button in ("to-received", "to-interview", "to-accepted", "to-refused", "refuse-form"):
        assert not browser.find_elements(By.ID, button), f"the referrer is offered #{button}"
    assert not browser.find_elements(By.CSS_SELECTOR, "main form"), "the referrer is offered a form"
    browser.get(f"{base_url}/coops/{coop_id}/referrals")
    assert table_rows(browser).get(name, [None, None])[1] == "Envoyée", table_rows(browser).get(name)
    logout(browser)

    # --- The coordinator finds the person in "Orientations reçues".
    login(browser, base_url, COORDINATOR_EMAIL)
    open_referrals_from_home(browser, base_url, coop_id, "Orientations reçues")
    row = table_rows(browser).get(name)
    assert row and row[1] == "Envoyée" and row[3] == f"{REFERRER_NAME} — Centre social des Caillols", row
    person_link(browser, name).click()
    wait_for_path(browser, referral_path)
    assert h1_text(browser) == f"Orientation de {name}"
    assert browser.find_elements(By.ID, "to-received") and browser.find_elements(By.ID, "refuse-form")
    assert not browser.find_elements(By.ID, "to-accepted"), "a sent referral can be accepted at once"
    axe.assert_no_violations("referral page (coordinator)")

    click_and_wait_for_new_page(browser, "to-received")
    assert path_of(browser) == referral_path
    assert facts_of(browser).get("État") == "Reçue"
    click_and_wait_for_new_page(browser, "to-interview")
    assert path_of(browser) == referral_path
    assert facts_of(browser).get("État") == "Entretien"
    assert not browser.find_elements(By.ID, "to-received")
    history = text_of(browser, "main ol.history")
    assert "Envoyée → Reçue" in history and "Reçue → Entretien" in history, history
    assert COORDINATOR_NAME in history, history

    click_and_wait_for_new_page(browser, "to-accepted")
    pathway_id = wait_for_path_matching(browser, rf"/coops/{coop_id}/pathways/({UUID})").group(1)
    pathway_path = f"/coops/{coop_id}/pathways/{pathway_id}"
    assert h1_text(browser) == name
    facts = facts_of(browser)
    assert facts.get("Entrée dans le parcours") == french_date(today), facts
    assert facts.get("Orientée par") == f"{REFERRER_NAME} — Centre social des Caillols", facts
    assert facts.get("QPV") == person["qpvCode"], facts
    assert facts.get("Situation") == "Allocataire du RSA", facts
    assert facts.get("Niveau de formation") == "CAP, BEP (niveau 3)", facts
    assert "Date de sortie" not in facts, facts
    axe.assert_no_violations("pathway page before the exit (coordinator)")

    # --- The exit: a CDD under 6 months, today.
    browser.get(f"{base_url}{pathway_path}?onglet=sortie")
    exit_form = wait(browser).until(EC.presence_of_element_located((By.ID, "exit-add")))
    exit_form.find_element(By.TAG_NAME, "summary").click()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "exit-form")))
    Select(browser.find_element(By.ID, "destination")).select_by_value("cdd_under_6_months")
    set_date(browser, "date", today)
    click_and_wait_for_new_page(browser, "exit-submit")
    assert path_of(browser) == pathway_path
    assert not browser.find_elements(By.CSS_SELECTOR, 'main [role="alert"]'), error_summary(browser)
    facts = facts_of(browser)
    assert facts.get("Date de sortie") == french_date(today), facts
    assert facts.get("Situation à la sortie") == "CDD de moins de 6 mois", facts
    assert facts.get("Catégorie") == "Emploi de transition", facts
    assert facts.get("Suivi à 6 mois") == french_date(add_months(today, 6)), facts
    axe.assert_no_violations("pathway page after the exit (coordinator)")

    browser.get(f"{base_url}/coops/{coop_id}/pathways")
    row = table_rows(browser).get(name)
    assert row == [name, french_date(today), COORDINATOR_NAME, "Emploi de transition"], row

    browser.get(f"{base_url}{referral_path}")
    assert facts_of(browser).get("État") == "Acceptée"
    pathway_links = browser.find_elements(By.CSS_SELECTOR, f'main a[href="{pathway_path}"]')
    assert pathway_links, "the coordinator's referral page has no link to the pathway"
    assert not browser.find_elements(By.CSS_SELECTOR, "main form"), "an accepted referral can still move"
    logout(browser)

    # --- The referrer sees the referral accepted, and nothing of the pathway.
    login(browser, base_url, REFERRER_EMAIL)
    open_referrals_from_home(browser, base_url, coop_id, "Mes orientations")
    row = table_rows(browser).get(name)
    assert row and row[1] == "Acceptée", row
    person_link(browser, name).click()
    wait_for_path(browser, referral_path)
    assert facts_of(browser).get("État") == "Acceptée"
    pathway_hrefs = [
        a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")
        if "/pathways" in urlparse(a.get_attribute("href")).path
    ]
    assert not pathway_hrefs, f"the referrer is offered the pathway: {pathway_hrefs}"
    assert "Ouvrir le parcours" not in main_text(browser)
    # Nor can the referrer open it by its address.
    assert_forbidden_page(
        session_for(browser).get(f"{base_url}{pathway_path}", allow_redirects=False, timeout=10),
        f"{pathway_path} (referrer)",
    )
    logout(browser)


# --------------------------------------------------------------------------- 2. refusal


def test_refusal_with_a_shared_reason(browser, base_url, axe, coop_id):
    person = new_person("Sami")
    name = full_name(person)
    reason = f"Aucun poste en cuisine avant l'été ({person['lastName']}) : à réorienter vers l'épicerie."

    login(browser, base_url, REFERRER_EMAIL)
    referral_id = send_referral(browser, base_url, coop_id, person)
    referral_path = f"/coops/{coop_id}/referrals/{referral_id}"
    logout(browser)

    login(browser, base_url, COORDINATOR_EMAIL)
    browser.get(f"{base_url}{referral_path}")
    assert h1_text(browser) == f"Orientation de {name}"
    refuse = wait(browser).until(EC.presence_of_element_located((By.ID, "refuse-form")))
    assert (refuse.get_attribute("method") or "").lower() == "post"

    # An empty reason: a French error, and the referral is still open.
    assert browser.find_element(By.ID, "reason").get_attribute("value") == ""
    without_browser_validation(browser, "refuse-form")
    click_and_wait_for_new_page(browser, "to-refused")
    summary = error_summary(browser)
    assert "Indiquez le motif du refus." in summary, summary
    assert_french(summary, "the refusal's error summary")
    assert html_lang(browser) == "fr"
    assert "Indiquez le motif du refus." in text_of(browser, "#reason-error")
    assert browser.find_element(By.ID, "reason").get_attribute("aria-invalid") == "true"
    assert facts_of(browser).get("État") == "Envoyée"
    axe.assert_no_violations("referral page with a refusal error (coordinator)")
    status = session_for(browser).get(f"{base_url}{referral_path}", timeout=10)
    assert status_in(status.text) == "Envoyée", "the referral moved without a reason"

    # A reason, shared with the referrer.
    fill(browser, "reason", reason)
    share = browser.find_element(By.ID, "shareReason")
    assert not share.is_selected()
    share.click()
    click_and_wait_for_new_page(browser, "to-refused")
    wait_for_path(browser, referral_path)
    assert not browser.find_elements(By.CSS_SELECTOR, 'main [role="alert"]'), error_summary(browser)
    facts = facts_of(browser)
    assert facts.get("État") == "Refusée", facts
    assert facts.get("Motif du refus") == reason, facts
    assert not browser.find_elements(By.CSS_SELECTOR, "main form"), "a refused referral can still move"
    logout(browser)

    login(browser, base_url, REFERRER_EMAIL)
    browser.get(f"{base_url}/coops/{coop_id}/referrals")
    row = table_rows(browser).get(name)
    assert row and row[1] == "Refusée", row
    person_link(browser, name).click()
    wait_for_path(browser, referral_path)
    facts = facts_of(browser)
    assert facts.get("État") == "Refusée", facts
    assert facts.get("Motif du refus") == reason, f"the shared reason is not shown: {facts}"
    logout(browser)


def test_unshared_refusal_reason_stays_with_the_cooperative(base_url, coop_id):
    """The same refusal, without "share": the referrer sees the refusal, not its reason."""
    referrer = api_session(base_url, REFERRER_EMAIL)
    person = new_person("Inès")
    form = {
        "_csrf": csrf_of(referrer, base_url),
        **{k: v for k, v in person.items() if k not in ("barriers", "consentDate")},
        "barriers[]": person["barriers"],
        "consent": "on",
        "consentDate": person["consentDate"].isoformat(),
    }
    r = referrer.post(f"{base_url}/coops/{coop_id}/referrals/new", data=form, allow_redirects=False, timeout=10)
    assert r.status_code in (302, 303), f"referral not created: {r.status_code} {r.text[:300]}"
    referral_path = urlparse(r.headers["Location"]).path
    assert re.fullmatch(rf"/coops/{coop_id}/referrals/{UUID}", referral_path), referral_path

    coordinator = api_session(base_url, COORDINATOR_EMAIL)
    reason = f"Motif interne {person['lastName']}"
    r = coordinator.post(
        f"{base_url}{referral_path}/transitions",
        data={"_csrf": csrf_of(coordinator, base_url), "to": "refused", "reason": reason},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code in (302, 303), f"refusal: {r.status_code} {r.text[:300]}"
    seen_by_coordinator = coordinator.get(f"{base_url}{referral_path}", timeout=10).text
    assert status_in(seen_by_coordinator) == "Refusée"
    assert reason in seen_by_coordinator

    page = referrer.get(f"{base_url}{referral_path}", timeout=10)
    assert page.status_code == 200
    assert status_in(page.text) == "Refusée", status_in(page.text)
    assert reason not in page.text, "the unshared refusal reason is shown to the referrer"
    assert "Motif du refus" not in page.text


def test_refusal_without_reason_and_referral_without_consent_answer_422(base_url, coop_id):
    coordinator = api_session(base_url, COORDINATOR_EMAIL)
    referrer = api_session(base_url, REFERRER_EMAIL)
    person = new_person("Paul")
    r = referrer.post(
        f"{base_url}/coops/{coop_id}/referrals/new",
        data={
            "_csrf": csrf_of(referrer, base_url),
            "firstName": person["firstName"],
            "lastName": person["lastName"],
            "reason": person["reason"],
            "consent": "on",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code in (302, 303), f"referral not created: {r.status_code} {r.text[:300]}"
    referral_path = urlparse(r.headers["Location"]).path
    r = coordinator.post(
        f"{base_url}{referral_path}/transitions",
        data={"_csrf": csrf_of(coordinator, base_url), "to": "refused", "reason": "   "},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 422, f"expected 422, got {r.status_code}"
    page = parse_page(r.text)
    assert any("Indiquez le motif du refus." in a for a in page.alerts), page.alerts
    # The referral did not move.
    assert status_in(coordinator.get(f"{base_url}{referral_path}", timeout=10).text) == "Envoyée"

    # Without consent, the form answers 422 and creates nothing.
    other = new_person("Zoé")
    r = referrer.post(
        f"{base_url}/coops/{coop_id}/referrals/new",
        data={
            "_csrf": csrf_of(referrer, base_url),
            "firstName": other["firstName"],
            "lastName": other["lastName"],
            "reason": other["reason"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 422, f"expected 422 without consent, got {r.status_code}"
    assert any("accord" in a for a in parse_page(r.text).alerts)
    assert other["lastName"] not in referrer.get(f"{base_url}/coops/{coop_id}/referrals", timeout=10).text


# --------------------------------------------------------------------------- 3. refusals


@pytest.mark.parametrize("email", [STAFF_EMAIL, FUNDER_EMAIL], ids=["staff", "funder"])
def test_staff_and_funder_are_refused(base_url, coop_id, demo_pathway_path, demo_referral_path, email):
    session = api_session(base_url, email)
    for path in (
        f"/coops/{coop_id}/referrals",
        f"/coops/{coop_id}/referrals/new",
        demo_referral_path,
        f"/coops/{coop_id}/pathways",
        demo_pathway_path,
    ):
        r = session.get(f"{base_url}{path}", allow_redirects=False, timeout=10)
        assert_forbidden_page(r, f"{path} ({email})")
        assert "<table" not in r.text, f"{path}: the 403 page shows a table"
    # Writing is refused too (with a valid CSRF token).
    r = session.post(
        f"{base_url}{demo_pathway_path}/exit",
        data={"_csrf": csrf_of(session, base_url), "destination": "cdi", "date": paris_today().isoformat()},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 403, f"POST exit ({email}): {r.status_code}"
    r = session.post(
        f"{base_url}{demo_referral_path}/transitions",
        data={"_csrf": csrf_of(session, base_url), "to": "refused", "reason": "non"},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 403, f"POST transition ({email}): {r.status_code}"
    # Neither their home page nor the cooperative's page offers these areas.
    for path in ("/", f"/coops/{coop_id}"):
        html = session.get(f"{base_url}{path}", timeout=10).text
        assert not links_in(html, rf"/coops/{coop_id}/(?:referrals|pathways)[^\"]*"), (
            f"{path} links {email} to referrals or pathways"
        )


def test_staff_403_page_in_the_browser(browser, base_url, axe, coop_id):
    login(browser, base_url, STAFF_EMAIL)
    browser.get(f"{base_url}/coops/{coop_id}/referrals")
    assert html_lang(browser) == "fr"
    heading = h1_text(browser)
    assert FRENCH_FORBIDDEN.search(heading), heading
    assert_french(text_of(browser, 'main [role="alert"]'), "the 403 message")
    assert not browser.find_elements(By.CSS_SELECTOR, "main table")
    axe.assert_no_violations("403 page (staff, referrals)")


def test_other_cooperative_coordinator_gets_404(base_url, coop_id, demo_referral_path, demo_pathway_path):
    avignon = api_session(base_url, AVIGNON_COORDINATOR_EMAIL)
    for path in (
        demo_referral_path,
        f"/coops/{coop_id}/referrals",
        f"/coops/{coop_id}/referrals/new",
        f"/coops/{coop_id}/pathways",
        demo_pathway_path,
    ):
        r = avignon.get(f"{base_url}{path}", allow_redirects=False, timeout=10)
        assert_not_found_page(r, f"{path} (Avignon coordinator)")
        assert CAILLOLS_NAME not in r.text, f"{path}: the 404 page leaks the cooperative's name"
    r = avignon.post(
        f"{base_url}{demo_referral_path}/transitions",
        data={"_csrf": csrf_of(avignon, base_url), "to": "refused", "reason": "intrusion"},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 404, f"POST transition (Avignon coordinator): {r.status_code}"


# --------------------------------------------------------------------------- 4. accessibility


A11Y_PAGES = [
    ("referrer referrals", REFERRER_EMAIL, "/coops/{coop}/referrals", "Mes orientations"),
    ("new referral form", REFERRER_EMAIL, "/coops/{coop}/referrals/new", "Orienter une personne"),
    ("referrer referral page", REFERRER_EMAIL, "{referral}", None),
    ("cooperative (referrer)", REFERRER_EMAIL, "/coops/{coop}", CAILLOLS_NAME),
    ("coordinator referrals", COORDINATOR_EMAIL, "/coops/{coop}/referrals", "Orientations reçues"),
    ("pathways", COORDINATOR_EMAIL, "/coops/{coop}/pathways", "Parcours"),
    ("demo pathway", COORDINATOR_EMAIL, "{pathway}", None),
    ("cooperative (coordinator)", COORDINATOR_EMAIL, "/coops/{coop}", CAILLOLS_NAME),
    ("home (coordinator)", COORDINATOR_EMAIL, "/", f"Bonjour, {COORDINATOR_NAME}"),
]


@pytest.mark.parametrize(
    "label,email,template,heading", A11Y_PAGES, ids=[p[0] for p in A11Y_PAGES]
)
def test_pathways_pages_are_accessible(
    browser, base_url, axe, coop_id, demo_pathway_path, demo_referral_path, label, email, template, heading
):
    login(browser, base_url, email)
    path = template.format(coop=coop_id, pathway=demo_pathway_path, referral=demo_referral_path)
    browser.get(f"{base_url}{path}")
    assert path_of(browser) == path, f"{label}: landed on {browser.current_url}"
    assert html_lang(browser) == "fr"
    shown = h1_text(browser)
    if heading is not None:
        assert shown == heading, f"{label}: <h1> {shown!r}"
    else:
        assert shown, f"{label}: no <h1>"
    assert not browser.find_elements(By.CSS_SELECTOR, 'main [role="alert"]'), (
        f"{label}: the page shows an error"
    )
    axe.assert_no_violations(f"{label} page")


def test_cooperative_page_links_by_role(base_url, coop_id):
    """The cooperative's page offers each role its areas, and only those."""
    referrals, pathways = f"/coops/{coop_id}/referrals", f"/coops/{coop_id}/pathways"
    expected = {
        REFERRER_EMAIL: ([referrals], "Mes orientations"),
        COORDINATOR_EMAIL: ([pathways, referrals], "Orientations reçues"),
    }
    for email, (paths, label) in expected.items():
        html = api_session(base_url, email).get(f"{base_url}/coops/{coop_id}", timeout=10).text
        found = links_in(html, rf"/coops/{coop_id}/(?:referrals|pathways)")
        assert found == sorted(paths), f"{email}: cooperative page links {found}"
        assert f'href="{referrals}">{label}</a>' in html, f"{email}: no {label!r} link"
