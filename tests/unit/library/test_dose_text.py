"""The dose as the patient reads it on the home program: counted nouns agree with their
numbers, and a single set has no rest between sets."""

from __future__ import annotations

import pytest

from painpath.domain.planning.library import Dosage
from painpath.services.assessment.program import dose_text


@pytest.mark.parametrize(
    ("dose", "text"),
    [
        (Dosage(3, 10, None, 3, 60), "3 sets of 10, rest 60 seconds between sets, 3 times a week."),
        (Dosage(1, 5, None, 14, 30), "1 set of 5, 14 times a week (about twice a day)."),
        (Dosage(2, None, 15, 7, 15),
         "2 holds of 15 seconds, rest 15 seconds between holds, every day."),
        (Dosage(1, None, 1, 7, 0), "1 hold of 1 second, every day."),
        (Dosage(2, 8, 1, 5, 1),
         "2 sets of 8, hold each 1 second, rest 1 second between sets, 5 times a week."),
        (Dosage(1, 5, None, 7, 30, note="Small range."), "1 set of 5, every day. Small range."),
    ],
)  # fmt: skip
def test_dose_text_reads_as_plain_english(dose: Dosage, text: str) -> None:
    assert dose_text(dose) == text
