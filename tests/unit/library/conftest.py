"""Fixtures for library tests; makes ``tests/strategies_library.py`` importable and gives an
offline Flesch-Kincaid grade."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.readability import fk_grade as _fk_grade

_TESTS = str(Path(__file__).resolve().parents[2])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


@pytest.fixture(scope="session")
def fk_grade() -> Callable[[str], float]:
    """The project's offline Flesch-Kincaid grade (``tests/readability.py``)."""
    return _fk_grade
