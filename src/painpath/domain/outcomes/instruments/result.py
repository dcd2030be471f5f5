"""The result of scoring one completed instrument: the contract between scoring and reasoning."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ScoreResult"]


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """Unrounded scores; rounding is for display only.

    ``total`` is None when the missing-item rule makes the response invalid; ``band`` is the
    lowercase id of the interpretation band the total falls in (None when unbanded/invalid);
    ``missing`` lists 1-based item numbers that were left empty; ``not_applicable`` those the
    respondent marked "not applicable" where the form allows it (not counted as missing).
    """

    instrument: str
    valid: bool
    total: float | None
    subscales: Mapping[str, float | None] = field(default_factory=dict)
    band: str | None = None
    missing: tuple[int, ...] = ()
    messages: tuple[str, ...] = ()
    not_applicable: tuple[int, ...] = ()
