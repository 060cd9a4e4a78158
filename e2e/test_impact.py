"""The impact dashboards: a cooperative's indicators for its coordination (exact, with a
period form and a CSV export) and for its funder (under the statistical secret, "< 5"), the
territory and the network side by side for the admin, and the indicator catalogue (axe on
every page).

Runs against a server seeded with `seed --demo` (MAILLAGE_BASE_URL). Other tests add
referrals and pathways to the demo, so the figures are read, never assumed: the funder's view
is compared with the coordination's, and the CSV with the page.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By

from test_admin_flows import ADMIN_EMAIL, CAILLOLS_NAME, api_session, login
from test_foundation import h1_text, path_of, session_for
from test_pathway_file import (
    COORDINATOR_EMAIL,
    assert_no_error,
    coop_id,  # noqa: F401  (fixture)
    follow_link,
    link_named,
    logout,
    navigation_status,
    set_value,
    submit_and_wait,
)
from test_pathways_journey import FUNDER_EMAIL, error_summary

CAILLOLS_TERRITORY = "Marseille 12e — quartiers Est"
NETWORK_NAME = "Réseau Maillage (démo)"
DEMO_COOPS = [
    "Coopérative d'habitants d'Avignon",
    CAILLOLS_NAME,
    "Coopérative rurale du Vendômois",
]
AREAS = ["Parcours", "Activité solidaire", "Achats", "Gouvernance", "Partenaires"]
# The catalogue, in its order (MaillageCore/Impact/IndicatorCatalogue.swift).
INDICATORS = [
    "people-referred", "people-accompanied", "qpv-share", "barriers-at-entry", "barriers-resolved",
    "hours-worked", "training-hours", "skills-gained", "exits", "dynamic-exit-rate", "fte-jobs",
    "households-served", "reduced-price-meals", "solidarity-value",
    "local-purchase-share", "short-circuit-share", "qpv-purchase-share", "egalim-share", "organic-share",
    "members", "members-by-college", "capital", "assemblies-held", "attendance-rate",
    "partners", "resource-bookings",
]
# Counts of people: shown "< 5" outside the cooperative when 1 to 4.
PEOPLE_COUNTS = {
    "people-referred", "people-accompanied", "barriers-at-entry", "barriers-resolved", "skills-gained",
    "exits", "households-served", "members", "members-by-college",
}
# Shares over people: hidden when their base, part or rest is small.
PEOPLE_SHARES = {"qpv-share", "dynamic-exit-rate", "attendance-rate"}
SECRET = "< 5"
BAD_DAY = "Le début de la période doit s'écrire comme 04/12/2026."


# --------------------------------------------------------------------------- helpers


def norm(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def home(browser, axe, label: str) -> None:
    """Right after login: the home page, checked with axe."""
    assert path_of(browser) == "/"
    assert h1_text(browser).startswith("Bonjour, "), h1_text(browser)
    axe.assert_no_violations(f"home ({label})")


def open_dashboard(browser, base_url: str, axe, coop_id: str, label: str) -> str:
    """From the cooperative's page (checked with axe), follows its "Impact" link."""
    browser.get(f"{base_url}/coops/{coop_id}")
    assert h1_text(browser) == CAILLOLS_NAME
    axe.assert_no_violations(f"cooperative page ({label})")
    path = follow_link(browser, link_named(browser, "Impact", 'main nav[aria-label="Espaces de la coopérative"]'))
    assert path == f"/coops/{coop_id}/impact", path
    assert h1_text(browser) == f"Impact — {CAILLOLS_NAME}"
    return path


def row_cells(browser, key: str) -> list[str]:
    """The figures of `#row-{key}` (its cells after the indicator's name)."""
    row = browser.find_element(By.ID, f"row-{key}")
    cells = [norm(td.text) for td in row.find_elements(By.TAG_NAME, "td")]
    assert len(cells) >= 2, f"#row-{key}: {cells}"
    return cells[1:]


