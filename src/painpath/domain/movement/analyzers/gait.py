"""Gait from a side view: heel strikes, steps, cadence and step-time symmetry.

Heel strikes follow Zeni et al. (2008): a heel strike is a maximum of the heel's forward
position relative to the pelvis centre (``zeni2008``). Peaks must stand out by 15 % of the
leg length and be at least 0.25 s apart for the same foot (project defaults). Steps are heel
strikes; cadence = (strikes - 1) / (last - first strike time) x 60. The step time of a foot is
the time from the other foot's strike to its own; ``step_time_symmetry`` = longer mean step
time / shorter one (1 = symmetric; Patterson et al. 2010 symmetry ratio, ``patterson2010``).
Peak knee flexion per leg is the median over that leg's strides of the stride's maximum (the
swing-phase peak, about 60-70 deg in healthy walking), not the maximum of the whole clip,
which on real video was set by frames where the walker left the picture (111 / 153 deg).
"""

from __future__ import annotations

import itertools

import numpy as np

from painpath.domain.movement.analyzers.base import (
    AnalyzerInput,
    AnalyzerOutput,
    TestSpec,
    compensation,
    confident_values,
    kinematic,
)
from painpath.domain.movement.filtering import median_rate_hz
from painpath.domain.movement.nanstats import nan_max, nan_median
from painpath.domain.movement.pose import Landmark
from painpath.domain.movement.reps import find_peaks
from painpath.domain.movement.view import CameraView
from painpath.domain.types import Side

__all__ = ["SPEC", "analyze_gait", "detect_heel_strikes", "stride_peak"]

LM = Landmark


def detect_heel_strikes(inp: AnalyzerInput) -> dict[Side, list[int]]:
    """Frame indices of heel strikes per foot (Zeni: heel furthest in front of the pelvis)."""
    sag = inp.kin.sagittal
    if sag is None:
        return {Side.LEFT: [], Side.RIGHT: []}
    pelvis = (sag[:, LM.LEFT_HIP, 0] + sag[:, LM.RIGHT_HIP, 0]) / 2.0
    leg = nan_median(np.linalg.norm(sag[:, LM.LEFT_HIP] - sag[:, LM.LEFT_ANKLE], axis=-1))
    distance = max(1, int(0.25 * median_rate_hz(inp.seq.t_s)))
    out: dict[Side, list[int]] = {}
    for side, heel in ((Side.LEFT, LM.LEFT_HEEL), (Side.RIGHT, LM.RIGHT_HEEL)):
        rel = sag[:, heel, 0] - pelvis
        out[side] = find_peaks(rel, min_prominence=0.15 * float(leg), min_distance=distance)
    return out


TIMING_ERROR_S = 1.0 / 30.0  # one frame of a 30 fps phone clip (project default)


def _strike_times(inp: AnalyzerInput, strikes: dict[Side, list[int]]) -> dict[int, float]:
    """Sub-frame heel-strike times: the vertex of a parabola through the peak and its two
    neighbours (times and values), so steps are not rounded to whole frames."""
    sag, t = inp.kin.sagittal, inp.seq.t_s
    out: dict[int, float] = {}
    for side, heel in ((Side.LEFT, LM.LEFT_HEEL), (Side.RIGHT, LM.RIGHT_HEEL)):
        for i in strikes[side]:
            out[i] = float(t[i])
            if sag is None or i == 0 or i >= t.shape[0] - 1:
                continue
            pelvis = (sag[i - 1 : i + 2, LM.LEFT_HIP, 0] + sag[i - 1 : i + 2, LM.RIGHT_HIP, 0]) / 2
            y = sag[i - 1 : i + 2, heel, 0] - pelvis
            if np.all(np.isfinite(y)):
                a, b, _ = np.polyfit(t[i - 1 : i + 2] - t[i], y, 2)
                if a < 0:
                    out[i] = float(t[i] + np.clip(-b / (2 * a), t[i - 1] - t[i], t[i + 1] - t[i]))
    return out


def analyze_gait(inp: AnalyzerInput) -> AnalyzerOutput:
    strikes = detect_heel_strikes(inp)
    t = _strike_times(inp, strikes)
    events = sorted((i, side) for side, idx in strikes.items() for i in idx)
    metrics: dict[str, float | int | None] = {"steps": len(events)}
    cadence = None
    if len(events) >= 2:
        span = float(t[events[-1][0]] - t[events[0][0]])
        cadence = (len(events) - 1) / span * 60.0
    step: dict[Side, list[float]] = {Side.LEFT: [], Side.RIGHT: []}
    for (i0, s0), (i1, s1) in itertools.pairwise(events):
        if s0 is not s1:  # only alternating strikes are steps of the second foot
            step[s1].append(float(t[i1] - t[i0]))
    left, right = _mean(step[Side.LEFT]), _mean(step[Side.RIGHT])
    symmetry = max(left, right) / min(left, right) if left and right else None
    metrics.update(
        cadence_steps_per_min=cadence,
        step_time_left_s=left,
        step_time_right_s=right,
        step_time_symmetry=symmetry,
        peak_knee_flexion_left_deg=stride_peak(inp, "left", strikes[Side.LEFT]),
        peak_knee_flexion_right_deg=stride_peak(inp, "right", strikes[Side.RIGHT]),
    )
    n = len(events)
    findings = kinematic(inp, "gait_cadence", cadence, "steps/min", side=Side.NONE, n_events=n)
    findings += kinematic(
        inp, "gait_step_time_symmetry", symmetry, "ratio", side=Side.NONE, n_events=n
    )
    # A step time read off video is uncertain by about a frame; the ratio is judged only
    # beyond that uncertainty (e.g. 1.10 + 0.06 for 0.6 s steps), so one frame of timing
    # (a frame rate, a processor) cannot flip the finding.
    shorter = min(left, right) if left and right else None
    margin = TIMING_ERROR_S / shorter * (symmetry or 1.0) if shorter else 0.0
    findings += compensation(
        inp, "gait_asymmetry", symmetry, side=Side.BOTH, n_events=n, margin=margin
    )
    return AnalyzerOutput(metrics=metrics, findings=findings)


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def stride_peak(inp: AnalyzerInput, tag: str, strikes: list[int]) -> float | None:
    """Peak knee flexion of one leg (degrees): median over its strides of the largest value.

    A stride runs from one heel strike of the foot to its next one (a full gait cycle, so it
    holds one swing-phase peak). Values the camera sees poorly (confidence below 0.8: the
    shank or thigh points at the camera) are left out when the stride has enough seen ones;
    the median ignores a stride spoiled by a few bad frames. None without a complete stride.
    """
    values = confident_values(inp, f"knee_flexion_{tag}_deg")
    peaks = [nan_max(values[a : b + 1]) for a, b in itertools.pairwise(strikes)]
    known = [p for p in peaks if p is not None]
    return float(np.median(known)) if known else None


SPEC = TestSpec(
    test="gait",
    views=(CameraView.SIDE,),
    min_duration_s=3.0,
    landmarks=tuple(
        Landmark[f"{s}_{p}"] for s in ("LEFT", "RIGHT") for p in ("HIP", "KNEE", "ANKLE", "HEEL")
    ),
    analyze=analyze_gait,
)
