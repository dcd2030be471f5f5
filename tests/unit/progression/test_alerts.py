"""Clinician alerts, one rule at a time, and their ordering by urgency."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from painpath.adapters.knowledge import load_evidence
from painpath.domain.assessment.screening import RedFlag, evaluate_red_flags
from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.alerts import AlertPolicy, Phq4Screen, Severity, evaluate_alerts
from painpath.domain.outcomes.tracking import evaluate_responder
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import Action, Decision

S = date(2026, 3, 2)
TODAY = S + timedelta(days=30)


class Odi:
    id = "odi"
    direction = "lower_is_better"
    mcid = 10.0
    mdc = 10.0


def ci(n: int, flare: bool = False) -> CheckIn:
    return CheckIn(day=S + timedelta(days=n), pain_now=3, pain_worst=4, flare=flare)


def every_day(last: int = 30) -> dict[date, CheckIn]:
    return {S + timedelta(days=n): ci(n) for n in range(last)}


def dec(
    n: int, before: float | None, after: float | None, action: Action = Action.HOLD
) -> Decision:
    return Decision(S + timedelta(days=n), action, before, after, "r", "c", "GA-X", ("x",))


def codes(**kwargs: object) -> list[str]:
    base: dict[str, object] = {"today": TODAY, "episode_start": S, "checkins": every_day()}
    base.update(kwargs)
    return [a.code for a in evaluate_alerts(**base)]  # type: ignore[arg-type]


def test_quiet_episode_has_no_alerts() -> None:
    assert codes() == []


def flags(**facts: bool) -> tuple[RedFlag, ...]:
    """The red flags the assessment's rules raise on these facts (answers, signs, context)."""
    return evaluate_red_flags(facts).red_flags


def red_alerts(**facts: bool) -> list[tuple[Severity, str, str]]:
    alerts = evaluate_alerts(
        today=TODAY, episode_start=S, checkins=every_day(), red_flags=flags(**facts)
    )
    return [(a.severity, str(a.facts["condition"]), str(a.facts["urgency"])) for a in alerts]


def test_an_emergency_red_flag_is_an_urgent_alert_with_its_reason_and_sources() -> None:
    raised = flags(ces_saddle_numbness=True, ces_bladder=True)
    alerts = evaluate_alerts(today=TODAY, episode_start=S, checkins=every_day(), red_flags=raised)
    assert [(a.code, a.severity) for a in alerts] == [("red_flag", Severity.URGENT)]
    alert = alerts[0]
    assert alert.facts["condition"] == "cauda_equina" and alert.facts["urgency"] == "emergency"
    assert alert.facts["triggered_by"] == ", ".join(raised[0].triggered_by)
    assert "ces_saddle_numbness" in str(alert.facts["triggered_by"])
    assert "emergency assessment now" in alert.message
    assert raised[0].referral in alert.message and raised[0].findings[0] in alert.message
    assert alert.evidence == raised[0].evidence and alert.evidence


def test_alert_urgency_follows_the_red_flag_rules() -> None:
    assert red_alerts(fever_with_spinal_pain=True) == [(Severity.URGENT, "infection", "urgent")]
    assert red_alerts(cancer_history=True) == [(Severity.HIGH, "cancer", "soon")]
    # one answer alone that no rule turns into a flag raises no alert ...
    assert red_alerts(pain_worse_straining=True) == []
    assert red_alerts(ibp_onset_before_40=True, ibp_insidious_onset=True) == []
    # ... and the same answers in a combination the rules call urgent do (NICE NG234)
    combined = red_alerts(
        cancer_history=True, spinal_pain=True, thoracic_pain=True, age_over_50=True
    )
    assert combined and combined[0][0] is Severity.URGENT and combined[0][1] == "cancer"


def test_every_red_flag_the_assessment_raises_is_one_alert_most_urgent_first() -> None:
    raised = flags(cancer_history=True, major_trauma=True, ces_bowel=True)
    got = red_alerts(cancer_history=True, major_trauma=True, ces_bowel=True)
    assert sorted(c for _, c, _ in got) == sorted(f.condition.value for f in raised)
    # cancer history with a neurological symptom is suspected cord compression (NICE NG234)
    assert [(c, u) for _, c, u in got] == [
        ("cauda_equina", "emergency"),
        ("cord_compression", "emergency"),
        ("fracture", "urgent"),
        ("cancer", "soon"),
    ]


def test_worsening_beyond_mdc_only() -> None:
    worse = evaluate_responder(Odi(), baseline=30, latest=40)
    within = evaluate_responder(Odi(), baseline=30, latest=39)
    assert codes(responders=[worse, within]) == ["worsening"]


def test_phq4_subscales_of_three_or_more_are_positive() -> None:
    assert codes(phq4=Phq4Screen(anxiety=2, depression=2)) == []
    assert codes(phq4=Phq4Screen(anxiety=3, depression=2)) == ["anxiety_screen"]
    assert codes(phq4=Phq4Screen(anxiety=3, depression=6)) == [
        "anxiety_screen",
        "depression_screen",
    ]
    with pytest.raises(InvalidInput):
        Phq4Screen(anxiety=7, depression=0)


