"""End-to-end tests of the till (caisse): the ticket built with the keyboard or the buttons,
household cards and their tiers, donations and suspended meals, a sale kept across a reload or
a network drop and sent once, the refund, and the day's closing (Z) with its archive.

Runs against a server seeded with the demo data (`seed --demo`), at MAILLAGE_BASE_URL, and
tolerates the other e2e files having run before on the same server: ticket numbers, the pool
balance and the product keys are read, never assumed. The sales are made at the Caillols
cooperative; the day's closing is done at the Avignon cooperative, so that the Caillols till
keeps selling for whatever runs next. Run twice on the same server, the closing test finds
Avignon's day already closed and checks the refusals only.

The demo data used (DemoTrade.swift): the Caillols catalogue (products of category `repas`
among others), its grid 25/50/75/100 % of the public price, and the cards CAIL01 (T1),
CAIL02 (T2), CAIL03 (T3) and CAIL04 (proof expired: public price).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from test_admin_flows import csrf_of, demo_ids, fill, login  # noqa: F401  (demo_ids: fixture)
from test_foundation import h1_text, path_of, session_for, wait, wait_for_path
from test_pathway_file import (
    assert_no_error,
    click_and_wait_for_new_page,
    coop_id,  # noqa: F401  (fixture)
    flash_text,
    follow_link,
    link_named,
    logout,
    open_coop_area,
    paris_today,
    rows_of,
    set_value,
    submit_and_wait,
    suffix,
)
from servers import workdir  # noqa: F401  (fixture)
from test_pathways_journey import AVIGNON_COORDINATOR_EMAIL

CASHIER_EMAIL = "caisse@maillage.example"
SALE_RECORDED = re.compile(r"^Vente n° (\d+) enregistrée\.")
OFFLINE_MESSAGE = "Connexion perdue : la vente est gardée et sera renvoyée automatiquement."
DAY_CLOSED_MESSAGE = "La clôture du jour (Z) est faite : plus de ticket aujourd'hui."
ALREADY_CLOSED_MESSAGE = "Cette période est déjà clôturée : une clôture ne se refait pas."
MEAL_NEEDS_CARD_MESSAGE = (
    "Un repas suspendu est réservé à un foyer dont le justificatif est valable : passez sa carte."
)


# --------------------------------------------------------------------------- helpers


def euros(cents: int) -> str:
    """As the till and the server write an amount: `1 234,50 €` (narrow no-break space)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d} €"


def norm(text: str) -> str:
    """Text with its spaces (no-break ones included) folded, to compare amounts."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def share(cents: int, percent: int) -> int:
    """A grid's `percentOfPublic` price: rounded half up to the cent (Tariff.swift)."""
    return (cents * percent + 50) // 100


@dataclass(frozen=True)
class TillProduct:
    id: str
    name: str
    price: int
    category: str
    key: str | None


def till_products(browser) -> list[TillProduct]:
    """The product buttons of the till, in their order, as their data attributes say."""
    found = []
    for button in browser.find_elements(By.CSS_SELECTOR, "#till .till-product"):
        found.append(
            TillProduct(
                id=button.get_attribute("data-product-id"),
                name=button.get_attribute("data-name"),
                price=int(button.get_attribute("data-price")),
                category=button.get_attribute("data-category"),
                key=button.get_attribute("data-key"),
            )
        )
    assert found, "the till shows no product"
    return found


def product_with_key(browser, key: str) -> TillProduct:
    matches = [p for p in till_products(browser) if p.key == key]
    assert len(matches) == 1, f"expected one product with key {key}: {till_products(browser)}"
    return matches[0]


def product_named(browser, name: str) -> TillProduct:
    matches = [p for p in till_products(browser) if p.name == name]
    assert len(matches) == 1, f"expected one product {name!r}: {till_products(browser)}"
    return matches[0]


def a_meal(browser) -> TillProduct:
    """A product of category `repas` (a suspended meal pays for one): the dearest."""
    meals = [p for p in till_products(browser) if p.category == "repas"]
    assert meals, f"no product of category repas at the till: {till_products(browser)}"
    return max(meals, key=lambda p: p.price)


def product_button(browser, product: TillProduct):
    return browser.find_element(
        By.CSS_SELECTOR, f'#till .till-product[data-product-id="{product.id}"]'
    )


def till_state_keys(coop: str) -> tuple[str, str]:
    """The localStorage keys of the ticket being built and of a sale in flight."""
    return f"maillage-till-cart-{coop}", f"maillage-till-pending-{coop}"


def forget_till_state(browser) -> None:
    """Empties this origin's localStorage (call it on a page without the till script): the
    session-wide browser would otherwise bring back a ticket left by an earlier test."""
    browser.execute_script("window.localStorage.clear();")


def wait_till_ready(browser) -> None:
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#till.till-ready")))


def open_till(browser, base_url: str, coop: str) -> None:
    """The till of `coop`, with an empty ticket (nothing kept from an earlier test)."""
    browser.get(f"{base_url}/coops/{coop}/sales")
    wait_for_path(browser, f"/coops/{coop}/sales")
    forget_till_state(browser)
    browser.get(f"{base_url}/coops/{coop}/till")
    wait_till_ready(browser)
    assert h1_text(browser) == "Caisse"
    assert not line_rows(browser), "the ticket is not empty on a fresh till"


def press(browser, *keys: str) -> None:
    """Types keys with the focus on the page itself (not in a field), as a cashier would."""
    browser.execute_script(
        "if (document.activeElement && document.activeElement !== document.body) {"
        " document.activeElement.blur(); }"
    )
    ActionChains(browser).send_keys(*keys).perform()


def text(browser, element_id: str) -> str:
    return norm(browser.find_element(By.ID, element_id).text)


def status(browser) -> str:
    return text(browser, "till-status")


def wait_for_status(browser, expected: str | re.Pattern, timeout: float = 15) -> str:
    """Waits until `#till-status` says `expected` (exact text, or a pattern searched)."""

    def matches(d):
        current = status(d)
        if isinstance(expected, re.Pattern):
            return expected.search(current) is not None
        return current == expected

    try:
        wait(browser, timeout).until(matches)
    except TimeoutException as err:
        raise AssertionError(f"#till-status: expected {expected!r}, got {status(browser)!r}") from err
    return status(browser)


def wait_for_text(browser, element_id: str, expected: str, timeout: float = 15) -> None:
    try:
        wait(browser, timeout).until(lambda d: text(d, element_id) == norm(expected))
    except TimeoutException as err:
        raise AssertionError(
            f"#{element_id}: expected {expected!r}, got {text(browser, element_id)!r}"
        ) from err


