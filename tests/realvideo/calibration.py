"""Qualisys ``.qca.txt`` camera calibration -> OpenCV pinhole cameras, and DLT triangulation.

Conversion (the convention Pose2Sim documents in ``Pose2Sim/calibration.py::read_qca`` and
``Pose2Sim/common.py::world_to_camera_persp/rotate_cam``; re-derived here, checked by the
reprojection error of triangulated landmarks in ``test_real_videos.py``):

- Qualisys stores intrinsics in sub-pixel units of 1/64 pixel: ``f = focalLengthU / 64``,
  ``c = centerPointU / 64 - fov_video.left`` (likewise V/top).
- Distortion ``k1, k2, p1, p2`` are stored the same way as in OpenCV's order; Pose2Sim divides them
  by 64 as well, which makes them negligible (|k1| < 1e-3). :func:`read_qca` follows Pose2Sim by
  default; ``raw_distortion=True`` keeps the stored values (the reprojection check decides).
- ``transform`` holds the camera *position* in world millimetres and a rotation whose stored
  ``rIJ`` attributes are column-major: read row-wise they form ``M`` with
  ``X_qualisys_cam = M @ (X_world - position)``. Qualisys cameras look down their -z axis with y
  up, so a rotation of pi about x gives the OpenCV camera frame (z forward, y down):
  ``R = Rx(pi) @ M``, ``t = -R @ position``. World units here are metres.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["Camera", "project", "read_qca", "triangulate_dlt", "undistort_points"]

_SUBPIXEL = 64.0
_FLIP_X = np.diag([1.0, -1.0, -1.0])  # rotation of pi about x


@dataclass(frozen=True)
class Camera:
    """One calibrated camera (OpenCV convention: x_cam = R @ X_world + t, metres, pixels)."""

    name: str
    size: tuple[int, int]  # (width, height) pixels
    K: NDArray[np.float64]  # 3x3 intrinsic matrix
    dist: NDArray[np.float64]  # (k1, k2, p1, p2)
    R: NDArray[np.float64]  # 3x3 world -> camera rotation
    t: NDArray[np.float64]  # (3,) metres

    @property
    def P(self) -> NDArray[np.float64]:
        """3x4 projection matrix of the *undistorted* pinhole camera."""
        return self.K @ np.hstack([self.R, self.t[:, None]])

    @property
    def centre(self) -> NDArray[np.float64]:
        """Camera centre in world metres."""
        return -self.R.T @ self.t


def _f(tag: ET.Element, key: str) -> float:
    value = tag.get(key)
    if value is None:
        raise ValueError(f"calibration tag <{tag.tag}> lacks {key!r}")
    return float(value)


def _camera(cam: ET.Element, raw_distortion: bool) -> Camera:
    fov, intr, tr = cam.find("fov_video"), cam.find("intrinsic"), cam.find("transform")
    if fov is None or intr is None or tr is None:
        raise ValueError("camera entry lacks fov_video, intrinsic or transform")
    left, top = _f(fov, "left"), _f(fov, "top")
    size = (int(_f(fov, "right") - left + 1), int(_f(fov, "bottom") - top + 1))
    K = np.array(
        [
            [
                _f(intr, "focalLengthU") / _SUBPIXEL,
                0.0,
                _f(intr, "centerPointU") / _SUBPIXEL - left,
            ],
            [0.0, _f(intr, "focalLengthV") / _SUBPIXEL, _f(intr, "centerPointV") / _SUBPIXEL - top],
            [0.0, 0.0, 1.0],
        ]
    )
    keys = (
        "radialDistortion1",
        "radialDistortion2",
        "tangentalDistortion1",
        "tangentalDistortion2",
    )
    dist = np.array([_f(intr, k) for k in keys]) / (1.0 if raw_distortion else _SUBPIXEL)
    M = np.array([[_f(tr, f"r{i}{j}") for j in (1, 2, 3)] for i in (1, 2, 3)])
    position = np.array([_f(tr, "x"), _f(tr, "y"), _f(tr, "z")]) / 1000.0
    R = _FLIP_X @ M
    return Camera(cam.get("serial", "?"), size, K, dist, R, -R @ position)


def read_qca(path: Path, *, raw_distortion: bool = False) -> dict[str, Camera]:
    """Parse a Qualisys calibration file into cameras keyed by serial (e.g. ``"cam01"``)."""
    root = ET.parse(path).getroot()
    cams = [_camera(c, raw_distortion) for c in root.iterfind("cameras/camera")]
    return {c.name: c for c in sorted(cams, key=lambda c: c.name)}


def undistort_points(cam: Camera, xy: NDArray[np.float64]) -> NDArray[np.float64]:
    """Remove lens distortion from pixel points (..., 2) by fixed-point iteration (OpenCV model)."""
    k1, k2, p1, p2 = cam.dist
    fx, fy, cx, cy = cam.K[0, 0], cam.K[1, 1], cam.K[0, 2], cam.K[1, 2]
    xd, yd = (xy[..., 0] - cx) / fx, (xy[..., 1] - cy) / fy
    x, y = xd.copy(), yd.copy()
    for _ in range(10):
        r2 = x * x + y * y
        radial = 1 + k1 * r2 + k2 * r2 * r2
        x = (xd - (2 * p1 * x * y + p2 * (r2 + 2 * x * x))) / radial
        y = (yd - (p1 * (r2 + 2 * y * y) + 2 * p2 * x * y)) / radial
    return np.stack([x * fx + cx, y * fy + cy], axis=-1)


def project(cam: Camera, X: NDArray[np.float64]) -> NDArray[np.float64]:
    """Project world points (..., 3) to distorted pixel coordinates (..., 2)."""
    xc = X @ cam.R.T + cam.t
    x, y = xc[..., 0] / xc[..., 2], xc[..., 1] / xc[..., 2]
    k1, k2, p1, p2 = cam.dist
    r2 = x * x + y * y
    radial = 1 + k1 * r2 + k2 * r2 * r2
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
    return np.stack([xd * cam.K[0, 0] + cam.K[0, 2], yd * cam.K[1, 1] + cam.K[1, 2]], axis=-1)


def triangulate_dlt(
    projections: list[NDArray[np.float64]],
    points: NDArray[np.float64],
    weights: NDArray[np.float64],
    *,
    min_views: int = 2,
) -> NDArray[np.float64]:
    """Weighted linear (DLT) triangulation of one point seen by N cameras.

    ``projections``: N 3x4 matrices; ``points``: (N, 2) undistorted pixels; ``weights``: (N,)
    confidences (0 drops a view). Returns the (3,) world point, NaN with fewer than
    ``min_views`` usable views.
    """
    rows = []
    for P, (u, v), w in zip(projections, points, weights, strict=True):
        if w > 0 and np.isfinite(u) and np.isfinite(v):
            rows += [w * (u * P[2] - P[0]), w * (v * P[2] - P[1])]
    if len(rows) < 2 * min_views:
        return np.full(3, np.nan)
    _, _, vt = np.linalg.svd(np.asarray(rows))
    X: NDArray[np.float64] = vt[-1]
    point: NDArray[np.float64] = X[:3] / X[3]
    return point
