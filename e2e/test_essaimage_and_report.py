"""The funder's report and the essaimage: the coordination writes its words on a funding
agreement's report (a text too long is refused), the funder reads the same report under the
statistical secret and exports it as CSV, and the network admin starts a cooperative from a
template and ticks the first step of its road to the SCIC (axe on every page).

Runs against a server seeded with `seed --demo` (MAILLAGE_BASE_URL). Other tests add people
and agreements to the demo, so the figures are read, never assumed: the funder's report is
compared with the coordination's.
"""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_admin_flows import ADMIN_EMAIL, UUID, all_items, api_session, csrf_of, fill, login
from test_foundation import h1_text, path_of, session_for, wait_for_path
from test_impact import INDICATORS, PEOPLE_COUNTS, PEOPLE_SHARES, SECRET, home, norm, rows_in_html, small_count
from test_pathway_file import (
    COORDINATOR_EMAIL,
    assert_no_error,
    click_and_wait_for_new_page,
    coop_id,  # noqa: F401  (fixture)
    flash_text,
    follow_link,
    french_date,
    logout,
    navigation_status,
    open_coop_area,
    paris_today,
    rows_of,
    submit_and_wait,
    suffix,
)
from test_pathways_journey import FUNDER_EMAIL, error_summary, facts_of, without_browser_validation

PROGRAMME = "Politique de la ville"
TEMPLATE_NAME = "Cantine solidaire de quartier"
TERRITORY = "Avignon"
TOO_LONG = "Le texte du compte rendu compte au plus 4 000 caractères."
CSV_HEADER = ["périmètre", "indicateur", "libellé", "détail", "unité", "valeur", "période précédente"]


# --------------------------------------------------------------------------- helpers


def open_agreement(browser, base_url: str, axe, coop_id: str, label: str) -> str:
    """From the cooperative's page, "Conventions de financement", then the demo's agreement
    "Politique de la ville" (both pages checked with axe); returns its path."""
    list_path = open_coop_area(browser, base_url, coop_id, "Conventions de financement")
    assert list_path == f"/coops/{coop_id}/funding-agreements", list_path
    assert h1_text(browser) == "Conventions de financement"
    axe.assert_no_violations(f"funding agreements ({label})")
    links = [
        tr.find_element(By.CSS_SELECTOR, "td a[href]")
        for tr in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        if norm(tr.find_elements(By.TAG_NAME, "td")[1].text) == PROGRAMME
    ]
    assert len(links) == 1, f"expected one agreement {PROGRAMME!r}, found {len(links)}"
    path = follow_link(browser, links[0])
    assert re.fullmatch(rf"{list_path}/{UUID}", path, re.IGNORECASE), path
    assert h1_text(browser).endswith(f" — {PROGRAMME}"), h1_text(browser)
    assert_no_error(browser, f"agreement ({label})")
    axe.assert_no_violations(f"funding agreement ({label})")
    return path


def open_report(browser, axe, agreement_path: str, label: str) -> str:
    """From the agreement's page, follows `#report-link` (the report checked with axe)."""
    agreement_title = h1_text(browser)
    path = follow_link(browser, browser.find_element(By.ID, "report-link"))
    assert path == f"{agreement_path}/report", path
    assert h1_text(browser) == f"Compte rendu — {agreement_title}", h1_text(browser)
    assert_no_error(browser, f"report ({label})")
    axe.assert_no_violations(f"report ({label})")
    return path


def report_paragraphs(browser) -> list[str]:
    return [norm(p.text) for p in browser.find_elements(By.CSS_SELECTOR, "#report-text p")]


def report_cells(browser, key: str) -> list[str]:
    """The figures of `#report-row-{key}` (period, previous period)."""
    row = browser.find_element(By.ID, f"report-row-{key}")
    cells = [norm(td.text) for td in row.find_elements(By.TAG_NAME, "td")]
    assert len(cells) == 3, f"#report-row-{key}: {cells}"
    return cells[1:]