def line_rows(browser) -> list[dict]:
    """The ticket's lines as the till shows them (the public price and the solidarity are
    written only when the household pays less: read from the markup)."""
    rows = []
    for li in browser.find_elements(By.CSS_SELECTOR, "#till-lines-body li.till-line"):

        def part(css: str) -> str:
            return norm(li.find_element(By.CSS_SELECTOR, css).get_attribute("textContent"))

        rows.append(
            {
                "name": part(".till-line-name"),
                "quantity": int(part(".till-count")),
                "public": part(".till-line-public"),
                "household": part(".till-line-price"),
                "difference": part(".till-line-gap"),
                "total": part(".till-line-total"),
            }
        )
    return rows


def wait_for_lines(browser, count: int) -> list[dict]:
    try:
        wait(browser).until(lambda d: len(line_rows(d)) == count)
    except TimeoutException as err:
        raise AssertionError(f"expected {count} ticket lines, got {line_rows(browser)}") from err
    return line_rows(browser)


def expected_line(product: TillProduct, quantity: int, price: int) -> dict:
    return {
        "name": product.name,
        "quantity": quantity,
        "public": norm(euros(product.price)),
        "household": norm(euros(price)),
        "difference": norm(euros((product.price - price) * quantity)),
        "total": norm(euros(price * quantity)),
    }


def apply_card(browser, card: str) -> None:
    """Types a household card with the keyboard: `/` goes to the card field, Entrée applies."""
    press(browser, "/")
    wait(browser).until(lambda d: d.switch_to.active_element.get_attribute("id") == "till-card")
    # A card the till did not know stays in the field, to be corrected: start afresh.
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(
        Keys.DELETE, card, Keys.ENTER
    ).perform()


def record_and_read_number(browser) -> int:
    """Clicks Encaisser and returns the ticket number the till announces."""
    record = browser.find_element(By.ID, "till-record")
    wait(browser).until(lambda d: d.find_element(By.ID, "till-record").is_enabled())
    record.click()
    return int(SALE_RECORDED.search(wait_for_status(browser, SALE_RECORDED)).group(1))


def receipt_link(browser, number: int):
    wait(browser).until(EC.visibility_of_element_located((By.ID, "till-receipt")))
    return link_named(browser, f"Voir le ticket n° {number}", "#till-receipt-body")


def sale_id_of(link) -> str:
    """The sale's id in a ticket link, in lower case (the server's own links write it so)."""
    return urlparse(link.get_attribute("href")).path.rsplit("/", 1)[1].lower()


def api_sale(browser, base_url: str, coop: str, sale_id: str) -> dict:
    r = session_for(browser).get(f"{base_url}/api/v1/coops/{coop}/sales/{sale_id}", timeout=10)
    assert r.status_code == 200, f"sale {sale_id}: {r.status_code} {r.text[:300]}"
    return r.json()


def api_sales(browser, base_url: str, coop: str) -> list[dict]:
    """The latest sales, latest first (the API answers the last 50)."""
    r = session_for(browser).get(f"{base_url}/api/v1/coops/{coop}/sales", timeout=10)
    assert r.status_code == 200, f"sales: {r.status_code} {r.text[:300]}"
    return r.json()["items"]


def latest_number(browser, base_url: str, coop: str) -> int:
    sales = api_sales(browser, base_url, coop)
    return max((s["number"] for s in sales), default=0)


def numbers_after(browser, base_url: str, coop: str, number: int) -> list[int]:
    return sorted(s["number"] for s in api_sales(browser, base_url, coop) if s["number"] > number)


def pool_balance(browser, base_url: str, coop: str) -> int:
    r = session_for(browser).get(f"{base_url}/api/v1/coops/{coop}/pool", timeout=10)
    assert r.status_code == 200, f"pool: {r.status_code} {r.text[:300]}"
    return r.json()["balanceCents"]


def pending_sale(browser, coop: str):
    return browser.execute_script(
        "return JSON.parse(window.localStorage.getItem(arguments[0]) || 'null');",
        till_state_keys(coop)[1],
    )


def same_id(a: str | None, b: str | None) -> bool:
    return (a or "").lower() == (b or "").lower()


# --------------------------------------------------------------------------- 1. keyboard sale


