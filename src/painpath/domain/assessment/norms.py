"""Normative values for functional tests and the comparison of one result against them.

* 30-s chair stand (stands in 30 s, higher is better): Rikli & Jones 1999 25th-75th percentile
  ranges, community-dwelling adults 60-94 (1999 edition, clinical reference 2.21).
* Timed Up and Go (seconds, lower is better): Bohannon 2006 mean and 95 % CI by age band; slower
  than the upper CI is "below" (worse than average), faster than the lower CI is "above".
* Single-leg stance (seconds, eyes open) and 6-minute walk (metres): no source in the reference;
  thresholds below are UNVERIFIED project defaults and are marked so in every result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from painpath.domain.types import Sex

__all__ = ["FUNCTIONAL_TESTS", "NormComparison", "NormStatus", "compare_functional_test"]


class NormStatus(StrEnum):
    BELOW = "below"  # worse than the normal range
    WITHIN = "within"
    ABOVE = "above"  # better than the normal range
    NO_NORM = "no_norm"  # no norm for this age/sex


@dataclass(frozen=True, slots=True)
class NormComparison:
    test: str
    value: float
    unit: str
    status: NormStatus
    low: float | None  # lower edge of the normal range, in the test's unit
    high: float | None
    norm: str  # which table/edition/age band
    verified: bool
    evidence: tuple[str, ...]


# (age_lo, age_hi) -> (men_lo, men_hi, women_lo, women_hi): Rikli & Jones 1999.
_CHAIR_STAND: tuple[tuple[int, int, int, int, int, int], ...] = (
    (60, 64, 14, 19, 12, 17),
    (65, 69, 12, 18, 11, 16),
    (70, 74, 12, 17, 10, 15),
    (75, 79, 11, 17, 10, 15),
    (80, 84, 10, 15, 9, 14),
    (85, 89, 8, 14, 8, 13),
    (90, 94, 7, 12, 4, 11),
)

# (age_lo, age_hi, mean, ci_lo, ci_hi) seconds: Bohannon 2006.
_TUG: tuple[tuple[int, int, float, float, float], ...] = (
    (60, 69, 8.1, 7.1, 9.0),
    (70, 79, 9.2, 8.2, 10.2),
    (80, 99, 11.3, 10.0, 12.7),
)

# Project defaults (unverified): minimum normal value by age band.
_SINGLE_LEG_STANCE_S: tuple[tuple[int, int, float], ...] = (
    (0, 59, 30.0),
    (60, 69, 20.0),
    (70, 120, 10.0),
)
_SIX_MINUTE_WALK_M: tuple[tuple[int, int, float], ...] = (
    (0, 59, 500.0),
    (60, 79, 400.0),
    (80, 120, 300.0),
)

FUNCTIONAL_TESTS: dict[str, str] = {
    "chair_stand_30s": "stands",
    "tug": "s",
    "single_leg_stance": "s",
    "six_minute_walk": "m",
}


def _status(value: float, low: float, high: float, *, higher_is_better: bool) -> NormStatus:
    if value < low:
        return NormStatus.BELOW if higher_is_better else NormStatus.ABOVE
    if value > high:
        return NormStatus.ABOVE if higher_is_better else NormStatus.BELOW
    return NormStatus.WITHIN


def _no_norm(test: str, value: float, why: str, evidence: tuple[str, ...]) -> NormComparison:
    return NormComparison(
        test, value, FUNCTIONAL_TESTS[test], NormStatus.NO_NORM, None, None, why, False, evidence
    )


def _chair_stand(value: float, age: int, sex: Sex) -> NormComparison:
    ev = ("rikli1999",)
    row = next((r for r in _CHAIR_STAND if r[0] <= age <= r[1]), None)
    if row is None or sex is Sex.OTHER:
        return _no_norm("chair_stand_30s", value, "Rikli & Jones 1999: ages 60-94, by sex", ev)
    low, high = (row[2], row[3]) if sex is Sex.MALE else (row[4], row[5])
    label = f"Rikli & Jones 1999, {sex.value} {row[0]}-{row[1]}: {low}-{high} stands"
    status = _status(value, low, high, higher_is_better=True)
    return NormComparison("chair_stand_30s", value, "stands", status, low, high, label, True, ev)


def _tug(value: float, age: int) -> NormComparison:
    ev = ("bohannon2006",)
    row = next((r for r in _TUG if r[0] <= age <= r[1]), None)
    if row is None:
        return _no_norm("tug", value, "Bohannon 2006: ages 60-99", ev)
    label = f"Bohannon 2006, {row[0]}-{row[1]} y: mean {row[2]} s (95 % CI {row[3]}-{row[4]})"
    status = _status(value, row[3], row[4], higher_is_better=False)
    return NormComparison("tug", value, "s", status, row[3], row[4], label, True, ev)


def _threshold(
    test: str, value: float, age: int, table: tuple[tuple[int, int, float], ...]
) -> NormComparison:
    row = next(r for r in table if r[0] <= age <= r[1])
    label = f"project default (unverified), {row[0]}-{row[1]} y: at least {row[2]:g}"
    status = NormStatus.BELOW if value < row[2] else NormStatus.WITHIN
    unit = FUNCTIONAL_TESTS[test]
    return NormComparison(
        test, value, unit, status, row[2], None, label, False, ("project_default",)
    )


def compare_functional_test(test: str, value: float, *, age: int, sex: Sex) -> NormComparison:
    """Compare one result. ``test`` is a key of ``FUNCTIONAL_TESTS``; unknown tests get NO_NORM.

    ``value`` units: stands (chair stand), seconds (TUG, single-leg stance), metres (6MWT).
    """
    if test == "chair_stand_30s":
        return _chair_stand(value, age, sex)
    if test == "tug":
        return _tug(value, age)
    if test == "single_leg_stance":
        return _threshold(test, value, age, _SINGLE_LEG_STANCE_S)
    if test == "six_minute_walk":
        return _threshold(test, value, age, _SIX_MINUTE_WALK_M)
    return NormComparison(test, value, "", NormStatus.NO_NORM, None, None, "no norm", False, ())
