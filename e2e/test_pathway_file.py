"""End-to-end tests of a person's file (dossier), the agenda, trainings and personal data.

Runs against a server seeded with the demo data (`seed --demo`), at MAILLAGE_BASE_URL. The
tests change the demo's files (hours validated, an attendance marked, Jonathan Petit's data
erased), so the server is best started afresh before a run; what they type carries a random
suffix, so that their own lines can be told apart.

The demo files used (DemoPathways.swift): Fatou Diallo, whose cooperant account
(cooperant@maillage.example) is linked to her file, with a plan, skills, hours (this week's
kitchen hours waiting for validation), a confidential note, the workshop "Atelier CV et
entretien d'embauche" next week and the HACCP training; Jonathan Petit, with no account.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import date, datetime, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_admin_flows import (
    ADMIN_EMAIL,
    CAILLOLS_NAME,
    FRENCH_NOT_FOUND,
    UUID,
    all_items,
    api_session,
    assert_french,
    fill,
    login,
    parse_page,
    text_of,
)
from test_pathways_journey import error_summary, facts_of, main_text, without_browser_validation
from test_foundation import (
    WAIT_SECONDS,
    h1_text,
    html_lang,
    path_of,
    session_for,
    wait,
    wait_for_path,
)

COORDINATOR_EMAIL = "coordination@maillage.example"
COORDINATOR_NAME = "Claire Martin"
COOPERANT_EMAIL = "cooperant@maillage.example"
COOPERANT_NAME = "Fatou Diallo"

FATOU = "Fatou Diallo"
JONATHAN = "Jonathan Petit"
DEMO_WORKSHOP = "Atelier CV et entretien d'embauche"
DEMO_TRAINING = "Hygiène alimentaire en restauration (HACCP)"
# The demo's confidential note on Fatou's file, which she must never see.
DEMO_NOTE = "Fatou a trouvé une place en crèche à partir de janvier"
FATOU_OBJECTIVE = "Décrocher un poste de commis de cuisine"
JONATHAN_OBJECTIVE = "Entrer en formation préparateur de commandes"


# --------------------------------------------------------------------------- helpers
# (the small ones are copied from test_pathways_journey.py)


def suffix() -> str:
    return secrets.token_hex(3)


def paris_today() -> date:
    """The server counts days in Paris (CalendarDay.today)."""
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def week_start(day: date) -> date:
    """The Monday of the day's week: hours are counted by week."""
    return day - timedelta(days=day.weekday())


def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def french_datetime(day: date, hour: int, minute: int = 0) -> str:
    """As the browser reads a local date and time: `03/12/2026 à 14 h 00` (the server writes
    no-break spaces around the `h`; Selenium's text gives them as spaces)."""
    return f"{french_date(day)} à {hour} h {minute:02d}"


def logout(browser) -> None:
    browser.find_element(By.ID, "logout-button").click()
    wait_for_path(browser, "/login")
    assert not browser.find_elements(By.ID, "logout-button"), "still logged in after logout"




def section_text(browser, section_id: str) -> str:
    return " ".join(browser.find_element(By.ID, section_id).text.split())






def assert_no_error(browser, label: str) -> None:
    alerts = browser.find_elements(By.CSS_SELECTOR, 'main [role="alert"]')
    assert not alerts, f"{label}: the page shows an error: {' '.join(alerts[0].text.split())!r}"


def flash_text(browser) -> str:
    """The message a redirect after a form leaves at the top of <main> (role="status")."""
    flash = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, 'main .flash[role="status"]'))
    )
    return " ".join(flash.text.split())




def set_value(browser, field_id: str, value: str, kind: str) -> None:
    """A date or datetime-local input's value, as the browser submits it (ISO, whatever the locale)."""
    element = browser.find_element(By.ID, field_id)
    assert element.get_attribute("type") == kind, f"#{field_id} is not a {kind} input"
    browser.execute_script("arguments[0].value = arguments[1];", element, value)
    assert element.get_attribute("value") == value, f"#{field_id} refused {value!r}"


