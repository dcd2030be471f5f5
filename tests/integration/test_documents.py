"""Printable documents on a real database: the home-program PDF from the service (authorised and
audited), from the chart (one click) and from ``painpath report program``; text read back with
pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.cli import app as cli_app
from painpath.cli import report as cli_report
from painpath.domain.errors import NotFound, PermissionDenied
from painpath.services import assessment as svc
from painpath.services.documents import evaluation_pdf, program_pdf, progress_pdf
from painpath.services.progress import system_progress_summary
from tests.conftest import World, api_client
from tests.integration.test_assessment_services import KNEE, KNEE_EXAM, _response


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _signed(world: World) -> str:
    pid = world.patient.id
    clin = world.ctx(world.clinician)
    svc.save_intake(clin, patient_id=pid, intake=KNEE)
    svc.save_examination(clin, patient_id=pid, examination=KNEE_EXAM)
    saved = svc.save_plan(clin, patient_id=pid)
    assert saved.record_id is not None
    svc.sign_plan(clin, patient_id=pid, record_id=saved.record_id, expected_version=1)
    return pid


def _assert_program(world: World, words: str) -> None:
    program = svc.home_program(world.ctx(world.clinician), patient_id=world.patient.id)
    assert program is not None
    assert world.patient.display_name in words
    assert program.exercises[0].name in words
    assert program.pain_guidance.sentence in words
    assert "If you have a flare-up" in words and "When to get help" in words


def test_program_pdf_holds_name_exercises_and_the_plans_pain_guidance(world: World) -> None:
    pid = _signed(world)
    words = _text(program_pdf(world.ctx(world.patient_actor), patient_id=pid))
    _assert_program(world, words)
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action == "document.program"]
    assert events and events[-1].patient_id == pid
    assert set(events[-1].detail) <= {"version"}  # ids only, no clinical values


def test_program_pdf_is_refused_to_others_and_absent_before_signing(world: World) -> None:
    with pytest.raises(NotFound):
        program_pdf(world.ctx(world.clinician), patient_id=world.patient.id)  # no signed plan
    pid = _signed(world)
    with pytest.raises(PermissionDenied):
        program_pdf(world.ctx(world.other_clinician), patient_id=pid)
    with pytest.raises(PermissionDenied):
        program_pdf(world.ctx(world.other_patient_actor), patient_id=pid)


def test_chart_plan_tab_links_the_program_pdf_download(world: World) -> None:
    pid = _signed(world)
    client, _ = api_client(world.container, "clin@a.test")
    with client:
        page = client.get(f"/patients/{pid}/tab/plan")
        assert page.status_code == 200
        assert f'href="/patients/{pid}/documents/program.pdf"' in page.text
        resp = client.get(f"/patients/{pid}/documents/program.pdf")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/pdf"
    assert "attachment" in resp.headers["content-disposition"]
    _assert_program(world, _text(resp.content))


def test_cli_report_program_writes_the_pdf(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _signed(world)
    monkeypatch.setattr(cli_report, "_container", lambda: world.container)
    out = tmp_path / "sheets" / "program.pdf"
    result = CliRunner().invoke(cli_app, ["report", "program", pid, "--out", str(out)])
    assert result.exit_code == 0, result.output
    _assert_program(world, _text(out.read_bytes()))
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action == "cli.report.program"]
    assert events and events[-1].actor_role == "system" and events[-1].patient_id == pid
    missing = CliRunner().invoke(cli_app, ["report", "program", "no-such-id", "--out", str(out)])
    assert missing.exit_code == 2 and "no patient" in missing.output


def test_evaluation_pdf_holds_history_findings_mechanism_grades_and_plan(world: World) -> None:
    pid = _signed(world)
    clin = world.ctx(world.clinician)
    view = svc.clinical_picture(clin, patient_id=pid)
    plan = svc.current_plan(clin, patient_id=pid)
    assert plan is not None
    words = _text(evaluation_pdf(clin, patient_id=pid))
    assert world.patient.display_name in words and "Initial evaluation" in words
    assert "run 5 km" in words  # the goal from the intake
    assert "dynamic knee valgus" in words and "hip abduction" in words  # the findings
    grades = view.picture.mechanism
    assert f"{grades.nociceptive.value.replace('_', ' ')}" in words
    assert view.picture.conclusions[0].statement in words
    assert plan.plan.items[0].title in words
    with pytest.raises(PermissionDenied):  # a patient reads the program, not the report
        evaluation_pdf(world.ctx(world.patient_actor), patient_id=pid)


def test_progress_pdf_judges_each_outcome_against_its_mcid(world: World) -> None:
    pid = _signed(world)
    _response(world, "psfs", 3.0, "2026-10-01")
    _response(world, "psfs", 7.0, "2026-11-20")
    clin = world.ctx(world.clinician)
    words = _text(progress_pdf(clin, patient_id=pid))
    outcomes = system_progress_summary(world.container.context(), patient_id=pid).outcomes
    assert outcomes, "the two responses make one outcome"
    assert world.patient.display_name in words and "Progress report" in words
    for o in outcomes:
        assert o.name in words and o.explanation.split(".")[0] in words
        assert (o.category or "one measurement only") in words
    assert "2026-10-01" in words and "2026-11-20" in words
    mcid = get_instrument("psfs").mcid
    assert mcid is not None  # PSFS: higher is better, so the line sits above the first score
    assert f"smallest change that matters to patients ({3.0 + mcid.value:g})" in words


@pytest.mark.parametrize("kind", ["evaluation", "progress"])
def test_cli_report_writes_the_clinical_reports(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    pid = _signed(world)
    monkeypatch.setattr(cli_report, "_container", lambda: world.container)
    out = tmp_path / f"{kind}.pdf"
    result = CliRunner().invoke(cli_app, ["report", kind, pid, "--out", str(out)])
    assert result.exit_code == 0, result.output
    words = _text(out.read_bytes())
    assert world.patient.display_name in words
    assert ("Initial evaluation" if kind == "evaluation" else "Progress report") in words
    client, _ = api_client(world.container, "clin@a.test")
    with client:
        tab = "reasoning" if kind == "evaluation" else "progress"
        chart = client.get(f"/patients/{pid}/tab/{tab}")
        assert f'href="/patients/{pid}/documents/{kind}.pdf"' in chart.text
        resp = client.get(f"/patients/{pid}/documents/{kind}.pdf")
    assert resp.status_code == 200 and world.patient.display_name in _text(resp.content)
