"""Plan content by presentation: what a clinician adds because of the working diagnosis, the
mechanism, the patient's sport, weight and work. Each item names its facts, rule and evidence
(rules in ``docs/clinical/reasoning.md``, section "Plan content by presentation").
"""

from __future__ import annotations

from painpath.domain.assessment.findings import Judgement, Presentation
from painpath.domain.assessment.mechanism import Grade, is_present
from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.planning.model import PlanItem, PlanItemKind
from painpath.domain.types import Region

__all__ = [
    "BMI_OBESE",
    "BMI_OVERWEIGHT",
    "CHRONIC_WEEKS",
    "RADICULAR_REVIEW_WEEKS",
    "is_radicular",
    "presentation_items",
    "work_at_risk",
]

BMI_OBESE = 30.0  # WHO: >= 30 obesity
BMI_OVERWEIGHT = 25.0  # WHO: >= 25 overweight
CHRONIC_WEEKS = 13  # >= 3 months: aerobic exercise for chronic pain
RADICULAR_REVIEW_WEEKS = 6  # no improvement by then: ask for a medical/spinal opinion
_OA = (Presentation.KNEE_OSTEOARTHRITIS, Presentation.HIP_OSTEOARTHRITIS)
_RUNNING_WORDS = ("run", "jog", "marathon", "parkrun", "trail")
_OFF_WORK_WORDS = ("off work", "sick", "sickness", "not working because", "on leave")


def _has(picture: ClinicalPicture, p: Presentation) -> bool:
    return p in picture.examination.presentations


def _tendon_items(picture: ClinicalPicture) -> list[PlanItem]:
    tendons = [p for p in picture.examination.presentations if p.tendinopathy]
    if not tendons:
        return []
    names = ", ".join(p.value.replace("_", " ") for p in tendons)
    items = [
        PlanItem(
            id="load.tendon",
            kind=PlanItemKind.LOAD_ADVICE,
            title="Tendon load management",
            details="Keep loading the tendon rather than resting it: reduce, do not stop, the "
            "activities that load it fast or on stretch; pain up to 5/10 during loading is "
            "acceptable if it has settled by the next morning. Build up from holds to slow "
            "heavy loading, then to faster and springy loading as the 24-hour response allows.",
            triggered_by=(f"working diagnosis: {names}",),
            rule_id="plan.load.tendinopathy",
            evidence=("cook2009", "silbernagel2007", "pain_monitoring_model"),
        )
    ]
    if _has(picture, Presentation.GLUTEAL_TENDINOPATHY):
        items.append(
            PlanItem(
                id="load.gluteal_compression",
                kind=PlanItemKind.LOAD_ADVICE,
                title="Avoid compressing the gluteal tendons",
                details="Avoid positions that squeeze the tendons against the hip bone: "
                "crossing the legs, standing with the weight hanging on one hip, lying on the "
                "painful side (or on the other side without a pillow between the knees), and "
                "very low seats. Pair this advice with the hip strengthening exercises.",
                triggered_by=("working diagnosis: gluteal tendinopathy",),
                rule_id="plan.load.gluteal_tendinopathy.compression",
                evidence=("mellor2018",),
            )
        )
    return items


def _sport_items(picture: ClinicalPicture) -> list[PlanItem]:
    sports = picture.intake.sports
    if not sports:
        return []
    running = [s for s in sports if any(w in s.lower() for w in _RUNNING_WORDS)]
    if running:
        title = "Running load modification"
        details = (
            "Keep running at a volume and pace that leave the 24-hour response settled "
            "(pain-monitoring model); change one thing at a time (distance, pace, hills, "
            "surface). Build weekly distance back in small steps: in novice runners, "
            "raising it by more than about 30 % over two weeks was linked with more overuse "
            "injuries."
        )
        ev: tuple[str, ...] = ("nielsen2014", "pain_monitoring_model")
    else:
        title = "Sport load modification"
        details = (
            "Keep training in a modified form that leaves the 24-hour response settled: "
            "reduce volume and intensity first, keep the parts that do not aggravate, and "
            "rebuild in small steps toward full training and competition."
        )
        ev = ("pain_monitoring_model", "silbernagel2007")
    return [
        PlanItem(
            id="load.sport",
            kind=PlanItemKind.LOAD_ADVICE,
            title=title,
            details=details,
            triggered_by=tuple(f"sport: {s}" for s in sports),
            rule_id="plan.load.running" if running else "plan.load.sport",
            evidence=ev,
        )
    ]


def is_radicular(picture: ClinicalPicture) -> bool:
    """A radicular working diagnosis, or neuropathic pain (possible or higher) in a nerve
    distribution."""
    radicular_dx = any(p.radicular for p in picture.examination.presentations)
    neural = is_present(picture.mechanism.neuropathic) and bool(picture.intake.radiating_dermatomal)
    return radicular_dx or neural


