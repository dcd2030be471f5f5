"""One conformance suite run over every instrument in the catalogue."""

from __future__ import annotations

import itertools
import re

import pytest

from painpath.adapters.instrument_catalogue import evidence_keys, load_catalogue
from painpath.adapters.knowledge import load_evidence
from painpath.domain.evidence import EvidenceStatus
from painpath.domain.outcomes.instruments import Instrument, LicenceStatus, ScoreSpec, score

REQUIRED_IDS = {
    "nprs", "peg", "bpi-severity", "bpi-interference", "odi", "ndi", "lefs", "quickdash",
    "spadi", "psfs", "tsk-17", "tsk-11", "fabq", "pcs", "csi", "startback", "orebro-sf",
    "pseq", "phq-4", "paindetect", "dn4", "grc",
}  # fmt: skip


def _extreme(instrument: Instrument, *, high: bool) -> list[int | None]:
    """The answers that give every item its lowest (or highest) item score."""
    pick = max if high else min
    return [pick(item.options, key=lambda o: o.score).value for item in instrument.items]


def _value(instrument: Instrument, answers: list[int | None], spec: ScoreSpec) -> float | None:
    result = score(instrument, answers)
    return result.total if spec.name == "total" else result.subscales[spec.name]


def test_catalogue_has_every_required_instrument() -> None:
    assert set(load_catalogue()) == REQUIRED_IDS


def test_min_and_max_are_reachable_and_equal_the_declared_range(instrument: Instrument) -> None:
    for spec in instrument.scores:
        low = _value(instrument, _extreme(instrument, high=False), spec)
        high = _value(instrument, _extreme(instrument, high=True), spec)
        assert low == pytest.approx(spec.minimum), spec.name
        assert high == pytest.approx(spec.maximum), spec.name


def test_reverse_items_score_against_their_values(instrument: Instrument) -> None:
    for item in instrument.items:
        ordered = sorted(item.options, key=lambda o: o.value)
        steps = [b.score - a.score for a, b in itertools.pairwise(ordered)]
        if item.reverse:
            assert all(step < 0 for step in steps), item.link_id
        else:
            assert all(step >= 0 for step in steps), item.link_id
            assert ordered[-1].score > ordered[0].score, item.link_id


def test_reverse_item_raises_score_when_answered_lower(instrument: Instrument) -> None:
    base = _extreme(instrument, high=False)
    total_spec = instrument.total
    for item in (i for i in instrument.items if i.reverse):
        lowest_value = min(item.values)
        answers = list(base)
        answers[item.number - 1] = lowest_value
        spec = total_spec or instrument.scores[0]
        moved = _value(instrument, answers, spec)
        assert moved is not None and moved > spec.minimum


def test_missing_item_rule_is_applied_at_its_limit(instrument: Instrument) -> None:
    full = _extreme(instrument, high=True)
    for spec in instrument.scores:
        allowed = spec.missing.max_missing
        if allowed + 1 > len(spec.items):
            continue
        at_limit = list(full)
        for n in spec.items[:allowed]:
            at_limit[n - 1] = None
        over = list(at_limit)
        over[spec.items[allowed] - 1] = None
        assert _value(instrument, at_limit, spec) is not None, spec.name
        assert _value(instrument, over, spec) is None, spec.name
        result = score(instrument, over)
        assert any(spec.missing.description in m for m in result.messages)
        if spec.name == "total":
            assert result.valid is False and result.band is None


def test_bands_are_all_upper_bound_or_all_conditional(instrument: Instrument) -> None:
    kinds = {b.upper is None for b in instrument.bands}
    assert len(kinds) <= 1


UPPER_BANDED = [
    i for i, inst in sorted(load_catalogue().items()) if inst.bands and inst.bands[0].upper
]


@pytest.mark.parametrize("instrument_id", UPPER_BANDED)
def test_upper_bound_bands_cover_the_range_without_gaps_or_overlaps(instrument_id: str) -> None:
    instrument = load_catalogue()[instrument_id]
    simple = list(instrument.bands)
    spec = instrument.score_spec(instrument.band_score)
    uppers = [b.upper for b in simple]
    assert uppers == sorted(set(uppers)), "uppers must strictly increase (no overlaps)"
    assert uppers[0] is not None and uppers[0] >= spec.minimum
    assert uppers[-1] == spec.maximum, "last band must end at the top of the range (no gap)"


def test_every_reachable_score_gets_exactly_one_conditional_band() -> None:
    startback = load_catalogue()["startback"]
    values = [item.values for item in startback.items]
    for answers in itertools.product(*values):
        result = score(startback, list(answers))
        scores = {"total": result.total, **result.subscales}
        holding = [b.id for b in startback.bands if all(c.holds(scores) for c in b.conditions)]
        assert holding == [result.band], answers


def test_band_ids_are_lowercase_ids(instrument: Instrument) -> None:
    for band in instrument.bands:
        assert re.fullmatch(r"[a-z][a-z_]*", band.id)


def test_every_option_keeps_the_score_in_range(instrument: Instrument) -> None:
    base = _extreme(instrument, high=False)
    for item in instrument.items:
        for option in item.options:
            answers = list(base)
            answers[item.number - 1] = option.value
            for spec in instrument.scores:
                value = _value(instrument, answers, spec)
                assert value is not None
                assert spec.minimum - 1e-9 <= value <= spec.maximum + 1e-9


def test_every_evidence_key_resolves(instrument: Instrument) -> None:
    assert load_evidence().unresolved(sorted(evidence_keys(instrument))) == []


def test_unverified_rules_cite_a_default_or_weaker_source(instrument: Instrument) -> None:
    catalogue = load_evidence()
    weak = {EvidenceStatus.PROJECT, EvidenceStatus.UNVERIFIED, EvidenceStatus.SECONDARY}
    rules = [(s.missing.unverified, s.missing.evidence) for s in instrument.scores]
    rules += [(b.unverified, b.evidence) for b in instrument.bands]
    rules += [(t.unverified, t.evidence) for t in (instrument.mcid, instrument.mdc) if t]
    for unverified, keys in rules:
        if unverified:
            assert any(catalogue.get(k).status in weak for k in keys), keys


def test_items_have_link_ids_labels_and_no_unlicensed_text(instrument: Instrument) -> None:
    assert len({i.link_id for i in instrument.items}) == len(instrument.items)
    assert [i.number for i in instrument.items] == list(range(1, len(instrument.items) + 1))
    assert instrument.licence_note.strip()
    for item in instrument.items:
        assert item.label.strip() and all(o.label.strip() for o in item.options)
        if not instrument.item_text_allowed:
            assert item.text is None


def test_every_instrument_records_its_licence_and_source(instrument: Instrument) -> None:
    """Issue 11: the holder's own statement (or "unverified", treated as restricted)."""
    licence = instrument.licence
    assert licence is not None
    assert licence.holder.strip() and licence.source.strip() and licence.note.strip()
    if licence.status is LicenceStatus.UNVERIFIED:
        assert not licence.reproduction_free
    if licence.status is not LicenceStatus.UNVERIFIED and licence.holder.startswith("None"):
        pytest.fail("a licence status other than unverified needs a named holder")
    # Wording is shipped only where reproduction is free AND the exact text was checked.
    if instrument.ships_published_wording:
        assert licence.reproduction_free and all(i.text for i in instrument.items)


def test_mcid_and_mdc_name_their_population(instrument: Instrument) -> None:
    for threshold in (instrument.mcid, instrument.mdc):
        if threshold is not None:
            assert threshold.value > 0 and threshold.population.strip() and threshold.evidence
