"""Cross-view agreement of joint angles: a multi-view reference and two monocular methods.

The same movement filmed by four synchronised cameras must give the same knee and hip flexion
in every view. This module measures how far apart the views are for

- ``raw``: each view's monocular 3D world landmarks as the estimator returns them, and
- ``painpath``: PainPath's monocular method (see :func:`painpath_angles`),

and how far each is from a reference triangulated from all four views' 2D landmarks with the
Qualisys calibration (:func:`triangulate_sequence`). Angles use the domain's ``compute_*``
functions (``180 - inner angle``; 0 = straight, unsigned).

Disagreement between views: for each frame and angle, the median over view pairs of the absolute
difference; the figure reported is the median of those over frames and the four angles (left and
right knee and hip flexion), in degrees.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from painpath.domain.movement.angles import compute_hip_flexion_trunk_deg, compute_knee_flexion_deg
from painpath.domain.movement.filtering import filter_pose_sequence
from painpath.domain.movement.pose import Landmark as L
from painpath.domain.movement.pose import PoseSequence

from .calibration import Camera, triangulate_dlt, undistort_points

__all__ = [
    "ANGLES",
    "Agreement",
    "Triangulation",
    "correct_lr_swaps",
    "joint_angles_deg",
    "measure_agreement",
    "painpath_angles",
    "pipeline_angles",
    "raw_world_angles",
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
_LR = np.array([int(i) for pair in _PAIRS for i in pair])
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


def _closer_if_swapped(frame: Array, earlier: Array) -> float:
    """Vote in [-1, 1]: > 0 when swapping ``frame``'s labels brings it nearer ``earlier``."""
    keep = float(np.nanmean(np.linalg.norm(frame[_LR] - earlier[_LR], axis=-1)))
    swap = float(np.nanmean(np.linalg.norm(swap_lr(frame)[_LR] - earlier[_LR], axis=-1)))
    total = keep + swap
    return (keep - swap) / total if np.isfinite(total) and total > 0 else 0.0


def pipeline_angles(seq: PoseSequence) -> Angles:
    """Knee and hip flexion series exactly as the shipped domain analysis reports them."""
    from painpath.domain.movement.analysis import analyze_movement

    series = analyze_movement(seq, test="kinematics").series
    return {n: np.array([np.nan if v is None else v for v in series[n]]) for n in ANGLES}


def correct_lr_swaps(
    seq: PoseSequence, *, lookback: int = 5
) -> tuple[PoseSequence, NDArray[np.bool_]]:
    """Undo whole-body left/right label swaps in one view by continuity with earlier frames.

    Each frame is labelled so that its paired image landmarks stay close to the last
    ``lookback`` already-labelled frames (a vote weighted by how clear each comparison is: the
    estimator's own smoothing blends the two labellings for a frame or two around a swap, so
    one neighbour alone can mislead). That leaves two labellings of the whole clip; a monocular
    estimator cannot tell which is right, but swaps are the exception, so the labelling most
    frames already had is kept. Returns the corrected sequence and the (F,) relabelled flags.
    """
    xy = seq.image_xy.copy()
    flags = np.zeros(seq.n_frames, dtype=bool)
    for f in range(1, seq.n_frames):
        earlier = range(max(0, f - lookback), f)
        if sum(_closer_if_swapped(seq.image_xy[f], xy[e]) for e in earlier) > 0:
            flags[f] = True
            xy[f] = swap_lr(seq.image_xy[f])
    if flags.sum() > seq.n_frames / 2:
        flags = ~flags
    image, conf = seq.image_xy.copy(), seq.confidence.copy()
    image[flags], conf[flags] = swap_lr(image[flags]), conf[flags][:, SWAP]
    world = None
    if seq.world_xyz is not None:
        world = seq.world_xyz.copy()
        world[flags] = swap_lr(world[flags])
    return replace(seq, image_xy=image, world_xyz=world, confidence=conf), flags


_SEGMENTS: dict[str, tuple[tuple[L, L], tuple[L, L]]] = {
    name: ((a, b), (b, c)) for name, (a, b, c) in _JOINTS.items()
}


def _in_plane_share(world: Array, name: str) -> Array:
    """min over the angle's two segments of |segment projected on the image plane| / |segment|."""
    shares = []
    for a, b in _SEGMENTS[name]:
        v = world[:, b] - world[:, a]
        shares.append(np.linalg.norm(v[:, :2], axis=-1) / np.linalg.norm(v, axis=-1))
    share: Array = np.minimum(*shares)
    return share


def painpath_angles(seq: PoseSequence, *, min_in_plane: float = 0.8) -> tuple[Angles, Masks]:
    """PainPath's monocular method on one view; returns angles and where they are trusted.

    1. undo left/right label swaps (:func:`correct_lr_swaps`);
    2. the domain's landmark cleaning (confidence mask, gap fill, 6 Hz zero-phase low-pass);
    3. image-plane coordinates from the 2D landmarks (sharper than the world model's x/y), depth
       from the world landmarks scaled to pixels (median pixels-per-metre of the leg and trunk);
    4. view-aware trust: an angle counts only in frames where both of its segments lie mostly in
       the image plane (projected/true length >= ``min_in_plane``), where depth errors matter
       least.
    """
    fixed, _ = correct_lr_swaps(seq)
    clean = filter_pose_sequence(fixed)
    if clean.world_xyz is None:
        raise ValueError("the pose sequence has no world landmarks")
    world, image = clean.world_xyz, clean.image_xy
    segs = [(L.LEFT_HIP, L.LEFT_KNEE), (L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE)]
    segs += [(L.RIGHT_KNEE, L.RIGHT_ANKLE), (L.LEFT_SHOULDER, L.LEFT_HIP)]
    segs += [(L.RIGHT_SHOULDER, L.RIGHT_HIP)]
    ratios = [
        np.linalg.norm(image[:, a] - image[:, b], axis=-1)
        / np.linalg.norm(world[:, a, :2] - world[:, b, :2], axis=-1)
        for a, b in segs
    ]
    px_per_m = float(np.nanmedian(ratios))
    hybrid = np.concatenate([image, world[..., 2:] * px_per_m], axis=-1)
    angles = joint_angles_deg(hybrid)
    masks = {name: _in_plane_share(world, name) >= min_in_plane for name in ANGLES}
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
