"""The ``painpath score`` / ``painpath instruments`` contract, through the real console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PAINPATH = Path(sys.executable).parent / "painpath"
KEYS = {
    "instrument",
    "valid",
    "total",
    "subscales",
    "band",
    "missing",
    "messages",
    "not_applicable",
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PAINPATH), *args], capture_output=True, text=True, timeout=60, check=False
    )


def score_json(instrument: str, answers: str) -> dict[str, object]:
    proc = run("score", instrument, "--answers", answers, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == KEYS
    return data


def test_odi_form_example_one_missing_section() -> None:
    data = score_json("odi", "2,2,2,2,2,2,2,1,1,")
    assert data["valid"] is True and data["band"] == "moderate"
    assert data["total"] == pytest.approx(1600 / 45)
    assert data["missing"] == [10] and data["subscales"] == {}


@pytest.mark.parametrize(
    ("instrument", "answers", "total", "subscales", "band"),
    [
        ("ndi", "2,1,2,2,1,2,1,2,1,1", 15, {"percent": 30}, "moderate"),
        ("startback", "1,0,0,0,1,1,1,0,3", 5, {"psychosocial": 4}, "high"),
        ("startback", "1,1,1,0,1,1,0,0,4", 6, {"psychosocial": 3}, "medium"),
        ("phq-4", "0,1,3,3", 7, {"anxiety": 1, "depression": 6}, "moderate"),
        ("paindetect", "5,5,5,5,5,5,5,1,1", 38, {}, "positive"),
        ("dn4", "1,1,1,1,0,0,0,0,0,0", 4, {}, "positive"),
        ("tsk-17", ",".join(["3"] * 17), 3 * 13 + 2 * 4, {}, "high"),
        ("csi", ",".join(["1"] * 25), 25, {}, "subclinical"),
        ("spadi", "5,5,5,5,5,0,0,0,0,0,0,0,0", 2500 / 130, {"pain": 50, "disability": 0}, None),
        ("quickdash", ",".join(["2"] * 11), 25, {}, None),
        ("orebro-sf", "1,0,0,0,0,10,0,0,10,10", 1, {}, "low"),
        ("grc", "-7", -7, {}, None),
        ("psfs", "4,6,8,2,5", 5, {}, None),
        (
            "pcs",
            ",".join(["4"] * 13),
            52,
            {"rumination": 16, "magnification": 12, "helplessness": 24},
            "high",
        ),
    ],
)
def test_score_contract(
    instrument: str, answers: str, total: float, subscales: dict[str, float], band: str | None
) -> None:
    data = score_json(instrument, answers)
    assert data["instrument"] == instrument and data["valid"] is True
    assert data["total"] == pytest.approx(total)
    assert data["subscales"] == pytest.approx(subscales)
    assert data["band"] == band


def test_fabq_reports_subscales_and_null_total() -> None:
    data = score_json("fabq", ",".join(["3"] * 16))
    assert data["total"] is None and data["valid"] is True
    assert data["subscales"] == {"physical_activity": 12, "work": 21}


def test_too_many_missing_items_is_valid_json_with_a_message() -> None:
    data = score_json("quickdash", "1,1,1,1,1,1,1,1,1,,")
    assert data["valid"] is False and data["total"] is None and data["band"] is None
    assert data["missing"] == [10, 11]
    assert any("at least 10 of the 11" in m for m in data["messages"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["score", "odi", "--answers", "1,2,3,4,5,6,0,1,2,3", "--json"], "answer 6 is 6"),
        (["score", "odi", "--answers", "1,2,3", "--json"], "expected 10 answers, got 3"),
        (["score", "odi", "--answers", "1,2,3,4,5,0,1,2,3,4,5", "--json"], "got 11"),
        (["score", "oswestry", "--answers", "1", "--json"], "unknown instrument 'oswestry'"),
        (["score", "nprs", "--answers", "seven", "--json"], "is not a whole number"),
        (["score", "lefs", "--answers", ",".join(["5"] * 20)], "allowed 0 to 4"),
        (["score", "psfs", "--answers", "1,2", "--json"], "expected 3 to 5 answers"),
        (["score", "startback", "--answers", "0,0,0,0,0,0,0,2,0", "--json"], "allowed 0 to 1"),
        (["instruments", "show", "nope"], "unknown instrument 'nope'"),
        (["score", "odi", "--json"], "give the answers with --answers"),
    ],
)
def test_malformed_input_exits_2_with_one_line_on_stderr(args: list[str], fragment: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0]


def test_negative_answers_can_follow_the_option() -> None:
    assert score_json("paindetect", "0,0,0,0,0,0,0,-1,0")["total"] == -1


def test_human_summary_without_json() -> None:
    proc = run("score", "odi", "--answers", "2,2,2,2,2,2,2,1,1,")
    assert proc.returncode == 0
    assert (
        "35.56" in proc.stdout and "moderate" in proc.stdout and "missing items: 10" in proc.stdout
    )


def test_instruments_list_table_and_json() -> None:
    table = run("instruments", "list")
    assert table.returncode == 0 and "odi" in table.stdout and "startback" in table.stdout
    data = json.loads(run("instruments", "list", "--json").stdout)
    assert len(data) == 22 and {"id", "name", "items", "range", "direction"} <= set(data[0])


def test_instruments_show_human_and_json() -> None:
    text = run("instruments", "show", "tsk-17")
    assert text.returncode == 0 and "[reverse-scored]" in text.stdout and "MCID" in text.stdout
    data = json.loads(run("instruments", "show", "nprs", "--json").stdout)
    assert data["id"] == "nprs" and data["mcid"]["percent"] == 30


def test_odi_section_8_not_applicable_uses_the_answered_denominator() -> None:
    proc = run("score", "odi", "--answers", "2,2,2,2,2,2,2,na,1,1", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["not_applicable"] == [8] and data["missing"] == []
    assert abs(data["total"] - 16 / 45 * 100) < 1e-9


def test_not_applicable_on_an_item_without_that_choice_exits_2() -> None:
    proc = run("score", "ndi", "--answers", "1,1,1,1,1,1,1,na,1,1", "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "no 'not applicable' choice" in proc.stderr
