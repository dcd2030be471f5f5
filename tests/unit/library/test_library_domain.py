"""Validation rules of the exercise and lesson types, each shown by one example that breaks it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.domain.errors import InvalidInput
from painpath.domain.planning.library import (
    KNOWN_TARGETS,
    Exercise,
    ExerciseLibrary,
    LessonLibrary,
    dosage_from_mapping,
    exercise_from_mapping,
    lesson_from_parts,
)
from painpath.domain.types import Compensation, Impairment, Irritability, Region
from strategies_library import dose, exercise_mapping, exercise_sets


def ex(**overrides: Any) -> Exercise:
    return exercise_from_mapping(exercise_mapping(**overrides))


def test_valid_mapping_builds_an_exercise() -> None:
    e = ex()
    assert e.region is Region.HIP
    assert set(e.dosage) == set(Irritability)
    assert e.dosage[Irritability.HIGH].sets == 1
    assert e.pose.end["hip"] == 90.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id": "Test_Bridge"}, "kebab-case"),
        ({"id": ""}, "'id'"),
        ({"region": "elbowish"}, "unknown region"),
        ({"targets": ["weak_everything"]}, "weak_everything"),
        ({"targets": "hip_extensor_weakness"}, "list of text"),
        ({"targets": []}, "at least one"),
        ({"level": 0}, "level"),
        ({"level": 4}, "level"),
        ({"level": True}, "level"),
        ({"cues": []}, "cues"),
        ({"cues": ["ok", "  "]}, "empty entry"),
        ({"purpose": "   "}, "purpose"),
        ({"evidence": []}, "evidence"),
        ({"progression_id": "Not An Id"}, "progression_id"),
        ({"dosage": "strength"}, "low/moderate/high"),
        ({"dosage": {"low": dose(), "moderate": dose()}}, "['high']"),
        (
            {"dosage": {"low": dose(), "moderate": dose(), "high": dose(), "extreme": dose()}},
            "extreme",
        ),
        ({"pose": {"view": "top", "start": {}, "end": {}}}, "view"),
        ({"pose": {"view": "side", "start": {"wrist": 3}, "end": {}}}, "wrist"),
        ({"pose": {"view": "side", "start": {}, "end": {"knee": 200}}}, "-180..180"),
        ({"pose": {"view": "side", "start": {}, "end": {"knee": "bent"}}}, "number"),
        ({"pose": {"view": "side", "start": [], "end": {}}}, "mapping"),
        ({"pose": "standing"}, "mapping"),
    ],
)
def test_invalid_exercise_is_rejected_with_a_clear_message(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=None) as err:
        ex(**overrides)
    assert message in str(err.value)
    assert "test-bridge" in str(err.value) or "id" in str(err.value)


def test_missing_required_field_is_named() -> None:
    raw = exercise_mapping()
    del raw["cues"]
    with pytest.raises(InvalidInput, match="cues"):
        exercise_from_mapping(raw)
    with pytest.raises(InvalidInput, match="mapping"):
        exercise_from_mapping(["not", "a", "mapping"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"sets": 2, "frequency_per_week": 3}, "reps, hold_s"),
        ({"sets": 0, "reps": 5, "frequency_per_week": 3}, "sets"),
        ({"sets": 2, "reps": 5, "frequency_per_week": 15}, "frequency_per_week"),
        ({"sets": 2, "reps": 5}, "frequency_per_week"),
        ({"sets": 2, "reps": 5, "frequency_per_week": 3, "rest_s": -1}, "rest_s"),
        ({"sets": 2, "reps": 2.5, "frequency_per_week": 3}, "reps"),
        ("3x10", "mapping"),
    ],
)
def test_invalid_dosage_is_rejected(raw: object, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        dosage_from_mapping(raw)
    assert message in str(err.value)


def test_dosage_accepts_hold_only_and_keeps_the_note() -> None:
    d = dosage_from_mapping({"sets": 3, "hold_s": 30, "frequency_per_week": 7, "note": " Easy. "})
    assert (d.reps, d.hold_s, d.rest_s, d.note) == (None, 30, 0, "Easy.")


# ------------------------------------------------------------------ library rules


def chain(**second: Any) -> list[Any]:
    first = ex(id="a-one", level=1, progression_id="a-two")
    return [first, ex(**({"id": "a-two", "level": 2, "regression_id": "a-one"} | second))]


def test_library_accepts_a_consistent_chain() -> None:
    lib = ExerciseLibrary(chain())
    assert lib.by_id("a-one").progression_id == "a-two"
    assert len(lib) == 2


@pytest.mark.parametrize(
    ("exercises", "message"),
    [
        (lambda: [ex(), ex()], "duplicate"),
        (lambda: [ex(progression_id="nowhere")], "does not exist"),
        (lambda: [ex(regression_id="test-bridge")], "itself"),
        (lambda: chain(region="knee"), "region"),
        (lambda: chain(level=3), "level"),
        (lambda: [ex(id="hard", level=3, regression_id="easy"), ex(id="easy", level=1)], "level"),
        (lambda: [ex(id="up", level=2, regression_id="higher"), ex(id="higher", level=3)], "down"),
    ],
)
def test_library_rejects_broken_links(exercises: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        ExerciseLibrary(exercises())
    assert message in str(err.value)


def test_for_target_sorts_by_level_and_filters_by_region() -> None:
    lib = ExerciseLibrary(
        [
            ex(id="c-hard", level=3, targets=["pelvic_drop"]),
            ex(id="b-easy", level=1, targets=["pelvic_drop", "hip_abductor_weakness"]),
            ex(id="a-knee", level=2, region="knee", targets=["pelvic_drop"]),
            ex(id="other", level=1, targets=["calf_weakness"]),
        ]
    )
    assert [e.id for e in lib.for_target(Compensation.PELVIC_DROP)] == [
        "b-easy",
        "a-knee",
        "c-hard",
    ]
    hip_only = lib.for_target("pelvic_drop", region=Region.HIP)
    assert [e.id for e in hip_only] == ["b-easy", "c-hard"]
    assert lib.for_target(Impairment.QUADRICEPS_WEAKNESS) == []
    assert lib.regions() == (Region.HIP, Region.KNEE)
    assert [e.id for e in lib.all()] == ["b-easy", "other", "c-hard", "a-knee"]
    with pytest.raises(InvalidInput, match="unknown target"):
        lib.for_target("tight_everything")
    with pytest.raises(InvalidInput, match="unknown exercise"):
        lib.by_id("missing")


# ------------------------------------------------------------------ lessons

FRONT = {
    "title": "Pacing",
    "summary": "Steady beats boom and bust.",
    "topics": ["pacing"],
    "evidence": ["macedo2010"],
    "reading_minutes": 2,
}


def test_lesson_from_parts_builds_a_lesson() -> None:
    lesson = lesson_from_parts("pacing", FRONT, "\n# Pacing\n\nText.\n\n")
    assert lesson.body_markdown == "# Pacing\n\nText.\n"
    assert lesson.topics == ("pacing",)


@pytest.mark.parametrize(
    ("lesson_id", "front", "body", "message"),
    [
        ("Pacing!", FRONT, "x", "kebab-case"),
        ("pacing", {k: v for k, v in FRONT.items() if k != "title"}, "x", "title"),
        ("pacing", FRONT | {"reading_minutes": 0}, "x", "reading_minutes"),
        ("pacing", FRONT | {"topics": "pacing"}, "x", "topics"),
        ("pacing", FRONT, "   ", "empty"),
        ("pacing", ["title"], "x", "mapping"),
    ],
)
def test_invalid_lesson_is_rejected(lesson_id: str, front: Any, body: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        lesson_from_parts(lesson_id, front, body)
    assert message in str(err.value)


def test_lesson_library_orders_by_shared_topics() -> None:
    a = lesson_from_parts("a-sleep", FRONT | {"topics": ["sleep"]}, "x")
    b = lesson_from_parts("b-both", FRONT | {"topics": ["sleep", "stress"]}, "x")
    c = lesson_from_parts("c-stress", FRONT | {"topics": ["stress"]}, "x")
    lib = LessonLibrary([c, a, b])
    assert [x.id for x in lib.for_topics(["sleep", "stress"])] == ["b-both", "a-sleep", "c-stress"]
    assert [x.id for x in lib.for_topics(["stress"])] == ["b-both", "c-stress"]
    assert lib.for_topics(["fear"]) == []
    assert [x.id for x in lib.all()] == ["a-sleep", "b-both", "c-stress"]
    assert len(lib) == 3 and lib.by_id("a-sleep") is a
    with pytest.raises(InvalidInput, match="unknown lesson"):
        lib.by_id("nope")
    with pytest.raises(InvalidInput, match="duplicate"):
        LessonLibrary([a, a])


@settings(max_examples=50, deadline=None)
@given(exercise_sets(), st.sampled_from(sorted(KNOWN_TARGETS)), st.sampled_from(list(Region)))
def test_for_target_returns_only_matches_easiest_first(
    raws: list[dict[str, Any]], target: str, region: Region
) -> None:
    lib = ExerciseLibrary(exercise_from_mapping(r) for r in raws)
    hits = lib.for_target(target)
    assert all(target in e.targets for e in hits)
    assert [e.level for e in hits] == sorted(e.level for e in hits)
    assert len(hits) == sum(target in r["targets"] for r in raws)
    in_region = lib.for_target(target, region=region)
    assert in_region == [e for e in hits if e.region is region]
