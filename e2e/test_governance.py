"""Governance, first slice: the demo SCIC's statutes (three categories, three colleges weighing
40, 35 and 25 %), its forty-odd associates, and a new member recorded by the coordination;
a member reads the list (axe on every page)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_admin_flows import fill, login
from test_foundation import h1_text
from test_pathway_file import (
    COORDINATOR_EMAIL,
    assert_no_error,
    click_and_wait_for_new_page,
    coop_id,  # noqa: F401  (fixture)
    flash_text,
    logout,
    open_coop_area,
    rows_of,
    set_value,
    suffix,
)
from test_pathways_journey import error_summary, facts_of

MEMBER_EMAIL = "societaire@maillage.example"


def test_coordination_reads_the_statutes_and_admits_a_member(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Statuts et collèges") == f"/coops/{coop_id}/governance"
    axe.assert_no_violations("statutes")
    facts = facts_of(browser)
    assert facts["Collèges de vote"] == "oui, vote pondéré par collège", facts
    assert facts["Quorum AGO (1re / 2e convocation)"] == "1/5 / aucun", facts
    colleges = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#colleges + ul li")]
    assert colleges == ["Habitant·es — 40 %", "Partenaires — 25 %", "Salarié·es et coopérant·es — 35 %"], colleges
    # The demo's statutes lack nothing.
    assert not browser.find_elements(By.ID, "warnings")

    # A fourth college would weigh more than the 100 % left: refused in French.
    fill(browser, "weightPercent", "20")
    fill(browser, "collegeName", f"Collège {suffix()}")
    click_and_wait_for_new_page(browser, "college-submit")
    assert "il reste 0 %" in error_summary(browser)
    axe.assert_no_violations("statutes with an error")

    assert open_coop_area(browser, base_url, coop_id, "Associé·es") == f"/coops/{coop_id}/members"
    axe.assert_no_violations("members")
    before = rows_of(browser, "main")
    assert len(before) >= 40, len(before)
    name = f"Aïcha Benyamina {suffix()}"
    fill(browser, "displayName", name)
    Select(browser.find_element(By.ID, "category")).select_by_visible_text("Habitant·es bénéficiaires")
    click_and_wait_for_new_page(browser, "member-submit")
    # The statutes vote by college: the college is required.
    assert "choisissez celui de l'associé·e" in error_summary(browser)
    Select(browser.find_element(By.ID, "collegeID")).select_by_visible_text("Habitant·es")
    set_value(browser, "admittedOn", "2026-06-20", "date")
    click_and_wait_for_new_page(browser, "member-submit")
    assert_no_error(browser, "after admitting a member")
    number = len(before) + 1
    assert flash_text(browser) == f"Associé·e n° {number} enregistré·e : {name}."
    row = {r[1]: r for r in rows_of(browser, "main")}[name]
    assert row[0] == str(number) and row[2] == "Habitant·es bénéficiaires" and row[3] == "Habitant·es" and row[4] == "20/06/2026", row
    logout(browser)


def test_a_member_reads_the_members_without_changing_them(browser, base_url, axe, coop_id):
    login(browser, base_url, MEMBER_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Associé·es") == f"/coops/{coop_id}/members"
    assert h1_text(browser) == "Associé·es"
    names = [r[1] for r in rows_of(browser, "main")]
    assert "Centre social des Caillols (représentée par Mireille Ouali)" in names, names[:5]
    assert not browser.find_elements(By.ID, "member-form")
    axe.assert_no_violations("members for a member")
    logout(browser)


def test_coordination_writes_a_subscription_in_the_capital_register(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Capital et registre des parts") == f"/coops/{coop_id}/capital"
    axe.assert_no_violations("capital")
    register = rows_of(browser, 'div[aria-label="Registre des parts"]')
    numbers = [int(r[0]) for r in register]
    # Numbered 1, 2, 3… without a gap, one subscription per demo associate at least.
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 40, numbers[:5]
    Select(browser.find_element(By.ID, "kind")).select_by_visible_text("Remboursement")
    Select(browser.find_element(By.ID, "memberID")).select_by_index(1)
    fill(browser, "quantity", "500")
    click_and_wait_for_new_page(browser, "operation-submit")
    assert "on ne peut en céder ou en rembourser plus" in error_summary(browser)
    axe.assert_no_violations("capital with an error")
    Select(browser.find_element(By.ID, "kind")).select_by_visible_text("Souscription")
    Select(browser.find_element(By.ID, "memberID")).select_by_index(1)
    fill(browser, "quantity", "2")
    click_and_wait_for_new_page(browser, "operation-submit")
    assert_no_error(browser, "after a subscription")
    assert flash_text(browser) == f"Opération n° {len(numbers) + 1} inscrite au registre."
    last = rows_of(browser, 'div[aria-label="Registre des parts"]')[-1]
    assert last[2] == "Souscription" and last[4] == "2 × Part sociale" and last[5] == "40,00 €", last
    logout(browser)
