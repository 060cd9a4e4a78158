"""Local sourcing in the browser: the demo's buyer adds a supplier, records an invoice from it,
attaches the invoice's PDF, imports a purchases file in ma-cantine's layout (refused with its
errors, then accepted), and the coordination and a funder read the EGAlim and local shares
(axe on every page)."""

from __future__ import annotations

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
    logout,
    open_coop_area,
    paris_today,
    rows_of,
    set_value,
    suffix,
)
from test_pathways_journey import error_summary, facts_of

CASHIER_EMAIL = "caisse@maillage.example"
FUNDER_EMAIL = "financeur@maillage.example"


def test_buyer_adds_a_supplier_and_records_an_invoice(browser, base_url, axe, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Fournisseurs") == f"/coops/{coop_id}/suppliers"
    axe.assert_no_violations("suppliers")
    name = f"Maraîchers de Gémenos {suffix()}"
    fill(browser, "name", name)
    Select(browser.find_element(By.ID, "kind")).select_by_visible_text("Producteur ou productrice")
    fill(browser, "postalCode", "1342")
    fill(browser, "intermediaries", "0")
    browser.find_element(By.ID, "labels-BIO").click()
    Select(browser.find_element(By.ID, "defaultFamily")).select_by_visible_text("Fruits et légumes")
    click_and_wait_for_new_page(browser, "supplier-submit")
    assert "Un code postal français compte 5 chiffres" in error_summary(browser)
    axe.assert_no_violations("suppliers with an error")
    fill(browser, "postalCode", "13420")
    fill(browser, "commune", "Gémenos")
    click_and_wait_for_new_page(browser, "supplier-submit")
    assert_no_error(browser, "after adding a supplier")
    assert flash_text(browser) == f"Fournisseur ajouté : {name}."
    row = {r[0]: r for r in rows_of(browser, "main")}[name]
    # A producer with no intermediary sells in short circuit; its labels pre-fill its lines.
    assert row[1] == "Producteur ou productrice" and row[2] == "Gémenos (13)" and row[4] == "oui" and row[5] == "Bio", row

    assert open_coop_area(browser, base_url, coop_id, "Achats") == f"/coops/{coop_id}/purchases"
    axe.assert_no_violations("purchases")
    Select(browser.find_element(By.ID, "supplierID")).select_by_visible_text(name)
    set_value(browser, "date", (paris_today() - timedelta(days=1)).isoformat(), "date")
    fill(browser, "reference", "F-2211")
    fill(browser, "description1", "Courgettes bio")
    Select(browser.find_element(By.ID, "family1")).select_by_visible_text("Fruits et légumes")
    fill(browser, "price1", "48,00")
    fill(browser, "quantity1", "20")
    fill(browser, "unit1", "kg")
    # The second line names no family: the supplier's usual one.
    fill(browser, "description2", "Panier de saison")
    fill(browser, "price2", "quarante")
    click_and_wait_for_new_page(browser, "purchase-submit")
    assert "en euros" in error_summary(browser)
    axe.assert_no_violations("purchases with an error")
    # What was typed is kept.
    assert browser.find_element(By.ID, "description1").get_attribute("value") == "Courgettes bio"
    fill(browser, "price2", "32,50")
    click_and_wait_for_new_page(browser, "purchase-submit")
    assert_no_error(browser, "after recording a purchase")
    assert flash_text(browser) == "Achat enregistré : 80,50 € HT."
    assert h1_text(browser).endswith(name)
    lines = {r[0]: r for r in rows_of(browser, "main")}
    # Both lines took the supplier's organic label (and its short circuit).
    assert lines["Courgettes bio"][3] == "48,00 €" and lines["Courgettes bio"][5] == "Bio", lines
    assert "Bio" in lines["Panier de saison"][4] and "Circuit court" in lines["Panier de saison"][4], lines
    axe.assert_no_violations("purchase")

    # The invoice's PDF, attached and served back.
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "facture-F-2211.pdf"
        pdf.write_bytes(b"%PDF-1.4\n% facture de test\n")
        browser.find_element(By.ID, "file").send_keys(str(pdf))
        click_and_wait_for_new_page(browser, "attachment-submit")
    assert flash_text(browser) == "Facture jointe."
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "Voir la facture jointe")
    assert link.text.endswith("facture-F-2211.pdf")
    logout(browser)


