"""Whom to analyse when several people are in view: score, link and choose detected people.

mediapipe's pose tracker follows *one* person and cannot be told whom, so before the pose pass
PainPath looks at a few sampled frames (:mod:`painpath.adapters.pose.person_detect`), finds the
people in them, follows each person across the samples and crops the video to the chosen one.

The rule (the issue's specification; weights and thresholds are project defaults, not
published values, chosen on the Sports2D and Pose2Sim demo clips):

- every sighting of a person (a :class:`PersonBox`) scores
  ``0.5 x size + 0.5 x centrality``, where size is the box area divided by the largest box
  area seen in any sample (0-1) and centrality is ``1 - d``, ``d`` the distance of the box
  centre from the frame centre divided by half the frame diagonal (0-1);
- sightings in consecutive samples are linked into one person (:func:`link_tracks`) when the
  centre moved at most :data:`LINK_MAX_SIZES` box half-sides (greedy, nearest first);
- a person's score is the sum of its sightings' scores divided by the number of samples, so a
  person seen in every sample beats one seen briefly (the patient stays in the picture);
- the best-scoring person is chosen, and the region analysed is the union of that person's
  boxes widened by :data:`MARGIN` of the box size on every side (a walker crossing the frame
  stays inside). With one person or none nothing is cropped;
- the choice is *unclear* (quality entry fails, nothing is concluded) when another person
  scores at least :data:`CLOSE_SCORE` of the chosen one's score or enters the analysed region.

All functions here are pure (no video, no model): coordinates are pixels of the upright frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from painpath.adapters.pose.video import Roi

__all__ = [
    "LINK_MAX_SIZES",
    "MARGIN",
    "MAX_CROP_SHARE",
    "PersonBox",
    "PersonSelection",
    "Track",
    "choose_person",
    "link_tracks",
    "sighting_score",
    "track_roi",
    "track_score",
]

W_SIZE = 0.5  # weight of size in a sighting's score (project default)
W_CENTRE = 0.5  # weight of centrality (project default)
LINK_MAX_SIZES = 2.5  # max centre move between samples, in box half-sides (project default)
MARGIN = 0.15  # widening of the chosen person's region, share of the box side (project default)
MAX_CROP_SHARE = 0.95  # a region covering more of the frame than this is not worth cropping
CLOSE_SCORE = 0.8  # a runner-up with 80 % of the best score makes the choice unclear (default)
SAME_SIZE = 0.1  # mean box areas within 10 % are "about the same size" (wording only)


@dataclass(frozen=True, slots=True)
class PersonBox:
    """One detected person in one sampled frame, in pixels of the upright original frame.

    ``cx``/``cy`` the body centre (BlazePose's detector gives the hip centre); ``half`` the
    half side of a square that holds the whole body; ``confidence`` the detector's 0-1 score.
    """

    cx: float
    cy: float
    half: float
    confidence: float = 1.0

    @property
    def area(self) -> float:
        return (2.0 * self.half) ** 2

    def bounds(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) pixels, widened by ``margin`` x the box side on every side."""
        h = self.half * (1.0 + 2.0 * margin)
        return self.cx - h, self.cy - h, self.cx + h, self.cy + h


Track = tuple[tuple[int, PersonBox], ...]  # (sample index, box) sightings of one person


@dataclass(frozen=True, slots=True)
class PersonSelection:
    """The outcome of automatic selection: the region to analyse and why.

    ``roi`` is None when nothing is cropped (one person or none seen); ``people`` counts the
    people followed across the samples; ``message`` is the plain sentence of the
    ``person_selection`` quality entry; ``elapsed_s`` the wall time of sampling + detection.
    """

    roi: Roi | None
    people: int
    message: str
    passed: bool = True
    chosen: Track = ()
    elapsed_s: float = 0.0


def sighting_score(box: PersonBox, *, frame_size: tuple[int, int], largest_area: float) -> float:
    """``W_SIZE x area/largest_area + W_CENTRE x (1 - centre distance / half diagonal)``, 0-1."""
    width, height = frame_size
    half_diag = max(math.hypot(width, height) / 2.0, 1e-9)
    distance = math.hypot(box.cx - width / 2.0, box.cy - height / 2.0) / half_diag
    size = box.area / largest_area if largest_area > 0 else 0.0
    return W_SIZE * min(1.0, size) + W_CENTRE * max(0.0, 1.0 - distance)


def link_tracks(
    samples: Sequence[Sequence[PersonBox]], *, max_sizes: float = LINK_MAX_SIZES
) -> list[Track]:
    """Follow people across samples: each sighting joins the track whose last sighting is
    nearest (centre distance in box half-sides, the larger of the two boxes), nearest pairs
    first, one sighting per track per sample; unmatched sightings start new tracks."""
    tracks: list[list[tuple[int, PersonBox]]] = []
    for index, boxes in enumerate(samples):
        pairs = sorted(
            (_link_cost(track[-1][1], box), t, b)
            for t, track in enumerate(tracks)
            for b, box in enumerate(boxes)
        )
        used_tracks: set[int] = set()
        used_boxes: set[int] = set()
        for cost, t, b in pairs:
            if cost > max_sizes or t in used_tracks or b in used_boxes:
                continue
            tracks[t].append((index, boxes[b]))
            used_tracks.add(t)
            used_boxes.add(b)
        tracks.extend([(index, box)] for b, box in enumerate(boxes) if b not in used_boxes)
    return [tuple(track) for track in tracks]


def _link_cost(a: PersonBox, b: PersonBox) -> float:
    return math.hypot(a.cx - b.cx, a.cy - b.cy) / max(a.half, b.half, 1e-9)


def track_score(
    track: Track, *, n_samples: int, frame_size: tuple[int, int], largest_area: float
) -> float:
    """Sum of the sightings' scores / number of samples (unseen samples count 0), 0-1."""
    total = sum(
        sighting_score(box, frame_size=frame_size, largest_area=largest_area) for _, box in track
    )
    return total / max(n_samples, 1)


def choose_person(
    tracks: Sequence[Track], *, n_samples: int, frame_size: tuple[int, int]
) -> tuple[int, list[float]] | None:
    """Index of the best-scoring track (the first on a tie) and every track's score."""
    if not tracks:
        return None
    largest = max(box.area for track in tracks for _, box in track)
    scores = [
        track_score(t, n_samples=n_samples, frame_size=frame_size, largest_area=largest)
        for t in tracks
    ]
    return max(range(len(scores)), key=lambda i: (scores[i], -i)), scores


def track_roi(track: Track, *, frame_size: tuple[int, int], margin: float = MARGIN) -> Roi:
    """Union of the track's boxes widened by ``margin``, as fractions of the frame (clipped)."""
    if not track:
        raise ValueError("a track needs at least one sighting")
    width, height = frame_size
    bounds = [box.bounds(margin) for _, box in track]
    x0 = max(0.0, min(b[0] for b in bounds) / width)
    y0 = max(0.0, min(b[1] for b in bounds) / height)
    x1 = min(1.0, max(b[2] for b in bounds) / width)
    y1 = min(1.0, max(b[3] for b in bounds) / height)
    return Roi(round(x0, 3), round(y0, 3), round(x1, 3), round(y1, 3))


def covers_most(roi: Roi, *, share: float = MAX_CROP_SHARE) -> bool:
    """True when ``roi`` holds more than ``share`` of the frame area (cropping gains nothing)."""
    return (roi.x1 - roi.x0) * (roi.y1 - roi.y0) > share


def others_inside(
    roi: Roi, tracks: Sequence[Track], chosen: int, frame_size: tuple[int, int]
) -> int:
    """How many other people have their centre inside ``roi`` in at least one sample."""
    width, height = frame_size
    count = 0
    for i, track in enumerate(tracks):
        if i == chosen:
            continue
        if any(
            roi.x0 <= box.cx / width <= roi.x1 and roi.y0 <= box.cy / height <= roi.y1
            for _, box in track
        ):
            count += 1
    return count


def decide(
    samples: Sequence[Sequence[PersonBox]], *, frame_size: tuple[int, int]
) -> PersonSelection:
    """The whole rule on detections already made: link, score, choose, derive the region.

    The selection fails (``passed=False``: the pipeline then concludes nothing) when it is not
    clearly one person: another person's score is at least :data:`CLOSE_SCORE` of the chosen
    one's, or another person enters the analysed region (the tracker may follow either).
    """
    n = len(samples)
    tracks = link_tracks(samples)
    where = f"on {n} sampled frame{'s' if n != 1 else ''}"
    if len(tracks) <= 1:
        people = "Nobody was" if not tracks else "One person was"
        msg = f"{people} seen {where}, so the whole frame was analysed."
        return PersonSelection(roi=None, people=len(tracks), message=msg)
    best, scores = choose_person(tracks, n_samples=n, frame_size=frame_size) or (0, [])
    roi: Roi | None = track_roi(tracks[best], frame_size=frame_size)
    msg = (
        f"{len(tracks)} people seen {where}; chose {_why(tracks, best, frame_size)}, seen in "
        f"{len(tracks[best])} of {n} (score {scores[best]:.2f} against {_others(scores, best)})"
    )
    full = Roi(0.0, 0.0, 1.0, 1.0)
    if roi is None or covers_most(roi):
        roi = None
        msg += "; that person moves over most of the frame, so the whole frame was analysed."
    else:
        msg += f"; analysed region x {roi.x0:.2f}-{roi.x1:.2f}, y {roi.y0:.2f}-{roi.y1:.2f}."
    doubts = []
    if any(s >= CLOSE_SCORE * scores[best] for i, s in enumerate(scores) if i != best):
        doubts.append("another person scores nearly as high")
    if others_inside(roi or full, tracks, best, frame_size):
        doubts.append("another person also enters the analysed region")
    if doubts:
        msg += (
            f" It is not clearly one person ({' and '.join(doubts)}), so nothing is concluded;"
            " crop to the patient with --roi x0,y0,x1,y1."
        )
    return PersonSelection(
        roi=roi, people=len(tracks), message=msg, passed=not doubts, chosen=tracks[best]
    )


def _others(scores: list[float], best: int) -> str:
    return ", ".join(f"{s:.2f}" for i, s in enumerate(scores) if i != best)


def _mean_size_and_offset(track: Track, frame_size: tuple[int, int]) -> tuple[float, float]:
    width, height = frame_size
    size = sum(box.area for _, box in track) / len(track)
    offset = sum(math.hypot(b.cx - width / 2, b.cy - height / 2) for _, b in track) / len(track)
    return size, offset


def _why(tracks: Sequence[Track], best: int, frame_size: tuple[int, int]) -> str:
    """Plain words for what the chosen person has over the others (mean per sighting); sizes
    within :data:`SAME_SIZE` of each other count as the same."""
    size, offset = _mean_size_and_offset(tracks[best], frame_size)
    others = [_mean_size_and_offset(t, frame_size) for i, t in enumerate(tracks) if i != best]
    larger = all(size > (1 + SAME_SIZE) * s for s, _ in others)
    same = all(abs(size - s) <= SAME_SIZE * max(size, s) for s, _ in others)
    central = all(offset <= o for _, o in others)
    if central:
        if larger:
            return "the larger, more central one"
        return "the more central one" + (" (about the same size)" if same else "")
    if larger:
        return "the larger one"
    return "the one seen most often"
