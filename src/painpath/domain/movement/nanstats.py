"""NaN-aware statistics that return NaN (or None) for an empty selection instead of warning.

Pose series are NaN wherever the person is not seen: clips often start before the patient
walks in, so whole frames, or a whole landmark, can be unknown. NumPy's ``nanmean`` and
friends then warn ("Mean of empty slice"), which the test suite treats as an error and which
says nothing useful to a user. These helpers give the same values where data exist and a
quiet NaN where none do.
"""

from __future__ import annotations

import warnings

import numpy as np

from painpath.domain.movement.geometry import Array

__all__ = ["nan_max", "nan_mean", "nan_mean_rows", "nan_median", "nan_percentile"]


def nan_mean(values: Array) -> float:
    """Mean of the finite values of ``values`` (any shape); NaN when there are none."""
    known = values[np.isfinite(values)]
    return float(np.mean(known)) if known.size else float("nan")


def nan_median(values: Array) -> float:
    """Median of the finite values of ``values`` (any shape); NaN when there are none."""
    known = values[np.isfinite(values)]
    return float(np.median(known)) if known.size else float("nan")


def nan_max(values: Array) -> float | None:
    """Largest finite value of ``values``; None when there is none."""
    known = values[np.isfinite(values)]
    return float(np.max(known)) if known.size else None


def nan_percentile(values: Array, q: float) -> float | None:
    """``q``-th percentile (0-100) of the finite values; None when there are none."""
    known = values[np.isfinite(values)]
    return float(np.percentile(known, q)) if known.size else None


def nan_mean_rows(stack: Array, *, axis: int = 0) -> Array:
    """Element-wise mean over ``axis`` ignoring NaN; NaN where every value is unknown.

    E.g. the mean of the left and right knee flexion per frame, (2, F) -> (F,): a frame with
    one known side gives that side; a frame with neither gives NaN (without a warning).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: NaN is the answer
        return np.asarray(np.nanmean(stack, axis=axis), dtype=np.float64)
