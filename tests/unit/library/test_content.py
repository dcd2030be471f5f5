"""The shipped exercise library and lessons: counts, coverage, links, evidence, readability."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable

import pytest

from painpath.adapters.knowledge import load_evidence
from painpath.adapters.library import load_exercises, load_lessons
from painpath.domain.planning.illustration import render_svg
from painpath.domain.planning.library import Exercise
from painpath.domain.types import Compensation, Impairment, Irritability, Region
from strategies_library import plain_text

LIB = load_exercises()
LESSONS = load_lessons()
EXERCISES = LIB.all()
REGIONS = {
    Region.LOW_BACK,
    Region.HIP,
    Region.KNEE,
    Region.ANKLE_FOOT,
    Region.SHOULDER,
    Region.NECK,
    Region.THORACIC_SPINE,
    Region.GENERAL,
}
REQUIRED_COMPENSATIONS = [
    Compensation.DYNAMIC_KNEE_VALGUS,
    Compensation.PELVIC_DROP,
    Compensation.TRUNK_LATERAL_LEAN,
    Compensation.SHOULDER_HIKING,
    Compensation.REDUCED_THORACIC_ROTATION,
    Compensation.EXCESSIVE_TRUNK_FLEXION,
    Compensation.LIMITED_SQUAT_DEPTH,
    Compensation.USES_ARMS_TO_RISE,
    Compensation.BALANCE_LOSS,
    Compensation.GUARDED_MOVEMENT,
]
LESSON_IDS = {
    "hurt-vs-harm",
    "sensitised-nervous-system",
    "why-movement-helps",
    "pacing-boom-bust",
    "flare-ups",
    "sleep-and-pain",
    "stress-and-pain",
    "setting-goals",
    "what-to-expect",
    "fear-and-avoidance",
    "graded-exposure",
    "thoughts-and-pain",
    "nerve-pain",
    "active-coping",
}
PLANNER_TOPICS = [
    "mechanism:nociplastic",
    "mechanism:neuropathic",
    "mechanism:nociceptive",
    "fear",
    "catastrophizing",
    "sleep",
    "stress",
    "pacing",
    "flare",
    "goals",
    "expectations",
    "low-mood",
]
MAX_GRADE = 8.0


def test_library_size_and_regions() -> None:
    assert len(LIB) >= 60
    per_region = Counter(e.region for e in EXERCISES)
    assert set(per_region) == REGIONS
    assert min(per_region.values()) >= 6, per_region


@pytest.mark.parametrize("target", [*Impairment, *REQUIRED_COMPENSATIONS], ids=str)
def test_every_impairment_and_listed_compensation_has_an_exercise(target: str) -> None:
    assert LIB.for_target(target), f"no exercise targets {target}"


def test_progressions_and_regressions_point_both_ways() -> None:
    for e in EXERCISES:
        if e.progression_id:
            assert LIB.by_id(e.progression_id).regression_id == e.id, e.id
        if e.regression_id:
            assert LIB.by_id(e.regression_id).progression_id == e.id, e.id


def chain_from(start: Exercise) -> list[str]:
    ids, current = [start.id], start
    while current.progression_id:
        current = LIB.by_id(current.progression_id)
        assert current.id not in ids, f"progression cycle through {current.id}"
        ids.append(current.id)
    return ids


def test_progression_chains_have_two_or_three_levels() -> None:
    chains = [chain_from(e) for e in EXERCISES if e.progression_id and not e.regression_id]
    assert len(chains) >= 15
    for ids in chains:
        levels = [LIB.by_id(i).level for i in ids]
        assert 2 <= len(ids) <= 3 and levels == sorted(levels), ids


def volume(e: Exercise, level: Irritability) -> float:
    d = e.dosage[level]
    per_set = (d.reps or 1) * (d.hold_s or 1)
    return d.sets * per_set * min(d.frequency_per_week, 7)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_dose_shrinks_as_irritability_rises(exercise: Exercise) -> None:
    low, moderate, high = (volume(exercise, i) for i in Irritability)
    assert low >= moderate >= high


def test_every_evidence_key_resolves() -> None:
    catalogue = load_evidence()
    keys = [k for e in EXERCISES for k in e.evidence] + [
        k for lesson in LESSONS.all() for k in lesson.evidence
    ]
    assert catalogue.unresolved(keys) == []


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_exercise_text_is_plain_language(
    exercise: Exercise, fk_grade: Callable[[str], float]
) -> None:
    text = " ".join([exercise.purpose, *exercise.cues])
    assert fk_grade(text) <= MAX_GRADE
    notes = [d.note for d in exercise.dosage.values() if d.note]
    extra = " ".join([*exercise.common_errors, *exercise.precautions, *notes])
    assert fk_grade(extra) <= MAX_GRADE


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_exercise_renders_an_accessible_svg(exercise: Exercise) -> None:
    root = ET.fromstring(render_svg(exercise.pose, title=exercise.name))
    assert root.get("role") == "img"
    assert root.findtext("{http://www.w3.org/2000/svg}title") == exercise.name


def test_lesson_ids_are_the_ones_the_planner_uses() -> None:
    assert {lesson.id for lesson in LESSONS.all()} == LESSON_IDS


@pytest.mark.parametrize("topic", PLANNER_TOPICS)
def test_every_planner_topic_has_a_lesson(topic: str) -> None:
    assert LESSONS.for_topics([topic])


@pytest.mark.parametrize("lesson_id", sorted(LESSON_IDS))
def test_lesson_length_reading_time_and_grade(
    lesson_id: str, fk_grade: Callable[[str], float]
) -> None:
    lesson = LESSONS.by_id(lesson_id)
    text = plain_text(lesson.body_markdown)
    words = len(re.findall(r"[A-Za-z0-9']+", text))
    assert 250 <= words <= 600, words
    assert lesson.reading_minutes == max(1, round(words / 200))  # about 200 words a minute
    assert fk_grade(text) <= MAX_GRADE
    assert fk_grade(lesson.summary) <= MAX_GRADE


def test_expectation_lessons_cite_the_recovery_cohorts() -> None:
    for lesson_id in ("what-to-expect", "flare-ups", "setting-goals"):
        assert {"costa2012", "artus2014"} <= set(LESSONS.by_id(lesson_id).evidence)


def test_plain_text_strips_markdown() -> None:
    assert plain_text("# Title\n\n- **Bold** item\n1. [link](http://x) here") == (
        "Title. Bold item. link here."
    )
