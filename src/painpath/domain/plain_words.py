"""Words a patient should not have to read, each with the plain words to use instead.

Patient pages are tested against this list (tests/integration/test_patient_plain_words.py):
every patient page of the demo is rendered and fails on any term here. Clinician pages may use
the technical words; patient pages use the replacement. Questionnaire acronyms are matched
case-sensitively (so "pcs" inside an ordinary word does not count); words case-insensitively,
with their common endings (catastrophizing, catastrophising, catastrophic thoughts ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = ["FORBIDDEN_TERMS", "PlainWord", "find_forbidden_terms"]


@dataclass(frozen=True, slots=True)
class PlainWord:
    """``term`` is a regular expression (word-bounded); ``instead`` is what patients read."""

    term: str
    instead: str
    case_sensitive: bool = False
    example: str = ""  # a spelling the pattern must catch (checked by the unit tests)

    @property
    def pattern(self) -> re.Pattern[str]:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        return re.compile(rf"(?<![\w-]){self.term}(?![\w-])", flags)


_W = PlainWord
FORBIDDEN_TERMS: tuple[PlainWord, ...] = (
    # Graded activity jargon
    _W(r"quotas?", "your amount for today", example="quota"),
    _W(
        r"(?:time|pain)[- ]contingent(?:ly)?",
        "by your plan, not by how the pain feels",
        example="time-contingent",
    ),
    _W(r"baselines?", "your starting point", example="baseline"),
    _W(r"operant", "a plan of small steps", example="operant"),
    # Clinical reasoning jargon
    _W(r"catastrophi[sz]\w*", "worrying a lot about pain", example="catastrophizing"),
    _W(r"kinesiophobi\w*", "worry that moving will cause harm", example="kinesiophobia"),
    _W(r"fear[- ]avoidance", "avoiding movement because of worry", example="fear-avoidance"),
    _W(r"nociplastic", "a sensitive pain system", example="nociplastic"),
    _W(r"nociceptive", "pain from the body's tissues", example="nociceptive"),
    _W(r"neuropathic", "nerve pain", example="neuropathic"),
    _W(r"irritability", "how easily your pain is stirred up", example="irritability"),
    _W(r"psychosocial", "how life, mood and worries affect pain", example="psychosocial"),
    _W(r"self-efficacy", "confidence", example="self-efficacy"),
    _W(r"central sensiti[sz]ation", "a sensitive pain system", example="central sensitization"),
    _W(r"MCID", "a change that matters", case_sensitive=True, example="MCID"),
    _W(r"disability index", "questions about daily life", example="Disability Index"),
    # Questionnaire acronyms and names: patients read plain names
    _W(r"ODI", "questions about back pain and daily life", case_sensitive=True, example="ODI"),
    _W(r"Oswestry", "questions about back pain and daily life", example="Oswestry"),
    _W(r"NDI", "questions about neck pain and daily life", case_sensitive=True, example="NDI"),
    _W(
        r"PCS",
        "questions about thoughts and feelings about pain",
        case_sensitive=True,
        example="PCS",
    ),
    _W(
        r"TSK(?:-1[17])?",
        "questions about worry and movement",
        case_sensitive=True,
        example="TSK-11",
    ),
    _W(r"Tampa", "questions about worry and movement", example="Tampa Scale"),
    _W(r"PHQ(?:-[249])?", "questions about mood and worry", case_sensitive=True, example="PHQ-9"),
    _W(r"GAD(?:-[27])?", "questions about worry", case_sensitive=True, example="GAD-7"),
    _W(r"NPRS", "pain rating from 0 to 10", case_sensitive=True, example="NPRS"),
    _W(r"PSFS", "questions about activities you find hard", case_sensitive=True, example="PSFS"),
    _W(r"PSEQ", "questions about confidence", case_sensitive=True, example="PSEQ"),
    _W(r"FABQ", "questions about worry and activity", case_sensitive=True, example="FABQ"),
    _W(r"CSI", "questions about body sensitivity", case_sensitive=True, example="CSI"),
    _W(r"DN4", "questions about nerve pain", case_sensitive=True, example="DN4"),
    _W(r"painDETECT", "questions about nerve pain", example="painDETECT"),
    _W(r"LEFS", "questions about legs and daily life", case_sensitive=True, example="LEFS"),
    _W(r"QuickDASH", "questions about arm, shoulder and hand", example="QuickDASH"),
    _W(r"SPADI", "questions about shoulder pain", case_sensitive=True, example="SPADI"),
    _W(r"BPI", "questions about pain", case_sensitive=True, example="BPI"),
    _W(r"PEG", "three questions about pain", case_sensitive=True, example="PEG"),
    _W(r"STarT Back", "questions about back pain", case_sensitive=True, example="STarT Back"),
    _W(
        r"[ÖO]MPSQ(?:-SF)?",
        "questions about pain and work",
        case_sensitive=True,
        example="ÖMPSQ-SF",
    ),
    _W(r"[ÖO]rebro", "questions about pain and work", example="Örebro"),
    _W(r"GRC", "how much things have changed", case_sensitive=True, example="GRC"),
)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], PlainWord], ...]:
    return tuple((word.pattern, word) for word in FORBIDDEN_TERMS)


def find_forbidden_terms(text: str) -> list[tuple[str, PlainWord]]:
    """Every forbidden term in ``text``: (the words found, the entry with its replacement)."""
    found: list[tuple[str, PlainWord]] = []
    for pattern, word in _patterns():
        found.extend((m.group(0), word) for m in pattern.finditer(text))
    return found
