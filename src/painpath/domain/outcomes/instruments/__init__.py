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
    Licence,
    LicenceStatus,
    MissingRule,
    Option,
    PublishedWording,
    ScoreSpec,
    Threshold,
    WordingSource,
    compute_wording_sha256,
)
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.outcomes.instruments.scoring import (
    NOT_APPLICABLE_TOKEN,
    compute_band,
    parse_answers,
    parse_response,
    score,
    validate_answers,
)
from painpath.domain.outcomes.instruments.wording import (
    ItemWording,
    WordingPack,
    validate_wording_pack,
    wording_pack_to_dict,
)

__all__ = [
    "NOT_APPLICABLE_TOKEN",
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
    "ItemWording",
    "Licence",
    "LicenceStatus",
    "MissingRule",
    "Option",
    "PublishedWording",
    "ScoreResult",
    "ScoreSpec",
    "Threshold",
    "WordingPack",
    "WordingSource",
    "compute_band",
    "compute_wording_sha256",
    "interpret_change",
    "parse_answers",
    "parse_response",
    "responder",
    "score",
    "validate_answers",
    "validate_wording_pack",
    "wording_pack_to_dict",
]
