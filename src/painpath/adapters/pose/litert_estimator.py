"""The default pose backend: BlazePose full run directly with LiteRT, the region tracked.

Same two models as mediapipe's ``solutions.pose`` (``model_complexity=1``), without its graph:
the person detector runs on the first frame and again only when tracking is lost (the landmark
model's presence flag below 0.5, as mediapipe's ``min_tracking_confidence``); in between, the
region for the next frame comes from the landmarks themselves (auxiliary landmarks 33 and 34).
While nobody is tracked, the detector runs on every :data:`DETECT_EVERY`-th frame only
(mediapipe runs it on every frame): a frame that ends with nobody (the detector found nobody,
or the landmark model rejected its region) is followed by ``DETECT_EVERY - 1`` frames with no
model call, so someone entering the picture is picked up at most that many frames late. On the
Sports2D demo the detector's marginal, mis-aligned detections of a backlit man (score 0.50-0.67,
hip key point about 80 px beside him, region turned about 85 deg) made the tracker lose and
re-detect almost every frame for 2.5 s (docs/validation/motion.md, 2026-12-06 evening).
On 2 cores this is about twice as fast as mediapipe's loop, and it starts without importing
mediapipe. mediapipe stays the reference backend
(:class:`~painpath.adapters.pose.mediapipe_estimator.MediapipePoseEstimator`); both agree within
a few pixels (``tests/realvideo/test_backends.py``).

Differences from mediapipe, on purpose: no landmark smoothing (the domain filters every series
with a zero-phase Butterworth, which has no lag; mediapipe's one-euro filter lags) and, by
default, no heat-map refinement (``refine=True`` does it: closer knee/hip flexion on the
four-view clips, but 11 instead of 9 steps on the Sports2D walk; docs/validation/cross-view.md).
The same input gives the same output (single-threaded interpreters).
``flip_average=True`` (backend ``litert-flip``) also runs each region mirrored and averages
the positions: closer knee/hip flexion on the four-camera clips, twice the landmark cost.
``heavy=True`` (backend ``litert-heavy``) also runs BlazePose heavy's landmark model on each
region and takes the body landmarks' image positions from it; depth, world landmarks,
visibility and tracking stay full's (heavy's own world landmarks were worse). Heavy is installed
at setup from the npm registry (:mod:`painpath.adapters.pose.model_files`); about 4 times
the landmark cost; closer knee/hip flexion on both four-camera clips
(docs/validation/cross-view.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from painpath.adapters.pose.blazepose import (
    LandmarkModel,
    LandmarkResult,
    PoseDetector,
    Rect,
    thread_detector,
)
from painpath.domain.movement.pose import N_LANDMARKS, PoseSequence

if TYPE_CHECKING:
    from painpath.adapters.pose.ports import Frame, ProgressCallback
    from painpath.adapters.pose.video import FrameTransform

__all__ = [
    "DETECT_EVERY",
    "LITERT_FLIP_SOURCE",
    "LITERT_HEAVY_SOURCE",
    "LITERT_SOURCE",
    "LiteRtPoseEstimator",
    "PoseTracker",
]

LITERT_SOURCE = "litert-blazepose-full"
LITERT_FLIP_SOURCE = "litert-blazepose-full-flip-average"
LITERT_HEAVY_SOURCE = "litert-blazepose-full-heavy-image"
MIN_PRESENCE = 0.5  # mediapipe's min_tracking_confidence default
DETECT_EVERY = 3  # frames per detector run while nobody is tracked (0.1 s at 30 frames a second)
_PROGRESS_EVERY = 10


class PoseTracker:
    """One person's landmarks frame by frame: detect once, then follow the region.

    ``detect_every``: while nobody is tracked, the detector runs on one frame in this many
    (1: every frame, as mediapipe). ``detector`` and ``landmarks`` replace the two models
    (tests); by default this thread's BlazePose detector and a new landmark model.
    """

    def __init__(
        self,
        *,
        flip_average: bool = False,
        refine: bool = False,
        image_model: Path | None = None,
        detect_every: int = DETECT_EVERY,
        detector: PoseDetector | None = None,
        landmarks: LandmarkModel | None = None,
    ) -> None:
        if detect_every < 1:
            raise ValueError("detect_every must be at least 1")
        self._detector = detector
        self._landmarks = landmarks or LandmarkModel(
            flip_average=flip_average, refine=refine, image_model=image_model
        )
        self._rect: Rect | None = None
        self._every = detect_every
        self._idle = 0  # frames still to skip before the next detector run
        self.detections = 0  # detector calls (for tests and benchmarks)
        self.landmark_calls = 0

    def _detect(self, rgb: NDArray[np.uint8]) -> Rect | None:
        if self._detector is None:
            self._detector = thread_detector()
        self.detections += 1
        found = self._detector.detect(rgb)
        return found[0].rect if found else None

    def _run(self, rgb: NDArray[np.uint8], rect: Rect) -> LandmarkResult:
        self.landmark_calls += 1
        return self._landmarks.run(rgb, rect)

    def step(self, rgb: NDArray[np.uint8]) -> LandmarkResult | None:
        """Landmarks in this frame's pixels, or None when nobody is there."""
        if self._rect is None and self._idle > 0:  # nobody lately: wait for the next detector run
            self._idle -= 1
            return None
        fresh = self._rect is None
        rect = self._rect or self._detect(rgb)
        result = self._run(rgb, rect) if rect is not None else None
        if result is not None and result.flag < MIN_PRESENCE and not fresh:
            rect = self._detect(rgb)  # lost: look for the person again in this frame
            result = self._run(rgb, rect) if rect is not None else result
        if result is None or result.flag < MIN_PRESENCE:
            self._rect = None
            self._idle = self._every - 1
            return None
        self._rect = result.next_rect
        return result