def test_cashier_sells_two_items_with_the_keyboard_only(browser, base_url, axe, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    forget_till_state(browser)
    assert open_coop_area(browser, base_url, coop_id, "Caisse") == f"/coops/{coop_id}/till"
    wait_till_ready(browser)
    assert h1_text(browser) == "Caisse"
    assert text(browser, "till-household") == "Sans carte : prix public."
    axe.assert_no_violations("till, empty ticket")

    first, second = product_with_key(browser, "1"), product_with_key(browser, "2")
    assert first.id != second.id
    button = product_button(browser, first)
    assert norm(button.text).startswith("touche 1"), button.text

    press(browser, "1")
    wait_for_status(browser, f"{first.name} ajouté.")
    press(browser, "2")
    lines = wait_for_lines(browser, 2)
    assert lines == [expected_line(first, 1, first.price), expected_line(second, 1, second.price)], lines
    total = first.price + second.price
    assert text(browser, "till-public-total") == norm(euros(total))
    assert text(browser, "till-solidarity") == norm(euros(0))
    assert text(browser, "till-total") == norm(euros(total))
    assert text(browser, "till-due") == norm(euros(total))
    assert text(browser, "till-change") == norm(euros(total))
    assert text(browser, "till-change-label") == "Reste"
    assert not browser.find_element(By.ID, "till-record").is_enabled(), "Encaisser before any payment"
    axe.assert_no_violations("till, ticket with two lines")

    # E pays what remains due in cash; Entrée records.
    press(browser, "e")
    wait_for_status(browser, "Ticket couvert.")
    assert text(browser, "till-paid") == norm(euros(total))
    assert text(browser, "till-change") == norm(euros(0))
    payments = [norm(li.text) for li in browser.find_elements(By.CSS_SELECTOR, "#till-payments-list li")]
    assert payments == [norm(f"Espèces : {euros(total)} Retirer")], payments
    press(browser, Keys.ENTER)
    number = int(SALE_RECORDED.search(wait_for_status(browser, SALE_RECORDED)).group(1))
    assert status(browser) == f"Vente n° {number} enregistrée."

    link = receipt_link(browser, number)
    receipt = norm(browser.find_element(By.ID, "till-receipt-body").text)
    assert receipt.startswith(f"Ticket n° {number} — "), receipt
    for product in (first, second):
        assert norm(f"1 × {product.name} : {euros(product.price)}") in receipt, receipt
    assert norm(f"Total TTC : {euros(total)} — à payer : {euros(total)}") in receipt, receipt
    assert "TVA " in receipt, receipt
    assert norm(f"Espèces : {euros(total)}") in receipt, receipt
    # The ticket is done: nothing left to send, an empty ticket for the next customer.
    assert not line_rows(browser)
    assert pending_sale(browser, coop_id) is None
    assert text(browser, "till-total") == norm(euros(0))
    axe.assert_no_violations("till, with the receipt")

    sale = api_sale(browser, base_url, coop_id, sale_id_of(link))
    assert sale["number"] == number
    assert sale["tier"] == "public" and sale.get("householdID") is None, sale
    assert [(l["name"], l["quantity"], l["priceCents"], l["publicPriceCents"]) for l in sale["lines"]] == [
        (first.name, 1, first.price, first.price),
        (second.name, 1, second.price, second.price),
    ], sale["lines"]
    assert [same_id(l["productID"], p.id) for l, p in zip(sale["lines"], (first, second))] == [True, True]
    assert sale["payments"] == [{"method": "cash", "amountCents": total}], sale["payments"]
    assert (sale["totalCents"], sale["dueCents"], sale["changeCents"], sale["solidarityCents"]) == (total, total, 0, 0)

    # The ticket's page, from the receipt's link.
    assert follow_link(browser, link).lower() == f"/coops/{coop_id}/sales/{sale['id'].lower()}"
    assert h1_text(browser) == f"Ticket n° {number}"
    logout(browser)


# --------------------------------------------------------------------------- 1b. the counter's sizes

# A 10-inch tablet, a laptop, a phone: the sizes the counter is used at.
COUNTER_SIZES = [(1280, 800), (1366, 768), (390, 844)]

# Every word of the till (products, ticket, totals, buttons) with more than one line box: a
# word is a run without a breaking space or a hyphen, as in the crawler (crawl.py).
TILL_SPLIT_WORDS_JS = r"""
const wordRe = /(?:[^\s\-\u2010]|[\u00a0\u202f\u2007])+/g;
const split = [];
const walker = document.createTreeWalker(document.getElementById('till'), NodeFilter.SHOW_TEXT);
let node;
while ((node = walker.nextNode())) {
  const host = node.parentElement;
  if (!host || !(host.offsetWidth || host.offsetHeight)) continue;
  wordRe.lastIndex = 0;
  let m;
  while ((m = wordRe.exec(node.textContent))) {
    if ([...m[0].replace(/[\u00a0\u202f\u2007]/g, '')].length < 2) continue;
    const r = document.createRange();
    r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
    const tops = Array.from(r.getClientRects()).filter(x => x.width > 0 && x.height > 0).map(x => x.top).sort((a, b) => a - b);
    let lines = tops.length ? 1 : 0;
    for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] > 2) lines++;
    if (lines > 1) split.push(m[0] + ' in ' + host.className);
  }
}
return split;
"""

IN_VIEW_JS = r"""
const r = document.getElementById(arguments[0]).getBoundingClientRect();
return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
        width: document.documentElement.clientWidth, height: window.innerHeight};
"""


def emulate(browser, width: int, height: int) -> None:
    """The viewport itself, a phone emulated as one (as the crawler does)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    browser.execute_cdp_cmd("Emulation.setPageScaleFactor", {"pageScaleFactor": 1})


def assert_in_view(browser, element_id: str, size: str) -> None:
    box = browser.execute_script(IN_VIEW_JS, element_id)
    assert 0 <= box["top"] and box["bottom"] <= box["height"] + 1, f"#{element_id} out of view at {size}: {box}"
    assert 0 <= box["left"] and box["right"] <= box["width"] + 1, f"#{element_id} out of view at {size}: {box}"


def active_id(browser) -> str:
    return browser.switch_to.active_element.get_attribute("id") or ""


@pytest.mark.parametrize("size", COUNTER_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_counter_sells_to_a_card_with_the_keyboard_at_a_tablet_a_laptop_and_a_phone(browser, base_url, coop_id, size):
    width, height = size
    label = f"{width}x{height}"
    login(browser, base_url, CASHIER_EMAIL)
    try:
        emulate(browser, width, height)
        open_till(browser, base_url, coop_id)
        first, second = product_with_key(browser, "1"), product_with_key(browser, "2")

        # Only keys, never a blur: "/" goes to the card, Entrée applies it and the focus comes
        # back to the till, where the products' numbers are read.
        ActionChains(browser).send_keys("/").perform()
        wait(browser).until(lambda d: active_id(d) == "till-card")
        ActionChains(browser).send_keys("CAIL02", Keys.ENTER).perform()
        wait_for_status(browser, "Carte CAIL02 appliquée.")
        wait(browser).until(lambda d: active_id(d) == "till")
        assert text(browser, "till-household").startswith("Carte CAIL02 : tarif T2, justificatif valable jusqu'au ")
        ActionChains(browser).send_keys("1").perform()
        wait_for_status(browser, f"{first.name} ajouté.")
        assert active_id(browser) == "till"
        ActionChains(browser).send_keys("2").perform()
        lines = wait_for_lines(browser, 2)
        assert [l["name"] for l in lines] == [first.name, second.name], lines
        assert active_id(browser) == "till"

        # The total and the pay button in view, nothing wider than the screen, no word split.
        for element in ("till-total", "till-record"):
            assert_in_view(browser, element, label)
        scroll = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll[0] <= scroll[1] + 1, f"the till scrolls sideways at {label}: {scroll}"
        assert browser.execute_script(TILL_SPLIT_WORDS_JS) == [], label

        ActionChains(browser).send_keys("e").perform()
        wait_for_status(browser, "Ticket couvert.")
        assert active_id(browser) == "till"
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        number = int(SALE_RECORDED.search(wait_for_status(browser, SALE_RECORDED)).group(1))
        assert active_id(browser) == "till", "after the sale the next key goes to the till"
        assert browser.execute_script(TILL_SPLIT_WORDS_JS) == [], f"{label}, with the receipt"
        sale = api_sale(browser, base_url, coop_id, sale_id_of(receipt_link(browser, number)))
        assert sale["tier"] == "T2" and sale.get("householdID"), sale
        assert [l["quantity"] for l in sale["lines"]] == [1, 1]
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    logout(browser)


# --------------------------------------------------------------------------- 2. household card


def test_household_card_applies_its_tier(browser, base_url, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)

    # An unknown card is said so; an expired proof gives the public price.
    apply_card(browser, "ZZ9999")
    wait_for_status(browser, "Carte ZZ9999 inconnue : vérifiez le numéro, ou vendez au prix public.")
    assert "error" in browser.find_element(By.ID, "till-status").get_attribute("class").split()
    assert text(browser, "till-household") == "Sans carte : prix public."
    apply_card(browser, "cail04")  # typed in lower case: the till reads it in capitals
    wait_for_status(browser, "Justificatif expiré : prix public.")
    assert re.fullmatch(
        r"Carte CAIL04 : justificatif expiré le \d{2}/\d{2}/\d{4}, prix public appliqué\.",
        text(browser, "till-household"),
    ), text(browser, "till-household")

    apply_card(browser, "CAIL01")
    wait_for_status(browser, "Carte CAIL01 appliquée.")
    household = text(browser, "till-household")
    assert re.fullmatch(
        r"Carte CAIL01 : tarif T1, justificatif valable jusqu'au \d{2}/\d{2}/\d{4}\.", household
    ), household
    assert browser.find_element(By.ID, "till-card").get_attribute("value") == ""

    # T1 is 25 % of the public price on the demo grid. One product twice (the + key), one meal.
    first = product_with_key(browser, "1")
    meal = next(p for p in till_products(browser) if p.category == "repas" and p.id != first.id)
    product_button(browser, first).click()
    press(browser, "+")
    product_button(browser, meal).click()
    lines = wait_for_lines(browser, 2)
    assert lines == [
        expected_line(first, 2, share(first.price, 25)),
        expected_line(meal, 1, share(meal.price, 25)),
    ], lines
    public = 2 * first.price + meal.price
    paid = 2 * share(first.price, 25) + share(meal.price, 25)
    assert text(browser, "till-public-total") == norm(euros(public))
    assert text(browser, "till-total") == norm(euros(paid))
    assert text(browser, "till-solidarity") == norm(euros(public - paid))
    assert text(browser, "till-due") == norm(euros(paid))

    # The − button of a line, then the + button, by their accessible names.
    browser.find_element(By.CSS_SELECTOR, f'button[aria-label="Un de moins : {first.name}"]').click()
    wait(browser).until(lambda d: line_rows(d)[0]["quantity"] == 1)
    browser.find_element(By.CSS_SELECTOR, f'button[aria-label="Un de plus : {first.name}"]').click()
    wait(browser).until(lambda d: line_rows(d)[0]["quantity"] == 2)

    # Paid by card with the button.
    browser.find_element(By.CSS_SELECTOR, '.till-pay[data-method="card"]').click()
    wait_for_status(browser, "Ticket couvert.")
    assert text(browser, "till-paid") == norm(euros(paid))
    number = record_and_read_number(browser)
    sale = api_sale(browser, base_url, coop_id, sale_id_of(receipt_link(browser, number)))
    assert sale["number"] == number and sale["tier"] == "T1", sale
    assert sale.get("householdID")
    assert sale["totalCents"] == paid and sale["solidarityCents"] == public - paid, sale
    assert sale["payments"] == [{"method": "card", "amountCents": paid}], sale["payments"]
    assert [(l["name"], l["quantity"], l["priceCents"], l["tier"]) for l in sale["lines"]] == [
        (first.name, 2, share(first.price, 25), "T1"),
        (meal.name, 1, share(meal.price, 25), "T1"),
    ], sale["lines"]
    receipt = norm(browser.find_element(By.ID, "till-receipt-body").text)
    assert norm(
        f"2 × {first.name} : {euros(2 * share(first.price, 25))} (prix public {euros(2 * first.price)}, "
        f"solidarité {euros(2 * (first.price - share(first.price, 25)))})"
    ) in receipt, receipt
    assert norm(f"Carte bancaire : {euros(paid)}") in receipt, receipt
    # After the sale the card is gone with the ticket.
    assert text(browser, "till-household") == "Sans carte : prix public."
    logout(browser)


# --------------------------------------------------------------------------- 3. donation, suspended meal


def open_solidarity(browser) -> None:
    """Unfolds « Don, repas suspendus » under the ticket, as a cashier taps it."""
    details = browser.find_element(By.CSS_SELECTOR, "details.till-extras")
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "till-donation").is_displayed())


def test_donation_feeds_the_pool_and_a_suspended_meal_draws_on_it(browser, base_url, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)
    before = pool_balance(browser, base_url, coop_id)
    assert text(browser, "till-pool") == norm(euros(before))

    # A sale with a donation of 10,00 €, paid in cash with a note larger than what is due.
    first = product_with_key(browser, "1")
    tendered = ((first.price + 1000) // 1000 + 1) * 1000
    product_button(browser, first).click()
    wait_for_lines(browser, 1)
    open_solidarity(browser)
    fill(browser, "till-donation", "10,00")
    browser.find_element(By.ID, "till-donation").send_keys(Keys.TAB)
    wait_for_text(browser, "till-total", euros(first.price + 1000))
    assert text(browser, "till-due") == norm(euros(first.price + 1000))
    fill(browser, "till-amount", str(tendered // 100))
    browser.find_element(By.CSS_SELECTOR, '.till-pay[data-method="cash"]').click()
    change = tendered - first.price - 1000
    wait_for_status(browser, f"Rendre {euros(change)}.")
    assert text(browser, "till-change") == norm(euros(change))
    number = record_and_read_number(browser)
    assert status(browser) == norm(f"Vente n° {number} enregistrée. Rendre {euros(change)}.")
    receipt = norm(browser.find_element(By.ID, "till-receipt-body").text)
    assert norm(f"Don à la caisse de solidarité : {euros(1000)}") in receipt, receipt
    assert norm(f"Rendu : {euros(change)}") in receipt, receipt
    wait_for_text(browser, "till-pool", euros(before + 1000))
    assert pool_balance(browser, base_url, coop_id) == before + 1000
    sale = api_sale(browser, base_url, coop_id, sale_id_of(receipt_link(browser, number)))
    assert (sale["donationCents"], sale["totalCents"], sale["changeCents"]) == (1000, first.price + 1000, change), sale

    # Without a card, a suspended meal is refused.
    meal = a_meal(browser)
    product_button(browser, meal).click()
    wait_for_lines(browser, 1)
    open_solidarity(browser)
    fill(browser, "till-meals", "1")
    browser.find_element(By.ID, "till-meals").send_keys(Keys.TAB)
    wait_for_status(browser, MEAL_NEEDS_CARD_MESSAGE)
    assert "error" in browser.find_element(By.ID, "till-status").get_attribute("class").split()
    assert browser.find_element(By.ID, "till-meals").get_attribute("value") == "0"
    assert text(browser, "till-due") == norm(euros(meal.price))

    # With CAIL02 (T2, half price), one suspended meal pays the whole meal.
    apply_card(browser, "CAIL02")
    wait_for_status(browser, "Carte CAIL02 appliquée.")
    assert text(browser, "till-household").startswith("Carte CAIL02 : tarif T2, ")
    t2 = share(meal.price, 50)
    assert line_rows(browser) == [expected_line(meal, 1, t2)]
    assert t2 <= before + 1000, "the pool cannot pay this meal (precondition)"
    open_solidarity(browser)
    fill(browser, "till-meals", "1")
    browser.find_element(By.ID, "till-meals").send_keys(Keys.TAB)
    wait_for_text(browser, "till-due", euros(0))
    assert text(browser, "till-total") == norm(euros(t2))
    assert text(browser, "till-change") == norm(euros(0))
    number = record_and_read_number(browser)
    assert status(browser) == f"Vente n° {number} enregistrée."
    receipt = norm(browser.find_element(By.ID, "till-receipt-body").text)
    assert norm(f"Repas suspendus (1) : −{euros(t2)}") in receipt, receipt
    assert norm(f"Total TTC : {euros(t2)} — à payer : {euros(0)}") in receipt, receipt
    sale = api_sale(browser, base_url, coop_id, sale_id_of(receipt_link(browser, number)))
    assert (sale["tier"], sale["poolDrawCents"], sale["suspendedMealsUsed"], sale["dueCents"], sale["payments"]) == (
        "T2", t2, 1, 0, []
    ), sale
    wait_for_text(browser, "till-pool", euros(before + 1000 - t2))
    assert pool_balance(browser, base_url, coop_id) == before + 1000 - t2
    logout(browser)


# --------------------------------------------------------------------------- 4. reload, network drop


def test_reload_keeps_the_ticket_being_built(browser, base_url, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)
    apply_card(browser, "CAIL03")
    wait_for_status(browser, "Carte CAIL03 appliquée.")
    household = text(browser, "till-household")
    assert household.startswith("Carte CAIL03 : tarif T3, "), household
    first, second = product_with_key(browser, "1"), product_with_key(browser, "2")
    press(browser, "2", "1", "+")
    lines = wait_for_lines(browser, 2)
    assert lines == [expected_line(second, 1, share(second.price, 75)), expected_line(first, 2, share(first.price, 75))], lines
    total = text(browser, "till-total")

    browser.refresh()
    wait_till_ready(browser)
    assert wait_for_lines(browser, 2) == lines
    assert text(browser, "till-household") == household
    assert text(browser, "till-total") == total

    # Échap clears the ticket, and the cleared ticket is what a reload brings back.
    press(browser, Keys.ESCAPE)
    wait_for_status(browser, "Ticket effacé.")
    assert not line_rows(browser)
    browser.refresh()
    wait_till_ready(browser)
    assert not line_rows(browser)
    assert text(browser, "till-household") == "Sans carte : prix public."
    logout(browser)


def test_sale_in_flight_is_sent_again_after_a_reload_and_recorded_once(browser, base_url, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)
    product = product_with_key(browser, "1")
    last = latest_number(browser, base_url, coop_id)

    # The till had written the sale before sending it, and the page was closed meanwhile.
    pending = {
        "key": str(uuid.uuid4()),
        "body": {
            "householdID": None,
            "lines": [{"productID": product.id, "quantity": 1}],
            "payments": [{"method": "cash", "amountCents": product.price}],
            "donationCents": 0,
            "suspendedMealsUsed": 0,
        },
    }
    pending_key = till_state_keys(coop_id)[1]
    put_pending = "window.localStorage.setItem(arguments[0], JSON.stringify(arguments[1]));"
    browser.execute_script(put_pending, pending_key, pending)
    browser.refresh()
    wait_till_ready(browser)
    number = int(SALE_RECORDED.search(wait_for_status(browser, SALE_RECORDED)).group(1))
    assert number > last
    sale_id = sale_id_of(receipt_link(browser, number))
    assert pending_sale(browser, coop_id) is None

    # The same sale once more (the answer had been lost): the server answers the first one.
    browser.execute_script(put_pending, pending_key, pending)
    browser.refresh()
    wait_till_ready(browser)
    assert wait_for_status(browser, SALE_RECORDED) == f"Vente n° {number} enregistrée."
    assert same_id(sale_id_of(receipt_link(browser, number)), sale_id)
    assert pending_sale(browser, coop_id) is None
    assert numbers_after(browser, base_url, coop_id, last) == [number]
    sale = api_sale(browser, base_url, coop_id, sale_id)
    assert [(l["name"], l["quantity"]) for l in sale["lines"]] == [(product.name, 1)]
    assert sale["payments"] == [{"method": "cash", "amountCents": product.price}]
    logout(browser)


def test_sale_recorded_offline_is_sent_when_the_network_is_back(browser, base_url, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)
    product = product_with_key(browser, "2")
    last = latest_number(browser, base_url, coop_id)

    press(browser, "2", "e")
    wait_for_status(browser, "Ticket couvert.")
    browser.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    try:
        press(browser, Keys.ENTER)
        wait_for_status(browser, OFFLINE_MESSAGE)
        assert "error" in browser.find_element(By.ID, "till-status").get_attribute("class").split()
        kept = pending_sale(browser, coop_id)
        assert kept and kept["key"], "the sale in flight is not kept in localStorage"
        assert kept["body"]["lines"] == [{"productID": product.id, "quantity": 1}], kept
        # The ticket is cleared for the next customer; the screen says a sale waits.
        assert not line_rows(browser), "the kept sale's ticket is still on screen"
        assert text(browser, "till-waiting") == "1 vente attend le réseau pour partir."
        assert numbers_after(browser, base_url, coop_id, last) == [], "a sale went through offline"
    finally:
        browser.delete_network_conditions()

    # Back online, the till sends it again by itself (every 3 s), with the same key.
    number = int(SALE_RECORDED.search(wait_for_status(browser, SALE_RECORDED, timeout=20)).group(1))
    assert pending_sale(browser, coop_id) is None
    assert numbers_after(browser, base_url, coop_id, last) == [number]
    sale = api_sale(browser, base_url, coop_id, sale_id_of(receipt_link(browser, number)))
    assert [(l["name"], l["quantity"]) for l in sale["lines"]] == [(product.name, 1)]
    logout(browser)


def test_sale_whose_answer_is_lost_is_recorded_once(browser, base_url, coop_id):
    """The request reaches the server but its answer never comes back: the till's retry, with
    the same Idempotency-Key, gets the first sale's answer instead of recording a second."""
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)
    last = latest_number(browser, base_url, coop_id)
    press(browser, "1", "e")
    wait_for_status(browser, "Ticket couvert.")
    # The next POST is sent for real, then fails in the page as a dropped connection would.
    browser.execute_script(
        """
        const realFetch = window.fetch;
        window.__postsToDrop = 1;
        window.fetch = function (url, options) {
          const answer = realFetch.apply(this, arguments);
          if (options && options.method === 'POST' && window.__postsToDrop > 0) {
            window.__postsToDrop -= 1;
            return answer.then(() => { throw new TypeError('Failed to fetch'); });
          }
          return answer;
        };
        """
    )
    press(browser, Keys.ENTER)
    wait_for_status(browser, OFFLINE_MESSAGE)
    kept = pending_sale(browser, coop_id)
    assert kept and kept["key"]
    recorded = numbers_after(browser, base_url, coop_id, last)
    assert len(recorded) == 1, f"the dropped request was not recorded: {recorded}"
    number = int(SALE_RECORDED.search(wait_for_status(browser, SALE_RECORDED, timeout=20)).group(1))
    assert number == recorded[0]
    assert numbers_after(browser, base_url, coop_id, last) == [number]
    assert pending_sale(browser, coop_id) is None
    logout(browser)


