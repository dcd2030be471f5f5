"""Filtering: zero phase, -3 dB at the cut-off, gap filling, masking and settings."""

from __future__ import annotations

import numpy as np
import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.movement.filtering import (
    FilterSettings,
    butterworth_zero_phase,
    fill_gaps,
    filter_pose_sequence,
    mask_low_confidence,
    median_rate_hz,
)
from painpath.domain.movement.scenarios import squat_recording


def test_zero_phase_no_lag_on_slow_sine() -> None:
    t = np.arange(0, 10, 1 / 30)
    x = np.sin(2 * np.pi * 1.0 * t)
    y = butterworth_zero_phase(x, rate_hz=30.0, cutoff_hz=6.0)
    lags = np.arange(-5, 6)
    core = slice(30, -30)
    corr = [np.dot(np.roll(y, k)[core], x[core]) for k in lags]
    assert lags[int(np.argmax(corr))] == 0
    assert np.max(np.abs(y - x)[core]) < 0.01


def test_combined_gain_is_minus_3_db_at_cutoff_and_attenuates_noise() -> None:
    t = np.arange(0, 20, 1 / 60)
    at_cut = butterworth_zero_phase(np.sin(2 * np.pi * 6 * t), rate_hz=60.0, cutoff_hz=6.0)
    high = butterworth_zero_phase(np.sin(2 * np.pi * 20 * t), rate_hz=60.0, cutoff_hz=6.0)
    core = slice(100, -100)
    assert np.std(at_cut[core]) / np.std(np.sin(2 * np.pi * 6 * t)[core]) == pytest.approx(
        2**-0.5, abs=0.01
    )
    assert np.std(high[core]) < 0.02


def test_filter_keeps_nan_positions_and_columns() -> None:
    x = np.column_stack([np.linspace(0, 1, 50), np.full(50, np.nan)])
    x[10, 0] = np.nan
    y = butterworth_zero_phase(x, rate_hz=30.0, cutoff_hz=6.0)
    assert np.isnan(y[10, 0]) and np.isnan(y[:, 1]).all()
    assert np.allclose(y[20:40, 0], x[20:40, 0], atol=1e-6)  # a line passes unchanged


def test_short_signal_or_high_cutoff_is_unchanged() -> None:
    x = np.array([1.0, 2.0, 3.0])
    assert np.array_equal(butterworth_zero_phase(x, rate_hz=30, cutoff_hz=6), x)
    long = np.random.default_rng(1).normal(size=40)
    assert np.array_equal(butterworth_zero_phase(long, rate_hz=10, cutoff_hz=6), long)


def test_fill_gaps_short_interpolated_long_and_edges_stay_nan() -> None:
    t = np.arange(20) / 10.0  # 10 Hz
    v = np.arange(20, dtype=float)
    v[[0, 3, 4, 10, 11, 12, 13]] = np.nan  # edge, gap of 0.3 s (ok), gap of 0.5 s (too long)
    out = fill_gaps(t, v, max_gap_s=0.3)
    assert np.isnan(out[0])
    assert out[3] == pytest.approx(3.0) and out[4] == pytest.approx(4.0)
    assert np.isnan(out[10:14]).all()


def test_mask_low_confidence() -> None:
    values = np.ones((2, 33, 2))
    conf = np.full((2, 33), 0.9)
    conf[1, 5] = 0.2
    out = mask_low_confidence(values, conf, threshold=0.5)
    assert np.isnan(out[1, 5]).all() and np.isfinite(out[0]).all()


def test_median_rate_handles_jitter_and_single_frame() -> None:
    t = np.cumsum(np.r_[0, np.full(99, 1 / 30)] + np.r_[0, np.tile([0.002, -0.002], 49), 0])
    assert median_rate_hz(t) == pytest.approx(30.0, rel=0.07)
    assert median_rate_hz(np.array([0.0])) == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [{"confidence_min": 1.5}, {"max_gap_s": -1.0}, {"cutoff_hz": 0.0}, {"order": 4}],
)
def test_settings_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        FilterSettings(**kwargs)  # type: ignore[arg-type]


def test_filter_pose_sequence_masks_fills_and_zeroes_confidence() -> None:
    seq = squat_recording(noise_px=3.0, seed=2)
    conf = seq.confidence.copy()
    conf[40:43, 25] = 0.1  # 0.1 s: filled
    conf[60:80, 26] = 0.1  # 0.67 s: stays unknown
    noisy = type(seq)(
        t_s=seq.t_s,
        image_xy=seq.image_xy,
        confidence=conf,
        frame_size=seq.frame_size,
        world_xyz=seq.world_xyz,
    )
    clean = filter_pose_sequence(noisy)
    assert np.isfinite(clean.image_xy[40:43, 25]).all()
    assert np.isnan(clean.image_xy[60:80, 26]).all()
    assert (clean.confidence[60:80, 26] == 0).all() and clean.world_xyz is not None
    exact = squat_recording()
    err_raw = np.nanstd(noisy.image_xy - exact.image_xy)
    err_clean = np.nanstd(clean.image_xy - exact.image_xy)
    assert err_clean < 0.75 * err_raw  # 6 Hz of a 15 Hz band keeps ~40 % of white-noise power
    unfiltered = filter_pose_sequence(noisy, FilterSettings(cutoff_hz=None))
    assert np.allclose(unfiltered.image_xy[:40], noisy.image_xy[:40], equal_nan=True)
