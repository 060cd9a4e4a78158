"""Governance between assemblies: everyday decisions, and the capital's subscription requests,
member pages, exits and certificates (axe on every page).

Everyday decisions: a sociétaire, from her phone, reads the open demo proposal, puts a poll
(a poll with a single choice is refused first), votes on it, changes her vote, reads who voted
what and closes her poll with its outcome. The coordination, who is not an associate, reads
the demo proposal without being offered a vote but may close it (an empty outcome is refused,
and the demo proposal stays open); it puts a proposal to one college, on which the cooperant
blocks, and which the sociétaire (another college) may not vote on.

Capital: the coordination reads the chart of the capital month by month, records the payment
of Yacine Bouzid's called subscription (written in the register) and validates Sabrina
Nacer's request; then records a candidate of its own, whose request is refused validation
without the consents, cancelled, asked again with them and carried through to the register;
reads the new associate's page and certificate and records their exit. The sociétaire reads her
own page and certificate, not another associate's; the cashier is refused a certificate.

Demo data (DemoGovernance.swift): Jeanne Roux (societaire@maillage.example, college
"Habitant·es") and Fatou Diallo (cooperant@maillage.example, college "Salarié·es et
coopérant·es") are associates with an account; the coordinator (coordination@…) is not an
associate. Jeanne's open proposal "Ouvrir l'épicerie le samedi matin, à l'essai trois mois"
(both voted "d'accord"), the coordination's anonymous poll on the cooking workshop, closed with
its outcome; Sabrina Nacer's request (consents given, received) and Yacine Bouzid's (capital
called). The tests move the two demo requests on once: run again on the same database, they
check that the steps were taken instead. Everything else they create carries a random suffix.
"""

from __future__ import annotations

import re
from datetime import timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_admin_flows import FRENCH_FORBIDDEN, assert_french, fill, login, text_of, wait_for_path_matching
from test_assembly import DESKTOP_SIZE, PHONE_SIZE, assert_fits_the_width, options_of
from test_foundation import h1_text, html_lang, path_of
from test_pathway_file import (
    COOPERANT_EMAIL,
    COOPERANT_NAME,
    COORDINATOR_EMAIL,
    COORDINATOR_NAME,
    assert_no_error,
    click_and_wait_for_new_page,
    coop_id,  # noqa: F401  (fixture)
    flash_text,
    follow_link,
    french_date,
    link_named,
    logout,
    navigation_status,
    open_coop_area,
    paris_today,
    rows_of,
    set_value,
    submit_and_wait,
    suffix,
)
from test_pathways_journey import STAFF_EMAIL, error_summary, facts_of, main_text, without_browser_validation

MEMBER_EMAIL = "societaire@maillage.example"
MEMBER_NAME = "Jeanne Roux"
DEMO_PROPOSAL = "Ouvrir l'épicerie le samedi matin, à l'essai trois mois"
DEMO_POLL = "Quel soir pour l'atelier cuisine des habitant·es ?"
DEMO_POLL_OUTCOME = "L'atelier cuisine a lieu le jeudi soir, de 18 h à 20 h, dans la cuisine du centre social."
NOT_A_VOTER = "Vous ne faites pas partie des votant·es de cette décision."
VOTE_RECORDED = "Vote enregistré. Vous pouvez le changer jusqu'à la clôture."
CERTIFICATE_TITLE = "Attestation de détention de parts sociales"
REGISTER = 'div[aria-label="Registre des parts"]'
REQUESTS = 'div[aria-label="Demandes de souscription"]'
# The pages write the ids in capitals (Swift's uuidString).
UUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
SABRINA = "Sabrina Nacer"
YACINE = "Yacine Bouzid"


# --------------------------------------------------------------------------- helpers


def assert_unique_ids(browser, label: str) -> None:
    """No id is used twice on the page (labels, error links and anchors rely on them)."""
    duplicates = browser.execute_script(
        "const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);"
        "return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];"
    )
    assert not duplicates, f"{label}: ids used more than once: {duplicates}"


def check_page(browser, axe, label: str) -> None:
    assert html_lang(browser) == "fr", f"{label}: not in French"
    assert_unique_ids(browser, label)
    axe.assert_no_violations(label)


def decision_links(browser, list_id: str) -> dict[str, str]:
    """Title → the list item's whole text, for the open or closed decisions."""
    return {
        " ".join(li.find_element(By.TAG_NAME, "a").text.split()): " ".join(li.text.split())
        for li in browser.find_elements(By.CSS_SELECTOR, f"#{list_id} > li")
    }


