"""``painpath assess`` end to end through the real console script, over the example cases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from painpath.adapters.knowledge import load_evidence

PAINPATH = Path(sys.executable).parent / "painpath"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INTAKE = "intake: {age: 40, sex: male, pain_sites: [{region: knee}], duration_weeks: 3}\n"
CASES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PAINPATH), "assess", *args], capture_output=True, text=True, timeout=60, check=False
    )


def assess(case: Path | str) -> dict[str, Any]:
    proc = run(str(case), "--json")
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    assert set(data) == {"picture", "plan", "referral"}
    return data


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    return {name: assess(EXAMPLES / name) for name in CASES}


def _items(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [i for i in data["plan"]["items"] if i["kind"] == kind]


def test_the_six_required_examples_exist() -> None:
    required = {
        "urgent-red-flag.yaml",
        "nociplastic-widespread.yaml",
        "knee-hip-weakness.yaml",
        "shoulder-thoracic-stiffness.yaml",
        "low-back-high-fear.yaml",
        "neck-pain.yaml",
    }
    assert required <= set(CASES)


def test_every_plan_item_and_conclusion_cites_resolving_evidence(
    results: dict[str, dict[str, Any]],
) -> None:
    catalogue = load_evidence()
    for name, data in results.items():
        keys = [k for c in data["picture"]["conclusions"] for k in c["evidence"]]
        if data["plan"] is not None:
            for item in data["plan"]["items"]:
                assert item["evidence"] and item["rule_id"] and item["triggered_by"] is not None
                keys += item["evidence"]
        assert catalogue.unresolved(keys) == [], name


def test_urgent_red_flag_gives_referral_and_no_plan(results: dict[str, dict[str, Any]]) -> None:
    data = results["urgent-red-flag.yaml"]
    assert data["plan"] is None
    assert data["picture"]["screening"]["urgency"] == "emergency"
    flag = data["picture"]["screening"]["red_flags"][0]
    assert flag["condition"] == "cauda_equina" and "emergency department" in flag["safety_net"]
    assert "EMERGENCY" in data["referral"] and "on hold" in data["referral"]


def test_nociplastic_case(results: dict[str, dict[str, Any]]) -> None:
    data = results["nociplastic-widespread.yaml"]
    mech = data["picture"]["mechanism"]
    assert mech["nociplastic"] == "probable" and mech["nociceptive"] == "unlikely"
    assert mech["neuropathic"] == "unlikely"
    assert any("CSI 62" in s for s in mech["supporting"])
    assert data["plan"]["irritability"] == "high"
    assert _items(data, "exercise") and _items(data, "graded_activity")


def test_knee_case_targets_hip(results: dict[str, dict[str, Any]]) -> None:
    data = results["knee-hip-weakness.yaml"]
    targets = {i["attributes"]["target"] for i in _items(data, "exercise")}
    assert {"hip_abductor_weakness", "hip_external_rotator_weakness"} & targets
    retrain = {i["id"] for i in _items(data, "movement_retraining")}
    assert retrain == {"retraining.dynamic_knee_valgus", "retraining.pelvic_drop"}
    assert "ankle_foot: ankle_dorsiflexion_deficit" in data["picture"]["to_examine"]


def test_shoulder_case_thoracic_and_manual_therapy(results: dict[str, dict[str, Any]]) -> None:
    data = results["shoulder-thoracic-stiffness.yaml"]
    (manual,) = _items(data, "manual_therapy")
    assert "peek2015" in manual["evidence"]
    targets = {i["attributes"]["target"] for i in _items(data, "exercise")}
    assert "thoracic_mobility_deficit" in targets


def test_low_back_fear_case_scored_from_answers(results: dict[str, dict[str, Any]]) -> None:
    data = results["low-back-high-fear.yaml"]
    scores = data["picture"]["scores"]
    assert scores["tsk-17"]["total"] == 57 and scores["startback"]["band"] == "high"
    assert data["picture"]["fear_high"] is True
    steps = _items(data, "exposure_step")
    assert [s["attributes"]["fear"] for s in steps] == ["55", "70", "80", "90"]
    flags = {f["id"] for f in data["picture"]["psychosocial"]}
    assert {
        "kinesiophobia",
        "fear_avoidance_physical",
        "catastrophizing",
        "startback_high",
    } <= flags


def test_neck_case(results: dict[str, dict[str, Any]]) -> None:
    data = results["neck-pain.yaml"]
    (manual,) = _items(data, "manual_therapy")
    assert manual["evidence"] == ["masaracchio2019"]
    assert data["plan"]["irritability"] == "low"


def test_html_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    case = (EXAMPLES / "knee-hip-weakness.yaml").read_text(encoding="utf-8")
    case = case.replace(
        'title: "Knee pain with hip weakness"', 'title: "<script>alert(1)</script>"'
    )
    path = tmp_path / "case.yaml"
    path.write_text(case, encoding="utf-8")
    out = tmp_path / "report.html"
    proc = run(str(path), "--html", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "plan v1" in proc.stdout
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page
    assert "Clinical picture" in page and "Retrain: dynamic knee valgus" in page


def test_html_report_for_urgent_case(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    proc = run(str(EXAMPLES / "urgent-red-flag.yaml"), "--html", str(out), "--today", "2026-12-01")
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert "class='urgent'" in page and "No plan" in page and "2026-12-01" in page
    assert "Tell the patient (safety net)" in page and "emergency department now" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("intake: [1, 2", "not valid YAML"),
        ("- 1\n- 2\n", "expected a mapping at the top level"),
        ("examination: {}\n", "intake section is required"),
        (
            "intake: {age: 40, sex: robot, pain_sites: [{region: knee}], duration_weeks: 3}\n",
            "intake.sex",
        ),
        (
            INTAKE + "scores: {pcs: {total: high}}\n",
            "scores.pcs.total",
        ),
        (
            INTAKE + "answers: {pcs: [1, 2]}\n",
            "pcs",
        ),
        (
            INTAKE + "answers: {nosuch: [1]}\n",
            "unknown instrument",
        ),
        (
            INTAKE + "scores: {pcs: 3}\nanswers: {pcs: [1]}\n",
            "both as scores and answers",
        ),
        (
            INTAKE + "plan: {}\n",
            "unknown top-level field(s) plan",
        ),
        (
            "assessed_on: yesterday\n" + INTAKE,
            "assessed_on",
        ),
    ],
)
def test_bad_case_file_exit_2_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    proc = run(str(path), "--json")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert proc.stdout == ""


def test_missing_file_and_bad_date(tmp_path: Path) -> None:
    proc = run(str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2 and "cannot read case file" in proc.stderr
    proc = run(str(EXAMPLES / "neck-pain.yaml"), "--today", "30/11/2026")
    assert proc.returncode == 2 and "--today" in proc.stderr


def test_given_scores_forms() -> None:
    from painpath.adapters.case_file import score_from_mapping
    from painpath.domain.errors import InvalidCase

    assert score_from_mapping("nprs", 6).total == 6
    r = score_from_mapping(
        "startback", {"total": 5, "band": "HIGH", "subscales": {"psychosocial": 4}}
    )
    assert r.band == "high" and r.subscales == {"psychosocial": 4.0} and r.valid
    for bad in ({}, "x", {"total": 1, "colour": 2}, {"subscales": [1]}):
        with pytest.raises(InvalidCase):
            score_from_mapping("x", bad)
