"""Pain monitoring of one loading exercise (Silbernagel 2007), pure.

The pain-monitoring model (``silbernagel2007``, ``pain_monitoring_model``) was tested in a
tendon loading programme: in our words, the patient may keep loading while pain during the
exercise reaches at most 5 out of 10, as long as that pain has settled by the next morning and
the pain and stiffness do not creep up from week to week. A clinician turns it on for one
exercise of a tendon or joint loading programme; it then moves **that exercise's dose** (progress,
hold or reduce), never the daily activity target of graded activity (which is time-contingent,
``engine``).

Like with like: pain during a session is compared with the ceiling and, week to week, the
week's worst during-exercise pain with the previous week's worst; pain or stiffness on waking is
compared with the usual morning level and, week to week, the week's mean morning rating with
the previous week's. A change counts only when it reaches the NPRS measurement error of 2
points (``childs2005``: MDC 2 points), so ordinary day-to-day noise moves nothing.

Rules, in the order they are checked (rule ids as in docs/clinical/graded-activity.md):

* ``PM-DURING``: a session's pain during the exercise above the ceiling (the plan's pain
  guidance, 5/10 unless the plan is dosed for a highly irritable presentation) -> reduce, the
  day it is reported.
* ``PM-MORNING``: the morning after a session, pain/stiffness >= the usual morning level + 2
  -> reduce, the day it is reported (it has not settled by the next morning).
* At each weekly review (every ``review_days`` from the first report):
  ``PM-WEEKLY-WORST`` the week's worst during-exercise pain >= last week's + 2, or
  ``PM-WEEKLY-MORNING`` the week's mean morning rating >= last week's + 2 -> reduce;
  ``PM-FEW-SESSIONS`` fewer than ``min_sessions`` sessions or no morning rating -> hold (a
  missing report never counts as a settled one); ``PM-USUAL`` the first week, without a usual
  morning level given, measures it (median of the week's morning ratings) -> hold;
  otherwise ``PM-PROGRESS`` -> one step up.

The size of a step is a project default (``pain_monitoring_defaults``, unverified: no published
increment): +10 % of the prescribed dose to progress, -20 % to reduce, between 50 % and 200 %.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from painpath.domain.errors import InvalidInput

__all__ = [
    "MONITORING_ATTRIBUTE",
    "USUAL_MORNING_ATTRIBUTE",
    "ExerciseLoadDecision",
    "ExercisePain",
    "LoadAction",
    "PainMonitoring",
    "evaluate_pain_monitoring",
    "scaled_dose",
]

# The plan item attribute a clinician sets to "on" for an exercise under pain monitoring.
MONITORING_ATTRIBUTE = "pain_monitoring"
# ... and, optionally, the usual pain/stiffness on waking (0-10) the clinician knows.
USUAL_MORNING_ATTRIBUTE = "usual_morning"
_MODEL = ("silbernagel2007", "pain_monitoring_model")
_ERROR = ("childs2005",)
_STEPS = ("pain_monitoring_defaults",)


class LoadAction(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    REDUCE = "reduce"


@dataclass(frozen=True, slots=True)
class ExercisePain:
    """One day's report for one monitored exercise (NPRS 0-10).

    ``during``: pain during the exercise that day (None: not done, or not reported).
    ``morning``: pain or stiffness on waking that morning, i.e. the morning after the previous
    day's session (None: not reported).
    """

    day: date
    during: float | None = None
    morning: float | None = None

    def __post_init__(self) -> None:
        for name, value in (("during", self.during), ("morning", self.morning)):
            if value is not None and not 0.0 <= value <= 10.0:
                raise InvalidInput(f"{name} pain must be from 0 to 10, got {value:g}")


@dataclass(frozen=True, slots=True)
class PainMonitoring:
    """The rule's settings (NPRS points; doses as a fraction of the prescribed dose).

    ``ceiling``: highest acceptable pain during the exercise (``silbernagel2007``: 5/10; the
    plan's pain guidance lowers it for a highly irritable presentation).
    ``change_points``: a rise counts from this many points (``childs2005``: MDC 2 points).
    ``usual_morning``: the usual pain/stiffness on waking, if the clinician knows it; else the
    first week measures it.
    """

    ceiling: float = 5.0
    change_points: float = 2.0
    usual_morning: float | None = None
    review_days: int = 7
    min_sessions: int = 2
    progress_step: float = 0.10
    reduce_step: float = 0.20
    lowest: float = 0.5
    highest: float = 2.0

    def __post_init__(self) -> None:
        if not 0 <= self.ceiling <= 10:
            raise InvalidInput("the pain ceiling must be from 0 to 10")
        if self.change_points <= 0 or self.review_days < 1 or self.min_sessions < 1:
            raise InvalidInput("change points, review days and sessions must be above zero")
        if self.usual_morning is not None and not 0 <= self.usual_morning <= 10:
            raise InvalidInput("the usual morning level must be from 0 to 10")
        if not 0 < self.lowest <= 1 <= self.highest:
            raise InvalidInput("the dose limits must include the prescribed dose (100 %)")
        if not (0 < self.progress_step <= 1 and 0 < self.reduce_step < 1):
            raise InvalidInput("steps are fractions of the prescribed dose")


@dataclass(frozen=True, slots=True)
class ExerciseLoadDecision:
    """A change (or not) of one exercise's dose, from the day after ``day``.

    ``level_before``/``level_after``: fraction of the prescribed dose (1.0 = as prescribed).
    ``reason``: for the patient, plain words; ``clinician_note``: the numbers compared.
    """

    day: date
    action: LoadAction
    level_before: float
    level_after: float
    reason: str
    clinician_note: str
    rule_id: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Week:
    worst: float | None  # worst during-exercise pain of the week
    morning: float | None  # mean morning rating of the week


def _fmt(value: float) -> str:
    return f"{round(value, 1):g}"


def _pct(level: float) -> str:
    return f"{round(level * 100):d} %"


def _session_breach(
    rule: PainMonitoring, usual: float | None, today: ExercisePain, yesterday: ExercisePain | None
) -> tuple[str, str, str] | None:
    """(rule id, patient words, clinician note) when today's report breaks a session rule."""
    if today.during is not None and today.during > rule.ceiling:
        return (
            "PM-DURING",
            f"The pain during this exercise went above {_fmt(rule.ceiling)} out of 10.",
            f"pain during {_fmt(today.during)}/10 > ceiling {_fmt(rule.ceiling)}/10",
        )
    after_session = yesterday is not None and yesterday.during is not None
    morning = today.morning
    if (
        after_session
        and usual is not None
        and morning is not None
        and (morning >= usual + rule.change_points)
    ):
        return (
            "PM-MORNING",
            "The pain or stiffness had not settled by the next morning.",
            f"morning after the session {_fmt(morning)}/10 >= usual "
            f"{_fmt(usual)} + {_fmt(rule.change_points)} (not settled)",
        )
    return None


def _week(reports: Sequence[ExercisePain]) -> _Week:
    during = [r.during for r in reports if r.during is not None]
    mornings = [r.morning for r in reports if r.morning is not None]
    return _Week(
        worst=max(during) if during else None,
        morning=sum(mornings) / len(mornings) if mornings else None,
    )


def _weekly_breach(
    rule: PainMonitoring, week: _Week, previous: _Week | None
) -> tuple[str, str, str] | None:
    if previous is None:
        return None
    rise = rule.change_points
    if (
        week.worst is not None
        and previous.worst is not None
        and week.worst >= previous.worst + rise
    ):
        return (
            "PM-WEEKLY-WORST",
            "The pain during this exercise crept up this week.",
            f"worst pain during {_fmt(previous.worst)} -> {_fmt(week.worst)}/10 week to week "
            f"(>= {_fmt(rise)} points)",
        )
    if (
        week.morning is not None
        and previous.morning is not None
        and week.morning >= previous.morning + rise
    ):
        return (
            "PM-WEEKLY-MORNING",
            "Your morning pain or stiffness crept up this week.",
            f"mean morning rating {_fmt(previous.morning)} -> {_fmt(week.morning)}/10 week to "
            f"week (>= {_fmt(rise)} points)",
        )
    return None


def evaluate_pain_monitoring(
    reports: Sequence[ExercisePain], *, rule: PainMonitoring, end: date
) -> list[ExerciseLoadDecision]:
    """The exercise's dose decisions from the first report to ``end`` (inclusive).

    A reduce is decided on the day a session rule is broken and restarts the week; every
    ``rule.review_days`` days without one, a weekly review progresses or holds (or reduces on a
    week-to-week rise). Deterministic: the same reports give the same decisions.
    """
    by_day: Mapping[date, ExercisePain] = {r.day: r for r in reports}
    if len(by_day) != len(reports):
        raise InvalidInput("one report a day for an exercise")
    if not by_day:
        return []
    usual = rule.usual_morning
    level, period_start, previous = 1.0, min(by_day), None
    first_week = True
    decisions: list[ExerciseLoadDecision] = []
    day = period_start
    while day <= end:
        today = by_day.get(day)
        breach = None
        if today is not None:
            breach = _session_breach(rule, usual, today, by_day.get(day - timedelta(days=1)))
        if breach is not None:
            after = max(rule.lowest, level - rule.reduce_step)
            decisions.append(_reduce(day, level, after, breach))
            level, period_start = after, day + timedelta(days=1)
        elif (day - period_start).days + 1 >= rule.review_days:
            period = [by_day[d] for d in _days(period_start, day) if d in by_day]
            week = _week(period)
            if usual is None and first_week and week.morning is not None:
                usual = statistics.median(r.morning for r in period if r.morning is not None)
                decision = _hold(day, level, "PM-USUAL", _USUAL_TEXTS, usual)
            else:
                decision = _review(rule, day, level, period, week, previous)
            decisions.append(decision)
            level, period_start = decision.level_after, day + timedelta(days=1)
            previous, first_week = week, False
        day += timedelta(days=1)
    return decisions


_USUAL_TEXTS = (
    "This first week tells us your usual morning level. Keep the same amount for now.",
    "first week: usual morning level measured",
)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _reduce(
    day: date, level: float, after: float, breach: tuple[str, str, str]
) -> ExerciseLoadDecision:
    rule_id, words, note = breach
    evidence = _MODEL + _ERROR + _STEPS if rule_id != "PM-DURING" else _MODEL + _STEPS
    return ExerciseLoadDecision(
        day=day,
        action=LoadAction.REDUCE,
        level_before=level,
        level_after=after,
        reason=f"{words} From tomorrow, do a bit less of it: {_pct(after)} of the amount your "
        "therapist set. This is normal and not a sign of damage.",
        clinician_note=f"{note}: reduce {_pct(level)} -> {_pct(after)} of the prescribed dose",
        rule_id=rule_id,
        evidence=evidence,
    )


def _hold(
    day: date, level: float, rule_id: str, texts: tuple[str, str], usual: float | None = None
) -> ExerciseLoadDecision:
    note = texts[1] + (f" ({_fmt(usual)}/10)" if usual is not None else "")
    return ExerciseLoadDecision(
        day=day,
        action=LoadAction.HOLD,
        level_before=level,
        level_after=level,
        reason=texts[0],
        clinician_note=f"{note}: hold at {_pct(level)} of the prescribed dose",
        rule_id=rule_id,
        evidence=_MODEL + _STEPS,
    )


def _review(
    rule: PainMonitoring,
    day: date,
    level: float,
    period: Sequence[ExercisePain],
    week: _Week,
    previous: _Week | None,
) -> ExerciseLoadDecision:
    breach = _weekly_breach(rule, week, previous)
    if breach is not None:
        return _reduce(day, level, max(rule.lowest, level - rule.reduce_step), breach)
    sessions = sum(1 for r in period if r.during is not None)
    if sessions < rule.min_sessions or week.morning is None:
        texts = (
            "Keep the same amount this week. We need your answers on at least "
            f"{rule.min_sessions} exercise days, and how it felt the next morning.",
            f"{sessions} session(s) reported (needs {rule.min_sessions}), morning ratings "
            f"{'none' if week.morning is None else 'given'}; missing reports never count",
        )
        return _hold(day, level, "PM-FEW-SESSIONS", texts)
    after = min(rule.highest, level + rule.progress_step)
    if after <= level:
        texts = (
            "Well done. You are at the most this plan allows. Your therapist will review it.",
            "within the rules, at the highest dose the rule sets",
        )
        return _hold(day, level, "PM-PROGRESS", texts)
    return ExerciseLoadDecision(
        day=day,
        action=LoadAction.PROGRESS,
        level_before=level,
        level_after=after,
        reason=f"Well done: the pain stayed within the limits and settled each morning. From "
        f"tomorrow, do a bit more: {_pct(after)} of the amount your therapist set.",
        clinician_note=f"week within the rules ({sessions} sessions, worst during "
        f"{_fmt(week.worst or 0)}/10, mean morning {_fmt(week.morning)}/10): progress "
        f"{_pct(level)} -> {_pct(after)}",
        rule_id="PM-PROGRESS",
        evidence=_MODEL + _ERROR + _STEPS,
    )


def scaled_dose(dose: str, level: float) -> str:
    """A dose text such as ``"3 x 15"`` scaled to ``level`` of it (repetitions rounded, at least
    1); a text without ``sets x reps`` gets the percentage in front."""
    match = re.search(r"(\d+)\s*[xX×]\s*(\d+)", dose)
    if level == 1.0:
        return dose
    if match is None:
        return f"{_pct(level)} of: {dose}"
    reps = max(1, round(int(match.group(2)) * level))
    return dose[: match.start(2)] + str(reps) + dose[match.end(2) :]
