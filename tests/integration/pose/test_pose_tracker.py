"""The LiteRT tracker's schedule of model calls, with fake models on frames whose answer is known.

A frame "holds a person" when its first pixel is 255; the fake detector finds that person, the
fake landmark model reports presence 1 there and 0 elsewhere. The schedule asserted: one
detector run while someone is tracked, a detector run on every ``detect_every``-th frame only
while nobody is, landmarks only when the detector found someone, and a person who enters the
picture picked up within ``detect_every`` frames.
"""

from __future__ import annotations

import numpy as np
import pytest

from painpath.adapters.pose.blazepose import Detection, LandmarkResult, Rect
from painpath.adapters.pose.litert_estimator import DETECT_EVERY, PoseTracker


class _Detector:
    def __init__(self) -> None:
        self.calls = 0

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        self.calls += 1
        if rgb[0, 0, 0] != 255:
            return []
        keypoints = np.array([[32.0, 40.0], [32.0, 10.0], [32.0, 20.0], [32.0, 5.0]])
        return [Detection(0.9, (10.0, 5.0, 54.0, 60.0), keypoints)]


class _Landmarks:
    def __init__(self) -> None:
        self.calls = 0

    def run(self, rgb: np.ndarray, rect: Rect) -> LandmarkResult:
        self.calls += 1
        xy = np.zeros((39, 2))
        xy[33], xy[34] = (rect.cx, rect.cy), (rect.cx, rect.cy - 20.0)  # next region: upright
        present = 1.0 if rgb[0, 0, 0] == 255 else 0.0
        n = np.zeros(39)
        return LandmarkResult(xy, n, n + present, n + present, np.zeros((39, 3)), present)


def _frames(present: list[bool]) -> list[np.ndarray]:
    frames = []
    for here in present:
        rgb = np.zeros((64, 64, 3), dtype=np.uint8)
        rgb[0, 0, 0] = 255 if here else 0
        frames.append(rgb)
    return frames


def _track(
    present: list[bool], every: int = DETECT_EVERY
) -> tuple[list[bool], _Detector, _Landmarks]:
    detector, landmarks = _Detector(), _Landmarks()
    tracker = PoseTracker(detect_every=every, detector=detector, landmarks=landmarks)  # type: ignore[arg-type]
    found = [tracker.step(rgb) is not None for rgb in _frames(present)]
    assert (tracker.detections, tracker.landmark_calls) == (detector.calls, landmarks.calls)
    return found, detector, landmarks


def test_a_person_in_every_frame_is_detected_once_and_tracked_in_every_frame() -> None:
    found, detector, landmarks = _track([True] * 40)
    assert all(found)
    assert detector.calls == 1 and landmarks.calls == 40


@pytest.mark.parametrize("empty", [30, 31, 32])
def test_nobody_for_a_while_costs_a_detector_run_every_few_frames_and_no_landmarks(
    empty: int,
) -> None:
    found, detector, landmarks = _track([False] * empty + [True] * 10)
    # detector runs at frames 0, 3, 6 ... while nobody is there: ceil(empty / 3) of them
    assert detector.calls == -(-empty // DETECT_EVERY) + 1
    assert landmarks.calls == found.count(True)  # landmarks only where someone was found
    first = found.index(True)
    assert empty <= first < empty + DETECT_EVERY  # picked up within 3 frames of entering
    assert all(found[first:])


def test_a_lost_person_is_looked_for_again_in_the_same_frame_then_every_few_frames() -> None:
    present = [True] * 10 + [False] * 9 + [True] * 5
    found, detector, _ = _track(present)
    assert found[:10] == [True] * 10 and not any(found[10:19])
    # frame 0, then frame 10 (lost: looked for at once), then frames 13 and 16, then 19
    assert detector.calls == 5
    assert found[19:] == [True] * 5


def test_every_frame_is_searched_with_detect_every_one_as_mediapipe_does() -> None:
    found, detector, landmarks = _track([False] * 12 + [True] * 3, every=1)
    assert detector.calls == 13 and landmarks.calls == 3
    assert found == [False] * 12 + [True] * 3
    with pytest.raises(ValueError, match="at least 1"):
        PoseTracker(detect_every=0, detector=_Detector(), landmarks=_Landmarks())  # type: ignore[arg-type]
