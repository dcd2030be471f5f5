"""Episodes of care: discharge with a reason and an outcome summary, start a new episode; bad
input is a form error next to the field with nothing stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from painpath.bootstrap import Container
from painpath.cli import app as cli_app
from painpath.cli import report as cli_report
from painpath.domain.accounts import Actor, EpisodeStatus, Role
from painpath.domain.errors import Conflict, NotFound, PermissionDenied
from painpath.services.documents import discharge_pdf
from painpath.services.engagement._common import FormProblems
from painpath.services.episodes import discharge_episode, discharges
from painpath.services.patients import list_episodes
from tests.conftest import World, api_client, seed_demo_copy
from tests.integration.test_documents import _text as pdf_text


def _episode_id(world: World) -> str:
    episodes = list_episodes(world.ctx(world.clinician), patient_id=world.patient.id)
    return episodes[0].id


def test_discharge_stores_reason_and_summary_and_closes_the_episode(world: World) -> None:
    clin, pid, eid = world.ctx(world.clinician), world.patient.id, _episode_id(world)
    done = discharge_episode(
        clin,
        patient_id=pid,
        episode_id=eid,
        reason="goals_met",
        outcome_summary="Runs 5 km without a flare; function score up 4 points.",
    )
    assert done.discharged_on == world.container.clock.today()
    episode = list_episodes(clin, patient_id=pid)[0]
    assert (
        episode.status is EpisodeStatus.DISCHARGED and episode.discharged_on == done.discharged_on
    )
    assert discharges(clin, patient_id=pid)[eid].reason_label == "Goals met"
    with pytest.raises(Conflict):
        discharge_episode(clin, patient_id=pid, episode_id=eid, reason="other", outcome_summary="x")
    with world.container.uow() as uow:
        event = [e for e in uow.audit.iter_all() if e.action == "episode.discharge"][-1]
    assert event.detail == {"episode_id": eid}  # ids only, never the summary


@pytest.mark.parametrize(
    ("reason", "summary", "days_ahead", "field"),
    [
        ("bored", "fine", 0, "reason"),
        ("goals_met", "   ", 0, "outcome_summary"),
        ("goals_met", "fine", 1, "discharged_on"),
        ("goals_met", "fine", None, "discharged_on"),  # the day before the episode started
    ],
)
def test_bad_discharge_names_the_field_and_stores_nothing(
    world: World, reason: str, summary: str, days_ahead: int | None, field: str
) -> None:
    clin, pid, eid = world.ctx(world.clinician), world.patient.id, _episode_id(world)
    if days_ahead is None:
        day = list_episodes(clin, patient_id=pid)[0].started_on - timedelta(days=1)
    else:
        day = world.container.clock.today() + timedelta(days=days_ahead)
    with pytest.raises(FormProblems) as err:
        discharge_episode(
            clin,
            patient_id=pid,
            episode_id=eid,
            reason=reason,
            outcome_summary=summary,
            discharged_on=day,
        )
    assert field in err.value.problems
    assert list_episodes(clin, patient_id=pid)[0].status is EpisodeStatus.OPEN
    assert discharges(clin, patient_id=pid) == {}


def test_only_the_patients_clinic_may_discharge(world: World) -> None:
    eid = _episode_id(world)
    for actor in (world.other_clinician, world.patient_actor):
        with pytest.raises(PermissionDenied):
            discharge_episode(
                world.ctx(actor),
                patient_id=world.patient.id,
                episode_id=eid,
                reason="goals_met",
                outcome_summary="done",
            )


def test_overview_discharges_and_starts_a_new_episode(world: World) -> None:
    pid, eid = world.patient.id, _episode_id(world)
    client, csrf = api_client(world.container, "clin@a.test")
    with client:
        bad = client.post(
            f"/patients/{pid}/episodes/{eid}/discharge",
            data={"csrf_token": csrf, "reason": "goals_met", "outcome_summary": ""},
        )
        assert bad.status_code == 400 and 'data-testid="error-outcome_summary"' in bad.text
        ok = client.post(
            f"/patients/{pid}/episodes/{eid}/discharge",
            data={"csrf_token": csrf, "reason": "self_managing", "outcome_summary": "Walks daily."},
        )
        assert ok.status_code == 303
        empty = client.post(f"/patients/{pid}/episodes", data={"csrf_token": csrf, "title": " "})
        assert empty.status_code == 400 and 'data-testid="error-title"' in empty.text
        new = client.post(
            f"/patients/{pid}/episodes", data={"csrf_token": csrf, "title": "Neck pain"}
        )
        assert new.status_code == 303
        page = client.get(f"/patients/{pid}/overview")
    assert "Managing well on their own." in page.text and "Walks daily." in page.text
    assert "Neck pain — open since" in page.text
    statuses = {
        e.title: e.status for e in list_episodes(world.ctx(world.clinician), patient_id=pid)
    }
    assert statuses["Neck pain"] is EpisodeStatus.OPEN
    assert EpisodeStatus.DISCHARGED in statuses.values()


def test_discharge_summary_pdf_from_the_overview_and_the_cli(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid, eid = world.patient.id, _episode_id(world)
    clin = world.ctx(world.clinician)
    with pytest.raises(NotFound):
        discharge_pdf(clin, patient_id=pid)  # nothing discharged yet
    discharge_episode(
        clin,
        patient_id=pid,
        episode_id=eid,
        reason="goals_met",
        outcome_summary="Back to running [5 km] #done",
    )
    client, _ = api_client(world.container, "clin@a.test")
    with client:
        page = client.get(f"/patients/{pid}/overview")
        assert f'href="/patients/{pid}/documents/discharge.pdf"' in page.text
        resp = client.get(f"/patients/{pid}/documents/discharge.pdf")
    assert resp.status_code == 200
    words = pdf_text(resp.content)
    for expected in ("Discharge summary", world.patient.display_name, "Goals met"):
        assert expected in words
    assert "Back to running [5 km] #done" in words
    monkeypatch.setattr(cli_report, "_container", lambda: world.container)
    out = tmp_path / "discharge.pdf"
    result = CliRunner().invoke(cli_app, ["report", "discharge", pid, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Back to running [5 km] #done" in pdf_text(out.read_bytes())


def test_demo_shows_a_discharged_episode_with_its_printable_summary(container: Container) -> None:
    seed_demo_copy(container)
    with container.uow() as uow:
        clinician = uow.users.by_email("clinician@demo.painpath.local")
        assert clinician is not None
        james = next(
            p for p in uow.patients.search(clinic_id=clinician.clinic_id, query="O'Connor")
        )
    actor = Actor(clinician.id, Role.CLINICIAN, clinician.clinic_id, clinician.name)
    ctx = container.context().acting_as(actor)
    episode = list_episodes(ctx, patient_id=james.id)[0]
    assert episode.status is EpisodeStatus.DISCHARGED
    assert discharges(ctx, patient_id=james.id)[episode.id].reason == "goals_met"
    words = pdf_text(discharge_pdf(ctx, patient_id=james.id))
    assert james.display_name in words and "Goals met" in words


def test_after_a_new_episode_check_ins_and_the_ladder_file_under_it(world: World) -> None:
    """A discharged first episode and a new one opened today: a check-in (single or batch)
    and a new exposure ladder belong to the open episode, not the earliest one."""
    from painpath.domain.progression.checkins import CheckIn
    from painpath.domain.records import RecordKind
    from painpath.services.patients import open_episode
    from painpath.services.progress.checkins import (
        LADDER_KEY,
        save_exposure_ladder,
        submit_checkin,
        submit_checkin_batch,
    )

    clin, pid, first = world.ctx(world.clinician), world.patient.id, _episode_id(world)
    today = world.container.clock.today()
    discharge_episode(
        clin,
        patient_id=pid,
        episode_id=first,
        reason="goals_met",
        outcome_summary="Walks daily.",
        discharged_on=today - timedelta(days=5),
    )
    new = open_episode(clin, patient_id=pid, title="Neck pain")
    assert new.id != first
    me = world.ctx(world.patient_actor)
    submit_checkin(me, patient_id=pid, day=today, pain_now=3, pain_worst=5)
    yesterday = today - timedelta(days=1)
    submit_checkin_batch(
        me,
        patient_id=pid,
        checkins=[CheckIn(day=yesterday, pain_now=2, pain_worst=4, sleep_quality=6)],
    )
    save_exposure_ladder(clin, patient_id=pid, activities={"lifting a bag": 60})
    with world.container.uow() as uow:
        filed = {
            key: uow.records.current_by_key(kind=kind, patient_id=pid, natural_key=key)
            for kind, key in (
                (RecordKind.CHECKIN, today.isoformat()),
                (RecordKind.CHECKIN, yesterday.isoformat()),
                (RecordKind.EXPOSURE, LADDER_KEY),
            )
        }
    episodes = {key: r.episode_id if r else None for key, r in filed.items()}
    assert episodes == dict.fromkeys(filed, new.id)