def _radicular_items(picture: ClinicalPicture) -> list[PlanItem]:
    if not is_radicular(picture):
        return []
    facts = (
        f"neuropathic pain {picture.mechanism.neuropathic.value}",
        *(
            f"working diagnosis: {p.value.replace('_', ' ')}"
            for p in picture.examination.presentations
            if p.radicular
        ),
    )
    return [
        PlanItem(
            id="manual.neural_mobilisation",
            kind=PlanItemKind.MANUAL_THERAPY,
            title="Neural mobilisation (sliders before tensioners)",
            details="Start with gentle nerve sliders within a comfortable range; move to "
            "tensioners only when symptoms settle. Re-check the neurological examination "
            "(sensation by dermatome, myotomes, reflexes, straight-leg raise or upper-limb "
            "neural tests) at every visit and record it.",
            triggered_by=facts,
            rule_id="plan.manual.neural_mobilisation",
            evidence=("basson2017",),
        ),
        PlanItem(
            id="pathway.radicular_escalation",
            kind=PlanItemKind.CARE_PATHWAY,
            title="Escalation rule for radicular pain",
            details="Same-day medical referral for a progressive neurological deficit "
            "(spreading numbness, increasing weakness, reflex loss) or any new bladder, bowel "
            "or saddle symptom. Refer for a medical or spinal opinion if pain and function "
            f"have not improved by week {RADICULAR_REVIEW_WEEKS}.",
            triggered_by=facts,
            rule_id="plan.pathway.radicular_escalation",
            evidence=("nice_ng59", "koes2007", "finucane2020"),
            attributes={"review_week": str(RADICULAR_REVIEW_WEEKS)},
        ),
        PlanItem(
            id="examine.neurology_each_visit",
            kind=PlanItemKind.EXAMINE,
            title="Re-check neurology at every visit",
            details="Dermatomal sensation, myotomal strength, reflexes and neural tension "
            "tests, compared with the first examination.",
            triggered_by=facts,
            rule_id="plan.pathway.radicular_escalation",
            evidence=("finnerup2016", "basson2017"),
        ),
    ]


def _aerobic_items(picture: ClinicalPicture) -> list[PlanItem]:
    weeks = picture.intake.duration_weeks
    if weeks < CHRONIC_WEEKS:
        return []
    judged = picture.examination.judgements.aerobic_exercise_contraindicated
    facts = (f"pain for {weeks:g} weeks (chronic: 13 weeks or more)",)
    if judged is Judgement.YES:
        return [
            PlanItem(
                id="pathway.aerobic_clearance",
                kind=PlanItemKind.CARE_PATHWAY,
                title="Aerobic exercise on hold: contraindication recorded",
                details="The clinician recorded a contraindication to aerobic exercise; ask "
                "the GP for medical clearance and the safe intensity before adding it.",
                triggered_by=(*facts, "clinician: aerobic exercise contraindicated"),
                rule_id="plan.load.aerobic.contraindicated",
                evidence=("geneen2017",),
            )
        ]
    details = (
        "Walking, cycling or swimming at a moderate effort (able to talk, not sing), starting "
        "from what is manageable today and building toward 150 minutes a week."
    )
    if judged is not Judgement.NO:
        details += (
            " Check for contraindications (heart or lung disease, unstable conditions) first."
        )
    return [
        PlanItem(
            id="load.aerobic",
            kind=PlanItemKind.LOAD_ADVICE,
            title="Aerobic exercise",
            details=details,
            triggered_by=facts,
            rule_id="plan.load.aerobic_chronic_pain",
            evidence=("geneen2017", "who2020_activity"),
        )
    ]


def _weight_items(picture: ClinicalPicture) -> list[PlanItem]:
    bmi = picture.intake.bmi
    if bmi is None:
        return []
    oa = [p for p in picture.examination.presentations if p in _OA]
    if bmi < BMI_OBESE and not (oa and bmi >= BMI_OVERWEIGHT):
        return []
    facts = [f"BMI {bmi:.1f} (overweight >= 25, obesity >= 30)"]
    facts += [f"working diagnosis: {p.value.replace('_', ' ')}" for p in oa]
    return [
        PlanItem(
            id="pathway.weight_management",
            kind=PlanItemKind.CARE_PATHWAY,
            title="Weight-management support",
            details="Offer support to lose weight alongside the exercise programme, with the "
            "GP or a weight-management service; in knee or hip osteoarthritis any weight "
            "loss helps and about 10 % of body weight helps more than 5 %. Raise it with "
            "respect and only with the patient's agreement.",
            triggered_by=tuple(facts),
            rule_id="plan.pathway.weight_by_bmi",
            evidence=("who_bmi", "nice_ng226"),
            attributes={"bmi": f"{bmi:.1f}"},
        )
    ]


