"""Quality notes on *whom* the estimator tracked, beyond the analyzer's own checks.

mediapipe (and any single-person backend) follows one person and cannot be told whom. Before
the pose pass PainPath crops to one person chosen automatically
(:mod:`painpath.adapters.pose.person_select`) unless ``--roi`` is given; these notes then say
when the result still looks wrong and ask for a region of interest (``--roi``), which reliably
fixes wrong-person locks. Thresholds are project defaults
(not published values), chosen so a patient filmed as the recording checklist asks passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.tracking import tracking_stretches

__all__ = ["FramingNote", "framing_notes"]

_MIN_HEIGHT_SHARE = 0.25  # a patient filmed for a movement test fills most of the frame height
_MAX_CENTRE_OFFSET = 0.3  # share of frame width between the person's centre and the middle
_ROI_HINT = " If several people are in view, crop to the patient with --roi x0,y0,x1,y1."


@dataclass(frozen=True, slots=True)
class FramingNote:
    """A quality note; the same shape (id, passed, message) as the domain's ``QualityCheck``."""

    id: str
    passed: bool
    message: str


def framing_notes(seq: PoseSequence, *, min_confidence: float = 0.5) -> list[FramingNote]:
    """``person_detected`` (failed only when nobody is found), else two notes:

    - ``tracked_person_is_subject`` fails when the person is small (under 25 % of the frame
      height) *and* off-centre (over 30 % of the width from the middle): likely a bystander;
    - ``tracked_person_consistent`` fails when the hip centre jumps more than 20 % of the
      frame width between two consecutive frames with a person: the tracker changed person
      (:func:`painpath.domain.movement.tracking.tracking_stretches`).
    """
    found = np.any(seq.confidence >= min_confidence, axis=1)
    if seq.n_frames == 0 or not found.any():
        return [FramingNote("person_detected", False, "No person was found in the video.")]
    return [_subject(seq, found), _consistency(seq)]


def _subject(seq: PoseSequence, found: NDArray[np.bool_]) -> FramingNote:
    width, height = seq.frame_size
    xy = seq.image_xy[found]
    with np.errstate(invalid="ignore"):
        tall = np.nanmax(xy[..., 1], axis=1) - np.nanmin(xy[..., 1], axis=1)
        centre = (np.nanmax(xy[..., 0], axis=1) + np.nanmin(xy[..., 0], axis=1)) / 2
    height_share = float(np.nanmedian(tall)) / max(height, 1)
    offset = abs(float(np.nanmedian(centre)) / max(width, 1) - 0.5)
    ok = height_share >= _MIN_HEIGHT_SHARE or offset <= _MAX_CENTRE_OFFSET
    message = f"The tracked person fills {height_share:.0%} of the frame height"
    if ok:
        return FramingNote("tracked_person_is_subject", True, message + ".")
    message = "Right person: " + message[0].lower() + message[1:]
    message += (
        " and stands off-centre: this may be a bystander, so nothing is concluded." + _ROI_HINT
    )
    return FramingNote("tracked_person_is_subject", False, message)


def _consistency(seq: PoseSequence) -> FramingNote:
    # One definition of "the tracker changed person", shared with the domain analysis (which
    # then analyses only the longest stretch with one person).
    changes = max(0, len(tracking_stretches(seq)) - 1)
    if changes == 0:
        return FramingNote("tracked_person_consistent", True, "The same person was tracked.")
    message = f"The tracked person seems to change {changes} time(s) during the video." + _ROI_HINT
    return FramingNote("tracked_person_consistent", False, message)
