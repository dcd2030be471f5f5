"""Phone polish and accessibility on the seeded demo, in a 390 px wide phone browser: axe-core
finds no serious or critical violation on the main patient and clinician pages, the patient's
navigation fits on one or two lines, chart tool bars are hidden and every chart has its table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from painpath.demo import DEMO_PASSWORD
from tests.conftest import make_container, seed_demo_copy
from tests.e2e.conftest import serve

pytestmark = pytest.mark.browser

PATIENT_PAGES = [
    "/me",
    "/me/checkin",
    "/me/program",
    "/me/progress",
    "/me/questionnaires",
    "/me/lessons",
    "/me/lessons/hurt-vs-harm",
    "/me/messages",
    "/me/movement",
    "/me/reminders",
]
CLINICIAN_TABS = ["overview", "tab/intake", "tab/examination", "tab/questionnaires",
                  "tab/reasoning", "tab/plan", "tab/progress", "tab/movement"]  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    container = make_container(Path(tmp_path_factory.mktemp("demo")))
    seed_demo_copy(container)
    with container.uow() as uow:
        user = uow.users.by_email("clinician@demo.painpath.local")
        assert user is not None
        people = {p.given_name: p.id for p in uow.patients.search(clinic_id=user.clinic_id)}
    try:
        with serve(container) as url:
            yield url, people
    finally:
        container.engine.dispose()


def _sign_in(page: Any, url: str, email: str) -> None:
    page.goto(f"{url}/signin")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _serious(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_main_patient_pages_have_no_serious_axe_violations(
    demo: tuple[str, dict[str, str]], browser_page: Any
) -> None:
    url, _ = demo
    page = browser_page
    _sign_in(page, url, "maria@demo.painpath.local")
    found = {}
    for path in PATIENT_PAGES:
        page.goto(f"{url}{path}")
        page.wait_for_load_state("load")
        if problems := _serious(page):
            found[path] = problems
    assert found == {}
    # The same check on a page with an image lacking its text alternative does complain.
    page.set_content('<html lang="en"><title>t</title><main><img src="/x.png"></main></html>')
    assert any(p.startswith("image-alt") for p in _serious(page))


def test_main_clinician_pages_have_no_serious_axe_violations(
    demo: tuple[str, dict[str, str]], browser_page: Any
) -> None:
    url, people = demo
    page = browser_page
    _sign_in(page, url, "clinician@demo.painpath.local")
    paths = ["/caseload", "/messages", "/patients/new"]
    paths += [f"/patients/{people['Maria']}/{tab}" for tab in CLINICIAN_TABS]
    paths.append(f"/patients/{people['James']}/tab/movement")
    found = {}
    for path in paths:
        page.goto(f"{url}{path}")
        page.wait_for_load_state("load")
        if problems := _serious(page):
            found[path] = problems
    assert found == {}


def test_patient_navigation_fits_two_lines_and_charts_work_on_a_phone(
    demo: tuple[str, dict[str, str]], browser_page: Any
) -> None:
    url, _ = demo
    page = browser_page
    _sign_in(page, url, "maria@demo.painpath.local")
    page.goto(f"{url}/me/progress")
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    assert links.count() >= 8
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    tops = {round(b["y"]) for b in boxes}
    assert len(tops) <= 2, f"the navigation takes {len(tops)} lines at 390 px"
    signout = page.get_by_test_id("signout").bounding_box()
    assert signout["x"] + signout["width"] <= 390 and signout["y"] + signout["height"] <= min(tops)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    page.wait_for_selector(".chart .main-svg")  # plotly has drawn the charts
    charts = page.locator("[data-plot]")
    assert charts.count() >= 2
    assert page.locator(".modebar").count() == 0, "chart tool bars are hidden on phones"
    assert page.locator("[data-testid=chart-table]").count() == charts.count()
    assert page.locator("[data-testid=chart-summary]").first.inner_text().strip()


def test_caseload_on_a_phone_shows_every_column_of_each_patient_without_sideways_scrolling(
    demo: tuple[str, dict[str, str]], browser_page: Any
) -> None:
    """At 390 px each patient is a card: the name, then a labelled line per column, all inside
    the screen (a 40rem table scrolled sideways and hid everything after the last check-in)."""
    url, _ = demo
    page = browser_page
    _sign_in(page, url, "clinician@demo.painpath.local")
    page.goto(f"{url}/caseload")
    rows = page.locator("table.caseload tbody tr")
    assert rows.count() >= 5
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        for j in range(cells.count()):
            box = cells.nth(j).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    review = rows.first.get_by_test_id("next-review")
    label = review.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Next review"'
    region = page.get_by_role("region", name="Patients")
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")
    page.get_by_test_id("sort-name").click()  # the header stays a row of working sort links
    assert "sort=name" in page.url


def test_no_chart_tab_scrolls_sideways_on_a_phone(
    demo: tuple[str, dict[str, str]], browser_page: Any
) -> None:
    """Every tab of Maria's chart fits 390 px: wide tables scroll inside their own box (and are
    focusable, so axe finds no unreachable scrolling region), long e-mail addresses wrap and
    long exercise names do not widen the plan's selects (overview, movement, plan, progress and
    questionnaires were 417-603 px wide)."""
    url, _ = demo
    page = browser_page
    _sign_in(page, url, "clinician@demo.painpath.local")
    page.goto(f"{url}/caseload")
    chart = page.get_by_role("link", name="Lopez, Maria").get_attribute("href")
    tabs = sorted(set(re.findall(r"/tab/([a-z_-]+)", page.goto(f"{url}{chart}").text())))
    assert {"movement", "plan", "progress", "questionnaires"} <= set(tabs)
    wide = {}
    for path in [chart, *(f"{chart}/tab/{t}" for t in tabs)]:
        page.goto(f"{url}{path}")
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}
    page.goto(f"{url}{chart}/tab/questionnaires")
    scrolling = page.locator("table.table[tabindex='0']")
    assert scrolling.count() >= 1  # the due list is wider than the phone, and focusable
    assert _serious(page) == []
