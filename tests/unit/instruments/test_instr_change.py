"""interpret_change and responder: MCID, MDC, direction and the NPRS two-rule case."""

from __future__ import annotations

from dataclasses import replace

import pytest

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.adapters.knowledge import load_evidence
from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.instruments import ChangeCategory, interpret_change, responder

IMPROVED, WORSENED = ChangeCategory.IMPROVED, ChangeCategory.WORSENED
WITHIN, NONE = ChangeCategory.WITHIN_ERROR, ChangeCategory.NO_IMPORTANT_CHANGE


@pytest.mark.parametrize(
    ("before", "after", "category", "rule"),
    [
        (8, 6, IMPROVED, "2-point rule"),  # 2 points, 25 %
        (10, 7, IMPROVED, "2-point rule and 30 % rule"),  # 3 points, 30 %
        (4, 2, IMPROVED, "2-point rule and 30 % rule"),
        (3, 2, WITHIN, "MDC 2 points (not exceeded)"),  # 33 % but only 1 point
        (5, 8, WORSENED, "2-point rule and 30 % rule"),
        (0, 2, WORSENED, "2-point rule"),  # no percent change from 0
    ],
)
def test_nprs_two_rules(before: int, after: int, category: ChangeCategory, rule: str) -> None:
    result = interpret_change(get_instrument("nprs"), before, after)
    assert (result.category, result.rule_applied) == (category, rule)
    assert result.delta == after - before and result.threshold == 2


def test_nprs_percent_rule_alone_when_mdc_is_passed() -> None:
    nprs = get_instrument("nprs")
    no_mdc = replace(nprs, mdc=None)
    result = interpret_change(no_mdc, 3, 2)
    assert result.category is IMPROVED and result.rule_applied == "30 % rule"
    absolute = interpret_change(no_mdc, 3, 2, rule="absolute")
    assert absolute.category is NONE and absolute.rule_applied == "2-point rule (not reached)"
    percent = interpret_change(no_mdc, 8, 6, rule="percent")
    assert percent.category is NONE and percent.rule_applied == "30 % rule (not reached)"
    neither = interpret_change(no_mdc, 8, 7)
    assert neither.rule_applied == "2-point rule and 30 % rule (neither reached)"


def test_percent_change_is_relative_to_baseline() -> None:
    result = interpret_change(get_instrument("nprs"), 8, 6)
    assert result.percent_change == pytest.approx(-25.0)
    assert interpret_change(get_instrument("nprs"), 0, 3).percent_change is None


def test_higher_is_better_instruments_improve_upwards() -> None:
    lefs = get_instrument("lefs")
    assert interpret_change(lefs, 40, 50).category is IMPROVED
    assert interpret_change(lefs, 50, 40).category is WORSENED
    assert interpret_change(lefs, 40, 45).category is WITHIN


def test_odi_float_scores_reach_mcid_exactly() -> None:
    odi = get_instrument("odi")
    # 16/45 x 100 -> 23/90 x 100 = a 10-point drop computed from floats.
    result = interpret_change(odi, 16 / 45 * 100, 23 / 90 * 100)
    assert result.category is IMPROVED


def test_change_above_mdc_but_below_mcid_is_no_important_change() -> None:
    pseq = get_instrument("pseq")  # MCID 5.5, no MDC on file
    result = interpret_change(pseq, 30, 34)
    assert result.category is NONE and "below the important change" in result.explanation
    odi = replace(get_instrument("odi"), mdc=replace(get_instrument("odi").mdc, value=5))
    assert interpret_change(odi, 40, 33).category is NONE


def test_explanations_are_plain_sentences() -> None:
    nprs = get_instrument("nprs")
    assert "important improvement" in interpret_change(nprs, 8, 5).explanation
    assert "important worsening" in interpret_change(nprs, 5, 8).explanation
    assert "measurement error" in interpret_change(nprs, 5, 4).explanation


def test_evidence_keys_resolve() -> None:
    result = interpret_change(get_instrument("ndi"), 30, 15)
    assert result.evidence and not load_evidence().unresolved(result.evidence)


def test_instrument_without_mcid_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no minimal clinically important change"):
        interpret_change(get_instrument("csi"), 50, 30)
    with pytest.raises(InvalidInput):
        responder(get_instrument("dn4"), 5, 2)


def test_percent_rule_refused_where_none_on_file() -> None:
    with pytest.raises(InvalidInput, match="no percent-change rule"):
        interpret_change(get_instrument("lefs"), 40, 50, rule="percent")


@pytest.mark.parametrize(
    ("instrument_id", "baseline", "current", "expected"),
    [
        ("nprs", 7, 5, True),
        ("nprs", 10, 7, True),
        ("nprs", 9, 8, False),
        ("nprs", 3, 2, True),  # 33 % reduction: reached the percent MCID
        ("nprs", 4, 6, False),
        ("lefs", 40, 49, True),
        ("lefs", 40, 48, False),
        ("odi", 40, 40, False),
    ],
)
def test_responder(instrument_id: str, baseline: float, current: float, expected: bool) -> None:
    assert responder(get_instrument(instrument_id), baseline, current) is expected