def rows_in_html(html: str) -> dict[str, list[str]]:
    """`#row-…` -> its figures, from a page's HTML (the coordination's reference view)."""
    found = {}
    for key, body in re.findall(r'<tr id="row-([a-z-]+)">(.*?)</tr>', html, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        texts = [norm(re.sub(r"<[^>]+>", "", c).replace("&lt;", "<").replace("&amp;", "&")) for c in cells]
        found[key] = texts[1:]
    return found


def euros(text: str) -> Decimal:
    """`3 215,09 €` as written on the page, in euros."""
    cleaned = norm(text)
    assert cleaned.endswith(" €"), f"not an amount in euros: {text!r}"
    return Decimal(cleaned[:-2].replace(" ", "").replace(",", "."))


def small_count(text: str) -> bool:
    return text.isdigit() and 1 <= int(text) <= 4


def shown_period(browser) -> tuple[str, str]:
    return (browser.find_element(By.ID, "from").get_attribute("value"),
            browser.find_element(By.ID, "to").get_attribute("value"))


def csv_of_link(browser) -> tuple[str, list[list[str]]]:
    """Downloads `#csv-link` with the browser's session: (its query, its lines)."""
    href = browser.find_element(By.ID, "csv-link").get_attribute("href")
    r = session_for(browser).get(href, allow_redirects=False, timeout=10)
    assert r.status_code == 200, f"{href}: {r.status_code} {r.text[:300]}"
    assert r.headers.get("Content-Type", "").startswith("text/csv"), r.headers.get("Content-Type")
    disposition = r.headers.get("Content-Disposition", "")
    assert "attachment" in disposition and ".csv" in disposition, disposition
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    assert lines and lines[0] == ["périmètre", "indicateur", "libellé", "détail", "unité", "valeur", "période précédente"], lines[:1]
    return urlparse(href).query, lines[1:]


def assert_csv_matches_solidarity_value(browser) -> tuple[Decimal, Decimal]:
    """The CSV's `solidarity-value` line says the euros of the page's row; returns them."""
    query, lines = csv_of_link(browser)
    assert parse_qs(query) == {"from": [shown_period(browser)[0]], "to": [shown_period(browser)[1]]}, query
    matching = [line for line in lines if line[1] == "solidarity-value" and line[3] == ""]
    assert len(matching) == 1, f"solidarity-value lines in the CSV: {matching}"
    scope, _, name, _, unit, value, previous = matching[0]
    assert (scope, name, unit) == (CAILLOLS_NAME, "Valeur solidaire donnée", "euros"), matching[0]
    page_value, page_previous = (euros(t) for t in row_cells(browser, "solidarity-value"))
    assert Decimal(value) == page_value, f"CSV {value} € against {page_value} € on the page"
    assert Decimal(previous) == page_previous, f"CSV {previous} € against {page_previous} € on the page (previous period)"
    return page_value, page_previous


# --------------------------------------------------------------------------- 1. the coordination


def test_the_coordination_reads_its_dashboard_and_exports_it(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    home(browser, axe, "coordination")
    path = open_dashboard(browser, base_url, axe, coop_id, "coordination")
    assert_no_error(browser, "dashboard")
    axe.assert_no_violations("dashboard (coordination)")

    # Every area, every indicator; exact figures, so no word of the secret.
    areas = [norm(h.text) for h in browser.find_elements(By.CSS_SELECTOR, "main section.impact-area > h2")]
    assert areas == AREAS, areas
    for key in INDICATORS:
        assert browser.find_elements(By.ID, f"row-{key}"), f"no #row-{key} on the dashboard"
    assert not browser.find_elements(By.ID, "secret-note"), "the coordination is shown the secret note"
    cells = [norm(td.text) for td in browser.find_elements(By.CSS_SELECTOR, "main td.num")]
    assert SECRET not in cells, "the coordination sees a figure under the secret"
    charts = browser.find_elements(By.CSS_SELECTOR, "main div.chart")
    assert charts, "no chart on the dashboard"
    for chart in charts:
        assert chart.find_elements(By.TAG_NAME, "svg"), f"{chart.get_attribute('id')}: no <svg>"

    # The export says what the page says.
    value, previous = assert_csv_matches_solidarity_value(browser)
    assert value > 0 or previous > 0, "the demo's three months of sales give no solidarity value"

    # Another period, through the form.
    set_value(browser, "from", "2025-01-01", "date")
    set_value(browser, "to", "2025-12-31", "date")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, '#period-form button[type="submit"]'))
    assert path_of(browser) == path
    assert parse_qs(urlparse(browser.current_url).query) == {"from": ["2025-01-01"], "to": ["2025-12-31"]}, browser.current_url
    assert_no_error(browser, "dashboard for 2025")
    period = norm(browser.find_element(By.ID, "period").text)
    assert period.startswith("Du 01/01/2025 au 31/12/2025 ; période précédente du "), period
    assert shown_period(browser) == ("2025-01-01", "2025-12-31")
    axe.assert_no_violations("dashboard for 2025 (coordination)")
    assert_csv_matches_solidarity_value(browser)
    logout(browser)


