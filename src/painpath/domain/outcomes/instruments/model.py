"""Instrument definitions as immutable data: items, options, score formulas, bands, MCID/MDC.

The catalogue lives in ``painpath/knowledge/instruments/*.yaml``; ``adapters.instrument_catalogue``
turns it into these types. Nothing here knows about a particular questionnaire: every rule that
differs between instruments (reverse scoring, subscales, missing-item rules, cut-offs) is a field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Band",
    "Comparison",
    "Condition",
    "Direction",
    "Formula",
    "FormulaKind",
    "Instrument",
    "Item",
    "Licence",
    "LicenceStatus",
    "MissingRule",
    "Option",
    "PublishedWording",
    "ScoreSpec",
    "Threshold",
    "WordingSource",
    "compute_wording_sha256",
]

TOTAL = "total"


class Direction(StrEnum):
    """Which way is better for the patient on an instrument's total."""

    LOWER_BETTER = "lower_better"
    HIGHER_BETTER = "higher_better"


class FormulaKind(StrEnum):
    """How item scores combine into a score; the parameters live in ``Formula.params``.

    * ``sum``: sum of item scores; with ``prorate: 1`` missing items count as the mean of the
      answered ones (Vernon's NDI rule).
    * ``mean``: mean of the answered item scores.
    * ``percent_of_max``: sum / (sum of the answered items' maximum scores) x 100; the
      denominator shrinks with every missing item (ODI, SPADI, NDI %).
    * ``mean_minus_min_times``: (mean of answered - ``min``) x ``factor`` (QuickDASH: min 1,
      factor 25).
    """

    SUM = "sum"
    MEAN = "mean"
    PERCENT_OF_MAX = "percent_of_max"
    MEAN_MINUS_MIN_TIMES = "mean_minus_min_times"


class Comparison(StrEnum):
    LE = "le"
    LT = "lt"
    GE = "ge"
    GT = "gt"


@dataclass(frozen=True, slots=True)
class Option:
    """One answer choice: ``value`` is the number on the paper form, ``score`` what it counts."""

    value: int
    label: str
    score: float

    def __iter__(self) -> Iterator[int | str | float]:
        """Unpacks as ``(value, label, score)`` for callers that treat options as triples."""
        return iter((self.value, self.label, self.score))


@dataclass(frozen=True, slots=True)
class Item:
    """One question. ``label`` is a short topic in our own words unless ``text`` is licensed.

    ``not_applicable``: the published form lets this item be marked "not applicable" (ODI
    section 8, sex life); such an item is left out of the score like a missed one, and counts
    towards the score's missing-item allowance (Fairbank 2000: "if one section is missed (or
    not applicable)").
    """

    link_id: str
    number: int
    label: str
    options: tuple[Option, ...]
    reverse: bool = False
    text: str | None = None
    loinc: str | None = None
    not_applicable: bool = False

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(o.value for o in self.options)

    @property
    def min_score(self) -> float:
        return min(o.score for o in self.options)

    @property
    def max_score(self) -> float:
        return max(o.score for o in self.options)

    def option_for(self, value: int) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True, slots=True)
class MissingRule:
    """At most ``max_missing`` of the score's items may be empty; otherwise the score is None."""

    max_missing: int
    description: str
    evidence: tuple[str, ...]
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class Formula:
    kind: FormulaKind
    params: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScoreSpec:
    """A named score (``total`` or a subscale) over item numbers, with its declared range."""

    name: str
    label: str
    items: tuple[int, ...]
    formula: Formula
    missing: MissingRule
    minimum: float
    maximum: float
    evidence: tuple[str, ...]
    unit: str = "{score}"
    loinc: str | None = None
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class Condition:
    """``score <op> value``, e.g. ``psychosocial le 3``."""

    score: str
    op: Comparison
    value: float

    def holds(self, scores: Mapping[str, float | None]) -> bool:
        actual = scores.get(self.score)
        if actual is None:
            return False
        if self.op is Comparison.LE:
            return actual <= self.value
        if self.op is Comparison.LT:
            return actual < self.value
        if self.op is Comparison.GE:
            return actual >= self.value
        return actual > self.value


@dataclass(frozen=True, slots=True)
class Band:
    """An interpretation band; the first band (in order) whose conditions all hold applies.

    Simple bands are ``<band score> le upper`` (band by upper bound inclusive, so a
    non-integer score falls in the band whose upper bound it does not exceed).
    """

    id: str
    label: str
    conditions: tuple[Condition, ...]
    evidence: tuple[str, ...]
    upper: float | None = None
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class Threshold:
    """An MCID or MDC in score points (optionally also a percent-of-baseline rule)."""

    value: float
    population: str
    evidence: tuple[str, ...]
    percent: float | None = None
    unverified: bool = False


