"""Flesch-Kincaid grade of a text, offline (textstat 0.7.4 counts syllables with pyphen's
bundled dictionary; later releases would fetch a corpus at run time, hence the pin)."""

from __future__ import annotations

import textstat

__all__ = ["fk_grade"]


def fk_grade(text: str) -> float:
    """US school grade needed to read ``text`` (Flesch-Kincaid); lower is easier."""
    return float(textstat.flesch_kincaid_grade(text))
