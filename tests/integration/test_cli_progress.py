"""``painpath simulate`` and ``painpath progress`` through the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PAINPATH = Path(sys.executable).parent / "painpath"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PAINPATH_")}
    environ["PAINPATH_DATA_DIR"] = str(tmp_path_factory.mktemp("cli-progress"))
    proc = subprocess.run(
        [str(PAINPATH), "db", "upgrade"], capture_output=True, text=True, env=environ, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return environ


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PAINPATH), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def cohort(env: dict[str, str]) -> dict[str, Any]:
    proc = run(env, "simulate", "--patients", "4", "--weeks", "3", "--seed", "5", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "simulating" in proc.stderr  # the progress bar goes to stderr, JSON to stdout
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def test_simulate_lists_each_day_with_decision_and_reason(cohort: dict[str, Any]) -> None:
    assert cohort["seed"] == 5 and len(cohort["patients"]) == 4
    for patient in cohort["patients"]:
        assert patient["engine_matches_simulation"] is True
        assert len(patient["days"]) == 21
        assert patient["checkins"] == sum(d["checkin"] is not None for d in patient["days"])
        for day in patient["days"]:
            decision = day["decision"]
            assert decision["reason"] and decision["rule_id"] and decision["action"]
            if day["checkin"] is not None:
                assert day["checkin"]["day"] == day["day"]


def test_simulate_is_deterministic_per_seed(env: dict[str, str], cohort: dict[str, Any]) -> None:
    proc = run(env, "simulate", "--patients", "4", "--weeks", "3", "--seed", "5", "--json")
    again = json.loads(proc.stdout)
    strip = [[(d["checkin"], d["decision"]) for d in p["days"]] for p in cohort["patients"]]
    assert strip == [[(d["checkin"], d["decision"]) for d in p["days"]] for p in again["patients"]]
    assert {p["patient_id"] for p in again["patients"]}.isdisjoint(
        p["patient_id"] for p in cohort["patients"]
    )


def test_progress_json_for_a_simulated_patient(env: dict[str, str], cohort: dict[str, Any]) -> None:
    patient = cohort["patients"][0]
    proc = run(env, "progress", patient["patient_id"], "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    last_sim = patient["days"][-1]["decision"]
    assert data["last_decision"]["reason"] == last_sim["reason"]
    assert data["quota_today"] == patient["quota_today"]
    assert [a["code"] for a in data["alerts"]] == patient["alerts"]
    assert {"outcomes", "programme", "adherence", "what_to_expect"} <= set(data)
    text = run(env, "progress", patient["patient_id"])
    assert text.returncode == 0 and "quota today" in text.stdout


def test_progress_unknown_patient_is_one_line_error(env: dict[str, str]) -> None:
    proc = run(env, "progress", "no-such-patient", "--json")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: no patient with id no-such-patient"


def test_progress_is_audited_as_cli_progress(env: dict[str, str], cohort: dict[str, Any]) -> None:
    from painpath.bootstrap import build_container
    from painpath.config import Settings

    patient_id = cohort["patients"][1]["patient_id"]
    assert run(env, "progress", patient_id, "--json").returncode == 0
    container = build_container(Settings(data_dir=Path(env["PAINPATH_DATA_DIR"])), worker_threads=0)
    with container.uow() as uow:
        events = uow.audit.search(patient_id=patient_id)
    container.engine.dispose()
    assert any(e.action == "cli.progress" and e.actor_role == "system" for e in events)
