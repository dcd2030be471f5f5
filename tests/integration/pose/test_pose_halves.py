"""Where a clip is cut into two halves for two cores, and what each half decodes.

A split at a key frame lets both halves decode at once from the start, each frame once; a
split elsewhere makes the second half wait for a shared decoder to reach it (the Sports2D demo,
docs/validation/motion.md 2026-12-06 night). Fake forkable estimator, generated H.264 clips.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from painpath.adapters.pose import video as video_mod
from painpath.adapters.pose.pipeline import KEY_SPLIT_SHARE, analyze_video
from painpath.adapters.pose.video import VideoLimits, probe_video
from painpath.domain.movement.pose import N_LANDMARKS, PoseSequence

from .pose_videos import MakeVideo

SMALL = VideoLimits(min_frames=5)


class _Forking:
    """A pose backend that can ``fork()``: records the frame times each part received."""

    source = "fake"

    def __init__(self, parts: list[list[float]], lock: threading.Lock) -> None:
        self.parts, self.lock = parts, lock

    def fork(self) -> _Forking:
        return _Forking(self.parts, self.lock)

    def estimate(self, frames: Iterable[Any], *, transform: Any = None,
                 on_progress: Any = None) -> PoseSequence:  # fmt: skip
        times = [t for t, _ in frames]
        with self.lock:
            self.parts.append(times)
        n = len(times)
        return PoseSequence(
            t_s=np.asarray(times), image_xy=np.full((n, N_LANDMARKS, 2), np.nan),
            confidence=np.zeros((n, N_LANDMARKS)), frame_size=transform.original_size,
            source=self.source,
        )  # fmt: skip


def _decode_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[float]]:
    """Every frame each decoder run produced (times from the first frame), skipped ones too."""
    runs: list[list[float]] = []
    real = video_mod._decoded

    def counting(*args: Any, **kwargs: Any) -> Iterator[tuple[float, Any]]:
        seen: list[float] = []
        runs.append(seen)
        for t, frame in real(*args, **kwargs):
            seen.append(round(t, 6))
            yield t, frame

    monkeypatch.setattr(video_mod, "_decoded", counting)
    return runs


def _no_analysis(pose: PoseSequence, **_: Any) -> Any:
    return None  # only the frames each half received matter here


def _analyse(path: Path) -> list[list[float]]:
    parts: list[list[float]] = []
    analyze_video(path, test="squat", limits=SMALL, estimator=_Forking(parts, threading.Lock()),
                  analyzer=_no_analysis, auto_select=False, max_fps=None)  # fmt: skip
    return sorted(parts, key=lambda p: p[0])


@pytest.mark.parametrize(("gop", "key_frame"), [(27, 27), (30, 30), (34, 34)])
def test_probe_finds_the_key_frame_nearest_the_middle(
    make_video: MakeVideo, gop: int, key_frame: int
) -> None:
    info = probe_video(make_video(frames=60, fps=30, gop=gop), limits=SMALL)
    assert info.middle_key_s == pytest.approx(key_frame / 30, abs=1e-6)


def test_a_clip_with_one_key_frame_has_none_in_the_middle(make_video: MakeVideo) -> None:
    assert probe_video(make_video(frames=60, fps=30), limits=SMALL).middle_key_s is None


def test_halves_split_at_a_key_frame_near_the_middle_decode_every_frame_once(
    make_video: MakeVideo, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_video(frames=60, fps=30, gop=27)  # key frames 0, 27, 54; the middle is 30
    runs = _decode_runs(monkeypatch)
    first, second = _analyse(path)
    assert len(first) == 27 and second[0] == pytest.approx(27 / 30)  # cut at the key frame
    assert len(first) + len(second) == 60
    # two decoders (run during the pose pass), one per half, starting at 0 and at the key
    # frame: nothing decoded twice, and the second half never waits for the first half's
    # frames to be decoded
    pass_runs = runs[-2:]
    assert sorted(r[0] for r in pass_runs) == [0.0, pytest.approx(27 / 30)]
    assert sum(len(r) for r in pass_runs) == 60


def test_halves_of_a_clip_with_one_key_frame_split_at_the_middle_with_one_decoder(
    make_video: MakeVideo, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _decode_runs(monkeypatch)
    first, second = _analyse(make_video(frames=60, fps=30))
    assert len(first) == 30 and len(second) == 30
    assert len(runs[-1]) == 60  # one decoder for both halves, every frame once


def test_a_key_frame_too_far_from_the_middle_is_not_used(
    make_video: MakeVideo, monkeypatch: pytest.MonkeyPatch
) -> None:
    gop = 36  # key frame at 36 of 60 frames: 1/10 of the clip from the middle, as Pose2Sim cam02
    assert abs(gop - 30) / 60 > KEY_SPLIT_SHARE
    runs = _decode_runs(monkeypatch)
    first, second = _analyse(make_video(frames=60, fps=30, gop=gop))
    assert len(first) == 30 and len(second) == 30
    assert len(runs[-1]) == 60
