"""Cross-view agreement of joint angles: a multi-view reference for the monocular methods.

The same movement filmed by four synchronised cameras must give the same knee and hip flexion
in every view. This module measures how far apart the views are for

- ``raw``: each view's monocular 3D world landmarks as the estimator returns them, and
- ``shipped``: the series ``analyze_movement`` reports (:func:`pipeline_angles`); the domain's
  steps can also be composed one by one for an ablation (:func:`domain_angles`).

The monocular method itself lives in the domain (``swaps``, ``depth``, ``filtering``); this
module holds only the reference, which needs the calibration, and the agreement measures.
How far each is from a reference triangulated from all four views' 2D landmarks with the
Qualisys calibration (:func:`triangulate_sequence`). Angles use the domain's ``compute_*``
functions (``180 - inner angle``; 0 = straight, unsigned).

Disagreement between views: for each frame and angle, the median over view pairs of the absolute
difference; the figure reported is the median of those over frames and the four angles (left and
right knee and hip flexion), in degrees.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from painpath.domain.movement.analysis import analyze_movement
from painpath.domain.movement.angles import compute_hip_flexion_trunk_deg, compute_knee_flexion_deg
from painpath.domain.movement.depth import flexion_in_plane, hybrid_points
from painpath.domain.movement.filtering import filter_pose_sequence
from painpath.domain.movement.pose import Landmark as L
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.swaps import correct_label_swaps

from .calibration import Camera, triangulate_dlt, undistort_points

__all__ = [
    "ANGLES",
    "Agreement",
    "Triangulation",
    "domain_angles",
    "joint_angles_deg",
    "measure_agreement",
    "pipeline_angles",
    "raw_world_angles",
    "swap_flags",
    "swap_lr",
    "triangulate_sequence",
]

Array = NDArray[np.float64]
Angles = dict[str, Array]
Masks = dict[str, NDArray[np.bool_]]

# name -> (proximal, vertex, distal) landmarks; hip flexion's proximal segment is in fact the
# trunk midline (mid-hip -> mid-shoulder), as in the series PainPath reports.
_JOINTS: dict[str, tuple[L, L, L]] = {
    "knee_flexion_left_deg": (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
    "knee_flexion_right_deg": (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
    "hip_flexion_left_deg": (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE),
    "hip_flexion_right_deg": (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE),
}
ANGLES = tuple(_JOINTS)

_PAIRS = [(L[n], L[n.replace("LEFT", "RIGHT")]) for n in L.__members__ if n.startswith("LEFT")] + [
    (L.MOUTH_LEFT, L.MOUTH_RIGHT),
    (L.LEFT_EYE_INNER, L.RIGHT_EYE_INNER),
]
SWAP = np.arange(len(L))
for _a, _b in _PAIRS:
    SWAP[_a], SWAP[_b] = _b, _a
# Landmarks used to pick each view's left/right labelling during triangulation.
_BODY = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE]
_BODY += [L.LEFT_ANKLE, L.RIGHT_ANKLE]


def swap_lr(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Exchange left and right labels of (..., 33, D) landmark coordinates."""
    return points[..., SWAP, :]


def joint_angles_deg(points: Array) -> Angles:
    """Left/right knee and hip flexion (degrees) from (F, 33, 2|3) points, by the domain's maths.

    Knee: 180 - angle(hip, knee, ankle). Hip: thigh against the trunk midline.
    """
    hip_mid = (points[:, L.LEFT_HIP] + points[:, L.RIGHT_HIP]) / 2
    shoulder_mid = (points[:, L.LEFT_SHOULDER] + points[:, L.RIGHT_SHOULDER]) / 2
    out: Angles = {}
    for name, (a, b, c) in _JOINTS.items():
        if name.startswith("knee"):
            out[name] = compute_knee_flexion_deg(points[:, a], points[:, b], points[:, c])
        else:
            out[name] = compute_hip_flexion_trunk_deg(
                hip_mid, shoulder_mid, points[:, b], points[:, c]
            )
    return out


# ---------------------------------------------------------------- multi-view reference


