"""Whom the estimator followed: stretches of one tracked person, and landmarks off the picture.

Single-person pose models (BlazePose in video mode) follow one person and may jump to another
one in the scene (real example: docs/validation/cross-view.md, the Sports2D clip, where the
tracker holds a man jumping on a cabinet, then a woman walking, then the man again). Analysing
such a clip as one person mixes two people's movements into one result. The analysis
therefore keeps only the longest stretch of frames in which the tracked person stays the same
and says so (``tracked_person`` quality check).

A change of person shows as a jump of the hip centre (image x and y) of more than
``MAX_JUMP_SHARE`` (20 %) of the frame width between two consecutive frames with a person
(across any detection gap; in the Sports2D clip the tracker left a man for a woman across a
3-frame gap, 20 % of the width sideways and 17 % upwards): a
person walking at 1.5 m/s in a 4 m wide picture filmed at 30 fps moves about 1 % of the width
per frame. Project default, shared with the adapter's framing note.

Landmarks the model places outside the picture (a patient walking out of view, feet cut off)
are extrapolations; they are treated as unknown.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from painpath.domain.movement.geometry import Array
from painpath.domain.movement.nanstats import nan_mean_rows
from painpath.domain.movement.pose import Landmark, PoseSequence
from painpath.domain.movement.view import person_frames

__all__ = [
    "MAX_JUMP_SHARE",
    "MIN_DOMINANT_SHARE",
    "keep_frames",
    "longest_stretch",
    "mask_outside_frame",
    "tracking_stretches",
]

MAX_JUMP_SHARE = 0.2  # share of the frame width (project default)
MIN_DOMINANT_SHARE = 0.5  # the longest stretch must hold this share of the person frames


def _hip_centre(seq: PoseSequence) -> Array:
    """(F, 2) image position of the hip centre (one hip when only one is known)."""
    hips = seq.image_xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]]
    return nan_mean_rows(hips, axis=1)


def tracking_stretches(
    seq: PoseSequence, *, max_jump_share: float = MAX_JUMP_SHARE
) -> tuple[tuple[int, int], ...]:
    """(start, stop) frame ranges (stop exclusive) in which one person was tracked.

    Each stretch starts and ends on a frame with a person (short or long gaps inside are
    allowed); a new stretch starts where the hip centre moves more than ``max_jump_share`` of
    the frame width (straight-line distance in the image) from the previous frame with a
    person. Empty when nobody was found.
    """
    centre = _hip_centre(seq)
    seen = np.asarray(person_frames(seq), dtype=bool)
    idx = np.flatnonzero(seen & np.isfinite(centre).all(axis=1))
    if idx.size == 0:
        return ()
    step = np.linalg.norm(np.diff(centre[idx], axis=0), axis=-1)
    jumps = step > max_jump_share * max(seq.frame_size[0], 1)
    cuts = np.flatnonzero(jumps) + 1
    starts = np.concatenate([[0], cuts])
    stops = np.concatenate([cuts, [idx.size]])
    return tuple((int(idx[a]), int(idx[b - 1]) + 1) for a, b in zip(starts, stops, strict=True))


def longest_stretch(stretches: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    """The stretch with the most frames (the earliest on a tie); None when there is none."""
    return max(stretches, key=lambda s: s[1] - s[0], default=None)


def keep_frames(seq: PoseSequence, start: int, stop: int) -> PoseSequence:
    """``seq`` with every frame outside [start, stop) made unknown (NaN, confidence 0).

    The frame count and timestamps are kept, so per-frame series still line up with the video.
    """
    outside = np.ones(seq.n_frames, dtype=bool)
    outside[start:stop] = False
    image, conf = seq.image_xy.copy(), seq.confidence.copy()
    image[outside], conf[outside] = np.nan, 0.0
    world = None
    if seq.world_xyz is not None:
        world = seq.world_xyz.copy()
        world[outside] = np.nan
    return replace(seq, image_xy=image, confidence=conf, world_xyz=world)


def mask_outside_frame(seq: PoseSequence) -> tuple[PoseSequence, int]:
    """Make landmarks outside the picture (pixel x/y beyond ``frame_size``) unknown.

    Returns the masked sequence and how many landmark values were masked. A sequence without
    a frame size (0 x 0) is returned unchanged.
    """
    width, height = seq.frame_size
    if width <= 0 or height <= 0:
        return seq, 0
    x, y = seq.image_xy[..., 0], seq.image_xy[..., 1]
    with np.errstate(invalid="ignore"):
        outside = (x < 0) | (x > width) | (y < 0) | (y > height)
    count = int(outside.sum())
    if count == 0:
        return seq, 0
    image, conf = seq.image_xy.copy(), seq.confidence.copy()
    image[outside], conf[outside] = np.nan, 0.0
    world = None
    if seq.world_xyz is not None:
        world = seq.world_xyz.copy()
        world[outside] = np.nan
    return replace(seq, image_xy=image, confidence=conf, world_xyz=world), count
