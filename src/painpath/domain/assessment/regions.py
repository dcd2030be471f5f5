"""Regional interdependence as data: from a painful region to related regions and the
impairments worth examining there (Wainner 2007), plus the tables that turn examination
findings (strength/ROM codes, compensations) into impairments a plan can target.

Evidence is summarised in the clinical reference 3(g): hip training for knee pain is presented
as evidence-based treatment, not as proof of cause (Rathleff 2014).
"""

from __future__ import annotations

from dataclasses import dataclass

from painpath.domain.assessment.findings import Finding, FindingKind
from painpath.domain.assessment.intake import Examination
from painpath.domain.types import Compensation, Impairment, Region, sided

__all__ = [
    "COMPENSATION_IMPAIRMENTS",
    "FINDING_CODE_IMPAIRMENTS",
    "REGION_LINKS",
    "RegionLink",
    "RelatedRegionResult",
    "evaluate_related_regions",
    "impairments_of",
    "links_from",
]

I = Impairment  # noqa: E741 - short alias keeps the tables readable
R = Region
C = Compensation


@dataclass(frozen=True, slots=True)
class RegionLink:
    source: Region  # the painful region
    target: Region  # the related region to examine
    impairments: tuple[Impairment, ...]
    rationale: str
    evidence: tuple[str, ...]


REGION_LINKS: tuple[RegionLink, ...] = (
    RegionLink(
        R.KNEE,
        R.HIP,
        (I.HIP_ABDUCTOR_WEAKNESS, I.HIP_EXTERNAL_ROTATOR_WEAKNESS, I.HIP_EXTENSOR_WEAKNESS),
        "Hip and pelvis control alters knee mechanics; hip strengthening helps knee pain "
        "(treatment, not proof of cause).",
        ("powers2010", "rathleff2014"),
    ),
    RegionLink(
        R.KNEE,
        R.ANKLE_FOOT,
        (I.ANKLE_DORSIFLEXION_DEFICIT, I.FOOT_CONTROL_DEFICIT),
        "Limited ankle dorsiflexion and foot control change knee loading in squatting and stairs.",
        ("wainner2007", "powers2010"),
    ),
    RegionLink(
        R.SHOULDER,
        R.THORACIC_SPINE,
        (I.THORACIC_MOBILITY_DEFICIT,),
        "Thoracic extension and rotation contribute to arm elevation; thoracic manual therapy "
        "gives short-term relief.",
        ("wainner2007", "peek2015"),
    ),
    RegionLink(
        R.SHOULDER,
        R.SHOULDER,
        (I.SCAPULAR_CONTROL_DEFICIT, I.ROTATOR_CUFF_WEAKNESS),
        "Scapular control and cuff capacity at the painful shoulder itself.",
        ("wainner2007",),
    ),
    RegionLink(
        R.SHOULDER,
        R.NECK,
        (I.CERVICAL_MOBILITY_DEFICIT,),
        "Neck pain can refer to the shoulder; screen the cervical spine.",
        ("wainner2007",),
    ),
    RegionLink(
        R.LOW_BACK,
        R.HIP,
        (I.HIP_MOBILITY_DEFICIT, I.HIP_EXTENSOR_WEAKNESS, I.HIP_ABDUCTOR_WEAKNESS),
        "Reduced hip internal rotation/extension is the most consistent hip finding in low back "
        "pain (very low quality).",
        ("avman2019", "wainner2007"),
    ),
    RegionLink(
        R.LOW_BACK,
        R.THORACIC_SPINE,
        (I.THORACIC_MOBILITY_DEFICIT,),
        "Thoracic stiffness shifts rotation and extension demand to the lumbar spine.",
        ("wainner2007",),
    ),
    RegionLink(
        R.LOW_BACK,
        R.LOW_BACK,
        (I.TRUNK_CONTROL_DEFICIT, I.LUMBAR_MOBILITY_DEFICIT),
        "Trunk endurance and lumbar movement at the painful region.",
        ("wainner2007",),
    ),
    RegionLink(
        R.NECK,
        R.THORACIC_SPINE,
        (I.THORACIC_MOBILITY_DEFICIT,),
        "Thoracic manipulation reduces neck pain and disability in the short term.",
        ("masaracchio2019", "wainner2007"),
    ),
    RegionLink(
        R.NECK,
        R.SHOULDER,
        (I.SCAPULAR_CONTROL_DEFICIT,),
        "Scapular control loads the neck through the upper trapezius and levator scapulae.",
        ("wainner2007",),
    ),
    RegionLink(
        R.NECK,
        R.NECK,
        (I.DEEP_NECK_FLEXOR_DEFICIT, I.CERVICAL_MOBILITY_DEFICIT),
        "Deep neck flexor endurance and cervical range at the painful region.",
        ("wainner2007",),
    ),
    RegionLink(
        R.HIP,
        R.LOW_BACK,
        (I.LUMBAR_MOBILITY_DEFICIT, I.TRUNK_CONTROL_DEFICIT),
        "Lumbar spine can refer pain to the hip and shares load with it.",
        ("wainner2007", "avman2019"),
    ),
    RegionLink(
        R.HIP,
        R.HIP,
        (I.HIP_ABDUCTOR_WEAKNESS, I.HIP_MOBILITY_DEFICIT),
        "Hip capacity at the painful region.",
        ("wainner2007",),
    ),
    RegionLink(
        R.ANKLE_FOOT,
        R.HIP,
        (I.HIP_ABDUCTOR_WEAKNESS,),
        "Proximal control affects foot and ankle loading.",
        ("wainner2007", "powers2010"),
    ),
    RegionLink(
        R.ANKLE_FOOT,
        R.LOWER_LEG,
        (I.CALF_WEAKNESS,),
        "Calf capacity at the painful region.",
        ("wainner2007",),
    ),
    RegionLink(
        R.ELBOW,
        R.SHOULDER,
        (I.SCAPULAR_CONTROL_DEFICIT, I.ROTATOR_CUFF_WEAKNESS),
        "Proximal shoulder control for elbow and forearm loading.",
        ("wainner2007",),
    ),
    RegionLink(
        R.ELBOW,
        R.NECK,
        (I.CERVICAL_MOBILITY_DEFICIT,),
        "Cervical spine can refer pain to the elbow.",
        ("wainner2007",),
    ),
    RegionLink(
        R.WRIST_HAND,
        R.NECK,
        (I.CERVICAL_MOBILITY_DEFICIT,),
        "Cervical spine can refer pain to the hand.",
        ("wainner2007",),
    ),
    RegionLink(
        R.THORACIC_SPINE,
        R.THORACIC_SPINE,
        (I.THORACIC_MOBILITY_DEFICIT,),
        "Thoracic mobility at the painful region.",
        ("wainner2007",),
    ),
    RegionLink(
        R.GENERAL,
        R.GENERAL,
        (I.GENERAL_DECONDITIONING, I.LOW_AEROBIC_CAPACITY, I.BALANCE_DEFICIT),
        "Widespread pain: general capacity and aerobic fitness.",
        ("hayden2021",),
    ),
)

