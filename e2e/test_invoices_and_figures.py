"""End-to-end tests of catering documents and the trade figures: a quote typed in the browser
becomes an order, is delivered and issued as an invoice (numbered, with its legal mentions),
then corrected by a credit note; the coordination and a funder read the figures of the
three months of demo sales.

Runs against a server seeded with `seed --demo` (MAILLAGE_BASE_URL); invoice numbers are
read, never assumed, so other tests may have issued invoices before.
"""

from __future__ import annotations

import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_admin_flows import fill, login
from test_foundation import h1_text, path_of
from test_pathway_file import (
    assert_no_error,
    click_and_wait_for_new_page,
    coop_id,  # noqa: F401  (fixture)
    flash_text,
    follow_link,
    link_named,
    logout,
    open_coop_area,
    submit_and_wait,
    suffix,
)

INVOICE_NUMBER = re.compile(r"^Facture (F-\d{4}-\d{4}) émise\.$")
CREDIT_NUMBER = re.compile(r"^Avoir (A-\d{4}-\d{4}) émis\.$")


def button_named(browser, label: str):
    return next(b for b in browser.find_elements(By.CSS_SELECTOR, "main .actions button") if b.text.strip() == label)


def test_a_catering_quote_becomes_an_invoice_then_a_credit_note(browser, base_url, axe, coop_id):
    login(browser, base_url, "caisse@maillage.example")
    path = open_coop_area(browser, base_url, coop_id, "Traiteur : devis et factures")
    assert path == f"/coops/{coop_id}/invoices"
    axe.assert_no_violations("invoices page")

    # A line without a price: a French error on the field, nothing saved.
    customer = f"Amicale des locataires {suffix()}"
    fill(browser, "customerName", customer)
    fill(browser, "customerAddress", "Bâtiment B, 13012 Marseille")
    fill(browser, "description-1", "Goûter (part)")
    fill(browser, "quantity-1", "quarante")
    click_and_wait_for_new_page(browser, "quote-submit")
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert "La quantité s'écrit en chiffres." in summary, summary
    axe.assert_no_violations("quote form with errors")

    # The quote, for a business customer: 40 snacks at 2,50 € and a room set-up at 60 €.
    fill(browser, "customerName", customer)
    fill(browser, "customerAddress", "Bâtiment B, 13012 Marseille")
    browser.find_element(By.ID, "customerIsBusiness").click()
    fill(browser, "customerSiren", "732 829 320")
    fill(browser, "quantity-1", "40")
    fill(browser, "unitPrice-1", "2,50")
    Select(browser.find_element(By.ID, "vatRate-1")).select_by_visible_text("5,5 %")
    fill(browser, "description-2", "Installation de la salle")
    fill(browser, "quantity-2", "1")
    fill(browser, "unitPrice-2", "60")
    Select(browser.find_element(By.ID, "vatRate-2")).select_by_visible_text("20 %")
    click_and_wait_for_new_page(browser, "quote-submit")
    assert_no_error(browser, "after saving the quote")
    assert flash_text(browser) == "Devis enregistré."
    invoice_path = path_of(browser)
    assert re.fullmatch(rf"/coops/{coop_id}/invoices/[0-9a-f-]{{36}}", invoice_path), invoice_path
    sheet = browser.find_element(By.CSS_SELECTOR, "article.invoice-sheet").text
    assert customer in sheet and "160,00 €" in sheet, sheet

    # Ordered, delivered, issued.
    for label, flash in (("Le client commande", "Étape enregistrée : commande."), ("Prestation livrée", "Étape enregistrée : livrée.")):
        submit_and_wait(browser, button_named(browser, label))
        assert flash_text(browser) == flash
    submit_and_wait(browser, browser.find_element(By.ID, "issue-invoice"))
    issued = INVOICE_NUMBER.match(flash_text(browser))
    assert issued, flash_text(browser)
    number = issued.group(1)
    assert h1_text(browser) == f"Facture {number}"
    axe.assert_no_violations("issued invoice")
    legal = browser.find_element(By.CSS_SELECTOR, "footer.legal").text
    assert "SIRET 912 345 675 00009" in legal, legal
    assert "40 €" in legal and "SIREN du client : 732829320." in legal, legal
    # Issued: no more steps, no second issue.
    assert not browser.find_elements(By.ID, "issue-invoice")
    assert not [b for b in browser.find_elements(By.CSS_SELECTOR, "main .actions button") if b.text.strip() == "Le client commande"]

    # Cancelled by a credit note that names it.
    fill(browser, "reason", "Fête annulée")
    submit_and_wait(browser, button_named(browser, "Annuler la facture par un avoir total"))
    credit = CREDIT_NUMBER.match(flash_text(browser))
    assert credit, flash_text(browser)
    note = browser.find_element(By.CSS_SELECTOR, "article.invoice-sheet").text
    assert "-160,00 €" in note.replace("\u202f", " "), note
    assert f"Avoir se rapportant à la facture {number}." in browser.find_element(By.CSS_SELECTOR, "footer.legal").text

    # The list shows both documents.
    follow_link(browser, link_named(browser, "Tous les devis et factures"))
    listed = browser.find_element(By.CSS_SELECTOR, "main table").text
    assert f"Facture {number}" in listed and f"Avoir {credit.group(1)}" in listed, listed
    logout(browser)


def test_the_figures_of_three_months_of_sales(browser, base_url, axe, coop_id):
    for email in ("coordination@maillage.example", "financeur@maillage.example"):
        login(browser, base_url, email)
        path = open_coop_area(browser, base_url, coop_id, "Chiffres du commerce solidaire")
        assert path.startswith(f"/coops/{coop_id}/trade-figures")
        assert h1_text(browser) == "Chiffres du commerce solidaire"
        axe.assert_no_violations(f"trade figures ({email})")
        tiers = [row.find_element(By.TAG_NAME, "td").text for row in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
        # The demo's households sit in the three brackets, neighbours at the public price.
        for label in ("Tranche 1", "Tranche 2", "Tranche 3", "Prix public"):
            assert label in tiers, tiers
        funding = browser.find_elements(By.CSS_SELECTOR, "main table")[-1].text
        assert "CCAS de Marseille" in funding and "Caisse de solidarité (repas suspendus)" in funding, funding
        logout(browser)

    # A period the wrong way round: a French error on the form.
    login(browser, base_url, "coordination@maillage.example")
    browser.get(f"{base_url}/coops/{coop_id}/trade-figures?from=2026-03-01&to=2026-02-01")
    assert "Le début de la période doit précéder sa fin." in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    logout(browser)
