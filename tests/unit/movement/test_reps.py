"""Peak detection and repetition segmentation."""

from __future__ import annotations

import numpy as np

from painpath.domain.movement.reps import find_peaks, segment_reps
from painpath.domain.movement.scenarios import rep_profile


def test_find_peaks_prominence_and_distance() -> None:
    x = np.array([0, 5, 0, 1, 0.5, 1.2, 0, 8, 7.9, 8.0, 0], dtype=float)
    assert find_peaks(x, min_prominence=3) == [1, 7]
    assert find_peaks(x, min_prominence=0.4) == [1, 3, 5, 7]
    assert find_peaks(x, min_prominence=3, min_distance=7) == [7]


def test_find_peaks_ignores_nan_and_edges() -> None:
    # end samples have no prominence (one-sided base); the NaN is skipped for the base
    x = np.array([3, 1, np.nan, 4, 0, 2], dtype=float)
    assert find_peaks(x, min_prominence=1.5) == [3]
    assert find_peaks(x, min_prominence=3.5) == []
    assert find_peaks(np.full(5, np.nan), min_prominence=1) == []


def test_segment_reps_counts_and_peaks_with_noise() -> None:
    t = np.arange(0, 16, 1 / 30)
    r = 90 * rep_profile(t, reps=4, period_s=2.5, pause_s=1.0)
    noisy = r + np.random.default_rng(0).normal(0, 2.0, t.shape)
    reps = segment_reps(t, noisy, min_excursion=20)
    assert len(reps) == 4
    for k, rep in enumerate(reps):
        assert abs(t[rep.peak] - (1.0 + k * 3.5 + 1.25)) < 0.15
        assert rep.start < rep.peak < rep.end


def test_segment_reps_rejects_small_motion_short_reps_and_empty() -> None:
    t = np.arange(0, 10, 1 / 30)
    assert (
        segment_reps(t, 5 * rep_profile(t, reps=3, period_s=2, pause_s=1), min_excursion=20) == []
    )
    blip = np.zeros_like(t)
    blip[100:103] = 50
    assert segment_reps(t, blip, min_excursion=20, min_duration_s=0.4) == []
    assert segment_reps(t[:2], np.array([0.0, 1.0]), min_excursion=0.1) == []


def test_segment_reps_rep_running_to_the_end_is_kept() -> None:
    t = np.arange(0, 4, 1 / 30)
    x = np.clip((t - 1.0) * 60, 0, 90)
    x[50] = np.nan
    reps = segment_reps(t, x, min_excursion=20)
    assert len(reps) == 1 and reps[0].end == t.shape[0] - 1
