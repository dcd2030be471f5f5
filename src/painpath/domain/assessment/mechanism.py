"""Pain mechanism: nociceptive, neuropathic and nociplastic pain, each graded, and mixed pain.

Every criterion is reported as met / not met / unknown with the facts used, so the clinician
can see why. Sources (rules in ``docs/clinical/reasoning.md``):

* Neuropathic: NeuPSIG grading (Finnerup 2016). Possible = a history of a relevant lesion or
  disease AND a neuroanatomically plausible pain distribution; probable = possible AND sensory
  signs in that distribution; definite = probable AND a test confirming the lesion or disease.
  If the history or the distribution is absent the grade is unlikely. Screening questionnaires
  (painDETECT, Freynhagen 2006; DN4, Bouhassira 2005), motor/reflex changes and neurodynamic
  tests are shown as support only: they are neither required nor sufficient.
* Nociceptive: the Smart 2012 cluster for nociceptive pain (pain localised to the area of
  dysfunction, clear proportionate mechanical aggravating/easing behaviour, and none of the
  features against: nerve-distribution pain, evoked hypersensitivity, constant pain with night
  pain) plus a local examination finding that shows the loaded structure (Nijs 2021 / 2015
  criteria). Probable = all four; possible = a local examination finding, or localised
  mechanical pain; unlikely = neither.
* Nociplastic: IASP clinical criteria and grading (Kosek 2021; clinical reference 3(a)):
  possible = (1) duration >= 3 months AND (2) regional/multifocal distribution AND (3) not
  entirely explained by nociceptive/neuropathic mechanisms (the clinician's judgement; the
  system's suggestion beside it) AND (4) evoked pain hypersensitivity at least in the region of
  pain (allodynia, painful after-sensations; local tenderness does not count); probable =
  possible AND (5) history of hypersensitivity (per modality) AND (6) at least one comorbidity.
  The CSI is supporting evidence only (Adams 2023) and never changes the grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from painpath.domain.assessment.findings import (
    Finding,
    FindingKind,
    Judgement,
    SensoryLocation,
)
from painpath.domain.assessment.intake import HYPERSENSITIVITY_MODALITIES, Examination, Intake
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.types import Region, sided

__all__ = [
    "EVOKED_HYPERSENSITIVITY_CODES",
    "NEURAL_SENSORY_CODES",
    "Criterion",
    "CriterionStatus",
    "Grade",
    "MechanismAssessment",
    "evaluate_mechanism",
    "is_present",
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
    DEFINITE = "definite"  # neuropathic only: a confirmatory test (Finnerup 2016)


PRESENT = frozenset({Grade.POSSIBLE, Grade.PROBABLE, Grade.DEFINITE})


def is_present(grade: Grade) -> bool:
    """Possible, probable or definite: the mechanism is named in the picture and the plan."""
    return grade in PRESENT


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    description: str
    status: CriterionStatus
    facts: tuple[str, ...]
    evidence: tuple[str, ...]
    # for criteria the clinician decides: what the system would have said
    suggested: CriterionStatus | None = None
    decides: bool = True  # False: shown as support, never changes the grade


@dataclass(frozen=True, slots=True)
class MechanismAssessment:
    nociceptive: Grade
    neuropathic: Grade
    nociplastic: Grade
    criteria: tuple[Criterion, ...]
    supporting: tuple[str, ...]  # facts that support but do not decide (CSI)
    mixed: bool

    @property
    def mechanisms(self) -> tuple[str, ...]:
        grades = (
            ("nociceptive", self.nociceptive),
            ("neuropathic", self.neuropathic),
            ("nociplastic", self.nociplastic),
        )
        return tuple(name for name, grade in grades if is_present(grade))

    def criterion(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)


# Sensory signs (negative or positive) that NeuPSIG accepts in a nerve distribution.
NEURAL_SENSORY_CODES = frozenset(
    {
        "dermatomal_sensory_loss",
        "hypoesthesia",
        "hypoalgesia",
        "pinprick_loss",
        "vibration_loss",
        "dermatomal_allodynia",
    }
)
# Support a nerve root or nerve lesion but are not the NeuPSIG sensory step.
NEURAL_SUPPORT_CODES = frozenset(
    {"neural_tension", "slr", "ulnt", "slump", "reflex_change", "myotomal_weakness"}
)
# IASP 2021 criterion 4: evoked pain hypersensitivity phenomena.
EVOKED_HYPERSENSITIVITY_CODES = frozenset(
    {
        "allodynia",
        "static_mechanical_allodynia",
        "dynamic_mechanical_allodynia",
        "heat_allodynia",
        "cold_allodynia",
        "after_sensations",
    }
)
# Recorded but not counted for criterion 4: also found over a sensitised loaded structure.
LOCAL_TENDERNESS_CODES = frozenset({"hyperalgesia", "pressure_pain_threshold", "tenderness"})

_KOSEK = ("kosek2021",)
_NEUPSIG = ("finnerup2016",)
_SMART = ("smart2012_nociceptive", "nijs2015_lbp")
_LOCAL_KINDS = (FindingKind.RANGE_OF_MOTION, FindingKind.STRENGTH, FindingKind.COMPENSATION)


def _status(value: bool | None) -> CriterionStatus:
    if value is None:
        return CriterionStatus.UNKNOWN
    return CriterionStatus.MET if value else CriterionStatus.NOT_MET


def _judged(judgement: Judgement | None) -> CriterionStatus | None:
    if judgement is None:
        return None
    return {
        Judgement.YES: CriterionStatus.MET,
        Judgement.NO: CriterionStatus.NOT_MET,
        Judgement.UNSURE: CriterionStatus.UNKNOWN,
    }[judgement]


def _c(cid: str, text: str, value: bool | None, facts: list[str], ev: tuple[str, ...]) -> Criterion:
    return Criterion(cid, text, _status(value), tuple(facts), ev)


def _asked(value: bool | None) -> str:
    return "not asked" if value is None else ("yes" if value else "no")


def _describe(f: Finding) -> str:
    where = "" if f.location is None else f.location.value
    return f"{sided(f.code, f.side, where)}: {'positive' if f.abnormal else 'negative'}"


def _signs(exam: Examination, codes: frozenset[str]) -> tuple[bool | None, list[str]]:
    """(abnormal sign present?, facts); None when none of these tests was done."""
    tested = [f for f in exam.findings if f.code in codes]
    if not tested:
        return None, [f"not examined: {', '.join(sorted(codes))}"]
    return any(f.abnormal for f in tested), [_describe(f) for f in tested]


def _local_findings(exam: Examination) -> tuple[list[Finding], list[Finding]]:
    """(tested, abnormal) local movement/strength/compensation findings."""
    tested = [f for f in exam.findings if f.kind in _LOCAL_KINDS]
    return tested, [f for f in tested if f.abnormal]


def _localised(intake: Intake) -> bool:
    return Region.GENERAL not in intake.regions and len(intake.regions) <= 2


# ---------------------------------------------------------------- neuropathic (NeuPSIG)


def _neuro_screen(scores: Mapping[str, ScoreResult]) -> Criterion:
    facts: list[str] = []
    value: bool | None = None
    pd = scores.get("paindetect")
    if pd is not None and pd.valid and pd.total is not None:
        band = "positive" if pd.total >= 19 else "unclear" if pd.total >= 13 else "negative"
        value = pd.total >= 19
        facts.append(f"painDETECT {pd.total:g}: {band} (13-18 unclear, >= 19 positive)")
    dn4 = scores.get("dn4")
    if dn4 is not None and dn4.valid and dn4.total is not None:
        value = bool(value) or dn4.total >= 4
        facts.append(f"DN4 {dn4.total:g} (>= 4 positive)")
    if value is None:
        facts.append("no painDETECT or DN4")
    text = "Supporting only: screening questionnaire positive (neither required nor sufficient)"
    ev = ("freynhagen2006", "bouhassira2005", *_NEUPSIG)
    return Criterion("neuropathic.screen", text, _status(value), tuple(facts), ev, decides=False)


def _neuropathic(
    intake: Intake, exam: Examination, scores: Mapping[str, ScoreResult]
) -> tuple[Grade, list[Criterion]]:
    history = _c(
        "neuropathic.1_history",
        "History of a relevant lesion or disease of the nervous system",
        intake.neural_lesion_history,
        [f"relevant lesion or disease in the history: {_asked(intake.neural_lesion_history)}"],
        _NEUPSIG,
    )
    plausible = intake.radiating_dermatomal
    distribution = _c(
        "neuropathic.2_distribution",
        "Pain distribution neuroanatomically plausible (dermatome or nerve territory)",
        plausible,
        [f"pain in a dermatomal or nerve-territory pattern: {_asked(plausible)}"],
        _NEUPSIG,
    )
    signs_value, sign_facts = _signs(exam, NEURAL_SENSORY_CODES)
    signs = _c(
        "neuropathic.3_sensory_signs",
        "Sensory signs (loss or gain) in the same neuroanatomical distribution",
        signs_value,
        sign_facts,
        _NEUPSIG,
    )
    confirmed = exam.judgements.neural_lesion_confirmed
    confirm = Criterion(
        "neuropathic.4_confirmatory_test",
        "A test confirms a lesion or disease of the somatosensory nervous system explaining "
        "the pain (imaging, nerve conduction, skin biopsy)",
        _judged(confirmed) or CriterionStatus.UNKNOWN,
        (f"clinician: {'not recorded' if confirmed is None else confirmed.value}",),
        _NEUPSIG,
    )
    motor_value, motor_facts = _signs(exam, NEURAL_SUPPORT_CODES)
    motor = Criterion(
        "neuropathic.support_signs",
        "Supporting only: neurodynamic test, reflex or myotomal change",
        _status(motor_value),
        tuple(motor_facts),
        _NEUPSIG,
        decides=False,
    )
    met, not_met = CriterionStatus.MET, CriterionStatus.NOT_MET
    if not_met in (history.status, distribution.status):
        grade = Grade.UNLIKELY  # the working hypothesis is not supported
    elif history.status is met and distribution.status is met:
        grade = Grade.POSSIBLE
        if signs.status is met:
            grade = Grade.DEFINITE if confirm.status is met else Grade.PROBABLE
        elif confirm.status is met:
            # signs can be hard to show although a test confirms the lesion: still probable
            grade = Grade.PROBABLE
    else:
        grade = Grade.INDETERMINATE  # ask the history / map the distribution
    return grade, [history, distribution, signs, confirm, _neuro_screen(scores), motor]


# ---------------------------------------------------------------- nociceptive


def _evoked_in_region(exam: Examination) -> list[Finding]:
    return [
        f
        for f in exam.findings
        if f.code in EVOKED_HYPERSENSITIVITY_CODES
        and f.abnormal
        and f.location is not SensoryLocation.REMOTE
    ]


def _nociceptive(
    intake: Intake, exam: Examination, scores: Mapping[str, ScoreResult]
) -> tuple[Grade, list[Criterion]]:
    localised = _localised(intake)
    regions = ", ".join(sorted(r.value for r in intake.regions))
    c1 = _c(
        "nociceptive.1_localised",
        "Pain localised to the area of injury or dysfunction",
        localised,
        [f"pain regions: {regions} (localised: at most 2 regions, not widespread)"],
        _SMART,
    )
    both = bool(intake.aggravating) and bool(intake.easing)
    c2 = _c(
        "nociceptive.2_mechanical",
        "Clear, proportionate mechanical aggravating and easing factors",
        True if both else None,
        [
            f"aggravated by: {', '.join(intake.aggravating) or 'not reported'}",
            f"eased by: {', '.join(intake.easing) or 'not reported'}",
        ],
        _SMART,
    )
    tested, abnormal = _local_findings(exam)
    c3 = _c(
        "nociceptive.3_local_findings",
        "Examination shows a local movement, strength or loading finding",
        (bool(abnormal) if tested else None),
        [f"abnormal {f.kind.value}: {sided(f.code, f.side)}" for f in abnormal[:6]]
        or [f"{len(tested)} local findings examined, none abnormal"],
        _SMART,
    )
    against = []
    if intake.radiating_dermatomal:
        against.append("pain in a nerve distribution")
    if _evoked_in_region(exam):
        against.append("evoked hypersensitivity (allodynia or after-sensations)")
    if intake.pattern.night_pain:
        against.append("night pain")
    if _neuro_screen(scores).status is CriterionStatus.MET:
        against.append("burning, shooting or electric qualities (screening questionnaire)")
    c4 = _c(
        "nociceptive.4_no_features_against",
        "None of the features against: nerve-distribution pain, burning or electric "
        "qualities, evoked hypersensitivity, night pain",
        not against,
        against or ["none of the features against"],
        _SMART,
    )
    met, not_met = CriterionStatus.MET, CriterionStatus.NOT_MET
    s = [c.status for c in (c1, c2, c3, c4)]
    if all(x is met for x in s):
        grade = Grade.PROBABLE
    elif s[2] is met or (s[0] is met and s[1] is met):
        grade = Grade.POSSIBLE
    elif s[2] is not_met or s[0] is not_met:
        grade = Grade.UNLIKELY
    else:
        grade = Grade.INDETERMINATE
    return grade, [c1, c2, c3, c4]


# ---------------------------------------------------------------- nociplastic (IASP 2021)


def _comorbidity(intake: Intake) -> Criterion:
    sleep_bad = intake.sleep.wakings_per_night >= 2 or intake.sleep.hours < 6
    items = {
        "sensitivity to sound/light/odours": intake.sensory_sensitivity,
        "disturbed sleep (>= 2 wakings or < 6 h)": sleep_bad,
        "fatigue": intake.fatigue,
        "cognitive problems": intake.cognitive_problems,
    }
    facts = [f"{k}: {_asked(v)}" for k, v in items.items()]
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


def _unexplained(
    intake: Intake, exam: Examination, neuropathic: Grade, nociceptive: Grade
) -> Criterion:
    _tested, local = _local_findings(exam)
    many = Region.GENERAL in intake.regions or len(intake.regions) >= 3
    explained_by = []
    if neuropathic in (Grade.PROBABLE, Grade.DEFINITE):
        explained_by.append(f"{neuropathic.value} neuropathic pain (e.g. radiculopathy)")
    if nociceptive is Grade.PROBABLE:
        explained_by.append("probable nociceptive pain")
    facts = [
        f"{len(local)} abnormal local movement/strength findings",
        f"{len(intake.regions)} regions",
        f"neuropathic {neuropathic.value}, nociceptive {nociceptive.value}",
    ]
    suggestion: bool | None
    if explained_by and not many:
        suggestion = False
        facts.append(f"explained by {' and '.join(explained_by)}")
    elif many:
        suggestion = True
    elif not exam.findings:
        suggestion = None
    else:
        suggestion = not local
    suggested = _status(suggestion)
    judged = _judged(exam.judgements.nociplastic_unexplained)
    if judged is None:
        facts.append("no clinician judgement recorded: the system's suggestion is used")
        status = suggested
    else:
        clin = exam.judgements.nociplastic_unexplained
        assert clin is not None
        facts.append(f"clinician judgement: {clin.value}; system suggests {suggested.value}")
        status = judged
    text = "(3) Pain not entirely explained by nociceptive or neuropathic mechanisms"
    return Criterion(
        "nociplastic.3_unexplained",
        text,
        status,
        tuple(facts),
        (*_KOSEK, "project_default"),
        suggested=suggested,
    )


def _evoked_signs(exam: Examination) -> Criterion:
    tested = [f for f in exam.findings if f.code in EVOKED_HYPERSENSITIVITY_CODES]
    in_region = [f for f in tested if f.location is not SensoryLocation.REMOTE]
    facts = [_describe(f) for f in tested]
    facts += [
        f"not counted (local tenderness over a loaded structure): {_describe(f)}"
        for f in exam.findings
        if f.code in LOCAL_TENDERNESS_CODES
    ]
    if any(f.location is None for f in in_region):
        facts.append("test site not recorded: read as the region of pain")
    value: bool | None
    if any(f.abnormal for f in in_region):
        value = True
    elif in_region:
        value = False
    elif tested:
        value = False
        facts.append("tested only away from the painful region (remote)")
    else:
        value = None
        facts.append(f"not examined: {', '.join(sorted(EVOKED_HYPERSENSITIVITY_CODES))}")
    return _c(
        "nociplastic.4_signs",
        "(4) Evoked pain hypersensitivity in the region of pain (static or dynamic mechanical "
        "allodynia, heat or cold allodynia, painful after-sensations)",
        value,
        facts,
        _KOSEK,
    )


def _history(intake: Intake) -> Criterion:
    by = intake.hypersensitivity_modalities
    if by:
        facts = [f"{m}: {_asked(by.get(m))}" for m in HYPERSENSITIVITY_MODALITIES]
    else:
        facts = [
            f"reported sensitivity to touch/pressure/movement/temperature: "
            f"{_asked(intake.hypersensitivity_history)}"
        ]
    return _c(
        "nociplastic.5_history",
        "(5) History of pain hypersensitivity in the region of pain (touch, pressure, "
        "movement, cold, heat)",
        intake.hypersensitivity_history,
        facts,
        _KOSEK,
    )


def _nociplastic(
    intake: Intake, exam: Examination, neuropathic: Grade, nociceptive: Grade
) -> tuple[Grade, list[Criterion]]:
    weeks = intake.duration_weeks
    duration = _c(
        "nociplastic.1_duration",
        "(1) Pain for 3 months or more",
        weeks >= 13,
        [f"duration {weeks:g} weeks"],
        _KOSEK,
    )
    crit = [
        duration,
        _distribution(intake),
        _unexplained(intake, exam, neuropathic, nociceptive),
        _evoked_signs(exam),
        _history(intake),
        _comorbidity(intake),
    ]
    return _grade_nociplastic([c.status for c in crit]), crit


def _grade_nociplastic(s: list[CriterionStatus]) -> Grade:
    met, unknown = CriterionStatus.MET, CriterionStatus.UNKNOWN
    if s[0] is not met or s[1] is not met:
        return Grade.NOT_APPLICABLE
    if all(x is met for x in s[2:4]):
        return Grade.PROBABLE if s[4] is met and s[5] is met else Grade.POSSIBLE
    if any(x is unknown for x in s[2:4]) and CriterionStatus.NOT_MET not in s[2:4]:
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
    noci_grade, noci = _nociceptive(intake, exam, scores)
    neuro_grade, neuro = _neuropathic(intake, exam, scores)
    plastic_grade, plastic = _nociplastic(intake, exam, neuro_grade, noci_grade)
    n_present = sum(is_present(g) for g in (noci_grade, neuro_grade, plastic_grade))
    return MechanismAssessment(
        nociceptive=noci_grade,
        neuropathic=neuro_grade,
        nociplastic=plastic_grade,
        criteria=(*noci, *neuro, *plastic),
        supporting=_csi(scores),
        mixed=n_present >= 2,
    )
