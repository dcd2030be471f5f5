"""PHQ-4 ships its published wording (issue 11 item 1): the exact text, checked against public
copies (recorded with a checksum in ``phq-4.yaml``), and the published scoring rules."""

from __future__ import annotations

import pytest

from painpath.adapters.instrument_catalogue import get_instrument, load_catalogue
from painpath.domain.outcomes.instruments import compute_wording_sha256, score

# The wording as compared word for word with the sources in phq-4.yaml (published_wording).
INSTRUCTIONS = "Over the last 2 weeks, how often have you been bothered by the following problems?"
ITEMS = [
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
]
OPTIONS = [
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
]


def test_phq4_ships_the_exact_published_text_with_its_record() -> None:
    phq = get_instrument("phq-4")
    assert phq.ships_published_wording
    assert phq.published is not None
    assert phq.published.instructions == INSTRUCTIONS
    assert [i.text for i in phq.items] == ITEMS
    for item in phq.items:
        assert [(o.value, o.label) for o in item.options] == OPTIONS
        assert [o.score for o in item.options] == [0, 1, 2, 3]
    assert phq.published.sha256 == compute_wording_sha256(phq)
    assert len({s.url for s in phq.published.sources}) >= 2
    assert "No permission required to reproduce" in phq.published.attribution
    assert "Pfizer" in phq.published.attribution


def test_only_instruments_with_a_free_licence_ship_wording() -> None:
    shipped = sorted(i.id for i in load_catalogue().values() if i.ships_published_wording)
    assert shipped == ["phq-4"]


@pytest.mark.parametrize(
    ("answers", "total", "anxiety", "depression", "band"),
    [
        ([0, 0, 1, 1], 2, 0, 2, "normal"),
        ([1, 2, 0, 0], 3, 3, 0, "mild"),
        ([0, 0, 2, 3], 5, 0, 5, "mild"),
        ([3, 3, 0, 0], 6, 6, 0, "moderate"),
        ([2, 2, 2, 2], 8, 4, 4, "moderate"),
        ([3, 3, 2, 1], 9, 6, 3, "severe"),
        ([3, 3, 3, 3], 12, 6, 6, "severe"),
    ],
)
def test_phq4_scoring_follows_kroenke_2009(
    answers: list[int], total: int, anxiety: int, depression: int, band: str
) -> None:
    """Total 0-12, anxiety = items 1+2, depression = items 3+4; 0-2/3-5/6-8/9-12."""
    result = score(get_instrument("phq-4"), answers)
    assert result.total == total and result.band == band
    assert result.subscales == {"anxiety": anxiety, "depression": depression}
