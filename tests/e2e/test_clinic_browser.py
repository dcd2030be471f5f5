"""A clinician's working week in a real browser (issue 14): adds an exercise from the library
to the plan, records a treatment session that shows on the timeline, downloads the home
program PDF, and gets typed work back after the session ended mid-edit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from painpath.domain.planning import PlanItemKind
from painpath.services import assessment as svc
from tests.e2e.conftest import LiveServer, sign_in
from tests.integration.test_assessment_services import KNEE, KNEE_EXAM

pytestmark = pytest.mark.browser


def _assessed(server: LiveServer) -> tuple[str, str]:
    """The patient's intake, examination and a saved (unsigned) plan; (patient id, a hip
    exercise of the library that is not in the plan yet)."""
    ctx = server.ctx(server.world.clinician)
    pid = server.world.patient.id
    if svc.current_plan(ctx, patient_id=pid) is None:
        svc.save_intake(ctx, patient_id=pid, intake=KNEE)
        svc.save_examination(ctx, patient_id=pid, examination=KNEE_EXAM)
        svc.save_plan(ctx, patient_id=pid)
    plan = svc.current_plan(ctx, patient_id=pid)
    assert plan is not None
    have = {i.ref for i in plan.plan.of_kind(PlanItemKind.EXERCISE)}
    hip = svc.exercise_library(ctx, query=svc.parse_query(region="hip"))
    return pid, next(e.id for e in hip.exercises if e.id not in have)


def test_library_exercise_session_note_and_home_program_pdf(
    live_server: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    pid, ex_id = _assessed(live_server)
    sign_in(page, live_server, "clin@a.test")
    page.goto(f"{live_server.url}/patients/{pid}/tab/plan")
    page.get_by_test_id("open-library").first.click()
    page.select_option("#lib-region", "hip")
    page.get_by_test_id("library-filter").click()
    card = page.get_by_test_id(f"exercise-{ex_id}")
    assert card.locator("svg").count() == 1 and "Dose by irritability" in card.inner_text()
    form = page.get_by_test_id(f"add-{ex_id}")
    form.locator("input[name=dose]").fill("2 x 12 each side")
    form.get_by_label("Sat").check()
    with page.expect_navigation():
        page.get_by_test_id(f"add-submit-{ex_id}").click()
    assert "Exercise added" in page.get_by_test_id("notice").inner_text()
    item = page.get_by_test_id(f"item-exercise.{ex_id}")
    assert "2 x 12 each side" in item.inner_text()
    with page.expect_navigation():
        page.get_by_test_id("sign-plan").click()

    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_test_id("s-subjective").fill("Stairs easier this week")
    page.get_by_test_id("s-i1_technique").fill("Tibiofemoral mobilisation")
    page.select_option("#s-i1_region", "knee")
    page.select_option("#s-i1_grade", "III")
    page.get_by_test_id("s-r1_code").fill("knee flexion")
    page.get_by_test_id("s-r1_value").fill("120")
    page.get_by_test_id("s-response").fill("Less pain after treatment")
    with page.expect_navigation():
        page.get_by_test_id("save-session").click()
    timeline = page.get_by_test_id("session-timeline").inner_text()
    assert "Tibiofemoral mobilisation" in timeline and "grade III" in timeline
    assert "knee flexion 120" in timeline

    page.get_by_role("link", name="Plan", exact=True).click()
    with page.expect_download() as download:
        page.get_by_test_id("program-pdf").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert live_server.world.patient.given_name in text


def test_typed_work_comes_back_after_signing_in_again(
    live_server: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    pid, _ = _assessed(live_server)
    sign_in(page, live_server, "clin@a.test")
    page.goto(f"{live_server.url}/patients/{pid}/tab/sessions")
    page.get_by_test_id("s-subjective").fill("A long note the clinician must not lose")
    page.get_by_test_id("s-next_time").fill("Re-test stairs")
    page.context.clear_cookies()  # the session ended while the note was being typed
    page.get_by_test_id("save-session").click()
    page.wait_for_url("**/signin**")
    page.fill("#email", "clin@a.test")
    from tests.conftest import PASSWORD

    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith(f"/patients/{pid}/tab/sessions")
    assert page.get_by_test_id("draft-restored").is_visible()
    assert page.get_by_test_id("s-subjective").input_value() == (
        "A long note the clinician must not lose"
    )
    assert page.get_by_test_id("s-next_time").input_value() == "Re-test stairs"
    with page.expect_navigation():
        page.get_by_role("button", name="Discard my changes").click()
    assert page.get_by_test_id("draft-restored").count() == 0
    assert page.get_by_test_id("s-subjective").input_value() == ""