def open_decision(browser, title: str, list_id: str) -> str:
    """From the decisions list, follows the decision's link; returns its path."""
    path = follow_link(browser, link_named(browser, title, f"#{list_id}"))
    assert re.fullmatch(rf"/coops/[0-9a-f-]{{36}}/decisions/{UUID}", path, re.IGNORECASE), path
    assert h1_text(browser) == title
    return path


def result_counts(browser) -> dict[str, str]:
    """The decision's result table: choice → votes."""
    return {row[0]: row[1] for row in rows_of(browser, 'div[aria-label="Résultat"]')}


def who_voted_what(browser) -> list[str]:
    """The items of the "Qui a voté quoi" list; empty when it is not shown."""
    headings = [h for h in browser.find_elements(By.CSS_SELECTOR, "main h2") if h.text.strip() == "Qui a voté quoi"]
    if not headings:
        return []
    return [" ".join(li.text.split()) for li in headings[0].find_elements(By.XPATH, "following-sibling::ul[1]/li")]


def indication(browser) -> str:
    return " ".join(browser.find_element(By.ID, "indication").text.split())


def tick(browser, element_id: str) -> None:
    """Ticks a radio button or a checkbox, as a finger would (scrolled into view first)."""
    element = browser.find_element(By.ID, element_id)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    if not element.is_selected():
        element.click()
    assert element.is_selected(), f"#{element_id} could not be ticked"


def request_rows(browser, name: str) -> list[tuple[list[str], object]]:
    """(cells, <tr>) of the subscription requests of the associate or candidate `name`."""
    found = []
    for tr in browser.find_elements(By.CSS_SELECTOR, f"{REQUESTS} tbody tr"):
        cells = [" ".join(td.text.split()) for td in tr.find_elements(By.TAG_NAME, "td")]
        if cells and cells[0] == name:
            found.append((cells, tr))
    return found


def live_request(browser, name: str) -> tuple[list[str], object]:
    """The one request of `name` that is not cancelled."""
    rows = [(cells, tr) for cells, tr in request_rows(browser, name) if cells[4] != "Annulée"]
    assert len(rows) == 1, f"expected one live request for {name}, found {[c for c, _ in rows]}"
    return rows[0]


def request_buttons(tr) -> dict[str, object]:
    """The transition buttons of a request's row: step (validated, called…) → button."""
    buttons = {}
    for button in tr.find_elements(By.CSS_SELECTOR, "button"):
        match = re.fullmatch(rf"request-({UUID})-([a-z]+)", button.get_attribute("id") or "", re.IGNORECASE)
        assert match, f"unexpected button id {button.get_attribute('id')!r}"
        buttons[match.group(2)] = button
    return buttons


def move_request(browser, name: str, step: str, label: str) -> None:
    """Clicks the step's button on `name`'s live request (its text checked first)."""
    _, tr = live_request(browser, name)
    button = request_buttons(tr)[step]
    assert " ".join(button.text.split()) == label, button.text
    submit_and_wait(browser, button)


def register_rows(browser) -> list[list[str]]:
    return rows_of(browser, REGISTER)


def chart_titles(browser) -> list[str]:
    """The titles of the columns of the capital's chart, one a month ("2026-05 : 1 234,00 €")."""
    return [
        " ".join(browser.execute_script("return arguments[0].textContent;", t).split())
        for t in browser.find_elements(By.CSS_SELECTOR, "#capital-history svg rect > title")
    ]


def assert_forbidden(browser, label: str) -> None:
    assert navigation_status(browser) == 403, f"{label}: status {navigation_status(browser)}"
    heading = h1_text(browser)
    assert FRENCH_FORBIDDEN.search(heading), heading
    assert_french(text_of(browser, 'main [role="alert"]'), f"the 403 message ({label})")
    assert not browser.find_elements(By.ID, "certificate")


# --------------------------------------------------------------------------- everyday decisions