# --------------------------------------------------------------------------- 2. the funder


def test_the_funder_reads_the_dashboard_under_the_secret(browser, base_url, axe, coop_id):
    login(browser, base_url, FUNDER_EMAIL)
    home(browser, axe, "funder")
    open_dashboard(browser, base_url, axe, coop_id, "funder")
    assert_no_error(browser, "dashboard (funder)")
    axe.assert_no_violations("dashboard (funder)")
    note = norm(browser.find_element(By.ID, "secret-note").text)
    assert note.startswith("Secret statistique") and "« < 5 »" in note, note
    areas = [norm(h.text) for h in browser.find_elements(By.CSS_SELECTOR, "main section.impact-area > h2")]
    assert areas == AREAS, areas
    cells = [norm(td.text) for td in browser.find_elements(By.CSS_SELECTOR, "main td.num")]
    assert SECRET in cells, "no figure under the secret for the funder (the demo has few pathways)"

    # The same period as the coordination sees it: a count of 1 to 4 people becomes "< 5",
    # the rest is the same.
    start, end = shown_period(browser)
    coordination = api_session(base_url, COORDINATOR_EMAIL)
    r = coordination.get(f"{base_url}/coops/{coop_id}/impact?from={start}&to={end}", timeout=10)
    assert r.status_code == 200, r.status_code
    exact = rows_in_html(r.text)
    assert sorted(exact) == sorted(INDICATORS), sorted(exact)
    for key in INDICATORS:
        shown = row_cells(browser, key)
        assert len(shown) == len(exact[key]) == 2, (key, shown, exact[key])
        for column, (theirs, ours) in enumerate(zip(exact[key], shown)):
            where = f"#row-{key}, {'previous period' if column else 'period'}: coordination {theirs!r}, funder {ours!r}"
            if key in PEOPLE_COUNTS:
                assert ours == (SECRET if small_count(theirs) else theirs), where
            elif key in PEOPLE_SHARES:
                # A hidden rate reads « secret », never a false "< 5" (issue 21).
                assert ours in ("secret", theirs), where
            else:
                assert ours == theirs, where
    accompanied = row_cells(browser, "people-accompanied")[0]
    assert accompanied == SECRET or (accompanied.isdigit() and int(accompanied) >= 5), accompanied

    # The breakdowns of counts of people hide their small cells too.
    charts = browser.find_elements(By.CSS_SELECTOR, "main div.chart")
    assert charts, "no chart on the funder's dashboard"
    for chart in charts:
        chart_id = chart.get_attribute("id")
        assert chart.find_elements(By.TAG_NAME, "svg"), f"{chart_id}: no <svg>"
        if chart_id.removeprefix("chart-") in PEOPLE_COUNTS:
            for td in chart.find_elements(By.CSS_SELECTOR, "td.num"):
                assert not small_count(norm(td.text)), f"{chart_id}: {td.text!r} shown to the funder"
    logout(browser)


# --------------------------------------------------------------------------- 3. the network and the territory


