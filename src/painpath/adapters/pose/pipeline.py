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
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from painpath.adapters.pose.framing import FramingNote, framing_notes
from painpath.adapters.pose.mediapipe_estimator import MediapipePoseEstimator
from painpath.adapters.pose.prefetch import prefetch
from painpath.adapters.pose.video import (
    DEFAULT_MAX_SIDE,
    FrameTransform,
    Roi,
    VideoInfo,
    VideoLimits,
    frame_transform,
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


def pose_only(
    frames: Iterable[Frame],
    *,
    estimator: PoseEstimator | None = None,
    transform: FrameTransform | None = None,
) -> PoseSequence:
    """Pose estimation alone on ``frames`` already decoded (for timing the model)."""
    estimator = estimator or MediapipePoseEstimator()
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
) -> VideoAnalysis:
    """Probe, decode + estimate pose in one streamed pass, then run the movement analysis.

    ``test`` is one of :data:`TESTS`; ``side`` ``"left"``/``"right"`` for one-leg tests (the
    analyzer picks when None); ``roi`` crops to the patient when several people are in view
    and always wins; without it and with ``auto_select``, people are detected on a few
    sampled frames and the video is cropped to the largest, most central one
    (:mod:`~painpath.adapters.pose.person_select`; ``person_detector`` replaces BlazePose's
    detector, e.g. in tests). Raises a :class:`~painpath.domain.errors.VideoError` subclass
    for unusable input.
    """
    if test not in TESTS:
        raise InvalidInput(f"unknown movement test {test!r}; choose one of {', '.join(TESTS)}")
    if side not in (None, "left", "right"):
        raise InvalidInput(f"side must be left or right (got {side!r})")
    started = time.perf_counter()
    limits = limits or VideoLimits()
    info = probe_video(path, limits=limits)
    selection = None
    if roi is None and auto_select:
        from painpath.adapters.pose.person_detect import select_person

        selection = select_person(path, info, detector=person_detector, max_side=max_side)
        roi = selection.roi
    transform = frame_transform(info, max_side=max_side, roi=roi)
    estimator = estimator or MediapipePoseEstimator()
    frames = prefetch(iter_frames(path, max_side=max_side, roi=roi, limits=limits, info=info))

    def progress(done: int) -> None:
        if on_progress is not None:
            on_progress(done, info.frames)

    pose = estimator.estimate(frames, transform=transform, on_progress=progress)
    analysis = (analyzer or _domain_analyzer)(pose, test=test, side=side)
    if selection is not None and not selection.passed:
        analysis = _withhold_conclusions(analysis)
    return VideoAnalysis(
        video=info,
        test=test,
        side=side,
        roi=roi,
        transform=transform,
        pose=pose,
        analysis=analysis,
        framing=[_selection_note(selection, roi, auto_select), *framing_notes(pose)],
        elapsed_s=time.perf_counter() - started,
        limits=limits,
        selection=selection,
        selection_s=0.0 if selection is None else selection.elapsed_s,
    )


def _withhold_conclusions(analysis: MovementAnalysis) -> MovementAnalysis:
    """Keep the angle series, drop reps, metrics and findings: as the domain does when one of
    its checks fails, nothing is concluded when it is unclear whose movement was measured."""
    if not dataclasses.is_dataclass(analysis):  # a test double
        return analysis
    return dataclasses.replace(analysis, reps=(), metrics={}, findings=())


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
