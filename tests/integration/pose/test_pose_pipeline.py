"""Estimator, pipeline and outputs: real mediapipe on generated frames, synthetic poses drawn."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import av
import cv2
import numpy as np
import pytest

from painpath.adapters.pose.framing import framing_notes
from painpath.adapters.pose.mediapipe_estimator import MediapipePoseEstimator, landmarks_to_arrays
from painpath.adapters.pose.outputs import build_payload, write_outputs
from painpath.adapters.pose.pipeline import VideoAnalysis, analyze_video, pose_only
from painpath.adapters.pose.ports import PoseEstimator
from painpath.adapters.pose.video import (
    Roi,
    VideoLimits,
    frame_transform,
    iter_frames,
    probe_video,
)
from painpath.domain.errors import InvalidInput
from painpath.domain.movement.pose import Landmark, PoseSequence

from .pose_videos import MakeVideo

SMALL = VideoLimits(min_frames=5)


def test_mediapipe_estimator_is_a_pose_estimator() -> None:
    assert isinstance(MediapipePoseEstimator(), PoseEstimator)


def test_no_person_gives_nan_and_zero_confidence_in_original_pixels(
    make_video: MakeVideo,
) -> None:
    path = make_video(frames=12, width=640, height=360)
    roi = Roi(0.25, 0.0, 0.75, 1.0)
    info = probe_video(path, limits=SMALL)
    tf = frame_transform(info, max_side=256, roi=roi)
    done: list[int] = []
    frames = iter_frames(path, max_side=256, roi=roi, limits=SMALL)
    seq = MediapipePoseEstimator().estimate(frames, transform=tf, on_progress=done.append)
    assert seq.n_frames == 12 and done[-1] == 12
    np.testing.assert_allclose(seq.t_s, np.arange(12) / 30, atol=1e-6)
    assert seq.frame_size == (640, 360)  # the original upright frame, not the crop
    assert np.isnan(seq.image_xy).all() and not seq.confidence.any()
    assert seq.world_xyz is not None and np.isnan(seq.world_xyz).all()
    assert seq.source.startswith("mediapipe-0.10.14")
    assert [n.passed for n in framing_notes(seq) if n.id == "person_detected"] == [False]


def _fake_result(points: np.ndarray, visibility: float) -> Any:
    landmark = [SimpleNamespace(x=x, y=y, z=0.0, visibility=visibility) for x, y in points]
    world = [SimpleNamespace(x=0.1 * i, y=-0.2, z=0.3) for i in range(33)]
    return SimpleNamespace(
        pose_landmarks=SimpleNamespace(landmark=landmark),
        pose_world_landmarks=SimpleNamespace(landmark=world),
    )


def test_landmarks_become_pixels_of_the_original_frame() -> None:
    info = SimpleNamespace(width=1920, height=1080)
    tf = frame_transform(info, max_side=640, roi=Roi(0.5, 0.0, 1.0, 1.0))  # type: ignore[arg-type]
    normalised = np.tile([[0.5, 0.25]], (33, 1))
    xy, xyz, vis = landmarks_to_arrays(
        _fake_result(normalised, 1.3), width=tf.size[0], height=tf.size[1]
    )
    original = tf.to_original(xy)
    # the middle of the right-half crop, a quarter down: x = 960 + 480, y = 270
    np.testing.assert_allclose(original[0], [1440.0, 270.0], atol=2.0)
    assert vis.max() == 1.0  # visibility is clipped into 0-1
    assert xyz[2] == pytest.approx([0.2, -0.2, 0.3])


def test_empty_result_is_unknown() -> None:
    xy, xyz, vis = landmarks_to_arrays(
        SimpleNamespace(pose_landmarks=None, pose_world_landmarks=None), width=10, height=10
    )
    assert np.isnan(xy).all() and np.isnan(xyz).all() and not vis.any()


# ---------------------------------------------------------------- synthetic poses


def _standing_pose(t_s: np.ndarray, *, width: int, height: int, centre: float = 0.5,
                   tall: float = 0.8) -> PoseSequence:  # fmt: skip
    """A front-view figure whose knees bend and straighten (pixels of a width x height frame)."""
    n = t_s.size
    xy = np.full((n, 33, 2), np.nan)
    cx, top = centre * width, (1 - tall) / 2 * height
    seg = tall * height / 4
    bend = 0.3 * seg * np.sin(np.linspace(0, np.pi, n))
    for side, sign in (("LEFT", 1), ("RIGHT", -1)):
        x = cx + sign * 0.1 * seg
        xy[:, Landmark[f"{side}_SHOULDER"]] = np.c_[np.full(n, x), np.full(n, top + 0.5 * seg)]
        xy[:, Landmark[f"{side}_HIP"]] = np.c_[np.full(n, x), top + 2 * seg + bend]
        xy[:, Landmark[f"{side}_KNEE"]] = np.c_[x + sign * bend, np.full(n, top + 3 * seg)]
        xy[:, Landmark[f"{side}_ANKLE"]] = np.c_[np.full(n, x), np.full(n, top + 4 * seg)]
    conf = np.where(np.isnan(xy[..., 0]), 0.0, 0.9)
    return PoseSequence(t_s=t_s, image_xy=xy, confidence=conf, frame_size=(width, height),
                        source="synthetic")  # fmt: skip


class _ReplayEstimator:
    """Consumes the frame stream like a real backend and returns a prepared pose."""

    source = "synthetic"

    def __init__(self, *, centre: float = 0.5, tall: float = 0.8) -> None:
        self.streamed = False
        self.centre, self.tall = centre, tall

    def estimate(self, frames: Iterable[Any], *, transform: Any = None,
                 on_progress: Any = None) -> PoseSequence:  # fmt: skip
        self.streamed = isinstance(frames, Iterator)  # a generator, not a buffered list
        times = []
        for i, (t_s, _rgb) in enumerate(frames, start=1):
            times.append(t_s)
            if on_progress:
                on_progress(i)
        w, h = transform.original_size
        return _standing_pose(np.array(times), width=w, height=h, centre=self.centre,
                              tall=self.tall)  # fmt: skip


@dataclass(frozen=True)
class _Rep:  # the shape of the domain's Rep
    index: int
    start_s: float
    end_s: float
    peak_s: float
    metrics: dict[str, float]


def _series_analyzer(pose: PoseSequence, *, test: str, side: str | None) -> Any:
    n = pose.n_frames
    knee = [None if i == 0 else 40.0 * np.sin(np.pi * i / n) for i in range(n)]
    peak = float(pose.t_s[n // 2])
    return SimpleNamespace(
        test=test, side=side, frames_with_person=n,
        series={"knee_flexion_left_deg": knee, "knee_flexion_right_deg": knee,
                "hip_flexion_left_deg": [float("nan")] * n, "hip_flexion_right_deg": knee},
        reps=[_Rep(1, 0.0, float(pose.t_s[-1]), peak, {"peak_knee_flexion_deg": 40.0})],
        metrics={"reps": 1}, findings=[], quality=[],
    )  # fmt: skip


def _analyse(path: Path, estimator: _ReplayEstimator) -> VideoAnalysis:
    progress: list[tuple[int, int]] = []
    result = analyze_video(
        path,
        test="squat",
        limits=SMALL,
        estimator=estimator,
        analyzer=_series_analyzer,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert progress[-1] == (result.pose.n_frames, result.video.frames)
    return result


def test_pipeline_streams_frames_and_builds_the_payload(make_video: MakeVideo) -> None:
    estimator = _ReplayEstimator()
    result = _analyse(make_video(frames=20, width=320, height=240), estimator)
    assert estimator.streamed
    payload = json.loads(json.dumps(build_payload(result), allow_nan=False))
    assert payload["video"] == {
        "fps": 30.0,
        "frames": 20,
        "frames_in_video": 20,
        "analysed_fps": pytest.approx(30.0, abs=0.1),
        "duration_s": pytest.approx(0.667, abs=0.01),
        "width": 320,
        "height": 240,
        "rotation_deg": 0,
        "codec": "h264",
    }
    assert len(payload["t_s"]) == 20
    assert all(len(v) == 20 for v in payload["series"].values())
    assert payload["series"]["knee_flexion_left_deg"][0] is None
    assert payload["series"]["hip_flexion_left_deg"] == [None] * 20  # NaN -> null
    assert payload["reps"][0]["metrics"] == {"peak_knee_flexion_deg": 40.0}
    assert [(q["id"], q["passed"]) for q in payload["quality"]] == [
        ("person_selection", True),  # the drawn square is no person: nothing to choose
        ("lighting", True),
        ("tracked_person_is_subject", True),
        ("tracked_person_consistent", True),
    ]


def test_small_off_centre_person_is_flagged(make_video: MakeVideo) -> None:
    result = _analyse(make_video(frames=20), _ReplayEstimator(centre=0.9, tall=0.15))
    note = next(n for n in result.framing if n.id == "tracked_person_is_subject")
    assert not note.passed and "--roi" in note.message
    central = _analyse(make_video("b.mp4", frames=20), _ReplayEstimator())
    assert next(n for n in central.framing if n.id == "tracked_person_is_subject").passed


def test_outputs_are_written_and_readable(make_video: MakeVideo, tmp_path: Path) -> None:
    result = _analyse(make_video(frames=20, width=320, height=240), _ReplayEstimator())
    written = write_outputs(result, tmp_path / "out", mp4=True)
    assert set(written) == {"json", "keyframes", "plot", "mp4"}
    assert json.loads(Path(written["json"]).read_text())["frames_with_person"] == 20
    keyframes = cv2.imread(written["keyframes"])
    assert keyframes is not None and keyframes.shape[1] == 320  # one rep: one key frame
    assert 240 < keyframes.shape[0] < 300  # the frame under a legend strip
    assert cv2.imread(written["plot"]) is not None
    with av.open(written["mp4"]) as clip:
        times = [float(f.time) for f in clip.decode(video=0)]
    np.testing.assert_allclose(times, result.pose.t_s, atol=0.002)


def test_unknown_test_and_side_are_refused(make_video: MakeVideo) -> None:
    path = make_video(frames=10)
    with pytest.raises(InvalidInput, match="unknown movement test"):
        analyze_video(path, test="jumping-jacks")
    with pytest.raises(InvalidInput, match="left or right"):
        analyze_video(path, test="squat", side="up")


def test_pose_only_runs_the_estimator_on_buffered_frames(make_video: MakeVideo) -> None:
    frames = list(iter_frames(make_video(frames=10), max_side=128, limits=SMALL))
    seq = pose_only(frames)
    assert seq.n_frames == 10 and seq.frame_size == (128, 96)


# ---------------------------------------------------------------- with the domain's analysis


class _ScenarioEstimator:
    """Replays a domain scenario (known reps and depth) on the real video's frames and times."""

    source = "synthetic-scenario"

    def __init__(self, seq: PoseSequence) -> None:
        self.seq = seq

    def estimate(self, frames: Iterable[Any], *, transform: Any = None,
                 on_progress: Any = None) -> PoseSequence:  # fmt: skip
        times = np.array([t for t, _ in frames])
        assert times.size == self.seq.n_frames
        w, h = transform.original_size
        scale = np.array([w / self.seq.frame_size[0], h / self.seq.frame_size[1]])
        return PoseSequence(t_s=times, image_xy=self.seq.image_xy * scale,
                            confidence=self.seq.confidence, frame_size=(w, h),
                            world_xyz=self.seq.world_xyz, source=self.source)  # fmt: skip


