"""Ready-made synthetic movement recordings with known answers (tests, benchmarks, demo).

Each function returns a :class:`PoseSequence` from :mod:`synthetic` whose reps, depths,
valgus, cadence, etc. are set by the arguments, so an analyzer's output can be checked
against them. Rep shape: a raised cosine (0 -> 1 -> 0) lasting ``period_s`` followed by a
pause of ``pause_s`` at rest; recordings start with 1 s at rest.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from painpath.domain.movement.geometry import Array
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.synthetic import JointAngles, synthesize_pose
from painpath.domain.types import Side

__all__ = [
    "reach_recording",
    "rep_profile",
    "single_leg_squat_recording",
    "sit_to_stand_recording",
    "squat_recording",
    "stance_recording",
    "walk_recording",
]

View = Literal["front", "side"]


def _time(duration_s: float, fps: float) -> Array:
    return np.arange(0.0, duration_s, 1.0 / fps)


def rep_profile(
    t_s: Array, *, reps: int, period_s: float, pause_s: float, lead_s: float = 1.0
) -> Array:
    """0-1 activation: ``reps`` raised-cosine bumps of ``period_s`` separated by pauses."""
    out = np.zeros_like(t_s)
    for k in range(reps):
        start = lead_s + k * (period_s + pause_s)
        inside = (t_s >= start) & (t_s <= start + period_s)
        out[inside] = (1.0 - np.cos(2.0 * np.pi * (t_s[inside] - start) / period_s)) / 2.0
    return out


def _sided(side: Side, stance: Array, free: Array) -> tuple[Array, Array]:
    """(left, right) values given the stance-leg and free-leg values."""
    return (stance, free) if side is Side.LEFT else (free, stance)


def _length(reps: int, period_s: float, pause_s: float) -> float:
    return 1.0 + reps * (period_s + pause_s) + 0.5


def squat_recording(
    *,
    view: View = "front",
    reps: int = 3,
    depth_deg: float = 100.0,
    valgus_deg: float = 0.0,
    trunk_flexion_deg: float = 30.0,
    asymmetry_deg: float = 0.0,
    period_s: float = 2.5,
    pause_s: float = 0.8,
    fps: float = 30.0,
    noise_px: float = 0.0,
    seed: int = 0,
) -> PoseSequence:
    """Double-leg squat; the left knee bends ``asymmetry_deg`` less than the right."""
    t = _time(_length(reps, period_s, pause_s), fps)
    r = rep_profile(t, reps=reps, period_s=period_s, pause_s=pause_s)
    angles = JointAngles(
        knee_flexion_left=(depth_deg - asymmetry_deg) * r,
        knee_flexion_right=depth_deg * r,
        hip_flexion_left=0.9 * (depth_deg - asymmetry_deg) * r,
        hip_flexion_right=0.9 * depth_deg * r,
        knee_valgus_left=valgus_deg * r,
        knee_valgus_right=valgus_deg * r,
        trunk_flexion=trunk_flexion_deg * r,
    )
    return synthesize_pose(t, angles, view=view, noise_px=noise_px, seed=seed)


def single_leg_squat_recording(
    *,
    side: Side = Side.LEFT,
    reps: int = 3,
    depth_deg: float = 60.0,
    valgus_deg: float = 0.0,
    pelvic_drop_deg: float = 0.0,
    trunk_lean_deg: float = 0.0,
    period_s: float = 2.5,
    pause_s: float = 0.8,
    fps: float = 30.0,
    noise_px: float = 0.0,
    seed: int = 0,
) -> PoseSequence:
    """Single-leg squat on ``side``; drop and lean are towards the free / stance side."""
    t = _time(_length(reps, period_s, pause_s), fps)
    r = rep_profile(t, reps=reps, period_s=period_s, pause_s=pause_s)
    sign = 1.0 if side is Side.LEFT else -1.0
    knee_l, knee_r = _sided(side, depth_deg * r, 70.0 + 0 * r)
    hip_l, hip_r = _sided(side, 0.8 * depth_deg * r, 35.0 + 0 * r)
    valgus_l, valgus_r = _sided(side, valgus_deg * r, 0 * r)
    angles = JointAngles(
        knee_flexion_left=knee_l,
        knee_flexion_right=knee_r,
        hip_flexion_left=hip_l,
        hip_flexion_right=hip_r,
        knee_valgus_left=valgus_l,
        knee_valgus_right=valgus_r,
        pelvic_obliquity=sign * pelvic_drop_deg * r,
        trunk_lean=sign * trunk_lean_deg * r,
    )
    return synthesize_pose(t, angles, view="front", noise_px=noise_px, seed=seed)


def stance_recording(
    *,
    side: Side = Side.LEFT,
    hold_s: float = 8.0,
    total_s: float = 12.0,
    pelvic_drop_deg: float = 0.0,
    trunk_lean_deg: float = 0.0,
    sway_m: float = 0.0,
    fps: float = 30.0,
    noise_px: float = 0.0,
    seed: int = 0,
) -> PoseSequence:
    """Stand on ``side`` from 1 s for ``hold_s`` (free foot lifted over 0.3 s), then touch
    down; ``sway_m`` is the sideways pelvis amplitude (sine, 0.5 Hz)."""
    t = _time(total_s, fps)
    up = np.clip((t - 1.0) / 0.3, 0.0, 1.0) * np.clip((1.0 + hold_s + 0.3 - t) / 0.3, 0.0, 1.0)
    sign = 1.0 if side is Side.LEFT else -1.0
    knee_l, knee_r = _sided(side, 0 * up, 70.0 * up)
    hip_l, hip_r = _sided(side, 0 * up, 40.0 * up)
    angles = JointAngles(
        knee_flexion_left=knee_l,
        knee_flexion_right=knee_r,
        hip_flexion_left=hip_l,
        hip_flexion_right=hip_r,
        pelvic_obliquity=sign * pelvic_drop_deg * up,
        trunk_lean=sign * trunk_lean_deg * up,
        root_lateral_m=sway_m * np.sin(2 * np.pi * 0.5 * t) * up,
    )
    return synthesize_pose(t, angles, view="front", noise_px=noise_px, seed=seed)


def sit_to_stand_recording(
    *,
    reps: int = 5,
    period_s: float = 2.4,
    pause_s: float = 0.4,
    arms_crossed: bool = True,
    fps: float = 30.0,
    noise_px: float = 0.0,
    lead_s: float = 1.0,
    seed: int = 0,
) -> PoseSequence:
    """Seated (hip and knee 90 deg) -> standing -> seated, ``reps`` times, side view."""
    total = lead_s + reps * (period_s + pause_s) + 0.5
    t = _time(total, fps)
    stand = rep_profile(t, reps=reps, period_s=period_s, pause_s=pause_s, lead_s=lead_s)
    seated = 1.0 - stand
    lean = 4.0 * stand * seated  # forward trunk lean peaks half-way up
    arms = (20.0, 140.0) if arms_crossed else (15.0, 20.0)
    angles = JointAngles(
        hip_flexion_left=90.0 * seated + 30.0 * lean,
        hip_flexion_right=90.0 * seated + 30.0 * lean,
        knee_flexion_left=90.0 * seated,
        knee_flexion_right=90.0 * seated,
        trunk_flexion=30.0 * lean,
        shoulder_flexion_left=arms[0],
        shoulder_flexion_right=arms[0],
        elbow_flexion_left=arms[1],
        elbow_flexion_right=arms[1],
    )
    return synthesize_pose(t, angles, view="side", noise_px=noise_px, seed=seed)


def reach_recording(
    *,
    view: View = "side",
    reps: int = 3,
    peak_deg: float = 170.0,
    peak_right_deg: float | None = None,
    hiking_m: float = 0.0,
    lumbar_extension_deg: float = 0.0,
    period_s: float = 3.0,
    pause_s: float = 0.8,
    fps: float = 30.0,
    noise_px: float = 0.0,
    seed: int = 0,
) -> PoseSequence:
    """Both arms raised to ``peak_deg`` (flexion in a side view, abduction in a front view)."""
    t = _time(_length(reps, period_s, pause_s), fps)
    r = rep_profile(t, reps=reps, period_s=period_s, pause_s=pause_s)
    right = peak_deg if peak_right_deg is None else peak_right_deg
    left, right_arm = peak_deg * r, right * r
    zero = 0 * r
    side_view = view == "side"
    angles = JointAngles(
        shoulder_flexion_left=left if side_view else zero,
        shoulder_flexion_right=right_arm if side_view else zero,
        shoulder_abduction_left=zero if side_view else left,
        shoulder_abduction_right=zero if side_view else right_arm,
        trunk_flexion=-lumbar_extension_deg * r,
        shoulder_elevation_left_m=hiking_m * r,
        shoulder_elevation_right_m=hiking_m * r,
    )
    return synthesize_pose(t, angles, view=view, noise_px=noise_px, seed=seed)


def walk_recording(
    *,
    cadence_steps_per_min: float = 110.0,
    duration_s: float = 8.0,
    asymmetry: float = 0.0,
    fps: float = 30.0,
    noise_px: float = 0.0,
    seed: int = 0,
) -> tuple[PoseSequence, Array]:
    """Treadmill-style walking seen from the side; returns the sequence and the true
    heel-strike times (s). ``asymmetry`` (0-1) shifts the right leg's phase so that the left
    and right step times differ: ratio = (1 + asymmetry) / (1 - asymmetry)."""
    t = _time(duration_s, fps)
    stride_hz = cadence_steps_per_min / 120.0
    hips: list[Array] = []
    knees: list[Array] = []
    strikes: list[float] = []
    for phi in (0.0, np.pi * (1.0 + asymmetry)):  # left, right
        psi = 2 * np.pi * stride_hz * t + phi
        hips.append(10.0 + 20.0 * np.sin(psi))
        knees.append(5.0 + 55.0 * np.clip(np.cos(psi), 0.0, None) ** 2)
        n = np.arange(-2, duration_s * stride_hz + 2)
        times = (np.pi / 2 - phi + 2 * np.pi * n) / (2 * np.pi * stride_hz)
        strikes.extend(times[(times >= 0) & (times <= t[-1])])
    angles = JointAngles(
        hip_flexion_left=hips[0],
        hip_flexion_right=hips[1],
        knee_flexion_left=knees[0],
        knee_flexion_right=knees[1],
    )
    seq = synthesize_pose(t, angles, view="side", noise_px=noise_px, seed=seed)
    return seq, np.sort(np.asarray(strikes))
