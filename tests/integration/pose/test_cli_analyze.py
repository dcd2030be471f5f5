"""``painpath analyze`` through the installed console script, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .pose_videos import MakeVideo, write_audio_only

PAINPATH = str(Path(sys.executable).with_name("painpath"))
SERIES = (
    "knee_flexion_left_deg",
    "knee_flexion_right_deg",
    "hip_flexion_left_deg",
    "hip_flexion_right_deg",
)


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PAINPATH, "analyze", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _error_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("test", ["kinematics", "squat"])
def test_video_without_a_person(make_video: MakeVideo, tmp_path: Path, test: str) -> None:
    video = make_video(frames=30, width=320, height=240)
    proc = _run(video, "--test", test, "--json", "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["video"]["fps"] == pytest.approx(30.0)
    assert payload["video"]["frames"] == 30
    assert payload["video"]["duration_s"] == pytest.approx(1.0, abs=0.05)
    assert payload["frames_with_person"] == 0
    for name in SERIES:
        assert payload["series"][name] == [None] * 30
    assert payload["reps"] == [] and payload["findings"] == []
    if test == "kinematics":
        assert payload["metrics"] == {}
    failed = [q for q in payload["quality"] if not q["passed"]]
    assert any("no person" in q["message"].lower() for q in failed)
    assert "no person" in proc.stderr.lower()
    assert "INFO:" not in proc.stderr and "W0000" not in proc.stderr  # model start-up noise
    assert (tmp_path / "out" / "analysis.json").is_file()


def test_progress_goes_to_stderr_and_stdout_stays_json(make_video: MakeVideo) -> None:
    proc = _run(make_video(frames=25), "--test", "kinematics", "--json", "--progress")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["video"]["frames"] == 25
    assert "25/25 frames" in proc.stderr


def test_human_summary_without_json(make_video: MakeVideo) -> None:
    proc = _run(make_video(frames=15), "--test", "kinematics")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("kinematics: 15 frames")


def _bad_inputs(tmp_path: Path, make_video: MakeVideo) -> dict[str, list[str | Path]]:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    noise = tmp_path / "noise.mp4"
    noise.write_bytes(bytes(range(256)) * 40)
    good = make_video(frames=12)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(make_video("long.mp4", frames=40).read_bytes()[:3000])
    audio = write_audio_only(tmp_path / "voice.m4a")
    return {
        "empty": [empty, "--test", "squat"],
        "noise": [noise, "--test", "squat"],
        "truncated": [cut, "--test", "squat"],
        "audio": [audio, "--test", "gait"],
        "missing": [tmp_path / "nope.mp4", "--test", "squat"],
        "roi": [good, "--test", "squat", "--roi", "0.5,0.5,0.2"],
        "roi_order": [good, "--test", "squat", "--roi", "0.8,0,0.2,1"],
        "side": [good, "--test", "single-leg-squat", "--side", "middle"],
        "test": [good, "--test", "cartwheel"],
        "mp4_without_out": [good, "--test", "squat", "--mp4"],
    }


CASES = (
    "empty",
    "noise",
    "truncated",
    "audio",
    "missing",
    "roi",
    "roi_order",
    "side",
    "test",
    "mp4_without_out",
)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_exits_2_with_one_clear_line(
    case: str, tmp_path: Path, make_video: MakeVideo
) -> None:
    proc = _run(*_bad_inputs(tmp_path, make_video)[case], "--json")
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = _error_lines(proc)
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
