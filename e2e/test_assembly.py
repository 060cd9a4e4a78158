"""Governance, general assemblies: the coordination plans an ordinary assembly, convenes it,
sets its bureau, takes attendance and proxies (a refused proxy included), puts two resolutions
to the vote and types the room's votes; a sociétaire votes from her phone; the coordination
reads the verdicts, locks the minutes and reads them (axe on every page).

Also: the demo's past assembly, whose locked minutes a sociétaire reads, and the funder, who
is refused the assemblies.

Demo data (DemoGovernance.swift): the Caillols SCIC with three colleges and forty-odd
associates, Jeanne Roux (societaire@maillage.example) among them; statutes with a quorum of
1/5 on first convocation and two proxies at most per holder; last spring's ordinary assembly,
its minutes locked. Every run creates its own assembly, its texts tagged with a random suffix.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_admin_flows import FRENCH_FORBIDDEN, assert_french, fill, login, text_of, wait_for_path_matching
from test_foundation import h1_text, html_lang, path_of
from test_pathway_file import (
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
    suffix,
)
from test_pathways_journey import FUNDER_EMAIL, error_summary, facts_of, main_text

MEMBER_EMAIL = "societaire@maillage.example"
MEMBER_NAME = "Jeanne Roux"
OPTION_LABEL = re.compile(r"n° (\d+) — (.+)")
DESKTOP_SIZE = (1280, 1000)
PHONE_SIZE = (360, 740)


# --------------------------------------------------------------------------- helpers


def options_of(browser, select_id: str) -> list[tuple[str, str]]:
    """(value, text) of a select's options, its empty placeholder left out."""
    select = Select(browser.find_element(By.ID, select_id))
    return [
        (o.get_attribute("value"), " ".join(o.text.split()))
        for o in select.options
        if o.get_attribute("value")
    ]


def members_on_offer(browser) -> list[dict]:
    """The associates the attendance form offers: id, number, name and label."""
    members = []
    for value, label in options_of(browser, "memberID"):
        match = OPTION_LABEL.fullmatch(label)
        assert match, f"unexpected member option {label!r}"
        members.append({"id": value, "number": int(match.group(1)), "name": match.group(2), "label": label})
    return members


def record_attendance(browser, member: dict, mode: str, holder: dict | None = None) -> None:
    """Fills and sends the attendance form (mode: the option's French label)."""
    Select(browser.find_element(By.ID, "memberID")).select_by_value(member["id"])
    Select(browser.find_element(By.ID, "mode")).select_by_visible_text(mode)
    holder_select = Select(browser.find_element(By.ID, "proxyHolderID"))
    if holder is None:
        holder_select.select_by_value("")
    else:
        holder_select.select_by_value(holder["id"])
    click_and_wait_for_new_page(browser, "attendance-submit")


def quorum_text(browser) -> str:
    return " ".join(browser.find_element(By.ID, "quorum").text.split())


def expected_quorum(taking_part: int, with_vote: int, needed: int) -> str:
    reached = "atteint." if taking_part >= needed else "non atteint."
    return f"{taking_part} sur {with_vote} associé·es ayant voix prennent part ; quorum (1/5) : {needed} — {reached}"


def attendance_rows(browser) -> dict[str, list[str]]:
    return {row[0]: row for row in rows_of(browser, 'div[aria-label="Présences"]')}


def verdict(browser, number: int) -> str:
    return " ".join(browser.find_element(By.ID, f"verdict-{number}").text.split())


def resolution_card(browser, number: int):
    """The article of resolution n° `number` on the assembly page."""
    cards = [
        card
        for card in browser.find_elements(By.CSS_SELECTOR, "#resolutions article.card")
        if " ".join(card.find_element(By.TAG_NAME, "h3").text.split()).startswith(f"n° {number} — ")
    ]
    assert len(cards) == 1, f"expected one card for resolution n° {number}, found {len(cards)}"
    return cards[0]


def result_of(browser, number: int) -> str:
    return " ".join(resolution_card(browser, number).find_element(By.CSS_SELECTOR, "p.result").text.split())


