"""Single-leg squat (front view): dynamic knee valgus, contralateral pelvic drop, trunk lean.

``side`` is the standing (tested) leg. Reps are segmented on its knee flexion. Per rep:
peak FPPA of the stance knee (valgus +), peak contralateral pelvic drop (the free side's hip
lower than the stance hip; degrees) and peak trunk lean towards the stance leg (degrees).
"""

from __future__ import annotations

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
    side_sign,
)
from painpath.domain.movement.pose import Landmark
from painpath.domain.movement.reps import RepWindow, segment_reps
from painpath.domain.movement.view import CameraView
from painpath.domain.types import Side

__all__ = ["SPEC", "analyze_single_leg_squat"]

_KEYS = (
    "peak_knee_flexion_deg",
    "peak_fppa_deg",
    "peak_pelvic_drop_deg",
    "peak_trunk_lean_to_stance_deg",
    "duration_s",
)


def analyze_single_leg_squat(inp: AnalyzerInput) -> AnalyzerOutput:
    side = inp.side or Side.LEFT
    tag, sign = side.value, side_sign(side)
    s, t = inp.kin.series, inp.seq.t_s
    # Stance left: the right (free) hip dropping makes the obliquity positive (left higher).
    drop = sign * s["pelvic_obliquity_deg"]
    lean = sign * s["trunk_lateral_lean_deg"]
    windows = segment_reps(t, s[f"knee_flexion_{tag}_deg"], min_excursion=20.0, min_duration_s=0.6)

    def per_rep(w: RepWindow) -> dict[str, float | None]:
        return {
            "peak_knee_flexion_deg": peak(s[f"knee_flexion_{tag}_deg"], w),
            "peak_fppa_deg": peak(s[f"knee_fppa_{tag}_deg"], w),
            "peak_pelvic_drop_deg": peak(drop, w),
            "peak_trunk_lean_to_stance_deg": peak(lean, w),
            "duration_s": float(t[w.end] - t[w.start]),
        }

    reps = build_reps(t, windows, per_rep)
    metrics: dict[str, float | int | None] = {"reps": len(reps)}
    for key in _KEYS:
        metrics[key] = median_or_none([r.metrics[key] for r in reps])
    return AnalyzerOutput(reps, metrics, _findings(inp, side, metrics, len(reps)))


def _findings(
    inp: AnalyzerInput, side: Side, m: dict[str, float | int | None], n: int
) -> tuple[Finding, ...]:
    if n == 0:
        return ()

    def val(key: str) -> float | None:
        v = m[key]
        return None if v is None else float(v)

    out = kinematic(
        inp,
        "single_leg_squat_peak_knee_flexion",
        val("peak_knee_flexion_deg"),
        "deg",
        side=side,
        n_events=n,
    )
    out += kinematic(
        inp, "single_leg_squat_fppa", val("peak_fppa_deg"), "deg", side=side, n_events=n
    )
    out += compensation(inp, "single_leg_squat_valgus", val("peak_fppa_deg"), side=side, n_events=n)
    out += compensation(inp, "pelvic_drop", val("peak_pelvic_drop_deg"), side=side, n_events=n)
    out += compensation(
        inp, "trunk_lateral_lean", val("peak_trunk_lean_to_stance_deg"), side=side, n_events=n
    )
    return out


_NEEDED = tuple(
    Landmark[f"{s}_{p}"] for s in ("LEFT", "RIGHT") for p in ("SHOULDER", "HIP", "KNEE", "ANKLE")
)

SPEC = TestSpec(
    test="single-leg-squat",
    views=(CameraView.FRONT,),
    min_duration_s=2.0,
    landmarks=_NEEDED,
    analyze=analyze_single_leg_squat,
    single_leg=True,
)
