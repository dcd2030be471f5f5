"""Compensation thresholds for video movement analysis, with their sources.

Each entry names the compensation it flags, the comparison, the impairments it suggests and
the evidence keys (see src/painpath/knowledge/evidence.yaml). Honest status: only the FPPA
ranges have a published basis we know of (read in secondary sources); every other cut-off is
a documented project default (``movement_video_defaults``, status unverified) that a
clinician should confirm. docs/clinical/movement-analysis.md explains each choice.

Every threshold carries a margin for measurement error, in its own unit: a value is flagged
only beyond ``value + margin`` (or below ``value - margin``), so the error of a phone video
cannot flip a finding. Angles: 2D video pose differs from 3D motion capture by about 4-6 deg
for hip and knee at the median (``stenum2021``; this project measures 7-8 deg across views,
docs/validation/cross-view.md), FPPA has a between-session error of a few degrees
(``munro2012``); a difference of two angles (left-right) gets the larger margin. Step-time
symmetry takes its margin from one frame of timing (gait analyzer); stance time 0.3 s (the
foot lift is found over about 0.3 s and reads a 10 s hold as about 9.85 s); shoulder hiking
2 % of a trunk length (a few pixels); the share of arm-assisted rises has no margin of its
own because each rise near the cut-off is left out of the count (sit-to-stand analyzer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from painpath.domain.types import Compensation, Impairment

__all__ = ["THRESHOLDS", "Threshold", "exceeds"]

Imp = Impairment
C = Compensation
DEFAULTS = "movement_video_defaults"


@dataclass(frozen=True, slots=True)
class Threshold:
    """``value`` in ``unit``; the compensation is flagged when the measure is ``comparison``
    than the value (">" above, "<" below)."""

    id: str
    compensation: Compensation
    value: float
    unit: str
    comparison: Literal[">", "<"]
    impairments: tuple[Impairment, ...]
    evidence: tuple[str, ...]
    norm: str
    margin: float = 0.0  # measurement error: flagged only beyond value +/- margin


def exceeds(threshold: Threshold, value: float, *, margin: float | None = None) -> bool:
    """True when ``value`` is beyond the threshold in its direction by more than the margin
    (``margin`` when given, else the threshold's own)."""
    m = threshold.margin if margin is None else margin
    if threshold.comparison == ">":
        return value > threshold.value + m
    return value < threshold.value - m


_VALGUS_IMP = (
    Imp.HIP_ABDUCTOR_WEAKNESS,
    Imp.HIP_EXTERNAL_ROTATOR_WEAKNESS,
    Imp.FOOT_CONTROL_DEFICIT,
)

THRESHOLDS: dict[str, Threshold] = {
    t.id: t
    for t in (
        Threshold(
            "single_leg_squat_valgus",
            C.DYNAMIC_KNEE_VALGUS,
            10.0,
            "deg",
            ">",
            _VALGUS_IMP,
            ("herrington2010", "munro2012", DEFAULTS),
            "knee FPPA above 10 deg valgus (upper normal range roughly 8-12 deg)",
            3.0,
        ),
        Threshold(
            "squat_valgus",
            C.DYNAMIC_KNEE_VALGUS,
            10.0,
            "deg",
            ">",
            _VALGUS_IMP,
            ("herrington2010", "munro2012", DEFAULTS),
            "knee FPPA above 10 deg valgus in a double-leg squat",
            3.0,
        ),
        Threshold(
            "pelvic_drop",
            C.PELVIC_DROP,
            5.0,
            "deg",
            ">",
            (Imp.HIP_ABDUCTOR_WEAKNESS,),
            ("stenum2021", DEFAULTS),
            "contralateral pelvic drop above 5 deg",
            2.0,
        ),
        Threshold(
            "trunk_lateral_lean",
            C.TRUNK_LATERAL_LEAN,
            10.0,
            "deg",
            ">",
            (Imp.HIP_ABDUCTOR_WEAKNESS, Imp.TRUNK_CONTROL_DEFICIT),
            ("stenum2021", DEFAULTS),
            "trunk lean towards the stance leg above 10 deg",
            3.0,
        ),
        Threshold(
            "limited_squat_depth",
            C.LIMITED_SQUAT_DEPTH,
            80.0,
            "deg",
            "<",
            (Imp.ANKLE_DORSIFLEXION_DEFICIT, Imp.HIP_MOBILITY_DEFICIT, Imp.QUADRICEPS_WEAKNESS),
            ("stenum2021", DEFAULTS),
            "peak knee flexion below 80 deg",
            5.0,
        ),
        Threshold(
            "excessive_trunk_flexion",
            C.EXCESSIVE_TRUNK_FLEXION,
            45.0,
            "deg",
            ">",
            (Imp.ANKLE_DORSIFLEXION_DEFICIT, Imp.HIP_EXTENSOR_WEAKNESS, Imp.TRUNK_CONTROL_DEFICIT),
            ("stenum2021", DEFAULTS),
            "peak trunk flexion above 45 deg from vertical",
            5.0,
        ),
        Threshold(
            "squat_weight_shift",
            C.WEIGHT_SHIFT,
            10.0,
            "deg",
            ">",
            (Imp.QUADRICEPS_WEAKNESS, Imp.HIP_EXTENSOR_WEAKNESS),
            ("stenum2021", DEFAULTS),
            "left-right knee flexion difference at the bottom above 10 deg",
            5.0,
        ),
        Threshold(
            "reduced_arm_elevation",
            C.REDUCED_ARM_ELEVATION,
            150.0,
            "deg",
            "<",
            (Imp.SHOULDER_MOBILITY_DEFICIT, Imp.THORACIC_MOBILITY_DEFICIT),
            ("stenum2021", DEFAULTS),
            "peak shoulder flexion or abduction below 150 deg (full range about 180 deg)",
            5.0,
        ),
        Threshold(
            "shoulder_hiking",
            C.SHOULDER_HIKING,
            0.06,
            "trunk_lengths",
            ">",
            (Imp.SCAPULAR_CONTROL_DEFICIT, Imp.ROTATOR_CUFF_WEAKNESS),
            (DEFAULTS,),
            "shoulder rises towards the ear by more than 8 % of shoulder width (about 3 cm)",
            0.02,
        ),
        Threshold(
            "lumbar_extension",
            C.LUMBAR_EXTENSION_COMPENSATION,
            10.0,
            "deg",
            ">",
            (
                Imp.THORACIC_MOBILITY_DEFICIT,
                Imp.SHOULDER_MOBILITY_DEFICIT,
                Imp.TRUNK_CONTROL_DEFICIT,
            ),
            ("stenum2021", DEFAULTS),
            "trunk leans back more than 10 deg during the reach",
            3.0,
        ),
        Threshold(
            "uses_arms_to_rise",
            C.USES_ARMS_TO_RISE,
            0.5,
            "fraction_of_reps",
            ">",
            (Imp.QUADRICEPS_WEAKNESS, Imp.HIP_EXTENSOR_WEAKNESS),
            (DEFAULTS,),
            "hands below chest level at lift-off in more than half of the rises",
            0.0,
        ),
        Threshold(
            "gait_asymmetry",
            C.GAIT_ASYMMETRY,
            1.10,
            "ratio",
            ">",
            (),
            ("patterson2010", "stenum2021", DEFAULTS),
            "step-time ratio (longer/shorter) above 1.10",
            0.0,
        ),
        Threshold(
            "balance_loss",
            C.BALANCE_LOSS,
            10.0,
            "s",
            "<",
            (Imp.BALANCE_DEFICIT,),
            ("springer2007", DEFAULTS),
            "single-leg stance held for less than 10 s",
            0.3,
        ),
    )
}
