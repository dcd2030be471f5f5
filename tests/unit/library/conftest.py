"""Fixtures for library tests; makes ``tests/strategies_library.py`` importable and gives an
offline Flesch-Kincaid grade."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import textstat

try:  # textstat >= 0.7.5 counts syllables with NLTK's cmudict, downloaded at run time
    from textstat.backend.counts import _count_syllables
except ImportError:  # textstat <= 0.7.4 counts with pyphen only
    _count_syllables = None

_TESTS = str(Path(__file__).resolve().parents[2])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


@pytest.fixture(scope="session")
def fk_grade() -> Callable[[str], float]:
    """textstat's Flesch-Kincaid grade with syllables always counted by pyphen (bundled), so the
    grade is the same on every machine and unit tests never download NLTK's cmudict."""

    def grade(text: str) -> float:
        with pytest.MonkeyPatch.context() as mp:
            if _count_syllables is not None:
                mp.setattr(_count_syllables, "get_cmudict", lambda lang: None)
            return float(textstat.flesch_kincaid_grade(text))

    return grade
