"""BlazePose's two bundled models run directly with LiteRT (``ai-edge-litert``): no mediapipe graph.

The model files ship inside the mediapipe 0.10.14 wheel (``mediapipe/modules/``); they are read
from there without importing mediapipe (which costs about a second), so nothing is downloaded.
What mediapipe's graphs do around the two models is reproduced here from their published
configuration (``pose_detection_cpu``, ``pose_landmark_by_roi_cpu``, ``pose_landmarks_to_roi``):

- **Detector** (``pose_detection.tflite``): the frame letterboxed to 224 x 224, values -1..1;
  2254 SSD anchors (strides 8, 16, 32, 32, 32; fixed size); a box and four key points per
  anchor; sigmoid score >= 0.5; weighted non-maximum suppression at IoU 0.3. Key point 0 is the
  hip centre, key point 1 lies on a circle around the whole body.
- **Region**: a rotated square centred on the hip centre whose side is twice the distance to
  key point 1, times 1.25, turned so that the body points up.
- **Landmark model** (``pose_landmark_full.tflite``): that region warped to 256 x 256, values
  0..1; 39 landmarks (x, y, z, visibility, presence), a pose-presence flag and 39 world
  landmarks in metres. Landmarks 33 and 34 give the next frame's region (tracking). The model
  also computes a segmentation mask and a heat map; it is loaded pruned to the outputs read
  (:func:`pruned_model`: the same operators for those, bit-identical, about 45 % less CPU).
- **Mirror averaging** (optional, ``flip_average``; not in mediapipe): the same region is also
  run mirrored left-right, its landmarks mirrored back with left and right exchanged, and the
  positions (image, relative depth, world) of the two runs averaged. It costs a second model
  call per frame and brought knee/hip flexion closer to a four-camera reference on two
  multi-view clips (docs/validation/cross-view.md). Visibility, presence and the tracking flag
  stay those of the direct run, so tracking and confidence masking are unchanged.

All coordinates here are pixels of the image given (x right, y down).
"""

from __future__ import annotations

import importlib.util
import math
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DETECTOR_FILE",
    "LANDMARK_FILE",
    "Detection",
    "LandmarkModel",
    "LandmarkResult",
    "PoseDetector",
    "Rect",
    "model_file",
    "pruned_model",
    "rect_from_points",
    "thread_detector",
]

Array = NDArray[np.float64]
DETECTOR_FILE = "pose_detection/pose_detection.tflite"
LANDMARK_FILE = "pose_landmark/pose_landmark_full.tflite"
_DET_SIZE = 224
_LM_SIZE = 256
_HM_SIZE = 64  # the landmark model's heat map: 64 x 64 cells over the region, one per landmark
_HM_KERNEL = 7  # mediapipe's pose graph (tensors_to_pose_landmarks_and_segmentation.pbtxt)
_HM_MIN_WEIGHT = 0.5  # RefineLandmarksFromHeatmapCalculatorOptions default
_MIN_SCORE = 0.5  # mediapipe's min_detection_confidence default
_NMS_IOU = 0.3
_RECT_SCALE = 1.25
_LOAD_LOCK = threading.Lock()  # fd 2 is silenced while a model loads: one at a time
N_MODEL_LANDMARKS = 39  # 33 body landmarks + 2 auxiliary (tracking) + 4 unused
_LANDMARKS_SIZE = N_MODEL_LANDMARKS * 5  # the landmark model's outputs by element count
_WORLD_SIZE = N_MODEL_LANDMARKS * 3
_HEATMAP_SIZE = _HM_SIZE * _HM_SIZE * N_MODEL_LANDMARKS
_N_BODY = 33
# BlazePose's 33 body landmarks: 0 nose, then (left, right) pairs from 1-6 (eyes) on, 9/10 the
# mouth; the auxiliary and unused ones (33-38) are not sided. Index of each one's mirror image.
_MIRROR = np.arange(N_MODEL_LANDMARKS)
for _left, _right in (
    (1, 4),
    (2, 5),
    (3, 6),
    (7, 8),
    (9, 10),
    *((i, i + 1) for i in range(11, 33, 2)),
):
    _MIRROR[_left], _MIRROR[_right] = _right, _left


