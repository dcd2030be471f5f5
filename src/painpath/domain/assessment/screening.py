"""Red flags (serious pathology -> medical referral) and psychosocial (yellow) flags.

Red flags: the rule table in ``red_flags`` (questions, examination signs, context facts from
the history, and the rules that combine them, each with its sources). A flag is never
dismissed by the engine: every rule that fires is reported with the facts that triggered it,
and the most urgent flag sets the overall urgency. Urgent and emergency flags block planning.
Critical questions left unanswered (and not skipped with a reason) block signing a plan.

Yellow flags come from ``ScoreResult``s; each names the score, the threshold and its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from painpath.domain.assessment.red_flags import (
    CONTEXT_FACTS,
    EXAM_SIGNS,
    RED_FLAG_QUESTIONS,
    RED_FLAG_RULES,
    ExamSign,
    RedFlagCondition,
    RedFlagQuestion,
    RedFlagRule,
    Urgency,
)
from painpath.domain.errors import InvalidCase
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.types import Region

__all__ = [
    "CRITICAL_QUESTIONS",
    "EXAM_SIGNS",
    "RED_FLAG_QUESTIONS",
    "RED_FLAG_RULES",
    "ExamSign",
    "PsychosocialFlag",
    "RedFlag",
    "RedFlagCondition",
    "RedFlagQuestion",
    "RedFlagRule",
    "Screening",
    "Urgency",
    "context_facts",
    "evaluate_psychosocial_flags",
    "evaluate_red_flags",
    "fact_label",
    "red_flag_answers_from_mapping",
    "red_flag_signs_from_mapping",
    "red_flag_skips_from_mapping",
    "subscale",
]

CRITICAL_QUESTIONS: tuple[str, ...] = tuple(q.id for q in RED_FLAG_QUESTIONS if q.critical)
_QUESTION = {q.id: q for q in RED_FLAG_QUESTIONS}
_SIGN = {s.id: s for s in EXAM_SIGNS}

# Boundaries: "over 50" / "over 70" are exclusive (50 is not over 50); chronic = 12 weeks or more.
AGE_MALIGNANCY = 50
AGE_FRACTURE = 70
CHRONIC_WEEKS = 12.0
_SPINE = frozenset({Region.NECK, Region.THORACIC_SPINE, Region.LOW_BACK, Region.PELVIS_SACRUM})
_BACK = frozenset({Region.THORACIC_SPINE, Region.LOW_BACK, Region.PELVIS_SACRUM})


def context_facts(
    *,
    age: int,
    regions: Iterable[Region],
    night_pain: bool,
    duration_weeks: float,
) -> dict[str, bool]:
    """The context facts (``red_flags.CONTEXT_FACTS``) computed from the history."""
    regions = frozenset(regions)
    return {
        "age_over_50": age > AGE_MALIGNANCY,
        "age_over_70": age > AGE_FRACTURE,
        "spinal_pain": bool(regions & _SPINE),
        "thoracic_pain": Region.THORACIC_SPINE in regions,
        "neck_pain": Region.NECK in regions,
        "night_pain": night_pain,
        "chronic_back_pain": bool(regions & _BACK) and duration_weeks >= CHRONIC_WEEKS,
    }


def fact_label(fact: str, value: bool = True) -> str:
    """How a fact reads in a referral or on the clinician's page."""
    if fact in _QUESTION:
        return f"answered {'yes' if value else 'no'}: {_QUESTION[fact].text}"
    if fact in _SIGN:
        return f"examination: {_SIGN[fact].label}{'' if value else ' (absent)'}"
    return f"history: {CONTEXT_FACTS.get(fact, fact.replace('_', ' '))}"


@dataclass(frozen=True, slots=True)
class RedFlag:
    """One condition suspected; ``urgency`` is that of its most urgent rule."""

    condition: RedFlagCondition
    urgency: Urgency
    triggered_by: tuple[str, ...]  # fact ids that were true in the rules that fired
    evidence: tuple[str, ...]
    rules: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()  # the triggering answers/findings, in words
    referral: str = ""  # clinician referral text (of the most urgent rule)
    safety_net: str = ""  # plain-language message for the patient
    description: str = ""


