"""Overhead reach: peak arm elevation per side, shoulder hiking and lumbar extension.

Side view: shoulder flexion (arm vs trunk, sagittal) and the backward trunk lean during the
reach (``lumbar_extension_deg`` = resting trunk flexion minus the lowest trunk flexion in the
rep; positive = leaned back). Front view: shoulder abduction (frontal) and shoulder hiking
(resting shoulder-elevation ratio minus its lowest value in the rep, in shoulder widths).
Resting values are medians over the frames outside all reps. Reps are segmented on the higher
of the two arms' elevation.
"""

from __future__ import annotations

import numpy as np

from painpath.domain.assessment.findings import Finding
from painpath.domain.movement.analyzers.base import (
    AnalyzerInput,
    AnalyzerOutput,
    TestSpec,
    build_reps,
    compensation,
    kinematic,
    median_or_none,
    peak,
)
from painpath.domain.movement.geometry import Array
from painpath.domain.movement.pose import Landmark
from painpath.domain.movement.reps import RepWindow, segment_reps
from painpath.domain.movement.view import CameraView
from painpath.domain.types import Side

__all__ = ["SPEC", "analyze_overhead_reach"]


def analyze_overhead_reach(inp: AnalyzerInput) -> AnalyzerOutput:
    s, t = inp.kin.series, inp.seq.t_s
    motion = "flexion" if inp.view is CameraView.SIDE else "abduction"
    left, right = s[f"shoulder_{motion}_left_deg"], s[f"shoulder_{motion}_right_deg"]
    with np.errstate(invalid="ignore"):
        drive = np.fmax(left, right)
    windows = segment_reps(t, drive, min_excursion=40.0, min_duration_s=0.6)
    rest = np.ones(t.shape[0], dtype=bool)
    for w in windows:
        rest[w.start : w.end + 1] = False

    def change(series: Array, w: RepWindow) -> float | None:
        base, low = _median(series[rest]), peak(series, w, lowest=True)
        return None if base is None or low is None else base - low

    def per_rep(w: RepWindow) -> dict[str, float | None]:
        out: dict[str, float | None] = {
            f"peak_shoulder_{motion}_left_deg": peak(left, w),
            f"peak_shoulder_{motion}_right_deg": peak(right, w),
        }
        if motion == "flexion":
            out["lumbar_extension_deg"] = change(s["trunk_flexion_deg"], w)
        else:
            out["shoulder_hiking_left_ratio"] = change(s["shoulder_elevation_left_ratio"], w)
            out["shoulder_hiking_right_ratio"] = change(s["shoulder_elevation_right_ratio"], w)
        return out

    reps = build_reps(t, windows, per_rep)
    keys = list(reps[0].metrics) if reps else []
    metrics: dict[str, float | int | None] = {"reps": len(reps)}
    for key in keys:
        metrics[key] = median_or_none([r.metrics[key] for r in reps])
    return AnalyzerOutput(reps, metrics, _findings(inp, motion, metrics, len(reps)))


def _median(values: Array) -> float | None:
    known = values[np.isfinite(values)]
    return float(np.median(known)) if known.size else None


def _findings(
    inp: AnalyzerInput, motion: str, m: dict[str, float | int | None], n: int
) -> tuple[Finding, ...]:
    out: tuple[Finding, ...] = ()
    if n == 0:
        return out

    def val(key: str) -> float | None:
        v = m.get(key)
        return None if v is None else float(v)

    for side in (Side.LEFT, Side.RIGHT):
        elevation = val(f"peak_shoulder_{motion}_{side.value}_deg")
        out += kinematic(inp, f"shoulder_{motion}", elevation, "deg", side=side, n_events=n)
        out += compensation(inp, "reduced_arm_elevation", elevation, side=side, n_events=n)
        hiking = val(f"shoulder_hiking_{side.value}_ratio")
        out += compensation(inp, "shoulder_hiking", hiking, side=side, n_events=n)
    out += compensation(
        inp, "lumbar_extension", val("lumbar_extension_deg"), side=Side.NONE, n_events=n
    )
    return out


SPEC = TestSpec(
    test="overhead-reach",
    views=(CameraView.SIDE, CameraView.FRONT),
    min_duration_s=2.0,
    landmarks=tuple(
        Landmark[f"{s}_{p}"] for s in ("LEFT", "RIGHT") for p in ("SHOULDER", "ELBOW", "HIP")
    ),
    analyze=analyze_overhead_reach,
)