@dataclass(frozen=True)
class Triangulation:
    """Triangulated landmarks: ``points`` (F, 33, 3) metres; ``swapped`` (F, V) which views had
    their left/right labels exchanged; ``reprojection_px`` (F,) mean reprojection error."""

    points: Array
    swapped: NDArray[np.bool_]
    reprojection_px: Array


def _triangulate_frame(
    cams: list[Camera], xy: list[Array], conf: list[Array], joints: Sequence[int]
) -> tuple[Array, float]:
    proj = [c.P for c in cams]
    pts = np.full((len(joints), 3), np.nan)
    errors = []
    for k, j in enumerate(joints):
        pts[k] = triangulate_dlt(proj, np.array([v[j] for v in xy]), np.array([w[j] for w in conf]))
        for cam, v in zip(cams, xy, strict=True):
            xc = cam.R @ pts[k] + cam.t
            uv = (cam.K @ xc)[:2] / xc[2]
            errors.append(float(np.linalg.norm(uv - v[j])))
    return pts, float(np.nanmean(errors)) if errors else np.nan


def _relabel(
    xy: list[Array], conf: list[Array], combo: tuple[bool, ...]
) -> tuple[list[Array], list[Array]]:
    """One frame's views with left/right exchanged where ``combo`` says so."""
    xy = [swap_lr(v) if s else v for v, s in zip(xy, combo, strict=True)]
    conf = [c[SWAP] if s else c for c, s in zip(conf, combo, strict=True)]
    return xy, conf


def triangulate_sequence(
    cams: list[Camera], image_xy: list[Array], confidence: list[Array]
) -> Triangulation:
    """DLT-triangulate each frame's 33 landmarks from V views (pixels of the original frames).

    Monocular estimators swap a view's left/right labels now and then; for each frame the
    labelling of views 2..V (relative to view 1) with the least reprojection error of the main
    body landmarks is kept. The overall labelling is then fixed by anatomy: the left hip must
    lie on the subject's left, i.e. along ``up x forward`` with forward = nose direction.
    """
    frames, views = image_xy[0].shape[0], len(cams)
    und = [undistort_points(c, xy) for c, xy in zip(cams, image_xy, strict=True)]
    points = np.full((frames, len(L), 3), np.nan)
    swapped = np.zeros((frames, views), dtype=bool)
    error = np.full(frames, np.nan)
    combos = [(False, *s) for s in itertools.product((False, True), repeat=views - 1)]
    for f in range(frames):
        xy_f, conf_f = [u[f] for u in und], [c[f] for c in confidence]
        scores = [
            (_triangulate_frame(cams, *_relabel(xy_f, conf_f, c), _BODY)[1], c) for c in combos
        ]
        best = min((s for s in scores if np.isfinite(s[0])), default=(np.nan, combos[0]))[1]
        all_joints = list(range(len(L)))
        points[f], error[f] = _triangulate_frame(cams, *_relabel(xy_f, conf_f, best), all_joints)
        swapped[f] = best
    return Triangulation(_orient_left_right(points, swapped), swapped, error)


def _orient_left_right(points: Array, swapped: NDArray[np.bool_]) -> Array:
    mid_sh = (points[:, L.LEFT_SHOULDER] + points[:, L.RIGHT_SHOULDER]) / 2
    mid_hip = (points[:, L.LEFT_HIP] + points[:, L.RIGHT_HIP]) / 2
    up = np.nanmean(mid_sh - mid_hip, axis=0)
    up /= np.linalg.norm(up)
    forward = points[:, L.NOSE] - mid_sh
    forward -= np.outer(forward @ up, up)
    left = points[:, L.LEFT_HIP] - points[:, L.RIGHT_HIP]
    mirrored = np.einsum("ij,ij->i", left, np.cross(up, forward)) < 0
    out = points.copy()
    out[mirrored] = swap_lr(points[mirrored])
    swapped[mirrored] = ~swapped[mirrored]
    return out


# ---------------------------------------------------------------- monocular methods


def raw_world_angles(seq: PoseSequence) -> Angles:
    """Angles from the estimator's monocular world landmarks, untouched."""
    if seq.world_xyz is None:
        raise ValueError("the pose sequence has no world landmarks")
    return joint_angles_deg(seq.world_xyz)