def test_a_member_puts_a_poll_votes_and_concludes_from_her_phone(browser, base_url, axe, coop_id):
    tag = suffix()
    title = f"Quel samedi pour le vide-grenier de la résidence {tag} ?"
    choices = [f"Samedi 6 juin {tag}", f"Samedi 13 juin {tag}", f"Samedi 20 juin {tag}"]
    closes = paris_today() + timedelta(days=10)
    outcome = f"Le vide-grenier a lieu le samedi 20 juin, sur le parking de la résidence {tag}."
    list_path = f"/coops/{coop_id}/decisions"

    browser.set_window_size(*PHONE_SIZE)
    try:
        login(browser, base_url, MEMBER_EMAIL)
        assert open_coop_area(browser, base_url, coop_id, "Décisions du quotidien") == list_path
        assert h1_text(browser) == "Décisions du quotidien"
        assert_fits_the_width(browser, "decisions list")
        # The demo: Jeanne's own proposal, open, and the coordination's poll, concluded.
        open_now = decision_links(browser, "open-decisions")
        assert DEMO_PROPOSAL in open_now, sorted(open_now)
        assert re.fullmatch(
            rf"{re.escape(DEMO_PROPOSAL)} — proposition, clôture le \d\d/\d\d/\d{{4}} à 20 h 00", open_now[DEMO_PROPOSAL]
        ), open_now[DEMO_PROPOSAL]
        assert decision_links(browser, "closed-decisions").get(DEMO_POLL) == f"{DEMO_POLL} — sondage, close"
        assert browser.find_elements(By.ID, "decision-form"), "an associate may put a question"
        check_page(browser, axe, "decisions list on a phone")

        # ---- A poll with a single choice is refused, what she typed kept.
        Select(browser.find_element(By.ID, "kind")).select_by_visible_text("Sondage : des choix")
        fill(browser, "title", title)
        fill(browser, "details", "Un seul jour retenu ; les inscriptions ouvriront ensuite.")
        fill(browser, "options", choices[0])
        set_value(browser, "closesAt", f"{closes.isoformat()}T18:30", "datetime-local")
        click_and_wait_for_new_page(browser, "decision-submit")
        assert navigation_status(browser) == 422, navigation_status(browser)
        assert "au moins deux choix" in error_summary(browser)
        assert browser.find_element(By.ID, "title").get_attribute("value") == title
        assert Select(browser.find_element(By.ID, "kind")).first_selected_option.get_attribute("value") == "poll"
        assert browser.find_element(By.ID, "closesAt").get_attribute("value") == f"{closes.isoformat()}T18:30"
        assert browser.find_element(By.ID, "options").get_attribute("aria-invalid") == "true"
        assert_fits_the_width(browser, "decisions list with an error")
        check_page(browser, axe, "decisions list with an error, on a phone")

        # ---- Three choices: the poll opens.
        fill(browser, "options", "\n".join(choices))
        click_and_wait_for_new_page(browser, "decision-submit")
        assert_no_error(browser, "after putting the poll")
        match = wait_for_path_matching(browser, rf"{list_path}/({UUID})")
        poll_path = match.group(0)
        assert flash_text(browser) == "Décision ouverte au vote."
        assert h1_text(browser) == title
        facts = facts_of(browser)
        assert facts["Forme"] == "Sondage", facts
        assert facts["Qui vote"] == "Tous les associé·es", facts
        assert facts["Clôture"] == f"{french_date(closes)} à 18 h 30", facts
        assert re.fullmatch(r"0 / \d+", facts["Participation"]), facts
        electorate = int(facts["Participation"].split(" / ")[1])
        # Jeanne Roux and Fatou Diallo at least (who counts is the server's business).
        assert electorate >= 2, facts
        assert facts["Vote"] == "à découvert", facts
        assert facts["Posée par"] == MEMBER_NAME, facts
        assert result_counts(browser) == {c: "0" for c in choices}
        assert indication(browser) == "En tête : —"
        assert who_voted_what(browser) == []
        labels = [
            " ".join(browser.find_element(By.CSS_SELECTOR, f'label[for="option-{i}"]').text.split()) for i in (1, 2, 3)
        ]
        assert labels == choices, labels
        for i in (1, 2, 3):
            assert browser.find_element(By.ID, f"option-{i}").get_attribute("type") == "radio"
        assert browser.find_elements(By.ID, "close-form"), "the author may close her poll"
        assert_fits_the_width(browser, "poll page")
        check_page(browser, axe, "poll page on a phone")

        # ---- She votes, then changes her mind: the second vote replaces the first.
        tick(browser, "option-2")
        click_and_wait_for_new_page(browser, "poll-submit")
        assert_no_error(browser, "after voting")
        assert flash_text(browser) == VOTE_RECORDED
        assert f"Actuellement : {choices[1]}" in text_of(browser, "#vote")
        assert browser.find_element(By.ID, "option-2").is_selected()
        assert who_voted_what(browser) == [f"{MEMBER_NAME} : {choices[1]}"]
        assert result_counts(browser) == {choices[0]: "0", choices[1]: "1", choices[2]: "0"}
        assert facts_of(browser)["Participation"] == f"1 / {electorate}"
        assert indication(browser) == f"En tête : {choices[1]}"
        tick(browser, "option-3")
        click_and_wait_for_new_page(browser, "poll-submit")
        assert flash_text(browser) == VOTE_RECORDED
        assert who_voted_what(browser) == [f"{MEMBER_NAME} : {choices[2]}"]
        assert result_counts(browser) == {choices[0]: "0", choices[1]: "0", choices[2]: "1"}
        assert facts_of(browser)["Participation"] == f"1 / {electorate}"
        assert_fits_the_width(browser, "poll page after a vote")
        check_page(browser, axe, "poll page on a phone, after a vote")

        # ---- She closes her poll with its outcome.
        fill(browser, "outcome", outcome)
        click_and_wait_for_new_page(browser, "close-submit")
        assert_no_error(browser, "after closing the poll")
        assert flash_text(browser) == "Décision close, avec sa conclusion."
        assert path_of(browser) == poll_path
        assert text_of(browser, "#outcome") == f"Conclusion {outcome}"
        facts = facts_of(browser)
        # (The page shows the planned closing time, not the earlier moment she closed it.)
        assert facts["Clôture"].endswith(" — close"), facts
        assert facts["Participation"] == f"1 / {electorate}", facts
        for gone in ("poll-form", "vote", "close-form"):
            assert not browser.find_elements(By.ID, gone), f"#{gone} still shown once the poll is closed"
        assert who_voted_what(browser) == [f"{MEMBER_NAME} : {choices[2]}"]
        assert_fits_the_width(browser, "closed poll")
        check_page(browser, axe, "closed poll on a phone")

        follow_link(browser, link_named(browser, "Décisions du quotidien"))
        assert decision_links(browser, "closed-decisions").get(title) == f"{title} — sondage, close"
        assert title not in decision_links(browser, "open-decisions")
        logout(browser)
    finally:
        browser.set_window_size(*DESKTOP_SIZE)


