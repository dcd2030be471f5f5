"""Hypothesis strategies for outcome instruments (used by tests/unit/instruments)."""

from __future__ import annotations

from hypothesis import strategies as st

from painpath.domain.outcomes.instruments import Instrument


def complete_answers(instrument: Instrument) -> st.SearchStrategy[list[int | None]]:
    """A fully answered form: one valid option value per item (all items, PSFS: 3-5)."""

    def build(count: int) -> st.SearchStrategy[list[int | None]]:
        return st.tuples(*(st.sampled_from(item.values) for item in instrument.items[:count])).map(
            list
        )

    return st.integers(instrument.fewest_answers, len(instrument.items)).flatmap(build)


def answers_with_gaps(instrument: Instrument) -> st.SearchStrategy[list[int | None]]:
    """A form where any item may be left empty."""

    def blank(answers: list[int | None], mask: list[bool]) -> list[int | None]:
        return [None if drop else a for a, drop in zip(answers, mask, strict=False)]

    return complete_answers(instrument).flatmap(
        lambda answers: st.lists(st.booleans(), min_size=len(answers), max_size=len(answers)).map(
            lambda mask: blank(answers, mask)
        )
    )
