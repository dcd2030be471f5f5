"""Landmark cleaning: low-confidence masking, short-gap filling, zero-phase low-pass filter.

Defaults follow the usual marker-based biomechanics practice described by Winter (a 2nd-order
Butterworth low-pass at about 6 Hz, run forward and backward so that it adds no phase lag;
evidence key ``winter2009``). The confidence threshold and the longest gap that may be bridged
are project defaults (``project_default``).

Variable frame rate: phone video often has jittery timestamps. Rather than resampling, the
filter is designed for the *median* frame rate and applied sample by sample; with small jitter
this changes the effective cut-off by the same small fraction, which is acceptable for 6 Hz
smoothing of movements below about 3 Hz.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np

from painpath.domain.errors import InvalidInput
from painpath.domain.movement.geometry import Array
from painpath.domain.movement.pose import PoseSequence

__all__ = [
    "ANALYSIS_RATE_HZ",
    "FilterSettings",
    "butterworth_zero_phase",
    "fill_gaps",
    "filter_pose_sequence",
    "interpolate_at",
    "mask_low_confidence",
    "median_rate_hz",
    "resample_pose",
]

# Two passes of an n-th order Butterworth attenuate the cut-off frequency by 2 x 3 dB; Winter's
# correction factor (2**(1/passes) - 1) ** (1 / (2 * order)) restores -3 dB at the requested
# cut-off for the combined filter.
_PASSES = 2


@dataclass(frozen=True, slots=True)
class FilterSettings:
    """Parameters of :func:`filter_pose_sequence`.

    - ``confidence_min``: landmarks with confidence below this (0-1) are treated as unknown.
    - ``max_gap_s``: interior gaps up to this long (seconds) are linearly interpolated;
      longer gaps stay unknown.
    - ``cutoff_hz``: -3 dB cut-off of the *combined* forward-backward low-pass filter.
    - ``order``: Butterworth order of one pass (only 2 is implemented: one biquad).
    - ``evidence``: citation keys for these choices.
    """

    confidence_min: float = 0.5
    max_gap_s: float = 0.25
    cutoff_hz: float | None = 6.0  # None disables low-pass filtering
    order: int = 2
    evidence: tuple[str, ...] = ("winter2009", "project_default")

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence_min <= 1.0:
            raise InvalidInput("confidence_min must be between 0 and 1")
        if self.max_gap_s < 0:
            raise InvalidInput("max_gap_s must not be negative")
        if self.cutoff_hz is not None and self.cutoff_hz <= 0:
            raise InvalidInput("cutoff_hz must be positive")
        if self.order != 2:
            raise InvalidInput("only a 2nd-order Butterworth filter is implemented")


def median_rate_hz(t_s: Array) -> float:
    """Median frame rate (Hz) of timestamps ``t_s``; 0.0 with fewer than two frames."""
    if t_s.shape[0] < 2:
        return 0.0
    return float(1.0 / np.median(np.diff(t_s)))


def mask_low_confidence(values: Array, confidence: Array, *, threshold: float) -> Array:
    """Copy of ``values`` (F, 33, D) with landmarks whose confidence < ``threshold`` set to NaN."""
    out = np.array(values, dtype=np.float64, copy=True)
    out[confidence < threshold] = np.nan
    return out


def fill_gaps(t_s: Array, values: Array, *, max_gap_s: float) -> Array:
    """Linearly interpolate interior NaN gaps of at most ``max_gap_s`` seconds along axis 0.

    The gap length is the time between the last known sample before and the first known sample
    after the gap. Leading/trailing gaps and longer gaps stay NaN. ``values`` is (F, ...).
    """
    columns = int(np.prod(values.shape[1:]))
    flat = np.array(values, dtype=np.float64, copy=True).reshape(values.shape[0], columns)
    for col in range(flat.shape[1]):
        _fill_column(t_s, flat[:, col], max_gap_s)
    return flat.reshape(values.shape)


def _fill_column(t_s: Array, column: Array, max_gap_s: float) -> None:
    known = np.flatnonzero(np.isfinite(column))
    if known.size < 2:
        return
    for left, right in itertools.pairwise(known):
        if right - left > 1 and t_s[right] - t_s[left] <= max_gap_s + 1e-9:
            span = slice(left + 1, right)
            column[span] = np.interp(t_s[span], t_s[[left, right]], column[[left, right]])


def _biquad_coefficients(cutoff_hz: float, rate_hz: float) -> tuple[Array, Array]:
    """2nd-order low-pass Butterworth by the bilinear transform with pre-warping.

    The pre-warped analogue cut-off is divided by Winter's two-pass correction factor so that
    the forward-backward cascade is exactly -3 dB at ``cutoff_hz``.
    """
    correction = (2.0 ** (1.0 / _PASSES) - 1.0) ** (1.0 / (2.0 * 2))
    k = math.tan(math.pi * cutoff_hz / rate_hz) / correction
    norm = 1.0 / (1.0 + math.sqrt(2.0) * k + k * k)
    b0 = k * k * norm
    b = np.array([b0, 2.0 * b0, b0])
    a = np.array([1.0, 2.0 * (k * k - 1.0) * norm, (1.0 - math.sqrt(2.0) * k + k * k) * norm])
    return b, a


def _lfilter(b: Array, a: Array, x: Array) -> Array:
    """Transposed direct-form II biquad along axis 0, started in steady state at x[0]."""
    gain = b.sum() / a.sum()
    z2 = (b[2] - a[2] * gain) * x[0]
    z1 = (b[1] - a[1] * gain) * x[0] + z2
    y = np.empty_like(x)
    for i in range(x.shape[0]):
        y[i] = b[0] * x[i] + z1
        z1 = b[1] * x[i] - a[1] * y[i] + z2
        z2 = b[2] * x[i] - a[2] * y[i]
    return y


def butterworth_zero_phase(values: Array, *, rate_hz: float, cutoff_hz: float) -> Array:
    """Zero-phase low-pass of ``values`` (F, ...) along axis 0 (forward and backward pass).

    ``cutoff_hz`` is the -3 dB point of the combined filter. NaN samples are bridged by linear
    interpolation (edges: nearest value) for filtering only and are NaN again in the output.
    Signals too short to pad, or a cut-off at or above 0.95 x Nyquist, are returned unchanged.
    """
    x = np.array(values, dtype=np.float64, copy=True)
    frames = x.shape[0]
    if frames < 4 or cutoff_hz >= 0.95 * rate_hz / 2.0:
        return x
    flat = x.reshape(frames, -1)
    missing = ~np.isfinite(flat)
    filled = _bridge_nans(flat)
    b, a = _biquad_coefficients(cutoff_hz, rate_hz)
    pad = min(frames - 1, 9)
    # Odd reflection about the end samples keeps the start-up transient out of the data.
    head = 2.0 * filled[0] - filled[pad:0:-1]
    tail = 2.0 * filled[-1] - filled[-2 : -pad - 2 : -1]
    ext = np.concatenate([head, filled, tail])
    forward = _lfilter(b, a, ext)
    both = _lfilter(b, a, forward[::-1])[::-1]
    out = both[pad : pad + frames]
    out[missing] = np.nan
    return out.reshape(x.shape)


def _bridge_nans(flat: Array) -> Array:
    out = np.zeros_like(flat)
    idx = np.arange(flat.shape[0])
    for col in range(flat.shape[1]):
        known = np.isfinite(flat[:, col])
        if known.any():
            out[:, col] = np.interp(idx, idx[known], flat[known, col])
    return out


def filter_pose_sequence(seq: PoseSequence, settings: FilterSettings | None = None) -> PoseSequence:
    """Mask low-confidence landmarks, fill short gaps and low-pass image and world landmarks.

    Confidence of masked (and still unknown) landmarks becomes 0; filled landmarks keep the
    lower of their neighbours' confidence so that quality checks stay conservative.
    """
    cfg = settings or FilterSettings()
    rate = median_rate_hz(seq.t_s)
    low = seq.confidence < cfg.confidence_min

    def clean(values: Array) -> Array:
        masked = np.array(values, dtype=np.float64, copy=True)
        masked[low] = np.nan
        filled = fill_gaps(seq.t_s, masked, max_gap_s=cfg.max_gap_s)
        if cfg.cutoff_hz is None or rate <= 0:
            return filled
        return butterworth_zero_phase(filled, rate_hz=rate, cutoff_hz=cfg.cutoff_hz)

    image = clean(seq.image_xy)
    world = None if seq.world_xyz is None else clean(seq.world_xyz)
    conf = np.where(low, np.nan, seq.confidence)
    conf = fill_gaps(seq.t_s, conf, max_gap_s=cfg.max_gap_s)
    conf = np.where(np.isfinite(image[..., 0]), np.nan_to_num(conf, nan=0.0), 0.0)
    return replace(seq, image_xy=image, world_xyz=world, confidence=conf)


ANALYSIS_RATE_HZ = 60.0  # every clip is analysed on this time grid (see resample_pose)


def resample_pose(seq: PoseSequence, *, rate_hz: float = ANALYSIS_RATE_HZ) -> PoseSequence:
    """``seq`` on an even time grid of ``rate_hz`` from its first to its last frame.

    Linear interpolation between the two frames around each grid time (unknown when either
    is). Analysing every clip on one grid makes each step that counts samples (filter, peak
    windows, swap look-back, rep and step detection) mean the same time span whatever the
    camera's frame rate, including variable-frame-rate phone clips.
    """
    t = seq.t_s
    if seq.n_frames < 2 or rate_hz <= 0:
        return seq
    grid = t[0] + np.arange(int(np.floor((t[-1] - t[0]) * rate_hz + 1e-6)) + 1) / rate_hz

    def at(values: Array) -> Array:
        return interpolate_at(t, values, grid)

    world = None if seq.world_xyz is None else at(seq.world_xyz)
    return replace(
        seq,
        t_s=grid,
        image_xy=at(seq.image_xy),
        confidence=np.nan_to_num(at(seq.confidence), nan=0.0),
        world_xyz=world,
    )


def interpolate_at(t_s: Array, values: Array, times: Array) -> Array:
    """Linear interpolation of ``values`` (F, ...) sampled at ``t_s`` at ``times`` (G,).

    NaN where either neighbour is unknown, except at a time that falls on a sample (within a
    microsecond), which takes that sample; times outside ``t_s`` take the end value.
    """
    right = np.clip(np.searchsorted(t_s, times, side="left"), 1, t_s.shape[0] - 1)
    left = right - 1
    span = t_s[right] - t_s[left]
    w = np.clip((times - t_s[left]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    on_left = np.abs(times - t_s[left]) < 1e-6
    on_right = np.abs(times - t_s[right]) < 1e-6
    w = w.reshape((-1,) + (1,) * (values.ndim - 1))
    out = (1.0 - w) * values[left] + w * values[right]
    out[on_left] = values[left][on_left]
    out[on_right] = values[right][on_right]
    return np.asarray(out, dtype=np.float64)
