"""Clips that start (or end) before the person is in view: every analyzer, no warnings.

Real example: in the Sports2D demo the walker enters after 45 frames (1.5 s), and
``np.nanmean`` over those all-unknown frames warned "Mean of empty slice" (an error under the
test suite's warning filter). The shared helpers in ``nanstats`` return a quiet NaN instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from painpath.domain.movement.analysis import AnalysisTest, analyze_movement
from painpath.domain.movement.nanstats import (
    nan_max,
    nan_mean,
    nan_mean_rows,
    nan_median,
    nan_percentile,
)
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import (
    reach_recording,
    single_leg_squat_recording,
    sit_to_stand_recording,
    squat_recording,
    stance_recording,
    walk_recording,
)

LEAD = 45  # frames without a person, as in the Sports2D clip


def with_blank_frames(seq: PoseSequence, lead: int, tail: int = 0) -> PoseSequence:
    """``seq`` with ``lead`` frames before and ``tail`` after in which nobody is seen."""
    dt = float(np.median(np.diff(seq.t_s)))
    frames = lead + seq.n_frames + tail
    image = np.full((frames, 33, 2), np.nan)
    conf = np.zeros((frames, 33))
    world = np.full((frames, 33, 3), np.nan)
    inside = slice(lead, lead + seq.n_frames)
    image[inside], conf[inside] = seq.image_xy, seq.confidence
    assert seq.world_xyz is not None
    world[inside] = seq.world_xyz
    return PoseSequence(np.arange(frames) * dt, image, conf, seq.frame_size, world, seq.source)


CASES: list[tuple[AnalysisTest, Callable[[], PoseSequence], str]] = [
    ("squat", lambda: squat_recording(view="side", noise_px=1.0), "reps"),
    ("single-leg-squat", lambda: single_leg_squat_recording(noise_px=1.0), "reps"),
    ("single-leg-stance", lambda: stance_recording(noise_px=1.0), "stance_duration_s"),
    ("sit-to-stand", lambda: sit_to_stand_recording(noise_px=1.0), "reps"),
    ("overhead-reach", lambda: reach_recording(view="side", noise_px=1.0), "reps"),
    ("gait", lambda: walk_recording(noise_px=1.0)[0], "steps"),
    ("kinematics", lambda: squat_recording(view="front"), ""),
]


@pytest.mark.parametrize(("test", "make", "metric"), CASES, ids=[c[0] for c in CASES])
def test_leading_and_trailing_frames_without_a_person(
    test: AnalysisTest, make: Callable[[], PoseSequence], metric: str
) -> None:
    seq = make()
    clean = analyze_movement(seq, test=test)
    padded = with_blank_frames(seq, LEAD, tail=10)
    r = analyze_movement(padded, test=test)  # warnings are errors in this suite
    assert r.passed, [q.message for q in r.quality if not q.passed]
    assert r.frames_with_person == seq.n_frames
    assert all(v is None for v in r.series["knee_flexion_left_deg"][:LEAD])
    # the blank frames change nothing that was measured on the person
    inner = r.series["knee_flexion_left_deg"][LEAD : LEAD + seq.n_frames]
    assert inner == pytest.approx(clean.series["knee_flexion_left_deg"], abs=0.5)  # filter edges
    if metric:
        assert r.metrics[metric] == pytest.approx(clean.metrics[metric])
    assert [f.code for f in r.findings] == [f.code for f in clean.findings]


def test_a_clip_with_nobody_in_it_never_warns() -> None:
    seq = with_blank_frames(squat_recording(view="side"), 0)
    empty = with_blank_frames(seq, 60)
    cut = PoseSequence(
        empty.t_s[:60],
        empty.image_xy[:60],
        empty.confidence[:60],
        empty.frame_size,
        empty.world_xyz[:60] if empty.world_xyz is not None else None,
    )
    for test in ("squat", "sit-to-stand", "gait", "kinematics"):
        r = analyze_movement(cut, test=test)  # type: ignore[arg-type]
        assert not r.passed and r.frames_with_person == 0


def test_nan_helpers_give_values_where_data_exist_and_quiet_nan_where_not() -> None:
    data = np.array([[1.0, np.nan, np.nan], [3.0, 4.0, np.nan]])
    assert nan_mean(data) == pytest.approx(8 / 3)
    assert nan_median(data) == 3.0
    assert nan_max(data) == 4.0
    assert nan_percentile(data, 50) == 3.0
    assert np.allclose(nan_mean_rows(data), [2.0, 4.0, np.nan], equal_nan=True)
    empty = np.full(4, np.nan)
    assert np.isnan(nan_mean(empty)) and np.isnan(nan_median(empty))
    assert nan_max(empty) is None and nan_percentile(empty, 90) is None