def vote_labels(browser, number: int) -> list[str]:
    """The labels of the vote forms of resolution n° `number` on the vote page."""
    return [
        " ".join(p.text.split())
        for p in browser.find_elements(By.CSS_SELECTOR, f"#vote-{number} form.vote-buttons > p")
    ]


def assert_fits_the_width(browser, label: str) -> None:
    """Nothing sticks out sideways: no horizontal scrolling on a phone."""
    scroll, inner = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];"
    )
    assert scroll <= inner, f"{label}: the page is {scroll}px wide in a {inner}px window"


# --------------------------------------------------------------------------- tests


def test_coordination_runs_an_assembly_and_a_member_votes_from_her_phone(browser, base_url, axe, coop_id):
    tag = suffix()
    today = paris_today()
    day = today + timedelta(days=21)
    title = f"Assemblée générale ordinaire du {french_date(day)}"
    place = f"Maison de quartier des Caillols, salle {tag}"
    chair = f"Mireille Ouali {tag}"
    first_title = f"Achat d'un triporteur {tag}"
    second_title = f"Adhésion au réseau des épiceries solidaires {tag}"

    # ---- The coordination plans the assembly.
    login(browser, base_url, COORDINATOR_EMAIL)
    list_path = f"/coops/{coop_id}/assemblies"
    assert open_coop_area(browser, base_url, coop_id, "Assemblées générales") == list_path
    assert h1_text(browser) == "Assemblées générales"
    axe.assert_no_violations("assemblies list (coordinator)")
    assert Select(browser.find_element(By.ID, "kind")).first_selected_option.text == "Assemblée générale ordinaire"
    assert Select(browser.find_element(By.ID, "convocation")).first_selected_option.text == "Première convocation"
    set_value(browser, "date", day.isoformat(), "date")
    set_value(browser, "time", "18:30", "time")
    fill(browser, "place", place)
    fill(browser, "agenda", f"Rapport moral\nAchat d'un triporteur\nQuestions diverses {tag}")
    click_and_wait_for_new_page(browser, "assembly-submit")
    assert_no_error(browser, "after creating the assembly")
    match = wait_for_path_matching(browser, rf"{list_path}/([0-9A-Fa-f-]{{36}})")
    assembly_path = match.group(0)
    assert flash_text(browser) == "Assemblée créée."
    assert h1_text(browser) == title
    facts = facts_of(browser)
    assert facts["Convocation"] == "Première convocation", facts
    assert facts["Date"] == f"{french_date(day)} à 18 h 30", facts
    assert facts["Lieu"] == place, facts
    assert facts["Convocation envoyée"] == "pas encore", facts
    agenda = [" ".join(li.text.split()) for li in browser.find_elements(By.CSS_SELECTOR, "main h2 + ol li")]
    assert agenda == ["Rapport moral", "Achat d'un triporteur", f"Questions diverses {tag}"], agenda

    # ---- The convocation: the letter to print, then sent three weeks ahead.
    follow_link(browser, link_named(browser, "Lettre de convocation à imprimer"))
    assert path_of(browser) == f"{assembly_path}/convocation"
    assert h1_text(browser) == (
        f"Convocation : assemblée générale ordinaire de la Coopérative d'habitants des Caillols le {french_date(day)}"
    )
    letter = main_text(browser)
    assert f"le {french_date(day)} à 18 h 30, {place}." in letter, letter[:600]
    assert "donne pouvoir à" in letter, letter[-400:]
    axe.assert_no_violations("convocation letter")
    follow_link(browser, link_named(browser, "Retour à l'assemblée"))
    click_and_wait_for_new_page(browser, "convocation-submit")
    assert_no_error(browser, "after sending the convocation")
    flash = flash_text(browser)
    sent = re.fullmatch(
        r"Convocation enregistrée ; (\d+) courriel\(s\) en partance\. Imprimez la lettre pour les autres\.", flash
    )
    # Jeanne Roux and Fatou Diallo at least have an account.
    assert sent and int(sent.group(1)) >= 2, flash
    assert facts_of(browser)["Convocation envoyée"] == french_date(today)
    assert not browser.find_elements(By.ID, "convocation-submit"), "the assembly can be convened twice"

    # ---- The bureau.
    fill(browser, "chair", chair)
    fill(browser, "secretary", COORDINATOR_NAME)
    fill(browser, "tellers", "Paul Ferrand, Karima Diop")
    click_and_wait_for_new_page(browser, "bureau-submit")
    assert_no_error(browser, "after setting the bureau")
    assert flash_text(browser) == "Bureau enregistré."
    facts = facts_of(browser)
    assert facts["Présidence"] == chair, facts
    assert facts["Secrétariat"] == COORDINATOR_NAME, facts
    assert facts["Scrutateurs"] == "Paul Ferrand, Karima Diop", facts

    # ---- Attendance: enough associates present for the quorum (1/5 of those with a vote).
    members = members_on_offer(browser)
    with_vote = len(members)
    needed = math.ceil(with_vote / 5)
    assert with_vote >= 40 and needed >= 3, (with_vote, needed)
    assert quorum_text(browser) == expected_quorum(0, with_vote, needed)
    counts: dict[str, int] = {}
    for m in members:
        counts[m["name"]] = counts.get(m["name"], 0) + 1
    jeanne = next(m for m in members if m["name"] == MEMBER_NAME)
    assert counts[MEMBER_NAME] == 1, f"{MEMBER_NAME} is offered {counts[MEMBER_NAME]} times"
    # Other associates with a name of their own (the demo draws names at random): people named
    # "First Last", not the organisations nor the associates other tests add.
    others = [
        m for m in members
        if counts[m["name"]] == 1 and m["name"] != MEMBER_NAME and len(m["name"].split()) == 2
    ]
    present = [jeanne] + others[: needed - 2]
    stays_away, represented = others[needed - 2], others[needed - 1]

    for count, member in enumerate(present, start=1):
        record_attendance(browser, member, "Présent·e")
        assert_no_error(browser, f"after recording {member['label']} present")
        assert flash_text(browser) == "Présence enregistrée."
        assert quorum_text(browser) == expected_quorum(count, with_vote, needed)
    rows = attendance_rows(browser)
    assert rows[jeanne["label"]] == [jeanne["label"], "Présent·e", ""], rows
    assert "non atteint" in quorum_text(browser)
    # Present members, and only they, may carry a proxy.
    holders = [label for _, label in options_of(browser, "proxyHolderID")]
    assert holders == sorted((m["label"] for m in present), key=lambda l: int(OPTION_LABEL.fullmatch(l).group(1))), holders

    # One more present: the quorum is reached.
    record_attendance(browser, stays_away, "Présent·e")
    assert flash_text(browser) == "Présence enregistrée."
    assert quorum_text(browser) == expected_quorum(needed, with_vote, needed)
    assert "status ok" in browser.find_element(By.ID, "quorum").get_attribute("class")

    # A refused proxy: while this page still offers them as a holder, a second secretary's
    # tab records that they follow the assembly remotely; a proxy they would carry is refused.
    assert stays_away["label"] in [label for _, label in options_of(browser, "proxyHolderID")]
    first_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    try:
        browser.get(f"{base_url}{assembly_path}")
        assert h1_text(browser) == title
        record_attendance(browser, stays_away, "À distance")
        assert flash_text(browser) == "Présence enregistrée."
        assert attendance_rows(browser)[stays_away["label"]][1] == "À distance"
    finally:
        browser.close()
        browser.switch_to.window(first_tab)
    record_attendance(browser, represented, "Représenté·e", holder=stays_away)
    assert navigation_status(browser) == 422, navigation_status(browser)
    summary = error_summary(browser)
    assert "Le mandataire doit être présent dans la salle pour porter un pouvoir." in summary, summary
    assert "présent" in summary
    axe.assert_no_violations("assembly page with a refused proxy")
    assert stays_away["label"] not in [label for _, label in options_of(browser, "proxyHolderID")]
    assert represented["label"] not in attendance_rows(browser)

    # Jeanne Roux, present, carries the proxy.
    record_attendance(browser, represented, "Représenté·e", holder=jeanne)
    assert_no_error(browser, "after recording a proxy")
    assert flash_text(browser) == "Présence enregistrée."
    taking_part = needed + 1
    assert quorum_text(browser) == expected_quorum(taking_part, with_vote, needed)
    rows = attendance_rows(browser)
    assert rows[represented["label"]] == [represented["label"], "Représenté·e", jeanne["label"]], rows
    assert rows[stays_away["label"]] == [stays_away["label"], "À distance", ""], rows
    assert len(rows) == taking_part, rows

    # ---- Two resolutions (a majority the statutes cannot take is refused first).
    fill(browser, "title", first_title)
    fill(browser, "text", "L'assemblée générale décide l'achat d'un triporteur électrique\npour les livraisons du quartier.")
    click_and_wait_for_new_page(browser, "resolution-submit")
    assert_no_error(browser, "after adding resolution 1")
    assert flash_text(browser) == "Résolution n° 1 ajoutée."
    fill(browser, "title", second_title)
    fill(browser, "text", "L'assemblée générale décide d'adhérer au réseau régional des épiceries solidaires.")
    fill(browser, "majority", "1/3")
    click_and_wait_for_new_page(browser, "resolution-submit")
    assert "une fraction d'au moins la moitié" in error_summary(browser)
    fill(browser, "title", second_title)
    fill(browser, "text", "L'assemblée générale décide d'adhérer au réseau régional des épiceries solidaires.")
    fill(browser, "majority", "")
    click_and_wait_for_new_page(browser, "resolution-submit")
    assert_no_error(browser, "after adding resolution 2")
    assert flash_text(browser) == "Résolution n° 2 ajoutée."
    titles = [" ".join(h.text.split()) for h in browser.find_elements(By.CSS_SELECTOR, "#resolutions article.card h3")]
    assert titles == [f"n° 1 — {first_title}", f"n° 2 — {second_title}"], titles
    assert "Majorité : plus de 1/2 des voix exprimées — vote ouvert" in main_text(browser)

    # ---- The room's votes on resolution 1: everyone against, the represented member abstains.
    selects = browser.find_elements(By.CSS_SELECTOR, "#room-votes-1 select")
    assert len(selects) == taking_part, f"{len(selects)} selects for {taking_part} taking part"
    abstaining = f"vote-1-{represented['id']}".lower()
    for select in selects:
        choice = "Abstention" if (select.get_attribute("name") or "").lower() == abstaining else "Contre"
        Select(select).select_by_visible_text(choice)
    axe.assert_no_violations("assembly page with two open resolutions")
    click_and_wait_for_new_page(browser, "room-votes-submit-1")
    assert_no_error(browser, "after the room's votes")
    assert flash_text(browser) == f"{taking_part} vote(s) enregistré(s) sur la résolution n° 1."
    assert result_of(browser, 1).startswith(f"Pour 0, contre {taking_part - 1}, abstention 1"), result_of(browser, 1)
    assert verdict(browser, 1) == "Rejetée"
    logout(browser)

    # ---- Jeanne Roux votes on resolution 2 from her phone, for herself.
    browser.set_window_size(*PHONE_SIZE)
    try:
        login(browser, base_url, MEMBER_EMAIL)
        browser.get(f"{base_url}{assembly_path}/vote")
        assert h1_text(browser) == f"Voter — {title}"
        assert html_lang(browser) == "fr"
        assert_fits_the_width(browser, "vote page")
        # Her vote typed by the secretary, and the proxy she carries.
        assert vote_labels(browser, 1) == ["Mon vote — actuellement : contre", f"Pour {represented['name']} (pouvoir) — actuellement : abstention"]
        assert vote_labels(browser, 2) == ["Mon vote", f"Pour {represented['name']} (pouvoir)"]
        axe.assert_no_violations("vote page on a phone")
        click_and_wait_for_new_page(browser, f"vote-2-{jeanne['number']}-for")
        assert_no_error(browser, "after voting")
        assert flash_text(browser) == (
            "Vote enregistré : pour sur la résolution n° 2. Vous pouvez le changer tant que le vote est ouvert."
        )
        assert vote_labels(browser, 2) == ["Mon vote — actuellement : pour", f"Pour {represented['name']} (pouvoir)"]
        assert_fits_the_width(browser, "vote page after a vote")
        axe.assert_no_violations("vote page on a phone, after a vote")
        # A member reads the assembly but does not run it.
        follow_link(browser, link_named(browser, "Coopérative d'habitants des Caillols"))
        assert h1_text(browser) == title
        for form in ("attendance-form", "resolution-form", "bureau-form", "room-votes-1", "lock-submit"):
            assert not browser.find_elements(By.ID, form), f"{form} shown to a member"
        logout(browser)
    finally:
        browser.set_window_size(*DESKTOP_SIZE)

    # ---- The coordination reads the verdicts, closes the votes and locks the minutes.
    login(browser, base_url, COORDINATOR_EMAIL)
    browser.get(f"{base_url}{assembly_path}")
    assert h1_text(browser) == title
    assert verdict(browser, 1) == "Rejetée"
    assert verdict(browser, 2) == "Adoptée"
    assert result_of(browser, 2) == "Pour 1, contre 0, abstention 0 ; pondéré : 100,00 % pour", result_of(browser, 2)
    click_and_wait_for_new_page(browser, "close-2")
    assert_no_error(browser, "after closing a vote")
    assert flash_text(browser) == "Vote clos sur la résolution n° 2."
    assert "— vote clos" in " ".join(resolution_card(browser, 2).text.split())
    assert not browser.find_elements(By.ID, "room-votes-2") and not browser.find_elements(By.ID, "close-2")
    assert browser.find_elements(By.ID, "room-votes-1"), "resolution 1's vote should still be open"
    axe.assert_no_violations("assembly page")

    click_and_wait_for_new_page(browser, "lock-submit")
    assert_no_error(browser, "after locking the minutes")
    assert flash_text(browser) == "Procès-verbal verrouillé : l'assemblée ne change plus."
    assert text_of(browser, "#locked") == "Procès-verbal verrouillé : l'assemblée ne change plus."
    for form in ("attendance-form", "resolution-form", "bureau-form", "room-votes-1", "close-1", "lock-submit"):
        assert not browser.find_elements(By.ID, form), f"{form} still shown once the minutes are locked"
    assert verdict(browser, 1) == "Rejetée" and verdict(browser, 2) == "Adoptée"
    axe.assert_no_violations("locked assembly page")

    minutes_path = follow_link(browser, browser.find_element(By.ID, "minutes-link"))
    assert minutes_path == f"{assembly_path}/minutes"
    assert h1_text(browser) == f"Procès-verbal de l'assemblée générale ordinaire du {french_date(day)}"
    assert not browser.find_elements(By.ID, "minutes-draft"), "the locked minutes are still a draft"
    minutes = main_text(browser)
    for expected in (
        f"le {french_date(day)} à 18 h 30, {place}, sur première convocation, adressée le {french_date(today)}.",
        f"Présidence de séance : {chair}",
        f"Secrétariat : {COORDINATOR_NAME}",
        "Scrutateurs : Paul Ferrand, Karima Diop",
        "Présences et quorum",
        f"Sur {with_vote} associé·es ayant voix, {taking_part} ont pris part : "
        f"{len(present)} présent·es, 1 à distance, 0 par correspondance, 1 représenté·es.",
        f"Le quorum requis est de 1/5 des associé·es ayant voix, soit {needed} ; il est atteint.",
        f"n° {represented['number']} {represented['name']}, par n° {jeanne['number']} {MEMBER_NAME}",
        f"Résolution n° 1 — {first_title}",
        f"Résolution n° 2 — {second_title}",
        "Adoptée.",
        "Rejetée.",
        f"Procès-verbal établi par Maillage à partir des données de l'assemblée, verrouillé le {french_date(today)}.",
        f"La présidence de séance : {chair}",
    ):
        assert expected in minutes, f"{expected!r} missing from the minutes: {minutes[:1500]}"
    assert " ".join(browser.find_element(By.ID, "minutes-resolution-1").text.split()).endswith("Rejetée.")
    assert " ".join(browser.find_element(By.ID, "minutes-resolution-2").text.split()).endswith("Adoptée.")
    axe.assert_no_violations("minutes")

    # The list shows the assembly convened and its minutes locked.
    follow_link(browser, link_named(browser, "Retour à l'assemblée"))
    follow_link(browser, link_named(browser, "Assemblées générales"))
    assert path_of(browser) == list_path
    expected_row = [french_date(day), "Assemblée générale ordinaire — première convocation",
                    f"envoyée le {french_date(today)}", "verrouillé"]
    assert expected_row in rows_of(browser, "main"), rows_of(browser, "main")
    axe.assert_no_violations("assemblies list with a locked assembly")
    logout(browser)


