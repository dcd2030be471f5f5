"""Plan building in care (issue 14 item 1): the library page, adding an exercise from it with
a dose and days, replacing and reordering exercises, adding and rewording goals; every change
is a new plan version with a reason and reaches the patient once signed."""

from __future__ import annotations

import pytest

from painpath.domain.errors import Conflict, InvalidInput
from painpath.domain.planning import PlanItemKind
from painpath.services import assessment as svc
from tests.conftest import World, api_client, csrf_from
from tests.integration.test_assessment_services import _assessed, _clin


def _saved(world: World) -> tuple[str, str]:
    pid = _assessed(world)
    saved = svc.save_plan(_clin(world), patient_id=pid)
    assert saved.record_id is not None
    return pid, saved.record_id


def _free_exercise(world: World, pid: str) -> str:
    plan = svc.current_plan(_clin(world), patient_id=pid)
    assert plan is not None
    have = {i.ref for i in plan.plan.of_kind(PlanItemKind.EXERCISE)}
    page = svc.exercise_library(_clin(world), query=svc.parse_query(region="hip"))
    return next(e.id for e in page.exercises if e.id not in have)


def test_adding_an_exercise_is_a_new_version_the_patient_sees_on_the_chosen_days(
    world: World,
) -> None:
    pid, rid = _saved(world)
    ex_id = _free_exercise(world, pid)
    view = svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=rid,
        expected_version=1,
        changes=svc.PlanEdits(
            add_exercises=(svc.ExerciseChoice(ex_id, dose="2 x 12", days=("Tue", "Sat")),)
        ),
        reason="add hip strength",
    )
    item = view.plan.item(f"exercise.{ex_id}")
    assert view.version == 2 and view.change_reason == "add hip strength"
    assert item.attributes["dose"] == "2 x 12" and item.attributes["days"] == "1,5"
    svc.sign_plan(_clin(world), patient_id=pid, record_id=rid, expected_version=2)
    program = svc.home_program(world.ctx(world.patient_actor), patient_id=pid)
    assert program is not None
    mine = next(e for e in program.exercises if e.exercise_id == ex_id)
    assert mine.weekdays == (1, 5) and mine.dose == "2 x 12"


def test_adding_an_exercise_twice_or_an_unknown_one_is_refused(world: World) -> None:
    pid, rid = _saved(world)
    have = svc.current_plan(_clin(world), patient_id=pid)
    assert have is not None
    first = have.plan.of_kind(PlanItemKind.EXERCISE)[0].ref or ""
    for ex_id, message in ((first, "already has"), ("no-such-exercise", "unknown exercise")):
        with pytest.raises(InvalidInput, match=message):
            svc.edit_plan(
                _clin(world),
                patient_id=pid,
                record_id=rid,
                expected_version=1,
                changes=svc.PlanEdits(add_exercises=(svc.ExerciseChoice(ex_id, days=("1",)),)),
                reason="add",
            )
    after = svc.current_plan(_clin(world), patient_id=pid)
    assert after is not None and after.version == 1
    with pytest.raises(Conflict):
        svc.edit_plan(
            _clin(world),
            patient_id=pid,
            record_id=rid,
            expected_version=7,
            changes=svc.PlanEdits(add_goals=("walk",)),
            reason="stale",
        )


def test_replace_keeps_the_place_and_reorder_moves_within_the_section(world: World) -> None:
    pid, rid = _saved(world)
    plan = svc.current_plan(_clin(world), patient_id=pid)
    assert plan is not None
    exercises = [i.id for i in plan.plan.of_kind(PlanItemKind.EXERCISE)]
    assert len(exercises) >= 2
    new_id = _free_exercise(world, pid)
    view = svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=rid,
        expected_version=1,
        changes=svc.PlanEdits(
            replace_exercises={exercises[0]: svc.ExerciseChoice(new_id, days=("0",))}
        ),
        reason="swap",
    )
    after = [i.id for i in view.plan.of_kind(PlanItemKind.EXERCISE)]
    assert after == [f"exercise.{new_id}", *exercises[1:]]
    positions = {item_id: len(after) - n for n, item_id in enumerate(after)}
    view = svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=rid,
        expected_version=2,
        changes=svc.PlanEdits(positions=positions),
        reason="order",
    )
    assert [i.id for i in view.plan.of_kind(PlanItemKind.EXERCISE)] == list(reversed(after))
    others = [i.id for i in view.plan.items if i.kind is not PlanItemKind.EXERCISE]
    assert others == [i.id for i in plan.plan.items if i.kind is not PlanItemKind.EXERCISE]


