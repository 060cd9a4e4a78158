"""The proof crawler: every page each demo role reaches, on a phone and on a desktop.

For each demo role, a crawl from "/" over the same-origin links (crawl.py says what is
followed and what is not; at most 2 pages per shape and 120 pages per role) checks every
page at 1366×900 and at 390×844, and fails, once at the end and with every finding grouped
by kind, when:

- a page scrolls sideways: `document.documentElement.scrollWidth` is wider than the layout
  viewport (`clientWidth`; the issue's `innerWidth`, less the desktop's scroll bar, and which
  does not grow when the emulated phone zooms a too-wide page out) by more than 1 px;
- a word inside `td, th, button, .button, .badge, .status, .tag` is split across lines (a
  Range over the word has client rectangles on two lines; a line may still end after a
  hyphen, and no-break spaces belong to the word);
- axe-core reports a violation of the conftest's WCAG 2.0/2.1 A and AA rules, no rule left
  out; at 1366×900 only, to save time (a violation that only a phone's layout or styles
  bring, a contrast under a media query say, would go unseen: the sideways and split-word
  checks cover what the narrow layout usually breaks);
- a form refused for bad input (a POST form with a visible required text-like field, its
  text-like fields emptied and the browser's validation removed; at 390×844, one form per
  page shape, 40 in all) does not answer with `.error-summary` in view (top within the
  viewport) and holding the focus;
- a link leads to an error page (4xx/5xx) or back to the login page.

The crawl owns its server (SQLite, seeded with the demo), so its refused forms touch no
other test's data; two browsers crawl side by side (E2E_CRAWL_WORKERS), the conftest's and
one more. Every page's screenshot at both sizes (<role>_<size>_<path>_<hash>.png), the
pages visited (crawl-pages.json), the problems (crawl-problems.json) and the report with
what was covered (crawl-report.txt) go to $MAILLAGE_E2E_ARTIFACTS/crawl (scripts/check keeps
.build/e2e-artifacts as CI's artefacts), else e2e-artefacts/crawl/ under the repository.
"""

from __future__ import annotations

import base64
import os
import pathlib
import re
import time

import pytest

from conftest import CHROMEDRIVER, CHROMIUM, Axe
from crawl import (AXE, DESKTOP, FORMS_PER_SHAPE, MAX_FORMS, MAX_PAGES_PER_ROLE, PHONE, ROLES, SIDEWAYS,
                   SPLIT, Crawler, Outcome, coverage, crawl_all, extra_driver, report, write_manifest)
from servers import ROOT, demo_server, make_workdir

ARTEFACTS = (pathlib.Path(os.environ["MAILLAGE_E2E_ARTIFACTS"]) / "crawl" if os.environ.get("MAILLAGE_E2E_ARTIFACTS")
             else ROOT / "e2e-artefacts" / "crawl")
# The crawl's bounds, to widen by hand (for instance every form of every page:
# E2E_CRAWL_MAX_FORMS=500 E2E_CRAWL_FORMS_PER_SHAPE=20).
MAX_PAGES = int(os.environ.get("E2E_CRAWL_MAX_PAGES") or MAX_PAGES_PER_ROLE)
MAX_REFUSED = int(os.environ.get("E2E_CRAWL_MAX_FORMS") or MAX_FORMS)
REFUSED_PER_SHAPE = int(os.environ.get("E2E_CRAWL_FORMS_PER_SHAPE") or FORMS_PER_SHAPE)
# Browsers crawling side by side, each a role at a time: the server and the browsers keep the
# two cores of a small CI machine busy with two.
WORKERS = max(1, int(os.environ.get("E2E_CRAWL_WORKERS") or 2))


@pytest.fixture(scope="module")
def crawl_server():
    with make_workdir("maillage-e2e-crawl-") as workdir:
        with demo_server("sqlite", workdir, name="crawl") as instance:
            yield instance


@pytest.fixture(scope="module")
def artefacts() -> pathlib.Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    # Only what an earlier crawl left there (the directory may hold other things).
    for old in [*ARTEFACTS.glob("*.png"), *ARTEFACTS.glob("crawl-*.json"), *ARTEFACTS.glob("crawl-report.txt")]:
        old.unlink()
    return ARTEFACTS


# Three faults planted in a real page: a block wider than a phone, a long word squeezed in
# a narrow table cell, an image without a text alternative.
PLANT_JS = r"""
const main = document.querySelector('main');
const wide = document.createElement('div');
wide.id = 'crawl-canary-wide'; wide.style.width = '600px'; wide.textContent = 'x';
const table = document.createElement('table');
table.innerHTML = '<tbody><tr><td id="crawl-canary-cell">Anticonstitutionnellement</td><td>b</td></tr></tbody>';
// Through the CSSOM: the app's content security policy refuses inline style attributes.
table.style.width = '60px';
const cell = table.querySelector('td');
cell.style.width = '40px'; cell.style.maxWidth = '40px'; cell.style.overflowWrap = 'anywhere';
const img = document.createElement('img');
img.src = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
main.append(wide, table, img);
"""


