"""Monocular 3D for knee and hip flexion: image x/y with estimated depth, and a view gate.

A single camera measures positions across the picture well and depth (towards the camera)
poorly. Validated on four synchronised real views (docs/validation/cross-view.md):

- **Hybrid points.** The pose model places the 2D landmarks more precisely than its 3D
  "world" landmarks, so the 3D points used for flexion angles take x and y from the image
  (pixels) and only the depth (z) from the world landmarks, converted to pixels with the
  median pixels-per-metre of the leg and trunk segments. Against a four-camera reference this
  alone cut the median error from 9.5 to 8.1 deg.
- **Per-frame confidence** (:func:`flexion_confidence`): the smaller of the two segments'
  projected length / true 3D length (from the world landmarks). Where a segment points at the
  camera its angle is almost all estimated depth, which differs between camera positions.
  Values are no longer withheld (the old view gate, :func:`flexion_in_plane`, deleted 19 %
  of them and bought no accuracy against the four-camera reference); analyzers weigh them.

The world landmarks' axes must follow the camera (x right, y down, z depth), as BlazePose's
do. The gate threshold is a project default chosen on that one validation clip (0.7 and 0.9
were measured too).
"""

from __future__ import annotations

import numpy as np

from painpath.domain.movement.geometry import Array, landmark
from painpath.domain.movement.nanstats import nan_median
from painpath.domain.movement.pose import Landmark

__all__ = [
    "FLEXION_SEGMENTS",
    "IN_PLANE_MIN",
    "flexion_confidence",
    "flexion_in_plane",
    "hybrid_points",
    "in_plane_share",
]

IN_PLANE_MIN = 0.8  # project default (docs/validation/cross-view.md: 0.7 / 0.8 / 0.9 measured)

# Segments whose in-plane share decides whether a flexion angle is reported. Hip flexion uses
# the same-side trunk line (shoulder -> hip) as the validated method does.
FLEXION_SEGMENTS: dict[str, tuple[tuple[Landmark, Landmark], tuple[Landmark, Landmark]]] = {
    f"{kind}_flexion_{tag}_deg": (
        (landmark(f"{side}_{a}"), landmark(f"{side}_{b}")),
        (landmark(f"{side}_{b}"), landmark(f"{side}_{c}")),
    )
    for tag, side in (("left", "LEFT"), ("right", "RIGHT"))
    for kind, (a, b, c) in (
        ("knee", ("HIP", "KNEE", "ANKLE")),
        ("hip", ("SHOULDER", "HIP", "KNEE")),
    )
}
_SCALE_SEGMENTS = tuple(
    (landmark(f"{side}_{a}"), landmark(f"{side}_{b}"))
    for side in ("LEFT", "RIGHT")
    for a, b in (("HIP", "KNEE"), ("KNEE", "ANKLE"), ("SHOULDER", "HIP"))
)


def hybrid_points(image_xy: Array, world_xyz: Array) -> Array:
    """(F, 33, 3) points in pixels: image x and y, depth = world z x pixels-per-metre.

    Pixels-per-metre is the median over frames and the six leg and trunk segments of the
    image length / the world length across the picture (x, y). NaN where either input is.
    When no segment is measurable the depth is unknown (NaN) everywhere.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.stack(
            [
                np.linalg.norm(image_xy[:, a] - image_xy[:, b], axis=-1)
                / np.linalg.norm(world_xyz[:, a, :2] - world_xyz[:, b, :2], axis=-1)
                for a, b in _SCALE_SEGMENTS
            ]
        )
    px_per_m = nan_median(np.where(np.isinf(ratios), np.nan, ratios))
    return np.concatenate([image_xy, world_xyz[..., 2:] * px_per_m], axis=-1)


def in_plane_share(world_xyz: Array, start: Landmark, end: Landmark) -> Array:
    """(F,) |segment projected on the image plane| / |segment| in [0, 1]; NaN if unknown."""
    v = world_xyz[:, end] - world_xyz[:, start]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.linalg.norm(v[:, :2], axis=-1) / np.linalg.norm(v, axis=-1)
    return np.asarray(share, dtype=np.float64)


def flexion_in_plane(world_xyz: Array, *, min_share: float = IN_PLANE_MIN) -> dict[str, Array]:
    """Series name -> (F,) bool: both segments of the flexion angle lie in the image plane.

    False where a segment's share is below ``min_share`` (0-1) or unknown.
    """
    out: dict[str, Array] = {}
    for name, (first, second) in FLEXION_SEGMENTS.items():
        share = np.fmin(in_plane_share(world_xyz, *first), in_plane_share(world_xyz, *second))
        with np.errstate(invalid="ignore"):
            out[name] = np.asarray(share >= min_share, dtype=bool)
    return out


def flexion_confidence(world_xyz: Array) -> dict[str, Array]:
    """Series name -> (F,) 0-1: how much of the flexion angle the camera sees directly.

    The smaller of the two segments' in-plane shares (1 = both across the picture, 0 = one
    points straight at the camera; 0 where unknown). Values are kept whatever it says; the
    analyzers weigh them by it (a value at 0.8 or more is what the earlier view gate kept).
    """
    out: dict[str, Array] = {}
    for name, (first, second) in FLEXION_SEGMENTS.items():
        share = np.fmin(in_plane_share(world_xyz, *first), in_plane_share(world_xyz, *second))
        out[name] = np.asarray(np.nan_to_num(share, nan=0.0), dtype=np.float64)
    return out
