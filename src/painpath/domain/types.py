"""Shared vocabulary: the words every part of PainPath uses for sides, regions and findings.

These enums are the contract between intake, examination, video analysis, reasoning, the
exercise library and the plan builder. Add a member here before using a new id anywhere.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "Compensation",
    "Impairment",
    "Irritability",
    "MovementTestId",
    "Region",
    "Sex",
    "Side",
]


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"  # bilateral finding or symptom
    NONE = "none"  # midline or not sided (lumbar spine, general)


def sided(name: str, side: Side, extra: str = "") -> str:
    """``name (side, extra)`` for notes and referral letters; a midline or unsided thing gets no
    "(none)": ``low back``, ``hip (both)``, ``slr (left, L5)``."""
    inside = ", ".join(x for x in ("" if side is Side.NONE else side.value, extra) if x)
    return f"{name} ({inside})" if inside else name


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"  # norms that are split by sex are not applied


class Region(StrEnum):
    """Body regions used on the body map and in the regional-interdependence graph."""

    HEAD = "head"
    NECK = "neck"
    SHOULDER = "shoulder"
    UPPER_ARM = "upper_arm"
    ELBOW = "elbow"
    FOREARM = "forearm"
    WRIST_HAND = "wrist_hand"
    THORACIC_SPINE = "thoracic_spine"
    CHEST = "chest"
    ABDOMEN = "abdomen"
    LOW_BACK = "low_back"
    PELVIS_SACRUM = "pelvis_sacrum"
    HIP = "hip"
    BUTTOCK = "buttock"
    THIGH = "thigh"
    KNEE = "knee"
    LOWER_LEG = "lower_leg"
    ANKLE_FOOT = "ankle_foot"
    GENERAL = "general"  # whole body / conditioning


class Compensation(StrEnum):
    """Observed movement compensations (from a clinician or from video analysis)."""

    DYNAMIC_KNEE_VALGUS = "dynamic_knee_valgus"
    PELVIC_DROP = "pelvic_drop"  # contralateral pelvic drop (Trendelenburg-type)
    TRUNK_LATERAL_LEAN = "trunk_lateral_lean"
    EXCESSIVE_TRUNK_FLEXION = "excessive_trunk_flexion"
    WEIGHT_SHIFT = "weight_shift"  # asymmetric loading in bilateral tasks
    SHOULDER_HIKING = "shoulder_hiking"  # excessive shoulder-girdle elevation on arm raise
    REDUCED_THORACIC_ROTATION = "reduced_thoracic_rotation"
    LUMBAR_EXTENSION_COMPENSATION = "lumbar_extension_compensation"  # arching on overhead reach
    LIMITED_SQUAT_DEPTH = "limited_squat_depth"
    REDUCED_ARM_ELEVATION = "reduced_arm_elevation"
    USES_ARMS_TO_RISE = "uses_arms_to_rise"
    GAIT_ASYMMETRY = "gait_asymmetry"
    BALANCE_LOSS = "balance_loss"
    GUARDED_MOVEMENT = "guarded_movement"  # slow, stiff, braced movement (fear, protection)
    # visible alteration of scapular position or motion (winging, early elevation, dysrhythmia)
    SCAPULAR_DYSKINESIS = "scapular_dyskinesis"


class Impairment(StrEnum):
    """Impairments that a plan can target; exercises declare which they address."""

    HIP_ABDUCTOR_WEAKNESS = "hip_abductor_weakness"
    HIP_EXTERNAL_ROTATOR_WEAKNESS = "hip_external_rotator_weakness"
    HIP_EXTENSOR_WEAKNESS = "hip_extensor_weakness"
    HIP_MOBILITY_DEFICIT = "hip_mobility_deficit"  # incl. reduced internal rotation/extension
    QUADRICEPS_WEAKNESS = "quadriceps_weakness"
    ANKLE_DORSIFLEXION_DEFICIT = "ankle_dorsiflexion_deficit"
    FOOT_CONTROL_DEFICIT = "foot_control_deficit"
    CALF_WEAKNESS = "calf_weakness"
    THORACIC_MOBILITY_DEFICIT = "thoracic_mobility_deficit"  # extension and rotation
    SCAPULAR_CONTROL_DEFICIT = "scapular_control_deficit"
    ROTATOR_CUFF_WEAKNESS = "rotator_cuff_weakness"
    SHOULDER_MOBILITY_DEFICIT = "shoulder_mobility_deficit"
    DEEP_NECK_FLEXOR_DEFICIT = "deep_neck_flexor_deficit"
    CERVICAL_MOBILITY_DEFICIT = "cervical_mobility_deficit"
    TRUNK_CONTROL_DEFICIT = "trunk_control_deficit"
    LUMBAR_MOBILITY_DEFICIT = "lumbar_mobility_deficit"
    BALANCE_DEFICIT = "balance_deficit"
    LOW_AEROBIC_CAPACITY = "low_aerobic_capacity"
    GENERAL_DECONDITIONING = "general_deconditioning"
    MOVEMENT_FEAR = "movement_fear"  # guarding driven by fear; targeted by graded exposure


class Irritability(StrEnum):
    """How easily symptoms flare and how long they take to settle; sets the dosing level."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class MovementTestId(StrEnum):
    DOUBLE_LEG_SQUAT = "squat"
    SINGLE_LEG_SQUAT = "single-leg-squat"
    SINGLE_LEG_STANCE = "single-leg-stance"
    SIT_TO_STAND = "sit-to-stand"
    OVERHEAD_REACH = "overhead-reach"
    GAIT = "gait"
