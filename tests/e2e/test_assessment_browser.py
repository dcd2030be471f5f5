"""A clinician takes a new patient from intake (clicking the body map) through examination to a
signed plan in a real browser, reads the reasons, and the patient then sees the program."""

from __future__ import annotations

from typing import Any

import pytest

from painpath.domain.assessment.screening import CRITICAL_QUESTIONS
from tests.e2e.conftest import LiveServer, sign_in

pytestmark = pytest.mark.browser

NEW_EMAIL = "nina@a.test"
NEW_PASSWORD = "quiet river stones 1990"


def _register(page: Any, server: LiveServer) -> str:
    page.goto(f"{server.url}/patients/new")
    page.fill("#given_name", "Nina")
    page.fill("#family_name", "Newcomer")
    page.fill("#birth_date", "1990-04-02")
    page.select_option("#sex", "female")
    page.fill("#email", NEW_EMAIL)
    page.fill("#account_password", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Register patient')")
    return str(page.url.rstrip("/").split("/")[-1])


def _intake(page: Any) -> None:
    page.get_by_role("link", name="Intake", exact=True).click()
    knee = page.locator("[data-view=front][data-region=knee][data-side=right]")
    hip = page.locator("[data-view=front][data-region=hip][data-side=right]")
    knee.click()
    hip.click()
    # The drawing ticks the real (visually hidden) checkboxes (the back view shows the buttock).
    assert page.get_by_test_id("site-knee:right").is_checked()
    assert page.get_by_test_id("site-hip:right").is_checked()
    assert "on" in (
        page.locator("[data-view=back][data-region=knee][data-side=right]").get_attribute("class")
        or ""
    )
    page.select_option("#f-primary", "knee:right")
    page.fill("#f-duration_weeks", "26")
    page.fill("#f-pain_worst", "6")
    page.fill("#f-settle_min", "45")
    page.fill("#f-provoked_after_min", "20")
    page.fill("#f-goal-0", "run 5 km")
    page.fill("#f-goal-ab-0", "2")
    for question in CRITICAL_QUESTIONS:  # unanswered critical questions block signing
        page.get_by_test_id(f"rf-{question}").get_by_label("No", exact=True).check()
    page.get_by_test_id("save-intake").click()
    assert "Intake saved" in page.locator("main").inner_text()


def _examination(page: Any) -> None:
    page.get_by_role("link", name="Examination", exact=True).click()
    page.select_option("#comp-0-test", "single-leg-squat")
    page.select_option("#comp-0-side", "right")
    page.select_option("#comp-0-code", "dynamic_knee_valgus")
    page.select_option("#str-0-code", "hip_abduction")
    page.select_option("#str-0-side", "right")
    page.fill("input[name='str-0-value']", "3")
    page.check("input[name='str-0-abnormal']")
    page.fill("#fn-single_leg_stance-right", "12")
    page.get_by_test_id("save-exam").click()
    norm = page.get_by_test_id("norm-single_leg_stance")
    assert "below" in norm.inner_text()


def _reasoning(page: Any) -> None:
    page.get_by_role("link", name="Reasoning", exact=True).click()
    row = page.get_by_test_id("conclusion-impairment.hip_abductor_weakness")
    assert "strength hip abduction (right)" in row.inner_text()
    evidence = row.get_by_test_id("evidence-powers2010").first
    evidence.locator("summary").click()
    assert "Powers" in evidence.inner_text()
    criteria = page.get_by_test_id("mechanism").inner_text()
    assert "unknown" in criteria and "met" in criteria


def _plan(page: Any) -> str:
    page.get_by_role("link", name="Plan", exact=True).click()
    page.get_by_test_id("save-draft").click()
    assert "version 1" in page.get_by_test_id("plan-status").inner_text()
    exercises = page.get_by_test_id("section-exercises")
    first = exercises.locator("li.a-item").first
    first.locator("summary:has-text('Why?')").click()
    assert "target:" in first.inner_text()
    first.locator("input[name^='dose:']").fill("2 sets of 8, every other day")
    page.fill("#edit-reason", "gentle start")
    page.get_by_test_id("save-edits").click()
    assert "version 2" in page.get_by_test_id("plan-status").inner_text()
    page.get_by_test_id("sign-plan").click()
    assert page.get_by_test_id("signed").is_visible()
    history = page.get_by_test_id("plan-history").inner_text()
    assert "gentle start" in history and "signed by" in history
    name = exercises.locator("li.a-item strong").first.inner_text()
    return str(name)


def test_clinician_assesses_plans_and_signs_then_the_patient_sees_the_program(
    live_server: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    sign_in(page, live_server, "clin@a.test")
    _register(page, live_server)
    _intake(page)
    _examination(page)
    _reasoning(page)
    exercise = _plan(page)

    page.get_by_test_id("signout").click()
    sign_in(page, live_server, NEW_EMAIL, NEW_PASSWORD)
    page.get_by_role("link", name="Open my program").click()
    card = page.locator("li.a-exercise", has_text=exercise).first
    assert card.locator("svg").count() == 1
    assert "2 sets of 8, every other day" in card.get_by_test_id("dose").inner_text()
    page.locator("a[data-testid^='lesson-']").first.click()
    assert page.get_by_test_id("lesson").locator("h2").count() >= 1
    assert errors == []
