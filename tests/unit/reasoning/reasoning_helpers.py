"""Builders and an in-memory exercise/lesson library for the reasoning and planning tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from painpath.domain.assessment.findings import Finding, FindingKind
from painpath.domain.assessment.intake import Examination, Intake, intake_from_mapping
from painpath.domain.assessment.reasoning import ClinicalPicture, evaluate_case
from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.types import Compensation, Irritability, Region, Side

TODAY = date(2026, 11, 30)


def intake(**overrides: Any) -> Intake:
    raw: dict[str, Any] = {
        "age": 40,
        "sex": "female",
        "pain_sites": [{"region": "knee", "side": "right", "primary": True}],
        "duration_weeks": 20,
        "aggravating": ["stairs"],
        "easing": ["rest"],
        "goals": [{"name": "climb stairs", "ability": 4}],
    }
    raw.update(overrides)
    return intake_from_mapping(raw)


def finding(kind: str, code: str, *, abnormal: bool = True, **kw: Any) -> Finding:
    k = FindingKind(kind)
    comp = Compensation(code) if k is FindingKind.COMPENSATION else None
    return Finding(kind=k, code=code, abnormal=abnormal, compensation=comp, **kw)


def exam(*findings: Finding) -> Examination:
    return Examination(tuple(findings))


def sr(
    instrument: str, total: float | None = None, band: str | None = None, **subs: float
) -> ScoreResult:
    return ScoreResult(instrument=instrument, valid=True, total=total, subscales=subs, band=band)


def picture(
    i: Intake | None = None,
    e: Examination | None = None,
    scores: Mapping[str, ScoreResult] | None = None,
) -> ClinicalPicture:
    return evaluate_case(i or intake(), e or exam(), scores or {}, today=TODAY)


# ---------------------------------------------------------------- fake library


@dataclass(frozen=True)
class FakeDosage:
    sets: int
    reps: int | None
    hold_s: int | None
    frequency_per_week: int
    note: str = ""


@dataclass(frozen=True)
class FakeExercise:
    id: str
    name: str
    region: Region
    targets: tuple[str, ...]
    level: int
    progression_id: str | None = None
    regression_id: str | None = None
    cues: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ("hayden2021",)
    dosage: Mapping[Irritability, FakeDosage] = field(
        default_factory=lambda: {
            Irritability.HIGH: FakeDosage(1, 8, None, 3),
            Irritability.MODERATE: FakeDosage(2, 10, None, 3),
            Irritability.LOW: FakeDosage(3, 12, 2, 4, "slow lowering"),
        }
    )


class FakeExerciseLibrary:
    def __init__(self, exercises: Sequence[FakeExercise]) -> None:
        self._all = list(exercises)

    def for_target(self, target: str, *, region: Region | None = None) -> list[FakeExercise]:
        hits = [e for e in self._all if target in e.targets and region in (None, e.region)]
        return sorted(hits, key=lambda e: (e.level, e.id))


@dataclass(frozen=True)
class FakeLesson:
    id: str
    title: str
    summary: str = "A short lesson."
    evidence: tuple[str, ...] = ("louw2016",)


class FakeLessonLibrary:
    def __init__(self, ids: Sequence[str]) -> None:
        self._by_id = {i: FakeLesson(i, i.replace("-", " ").title()) for i in ids}

    def by_id(self, lesson_id: str) -> FakeLesson:
        try:
            return self._by_id[lesson_id]
        except KeyError:
            raise InvalidInput(f"unknown lesson {lesson_id!r}") from None

    def all(self) -> list[FakeLesson]:
        return list(self._by_id.values())


LESSON_IDS = [
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
]


def library() -> FakeExerciseLibrary:
    R = Region
    return FakeExerciseLibrary(
        [
            FakeExercise(
                "clamshell",
                "Clamshell",
                R.HIP,
                ("hip_abductor_weakness", "hip_external_rotator_weakness", "dynamic_knee_valgus"),
                1,
                "side-step",
            ),
            FakeExercise(
                "side-step",
                "Banded side step",
                R.HIP,
                ("hip_abductor_weakness", "pelvic_drop"),
                3,
                None,
                "clamshell",
            ),
            FakeExercise("bridge", "Bridge", R.HIP, ("hip_extensor_weakness",), 1),
            FakeExercise("hip-rotation", "Hip rotation", R.HIP, ("hip_mobility_deficit",), 2),
            FakeExercise(
                "open-book",
                "Open book",
                R.THORACIC_SPINE,
                ("thoracic_mobility_deficit", "reduced_thoracic_rotation"),
                1,
            ),
            FakeExercise(
                "scap-set",
                "Scapular setting",
                R.SHOULDER,
                ("scapular_control_deficit", "shoulder_hiking"),
                1,
            ),
            FakeExercise("er-band", "External rotation", R.SHOULDER, ("rotator_cuff_weakness",), 2),
            FakeExercise("chin-nod", "Chin nod", R.NECK, ("deep_neck_flexor_deficit",), 1),
            FakeExercise(
                "walk", "Walking", R.GENERAL, ("low_aerobic_capacity", "general_deconditioning"), 1
            ),
            FakeExercise(
                "sit-stand", "Sit to stand", R.KNEE, ("quadriceps_weakness", "uses_arms_to_rise"), 2
            ),
            FakeExercise(
                "hinge",
                "Hip hinge",
                R.LOW_BACK,
                ("movement_fear", "excessive_trunk_flexion", "guarded_movement"),
                1,
            ),
            FakeExercise(
                "ankle-df", "Ankle dorsiflexion", R.ANKLE_FOOT, ("ankle_dorsiflexion_deficit",), 1
            ),
            FakeExercise("balance", "Balance", R.GENERAL, ("balance_deficit", "balance_loss"), 1),
        ]
    )


def lessons() -> FakeLessonLibrary:
    return FakeLessonLibrary(LESSON_IDS)


__all__ = ["Side"]
