"""Every clinically meaningful movement threshold is applied with a margin for measurement
error: a value just past the cut-off but within the margin is not flagged, one beyond it is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml

from painpath.domain.movement.analysis import analyze_movement
from painpath.domain.movement.analyzers import sit_to_stand
from painpath.domain.movement.pose import Landmark, PoseSequence
from painpath.domain.movement.scenarios import (
    reach_recording,
    single_leg_squat_recording,
    squat_recording,
    stance_recording,
)
from painpath.domain.movement.thresholds import THRESHOLDS, exceeds
from painpath.domain.types import Side

EVIDENCE = Path(__file__).parents[3] / "src" / "painpath" / "knowledge" / "evidence.yaml"
# margins given elsewhere: per step from one frame of timing (gait), per rise (sit-to-stand)
MARGIN_ELSEWHERE = {"gait_asymmetry", "uses_arms_to_rise"}


@pytest.mark.parametrize("tid", sorted(THRESHOLDS))
def test_every_threshold_has_a_margin_and_real_evidence_keys(tid: str) -> None:
    th = THRESHOLDS[tid]
    keys = yaml.safe_load(EVIDENCE.read_text(encoding="utf-8"))
    assert all(k in keys for k in th.evidence), th.evidence
    if tid in MARGIN_ELSEWHERE:
        assert th.margin == 0.0
        return
    assert 0 < th.margin < abs(th.value)  # an error margin, not a second threshold
    step = th.margin / 10
    sign = 1 if th.comparison == ">" else -1
    assert not exceeds(th, th.value + sign * step)  # past the cut-off, within the error
    assert not exceeds(th, th.value + sign * (th.margin - step))
    assert exceeds(th, th.value + sign * (th.margin + step))


Case = tuple[Callable[[float], PoseSequence], str, Side | None, str, float, float]

CASES: dict[str, Case] = {
    # name: (recording of a true value, test, side, finding code, within margin, beyond)
    "limited_squat_depth": (
        lambda v: squat_recording(view="side", depth_deg=v), "squat", None,
        "limited_squat_depth", 78.0, 73.0,
    ),
    "squat_valgus": (
        lambda v: squat_recording(valgus_deg=v), "squat", None, "dynamic_knee_valgus", 12.0, 15.0,
    ),
    "excessive_trunk_flexion": (
        lambda v: squat_recording(view="side", trunk_flexion_deg=v), "squat", None,
        "excessive_trunk_flexion", 48.0, 52.0,
    ),
    "squat_weight_shift": (
        lambda v: squat_recording(asymmetry_deg=v), "squat", None, "weight_shift", 13.0, 17.0,
    ),
    "single_leg_squat_valgus": (
        lambda v: single_leg_squat_recording(valgus_deg=v), "single-leg-squat", Side.LEFT,
        "dynamic_knee_valgus", 12.0, 15.0,
    ),
    "pelvic_drop": (
        lambda v: single_leg_squat_recording(pelvic_drop_deg=v), "single-leg-squat", Side.LEFT,
        "pelvic_drop", 6.5, 8.5,
    ),
    "trunk_lateral_lean": (
        lambda v: stance_recording(trunk_lean_deg=v), "single-leg-stance", Side.LEFT,
        "trunk_lateral_lean", 12.0, 15.0,
    ),
    "balance_loss": (
        lambda v: stance_recording(hold_s=v, total_s=v + 4), "single-leg-stance", Side.LEFT,
        "balance_loss", 9.9, 9.4,
    ),
    "reduced_arm_elevation": (
        lambda v: reach_recording(peak_deg=v), "overhead-reach", None,
        "reduced_arm_elevation", 147.0, 142.0,
    ),
    "lumbar_extension": (
        lambda v: reach_recording(lumbar_extension_deg=v), "overhead-reach", None,
        "lumbar_extension_compensation", 12.0, 15.0,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_analyzer_flags_only_beyond_the_margin(name: str) -> None:
    make, test, side, code, within, beyond = CASES[name]
    th = THRESHOLDS[name]
    # the true values sit on both sides of the margin, past the bare cut-off
    sign = 1 if th.comparison == ">" else -1
    assert sign * (within - th.value) > 0 and sign * (within - th.value) < th.margin
    assert sign * (beyond - th.value) > th.margin

    def codes(value: float) -> set[str]:
        r = analyze_movement(make(value), test=test, side=side)  # type: ignore[arg-type]
        assert r.passed, [q.message for q in r.quality if not q.passed]
        return {f.code for f in r.findings if f.abnormal}

    assert code not in codes(within)
    assert code in codes(beyond)


def _rise_frame(wrist_height: float) -> np.ndarray:
    """One frame in y-up coordinates: hips at 0, shoulders at 1, the wrists at a height."""
    p = np.full((1, 33, 2), np.nan)
    p[0, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]] = (0.0, 0.0)
    p[0, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]] = (0.0, 1.0)
    p[0, [Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST]] = (0.2, wrist_height)
    return p


def test_a_rise_near_the_hands_line_is_undecided() -> None:
    line, margin = sit_to_stand.HANDS_LOW_FRACTION, sit_to_stand.HANDS_MARGIN
    hands_low = sit_to_stand._hands_low
    assert hands_low(_rise_frame(line - margin - 0.01), 0) == 1.0  # clearly low: assisted
    assert hands_low(_rise_frame(line + margin + 0.01), 0) == 0.0  # clearly on the chest
    assert hands_low(_rise_frame(line - margin + 0.01), 0) is None
    assert hands_low(_rise_frame(line + margin - 0.01), 0) is None
