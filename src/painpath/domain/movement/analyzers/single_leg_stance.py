"""Single-leg stance (front view): time until the free foot touches down, pelvic drop, trunk
lean towards the stance leg, and sway.

The free foot counts as lifted while its ankle is higher than the stance ankle by more than
10 % of the stance leg length (project default). The stance duration is the longest lifted
period; when the foot is still up at the end of the video the test was not failed, so no
balance_loss finding is made. Sway = 5-95 % range of the pelvis centre's sideways position
divided by trunk length (no unit).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from painpath.domain.movement.analyzers.base import (
    AnalyzerInput,
    AnalyzerOutput,
    TestSpec,
    compensation,
    kinematic,
    other,
    side_sign,
)
from painpath.domain.movement.geometry import Array, landmark, to_y_up
from painpath.domain.movement.nanstats import nan_median
from painpath.domain.movement.pose import Landmark
from painpath.domain.movement.view import CameraView
from painpath.domain.types import Side

__all__ = ["SPEC", "analyze_single_leg_stance", "longest_run"]

LIFT_FRACTION = 0.10


def longest_run(mask: NDArray[np.bool_]) -> tuple[int, int] | None:
    """(start, stop) indices of the longest run of True in ``mask``, stop exclusive."""
    best: tuple[int, int] | None = None
    start = None
    for i, value in enumerate([*list(mask), False]):
        if value and start is None:
            start = i
        elif not value and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def analyze_single_leg_stance(inp: AnalyzerInput) -> AnalyzerOutput:
    side = inp.side or Side.LEFT
    free = other(side)
    p, t, s = to_y_up(inp.seq.image_xy), inp.seq.t_s, inp.kin.series
    stance_ankle = p[:, landmark(f"{side.name}_ANKLE")]
    leg = nan_median(np.linalg.norm(p[:, landmark(f"{side.name}_HIP")] - stance_ankle, axis=-1))
    lift = p[:, landmark(f"{free.name}_ANKLE"), 1] - stance_ankle[:, 1]
    run = longest_run(np.nan_to_num(lift, nan=0.0) > LIFT_FRACTION * leg)
    if run is None:
        return AnalyzerOutput(metrics={"stance_duration_s": 0.0, "held_to_end": 0})
    a, b = run
    held_to_end = int(b == t.shape[0])
    duration = float(t[b - 1] - t[a]) if held_to_end else float(t[b] - t[a])
    sign = side_sign(side)
    drop = _p90(sign * s["pelvic_obliquity_deg"][a:b])
    lean = _p90(sign * s["trunk_lateral_lean_deg"][a:b])
    sway = _sway(inp, a, b)
    metrics: dict[str, float | int | None] = {
        "stance_duration_s": duration,
        "held_to_end": held_to_end,
        "pelvic_drop_deg": drop,
        "trunk_lean_to_stance_deg": lean,
        "sway_ratio": sway,
    }
    n = 3  # one sustained hold of many frames: full weight for confidence
    findings = kinematic(inp, "single_leg_stance_duration", duration, "s", side=side, n_events=n)
    if not held_to_end:
        findings += compensation(inp, "balance_loss", duration, side=side, n_events=n)
    findings += compensation(inp, "pelvic_drop", drop, side=side, n_events=n)
    findings += compensation(inp, "trunk_lateral_lean", lean, side=side, n_events=n)
    return AnalyzerOutput(metrics=metrics, findings=findings)


def _p90(values: Array) -> float | None:
    known = values[np.isfinite(values)]
    return float(np.percentile(known, 90)) if known.size else None


def _sway(inp: AnalyzerInput, a: int, b: int) -> float | None:
    frontal = inp.kin.frontal
    if frontal is None:
        return None
    hip = (frontal[a:b, Landmark.LEFT_HIP] + frontal[a:b, Landmark.RIGHT_HIP]) / 2.0
    sho = (frontal[a:b, Landmark.LEFT_SHOULDER] + frontal[a:b, Landmark.RIGHT_SHOULDER]) / 2.0
    trunk = nan_median(np.linalg.norm(sho - hip, axis=-1))
    x = hip[np.isfinite(hip[:, 0]), 0]
    if x.size < 2 or not trunk > 0:
        return None
    return float((np.percentile(x, 95) - np.percentile(x, 5)) / trunk)


SPEC = TestSpec(
    test="single-leg-stance",
    views=(CameraView.FRONT,),
    min_duration_s=3.0,
    landmarks=tuple(
        Landmark[f"{s}_{p}"] for s in ("LEFT", "RIGHT") for p in ("SHOULDER", "HIP", "ANKLE")
    ),
    analyze=analyze_single_leg_stance,
    single_leg=True,
)