def submit_and_wait(browser, button) -> None:
    """Clicks a submit button and waits until another document is loaded.

    The old document is marked with a window property, which the new one lacks (the same
    check as test_pathways_journey.click_and_wait_for_new_page, for any button).
    """
    browser.execute_script("window.__maillageOldPage = true;")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    WebDriverWait(browser, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return !window.__maillageOldPage && document.readyState === 'complete';"
        )
    )
    wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))


def click_and_wait_for_new_page(browser, element_id: str) -> None:
    submit_and_wait(browser, browser.find_element(By.ID, element_id))


def open_tab(browser, slug: str) -> None:
    """Opens one tab of a person's file (each is its own address: `?onglet=plan`)."""
    css = "nav.tabs li:first-child a" if slug == "synthese" else f'nav.tabs a[href$="?onglet={slug}"]'
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, css))
    current = browser.find_element(By.CSS_SELECTOR, 'nav.tabs a[aria-current="page"]').get_attribute("href")
    assert current.endswith(f"?onglet={slug}") or (slug == "synthese" and "onglet=" not in current), current
    if slug != "synthese":
        assert urlparse(browser.current_url).query == f"onglet={slug}", browser.current_url


def open_form(browser, details_id: str) -> None:
    """Opens a form kept behind its "Ajouter…" button."""
    details = browser.find_element(By.ID, details_id)
    assert details.get_attribute("open") is None, f"#{details_id} is open before it is asked for"
    summary = details.find_element(By.TAG_NAME, "summary")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", summary)
    summary.click()
    wait(browser).until(lambda d: d.find_element(By.ID, details_id).get_attribute("open") is not None)


def follow_link(browser, element) -> str:
    """Follows a link (same tab) and returns the path it pointed to, once there."""
    path = urlparse(element.get_attribute("href")).path
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()
    wait_for_path(browser, path)
    wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
    return path


def link_named(browser, label: str, scope: str = "main"):
    """The one link of `scope` whose text is `label`."""
    links = [
        a
        for a in browser.find_elements(By.CSS_SELECTOR, f"{scope} a[href]")
        if " ".join(a.text.split()) == label
    ]
    assert len(links) == 1, (
        f"expected one link {label!r} in {scope} of {browser.current_url}, found {len(links)}"
    )
    return links[0]


def navigation_status(browser) -> int:
    """The HTTP status of the document now shown (Navigation Timing: responseStatus)."""
    return browser.execute_script(
        "const e = performance.getEntriesByType('navigation')[0];"
        "return e ? e.responseStatus : 0;"
    )


def rows_of(browser, css: str) -> list[list[str]]:
    """The cells' texts of each body row of the tables matched by `css`."""
    rows = []
    for tr in browser.find_elements(By.CSS_SELECTOR, f"{css} tbody tr"):
        cells = [" ".join(td.text.split()) for td in tr.find_elements(By.TAG_NAME, "td")]
        if cells:
            rows.append(cells)
    return rows


def plan_item(browser, label: str):
    """The <li> of one action of the plan (the innermost item whose text starts with it)."""
    items = [
        li
        for li in browser.find_elements(By.CSS_SELECTOR, "#plan ul.plan > li > ul > li")
        if " ".join(li.text.split()).startswith(f"{label} — ")
    ]
    assert len(items) == 1, f"expected one plan action {label!r}, found {len(items)}"
    return items[0]


def action_status(browser, label: str) -> str:
    return " ".join(plan_item(browser, label).find_element(By.CSS_SELECTOR, "span.badge").text.split())


def assert_not_found_page(response, path: str) -> None:
    assert response.status_code == 404, f"{path}: expected 404, got {response.status_code}"
    page = parse_page(response.text)
    assert page.h1 and FRENCH_NOT_FOUND.search(page.h1), f"{path}: heading {page.h1!r}"
    assert_french(page.h1, f"the heading of {path}")
    assert page.alerts, f'{path}: no role="alert" message'
    assert_french(" ".join(page.alerts), f"the message of {path}")


