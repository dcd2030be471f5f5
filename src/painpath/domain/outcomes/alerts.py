"""Clinician alerts: things a therapist should look at, most urgent first. Pure.

Severity and thresholds:

* ``red_flag``: one alert per red flag raised by the assessment's red-flag rules
  (``domain.assessment.red_flags``, evaluated in context by ``screening.evaluate_red_flags``):
  an emergency or urgent flag is an urgent alert, a "soon" flag a high one; a "yes" answer that
  no rule turns into a flag raises no alert. The alert carries the rule's reason (the triggering
  answers and findings, the referral text) and its citations. Never auto-dismissed.
* ``worsening`` (high): an instrument worsened by at least its MDC (responder status
  ``worsened``; MDCs from the instrument catalogue).
* ``depression_screen`` / ``anxiety_screen`` (high): PHQ-2 or GAD-2 subscale >= 3 (kroenke2009).
  A screen, not a diagnosis.
* ``repeated_flares`` (medium): >= 3 flares within 14 days (alert_defaults, unverified); the
  message shows the pattern (day, severity, amount done) and asks for a review, never a cut.
* ``low_adherence`` (medium): the last 2 reviews held because the plan was not kept on most
  days: a conversation about barriers, never a lower target (adherence_rule, alert_defaults).
* ``missed_checkins`` (medium): >= 3 consecutive days without a check-in up to yesterday
  (alert_defaults, unverified). Today is not counted: the day is not over.
* ``plateau`` (low): quota unchanged for >= 21 days below the goal (alert_defaults, unverified).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from painpath.domain.assessment.screening import RedFlag, Urgency
from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.tracking import ResponderResult, ResponderStatus
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.policy import Action, Decision

__all__ = [
    "Alert",
    "AlertPolicy",
    "DecisionFacts",
    "Phq4Screen",
    "Severity",
    "evaluate_alerts",
    "fold_decisions",
    "record_alerts",
]


class Severity(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


_RANK = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}
Fact = str | int | float


@dataclass(frozen=True, slots=True)
class Alert:
    code: str
    severity: Severity
    message: str  # for the clinician
    facts: Mapping[str, Fact] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Phq4Screen:
    """PHQ-4 subscales, each 0-6: GAD-2 (items 1+2) and PHQ-2 (items 3+4) (kroenke2009)."""

    anxiety: int
    depression: int

    def __post_init__(self) -> None:
        for name, value in (("anxiety", self.anxiety), ("depression", self.depression)):
            if not 0 <= value <= 6:
                raise InvalidInput(f"PHQ-4 {name} subscale must be 0-6, got {value}")


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    missed_days: int = 3
    flare_count: int = 3
    flare_window_days: int = 14
    plateau_days: int = 21
    adherence_reviews: int = 2  # alert_defaults: two held reviews in a row -> barriers talk
    phq4_positive: int = 3  # kroenke2009: each subscale >= 3 is a positive screen


def evaluate_alerts(
    *,
    today: date,
    episode_start: date,
    checkins: Mapping[date, CheckIn],
    decisions: Sequence[Decision] = (),
    responders: Sequence[ResponderResult] = (),
    red_flags: Sequence[RedFlag] = (),
    phq4: Phq4Screen | None = None,
    policy: AlertPolicy | None = None,
    facts: DecisionFacts | None = None,
    recorded: Sequence[Alert] | None = None,
) -> list[Alert]:
    """Every alert that applies on ``today``, most urgent first (then by code).

    ``facts``: what the decision alerts need, folded from the decisions (``fold_decisions``);
    when given, ``decisions`` is not read (a caller resuming the engine keeps the facts instead
    of every decision). ``recorded``: ``record_alerts`` of the same policy, kept by the
    caller; when given, ``responders``, ``red_flags`` and ``phq4`` are not read.
    """
    if today < episode_start:
        raise InvalidInput(f"today ({today}) is before the episode start ({episode_start})")
    policy = policy or AlertPolicy()
    if facts is None:
        facts = _facts(today, decisions)
    if recorded is None:
        recorded = record_alerts(
            responders=responders, red_flags=red_flags, phq4=phq4, policy=policy
        )
    alerts = [
        *recorded,
        *_flares(today, checkins, policy),
        *_missed(today, episode_start, checkins, policy),
        *_low_adherence(facts, policy),
        *_plateau(today, facts, policy),
    ]
    return sorted(alerts, key=lambda a: (_RANK[a.severity], a.code))


def record_alerts(
    *,
    responders: Sequence[ResponderResult] = (),
    red_flags: Sequence[RedFlag] = (),
    phq4: Phq4Screen | None = None,
    policy: AlertPolicy | None = None,
) -> list[Alert]:
    """The alerts that come from the patient's records alone (red flags, instruments worse
    beyond measurement error, a positive PHQ-4 screen), in the order ``evaluate_alerts``
    takes them before its (stable) sort. They depend neither on the day nor on the
    check-ins, so a caller may keep them with the records they came from and pass them back
    as ``recorded``."""
    policy = policy or AlertPolicy()
    return [*_red_flags(red_flags), *_worsening(responders), *_mood(phq4, policy)]


# The alert severity of a red flag's urgency (``Urgency.NONE`` raises no flag, so no alert).
_FLAG_SEVERITY = {
    Urgency.EMERGENCY: Severity.URGENT,
    Urgency.URGENT: Severity.URGENT,
    Urgency.SOON: Severity.HIGH,
}


def _red_flags(flags: Sequence[RedFlag]) -> list[Alert]:
    alerts = []
    for flag in sorted(flags, key=lambda f: (-f.urgency, f.condition.value)):
        severity = _FLAG_SEVERITY.get(flag.urgency)
        if severity is None:
            continue
        condition = flag.condition.value.replace("_", " ")
        found = "; ".join(flag.findings)
        alerts.append(
            Alert(
                "red_flag",
                severity,
                f"Red flag: possible {condition} ({flag.urgency.label}: {flag.urgency.action}). "
                f"{flag.description} Found: {found}. {flag.referral}".strip(),
                {
                    "condition": flag.condition.value,
                    "urgency": flag.urgency.label,
                    "triggered_by": ", ".join(flag.triggered_by),
                },
                flag.evidence,
            )
        )
    return alerts


def _worsening(responders: Sequence[ResponderResult]) -> list[Alert]:
    return [
        Alert(
            "worsening",
            Severity.HIGH,
            f"Worse beyond measurement error on {r.instrument_id}: {r.message}",
            {"instrument": r.instrument_id, "baseline": r.baseline, "latest": r.latest},
            r.evidence,
        )
        for r in responders
        if r.status is ResponderStatus.WORSENED
    ]


def _mood(phq4: Phq4Screen | None, policy: AlertPolicy) -> list[Alert]:
    if phq4 is None:
        return []
    alerts = []
    for code, label, value in (
        ("depression_screen", "PHQ-2 (depression)", phq4.depression),
        ("anxiety_screen", "GAD-2 (anxiety)", phq4.anxiety),
    ):
        if value >= policy.phq4_positive:
            alerts.append(
                Alert(
                    code,
                    Severity.HIGH,
                    f"Positive {label} screen: {value}/6 (>= {policy.phq4_positive}). "
                    "A screen, not a diagnosis: follow up.",
                    {"score": value, "threshold": policy.phq4_positive},
                    ("kroenke2009",),
                )
            )
    return alerts


def _flares(today: date, checkins: Mapping[date, CheckIn], policy: AlertPolicy) -> list[Alert]:
    first = today - timedelta(days=policy.flare_window_days - 1)
    days = sorted(d for d, c in checkins.items() if first <= d <= today and c.flare)
    if len(days) < policy.flare_count:
        return []
    words = {1: "mild", 2: "moderate", 3: "severe"}
    pattern = "; ".join(
        f"{d.strftime('%a %d %b')} ({words.get(checkins[d].flare_severity or 2, 'moderate')}"
        f", {checkins[d].quota_done:g} done)"
        for d in days
    )
    return [
        Alert(
            "repeated_flares",
            Severity.MEDIUM,
            f"{len(days)} flare-ups in the last {policy.flare_window_days} days: {pattern}. "
            "Review the pattern with the patient (triggers, load, sleep, stress) and the set-back "
            "plan. The plan is not cut for repeated flares.",
            {"flares": len(days), "window_days": policy.flare_window_days},
            ("alert_defaults", "nicholas2011"),
        )
    ]


def _low_adherence(facts: DecisionFacts, policy: AlertPolicy) -> list[Alert]:
    recent = facts.review_rules[-policy.adherence_reviews :]
    held = ("GA-HOLD-ADHERENCE", "GA-PLATEAU")
    if len(recent) < policy.adherence_reviews or any(r not in held for r in recent):
        return []
    return [
        Alert(
            "low_adherence",
            Severity.MEDIUM,
            f"The plan was not kept on most days at the last {len(recent)} reviews: talk about "
            "barriers (time, worry about pain, mood, practical obstacles). The target is held, "
            "not lowered.",
            {"reviews": len(recent)},
            ("adherence_rule", "nicholas2012"),
        )
    ]


def _missed(
    today: date, start: date, checkins: Mapping[date, CheckIn], policy: AlertPolicy
) -> list[Alert]:
    streak, day = 0, today - timedelta(days=1)
    while day >= start and day not in checkins:
        streak, day = streak + 1, day - timedelta(days=1)
    if streak < policy.missed_days:
        return []
    return [
        Alert(
            "missed_checkins",
            Severity.MEDIUM,
            f"No check-in for {streak} days in a row: contact the patient.",
            {"days": streak},
            ("alert_defaults",),
        )
    ]


def _plateau(today: date, facts: DecisionFacts, policy: AlertPolicy) -> list[Alert]:
    since = facts.change_day or facts.first_day
    if since is None or facts.last_quota_after is None or facts.ceiling_since_change:
        return []  # no decision or no quota yet; or unchanged because the goal is reached
    stuck = (today - since).days
    if stuck < policy.plateau_days:
        return []
    return [
        Alert(
            "plateau",
            Severity.LOW,
            f"Activity quota unchanged for {stuck} days: review goal, baseline and barriers.",
            {"days": stuck, "quota": facts.last_quota_after},
            ("alert_defaults", "graded_activity_defaults"),
        )
    ]


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    """What the decision alerts read from the engine's decisions (day order), kept so that a
    caller stepping the engine day by day can add one decision at a time (``add``).

    ``review_rules``: rule ids of the latest reviews other than flare resets, oldest first.
    ``first_day``: the first decision's day. ``change_day``: the last day whose decision
    changed the quota. ``ceiling_since_change``: a later decision found the goal reached.
    ``last_quota_after``: the last decision's quota from the next day.
    """

    review_rules: tuple[str, ...] = ()
    first_day: date | None = None
    change_day: date | None = None
    ceiling_since_change: bool = False
    last_quota_after: float | None = None

    def add(self, decision: Decision, *, keep: int) -> DecisionFacts:
        """These facts with ``decision`` (the day after the last one) added; ``keep``: how
        many review rule ids to remember (at least ``AlertPolicy.adherence_reviews``)."""
        first = decision.day if self.first_day is None else self.first_day
        rules = self.review_rules
        if decision.is_review and decision.action is not Action.FLARE_RESET:
            rules = (*rules, decision.rule_id)[-keep:] if keep > 0 else ()
        change, ceiling = self.change_day, self.ceiling_since_change
        if decision.quota_after != decision.quota_before:
            change, ceiling = decision.day, False
        elif decision.action is Action.CEILING_REACHED and decision.day > (change or first):
            ceiling = True
        return DecisionFacts(rules, first, change, ceiling, decision.quota_after)


def _facts(today: date, decisions: Sequence[Decision]) -> DecisionFacts:
    """Facts of decisions as a caller passed them: every review in the order given, the
    quota's history from the decisions up to ``today``."""
    rules = tuple(
        d.rule_id for d in decisions if d.is_review and d.action is not Action.FLARE_RESET
    )
    active = [d for d in decisions if d.day <= today]
    return replace(fold_decisions(active, keep=len(rules)), review_rules=rules)


def fold_decisions(decisions: Sequence[Decision], *, keep: int) -> DecisionFacts:
    """The facts of ``decisions`` (any order: they are taken by day)."""
    facts = DecisionFacts()
    for decision in sorted(decisions, key=lambda d: d.day):
        facts = facts.add(decision, keep=keep)
    return facts
