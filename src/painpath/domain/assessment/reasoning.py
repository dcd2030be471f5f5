"""The clinical picture: every conclusion of the reasoning with the facts and rule behind it.

``evaluate_case`` is pure: intake + examination + scores in, ``ClinicalPicture`` out. It runs
screening, norms, mechanism, irritability and regional interdependence, and collects the
impairments a plan should target (each with the findings that showed it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from painpath.domain.assessment.falls import FallsLevel, FallsRisk, evaluate_falls_risk
from painpath.domain.assessment.findings import Finding, FindingKind
from painpath.domain.assessment.intake import Examination, Intake
from painpath.domain.assessment.irritability import IrritabilityAssessment, evaluate_irritability
from painpath.domain.assessment.mechanism import Grade, MechanismAssessment, evaluate_mechanism
from painpath.domain.assessment.norms import FUNCTIONAL_TESTS, NormComparison, NormStatus
from painpath.domain.assessment.norms import compare_functional_test as _compare
from painpath.domain.assessment.regions import (
    COMPENSATION_IMPAIRMENTS,
    RelatedRegionResult,
    evaluate_related_regions,
    impairments_of,
)
from painpath.domain.assessment.screening import (
    PsychosocialFlag,
    Screening,
    context_facts,
    evaluate_psychosocial_flags,
    evaluate_red_flags,
    fact_label,
)
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.types import Impairment, sided

__all__ = [
    "ClinicalPicture",
    "Conclusion",
    "ImpairmentTarget",
    "evaluate_case",
    "screen",
    "screening_facts",
]

FEAR_FLAGS = frozenset({"kinesiophobia", "fear_avoidance_physical"})


@dataclass(frozen=True, slots=True)
class Conclusion:
    id: str
    statement: str  # clinician language
    facts: tuple[str, ...]
    rule_id: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImpairmentTarget:
    impairment: Impairment
    facts: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClinicalPicture:
    intake: Intake
    examination: Examination  # functional tests re-judged against norms
    scores: Mapping[str, ScoreResult]
    assessed_on: date
    screening: Screening
    psychosocial: tuple[PsychosocialFlag, ...]
    mechanism: MechanismAssessment
    irritability: IrritabilityAssessment
    norms: tuple[NormComparison, ...]
    related: tuple[RelatedRegionResult, ...]
    impairments: tuple[ImpairmentTarget, ...]
    compensations: tuple[Finding, ...]
    conclusions: tuple[Conclusion, ...]
    falls: FallsRisk = field(default_factory=lambda: FallsRisk(FallsLevel.NONE, (), (), False))

    @property
    def fear_high(self) -> bool:
        return any(f.id in FEAR_FLAGS for f in self.psychosocial)

    @property
    def to_examine(self) -> tuple[str, ...]:
        out = []
        for r in self.related:
            out += [f"{r.link.target.value}: {imp.value}" for imp in r.to_examine]
        return tuple(dict.fromkeys(out))

    def flag_ids(self) -> frozenset[str]:
        return frozenset(f.id for f in self.psychosocial)


def _judge_functional(
    intake: Intake, exam: Examination
) -> tuple[Examination, list[NormComparison]]:
    findings: list[Finding] = []
    norms: list[NormComparison] = []
    for f in exam.findings:
        if f.kind is not FindingKind.FUNCTIONAL_TEST or f.code not in FUNCTIONAL_TESTS:
            findings.append(f)
            continue
        if f.value is None:
            findings.append(f)
            continue
        cmp = _compare(f.code, f.value, age=intake.age, sex=intake.sex)
        norms.append(cmp)
        if cmp.status is not NormStatus.NO_NORM:
            f = dataclasses.replace(
                f, abnormal=cmp.status is NormStatus.BELOW, norm=cmp.norm, evidence=cmp.evidence
            )
        findings.append(f)
    # keep the judgements, range response, red-flag signs and working diagnoses
    return dataclasses.replace(exam, findings=tuple(findings)), norms


def _impairment_targets(exam: Examination) -> tuple[ImpairmentTarget, ...]:
    facts: dict[Impairment, list[str]] = {}
    evidence: dict[Impairment, list[str]] = {}
    for f in exam.abnormal():
        ev = list(f.evidence)
        if f.compensation is not None:
            ev += COMPENSATION_IMPAIRMENTS[f.compensation][1]
        for imp in impairments_of(f):
            value = (
                "" if f.value is None else f" = {f.value:g}{'' if f.unit is None else ' ' + f.unit}"
            )
            facts.setdefault(imp, []).append(f"{f.kind.value} {sided(f.code, f.side)}{value}")
            evidence.setdefault(imp, []).extend(ev or ["wainner2007"])
    return tuple(
        ImpairmentTarget(imp, tuple(facts[imp]), tuple(dict.fromkeys(evidence[imp])))
        for imp in Impairment
        if imp in facts
    )


def screening_facts(intake: Intake, examination: Examination) -> dict[str, bool]:
    """Every red-flag fact known for this case: answers, examination signs, context."""
    context = context_facts(
        age=intake.age,
        regions=intake.regions,
        night_pain=intake.pattern.night_pain,
        duration_weeks=intake.duration_weeks,
    )
    return {**context, **examination.red_flag_signs, **intake.red_flag_answers}


def screen(intake: Intake, examination: Examination) -> Screening:
    """Red-flag screening of one case in context (``screening.evaluate_red_flags``)."""
    return evaluate_red_flags(
        screening_facts(intake, examination), skipped=intake.red_flags_skipped
    )


def _red_flag_conclusions(screening: Screening) -> list[Conclusion]:
    out = [
        Conclusion(
            id=f"red_flag.{flag.condition.value}",
            statement=f"Red flag: possible {flag.condition.value.replace('_', ' ')}; "
            f"{flag.urgency.label}: {flag.urgency.action}. {flag.description}",
            facts=flag.findings,
            rule_id=f"screening.red_flag.{flag.rules[0] if flag.rules else flag.condition.value}",
            evidence=flag.evidence,
        )
        for flag in screening.red_flags
    ]
    if screening.missing_critical:
        out.append(
            Conclusion(
                "red_flag.unanswered_critical",
                f"{len(screening.missing_critical)} critical safety questions are not answered: "
                "ask them (or record why not) before the plan can be signed.",
                tuple(fact_label(q) for q in screening.missing_critical),
                "screening.red_flag.critical_unanswered",
                ("finucane2020",),
            )
        )
    if not screening.red_flags:
        out.append(
            Conclusion(
                "red_flag.none",
                "No red flag reported; keep screening at every visit.",
                (f"{len(screening.unanswered)} red-flag questions unanswered",),
                "screening.red_flag.none",
                ("finucane2020",),
            )
        )
    return out


def _criteria_facts(m: MechanismAssessment, prefix: str) -> tuple[str, ...]:
    return tuple(
        f"{c.description}: {c.status.value} [{'; '.join(c.facts)}]"
        for c in m.criteria
        if c.id.startswith(prefix)
    )


def _criteria_evidence(m: MechanismAssessment, prefix: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(k for c in m.criteria if c.id.startswith(prefix) for k in c.evidence)
    )


def _mechanism_conclusions(m: MechanismAssessment) -> list[Conclusion]:
    csi = ("adams2023", "neblett2013") if m.supporting else ()
    rows = [
        (
            "nociceptive",
            f"Nociceptive pain: {m.nociceptive.value.replace('_', ' ')}.",
            "mechanism.nociceptive.smart2012",
            (),
        ),
        (
            "neuropathic",
            f"Neuropathic pain (NeuPSIG grading): {m.neuropathic.value.replace('_', ' ')}.",
            "mechanism.neuropathic.finnerup2016",
            (),
        ),
        (
            "nociplastic",
            f"Nociplastic pain (IASP 2021 grading): {m.nociplastic.value.replace('_', ' ')}.",
            "mechanism.nociplastic.kosek2021",
            csi,
        ),
    ]
    out = [
        Conclusion(
            f"mechanism.{name}",
            text,
            _criteria_facts(m, name) + (m.supporting if name == "nociplastic" else ()),
            rule,
            (*_criteria_evidence(m, name), *extra),
        )
        for name, text, rule, extra in rows
    ]
    if m.mixed:
        mixed = f"Mixed pain presentation: {', '.join(m.mechanisms)}."
        out.append(
            Conclusion("mechanism.mixed", mixed, m.mechanisms, "mechanism.mixed", ("kosek2021",))
        )
    return out


def _flag_and_irritability_conclusions(p: ClinicalPicture) -> list[Conclusion]:
    out = [
        Conclusion(
            f"psychosocial.{f.id}",
            f.statement,
            (f"{f.instrument} = {f.score} ({f.threshold})",),
            f"screening.yellow.{f.id}",
            f.evidence,
        )
        for f in p.psychosocial
    ]
    irr = p.irritability
    text = f"Irritability {irr.level.value}: {irr.dosing.summary}"
    ev = tuple(dict.fromkeys((*irr.evidence, *irr.dosing.evidence)))
    out.append(Conclusion("irritability", text, irr.facts, "irritability.kelley2009", ev))
    return out


def _falls_conclusions(falls: FallsRisk) -> list[Conclusion]:
    if not falls.flagged:
        return []
    action = (
        "multifactorial falls assessment and strength-and-balance training"
        if falls.level is FallsLevel.HIGH
        else "strength-and-balance training and a review of falls risk factors"
    )
    return [
        Conclusion(
            "falls_risk",
            f"Falls risk {falls.level.value}: {action}.",
            falls.triggers,
            f"falls.{falls.level.value}",
            falls.evidence,
        )
    ]


def _norm_conclusions(p: ClinicalPicture) -> list[Conclusion]:
    return [
        Conclusion(
            f"norm.{n.test}",
            f"{n.test} {n.value:g} {n.unit}: {n.status.value.replace('_', ' ')} ({n.norm}).",
            (f"age {p.intake.age}, {p.intake.sex.value}",),
            f"norms.{n.test}",
            n.evidence or ("project_default",),
        )
        for n in p.norms
    ]


def _region_conclusions(p: ClinicalPicture) -> list[Conclusion]:
    out = []
    for r in p.related:
        rid = f"regions.{r.link.source.value}->{r.link.target.value}"
        facts = tuple(f"{imp.value}: {'; '.join(fs)}" for imp, fs in r.found)
        todo = ", ".join(i.value for i in r.to_examine)
        found = ", ".join(i.value for i, _ in r.found) or "none found"
        text = f"{r.link.source.value} pain, related region {r.link.target.value}: {found}."
        text += f" Examine next: {todo}." if todo else ""
        out.append(Conclusion(rid, text, facts, rid, r.link.evidence))
    out += [
        Conclusion(
            f"impairment.{t.impairment.value}",
            f"Impairment to target: {t.impairment.value.replace('_', ' ')}.",
            t.facts,
            "impairment.from_findings",
            t.evidence,
        )
        for t in p.impairments
    ]
    return out


def evaluate_case(
    intake: Intake,
    examination: Examination,
    scores: Mapping[str, ScoreResult],
    *,
    today: date,
) -> ClinicalPicture:
    exam, norms = _judge_functional(intake, examination)
    screening = screen(intake, examination)
    mechanism = evaluate_mechanism(intake, exam, scores)
    sensitised = bool(
        {mechanism.neuropathic, mechanism.nociplastic} & {Grade.PROBABLE, Grade.DEFINITE}
    )
    picture = ClinicalPicture(
        intake=intake,
        examination=exam,
        scores=dict(scores),
        assessed_on=today,
        screening=screening,
        psychosocial=evaluate_psychosocial_flags(scores),
        mechanism=mechanism,
        irritability=evaluate_irritability(intake, exam, sensitised=sensitised),
        norms=tuple(norms),
        related=evaluate_related_regions(intake.regions, exam),
        impairments=_impairment_targets(exam),
        compensations=tuple(f for f in exam.abnormal() if f.compensation is not None),
        conclusions=(),
        falls=evaluate_falls_risk(
            age=intake.age,
            history=intake.falls,
            tug_s=[
                f.value
                for f in exam.findings
                if f.kind is FindingKind.FUNCTIONAL_TEST and f.code == "tug" and f.value is not None
            ],
            norms=norms,
        ),
    )
    conclusions = [
        *_red_flag_conclusions(screening),
        *_mechanism_conclusions(mechanism),
        *_flag_and_irritability_conclusions(picture),
        *_norm_conclusions(picture),
        *_falls_conclusions(picture.falls),
        *_region_conclusions(picture),
    ]
    return dataclasses.replace(picture, conclusions=tuple(conclusions))
