"""A tracker that changes person: only the longest stretch with one person is analysed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from painpath.domain.movement.analysis import analyze_movement
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import squat_recording, walk_recording
from painpath.domain.movement.tracking import (
    keep_frames,
    longest_stretch,
    mask_outside_frame,
    tracking_stretches,
)


def shifted(seq: PoseSequence, frames: slice, dx: float, dy: float = 0.0) -> PoseSequence:
    """``seq`` with the person moved by (dx, dy) pixels in ``frames``: another person."""
    image = seq.image_xy.copy()
    image[frames] += np.array([dx, dy])
    return replace(seq, image_xy=image)


def test_stretches_split_where_the_hip_centre_jumps() -> None:
    seq = squat_recording(view="side")  # 720 px wide: a jump > 144 px is another person
    assert tracking_stretches(seq) == ((0, seq.n_frames),)
    two = shifted(seq, slice(200, None), dx=-100, dy=-110)  # 149 px: sideways and up
    assert tracking_stretches(two) == ((0, 200), (200, seq.n_frames))
    assert tracking_stretches(shifted(seq, slice(200, None), dx=-100)) == ((0, seq.n_frames),)
    assert longest_stretch(tracking_stretches(two)) == (0, 200)
    assert longest_stretch(()) is None


def test_a_jump_across_a_detection_gap_still_splits() -> None:
    seq = shifted(squat_recording(view="side"), slice(120, None), dx=-200)
    gap = keep_frames(seq, 0, 110)
    image, conf = seq.image_xy.copy(), seq.confidence.copy()
    image[110:120], conf[110:120] = np.nan, 0.0  # 10 frames without anybody, then someone else
    seq = replace(seq, image_xy=image, confidence=conf)
    assert tracking_stretches(seq) == ((0, 110), (120, seq.n_frames))
    assert np.isnan(gap.image_xy[110:]).all() and (gap.confidence[110:] == 0).all()
    assert gap.world_xyz is not None and np.isnan(gap.world_xyz[110:]).all()


def test_landmarks_outside_the_picture_become_unknown() -> None:
    seq = squat_recording(view="side")
    out = shifted(seq, slice(0, 10), dx=-10_000)
    masked, count = mask_outside_frame(out)
    assert count == 10 * 33 and np.isnan(masked.image_xy[:10]).all()
    assert masked.world_xyz is not None and np.isnan(masked.world_xyz[:10]).all()
    assert mask_outside_frame(seq) == (seq, 0)
    assert mask_outside_frame(replace(seq, frame_size=(0, 0)))[1] == 0
    assert tracking_stretches(keep_frames(seq, 0, 0)) == ()


def test_gait_analyses_only_the_longest_stretch_with_one_person_and_says_so() -> None:
    walk, _ = walk_recording(duration_s=10.0, noise_px=1.0)
    alone = analyze_movement(keep_frames(walk, 0, 240), test="gait")
    # after 8 s the tracker jumps to someone standing elsewhere (here: the walk, moved)
    mixed = analyze_movement(shifted(walk, slice(240, None), dx=-250), test="gait")
    note = next(q for q in mixed.quality if q.id == "tracked_person")
    assert note.passed and "changed 1 time" in note.message and "0.0-8.0 s" in note.message
    assert mixed.frames_with_person == 240
    assert all(v is None for v in mixed.series["knee_flexion_left_deg"][240:])
    assert mixed.metrics["steps"] == alone.metrics["steps"]
    assert mixed.metrics["cadence_steps_per_min"] == pytest.approx(
        alone.metrics["cadence_steps_per_min"]
    )
    assert [f.code for f in mixed.findings] == [f.code for f in alone.findings]


def test_findings_are_withheld_when_no_one_person_dominates() -> None:
    walk, _ = walk_recording(duration_s=9.0)
    third = walk.n_frames // 3
    hopping = shifted(shifted(walk, slice(third, None), dx=-200), slice(2 * third, None), dx=400)
    r = analyze_movement(hopping, test="gait")
    note = next(q for q in r.quality if q.id == "tracked_person")
    assert not note.passed and "nothing is concluded" in note.message
    assert r.findings == () and r.metrics == {}
    assert next(q for q in r.quality if q.id == "person_visible").passed is False
