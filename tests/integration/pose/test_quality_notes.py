"""Quality entries of a whole video run: darkness, one entry per cause, conclusions withheld
when a framing check fails (real pipeline, prepared poses, generated videos)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from painpath.adapters.pose.outputs import build_payload
from painpath.adapters.pose.pipeline import analyze_video
from painpath.adapters.pose.video import VideoLimits
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import squat_recording

from .pose_videos import MakeVideo

SMALL = VideoLimits(min_frames=5)


class _Prepared:
    """Streams the frames like a backend, then returns a prepared pose sequence."""

    source = "synthetic"

    def __init__(self, seq: PoseSequence) -> None:
        self.seq = seq

    def estimate(self, frames: Iterable[Any], *, transform: Any = None,
                 on_progress: Any = None) -> PoseSequence:  # fmt: skip
        for i, _frame in enumerate(frames, start=1):
            if on_progress:
                on_progress(i)
        return self.seq


def _level(value: int) -> Any:
    return lambda i, w, h: np.full((h, w, 3), value, dtype=np.uint8)


def _run(path: Any, seq: PoseSequence) -> Any:
    return analyze_video(path, test="squat", limits=SMALL, estimator=_Prepared(seq))


def test_dark_video_fails_the_lighting_check_and_withholds_conclusions(
    make_video: MakeVideo,
) -> None:
    seq = squat_recording()
    lit = _run(make_video("lit.mp4", frames=20, draw=_level(110)), seq)
    assert {n.id: n.passed for n in lit.framing}["lighting"]
    assert lit.analysis.findings and lit.analysis.metrics["reps"] == 3
    dark = _run(make_video("dark.mp4", frames=20, draw=_level(12)), seq)
    note = next(n for n in dark.framing if n.id == "lighting")
    assert not note.passed and "too dark" in note.message and "lights" in note.message
    assert dark.analysis.findings == () and dark.analysis.metrics == {}
    assert dark.analysis.series["knee_flexion_left_deg"]  # the angles are still shown


def test_one_quality_entry_per_cause(make_video: MakeVideo) -> None:
    seq = squat_recording()
    nobody = PoseSequence(
        seq.t_s, np.full_like(seq.image_xy, np.nan), np.zeros_like(seq.confidence), seq.frame_size
    )
    result = _run(make_video(frames=20), nobody)
    quality = build_payload(result)["quality"]
    ids = [q["id"] for q in quality]
    assert len(ids) == len(set(ids))
    failed = [q for q in quality if not q["passed"]]
    assert [q["id"] for q in failed] == ["person_visible"]  # not also person_detected/view/...
    messages = [q["message"] for q in quality]
    assert len(messages) == len(set(messages))


def test_person_leaving_is_time_stamped_in_the_payload(make_video: MakeVideo) -> None:
    seq = squat_recording()
    conf = seq.confidence.copy()
    xy = seq.image_xy.copy()
    gone = seq.t_s >= 3.0
    conf[gone], xy[gone] = 0.0, np.nan
    left = PoseSequence(seq.t_s, xy, conf, seq.frame_size)
    quality = build_payload(_run(make_video(frames=20), left))["quality"]
    person = next(q for q in quality if q["id"] == "person_visible")
    assert not person["passed"] and "left the picture at 0:03" in person["message"]
