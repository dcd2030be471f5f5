"""Documents and discharge in a real browser (issue 14 items 3 and 4): the initial evaluation
downloads from the reasoning tab; a discharge with no summary is refused next to the field, then
the episode is discharged and its summary downloads as a PDF holding what was typed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from painpath.services import assessment as svc
from tests.e2e.conftest import LiveServer, sign_in
from tests.integration.test_assessment_services import KNEE, KNEE_EXAM

pytestmark = pytest.mark.browser


def _download(page: Any, test_id: str) -> str:
    with page.expect_download() as download:
        page.get_by_test_id(test_id).click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages
    )


def test_evaluation_pdf_then_discharge_and_its_summary(
    live_server: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    world = live_server.world
    pid = world.other_patient.id
    ctx = live_server.ctx(world.clinician)
    svc.save_intake(ctx, patient_id=pid, intake=KNEE)
    svc.save_examination(ctx, patient_id=pid, examination=KNEE_EXAM)
    sign_in(page, live_server, "clin@a.test")

    page.goto(f"{live_server.url}/patients/{pid}/tab/reasoning")
    words = _download(page, "evaluation-pdf")
    assert world.other_patient.display_name in words and "run 5 km" in words

    page.goto(f"{live_server.url}/patients/{pid}/overview")
    page.get_by_text("Discharge this episode").click()
    form = page.get_by_test_id("discharge-form")
    form.locator("select[name=reason]").select_option("goals_met")
    with page.expect_navigation():
        page.get_by_test_id("discharge-submit").click()
    assert (
        "write a short outcome summary" in page.get_by_test_id("error-outcome_summary").inner_text()
    )
    summary = "Runs 5 km again; keeps the home program twice a week."
    page.get_by_test_id("discharge-form").locator("textarea").fill(summary)
    with page.expect_navigation():
        page.get_by_test_id("discharge-submit").click()
    assert "discharged" in page.get_by_test_id("episodes").inner_text()
    words = _download(page, "discharge-pdf")
    assert "Discharge summary" in words and summary in words and "Goals met" in words