def test_the_checks_see_planted_faults(driver, axe, crawl_server, tmp_path):
    """The crawl's checks are alive: each reports a fault planted in a page on purpose."""
    crawler = Crawler(driver, crawl_server.base, axe, tmp_path)
    try:
        crawler.login("coordination@maillage.example")
        crawler.set_size(PHONE)
        crawler.open(crawl_server.base + "/profile")
        driver.execute_script(PLANT_JS)
        crawler.check_layout("coordination", "/profile", PHONE)
        crawler.set_size(DESKTOP)
        crawler.check_axe("coordination", "/profile", DESKTOP)
    finally:
        crawler.reset_browser()
    found: dict[tuple[str, str], str] = {}
    for p in crawler.outcome.problems:
        found[(p.kind, p.size)] = f"{found.get((p.kind, p.size), '')} | {p.item} {p.detail}"
    assert "crawl-canary-wide" in found.get((SIDEWAYS, PHONE), ""), report(crawler.outcome)
    assert "Anticonstitutionnellement" in found.get((SPLIT, PHONE), ""), report(crawler.outcome)
    assert "image-alt" in found.get((AXE, DESKTOP), ""), report(crawler.outcome)


# The README's three screenshots, taken here on the crawl's fresh demo: a coordinator's home,
# a person's file, a resident's "Mon parcours" on a phone. They go to the artefacts' readme/;
# with MAILLAGE_README_SCREENSHOTS=1 they replace docs/screenshots/ (then commit them).
README_SHOTS = [
    ("accueil-coordination", "coordination@maillage.example", "home", DESKTOP),
    ("dossier-personne", "coordination@maillage.example", "file", DESKTOP),
    ("mon-parcours-telephone", "cooperant@maillage.example", "own", PHONE),
]


def test_the_readme_screenshots(driver, axe, crawl_server, artefacts):
    out = artefacts.parent / "readme" if os.environ.get("MAILLAGE_E2E_ARTIFACTS") else artefacts / "readme"
    out.mkdir(parents=True, exist_ok=True)
    docs = ROOT / "docs" / "screenshots"
    update = os.environ.get("MAILLAGE_README_SCREENSHOTS") == "1"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    crawler = Crawler(driver, crawl_server.base, axe, artefacts)
    try:
        for name, email, page, size in README_SHOTS:
            http = crawler.login(email)
            coops = http.get(crawl_server.base + "/coops", timeout=10).text
            coop = re.search(r'href="(/coops/[0-9a-f-]{36})">Coopérative d\'habitants des Caillols<', coops)
            assert coop, "the demo's Caillols cooperative is not listed"
            if page == "home":
                path = "/"
            elif page == "own":
                path = coop.group(1) + "/me/pathway"
            else:
                listing = http.get(crawl_server.base + coop.group(1) + "/pathways?q=fatou", timeout=10).text
                found = re.search(r'href="(' + coop.group(1) + r'/pathways/[0-9a-f-]{36})">Fatou Diallo<', listing)
                assert found, "Fatou Diallo's file is not in the pathways list"
                path = found.group(1)
            crawler.set_size(size)
            crawler.open(crawl_server.base + path)
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
            png = base64.b64decode(shot["data"])
            (out / f"{name}.png").write_bytes(png)
            if update:
                docs.mkdir(parents=True, exist_ok=True)
                (docs / f"{name}.png").write_bytes(png)
            # The README shows each one, and the file it shows is there.
            assert f"docs/screenshots/{name}.png" in readme, f"README.md does not show {name}.png"
            assert (docs / f"{name}.png").is_file(), f"docs/screenshots/{name}.png is missing (MAILLAGE_README_SCREENSHOTS=1)"
    finally:
        crawler.reset_browser()


def test_every_page_of_every_demo_role(driver, axe, axe_source, crawl_server, artefacts):
    outcome = Outcome()
    started = time.monotonic()
    drivers = [driver]
    try:
        drivers += [extra_driver(CHROMIUM, CHROMEDRIVER) for _ in range(WORKERS - 1)]
        crawlers = [Crawler(d, crawl_server.base, axe if d is driver else Axe(d, axe_source), artefacts, outcome,
                            max_pages=MAX_PAGES, max_forms=MAX_REFUSED, forms_per_shape=REFUSED_PER_SHAPE, log=print)
                    for d in drivers]
        crawl_all(crawlers, ROLES)
    finally:
        Crawler(driver, crawl_server.base, axe, artefacts).reset_browser()
        for extra in drivers[1:]:
            extra.quit()
        write_manifest(outcome, artefacts)
    seconds = time.monotonic() - started

    print(f"crawl: {len(outcome.visits)} pages, {len(outcome.forms_tested)} refused forms, "
          f"{len(outcome.problems)} problems in {seconds:.0f} s with {WORKERS} browser(s); artefacts in {artefacts}")
    print(coverage(outcome))
    # The crawl must have seen the demo: every role reaches at least its home and profile.
    for role, _ in ROLES:
        assert sum(v.role == role for v in outcome.visits) >= 2, f"{role}: the crawl reached almost nothing"
    assert outcome.forms_tested, "no form was submitted: the refused-form check did not run"

    if outcome.problems:
        pytest.fail(f"{report(outcome)}\n\n(screenshots and crawl-report.txt in {artefacts})", pytrace=False)
