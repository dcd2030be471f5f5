"""Pictures of an analysis: key frames with skeleton and angle labels, angle-time plots, MP4.

Frames are decoded again (decode is ~5x faster than pose, so this is cheap) at
:data:`RENDER_MAX_SIDE` and drawn with OpenCV; plots use matplotlib's Agg backend.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from painpath.adapters.pose.video import frame_transform, iter_frames
from painpath.domain.movement.pose import Landmark as L

if TYPE_CHECKING:
    from painpath.adapters.pose.pipeline import VideoAnalysis

__all__ = ["write_angle_plot", "write_annotated_mp4", "write_keyframes"]

RENDER_MAX_SIDE = 720  # px: readable labels, small files
MAX_KEYFRAMES = 4
_MIN_CONF = 0.5  # landmarks below this visibility are not drawn
_LEFT = (255, 140, 0)  # RGB orange: the subject's left
_RIGHT = (30, 144, 255)  # RGB blue: the subject's right
_MID = (230, 230, 230)
_BONES: tuple[tuple[L, L], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW), (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE), (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.RIGHT_HIP, L.RIGHT_KNEE), (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL), (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX), (L.RIGHT_ANKLE, L.RIGHT_HEEL),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX), (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
)  # fmt: skip
_LABELLED = {  # series name -> landmark the label sits next to
    "knee_flexion_left_deg": L.LEFT_KNEE,
    "knee_flexion_right_deg": L.RIGHT_KNEE,
    "hip_flexion_left_deg": L.LEFT_HIP,
    "hip_flexion_right_deg": L.RIGHT_HIP,
}


def _colour(a: L, b: L) -> tuple[int, int, int]:
    names = a.name + b.name
    if "LEFT" in names and "RIGHT" not in names:
        return _LEFT
    if "RIGHT" in names and "LEFT" not in names:
        return _RIGHT
    return _MID


def _draw(
    rgb: NDArray[np.uint8], xy: NDArray[np.float64], conf: NDArray[np.float64], labels: dict[L, str]
) -> NDArray[np.uint8]:
    import cv2

    img = np.ascontiguousarray(rgb.copy())
    thick = max(2, img.shape[0] // 240)
    ok = (conf >= _MIN_CONF) & np.all(np.isfinite(xy), axis=1)
    pts = np.where(np.isfinite(xy), xy, 0).round().astype(int)
    for a, b in _BONES:
        if ok[a] and ok[b]:
            cv2.line(img, tuple(pts[a]), tuple(pts[b]), _colour(a, b), thick, cv2.LINE_AA)
    for i in np.flatnonzero(ok[11:]) + 11:  # body landmarks only; the face adds clutter
        cv2.circle(img, tuple(pts[i]), thick + 1, (255, 255, 255), -1, cv2.LINE_AA)
    scale = img.shape[0] / 600
    for lm, text in labels.items():
        if ok[lm]:
            (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
            # left labels right of the joint, right labels left of it: never on top of each
            # other, and on the outer side of the legs when the subject faces the camera
            x = int(pts[lm][0]) + 8 if "LEFT" in lm.name else int(pts[lm][0]) - 8 - tw
            org = (x, int(pts[lm][1]) - 8)
            cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA)
            colour = _LEFT if "LEFT" in lm.name else _RIGHT
            cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 2, cv2.LINE_AA)
    return img


def _mark_roi(result: VideoAnalysis, img: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Outline the region of interest the estimator was restricted to."""
    import cv2

    if result.roi is not None:
        h, w = img.shape[:2]
        r = result.roi
        p0, p1 = (
            (int(r.x0 * (w - 1)), int(r.y0 * (h - 1))),
            (int(r.x1 * (w - 1)), int(r.y1 * (h - 1))),
        )
        cv2.rectangle(img, p0, p1, (255, 255, 0), 1, cv2.LINE_AA)
    return img


def _stamp(img: NDArray[np.uint8], t_s: float) -> NDArray[np.uint8]:
    import cv2

    org = (6, img.shape[0] - 8)
    cv2.putText(img, f"t = {t_s:.2f} s", org, cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1)
    return img


def _labels(payload: dict[str, Any], index: int) -> dict[L, str]:
    out: dict[L, str] = {}
    for name, lm in _LABELLED.items():
        values = payload["series"].get(name)
        if values and index < len(values) and values[index] is not None:
            out[lm] = f"{name.split('_')[0][0].upper()} {values[index]:.0f}"
    return out