# --------------------------------------------------------------------------- 5. refund, journal


def test_refund_from_the_ticket_page_and_the_journal_stays_intact(browser, base_url, axe, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)
    product = product_with_key(browser, "1")
    product_button(browser, product).click()
    wait_for_lines(browser, 1)
    browser.find_element(By.CSS_SELECTOR, '.till-pay[data-method="cheque"]').click()
    wait_for_status(browser, "Ticket couvert.")
    number = record_and_read_number(browser)
    link = receipt_link(browser, number)
    original_id = sale_id_of(link)

    assert follow_link(browser, link).lower() == f"/coops/{coop_id}/sales/{original_id}"
    assert h1_text(browser) == f"Ticket n° {number}"
    axe.assert_no_violations("ticket page")
    refund_button = browser.find_element(
        By.XPATH, "//main//button[normalize-space()='Rembourser ce ticket (ticket négatif)']"
    )
    submit_and_wait(browser, refund_button)
    assert_no_error(browser, "after the refund")
    flash = flash_text(browser)
    match = re.fullmatch(r"Remboursement enregistré : ticket n° (\d+)\.", flash)
    assert match, flash
    refund_number = int(match.group(1))
    assert refund_number > number
    assert h1_text(browser) == f"Ticket n° {refund_number}"
    refund_id = path_of(browser).rsplit("/", 1)[1]
    assert path_of(browser) == f"/coops/{coop_id}/sales/{refund_id}"
    axe.assert_no_violations("refund ticket page")
    # The refund points to the sale, and cannot itself be refunded.
    assert urlparse(link_named(browser, "Remboursement d'une vente").get_attribute("href")).path == (
        f"/coops/{coop_id}/sales/{original_id}"
    )
    assert not browser.find_elements(By.XPATH, "//main//button[contains(., 'Rembourser')]")
    refund = api_sale(browser, base_url, coop_id, refund_id)
    original = api_sale(browser, base_url, coop_id, original_id)
    assert same_id(refund.get("refundOf"), original_id), refund
    assert refund["totalCents"] == -original["totalCents"], (refund, original)
    assert [(l["name"], l["quantity"]) for l in refund["lines"]] == [
        (l["name"], -l["quantity"]) for l in original["lines"]
    ], refund["lines"]

    # The sale now says it was refunded, without a second refund button.
    browser.get(f"{base_url}/coops/{coop_id}/sales/{original_id}")
    assert h1_text(browser) == f"Ticket n° {number}"
    link_named(browser, f"Remboursée par le ticket n° {refund_number}")
    assert not browser.find_elements(By.XPATH, "//main//button[contains(., 'Rembourser')]")

    # The tickets list, and the journal check.
    follow_link(browser, link_named(browser, "Tickets", 'main nav[aria-label="Comptoir"]'))
    assert path_of(browser) == f"/coops/{coop_id}/sales"
    assert h1_text(browser) == "Tickets de caisse"
    by_number = {r[0]: r for r in rows_of(browser, "main")}
    assert str(number) in by_number, by_number.keys()
    assert f"{refund_number} remboursement" in by_number, by_number.keys()
    axe.assert_no_violations("tickets list")
    submit_and_wait(browser, browser.find_element(By.XPATH, "//main//button[normalize-space()='Vérifier le journal']"))
    verdict = flash_text(browser)
    match = re.fullmatch(r"Journal intègre : (\d+) écritures vérifiées\.", verdict)
    assert match, verdict
    assert int(match.group(1)) >= refund_number
    axe.assert_no_violations("tickets list with the journal check")
    logout(browser)