def model_file(name: str) -> Path:
    """Path of a model file inside the installed mediapipe wheel (mediapipe is not imported)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("mediapipe 0.10.14 (which carries the BlazePose models) is missing")
    path = Path(next(iter(spec.submodule_search_locations))) / "modules" / name
    if not path.is_file():
        raise FileNotFoundError(f"the BlazePose model {name} is not in the mediapipe package")
    return path


def _interpreter(name: str | Path, threads: int, *, outputs: frozenset[int] | None = None) -> Any:
    """An interpreter for a model of the mediapipe wheel (``name``) or a file (a ``Path``);
    with ``outputs``, of that model pruned to the outputs of those sizes (:func:`pruned_model`)."""
    from ai_edge_litert.interpreter import Interpreter

    from painpath.adapters.pose.mediapipe_estimator import _quiet_native_logs

    path = name if isinstance(name, Path) else model_file(name)
    content = None if outputs is None else pruned_model(path, outputs)
    with _LOAD_LOCK, _quiet_native_logs():  # LiteRT prints an INFO line no setting turns off
        if content is None:
            interpreter = Interpreter(model_path=str(path), num_threads=threads)
        else:
            interpreter = Interpreter(model_content=content, num_threads=threads)
        interpreter.allocate_tensors()
    return interpreter


_PRUNE_LOCK = threading.Lock()
_PRUNED: dict[tuple[Path, frozenset[int]], bytes] = {}


def pruned_model(path: Path, outputs: frozenset[int]) -> bytes:
    """The model at ``path`` (a LiteRT flatbuffer) with only the outputs whose element counts
    are in ``outputs`` and only the operators they depend on, as bytes for
    ``Interpreter(model_content=...)``; built once per process (about 0.06 s CPU).

    A LiteRT interpreter runs every operator of its graph, whichever outputs are read:
    BlazePose's landmark model also computes a 256 x 256 segmentation mask and a 64 x 64 x 39
    heat map, which the pose pass does not read (the heat map only with ``refine``); without
    them the call costs about 8.4 instead of 15.2 ms CPU. The operators kept are the same,
    with the same weights, so the outputs kept are bit-identical (tests/integration/pose/
    test_pruned_model.py; docs/validation/motion.md, 2026-12-06 night)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    key = (path, outputs)
    with _PRUNE_LOCK:
        if key not in _PRUNED:
            model = schema.ModelT.InitFromPackedBuf(path.read_bytes(), 0)
            for graph in model.subgraphs:
                kept = [t for t in graph.outputs if _elements(graph.tensors[t]) in outputs]
                if len(kept) != len(outputs):
                    raise ValueError(f"{path.name} has no outputs of sizes {sorted(outputs)}")
                needed = _needed_operators(graph.operators, kept)
                graph.operators = [op for i, op in enumerate(graph.operators) if i in needed]
                graph.outputs = kept
            builder = flatbuffers.Builder(1024)
            builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
            _PRUNED[key] = bytes(builder.Output())
        return _PRUNED[key]


def _elements(tensor: Any) -> int:
    return int(np.prod(tensor.shape)) if tensor.shape is not None else 0


def _needed_operators(operators: list[Any], outputs: list[int]) -> set[int]:
    """Indices of the operators that the tensors ``outputs`` depend on."""
    producer = {t: i for i, op in enumerate(operators) for t in op.outputs}
    needed: set[int] = set()
    stack = list(outputs)
    while stack:
        i = producer.get(stack.pop())
        if i is not None and i not in needed:
            needed.add(i)
            stack.extend(t for t in operators[i].inputs if t >= 0)
    return needed


