"""View detection, quality checks and left/right label-swap correction."""

from __future__ import annotations

import numpy as np

from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import squat_recording, walk_recording
from painpath.domain.movement.synthetic import JointAngles, synthesize_pose
from painpath.domain.movement.view import (
    CameraView,
    check_duration,
    check_landmark_confidence,
    check_person_visible,
    check_view,
    compute_view_ratio,
    correct_label_swaps,
    detect_view,
)

T = np.arange(0, 3, 1 / 30)


def test_detect_front_side_oblique_unknown() -> None:
    assert detect_view(squat_recording(view="front")) is CameraView.FRONT
    assert detect_view(squat_recording(view="side")) is CameraView.SIDE
    seq = squat_recording(view="front")
    squeeze = seq.image_xy.copy()
    squeeze[..., 0] = 360 + (squeeze[..., 0] - 360) * 0.5  # rotate the body ~60 deg away
    oblique = PoseSequence(seq.t_s, squeeze, seq.confidence, seq.frame_size)
    assert detect_view(oblique) is CameraView.OBLIQUE
    empty = PoseSequence(T, np.full((T.size, 33, 2), np.nan), np.zeros((T.size, 33)), (720, 1280))
    assert detect_view(empty) is CameraView.UNKNOWN and compute_view_ratio(empty) is None


def test_quality_checks_fail_with_plain_messages() -> None:
    seq = synthesize_pose(T, JointAngles(), view="front", dropout_fraction=0.7, seed=4)
    person = check_person_visible(seq)
    assert not person.passed and "whole body" in person.message
    short = check_duration(seq, min_duration_s=5.0, min_frames=15)
    assert not short.passed and "at least 5 seconds" in short.message
    view = check_view(CameraView.FRONT, allowed=(CameraView.SIDE,))
    assert not view.passed and "from the side" in view.message and "from the front" in view.message
    from painpath.domain.movement.pose import Landmark as LM

    low = check_landmark_confidence(seq, landmarks=[LM.LEFT_KNEE], one_side_enough=False)
    assert not low.passed and "hard to see" in low.message


def test_confidence_one_side_enough_in_side_view() -> None:
    seq = synthesize_pose(T, JointAngles(), view="side")
    conf = seq.confidence.copy()
    conf[:, [12, 24, 26]] = 0.0  # far side hidden
    hidden = PoseSequence(seq.t_s, seq.image_xy, conf, seq.frame_size)
    from painpath.domain.movement.pose import Landmark as LM

    needed = [
        LM.LEFT_HIP,
        LM.RIGHT_HIP,
        LM.LEFT_KNEE,
        LM.RIGHT_KNEE,
        LM.LEFT_SHOULDER,
        LM.RIGHT_SHOULDER,
    ]
    assert check_landmark_confidence(hidden, landmarks=needed, one_side_enough=True).passed
    assert not check_landmark_confidence(hidden, landmarks=needed, one_side_enough=False).passed


def test_label_swaps_detected_and_corrected() -> None:
    clean = squat_recording(view="front", noise_px=1.0)
    swapped = synthesize_pose(clean.t_s, JointAngles(), view="front")  # shape donor
    seq = squat_recording(view="front", noise_px=1.0)
    from painpath.domain.movement.synthetic import pair_swap_index

    perm = pair_swap_index()
    image = seq.image_xy.copy()
    image[40:70] = image[40:70][:, perm]
    broken = PoseSequence(seq.t_s, image, seq.confidence, seq.frame_size, seq.world_xyz)
    fixed, count = correct_label_swaps(broken)
    assert count == 30 and swapped.n_frames == seq.n_frames
    assert np.allclose(fixed.image_xy, clean.image_xy)


def test_no_false_swaps_when_legs_cross_in_gait() -> None:
    seq, _ = walk_recording(noise_px=1.0)
    _, count = correct_label_swaps(seq)
    assert count == 0
