"""Pain mechanism: nociceptive, neuropathic, nociplastic (graded), and mixed presentations.

Every criterion is reported as met / not met / unknown with the facts used, so the clinician
can see why. Sources:

* Nociplastic: IASP clinical criteria and grading (Kosek 2021; clinical reference 3(a)):
  possible = (1) duration >= 3 months AND (2) regional/multifocal distribution AND (3) not
  entirely explained by nociceptive/neuropathic mechanisms AND (4) clinical signs of pain
  hypersensitivity; probable = possible AND (5) history of hypersensitivity AND (6) at least one
  comorbidity (sound/light/odour sensitivity, disturbed sleep, fatigue, cognitive problems).
  The CSI is supporting evidence only (Adams 2023) and never changes the grade.
* Neuropathic: screen (painDETECT >= 13, i.e. unclear/positive, Freynhagen 2006; or DN4 >= 4,
  Bouhassira 2005) plus examination signs (Finnerup 2016 grading: probable needs signs).
* Nociceptive: mechanical aggravating/easing behaviour or abnormal local examination findings
  (project default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from painpath.domain.assessment.findings import FindingKind
from painpath.domain.assessment.intake import Examination, Intake
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.types import Region

__all__ = [
    "Criterion",
    "CriterionStatus",
    "Grade",
    "MechanismAssessment",
    "evaluate_mechanism",
]


class CriterionStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Grade(StrEnum):
    NOT_APPLICABLE = "not_applicable"  # entry criteria (duration, distribution) not met
    UNLIKELY = "unlikely"
    INDETERMINATE = "indeterminate"  # a needed criterion is unknown: examine/ask further
    POSSIBLE = "possible"
    PROBABLE = "probable"


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    description: str
    status: CriterionStatus
    facts: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MechanismAssessment:
    nociceptive: bool
    neuropathic: Grade
    nociplastic: Grade
    criteria: tuple[Criterion, ...]
    supporting: tuple[str, ...]  # facts that support but do not decide (CSI)
    mixed: bool

    @property
    def mechanisms(self) -> tuple[str, ...]:
        out = ["nociceptive"] if self.nociceptive else []
        for name, grade in (("neuropathic", self.neuropathic), ("nociplastic", self.nociplastic)):
            if grade in (Grade.POSSIBLE, Grade.PROBABLE):
                out.append(name)
        return tuple(out)

    def criterion(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)


NEURAL_SIGN_CODES = frozenset(
    {
        "dermatomal_sensory_loss",
        "hypoesthesia",
        "neural_tension",
        "slr",
        "ulnt",
        "reflex_change",
        "myotomal_weakness",
    }
)
HYPERSENSITIVITY_CODES = frozenset(
    {
        "allodynia",
        "hyperalgesia",
        "pressure_pain_threshold",
        "after_sensations",
        "cold_allodynia",
        "heat_allodynia",
    }
)
_KOSEK = ("kosek2021",)
_LOCAL_KINDS = (FindingKind.RANGE_OF_MOTION, FindingKind.STRENGTH, FindingKind.COMPENSATION)


def _status(value: bool | None) -> CriterionStatus:
    if value is None:
        return CriterionStatus.UNKNOWN
    return CriterionStatus.MET if value else CriterionStatus.NOT_MET


def _c(cid: str, text: str, value: bool | None, facts: list[str], ev: tuple[str, ...]) -> Criterion:
    return Criterion(cid, text, _status(value), tuple(facts), ev)


def _signs(exam: Examination, codes: frozenset[str]) -> tuple[bool | None, list[str]]:
    """(abnormal sign present?, facts); None when none of these tests was done."""
    tested = [f for f in exam.findings if f.code in codes]
    if not tested:
        return None, [f"not examined: {', '.join(sorted(codes))}"]
    positive = [f for f in tested if f.abnormal]
    facts = [
        f"{f.code} ({f.side.value}): {'positive' if f.abnormal else 'negative'}" for f in tested
    ]
    return bool(positive), facts


def _nociceptive(intake: Intake, exam: Examination) -> Criterion:
    # On/off mechanical behaviour points to nociceptive pain only when the pain is localised;
    # widespread pain that varies with activity is not evidence of a tissue source.
    localised = Region.GENERAL not in intake.regions and len(intake.regions) <= 2
    mechanical = bool(intake.aggravating) and bool(intake.easing) and localised
    local = [f for f in exam.abnormal() if f.kind in _LOCAL_KINDS]
    facts = [f"aggravated by: {', '.join(intake.aggravating) or 'not reported'}"]
    facts.append(f"eased by: {', '.join(intake.easing) or 'not reported'}")
    facts.append(f"localised (<= 2 regions, not widespread): {localised}")
    facts += [f"abnormal {f.kind.value}: {f.code} ({f.side.value})" for f in local[:6]]
    value: bool | None = mechanical or bool(local)
    if not value and not intake.aggravating and not exam.findings:
        value = None
    text = "Mechanical, activity-dependent pain or abnormal local movement findings"
    return _c("nociceptive.mechanical", text, value, facts, ("project_default",))


def _neuro_screen(scores: Mapping[str, ScoreResult]) -> Criterion:
    facts: list[str] = []
    value: bool | None = None
    pd = scores.get("paindetect")
    if pd is not None and pd.valid and pd.total is not None:
        value = pd.total >= 13
        facts.append(f"painDETECT {pd.total:g} (13-18 unclear, >= 19 positive)")
    dn4 = scores.get("dn4")
    if dn4 is not None and dn4.valid and dn4.total is not None:
        value = bool(value) or dn4.total >= 4
        facts.append(f"DN4 {dn4.total:g} (>= 4 positive)")
    if value is None:
        facts.append("no painDETECT or DN4")
    text = "Neuropathic screening questionnaire unclear or positive"
    return _c("neuropathic.screen", text, value, facts, ("freynhagen2006", "bouhassira2005"))


def _neuropathic(
    intake: Intake, exam: Examination, scores: Mapping[str, ScoreResult]
) -> tuple[Grade, list[Criterion]]:
    screen = _neuro_screen(scores)
    hist = intake.radiating_dermatomal
    history = _c(
        "neuropathic.history",
        "Pain in a neuroanatomically plausible (dermatomal / nerve) distribution",
        hist,
        [f"radiating in a dermatomal pattern: {'not asked' if hist is None else hist}"],
        ("finnerup2016",),
    )
    has_signs, facts = _signs(exam, NEURAL_SIGN_CODES)
    signs = _c(
        "neuropathic.signs",
        "Examination signs: dermatomal sensory loss, neural tension, reflex/myotomal change",
        has_signs,
        facts,
        ("finnerup2016",),
    )
    met = [c.status is CriterionStatus.MET for c in (screen, history, signs)]
    if (met[0] or met[1]) and met[2]:
        grade = Grade.PROBABLE
    elif any(met):
        grade = Grade.POSSIBLE
    elif all(c.status is CriterionStatus.NOT_MET for c in (screen, signs)):
        grade = Grade.UNLIKELY
    else:
        grade = Grade.INDETERMINATE if screen.status is CriterionStatus.UNKNOWN else Grade.UNLIKELY
    return grade, [screen, history, signs]


def _comorbidity(intake: Intake) -> Criterion:
    sleep_bad = intake.sleep.wakings_per_night >= 2 or intake.sleep.hours < 6
    items = {
        "sensitivity to sound/light/odours": intake.sensory_sensitivity,
        "disturbed sleep (>= 2 wakings or < 6 h)": sleep_bad,
        "fatigue": intake.fatigue,
        "cognitive problems": intake.cognitive_problems,
    }
    facts = [f"{k}: {'not asked' if v is None else v}" for k, v in items.items()]
    value: bool | None
    if any(v is True for v in items.values()):
        value = True
    elif any(v is None for v in items.values()):
        value = None
    else:
        value = False
    text = "(6) Comorbidity: sensory sensitivity, sleep disturbance, fatigue or cognitive problems"
    return _c("nociplastic.6_comorbidity", text, value, facts, _KOSEK)


def _distribution(intake: Intake) -> Criterion:
    regions = intake.regions
    widespread = Region.GENERAL in regions or len(regions) >= 2
    facts = [f"pain regions: {', '.join(sorted(r.value for r in regions))}"]
    text = "(2) Regional, multifocal or widespread rather than discrete distribution"
    # One body-map region is read as discrete (project default: the map has no finer grain).
    return _c("nociplastic.2_distribution", text, widespread, facts, (*_KOSEK, "project_default"))


def _unexplained(intake: Intake, exam: Examination, neuropathic: Grade) -> Criterion:
    local = [f for f in exam.abnormal() if f.kind in _LOCAL_KINDS]
    many = Region.GENERAL in intake.regions or len(intake.regions) >= 3
    facts = [
        f"{len(local)} abnormal local movement/strength findings",
        f"{len(intake.regions)} regions",
    ]
    facts.append(f"neuropathic grade: {neuropathic.value}")
    value: bool | None
    if neuropathic is Grade.PROBABLE and not many:
        value = False
    elif not exam.findings:
        value = True if many else None
    else:
        value = many or not local
    text = "(3) Pain not entirely explained by nociceptive or neuropathic mechanisms"
    return _c("nociplastic.3_unexplained", text, value, facts, (*_KOSEK, "project_default"))


def _nociplastic(
    intake: Intake, exam: Examination, neuropathic: Grade
) -> tuple[Grade, list[Criterion]]:
    weeks = intake.duration_weeks
    duration = _c(
        "nociplastic.1_duration",
        "(1) Pain for 3 months or more",
        weeks >= 13,
        [f"duration {weeks:g} weeks"],
        _KOSEK,
    )
    signs_value, sign_facts = _signs(exam, HYPERSENSITIVITY_CODES)
    signs = _c(
        "nociplastic.4_signs",
        "(4) Clinical signs of pain hypersensitivity (allodynia, hyperalgesia, low PPT)",
        signs_value,
        sign_facts,
        _KOSEK,
    )
    hist = intake.hypersensitivity_history
    history = _c(
        "nociplastic.5_history",
        "(5) History of pain hypersensitivity in the painful region",
        hist,
        [f"reported sensitivity to touch/pressure/movement/temperature: {hist}"],
        _KOSEK,
    )
    crit = [
        duration,
        _distribution(intake),
        _unexplained(intake, exam, neuropathic),
        signs,
        history,
        _comorbidity(intake),
    ]
    return _grade_nociplastic([c.status for c in crit]), crit


def _grade_nociplastic(s: list[CriterionStatus]) -> Grade:
    met, unknown = CriterionStatus.MET, CriterionStatus.UNKNOWN
    if s[0] is not met or s[1] is not met:
        return Grade.NOT_APPLICABLE
    if all(x is met for x in s[2:4]):
        return Grade.PROBABLE if s[4] is met and s[5] is met else Grade.POSSIBLE
    if any(x is unknown for x in s[2:4]):
        return Grade.INDETERMINATE
    return Grade.UNLIKELY


def _csi(scores: Mapping[str, ScoreResult]) -> tuple[str, ...]:
    csi = scores.get("csi")
    if csi is None or csi.total is None:
        return ()
    note = "(>= 40: central sensitivity syndrome likely)" if csi.total >= 40 else "(< 40)"
    return (f"CSI {csi.total:g} {note}: supporting evidence only, not a grade criterion",)


def evaluate_mechanism(
    intake: Intake, exam: Examination, scores: Mapping[str, ScoreResult]
) -> MechanismAssessment:
    noci = _nociceptive(intake, exam)
    neuro_grade, neuro = _neuropathic(intake, exam, scores)
    plastic_grade, plastic = _nociplastic(intake, exam, neuro_grade)
    nociceptive = noci.status is CriterionStatus.MET
    likely = (Grade.POSSIBLE, Grade.PROBABLE)
    n_present = nociceptive + (neuro_grade in likely) + (plastic_grade in likely)
    return MechanismAssessment(
        nociceptive=nociceptive,
        neuropathic=neuro_grade,
        nociplastic=plastic_grade,
        criteria=(noci, *neuro, *plastic),
        supporting=_csi(scores),
        mixed=n_present >= 2,
    )
