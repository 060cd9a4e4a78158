"""Solidarity trade, first slice: the catalogue, the tariff grid with its preview and its
prices by category, a household registered at the counter by the demo cashier, and its
printed card whose QR code a reader decodes (browser + axe on every page)."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

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
    follow_link,
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
    assert expired[1] == "Prix public justificatif expiré", expired

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


def test_coordinator_prices_the_recyclerie_apart_in_a_new_grid(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Grilles tarifaires") == f"/coops/{coop_id}/tariff-grids"
    name = f"Grille 2099 {suffix()}"
    # Far in the future, so that the demo's till keeps its prices for the other tests.
    fill(browser, "name", name)
    set_value(browser, "validFrom", "2099-01-01", "date")
    fill(browser, "max1", "600")
    fill(browser, "percent1", "25")
    browser.find_element(By.CSS_SELECTOR, "#categories1 summary").click()
    labels = {label.text: label.get_attribute("for") for label in browser.find_elements(By.CSS_SELECTOR, "#categories1 label")}
    assert "Catégorie « recyclerie »" in labels and "Catégorie « repas »" in labels, labels
    fill(browser, labels["Catégorie « repas »"], "1,00")
    fill(browser, labels["Catégorie « recyclerie »"], "la moitié")
    fill(browser, "percent2", "100")
    click_and_wait_for_new_page(browser, "grid-submit")
    assert "pourcentage du prix public (30 %)" in error_summary(browser)
    # What was typed is still there, its box open.
    assert browser.find_element(By.ID, labels["Catégorie « repas »"]).get_attribute("value") == "1,00"
    assert browser.find_element(By.ID, "categories1").get_attribute("open") is not None
    axe.assert_no_violations("tariff grid with a category error")

    fill(browser, labels["Catégorie « recyclerie »"], "50 %")
    click_and_wait_for_new_page(browser, "grid-submit")
    assert_no_error(browser, "after creating a grid with category prices")
    assert flash_text(browser) == "Grille tarifaire créée."
    grids = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "main li")]
    assert any(text.startswith(name) and text.endswith("2 tranches, avec des prix par catégorie") for text in grids), grids
    logout(browser)


def test_cashier_prints_a_household_card_that_a_reader_decodes(browser, base_url, axe, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Foyers") == f"/coops/{coop_id}/households"
    follow_link(browser, browser.find_element(By.CSS_SELECTOR, 'main a[aria-label="Imprimer la carte CAIL01"]'))
    assert path_of(browser) == f"/coops/{coop_id}/households/CAIL01/card"
    assert h1_text(browser) == "Carte foyer CAIL01"
    axe.assert_no_violations("household card")
    card = browser.find_element(By.ID, "household-card")
    assert "CAIL01" in card.text and "Coopérative d'habitants des Caillols" in card.text
    # The card as printed, read by a barcode reader's decoder: it types the card's code.
    with tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / "card.png"
        card.screenshot(str(picture))
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(picture)], capture_output=True, text=True, timeout=30)
    assert decoded.returncode == 0, decoded.stderr
    assert decoded.stdout.strip() == "CAIL01"
    logout(browser)
