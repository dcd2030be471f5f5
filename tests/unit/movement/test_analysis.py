"""The analyze_movement contract: quality failures never raise, misuse does."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.movement.analysis import analyze_movement, movement_test_spec
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import squat_recording
from painpath.domain.movement.synthetic import pair_swap_index
from painpath.domain.types import Side

REQUIRED = (
    "knee_flexion_left_deg",
    "knee_flexion_right_deg",
    "hip_flexion_left_deg",
    "hip_flexion_right_deg",
)


def failed(result: object) -> dict[str, str]:
    return {q.id: q.message for q in result.quality if not q.passed}  # type: ignore[attr-defined]


def test_unknown_test_and_bad_side_raise() -> None:
    seq = squat_recording()
    with pytest.raises(InvalidInput, match="unknown movement test"):
        analyze_movement(seq, test="jumping")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="side"):
        analyze_movement(seq, test="single-leg-squat", side=Side.BOTH)
    assert movement_test_spec("gait").min_duration_s > 0


def test_no_person_fails_cleanly() -> None:
    t = np.arange(0, 5, 1 / 30)
    empty = PoseSequence(t, np.full((t.size, 33, 2), np.nan), np.zeros((t.size, 33)), (720, 1280))
    r = analyze_movement(empty, test="squat")
    msgs = failed(r)
    # one cause, one message: no view or joint-visibility failure on top of "nobody"
    assert set(msgs) == {"person_visible"} and "no person was found" in msgs["person_visible"]
    assert r.frames_with_person == 0 and r.reps == () and r.findings == () and r.metrics == {}
    assert all(v is None for v in r.series["knee_flexion_left_deg"])
    assert not r.passed


def test_wrong_view_fails_with_message() -> None:
    r = analyze_movement(squat_recording(view="front"), test="gait")
    assert set(failed(r)) == {"view"}
    assert "from the side" in failed(r)["view"] and r.findings == ()
    side = analyze_movement(squat_recording(view="side"), test="single-leg-stance", side=Side.LEFT)
    assert "from the front" in failed(side)["view"]


def test_too_short_fails() -> None:
    seq = squat_recording()
    short = PoseSequence(seq.t_s[:20], seq.image_xy[:20], seq.confidence[:20], seq.frame_size)
    r = analyze_movement(short, test="squat")
    assert "duration" in failed(r) and "too short" in failed(r)["duration"]


def test_low_confidence_fails() -> None:
    seq = squat_recording()
    dim = replace(seq, confidence=np.full_like(seq.confidence, 0.55))
    dim.confidence[:, 25:29] = 0.2
    r = analyze_movement(dim, test="squat")
    assert set(failed(r)) == {"landmark_confidence"}


def test_series_contract_and_label_swap_correction() -> None:
    seq = squat_recording(view="front", valgus_deg=15, noise_px=1.0)
    image = seq.image_xy.copy()
    image[50:90] = image[50:90][:, pair_swap_index()]
    broken = replace(seq, image_xy=image)
    r = analyze_movement(broken, test="squat")
    assert r.passed and r.view == "front" and r.frames_with_person == seq.n_frames
    for key in REQUIRED:
        assert len(r.series[key]) == seq.n_frames
    swap = next(q for q in r.quality if q.id == "label_swaps")
    assert "40 frame" in swap.message
    valgus = {f.side for f in r.findings if f.code == "dynamic_knee_valgus"}
    assert valgus == {Side.LEFT, Side.RIGHT}


def test_dropouts_are_bridged_and_analysis_still_works() -> None:
    seq = squat_recording(view="side", noise_px=1.0)
    image, conf = seq.image_xy.copy(), seq.confidence.copy()
    rng = np.random.default_rng(5)
    gone = rng.random(seq.n_frames) < 0.1
    image[gone], conf[gone] = np.nan, 0.0
    r = analyze_movement(replace(seq, image_xy=image, confidence=conf), test="squat")
    assert r.passed and len(r.reps) == 3
    assert r.metrics["peak_knee_flexion_left_deg"] == pytest.approx(100, abs=3)


def test_inferred_side_is_reported() -> None:
    from painpath.domain.movement.scenarios import single_leg_squat_recording

    r = analyze_movement(single_leg_squat_recording(side=Side.LEFT), test="single-leg-squat")
    note = next(q for q in r.quality if q.id == "side_inferred")
    assert r.side is Side.LEFT and note.passed and "left" in note.message


@pytest.mark.parametrize("frames", [0, 1, 5])
def test_tiny_or_empty_sequences_never_raise(frames: int) -> None:
    seq = squat_recording()
    cut = PoseSequence(
        seq.t_s[:frames],
        seq.image_xy[:frames],
        seq.confidence[:frames],
        seq.frame_size,
        seq.world_xyz[:frames] if seq.world_xyz is not None else None,
    )
    r = analyze_movement(cut, test="squat")
    assert "duration" in failed(r) and r.reps == ()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("t_s", np.zeros((3, 1)), "one-dimensional"),
        ("image_xy", np.zeros((3, 32, 2)), "image landmarks"),
        ("confidence", np.zeros((3, 2)), "confidence"),
        ("world_xyz", np.zeros((3, 33, 2)), "world landmarks"),
        ("t_s", np.array([0.0, 0.0, 1.0]), "strictly increasing"),
    ],
)
def test_pose_sequence_validation(field: str, value: np.ndarray, message: str) -> None:
    args = {
        "t_s": np.arange(3) / 30.0,
        "image_xy": np.zeros((3, 33, 2)),
        "confidence": np.zeros((3, 33)),
        "frame_size": (10, 10),
        "world_xyz": None,
    }
    args[field] = value
    with pytest.raises(InvalidInput, match=message):
        PoseSequence(**args)  # type: ignore[arg-type]


def test_every_threshold_and_filter_evidence_key_resolves() -> None:
    from painpath.adapters.knowledge import load_evidence
    from painpath.domain.movement.filtering import FilterSettings
    from painpath.domain.movement.thresholds import THRESHOLDS

    catalogue = load_evidence()
    keys = {k for t in THRESHOLDS.values() for k in t.evidence} | set(FilterSettings().evidence)
    assert keys and all(k in catalogue for k in keys)
    assert all(t.comparison in (">", "<") and t.norm for t in THRESHOLDS.values())
