"""Red flags (serious pathology -> medical referral) and psychosocial (yellow) flags.

Red flags come from yes/no questions in the catalogue below. A flag is never dismissed by the
engine: any positive answer is reported, and the most urgent one sets the overall urgency.
Sources: Finucane 2020 (IFOMPT framework), UK community red-flag pathway 2023 (emergency vs
urgent lists); vascular and inflammatory items are documented defaults (status unverified).

Yellow flags come from ``ScoreResult``s; each names the score, the threshold and its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from painpath.domain.outcomes.instruments.result import ScoreResult

__all__ = [
    "RED_FLAG_QUESTIONS",
    "PsychosocialFlag",
    "RedFlag",
    "RedFlagCondition",
    "RedFlagQuestion",
    "Screening",
    "Urgency",
    "evaluate_psychosocial_flags",
    "evaluate_red_flags",
    "subscale",
]


class Urgency(IntEnum):
    """Ordered so that ``max`` gives the overall urgency."""

    NONE = 0
    SOON = 1  # priority referral, about 2 weeks (UK pathway "urgent")
    URGENT = 2  # same-day / emergency

    @property
    def label(self) -> str:
        return self.name.lower()


class RedFlagCondition(StrEnum):
    CAUDA_EQUINA = "cauda_equina"
    CORD_COMPRESSION = "cord_compression"
    FRACTURE = "fracture"
    CANCER = "cancer"
    INFECTION = "infection"
    VASCULAR = "vascular"
    INFLAMMATORY = "inflammatory"


@dataclass(frozen=True, slots=True)
class RedFlagQuestion:
    id: str
    text: str  # plain language, for patients
    condition: RedFlagCondition
    urgency: Urgency
    evidence: tuple[str, ...]


_SPINE = ("finucane2020", "uk_red_flag_pathway")
_C = RedFlagCondition
_U = Urgency

RED_FLAG_QUESTIONS: tuple[RedFlagQuestion, ...] = (
    RedFlagQuestion(
        "ces_bladder",
        "Have you recently had trouble passing urine, not felt when your bladder is full, or "
        "leaked urine?",
        _C.CAUDA_EQUINA,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "ces_bowel",
        "Have you recently lost control of your bowels?",
        _C.CAUDA_EQUINA,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "ces_saddle_numbness",
        "Is there new numbness or tingling between your legs or around your bottom?",
        _C.CAUDA_EQUINA,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "ces_bilateral_leg_symptoms",
        "Has pain, numbness or weakness spread to both legs?",
        _C.CAUDA_EQUINA,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "ces_sexual_dysfunction",
        "Have you noticed new changes in sexual function or sensation?",
        _C.CAUDA_EQUINA,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "progressive_leg_weakness",
        "Are your legs getting weaker, or has your foot started to drop or slap?",
        _C.CAUDA_EQUINA,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "gait_disturbance_clumsy_hands",
        "Has your walking become unsteady or your hands clumsy over recent weeks?",
        _C.CORD_COMPRESSION,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "major_trauma",
        "Did the pain start after a serious accident or a bad fall?",
        _C.FRACTURE,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "minor_trauma_osteoporosis",
        "Did it start after a small fall or strain, and do you have thin bones (osteoporosis)?",
        _C.FRACTURE,
        _U.SOON,
        _SPINE,
    ),
    RedFlagQuestion(
        "prolonged_steroids",
        "Have you taken steroid tablets for several months?",
        _C.FRACTURE,
        _U.SOON,
        _SPINE,
    ),
    RedFlagQuestion(
        "cancer_history", "Have you ever been treated for cancer?", _C.CANCER, _U.SOON, _SPINE
    ),
    RedFlagQuestion(
        "unexplained_weight_loss",
        "Have you lost weight recently without trying?",
        _C.CANCER,
        _U.SOON,
        _SPINE,
    ),
    RedFlagQuestion(
        "constant_progressive_night_pain",
        "Is the pain constant, getting worse, and unchanged by resting or moving, even at night?",
        _C.CANCER,
        _U.SOON,
        _SPINE,
    ),
    RedFlagQuestion(
        "fever_with_spinal_pain",
        "Have you had a fever, chills or felt generally unwell along with this pain?",
        _C.INFECTION,
        _U.URGENT,
        _SPINE,
    ),
    RedFlagQuestion(
        "immunosuppression_or_iv_drugs",
        "Is your immune system weakened (medicines or illness), or have you injected drugs?",
        _C.INFECTION,
        _U.SOON,
        _SPINE,
    ),
    RedFlagQuestion(
        "pulsatile_abdominal_mass",
        "Do you feel a throbbing lump in your belly, or a tearing pain in your belly or back?",
        _C.VASCULAR,
        _U.URGENT,
        ("aaa_warning_signs",),
    ),
    RedFlagQuestion(
        "cervical_arterial_signs",
        "Since your neck pain began, have you felt dizzy or seen double? Have you had "
        "trouble speaking or swallowing, or sudden falls?",
        _C.VASCULAR,
        _U.URGENT,
        ("rushton2023",),
    ),
    RedFlagQuestion(
        "ibp_improves_with_exercise",
        "Does the stiffness get better when you move about, but not when you rest?",
        _C.INFLAMMATORY,
        _U.SOON,
        ("sieper2009",),
    ),
    RedFlagQuestion(
        "ibp_night_pain_second_half",
        "Do you wake in the second half of the night because of back pain?",
        _C.INFLAMMATORY,
        _U.SOON,
        ("sieper2009",),
    ),
    RedFlagQuestion(
        "ibp_onset_before_40",
        "Did this back pain begin slowly before you were 40?",
        _C.INFLAMMATORY,
        _U.SOON,
        ("sieper2009",),
    ),
)

# Inflammatory back pain needs several features together (ASAS-style combination); single
# features are common in mechanical pain. Default 2 positive answers: unverified project default.
_MIN_POSITIVE = {RedFlagCondition.INFLAMMATORY: 2}


@dataclass(frozen=True, slots=True)
class RedFlag:
    condition: RedFlagCondition
    urgency: Urgency
    triggered_by: tuple[str, ...]  # question ids answered yes
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Screening:
    red_flags: tuple[RedFlag, ...]
    urgency: Urgency
    unanswered: tuple[str, ...]  # catalogue questions nobody answered

    @property
    def blocks_planning(self) -> bool:
        return self.urgency is Urgency.URGENT


def evaluate_red_flags(answers: Mapping[str, bool]) -> Screening:
    """One ``RedFlag`` per condition with enough positive answers; urgency = most urgent."""
    flags: list[RedFlag] = []
    for condition in RedFlagCondition:
        questions = [q for q in RED_FLAG_QUESTIONS if q.condition is condition]
        positive = [q for q in questions if answers.get(q.id) is True]
        if len(positive) < _MIN_POSITIVE.get(condition, 1) or not positive:
            continue
        evidence = tuple(dict.fromkeys(k for q in positive for k in q.evidence))
        flags.append(
            RedFlag(
                condition=condition,
                urgency=max(q.urgency for q in positive),
                triggered_by=tuple(q.id for q in positive),
                evidence=evidence + (("project_default",) if condition in _MIN_POSITIVE else ()),
            )
        )
    urgency = max((f.urgency for f in flags), default=Urgency.NONE)
    unanswered = tuple(q.id for q in RED_FLAG_QUESTIONS if q.id not in answers)
    return Screening(red_flags=tuple(flags), urgency=urgency, unanswered=unanswered)


# ---------------------------------------------------------------- yellow flags


@dataclass(frozen=True, slots=True)
class PsychosocialFlag:
    id: str  # e.g. "kinesiophobia", "catastrophizing"
    instrument: str
    score: float | str  # the total/subscale value, or the band for STarT Back
    threshold: str  # human-readable rule, e.g. "> 37"
    statement: str
    evidence: tuple[str, ...]


# Aliases accepted for subscale names, so the reasoning does not depend on one spelling.
_SUBSCALE_ALIASES: dict[str, tuple[str, ...]] = {
    "pa": ("pa", "physical_activity", "fabq_pa", "fabq-pa"),
    "w": ("w", "work", "fabq_w", "fabq-w"),
    "anxiety": ("anxiety", "gad2", "gad-2", "gad_2"),
    "depression": ("depression", "phq2", "phq-2", "phq_2"),
}


def subscale(result: ScoreResult, name: str) -> float | None:
    """The subscale value under any accepted spelling, or None."""
    for alias in _SUBSCALE_ALIASES.get(name, (name,)):
        value = result.subscales.get(alias)
        if value is not None:
            return value
    return None


@dataclass(frozen=True, slots=True)
class _ScoreRule:
    flag: str
    instrument: str
    part: str | None  # subscale, or None for total
    threshold: float
    inclusive: bool
    statement: str
    evidence: tuple[str, ...]


_SCORE_RULES: tuple[_ScoreRule, ...] = (
    _ScoreRule(
        "disability_risk",
        "orebro-sf",
        None,
        50,
        True,
        "Örebro-SF at or above 50: raised risk of long-term disability and work loss (cut-off "
        "inclusive: unverified).",
        ("linton2011", "project_default"),
    ),
    _ScoreRule(
        "kinesiophobia",
        "tsk-17",
        None,
        37,
        False,
        "TSK-17 above 37: high fear of movement (kinesiophobia).",
        ("vlaeyen1995",),
    ),
    _ScoreRule(
        "kinesiophobia",
        "tsk-11",
        None,
        27,
        False,
        "TSK-11 above 27: high fear of movement (TSK-11 cut-off is an unverified project default).",
        ("woby2005", "project_default"),
    ),
    _ScoreRule(
        "catastrophizing",
        "pcs",
        None,
        30,
        True,
        "PCS 30 or more: clinically relevant pain catastrophizing.",
        ("sullivan1995",),
    ),
    _ScoreRule(
        "fear_avoidance_physical",
        "fabq",
        "pa",
        14,
        False,
        "FABQ physical-activity subscale above 14: strong fear-avoidance beliefs about activity.",
        ("fritz2002",),
    ),
    _ScoreRule(
        "fear_avoidance_work",
        "fabq",
        "w",
        34,
        False,
        "FABQ work subscale above 34: high risk for work-related disability.",
        ("fritz2002",),
    ),
    _ScoreRule(
        "anxiety",
        "phq-4",
        "anxiety",
        3,
        True,
        "PHQ-4 anxiety (GAD-2) 3 or more: positive anxiety screen (a screen, not a diagnosis).",
        ("kroenke2009",),
    ),
    _ScoreRule(
        "low_mood",
        "phq-4",
        "depression",
        3,
        True,
        "PHQ-4 depression (PHQ-2) 3 or more: positive depression screen (a screen, not a "
        "diagnosis).",
        ("kroenke2009",),
    ),
)


def _rule_flag(rule: _ScoreRule, result: ScoreResult) -> PsychosocialFlag | None:
    value = result.total if rule.part is None else subscale(result, rule.part)
    if value is None or not result.valid:
        return None
    hit = value >= rule.threshold if rule.inclusive else value > rule.threshold
    if not hit:
        return None
    op = ">=" if rule.inclusive else ">"
    where = rule.instrument if rule.part is None else f"{rule.instrument}.{rule.part}"
    return PsychosocialFlag(
        id=rule.flag,
        instrument=where,
        score=value,
        threshold=f"{op} {rule.threshold:g}",
        statement=rule.statement,
        evidence=rule.evidence,
    )


def _startback_flag(result: ScoreResult) -> PsychosocialFlag | None:
    band = (result.band or "").lower()
    if not result.valid or band not in ("high", "medium"):
        return None
    return PsychosocialFlag(
        id="startback_" + band,
        instrument="startback",
        score=band,
        threshold="medium or high risk",
        statement=f"STarT Back {band} risk: "
        + (
            "psychosocial factors dominate; add a psychologically informed approach."
            if band == "high"
            else "physical and some psychosocial factors; physiotherapy indicated."
        ),
        evidence=("keele_sbst",),
    )


def evaluate_psychosocial_flags(scores: Mapping[str, ScoreResult]) -> tuple[PsychosocialFlag, ...]:
    """Yellow flags in a fixed order: STarT Back first, then the rule table."""
    flags: list[PsychosocialFlag] = []
    if "startback" in scores:
        sb = _startback_flag(scores["startback"])
        if sb is not None:
            flags.append(sb)
    for rule in _SCORE_RULES:
        result = scores.get(rule.instrument)
        flag = _rule_flag(rule, result) if result is not None else None
        if flag is not None:
            flags.append(flag)
    return tuple(flags)
