"""Heat-map refinement of BlazePose landmarks (mediapipe's RefineLandmarksFromHeatmapCalculator)
on synthetic heat maps whose answer is known."""

from __future__ import annotations

import numpy as np

from painpath.adapters.pose.blazepose import refine_from_heatmap

SIZE, N = 64, 39


def _blob(centre_cells: np.ndarray, *, peak_logit: float = 6.0) -> np.ndarray:
    """(64, 64, N) logits: one symmetric bump per landmark, centred on ``centre_cells`` (N, 2)
    as (col, row) in cell units, steep enough that the 7 x 7 window holds nearly all of it."""
    rows, cols = np.mgrid[0:SIZE, 0:SIZE]
    d2 = (cols[..., None] - centre_cells[:, 0]) ** 2 + (rows[..., None] - centre_cells[:, 1]) ** 2
    return np.asarray(peak_logit - 4.0 * d2, dtype=np.float32)


def test_a_landmark_moves_to_the_centre_of_its_heat_map_bump() -> None:
    rng = np.random.default_rng(3)
    centres = rng.uniform(8, 56, size=(N, 2))  # cells, away from the edges
    start = (centres + rng.uniform(-2.0, 2.0, size=(N, 2))) / SIZE  # a few cells off
    refined = refine_from_heatmap(start, _blob(centres))
    # within 0.15 cells (0.6 px of the 256-px region): the bump is sampled at whole cells
    np.testing.assert_allclose(refined * SIZE, centres, atol=0.15)
    assert np.abs(start * SIZE - centres).max() > 1.0  # it did have to move


def test_a_weak_heat_map_or_a_landmark_outside_the_region_is_left_alone() -> None:
    centres = np.full((N, 2), 32.0)
    start = np.full((N, 2), 31.0 / SIZE)
    start[0] = (-0.2, 0.5)  # outside the region on the left
    start[1] = (0.5, 1.3)  # below it
    weak = _blob(centres, peak_logit=-1.0)  # largest weight sigmoid(-1) = 0.27 < 0.5
    np.testing.assert_array_equal(refine_from_heatmap(start, weak), start)
    strong = refine_from_heatmap(start, _blob(centres))
    np.testing.assert_array_equal(strong[:2], start[:2])
    np.testing.assert_allclose(strong[2:] * SIZE, 32.0, atol=0.05)
