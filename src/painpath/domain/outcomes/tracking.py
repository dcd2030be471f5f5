"""Outcomes: re-measurement schedule, responder status and the expected course of pain.

* Schedule: instruments are repeated at baseline and at 2, 6, 12 and 26 weeks (project default;
  the 6- and 26-week points match the published LBP trajectory, costa2012).
* Responder status compares baseline and latest scores with the instrument's MCID and MDC
  (numbers given by the caller). Comparisons are "at least" (>=): an open question in the
  clinical reference, settled here as a project decision (project_default).
* Expected course: the pooled mean trajectory of persistent low back pain (costa2012: pain
  51 -> 33 at 6 weeks -> 26 at 26 weeks -> 23 at 52 weeks, /100), interpolated linearly in
  log(1 + weeks), with an approximate 95 % prediction band for one person (the between-person
  SD is unverified, expected_course_band), drawn only for the population the source describes
  (low back pain lasting 12 weeks to 12 months). Similar shapes are seen whatever the treatment
  (artus2014).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal, Protocol

from painpath.domain.errors import InvalidInput

__all__ = [
    "DEFAULT_WEEKS",
    "DueMeasurement",
    "ExpectedCourse",
    "InstrumentLike",
    "ResponderResult",
    "ResponderStatus",
    "evaluate_responder",
    "remeasurement_schedule",
    "what_to_expect",
]

DEFAULT_WEEKS = (0, 2, 6, 12, 26)
Direction = Literal["lower_is_better", "higher_is_better"]


@dataclass(frozen=True, slots=True)
class DueMeasurement:
    week: int
    due: date
    done: bool
    overdue: bool


def remeasurement_schedule(
    start: date,
    *,
    today: date,
    weeks: Sequence[int] = DEFAULT_WEEKS,
    completed: Iterable[date] = (),
    window_days: int = 7,
) -> list[DueMeasurement]:
    """Due dates from ``start``; a point is done if a measurement lies within +/- window_days.

    A point not done is overdue once ``today`` is more than ``window_days`` past its due date.
    """
    if window_days < 0 or any(w < 0 for w in weeks) or list(weeks) != sorted(set(weeks)):
        raise InvalidInput("weeks must be distinct, ascending and >= 0; window_days >= 0")
    taken = sorted(set(completed))
    schedule = []
    for week in weeks:
        due = start + timedelta(weeks=week)
        done = any(abs((d - due).days) <= window_days for d in taken)
        overdue = not done and (today - due).days > window_days
        schedule.append(DueMeasurement(week=week, due=due, done=done, overdue=overdue))
    return schedule


class InstrumentLike(Protocol):
    """The little the outcomes code needs from an instrument (the catalogue has more)."""

    @property
    def id(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def mcid(self) -> float | None: ...
    @property
    def mdc(self) -> float | None: ...


class ResponderStatus(StrEnum):
    RESPONDER = "responder"  # improvement >= MCID and >= MDC
    POSSIBLE_RESPONDER = "possible_responder"  # >= MCID but within measurement error (< MDC)
    NOT_YET = "not_yet"  # some improvement, below the MCID
    NO_CHANGE = "no_change"  # no improvement, worsening within measurement error
    WORSENED = "worsened"  # worsening >= MDC (or >= MCID when the MDC is unknown)


@dataclass(frozen=True, slots=True)
class ResponderResult:
    instrument_id: str
    baseline: float
    latest: float
    improvement: float  # signed: > 0 means better, in the instrument's own units
    status: ResponderStatus
    message: str
    evidence: tuple[str, ...] = ("project_default",)


def evaluate_responder(
    instrument: InstrumentLike, *, baseline: float, latest: float
) -> ResponderResult:
    """Change from baseline to latest, judged against the instrument's MCID and MDC."""
    if instrument.direction not in ("lower_is_better", "higher_is_better"):
        raise InvalidInput(f"unknown direction {instrument.direction!r} for {instrument.id}")
    mcid, mdc = instrument.mcid, instrument.mdc
    if (mcid is not None and mcid <= 0) or (mdc is not None and mdc <= 0):
        raise InvalidInput(f"MCID and MDC of {instrument.id} must be > 0")
    sign = -1.0 if instrument.direction == "lower_is_better" else 1.0
    improvement = sign * (latest - baseline)
    status = _status(improvement, mcid, mdc)
    message = (
        f"{instrument.id}: {baseline:g} -> {latest:g} (improvement {improvement:+g}; "
        f"MCID {_opt(mcid)}, MDC {_opt(mdc)}): {status.value.replace('_', ' ')}"
    )
    return ResponderResult(instrument.id, baseline, latest, improvement, status, message)


