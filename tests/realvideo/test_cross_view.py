"""Calibration, multi-view reference and cross-view agreement on the Pose2Sim four-camera demo.

Figures and the command that prints them: docs/validation/cross-view.md,
``benchmarks/cross_view.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from painpath.domain.movement.pose import Landmark as L
from painpath.domain.movement.pose import PoseSequence

from .calibration import Camera, project, read_qca, triangulate_dlt, undistort_points
from .crossview import (
    Triangulation,
    domain_angles,
    joint_angles_deg,
    measure_agreement,
    pipeline_angles,
    raw_world_angles,
    swap_flags,
)
from .videos import Pose2SimDemo

pytestmark = pytest.mark.slow

# Measured on this clip (docs/validation/cross-view.md, LiteRT backend): raw world landmarks
# 12.2 deg between views, the shipped series (analyze_movement) 9.6 deg; against the
# triangulated reference 8.5 vs 7.9 deg, at 97 % coverage (every value kept). The margins
# asserted are under the measured gains so that another processor or decoder build, which
# moves pose output by a pixel or two, does not flip them.
MIN_GAIN_DEG = 1.5  # between views (measured 2.6; 1.9 with the mediapipe backend)
MAX_LOSS_VS_REFERENCE_DEG = 0.3  # measured a gain of 0.6 (1.1 with mediapipe)
MIN_COVERAGE = 0.95  # measured 0.97: only the clip's edges and long gaps stay unknown


def _names(poses: dict[str, PoseSequence]) -> list[str]:
    return sorted(poses)


def test_calibration_follows_pose2sim_convention(
    p2s_cameras: dict[str, Camera], p2s_reference: Triangulation
) -> None:
    assert list(p2s_cameras) == ["cam01", "cam02", "cam03", "cam04"]
    for cam in p2s_cameras.values():
        assert cam.size == (1088, 1920)  # portrait frames
        assert 1500 < cam.K[0, 0] < 1800 and 1500 < cam.K[1, 1] < 1800  # 1/64-pixel units read
        assert 1.5 < cam.centre[2] < 2.5  # cameras hang about 2 m above the floor (z up)
        assert np.allclose(cam.R @ cam.R.T, np.eye(3), atol=1e-6)
        # every camera looks at the subject: the mid-hip lies in front of it (OpenCV z forward)
        hips = np.nanmedian(p2s_reference.points[:, [L.LEFT_HIP, L.RIGHT_HIP]], axis=(0, 1))
        assert (cam.R @ hips + cam.t)[2] > 1.0


def test_projection_and_undistortion_invert_each_other(p2s_cameras: dict[str, Camera]) -> None:
    cam = p2s_cameras["cam03"]
    world = np.array([[0.2, -0.1, 0.9], [-0.3, 0.4, 0.1], [0.0, 0.0, 1.7]])
    pixels = project(cam, world)
    undistorted = undistort_points(cam, pixels)
    pinhole = (cam.K @ (world @ cam.R.T + cam.t).T).T
    assert np.allclose(undistorted, pinhole[:, :2] / pinhole[:, 2:], atol=1e-3)
    back = [
        triangulate_dlt(
            [c.P for c in p2s_cameras.values()],
            np.array([undistort_points(c, project(c, p)) for c in p2s_cameras.values()]),
            np.ones(4),
        )
        for p in world
    ]
    assert np.allclose(back, world, atol=1e-6)


def test_pose2sim_distortion_scaling_reprojects_no_worse(
    pose2sim_demo: Pose2SimDemo, p2s_poses: dict[str, PoseSequence]
) -> None:
    """Pose2Sim divides the stored distortion by 64 too; the raw values must not fit better."""
    names = _names(p2s_poses)
    errors = {}
    for raw in (False, True):
        cams = read_qca(pose2sim_demo.calibration, raw_distortion=raw)
        from .crossview import triangulate_sequence

        tri = triangulate_sequence(
            [cams[n] for n in names],
            [p2s_poses[n].image_xy[::5] for n in names],
            [p2s_poses[n].confidence[::5] for n in names],
        )
        errors[raw] = float(np.nanmedian(tri.reprojection_px))
    assert errors[False] <= errors[True] + 0.5


def test_triangulated_reference_is_a_plausible_skeleton(p2s_reference: Triangulation) -> None:
    pts = p2s_reference.points
    assert np.nanmedian(p2s_reference.reprojection_px) < 25  # px, on 1920-px-high frames
    for a, b in [(L.LEFT_HIP, L.LEFT_KNEE), (L.LEFT_KNEE, L.LEFT_ANKLE)]:
        length = np.linalg.norm(pts[:, a] - pts[:, b], axis=-1)
        assert 0.3 < np.nanmedian(length) < 0.5  # metres: thigh, shank
        assert np.nanstd(length) < 0.04  # a rigid segment stays rigid within 4 cm
    # he stands on his left leg: the left ankle stays low, the right one is lifted
    assert np.nanmax(pts[:, L.LEFT_ANKLE, 2]) < 0.3
    assert np.nanmax(pts[:, L.RIGHT_ANKLE, 2]) > 0.35
    ref = joint_angles_deg(pts)
    assert 10 < np.nanmedian(ref["knee_flexion_left_deg"]) < 70
    assert np.nanmax(ref["hip_flexion_left_deg"]) < 100


def test_domain_swap_correction_agrees_with_multiview_labels(
    p2s_poses: dict[str, PoseSequence], p2s_reference: Triangulation
) -> None:
    """The domain's monocular swap correction (``swaps.correct_label_swaps``) against the
    labelling that fits all four cameras best (measured: 100 %)."""
    names = _names(p2s_poses)
    flags = np.array([swap_flags(p2s_poses[n]) for n in names]).T
    assert p2s_reference.swapped.sum() >= 10  # the estimator does swap labels in this clip
    assert np.mean(flags == p2s_reference.swapped) >= 0.97


def test_shipped_pipeline_agrees_across_views_better_than_raw_world_landmarks(
    p2s_poses: dict[str, PoseSequence], p2s_reference: Triangulation
) -> None:
    names = _names(p2s_poses)
    ref = joint_angles_deg(p2s_reference.points)
    raw = measure_agreement([raw_world_angles(p2s_poses[n]) for n in names], ref)
    shipped = measure_agreement([pipeline_angles(p2s_poses[n]) for n in names], ref)
    assert 7 <= raw.between_views_deg <= 20  # the known problem is there to be solved
    assert shipped.coverage >= MIN_COVERAGE
    assert shipped.between_views_deg <= raw.between_views_deg - MIN_GAIN_DEG
    assert shipped.vs_reference_deg <= raw.vs_reference_deg + MAX_LOSS_VS_REFERENCE_DEG


def test_shipped_series_are_the_domain_steps_composed(p2s_poses: dict[str, PoseSequence]) -> None:
    """The ablation in benchmarks/cross_view.py composes the same domain steps by hand."""
    for name in ("cam02", "cam03"):
        shipped = pipeline_angles(p2s_poses[name])
        angles, masks = domain_angles(p2s_poses[name])
        for key, values in shipped.items():
            expected = np.where(masks[key], angles[key], np.nan)
            assert np.allclose(values, expected, atol=0.01, equal_nan=True), (name, key)
