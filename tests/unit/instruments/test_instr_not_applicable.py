"""'Not applicable' where the form allows it: ODI section 8 and the published rule
score = total / (5 x answered sections) x 100 (Fairbank 2000; evidence odi_not_applicable)."""

from __future__ import annotations

import pytest

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.errors import InvalidAnswers
from painpath.domain.outcomes.instruments import parse_answers, parse_response, score

ODI = get_instrument("odi")
NA = 8  # sex life (if applicable)


def _with_na(values: list[int]) -> list[int | None]:
    answers: list[int | None] = list(values)
    answers.insert(NA - 1, None)
    return answers


def test_only_odi_section_8_allows_not_applicable() -> None:
    assert [i.number for i in ODI.items if i.not_applicable] == [NA]
    ndi = get_instrument("ndi")  # Vernon's form has no "not applicable" for driving
    assert not any(i.not_applicable for i in ndi.items)


def test_not_applicable_drops_five_from_the_denominator() -> None:
    # 16 points over 9 answered sections: 16 / 45 x 100 (the form's worked example)
    answers = _with_na([2, 2, 2, 2, 2, 2, 2, 1, 1])
    result = score(ODI, answers, not_applicable=[NA])
    assert result.valid and result.total == pytest.approx(16 / 45 * 100)
    assert result.not_applicable == (NA,) and result.missing == ()


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (5, 100.0)])
def test_edges_with_not_applicable(value: int, expected: float) -> None:
    result = score(ODI, _with_na([value] * 9), not_applicable=[NA])
    assert result.total == pytest.approx(expected)


def test_same_total_as_answering_every_section_when_scores_match() -> None:
    full = score(ODI, [3] * 10).total
    assert score(ODI, _with_na([3] * 9), not_applicable=[NA]).total == full == 60.0


def test_not_applicable_counts_towards_the_one_section_allowance() -> None:
    answers = _with_na([1] * 9)
    answers[0] = None  # a second unanswered section
    result = score(ODI, answers, not_applicable=[NA])
    assert not result.valid and result.total is None
    assert result.missing == (1,) and result.not_applicable == (NA,)
    assert "missing or not applicable" in result.messages[0]


def test_not_applicable_is_refused_where_the_form_does_not_offer_it() -> None:
    answers = _with_na([1] * 9)
    answers[NA - 1], answers[0] = 1, None
    with pytest.raises(InvalidAnswers, match="no 'not applicable' choice"):
        score(ODI, answers, not_applicable=[1])
    with pytest.raises(InvalidAnswers, match="item 11 cannot be 'not applicable'"):
        score(ODI, answers, not_applicable=[11])
    with pytest.raises(InvalidAnswers, match="both answered and 'not applicable'"):
        score(ODI, [1] * 10, not_applicable=[NA])


def test_answers_string_marks_not_applicable_with_na() -> None:
    answers, skipped = parse_response(ODI, "1,1,1,1,1,1,1,NA,1,1")
    assert answers[NA - 1] is None and skipped == {NA}
    with pytest.raises(InvalidAnswers, match="no 'not applicable' choice"):
        parse_response(ODI, "na,1,1,1,1,1,1,1,1,1")
    with pytest.raises(InvalidAnswers, match="parse_response"):
        parse_answers(ODI, "1,1,1,1,1,1,1,na,1,1")
