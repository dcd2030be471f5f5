"""Pose estimation on the real clips through PainPath's own adapters (decode + mediapipe).

The frames are decoded, upright-rotated and downscaled exactly as ``analyze_video`` does
(``iter_frames`` with the pipeline's default ``max_side``), and landmarks are mapped back to the
original frame's pixels, so they can be triangulated with the calibration of the full frames.
"""

from __future__ import annotations

import os
from pathlib import Path

from painpath.adapters.pose.pipeline import default_estimator
from painpath.adapters.pose.video import Roi, frame_transform, iter_frames, probe_video
from painpath.domain.movement.pose import PoseSequence

__all__ = ["estimate_pose"]


def estimate_pose(
    path: str | os.PathLike[str], *, roi: Roi | None = None, backend: str = "litert"
) -> PoseSequence:
    """One person's landmarks for the whole clip, in pixels of the original upright frame,
    from the shipped backend (``litert``) or the reference (``mediapipe``)."""
    info = probe_video(Path(path))
    transform = frame_transform(info, roi=roi)
    frames = iter_frames(path, roi=roi, info=info)
    return default_estimator(backend).estimate(frames, transform=transform)
