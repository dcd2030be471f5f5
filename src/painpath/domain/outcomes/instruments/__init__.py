"""Outcome instruments: definitions as data, one generic scorer, change interpretation."""

from __future__ import annotations

from painpath.domain.outcomes.instruments.change import (
    ChangeCategory,
    ChangeInterpretation,
    interpret_change,
    responder,
)
from painpath.domain.outcomes.instruments.model import (
    Band,
    Comparison,
    Condition,
    Direction,
    Formula,
    FormulaKind,
    Instrument,
    Item,
    MissingRule,
    Option,
    ScoreSpec,
    Threshold,
)
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.outcomes.instruments.scoring import (
    compute_band,
    parse_answers,
    score,
    validate_answers,
)

__all__ = [
    "Band",
    "ChangeCategory",
    "ChangeInterpretation",
    "Comparison",
    "Condition",
    "Direction",
    "Formula",
    "FormulaKind",
    "Instrument",
    "Item",
    "MissingRule",
    "Option",
    "ScoreResult",
    "ScoreSpec",
    "Threshold",
    "compute_band",
    "interpret_change",
    "parse_answers",
    "responder",
    "score",
    "validate_answers",
]