def _keyframe_indices(result: VideoAnalysis, payload: dict[str, Any]) -> list[int]:
    """Rep peaks, else the first frame with a person and the deepest knee bend.

    Only frames where the estimator saw the person count (the analyzer's series may be
    gap-filled there, but there is no skeleton to draw).
    """
    t = result.pose.t_s
    seen = np.flatnonzero(result.pose.confidence.max(axis=1) >= _MIN_CONF)
    if not seen.size:
        return []
    peaks = [float(rep["peak_s"]) for rep in payload["reps"] if rep.get("peak_s") is not None]
    picks = [int(seen[np.argmin(np.abs(t[seen] - peak))]) for peak in peaks]
    if not picks:
        depth = np.full(result.pose.n_frames, -1.0)
        for side in ("left", "right"):
            values = payload["series"].get(f"knee_flexion_{side}_deg") or []
            knee = np.array([-1.0 if v is None else v for v in values], dtype=float)
            depth[: knee.size] = np.maximum(depth[: knee.size], knee[: depth.size])
        depth[np.setdiff1d(np.arange(depth.size), seen)] = -1.0
        picks = [int(seen[0])] + ([int(np.argmax(depth))] if depth.max() >= 0 else [])
    return sorted(set(picks))[:MAX_KEYFRAMES]


def _render_frames(result: VideoAnalysis) -> Any:
    """(index, rgb, landmarks in render pixels) for every frame, decoded again."""
    tf = frame_transform(result.video, max_side=RENDER_MAX_SIDE)
    xy = result.pose.image_xy * np.array([tf.scale_x, tf.scale_y])
    frames = iter_frames(
        result.video.path, max_side=RENDER_MAX_SIDE, info=result.video, limits=result.limits
    )
    for index, (_t, rgb) in enumerate(frames):
        if index >= result.pose.n_frames:
            return
        yield index, rgb, xy[index]


def _with_header(sheet: NDArray[np.uint8], text: str) -> NDArray[np.uint8]:
    """A black strip above the sheet with ``text`` scaled to fit its width."""
    import cv2

    font = cv2.FONT_HERSHEY_SIMPLEX
    (w, h), _ = cv2.getTextSize(text, font, 1.0, 2)
    scale = min(0.8, 0.95 * sheet.shape[1] / w)
    band = np.zeros((int(h * scale) + 14, sheet.shape[1], 3), dtype=np.uint8)
    cv2.putText(band, text, (6, int(h * scale) + 6), font, scale, (255, 255, 255), 1, cv2.LINE_AA)
    return np.vstack([band, sheet])


def _tile(result: VideoAnalysis, payload: dict[str, Any], i: int, rgb: Any, xy: Any) -> Any:
    img = _draw(rgb, xy, result.pose.confidence[i], _labels(payload, i))
    return _mark_roi(result, _stamp(img, payload["t_s"][i]))


def write_keyframes(result: VideoAnalysis, payload: dict[str, Any], path: Path) -> Path | None:
    """Key frames (rep peaks, or deepest knee bend) side by side, skeleton + flexion labels.

    Returns None (and writes nothing) when no frame shows a person.
    """
    import cv2

    wanted = set(_keyframe_indices(result, payload))
    tiles = [
        _tile(result, payload, i, rgb, xy) for i, rgb, xy in _render_frames(result) if i in wanted
    ]
    if not tiles:
        return None
    sheet = _with_header(np.hstack(tiles), "K / H = knee / hip flexion in degrees, 0 = straight")
    cv2.imwrite(str(path), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    return path


def write_angle_plot(payload: dict[str, Any], path: Path) -> Path:
    """Angle-time curves, one panel per joint family, reps shaded."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    t = np.asarray(payload["t_s"], dtype=float)
    families: dict[str, list[str]] = {}
    for name in payload["series"]:
        if name.endswith("_deg"):
            families.setdefault(name.split("_")[0], []).append(name)
    fig, axes = plt.subplots(max(1, len(families)), 1, figsize=(9, 2.4 * max(1, len(families))),
                             sharex=True, squeeze=False)  # fmt: skip
    for ax, (family, names) in zip(axes[:, 0], sorted(families.items()), strict=False):
        for name in names:
            y = np.array([np.nan if v is None else v for v in payload["series"][name]], float)
            ax.plot(t, y, label=name, color=_hex(name))
        for rep in payload["reps"]:
            ax.axvspan(rep["start_s"], rep["end_s"], color="0.9", zorder=0)
        ax.set_ylabel(f"{family} (deg)")
        ax.legend(loc="upper right", fontsize=7)
    axes[-1, 0].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _hex(name: str) -> str:
    rgb = _LEFT if "left" in name else _RIGHT if "right" in name else (90, 90, 90)
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def write_annotated_mp4(result: VideoAnalysis, payload: dict[str, Any], path: Path) -> Path:
    """Every frame with skeleton and labels, H.264, original timestamps (VFR kept)."""
    import av

    tf = frame_transform(result.video, max_side=RENDER_MAX_SIDE)
    width, height = tf.scaled_full_size
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=round(result.video.fps or 30))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for i, rgb, xy in _render_frames(result):
            img = _draw(rgb, xy, result.pose.confidence[i], _labels(payload, i))
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = round(float(result.pose.t_s[i]) * 1000)
            frame.time_base = Fraction(1, 1000)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path
