"""Simulated patients through the services: engine invariants hold on the stored records, and
the demo stories produce the alerts the demo promises."""

from __future__ import annotations

import html
import itertools
import json
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.demo._cohort import simulate_into_services
from painpath.domain.accounts import Actor
from painpath.domain.progression.simulation import Archetype
from painpath.services.patients import NewPatient, create_patient, search_patients
from painpath.services.progress import COURSE, caseload_alerts, progress_summary
from tests.conftest import World, seed_demo_copy
from tests.demo_pages import demo_client, screen_text

START = date(2026, 1, 5)
WEEKS = 4


@pytest.mark.parametrize("archetype", list(Archetype))
def test_invariants_over_seeds_through_the_services(world: World, archetype: Archetype) -> None:
    ctx = world.ctx(world.clinician)
    for seed in (1, 2, 3):
        # admitted on the simulated programme's first day: nothing may be dated before it
        admitted = replace(ctx, clock=FixedClock(START))
        patient = create_patient(admitted, new=NewPatient("Sim", f"Seed {seed}"))
        course = simulate_into_services(
            ctx, patient, archetype, start=START, weeks=WEEKS, seed=seed
        )
        today = START + timedelta(weeks=WEEKS)
        summary = progress_summary(replace(ctx, clock=FixedClock(today)), patient_id=patient.id)
        decisions = summary.decisions
        assert list(decisions) == course.decisions  # the stored records replay the same course
        by_day = {c.day: c for c in summary.checkins}
        for d in decisions:
            assert d.reason.strip() and d.clinician_note.strip() and d.rule_id
            if d.quota_before is None or d.quota_after is None:
                continue
            today_flare = by_day.get(d.day) is not None and by_day[d.day].flare
            yesterday = by_day.get(d.day - timedelta(days=1))
            if today_flare or (yesterday is not None and yesterday.flare):
                assert d.quota_after <= d.quota_before, f"{archetype} seed {seed} {d}"
            assert d.quota_after >= 1.0  # the floor is above zero


def test_demo_stories_show_alerts_and_a_rich_progress_page(container: Container) -> None:
    today = date(2026, 11, 29)
    container = replace(container, clock=FixedClock(today))
    seed_demo_copy(container, today=today)
    with container.uow() as uow:
        user = uow.users.by_email("clinician@demo.painpath.local")
    assert user is not None
    ctx = replace(
        container.context().acting_as(Actor(user.id, user.role, user.clinic_id, user.name)),
        clock=FixedClock(today),
    )
    patients = {p.given_name: p for p in search_patients(ctx)}
    alerts = caseload_alerts(ctx, list(patients.values()))
    codes = {name: [a.code for a in alerts.get(p.id, [])] for name, p in patients.items()}
    assert "missed_checkins" in codes["Tom"]
    tom = {a.code: a for a in alerts[patients["Tom"].id]}
    assert tom["missed_checkins"].facts["days"] >= 3
    assert "repeated_flares" in codes["Helen"]
    maria = progress_summary(ctx, patient_id=patients["Maria"].id)
    assert maria.programme is not None and maria.exposure is not None
    assert any(c.flare for c in maria.checkins)
    assert {d.action.value for d in maria.decisions} >= {"start", "flare_reset", "progress"}
    assert maria.exposure.ladder.steps[0].activity.startswith("bending")
    assert maria.exposure.decision.current == "lifting a laundry basket"
    # Maria's non-specific low back pain had lasted 22 weeks at intake: inside the only
    # published course (Costa 2012, 12 weeks to 12 months), so her progress draws the band.
    assert (
        maria.course
        and maria.weekly_pain
        and maria.course_note.startswith("Expected course: Costa 2012")
    )
    assert maria.course[-1].week >= maria.week  # the band reaches today
    assert all(p.low <= p.mid <= p.high for p in maria.course)
    flare = next(d for d in maria.decisions if d.action.value == "flare_reset")
    assert flare.quota_after is not None and flare.planned is not None
    assert flare.quota_after < flare.planned
    week_after = [d for d in maria.decisions if 0 < (d.day - flare.day).days <= 6]
    assert any(d.quota_after == flare.planned for d in week_after)  # recovered within a week
    helen = alerts[patients["Helen"].id]
    flares = next(a for a in helen if a.code == "repeated_flares")
    assert flares.facts["flares"] >= 3
    tom_summary = progress_summary(ctx, patient_id=patients["Tom"].id)
    assert tom_summary.plateau is not None
    assert tom_summary.plateau.kind.value == "adherence_stall"
    samuel = progress_summary(ctx, patient_id=patients["Samuel"].id)
    planned = [d.planned for d in samuel.decisions if d.planned is not None]
    assert planned == sorted(planned)  # his set-backs never ratchet the plan down
    assert samuel.course == () and "lumbar radiculopathy" in samuel.course_note
    _band_on_both_pages(container, patients["Maria"].id, patients["Samuel"].id)
    _every_change_is_explained(container, patients["Maria"].id, maria.decisions)
    aisha = progress_summary(ctx, patient_id=patients["Aisha"].id)
    (monitored,) = aisha.monitoring
    rules = [d.rule_id for d in monitored.decisions]
    assert rules == ["PM-USUAL", "PM-PROGRESS", "PM-DURING", "PM-PROGRESS"]
    assert monitored.level == pytest.approx(1.0)  # up 10 %, down 20 %, up 10 % of the dose