def open_coop_area(browser, base_url: str, coop_id: str, label: str) -> str:
    """From the cooperative's page, follows one of its areas' links ("Parcours", "Agenda"…)."""
    browser.get(f"{base_url}/coops/{coop_id}")
    wait_for_path(browser, f"/coops/{coop_id}")
    assert h1_text(browser) == CAILLOLS_NAME
    return follow_link(browser, link_named(browser, label, 'main nav[aria-label="Espaces de la coopérative"]'))


def open_file_from_pathways(browser, base_url: str, coop_id: str, name: str, axe=None) -> str:
    """The coordinator opens "Parcours" and then the person's file; returns its path."""
    path = open_coop_area(browser, base_url, coop_id, "Parcours")
    assert path == f"/coops/{coop_id}/pathways"
    assert h1_text(browser) == "Parcours"
    if axe is not None:
        axe.assert_no_violations("pathways list (coordinator)")
    file_path = follow_link(browser, link_named(browser, name, "main table"))
    assert re.fullmatch(rf"/coops/{coop_id}/pathways/{UUID}", file_path), file_path
    assert h1_text(browser) == name
    return file_path


@pytest.fixture(scope="module")
def coop_id(base_url) -> str:
    """The Caillols cooperative's id, read through the admin's API."""
    admin = api_session(base_url, ADMIN_EMAIL)
    coops = {c["name"]: c for c in all_items(admin, f"{base_url}/api/v1/coops")}
    assert CAILLOLS_NAME in coops, f"demo cooperative {CAILLOLS_NAME!r} missing: {sorted(coops)}"
    return coops[CAILLOLS_NAME]["id"].lower()


@pytest.fixture(scope="module")
def pathway_paths(base_url, coop_id) -> dict[str, str]:
    """Person's name -> their file's path, from the coordinator's "Parcours" list."""
    coordinator = api_session(base_url, COORDINATOR_EMAIL)
    r = coordinator.get(f"{base_url}/coops/{coop_id}/pathways", timeout=10)
    assert r.status_code == 200, f"pathways list: {r.status_code}"
    found = dict(
        (name, href)
        for href, name in re.findall(rf'<a href="(/coops/{coop_id}/pathways/{UUID})">([^<]+)</a>', r.text)
    )
    for name in (FATOU, JONATHAN):
        assert name in found, f"demo file of {name} missing from the list: {sorted(found)}"
    return found


# --------------------------------------------------------------------------- 1. the coordinator's file