def test_buyer_imports_a_purchases_file_with_an_error_then_without(browser, base_url, axe, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Achats") == f"/coops/{coop_id}/purchases"
    browser.find_element(By.LINK_TEXT, "Importer un fichier d'achats (ma-cantine)").click()
    assert h1_text(browser) == "Importer des achats"
    axe.assert_no_violations("import")
    day = (paris_today() - timedelta(days=3)).isoformat()
    new_supplier = f"Primeur du Marché {suffix()}"
    header = "description;fournisseur;date;prix_ht;famille_produits;categories_egalim;origine;est_circuit_court;est_local;definition_local;definition_local_km"
    good = [
        f"Pommes HVE;{new_supplier};{day};68,05;FRUITS_ET_LEGUMES;HVE;FRANCE;non;oui;REGION;",
        f"Poires;{new_supplier};{day};41,20;fruits-legumes;;FRANCE;non;non;;",
        f"Yaourts bio;{new_supplier};{day};35,00;bof;BIO;;non;non;;",
    ]
    bad = good[:1] + [f"Poires;{new_supplier};{day};quarante;FRUITS;;FRANCE;non;non;;"] + good[2:]
    with tempfile.TemporaryDirectory() as folder:
        wrong = Path(folder) / "achats-faux.csv"
        wrong.write_text("\ufeff" + "\n".join([header, *bad]) + "\n", encoding="utf-8")
        browser.find_element(By.ID, "file").send_keys(str(wrong))
        click_and_wait_for_new_page(browser, "import-preview-submit")
        errors = rows_of(browser, "#import-errors")
        assert [(e[0], e[1]) for e in errors] == [("3", "prix_ht"), ("3", "famille_produits")], errors
        assert "rien n'a été importé" in browser.find_element(By.CSS_SELECTOR, "#import-errors h2").text
        axe.assert_no_violations("import with errors")

        right = Path(folder) / "achats.csv"
        right.write_text("\ufeff" + "\n".join([header, *good]) + "\n", encoding="utf-8")
        browser.find_element(By.ID, "file").send_keys(str(right))
        click_and_wait_for_new_page(browser, "import-preview-submit")
    preview = browser.find_element(By.ID, "import-preview").text
    assert "3 lignes prêtes, en 1 achats." in preview and new_supplier in preview, preview
    axe.assert_no_violations("import preview")
    click_and_wait_for_new_page(browser, "import-submit")
    assert path_of(browser) == f"/coops/{coop_id}/purchases"
    assert flash_text(browser) == "3 lignes importées en 1 achats."
    assert_no_error(browser, "after importing")
    # The new supplier is there, to complete.
    assert open_coop_area(browser, base_url, coop_id, "Fournisseurs") == f"/coops/{coop_id}/suppliers"
    row = {r[0]: r for r in rows_of(browser, "main")}[new_supplier]
    assert row[1] == "à compléter", row
    browser.find_element(By.LINK_TEXT, new_supplier).click()
    assert h1_text(browser) == new_supplier
    assert browser.find_element(By.CSS_SELECTOR, "#modifier h2").text == "Compléter ce fournisseur"
    axe.assert_no_violations("supplier to complete")
    Select(browser.find_element(By.ID, "kind")).select_by_visible_text("Commerce du quartier")
    fill(browser, "postalCode", "13005")
    click_and_wait_for_new_page(browser, "supplier-submit")
    assert flash_text(browser) == f"Fournisseur mis à jour : {new_supplier}."
    assert facts_of(browser)["Type"] == "Commerce du quartier"
    logout(browser)


def test_coordination_and_funder_read_the_egalim_and_local_shares(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Approvisionnement local et EGAlim") == f"/coops/{coop_id}/sourcing"
    axe.assert_no_violations("sourcing indicators")
    facts = facts_of(browser)
    # The demo's year: durable and quality purchases above half, organic above a fifth.
    egalim = int(facts["Durables et de qualité (EGAlim)"].split("—")[1].split("%")[0].strip().replace("\u202f", ""))
    bio = int(facts["Bio"].split("—")[1].split("%")[0].strip().replace("\u202f", ""))
    assert 50 <= egalim <= 80 and 20 <= bio <= 35, facts
    assert browser.find_element(By.CSS_SELECTOR, ".chart svg[role=img]").get_attribute("aria-label") == "Parts des achats HT"
    suppliers = [r[0] for r in rows_of(browser, 'div[aria-label="Fournisseur"]')]
    assert "Jardins de l'Huveaune (chantier d'insertion)" in suppliers, suppliers
    # An inverted period is a French error, not a crash.
    set_value(browser, "from", "2026-06-30", "date")
    set_value(browser, "to", "2026-01-01", "date")
    browser.find_element(By.CSS_SELECTOR, "form.row-form button[type=submit]").click()
    assert "Le début de la période doit précéder sa fin." in error_summary(browser)
    logout(browser)

    login(browser, base_url, FUNDER_EMAIL)
    browser.get(f"{base_url}/coops/{coop_id}/sourcing")
    assert h1_text(browser) == "Approvisionnement local et EGAlim"
    assert "Achats HT" in facts_of(browser)
    # A funder reads; what local means is the coordination's to say.
    assert not browser.find_elements(By.ID, "local-form")
    axe.assert_no_violations("sourcing indicators for a funder")
    logout(browser)
