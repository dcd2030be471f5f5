"""A patient does the daily check-in on a phone in a real browser, including a dropped send."""

from __future__ import annotations

from typing import Any

import pytest

from painpath.services.progress import start_programme
from painpath.services.progress.checkins import list_checkins
from tests.e2e.conftest import LiveServer, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded(live_server: LiveServer) -> LiveServer:
    world = live_server.world
    start_programme(
        live_server.ctx(world.clinician),
        patient_id=world.patient.id,
        activity="walking",
        unit="minutes",
        goal=40,
        baseline_values=[10, 12, 14],
    )
    return live_server


def _choose(page: Any, name: str, value: int) -> None:
    page.locator(f"[data-testid=scale-{name}] label").nth(value).click()


def _fill(page: Any) -> None:
    _choose(page, "pain_now", 4)
    _choose(page, "pain_worst", 6)
    _choose(page, "sleep_quality", 7)
    page.fill("#quota_done", "12")
    page.fill("#exercises_done", "3")


def test_checkin_on_a_phone(seeded: LiveServer, browser_page: Any) -> None:
    page = browser_page
    sign_in(page, seeded, "pat@a.test")
    card = page.locator("article.card.highlight", has_text="Check-in due today")
    assert card.count() == 1
    card.get_by_role("link", name="Check in now").click()
    assert page.url.endswith("/me/checkin")
    # The 0-10 rows fit a phone screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _fill(page)
    page.reload()  # answers are kept on the phone until sent
    assert page.locator("[data-testid=scale-pain_worst] input[value='6']").is_checked()
    assert page.input_value("#quota_done") == "12"
    with page.expect_navigation(url="**/me/progress?saved=*"):
        page.get_by_test_id("checkin-submit").click()
    assert page.get_by_test_id("saved").is_visible()
    assert "Today" in page.locator("article.card").first.inner_text()
    stored = list_checkins(seeded.ctx(seeded.world.clinician), patient_id=seeded.world.patient.id)
    assert [(s.checkin.pain_worst, s.checkin.quota_done) for s in stored] == [(6.0, 12.0)]


def test_a_failed_send_keeps_the_answers_and_retries(seeded: LiveServer, browser_page: Any) -> None:
    page = browser_page
    sign_in(page, seeded, "pat@a.test")
    page.goto(f"{seeded.url}/me/checkin")
    _fill(page)
    _choose(page, "pain_now", 5)
    attempts: list[str] = []

    def flaky(route: Any) -> None:
        attempts.append(route.request.method)
        if len(attempts) == 1:
            route.abort("internetdisconnected")  # the first send is lost
        else:
            route.continue_()

    page.route(
        "**/me/checkin",
        lambda route: flaky(route) if route.request.method == "POST" else route.continue_(),
    )
    with page.expect_navigation(url="**/me/progress?saved=*", timeout=15_000):
        page.get_by_test_id("checkin-submit").click()
        page.wait_for_function(
            "document.querySelector('[data-status]').textContent.includes('No connection')"
        )
    assert attempts == ["POST", "POST"]
    stored = list_checkins(seeded.ctx(seeded.world.clinician), patient_id=seeded.world.patient.id)
    assert len(stored) == 1 and stored[0].checkin.pain_now == 5.0  # one day, one current version
