"""Hypothesis strategies for movement-analysis tests (points, transforms)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from painpath.domain.movement.geometry import Array

coordinate = st.floats(-500.0, 500.0, allow_nan=False, allow_infinity=False)


def point_sets(count: int, dims: int) -> st.SearchStrategy[Array]:
    """(count, 1, dims) well-separated random points (one frame each)."""
    return arrays(np.float64, (count, 1, dims), elements=coordinate).filter(_separated)


def _separated(points: Array) -> bool:
    flat = points[:, 0, :]
    dists = [np.linalg.norm(a - b) for i, a in enumerate(flat) for b in flat[i + 1 :]]
    return bool(min(dists) > 5.0)


offsets = st.tuples(coordinate, coordinate, coordinate)
scales = st.floats(0.05, 20.0)