def test_coordination_reads_the_demo_decisions_without_a_vote(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Décisions du quotidien") == f"/coops/{coop_id}/decisions"
    check_page(browser, axe, "decisions list (coordinator)")

    # ---- Jeanne Roux's open proposal: the coordination, not an associate, does not vote.
    proposal_path = open_decision(browser, DEMO_PROPOSAL, "open-decisions")
    assert "De 9 h à 12 h 30, avec deux coopérant·es et un·e bénévole." in main_text(browser)
    facts = facts_of(browser)
    assert facts["Forme"] == "Proposition", facts
    assert facts["Posée par"] == MEMBER_NAME, facts
    assert facts["Vote"] == "à découvert", facts
    assert re.fullmatch(r"\d+ / \d+ ; quorum 20 % (atteint|non atteint)", facts["Participation"]), facts
    assert not facts["Clôture"].endswith("— close"), facts
    for absent in ("vote", "stance-form", "stance-agree", "stance-abstain", "stance-disagree", "stance-block", "poll-form"):
        assert not browser.find_elements(By.ID, absent), f"#{absent} offered to the coordination"
    assert NOT_A_VOTER in main_text(browser)
    ballots = who_voted_what(browser)
    assert f"{MEMBER_NAME} : D'accord" in ballots and f"{COOPERANT_NAME} : D'accord" in ballots, ballots
    assert list(result_counts(browser)) == ["D'accord", "Abstention", "Pas d'accord", "Blocage"]
    # The coordination may close it…
    assert browser.find_element(By.ID, "close-form").is_displayed()
    assert browser.find_element(By.ID, "outcome").tag_name == "textarea"
    assert browser.find_elements(By.ID, "close-submit")
    check_page(browser, axe, "demo proposal (coordinator)")
    # …but not without saying what was decided (and the demo proposal stays open).
    without_browser_validation(browser, "close-form")
    fill(browser, "outcome", "   ")
    click_and_wait_for_new_page(browser, "close-submit")
    assert navigation_status(browser) == 422, navigation_status(browser)
    assert "Écrivez ce qui a été décidé" in error_summary(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "section#outcome")
    check_page(browser, axe, "demo proposal with a refused close")
    browser.get(f"{base_url}{proposal_path}")
    assert not facts_of(browser)["Clôture"].endswith("— close")

    # ---- The concluded poll: anonymous, so nobody's vote is shown.
    follow_link(browser, link_named(browser, "Décisions du quotidien"))
    open_decision(browser, DEMO_POLL, "closed-decisions")
    facts = facts_of(browser)
    assert facts["Forme"] == "Sondage" and facts["Vote"] == "anonyme", facts
    assert facts["Posée par"] == COORDINATOR_NAME, facts
    assert facts["Clôture"].endswith("— close"), facts
    assert text_of(browser, "#outcome") == f"Conclusion {DEMO_POLL_OUTCOME}"
    assert who_voted_what(browser) == []
    assert indication(browser) == "En tête : Jeudi"
    for absent in ("vote", "poll-form", "close-form"):
        assert not browser.find_elements(By.ID, absent), f"#{absent} shown on a concluded poll"
    check_page(browser, axe, "concluded demo poll (coordinator)")
    logout(browser)


def test_a_proposal_to_one_college_blocked_by_the_cooperant(browser, base_url, axe, coop_id):
    tag = suffix()
    title = f"Passer la cuisine en horaires d'été {tag}"
    college = "Le collège Salarié·es et coopérant·es"

    # ---- The coordination puts it to the workers' college, with a quorum (mistyped first).
    login(browser, base_url, COORDINATOR_EMAIL)
    browser.get(f"{base_url}/coops/{coop_id}/decisions")
    assert h1_text(browser) == "Décisions du quotidien"
    fill(browser, "title", title)
    fill(browser, "details", "Service de 7 h à 14 h en juillet et en août.")
    Select(browser.find_element(By.ID, "electorate")).select_by_visible_text(college)
    fill(browser, "quorumPercent", "trente")
    click_and_wait_for_new_page(browser, "decision-submit")
    assert navigation_status(browser) == 422, navigation_status(browser)
    assert "pourcentage entier" in error_summary(browser)
    assert Select(browser.find_element(By.ID, "electorate")).first_selected_option.text == college
    fill(browser, "quorumPercent", "50")
    click_and_wait_for_new_page(browser, "decision-submit")
    assert_no_error(browser, "after putting the proposal")
    assert flash_text(browser) == "Décision ouverte au vote."
    path = path_of(browser)
    facts = facts_of(browser)
    assert facts["Qui vote"] == "Le collège Salarié·es et coopérant·es", facts
    taking_part = re.fullmatch(r"0 / (\d+) ; quorum 50 % non atteint", facts["Participation"])
    assert taking_part and int(taking_part.group(1)) >= 1, facts
    college_size = int(taking_part.group(1))
    assert facts["Posée par"] == COORDINATOR_NAME, facts
    assert not browser.find_elements(By.ID, "stance-form")
    assert NOT_A_VOTER in main_text(browser)
    logout(browser)

    # ---- Jeanne Roux, of the residents' college, may read it but not vote.
    login(browser, base_url, MEMBER_EMAIL)
    browser.get(f"{base_url}{path}")
    assert h1_text(browser) == title
    assert not browser.find_elements(By.ID, "stance-form")
    assert NOT_A_VOTER in main_text(browser)
    assert not browser.find_elements(By.ID, "close-form"), "only the author or the coordination closes"
    logout(browser)

    # ---- Fatou Diallo, of the workers' college, blocks it.
    login(browser, base_url, COOPERANT_EMAIL)
    browser.get(f"{base_url}{path}")
    assert h1_text(browser) == title
    labels = [" ".join(b.text.split()) for b in browser.find_elements(By.CSS_SELECTOR, "#stance-form button")]
    assert labels == ["D'accord", "Abstention", "Pas d'accord", "Blocage"], labels
    check_page(browser, axe, "proposal (cooperant, before her vote)")
    click_and_wait_for_new_page(browser, "stance-block")
    assert_no_error(browser, "after blocking")
    assert flash_text(browser) == VOTE_RECORDED
    assert "Actuellement : Blocage" in text_of(browser, "#vote")
    assert who_voted_what(browser) == [f"{COOPERANT_NAME} : Blocage"]
    assert result_counts(browser) == {"D'accord": "0", "Abstention": "0", "Pas d'accord": "0", "Blocage": "1"}
    assert indication(browser) == "Au moins un blocage : la proposition est à retravailler."
    reached = "atteint" if 100 >= 50 * college_size else "non atteint"
    assert facts_of(browser)["Participation"] == f"1 / {college_size} ; quorum 50 % {reached}"
    check_page(browser, axe, "proposal (cooperant, after her vote)")
    logout(browser)


# --------------------------------------------------------------------------- capital and members


def test_coordination_moves_the_demo_requests_on(browser, base_url, axe, coop_id):
    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Capital et registre des parts") == f"/coops/{coop_id}/capital"
    # The chart: one column a month over two years, the last one this month's capital.
    svg = browser.find_element(By.CSS_SELECTOR, "#capital-history svg")
    assert svg.get_attribute("role") == "img"
    assert svg.get_attribute("aria-label") == "Capital souscrit à la fin de chaque mois, sur deux ans"
    titles = chart_titles(browser)
    assert len(titles) == 24, titles
    assert titles[-1] == f"{paris_today():%Y-%m} : {facts_of(browser)['Capital souscrit']}", (titles[-1], facts_of(browser))
    check_page(browser, axe, "capital page")

    # ---- Yacine Bouzid's capital was called: the payment writes it in the register.
    cells, tr = live_request(browser, YACINE)
    if cells[4] == "Appel de fonds envoyé":
        assert cells[1:4] == ["1", "20,00 €", "donnés (Claire Martin)"], cells
        assert set(request_buttons(tr)) == {"paid", "cancelled"}
        last = max(int(r[0]) for r in register_rows(browser))
        move_request(browser, YACINE, "paid", "Payée, inscrite au registre")
        assert_no_error(browser, "after recording Yacine Bouzid's payment")
        assert flash_text(browser) == "Demande : payée, inscrite au registre."
        new = register_rows(browser)[-1]
        assert new == [str(last + 1), french_date(paris_today()), "Souscription", YACINE, "1 × Part sociale", "20,00 €"], new
    cells, tr = live_request(browser, YACINE)
    assert cells[4] == "Payée, inscrite au registre" and not request_buttons(tr), cells
    assert [r for r in register_rows(browser) if r[2:] == ["Souscription", YACINE, "1 × Part sociale", "20,00 €"]]

    # ---- Sabrina Nacer's request, consents given, is validated.
    cells, tr = live_request(browser, SABRINA)
    if cells[4] == "Demande reçue":
        assert cells[1:4] == ["2", "40,00 €", "donnés (Claire Martin)"], cells
        move_request(browser, SABRINA, "validated", "Validée")
        assert_no_error(browser, "after validating Sabrina Nacer's request")
        assert flash_text(browser) == "Demande : validée."
    cells, tr = live_request(browser, SABRINA)
    assert cells[4] == "Validée", cells
    assert set(request_buttons(tr)) == {"called", "cancelled"}
    assert not [r for r in register_rows(browser) if r[3] == SABRINA], "a validated request is not paid yet"
    check_page(browser, axe, "capital page after moving the requests")

    # Yacine Bouzid is an associate now, Sabrina Nacer still a candidate.
    follow_link(browser, link_named(browser, "Coopérative d'habitants des Caillols"))
    follow_link(browser, link_named(browser, "Associé·es", 'main nav[aria-label="Espaces de la coopérative"]'))
    status = {r[1]: r[5] for r in rows_of(browser, "main")}
    assert status[YACINE] == "Associé·e" and status[SABRINA] == "Candidat·e", (status[YACINE], status[SABRINA])
    logout(browser)


def test_coordination_carries_a_candidate_to_the_register_and_records_their_exit(browser, base_url, axe, coop_id):
    tag = suffix()
    name = f"Lucien Essai {tag}"
    today = french_date(paris_today())
    yesterday = (paris_today() - timedelta(days=1)).isoformat()

    # ---- A candidate, recorded on the members page.
    login(browser, base_url, COORDINATOR_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Associé·es") == f"/coops/{coop_id}/members"
    fill(browser, "displayName", name)
    Select(browser.find_element(By.ID, "category")).select_by_visible_text("Habitant·es bénéficiaires")
    Select(browser.find_element(By.ID, "collegeID")).select_by_visible_text("Habitant·es")
    Select(browser.find_element(By.ID, "status")).select_by_visible_text("Candidat·e")
    click_and_wait_for_new_page(browser, "member-submit")
    assert_no_error(browser, "after recording the candidate")
    recorded = re.fullmatch(rf"Associé·e n° (\d+) enregistré·e : {re.escape(name)}\.", flash_text(browser))
    assert recorded, flash_text(browser)
    number = int(recorded.group(1))
    row = {r[1]: r for r in rows_of(browser, "main")}[name]
    assert row[0] == str(number) and row[5] == "Candidat·e", row
    option = f"n° {number} — {name}"

    # ---- A request without the consents: recorded, but not validated.
    follow_link(browser, link_named(browser, "Coopérative d'habitants des Caillols"))
    follow_link(browser, link_named(browser, "Capital et registre des parts", 'main nav[aria-label="Espaces de la coopérative"]'))
    assert option in [label for _, label in options_of(browser, "requestMemberID")]
    Select(browser.find_element(By.ID, "requestMemberID")).select_by_visible_text(option)
    assert Select(browser.find_element(By.ID, "requestShareClassID")).first_selected_option.text == "Part sociale — 20,00 €"
    fill(browser, "requestQuantity", "3")
    click_and_wait_for_new_page(browser, "request-submit")
    assert_no_error(browser, "after the request without consents")
    assert flash_text(browser) == "Demande de souscription enregistrée."
    cells, tr = live_request(browser, name)
    assert cells[1:5] == ["3", "60,00 €", "à recueillir", "Demande reçue"], cells
    move_request(browser, name, "validated", "Validée")
    assert navigation_status(browser) == 422, navigation_status(browser)
    assert "La personne doit d'abord accepter les statuts et le traitement de ses données." in error_summary(browser)
    assert live_request(browser, name)[0][4] == "Demande reçue"
    check_page(browser, axe, "capital page with a refused validation")
    move_request(browser, name, "cancelled", "Annuler")
    assert_no_error(browser, "after cancelling the request")
    assert flash_text(browser) == "Demande : annulée."
    cancelled = [(c, t) for c, t in request_rows(browser, name) if c[4] == "Annulée"]
    assert len(cancelled) == 1 and not request_buttons(cancelled[0][1]), [c for c, _ in cancelled]

    # ---- Asked again with the signed form's consents, and carried through to the register.
    Select(browser.find_element(By.ID, "requestMemberID")).select_by_visible_text(option)
    fill(browser, "requestQuantity", "3")
    tick(browser, "statutes")
    tick(browser, "privacy")
    click_and_wait_for_new_page(browser, "request-submit")
    assert flash_text(browser) == "Demande de souscription enregistrée."
    cells, _ = live_request(browser, name)
    assert cells[1:5] == ["3", "60,00 €", f"donnés ({COORDINATOR_NAME})", "Demande reçue"], cells
    last = max(int(r[0]) for r in register_rows(browser))
    for step, label, flash in (
        ("validated", "Validée", "Demande : validée."),
        ("called", "Appel de fonds envoyé", "Demande : appel de fonds envoyé."),
        ("paid", "Payée, inscrite au registre", "Demande : payée, inscrite au registre."),
    ):
        move_request(browser, name, step, label)
        assert_no_error(browser, f"after moving the request to {step}")
        assert flash_text(browser) == flash
        assert live_request(browser, name)[0][4] == label
    line = [r for r in register_rows(browser) if r[3] == name]
    assert line == [[str(last + 1), today, "Souscription", name, "3 × Part sociale", "60,00 €"]], line

    # ---- Their page, opened from the members list: an associate now.
    follow_link(browser, link_named(browser, "Coopérative d'habitants des Caillols"))
    follow_link(browser, link_named(browser, "Associé·es", 'main nav[aria-label="Espaces de la coopérative"]'))
    member_path = follow_link(browser, link_named(browser, name, "main table"))
    assert re.fullmatch(rf"/coops/{coop_id}/members/{UUID}", member_path, re.IGNORECASE), member_path
    assert h1_text(browser) == option
    facts = facts_of(browser)
    assert facts["Statut"] == "Associé·e", facts
    assert facts["Catégorie"] == "Habitant·es bénéficiaires" and facts["Collège"] == "Habitant·es", facts
    assert facts["Admission"] == today, facts
    assert facts["Parts détenues"] == "3 × Part sociale — 60,00 €", facts
    assert rows_of(browser, 'div[aria-label="Opérations"]') == [[str(last + 1), today, "Souscription", "3", "60,00 €"]]
    assert "3 parts Payée, inscrite au registre" in main_text(browser)
    assert "3 parts Annulée" in main_text(browser)
    check_page(browser, axe, "member page (coordinator)")

    # ---- The certificate.
    assert follow_link(browser, browser.find_element(By.ID, "certificate-link")) == f"{member_path}/certificate"
    assert h1_text(browser) == CERTIFICATE_TITLE
    certificate = text_of(browser, "#certificate")
    assert (
        f"atteste que {name} est inscrit·e au registre des associé·es sous le n° {number}, admis·e le {today}."
        in certificate
    ), certificate
    assert "Catégorie d'associé·es : Habitant·es bénéficiaires ; collège de vote : Habitant·es." in certificate
    assert text_of(browser, "#certificate-total") == f"Soit un capital détenu de 60,00 € à la date du {today}."
    assert f"Opérations au registre : n° {last + 1}." in certificate
    check_page(browser, axe, "certificate (coordinator)")
    follow_link(browser, link_named(browser, "Retour"))
    assert path_of(browser) == member_path

    # ---- Their exit: refused without a reason and before the admission, then recorded.
    set_value(browser, "date", yesterday, "date")
    click_and_wait_for_new_page(browser, "exit-submit")
    assert navigation_status(browser) == 422, navigation_status(browser)
    summary = error_summary(browser)
    assert "Choisissez le motif" in summary, summary
    assert f"La sortie ne précède pas l'admission ({today})." in summary, summary
    assert facts_of(browser)["Statut"] == "Associé·e"
    check_page(browser, axe, "member page with a refused exit")
    set_value(browser, "date", paris_today().isoformat(), "date")
    Select(browser.find_element(By.ID, "reason")).select_by_visible_text("Démission")
    click_and_wait_for_new_page(browser, "exit-submit")
    assert_no_error(browser, "after recording the exit")
    assert flash_text(browser) == "Sortie enregistrée ; ses parts restent au registre jusqu'à leur remboursement."
    facts = facts_of(browser)
    assert facts["Statut"] == "Ancien·ne associé·e", facts
    assert facts["Sortie"] == f"{today} — Démission", facts
    assert facts["Parts détenues"] == "3 × Part sociale — 60,00 €", facts
    assert not browser.find_elements(By.ID, "exit-form"), "the exit can be recorded twice"
    check_page(browser, axe, "member page after the exit")
    follow_link(browser, browser.find_element(By.ID, "certificate-link"))
    assert f"admis·e le {today}, sorti·e le {today}." in text_of(browser, "#certificate")

    # Listed as a former associate; no longer offered a request, still reimbursable.
    browser.get(f"{base_url}/coops/{coop_id}/members")
    assert {r[1]: r for r in rows_of(browser, "main")}[name][5] == "Ancien·ne associé·e"
    browser.get(f"{base_url}/coops/{coop_id}/capital")
    assert option not in [label for _, label in options_of(browser, "requestMemberID")]
    assert f"{option} (sorti·e)" in [label for _, label in options_of(browser, "memberID")]
    logout(browser)


def test_a_member_reads_her_own_page_and_certificate_only(browser, base_url, axe, coop_id):
    today = french_date(paris_today())
    login(browser, base_url, MEMBER_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Associé·es") == f"/coops/{coop_id}/members"
    own_path = follow_link(browser, link_named(browser, MEMBER_NAME, "main table"))
    own = re.fullmatch(r"n° (\d+) — " + re.escape(MEMBER_NAME), h1_text(browser))
    assert own, h1_text(browser)
    facts = facts_of(browser)
    assert facts["Statut"] == "Associé·e" and facts["Collège"] == "Habitant·es", facts
    held = re.fullmatch(r"(\d+) × Part sociale — (.+ €)", facts["Parts détenues"])
    assert held, facts
    assert not browser.find_elements(By.ID, "exit-form"), "a member may not record an exit"
    check_page(browser, axe, "own member page")

    follow_link(browser, browser.find_element(By.ID, "certificate-link"))
    assert path_of(browser) == f"{own_path}/certificate"
    assert h1_text(browser) == CERTIFICATE_TITLE
    certificate = text_of(browser, "#certificate")
    assert (
        f"atteste que {MEMBER_NAME} est inscrit·e au registre des associé·es sous le n° {own.group(1)}, admis·e le "
        in certificate
    ), certificate
    assert text_of(browser, "#certificate-total") == f"Soit un capital détenu de {held.group(2)} à la date du {today}."
    check_page(browser, axe, "own certificate")

    # Another associate's page: read, but no certificate.
    browser.get(f"{base_url}/coops/{coop_id}/members")
    other_path = follow_link(browser, link_named(browser, COOPERANT_NAME, "main table"))
    assert h1_text(browser).endswith(f" — {COOPERANT_NAME}")
    assert not browser.find_elements(By.ID, "certificate-link")
    assert not browser.find_elements(By.ID, "exit-form")
    browser.get(f"{base_url}{other_path}/certificate")
    assert_forbidden(browser, "another associate's certificate (member)")
    logout(browser)


def test_the_cashier_is_refused_a_certificate(browser, base_url, axe, coop_id):
    login(browser, base_url, STAFF_EMAIL)
    browser.get(f"{base_url}/coops/{coop_id}/members")
    member_path = follow_link(browser, link_named(browser, MEMBER_NAME, "main table"))
    assert h1_text(browser).endswith(f" — {MEMBER_NAME}")
    assert not browser.find_elements(By.ID, "certificate-link")
    assert not browser.find_elements(By.ID, "exit-form")
    browser.get(f"{base_url}{member_path}/certificate")
    assert_forbidden(browser, "certificate (cashier)")
    check_page(browser, axe, "403 page (cashier, certificate)")
    logout(browser)