def test_goals_are_added_and_reworded_as_versions(world: World) -> None:
    pid, rid = _saved(world)
    view = svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=rid,
        expected_version=1,
        changes=svc.PlanEdits(add_goals=("Carry the shopping up the stairs",)),
        reason="goal agreed",
    )
    goal = next(g for g in view.plan.of_kind(PlanItemKind.GOAL) if g.id.startswith("goal.agreed"))
    assert goal.title == "Carry the shopping up the stairs"
    view = svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=rid,
        expected_version=2,
        changes=svc.PlanEdits(goal_texts={goal.id: "Carry two bags up the stairs"}),
        reason="goal reworded",
    )
    assert view.plan.item(goal.id).title == "Carry two bags up the stairs"
    history = svc.plan_history(_clin(world), patient_id=pid)
    assert [h.change_reason for h in history][-2:] == ["goal agreed", "goal reworded"]


def test_library_page_filters_and_adds_to_the_plan_in_the_browser_flow(world: World) -> None:
    pid, rid = _saved(world)
    staff, _ = api_client(world.container, "clin@a.test")
    page = staff.get("/library", params={"region": "knee", "level": "1"})
    assert page.status_code == 200
    assert 'data-testid="exercise-quad-set"' in page.text
    assert 'data-testid="exercise-clamshell"' not in page.text  # hip: filtered out
    assert "Dose by irritability" in page.text and "<svg" in page.text
    bad = staff.get("/library", params={"region": "elsewhere"})
    assert bad.status_code == 400 and "unknown region" in bad.text
    ex_id = _free_exercise(world, pid)
    lib = staff.get("/library", params={"patient": pid})
    assert f'data-testid="add-{ex_id}"' in lib.text
    form = {
        "csrf_token": csrf_from(lib.text),
        "expected_version": "1",
        "exercise_id": ex_id,
        "dose": "3 x 8",
        "days": ["0", "3"],
        "reason": "",
    }
    resp = staff.post(f"/patients/{pid}/plan/{rid}/add-exercise", data=form)
    assert resp.status_code == 303
    tab = staff.get(f"/patients/{pid}/tab/plan").text
    assert f'data-testid="item-exercise.{ex_id}"' in tab and "3 x 8" in tab
    again = staff.post(f"/patients/{pid}/plan/{rid}/add-exercise", data=form)
    assert again.status_code == 409  # the form's version is stale now
    form["expected_version"] = "2"
    dup = staff.post(f"/patients/{pid}/plan/{rid}/add-exercise", data=form)
    assert dup.status_code == 400 and 'data-testid="add-error"' in dup.text
    current = svc.current_plan(_clin(world), patient_id=pid)
    assert current is not None and current.version == 2


def test_a_patient_cannot_open_the_library_or_add_to_a_plan(world: World) -> None:
    pid, rid = _saved(world)
    patient, _ = api_client(world.container, "pat@a.test")
    assert patient.get("/library").status_code in (302, 303, 403)
    resp = patient.post(
        f"/patients/{pid}/plan/{rid}/add-exercise",
        data={"exercise_id": "quad-set", "days": "0", "expected_version": "1"},
    )
    assert resp.status_code in (302, 303, 403)
    current = svc.current_plan(_clin(world), patient_id=pid)
    assert current is not None and current.version == 1