@pytest.mark.parametrize("test", ["squat", "kinematics"])
def test_domain_analysis_of_a_known_squat(make_video: MakeVideo, tmp_path: Path, test: str) -> None:
    from painpath.domain.movement.scenarios import squat_recording

    seq = squat_recording(reps=2, fps=15, period_s=2.0, pause_s=0.5, depth_deg=100.0)
    path = make_video(frames=seq.n_frames, width=180, height=320, fps=15)
    result = analyze_video(path, test=test, estimator=_ScenarioEstimator(seq))
    written = write_outputs(result, tmp_path / "out")
    payload = json.loads(Path(written["json"]).read_text())
    assert payload["frames_with_person"] == seq.n_frames
    knee = [v for v in payload["series"]["knee_flexion_right_deg"] if v is not None]
    # Front view: the bottom of a 100-deg squat is kept, with a low confidence (the thigh
    # points at the camera; docs/validation/cross-view.md)
    assert max(knee) == pytest.approx(100.0, abs=10.0)
    conf = payload["series"]["knee_flexion_right_confidence"]
    assert conf[knee.index(max(knee))] < 0.7
    if test == "kinematics":
        assert (payload["reps"], payload["metrics"], payload["findings"]) == ([], {}, [])
        return
    # The squat analyzer still reads the depth on every frame (image x/y + estimated depth).
    assert payload["metrics"]["peak_knee_flexion_right_deg"] == pytest.approx(100.0, abs=10.0)
    assert len(payload["reps"]) == 2
    assert payload["metrics"]
    sheet = cv2.imread(written["keyframes"])
    assert sheet is not None and sheet.shape[1] == 2 * 180  # one tile per rep peak


def test_a_change_of_tracked_person_is_reported() -> None:
    t = np.arange(20) / 30
    first = _standing_pose(t[:10], width=640, height=360, centre=0.25)
    second = _standing_pose(t[10:], width=640, height=360, centre=0.75)
    both = PoseSequence(
        t_s=t,
        image_xy=np.concatenate([first.image_xy, second.image_xy]),
        confidence=np.concatenate([first.confidence, second.confidence]),
        frame_size=(640, 360),
    )
    notes = {n.id: n for n in framing_notes(both)}
    assert not notes["tracked_person_consistent"].passed
    assert "1 time" in notes["tracked_person_consistent"].message
    assert notes["tracked_person_consistent"].message.endswith("--roi x0,y0,x1,y1.")
    assert {n.id: n.passed for n in framing_notes(first)}["tracked_person_consistent"]
