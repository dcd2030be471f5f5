"""Video -> pose -> movement analysis, streamed frame by frame.

Decoding and pose inference run in one pass over a generator: a frame is decoded, downscaled,
handed to the estimator and dropped, so memory stays flat whatever the video's length. A
decode thread runs a few frames ahead (:func:`~painpath.adapters.pose.prefetch.prefetch`), so
on two cores the pipeline takes about as long as pose alone (see ``benchmarks/motion.py``).

Timing-friendly pieces for benchmarks: :func:`~painpath.adapters.pose.video.decode_only`
(decode alone), :func:`pose_only` (pose on frames already in memory) and :func:`analyze_video`.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from painpath.adapters.pose.framing import FramingNote, framing_notes
from painpath.adapters.pose.mediapipe_estimator import MediapipePoseEstimator
from painpath.adapters.pose.person_select import PersonBox, decide
from painpath.adapters.pose.prefetch import prefetch, prefetch_parts
from painpath.adapters.pose.video import (
    DEFAULT_MAX_FPS,
    DEFAULT_MAX_SIDE,
    DecodeTally,
    FrameTransform,
    Roi,
    VideoInfo,
    VideoLimits,
    check_complete,
    frame_transform,
    iter_frame_parts,
    iter_frames,
    probe_video,
)
from painpath.domain.errors import InvalidInput

if TYPE_CHECKING:
    from painpath.adapters.pose.person_detect import PersonDetector
    from painpath.adapters.pose.person_select import PersonSelection
    from painpath.adapters.pose.ports import Frame, PoseEstimator
    from painpath.domain.movement.analysis import MovementAnalysis
    from painpath.domain.movement.pose import PoseSequence

__all__ = [
    "KINEMATICS",
    "TESTS",
    "VideoAnalysis",
    "analyze_video",
    "default_estimator",
    "pose_only",
]

KINEMATICS = "kinematics"  # angle series only: no reps, metrics or findings
TESTS = (
    KINEMATICS,
    "squat",
    "single-leg-squat",
    "single-leg-stance",
    "sit-to-stand",
    "overhead-reach",
    "gait",
)
VideoProgress = Callable[[int, int], None]  # (frames done, frames expected; 0 = unknown)
Analyzer = Callable[..., "MovementAnalysis"]  # analyze_movement(seq, *, test, side)


@dataclass(frozen=True, slots=True)
class VideoAnalysis:
    """Everything one analysed video yields.

    ``analysis`` is the domain's ``MovementAnalysis`` (series, reps, metrics, findings,
    quality, frames_with_person); ``framing`` the adapter's notes on who was tracked (the
    first is ``person_selection``); ``roi`` the region analysed (given, or chosen
    automatically: ``selection``); ``elapsed_s`` the wall time of selection + decode + pose +
    analysis, ``selection_s`` that of automatic selection alone (0 when it did not run).
    """

    video: VideoInfo
    test: str
    side: str | None
    roi: Roi | None
    transform: FrameTransform
    pose: PoseSequence
    analysis: MovementAnalysis
    framing: list[FramingNote] = field(default_factory=list)
    elapsed_s: float = 0.0
    limits: VideoLimits = field(default_factory=VideoLimits)
    selection: PersonSelection | None = None
    selection_s: float = 0.0
    first_frame_s: float | None = None  # from the call to the first frame's landmarks


def default_estimator(backend: str | None = None) -> PoseEstimator:
    """The pose backend by name: ``litert`` (default: BlazePose full run directly, about twice
    as fast), ``litert-flip`` (the same, each region also run mirrored and the positions
    averaged: closer angles, twice the model cost), ``litert-heavy`` (image positions from
    BlazePose heavy, installed at setup: closer angles, about 4 times the model cost) or
    ``mediapipe`` (the reference); ``PAINPATH_POSE_BACKEND`` chooses when None."""
    name = (backend or os.environ.get("PAINPATH_POSE_BACKEND") or "litert").strip().lower()
    if name == "mediapipe":
        return MediapipePoseEstimator()
    if name not in ("litert", "litert-flip", "litert-heavy"):
        raise InvalidInput(
            f"unknown pose backend {name!r}; choose litert, litert-flip, litert-heavy or mediapipe"
        )
    from painpath.adapters.pose.litert_estimator import LiteRtPoseEstimator

    return LiteRtPoseEstimator(flip_average=name == "litert-flip", heavy=name == "litert-heavy")


def pose_only(
    frames: Iterable[Frame],
    *,
    estimator: PoseEstimator | None = None,
    transform: FrameTransform | None = None,
) -> PoseSequence:
    """Pose estimation alone on ``frames`` already decoded (for timing the model)."""
    estimator = estimator or default_estimator()
    return estimator.estimate(frames, transform=transform)


def analyze_video(
    path: str | os.PathLike[str],
    *,
    test: str,
    side: str | None = None,
    roi: Roi | None = None,
    limits: VideoLimits | None = None,
    estimator: PoseEstimator | None = None,
    on_progress: VideoProgress | None = None,
    max_side: int = DEFAULT_MAX_SIDE,
    analyzer: Analyzer | None = None,
    auto_select: bool = True,
    person_detector: PersonDetector | None = None,
    max_fps: float | None = DEFAULT_MAX_FPS,
) -> VideoAnalysis:
    """Probe, decode + estimate pose (two halves in two threads when the backend can), then
    run the movement analysis.

    ``test`` is one of :data:`TESTS`; ``side`` ``"left"``/``"right"`` for one-leg tests (the
    analyzer picks when None); ``roi`` crops to the patient when several people are in view
    and always wins. Without it and with ``auto_select``, people are detected on a few frames
    sampled *during* the pose pass; only when more than one person is seen and the rule of
    :mod:`~painpath.adapters.pose.person_select` chooses a region is the pose pass run again on
    that region (``person_detector`` replaces BlazePose's detector, e.g. in tests).
    ``max_fps`` caps the frames analysed per second (default 30: frames of faster clips are
    skipped, the tracked region carried over; None analyses every frame). Raises a
    :class:`~painpath.domain.errors.VideoError` subclass for unusable input.
    """
    if test not in TESTS:
        raise InvalidInput(f"unknown movement test {test!r}; choose one of {', '.join(TESTS)}")
    if side not in (None, "left", "right"):
        raise InvalidInput(f"side must be left or right (got {side!r})")
    started = time.perf_counter()
    limits = limits or VideoLimits()
    info = probe_video(path, limits=limits)
    estimator = estimator or default_estimator()
    sampler = None
    if roi is None and auto_select:
        sampler = _Sampler(info, frame_transform(info, max_side=max_side), person_detector)
    run = _PosePass(path, info, limits, max_side, estimator, on_progress, started)
    run.max_fps = max_fps if max_fps is not None and max_fps > 0 else None
    pose = run(roi, sampler)
    selection = None
    if sampler is not None:
        extra = time.perf_counter()
        selection = decide(sampler.collected(), frame_size=(info.width, info.height))
        if selection.roi is not None:  # several people: is the main pass the chosen one?
            roi, pose, selection = _reuse_or_rerun(selection, pose, run)
        elapsed = sampler.elapsed_s + time.perf_counter() - extra
        selection = dataclasses.replace(selection, elapsed_s=elapsed)
    analysis = (analyzer or _domain_analyzer)(pose, test=test, side=side)
    framing = [
        _selection_note(selection, roi, auto_select),
        _lighting_note(run.brightness),
        *framing_notes(pose),
    ]
    if any(not n.passed and n.id not in SAME_CAUSE for n in framing):
        analysis = _withhold_conclusions(analysis)
    return VideoAnalysis(
        video=info,
        test=test,
        side=side,
        roi=roi,
        transform=frame_transform(info, max_side=max_side, roi=roi),
        pose=pose,
        analysis=analysis,
        framing=framing,
        elapsed_s=time.perf_counter() - started,
        limits=limits,
        selection=selection,
        selection_s=0.0 if selection is None else selection.elapsed_s,
        first_frame_s=run.first_frame_s,
    )


INSIDE_SHARE = 0.9  # share of the tracked frames inside the chosen region to keep the main pass


def _reuse_or_rerun(
    selection: PersonSelection, pose: PoseSequence, run: _PosePass
) -> tuple[Roi | None, PoseSequence, PersonSelection]:
    """The pose pass already made is kept when it can stand for the chosen person: when the
    choice is unclear (nothing is concluded either way, so a second pass would only redraw
    the angle series) or when the tracked person already lies in the chosen region. Only a
    clear choice of someone the tracker did not follow costs a second pass on that region."""
    roi = selection.roi
    assert roi is not None
    if not selection.passed:
        note = " The whole frame's pose pass was kept (it is analysed, nothing is concluded)."
        return (
            None,
            pose,
            dataclasses.replace(selection, roi=None, message=selection.message + note),
        )
    if _share_inside(pose, roi) >= INSIDE_SHARE:
        return roi, pose, selection
    return roi, run(roi, None), selection


def _share_inside(pose: PoseSequence, roi: Roi) -> float:
    """Share of the frames with a person whose hip centre lies inside ``roi``."""
    width, height = pose.frame_size
    left, right = pose.image_xy[:, 23], pose.image_xy[:, 24]  # the hips
    hips = np.where(
        np.isfinite(left), np.where(np.isfinite(right), (left + right) / 2, left), right
    )
    seen = np.isfinite(hips).all(axis=1)
    if not seen.any():
        return 0.0
    x, y = hips[seen, 0] / max(width, 1), hips[seen, 1] / max(height, 1)
    inside = (x >= roi.x0) & (x <= roi.x1) & (y >= roi.y0) & (y <= roi.y1)
    return float(np.mean(inside))


class _Sampler:
    """People on :data:`~painpath.adapters.pose.person_detect.DEFAULT_SAMPLES` frames spread
    evenly over the clip, detected as the pose pass goes by (no extra decoding)."""

    def __init__(
        self, info: VideoInfo, transform: FrameTransform, detector: PersonDetector | None
    ) -> None:
        from painpath.adapters.pose.person_detect import DEFAULT_SAMPLES

        duration = info.duration_s if info.duration_s > 0 else info.frames / max(info.fps, 1.0)
        self.targets = [duration * (k + 0.5) / DEFAULT_SAMPLES for k in range(DEFAULT_SAMPLES)]
        self.half_frame = 0.5 / max(info.fps, 1.0)
        self.transform = transform
        self.detector = detector
        self.found: dict[int, list[PersonBox]] = {}
        self.elapsed_s = 0.0
        self._lock = threading.Lock()

    def watch(self, frames: Iterable[Frame]) -> Iterator[Frame]:
        """Pass ``frames`` through, detecting people on the sampled ones."""
        from painpath.adapters.pose.person_detect import BlazePersonDetector, to_original

        detector = self.detector
        k: int | None = None
        for t_s, rgb in frames:
            if k is None:  # this part of the clip starts here
                k = next((i for i, t in enumerate(self.targets) if t + self.half_frame >= t_s),
                         len(self.targets))  # fmt: skip
            if k < len(self.targets) and t_s + self.half_frame >= self.targets[k]:
                started = time.perf_counter()
                detector = detector or BlazePersonDetector()
                boxes = [to_original(b, self.transform) for b in detector.detect(rgb)]
                with self._lock:
                    self.found[k] = boxes
                    self.elapsed_s += time.perf_counter() - started
                k += 1
            yield t_s, rgb

    def collected(self) -> list[list[PersonBox]]:
        return [self.found[k] for k in sorted(self.found)]


MIN_PART_FRAMES = 30  # clips shorter than two of these run in one part
# the halves split at the key frame nearest the middle when it is less than this share of the
# duration from it (the longer half then has at most 16 % of the frames more than half):
# both halves decode at once from the start, neither waits for the other's frames to be
# decoded (docs/validation/motion.md, 2026-12-06 night). A phone's key frame every second
# qualifies in clips of 6.3 s and longer; Pose2Sim cam02 (a key frame 1/10 of the clip from
# the middle) keeps the shared decoder and its poses
KEY_SPLIT_SHARE = 0.08
# the two halves share one decoder when the first half's frames (RGB, as analysed) fit in
# this: 96 MB is 139 frames of 640 x 360, a 4.6 s first half at 30 frames a second
RELAY_MAX_BYTES = 96 * 1024 * 1024
RELAY_TAIL_DEPTH = 8  # frames of the second half decoded ahead of its consumer
BRIGHTNESS_EVERY = 15  # frames between two brightness samples (the darkness check)
# framing notes whose cause the domain analysis already reports under its own id: one
# message per cause, the domain's (its check also decides whether conclusions are withheld)
SAME_CAUSE = {"person_detected": "person_visible", "tracked_person_consistent": "tracked_person"}


class _PosePass:
    """One streamed decode + pose pass over the clip, in two halves when the backend can
    ``fork()`` (each half decodes from the key frame before it and tracks on its own)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        info: VideoInfo,
        limits: VideoLimits,
        max_side: int,
        estimator: PoseEstimator,
        on_progress: VideoProgress | None,
        started: float,
    ) -> None:
        self.path, self.info, self.limits, self.max_side = path, info, limits, max_side
        self.estimator, self.on_progress, self.started = estimator, on_progress, started
        self.max_fps: float | None = DEFAULT_MAX_FPS
        self.first_frame_s: float | None = None
        self._tally = DecodeTally()
        self.brightness: list[float] = []  # mean pixel level 0-1 of every 15th frame
        self._done: dict[int, int] = {}
        self._lock = threading.Lock()

    def __call__(self, roi: Roi | None, sampler: _Sampler | None) -> PoseSequence:
        info = self.info
        transform = frame_transform(info, max_side=self.max_side, roi=roi)
        fork = getattr(self.estimator, "fork", None)
        duration = info.frames / info.fps if info.fps > 0 else info.duration_s
        self._done = {}
        self._tally = DecodeTally()
        self.brightness = []
        if fork is None or info.frames < 2 * MIN_PART_FRAMES or duration <= 0:
            frames = prefetch(self._frames(roi, 0.0, None))
            return self._part(0, self.estimator, frames, transform, sampler)
        results: dict[int, PoseSequence] = {}
        errors: list[BaseException] = []
        head, tail = self._halves(roi, self._split_s(duration), transform)

        def second() -> None:
            try:
                results[1] = self._part(1, fork(), tail(), transform, sampler)
            except BaseException as err:  # re-raised in the caller's thread
                errors.append(err)

        worker = threading.Thread(target=second, name="painpath-pose-half", daemon=True)
        worker.start()
        try:
            results[0] = self._part(0, self.estimator, head(), transform, sampler)
        finally:
            worker.join()
        if errors:
            raise errors[0]
        pose = _concat(results[0], results[1])
        check_complete(self._tally.frames, info, self.limits, Path(self.path))
        return pose

    def _split_s(self, duration_s: float) -> float:
        """Where the second half starts: at the key frame nearest the middle when it is
        within :data:`KEY_SPLIT_SHARE` of the clip's duration from it, else at the middle."""
        key = self.info.middle_key_s
        if key is not None and abs(key - duration_s / 2.0) < KEY_SPLIT_SHARE * duration_s:
            return key
        return duration_s / 2.0

    def _halves(
        self, roi: Roi | None, split_s: float, transform: FrameTransform
    ) -> tuple[Callable[[], Iterable[Frame]], Callable[[], Iterable[Frame]]]:
        """The frames of the two halves. A split at a key frame (:meth:`_split_s`): each half
        decodes on its own, in its own thread, and nothing is decoded twice. Otherwise, when
        the first half fits in :data:`RELAY_MAX_BYTES`, one decoder reads the clip once for
        both (the first half is held while its consumer catches up, and the second half
        waits until the decoder reaches it); else each half decodes on its own, the second
        from the key frame before the split (the whole first half again for a clip with one
        key frame)."""
        info = self.info
        if split_s == info.middle_key_s:
            # two decoders at once, each in one thread, each opening its file while its half
            # loads the models
            def part(start_s: float, stop_s: float | None) -> Callable[[], Iterable[Frame]]:
                def frames() -> Iterable[Frame]:
                    return prefetch(self._frames(roi, start_s, stop_s, threads=False), start=True)

                return frames

            return part(0.0, split_s), part(split_s, None)
        rate = min(info.fps, self.max_fps) if self.max_fps and info.fps > 0 else info.fps
        first_half = math.ceil(split_s * max(rate, 1.0)) + 2
        width, height = transform.size
        if first_half * width * height * 3 > RELAY_MAX_BYTES:
            return (lambda: self._frames(roi, 0.0, split_s)), (
                lambda: self._frames(roi, split_s, None)
            )
        parts = iter_frame_parts(
            self.path, split_s=split_s, info=info, max_side=self.max_side, roi=roi,
            limits=self.limits, max_fps=self.max_fps, tally=self._tally,
        )  # fmt: skip
        head, tail = prefetch_parts(parts, depths=(first_half, RELAY_TAIL_DEPTH))
        return (lambda: head), (lambda: tail)

    def _frames(
        self, roi: Roi | None, start_s: float, stop_s: float | None, *, threads: bool = True
    ) -> Iterator[Frame]:
        return iter_frames(
            self.path, max_side=self.max_side, roi=roi, limits=self.limits, info=self.info,
            start_s=start_s, stop_s=stop_s, max_fps=self.max_fps, tally=self._tally,
            codec_threads=threads,
        )  # fmt: skip

    def _part(
        self,
        index: int,
        estimator: PoseEstimator,
        frames: Iterable[Frame],
        transform: FrameTransform,
        sampler: _Sampler | None,
    ) -> PoseSequence:
        def progress(done: int) -> None:
            with self._lock:
                self._done[index] = done
                total = sum(self._done.values())
                if self.first_frame_s is None:
                    self.first_frame_s = time.perf_counter() - self.started
            if self.on_progress is not None:
                self.on_progress(total, self.info.frames)

        watched = sampler.watch(frames) if sampler is not None else frames
        return estimator.estimate(
            self._first_frame_clock(watched), transform=transform, on_progress=progress
        )

    def _first_frame_clock(self, frames: Iterable[Frame]) -> Iterator[Frame]:
        """Notes when the first frame's pose is done (the estimator asks for the second) and
        samples the brightness of every :data:`BRIGHTNESS_EVERY`-th frame."""
        for i, frame in enumerate(frames):
            if i % BRIGHTNESS_EVERY == 0:
                level = float(np.mean(frame[1][::4, ::4])) / 255.0
                with self._lock:
                    self.brightness.append(level)
            if i == 1:
                with self._lock:
                    now = time.perf_counter() - self.started
                    if self.first_frame_s is None or now < self.first_frame_s:
                        self.first_frame_s = now
            yield frame