@dataclass(frozen=True, slots=True)
class Screening:
    red_flags: tuple[RedFlag, ...]
    urgency: Urgency
    unanswered: tuple[str, ...]  # catalogue questions nobody answered
    missing_critical: tuple[str, ...] = ()  # critical questions unanswered and not skipped
    skipped: Mapping[str, str] = field(default_factory=dict)  # question id -> reason

    @property
    def blocks_planning(self) -> bool:
        return self.urgency >= Urgency.URGENT

    @property
    def blocks_signing(self) -> bool:
        return self.blocks_planning or bool(self.missing_critical)

    @property
    def safety_net(self) -> tuple[str, ...]:
        """The patient-facing messages, most urgent first, without repeats."""
        ordered = sorted(self.red_flags, key=lambda f: -f.urgency)
        return tuple(dict.fromkeys(f.safety_net for f in ordered if f.safety_net))


def _fires(rule: RedFlagRule, facts: Mapping[str, bool]) -> tuple[str, ...] | None:
    if not all(facts.get(f) is True for f in rule.all_of):
        return None
    hits = tuple(f for f in rule.any_of if facts.get(f) is True)
    if len(hits) < rule.min_any:
        return None
    return (*rule.all_of, *hits)


def evaluate_red_flags(
    facts: Mapping[str, bool], *, skipped: Mapping[str, str] | None = None
) -> Screening:
    """One ``RedFlag`` per condition with at least one rule firing; urgency = most urgent.

    ``facts``: question answers, examination signs and context facts (see ``red_flags``).
    """
    fired: dict[RedFlagCondition, list[tuple[RedFlagRule, tuple[str, ...]]]] = {}
    for rule in RED_FLAG_RULES:
        hits = _fires(rule, facts)
        if hits is not None:
            fired.setdefault(rule.condition, []).append((rule, hits))
    flags = []
    for condition in RedFlagCondition:
        if condition not in fired:
            continue
        rules = sorted(fired[condition], key=lambda rh: -rh[0].urgency)
        top = rules[0][0]
        triggered = tuple(dict.fromkeys(f for _, hits in rules for f in hits))
        flags.append(
            RedFlag(
                condition=condition,
                urgency=top.urgency,
                triggered_by=triggered,
                evidence=tuple(dict.fromkeys(k for r, _ in rules for k in r.evidence)),
                rules=tuple(r.id for r, _ in rules),
                findings=tuple(fact_label(f) for f in triggered),
                referral=top.referral,
                safety_net=top.safety_net,
                description=top.description,
            )
        )
    skips = dict(skipped or {})
    unanswered = tuple(q.id for q in RED_FLAG_QUESTIONS if q.id not in facts)
    missing = tuple(q for q in CRITICAL_QUESTIONS if q not in facts and q not in skips)
    return Screening(
        red_flags=tuple(flags),
        urgency=max((f.urgency for f in flags), default=Urgency.NONE),
        unanswered=unanswered,
        missing_critical=missing,
        skipped=skips,
    )


# ---------------------------------------------------------------- schema parsing


def _bool_map(value: Any, where: str, known: Iterable[str], what: str) -> dict[str, bool]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidCase(f"{where}: expected a mapping, got {type(value).__name__}")
    ids = set(known)
    out: dict[str, bool] = {}
    for key, answer in value.items():
        if key not in ids:
            raise InvalidCase(f"{where}: unknown {what} {key!r}; known: {', '.join(sorted(ids))}")
        if answer is None:
            continue
        if not isinstance(answer, bool):
            raise InvalidCase(f"{where}.{key}: expected true or false, got {answer!r}")
        out[str(key)] = answer
    return out


def red_flag_answers_from_mapping(value: Any) -> dict[str, bool]:
    """``intake.red_flags``: question id -> true/false (null or absent = not asked)."""
    return _bool_map(value, "intake.red_flags", _QUESTION, "question")


def red_flag_signs_from_mapping(value: Any) -> dict[str, bool]:
    """``examination.red_flag_signs``: sign id -> true (present) / false (examined, absent)."""
    return _bool_map(value, "examination.red_flag_signs", _SIGN, "sign")


def red_flag_skips_from_mapping(value: Any, answers: Mapping[str, bool]) -> dict[str, str]:
    """``intake.red_flags_skipped``: question id -> the reason it was not asked."""
    where = "intake.red_flags_skipped"
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidCase(f"{where}: expected a mapping, got {type(value).__name__}")
    out: dict[str, str] = {}
    for key, reason in value.items():
        if key not in _QUESTION:
            known = ", ".join(sorted(_QUESTION))
            raise InvalidCase(f"{where}: unknown question {key!r}; known: {known}")
        text = str(reason or "").strip()
        if not isinstance(reason, str) or len(text) < 3:
            raise InvalidCase(f"{where}.{key}: give the reason the question was not asked")
        if key in answers:
            raise InvalidCase(f"{where}.{key}: the question was answered; remove the skip")
        out[str(key)] = text[:500]
    return out


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
