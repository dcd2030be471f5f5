"""The one Flesch-Kincaid grade every readability test uses (patient-facing text must be <= 8).

textstat is pinned to 0.7.4, which counts syllables with the bundled pyphen dictionary; newer
releases would fetch NLTK's cmudict at run time, so on those the dictionary is switched off and
the grade stays the same on every machine, offline.
"""

from __future__ import annotations

import pytest
import textstat

try:  # textstat >= 0.7.5
    from textstat.backend.counts import _count_syllables
except ImportError:  # textstat <= 0.7.4: pyphen only
    _count_syllables = None

__all__ = ["fk_grade"]


def fk_grade(text: str) -> float:
    with pytest.MonkeyPatch.context() as mp:
        if _count_syllables is not None:
            mp.setattr(_count_syllables, "get_cmudict", lambda lang: None)
        return float(textstat.flesch_kincaid_grade(text))
