"""The one generic scorer: every instrument is scored by the same code from its data.

Answers are the numbers read off the paper form, in item order (``None`` = left empty). The
option table of each item turns an answer into its item score, so reverse scoring, "scores 1
only for 3 or 4" and "+2 when yes" are data, not branches. Scores are returned unrounded.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from painpath.domain.errors import InvalidAnswers
from painpath.domain.outcomes.instruments.model import (
    Formula,
    FormulaKind,
    Instrument,
    Item,
    ScoreSpec,
)
from painpath.domain.outcomes.instruments.result import ScoreResult

__all__ = [
    "NOT_APPLICABLE_TOKEN",
    "compute_band",
    "parse_answers",
    "parse_response",
    "score",
    "validate_answers",
]

# How "not applicable" is written in an answers string (``painpath score``): ``1,2,na,3``.
NOT_APPLICABLE_TOKEN = "na"


def parse_answers(instrument: Instrument, raw: str) -> list[int | None]:
    """Parse ``"A1,A2,...,An"`` (an empty field = a missing item) and validate it.

    Raises InvalidAnswers for a non-numeric field, a wrong number of fields or a value that is
    not one of the item's options.
    """
    answers, not_applicable = parse_response(instrument, raw)
    if not_applicable:
        raise InvalidAnswers(
            f"{instrument.id}: 'na' (not applicable) needs parse_response, not parse_answers"
        )
    return answers


def parse_response(instrument: Instrument, raw: str) -> tuple[list[int | None], frozenset[int]]:
    """Parse ``"A1,A2,...,An"`` where an empty field is a missing item and ``na`` marks an item
    "not applicable" (only where the form allows it). Returns the answers (``None`` for empty
    and not-applicable items) and the item numbers marked not applicable.
    """
    answers: list[int | None] = []
    not_applicable: set[int] = set()
    for position, field_text in enumerate(raw.split(","), start=1):
        text = field_text.strip()
        if not text:
            answers.append(None)
            continue
        if text.lower() == NOT_APPLICABLE_TOKEN:
            answers.append(None)
            not_applicable.add(position)
            continue
        try:
            answers.append(int(text))
        except ValueError:
            raise InvalidAnswers(
                f"{instrument.id}: answer {position} ({text!r}) is not a whole number"
            ) from None
    validate_answers(instrument, answers, not_applicable=not_applicable)
    return answers, frozenset(not_applicable)


def validate_answers(
    instrument: Instrument,
    answers: Sequence[int | None],
    *,
    not_applicable: Collection[int] = (),
) -> None:
    """Check the count, that every given answer is one of its item's option values, and that
    "not applicable" is used only on items whose form offers it and that were left empty."""
    count, most = len(answers), len(instrument.items)
    fewest = instrument.fewest_answers
    if not fewest <= count <= most:
        expected = str(most) if fewest == most else f"{fewest} to {most}"
        raise InvalidAnswers(f"{instrument.id}: expected {expected} answers, got {count}")
    for item, answer in zip(instrument.items, answers, strict=False):
        if answer is not None and item.option_for(answer) is None:
            raise InvalidAnswers(
                f"{instrument.id}: answer {item.number} is {answer}, allowed {_allowed(item)}"
            )
    for number in sorted(not_applicable):
        if not 1 <= number <= count:
            raise InvalidAnswers(f"{instrument.id}: item {number} cannot be 'not applicable'")
        item = instrument.items[number - 1]
        if not item.not_applicable:
            raise InvalidAnswers(
                f"{instrument.id}: item {number} ({item.label}) has no 'not applicable' choice"
            )
        if answers[number - 1] is not None:
            raise InvalidAnswers(
                f"{instrument.id}: item {number} is both answered and 'not applicable'"
            )


def _allowed(item: Item) -> str:
    values = sorted(item.values)
    if values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]} to {values[-1]}"
    return ", ".join(str(v) for v in values)


def score(
    instrument: Instrument,
    answers: Sequence[int | None],
    *,
    not_applicable: Collection[int] = (),
) -> ScoreResult:
    """Score one response. Raises InvalidAnswers for malformed answers.

    ``valid`` is False when the total (or, for instruments without a total, any subscale)
    cannot be computed under its missing-item rule; the messages name the rule. Items in
    ``not_applicable`` are left out like missed items (ODI: total / (5 x answered) x 100) and
    count towards the missing-item allowance, but are reported apart from ``missing``.
    """
    validate_answers(instrument, answers, not_applicable=not_applicable)
    item_scores = _item_scores(instrument, answers)
    maxima = {item.number: item.max_score for item in instrument.items}
    values: dict[str, float | None] = {}
    messages: list[str] = []
    for spec in instrument.scores:
        values[spec.name], message = _compute(spec, item_scores, maxima)
        if message:
            messages.append(message)
    total = instrument.total
    if total is not None:
        valid = values[total.name] is not None
    else:
        valid = all(values[s.name] is not None for s in instrument.subscales)
    skipped = frozenset(not_applicable)
    missing = tuple(n for n, a in enumerate(answers, start=1) if a is None and n not in skipped)
    return ScoreResult(
        instrument=instrument.id,
        valid=valid,
        total=values.get(total.name) if total is not None else None,
        subscales={s.name: values[s.name] for s in instrument.subscales},
        band=compute_band(instrument, values) if valid else None,
        missing=missing,
        messages=tuple(messages),
        not_applicable=tuple(sorted(skipped)),
    )


def _item_scores(instrument: Instrument, answers: Sequence[int | None]) -> dict[int, float | None]:
    """Item number -> item score; None for empty items and items the patient did not use."""
    scores: dict[int, float | None] = {item.number: None for item in instrument.items}
    for item, answer in zip(instrument.items, answers, strict=False):
        option = item.option_for(answer) if answer is not None else None
        scores[item.number] = option.score if option is not None else None
    # Items beyond the answers given (PSFS activities not chosen) are not part of the score.
    for item in instrument.items[len(answers) :]:
        del scores[item.number]
    return scores


def _compute(
    spec: ScoreSpec, item_scores: dict[int, float | None], maxima: dict[int, float]
) -> tuple[float | None, str]:
    used = [n for n in spec.items if n in item_scores]
    answered = [n for n in used if item_scores[n] is not None]
    missing = len(used) - len(answered)
    if missing > spec.missing.max_missing or not answered:
        return None, (
            f"{spec.name}: not scored, {missing} of {len(used)} items missing or not "
            f"applicable; rule: {spec.missing.description}"
        )
    values = [v for n in answered if (v := item_scores[n]) is not None]
    return _apply(spec, values, len(used), sum(maxima[n] for n in answered)), ""


def _apply(spec: ScoreSpec, values: list[float], n_used: int, max_answered: float) -> float:
    formula: Formula = spec.formula
    total = sum(values)
    mean = total / len(values)
    if formula.kind is FormulaKind.SUM:
        if formula.params.get("prorate", 0):
            return mean * n_used
        return total
    if formula.kind is FormulaKind.MEAN:
        return mean
    if formula.kind is FormulaKind.PERCENT_OF_MAX:
        return total * 100.0 / max_answered
    return (mean - formula.params["min"]) * formula.params["factor"]


def compute_band(instrument: Instrument, values: dict[str, float | None]) -> str | None:
    """The id of the first band whose conditions all hold, or None (unbanded / out of bands)."""
    for band in instrument.bands:
        if all(c.holds(values) for c in band.conditions):
            return band.id
    return None