def work_at_risk(picture: ClinicalPicture) -> tuple[str, ...]:
    """Facts that put work at risk: Örebro or FABQ-work flags, or being off work."""
    facts = [
        f"{f.instrument} = {f.score} ({f.threshold})"
        for f in picture.psychosocial
        if f.id in ("disability_risk", "fear_avoidance_work")
    ]
    status = picture.intake.work_status.lower()
    if any(w in status for w in _OFF_WORK_WORDS):
        facts.append(f"work status: {picture.intake.work_status}")
    return tuple(facts)


def _work_items(picture: ClinicalPicture) -> list[PlanItem]:
    facts = work_at_risk(picture)
    if not facts:
        return []
    return [
        PlanItem(
            id="pathway.return_to_work",
            kind=PlanItemKind.CARE_PATHWAY,
            title="Return-to-work plan",
            details="Agree a dated, graded return with the patient: which tasks and hours to "
            "start with, temporary adjustments, and (with consent) contact with the employer "
            "or occupational health; a fit note with adjustments rather than none. Talk "
            "through worries that work will cause harm and plan the first week back.",
            triggered_by=facts,
            rule_id="plan.pathway.return_to_work",
            evidence=("linton2011", "fritz2002", "cullen2018"),
        )
    ]


def _spinal_mobilisation_items(picture: ClinicalPicture) -> list[PlanItem]:
    regions = picture.intake.regions
    neck = Region.NECK in regions or _has(picture, Presentation.MECHANICAL_NECK_PAIN)
    thoracic = Region.THORACIC_SPINE in regions or _has(picture, Presentation.THORACIC_SPINE_PAIN)
    if not (neck or thoracic):
        return []
    where = ["neck pain"] if neck else []
    where += ["thoracic pain"] if thoracic else []
    options = "cervical mobilisation or manipulation, " if neck else ""
    return [
        PlanItem(
            id="manual.spinal_mobilisation_options",
            kind=PlanItemKind.MANUAL_THERAPY,
            title="Cervical and thoracic mobilisation options",
            details=f"Options for the clinician: {options}thoracic mobilisation or "
            "manipulation. Short-term benefit; always combined with exercise and advice. "
            "Screen for cervical arterial signs before cervical techniques.",
            triggered_by=tuple(where),
            rule_id="plan.manual.cervical_thoracic_options",
            evidence=("blanpied2017", "masaracchio2019"),
        )
    ]


def _nociplastic_items(picture: ClinicalPicture) -> list[PlanItem]:
    if picture.mechanism.nociplastic is not Grade.PROBABLE:
        return []
    return [
        PlanItem(
            id="pathway.gp_liaison_nociplastic",
            kind=PlanItemKind.CARE_PATHWAY,
            title="Liaise with the GP: probable nociplastic pain",
            details="Write to the GP: probable nociplastic pain by the IASP 2021 criteria; "
            "the plan includes sleep and stress education with graded exercise; ask for a "
            "medication and sleep review and agree one shared message about the pain.",
            triggered_by=("nociplastic pain probable (IASP 2021)",),
            rule_id="plan.pathway.nociplastic_gp_liaison",
            evidence=("kosek2021", "finan2013"),
        )
    ]


def _directional_items(picture: ClinicalPicture) -> list[PlanItem]:
    direction = picture.examination.directional_preference
    if not direction:
        return []
    better = [
        f"repeated {m.movement}: {m.response.replace('_', ' ')}"
        + (", centralises" if m.centralises else "")
        for m in picture.examination.repeated_movements
        if m.response == "better"
    ]
    return [
        PlanItem(
            id="load.directional_preference",
            kind=PlanItemKind.LOAD_ADVICE,
            title=f"Exercise in the preferred direction: {direction}",
            details=f"Repeated movements into {direction} eased the symptoms: give them as a "
            "home exercise several times a day and re-test at each visit; stop a direction "
            "that makes leg or arm symptoms spread further from the spine.",
            triggered_by=(f"directional preference: {direction}", *better),
            rule_id="plan.load.directional_preference",
            evidence=("long2004",),
        )
    ]


def presentation_items(picture: ClinicalPicture, *, light: bool = False) -> list[PlanItem]:
    """All presentation-specific items; ``light`` (STarT Back low risk) drops manual therapy."""
    items = [
        *_tendon_items(picture),
        *_sport_items(picture),
        *_directional_items(picture),
        *_radicular_items(picture),
        *_aerobic_items(picture),
        *_weight_items(picture),
        *_work_items(picture),
        *_nociplastic_items(picture),
        *([] if light else _spinal_mobilisation_items(picture)),
    ]
    if light:
        items = [i for i in items if i.kind is not PlanItemKind.MANUAL_THERAPY]
    return items
