"""The territory's partner directory: a cashier finds who helps with childcare in two clicks
from the cooperative's page; the coordination adds a partner, with a refused e-mail first, and
what it is to the cooperative (axe on every page)."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from test_admin_flows import fill, login
from test_foundation import h1_text, path_of
from test_pathway_file import (
    COORDINATOR_EMAIL,
    assert_no_error,
    click_and_wait_for_new_page,
    coop_id,  # noqa: F401  (fixture)
    flash_text,
    follow_link,
    logout,
    open_coop_area,
    rows_of,
    submit_and_wait,
    suffix,
)
from test_pathways_journey import STAFF_EMAIL, error_summary, without_browser_validation


def test_a_cashier_finds_who_helps_with_childcare(browser, base_url, axe, coop_id):
    login(browser, base_url, STAFF_EMAIL)
    path = open_coop_area(browser, base_url, coop_id, "Partenaires du territoire")
    assert path.startswith("/territories/") and path.endswith("/partners"), path
    assert h1_text(browser).startswith("Partenaires du territoire — Marseille 12e")
    axe.assert_no_violations("partners")
    follow_link(browser, browser.find_element(By.ID, "theme-childcare"))
    names = [row[0] for row in rows_of(browser, "main")]
    assert "Centre social des Caillols" in names, names
    assert "Mission Locale de Marseille" not in names, names
    # Contacts who agreed to be listed are shown; the cashier gets no form.
    assert any("Mireille Ouali" in " ".join(row) for row in rows_of(browser, "main"))
    assert not browser.find_elements(By.ID, "partner-form")
    axe.assert_no_violations("partners for childcare")
    logout(browser)


def test_the_coordination_adds_a_partner(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    list_path = open_coop_area(browser, base_url, coop_id, "Partenaires du territoire")
    name = f"Crèche parentale Les Lucioles {suffix()}"
    fill(browser, "name", name)
    browser.find_element(By.CSS_SELECTOR, 'select#kind option[value="association"]').click()
    browser.find_element(By.ID, "services-childcare").click()
    fill(browser, "contactName", "Awa Sow")
    fill(browser, "contactEmail", "lucioles@")
    browser.find_element(By.ID, "contactListed").click()
    # The server's own check, past the browser's.
    without_browser_validation(browser, "partner-form")
    click_and_wait_for_new_page(browser, "partner-submit")
    assert "nom@domaine.fr" in error_summary(browser)
    axe.assert_no_violations("partner form with an error")
    fill(browser, "contactEmail", "lucioles@exemple.fr")
    browser.find_element(By.CSS_SELECTOR, f'input[name="roles[]"][value="{coop_id}:referrer"]').click()
    click_and_wait_for_new_page(browser, "partner-submit")
    assert_no_error(browser, "after adding the partner")
    assert flash_text(browser) == f"Partenaire ajouté : {name}."
    assert h1_text(browser) == name
    contacts = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#contacts li")]
    assert contacts == ["Awa Sow — lucioles@exemple.fr"], contacts
    roles = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#roles li")]
    assert roles == ["Coopérative d'habitants des Caillols : oriente des habitant·es"], roles
    axe.assert_no_violations("partner page")
    browser.get(f"{base_url}{list_path}?service=childcare")
    assert name in [row[0] for row in rows_of(browser, "main")]
    assert path_of(browser) == list_path
    logout(browser)


def test_the_coordination_is_reminded_of_a_report_and_records_an_agreement(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    browser.get(f"{base_url}/")
    reminders = browser.find_element(By.ID, "reminders").text
    assert "Bilan intermédiaire" in reminders and "Politique de la ville" in reminders, reminders
    axe.assert_no_violations("home with reminders")
    follow_link(browser, browser.find_element(By.CSS_SELECTOR, "#reminders a"))
    assert h1_text(browser).endswith("— Politique de la ville")
    assert "Personnes accompagnées dans un parcours" in browser.find_element(By.TAG_NAME, "main").text
    axe.assert_no_violations("funding agreement")

    list_path = open_coop_area(browser, base_url, coop_id, "Conventions de financement")
    assert list_path == f"/coops/{coop_id}/funding-agreements"
    programme = f"FSE+ inclusion {suffix()}"
    browser.find_element(By.CSS_SELECTOR, "select#funderID option:nth-child(2)").click()
    fill(browser, "programme", programme)
    fill(browser, "amount", "18 000")
    browser.execute_script("document.getElementById('startsOn').value = '2026-01-01'; document.getElementById('endsOn').value = '2026-12-31';")
    browser.find_element(By.CSS_SELECTOR, 'select#indicator option[value="meals-sold"]').click()
    fill(browser, "target", "deux mille")
    without_browser_validation(browser, "agreement-form")
    click_and_wait_for_new_page(browser, "agreement-submit")
    assert "en chiffres" in error_summary(browser)
    axe.assert_no_violations("agreement form with an error")
    fill(browser, "target", "2000")
    browser.execute_script("document.getElementById('deadlineOn').value = '2027-01-31';")
    fill(browser, "deadlineLabel", "Bilan FSE+")
    click_and_wait_for_new_page(browser, "agreement-submit")
    assert_no_error(browser, "after recording the agreement")
    assert flash_text(browser) == "Convention enregistrée."
    assert h1_text(browser).endswith(f"— {programme}")
    deadlines = browser.find_elements(By.CSS_SELECTOR, "#deadlines li")
    assert len(deadlines) == 1 and deadlines[0].text.startswith("31/01/2027 — Bilan FSE+"), [li.text for li in deadlines]
    # The report is sent: recorded today, its button gone.
    submit_and_wait(browser, deadlines[0].find_element(By.TAG_NAME, "button"))
    assert flash_text(browser) == "Compte rendu remis aujourd'hui."
    deadline = browser.find_element(By.CSS_SELECTOR, "#deadlines li")
    assert "(remis le " in deadline.text and not deadline.find_elements(By.TAG_NAME, "button"), deadline.text
    axe.assert_no_violations("agreement with its report sent")
    logout(browser)


def test_a_cashier_books_the_room_and_a_double_booking_is_refused(browser, base_url, axe, coop_id):
    from datetime import timedelta

    from test_pathway_file import paris_today

    login(browser, base_url, STAFF_EMAIL)
    open_coop_area(browser, base_url, coop_id, "Ressources partagées")
    assert h1_text(browser).startswith("Ressources partagées — Marseille 12e")
    axe.assert_no_violations("shared resources")
    follow_link(browser, browser.find_element(By.LINK_TEXT, "Salle polyvalente du centre social"))
    assert h1_text(browser) == "Salle polyvalente du centre social"
    assert "token=" in browser.find_element(By.ID, "resource-calendar").get_attribute("href")
    assert "token=" in browser.find_element(By.ID, "my-calendar").get_attribute("href")
    axe.assert_no_violations("resource week")
    # A day no other test books: 40 to 60 days ahead, from a random suffix.
    day = (paris_today() + timedelta(days=40 + int(suffix(), 16) % 20)).isoformat()

    def book(start: str, end: str, purpose: str) -> None:
        browser.execute_script(
            "document.getElementById('start').value = arguments[0]; document.getElementById('end').value = arguments[1];",
            f"{day}T{start}", f"{day}T{end}")
        fill(browser, "purpose", purpose)
        click_and_wait_for_new_page(browser, "booking-submit")

    book("10:00", "12:00", "Atelier couture")
    assert_no_error(browser, "after booking")
    assert flash_text(browser).startswith("Réservé : ")
    # Times the French way (no-break spaces read as spaces).
    assert "10 h 00 – 12 h 00 Atelier couture" in browser.find_element(By.ID, "bookings").text
    book("11:00", "12:30", "Réunion des habitant·es")
    assert "déjà réservée" in error_summary(browser)
    axe.assert_no_violations("booking refused")
    follow_link(browser, browser.find_element(By.ID, "month-view"))
    assert "Atelier couture" in browser.find_element(By.ID, "bookings").text
    axe.assert_no_violations("resource month")
    logout(browser)
