"""Sit-to-stand (side view): stands counted, 30-second count, rep time and use of the arms.

A rep is one rise to standing: the driving signal is minus the mean hip flexion (sitting
about -90 deg, standing about 0). ``chair_stand_30s_count`` counts rises that reach standing
within 30 s of the first lift-off; it is None when less than 30 s was filmed after lift-off.

Use of the arms (documented heuristic, project default): the test is done with the arms
crossed on the chest, so at lift-off both wrists sit high on the trunk. A rise counts as
arm-assisted when, at lift-off, the highest visible wrist is below half the trunk height
(hands on thighs, chair or swinging low). ``uses_arms_to_rise`` is flagged when more than half
of the rises are arm-assisted. A wrist within 10 % of the trunk height of that line
(``HANDS_MARGIN``, about the landmark error of a wrist on phone video) leaves the rise
undecided, so it does not count either way: the margin for measurement error of this rule.
"""

from __future__ import annotations

import numpy as np

from painpath.domain.movement.analyzers.base import (
    AnalyzerInput,
    AnalyzerOutput,
    TestSpec,
    build_reps,
    compensation,
    kinematic,
    median_or_none,
)
from painpath.domain.movement.geometry import to_y_up
from painpath.domain.movement.nanstats import nan_max, nan_mean, nan_mean_rows
from painpath.domain.movement.pose import Landmark
from painpath.domain.movement.reps import RepWindow, segment_reps
from painpath.domain.movement.view import CameraView
from painpath.domain.types import Side

__all__ = ["SPEC", "analyze_sit_to_stand"]

LM = Landmark
TEST_WINDOW_S = 30.0
HANDS_LOW_FRACTION = 0.5
HANDS_MARGIN = 0.1  # share of the trunk height around the line where a rise is undecided


def analyze_sit_to_stand(inp: AnalyzerInput) -> AnalyzerOutput:
    s, t = inp.kin.series, inp.seq.t_s
    hips = np.stack([s["hip_flexion_left_deg"], s["hip_flexion_right_deg"]])
    standing = -nan_mean_rows(hips)
    windows = segment_reps(t, standing, min_excursion=40.0, min_duration_s=0.5)
    p = to_y_up(inp.seq.image_xy)

    def per_rep(w: RepWindow) -> dict[str, float | None]:
        return {
            "rise_time_s": float(t[w.peak] - t[w.start]),
            "hands_low_at_liftoff": _hands_low(p, w.start),
        }

    reps = build_reps(t, windows, per_rep)
    count_30 = None
    if windows and t[-1] - t[windows[0].start] >= TEST_WINDOW_S:
        count_30 = sum(1 for w in windows if t[w.peak] - t[windows[0].start] <= TEST_WINDOW_S)
    low = [r.metrics["hands_low_at_liftoff"] for r in reps]
    known = [v for v in low if v is not None]
    fraction = float(np.mean(known)) if known else None
    metrics: dict[str, float | int | None] = {
        "reps": len(reps),
        "chair_stand_30s_count": count_30,
        "rise_time_s": median_or_none([r.metrics["rise_time_s"] for r in reps]),
        "arm_assisted_fraction": fraction,
    }
    n = len(reps)
    findings = kinematic(inp, "sit_to_stand_reps", float(n), "count", side=Side.NONE, n_events=n)
    if count_30 is not None:
        findings += kinematic(
            inp, "chair_stand_30s", float(count_30), "count", side=Side.NONE, n_events=n
        )
    if n:
        findings += compensation(inp, "uses_arms_to_rise", fraction, side=Side.BOTH, n_events=n)
    return AnalyzerOutput(reps, metrics, findings)


def _hands_low(p: np.ndarray, frame: int) -> float | None:
    hip = nan_mean(p[frame, [LM.LEFT_HIP, LM.RIGHT_HIP], 1])
    sho = nan_mean(p[frame, [LM.LEFT_SHOULDER, LM.RIGHT_SHOULDER], 1])
    wrist = nan_max(p[frame, [LM.LEFT_WRIST, LM.RIGHT_WRIST], 1])
    if wrist is None or not (np.isfinite(hip) and np.isfinite(sho)):
        return None
    height = (wrist - hip) / (sho - hip) if sho != hip else float("nan")
    if not np.isfinite(height) or abs(height - HANDS_LOW_FRACTION) <= HANDS_MARGIN:
        return None  # too close to the line to tell
    return 1.0 if height < HANDS_LOW_FRACTION else 0.0


SPEC = TestSpec(
    test="sit-to-stand",
    views=(CameraView.SIDE,),
    min_duration_s=3.0,
    landmarks=tuple(
        Landmark[f"{s}_{p}"] for s in ("LEFT", "RIGHT") for p in ("SHOULDER", "HIP", "KNEE")
    ),
    analyze=analyze_sit_to_stand,
)