def report_rows_in_html(page: str) -> dict[str, list[str]]:
    """`#report-row-…` -> its figures, from a report page's HTML (the coordination's view)."""
    found = {}
    for key, body in re.findall(r'<tr id="report-row-([a-z-]+)">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        found[key] = [norm(html.unescape(re.sub(r"<[^>]+>", "", c))) for c in cells][1:]
    return found


def report_text_in_html(page: str) -> list[str]:
    match = re.search(r'<div id="report-text">(.*?)</div>', page, re.S)
    assert match, "no #report-text in the coordination's report"
    return [norm(html.unescape(re.sub(r"<[^>]+>", "", p))) for p in re.findall(r"<p>(.*?)</p>", match.group(1), re.S)]


# --------------------------------------------------------------------------- 1. the coordination's words


def test_the_coordination_writes_its_words_for_the_funder(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    home(browser, axe, "coordination")
    agreement_path = open_agreement(browser, base_url, axe, coop_id, "coordination")
    report_path = open_report(browser, axe, agreement_path, "coordination")
    assert browser.find_elements(By.ID, "report-form"), "no #report-form for the coordination"
    for key in INDICATORS:
        assert browser.find_elements(By.ID, f"report-row-{key}"), f"no #report-row-{key} in the report"

    first = f"Cette année, la cantine a servi le quartier chaque midi ({suffix()})."
    second = f"Merci au financeur pour sa confiance ({suffix()})."
    fill(browser, "text", f"{first}\n{second}")
    click_and_wait_for_new_page(browser, "report-submit")
    assert_no_error(browser, "after saving the report text")
    assert path_of(browser) == report_path, browser.current_url
    assert flash_text(browser) == "Texte du compte rendu enregistré."
    assert norm(browser.find_element(By.ID, "report-text").text) == f"{first} {second}"
    assert browser.find_element(By.ID, "text").get_attribute("value") == f"{first}\n{second}"
    axe.assert_no_violations("report with the coordination's words")

    # Over 4 000 characters: the server refuses it, in French, and keeps the saved text.
    long_text = "Un mot de trop pour le financeur. " * 130
    assert len(long_text.strip()) > 4000
    field = browser.find_element(By.ID, "text")
    browser.execute_script("arguments[0].value = arguments[1];", field, long_text)
    without_browser_validation(browser, "report-form")
    click_and_wait_for_new_page(browser, "report-submit")
    assert navigation_status(browser) == 422, f"status {navigation_status(browser)}"
    assert TOO_LONG in error_summary(browser), error_summary(browser)
    assert browser.find_element(By.ID, "text").get_attribute("aria-invalid") == "true"
    assert norm(browser.find_element(By.ID, "text-error").text) == TOO_LONG
    axe.assert_no_violations("report text too long")
    browser.get(f"{base_url}{report_path}")
    assert h1_text(browser).startswith("Compte rendu — ")
    assert norm(browser.find_element(By.ID, "report-text").text) == f"{first} {second}"
    assert "Un mot de trop" not in browser.find_element(By.ID, "report-text").text
    # Each line typed is a paragraph of the printed report (the browser sends the textarea's
    # line breaks as CR LF).
    assert report_paragraphs(browser) == [first, second], report_paragraphs(browser)
    logout(browser)


# --------------------------------------------------------------------------- 2. the funder's report


def test_the_funder_reads_the_report_under_the_statistical_secret(browser, base_url, axe, coop_id):
    # The coordination's words and figures, through its own session: the reference.
    coordination = api_session(base_url, COORDINATOR_EMAIL)
    agreements = all_items(coordination, f"{base_url}/api/v1/coops/{coop_id}/funding-agreements")
    ids = [a["id"] for a in agreements if a["programme"] == PROGRAMME and a["coopID"].lower() == coop_id]
    assert len(ids) == 1, f"expected one agreement {PROGRAMME!r}: {[a['programme'] for a in agreements]}"
    report_path = f"/coops/{coop_id}/funding-agreements/{ids[0]}/report"
    words = f"Le mot de la coordination pour le financeur ({suffix()})."
    r = coordination.post(f"{base_url}{report_path}", data={"_csrf": csrf_of(coordination, base_url), "text": words},
                          allow_redirects=False, timeout=10)
    assert r.status_code in (302, 303), f"{report_path}: {r.status_code} {r.text[:300]}"
    r = coordination.get(f"{base_url}{report_path}", timeout=10)
    assert r.status_code == 200, r.status_code
    assert report_text_in_html(r.text) == [words], report_text_in_html(r.text)
    exact = report_rows_in_html(r.text)
    assert sorted(exact) == sorted(INDICATORS), sorted(exact)

    login(browser, base_url, FUNDER_EMAIL)
    home(browser, axe, "funder")
    agreement_path = open_agreement(browser, base_url, axe, coop_id, "funder")
    assert open_report(browser, axe, agreement_path, "funder").lower() == report_path.lower()
    assert report_paragraphs(browser) == [words], report_paragraphs(browser)
    assert not browser.find_elements(By.ID, "report-form"), "the funder is given the coordination's form"
    assert not browser.find_elements(By.ID, "report-submit")

    # The funder reads whole calendar years (the statistical secret cannot then be undone by
    # subtracting two periods): the coordination's figures over the same years are the reference.
    r = session_for(browser).get(f"{base_url}/api/v1{report_path}", timeout=10)
    assert r.status_code == 200, f"{report_path}: {r.status_code} {r.text[:300]}"
    period = r.json()
    assert period["from"].endswith("-01-01") and period["to"].endswith("-12-31"), period
    r = coordination.get(f"{base_url}/coops/{coop_id}/impact?from={period['from']}&to={period['to']}", timeout=10)
    assert r.status_code == 200, r.status_code
    exact = rows_in_html(r.text)
    assert sorted(exact) == sorted(INDICATORS), sorted(exact)
    # Over several years, a count is also hidden (« secret ») when one of its years is small.
    several_years = period["from"][:4] != period["to"][:4]

    def expected(value: str) -> set[str]:
        return {SECRET} if small_count(value) else ({value, "secret"} if several_years else {value})

    # The counts of people: "< 5" where the coordination reads 1 to 4, the same otherwise.
    theirs = exact["people-accompanied"]
    ours = report_cells(browser, "people-accompanied")
    for column, (coordination_value, funder_value) in enumerate(zip(theirs, ours)):
        where = f"#report-row-people-accompanied, {'previous period' if column else 'period'}: coordination {coordination_value!r}, funder {funder_value!r}"
        assert funder_value in expected(coordination_value), where
    for key in INDICATORS:
        shown = report_cells(browser, key)
        assert len(exact[key]) == 2, (key, exact[key])
        for column, (coordination_value, funder_value) in enumerate(zip(exact[key], shown)):
            where = f"#report-row-{key}, column {column}: coordination {coordination_value!r}, funder {funder_value!r}"
            if key in PEOPLE_COUNTS:
                assert funder_value in expected(coordination_value), where
            elif key in PEOPLE_SHARES:
                # A hidden rate reads « secret », never a false "< 5" (issue 21).
                assert funder_value in ("secret", coordination_value), where
            elif key in ("reduced-price-meals", "solidarity-value"):
                # Hidden with a bracket where few households bought (the trade figures' secret).
                assert funder_value in ("secret", coordination_value), where
            else:
                assert funder_value == coordination_value, where
    if SECRET in ours or "secret" in ours:
        assert browser.find_elements(By.ID, "secret-note"), "figures hidden without the secret's note"

    # The CSV, with the funder's session: the same secret as the page.
    href = browser.find_element(By.ID, "report-csv").get_attribute("href")
    r = session_for(browser).get(href, allow_redirects=False, timeout=10)
    assert r.status_code == 200, f"{href}: {r.status_code} {r.text[:300]}"
    assert r.headers.get("Content-Type", "").startswith("text/csv"), r.headers.get("Content-Type")
    disposition = r.headers.get("Content-Disposition", "")
    assert "attachment" in disposition and ".csv" in disposition, disposition
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    assert lines and lines[0] == CSV_HEADER, lines[:1]
    assert any(line[0] == "Engagements" and line[1] == "people-accompanied" for line in lines[1:]), lines[:5]
    together = [line for line in lines[1:] if line[0] == "Ensemble" and line[1] == "people-accompanied" and line[3] == ""]
    assert len(together) == 1, together
    assert (together[0][5] == SECRET) == (ours[0] == SECRET), (together[0], ours)
    if ours[0] != SECRET:
        assert together[0][5] == ours[0].replace(" ", ""), (together[0], ours)
    logout(browser)


# --------------------------------------------------------------------------- 3. a cooperative from a template


def test_the_admin_starts_a_cooperative_from_a_template(browser, base_url, axe):
    login(browser, base_url, ADMIN_EMAIL)
    home(browser, axe, "admin")
    assert follow_link(browser, browser.find_element(By.ID, "templates-link")) == "/templates"
    assert h1_text(browser) == "Modèles de coopérative"
    assert browser.find_elements(By.ID, "template-form"), "no #template-form for the admin"
    axe.assert_no_violations("templates")
    rows = [
        tr for tr in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        if tr.find_element(By.TAG_NAME, "td").text.split("\n")[0].strip() == TEMPLATE_NAME
    ]
    assert len(rows) == 1, f"expected one template {TEMPLATE_NAME!r}, found {len(rows)}"
    contents = norm(rows[0].find_elements(By.TAG_NAME, "td")[1].text)
    assert contents.endswith(", 6 étapes"), contents
    start = rows[0].find_element(By.LINK_TEXT, "Démarrer une coopérative")
    template_id = parse_qs(urlparse(start.get_attribute("href")).query).get("templateID", [""])[0]
    assert re.fullmatch(UUID, template_id.lower()), start.get_attribute("href")
    assert follow_link(browser, start) == "/coops/new"
    assert h1_text(browser) == "Nouvelle coopérative"
    axe.assert_no_violations("new cooperative from a template")

    chosen = Select(browser.find_element(By.ID, "templateID")).first_selected_option
    assert norm(chosen.text) == TEMPLATE_NAME and chosen.get_attribute("value").lower() == template_id.lower(), chosen.text
    name = f"Cantine solidaire d'Avignon Nord {suffix()}"
    fill(browser, "name", name)
    Select(browser.find_element(By.ID, "territoryID")).select_by_visible_text(TERRITORY)
    Select(browser.find_element(By.ID, "legalForm")).select_by_value("scic")
    Select(browser.find_element(By.ID, "stage")).select_by_value("emergence")
    form = browser.find_element(By.ID, "cooperative-form")
    submit_and_wait(browser, form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'))
    assert_no_error(browser, "after creating the cooperative")
    coop_path = path_of(browser)
    assert re.fullmatch(rf"/coops/{UUID}", coop_path), browser.current_url
    assert flash_text(browser) == "Coopérative créée."
    assert h1_text(browser) == name
    assert facts_of(browser).get("Territoire") == TERRITORY, facts_of(browser)
    assert norm(browser.find_element(By.ID, "onboarding-progress").text) == "0 / 6 étapes"
    progress = browser.find_element(By.CSS_SELECTOR, "#onboarding progress")
    assert (progress.get_attribute("value"), progress.get_attribute("max")) == ("0", "6")
    assert len(browser.find_elements(By.CSS_SELECTOR, '#onboarding button[id^="done-"]')) == 6
    axe.assert_no_violations("new cooperative with its road to the SCIC")

    submit_and_wait(browser, browser.find_element(By.ID, "done-opportunity-study"))
    wait_for_path(browser, coop_path)
    assert_no_error(browser, "after the first step")
    assert flash_text(browser) == "Étape faite."
    assert norm(browser.find_element(By.ID, "onboarding-progress").text) == "1 / 6 étapes"
    assert not browser.find_elements(By.ID, "done-opportunity-study"), "the step done keeps its button"
    assert browser.find_elements(By.ID, "done-mobilisation"), "the next step lost its button"
    step = norm(browser.find_element(By.CSS_SELECTOR, "#onboarding ol li").text)
    assert step.startswith("Étude d'opportunité — ") and f"fait le {french_date(paris_today())}" in step, step
    axe.assert_no_violations("cooperative with its first step done")

    # The network's dashboard lists the new cooperative with its progress.
    browser.get(f"{base_url}/")
    assert follow_link(browser, browser.find_element(By.ID, "network-impact-link")) == "/network/impact"
    assert h1_text(browser).startswith("Le réseau côte à côte — ")
    assert_no_error(browser, "network impact")
    listed = [row for row in rows_of(browser, "main") if row and row[0] == name]
    assert len(listed) == 1, f"{name!r} not listed once on /network/impact: {[row[0] for row in rows_of(browser, 'main')]}"
    assert listed[0][1] == TERRITORY, listed[0]
    assert listed[0][3].startswith("1 / 6 étapes"), listed[0]
    assert "(en retard)" not in listed[0][3], listed[0]
    axe.assert_no_violations("network impact with the new cooperative")
    logout(browser)


# --------------------------------------------------------------------------- 4. one figure, three places


def test_the_report_the_dashboard_and_the_csv_agree(browser, base_url, axe, coop_id):
    """The coordination's report of the agreement, its dashboard over the agreement's period and
    the dashboard's CSV give the same figures, indicator by indicator."""
    login(browser, base_url, COORDINATOR_EMAIL)
    agreement_path = open_agreement(browser, base_url, axe, coop_id, "coordination, consistency")
    open_report(browser, axe, agreement_path, "coordination, consistency")
    session = session_for(browser)
    report = session.get(f"{base_url}/api/v1{agreement_path}/report", headers={"Accept": "application/json"})
    assert report.status_code == 200, report.text[:300]
    period = report.json()
    report_rows = report_rows_in_html(browser.page_source)
    assert set(report_rows) == set(INDICATORS), sorted(report_rows)

    browser.get(f"{base_url}/coops/{coop_id}/impact?from={period['from']}&to={period['to']}")
    assert_no_error(browser, "dashboard over the agreement's period")
    axe.assert_no_violations("dashboard over the agreement's period")
    for key in INDICATORS:
        cells = [norm(td.text) for td in browser.find_element(By.ID, f"row-{key}").find_elements(By.TAG_NAME, "td")][1:]
        assert cells == report_rows[key], (key, cells, report_rows[key])

    exported = session.get(f"{base_url}/api/v1/coops/{coop_id}/indicators.csv?from={period['from']}&to={period['to']}")
    assert exported.status_code == 200
    lines = [row for row in csv.reader(io.StringIO(exported.text)) if len(row) == 7 and row[3] == ""]
    by_key = {row[1]: row for row in lines[1:]}
    # Money: "1 234,56 €" on the page, 1234.56 in the file.
    shown = report_rows["solidarity-value"][0].replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace(",", ".")
    assert by_key["solidarity-value"][5] == shown, (by_key["solidarity-value"], shown)
    assert by_key["people-accompanied"][5] == report_rows["people-accompanied"][0].replace("\u202f", ""), by_key["people-accompanied"]
    logout(browser)
