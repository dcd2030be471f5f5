"""Graded exposure in vivo: an exposure ladder of feared activities (vlaeyen_exposure, phoda).

The patient rates how harmful or frightening each activity feels on 0-100 (PHODA-style). The
ladder is ordered by that first rating, lowest first, and is climbed one step at a time. A step is
mastered when it has been done and its fear has dropped by more than ``fear_drop_points`` (default
20: PHODA-SeV, a change above 20 points suggests true change) or now sits below ``low_fear``
(default 30), or when the last practice violated the expectancy: the harm the patient expected
beforehand (0-100) exceeded what happened by ``violation_points`` (default 30; craske2014,
learning by expectancy violation). A published rule for when to move up the hierarchy was
not found: these thresholds are project defaults (``exposure_ladder_defaults``, status unverified).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from painpath.domain.errors import InvalidInput

__all__ = [
    "ExposureAction",
    "ExposureDecision",
    "ExposureLadder",
    "ExposurePolicy",
    "ExposureStep",
    "evaluate_ladder",
]

FEAR_MAX = 100
_EVIDENCE = ("vlaeyen_exposure", "phoda", "craske2014", "exposure_ladder_defaults")


def _check_fear(activity: str, fear: int) -> None:
    if isinstance(fear, bool) or not isinstance(fear, int) or not 0 <= fear <= FEAR_MAX:
        raise InvalidInput(
            f"fear rating for {activity!r} must be a whole number 0-100, got {fear!r}"
        )


@dataclass(frozen=True, slots=True)
class ExposurePolicy:
    """When a step counts as mastered. Fear ratings are 0-100."""

    fear_drop_points: int = 20  # phoda: a change of MORE than 20 points suggests true change
    low_fear: int = 30  # project default: below 30/100 counts as low fear
    # craske2014: learning comes from the feared outcome not happening (expectancy violation).
    # Violated when the expected harm (0-100 % likely) exceeds what happened by this many points.
    violation_points: int = 30  # exposure_ladder_defaults (unverified)

    def __post_init__(self) -> None:
        if not 0 < self.fear_drop_points <= FEAR_MAX or not 0 < self.low_fear <= FEAR_MAX:
            raise InvalidInput("fear_drop_points and low_fear must be within 1-100")


@dataclass(frozen=True, slots=True)
class ExposureStep:
    """One feared activity. ``ratings``: fear 0-100 in the order given; the first is initial."""

    activity: str
    ratings: tuple[int, ...]
    done: bool = False
    # (expected harm before, what happened after), each 0-100, one pair per practice
    expectancies: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not self.activity.strip():
            raise InvalidInput("an exposure step needs an activity name")
        if not self.ratings:
            raise InvalidInput(f"exposure step {self.activity!r} needs a first fear rating")
        for fear in self.ratings:
            _check_fear(self.activity, fear)
        for pair in self.expectancies:
            for value in pair:
                _check_fear(self.activity, value)

    @property
    def initial_fear(self) -> int:
        return self.ratings[0]

    @property
    def latest_fear(self) -> int:
        return self.ratings[-1]

    def expectancy_violated(self, policy: ExposurePolicy) -> bool:
        """The last practice: the feared outcome was far less than expected (craske2014)."""
        if not self.expectancies:
            return False
        expected, happened = self.expectancies[-1]
        return expected - happened >= policy.violation_points

    def is_mastered(self, policy: ExposurePolicy) -> bool:
        """Done, and either fear has dropped (phoda) or the expectancy was violated."""
        dropped = self.initial_fear - self.latest_fear > policy.fear_drop_points
        low = self.latest_fear < policy.low_fear
        return self.done and (dropped or low or self.expectancy_violated(policy))


@dataclass(frozen=True, slots=True)
class ExposureLadder:
    """Steps ordered by initial fear, lowest first (ties keep the order given)."""

    steps: tuple[ExposureStep, ...]

    def __post_init__(self) -> None:
        names = [s.activity for s in self.steps]
        if len(set(names)) != len(names):
            raise InvalidInput("each activity may appear only once on the exposure ladder")
        ordered = tuple(sorted(self.steps, key=lambda s: s.initial_fear))
        object.__setattr__(self, "steps", ordered)

    @classmethod
    def from_ratings(cls, ratings: Mapping[str, int]) -> ExposureLadder:
        """Build a ladder from {activity: first fear rating 0-100}."""
        if not ratings:
            raise InvalidInput("an exposure ladder needs at least one activity")
        return cls(steps=tuple(ExposureStep(a, (f,)) for a, f in ratings.items()))

    def step(self, activity: str) -> ExposureStep:
        for s in self.steps:
            if s.activity == activity:
                return s
        raise InvalidInput(f"{activity!r} is not on the exposure ladder")

    def record(
        self,
        activity: str,
        fear: int,
        *,
        done: bool,
        expected_harm: int | None = None,
        what_happened: int | None = None,
    ) -> ExposureLadder:
        """A new ladder with one more fear rating (and the done flag) for ``activity``; with
        ``expected_harm`` (before) and ``what_happened`` (after), both 0-100, one expectancy."""
        old = self.step(activity)
        _check_fear(activity, fear)
        pairs = old.expectancies
        if (expected_harm is None) != (what_happened is None):
            raise InvalidInput("give both the expected harm and what happened, or neither")
        if expected_harm is not None and what_happened is not None:
            _check_fear(activity, expected_harm)
            _check_fear(activity, what_happened)
            pairs = (*pairs, (expected_harm, what_happened))
        new = replace(old, ratings=(*old.ratings, fear), done=old.done or done, expectancies=pairs)
        return ExposureLadder(steps=tuple(new if s is old else s for s in self.steps))


class ExposureAction(StrEnum):
    START = "start"  # nothing practised yet: begin with the least feared step
    STAY = "stay"  # keep practising the current step
    ADVANCE = "advance"  # the current step is mastered: move to the next one
    COMPLETE = "complete"  # every step is mastered


@dataclass(frozen=True, slots=True)
class ExposureDecision:
    action: ExposureAction
    current: str | None  # the activity to practise now (None when complete)
    reason: str  # plain language for the patient
    clinician_note: str
    evidence: tuple[str, ...] = _EVIDENCE


def evaluate_ladder(
    ladder: ExposureLadder, *, policy: ExposurePolicy | None = None
) -> ExposureDecision:
    """Which step to practise now, and why."""
    policy = policy or ExposurePolicy()
    mastered = [s for s in ladder.steps if s.is_mastered(policy)]
    pending = [s for s in ladder.steps if not s.is_mastered(policy)]
    if not pending:
        return ExposureDecision(
            ExposureAction.COMPLETE,
            None,
            "You have worked through every step on your list. Well done.",
            f"all {len(ladder.steps)} exposure steps mastered; plan generalisation and relapse "
            "prevention",
        )
    current = pending[0]
    untouched = not current.done and len(current.ratings) == 1
    if untouched and not mastered:
        return ExposureDecision(
            ExposureAction.START,
            current.activity,
            f"Start with the step that worries you least: {current.activity}.",
            f"start at lowest fear step {current.activity!r} (fear {current.initial_fear}/100)",
        )
    if untouched:
        return ExposureDecision(
            ExposureAction.ADVANCE,
            current.activity,
            f"The last step went better than you feared, or your fear of it has gone down. "
            f"Next step: {current.activity}.",
            f"{len(mastered)} step(s) mastered; advance to {current.activity!r} "
            f"(fear {current.initial_fear}/100)",
        )
    return _stay(current, policy)


def _stay(current: ExposureStep, policy: ExposurePolicy) -> ExposureDecision:
    if not current.done:
        why = "not yet done"
    else:
        why = (
            f"fear {current.latest_fear}/100 (first {current.initial_fear}); needs a drop of more "
            f"than {policy.fear_drop_points} points or below {policy.low_fear}"
        )
    return ExposureDecision(
        ExposureAction.STAY,
        current.activity,
        f"Keep practising: {current.activity}. Fear often drops with practice, and that is "
        "when we move on.",
        f"stay on {current.activity!r}: {why}",
    )
