"""Entry point of video movement analysis: ``analyze_movement(seq, test=..., side=...)``.

Pipeline: drop landmarks placed outside the picture -> keep the longest stretch with one
tracked person -> count frames with a person -> correct left/right label swaps -> mask,
gap-fill and low-pass filter -> detect the camera view -> quality checks -> per-frame series
(flexion from image x/y + estimated depth blended with the world landmarks, each with a
per-frame confidence ``*_confidence`` saying how directly the camera sees it) -> the test's
analyzer (reps, metrics, findings). A poor video never raises: failed checks are returned
with plain messages and then reps, metrics and findings stay empty. Only programming errors
(unknown test, a side that makes no sense) raise :class:`InvalidInput`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from painpath.domain.assessment.findings import Finding
from painpath.domain.errors import InvalidInput
from painpath.domain.movement.analyzers import (
    gait,
    overhead_reach,
    single_leg_squat,
    single_leg_stance,
    sit_to_stand,
    squat,
)
from painpath.domain.movement.analyzers.base import (
    AnalyzerInput,
    AnalyzerOutput,
    Rep,
    TestSpec,
    infer_stance_side,
)
from painpath.domain.movement.filtering import (
    FilterSettings,
    filter_pose_sequence,
    interpolate_at,
    resample_pose,
)
from painpath.domain.movement.pose import Landmark, PoseSequence
from painpath.domain.movement.series import compute_kinematics, reported
from painpath.domain.movement.tracking import (
    MIN_DOMINANT_SHARE,
    keep_frames,
    longest_stretch,
    mask_outside_frame,
    tracking_stretches,
)
from painpath.domain.movement.view import (
    CameraView,
    QualityCheck,
    check_duration,
    check_landmark_confidence,
    check_person_visible,
    check_view,
    correct_label_swaps,
    detect_view,
    person_frames,
)
from painpath.domain.types import Side

__all__ = [
    "AnalysisTest",
    "MovementAnalysis",
    "QualityCheck",
    "Rep",
    "analyze_movement",
    "movement_test_spec",
]

AnalysisTest = Literal[
    "kinematics",
    "squat",
    "single-leg-squat",
    "single-leg-stance",
    "sit-to-stand",
    "overhead-reach",
    "gait",
]
MIN_FRAMES = 15


@dataclass(frozen=True, slots=True)
class MovementAnalysis:
    """Result of one analysed video. ``series`` values are per frame (None where unknown);
    ``side`` is the tested (standing) leg for single-leg tests, given or inferred."""

    test: str
    side: Side | None
    series: Mapping[str, list[float | None]]
    reps: tuple[Rep, ...]
    metrics: Mapping[str, float | int | None]
    findings: tuple[Finding, ...]
    quality: tuple[QualityCheck, ...]
    frames_with_person: int
    view: str = CameraView.UNKNOWN.value

    @property
    def passed(self) -> bool:
        """True when every quality check passed."""
        return all(q.passed for q in self.quality)


def _kinematics_only(inp: AnalyzerInput) -> AnalyzerOutput:
    t = inp.seq.t_s
    duration = float(t[-1] - t[0]) if t.size else 0.0
    return AnalyzerOutput(metrics={"duration_s": duration, "frames": int(t.size)})


_KINEMATICS = TestSpec(
    test="kinematics",
    views=(CameraView.FRONT, CameraView.SIDE, CameraView.OBLIQUE),
    min_duration_s=0.5,
    landmarks=(
        Landmark.LEFT_SHOULDER,
        Landmark.RIGHT_SHOULDER,
        Landmark.LEFT_HIP,
        Landmark.RIGHT_HIP,
    ),
    analyze=_kinematics_only,
)
_SPECS: dict[str, TestSpec] = {
    spec.test: spec
    for spec in (
        _KINEMATICS,
        squat.SPEC,
        single_leg_squat.SPEC,
        single_leg_stance.SPEC,
        sit_to_stand.SPEC,
        overhead_reach.SPEC,
        gait.SPEC,
    )
}


def movement_test_spec(test: str) -> TestSpec:
    """The requirements (views, duration, landmarks) of ``test``; InvalidInput if unknown."""
    try:
        return _SPECS[test]
    except KeyError:
        names = ", ".join(get_args(AnalysisTest))
        raise InvalidInput(f"unknown movement test {test!r}; choose one of: {names}") from None


def analyze_movement(
    seq: PoseSequence,
    *,
    test: AnalysisTest,
    side: Side | None = None,
    filter: FilterSettings | None = None,
) -> MovementAnalysis:
    """Analyse one pose sequence for ``test``; see the module docstring for the pipeline."""
    spec = movement_test_spec(test)
    if side is not None and side not in (Side.LEFT, Side.RIGHT):
        raise InvalidInput("side must be 'left' or 'right'")
    seq, tracked = _one_person(seq)
    with_person = int(np.sum(person_frames(seq))) if seq.n_frames else 0
    fixed, swaps = correct_label_swaps(seq)
    # one time grid for every clip: findings must not depend on the camera's frame rate
    clean = filter_pose_sequence(resample_pose(fixed), filter)
    view = detect_view(clean) if with_person else CameraView.UNKNOWN
    checks = (*tracked, *_quality(seq, fixed, spec, view, swaps))
    kin = compute_kinematics(clean, view=view)
    series = {name: _at_frames(seq, clean, reported(kin, name)) for name in kin.series}
    series.update(
        {
            name.replace("_deg", "_confidence"): _at_frames(seq, clean, w)
            for name, w in kin.confidence.items()
        }
    )
    if spec.single_leg and side is None and with_person:
        side = infer_stance_side(clean)
        note = f"No side was given; the standing leg looks like the {side.value} one."
        checks = (*checks, QualityCheck("side_inferred", True, note))
    result = MovementAnalysis(test, side, series, (), {}, (), checks, with_person, view.value)
    if not all(q.passed for q in checks):
        return result
    inp = AnalyzerInput(clean, kin, view, side, _mean_confidence(fixed, spec), spec.test)
    out = spec.analyze(inp)
    metrics = dict(out.metrics)
    if "frames" in metrics:  # the video's frames, not the analysis grid's
        metrics["frames"] = seq.n_frames
    counted = _count_check(spec.test, out)
    if counted is not None:
        checks = (*checks, counted)
        if not counted.passed:  # nothing to conclude from: the series and counts stay
            out = AnalyzerOutput(out.reps, out.metrics, ())
    return MovementAnalysis(
        test,
        side,
        series,
        out.reps,
        metrics,
        out.findings,
        checks,
        with_person,
        view.value,
    )


def _one_person(seq: PoseSequence) -> tuple[PoseSequence, tuple[QualityCheck, ...]]:
    """Drop off-picture landmarks; keep only the longest stretch with one tracked person.

    When the tracker changed person, the ``tracked_person`` check says which stretch was
    analysed; it fails (and findings are withheld) when that stretch holds less than half of
    the frames with a person, since then no one person dominates the clip.
    """
    seq, _ = mask_outside_frame(seq)
    stretches = tracking_stretches(seq)
    best = longest_stretch(stretches)
    if best is None or len(stretches) < 2:
        return seq, ()
    total = int(np.sum(person_frames(seq)))
    kept = keep_frames(seq, *best)
    share = int(np.sum(person_frames(kept))) / total
    t0, t1 = seq.t_s[best[0]] - seq.t_s[0], seq.t_s[best[1] - 1] - seq.t_s[0]
    message = (
        f"Same person throughout: the tracked person changed {len(stretches) - 1} time(s); "
        "only the longest stretch "
        f"with one person ({t0:.1f}-{t1:.1f} s, {share:.0%} of the frames with a person) "
        "was analysed."
    )
    passed = share >= MIN_DOMINANT_SHARE
    if not passed:
        message += " No one person fills most of the video, so nothing is concluded."
    message += " Film only the patient, or crop to the patient."
    return kept, (QualityCheck("tracked_person", passed, message),)


def _quality(
    raw: PoseSequence, fixed: PoseSequence, spec: TestSpec, view: CameraView, swaps: int
) -> tuple[QualityCheck, ...]:
    person = check_person_visible(raw)
    checks = [
        person,
        check_duration(raw, min_duration_s=spec.min_duration_s, min_frames=MIN_FRAMES),
    ]
    if person.passed:  # without a person, view and visible joints fail for the same cause
        checks += [
            check_view(view, allowed=spec.views),
            check_landmark_confidence(
                fixed, landmarks=spec.landmarks, one_side_enough=view is CameraView.SIDE
            ),
        ]
    message = (
        f"Left and right body labels were exchanged in {swaps} frame(s) and have been corrected."
        if swaps
        else "No left/right label exchanges found."
    )
    checks.append(QualityCheck("label_swaps", True, message))
    return tuple(checks)


REP_TESTS = frozenset({"squat", "single-leg-squat", "sit-to-stand", "overhead-reach"})
MIN_STEPS = 2  # two heel strikes make one step: the least gait metrics can be read from


def _count_check(test: str, out: AnalyzerOutput) -> QualityCheck | None:
    """``repetitions`` (tests counted in repetitions) or ``steps`` (gait): a quality entry, so
    "nothing found" is said as a cause with what to do rather than as empty results."""
    if test in REP_TESTS:
        n = len(out.reps)
        if n:
            return QualityCheck("repetitions", True, f"{n} repetition(s) found.")
        return QualityCheck(
            "repetitions",
            False,
            "Repetitions: no repetitions were found, so nothing is concluded. Do the whole "
            "movement at least 3 times, at a steady pace, from the start to the end of the video.",
        )
    if test == "gait":
        steps = int(out.metrics.get("steps") or 0)
        if steps >= MIN_STEPS:
            return QualityCheck("steps", True, f"{steps} steps found.")
        return QualityCheck(
            "steps",
            False,
            f"Steps: only {steps} step(s) were found, so nothing is concluded. Walk past the "
            "phone at your usual pace for at least 4 steps, with the feet in the picture.",
        )
    return None


def _mean_confidence(seq: PoseSequence, spec: TestSpec) -> float:
    conf = seq.confidence[:, list(spec.landmarks)]
    return float(np.mean(conf)) if conf.size else 0.0


def _at_frames(video: PoseSequence, grid: PoseSequence, values: np.ndarray) -> list[float | None]:
    """A series computed on the analysis grid, back at the video's own frame times."""
    if grid.n_frames < 2 or np.array_equal(grid.t_s, video.t_s):
        return _as_list(values)
    return _as_list(interpolate_at(grid.t_s, values, video.t_s))


def _as_list(values: np.ndarray) -> list[float | None]:
    return [round(float(v), 3) if np.isfinite(v) else None for v in values]
