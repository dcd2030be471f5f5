"""BlazePose's landmark model pruned to the outputs the pose pass reads.

The full model also computes a segmentation mask and a heat map on every call; the pruned one
does not (about 8.4 instead of 15.2 ms CPU a call, docs/validation/motion.md 2026-12-06 night),
and the outputs it keeps must be bit-identical. Real model files (from the mediapipe wheel).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema
from ai_edge_litert.interpreter import Interpreter

from painpath.adapters.pose import blazepose
from painpath.adapters.pose.blazepose import LANDMARK_FILE, LandmarkModel, Rect, model_file

LANDMARKS, FLAG, WORLD, HEATMAP, MASK = 195, 1, 117, 64 * 64 * 39, 256 * 256


def _outputs(interpreter: Any, image: np.ndarray) -> dict[int, np.ndarray]:
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], image)
    interpreter.invoke()
    return {int(np.prod(d["shape"])): interpreter.get_tensor(d["index"]).copy()
            for d in interpreter.get_output_details()}  # fmt: skip


def _operators(content: bytes) -> int:
    return len(schema.ModelT.InitFromPackedBuf(content, 0).subgraphs[0].operators)


def _figure() -> np.ndarray:
    """(1, 256, 256, 3) values 0-1: a stick figure on a textured background."""
    rng = np.random.default_rng(7)
    img = rng.uniform(0.2, 0.5, size=(256, 256, 3)).astype(np.float32)
    img[40:70, 113:143] = 0.9  # head
    img[70:160, 118:138] = 0.8  # trunk
    img[160:240, 108:118] = img[160:240, 138:148] = 0.7  # legs
    return img[None]


@pytest.mark.parametrize("kept", [{LANDMARKS, FLAG, WORLD}, {LANDMARKS, FLAG, WORLD, HEATMAP}])
def test_the_pruned_model_gives_the_kept_outputs_bit_for_bit(kept: set[int]) -> None:
    path = model_file(LANDMARK_FILE)
    full = Interpreter(model_path=str(path), num_threads=1)
    full.allocate_tensors()
    content = blazepose.pruned_model(path, frozenset(kept))
    pruned = Interpreter(model_content=content, num_threads=1)
    pruned.allocate_tensors()
    for image in (_figure(), np.random.default_rng(1).random((1, 256, 256, 3), np.float32)):
        expected, got = _outputs(full, image), _outputs(pruned, image)
        assert set(got) == kept and MASK in expected  # the mask is computed by the full one
        for size in kept:
            np.testing.assert_array_equal(got[size], expected[size])
    assert _operators(content) < _operators(path.read_bytes())


@pytest.mark.parametrize("refine", [False, True])
def test_the_landmark_model_runs_without_the_outputs_it_does_not_read(refine: bool) -> None:
    model = LandmarkModel(refine=refine)
    sizes = {int(np.prod(d["shape"])) for d in model._it.get_output_details()}
    assert sizes == {LANDMARKS, FLAG, WORLD} | ({HEATMAP} if refine else set())
    rgb = (np.random.default_rng(2).random((360, 640, 3)) * 255).astype(np.uint8)
    result = model.run(rgb, Rect(320.0, 180.0, 300.0, math.radians(10)))
    assert result.xy.shape == (39, 2) and 0.0 <= result.flag <= 1.0


def test_a_model_without_the_outputs_asked_for_is_refused() -> None:
    with pytest.raises(ValueError, match="no outputs of sizes"):
        blazepose.pruned_model(model_file(LANDMARK_FILE), frozenset({LANDMARKS, 12345}))