def pipeline_angles(seq: PoseSequence) -> Angles:
    """Knee and hip flexion series exactly as the shipped domain analysis reports them
    (``analyze_movement``; NaN where a value is withheld)."""
    series = analyze_movement(seq, test="kinematics").series
    return {n: np.array([np.nan if v is None else v for v in series[n]]) for n in ANGLES}


def swap_flags(seq: PoseSequence) -> NDArray[np.bool_]:
    """(F,) frames whose left/right labels the domain's swap correction exchanged."""
    fixed, _ = correct_label_swaps(seq)
    moved = np.abs(np.nan_to_num(fixed.image_xy - seq.image_xy)).max(axis=(1, 2)) > 0
    return np.asarray(moved, dtype=bool)


def domain_angles(
    seq: PoseSequence, *, min_in_plane: float = 0.0, blend: bool = True
) -> tuple[Angles, Masks]:
    """The domain's steps composed by hand, for the ablation: swap correction, filtering,
    flexion from hybrid points, averaged with the world-landmark angle (``blend``), and the
    former view gate ``min_in_plane`` (0: none; the shipped pipeline keeps every value).

    With the defaults this is what ``analyze_movement`` reports (checked by the tests)."""
    fixed, _ = correct_label_swaps(seq)
    clean = filter_pose_sequence(fixed)
    if clean.world_xyz is None:
        raise ValueError("the pose sequence has no world landmarks")
    angles = joint_angles_deg(hybrid_points(clean.image_xy, clean.world_xyz))
    if blend:
        world = joint_angles_deg(clean.world_xyz)
        angles = {
            k: np.where(np.isfinite(world[k]), (v + world[k]) / 2, v) for k, v in angles.items()
        }
    masks = flexion_in_plane(clean.world_xyz, min_share=min_in_plane)
    return angles, masks


# ---------------------------------------------------------------- agreement


@dataclass(frozen=True)
class Agreement:
    """Between-view disagreement and error against the reference, degrees (medians)."""

    between_views_deg: float
    between_views_by_angle: dict[str, float]
    vs_reference_deg: float
    coverage: float  # share of (view, frame, angle) values the method reports

    def row(self, label: str) -> str:
        by = self.between_views_by_angle
        knee = np.median([v for k, v in by.items() if k.startswith("knee")])
        hip = np.median([v for k, v in by.items() if k.startswith("hip")])
        return (
            f"| {label} | {self.between_views_deg:.1f} | {knee:.1f} | {hip:.1f} "
            f"| {self.vs_reference_deg:.1f} | {self.coverage:.0%} |"
        )


def measure_agreement(
    per_view: list[Angles], reference: Angles, masks: list[Masks] | None = None
) -> Agreement:
    """Disagreement between views and against the reference (see the module docstring)."""
    pooled: list[float] = []
    by_angle: dict[str, float] = {}
    vs_ref: list[float] = []
    kept = total = 0
    for name in ANGLES:
        values = np.array([v[name] for v in per_view])
        ok = np.isfinite(values)
        if masks is not None:
            ok &= np.array([m[name] for m in masks])
        kept, total = kept + int(ok.sum()), total + ok.size
        per_frame = []
        for f in range(values.shape[1]):
            idx = np.flatnonzero(ok[:, f])
            diffs = [abs(values[i, f] - values[j, f]) for i, j in itertools.combinations(idx, 2)]
            if diffs:
                per_frame.append(float(np.median(diffs)))
        by_angle[name] = float(np.median(per_frame)) if per_frame else np.nan
        pooled += per_frame
        err = np.abs(values - reference[name][None, :])[ok & np.isfinite(reference[name])[None, :]]
        vs_ref += err.tolist()
    return Agreement(
        between_views_deg=float(np.median(pooled)) if pooled else np.nan,
        between_views_by_angle=by_angle,
        vs_reference_deg=float(np.median(vs_ref)) if vs_ref else np.nan,
        coverage=kept / total if total else 0.0,
    )
