"""Published worked examples and hand-worked rules (tests/reference_cases/instruments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.outcomes.instruments import parse_answers, score

CASES_FILE = Path(__file__).resolve().parents[2] / "reference_cases" / "instruments" / "cases.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def test_every_case_names_its_source() -> None:
    for case in CASES:
        assert case["source"].strip() and case["kind"] in {"published_example", "published_rule"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reference_case(case: dict[str, Any]) -> None:
    instrument = get_instrument(case["instrument"])
    result = score(instrument, parse_answers(instrument, case["answers"]))
    assert result.valid
    if "total" in case:
        assert result.total == pytest.approx(case["total"], abs=1e-6)
    for name, expected in case.get("subscales", {}).items():
        assert result.subscales[name] == pytest.approx(expected, abs=1e-6)
    assert result.band == case.get("band")
