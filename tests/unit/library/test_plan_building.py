"""Plan building from the library (issue 14 item 1): search and filters, the items the
clinician adds (exercise with dose and days, agreed goal) and reordering a plan."""

from __future__ import annotations

from datetime import date

import pytest

from painpath.adapters.library import load_exercises
from painpath.domain.errors import InvalidInput
from painpath.domain.planning import Plan, PlanChanges, PlanItem, PlanItemKind, revise_plan
from painpath.domain.planning.edits import (
    clinician_goal_item,
    days_text,
    library_exercise_item,
    parse_days,
)
from painpath.domain.planning.library import NO_EQUIPMENT, ExerciseQuery, search_exercises
from painpath.domain.types import Irritability, Region

LIB = load_exercises()


def test_every_filter_narrows_to_matching_exercises_only() -> None:
    everything = LIB.all()
    knee = search_exercises(everything, ExerciseQuery(region=Region.KNEE))
    assert knee and all(e.region is Region.KNEE for e in knee)
    assert len(knee) < len(everything)
    level3 = search_exercises(everything, ExerciseQuery(level=3))
    assert level3 and all(e.level == 3 for e in level3)
    bare = search_exercises(everything, ExerciseQuery(equipment=NO_EQUIPMENT))
    assert bare and all(not e.equipment for e in bare)
    mats = search_exercises(everything, ExerciseQuery(equipment="mat"))
    assert mats and all("mat" in e.equipment for e in mats)
    quads = search_exercises(everything, ExerciseQuery(purpose="quadriceps_weakness"))
    assert {"quad-set", "wall-sit"} <= {e.id for e in quads}
    assert all("quadriceps_weakness" in e.targets for e in quads)


def test_text_search_needs_every_word_and_ignores_case() -> None:
    everything = LIB.all()
    hits = search_exercises(everything, ExerciseQuery(text="WALL sit"))
    assert "wall-sit" in {e.id for e in hits}
    assert all("wall" in (e.name + e.purpose + " ".join(e.cues)).lower() for e in hits)
    assert search_exercises(everything, ExerciseQuery(text="wall zzzunknown")) == []


def test_filters_combine() -> None:
    hits = search_exercises(LIB.all(), ExerciseQuery(region=Region.KNEE, level=1))
    assert hits and all(e.region is Region.KNEE and e.level == 1 for e in hits)


def test_days_parse_names_and_numbers_and_refuse_others() -> None:
    assert parse_days(["Mon", "wednesday", "4", ""]) == (0, 2, 4)
    assert days_text((4, 0)) == "Mon Fri"
    with pytest.raises(InvalidInput, match="training day"):
        parse_days(["Funday"])


def test_a_library_exercise_takes_the_library_dose_unless_given() -> None:
    ex = LIB.by_id("wall-sit")
    item = library_exercise_item(ex, Irritability.HIGH, dose="", days=(0, 3))
    high = ex.dosage[Irritability.HIGH]
    assert item.id == "exercise.wall-sit" and item.ref == "wall-sit"
    assert item.attributes["dose"].startswith(f"{high.sets} x {high.hold_s} s hold")
    assert item.attributes["days"] == "0,3" and "Mon Thu" in item.details
    own = library_exercise_item(ex, Irritability.LOW, dose=" 2 x 30 s ", days=(1,))
    assert own.attributes["dose"] == "2 x 30 s"
    with pytest.raises(InvalidInput, match="training day"):
        library_exercise_item(ex, Irritability.LOW, dose="", days=())
    with pytest.raises(InvalidInput, match="too long"):
        library_exercise_item(ex, Irritability.LOW, dose="x" * 201, days=(1,))


def test_an_agreed_goal_gets_a_free_id_and_refuses_empty_text() -> None:
    goal = clinician_goal_item("Walk  to the shop", due=date(2027, 3, 1), taken={"goal.agreed-1"})
    assert goal.id == "goal.agreed-2" and goal.title == "Walk to the shop"
    assert goal.kind is PlanItemKind.GOAL and "2027-03-01" in goal.details
    with pytest.raises(InvalidInput):
        clinician_goal_item("   ", due=None, taken=())


def _item(item_id: str, kind: PlanItemKind) -> PlanItem:
    return PlanItem(item_id, kind, item_id, "", (), "r", ())


def test_reordering_moves_only_the_named_items_and_refuses_unknown_ids() -> None:
    items = (
        _item("goal.1", PlanItemKind.GOAL),
        _item("exercise.a", PlanItemKind.EXERCISE),
        _item("review.x", PlanItemKind.REVIEW),
        _item("exercise.b", PlanItemKind.EXERCISE),
    )
    plan = Plan(1, date(2026, 12, 1), Irritability.LOW, items)
    moved = revise_plan(plan, PlanChanges("reorder", order=("exercise.b", "exercise.a")))
    assert [i.id for i in moved.items] == ["goal.1", "exercise.b", "review.x", "exercise.a"]
    assert moved.version == 2 and moved.revision_reason == "reorder"
    with pytest.raises(InvalidInput, match="no item"):
        revise_plan(plan, PlanChanges("reorder", order=("exercise.zz",)))
    with pytest.raises(InvalidInput, match="twice"):
        revise_plan(plan, PlanChanges("reorder", order=("exercise.a", "exercise.a")))
