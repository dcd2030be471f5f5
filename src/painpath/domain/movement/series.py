"""Per-frame kinematic series (degrees) of a cleaned pose sequence, and the planar points.

Which coordinates feed which angle (documented in docs/clinical/movement-analysis.md):

- sagittal angles (trunk and shoulder flexion) come from the image in a side view, else from
  world landmarks if the estimator gives them, else they are unknown;
- frontal angles (FPPA, pelvic obliquity, lateral lean, abduction, shoulder elevation) come from
  the image in a front view, else from world landmarks, else unknown;
- 3-point knee and hip flexion, when the estimator gives world landmarks, are the mean of the
  angle from hybrid points (image x/y, world depth; :mod:`painpath.domain.movement.depth`) and
  the angle from the world landmarks: on four real views the two err differently, and their
  mean disagrees between views by 9.6 deg against 11.6 for hybrid points alone
  (docs/validation/cross-view.md). Without world landmarks they come from the image (a
  front-view projection that under-reads flexion). ``Kinematics.confidence`` says per frame
  how directly the camera sees each flexion angle (0-1); every value is kept.
- Hip flexion is given in two named forms: ``hip_flexion_{side}_deg`` (thigh against the trunk
  midline) and ``hip_flexion_shk_{side}_deg`` (same-side shoulder-hip-knee, the 3-point form).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from painpath.domain.movement import angles as ang
from painpath.domain.movement.depth import flexion_confidence, hybrid_points
from painpath.domain.movement.geometry import (
    Array,
    horizontal_axis,
    landmark,
    project_to_plane,
    to_y_up,
)
from painpath.domain.movement.nanstats import nan_mean_rows
from painpath.domain.movement.pose import Landmark, PoseSequence
from painpath.domain.movement.view import CameraView

__all__ = ["Kinematics", "compute_kinematics", "confidence", "reported"]

LM = Landmark


@dataclass(frozen=True, slots=True)
class Kinematics:
    """Series name -> (F,) values (NaN unknown); planar points (F, 33, 2) or None.

    ``confidence``: flexion series name -> (F,) 0-1, how directly the camera sees the angle
    (all 1 when there are no world landmarks to judge depth by).
    """

    series: dict[str, Array]
    frontal: Array | None  # (h = subject's left, up)
    sagittal: Array | None  # (h = forward, up)
    points: Array  # y-up points used for the 3-point angles, (F, 33, D)
    confidence: dict[str, Array] = field(default_factory=dict)


def _plane(points: Array, axis_from: Array, axis_to: Array) -> Array:
    axis = horizontal_axis(axis_from, axis_to)
    return np.stack([project_to_plane(points[:, i], axis) for i in range(points.shape[1])], 1)


def _frontal(points: Array) -> Array:
    return _plane(points, points[:, LM.RIGHT_HIP], points[:, LM.LEFT_HIP])


def _sagittal(points: Array) -> Array:
    heel = nan_mean_rows(points[:, [LM.LEFT_HEEL, LM.RIGHT_HEEL]], axis=1)
    toe = nan_mean_rows(points[:, [LM.LEFT_FOOT_INDEX, LM.RIGHT_FOOT_INDEX]], axis=1)
    return _plane(points, heel, toe)


def compute_kinematics(seq: PoseSequence, *, view: CameraView) -> Kinematics:
    """All per-frame series for ``seq`` (already filtered) filmed from ``view``."""
    image = to_y_up(seq.image_xy)
    world = None if seq.world_xyz is None else to_y_up(seq.world_xyz)
    side, front = view is CameraView.SIDE, view is CameraView.FRONT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames: NaN is the answer
        sagittal = _sagittal(image) if side else (_sagittal(world) if world is not None else None)
        frontal = _frontal(image) if front else (_frontal(world) if world is not None else None)
        if seq.world_xyz is None:
            points, conf = image, {}
            series = _three_point(points)
        else:
            points = to_y_up(hybrid_points(seq.image_xy, seq.world_xyz))
            conf = flexion_confidence(seq.world_xyz)
            series = _blend(_three_point(points), _three_point(world))  # type: ignore[arg-type]
        if sagittal is not None:
            series.update(_sagittal_series(sagittal))
        if frontal is not None:
            series.update(_frontal_series(frontal))
    nan = np.full(seq.n_frames, np.nan)
    for name in _SAGITTAL_NAMES + _FRONTAL_NAMES:
        series.setdefault(name, nan.copy())
    ones = np.ones(seq.n_frames)
    weights = {name: conf.get(name, ones) for name in _FLEXION_NAMES}
    weights.update({_shk(name): weights[name] for name in _FLEXION_NAMES if "hip" in name})
    return Kinematics(series, frontal, sagittal, points, weights)


def reported(kin: Kinematics, name: str) -> Array:
    """Series ``name`` as reported: every value is kept (confidence says how far to trust it)."""
    return kin.series[name]


def confidence(kin: Kinematics, name: str) -> Array | None:
    """(F,) 0-1 confidence of a flexion series (how directly the camera sees it), else None."""
    return kin.confidence.get(name)


def _shk(name: str) -> str:
    return name.replace("hip_flexion_", "hip_flexion_shk_")


def _blend(hybrid: dict[str, Array], world: dict[str, Array]) -> dict[str, Array]:
    """Mean of the hybrid-point and world-landmark angles (the hybrid one alone where the
    world angle is unknown)."""
    return {
        name: np.asarray(np.where(np.isfinite(world[name]), (values + world[name]) / 2, values))
        for name, values in hybrid.items()
    }


def _three_point(p: Array) -> dict[str, Array]:
    out: dict[str, Array] = {}
    hip_mid, shoulder_mid = _mids(p)
    for tag in ("left", "right"):
        h, k, a = (landmark(f"{tag.upper()}_{n}") for n in ("HIP", "KNEE", "ANKLE"))
        out[f"knee_flexion_{tag}_deg"] = ang.compute_knee_flexion_deg(p[:, h], p[:, k], p[:, a])
        out[f"hip_flexion_{tag}_deg"] = ang.compute_hip_flexion_trunk_deg(
            hip_mid, shoulder_mid, p[:, h], p[:, k]
        )
        shoulder = landmark(f"{tag.upper()}_SHOULDER")
        out[f"hip_flexion_shk_{tag}_deg"] = ang.compute_hip_flexion_deg(
            p[:, shoulder], p[:, h], p[:, k]
        )
    return out


def _mids(p: Array) -> tuple[Array, Array]:
    hip_mid = (p[:, LM.LEFT_HIP] + p[:, LM.RIGHT_HIP]) / 2.0
    shoulder_mid = (p[:, LM.LEFT_SHOULDER] + p[:, LM.RIGHT_SHOULDER]) / 2.0
    return hip_mid, shoulder_mid


_FLEXION_NAMES = tuple(
    f"{kind}_flexion_{tag}_deg" for kind in ("knee", "hip") for tag in ("left", "right")
)
_SAGITTAL_NAMES = ("trunk_flexion_deg", "shoulder_flexion_left_deg", "shoulder_flexion_right_deg")
_FRONTAL_NAMES = (
    "trunk_lateral_lean_deg",
    "pelvic_obliquity_deg",
    "knee_fppa_left_deg",
    "knee_fppa_right_deg",
    "shoulder_abduction_left_deg",
    "shoulder_abduction_right_deg",
    "shoulder_elevation_left_ratio",
    "shoulder_elevation_right_ratio",
)


def _sagittal_series(p: Array) -> dict[str, Array]:
    hip_mid, shoulder_mid = _mids(p)
    out = {"trunk_flexion_deg": ang.compute_trunk_flexion_deg(hip_mid, shoulder_mid)}
    for tag in ("left", "right"):
        s, e = (landmark(f"{tag.upper()}_{n}") for n in ("SHOULDER", "ELBOW"))
        out[f"shoulder_flexion_{tag}_deg"] = ang.compute_shoulder_flexion_deg(
            hip_mid, shoulder_mid, p[:, s], p[:, e]
        )
    return out


def _frontal_series(p: Array) -> dict[str, Array]:
    hip_mid, shoulder_mid = _mids(p)
    out = {
        "trunk_lateral_lean_deg": ang.compute_trunk_lateral_lean_deg(hip_mid, shoulder_mid),
        "pelvic_obliquity_deg": ang.compute_pelvic_obliquity_deg(
            p[:, LM.LEFT_HIP], p[:, LM.RIGHT_HIP]
        ),
    }
    for tag in ("left", "right"):
        h, k, a, s, e, ear = (
            landmark(f"{tag.upper()}_{n}")
            for n in ("HIP", "KNEE", "ANKLE", "SHOULDER", "ELBOW", "EAR")
        )
        out[f"knee_fppa_{tag}_deg"] = ang.compute_fppa_deg(p[:, h], p[:, k], p[:, a], side=tag)
        out[f"shoulder_abduction_{tag}_deg"] = ang.compute_shoulder_abduction_deg(
            hip_mid, shoulder_mid, p[:, s], p[:, e]
        )
        out[f"shoulder_elevation_{tag}_ratio"] = ang.compute_shoulder_elevation_ratio(
            p[:, s], p[:, ear], p[:, LM.LEFT_SHOULDER], p[:, LM.RIGHT_SHOULDER]
        )
    return out