def _concat(a: PoseSequence, b: PoseSequence) -> PoseSequence:
    world = None
    if a.world_xyz is not None and b.world_xyz is not None:
        world = np.concatenate([a.world_xyz, b.world_xyz])
    return dataclasses.replace(
        a,
        t_s=np.concatenate([a.t_s, b.t_s]),
        image_xy=np.concatenate([a.image_xy, b.image_xy]),
        confidence=np.concatenate([a.confidence, b.confidence]),
        world_xyz=world,
    )


def _withhold_conclusions(analysis: MovementAnalysis) -> MovementAnalysis:
    """Keep the angle series, drop reps, metrics and findings: as the domain does when one of
    its checks fails, nothing is concluded when it is unclear whose movement was measured."""
    if not dataclasses.is_dataclass(analysis):  # a test double
        return analysis
    return dataclasses.replace(analysis, reps=(), metrics={}, findings=())


def _lighting_note(brightness: list[float]) -> FramingNote:
    from painpath.domain.movement.view import check_lighting

    check = check_lighting(brightness)
    return FramingNote(check.id, check.passed, check.message)


def _selection_note(selection: PersonSelection | None, roi: Roi | None, auto: bool) -> FramingNote:
    """The ``person_selection`` quality entry: which region was analysed, and why."""
    if selection is not None:
        return FramingNote("person_selection", selection.passed, selection.message)
    if roi is not None:
        region = f"x {roi.x0:.2f}-{roi.x1:.2f}, y {roi.y0:.2f}-{roi.y1:.2f}"
        return FramingNote("person_selection", True, f"The region given ({region}) was analysed.")
    return FramingNote(
        "person_selection",
        True,
        "Automatic person selection was off; the whole frame was analysed.",
    )


def _domain_analyzer(pose: PoseSequence, *, test: str, side: str | None) -> MovementAnalysis:
    from painpath.domain.movement.analysis import analyze_movement
    from painpath.domain.types import Side

    return analyze_movement(pose, test=test, side=None if side is None else Side(side))  # type: ignore[arg-type]
