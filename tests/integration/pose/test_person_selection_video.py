"""Automatic person selection on generated videos: sampling, the crop, the quality entry.

BlazePose's detector does not fire on drawn figures, so these tests inject a detector that
finds the drawn figures by colour; the real detector runs on the Sports2D clip in
``tests/realvideo/test_person_selection.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from painpath.adapters.pose.outputs import build_payload
from painpath.adapters.pose.person_detect import BlazePersonDetector, sample_frames
from painpath.adapters.pose.person_select import PersonBox
from painpath.adapters.pose.pipeline import analyze_video
from painpath.adapters.pose.video import Roi, VideoLimits, probe_video
from painpath.domain.assessment.findings import Finding, FindingKind
from painpath.domain.movement.analysis import MovementAnalysis
from painpath.domain.movement.pose import PoseSequence

from .pose_videos import write_video

SMALL = VideoLimits(min_frames=5)
PATIENT = (40, 200, 40)  # green
BYSTANDER = (40, 40, 220)  # blue


def _figure(img: np.ndarray, cx: int, top: int, tall: int, colour: tuple[int, int, int]) -> None:
    """A stick-person-like figure: a round head over a body, ``tall`` px from head to feet."""
    yy, xx = np.mgrid[: img.shape[0], : img.shape[1]]
    head = tall // 8
    img[(xx - cx) ** 2 + (yy - top - head) ** 2 <= head**2] = colour
    body = (abs(xx - cx) <= tall // 8) & (yy >= top + 2 * head) & (yy <= top + tall)
    img[body] = colour


def two_people(i: int, width: int, height: int) -> np.ndarray:
    """A large patient in the middle; a small bystander walking along the top left."""
    img = np.full((height, width, 3), 90, dtype=np.uint8)
    _figure(img, width // 2, height // 5, int(0.7 * height), PATIENT)
    _figure(img, width // 16 + i, height // 20, height // 4, BYSTANDER)
    return img


def two_alike(i: int, width: int, height: int) -> np.ndarray:
    """Two people of the same size, left and right of the centre: no clear choice."""
    img = np.full((height, width, 3), 90, dtype=np.uint8)
    _figure(img, width // 4, height // 5, int(0.6 * height), PATIENT)
    _figure(img, 3 * width // 4, height // 5, int(0.6 * height), BYSTANDER)
    return img


def patient_only(i: int, width: int, height: int) -> np.ndarray:
    img = np.full((height, width, 3), 90, dtype=np.uint8)
    _figure(img, width // 2, height // 5, int(0.7 * height), PATIENT)
    return img


class ColourDetector:
    """Finds the drawn figures: one box per figure colour present in the image."""

    def __init__(self) -> None:
        self.calls = 0

    def detect(self, rgb: np.ndarray) -> list[PersonBox]:
        self.calls += 1
        boxes = []
        for colour in (PATIENT, BYSTANDER):
            mask = np.all(np.abs(rgb.astype(int) - colour) < 40, axis=-1)
            ys, xs = np.nonzero(mask)
            if xs.size > 20:
                half = max(np.ptp(xs), np.ptp(ys)) / 2
                boxes.append(PersonBox((xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2, half))
        return boxes


class CropSpy:
    """A pose backend that records what it was shown and returns no person."""

    source = "spy"

    def __init__(self) -> None:
        self.first: np.ndarray | None = None
        self.transform: Any = None
        self.passes = 0
        self.hips: tuple[float, float] | None = None  # where to place a person (pixels)

    def estimate(self, frames: Iterable[Any], *, transform: Any = None, **_: Any) -> PoseSequence:
        self.transform, self.first = transform, None  # a second pass replaces the first
        self.passes += 1
        times = []
        for t_s, rgb in frames:
            self.first = rgb if self.first is None else self.first
            times.append(t_s)
        n = len(times)
        xy, conf = np.full((n, 33, 2), np.nan), np.zeros((n, 33))
        if self.hips is not None:
            xy[:, 23:25], conf[:, 23:25] = self.hips, 0.9
        return PoseSequence(
            t_s=np.array(times), image_xy=xy, confidence=conf, frame_size=transform.original_size
        )


def _no_analysis(pose: PoseSequence, *, test: str, side: str | None) -> Any:
    return SimpleNamespace(
        test=test, side=None, series={}, reps=[], metrics={}, findings=[], quality=[],
        frames_with_person=0, view="unknown",
    )  # fmt: skip


def _concluding(pose: PoseSequence, *, test: str, side: str | None) -> MovementAnalysis:
    """A domain result with a metric and an abnormal finding, all checks passed."""
    finding = Finding(FindingKind.KINEMATIC, "gait_cadence", value=150.0, abnormal=True)
    series: dict[str, list[float | None]] = {"knee_flexion_left_deg": [10.0] * pose.n_frames}
    return MovementAnalysis(
        test, None, series, (), {"cadence_steps_per_min": 150.0}, (finding,), (), pose.n_frames
    )


def _colour_share(rgb: np.ndarray, colour: tuple[int, int, int]) -> float:
    return float(np.all(np.abs(rgb.astype(int) - colour) < 40, axis=-1).mean())


def _run(path: Path, **kwargs: Any) -> tuple[dict[str, Any], CropSpy, Any]:
    spy = CropSpy()
    kwargs.setdefault("analyzer", _no_analysis)
    result = analyze_video(path, test="gait", limits=SMALL, estimator=spy, **kwargs)
    return json.loads(json.dumps(build_payload(result))), spy, result


def _note(payload: dict[str, Any]) -> dict[str, Any]:
    return next(q for q in payload["quality"] if q["id"] == "person_selection")


def test_two_people_crop_to_the_large_central_one(tmp_path: Path) -> None:
    path = write_video(tmp_path / "two.mp4", frames=40, width=480, height=270, draw=two_people)
    detector = ColourDetector()
    payload, spy, result = _run(path, person_detector=detector)
    assert detector.calls == 8  # eight sampled frames
    roi = payload["roi"]
    assert roi is not None and roi[0] < 0.5 < roi[2] and roi[3] > 0.85
    assert spy.first is not None
    assert _colour_share(spy.first, PATIENT) > 0.05  # the patient fills the crop
    assert _colour_share(spy.first, BYSTANDER) == 0.0  # the bystander is cut away
    assert spy.transform.offset_x > 0 and spy.transform.size[0] < 480
    note = _note(payload)
    assert note["passed"] and note["message"].startswith(
        "2 people seen on 8 sampled frames; chose the larger, more central one"
    )
    assert f"x {roi[0]:.2f}-{roi[2]:.2f}" in note["message"]
    assert result.selection is not None and result.selection_s > 0
    assert result.selection_s <= result.elapsed_s


def test_clear_choice_keeps_the_conclusions(tmp_path: Path) -> None:
    path = write_video(tmp_path / "two.mp4", frames=30, width=480, height=270, draw=two_people)
    payload, _, _ = _run(path, person_detector=ColourDetector(), analyzer=_concluding)
    assert _note(payload)["passed"] and payload["roi"] is not None
    assert payload["metrics"] == {"cadence_steps_per_min": 150.0}
    assert [f["code"] for f in payload["findings"]] == ["gait_cadence"]


def test_unclear_choice_concludes_nothing_and_asks_for_a_roi(tmp_path: Path) -> None:
    path = write_video(tmp_path / "alike.mp4", frames=30, width=480, height=270, draw=two_alike)
    payload, spy, _ = _run(path, person_detector=ColourDetector(), analyzer=_concluding)
    note = _note(payload)
    assert not note["passed"]
    assert "another person scores nearly as high" in note["message"]
    assert "crop to the patient with --roi x0,y0,x1,y1." in note["message"]
    # nothing is concluded either way, so no second pose pass: the whole frame's is kept
    assert payload["roi"] is None and spy.transform.size == (480, 270) and spy.passes == 1
    assert note["message"].endswith("pose pass was kept (it is analysed, nothing is concluded).")
    assert payload["metrics"] == {} and payload["findings"] == [] and payload["reps"] == []
    assert payload["series"]["knee_flexion_left_deg"] == [10.0] * 30  # the angles stay


def test_clear_choice_already_tracked_costs_no_second_pass(tmp_path: Path) -> None:
    path = write_video(tmp_path / "two.mp4", frames=40, width=480, height=270, draw=two_people)
    spy = CropSpy()
    spy.hips = (240.0, 170.0)  # the tracker followed the patient (centre of the frame)
    result = analyze_video(
        path, test="gait", limits=SMALL, estimator=spy, analyzer=_no_analysis,
        person_detector=ColourDetector(),
    )  # fmt: skip
    assert spy.passes == 1 and spy.transform.size == (480, 270)  # the main pass was reused
    assert result.selection is not None and result.selection.passed and result.roi is not None
    elsewhere = CropSpy()
    elsewhere.hips = (40.0, 40.0)  # the tracker followed the bystander: analyse the patient
    again = analyze_video(
        path, test="gait", limits=SMALL, estimator=elsewhere, analyzer=_no_analysis,
        person_detector=ColourDetector(),
    )  # fmt: skip
    assert elsewhere.passes == 2 and elsewhere.transform.size[0] < 480
    assert again.roi == result.roi


def test_one_person_keeps_the_whole_frame(tmp_path: Path) -> None:
    path = write_video(tmp_path / "one.mp4", frames=30, width=480, height=270, draw=patient_only)
    payload, spy, _ = _run(path, person_detector=ColourDetector())
    assert payload["roi"] is None and spy.transform.size == (480, 270)
    assert _note(payload) == {
        "id": "person_selection",
        "passed": True,
        "message": "One person was seen on 8 sampled frames, so the whole frame was analysed.",
    }


class _Forbidden:
    def detect(self, rgb: np.ndarray) -> list[PersonBox]:
        raise AssertionError("the detector must not run")


def test_a_given_roi_always_wins(tmp_path: Path) -> None:
    path = write_video(tmp_path / "two.mp4", frames=20, width=480, height=270, draw=two_people)
    payload, spy, result = _run(path, roi=Roi(0.0, 0.0, 0.4, 0.5), person_detector=_Forbidden())
    assert payload["roi"] == [0.0, 0.0, 0.4, 0.5] and result.selection is None
    assert spy.first is not None and _colour_share(spy.first, BYSTANDER) > 0
    assert _note(payload)["message"] == "The region given (x 0.00-0.40, y 0.00-0.50) was analysed."


def test_selection_can_be_switched_off(tmp_path: Path) -> None:
    path = write_video(tmp_path / "two.mp4", frames=20, width=480, height=270, draw=two_people)
    payload, _, result = _run(path, auto_select=False, person_detector=_Forbidden())
    assert payload["roi"] is None and result.selection_s == 0.0
    assert "off" in _note(payload)["message"]


def test_the_bundled_detector_runs_offline_and_finds_no_one_in_drawings(tmp_path: Path) -> None:
    path = write_video(tmp_path / "two.mp4", frames=20, width=480, height=270, draw=two_people)
    payload, _, result = _run(path)  # the real BlazePose detector, no download
    assert result.selection is not None and result.selection.people == 0
    assert payload["roi"] is None and "Nobody was seen" in _note(payload)["message"]
    detector = BlazePersonDetector()
    assert detector.detect(np.zeros((120, 200, 3), dtype=np.uint8)) == []
    detector.close()


# ---------------------------------------------------------------- which frames are sampled


def _index_frame(i: int, width: int, height: int) -> np.ndarray:
    """Frame ``i`` (< 128) written as two grey levels that survive compression."""
    img = np.zeros((height, width, 3), dtype=np.uint8)
    img[:, : width // 2] = (i % 8) * 32 + 16
    img[:, width // 2 :] = (i // 8) * 16 + 8
    return img


def _index(rgb: np.ndarray) -> int:
    w = rgb.shape[1]
    low = round((float(rgb[:, : w // 2].mean()) - 16) / 32)
    high = round((float(rgb[:, w // 2 :].mean()) - 8) / 16)
    return high * 8 + low


@pytest.mark.parametrize(("frames", "fps", "count"), [(30, 30, 8), (120, 10, 3), (120, 10, 6)])
def test_samples_are_spread_evenly_over_the_clip(
    tmp_path: Path, frames: int, fps: int, count: int
) -> None:
    # 120 frames at 10 fps with a key frame every 10: samples 4 s apart are reached by seeking
    path = write_video(
        tmp_path / "idx.mp4", frames=frames, fps=fps, width=160, height=96, draw=_index_frame,
        gop=10,
    )  # fmt: skip
    info = probe_video(path, limits=SMALL)
    got = [_index(rgb) for rgb in sample_frames(path, info, count=count, max_side=160)]
    wanted = [(k + 0.5) / count * frames for k in range(count)]
    assert len(got) == count
    assert all(abs(g - w) <= 1 for g, w in zip(got, wanted, strict=True)), (got, wanted)
