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
    "check_lighting",
    "check_person_visible",
    "check_view",
    "clock",
    "compute_view_ratio",
    "correct_label_swaps",
    "detect_view",
    "left_picture_at",
    "person_frames",
]

LM = Landmark
FRONT_MIN_RATIO = 0.40  # project default; synthetic/real front views give about 0.6
SIDE_MAX_RATIO = 0.25  # project default; profile views give about 0-0.15
PERSON_MIN_FRACTION = 0.60
CONFIDENCE_MIN = 0.5
DARK_MAX_BRIGHTNESS = 0.12  # project default: mean pixel level (0-1) of a clip filmed in the dark
AWAY_MIN_S = 0.5  # project default: shorter gaps are a missed frame, not leaving the picture


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


def clock(seconds: float) -> str:
    """``m:ss`` as a video player shows it (``0:03``)."""
    whole = max(0, int(seconds + 0.5))
    return f"{whole // 60}:{whole % 60:02d}"


def left_picture_at(seq: PoseSequence, *, min_away_s: float = AWAY_MIN_S) -> list[float]:
    """Seconds from the start at which a person seen before stopped being seen for at least
    ``min_away_s`` (each time they left the picture)."""
    seen = person_frames(seq)
    if not seen.any():
        return []
    t = seq.t_s - seq.t_s[0]
    out: list[float] = []
    i = int(np.argmax(seen))
    n = seen.size
    while i < n:
        if seen[i]:
            i += 1
            continue
        start = i
        while i < n and not seen[i]:
            i += 1
        stop_t = t[i] if i < n else t[-1] + (t[-1] - t[-2] if n > 1 else 0.0)
        if stop_t - t[start] >= min_away_s:
            out.append(float(t[start]))
    return out


def check_person_visible(seq: PoseSequence) -> QualityCheck:
    """Pass when a person is visible in at least 60 % of frames (project default); the
    message says when the person left the picture (``0:03``)."""
    fraction = float(np.mean(person_frames(seq))) if seq.n_frames else 0.0
    if fraction == 0.0:
        return QualityCheck(
            "person_visible",
            False,
            "Person in the picture: no person was found in the video, so nothing is measured. "
            "Film the whole body from head to feet, in good light, with only the patient in "
            "the picture.",
        )
    left = left_picture_at(seq)
    when = ", ".join(clock(t) for t in left[:3])
    if fraction >= PERSON_MIN_FRACTION:
        message = f"Person visible in {fraction:.0%} of frames."
        if left:
            message += f" The person left the picture at {when}."
        return QualityCheck("person_visible", True, message)
    away = f"The person left the picture at {when}" if left else "The person was often missed"
    return QualityCheck(
        "person_visible",
        False,
        f"Person in the picture: {away} and was seen in only {fraction:.0%} of the video, so "
        "nothing is concluded. Keep the whole body in the picture from start to end: stand "
        "the phone further away.",
    )


def check_lighting(brightness: Sequence[float]) -> QualityCheck:
    """``lighting``: fails when the median brightness (mean pixel level 0-1 of sampled
    frames) is below :data:`DARK_MAX_BRIGHTNESS`; passes when nothing was sampled."""
    values = np.asarray([b for b in brightness if np.isfinite(b)], dtype=np.float64)
    if values.size == 0:
        return QualityCheck("lighting", True, "Lighting was not measured.")
    level = float(np.median(values))
    if level >= DARK_MAX_BRIGHTNESS:
        return QualityCheck("lighting", True, f"Lighting: brightness {level:.0%}.")
    return QualityCheck(
        "lighting",
        False,
        f"Lighting: the video is too dark (brightness {level:.0%}), so nothing is concluded. "
        "Turn on the lights or film near a window, with the light behind the phone.",
    )


def check_duration(seq: PoseSequence, *, min_duration_s: float, min_frames: int) -> QualityCheck:
    """Pass when the video has at least ``min_frames`` frames and lasts ``min_duration_s``."""
    duration = float(seq.t_s[-1] - seq.t_s[0]) if seq.n_frames else 0.0
    if seq.n_frames >= min_frames and duration >= min_duration_s:
        return QualityCheck("duration", True, f"Video lasts {duration:.1f} s.")
    return QualityCheck(
        "duration",
        False,
        f"Length: the video is too short ({duration:.1f} s, {seq.n_frames} frames). Record "
        "at least "
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
        f"Camera angle: this test must be filmed {wanted}; this video looks filmed "
        f"{_describe(view)}. Place the phone at hip height, {_where(allowed)}.",
    )


def _where(allowed: Sequence[CameraView]) -> str:
    front, side = CameraView.FRONT in allowed, CameraView.SIDE in allowed
    if front and side:
        return "in front of or beside the patient"
    return "in front of the patient" if front else "beside the patient"


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
        f"Body parts visible: the joints this test needs were hard to see (sureness "
        f"{mean:.2f} of 1). Wear close-fitting clothes and keep arms and legs uncovered by "
        "furniture.",
    )
