"""The published-case suite: every case file in this folder, run through ``painpath assess``'s
own code, must reach the conclusions its source says a clinician should reach.

See ``harness.py`` for the file format and the checks; ``docs/clinical/reasoning.md`` for the
rules the expectations exercise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from painpath.adapters.knowledge import load_evidence
from painpath.domain.assessment.screening import Urgency
from tests.clinical_cases.harness import (
    CaseFileError,
    case_files,
    load,
    parse,
    result_of,
    run,
)

FILES = case_files()


def test_the_suite_has_cases() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_published_case(path: Path) -> None:
    case = load(path)
    failures = run(case)
    assert not failures, f"{path.name} ({case.source}):\n" + "\n".join(failures)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_expectation_cites_resolving_evidence(path: Path) -> None:
    case = load(path)
    keys = [k for e in case.expectations for k in e.cite]
    assert load_evidence().unresolved(keys) == [], path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_no_urgent_case_gets_a_plan(path: Path) -> None:
    result = result_of(load(path))
    urgent = result.picture.screening.urgency >= Urgency.URGENT
    assert (result.plan is None) == urgent
    assert (result.data["plan"] is None) == urgent


# ---------------------------------------------------------------- the harness itself

_CASE: dict[str, Any] = {
    "title": "harness self-test",
    "source": "Harness self-test, not a published case",
    "assessed_on": "2026-12-01",
    "intake": {
        "age": 40,
        "sex": "female",
        "pain_sites": [{"region": "low_back", "primary": True}],
        "duration_weeks": 6,
        "red_flags": {"ces_bladder": True},
    },
}


def _case(expect: Any, **extra: Any) -> dict[str, Any]:
    import datetime

    raw = {**_CASE, "assessed_on": datetime.date(2026, 12, 1), "expect": expect, **extra}
    return raw


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ({"urgncy": {"is": "emergency", "cite": ["x"]}}, "unknown check 'urgncy'"),
        ({"mechanisms": {"nociceptiv": {"is": "probable", "cite": ["x"]}}}, "unknown check"),
        ({"urgency": {"is": "emergency"}}, "needs cite"),
        ({"urgency": {"is": "emergency", "cite": ["x"], "because": "y"}}, "unknown field"),
        ({"urgency": "emergency"}, r"expected \{is"),
        ({}, "non-empty mapping"),
        (None, "non-empty mapping"),
    ],
)
def test_unknown_or_malformed_expectations_fail_loudly(expect: Any, message: str) -> None:
    with pytest.raises(CaseFileError, match=message):
        parse(_case(expect), "self-test")


def test_source_and_date_are_required() -> None:
    good = {"urgency": {"is": "emergency", "cite": ["girft_ces2023"]}}
    with pytest.raises(CaseFileError, match="source"):
        parse(_case(good, source=""), "self-test")
    raw = _case(good)
    del raw["assessed_on"]
    with pytest.raises(CaseFileError, match="assessed_on"):
        parse(raw, "self-test")


def test_a_wrong_expectation_is_reported_with_its_citation() -> None:
    case = parse(
        _case(
            {
                "urgency": {"is": "soon", "cite": ["girft_ces2023"]},
                "flags": {"is": ["cauda_equina"], "cite": ["girft_ces2023"]},
                "plan": {"is": "made", "cite": ["girft_ces2023"]},
            }
        ),
        "self-test",
    )
    failures = run(case)
    assert len(failures) == 2
    assert "urgency: expected 'soon', got 'emergency'" in failures[0]
    assert "[cited: girft_ces2023]" in failures[0] and "plan" in failures[1]