# Strength / ROM / functional finding codes -> impairment suggested when the finding is abnormal.
FINDING_CODE_IMPAIRMENTS: dict[str, tuple[Impairment, ...]] = {
    "hip_abduction": (I.HIP_ABDUCTOR_WEAKNESS,),
    "hip_external_rotation": (I.HIP_EXTERNAL_ROTATOR_WEAKNESS,),
    "hip_extension": (I.HIP_EXTENSOR_WEAKNESS,),
    "hip_internal_rotation": (I.HIP_MOBILITY_DEFICIT,),
    "hip_flexion": (I.HIP_MOBILITY_DEFICIT,),
    "knee_extension": (I.QUADRICEPS_WEAKNESS,),
    "ankle_dorsiflexion": (I.ANKLE_DORSIFLEXION_DEFICIT,),
    "knee_to_wall": (I.ANKLE_DORSIFLEXION_DEFICIT,),
    "foot_posture": (I.FOOT_CONTROL_DEFICIT,),
    "navicular_drop": (I.FOOT_CONTROL_DEFICIT,),
    "calf_raise": (I.CALF_WEAKNESS,),
    "thoracic_extension": (I.THORACIC_MOBILITY_DEFICIT,),
    "thoracic_rotation": (I.THORACIC_MOBILITY_DEFICIT,),
    "scapular_dyskinesis": (I.SCAPULAR_CONTROL_DEFICIT,),
    "shoulder_external_rotation": (I.ROTATOR_CUFF_WEAKNESS,),
    "shoulder_abduction": (I.ROTATOR_CUFF_WEAKNESS,),
    "shoulder_flexion": (I.SHOULDER_MOBILITY_DEFICIT,),
    "craniocervical_flexion": (I.DEEP_NECK_FLEXOR_DEFICIT,),
    "deep_neck_flexor_endurance": (I.DEEP_NECK_FLEXOR_DEFICIT,),
    "cervical_rotation": (I.CERVICAL_MOBILITY_DEFICIT,),
    "cervical_extension": (I.CERVICAL_MOBILITY_DEFICIT,),
    "lumbar_flexion": (I.LUMBAR_MOBILITY_DEFICIT,),
    "trunk_endurance": (I.TRUNK_CONTROL_DEFICIT,),
    "chair_stand_30s": (I.QUADRICEPS_WEAKNESS, I.GENERAL_DECONDITIONING),
    "tug": (I.BALANCE_DEFICIT, I.GENERAL_DECONDITIONING),
    "single_leg_stance": (I.BALANCE_DEFICIT,),
    "six_minute_walk": (I.LOW_AEROBIC_CAPACITY,),
}