def test_coordinator_works_on_a_file(browser, base_url, axe, coop_id):
    tag = suffix()
    today = paris_today()
    monday = week_start(today)

    login(browser, base_url, COORDINATOR_EMAIL)
    file_path = open_file_from_pathways(browser, base_url, coop_id, FATOU, axe)
    assert html_lang(browser) == "fr"
    # The file opens on its summary; every other section is a tab of its own.
    for section in ("synthese", "suivi", "freins", "donnees"):
        assert browser.find_elements(By.ID, section), f"the summary has no #{section} section"
    for section in ("plan", "rendez-vous", "notes", "competences", "formations", "heures", "sortie"):
        assert not browser.find_elements(By.ID, section), f"the summary shows the #{section} section"
    assert DEMO_NOTE not in browser.page_source, "the summary shows a confidential note"
    summary = facts_of(browser)
    assert summary.get("Référent·e") == COORDINATOR_NAME and summary.get("Compte relié") == COOPERANT_EMAIL, summary
    assert not browser.find_element(By.ID, "links-form").is_displayed(), "the follow-up form is open on arrival"
    axe.assert_no_violations("person's file, summary (coordinator)")
    open_tab(browser, "notes")
    assert DEMO_NOTE in section_text(browser, "notes")

    open_tab(browser, "plan")
    open_form(browser, "objective-add")

    # --- An objective with two actions, one per line.
    title = f"Passer le permis B ({tag})"
    first, second = f"S'inscrire à l'auto-école {tag}", f"Demander l'aide de la Mission Locale {tag}"
    fill(browser, "focus", "Mobilité")
    Select(browser.find_element(By.ID, "objectiveKind")).select_by_value("social")
    fill(browser, "objectiveTitle", title)
    fill(browser, "objectiveActions", f"{first}\n{second}")
    click_and_wait_for_new_page(browser, "objective-submit")
    assert path_of(browser) == file_path
    assert_no_error(browser, "after adding an objective")
    assert flash_text(browser) == "Objectif ajouté."
    plan = section_text(browser, "plan")
    assert title in plan and "Axe : Mobilité" in plan, plan
    assert action_status(browser, first) == "En cours"
    assert action_status(browser, second) == "En cours"
    axe.assert_no_violations("person's file after adding an objective")

    # --- The first action is done, through its row form.
    item = plan_item(browser, first)
    Select(item.find_element(By.CSS_SELECTOR, 'select[name="status"]')).select_by_visible_text("Réalisée")
    submit_and_wait(browser, item.find_element(By.CSS_SELECTOR, 'button[type="submit"]'))
    assert path_of(browser) == file_path
    assert_no_error(browser, "after changing an action")
    assert flash_text(browser) == "Action mise à jour."
    assert action_status(browser, first) == "Réalisée"
    assert action_status(browser, second) == "En cours"

    # --- An appointment next week.
    open_tab(browser, "agenda")
    open_form(browser, "appointment-add")
    next_week = today + timedelta(days=7)
    subject = f"Point permis de conduire {tag}"
    Select(browser.find_element(By.ID, "appointmentKind")).select_by_value("appointment")
    fill(browser, "appointmentTitle", subject)
    set_value(browser, "startsAt", f"{next_week.isoformat()}T14:00", "datetime-local")
    fill(browser, "durationMinutes", "45")
    fill(browser, "place", "Bureau de la coordination")
    click_and_wait_for_new_page(browser, "appointment-submit")
    assert path_of(browser) == file_path
    assert_no_error(browser, "after adding an appointment")
    assert flash_text(browser) == "Rendez-vous enregistré."
    rows = [r for r in rows_of(browser, "#rendez-vous") if subject in r[1]]
    assert rows == [[french_datetime(next_week, 14), f"{subject} (Rendez-vous)", "Inscrit·e"]], rows_of(browser, "#rendez-vous")

    # --- A confidential note.
    open_tab(browser, "notes")
    open_form(browser, "note-add")
    note = f"Elle préfère être appelée le matin, avant 10 heures ({tag})."
    fill(browser, "noteBody", note)
    click_and_wait_for_new_page(browser, "note-submit")
    assert path_of(browser) == file_path
    assert_no_error(browser, "after writing a note")
    assert flash_text(browser) == "Note enregistrée."
    notes = section_text(browser, "notes")
    assert note in notes and f"{french_date(today)} — {COORDINATOR_NAME}" in notes, notes

    # --- A skill assessed by the coordination (today, the date left empty).
    open_tab(browser, "competences")
    open_form(browser, "skill-add")
    Select(browser.find_element(By.ID, "competenceID")).select_by_visible_text("Relation client")
    Select(browser.find_element(By.ID, "skillLevel")).select_by_visible_text("Pratiqué avec aide")
    click_and_wait_for_new_page(browser, "skill-submit")
    assert path_of(browser) == file_path
    assert_no_error(browser, "after assessing a skill")
    assert flash_text(browser) == "Évaluation enregistrée."
    skills = {r[0]: r for r in rows_of(browser, "#competences")}
    assert skills.get("Relation client") == ["Relation client", f"Pratiqué avec aide ({french_date(today)})", "—"], skills
    axe.assert_no_violations("person's file after the plan, agenda, note and skill forms")

    # --- Fatou's own hours of this week wait for validation: the coordinator validates them.
    open_tab(browser, "heures")
    buttons = browser.find_elements(By.CSS_SELECTOR, '#heures button[id^="validate-"]')
    assert len(buttons) == 1, f"expected one line of hours to validate, found {len(buttons)}"
    pending = [r for r in rows_of(browser, "#heures") if r[0] == french_date(monday) and r[1] == "Cuisine"]
    assert len(pending) == 1 and pending[0][2] == "14 h 30" and pending[0][3].startswith("À valider"), pending
    submit_and_wait(browser, buttons[0])
    assert path_of(browser) == file_path
    assert_no_error(browser, "after validating hours")
    assert flash_text(browser) == "Heures validées."
    assert not browser.find_elements(By.CSS_SELECTOR, '#heures button[id^="validate-"]')
    this_week = [r for r in rows_of(browser, "#heures") if r[0] == french_date(monday) and r[1] == "Cuisine"]
    assert this_week == [[french_date(monday), "Cuisine", "14 h 30", "Validées"]], this_week

    # --- Hours typed with letters: a 422 page, a French message, the value kept.
    open_form(browser, "hours-add")
    assert browser.find_element(By.ID, "week").get_attribute("value") == monday.isoformat()
    Select(browser.find_element(By.ID, "role")).select_by_value("kitchen")
    fill(browser, "hours", "abc")
    without_browser_validation(browser, "hours-form")
    click_and_wait_for_new_page(browser, "hours-submit")
    assert navigation_status(browser) == 422, f"hours 'abc': status {navigation_status(browser)}"
    assert html_lang(browser) == "fr"
    summary = error_summary(browser)
    assert "Écrivez les heures en chiffres" in summary, summary
    assert_french(summary, "the hours form's error summary")
    targets = [
        urlparse(a.get_attribute("href")).fragment
        for a in browser.find_elements(By.CSS_SELECTOR, 'main [role="alert"] a[href]')
    ]
    assert targets == ["hours"], f"error summary links: {targets}"
    hours_field = browser.find_element(By.ID, "hours")
    assert hours_field.get_attribute("value") == "abc"
    assert hours_field.get_attribute("aria-invalid") == "true"
    assert "hours-error" in (hours_field.get_attribute("aria-describedby") or "").split()
    assert "en chiffres" in text_of(browser, "#hours-error")
    assert Select(browser.find_element(By.ID, "role")).first_selected_option.get_attribute("value") == "kitchen"
    assert browser.find_element(By.ID, "hours-add").get_attribute("open") is not None, "the refused form is closed"
    axe.assert_no_violations("person's file with an hours error (422)")

    # --- 7,5 hours in the kitchen this week (a French comma), saved as validated.
    fill(browser, "hours", "7,5")
    click_and_wait_for_new_page(browser, "hours-submit")
    assert path_of(browser) == file_path
    assert_no_error(browser, "after recording hours")
    assert flash_text(browser) == "Heures enregistrées."
    this_week = [r for r in rows_of(browser, "#heures") if r[0] == french_date(monday) and r[1] == "Cuisine"]
    assert this_week == [[french_date(monday), "Cuisine", "7 h 30", "Validées"]], rows_of(browser, "#heures")

    # --- The printable passport.
    follow_link(browser, browser.find_element(By.ID, "passport-link"))
    assert path_of(browser) == f"{file_path}/passport"
    assert h1_text(browser) == "Passeport de compétences"
    facts = facts_of(browser)
    assert facts.get("Nom") == FATOU and facts.get("Coopérative") == CAILLOLS_NAME, facts
    passport = main_text(browser)
    assert re.search(r"Cuisine : \d+ h", passport), passport
    assert DEMO_TRAINING in passport, passport
    assert "Relation client" in passport, passport
    assert DEMO_NOTE not in passport and note not in passport, "the passport shows a confidential note"
    axe.assert_no_violations("passport (coordinator)")
    logout(browser)


