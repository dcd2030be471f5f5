"""Joint and segment angles in degrees: a typed definition table and pure ``compute_*`` functions.

Conventions (see docs/clinical/movement-analysis.md):

- 3-point *flexion* angles (knee, hip) are ``180 - inner angle``: 0 = straight, unsigned, valid
  on 2D image points (the projection onto the image plane) or 3D world points.
- Planar angles take points already expressed in a body-aligned plane, shape (F, 2) =
  (horizontal body axis, up), produced by :mod:`painpath.domain.movement.geometry`. The
  frontal horizontal axis points to the subject's left; the sagittal one points forward.
- Inputs are arrays of shape (F, D); NaN in any input gives NaN out for that frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from painpath.domain.movement.geometry import Array

__all__ = [
    "ANGLE_DEFINITIONS",
    "AngleDefinition",
    "compute_fppa_deg",
    "compute_hip_flexion_deg",
    "compute_hip_flexion_trunk_deg",
    "compute_joint_flexion_deg",
    "compute_knee_flexion_deg",
    "compute_pelvic_obliquity_deg",
    "compute_segment_tilt_deg",
    "compute_shoulder_abduction_deg",
    "compute_shoulder_elevation_ratio",
    "compute_shoulder_flexion_deg",
    "compute_trunk_flexion_deg",
    "compute_trunk_lateral_lean_deg",
]

Plane = Literal["sagittal", "frontal", "any"]
Dims = Literal["2D", "3D", "2D|3D"]


@dataclass(frozen=True, slots=True)
class AngleDefinition:
    """One measured angle: name (unit in the name), landmarks, plane, sign convention, range."""

    name: str
    landmarks: tuple[str, ...]  # (a, vertex, c) or (segment start, segment end)
    reference: Literal["vertex", "vertical", "horizontal", "trunk"]
    plane: Plane
    dims: Dims
    sign_convention: str
    range_deg: tuple[float, float]


ANGLE_DEFINITIONS: tuple[AngleDefinition, ...] = (
    AngleDefinition(
        "knee_flexion_deg",
        ("hip", "knee", "ankle"),
        "vertex",
        "any",
        "2D|3D",
        "0 = straight knee; positive = flexion (unsigned)",
        (0.0, 180.0),
    ),
    AngleDefinition(
        "hip_flexion_deg",
        ("shoulder", "hip", "knee"),
        "vertex",
        "any",
        "2D|3D",
        "thigh vs trunk; 0 = straight; unsigned (extension also reads positive)",
        (0.0, 180.0),
    ),
    AngleDefinition(
        "trunk_flexion_deg",
        ("hip_mid", "shoulder_mid"),
        "vertical",
        "sagittal",
        "2D|3D",
        "trunk vs vertical; positive = forward lean, negative = backward (extension)",
        (-90.0, 90.0),
    ),
    AngleDefinition(
        "trunk_lateral_lean_deg",
        ("hip_mid", "shoulder_mid"),
        "vertical",
        "frontal",
        "2D|3D",
        "trunk vs vertical; positive = towards the subject's left",
        (-90.0, 90.0),
    ),
    AngleDefinition(
        "knee_fppa_deg",
        ("hip", "knee", "ankle"),
        "vertex",
        "frontal",
        "2D|3D",
        "frontal-plane projection angle; positive = valgus (knee medial), negative = varus",
        (-90.0, 90.0),
    ),
    AngleDefinition(
        "pelvic_obliquity_deg",
        ("right_hip", "left_hip"),
        "horizontal",
        "frontal",
        "2D|3D",
        "hip line vs horizontal; positive = left hip higher",
        (-90.0, 90.0),
    ),
    AngleDefinition(
        "shoulder_flexion_deg",
        ("hip", "shoulder", "elbow"),
        "trunk",
        "sagittal",
        "2D|3D",
        "arm vs trunk; 0 = arm by the side, 90 = forward, 180 = overhead; negative = extension",
        (-90.0, 270.0),
    ),
    AngleDefinition(
        "shoulder_abduction_deg",
        ("hip", "shoulder", "elbow"),
        "trunk",
        "frontal",
        "2D|3D",
        "arm vs trunk in the frontal plane; 0 = by the side, 180 = overhead (unsigned)",
        (0.0, 180.0),
    ),
    AngleDefinition(
        "shoulder_elevation_ratio",
        ("shoulder", "ear"),
        "vertical",
        "frontal",
        "2D|3D",
        "ear height above the shoulder / shoulder width; hiking makes it smaller (no unit)",
        (-1.0, 1.0),
    ),
)


def _deg(radians: Array) -> Array:
    return np.asarray(np.degrees(radians), dtype=np.float64)


def compute_joint_flexion_deg(a: Array, vertex: Array, c: Array) -> Array:
    """Flexion at ``vertex`` = 180 - angle(a, vertex, c), degrees in [0, 180]; 0 = straight."""
    return 180.0 - _vector_angle_deg(a - vertex, c - vertex)


def _vector_angle_deg(u: Array, v: Array) -> Array:
    """Unsigned angle between vectors u and v (..., 2|3), degrees in [0, 180]."""
    dot = np.sum(u * v, axis=-1)
    if u.shape[-1] == 2:
        cross = np.abs(u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0])
    else:
        cross = np.linalg.norm(np.cross(u, v), axis=-1)
    return _deg(np.arctan2(cross, dot))


def compute_knee_flexion_deg(hip: Array, knee: Array, ankle: Array) -> Array:
    """Knee flexion, degrees [0, 180]: 0 = straight leg. 2D (image) or 3D (world) points."""
    return compute_joint_flexion_deg(hip, knee, ankle)


def compute_hip_flexion_deg(shoulder: Array, hip: Array, knee: Array) -> Array:
    """Hip flexion as 180 - angle(shoulder, hip, knee), degrees [0, 180] (same-side shoulder).

    Simple 3-point form. In 3D the shoulder sits wider than the hip, so a straight stance
    reads a few degrees; :func:`compute_hip_flexion_trunk_deg` (the series PainPath reports)
    uses the trunk midline instead.
    """
    return compute_joint_flexion_deg(shoulder, hip, knee)


def compute_hip_flexion_trunk_deg(
    hip_mid: Array, shoulder_mid: Array, hip: Array, knee: Array
) -> Array:
    """Hip flexion (thigh vs trunk midline), degrees [0, 180]: 0 = trunk and thigh in line.

    The trunk is the midline hip_mid -> shoulder_mid (not the same-side shoulder, which sits
    wider than the hip and would read about 8 deg of flexion in a straight 3D stance).
    """
    return 180.0 - _vector_angle_deg(shoulder_mid - hip_mid, knee - hip)


def compute_segment_tilt_deg(base: Array, tip: Array) -> Array:
    """Planar tilt of the segment base->tip from vertical, degrees (-180, 180].

    Positive = the tip lies towards +horizontal axis. Points are planar (F, 2) = (h, up).
    """
    d = tip - base
    return _deg(np.arctan2(d[..., 0], d[..., 1]))


def compute_trunk_flexion_deg(hip_mid: Array, shoulder_mid: Array) -> Array:
    """Trunk flexion vs vertical in the sagittal plane, degrees: + forward, - backward lean."""
    return compute_segment_tilt_deg(hip_mid, shoulder_mid)


def compute_trunk_lateral_lean_deg(hip_mid: Array, shoulder_mid: Array) -> Array:
    """Trunk lateral lean vs vertical in the frontal plane, degrees: + towards subject's left."""
    return compute_segment_tilt_deg(hip_mid, shoulder_mid)


