"""Whole-body left/right label swaps: continuity plus the majority labelling."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.domain.movement.analysis import analyze_movement
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import (
    single_leg_squat_recording,
    squat_recording,
    walk_recording,
)
from painpath.domain.movement.swaps import SWAP_INDEX, correct_label_swaps
from painpath.domain.movement.synthetic import pair_swap_index
from painpath.domain.types import Side


def swapped(seq: PoseSequence, frames: slice) -> PoseSequence:
    """``seq`` with every left/right label exchanged in ``frames`` (image, world, confidence)."""
    image, conf = seq.image_xy.copy(), seq.confidence.copy()
    assert seq.world_xyz is not None
    world = seq.world_xyz.copy()
    image[frames], conf[frames], world[frames] = (
        image[frames][:, SWAP_INDEX],
        conf[frames][:, SWAP_INDEX],
        world[frames][:, SWAP_INDEX],
    )
    return replace(seq, image_xy=image, confidence=conf, world_xyz=world)


def test_swap_index_is_the_synthetic_models_pair_permutation() -> None:
    assert SWAP_INDEX.tolist() == pair_swap_index()
    assert (SWAP_INDEX[SWAP_INDEX] == np.arange(33)).all()  # an involution


@pytest.mark.parametrize("frames", [slice(0, 20), slice(40, 70), slice(200, None)])
def test_swaps_are_undone_even_when_the_clip_starts_swapped(frames: slice) -> None:
    clean = squat_recording(view="front", noise_px=1.0)
    fixed, count = correct_label_swaps(swapped(clean, frames))
    assert count == len(range(clean.n_frames)[frames])
    assert np.allclose(fixed.image_xy, clean.image_xy)
    assert fixed.world_xyz is not None and clean.world_xyz is not None
    assert np.allclose(fixed.world_xyz, clean.world_xyz)
    assert np.allclose(fixed.confidence, clean.confidence)


def test_the_labelling_most_frames_hold_is_kept() -> None:
    """One camera cannot tell which labelling is right; the majority wins, consistently."""
    clean = squat_recording(view="front", noise_px=1.0)
    fixed, count = correct_label_swaps(swapped(clean, slice(150, None)))  # 192 of 342 frames
    assert count == 150
    assert np.allclose(fixed.image_xy, clean.image_xy[:, SWAP_INDEX])


def test_a_clip_swapped_from_frame_0_gives_the_right_single_leg_side() -> None:
    """Anchoring on frame 0 would keep the swapped labels of the first frames and then
    'correct' every later frame to them (the domain's earlier rule did, on a real view)."""
    clean = single_leg_squat_recording(side=Side.LEFT, noise_px=1.0)
    r = analyze_movement(swapped(clean, slice(0, 30)), test="single-leg-squat")
    assert r.side is Side.LEFT
    note = next(q for q in r.quality if q.id == "label_swaps")
    assert "30 frame" in note.message


def test_a_blended_frame_around_a_swap_follows_its_neighbours() -> None:
    """The estimator's smoothing blends the two labellings for a frame; the vote over the
    last frames still relabels the frames after it."""
    clean = squat_recording(view="front")
    broken = swapped(clean, slice(60, 100))
    image = broken.image_xy.copy()
    image[60] = (clean.image_xy[60] + clean.image_xy[60][SWAP_INDEX]) / 2  # half way
    fixed, _ = correct_label_swaps(replace(broken, image_xy=image))
    assert np.allclose(fixed.image_xy[61:], clean.image_xy[61:])


@pytest.mark.parametrize("cadence", [90.0, 110.0, 130.0, 150.0])
def test_no_false_swaps_in_walking_where_legs_cross(cadence: float) -> None:
    seq, _ = walk_recording(cadence_steps_per_min=cadence, noise_px=1.0)
    assert correct_label_swaps(seq)[1] == 0


def test_without_a_torso_nothing_is_changed() -> None:
    seq = squat_recording()
    blank = replace(seq, image_xy=np.full_like(seq.image_xy, np.nan))
    assert correct_label_swaps(blank) == (blank, 0)
    assert correct_label_swaps(seq, lookback=0)[1] == 0  # lookback is at least one frame


_SQUAT = squat_recording(view="front", noise_px=1.0)


@settings(max_examples=15, deadline=None)
@given(start=st.integers(0, _SQUAT.n_frames - 1), length=st.integers(1, _SQUAT.n_frames // 2 - 1))
def test_any_minority_swap_run_is_undone(start: int, length: int) -> None:
    """Invariant: one run of swapped frames shorter than half the clip, anywhere (also at
    frame 0 or running to the end), is undone exactly."""
    run = slice(start, min(start + length, _SQUAT.n_frames))
    fixed, count = correct_label_swaps(swapped(_SQUAT, run))
    assert count == run.stop - run.start
    assert np.allclose(fixed.image_xy, _SQUAT.image_xy)