@dataclass(frozen=True, slots=True)
class Rect:
    """A rotated square region: centre and side in pixels, ``angle`` in radians.

    A point ``l`` in 0-1 coordinates of the region maps to ``centre + side x R(angle)(l - 0.5)``.
    """

    cx: float
    cy: float
    side: float
    angle: float

    def to_image(self, unit_xy: Array) -> Array:
        """(..., 2) region coordinates 0-1 -> image pixels."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        u = (unit_xy - 0.5) * self.side
        x = c * u[..., 0] - s * u[..., 1] + self.cx
        y = s * u[..., 0] + c * u[..., 1] + self.cy
        return np.stack([x, y], axis=-1)

    def warp_matrix(self, size: int) -> Array:
        """2 x 3 affine map from output pixels (0..size) to image pixels (for cv2's inverse map)."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        k = self.side / size
        origin = self.to_image(np.array([0.0, 0.0]))
        return np.array([[c * k, -s * k, origin[0]], [s * k, c * k, origin[1]]])


def rect_from_points(centre: Array, edge: Array, *, scale: float = _RECT_SCALE) -> Rect:
    """The tracking region from a centre point and a point on the body's circle.

    Side = 2 x their distance x ``scale``; turned so that centre -> edge points up (mediapipe's
    ``AlignmentPointsRectsCalculator`` with a target angle of 90 deg).
    """
    dx, dy = float(edge[0] - centre[0]), float(edge[1] - centre[1])
    angle = math.pi / 2 - math.atan2(-dy, dx)
    angle = angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))
    return Rect(float(centre[0]), float(centre[1]), 2.0 * math.hypot(dx, dy) * scale, angle)


@dataclass(frozen=True, slots=True)
class Detection:
    """One person found by the detector: score 0-1, box (x0, y0, x1, y1), key points (4, 2)."""

    score: float
    box: tuple[float, float, float, float]
    keypoints: Array

    @property
    def rect(self) -> Rect:
        return rect_from_points(self.keypoints[0], self.keypoints[1])


@cache
def _anchors() -> Array:
    """(2254, 2) anchor centres (0-1) of BlazePose's SSD head."""
    centres: list[Array] = []
    for stride, per_cell in ((8, 2), (16, 2), (32, 6)):
        cells = _DET_SIZE // stride
        grid = (np.arange(cells) + 0.5) / cells
        xs, ys = np.meshgrid(grid, grid)
        cell = np.stack([xs.ravel(), ys.ravel()], axis=-1)
        centres.append(np.repeat(cell, per_cell, axis=0))
    return np.concatenate(centres)


class PoseDetector:
    """BlazePose's person detector: every person in an RGB image, best first."""

    def __init__(self, *, threads: int = 1) -> None:
        self._it = _interpreter(DETECTOR_FILE, threads)
        self._in = self._it.get_input_details()[0]["index"]
        outs = sorted(self._it.get_output_details(), key=lambda d: int(d["shape"][-1]))
        self._scores, self._boxes = outs[0]["index"], outs[1]["index"]

    def detect(self, rgb: NDArray[np.uint8]) -> list[Detection]:
        import cv2

        height, width = rgb.shape[:2]
        scale = _DET_SIZE / max(height, width)
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        pad_x, pad_y = (_DET_SIZE - w) // 2, (_DET_SIZE - h) // 2
        canvas = np.zeros((_DET_SIZE, _DET_SIZE, 3), dtype=np.float32)
        small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
        canvas[pad_y : pad_y + h, pad_x : pad_x + w] = small / 127.5 - 1.0
        self._it.set_tensor(self._in, canvas[None])
        self._it.invoke()
        raw = self._it.get_tensor(self._boxes)[0]
        scores = _sigmoid(self._it.get_tensor(self._scores)[0, :, 0].astype(np.float64))
        keep = np.flatnonzero(scores >= _MIN_SCORE)
        if keep.size == 0:
            return []
        # decode to tensor pixels, then undo the letterbox and the scale
        anchors = _anchors()[keep] * _DET_SIZE
        values = raw[keep].reshape(-1, 6, 2).astype(np.float64)
        values[:, 0] += anchors  # box centre
        values[:, 2:] += anchors[:, None, :]  # key points
        offset = np.array([pad_x, pad_y])
        centre = (values[:, 0] - offset) / scale
        half = values[:, 1] / scale / 2.0
        points = (values[:, 2:] - offset) / scale
        boxes = np.concatenate([centre - half, centre + half], axis=-1)
        return _weighted_nms(scores[keep], boxes, points)


_PER_THREAD = threading.local()


def thread_detector() -> PoseDetector:
    """This thread's detector, shared by everyone who detects in it (the tracker and person
    sampling). An interpreter must not be used by two threads at once, and loading one costs
    about 0.1 s of CPU, a few per cent of a short clip's analysis."""
    detector: PoseDetector | None = getattr(_PER_THREAD, "detector", None)
    if detector is None:
        detector = PoseDetector()
        _PER_THREAD.detector = detector
    return detector