COMPENSATION_IMPAIRMENTS: dict[Compensation, tuple[tuple[Impairment, ...], tuple[str, ...]]] = {
    C.DYNAMIC_KNEE_VALGUS: (
        (I.HIP_ABDUCTOR_WEAKNESS, I.HIP_EXTERNAL_ROTATOR_WEAKNESS, I.FOOT_CONTROL_DEFICIT),
        ("powers2010",),
    ),
    C.PELVIC_DROP: ((I.HIP_ABDUCTOR_WEAKNESS,), ("powers2010",)),
    C.TRUNK_LATERAL_LEAN: ((I.HIP_ABDUCTOR_WEAKNESS, I.TRUNK_CONTROL_DEFICIT), ("powers2010",)),
    C.EXCESSIVE_TRUNK_FLEXION: (
        (I.HIP_EXTENSOR_WEAKNESS, I.ANKLE_DORSIFLEXION_DEFICIT),
        ("project_default",),
    ),
    C.WEIGHT_SHIFT: ((I.QUADRICEPS_WEAKNESS,), ("project_default",)),
    C.SHOULDER_HIKING: ((I.SCAPULAR_CONTROL_DEFICIT, I.ROTATOR_CUFF_WEAKNESS), ("wainner2007",)),
    C.REDUCED_THORACIC_ROTATION: ((I.THORACIC_MOBILITY_DEFICIT,), ("wainner2007",)),
    C.LUMBAR_EXTENSION_COMPENSATION: (
        (I.THORACIC_MOBILITY_DEFICIT, I.SHOULDER_MOBILITY_DEFICIT),
        ("wainner2007",),
    ),
    C.LIMITED_SQUAT_DEPTH: (
        (I.ANKLE_DORSIFLEXION_DEFICIT, I.HIP_MOBILITY_DEFICIT),
        ("project_default",),
    ),
    C.REDUCED_ARM_ELEVATION: (
        (I.SHOULDER_MOBILITY_DEFICIT, I.THORACIC_MOBILITY_DEFICIT),
        ("wainner2007",),
    ),
    C.USES_ARMS_TO_RISE: ((I.QUADRICEPS_WEAKNESS, I.HIP_EXTENSOR_WEAKNESS), ("project_default",)),
    C.GAIT_ASYMMETRY: ((I.HIP_ABDUCTOR_WEAKNESS, I.CALF_WEAKNESS), ("project_default",)),
    C.BALANCE_LOSS: ((I.BALANCE_DEFICIT,), ("project_default",)),
    C.GUARDED_MOVEMENT: ((I.MOVEMENT_FEAR,), ("vlaeyen_exposure",)),
    C.SCAPULAR_DYSKINESIS: ((I.SCAPULAR_CONTROL_DEFICIT,), ("kibler2013",)),
}


def links_from(region: Region) -> tuple[RegionLink, ...]:
    return tuple(link for link in REGION_LINKS if link.source is region)


def impairments_of(finding: Finding) -> tuple[Impairment, ...]:
    """Impairments an abnormal finding suggests: explicit ones first, then the tables."""
    if not finding.abnormal:
        return ()
    if finding.impairments:
        return finding.impairments
    if finding.kind is FindingKind.COMPENSATION and finding.compensation is not None:
        return COMPENSATION_IMPAIRMENTS[finding.compensation][0]
    return FINDING_CODE_IMPAIRMENTS.get(finding.code, ())


def _examined(exam: Examination, impairment: Impairment) -> bool:
    """True when a finding that can show this impairment was recorded (normal or not)."""
    for f in exam.findings:
        codes = FINDING_CODE_IMPAIRMENTS.get(f.code, ())
        if impairment in codes or impairment in f.impairments:
            return True
        if f.compensation is not None and impairment in COMPENSATION_IMPAIRMENTS[f.compensation][0]:
            return True
    return False


@dataclass(frozen=True, slots=True)
class RelatedRegionResult:
    link: RegionLink
    found: tuple[tuple[Impairment, tuple[str, ...]], ...]  # impairment, facts
    to_examine: tuple[Impairment, ...]


def _facts_for(exam: Examination, impairment: Impairment) -> tuple[str, ...]:
    return tuple(
        f"{f.kind.value} {sided(f.code, f.side)}"
        + ("" if f.value is None else f" = {f.value:g}{'' if f.unit is None else ' ' + f.unit}")
        for f in exam.findings
        if impairment in impairments_of(f)
    )


def evaluate_related_regions(
    regions: frozenset[Region] | set[Region], exam: Examination
) -> tuple[RelatedRegionResult, ...]:
    """For each link from a painful region: impairments found, and those still to examine."""
    results = []
    for link in REGION_LINKS:
        if link.source not in regions:
            continue
        found = []
        missing = []
        for imp in link.impairments:
            facts = _facts_for(exam, imp)
            if facts:
                found.append((imp, facts))
            elif not _examined(exam, imp):
                missing.append(imp)
        results.append(RelatedRegionResult(link, tuple(found), tuple(missing)))
    return tuple(results)