# --------------------------------------------------------------------------- 6. the day's closing


def closing_rows(browser) -> list[list[str]]:
    return rows_of(browser, "main")


def test_day_closing_at_avignon_archives_and_stops_the_till(browser, base_url, axe, demo_ids):
    avignon = demo_ids["avignon"]
    today = paris_today().isoformat()
    login(browser, base_url, AVIGNON_COORDINATOR_EMAIL)

    # A product for Avignon's till, added through the catalogue's form.
    browser.get(f"{base_url}/coops/{avignon}/products")
    assert h1_text(browser) == "Catalogue"
    name = f"Tarte maison {suffix()}"
    fill(browser, "name", name)
    fill(browser, "category", "repas")
    fill(browser, "publicPrice", "4,20")
    Select(browser.find_element(By.ID, "vatRate")).select_by_visible_text("10 %")
    click_and_wait_for_new_page(browser, "product-submit")
    assert_no_error(browser, "after adding a product")
    assert flash_text(browser) == "Produit ajouté au catalogue."

    closings = session_for(browser).get(f"{base_url}/api/v1/coops/{avignon}/closings", timeout=10)
    assert closings.status_code == 200, closings.text[:300]
    already_closed = any(c["period"] == "day" and c["from"] == today for c in closings.json()["items"])

    if not already_closed:
        # The drawer opens with its float; a float that is not an amount is refused in view.
        open_till(browser, base_url, avignon)
        assert not browser.find_elements(By.CSS_SELECTOR, "main p.alert")
        if browser.find_elements(By.ID, "drawer-open-form"):
            fill(browser, "openingFloat", "cent euros")
            click_and_wait_for_new_page(browser, "drawer-open-submit")
            assert norm(browser.find_element(By.ID, "openingFloat-error").text) == "Écrivez le fond de caisse en euros, par exemple 150 ou 85,50."
            assert browser.find_element(By.ID, "openingFloat").get_attribute("aria-invalid") == "true"
            fill(browser, "openingFloat", "100")
            click_and_wait_for_new_page(browser, "drawer-open-submit")
            assert flash_text(browser) == "Caisse ouverte : fond de caisse de 100,00 €."
        assert "fond de caisse" in norm(browser.find_element(By.ID, "drawer-state").text)
        drawer = session_for(browser).get(f"{base_url}/api/v1/coops/{avignon}/drawer", timeout=10)
        assert drawer.status_code == 200, drawer.text[:300]
        float_cents = drawer.json()["openingFloatCents"]
        wait_till_ready(browser)

        # Sold at Avignon's till, paid with a 20 € note.
        tart = product_named(browser, name)
        assert tart.price == 420
        product_button(browser, tart).click()
        wait_for_lines(browser, 1)
        fill(browser, "till-amount", "20")
        browser.find_element(By.CSS_SELECTOR, '.till-pay[data-method="cash"]').click()
        wait_for_status(browser, f"Rendre {euros(2000 - 420)}.")
        number = record_and_read_number(browser)
        sold = api_sale(browser, base_url, avignon, sale_id_of(receipt_link(browser, number)))

        # The day's Z: the drawer counted note by note, 10 cents short of what should be there.
        expected = session_for(browser).get(f"{base_url}/api/v1/coops/{avignon}/drawer", timeout=10).json()["expectedCashCents"]
        assert expected >= float_cents + 420, (expected, float_cents)
        follow_link(browser, link_named(browser, "Clôtures", 'main nav[aria-label="Comptoir"]'))
        assert path_of(browser) == f"/coops/{avignon}/closings"
        assert h1_text(browser) == "Clôtures de caisse"
        axe.assert_no_violations("closings page")
        facts = norm(browser.find_element(By.ID, "cloture-du-jour").text)
        assert f"Espèces attendues {norm(euros(expected))}" in facts, facts
        fill(browser, "n200", "deux")
        click_and_wait_for_new_page(browser, "closing-submit")
        assert norm(browser.find_element(By.CSS_SELECTOR, ".error-summary").text).find("Un nombre de pièces ou de billets, par exemple 3.") >= 0
        counted, pieces = expected - 10, {}
        for value in (50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1):
            pieces[value], counted = divmod(counted, value)
        for value, count in pieces.items():
            fill(browser, f"n{value}", str(count) if count else "")
        click_and_wait_for_new_page(browser, "closing-submit")
        assert_no_error(browser, "after the closing")
        flash = flash_text(browser)
        match = re.fullmatch(r"Clôture du jour \(Z\) enregistrée : (\d+) tickets, (.+)\.", norm(flash))
        assert match, flash
        tickets, total = int(match.group(1)), match.group(2)
        assert tickets >= 1
        # The Z as printed: the cash, its count and the gap, by method, VAT rate and tier.
        assert re.fullmatch(rf"/coops/{avignon}/closings/[0-9a-f-]{{36}}", path_of(browser)), path_of(browser)
        cash = norm(browser.find_element(By.ID, "z-cash").text)
        for expected_text in (f"Fond de caisse {norm(euros(float_cents))}", f"Espèces attendues {norm(euros(expected))}",
                              f"Espèces comptées {norm(euros(expected - 10))}", f"Écart {norm(euros(-10))}"):
            assert expected_text in cash, cash
        assert "Espèces" in norm(browser.find_element(By.ID, "z-methods").text)
        assert "TTC 10 %" in norm(browser.find_element(By.ID, "z-vat").text)
        assert f"Total TTC {total}" in norm(browser.find_element(By.ID, "z-sales").text)
        axe.assert_no_violations("the Z")
        closing_api = [c for c in session_for(browser).get(f"{base_url}/api/v1/coops/{avignon}/closings", timeout=10).json()["items"]
                       if c["period"] == "day" and c["from"] == today][0]
        assert (closing_api["openingFloatCents"], closing_api["expectedCashCents"], closing_api["countedCashCents"], closing_api["cashGapCents"]) == (
            float_cents, expected, expected - 10, -10), closing_api
        browser.get(f"{base_url}/coops/{avignon}/closings")
        axe.assert_no_violations("closings page with a closing")
        row = next((r for r in closing_rows(browser) if r[0] == "Clôture du jour (Z)" and r[1] == today), None)
        assert row, closing_rows(browser)
        assert row[2] == today and row[3] == str(tickets) and norm(row[4]) == total and norm(row[5]) == norm(euros(-10)), row

        # The archive, downloaded with the browser's session: its hash is the one on the page.
        cell = browser.find_element(
            By.XPATH,
            "//main//tbody/tr[td[1][normalize-space()='Clôture du jour (Z)'] and td[2][normalize-space()=$d]]/td[8]".replace(
                "$d", f"'{today}'"
            ),
        )
        archive_link = cell.find_element(By.LINK_TEXT, "Télécharger (JSON)")
        shown = norm(cell.find_element(By.CSS_SELECTOR, ".legal").text)
        # Shown by groups of eight, so that it wraps on a phone.
        assert re.fullmatch(r"SHA-256 (?:[0-9a-f]{8} ){7}[0-9a-f]{8}", shown), shown
        archive_path = urlparse(archive_link.get_attribute("href")).path
        assert re.fullmatch(rf"/coops/{avignon}/closings/[0-9A-Fa-f-]{{36}}/archive", archive_path), archive_path
        r = session_for(browser).get(f"{base_url}{archive_path}", timeout=10)
        assert r.status_code == 200, r.text[:300]
        digest = hashlib.sha256(r.content).hexdigest()
        assert r.headers.get("X-Archive-SHA256") == digest
        assert shown == "SHA-256 " + " ".join(digest[i : i + 8] for i in range(0, 64, 8))
        assert r.headers.get("X-Archive-Sealed-SHA256") == digest
        assert "attachment" in r.headers.get("Content-Disposition", "")
        archive = json.loads(r.content)
        assert archive["format"] == "maillage-closing-archive/1"
        assert archive["closing"]["period"] == "day" and archive["closing"]["from"] == today
        assert archive["closing"]["tickets"] == tickets == len(archive["entries"])
        assert norm(euros(sum(e["sale"]["totalCents"] for e in archive["entries"]))) == total
        entry = next((e for e in archive["entries"] if e["number"] == number), None)
        assert entry, [e["number"] for e in archive["entries"]]
        assert entry["hash"] == sold["hash"] == entry["sale"]["hash"]
        assert [(l["name"], l["priceCents"]) for l in entry["sale"]["lines"]] == [(name, 420)]

    # After the Z the till refuses the sale, in French, and keeps the ticket.
    open_till(browser, base_url, avignon)
    alert = browser.find_element(By.CSS_SELECTOR, "main p.alert")
    assert norm(alert.text) == "La clôture du jour (Z) est faite : la caisse n'enregistre plus de ticket aujourd'hui."
    product_button(browser, product_named(browser, name)).click()
    wait_for_lines(browser, 1)
    browser.find_element(By.CSS_SELECTOR, '.till-pay[data-method="card"]').click()
    wait_for_status(browser, "Ticket couvert.")
    before = latest_number(browser, base_url, avignon)
    browser.find_element(By.ID, "till-record").click()
    wait_for_status(browser, DAY_CLOSED_MESSAGE)
    assert "error" in browser.find_element(By.ID, "till-status").get_attribute("class").split()
    assert len(line_rows(browser)) == 1
    assert pending_sale(browser, avignon) is None
    assert latest_number(browser, base_url, avignon) == before
    press(browser, Keys.ESCAPE)
    wait_for_status(browser, "Ticket effacé.")

    # A closing is not redone: the page offers no second Z, the API refuses it.
    browser.get(f"{base_url}/coops/{avignon}/closings")
    assert h1_text(browser) == "Clôtures de caisse"
    assert not browser.find_elements(By.ID, "closing-form")
    assert "La journée d'aujourd'hui est clôturée." in norm(browser.find_element(By.TAG_NAME, "main").text)
    api = session_for(browser)
    again = api.post(f"{base_url}/api/v1/coops/{avignon}/closings", json={"period": "day", "date": today},
                     headers={"X-CSRF-Token": csrf_of(api, base_url)}, timeout=10)
    assert again.status_code == 409 and again.json()["detail"] == ALREADY_CLOSED_MESSAGE, again.text[:300]
    days = [r for r in closing_rows(browser) if r[0] == "Clôture du jour (Z)" and r[1] == today]
    assert len(days) == 1, closing_rows(browser)
    logout(browser)