def test_a_member_reads_the_minutes_of_last_springs_assembly(browser, base_url, axe, coop_id):
    login(browser, base_url, MEMBER_EMAIL)
    assert open_coop_area(browser, base_url, coop_id, "Assemblées générales") == f"/coops/{coop_id}/assemblies"
    assert h1_text(browser) == "Assemblées générales"
    assert not browser.find_elements(By.ID, "assembly-form"), "a member may not plan an assembly"
    axe.assert_no_violations("assemblies list (member)")
    # The demo's assembly: the one held in the past (the list's last row), its minutes locked.
    past = []
    for tr in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
        cells = [" ".join(td.text.split()) for td in tr.find_elements(By.TAG_NAME, "td")]
        if datetime.strptime(cells[0], "%d/%m/%Y").date() < paris_today():
            past.append((tr, cells))
    assert len(past) == 1, [cells for _, cells in past]
    row, cells = past[0]
    assert cells[1] == "Assemblée générale ordinaire — première convocation" and cells[3] == "verrouillé", cells
    assert cells[2].startswith("envoyée le "), cells
    path = follow_link(browser, row.find_element(By.LINK_TEXT, "verrouillé"))
    assert re.fullmatch(rf"/coops/{coop_id}/assemblies/[0-9A-Fa-f-]{{36}}/minutes", path), path
    assert h1_text(browser) == f"Procès-verbal de l'assemblée générale ordinaire du {cells[0]}"
    assert not browser.find_elements(By.ID, "minutes-draft")
    minutes = main_text(browser)
    for expected in (
        "Présidence de séance : Mireille Ouali",
        "Présences et quorum",
        "Résolution n° 1 — Approbation des comptes",
        "Résolution n° 2 — Affectation du résultat",
        "Adoptée.",
    ):
        assert expected in minutes, f"{expected!r} missing from the minutes: {minutes[:1500]}"
    axe.assert_no_violations("past minutes (member)")
    # The assembly itself, read only, with no vote open.
    follow_link(browser, link_named(browser, "Retour à l'assemblée"))
    assert browser.find_elements(By.ID, "locked")
    assert not browser.find_elements(By.ID, "lock-submit") and not browser.find_elements(By.ID, "attendance-form")
    axe.assert_no_violations("past assembly (member)")
    browser.get(f"{base_url}{path.removesuffix('/minutes')}/vote")
    assert "Aucun vote ouvert pour vous en ce moment." in main_text(browser)
    logout(browser)


def test_the_funder_is_refused_the_assemblies(browser, base_url, axe, coop_id):
    login(browser, base_url, FUNDER_EMAIL)
    browser.get(f"{base_url}/coops/{coop_id}/assemblies")
    assert navigation_status(browser) == 403, navigation_status(browser)
    assert html_lang(browser) == "fr"
    heading = h1_text(browser)
    assert FRENCH_FORBIDDEN.search(heading), heading
    assert_french(text_of(browser, 'main [role="alert"]'), "the 403 message")
    assert not browser.find_elements(By.CSS_SELECTOR, "main table")
    assert not browser.find_elements(By.ID, "assembly-form")
    axe.assert_no_violations("403 page (funder, assemblies)")
    logout(browser)