class LiteRtPoseEstimator:
    """:class:`~painpath.adapters.pose.ports.PoseEstimator` on BlazePose full through LiteRT.

    ``fork()`` gives an independent estimator (its own interpreters) so that the pipeline can
    run two parts of a clip in two threads (LiteRT releases the GIL while a model runs).
    ``flip_average`` and ``refine`` (heat-map refinement, as mediapipe does; off by default): see
    :class:`~painpath.adapters.pose.blazepose.LandmarkModel`. ``heavy``: image positions from
    BlazePose heavy (must be installed; :class:`~painpath.domain.errors.InvalidInput` here if
    not).
    """

    def __init__(
        self, *, flip_average: bool = False, refine: bool = False, heavy: bool = False
    ) -> None:
        from painpath.adapters.pose.model_files import heavy_landmark_file

        self.flip_average = flip_average
        self.refine = refine
        self.heavy = heavy
        self._model = heavy_landmark_file() if heavy else None  # fails now, not in a thread
        self.source = LITERT_FLIP_SOURCE if flip_average else LITERT_SOURCE
        if heavy:
            self.source = LITERT_HEAVY_SOURCE + ("-flip-average" if flip_average else "")

    def fork(self) -> LiteRtPoseEstimator:
        return LiteRtPoseEstimator(
            flip_average=self.flip_average, refine=self.refine, heavy=self.heavy
        )

    def estimate(
        self,
        frames: Iterable[Frame],
        *,
        transform: FrameTransform | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> PoseSequence:
        tracker = PoseTracker(
            flip_average=self.flip_average, refine=self.refine, image_model=self._model
        )
        times: list[float] = []
        image, world, conf = [], [], []
        size = (0, 0)
        for t_s, rgb in frames:
            xy, xyz, vis = _arrays(tracker.step(rgb))
            times.append(t_s)
            image.append(transform.to_original(xy) if transform is not None else xy)
            world.append(xyz)
            conf.append(vis)
            size = (int(rgb.shape[1]), int(rgb.shape[0]))
            if on_progress is not None and len(times) % _PROGRESS_EVERY == 0:
                on_progress(len(times))
        if on_progress is not None and len(times) % _PROGRESS_EVERY:
            on_progress(len(times))
        n = len(times)
        return PoseSequence(
            t_s=np.asarray(times, dtype=np.float64),
            image_xy=np.asarray(image, dtype=np.float64).reshape(n, N_LANDMARKS, 2),
            confidence=np.asarray(conf, dtype=np.float64).reshape(n, N_LANDMARKS),
            frame_size=transform.original_size if transform is not None else size,
            world_xyz=np.asarray(world, dtype=np.float64).reshape(n, N_LANDMARKS, 3),
            source=self.source,
        )


def _arrays(
    result: LandmarkResult | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(33, 2) pixels, (33, 3) metres, (33,) visibility; NaN / 0 when nobody was found."""
    if result is None:
        return np.full((N_LANDMARKS, 2), np.nan), np.full((N_LANDMARKS, 3), np.nan), np.zeros(33)
    return result.xy[:N_LANDMARKS], result.world[:N_LANDMARKS], result.visibility[:N_LANDMARKS]
