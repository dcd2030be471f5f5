"""Examination findings: one observed fact with side, value, unit, norm and source.

This is the form in which the clinician's examination *and* video analysis hand facts to the
clinical reasoning. Normative comparisons (chair stand, TUG, ...) live in ``domain.norms``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from painpath.domain.types import Compensation, Impairment, Side

__all__ = [
    "ACTIVE_VS_PASSIVE",
    "PAIN_ONSET_IN_RANGE",
    "REPEATED_RESPONSES",
    "ClinicianJudgements",
    "Finding",
    "FindingKind",
    "FindingSource",
    "ImagingReport",
    "Judgement",
    "Palpation",
    "Presentation",
    "RangeResponse",
    "RepeatedMovement",
    "SensoryLocation",
    "SpecialTest",
]


class FindingKind(StrEnum):
    COMPENSATION = "compensation"  # code is a Compensation value
    RANGE_OF_MOTION = "range_of_motion"  # code like "hip_internal_rotation", value in degrees
    STRENGTH = "strength"  # code like "hip_abduction", value 0-5 (MMT) or newtons
    SENSORY = "sensory"  # code: allodynia, hyperalgesia, pressure_pain_threshold, ...
    FUNCTIONAL_TEST = (
        "functional_test"  # code: chair_stand_30s, tug, single_leg_stance, six_minute_walk
    )
    KINEMATIC = "kinematic"  # a measured movement metric (e.g. peak knee flexion from video)


class FindingSource(StrEnum):
    CLINICIAN = "clinician"
    VIDEO = "video"


class SensoryLocation(StrEnum):
    """Where a sensory test was done, relative to the pain (IASP 2021 criterion 4 counts
    hypersensitivity at least in the region of pain)."""

    LOCAL = "local"  # in the region of pain
    REMOTE = "remote"  # away from the painful region only
    WIDESPREAD = "widespread"  # in the region of pain and beyond


class Judgement(StrEnum):
    """A clinician's answer to a question the reasoning cannot settle alone."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class Presentation(StrEnum):
    """The clinician's working diagnosis; plan content follows it (``domain.planning``)."""

    GLUTEAL_TENDINOPATHY = "gluteal_tendinopathy"
    ACHILLES_TENDINOPATHY = "achilles_tendinopathy"
    PATELLAR_TENDINOPATHY = "patellar_tendinopathy"
    PROXIMAL_HAMSTRING_TENDINOPATHY = "proximal_hamstring_tendinopathy"
    ROTATOR_CUFF_TENDINOPATHY = "rotator_cuff_tendinopathy"
    LATERAL_ELBOW_TENDINOPATHY = "lateral_elbow_tendinopathy"
    LUMBAR_RADICULOPATHY = "lumbar_radiculopathy"
    CERVICAL_RADICULOPATHY = "cervical_radiculopathy"
    KNEE_OSTEOARTHRITIS = "knee_osteoarthritis"
    HIP_OSTEOARTHRITIS = "hip_osteoarthritis"
    PATELLOFEMORAL_PAIN = "patellofemoral_pain"
    NONSPECIFIC_LOW_BACK_PAIN = "nonspecific_low_back_pain"
    MECHANICAL_NECK_PAIN = "mechanical_neck_pain"
    THORACIC_SPINE_PAIN = "thoracic_spine_pain"
    FIBROMYALGIA = "fibromyalgia"

    @property
    def tendinopathy(self) -> bool:
        return self.value.endswith("_tendinopathy")

    @property
    def radicular(self) -> bool:
        return self.value.endswith("_radiculopathy")


@dataclass(frozen=True, slots=True)
class ClinicianJudgements:
    """Judgements the clinician signs; ``None`` = not given (the system's suggestion is used).

    ``nociplastic_unexplained``: IASP 2021 criterion 3, pain not entirely explained by
    nociceptive or neuropathic mechanisms. ``neural_lesion_confirmed``: NeuPSIG (Finnerup 2016)
    confirmatory test, a test (imaging, nerve conduction, skin biopsy, ...) that confirms a
    lesion or disease of the somatosensory nervous system explaining the pain.
    """

    nociplastic_unexplained: Judgement | None = None
    neural_lesion_confirmed: Judgement | None = None
    aerobic_exercise_contraindicated: Judgement | None = None


# Irritability (Kelley 2009): active versus passive range, and where pain comes on in range
ACTIVE_VS_PASSIVE = ("active_less", "similar", "equal")
PAIN_ONSET_IN_RANGE = ("before_end_range", "at_end_range", "overpressure_only")


@dataclass(frozen=True, slots=True)
class RangeResponse:
    """How the painful movement behaves on examination; ``None`` = not recorded.

    ``active_vs_passive``: ``active_less`` (active range less than passive because of pain),
    ``similar`` or ``equal``; ``pain_onset``: ``before_end_range``, ``at_end_range`` or
    ``overpressure_only`` (minimal pain at end range with overpressure)."""

    active_vs_passive: str | None = None
    pain_onset: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One observed fact.

    ``abnormal`` is the examiner's (or analyzer's) judgement against the norm or threshold
    named in ``norm``; ``impairments`` are what this finding suggests for the plan to target.
    ``confidence`` is 0-1 (1 for a clinician's direct observation).
    """

    kind: FindingKind
    code: str
    side: Side = Side.NONE
    value: float | None = None
    unit: str | None = None
    abnormal: bool = False
    norm: str | None = None
    test: str | None = None  # the movement or functional test that produced it
    source: FindingSource = FindingSource.CLINICIAN
    confidence: float = 1.0
    impairments: tuple[Impairment, ...] = ()
    evidence: tuple[str, ...] = ()
    note: str = ""
    compensation: Compensation | None = field(default=None)
    location: SensoryLocation | None = None  # sensory tests: where the test was done


@dataclass(frozen=True, slots=True)
class SpecialTest:
    """A named special test (e.g. "Hawkins-Kennedy", "slump") with its side and result."""

    name: str
    positive: bool
    side: Side = Side.NONE
    note: str = ""


@dataclass(frozen=True, slots=True)
class Palpation:
    """Palpation of one structure or site: tender or not."""

    site: str
    tender: bool
    side: Side = Side.NONE
    note: str = ""


@dataclass(frozen=True, slots=True)
class ImagingReport:
    """Imaging as reported by the radiologist (the clinician copies the report's words)."""

    modality: str  # e.g. MRI, X-ray, ultrasound
    report: str
    date: str | None = None  # ISO date as written on the report, if known
    region: str = ""


# Repeated end-range movements (McKenzie; directional preference, Long 2004)
REPEATED_RESPONSES = ("better", "worse", "no_effect")


@dataclass(frozen=True, slots=True)
class RepeatedMovement:
    """One repeated movement (e.g. "extension in lying", 10 repetitions) and its effect on
    symptoms; ``centralises`` = referred symptoms moved toward the spine."""

    movement: str
    response: str  # one of REPEATED_RESPONSES
    centralises: bool | None = None