# --------------------------------------------------------------------------- 2. agenda and trainings


def test_agenda_attendance_sheet_and_training(browser, base_url, axe, coop_id):
    tag = suffix()
    next_week = paris_today() + timedelta(days=7)

    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Agenda") == f"/coops/{coop_id}/agenda"
    assert h1_text(browser) == "Agenda : rendez-vous, ateliers et séances"
    axe.assert_no_violations("agenda")

    # --- The demo workshop, next week: nobody can be marked present yet; Fatou sends her apologies.
    workshop_path = follow_link(browser, link_named(browser, DEMO_WORKSHOP, "main table"))
    assert re.fullmatch(rf"/coops/{coop_id}/agenda/{UUID}", workshop_path), workshop_path
    assert h1_text(browser) == DEMO_WORKSHOP
    assert facts_of(browser).get("Type") == "Atelier"
    axe.assert_no_violations("workshop page")
    label = [
        lab
        for lab in browser.find_elements(By.CSS_SELECTOR, "#attendance-form label")
        if " ".join(lab.text.split()) == FATOU
    ]
    assert len(label) == 1, "no attendance line for Fatou Diallo"
    select_id = label[0].get_attribute("for")
    assert re.fullmatch(rf"status-{UUID}", select_id), select_id
    Select(browser.find_element(By.ID, select_id)).select_by_visible_text("Présent·e")
    click_and_wait_for_new_page(browser, "attendance-submit")
    assert "pas encore eu lieu" in error_summary(browser)
    axe.assert_no_violations("workshop page with the refusal")
    Select(browser.find_element(By.ID, select_id)).select_by_visible_text("Excusé·e")
    click_and_wait_for_new_page(browser, "attendance-submit")
    assert path_of(browser) == workshop_path
    assert_no_error(browser, "after saving attendance")
    assert flash_text(browser) == "Présences enregistrées."
    chosen = Select(browser.find_element(By.ID, select_id)).first_selected_option
    assert " ".join(chosen.text.split()) == "Excusé·e", chosen.text
    axe.assert_no_violations("workshop page after saving attendance")

    # --- Its sign-in sheet.
    sheet_path = follow_link(browser, browser.find_element(By.ID, "sheet-link"))
    assert sheet_path == f"{workshop_path}/sheet"
    assert h1_text(browser) == "Feuille d'émargement"
    headers = [" ".join(th.text.split()) for th in browser.find_elements(By.CSS_SELECTOR, "main table thead th")]
    assert "Signature" in headers, headers
    lines = {r[0]: r for r in rows_of(browser, "main")}
    assert lines.get(FATOU, [None, None])[1] == "Excusé·e", lines
    assert facts_of(browser).get("Séance") == DEMO_WORKSHOP
    axe.assert_no_violations("sign-in sheet")

    # --- The HACCP training: a new session.
    assert open_coop_area(browser, base_url, coop_id, "Formations") == f"/coops/{coop_id}/trainings"
    assert h1_text(browser) == "Formations"
    axe.assert_no_violations("trainings")
    training_path = follow_link(browser, link_named(browser, DEMO_TRAINING))
    assert re.fullmatch(rf"/coops/{coop_id}/trainings/{UUID}", training_path), training_path
    assert h1_text(browser) == DEMO_TRAINING
    sessions_before = int(facts_of(browser)["Séances"])
    axe.assert_no_violations("training page")

    session = f"Les allergènes {tag}"
    fill(browser, "sessionTitle", session)
    set_value(browser, "startsAt", f"{next_week.isoformat()}T09:00", "datetime-local")
    fill(browser, "durationMinutes", "180")
    fill(browser, "place", "Cuisine de la coopérative")
    click_and_wait_for_new_page(browser, "session-submit")
    assert path_of(browser) == training_path
    assert_no_error(browser, "after adding a session")
    assert flash_text(browser) == "Séance ajoutée."
    # The training's two trainees are registered for the new session.
    sessions = [r for r in rows_of(browser, "main") if len(r) == 4 and r[1] == session]
    assert sessions == [[french_datetime(next_week, 9), session, "3 h", "0/2"]], rows_of(browser, "main")
    assert int(facts_of(browser)["Séances"]) == sessions_before + 1

    # --- Fatou's end evaluation and satisfaction: the mean moves (Jonathan's stays 4/5).
    row = [
        tr
        for tr in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        if tr.find_elements(By.CSS_SELECTOR, "td a") and " ".join(tr.find_element(By.CSS_SELECTOR, "td a").text.split()) == FATOU
    ]
    assert len(row) == 1, "no trainee line for Fatou Diallo"
    Select(row[0].find_element(By.CSS_SELECTOR, 'select[name="evaluation"]')).select_by_visible_text("Partiellement acquis")
    Select(row[0].find_element(By.CSS_SELECTOR, 'select[name="satisfaction"]')).select_by_visible_text("3/5")
    submit_and_wait(browser, row[0].find_element(By.CSS_SELECTOR, 'button[id^="evaluate-"]'))
    assert path_of(browser) == training_path
    assert_no_error(browser, "after evaluating a trainee")
    assert flash_text(browser) == "Évaluation enregistrée."
    axe.assert_no_violations("training page after an evaluation")
    # (3 + 4) / 2, written the French way.
    assert facts_of(browser).get("Satisfaction moyenne") == "3,5/5", facts_of(browser)
    logout(browser)


