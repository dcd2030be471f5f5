"""Quality messages: one per cause, time-stamped exits, darkness, "no repetitions found"."""

from __future__ import annotations

import numpy as np
import pytest

from painpath.domain.movement.analysis import analyze_movement
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import squat_recording, walk_recording
from painpath.domain.movement.view import (
    DARK_MAX_BRIGHTNESS,
    check_lighting,
    check_person_visible,
    clock,
    left_picture_at,
)


def _blank(seq: PoseSequence, start_s: float, stop_s: float) -> PoseSequence:
    conf, xy = seq.confidence.copy(), seq.image_xy.copy()
    gone = (seq.t_s >= start_s) & (seq.t_s < stop_s)
    conf[gone], xy[gone] = 0.0, np.nan
    return PoseSequence(seq.t_s, xy, conf, seq.frame_size)


def _failed(result: object) -> dict[str, str]:
    return {q.id: q.message for q in result.quality if not q.passed}  # type: ignore[attr-defined]


def test_clock_reads_like_a_video_player() -> None:
    assert [clock(s) for s in (0.0, 3.2, 9.6, 65.0, 600.4)] == [
        "0:00",
        "0:03",
        "0:10",
        "1:05",
        "10:00",
    ]


def test_person_leaving_the_picture_is_time_stamped() -> None:
    seq = squat_recording()
    gone = check_person_visible(_blank(seq, 3.0, 99.0))
    assert not gone.passed
    assert "left the picture at 0:03" in gone.message and "further away" in gone.message
    back = check_person_visible(_blank(seq, 5.0, 6.5))  # a short absence: still enough
    assert back.passed and "left the picture at 0:05" in back.message
    assert check_person_visible(seq).passed and "left" not in check_person_visible(seq).message


def test_a_missed_frame_is_not_leaving_the_picture() -> None:
    seq = squat_recording(fps=30)
    assert left_picture_at(_blank(seq, 4.0, 4.2)) == []  # 6 frames < 0.5 s
    assert left_picture_at(_blank(seq, 4.0, 4.6)) == pytest.approx([4.0], abs=1 / 30)
    # someone entering late has not "left": only exits after being seen count
    assert left_picture_at(_blank(seq, 0.0, 2.0)) == []


def test_darkness_check_at_its_edge() -> None:
    dark = check_lighting([DARK_MAX_BRIGHTNESS - 0.01] * 5)
    assert not dark.passed and "too dark" in dark.message
    assert check_lighting([DARK_MAX_BRIGHTNESS + 0.01] * 5).passed
    # the median decides: a single bright frame (a lamp switched on) does not pass a dark clip
    assert not check_lighting([0.03, 0.03, 0.03, 0.9]).passed
    assert check_lighting([]).passed  # nothing sampled: nothing to judge


def test_nobody_gives_one_message_not_four() -> None:
    seq = squat_recording()
    failed = _failed(analyze_movement(_blank(seq, 0.0, 99.0), test="squat"))
    assert list(failed) == ["person_visible"]
    assert "no person was found" in failed["person_visible"]


def test_no_repetitions_is_a_quality_entry() -> None:
    still = analyze_movement(squat_recording(depth_deg=2.0), test="squat")
    failed = _failed(still)
    assert list(failed) == ["repetitions"] and "at least 3 times" in failed["repetitions"]
    assert still.findings == () and still.metrics["reps"] == 0
    moving = analyze_movement(squat_recording(), test="squat")
    assert moving.passed and {q.id: q.message for q in moving.quality}["repetitions"].startswith(
        "3 repetition"
    )


def test_no_steps_is_a_quality_entry() -> None:
    walk, _ = walk_recording()
    n = walk.n_frames
    still = PoseSequence(  # the walker's first pose held still: standing, no steps
        walk.t_s,
        np.repeat(walk.image_xy[:1], n, axis=0),
        np.repeat(walk.confidence[:1], n, axis=0),
        walk.frame_size,
    )
    standing = analyze_movement(still, test="gait")
    assert list(_failed(standing)) == ["steps"] and standing.findings == ()
    walking = analyze_movement(walk, test="gait")
    assert walking.passed and walking.findings


def test_failed_messages_name_their_check_and_what_to_do() -> None:
    seq = squat_recording()
    short = PoseSequence(seq.t_s[:20], seq.image_xy[:20], seq.confidence[:20], seq.frame_size)
    cases = [
        analyze_movement(_blank(seq, 3.0, 99.0), test="squat"),
        analyze_movement(short, test="squat"),
        analyze_movement(squat_recording(view="front"), test="gait"),
        analyze_movement(squat_recording(depth_deg=2.0), test="squat"),
    ]
    for case in cases:
        for message in _failed(case).values():
            check, _, rest = message.partition(": ")
            assert check and check[0].isupper() and len(check.split()) <= 4
            assert any(verb in rest for verb in ("Film", "Keep", "Record", "Place", "Do", "Walk"))