# --------------------------------------------------------------------------- training mode, printing


def test_training_mode_tickets_are_numbered_apart_and_stay_out_of_the_journal(browser, base_url, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)
    before = latest_number(browser, base_url, coop_id)
    toggle = browser.find_element(By.ID, "till-training-toggle")
    toggle.click()
    wait_for_status(browser, "Mode école : les tickets sont des exercices.")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert browser.find_element(By.ID, "till-training-banner").is_displayed()
    ActionChains(browser).send_keys("1", "e", Keys.ENTER).perform()
    done = wait_for_status(browser, re.compile(r"^Exercice n° E-\d+ enregistré \(mode école\)\."))
    receipt = norm(browser.find_element(By.ID, "till-receipt-body").text)
    assert receipt.startswith("MODE ÉCOLE — exercice n° E-"), receipt
    assert not browser.find_element(By.ID, "till-print").is_displayed(), "an exercise has no ticket to print"
    assert latest_number(browser, base_url, coop_id) == before, done
    # The mode survives a reload, and stops with the same button.
    browser.refresh()
    wait_till_ready(browser)
    assert browser.find_element(By.ID, "till-training-toggle").get_attribute("aria-pressed") == "true"
    browser.find_element(By.ID, "till-training-toggle").click()
    wait_for_status(browser, "Mode école arrêté : les tickets comptent.")
    assert not browser.find_element(By.ID, "till-training-banner").is_displayed()
    verified = session_for(browser).get(f"{base_url}/api/v1/coops/{coop_id}/journal/verify", timeout=10).json()
    assert verified["ok"] is True, verified
    logout(browser)


