"""Hypothesis strategies for intakes, examinations and scores (reasoning and planning tests)."""

from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from painpath.domain.assessment.findings import Finding, FindingKind
from painpath.domain.assessment.intake import (
    Examination,
    FearedActivity,
    GoalActivity,
    Intake,
    PainPattern,
    PainSite,
    Sleep,
)
from painpath.domain.assessment.reasoning import screen
from painpath.domain.assessment.regions import FINDING_CODE_IMPAIRMENTS
from painpath.domain.assessment.screening import EXAM_SIGNS, RED_FLAG_QUESTIONS
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.types import Compensation, Region, Sex, Side

maybe_bool = st.none() | st.booleans()
names = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).filter(str.strip)


def red_flag_answers() -> st.SearchStrategy[dict[str, bool]]:
    ids = [q.id for q in RED_FLAG_QUESTIONS]
    return st.dictionaries(st.sampled_from(ids), st.booleans(), max_size=8)


def red_flag_signs() -> st.SearchStrategy[dict[str, bool]]:
    return st.dictionaries(st.sampled_from([s.id for s in EXAM_SIGNS]), st.booleans(), max_size=3)


def _without_blocking_answers(intake: Intake) -> Intake:
    """Turn to "no" every answer that helps an urgent or emergency flag fire, until none does
    (every blocking rule needs at least one answer or sign; intakes carry no signs)."""
    answers = dict(intake.red_flag_answers)
    while True:
        intake = dataclasses.replace(intake, red_flag_answers=answers)
        blocking = [f for f in screen(intake, Examination()).red_flags if f.urgency >= 2]
        if not blocking:
            return intake
        for flag in blocking:
            answers.update({q: False for q in flag.triggered_by if answers.get(q)})


@st.composite
def intakes(draw: st.DrawFn, *, allow_urgent: bool = True) -> Intake:
    sites = draw(
        st.lists(
            st.builds(PainSite, st.sampled_from(list(Region)), st.sampled_from(list(Side))),
            min_size=1,
            max_size=4,
        )
    )
    opt_pain = st.none() | st.floats(0, 10)
    intake = Intake(
        age=draw(st.integers(18, 95)),
        sex=draw(st.sampled_from(list(Sex))),
        pain_sites=tuple(sites),
        duration_weeks=draw(st.floats(0, 600)),
        pain_worst=draw(opt_pain),
        settle_min=draw(st.none() | st.floats(0, 2000)),
        provoked_after_min=draw(st.none() | st.floats(0, 300)),
        aggravating=tuple(draw(st.lists(names, max_size=3))),
        easing=tuple(draw(st.lists(names, max_size=2))),
        sleep=Sleep(hours=draw(st.floats(0, 12)), wakings_per_night=draw(st.integers(0, 6))),
        goals=tuple(draw(st.lists(st.builds(GoalActivity, names, st.floats(0, 10)), max_size=5))),
        feared_activities=tuple(
            draw(st.lists(st.builds(FearedActivity, names, st.floats(0, 100)), max_size=5))
        ),
        pattern=PainPattern(night_pain=draw(st.booleans()), constant=draw(st.booleans())),
        red_flag_answers=draw(red_flag_answers()),
        hypersensitivity_history=draw(maybe_bool),
        sensory_sensitivity=draw(maybe_bool),
        fatigue=draw(maybe_bool),
        cognitive_problems=draw(maybe_bool),
        radiating_dermatomal=draw(maybe_bool),
        neural_lesion_history=draw(maybe_bool),
    )
    return intake if allow_urgent else _without_blocking_answers(intake)


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    if draw(st.booleans()):
        comp = draw(st.sampled_from(list(Compensation)))
        return Finding(FindingKind.COMPENSATION, comp.value, abnormal=True, compensation=comp)
    kind = draw(
        st.sampled_from([FindingKind.STRENGTH, FindingKind.RANGE_OF_MOTION, FindingKind.SENSORY])
    )
    codes = [
        *FINDING_CODE_IMPAIRMENTS,
        "allodynia",
        "dynamic_mechanical_allodynia",
        "pressure_pain_threshold",
        "dermatomal_sensory_loss",
        "slr",
    ]
    return Finding(
        kind,
        draw(st.sampled_from(codes)),
        side=draw(st.sampled_from(list(Side))),
        abnormal=draw(st.booleans()),
    )


def score_maps() -> st.SearchStrategy[dict[str, ScoreResult]]:
    def one(instrument: str, hi: float) -> st.SearchStrategy[ScoreResult]:
        return st.builds(
            lambda t, a, b: ScoreResult(
                instrument, True, t, {"anxiety": a, "depression": b, "physical_activity": a * 4}
            ),
            st.floats(0, hi),
            st.integers(0, 6),
            st.integers(0, 6),
        )

    return st.fixed_dictionaries(
        {},
        optional={
            "tsk-17": one("tsk-17", 68),
            "pcs": one("pcs", 52),
            "phq-4": one("phq-4", 12),
            "fabq": one("fabq", 0),
            "csi": one("csi", 100),
            "paindetect": one("paindetect", 38),
            "dn4": one("dn4", 10),
        },
    )
