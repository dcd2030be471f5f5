"""Shared fixtures for instrument tests; makes ``tests/strategies_instruments.py`` importable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from painpath.adapters.instrument_catalogue import load_catalogue
from painpath.domain.outcomes.instruments import Instrument

_TESTS = str(Path(__file__).resolve().parents[2])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

CATALOGUE = load_catalogue()
INSTRUMENT_IDS = sorted(CATALOGUE)


@pytest.fixture(params=INSTRUMENT_IDS)
def instrument(request: pytest.FixtureRequest) -> Instrument:
    return CATALOGUE[request.param]