class LicenceStatus(StrEnum):
    """What the copyright holder's own statement says about reproducing the wording.

    * ``free``: reproduction is permitted without asking (the statement is on file).
    * ``free_with_conditions``: free for some uses (e.g. non-commercial) or with conditions
      (keep the copyright line); other uses need the holder's agreement.
    * ``restricted``: reproduction needs a licence or permission from the holder.
    * ``unverified``: we could not find the holder's own statement; treated as restricted.
    """

    FREE = "free"
    FREE_WITH_CONDITIONS = "free_with_conditions"
    RESTRICTED = "restricted"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class Licence:
    """Who holds the copyright of the wording, what they say about reproducing it, and where.

    ``published_wording`` is True only when PainPath ships the holder's exact item text and
    answer labels (checked against the holder's own form); otherwise the item labels are topic
    summaries and patients get the questionnaire only through an installed wording pack.
    """

    status: LicenceStatus
    holder: str
    source: str
    note: str
    url: str | None = None
    published_wording: bool = False

    @property
    def reproduction_free(self) -> bool:
        return self.status in (LicenceStatus.FREE, LicenceStatus.FREE_WITH_CONDITIONS)


@dataclass(frozen=True, slots=True)
class WordingSource:
    """One public copy the shipped wording was compared with, word for word, and what it says
    about reproducing the questionnaire (or what it differs in)."""

    url: str
    says: str


@dataclass(frozen=True, slots=True)
class PublishedWording:
    """The record behind wording the catalogue ships: the instructions printed above the items,
    the attribution line the holder asks for, the sources it was checked against and a SHA-256
    of the shipped text (``compute_wording_sha256``), so any later edit of the text is caught
    at start-up until someone checks it against the sources again."""

    instructions: str
    attribution: str
    sha256: str
    verified_on: str
    sources: tuple[WordingSource, ...]
    differences: str = ""  # where the public copies disagree, and what was chosen and why


@dataclass(frozen=True, slots=True)
class Instrument:
    """A questionnaire or rating scale with everything the generic scorer needs.

    ``min_answers`` < ``len(items)`` only for instruments where the patient chooses how many
    items to fill in (PSFS: 3-5 activities).
    """

    id: str
    name: str
    items: tuple[Item, ...]
    scores: tuple[ScoreSpec, ...]
    direction: Direction
    licence_note: str
    evidence: tuple[str, ...]
    bands: tuple[Band, ...] = ()
    band_score: str = TOTAL
    mcid: Threshold | None = None
    mdc: Threshold | None = None
    item_text_allowed: bool = False
    min_answers: int | None = None
    loinc_panel: str | None = None
    description: str = ""
    unverified_notes: tuple[str, ...] = ()
    patient_name: str = ""  # what patients read: plain words, no acronym (domain/plain_words.py)
    licence: Licence | None = None
    published: PublishedWording | None = None

    @property
    def ships_published_wording(self) -> bool:
        """The catalogue itself carries the exact published wording patients may read."""
        lic = self.licence
        return (
            lic is not None
            and lic.reproduction_free
            and lic.published_wording
            and self.item_text_allowed
            and self.published is not None
            and all(item.text for item in self.items)
        )

    @property
    def plain_name(self) -> str:
        """The name shown to patients (the published name stays on clinician pages)."""
        return self.patient_name or self.name

    @property
    def total(self) -> ScoreSpec | None:
        return next((s for s in self.scores if s.name == TOTAL), None)

    @property
    def subscales(self) -> tuple[ScoreSpec, ...]:
        return tuple(s for s in self.scores if s.name != TOTAL)

    @property
    def fewest_answers(self) -> int:
        return self.min_answers if self.min_answers is not None else len(self.items)

    def score_spec(self, name: str) -> ScoreSpec:
        for spec in self.scores:
            if spec.name == name:
                return spec
        raise KeyError(name)


def compute_wording_sha256(instrument: Instrument) -> str:
    """SHA-256 (hex) of the wording a patient reads: the instructions, then per item its number,
    text and every answer option as value, label and score. Any change of a word, a comma, the
    item order or an option's score changes it."""
    lines = [instrument.published.instructions if instrument.published else ""]
    for item in instrument.items:
        lines.append(f"{item.number}\t{item.text or ''}")
        lines.extend(f"\t{o.value}\t{o.label}\t{o.score:g}" for o in item.options)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
