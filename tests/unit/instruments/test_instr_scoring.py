"""The generic scorer and answer parsing: behaviour that the conformance suite does not pin."""

from __future__ import annotations

from dataclasses import replace

import pytest

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.errors import InvalidAnswers
from painpath.domain.outcomes.instruments import (
    Band,
    Comparison,
    Condition,
    Option,
    compute_band,
    parse_answers,
    score,
)


@pytest.mark.parametrize(
    ("instrument_id", "raw", "message"),
    [
        ("odi", "1,2,3", "expected 10 answers, got 3"),
        ("odi", "1,2,3,4,5,0,1,2,3,6", "answer 10 is 6, allowed 0 to 5"),
        ("nprs", "four", "answer 1 ('four') is not a whole number"),
        ("nprs", "2.5", "not a whole number"),
        ("psfs", "1,2", "expected 3 to 5 answers, got 2"),
        ("psfs", "1,2,3,4,5,6", "expected 3 to 5 answers, got 6"),
        ("paindetect", "0,0,0,0,0,0,0,2,0", "answer 8 is 2, allowed -1 to 1"),
        ("startback", "0,0,0,0,0,0,0,0,5", "answer 9 is 5, allowed 0 to 4"),
        ("tsk-17", ",".join(["0"] * 17), "answer 1 is 0, allowed 1 to 4"),
        ("orebro-sf", "0," + ",".join(["0"] * 9), "answer 1 is 0, allowed 1 to 10"),
    ],
)
def test_malformed_answers_are_refused(instrument_id: str, raw: str, message: str) -> None:
    with pytest.raises(InvalidAnswers, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_answers(get_instrument(instrument_id), raw)


def test_score_validates_answers_given_directly() -> None:
    with pytest.raises(InvalidAnswers):
        score(get_instrument("nprs"), [11])


def test_empty_fields_and_spaces_parse_as_missing() -> None:
    assert parse_answers(get_instrument("phq-4"), " 1, ,2,3") == [1, None, 2, 3]


def test_allowed_values_listed_one_by_one_when_not_contiguous() -> None:
    odi = get_instrument("odi")
    gappy = replace(odi.items[0], options=(Option(0, "no", 0), Option(2, "yes", 2)))
    instrument = replace(odi, items=(gappy, *odi.items[1:]))
    with pytest.raises(InvalidAnswers, match="answer 1 is 1, allowed 0, 2"):
        parse_answers(instrument, "1,0,0,0,0,0,0,0,0,0")


def test_startback_item_9_scores_only_very_much_or_extremely() -> None:
    sb = get_instrument("startback")
    totals = [score(sb, [0] * 8 + [v]).total for v in range(5)]
    assert totals == [0, 0, 0, 1, 1]


def test_paindetect_radiating_pain_adds_two() -> None:
    pd = get_instrument("paindetect")
    assert score(pd, [0] * 8 + [1]).total == 2
    assert score(pd, [0] * 7 + [1, 0]).total == 1


def test_quickdash_needs_ten_of_eleven() -> None:
    qd = get_instrument("quickdash")
    assert score(qd, [2] * 10 + [None]).total == pytest.approx(25.0)
    result = score(qd, [2] * 9 + [None, None])
    assert (result.valid, result.total, result.missing) == (False, None, (10, 11))
    assert "at least 10 of the 11" in result.messages[0]


def test_bpi_interference_valid_with_four_of_seven() -> None:
    bpi = get_instrument("bpi-interference")
    assert score(bpi, [4, 6, 2, 8, None, None, None]).total == pytest.approx(5.0)
    assert score(bpi, [4, 6, 2, None, None, None, None]).valid is False


def test_fabq_has_subscales_and_no_total() -> None:
    fabq = get_instrument("fabq")
    result = score(fabq, [6] * 16)
    assert result.total is None and result.valid
    assert dict(result.subscales) == {"physical_activity": 24, "work": 42}
    gap = score(fabq, [6] * 5 + [None] + [6] * 10)
    assert gap.valid is False and gap.subscales == {"physical_activity": 24, "work": None}


def test_unscored_fabq_item_may_be_missing() -> None:
    result = score(get_instrument("fabq"), [None] + [3] * 15)
    assert result.valid and result.missing == (1,)


def test_spadi_subscale_can_fail_while_total_is_valid() -> None:
    result = score(get_instrument("spadi"), [None, None] + [5] * 11)
    assert result.valid and result.subscales["pain"] is None
    assert result.total == pytest.approx(50.0)


def test_psfs_scores_only_the_activities_given() -> None:
    psfs = get_instrument("psfs")
    assert score(psfs, [2, 4, 6, 8]).total == pytest.approx(5.0)
    assert score(psfs, [2, None, 6]).valid is False


def test_nprs_empty_answer_is_missing_not_malformed() -> None:
    nprs = get_instrument("nprs")
    result = score(nprs, parse_answers(nprs, ""))
    assert (result.valid, result.total, result.missing) == (False, None, (1,))


@pytest.mark.parametrize(
    ("value", "band"), [(0, "none"), (3, "mild"), (4, "moderate"), (10, "excruciating")]
)
def test_nprs_bands(value: int, band: str) -> None:
    assert score(get_instrument("nprs"), [value]).band == band


def test_band_by_upper_bound_inclusive_for_non_integer_scores() -> None:
    bands = (
        Band("a", "A", (Condition("total", Comparison.LE, 20),), ("x",), upper=20),
        Band("b", "B", (Condition("total", Comparison.LT, 40.5),), ("x",)),
        Band("c", "C", (Condition("total", Comparison.GT, 40.5),), ("x",)),
        Band("d", "D", (Condition("other", Comparison.GE, 1),), ("x",)),
    )
    odi = get_instrument("odi")
    inst = replace(odi, bands=bands)
    assert compute_band(inst, {"total": 20.0}) == "a"
    assert compute_band(inst, {"total": 20.0000001}) == "b"
    assert compute_band(inst, {"total": 41.0}) == "c"
    assert compute_band(inst, {"total": 40.5, "other": 1}) == "d"
    assert compute_band(inst, {"total": 40.5}) is None
    assert compute_band(inst, {"total": None}) is None


def test_score_spec_lookup() -> None:
    pcs = get_instrument("pcs")
    assert pcs.score_spec("rumination").items == (8, 9, 10, 11)
    with pytest.raises(KeyError):
        pcs.score_spec("nope")


def test_options_unpack_as_value_label_score() -> None:
    value, label, points = get_instrument("startback").items[8].options[3]
    assert (value, label, points) == (3, "Very much", 1.0)