# --------------------------------------------------------------------------- 3. the cooperant


def test_cooperant_sees_her_own_pathway(browser, base_url, axe, coop_id, pathway_paths):
    tag = suffix()
    today = paris_today()
    monday = week_start(today)
    own_path = f"/coops/{coop_id}/me/pathway"

    login(browser, base_url, COOPERANT_EMAIL)
    assert h1_text(browser) == f"Bonjour, {COOPERANT_NAME}"
    follow_link(browser, link_named(browser, "Mon parcours"))
    assert path_of(browser) == own_path
    assert h1_text(browser) == "Mon parcours"
    assert html_lang(browser) == "fr"

    # --- Her plan and skills, not the confidential notes nor the coordination's forms.
    assert not browser.find_elements(By.CSS_SELECTOR, 'nav.tabs a[href$="?onglet=notes"]'), "the cooperant has a Notes tab"
    open_tab(browser, "plan")
    assert FATOU_OBJECTIVE in section_text(browser, "plan")
    assert not browser.find_elements(By.CSS_SELECTOR, "#plan form")
    open_tab(browser, "competences")
    assert not browser.find_elements(By.ID, "notes"), "the cooperant is shown the #notes section"
    page = main_text(browser)
    assert "Notes confidentielles" not in page
    assert DEMO_NOTE not in browser.page_source, "the confidential note is in the cooperant's page"
    for form in ("links-form", "objective-form", "appointment-form", "note-form", "exit-form", "export-link", "erasure-link"):
        assert not browser.find_elements(By.ID, form), f"the cooperant is offered #{form}"
    axe.assert_no_violations("own pathway (cooperant)")

    # --- Her self-assessment.
    open_form(browser, "skill-add")
    level_label = browser.find_element(By.CSS_SELECTOR, 'label[for="skillLevel"]')
    assert " ".join(level_label.text.split()).startswith("Où j'en suis"), level_label.text
    Select(browser.find_element(By.ID, "competenceID")).select_by_visible_text("Tenue de caisse")
    Select(browser.find_element(By.ID, "skillLevel")).select_by_visible_text("Découvert")
    click_and_wait_for_new_page(browser, "skill-submit")
    assert path_of(browser) == own_path
    assert_no_error(browser, "after a self-assessment")
    assert flash_text(browser) == "Évaluation enregistrée."
    skills = {r[0]: r for r in rows_of(browser, "#competences")}
    assert skills.get("Tenue de caisse", [None, None, None])[2] == f"Découvert ({french_date(today)})", skills

    # --- Her hours of this week, at the service: the coordination will validate them (her
    # form is open on her Hours tab: it is what she comes for).
    open_tab(browser, "heures")
    assert browser.find_element(By.ID, "hours-add").get_attribute("open") is not None
    assert browser.find_element(By.ID, "week").get_attribute("value") == monday.isoformat()
    Select(browser.find_element(By.ID, "role")).select_by_visible_text("Service")
    fill(browser, "hours", "6,25")
    click_and_wait_for_new_page(browser, "hours-submit")
    assert path_of(browser) == own_path
    assert_no_error(browser, "after sending hours")
    message = flash_text(browser)
    assert "la coordination les validera" in message, message
    service = [r for r in rows_of(browser, "#heures") if r[0] == french_date(monday) and r[1] == "Service"]
    assert service == [[french_date(monday), "Service", "6 h 15", "À valider"]], rows_of(browser, "#heures")
    assert not browser.find_elements(By.CSS_SELECTOR, '#heures button[id^="validate-"]')
    axe.assert_no_violations("own pathway after the forms (cooperant)")

    # --- Her passport.
    follow_link(browser, browser.find_element(By.ID, "passport-link"))
    assert path_of(browser) == f"{pathway_paths[FATOU]}/passport"
    assert h1_text(browser) == "Passeport de compétences"
    assert facts_of(browser).get("Nom") == FATOU
    assert DEMO_TRAINING in main_text(browser)
    axe.assert_no_violations("passport (cooperant)")

    # --- Another person's file, by the coordinator's address: not found.
    other = pathway_paths[JONATHAN]
    browser.get(f"{base_url}{other}")
    assert FRENCH_NOT_FOUND.search(h1_text(browser)), h1_text(browser)
    assert navigation_status(browser) == 404, f"{other} (cooperant): status {navigation_status(browser)}"
    assert JONATHAN not in main_text(browser) and JONATHAN_OBJECTIVE not in browser.page_source
    axe.assert_no_violations("404 page (cooperant, another person's file)")
    cooperant = session_for(browser)
    for path in (other, f"{other}/passport"):
        assert_not_found_page(cooperant.get(f"{base_url}{path}", allow_redirects=False, timeout=10), f"{path} (cooperant)")
    logout(browser)