def _iou(a: Array, b: Array) -> Array:
    x0, y0 = np.maximum(a[0], b[:, 0]), np.maximum(a[1], b[:, 1])
    x1, y1 = np.minimum(a[2], b[:, 2]), np.minimum(a[3], b[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - inter
    return np.asarray(inter / np.maximum(area, 1e-9), dtype=np.float64)


def _weighted_nms(scores: Array, boxes: Array, points: Array) -> list[Detection]:
    """mediapipe's WEIGHTED suppression: overlapping candidates are averaged by score."""
    order = np.argsort(-scores)
    remaining = order
    out: list[Detection] = []
    while remaining.size:
        best = remaining[0]
        overlap = _iou(boxes[best], boxes[remaining]) > _NMS_IOU
        group = remaining[overlap]
        weights = scores[group] / scores[group].sum()
        box = tuple(float(v) for v in weights @ boxes[group])
        kps = np.einsum("g,gkd->kd", weights, points[group])
        out.append(Detection(float(scores[best]), box, kps))  # type: ignore[arg-type]
        remaining = remaining[~overlap]
    return out


@dataclass(frozen=True, slots=True)
class LandmarkResult:
    """One frame's landmarks: ``xy`` (39, 2) pixels, ``z`` (39,) pixels (relative depth),
    ``visibility``/``presence`` (39,) 0-1, ``world`` (39, 3) metres (camera-aligned axes),
    ``flag`` 0-1 (is a person there at all)."""

    xy: Array
    z: Array
    visibility: Array
    presence: Array
    world: Array
    flag: float

    @property
    def next_rect(self) -> Rect:
        """The region to look at in the next frame (from auxiliary landmarks 33 and 34)."""
        return rect_from_points(self.xy[33], self.xy[34])


def refine_from_heatmap(
    unit_xy: Array, heatmap: NDArray[Any], *, kernel: int = _HM_KERNEL
) -> Array:
    """(39, 2) landmark positions (0-1 of the region) moved to the centre of mass of the
    model's heat map around them, as mediapipe's ``RefineLandmarksFromHeatmapCalculator`` does:
    a ``kernel`` x ``kernel`` window of heat-map cells (64 x 64 over the region) centred on the
    cell the landmark falls in, cells weighted by their sigmoid; a landmark moves only when the
    window's largest weight is at least 0.5. Landmarks outside the region are kept."""
    size, half = heatmap.shape[0], kernel // 2
    col = np.trunc(unit_xy[:, 0] * size).astype(int)
    row = np.trunc(unit_xy[:, 1] * size).astype(int)
    inside = (col >= 0) & (col < size) & (row >= 0) & (row < size)
    steps = np.arange(-half, half + 1)
    rows, cols = row[:, None] + steps, col[:, None] + steps  # (L, kernel) cells
    in_rows, in_cols = (rows >= 0) & (rows < size), (cols >= 0) & (cols < size)
    channels = np.arange(unit_xy.shape[0])[:, None, None]
    logits = heatmap[np.clip(rows, 0, size - 1)[:, :, None], np.clip(cols, 0, size - 1)[:, None, :],
                     channels].astype(np.float64)  # fmt: skip
    weights = _sigmoid(logits) * (in_rows[:, :, None] & in_cols[:, None, :])  # zero outside
    total = weights.sum(axis=(1, 2))
    refined_col = np.einsum("lrc,lc->l", weights, cols) / np.maximum(total, 1e-12)
    refined_row = np.einsum("lrc,lr->l", weights, rows) / np.maximum(total, 1e-12)
    move = inside & (weights.max(axis=(1, 2)) >= _HM_MIN_WEIGHT) & (total > 0)
    out = unit_xy.copy()
    out[move, 0] = refined_col[move] / size
    out[move, 1] = refined_row[move] / size
    return out


def _sigmoid(x: Array) -> Array:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -80.0, 80.0))), dtype=np.float64)


