"""Camera-view detection and video quality checks (label swaps: re-exported from ``swaps``).

View: in a front view the shoulders and hips are wide compared with the torso (shoulder width
about 0.75 and hip width about 0.5 torso lengths); in a profile view both collapse towards 0.
The mean of the two ratios separates the views; the cut-offs are project defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from painpath.domain.movement.geometry import Array
from painpath.domain.movement.pose import Landmark, PoseSequence
from painpath.domain.movement.swaps import correct_label_swaps

__all__ = [
    "CameraView",
    "QualityCheck",
    "check_duration",
    "check_landmark_confidence",
    "check_person_visible",
    "check_view",
    "compute_view_ratio",
    "correct_label_swaps",
    "detect_view",
    "person_frames",
]

LM = Landmark
FRONT_MIN_RATIO = 0.40  # project default; synthetic/real front views give about 0.6
SIDE_MAX_RATIO = 0.25  # project default; profile views give about 0-0.15
PERSON_MIN_FRACTION = 0.60
CONFIDENCE_MIN = 0.5


class CameraView(StrEnum):
    FRONT = "front"
    SIDE = "side"
    OBLIQUE = "oblique"  # between front and side: neither plane can be measured reliably
    UNKNOWN = "unknown"  # not enough landmarks to tell


@dataclass(frozen=True, slots=True)
class QualityCheck:
    """One video quality check; ``message`` is plain language (what to do when it failed)."""

    id: str
    passed: bool
    message: str


def _mid(xy: Array, a: Landmark, b: Landmark) -> Array:
    return np.asarray((xy[:, a] + xy[:, b]) / 2.0, dtype=np.float64)


def compute_view_ratio(seq: PoseSequence) -> float | None:
    """Median over frames of (shoulder width + hip width) / 2 / torso length (image).

    None when no frame has the four landmarks.
    """
    xy = seq.image_xy
    torso = np.linalg.norm(
        _mid(xy, LM.LEFT_SHOULDER, LM.RIGHT_SHOULDER) - _mid(xy, LM.LEFT_HIP, LM.RIGHT_HIP), axis=-1
    )
    shoulders = np.linalg.norm(xy[:, LM.LEFT_SHOULDER] - xy[:, LM.RIGHT_SHOULDER], axis=-1)
    hips = np.linalg.norm(xy[:, LM.LEFT_HIP] - xy[:, LM.RIGHT_HIP], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (shoulders + hips) / 2.0 / torso
    ratio = ratio[np.isfinite(ratio)]
    return float(np.median(ratio)) if ratio.size else None


def detect_view(seq: PoseSequence) -> CameraView:
    """Classify the camera view as front, side, oblique or unknown."""
    ratio = compute_view_ratio(seq)
    if ratio is None:
        return CameraView.UNKNOWN
    if ratio >= FRONT_MIN_RATIO:
        return CameraView.FRONT
    return CameraView.SIDE if ratio <= SIDE_MAX_RATIO else CameraView.OBLIQUE


def person_frames(seq: PoseSequence, *, threshold: float = CONFIDENCE_MIN) -> Array:
    """Boolean (F,) mask: at least one shoulder and one hip are known with enough confidence."""
    ok = (seq.confidence >= threshold) & np.isfinite(seq.image_xy[..., 0])
    shoulder = ok[:, LM.LEFT_SHOULDER] | ok[:, LM.RIGHT_SHOULDER]
    hip = ok[:, LM.LEFT_HIP] | ok[:, LM.RIGHT_HIP]
    return np.asarray(shoulder & hip)


def check_person_visible(seq: PoseSequence) -> QualityCheck:
    """Pass when a person is visible in at least 60 % of frames (project default)."""
    fraction = float(np.mean(person_frames(seq))) if seq.n_frames else 0.0
    if fraction >= PERSON_MIN_FRACTION:
        return QualityCheck("person_visible", True, f"Person visible in {fraction:.0%} of frames.")
    return QualityCheck(
        "person_visible",
        False,
        f"A person was found in only {fraction:.0%} of the frames. Film the whole body, "
        "well lit, with only one person in the picture.",
    )


def check_duration(seq: PoseSequence, *, min_duration_s: float, min_frames: int) -> QualityCheck:
    """Pass when the video has at least ``min_frames`` frames and lasts ``min_duration_s``."""
    duration = float(seq.t_s[-1] - seq.t_s[0]) if seq.n_frames else 0.0
    if seq.n_frames >= min_frames and duration >= min_duration_s:
        return QualityCheck("duration", True, f"Video lasts {duration:.1f} s.")
    return QualityCheck(
        "duration",
        False,
        f"The video is too short ({duration:.1f} s, {seq.n_frames} frames). Record at least "
        f"{min_duration_s:.0f} seconds of the movement.",
    )


def check_view(view: CameraView, *, allowed: Sequence[CameraView]) -> QualityCheck:
    """Pass when the detected view is one the test can measure."""
    if view in allowed:
        return QualityCheck("view", True, f"Camera view: {view.value}.")
    wanted = " or ".join(
        "from the front" if v is CameraView.FRONT else "from the side" for v in allowed
    )
    return QualityCheck(
        "view",
        False,
        f"This test must be filmed {wanted}; this video looks filmed {_describe(view)}. "
        "Place the camera at hip height and film the whole body.",
    )


def _describe(view: CameraView) -> str:
    return {
        CameraView.FRONT: "from the front",
        CameraView.SIDE: "from the side",
        CameraView.OBLIQUE: "at an angle",
        CameraView.UNKNOWN: "without a clearly visible body",
    }[view]


def check_landmark_confidence(
    seq: PoseSequence, *, landmarks: Sequence[Landmark], one_side_enough: bool
) -> QualityCheck:
    """Pass when the mean confidence of the needed landmarks is >= 0.5.

    With ``one_side_enough`` (side views hide the far limbs) the better side counts.
    """
    conf = seq.confidence
    left = [lm for lm in landmarks if lm.name.startswith("LEFT_")]
    right = [lm for lm in landmarks if lm.name.startswith("RIGHT_")]
    if one_side_enough and left and right:
        mean = max(float(np.mean(conf[:, left])), float(np.mean(conf[:, right])))
    else:
        mean = float(np.mean(conf[:, list(landmarks)])) if seq.n_frames and landmarks else 0.0
    if mean >= CONFIDENCE_MIN:
        return QualityCheck("landmark_confidence", True, f"Mean landmark confidence {mean:.2f}.")
    return QualityCheck(
        "landmark_confidence",
        False,
        f"The body parts this test needs were hard to see (confidence {mean:.2f}). Use better "
        "light, tight-fitting clothes and keep the whole body in the picture.",
    )