def test_a_ticket_prints_at_80_mm_and_a_reprint_says_duplicata(browser, base_url, coop_id):
    login(browser, base_url, CASHIER_EMAIL)
    open_till(browser, base_url, coop_id)
    ActionChains(browser).send_keys("1", "c", Keys.ENTER).perform()
    number = int(SALE_RECORDED.search(wait_for_status(browser, SALE_RECORDED)).group(1))
    sale_id = sale_id_of(receipt_link(browser, number))
    # The receipt's print button counts the original and opens the 80 mm ticket.
    browser.find_element(By.ID, "till-print").click()
    wait(browser).until(lambda d: path_of(d).endswith("/print"))
    assert urlparse(browser.current_url).query == "copy=0"
    printed = norm(browser.find_element(By.ID, "printed-ticket").text)
    assert f"Ticket n° {number}" in printed and "SIRET" in printed and "TVA" in printed, printed
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", printed), printed
    assert not browser.find_elements(By.ID, "duplicate-mark")
    width = browser.execute_script("return document.getElementById('printed-ticket').getBoundingClientRect().width")
    assert 290 <= width <= 310, f"the ticket is {width} px wide, not 80 mm"
    # From the ticket's page, a reprint is a duplicata with its number.
    browser.get(f"{base_url}/coops/{coop_id}/sales/{sale_id}")
    assert norm(browser.find_element(By.ID, "ticket-prints").text) == "Imprimé une fois (l'original)."
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#ticket-print-form button"))
    assert urlparse(browser.current_url).query == "copy=1"
    assert norm(browser.find_element(By.ID, "duplicate-mark").text) == "DUPLICATA n° 1"
    browser.get(f"{base_url}/coops/{coop_id}/sales/{sale_id}")
    assert norm(browser.find_element(By.ID, "ticket-prints").text) == "Imprimé 2 fois : l'original et 1 duplicata."
    logout(browser)