def _opt(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


def _status(improvement: float, mcid: float | None, mdc: float | None) -> ResponderStatus:
    beyond_error = mdc is None or improvement >= mdc
    if mcid is not None and improvement >= mcid:
        return ResponderStatus.RESPONDER if beyond_error else ResponderStatus.POSSIBLE_RESPONDER
    if mcid is None and mdc is not None and improvement >= mdc:
        return ResponderStatus.POSSIBLE_RESPONDER
    if improvement > 0:
        return ResponderStatus.NOT_YET
    worsening_limit = mdc if mdc is not None else mcid
    if worsening_limit is not None and -improvement >= worsening_limit:
        return ResponderStatus.WORSENED
    return ResponderStatus.NO_CHANGE


# costa2012 (abstract, verified): persistent LBP cohorts, variance-weighted mean pain /100 at
# weeks 0, 6, 26, 52, with the 95 % CI of that pooled mean.
_COSTA_PERSISTENT = ((0.0, 51.0), (6.0, 33.0), (26.0, 26.0), (52.0, 23.0))
_COSTA_PERSISTENT_CI = ((44.0, 59.0), (29.0, 38.0), (20.0, 33.0), (16.0, 30.0))
_Z95 = 1.96


@dataclass(frozen=True, slots=True)
class ExpectedCourse:
    """Expected pain over time for one population, with an approximate 95 % prediction band.

    ``anchors``: (weeks since start, mean pain on ``anchor_scale``) points from the source; the
    first must be week 0. ``anchor_ci``: the source's 95 % CI of each mean (its uncertainty).
    The middle line is the patient's own first-week pain times the source's relative course.
    The band is a prediction interval for one person: mean +/- 1.96 x sqrt(between-person SD^2
    + SE of the mean^2). The between-person SD (``between_sd``, 20/100) is **not** in the
    source's abstract: a typical figure for pain scores in low-back-pain cohorts, from memory
    (``expected_course_band``, unverified). The band opens linearly from 0 at week 0 (the first
    week is the patient's own measurement) to full width at ``band_full_week``.
    ``population``/``regions``/``min_weeks``/``max_weeks``: who the source describes (pain
    duration at the start, in weeks); ``applies_to`` says whether a patient matches.
    """

    anchors: tuple[tuple[float, float], ...] = _COSTA_PERSISTENT
    anchor_ci: tuple[tuple[float, float], ...] = _COSTA_PERSISTENT_CI
    anchor_scale: float = 100.0
    between_sd: float = 20.0
    band_full_week: float = 6.0
    source: str = "Costa 2012 (meta-analysis of 33 inception cohorts)"
    population: str = "non-specific low back pain lasting 12 weeks to 12 months at the start"
    patient_words: str = (
        "The usual range comes from studies of many people whose low back pain had lasted "
        "3 to 12 months. It is wide because people differ."
    )
    regions: frozenset[str] = frozenset({"low_back"})
    # Working diagnoses inside the source population (none recorded also counts as inside).
    presentations: frozenset[str] = frozenset({"nonspecific_low_back_pain"})
    min_weeks: float = 12.0
    max_weeks: float = 52.0
    evidence: tuple[str, ...] = ("costa2012", "artus2014", "expected_course_band")

    def __post_init__(self) -> None:
        weeks = [w for w, _ in self.anchors]
        if len(weeks) < 2 or weeks[0] != 0 or weeks != sorted(set(weeks)):
            raise InvalidInput("anchors need >= 2 points, ascending weeks, starting at week 0")
        if self.anchors[0][1] <= 0 or self.between_sd < 0 or self.anchor_scale <= 0:
            raise InvalidInput("baseline anchor and scale must be > 0, the SD >= 0")
        if len(self.anchor_ci) != len(self.anchors):
            raise InvalidInput("one confidence interval per anchor")
        if self.band_full_week <= 0:
            raise InvalidInput("band_full_week must be > 0")

    def applies_to(
        self,
        region: str | None,
        duration_weeks: float | None,
        presentations: Iterable[str] = (),
    ) -> str | None:
        """None when the source's population matches the patient, else why it does not.

        ``presentations``: the clinician's working diagnoses; one outside the source's
        (a radiculopathy, say, for a source of non-specific low back pain) rules it out."""
        if region is None or duration_weeks is None:
            return "the pain's main area or how long it has lasted is not recorded"
        if region not in self.regions:
            return f"the source describes {self.population}; this pain is elsewhere"
        other = sorted(set(presentations) - self.presentations)
        if other:
            names = ", ".join(p.replace("_", " ") for p in other)
            return f"the source describes {self.population}; the working diagnosis is {names}"
        if not self.min_weeks <= duration_weeks <= self.max_weeks:
            return (
                f"the source describes {self.population}; this pain has lasted "
                f"{duration_weeks:g} weeks"
            )
        return None

    def _interpolate(self, week: float, values: Sequence[float]) -> float:
        points = [(math.log1p(w), v) for (w, _), v in zip(self.anchors, values, strict=True)]
        x = math.log1p(week)
        if x >= points[-1][0]:
            return points[-1][1]
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if x0 <= x <= x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        raise AssertionError("unreachable: anchors cover [0, last]")  # pragma: no cover

    def relative(self, week: float) -> float:
        """Expected pain as a fraction of baseline pain (1.0 at week 0), flat after the last
        anchor; linear in log(1 + week) between anchors because change is fast early, then slow.
        """
        if week < 0:
            raise InvalidInput(f"week must be >= 0, got {week:g}")
        base = self.anchors[0][1]
        return self._interpolate(week, [p / base for _, p in self.anchors])

    def prediction_sd(self, week: float) -> float:
        """SD for one new person at ``week`` on the anchor scale: sqrt(SD^2 + SE^2)."""
        se = self._interpolate(week, [(hi - lo) / (2 * _Z95) for lo, hi in self.anchor_ci])
        return math.sqrt(self.between_sd**2 + se**2)

    def expected_pain(
        self, baseline: float, week: float, *, scale_max: float = 10.0
    ) -> tuple[float, float, float]:
        """(low, mid, high) expected pain at ``week`` for a patient starting at ``baseline``."""
        if scale_max <= 0 or not 0 <= baseline <= scale_max:
            raise InvalidInput(f"baseline must be within 0-{scale_max:g}, got {baseline:g}")
        mid = baseline * self.relative(week)
        opening = min(week / self.band_full_week, 1.0)
        half = _Z95 * self.prediction_sd(week) * scale_max / self.anchor_scale * opening
        return (max(mid - half, 0.0), mid, min(mid + half, scale_max))


def what_to_expect(
    week: float,
    *,
    baseline: float | None = None,
    latest: float | None = None,
    scale_max: float = 10.0,
    course: ExpectedCourse | None = None,
) -> str:
    """A short, plain-language message for the patient (aimed at reading grade 8 or below).

    ``course``: the published course that matches the patient, or None when none does (then
    no range is named). Being above the range is worded as common, not as a warning.
    """
    parts = [
        "Most people improve most in the first 6 weeks. After that, change is slower.",
        "Ups and downs are normal. A bad day does not mean you are going backwards.",
    ]
    if course is None:
        parts.append(
            "We have no good figures for how pain like yours usually changes, so we do not "
            "show a usual range. Your own weekly line is what counts."
        )
    elif baseline is not None and latest is not None:
        low, _, high = course.expected_pain(baseline, week, scale_max=scale_max)
        if latest < low:
            parts.append("Your pain is lower than most people's by now. That is good news.")
        elif latest > high:
            parts.append(
                "Your pain is above the usual range for now. That is common and is not a "
                "sign of harm. Your therapist will look at your plan with you."
            )
        else:
            parts.append("Your pain is in the usual range for this point.")
    return " ".join(parts)
