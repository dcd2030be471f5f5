"""BlazePose (full) through mediapipe 0.10.14's legacy ``solutions.pose``: one person per video.

Only ``model_complexity=1`` ships inside the wheel (0 and 2 download their model at first use
and fail offline), so it is the only one used. Video mode (``static_image_mode=False``) tracks
the person found in the first frames from frame to frame, which is fast but means the
estimator follows *one* person: in a scene with several people the pipeline crops to one
person chosen automatically (:mod:`painpath.adapters.pose.person_select`) or to the region of
interest given (``--roi``); :mod:`painpath.adapters.pose.framing` flags a tracked person who
looks like a bystander or who changes during the video.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from painpath.domain.movement.pose import N_LANDMARKS, PoseSequence

if TYPE_CHECKING:
    from painpath.adapters.pose.ports import Frame, ProgressCallback
    from painpath.adapters.pose.video import FrameTransform

__all__ = ["MEDIAPIPE_SOURCE", "MediapipePoseEstimator", "landmarks_to_arrays"]

MEDIAPIPE_SOURCE = "mediapipe-0.10.14-blazepose-full"
_PROGRESS_EVERY = 10  # frames between progress callbacks


class MediapipePoseEstimator:
    """:class:`~painpath.adapters.pose.ports.PoseEstimator` backed by mediapipe BlazePose full.

    ``min_detection_confidence`` / ``min_tracking_confidence`` are mediapipe's 0-1 thresholds
    (defaults 0.5 as in mediapipe's own examples). ``visibility`` becomes ``confidence``.
    """

    source = MEDIAPIPE_SOURCE

    def __init__(
        self, *, min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5
    ) -> None:
        self._min_detection = min_detection_confidence
        self._min_tracking = min_tracking_confidence

    def _open(self) -> Any:
        from mediapipe.python.solutions import pose as mp_pose

        return mp_pose.Pose(
            static_image_mode=False,
            model_complexity=1,  # the only model bundled in the wheel; 0 and 2 download
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=self._min_detection,
            min_tracking_confidence=self._min_tracking,
        )

    def estimate(
        self,
        frames: Iterable[Frame],
        *,
        transform: FrameTransform | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> PoseSequence:
        """Run pose on each frame as it arrives (streamed; only landmarks are kept)."""
        times: list[float] = []
        image: list[NDArray[np.float64]] = []
        world: list[NDArray[np.float64]] = []
        conf: list[NDArray[np.float64]] = []
        frame_size = (0, 0)
        import mediapipe  # noqa: F401  # imported before fd 2 is silenced: see _quiet_native_logs

        with _quiet_native_logs():
            pose = self._open()
            pose.process(np.zeros((64, 64, 3), dtype=np.uint8))  # start the graph (it logs)
        with pose, warnings.catch_warnings():
            # mediapipe 0.10.14 calls a protobuf API that protobuf 4 marks deprecated
            warnings.filterwarnings("ignore", message=r"SymbolDatabase\.GetPrototype")
            for t_s, rgb in frames:
                rgb.flags.writeable = False  # lets mediapipe skip a copy
                result = pose.process(rgb)
                xy, xyz, vis = landmarks_to_arrays(result, width=rgb.shape[1], height=rgb.shape[0])
                times.append(t_s)
                image.append(transform.to_original(xy) if transform is not None else xy)
                world.append(xyz)
                conf.append(vis)
                frame_size = (int(rgb.shape[1]), int(rgb.shape[0]))
                if on_progress is not None and len(times) % _PROGRESS_EVERY == 0:
                    on_progress(len(times))
        if on_progress is not None and len(times) % _PROGRESS_EVERY:
            on_progress(len(times))
        return PoseSequence(
            t_s=np.asarray(times, dtype=np.float64),
            image_xy=_stack(image, (N_LANDMARKS, 2)),
            confidence=_stack(conf, (N_LANDMARKS,)),
            frame_size=transform.original_size if transform is not None else frame_size,
            world_xyz=_stack(world, (N_LANDMARKS, 3)),
            source=self.source,
        )


@contextmanager
def _quiet_native_logs() -> Iterator[None]:
    """Silence fd 2 while TFLite/absl print start-up lines that no setting turns off.

    Only around model start-up, so the CLI's progress bar and Python errors stay visible.
    mediapipe must be imported before (imported while silenced, its TFLite logger still
    prints on the first frame).
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _stack(rows: list[NDArray[np.float64]], shape: tuple[int, ...]) -> NDArray[np.float64]:
    if not rows:
        return np.zeros((0, *shape), dtype=np.float64)
    return np.stack(rows).astype(np.float64, copy=False)


def landmarks_to_arrays(
    result: Any, *, width: int, height: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """mediapipe result -> (33, 2) pixels, (33, 3) metres, (33,) visibility 0-1.

    mediapipe gives image landmarks normalised to the frame it saw (0-1, may fall slightly
    outside when a joint leaves the picture); no person -> NaN coordinates and 0 visibility.
    """
    xy = np.full((N_LANDMARKS, 2), np.nan)
    xyz = np.full((N_LANDMARKS, 3), np.nan)
    vis = np.zeros(N_LANDMARKS)
    if result.pose_landmarks is None:
        return xy, xyz, vis
    for i, lm in enumerate(result.pose_landmarks.landmark[:N_LANDMARKS]):
        xy[i] = (lm.x * width, lm.y * height)
        vis[i] = min(1.0, max(0.0, float(lm.visibility)))
    if result.pose_world_landmarks is not None:
        for i, lm in enumerate(result.pose_world_landmarks.landmark[:N_LANDMARKS]):
            xyz[i] = (lm.x, lm.y, lm.z)
    return xy, xyz, vis
