"""Repetition segmentation and peak detection on a driving signal (pure NumPy).

A repetition is an excursion of the driving signal (e.g. mean knee flexion in a squat) away
from its resting level. Levels come from robust percentiles so that one outlier frame cannot
set them; entering a rep needs the signal above 50 % of the excursion and leaving it needs the
signal back below 30 % (hysteresis), so noise around one level cannot split a rep. Start and
end are where the signal crosses 10 % of the excursion. All fractions are project defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from painpath.domain.movement.geometry import Array

__all__ = ["RepWindow", "find_peaks", "segment_reps"]


@dataclass(frozen=True, slots=True)
class RepWindow:
    """Frame indices of one repetition: start, peak (extreme of the signal) and end."""

    start: int
    peak: int
    end: int


def find_peaks(signal: Array, *, min_prominence: float, min_distance: int = 1) -> list[int]:
    """Indices of local maxima with prominence >= ``min_prominence``, at least
    ``min_distance`` samples apart (the higher peak wins). NaN samples are never peaks.

    Prominence: height above the higher of the two lowest points between the peak and the
    nearest higher sample on either side (or the signal end), as in topographic prominence.
    """
    x = np.where(np.isfinite(signal), signal, -np.inf)
    n = x.shape[0]
    candidates = [
        i
        for i in range(n)
        if np.isfinite(x[i]) and (i == 0 or x[i] > x[i - 1]) and (i == n - 1 or x[i] >= x[i + 1])
    ]
    kept = [i for i in candidates if _prominence(x, i) >= min_prominence]
    chosen: list[int] = []
    for i in sorted(kept, key=lambda j: -x[j]):
        if all(abs(i - j) >= min_distance for j in chosen):
            chosen.append(i)
    return sorted(chosen)


def _prominence(x: Array, i: int) -> float:
    finite = np.where(np.isfinite(x), x, np.nan)
    # ties: an equally high peak to the left "owns" the shared base, so plateaus count once
    left_base = _base(finite[: i + 1][::-1], x[i], inclusive=True)
    right_base = _base(finite[i:], x[i], inclusive=False)
    return float(x[i] - max(left_base, right_base))


def _base(run: Array, height: float, *, inclusive: bool) -> float:
    """Lowest value of ``run`` (starting at the peak) before it exceeds (or reaches) ``height``."""
    rest = run[1:]
    higher = np.flatnonzero(rest >= height if inclusive else rest > height) + 1
    stop = int(higher[0]) if higher.size else run.shape[0]
    segment = run[:stop]
    return float(np.nanmin(segment)) if np.isfinite(segment).any() else float(height)


def segment_reps(
    t_s: Array,
    signal: Array,
    *,
    min_excursion: float,
    min_duration_s: float = 0.4,
    enter_fraction: float = 0.5,
    exit_fraction: float = 0.3,
    edge_fraction: float = 0.1,
) -> list[RepWindow]:
    """Split ``signal`` (F,) into repetitions that rise above its resting level.

    ``min_excursion`` (signal units) is the smallest peak-to-rest difference that counts as
    movement; shorter reps than ``min_duration_s`` seconds are dropped. NaN samples are
    ignored for the levels and treated as "no change of state".
    """
    finite = signal[np.isfinite(signal)]
    if finite.size < 3:
        return []
    rest, top = float(np.percentile(finite, 5)), float(np.percentile(finite, 98))
    excursion = top - rest
    if excursion < min_excursion:
        return []
    enter, leave = rest + enter_fraction * excursion, rest + exit_fraction * excursion
    edge = rest + edge_fraction * excursion
    reps: list[RepWindow] = []
    inside, first = False, 0
    for i, value in enumerate(signal):
        if not np.isfinite(value):
            continue
        if not inside and value > enter:
            inside, first = True, i
        elif inside and value < leave:
            inside = False
            reps.append(_window(signal, first, i, edge))
    if inside:
        reps.append(_window(signal, first, signal.shape[0] - 1, edge))
    return [r for r in reps if t_s[r.end] - t_s[r.start] >= min_duration_s]


def _window(signal: Array, enter: int, leave: int, edge: float) -> RepWindow:
    start = enter
    while start > 0 and not signal[start - 1] <= edge:
        start -= 1
    end = leave
    while end < signal.shape[0] - 1 and not signal[end] <= edge:
        end += 1
    segment = np.where(np.isfinite(signal[start : end + 1]), signal[start : end + 1], -np.inf)
    return RepWindow(start=start, peak=start + int(np.argmax(segment)), end=end)
