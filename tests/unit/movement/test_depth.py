"""Hybrid points (image x/y, world depth) and the view gate for knee and hip flexion."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from painpath.domain.movement.analysis import analyze_movement
from painpath.domain.movement.depth import (
    IN_PLANE_MIN,
    flexion_in_plane,
    hybrid_points,
    in_plane_share,
)
from painpath.domain.movement.filtering import filter_pose_sequence
from painpath.domain.movement.pose import Landmark as LM
from painpath.domain.movement.series import compute_kinematics
from painpath.domain.movement.synthetic import JointAngles, synthesize_pose
from painpath.domain.movement.view import CameraView

T = np.arange(0, 3, 1 / 30)
RAMP = np.linspace(0.0, 1.0, T.size)


@pytest.mark.parametrize("view", ["front", "side"])
def test_hybrid_points_are_the_world_body_in_pixels(view: str) -> None:
    seq = synthesize_pose(T, JointAngles(knee_flexion_left=70.0, hip_flexion_left=40.0), view=view)  # type: ignore[arg-type]
    assert seq.world_xyz is not None
    hybrid = hybrid_points(seq.image_xy, seq.world_xyz)
    # orthographic synthetic camera: pixels = 0.8 * 1280 / 2 = 512 per metre
    centred = hybrid - hybrid[:, [LM.LEFT_HIP, LM.RIGHT_HIP]].mean(axis=1, keepdims=True)
    assert np.allclose(centred, 512.0 * seq.world_xyz, atol=1e-6)


def test_hybrid_depth_is_unknown_without_measurable_segments() -> None:
    seq = synthesize_pose(T, JointAngles(), view="front")
    assert seq.world_xyz is not None
    hybrid = hybrid_points(seq.image_xy, np.full_like(seq.world_xyz, np.nan))
    assert np.isnan(hybrid[..., 2]).all() and np.allclose(hybrid[..., :2], seq.image_xy)


def test_in_plane_share_of_a_limb_turning_towards_the_camera() -> None:
    # the left thigh swings forward: across the picture in a side view, at the camera in front
    angles = JointAngles(hip_flexion_left=90.0 * RAMP)
    for view, expected_end in (("side", 1.0), ("front", 0.0)):
        seq = synthesize_pose(T, angles, view=view)  # type: ignore[arg-type]
        assert seq.world_xyz is not None
        share = in_plane_share(seq.world_xyz, LM.LEFT_HIP, LM.LEFT_KNEE)
        assert share[0] == pytest.approx(1.0) and share[-1] == pytest.approx(expected_end, abs=1e-6)
        if view == "front":  # the share is the cosine of the angle out of the image plane
            assert np.allclose(share, np.cos(np.radians(90.0 * RAMP)), atol=1e-6)


def test_view_gate_masks_an_out_of_plane_limb_and_keeps_the_others() -> None:
    angles = JointAngles(hip_flexion_left=90.0 * RAMP, knee_flexion_left=90.0 * RAMP)
    seq = synthesize_pose(T, angles, view="front", noise_px=1.0, seed=2)
    assert seq.world_xyz is not None
    gate = flexion_in_plane(seq.world_xyz)
    limit = np.degrees(np.arccos(IN_PLANE_MIN))  # about 37 deg out of the picture
    expected = limit > 90.0 * RAMP
    close = np.abs(90.0 * RAMP - limit) > 3  # noise decides within a few degrees of the limit
    assert (gate["hip_flexion_left_deg"][close] == expected[close]).all()
    assert gate["hip_flexion_right_deg"].all() and gate["knee_flexion_right_deg"].all()
    # in the side view the same movement stays in the picture: nothing is withheld
    side = synthesize_pose(T, angles, view="side", noise_px=1.0, seed=2)
    assert side.world_xyz is not None
    assert all(mask.all() for mask in flexion_in_plane(side.world_xyz).values())
    # unknown depth: not trusted
    unknown = flexion_in_plane(np.full_like(seq.world_xyz, np.nan))
    assert not any(mask.any() for mask in unknown.values())


def test_values_out_of_the_image_plane_are_kept_with_a_low_confidence() -> None:
    angles = JointAngles(hip_flexion_left=90.0 * RAMP, knee_flexion_left=60.0 * RAMP)
    seq = synthesize_pose(T, angles, view="front", noise_px=1.0, seed=1)
    kin = compute_kinematics(filter_pose_sequence(seq), view=CameraView.FRONT)
    r = analyze_movement(seq, test="kinematics")
    hip = np.array([np.nan if v is None else v for v in r.series["hip_flexion_left_deg"]])
    conf = np.array(r.series["hip_flexion_left_confidence"], dtype=float)
    assert np.isfinite(hip).all()  # nothing deleted
    assert np.nanmax(kin.series["hip_flexion_left_deg"]) == pytest.approx(90.0, abs=2.0)
    # the thigh turns towards the camera: the confidence falls from about 1 to near 0
    assert conf[:5].min() > 0.95 and conf[-5:].max() < 0.2
    assert np.all(np.diff(conf) <= 0.02)
    # both named forms of hip flexion are offered
    shk = np.array(r.series["hip_flexion_shk_left_deg"], dtype=float)
    assert np.nanmax(shk) == pytest.approx(90.0, abs=8.0)


def test_without_world_landmarks_the_image_is_used_and_nothing_is_gated() -> None:
    angles = JointAngles(knee_flexion_left=80.0 * RAMP)
    seq = replace(synthesize_pose(T, angles, view="side"), world_xyz=None)
    kin = compute_kinematics(filter_pose_sequence(seq), view=CameraView.SIDE)
    assert all((w == 1.0).all() for w in kin.confidence.values())
    assert np.allclose(kin.series["knee_flexion_left_deg"], 80.0 * RAMP, atol=0.5)