def compute_fppa_deg(
    hip: Array, knee: Array, ankle: Array, *, side: Literal["left", "right"]
) -> Array:
    """Knee frontal-plane projection angle, degrees: + valgus (knee medial of hip-ankle line).

    Frontal planar points (F, 2); the horizontal axis points to the subject's left, so the
    medial direction is -axis for the left leg and +axis for the right leg.
    """
    deviation = compute_joint_flexion_deg(hip, knee, ankle)
    line = ankle - hip
    rel = knee - hip
    cross = line[..., 0] * rel[..., 1] - line[..., 1] * rel[..., 0]  # > 0: knee towards +axis
    medial_sign = -1.0 if side == "left" else 1.0
    return np.asarray(deviation * np.sign(cross) * medial_sign, dtype=np.float64)


def compute_pelvic_obliquity_deg(left_hip: Array, right_hip: Array) -> Array:
    """Pelvic obliquity (hip line vs horizontal), frontal planar, degrees: + left hip higher."""
    d = left_hip - right_hip
    return _deg(np.arctan2(d[..., 1], d[..., 0]))


def compute_shoulder_flexion_deg(
    hip_mid: Array, shoulder_mid: Array, shoulder: Array, elbow: Array
) -> Array:
    """Shoulder flexion (arm vs trunk midline), sagittal planar, degrees in [-90, 270).

    0 = arm along the trunk, 90 = forward horizontal, 180 = overhead; negative = extension.
    The trunk line runs from ``shoulder_mid`` down to ``hip_mid``.
    """
    down = hip_mid - shoulder_mid
    arm = elbow - shoulder
    cross = down[..., 0] * arm[..., 1] - down[..., 1] * arm[..., 0]
    angle = _deg(np.arctan2(cross, np.sum(down * arm, axis=-1)))
    return np.where(angle < -90.0, angle + 360.0, angle)


def compute_shoulder_abduction_deg(
    hip_mid: Array, shoulder_mid: Array, shoulder: Array, elbow: Array
) -> Array:
    """Shoulder abduction (arm vs trunk midline), frontal, degrees [0, 180]; 0 = by the side."""
    return _vector_angle_deg(hip_mid - shoulder_mid, elbow - shoulder)


def compute_shoulder_elevation_ratio(
    shoulder: Array, ear: Array, left_shoulder: Array, right_shoulder: Array
) -> Array:
    """Ear height above the shoulder divided by shoulder width (planar or y-up points; no unit).

    Shoulder-girdle elevation ("hiking") brings the shoulder towards the ear, so the ratio
    falls; the fall from the resting value is the hiking measure. Shoulder width does not
    change when both shoulders rise, unlike trunk length.
    """
    width = np.linalg.norm(left_shoulder - right_shoulder, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (ear[..., 1] - shoulder[..., 1]) / np.where(width > 1e-12, width, np.nan)
    return np.asarray(ratio, dtype=np.float64)
