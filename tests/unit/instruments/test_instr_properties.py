"""Invariants over the whole catalogue (Hypothesis): range and direction of every score."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.adapters.instrument_catalogue import load_catalogue
from painpath.domain.outcomes.instruments import Instrument, score
from strategies_instruments import answers_with_gaps, complete_answers

CATALOGUE = load_catalogue()
IDS = sorted(CATALOGUE)


def _scores(instrument: Instrument, answers: list[int | None]) -> dict[str, float | None]:
    result = score(instrument, answers)
    return {"total": result.total, **result.subscales}


@pytest.mark.parametrize("instrument_id", IDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_scores_stay_in_declared_range(instrument_id: str, data: st.DataObject) -> None:
    instrument = CATALOGUE[instrument_id]
    answers = data.draw(answers_with_gaps(instrument))
    values = _scores(instrument, answers)
    for spec in instrument.scores:
        value = values[spec.name]
        if value is not None:
            assert spec.minimum - 1e-9 <= value <= spec.maximum + 1e-9


@pytest.mark.parametrize("instrument_id", IDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_complete_forms_are_valid_and_banded(instrument_id: str, data: st.DataObject) -> None:
    instrument = CATALOGUE[instrument_id]
    result = score(instrument, data.draw(complete_answers(instrument)))
    assert result.valid and result.missing == ()
    assert (result.band is not None) == bool(instrument.bands)


@pytest.mark.parametrize("instrument_id", IDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_raising_one_answer_moves_scores_in_the_item_direction(
    instrument_id: str, data: st.DataObject
) -> None:
    """A higher answer never lowers a normal item's scores and never raises a reversed item's."""
    instrument = CATALOGUE[instrument_id]
    answers = data.draw(complete_answers(instrument))
    index = data.draw(st.integers(0, len(answers) - 1))
    item = instrument.items[index]
    higher = [v for v in item.values if answers[index] is not None and v > answers[index]]
    if not higher:
        return  # already at the top answer: nothing to raise
    raised = list(answers)
    raised[index] = data.draw(st.sampled_from(higher))
    before, after = _scores(instrument, answers), _scores(instrument, raised)
    for spec in instrument.scores:
        b, a = before[spec.name], after[spec.name]
        assert b is not None and a is not None
        if item.number not in spec.items:
            assert a == b
        elif item.reverse:
            assert a <= b + 1e-9
        else:
            assert a >= b - 1e-9
