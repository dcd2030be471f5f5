"""The one validated pose dataset type that every movement function consumes.

Landmark order follows BlazePose's 33-point topology (the model PainPath ships through
mediapipe), so estimator output needs no re-indexing; other estimators map onto it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from painpath.domain.errors import InvalidInput

__all__ = ["Landmark", "PoseSequence"]


class Landmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


N_LANDMARKS = len(Landmark)


@dataclass(frozen=True, slots=True, eq=False)
class PoseSequence:
    """Per-frame body landmarks of one person.

    - ``t_s``: (F,) frame timestamps in seconds, strictly increasing (variable frame rate allowed).
    - ``image_xy``: (F, 33, 2) image coordinates in *pixels* (x right, y down); NaN where unknown.
    - ``world_xyz``: (F, 33, 3) metric 3D coordinates in metres (hip-centred, y down as in
      BlazePose world landmarks), or None when the estimator gives none; NaN where unknown.
    - ``confidence``: (F, 33) visibility/confidence 0-1; 0 where unknown.
    - ``frame_size``: (width, height) of the analysed frames in pixels.
    - ``source``: which estimator produced it (e.g. "mediapipe-0.10.14-full", "synthetic").
    """

    t_s: NDArray[np.float64]
    image_xy: NDArray[np.float64]
    confidence: NDArray[np.float64]
    frame_size: tuple[int, int]
    world_xyz: NDArray[np.float64] | None = None
    source: str = "unknown"

    def __post_init__(self) -> None:
        frames = self.t_s.shape[0]
        if self.t_s.ndim != 1:
            raise InvalidInput("pose timestamps must be one-dimensional")
        if self.image_xy.shape != (frames, N_LANDMARKS, 2):
            raise InvalidInput(f"image landmarks must have shape ({frames}, 33, 2)")
        if self.confidence.shape != (frames, N_LANDMARKS):
            raise InvalidInput(f"confidence must have shape ({frames}, 33)")
        if self.world_xyz is not None and self.world_xyz.shape != (frames, N_LANDMARKS, 3):
            raise InvalidInput(f"world landmarks must have shape ({frames}, 33, 3)")
        if frames > 1 and not bool(np.all(np.diff(self.t_s) > 0)):
            raise InvalidInput("pose timestamps must be strictly increasing")

    @property
    def n_frames(self) -> int:
        return int(self.t_s.shape[0])