def test_the_admin_compares_the_network_and_the_territory(browser, base_url, axe, coop_id):
    login(browser, base_url, ADMIN_EMAIL)
    home(browser, axe, "admin")
    path = follow_link(browser, browser.find_element(By.ID, "network-impact-link"))
    assert path == "/network/impact"
    assert h1_text(browser) == f"Le réseau côte à côte — {NETWORK_NAME}"
    assert_no_error(browser, "network impact")
    axe.assert_no_violations("network impact")
    heads = [norm(th.text) for th in browser.find_elements(By.CSS_SELECTOR, "main .table-scroll thead th")]
    # Other tests may have added cooperatives to the network: the demo's three are there, in order.
    assert heads[0] == "Indicateur" and heads[-2:] == ["Ensemble", "Période précédente"], heads
    columns = heads[1:-2]
    assert [name for name in columns if name in DEMO_COOPS] == DEMO_COOPS, heads
    for key in INDICATORS:
        assert browser.find_elements(By.ID, f"row-{key}"), f"no #row-{key} on the network page"
    # The admin sees every cooperative exactly: the "Ensemble" column adds them up.
    for key in ("people-referred", "households-served", "reduced-price-meals"):
        *coops, together, _ = row_cells(browser, key)
        assert sum(int(c.replace(" ", "")) for c in coops) == int(together.replace(" ", "")), (key, coops, together)
    *coops, together, _ = row_cells(browser, "solidarity-value")
    assert sum(euros(c) for c in coops) == euros(together), (coops, together)
    caillols_value = coops[columns.index(CAILLOLS_NAME)]
    assert not browser.find_elements(By.ID, "secret-note")

    # The territory of the Caillols, from the territories' list.
    follow_link(browser, link_named(browser, "Territoires", 'nav[aria-label="Navigation principale"]'))
    assert h1_text(browser) == "Territoires"
    axe.assert_no_violations("territories")
    territory_path = follow_link(browser, link_named(browser, CAILLOLS_TERRITORY, "main table"))
    assert h1_text(browser) == CAILLOLS_TERRITORY
    axe.assert_no_violations("territory")
    impact_path = follow_link(browser, browser.find_element(By.ID, "territory-impact-link"))
    assert impact_path == f"{territory_path}/impact", impact_path
    assert h1_text(browser) == f"Impact du territoire — {CAILLOLS_TERRITORY}"
    assert_no_error(browser, "territory impact")
    axe.assert_no_violations("territory impact")
    heads = [norm(th.text) for th in browser.find_elements(By.CSS_SELECTOR, "main .table-scroll thead th")]
    assert heads[0] == "Indicateur" and heads[-2:] == ["Ensemble", "Période précédente"] and CAILLOLS_NAME in heads, heads
    assert not set(heads[1:-2]) & (set(DEMO_COOPS) - {CAILLOLS_NAME}), heads
    *cells, together, _ = row_cells(browser, "solidarity-value")
    assert cells[heads[1:-2].index(CAILLOLS_NAME)] == caillols_value, (cells, caillols_value)
    assert sum(euros(c) for c in cells) == euros(together), (cells, together)
    listed = browser.find_elements(By.CSS_SELECTOR, f'main a[href^="/coops/{coop_id}/impact?"]')
    assert [norm(a.text) for a in listed] == [CAILLOLS_NAME], [a.text for a in listed]

    # The catalogue, from an indicator's name on the dashboard.
    catalogue_path = follow_link(browser, browser.find_element(By.CSS_SELECTOR, "#row-solidarity-value a"))
    assert catalogue_path == "/indicators"
    assert urlparse(browser.current_url).fragment == "indicator-solidarity-value", browser.current_url
    assert h1_text(browser) == "Catalogue des indicateurs"
    axe.assert_no_violations("indicator catalogue")
    for key in INDICATORS:
        assert browser.find_elements(By.ID, f"indicator-{key}"), f"no #indicator-{key} in the catalogue"
    term = browser.find_element(By.ID, "indicator-solidarity-value")
    assert norm(term.text) == "Valeur solidaire donnée (euros)", term.text
    definition = norm(term.find_element(By.XPATH, "following-sibling::dd[1]").text)
    assert definition.startswith("Ce que les foyers n'ont pas payé"), definition
    accompanied = norm(browser.find_element(By.XPATH, "//dt[@id='indicator-people-accompanied']/following-sibling::dd[1]").text)
    assert accompanied.endswith("Soumis au secret statistique hors de la coopérative."), accompanied
    logout(browser)


# --------------------------------------------------------------------------- 4. a wrong period


def test_a_wrong_period_shows_a_french_error(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    home(browser, axe, "coordination")
    browser.get(f"{base_url}/coops/{coop_id}/impact?from=2026-13-40")
    assert navigation_status(browser) == 422, f"status {navigation_status(browser)}"
    assert h1_text(browser) == f"Impact — {CAILLOLS_NAME}"
    assert BAD_DAY in error_summary(browser)
    field = browser.find_element(By.ID, "from")
    assert field.get_attribute("aria-invalid") == "true"
    assert norm(browser.find_element(By.ID, "from-error").text) == BAD_DAY
    # The default period is shown instead, with all its figures.
    start, end = shown_period(browser)
    assert re.fullmatch(r"\d{4}-01-01", start) and end[:4] == start[:4], (start, end)
    period = norm(browser.find_element(By.ID, "period").text)
    assert period.startswith(f"Du 01/01/{start[:4]} au "), period
    for key in INDICATORS:
        assert browser.find_elements(By.ID, f"row-{key}"), f"no #row-{key} beside the error"
    axe.assert_no_violations("dashboard with a wrong period")
    logout(browser)