# --------------------------------------------------------------------------- offline, for real


def test_with_the_server_stopped_the_till_reloads_takes_two_sales_and_sends_them_once(browser, workdir):
    """The till on a private server: opened once online (the service worker keeps the page,
    the till keeps the cards), the server stopped, the page reloaded from the cache, two sales
    made (one with a card priced offline); the server back, both are recorded once each, in
    order, and the journal verifies."""
    from servers import demo_server

    with demo_server("sqlite", workdir, name="till-offline") as server:
        base = server.base
        login(browser, base, CASHIER_EMAIL)
        browser.get(f"{base}/coops")
        coop = next(
            urlparse(a.get_attribute("href")).path.split("/")[2]
            for a in browser.find_elements(By.CSS_SELECTOR, "main a[href^='/coops/']")
            if "Caillols" in a.text
        )
        browser.get(f"{base}/coops/{coop}/till")
        wait_till_ready(browser)
        # The worker takes the page over; the cards are kept.
        wait(browser, 20).until(lambda d: d.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)"))
        browser.refresh()  # this load goes through the worker, which keeps it
        wait_till_ready(browser)
        wait(browser, 20).until(lambda d: d.execute_script("return !!window.localStorage.getItem(arguments[0])", f"maillage-till-cards-{coop}"))
        kept = browser.execute_script("return JSON.parse(window.localStorage.getItem(arguments[0]))", f"maillage-till-cards-{coop}")
        assert kept["items"] and all(h.get("prices") for h in kept["items"]), kept["items"][:2]
        last = latest_number(browser, base, coop)

        server.stop()
        try:
            browser.refresh()
            wait_till_ready(browser)
            assert h1_text(browser) == "Caisse"
            first, second = product_with_key(browser, "1"), product_with_key(browser, "2")
            ActionChains(browser).send_keys("1", "e", Keys.ENTER).perform()
            wait_for_status(browser, OFFLINE_MESSAGE)
            ActionChains(browser).send_keys("/").perform()
            ActionChains(browser).send_keys("CAIL01", Keys.ENTER).perform()
            wait_for_status(browser, "Carte CAIL01 appliquée (hors ligne).")
            ActionChains(browser).send_keys("2", "c", Keys.ENTER).perform()
            wait_for_status(browser, "Vente gardée hors ligne : elle partira dès le retour du réseau.")
            assert text(browser, "till-waiting") == "2 ventes attendent le réseau pour partir."
            # A reload while offline keeps both.
            browser.refresh()
            wait_till_ready(browser)
            assert text(browser, "till-waiting") == "2 ventes attendent le réseau pour partir."
        finally:
            server.start()

        wait(browser, 30).until(lambda d: not d.find_element(By.ID, "till-waiting").is_displayed())
        numbers = numbers_after(browser, base, coop, last)
        assert numbers == [last + 1, last + 2], numbers
        sales = {s["number"]: s for s in api_sales(browser, base, coop)}
        assert [l["name"] for l in sales[last + 1]["lines"]] == [first.name]
        assert sales[last + 2]["tier"] == "T1" and [l["name"] for l in sales[last + 2]["lines"]] == [second.name]
        assert sales[last + 2]["payments"][0]["method"] == "card"
        verified = session_for(browser).get(f"{base}/api/v1/coops/{coop}/journal/verify", timeout=10).json()
        assert verified["ok"] is True, verified
        logout(browser)
