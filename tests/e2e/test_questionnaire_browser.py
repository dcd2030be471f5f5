"""A patient fills in a questionnaire on a phone in a real browser; a clinician sees the chart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from painpath.services.questionnaires import assign_instruments, submit_response
from tests.e2e.conftest import LiveServer, sign_in
from tests.wording_support import install_test_packs

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded(live_server: LiveServer) -> LiveServer:
    world = live_server.world
    today = live_server.container.clock.today()
    # The clinic's wording packs (test text): without them these forms are on paper only.
    install_test_packs(live_server.container, ["odi", "nprs"])
    assign_instruments(
        live_server.ctx(world.clinician),
        patient_id=world.patient.id,
        instruments=["odi", "nprs"],
        schedule_weeks=[0, 4],
        start=today,
    )
    for days_ago, pain in ((15, 7), (1, 4)):
        submit_response(
            live_server.ctx(world.patient_actor),
            patient_id=world.patient.id,
            instrument_id="nprs",
            answers=[pain],
            completed_on=today - timedelta(days=days_ago),
        )
    return live_server


def _answer(page: Any, item: int, value: int) -> None:
    page.locator(f"#item-{item} input[value='{value}']").check()


def test_patient_completes_a_questionnaire_on_a_phone(
    seeded: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    sign_in(page, seeded, "pat@a.test")
    assert page.url.endswith("/me")
    card = page.locator("article.card", has_text="Questionnaires to complete")
    card.get_by_role("link", name="Start").click()
    page.locator("a[href='/me/questionnaires/odi']").click()
    progress = page.get_by_test_id("q-progress")
    assert progress.inner_text() == "0 of 10 answered"
    _answer(page, 1, 2)
    _answer(page, 2, 3)
    assert progress.inner_text() == "2 of 10 answered"
    page.reload()  # a dropped connection or a reload keeps the answers on the phone
    assert page.locator("#item-2 input[value='3']").is_checked()
    for item in range(3, 11):
        _answer(page, item, 2)
    assert progress.inner_text() == "10 of 10 answered"
    bar = page.locator("[data-progress] > span").evaluate("el => el.style.width")
    assert bar == "100%"
    page.get_by_test_id("q-submit").click()
    page.wait_for_url("**/me/questionnaires/odi/done**")
    thanks = page.get_by_test_id("q-thanks")
    assert "Thank you" in thanks.inner_text()
    assert "out of 100" in thanks.inner_text()
    # The 11-choice pain scale fits one row on a 390 px screen.
    page.goto(f"{seeded.url}/me/questionnaires/nprs")
    boxes = page.locator("#item-1 .q-scale label").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().top)"
    )
    assert len(boxes) == 11 and max(boxes) - min(boxes) < 1


def test_a_missing_answer_is_flagged(seeded: LiveServer, browser_page: Any) -> None:
    page = browser_page
    sign_in(page, seeded, "pat@a.test")
    page.goto(f"{seeded.url}/me/questionnaires/odi")
    for item in range(1, 11):
        if item != 6:
            _answer(page, item, 1)
    page.get_by_test_id("q-submit").click()
    problems = page.get_by_test_id("q-problems")
    problems.wait_for()
    assert "item 6" in problems.inner_text()
    assert "has-problem" in (page.locator("#item-6").get_attribute("class") or "")
    assert "has-problem" not in (page.locator("#item-5").get_attribute("class") or "")
    assert page.locator("#item-5 input[value='1']").is_checked()  # the other answers are kept


def test_clinician_sees_the_history_chart(seeded: LiveServer, browser_page: Any) -> None:
    page = browser_page
    sign_in(page, seeded, "clin@a.test")
    page.goto(f"{seeded.url}/patients/{seeded.world.patient.id}/tab/questionnaires")
    chart = page.locator("[data-testid='q-history-nprs'] .chart")
    chart.locator(".main-svg").first.wait_for()  # plotly loaded before app.js drew it
    assert chart.locator(".shapelayer path").count() >= 1  # the MCID band around the baseline
    assert page.get_by_test_id("fhir-link").get_attribute("href", timeout=1000).endswith("/fhir")
