"""Printable documents on a real database: the home-program PDF from the service (authorised and
audited), from the chart (one click) and from ``painpath report program``; text read back with
pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from painpath.cli import app as cli_app
from painpath.cli import report as cli_report
from painpath.domain.errors import NotFound, PermissionDenied
from painpath.services import assessment as svc
from painpath.services.documents import program_pdf
from tests.conftest import World, api_client
from tests.integration.test_assessment_services import KNEE, KNEE_EXAM


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
