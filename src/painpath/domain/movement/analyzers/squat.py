"""Double-leg squat: depth, knee valgus (FPPA), trunk flexion and left-right asymmetry.

Reps are segmented on the mean knee flexion of both legs. Per rep: peak knee flexion per side
(depth), peak valgus FPPA per side (front view only), peak trunk flexion (side view only), and the
left-right knee flexion difference at the deepest frame (asymmetric loading / weight shift).
Compensations are judged on the median over reps against thresholds.py.
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
from painpath.domain.movement.nanstats import nan_mean_rows
from painpath.domain.movement.pose import Landmark
from painpath.domain.movement.reps import RepWindow, segment_reps
from painpath.domain.movement.view import CameraView
from painpath.domain.types import Side

__all__ = ["SPEC", "analyze_squat"]

MIN_EXCURSION_DEG = 20.0  # smaller knee bends are not counted as squats (project default)


def analyze_squat(inp: AnalyzerInput) -> AnalyzerOutput:
    s, t = inp.kin.series, inp.seq.t_s
    knees = nan_mean_rows(np.stack([s["knee_flexion_left_deg"], s["knee_flexion_right_deg"]]))
    windows = segment_reps(t, knees, min_excursion=MIN_EXCURSION_DEG, min_duration_s=0.6)

    # judge each plane only from the camera that sees it: estimated depth (world landmarks)
    # is too unreliable for FPPA from a side camera or trunk flexion from a front camera
    front = inp.view is CameraView.FRONT

    def per_rep(w: RepWindow) -> dict[str, float | None]:
        bottom_l = s["knee_flexion_left_deg"][w.peak]
        bottom_r = s["knee_flexion_right_deg"][w.peak]
        diff = abs(bottom_l - bottom_r)
        return {
            "peak_knee_flexion_left_deg": peak(s["knee_flexion_left_deg"], w),
            "peak_knee_flexion_right_deg": peak(s["knee_flexion_right_deg"], w),
            "peak_hip_flexion_left_deg": peak(s["hip_flexion_left_deg"], w),
            "peak_hip_flexion_right_deg": peak(s["hip_flexion_right_deg"], w),
            "peak_fppa_left_deg": peak(s["knee_fppa_left_deg"], w) if front else None,
            "peak_fppa_right_deg": peak(s["knee_fppa_right_deg"], w) if front else None,
            "peak_trunk_flexion_deg": None if front else peak(s["trunk_flexion_deg"], w),
            "knee_flexion_asymmetry_deg": float(diff) if np.isfinite(diff) else None,
            "duration_s": float(t[w.end] - t[w.start]),
        }

    reps = build_reps(t, windows, per_rep)
    metrics: dict[str, float | int | None] = {"reps": len(reps)}
    for key in (
        "peak_knee_flexion_left_deg",
        "peak_knee_flexion_right_deg",
        "peak_hip_flexion_left_deg",
        "peak_hip_flexion_right_deg",
        "peak_fppa_left_deg",
        "peak_fppa_right_deg",
        "peak_trunk_flexion_deg",
        "knee_flexion_asymmetry_deg",
        "duration_s",
    ):
        metrics[key] = median_or_none([r.metrics[key] for r in reps])
    return AnalyzerOutput(reps=reps, metrics=metrics, findings=_findings(inp, metrics, len(reps)))


def _findings(inp: AnalyzerInput, m: dict[str, float | int | None], n: int) -> tuple[Finding, ...]:
    if n == 0:
        return ()
    depths = [
        v
        for v in (m["peak_knee_flexion_left_deg"], m["peak_knee_flexion_right_deg"])
        if v is not None
    ]
    depth = float(max(depths)) if depths else None
    out = kinematic(inp, "squat_peak_knee_flexion", depth, "deg", side=Side.BOTH, n_events=n)
    out += compensation(inp, "limited_squat_depth", depth, side=Side.BOTH, n_events=n)
    for side, key in ((Side.LEFT, "peak_fppa_left_deg"), (Side.RIGHT, "peak_fppa_right_deg")):
        out += compensation(inp, "squat_valgus", _f(m[key]), side=side, n_events=n)
    trunk = _f(m["peak_trunk_flexion_deg"])
    out += compensation(inp, "excessive_trunk_flexion", trunk, side=Side.NONE, n_events=n)
    asym = _f(m["knee_flexion_asymmetry_deg"])
    out += compensation(inp, "squat_weight_shift", asym, side=Side.BOTH, n_events=n)
    return out


def _f(value: float | int | None) -> float | None:
    return None if value is None else float(value)


_LEGS = tuple(Landmark[f"{s}_{p}"] for s in ("LEFT", "RIGHT") for p in ("HIP", "KNEE", "ANKLE"))

SPEC = TestSpec(
    test="squat",
    views=(CameraView.FRONT, CameraView.SIDE),
    min_duration_s=2.0,
    landmarks=(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, *_LEGS),
    analyze=analyze_squat,
)
