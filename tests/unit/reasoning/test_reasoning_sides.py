"""Notes and referral letters name a side only when there is one: "low back", not
"low back (none)"; "hip internal rotation (both)"."""

from __future__ import annotations

import pytest
from reasoning_helpers import TODAY, exam, finding, intake

from painpath.domain.assessment.reasoning import evaluate_case
from painpath.domain.types import Side, sided


@pytest.mark.parametrize(
    ("side", "extra", "text"),
    [
        (Side.NONE, "", "low back"),
        (Side.BOTH, "", "low back (both)"),
        (Side.LEFT, "L5", "low back (left, L5)"),
        (Side.NONE, "L5", "low back (L5)"),
    ],
)
def test_sided(side: Side, extra: str, text: str) -> None:
    assert sided("low back", side, extra) == text


def test_no_fact_of_a_midline_case_says_none() -> None:
    back = intake(pain_sites=[{"region": "low_back", "side": "none", "primary": True}])
    findings = exam(
        finding("range_of_motion", "lumbar_flexion", side=Side.NONE),
        finding("compensation", "guarded_movement", side=Side.NONE),
        finding("range_of_motion", "hip_internal_rotation", side=Side.BOTH),
    )
    picture = evaluate_case(back, findings, {}, today=TODAY)
    texts = [f for c in picture.conclusions for f in c.facts]
    texts += [f for c in picture.mechanism.criteria for f in c.facts]
    texts += [f for t in picture.impairments for f in t.facts]
    assert any("lumbar_flexion" in t for t in texts)
    assert any("hip_internal_rotation (both)" in t for t in texts)
    assert not [t for t in texts if "(none" in t]
