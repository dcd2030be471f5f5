"""Reads ``knowledge/instruments/*.yaml`` into domain ``Instrument`` objects, validating each file.

A file that breaks the schema raises ``InvalidInput`` naming the file and the field, so a broken
catalogue fails at start-up rather than when a patient's answers are scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from painpath.adapters.knowledge import knowledge_root, load_evidence, read_yaml
from painpath.domain.errors import InvalidInput, UnknownInstrument
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

__all__ = [
    "evidence_keys",
    "get_instrument",
    "instrument_from_mapping",
    "instrument_to_dict",
    "load_catalogue",
]

_PARAMS: Mapping[FormulaKind, frozenset[str]] = {
    FormulaKind.SUM: frozenset({"prorate"}),
    FormulaKind.MEAN: frozenset(),
    FormulaKind.PERCENT_OF_MAX: frozenset(),
    FormulaKind.MEAN_MINUS_MIN_TIMES: frozenset({"min", "factor"}),
}


class _Reader:
    """Typed access to one YAML mapping with error messages that name file and field."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, Mapping):
            raise InvalidInput(f"{where}: expected a mapping")
        self.raw, self.where = raw, where

    def fail(self, message: str) -> InvalidInput:
        return InvalidInput(f"{self.where}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.raw or self.raw[key] is None:
            if default is ...:
                raise self.fail(f"missing field {key!r}")
            return default
        value = self.raw[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(f"field {key!r} has the wrong type ({type(value).__name__})")
        return value

    def sub(self, key: str) -> _Reader:
        return _Reader(self.get(key, Mapping), f"{self.where}.{key}")

    def keys(self, key: str, default: Any = ...) -> tuple[str, ...]:
        value = self.get(key, list, default)
        if not all(isinstance(v, str) for v in value):
            raise self.fail(f"field {key!r} must be a list of strings")
        return tuple(value)


def _options(raw: Any, where: str, *, reverse: bool) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(f"{where}: options must be a non-empty list")
    rows = []
    for row in raw:
        ok = isinstance(row, list) and len(row) in (2, 3) and isinstance(row[0], int)
        if not ok or not isinstance(row[1], str) or (len(row) == 3 and not _is_number(row[2])):
            raise InvalidInput(
                f"{where}: option {row!r} must be [value, label] or [value, label, score]"
            )
        rows.append((row[0], row[1], float(row[2] if len(row) == 3 else row[0])))
    values = [r[0] for r in rows]
    if len(set(values)) != len(values):
        raise InvalidInput(f"{where}: duplicate option values")
    if reverse:
        # Reverse scoring mirrors the score within the option range: score = min + max - value.
        lo, hi = min(r[2] for r in rows), max(r[2] for r in rows)
        return tuple(Option(value=v, label=lab, score=lo + hi - s) for v, lab, s in rows)
    return tuple(Option(value=v, label=lab, score=s) for v, lab, s in rows)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _items(doc: _Reader, scales: Mapping[str, Any]) -> tuple[Item, ...]:
    items = []
    for index, raw in enumerate(doc.get("items", list), start=1):
        r = _Reader(raw, f"{doc.where}.items[{index}]")
        if r.get("number", int) != index:
            raise r.fail(f"items must be numbered 1..n in order (expected {index})")
        reverse = bool(r.get("reverse", bool, False))
        scale = r.get("scale", str, None)
        if scale is not None and scale not in scales:
            raise r.fail(f"unknown scale {scale!r}")
        raw_options = scales[scale] if scale is not None else r.get("options", list)
        items.append(
            Item(
                link_id=r.get("link_id", str),
                number=index,
                label=r.get("label", str),
                options=_options(raw_options, r.where, reverse=reverse),
                reverse=reverse,
                text=r.get("text", str, None),
                loinc=r.get("loinc", str, None),
                not_applicable=bool(r.get("not_applicable", bool, False)),
            )
        )
    if not items:
        raise doc.fail("no items")
    if len({i.link_id for i in items}) != len(items):
        raise doc.fail("duplicate link_id")
    return tuple(items)


def _missing(r: _Reader) -> MissingRule:
    return MissingRule(
        max_missing=r.get("max_missing", int),
        description=r.get("description", str),
        evidence=r.keys("evidence"),
        unverified=r.get("unverified", bool, False),
    )


def _formula(r: _Reader) -> Formula:
    try:
        kind = FormulaKind(r.get("kind", str))
    except ValueError:
        raise r.fail(f"unknown formula kind {r.raw['kind']!r}") from None
    params = r.get("params", Mapping, {})
    needed = {"min", "factor"} if kind is FormulaKind.MEAN_MINUS_MIN_TIMES else set()
    if not set(params) <= _PARAMS[kind] or not needed <= set(params):
        raise r.fail(f"formula {kind.value} takes parameters {sorted(_PARAMS[kind])}")
    if not all(_is_number(v) for v in params.values()):
        raise r.fail("formula parameters must be numbers")
    return Formula(kind=kind, params={k: float(v) for k, v in params.items()})


def _score(raw: Any, where: str, items: tuple[Item, ...]) -> ScoreSpec:
    r = _Reader(raw, where)
    numbers = [i.number for i in items]
    chosen = r.raw.get("items")
    if chosen == "all":
        chosen = numbers
    if not isinstance(chosen, list) or not chosen or not set(chosen) <= set(numbers):
        raise r.fail("items must be 'all' or a list of item numbers")
    low, high = r.get("range", list)
    spec = ScoreSpec(
        name=r.get("name", str),
        label=r.get("label", str),
        items=tuple(chosen),
        formula=_formula(r.sub("formula")),
        missing=_missing(r.sub("missing")),
        minimum=float(low),
        maximum=float(high),
        evidence=r.keys("evidence"),
        unit=r.get("unit", str, "{score}"),
        loinc=r.get("loinc", str, None),
        unverified=r.get("unverified", bool, False),
    )
    zero_based = all(items[n - 1].min_score == 0 for n in chosen)
    if spec.formula.kind is FormulaKind.PERCENT_OF_MAX and not zero_based:
        raise r.fail("percent_of_max needs items whose lowest score is 0")
    return spec


def _band(raw: Any, where: str, band_score: str, scores: set[str]) -> Band:
    r = _Reader(raw, where)
    upper = r.get("upper", (int, float), None)
    conditions = [Condition(band_score, Comparison.LE, float(upper))] if upper is not None else []
    for cond in r.get("when", list, []):
        if not (isinstance(cond, list) and len(cond) == 3 and cond[0] in scores):
            raise r.fail(f"condition {cond!r} must be [score, op, value] on a known score")
        try:
            conditions.append(Condition(cond[0], Comparison(cond[1]), float(cond[2])))
        except (ValueError, TypeError):
            raise r.fail(f"condition {cond!r} has a bad operator or value") from None
    if not conditions:
        raise r.fail("a band needs 'upper' or 'when'")
    return Band(
        id=r.get("id", str),
        label=r.get("label", str),
        conditions=tuple(conditions),
        evidence=r.keys("evidence"),
        upper=float(upper) if upper is not None else None,
        unverified=r.get("unverified", bool, False),
    )


def _threshold(doc: _Reader, key: str) -> Threshold | None:
    if doc.raw.get(key) is None:
        return None
    r = doc.sub(key)
    percent = r.get("percent", (int, float), None)
    return Threshold(
        value=float(r.get("value", (int, float))),
        population=r.get("population", str),
        evidence=r.keys("evidence"),
        percent=float(percent) if percent is not None else None,
        unverified=r.get("unverified", bool, False),
    )


def _bands(doc: _Reader, band_score: str, names: set[str]) -> tuple[Band, ...]:
    raw_bands = doc.get("bands", list, [])
    if raw_bands and band_score not in names:
        raise doc.fail(f"band_score {band_score!r} is not a declared score")
    return tuple(
        _band(b, f"{doc.where}.bands[{i}]", band_score, names) for i, b in enumerate(raw_bands, 1)
    )


def _licence(r: _Reader) -> Licence:
    try:
        status = LicenceStatus(r.get("status", str))
    except ValueError:
        allowed = ", ".join(s.value for s in LicenceStatus)
        raise r.fail(f"licence status must be one of {allowed}") from None
    return Licence(
        status=status,
        holder=r.get("holder", str),
        source=r.get("source", str),
        note=r.get("note", str),
        url=r.get("url", str, None),
        published_wording=r.get("item_text_allowed", bool, False),
    )


def _published(doc: _Reader) -> PublishedWording | None:
    """The ``published_wording`` record: instructions, attribution, sources, checksum."""
    if doc.get("published_wording", Mapping, None) is None:
        return None
    r = doc.sub("published_wording")
    sources = []
    for index, raw in enumerate(r.get("sources", list), start=1):
        s = _Reader(raw, f"{r.where}.sources[{index}]")
        sources.append(WordingSource(url=s.get("url", str), says=s.get("says", str)))
    if len(sources) < 2:
        raise r.fail("shipped wording needs two or more independent sources it was checked with")
    return PublishedWording(
        instructions=r.get("instructions", str),
        attribution=r.get("attribution", str),
        sha256=r.get("sha256", str),
        verified_on=str(r.get("verified_on", (str, date))),
        sources=tuple(sources),
        differences=r.get("differences", str, ""),
    )


def instrument_from_mapping(raw: Any, *, source: str) -> Instrument:
    """Build and validate one instrument from its parsed YAML mapping."""
    doc = _Reader(raw, source)
    items = _items(doc, doc.get("scales", Mapping, {}))
    scores = tuple(
        _score(s, f"{source}.scores[{i}]", items)
        for i, s in enumerate(doc.get("scores", list), start=1)
    )
    names = {s.name for s in scores}
    if len(names) != len(scores):
        raise doc.fail("duplicate score names")
    band_score = doc.get("band_score", str, "total")
    bands = _bands(doc, band_score, names)
    licence = doc.sub("licence")
    try:
        direction = Direction(doc.get("direction", str))
    except ValueError:
        raise doc.fail("direction must be lower_better or higher_better") from None
    min_answers = doc.get("min_answers", int, None)
    if min_answers is not None and not 1 <= min_answers <= len(items):
        raise doc.fail("min_answers must be between 1 and the number of items")
    return Instrument(
        id=doc.get("id", str),
        name=doc.get("name", str),
        items=items,
        scores=scores,
        direction=direction,
        licence_note=licence.get("note", str),
        licence=_licence(licence),
        evidence=doc.keys("evidence"),
        bands=bands,
        band_score=band_score,
        mcid=_threshold(doc, "mcid"),
        mdc=_threshold(doc, "mdc"),
        item_text_allowed=licence.get("item_text_allowed", bool, False),
        min_answers=min_answers,
        loinc_panel=doc.get("loinc_panel", str, None),
        description=doc.get("description", str, ""),
        unverified_notes=doc.keys("unverified", ()),
        patient_name=doc.get("patient_name", str, ""),
        published=_published(doc),
    )


def evidence_keys(instrument: Instrument) -> set[str]:
    """Every evidence key an instrument cites (instrument, scores, rules, bands, MCID, MDC)."""
    keys = set(instrument.evidence)
    for spec in instrument.scores:
        keys |= set(spec.evidence) | set(spec.missing.evidence)
    for band in instrument.bands:
        keys |= set(band.evidence)
    for threshold in (instrument.mcid, instrument.mdc):
        if threshold is not None:
            keys |= set(threshold.evidence)
    return keys


def _check(instrument: Instrument, file_stem: str) -> None:
    if instrument.id != file_stem:
        raise InvalidInput(f"{file_stem}.yaml: id {instrument.id!r} does not match the file name")
    text_ok = instrument.item_text_allowed and (
        instrument.licence is not None and instrument.licence.reproduction_free
    )
    if not text_ok and any(i.text for i in instrument.items):
        raise InvalidInput(f"{file_stem}.yaml: item text given but the licence does not allow it")
    _check_published(instrument, file_stem)
    unresolved = load_evidence().unresolved(sorted(evidence_keys(instrument)))
    if unresolved:
        raise InvalidInput(f"{file_stem}.yaml: unknown evidence keys {unresolved}")


def _check_published(instrument: Instrument, file_stem: str) -> None:
    """Shipped text needs its verification record, and must still be the text that was checked:
    an edit of any word, option or score changes the checksum and stops the catalogue loading."""
    published = instrument.published
    has_text = any(i.text for i in instrument.items)
    if has_text and published is None:
        raise InvalidInput(
            f"{file_stem}.yaml: item text given without a published_wording record "
            "(instructions, attribution, sources, sha256)"
        )
    if published is None:
        return
    if not (instrument.item_text_allowed and all(i.text for i in instrument.items)):
        raise InvalidInput(
            f"{file_stem}.yaml: published_wording needs item_text_allowed and every item's text"
        )
    actual = compute_wording_sha256(instrument)
    if actual != published.sha256:
        raise InvalidInput(
            f"{file_stem}.yaml: the shipped wording changed since it was checked against its "
            f"sources (sha256 {actual}, recorded {published.sha256}); check the text word for "
            "word against the sources again, then record the new checksum"
        )


@cache
def load_catalogue() -> Mapping[str, Instrument]:
    """Every instrument in the catalogue, by id (cached for the life of the process)."""
    folder = knowledge_root() / "instruments"
    catalogue: dict[str, Instrument] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        stem = path.name.removesuffix(".yaml")
        instrument = instrument_from_mapping(read_yaml(path), source=path.name)
        _check(instrument, stem)
        catalogue[instrument.id] = instrument
    return catalogue


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument with this id; raises UnknownInstrument listing the known ids."""
    catalogue = load_catalogue()
    try:
        return catalogue[instrument_id]
    except KeyError:
        known = ", ".join(sorted(catalogue))
        raise UnknownInstrument(f"unknown instrument {instrument_id!r}; known: {known}") from None


def instrument_to_dict(instrument: Instrument) -> dict[str, Any]:
    """A JSON-ready description of an instrument (for ``instruments show --json`` and the web)."""
    return {
        "id": instrument.id,
        "name": instrument.name,
        "patient_name": instrument.plain_name,
        "description": instrument.description,
        "direction": instrument.direction.value,
        "licence_note": instrument.licence_note,
        "licence": _licence_dict(instrument.licence),
        "published_wording": _published_dict(instrument.published),
        "items": [
            {
                "number": i.number,
                "link_id": i.link_id,
                "label": i.label,
                "text": i.text,
                "reverse": i.reverse,
                "loinc": i.loinc,
                "not_applicable": i.not_applicable,
                "options": [[o.value, o.label, o.score] for o in i.options],
            }
            for i in instrument.items
        ],
        "min_answers": instrument.fewest_answers,
        "scores": [
            {
                "name": s.name,
                "label": s.label,
                "items": list(s.items),
                "formula": {"kind": s.formula.kind.value, **dict(s.formula.params)},
                "range": [s.minimum, s.maximum],
                "unit": s.unit,
                "loinc": s.loinc,
                "missing_rule": s.missing.description,
                "unverified": s.unverified or s.missing.unverified,
                "evidence": list(s.evidence),
            }
            for s in instrument.scores
        ],
        "bands": [
            {"id": b.id, "label": b.label, "upper": b.upper, "unverified": b.unverified}
            for b in instrument.bands
        ],
        "band_score": instrument.band_score if instrument.bands else None,
        "mcid": _threshold_dict(instrument.mcid),
        "mdc": _threshold_dict(instrument.mdc),
        "evidence": sorted(evidence_keys(instrument)),
        "unverified": list(instrument.unverified_notes),
    }


def _licence_dict(licence: Licence | None) -> dict[str, Any] | None:
    if licence is None:
        return None
    return {
        "status": licence.status.value,
        "holder": licence.holder,
        "source": licence.source,
        "url": licence.url,
        "note": licence.note,
        "published_wording": licence.published_wording,
    }


def _published_dict(published: PublishedWording | None) -> dict[str, Any] | None:
    if published is None:
        return None
    return {
        "instructions": published.instructions,
        "attribution": published.attribution,
        "sha256": published.sha256,
        "verified_on": published.verified_on,
        "sources": [{"url": s.url, "says": s.says} for s in published.sources],
        "differences": published.differences,
    }


def _threshold_dict(threshold: Threshold | None) -> dict[str, Any] | None:
    if threshold is None:
        return None
    return {
        "value": threshold.value,
        "percent": threshold.percent,
        "population": threshold.population,
        "evidence": list(threshold.evidence),
        "unverified": threshold.unverified,
    }
