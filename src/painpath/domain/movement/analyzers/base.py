"""Shared analyzer types and helpers: inputs, outputs, reps and finding builders."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from painpath.domain.assessment.findings import Finding, FindingKind, FindingSource
from painpath.domain.movement.depth import IN_PLANE_MIN
from painpath.domain.movement.geometry import Array
from painpath.domain.movement.nanstats import nan_median
from painpath.domain.movement.pose import Landmark, PoseSequence
from painpath.domain.movement.reps import RepWindow
from painpath.domain.movement.series import Kinematics, confidence, reported
from painpath.domain.movement.thresholds import THRESHOLDS, exceeds
from painpath.domain.movement.view import CameraView
from painpath.domain.types import Side

__all__ = [
    "AnalyzerInput",
    "AnalyzerOutput",
    "Rep",
    "TestSpec",
    "build_reps",
    "compensation",
    "confident_values",
    "finding_confidence",
    "infer_stance_side",
    "kinematic",
    "median_or_none",
    "other",
    "peak",
    "reported_series",
    "side_sign",
]


@dataclass(frozen=True, slots=True)
class Rep:
    """One repetition: times in seconds from the video start and per-rep metrics."""

    index: int
    start_s: float
    end_s: float
    peak_s: float
    metrics: Mapping[str, float | None]


@dataclass(frozen=True, slots=True)
class AnalyzerInput:
    seq: PoseSequence  # cleaned (swap-corrected, filtered)
    kin: Kinematics
    view: CameraView
    side: Side | None
    landmark_confidence: float  # mean confidence (0-1) of the landmarks the test needs
    test: str


@dataclass(frozen=True, slots=True)
class AnalyzerOutput:
    reps: tuple[Rep, ...] = ()
    metrics: Mapping[str, float | int | None] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class TestSpec:
    """What a test needs: camera views, minimum duration, landmarks, and its analyzer."""

    test: str
    views: tuple[CameraView, ...]
    min_duration_s: float
    landmarks: tuple[Landmark, ...]
    analyze: Callable[[AnalyzerInput], AnalyzerOutput]
    single_leg: bool = False


PEAK_SAMPLES = 5  # the peak is the median of the 5 most extreme samples (noise-robust)


def peak(values: Array, window: RepWindow, *, lowest: bool = False) -> float | None:
    """Robust max (or min) of ``values`` inside the rep window; None if all unknown.

    A plain maximum of a noisy signal reads high; the median of the few most extreme samples
    (about 0.17 s at 30 fps, where a smooth peak is nearly flat) halves that bias.
    """
    part = values[window.start : window.end + 1]
    known = part[np.isfinite(part)]
    if known.size == 0:
        return None
    ordered = np.sort(known)
    extreme = ordered[:PEAK_SAMPLES] if lowest else ordered[-PEAK_SAMPLES:]
    return float(np.median(extreme))


def reported_series(inp: AnalyzerInput, name: str) -> Array:
    """Series ``name`` as the analysis reports it: flexion angles NaN where the view gate
    withholds them (a segment pointing at the camera), other series unchanged."""
    return reported(inp.kin, name)


def confident_values(
    inp: AnalyzerInput, name: str, *, min_confidence: float = IN_PLANE_MIN
) -> Array:
    """Series ``name`` with values the camera sees poorly (per-frame confidence below
    ``min_confidence``) made unknown, unless that would leave under a third of the known
    values: then every value is kept (a poor view is better than none; the finding's
    confidence says so)."""
    values = reported(inp.kin, name)
    weights = confidence(inp.kin, name)
    if weights is None:
        return values
    kept = np.where(weights >= min_confidence, values, np.nan)
    known = np.isfinite(values).sum()
    return values if np.isfinite(kept).sum() < known / 3 else np.asarray(kept)


def median_or_none(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.median(known)) if known else None


def build_reps(
    t_s: Array,
    windows: Sequence[RepWindow],
    metrics: Callable[[RepWindow], dict[str, float | None]],
) -> tuple[Rep, ...]:
    return tuple(
        Rep(
            index=i + 1,
            start_s=float(t_s[w.start] - t_s[0]),
            end_s=float(t_s[w.end] - t_s[0]),
            peak_s=float(t_s[w.peak] - t_s[0]),
            metrics=metrics(w),
        )
        for i, w in enumerate(windows)
    )


def finding_confidence(inp: AnalyzerInput, n_events: int) -> float:
    """Landmark confidence scaled by how many reps/events support the result (3+ = full)."""
    return round(inp.landmark_confidence * min(1.0, (1.0 + n_events) / 4.0), 2)


def compensation(
    inp: AnalyzerInput,
    threshold_id: str,
    value: float | None,
    *,
    side: Side,
    n_events: int,
    margin: float | None = None,
) -> tuple[Finding, ...]:
    """A COMPENSATION finding when ``value`` is beyond the threshold by more than the
    measurement margin (the threshold's own, or ``margin`` when given), else nothing."""
    th = THRESHOLDS[threshold_id]
    if value is None or not exceeds(th, value, margin=margin):
        return ()
    return (
        Finding(
            kind=FindingKind.COMPENSATION,
            code=th.compensation.value,
            side=side,
            value=round(value, 2),
            unit=th.unit,
            abnormal=True,
            norm=th.norm,
            test=inp.test,
            source=FindingSource.VIDEO,
            confidence=finding_confidence(inp, n_events),
            impairments=th.impairments,
            evidence=th.evidence,
            compensation=th.compensation,
        ),
    )


def kinematic(
    inp: AnalyzerInput, code: str, value: float | None, unit: str, *, side: Side, n_events: int
) -> tuple[Finding, ...]:
    """A KINEMATIC finding (a measured value, not judged against a norm here)."""
    if value is None:
        return ()
    return (
        Finding(
            kind=FindingKind.KINEMATIC,
            code=code,
            side=side,
            value=round(value, 2),
            unit=unit,
            test=inp.test,
            source=FindingSource.VIDEO,
            confidence=finding_confidence(inp, n_events),
        ),
    )


def infer_stance_side(seq: PoseSequence) -> Side:
    """The standing leg of a single-leg task: the side whose ankle is lower most of the time."""
    y_down = seq.image_xy[..., 1]  # image y grows downwards: the lower ankle has the larger y
    diff = y_down[:, Landmark.LEFT_ANKLE] - y_down[:, Landmark.RIGHT_ANKLE]
    median = nan_median(diff)
    return Side.RIGHT if median < 0 else Side.LEFT  # NaN (no ankles seen): left


def side_sign(side: Side) -> float:
    """+1 for the left side, -1 for the right: frontal axes point to the subject's left."""
    return 1.0 if side is Side.LEFT else -1.0


def other(side: Side) -> Side:
    return Side.RIGHT if side is Side.LEFT else Side.LEFT
