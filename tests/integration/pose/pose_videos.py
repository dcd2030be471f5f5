"""Videos generated with PyAV for the pose tests: a moving shape (no person), audio only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

MakeVideo = Callable[..., Path]


def shape_frame(i: int, width: int, height: int) -> np.ndarray:
    """Grey background, a red square moving right 4 px per frame, a white top-left marker."""
    img = np.full((height, width, 3), 60, dtype=np.uint8)
    size = max(8, height // 6)
    x = min(width - size, 10 + 4 * i)
    y = height // 2 - size // 2
    img[y : y + size, x : x + size] = (220, 40, 40)
    img[: height // 8, : width // 8] = 255  # orientation marker in the stored top-left corner
    return img


def write_video(
    path: Path,
    *,
    frames: int = 30,
    width: int = 320,
    height: int = 240,
    fps: int = 30,
    rotation_ccw: int = 0,
    pts_ms: Sequence[int] | None = None,
    faststart: bool = False,
    draw: Callable[[int, int, int], np.ndarray] | None = None,
    gop: int | None = None,
) -> Path:
    """H.264 MP4 with an optional display rotation and explicit (variable) timestamps in ms.

    ``draw(i, width, height)`` paints frame ``i`` (default :func:`shape_frame`); ``gop`` sets
    the key-frame interval in frames (x264's default is 250).
    """
    draw = draw or shape_frame
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), mode="w", options=options) as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if gop is not None:
            stream.codec_context.gop_size = gop
        if pts_ms is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        if rotation_ccw:
            stream.set_display_rotation(rotation_ccw)
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(draw(i, width, height), format="rgb24")
            if pts_ms is not None:
                frame.pts, frame.time_base = pts_ms[i], Fraction(1, 1000)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def write_audio_only(path: Path, *, seconds: float = 1.0) -> Path:
    rate = 44100
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("aac", rate=rate)
        n = 1024
        for k in range(int(seconds * rate / n)):
            t = (np.arange(n) + k * n) / rate
            samples = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :]
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = rate, k * n
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path
