"""The pose-estimation port: what any backend (mediapipe, ai-edge-litert, a fake) must offer.

Defined here until the lead moves it into ``painpath.domain.ports``; its only domain type is
:class:`~painpath.domain.movement.pose.PoseSequence`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from painpath.adapters.pose.video import FrameTransform
    from painpath.domain.movement.pose import PoseSequence

__all__ = ["Frame", "PoseEstimator", "ProgressCallback"]

Frame = tuple[float, NDArray[np.uint8]]  # (t_s, upright RGB (H, W, 3) uint8)
ProgressCallback = Callable[[int], None]  # called with the number of frames done so far


@runtime_checkable
class PoseEstimator(Protocol):
    """Turns a stream of frames into one person's :class:`PoseSequence`.

    ``transform`` maps inference-frame pixels back to the original upright frame (undoing the
    downscale and ROI crop); without it, coordinates are pixels of the frames given. Frames
    where no person is found carry NaN coordinates and 0 confidence. ``source`` names the
    backend and model, e.g. ``"mediapipe-0.10.14-full"``.
    """

    source: str

    def estimate(
        self,
        frames: Iterable[Frame],
        *,
        transform: FrameTransform | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> PoseSequence: ...
