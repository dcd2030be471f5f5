"""Vector helpers shared by the angle functions: y-up conversion and body-aligned planes.

Image landmarks are in pixels with y *down*; BlazePose world landmarks are in metres with y
*down* too. Every helper here first flips y so that "up" is +y, then expresses points in a
body-aligned plane: (horizontal body axis, up). The horizontal axis is the subject's
left (frontal plane, from the right hip to the left hip) or forward (sagittal plane, from heel
to toe). Working in body axes makes every angle invariant to translation and uniform scale and
mirror-symmetric (mirroring the picture and swapping left/right labels swaps the results).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from painpath.domain.movement.pose import Landmark

__all__ = ["Array", "horizontal_axis", "landmark", "project_to_plane", "to_y_up", "unit"]

Array = NDArray[np.float64]


def to_y_up(points: Array) -> Array:
    """Return ``points`` (..., 2|3) with the y axis flipped so that +y points up."""
    flip = np.ones(points.shape[-1])
    flip[1] = -1.0
    return np.asarray(points * flip, dtype=np.float64)


def unit(vectors: Array) -> Array:
    """Normalise (..., D) vectors; zero-length vectors become NaN."""
    norm = np.linalg.norm(vectors, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(norm > 1e-12, vectors / norm, np.nan)
    return np.asarray(out, dtype=np.float64)


def horizontal_axis(start: Array, end: Array) -> Array:
    """Per-frame horizontal unit vector (F, D) pointing from ``start`` to ``end`` (y-up points).

    In 2D (image) the per-frame direction flickers when the two points nearly coincide (a side
    view seen from the front axis), so the sequence-median direction is used for every frame.
    In 3D the vertical component is removed and each frame keeps its own direction.
    """
    delta = np.asarray(end - start, dtype=np.float64)
    delta[..., 1] = 0.0
    if delta.shape[-1] == 2:
        finite = delta[np.isfinite(delta[:, 0]), 0]
        sign = 1.0 if finite.size == 0 or float(np.median(finite)) >= 0 else -1.0
        axis = np.zeros_like(delta)
        axis[:, 0] = sign
        return axis
    return unit(delta)


def project_to_plane(points: Array, axis: Array) -> Array:
    """Express y-up points (F, D) in the plane (horizontal ``axis``, up): returns (F, 2)."""
    horizontal = np.sum(points * axis, axis=-1)
    return np.stack([horizontal, points[..., 1]], axis=-1)


def landmark(name: str) -> Landmark:
    """Landmark by name, e.g. ``landmark("LEFT_KNEE")`` (typed helper for f-string names)."""
    return Landmark[name]
