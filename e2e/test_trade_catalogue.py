"""Solidarity trade, first slice: the catalogue, the tariff grid with its preview, and a
household registered at the counter by the demo cashier (browser + axe on every page)."""

from __future__ import annotations

from datetime import timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_admin_flows import fill, login
from test_foundation import h1_text, path_of
from test_pathway_file import (
    COORDINATOR_EMAIL,
    assert_no_error,
    click_and_wait_for_new_page,
    coop_id,  # noqa: F401  (fixture)
    flash_text,
    logout,
    open_coop_area,
    paris_today,
    rows_of,
    set_value,
    suffix,
)
from test_pathways_journey import error_summary

CASHIER_EMAIL = "caisse@maillage.example"


def test_coordinator_adds_a_product_and_reads_the_grid_preview(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Catalogue") == f"/coops/{coop_id}/products"
    assert h1_text(browser) == "Catalogue"
    axe.assert_no_violations("catalogue")

    name = f"Soupe du jour {suffix()}"
    fill(browser, "name", name)
    fill(browser, "category", "repas")
    fill(browser, "publicPrice", "3,50")
    Select(browser.find_element(By.ID, "vatRate")).select_by_visible_text("5,5 %")
    click_and_wait_for_new_page(browser, "product-submit")
    assert_no_error(browser, "after adding a product")
    assert flash_text(browser) == "Produit ajouté au catalogue."
    line = [r for r in rows_of(browser, "main") if r and r[0] == name]
    assert line and line[0][2] == "3,50 €" and line[0][3] == "5,5 %", rows_of(browser, "main")

    # A price typed with letters comes back with a French message and the form kept.
    fill(browser, "name", f"Gâteau {suffix()}")
    fill(browser, "category", "repas")
    fill(browser, "publicPrice", "trois euros")
    Select(browser.find_element(By.ID, "vatRate")).select_by_visible_text("10 %")
    click_and_wait_for_new_page(browser, "product-submit")
    assert "en euros" in error_summary(browser)
    axe.assert_no_violations("catalogue with an error")

    assert open_coop_area(browser, base_url, coop_id, "Grilles tarifaires") == f"/coops/{coop_id}/tariff-grids"
    axe.assert_no_violations("tariff grids")
    preview = {r[0]: r for r in rows_of(browser, "#grille-en-vigueur")}
    # Repas du midi, 9 €: QF 0 and 300 pay 25 %, 500 and 700 half, 900 three quarters.
    assert preview["Repas du midi"][1:7] == ["9,00 €", "2,25 €", "2,25 €", "4,50 €", "4,50 €", "6,75 €"], preview
    assert preview[name][1] == "3,50 €"
    logout(browser)


def test_cashier_registers_a_household_card(browser, base_url, axe, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Foyers") == f"/coops/{coop_id}/households"
    assert h1_text(browser) == "Foyers et justificatifs"
    axe.assert_no_violations("households")
    # The demo card whose proof has expired says so.
    expired = {r[0]: r for r in rows_of(browser, "main")}["CAIL04"]
    assert expired[1] == "Prix public (justificatif expiré)", expired

    # A CAF certificate of four months ago is refused.
    old = paris_today() - timedelta(days=125)
    Select(browser.find_element(By.ID, "kind")).select_by_visible_text("Attestation de quotient familial CAF")
    fill(browser, "familyQuotient", "350")
    set_value(browser, "issuedOn", old.isoformat(), "date")
    click_and_wait_for_new_page(browser, "household-submit")
    assert "moins de 3 mois" in error_summary(browser)
    axe.assert_no_violations("households with an error")

    recent = paris_today() - timedelta(days=5)
    card = f"T{suffix()[:6]}".upper()
    Select(browser.find_element(By.ID, "kind")).select_by_visible_text("Attestation de quotient familial CAF")
    fill(browser, "familyQuotient", "350")
    set_value(browser, "issuedOn", recent.isoformat(), "date")
    fill(browser, "card", card)
    click_and_wait_for_new_page(browser, "household-submit")
    assert path_of(browser) == f"/coops/{coop_id}/households"
    assert_no_error(browser, "after registering")
    assert flash_text(browser) == f"Carte {card} enregistrée : Tranche 1."
    row = {r[0]: r for r in rows_of(browser, "main")}[card]
    assert row[1] == "Tranche 1" and row[4] == "Samir Ouali", row
    logout(browser)