def _band(page: str) -> list[dict[str, object]]:
    """The expected-course band traces of the page's charts (filled "usual range")."""
    specs = [json.loads(html.unescape(raw)) for raw in re.findall(r"data-plot='([^']*)'", page)]
    return [
        t
        for spec in specs
        for t in spec["data"]
        if t.get("name") == "usual range" and t.get("fill") == "tonexty"
    ]


def _band_on_both_pages(container: Container, maria_id: str, samuel_id: str) -> None:
    """A newcomer sees the band with its source on Maria's own progress page and on her
    chart's progress tab; Samuel's tab (radiculopathy) says why there is none."""
    clinician = demo_client(container, "clinician@demo.painpath.local")
    tab = clinician.get(f"/patients/{maria_id}/tab/progress")
    assert tab.status_code == 200
    assert _band(tab.text), "the clinician's tab draws no band"
    words = screen_text(tab.text)
    assert f"Expected course: {COURSE.source}, {COURSE.population}" in words
    note = re.search(r'data-testid="course-note">([^<]*)<', tab.text)
    assert note is not None and "costa2012" in note.group(1)  # the evidence key beside it
    samuel = clinician.get(f"/patients/{samuel_id}/tab/progress").text
    assert not _band(samuel) and "No published course of pain applies" in screen_text(samuel)
    patient = demo_client(container, "maria@demo.painpath.local")
    mine = patient.get("/me/progress")
    assert mine.status_code == 200
    assert _band(mine.text), "the patient's page draws no band"
    assert 'data-testid="course-source"' in mine.text
    assert COURSE.patient_words in screen_text(mine.text)


def _every_change_is_explained(container: Container, patient_id: str, decisions: Any) -> None:
    """The clinician's tab gives the reason and rule of every change of the daily goal since
    the programme began, not only of the last weeks: each day after which the goal in force
    differed, and the start."""
    first_in_force = next(i for i, d in enumerate(decisions) if d.quota_after is not None)
    changed = {decisions[first_in_force].day} | {
        d.day
        for d, after in itertools.pairwise(decisions)
        if d.quota_after is not None
        and after.quota_before != d.quota_before
        and d.day >= decisions[first_in_force].day
    }
    assert (max(changed) - min(changed)).days > 21  # older than the recent-decisions table
    clinician = demo_client(container, "clinician@demo.painpath.local")
    tab = clinician.get(f"/patients/{patient_id}/tab/progress").text
    section = re.search(r'data-testid="goal-changes">(.*?)</section>', tab, re.S)
    assert section is not None
    rows = re.findall(r'<tr data-testid="decision">(.*?)</tr>', section.group(1), re.S)
    shown = {re.search(r"<td>(\d{4}-\d\d-\d\d)</td>", r).group(1) for r in rows}  # type: ignore[union-attr]
    assert {d.isoformat() for d in changed} <= shown
    by_day = {d.day.isoformat(): d for d in decisions}
    for row in rows:
        day = re.search(r"<td>(\d{4}-\d\d-\d\d)</td>", row).group(1)  # type: ignore[union-attr]
        assert by_day[day].rule_id in row and by_day[day].reason.split(".")[0] in html.unescape(row)
