"""Known angles in -> angles out through the synthetic model, filter and series."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from painpath.domain.movement.filtering import filter_pose_sequence
from painpath.domain.movement.series import compute_kinematics
from painpath.domain.movement.synthetic import JointAngles, pair_swap_index, synthesize_pose
from painpath.domain.movement.view import CameraView

T = np.arange(0, 4, 1 / 30)
WAVE = (1 - np.cos(2 * np.pi * T / 4)) / 2  # 0 -> 1 -> 0 over 4 s


def _series(
    angles: JointAngles, view: str, noise: float = 0.0, world: bool = True
) -> dict[str, np.ndarray]:
    seq = synthesize_pose(T, angles, view=view, noise_px=noise, seed=3)  # type: ignore[arg-type]
    if not world:
        seq = replace(seq, world_xyz=None)
    kin = compute_kinematics(filter_pose_sequence(seq), view=CameraView(view))
    return kin.series


def test_side_view_sagittal_angles_exact() -> None:
    a = JointAngles(
        hip_flexion_left=80 * WAVE,
        hip_flexion_right=80 * WAVE,
        knee_flexion_left=95 * WAVE,
        knee_flexion_right=95 * WAVE,
        trunk_flexion=25 * WAVE,
        shoulder_flexion_left=150 * WAVE,
        shoulder_flexion_right=150 * WAVE,
    )
    s = _series(a, "side", world=False)
    assert np.max(np.abs(s["knee_flexion_left_deg"] - 95 * WAVE)) < 1.0
    assert np.max(np.abs(s["hip_flexion_right_deg"] - 80 * WAVE)) < 1.0
    assert np.max(np.abs(s["trunk_flexion_deg"] - 25 * WAVE)) < 1.0
    assert np.max(np.abs(s["shoulder_flexion_left_deg"] - 150 * WAVE)) < 1.0
    assert np.isnan(s["knee_fppa_left_deg"]).all()  # frontal angles unknown in 2D side view


def test_front_view_frontal_angles_exact_and_world_sagittal() -> None:
    a = JointAngles(
        knee_flexion_left=60 * WAVE,
        hip_flexion_left=50 * WAVE,
        knee_valgus_left=12 * WAVE,
        knee_valgus_right=-4 * WAVE,
        pelvic_obliquity=-6 * WAVE,
        trunk_lean=8 * WAVE,
        shoulder_abduction_right=120 * WAVE,
    )
    s = _series(a, "front")
    assert np.max(np.abs(s["knee_fppa_left_deg"] - 12 * WAVE)) < 1.0
    assert np.max(np.abs(s["knee_fppa_right_deg"] + 4 * WAVE)) < 1.0
    assert np.max(np.abs(s["pelvic_obliquity_deg"] + 6 * WAVE)) < 1.0
    assert np.max(np.abs(s["trunk_lateral_lean_deg"] - 8 * WAVE)) < 1.0
    assert np.max(np.abs(s["shoulder_abduction_right_deg"] - 120 * WAVE)) < 1.0
    # knee flexion from world landmarks; the valgus shift stretches the leg a little
    assert np.max(np.abs(s["knee_flexion_left_deg"] - 60 * WAVE)) < 2.0


@pytest.mark.parametrize("view", ["front", "side"])
def test_noisy_angles_within_3_degrees_after_filtering(view: str) -> None:
    # moderate depth: at deep flexion the thigh is nearly end-on to a front camera and
    # the FPPA becomes ill-conditioned (a known limit of 2D FPPA)
    a = JointAngles(
        knee_flexion_left=60 * WAVE,
        knee_flexion_right=60 * WAVE,
        hip_flexion_left=45 * WAVE,
        hip_flexion_right=45 * WAVE,
        knee_valgus_left=10 * WAVE,
        knee_valgus_right=10 * WAVE,
    )
    s = _series(a, view, noise=1.5)
    core = slice(10, -10)
    key = "knee_fppa_left_deg" if view == "front" else "knee_flexion_left_deg"
    want = 10 * WAVE if view == "front" else 60 * WAVE
    err = np.abs(s[key] - want)[core]
    assert np.max(err) < 3.0


def test_swap_injection_and_dropouts() -> None:
    seq = synthesize_pose(
        T, JointAngles(), view="front", swap_frames=(10, 20), dropout_fraction=0.2, seed=1
    )
    dropped = seq.confidence[:, 0] == 0
    assert 0.05 < dropped.mean() < 0.4 and np.isnan(seq.image_xy[dropped]).all()
    clean = synthesize_pose(T, JointAngles(), view="front")
    perm = pair_swap_index()
    ok = ~dropped
    assert np.allclose(seq.image_xy[10:20][ok[10:20]], clean.image_xy[10:20][:, perm][ok[10:20]])
    assert sorted(perm) == list(range(33)) and perm[11] == 12 and perm[9] == 10
