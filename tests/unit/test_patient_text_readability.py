"""Plain language where patients read it: every text the engines generate for a patient.

Lessons and exercise texts are checked in tests/unit/library; this covers the red-flag
questions patients answer themselves and the reasons the graded-activity engine and the
exposure ladder give, over every kind of synthetic course.
"""

from __future__ import annotations

import pytest

from painpath.domain.assessment.screening import RED_FLAG_QUESTIONS
from painpath.domain.outcomes.tracking import ExpectedCourse, what_to_expect
from painpath.domain.progression.exposure import ExposureLadder, evaluate_ladder
from painpath.domain.progression.simulation import Archetype, simulate_patient
from tests.readability import fk_grade

MAX_GRADE = 8


@pytest.mark.parametrize("question", RED_FLAG_QUESTIONS, ids=lambda q: q.id)
def test_red_flag_questions_are_plain(question) -> None:  # type: ignore[no-untyped-def]
    assert fk_grade(question.text) <= MAX_GRADE, question.text


def test_every_engine_reason_is_plain() -> None:
    reasons: set[str] = set()
    for archetype in Archetype:
        for seed in (1, 2, 3):
            course = simulate_patient(archetype, weeks=16, seed=seed)
            reasons.update(d.reason for d in course.decisions)
    assert len(reasons) >= 8  # the engine's vocabulary, not one sentence
    too_hard = sorted((fk_grade(r), r) for r in reasons if fk_grade(r) > MAX_GRADE)
    assert too_hard == []


def test_exposure_reasons_and_expectations_are_plain() -> None:
    ladder = ExposureLadder.from_ratings({"bending": 80, "lifting a basket": 60, "gardening": 40})
    texts = [evaluate_ladder(ladder).reason]
    ladder = ladder.record("gardening", 35, done=True).record("gardening", 15, done=True)
    texts.append(evaluate_ladder(ladder).reason)
    for week in (0, 3, 8, 20, 52):
        texts.append(what_to_expect(week))
        texts.append(what_to_expect(week, baseline=6.0, latest=0.0, course=ExpectedCourse()))
        texts.append(what_to_expect(week, baseline=6.0, latest=9.5, course=ExpectedCourse()))
    for text in texts:
        assert fk_grade(text) <= MAX_GRADE, text