class LandmarkModel:
    """BlazePose full's landmark model on a rotated region of an RGB image.

    ``flip_average``: also run the mirrored region and average the positions (see the module
    docstring); about twice the cost per frame. ``image_model``: a second landmark model with the
    same inputs and outputs (BlazePose heavy, :mod:`painpath.adapters.pose.model_files`) run on
    the same region, whose image positions of the 33 body landmarks replace full's; everything
    else (depth, world landmarks, visibility, the tracking landmarks and flag) stays full's.
    """

    def __init__(
        self,
        *,
        threads: int = 1,
        flip_average: bool = False,
        refine: bool = False,
        image_model: Path | None = None,
    ) -> None:
        self.flip_average = flip_average
        self.refine = refine
        self._image_it = (
            None
            if image_model is None
            else _interpreter(image_model, threads, outputs=frozenset({_LANDMARKS_SIZE}))
        )
        # only the outputs read: no segmentation mask, the heat map only to refine
        wanted = {_LANDMARKS_SIZE, 1, _WORLD_SIZE} | ({_HEATMAP_SIZE} if refine else set())
        self._it = _interpreter(LANDMARK_FILE, threads, outputs=frozenset(wanted))
        self._in = self._it.get_input_details()[0]["index"]
        by_size = {int(np.prod(d["shape"])): d["index"] for d in self._it.get_output_details()}
        self._landmarks, self._flag = by_size[_LANDMARKS_SIZE], by_size[1]
        self._world = by_size[_WORLD_SIZE]
        self._heatmap = by_size.get(_HEATMAP_SIZE)

    def run(self, rgb: NDArray[np.uint8], rect: Rect) -> LandmarkResult:
        import cv2

        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        crop = cv2.warpAffine(
            rgb, rect.warp_matrix(_LM_SIZE), (_LM_SIZE, _LM_SIZE), flags=flags,
            borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0),
        )  # fmt: skip
        raw, flag, world = self._invoke(crop)
        if self.flip_average:
            m_raw, _, m_world = self._invoke(crop[:, ::-1])
            m_raw, m_world = m_raw[_MIRROR], m_world[_MIRROR]
            m_raw[:, 0], m_world[:, 0] = _LM_SIZE - m_raw[:, 0], -m_world[:, 0]
            raw[:, :3] = (raw[:, :3] + m_raw[:, :3]) / 2.0
            world = (world + m_world) / 2.0
        if self._image_it is not None:
            raw[:_N_BODY, :2] = self._image_xy(crop)
        c, s = math.cos(rect.angle), math.sin(rect.angle)
        world_xy = world[:, :2] @ np.array([[c, s], [-s, c]])  # rotate back like the image
        return LandmarkResult(
            xy=rect.to_image(raw[:, :2] / _LM_SIZE),
            z=raw[:, 2] / _LM_SIZE * rect.side,
            visibility=_sigmoid(raw[:, 3]),
            presence=_sigmoid(raw[:, 4]),
            world=np.concatenate([world_xy, world[:, 2:]], axis=1),
            flag=flag,
        )

    def _image_xy(self, crop: NDArray[Any]) -> Array:
        """(33, 2) body landmarks in crop pixels from the second model (``image_model``)."""
        it = self._image_it
        assert it is not None  # only called when an image model was given
        it.set_tensor(it.get_input_details()[0]["index"], (crop.astype(np.float32) / 255.0)[None])
        it.invoke()
        out = next(
            d["index"]
            for d in it.get_output_details()
            if int(np.prod(d["shape"])) == _LANDMARKS_SIZE
        )
        raw = it.get_tensor(out).reshape(N_MODEL_LANDMARKS, 5)
        return np.asarray(raw[:_N_BODY, :2], dtype=np.float64)

    def _invoke(self, crop: NDArray[Any]) -> tuple[Array, float, Array]:
        """(39, 5) raw landmarks in crop pixels, the presence flag, (39, 3) world landmarks."""
        self._it.set_tensor(self._in, (crop.astype(np.float32) / 255.0)[None])
        self._it.invoke()
        raw = self._it.get_tensor(self._landmarks).reshape(N_MODEL_LANDMARKS, 5).astype(float)
        flag = float(self._it.get_tensor(self._flag).ravel()[0])
        world = self._it.get_tensor(self._world).reshape(N_MODEL_LANDMARKS, 3).astype(float)
        if self._heatmap is not None:  # kept only to refine
            heatmap = self._it.get_tensor(self._heatmap)[0]
            raw[:, :2] = refine_from_heatmap(raw[:, :2] / _LM_SIZE, heatmap) * _LM_SIZE
        return raw, flag, world
