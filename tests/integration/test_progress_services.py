"""Check-ins, the programme, the exposure ladder and the progress summary through the services."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.domain.accounts import Actor
from painpath.domain.errors import InvalidInput, PermissionDenied
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.policy import Action
from painpath.domain.records import RecordKind
from painpath.services.assessment import save_intake
from painpath.services.context import ServiceContext
from painpath.services.progress import (
    caseload_alerts,
    progress_summary,
    replan_programme,
    start_programme,
    summary_to_dict,
    system_progress_summary,
)
from painpath.services.progress.checkins import (
    list_checkins,
    rate_exposure_step,
    save_exposure_ladder,
    submit_checkin,
    submit_checkin_batch,
)
from tests.conftest import World, build_world
from tests.integration.test_assessment_services import KNEE

START = date(2026, 3, 2)


def on(world: World, actor: Actor | None, day: date) -> ServiceContext:
    return replace(world.ctx(actor), clock=FixedClock(day))


def check_in(world: World, day: date, *, today: date | None = None, **values: object) -> object:
    fields: dict[str, object] = {"pain_now": 4, "pain_worst": 5, "quota_done": 20}
    fields.update(values)
    ctx = on(world, world.patient_actor, today or day)
    return submit_checkin(ctx, patient_id=world.patient.id, day=day, **fields)  # type: ignore[arg-type]


def programme(world: World, **extra: object) -> None:
    start_programme(
        on(world, world.clinician, START),
        patient_id=world.patient.id,
        activity="walking",
        unit="minutes",
        goal=40,
        **extra,  # type: ignore[arg-type]
    )


def test_one_current_checkin_per_day_and_resubmission_makes_a_version(world: World) -> None:
    first = check_in(world, START, pain_now=4)
    second = check_in(world, START, pain_now=6, pain_worst=7)
    assert first.record_id == second.record_id  # type: ignore[attr-defined]
    assert (first.version, second.version) == (1, 2)  # type: ignore[attr-defined]
    stored = list_checkins(on(world, world.clinician, START), patient_id=world.patient.id)
    assert [s.checkin.pain_now for s in stored] == [6]
    with world.container.uow() as uow:
        history = uow.records.history(second.record_id)  # type: ignore[attr-defined]
    assert [h.change_reason for h in history] == [None, "resubmitted"]
    assert [h.is_current for h in history] == [False, True]


def test_late_entry_is_accepted_and_marked_future_day_refused(world: World) -> None:
    late = check_in(world, START, today=START + timedelta(days=3))
    assert late.late is True  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="future day"):
        check_in(world, START + timedelta(days=1), today=START)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"pain_now": 11}, "pain_now"),
        ({"pain_now": 6, "pain_worst": 3}, "pain_worst"),
        ({"quota_done": -1}, "quota_done"),
        ({"exercises_done": -2}, "exercises_done"),
        ({"sleep_quality": 12}, "sleep_quality"),
        ({"waking_pain": 15}, "next_morning_pain"),
    ],
)
def test_validation_errors(world: World, values: dict[str, object], message: str) -> None:
    check_in(world, START - timedelta(days=1))  # so waking pain has a previous day to complete
    with pytest.raises(InvalidInput, match=message):
        check_in(world, START, **values)


def test_waking_pain_completes_the_previous_day(world: World) -> None:
    check_in(world, START)
    check_in(world, START + timedelta(days=1), waking_pain=3)
    stored = list_checkins(on(world, world.patient_actor, START), patient_id=world.patient.id)
    assert stored[0].checkin.next_morning_pain == 3
    assert stored[0].version == 2


def test_access_other_patient_cannot_check_in_or_read(world: World) -> None:
    ctx = on(world, world.other_patient_actor, START)
    with pytest.raises(PermissionDenied):
        submit_checkin(ctx, patient_id=world.patient.id, day=START, pain_now=1, pain_worst=1)
    with pytest.raises(PermissionDenied):
        progress_summary(ctx, patient_id=world.patient.id)
    with pytest.raises(PermissionDenied):  # a patient cannot set their own programme
        start_programme(
            on(world, world.patient_actor, START),
            patient_id=world.patient.id,
            activity="walking",
            unit="minutes",
            goal=30,
        )


def test_programme_validation(world: World) -> None:
    ctx = on(world, world.clinician, START)
    kwargs = {"patient_id": world.patient.id, "activity": "walking", "unit": "minutes", "goal": 30}
    with pytest.raises(InvalidInput, match="unit"):
        start_programme(ctx, **kwargs | {"unit": "parsecs"})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unknown programme setting"):
        start_programme(ctx, **kwargs, policy={"bogus": 1})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="goal_quota"):
        start_programme(ctx, **kwargs | {"goal": 0})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="baseline"):
        start_programme(ctx, **kwargs, baseline_values=[10])  # type: ignore[arg-type]
    first = start_programme(ctx, **kwargs, policy={"planned_weeks": 4})  # type: ignore[arg-type]
    assert first.policy().planned_weeks == 4 and first.policy().goal_quota == 30
    again = start_programme(ctx, **kwargs | {"goal": 45})  # type: ignore[arg-type]
    assert (again.record_id, again.version, again.goal) == (first.record_id, 2, 45)


def test_summary_runs_the_engine_over_stored_checkins(world: World) -> None:
    programme(world)
    for i in range(15):
        check_in(world, START + timedelta(days=i), quota_done=20 + i, flare=i == 12)
    today = START + timedelta(days=15)
    summary = progress_summary(on(world, world.clinician, today), patient_id=world.patient.id)
    actions = [d.action for d in summary.decisions]
    assert actions[:3] == [Action.BASELINE_NEEDED, Action.BASELINE_NEEDED, Action.START]
    assert actions[12] is Action.FLARE_RESET
    assert len(summary.decisions) == 15  # today is not decided before its check-in
    assert summary.quota_today == summary.decisions[-1].quota_after
    assert summary.last_decision is summary.decisions[-1]
    assert all(d.reason and d.rule_id for d in summary.decisions)
    assert summary.adherence.checked_in_days == 15 and summary.adherence.days == 15
    assert summary.baseline_pain == 4
    # No intake: no published course is known to match, so no band is drawn, and it says why.
    assert summary.course == () and "not recorded" in summary.course_note
    assert "first 6 weeks" in summary.what_to_expect
    assert "do not show a usual range" in summary.what_to_expect
    data = summary_to_dict(summary)
    assert data["last_decision"]["reason"] and data["adherence"]["checkin_rate"] == 1.0
    assert data["decisions"][2]["action"] == "start"


def test_known_baseline_starts_on_day_one(world: World) -> None:
    programme(world, baseline_values=[10, 12, 14], baseline_pain=4)
    check_in(world, START)
    summary = progress_summary(on(world, world.clinician, START), patient_id=world.patient.id)
    assert summary.decisions[0].action is Action.START
    assert summary.next_quota == pytest.approx(0.7 * 12)
    # The planned line, set in advance, starts tomorrow at the start level and is drawn a
    # week ahead of today.
    assert summary.planned[0].day == START + timedelta(days=1)
    assert summary.planned[0].quota == pytest.approx(0.7 * 12)
    assert summary.planned[-1].day == START + timedelta(days=7)


def test_missed_checkins_alert_and_caseload(world: World) -> None:
    programme(world)
    for i in range(5):
        check_in(world, START + timedelta(days=i))
    today = START + timedelta(days=9)  # days 5, 6, 7, 8 missing
    summary = progress_summary(on(world, world.clinician, today), patient_id=world.patient.id)
    assert [a.code for a in summary.alerts] == ["missed_checkins"]
    assert summary.alerts[0].facts["days"] == 4
    ctx = on(world, world.clinician, today)
    badges = caseload_alerts(ctx, [world.patient, world.other_patient, world.foreign_patient])
    assert list(badges) == [world.patient.id]  # other patient has no programme; foreign skipped


def test_alerts_from_responses_and_intake(world: World) -> None:
    with world.container.uow() as uow:
        for day, total, subs in (
            ("2026-03-01", 4, {"anxiety": 1, "depression": 1}),
            ("2026-03-20", 10, {"anxiety": 4, "depression": 3}),
        ):
            uow.records.add(
                kind=RecordKind.RESPONSE,
                patient_id=world.patient.id,
                payload={"instrument": "phq-4", "valid": True, "total": total,
                         "subscales": subs, "completed_on": day},
                created_by=world.clinician.user_id,
            )  # fmt: skip
        for day, score in (("2026-03-01", 3), ("2026-03-20", 8)):
            uow.records.add(
                kind=RecordKind.RESPONSE,
                patient_id=world.patient.id,
                payload={"instrument": "nprs", "valid": True, "total": score, "completed_on": day},
                created_by=world.clinician.user_id,
            )
        uow.records.add(
            kind=RecordKind.INTAKE,
            patient_id=world.patient.id,
            payload={
                # not a complete intake: screened on its red-flag answers alone
                "red_flags": {"ces_saddle_numbness": True, "fever_with_spinal_pain": False},
                "feared_activities": [{"name": "bending", "fear": 60}],
            },
            created_by=world.clinician.user_id,
        )
        uow.commit()
    summary = progress_summary(on(world, world.clinician, START), patient_id=world.patient.id)
    codes = [a.code for a in summary.alerts]
    assert codes == ["red_flag", "anxiety_screen", "depression_screen", "worsening"]
    nprs = next(o for o in summary.outcomes if o.instrument == "nprs")
    assert (nprs.baseline, nprs.latest, nprs.category, nprs.responder) == (3, 8, "worsened", False)
    assert summary.feared_activities == {"bending": 60}  # a draft ladder from the intake
    red = summary.alerts[0]
    assert (red.facts["condition"], red.facts["urgency"]) == ("cauda_equina", "emergency")


def test_red_flag_alerts_use_the_assessment_rules_in_context(world: World) -> None:
    """The same "yes" to a cancer history is a "soon" flag with low back pain and an urgent one
    with thoracic pain over 50 (NICE NG234); the alert follows the assessment, not the answer."""
    from painpath.domain.assessment.screening import CRITICAL_QUESTIONS
    from painpath.services import assessment as assessment_svc

    pid = world.patient.id
    clin = on(world, world.clinician, START)
    answers = {**dict.fromkeys(CRITICAL_QUESTIONS, False), "cancer_history": True}
    for region, severity, urgency in (
        ("low_back", "high", "soon"),
        ("thoracic_spine", "urgent", "urgent"),
    ):
        intake = {
            "age": 62,
            "pain_sites": [{"region": region, "primary": True}],
            "duration_weeks": 3,
            "red_flags": answers,
        }
        assessment_svc.save_intake(clin, patient_id=pid, intake=intake)
        alerts = [a for a in progress_summary(clin, patient_id=pid).alerts if a.code == "red_flag"]
        assert [(a.severity.value, a.facts["urgency"]) for a in alerts] == [(severity, urgency)]
        picture = assessment_svc.clinical_picture(clin, patient_id=pid).picture
        flag = picture.screening.red_flags[0]
        assert alerts[0].facts["condition"] == flag.condition.value == "cancer"
        assert alerts[0].evidence == flag.evidence
        assert ("nice_ng234" in flag.evidence) is (urgency == "urgent")
    assessment_svc.save_intake(
        clin, patient_id=pid, intake={**intake, "red_flags": {**answers, "cancer_history": False}}
    )
    assert not [a for a in progress_summary(clin, patient_id=pid).alerts if a.code == "red_flag"]


def test_exposure_ladder_rating_revises_one_record(world: World) -> None:
    ctx = on(world, world.clinician, START)
    ladder = save_exposure_ladder(
        ctx, patient_id=world.patient.id, activities={"gardening": 80, "bending": 40}
    )
    assert [s.activity for s in ladder.steps] == ["bending", "gardening"]
    patient_ctx = on(world, world.patient_actor, START)
    rate_exposure_step(
        patient_ctx, patient_id=world.patient.id, activity="bending", fear=15, done=True
    )
    summary = progress_summary(ctx, patient_id=world.patient.id)
    assert summary.exposure is not None
    assert summary.exposure.decision.current == "gardening"
    with pytest.raises(InvalidInput):
        rate_exposure_step(
            patient_ctx, patient_id=world.patient.id, activity="x", fear=1, done=False
        )
    with world.container.uow() as uow:
        records = uow.records.list_current(kind=RecordKind.EXPOSURE, patient_id=world.patient.id)
    assert len(records) == 1 and records[0].version == 2


def test_system_summary_is_audited(world: World) -> None:
    summary = system_progress_summary(world.container.context(), patient_id=world.patient.id)
    assert summary.patient_id == world.patient.id
    with world.container.uow() as uow:
        events = uow.audit.search(patient_id=world.patient.id)
    assert any(e.action == "cli.progress" and e.actor_role == "system" for e in events)


def test_checkins_and_summary_on_both_backends(any_container: Container) -> None:
    world = build_world(any_container)
    programme(world)
    for i in range(10):
        check_in(world, START + timedelta(days=i), quota_done=25)
    check_in(world, START + timedelta(days=9), quota_done=30, flare=True)  # resubmitted
    today = START + timedelta(days=10)
    summary = progress_summary(on(world, world.clinician, today), patient_id=world.patient.id)
    assert len(summary.checkins) == 10
    assert summary.decisions[-1].action is Action.FLARE_RESET
    assert summary.quota_today == summary.decisions[-1].quota_after


def test_clinician_replan_is_stored_with_its_reason_and_moves_the_target(world: World) -> None:
    programme(world, baseline_values=[20, 20, 20])
    for n in range(1, 10):
        check_in(world, START + timedelta(days=n), quota_done=30)
    review = START + timedelta(days=9)
    ctx = on(world, world.clinician, review)
    with pytest.raises(InvalidInput):
        replan_programme(ctx, patient_id=world.patient.id, quota=10, goal=40, weeks=5, reason="")
    with pytest.raises(PermissionDenied):
        replan_programme(
            on(world, world.patient_actor, review),
            patient_id=world.patient.id,
            quota=10,
            goal=40,
            weeks=5,
            reason="patient cannot re-plan",
        )
    saved = replan_programme(
        ctx, patient_id=world.patient.id, quota=10, goal=40, weeks=5, reason="new hip pain"
    )
    assert [r.reason for r in saved.replans] == ["new hip pain"]
    for n in range(10, 18):
        check_in(world, START + timedelta(days=n), quota_done=30)
    summary = progress_summary(
        on(world, world.clinician, START + timedelta(days=18)), patient_id=world.patient.id
    )
    by_day = {d.day: d for d in summary.decisions}
    d = by_day[review]
    assert d.action is Action.REPLAN and d.quota_after == 10 and "new hip pain" in d.clinician_note
    assert by_day[review + timedelta(days=1)].quota_before == 10
    rise = by_day[review + timedelta(days=7)]
    step = min((40 - 10) / 5, 0.25 * 14)  # the re-plan's step, capped at the max step
    assert rise.action is Action.PROGRESS and rise.quota_after == pytest.approx(10 + step)
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action == "programme.replan"]
    assert events and "hip" not in str(events[-1].detail)


def test_flare_severity_is_stored_and_sets_the_set_back(world: World) -> None:
    programme(world, baseline_values=[20, 20, 20])
    check_in(world, START + timedelta(days=1), flare=True, flare_severity=3, flare_days=2)
    check_in(world, START + timedelta(days=2), flare=False, flare_severity=2)  # no flare: dropped
    with pytest.raises(InvalidInput):
        check_in(world, START + timedelta(days=2), flare=True, flare_severity=4)
    stored = list_checkins(
        on(world, world.clinician, START + timedelta(days=2)), patient_id=world.patient.id
    )
    assert (stored[0].checkin.flare_severity, stored[0].checkin.flare_days) == (3, 2)
    assert stored[1].checkin.flare_severity is None
    summary = progress_summary(
        on(world, world.clinician, START + timedelta(days=2)), patient_id=world.patient.id
    )
    flare = summary.decisions[1]
    assert flare.action is Action.FLARE_RESET and flare.quota_after == pytest.approx(7)


def test_checkin_batch_is_one_transaction_one_audit_event_and_all_or_nothing(
    world: World,
) -> None:
    programme(world)
    week_end = START + timedelta(days=7)
    ctx = on(world, world.patient_actor, week_end)
    days = [
        CheckIn(day=START + timedelta(days=n), pain_now=4, pain_worst=5, quota_done=20)
        for n in range(1, 8)
    ]
    bad = [*days[:3], CheckIn(day=week_end + timedelta(days=1), pain_now=4, pain_worst=5)]
    with pytest.raises(InvalidInput):
        submit_checkin_batch(ctx, patient_id=world.patient.id, checkins=bad)
    assert list_checkins(ctx, patient_id=world.patient.id) == []  # nothing stored
    stored = submit_checkin_batch(ctx, patient_id=world.patient.id, checkins=days)
    assert [s.late for s in stored] == [True] * 6 + [False]
    assert len(list_checkins(ctx, patient_id=world.patient.id)) == 7
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action == "checkin.submit_batch"]
    assert len(events) == 1 and events[0].detail["days"] == 7
    assert "pain" not in str(events[0].detail) and "quota" not in str(events[0].detail)
    # A day sent again in a batch becomes its next version (one current version per day).
    again = submit_checkin_batch(
        ctx, patient_id=world.patient.id, checkins=[replace(days[0], quota_done=25)]
    )
    assert again[0].version == 2 and again[0].record_id == stored[0].record_id
    current = list_checkins(ctx, patient_id=world.patient.id)
    assert len(current) == 7 and current[0].checkin.quota_done == 25
    with pytest.raises(PermissionDenied):
        submit_checkin_batch(
            on(world, world.other_clinician, week_end), patient_id=world.patient.id, checkins=days
        )


@pytest.mark.parametrize(
    ("region", "weeks", "band"),
    [("low_back", 20, True), ("low_back", 104, False), ("knee", 20, False)],
)
def test_expected_course_band_only_for_the_source_population(
    world: World, region: str, weeks: int, band: bool
) -> None:
    intake = {**KNEE, "pain_sites": [{"region": region, "primary": True}], "duration_weeks": weeks}
    save_intake(world.ctx(world.clinician), patient_id=world.patient.id, intake=intake)
    programme(world)
    for i in range(10):
        check_in(world, START + timedelta(days=i), pain_now=6, pain_worst=7)
    today = START + timedelta(days=10)
    summary = progress_summary(on(world, world.patient_actor, today), patient_id=world.patient.id)
    assert bool(summary.course) is band
    if band:
        assert summary.course[0].low == summary.course[0].high == 6  # the patient's own week
        assert summary.course[6].low < summary.course[6].mid < summary.course[6].high
        assert (
            "Costa 2012" in summary.course_note and "12 weeks to 12 months" in summary.course_note
        )
        assert "usual range" in summary.what_to_expect
    else:
        assert "No published course of pain applies" in summary.course_note
        assert "do not show a usual range" in summary.what_to_expect