# --------------------------------------------------------------------------- 4. personal data (RGPD)


def test_erasure_and_export(browser, base_url, axe, coop_id, pathway_paths):
    login(browser, base_url, COORDINATOR_EMAIL)

    # --- The export of a file: JSON with the referrals and the pathway.
    browser.get(f"{base_url}{pathway_paths[FATOU]}")
    assert h1_text(browser) == FATOU
    export = browser.find_element(By.ID, "export-link")
    export_path = urlparse(export.get_attribute("href")).path
    assert export_path == f"{pathway_paths[FATOU]}/export"
    r = session_for(browser).get(f"{base_url}{export_path}", allow_redirects=False, timeout=10)
    assert r.status_code == 200, f"{export_path}: {r.status_code} {r.text[:300]}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers.get("Content-Type")
    assert "attachment" in r.headers.get("Content-Disposition", ""), r.headers.get("Content-Disposition")
    body = r.json()
    assert "referrals" in body and "pathway" in body, sorted(body)
    assert body["referrals"], "the export holds no referral"
    assert FATOU.split()[1] in json.dumps(body, ensure_ascii=False), "the export does not name the person"

    # --- Erasure of Jonathan Petit's data (no linked account).
    file_path = open_file_from_pathways(browser, base_url, coop_id, JONATHAN)
    open_tab(browser, "plan")
    assert JONATHAN_OBJECTIVE in section_text(browser, "plan")
    open_tab(browser, "synthese")
    linked = Select(browser.find_element(By.ID, "cooperantUserID")).first_selected_option
    assert linked.get_attribute("value") == "", f"{JONATHAN} has a linked account: {linked.text}"
    erasure_path = follow_link(browser, browser.find_element(By.ID, "erasure-link"))
    assert erasure_path == f"{file_path}/erasure"
    assert h1_text(browser) == f"Effacer les données de {JONATHAN}"
    assert "définitif" in main_text(browser)
    axe.assert_no_violations("erasure confirmation")
    click_and_wait_for_new_page(browser, "erasure-submit")
    assert path_of(browser) == file_path
    assert_no_error(browser, "after the erasure")
    assert flash_text(browser) == "Données personnelles effacées."
    name = h1_text(browser)
    assert re.fullmatch(r"Personne anonymisée [0-9a-f]{8}", name), name
    alert = text_of(browser, "main p.alert")
    assert "données personnelles de ce dossier ont été effacées" in alert, alert
    assert not browser.find_elements(By.ID, "erasure-link"), "the erased file can be erased again"
    page = main_text(browser)
    assert JONATHAN not in page, "the erased file still names the person"
    axe.assert_no_violations("erased file")
    open_tab(browser, "plan")
    assert JONATHAN_OBJECTIVE not in main_text(browser), "the erased file still holds the person's plan"

    browser.get(f"{base_url}/coops/{coop_id}/pathways")
    listing = main_text(browser)
    assert JONATHAN not in listing and name in listing, listing
    logout(browser)