def test_three_flares_in_fourteen_days() -> None:
    checkins = every_day()
    for n in (17, 25):
        checkins[S + timedelta(days=n)] = ci(n, flare=True)
    assert codes(checkins=checkins) == []
    checkins[S + timedelta(days=29)] = ci(29, flare=True)
    assert codes(checkins=checkins) == ["repeated_flares"]
    checkins[S + timedelta(days=10)] = ci(10, flare=True)  # outside the window: no change
    assert codes(checkins=checkins) == ["repeated_flares"]


def test_three_consecutive_missed_days_up_to_yesterday() -> None:
    checkins = every_day(28)  # days 28 and 29 missing, today (30) not yet due
    assert codes(checkins=checkins) == []
    checkins = every_day(27)
    alerts = evaluate_alerts(today=TODAY, episode_start=S, checkins=checkins)
    assert [(a.code, a.facts["days"]) for a in alerts] == [("missed_checkins", 3)]


def test_missed_days_never_count_before_the_episode() -> None:
    assert codes(today=S + timedelta(days=2), checkins={}) == []
    assert codes(today=S + timedelta(days=3), checkins={}) == ["missed_checkins"]


def test_quota_unchanged_for_three_weeks_is_a_plateau() -> None:
    decisions = [dec(0, None, 14, Action.START)] + [dec(n, 14, 14) for n in range(1, 31)]
    assert codes(decisions=decisions) == ["plateau"]
    decisions[10] = dec(10, 14, 15.4, Action.PROGRESS)
    decisions[11:] = [dec(n, 15.4, 15.4) for n in range(11, 31)]
    assert codes(decisions=decisions) == []  # unchanged for 20 days only


def test_goal_reached_is_not_a_plateau() -> None:
    decisions = [dec(0, None, 14, Action.START)] + [dec(n, 14, 14) for n in range(1, 31)]
    decisions[7] = dec(7, 14, 14, Action.CEILING_REACHED)
    assert codes(decisions=decisions) == []
    assert codes(decisions=[dec(0, None, None, Action.BASELINE_NEEDED)]) == []


def test_alerts_are_sorted_by_urgency_and_cite_evidence() -> None:
    checkins = every_day(25)
    for n in (20, 22, 24):
        checkins[S + timedelta(days=n)] = ci(n, flare=True)
    decisions = [dec(0, None, 14, Action.START)] + [dec(n, 14, 14) for n in range(1, 31)]
    alerts = evaluate_alerts(
        today=TODAY,
        episode_start=S,
        checkins=checkins,
        decisions=decisions,
        responders=[evaluate_responder(Odi(), baseline=20, latest=35)],
        red_flags=flags(fever_with_spinal_pain=True),
        phq4=Phq4Screen(anxiety=0, depression=4),
        policy=AlertPolicy(),
    )
    severities = [a.severity for a in alerts]
    order = [Severity.URGENT, Severity.HIGH, Severity.MEDIUM, Severity.LOW]
    assert severities == sorted(severities, key=order.index)
    assert [a.code for a in alerts] == [
        "red_flag",
        "depression_screen",
        "worsening",
        "missed_checkins",
        "repeated_flares",
        "plateau",
    ]
    catalogue = load_evidence()
    for a in alerts:
        assert a.message and a.evidence and catalogue.unresolved(a.evidence) == []


def test_today_before_episode_is_refused() -> None:
    with pytest.raises(InvalidInput):
        evaluate_alerts(today=S - timedelta(days=1), episode_start=S, checkins={})


def test_repeated_flares_show_the_pattern_and_low_adherence_asks_about_barriers() -> None:
    from painpath.domain.progression.engine import run_engine
    from painpath.domain.progression.policy import Baseline, GradedActivityPolicy

    start = date(2026, 3, 2)
    today = start + timedelta(days=21)
    checkins = {
        start + timedelta(days=n): CheckIn(
            day=start + timedelta(days=n),
            pain_now=4,
            pain_worst=6,
            quota_done=20 if n % 2 else 0,  # the plan kept on about half the days
            flare=n in (15, 17, 19),
            flare_severity=3 if n == 19 else None,
        )
        for n in range(1, 21)
    }
    decisions = run_engine(
        GradedActivityPolicy(),
        Baseline.from_measurements([20, 20, 20], pain=4),
        checkins,
        start=start,
        end=today - timedelta(days=1),
    )
    alerts = {
        a.code: a
        for a in evaluate_alerts(
            today=today, episode_start=start, checkins=checkins, decisions=decisions
        )
    }
    flares = alerts["repeated_flares"]
    assert (
        flares.facts["flares"] == 3 and "severe" in flares.message and "moderate" in flares.message
    )
    assert "not cut" in flares.message
    assert "low_adherence" in alerts and "barriers" in alerts["low_adherence"].message
    assert all(d.quota_after is None or d.quota_after >= 14 * 0.5 for d in decisions)
