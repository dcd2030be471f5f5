"""Video input with PyAV: probe, limits, and upright, downscaled RGB frames for pose inference.

Every failure a user can cause (empty, truncated, not a video, audio only, too long, too large)
raises a :class:`~painpath.domain.errors.VideoError` subclass whose message is one plain
sentence; PyAV's own errors never leave this module (they are chained with ``raise ... from``).

Coordinates: frames are rotated upright using the display matrix that phones write (portrait
clips are stored landscape with a 90 degree display rotation). The :class:`FrameTransform`
returned by :func:`frame_transform` maps pixels of an inference frame (downscaled, cropped)
back to pixels of the original upright frame.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from painpath.adapters.pose.limits import (
    EmptyVideo,
    NotAVideo,
    NoVideoStream,
    TruncatedVideo,
    VideoFrameRateTooHigh,
    VideoLimits,
    VideoTooLarge,
    VideoTooLong,
    VideoTooManyFrames,
    VideoTooShort,
)
from painpath.domain.errors import VideoError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "DEFAULT_MAX_FPS",
    "DEFAULT_MAX_SIDE",
    "DecodeTally",
    "EmptyVideo",
    "FrameTransform",
    "NoVideoStream",
    "NotAVideo",
    "Roi",
    "TruncatedVideo",
    "VideoFrameRateTooHigh",
    "VideoInfo",
    "VideoLimits",
    "VideoTooLarge",
    "VideoTooLong",
    "VideoTooManyFrames",
    "VideoTooShort",
    "check_complete",
    "check_workload",
    "decode_only",
    "frame_transform",
    "iter_frame_parts",
    "iter_frames",
    "parse_roi",
    "probe_video",
]

DEFAULT_MAX_SIDE = 640  # px; BlazePose works on 256 px crops, so more only costs decode time
# frames per second analysed: every metric is computed from timestamps, so a 60 fps clip
# analysed at 30 gives the same findings for half the pose-model calls (docs/validation/motion.md)
DEFAULT_MAX_FPS = 30.0
_RATE_SLACK = 0.9  # a frame is kept when this share of the target period has passed
_COMPLETE = 0.9  # a counted video decoding fewer frames than this share is truncated


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What the container says about the video stream.

    ``width``/``height`` are the *upright* frame size in pixels (after display rotation);
    ``rotation_deg`` is the counter-clockwise rotation (0, 90, 180, 270) applied to stored
    frames to show them upright; ``frames`` is the container's count, or an estimate from
    duration x fps when the container does not say; ``fps`` is the average frame rate.
    """

    path: str
    fps: float
    frames: int
    duration_s: float
    width: int
    height: int
    rotation_deg: int
    codec: str
    size_bytes: int
    frames_counted: bool = False  # True when ``frames`` is the container's own count
    start_s: float = 0.0  # presentation time of the first frame (time 0 of every series)
    # seconds from the first frame to the key frame nearest the middle (None: none but the
    # first, or the container has no index): a part starting there decodes nothing twice
    middle_key_s: float | None = None


class DecodeTally:
    """Frames decoded so far, over one or more :func:`iter_frames` calls (thread-safe)."""

    def __init__(self) -> None:
        self.frames = 0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        with self._lock:
            self.frames += n


@dataclass(frozen=True, slots=True)
class Roi:
    """A region of interest as fractions 0-1 of the upright frame: x0 < x1, y0 < y1."""

    x0: float
    y0: float
    x1: float
    y1: float

    def __post_init__(self) -> None:
        values = (self.x0, self.y0, self.x1, self.y1)
        if not all(0.0 <= v <= 1.0 for v in values) or self.x0 >= self.x1 or self.y0 >= self.y1:
            raise VideoError(
                "the region of interest must be x0,y0,x1,y1 fractions with x0<x1, y0<y1"
            )


@dataclass(frozen=True, slots=True)
class FrameTransform:
    """Maps inference-frame pixels to original upright pixels: ``orig = (p + offset) / scale``.

    ``scale_x``/``scale_y`` are scaled/original size ratios; ``offset_x``/``offset_y`` the ROI
    origin in scaled pixels; ``size`` the inference frame (w, h); ``original_size`` the upright
    original frame (w, h).
    """

    scale_x: float
    scale_y: float
    offset_x: int
    offset_y: int
    size: tuple[int, int]
    original_size: tuple[int, int]
    scaled_full_size: tuple[int, int]

    def to_original(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """(…, 2) inference pixels -> (…, 2) original upright pixels (NaN stays NaN)."""
        out = np.array(xy, dtype=np.float64, copy=True)
        out[..., 0] = (out[..., 0] + self.offset_x) / self.scale_x
        out[..., 1] = (out[..., 1] + self.offset_y) / self.scale_y
        return out


def parse_roi(text: str) -> Roi:
    """Parse ``"x0,y0,x1,y1"`` (fractions of the upright frame) into a :class:`Roi`."""
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4:
        raise VideoError(
            f"--roi must be four fractions x0,y0,x1,y1 such as 0.2,0,0.8,1 (got {text!r})"
        )
    return Roi(*values)


def _check_file(path: Path, limits: VideoLimits) -> int:
    try:
        size = os.stat(path).st_size
    except FileNotFoundError as err:
        raise VideoError(f"video file not found: {path}") from err
    except OSError as err:
        raise VideoError(f"video file cannot be read: {path} ({err.strerror})") from err
    if not path.is_file():
        raise VideoError(f"not a file: {path}")
    if size == 0:
        raise EmptyVideo(f"the video file is empty (0 bytes): {path.name}")
    if size > limits.max_bytes:
        raise VideoTooLarge(
            f"the video file is {size / 1e6:.0f} MB; the limit is {limits.max_bytes / 1e6:.0f} MB"
            " (trim the clip to the movement)"
        )
    return size


def _looks_like_video(path: Path) -> bool:
    """True when the first bytes carry a common video container signature."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    return (
        head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")  # MP4 / MOV
        or head[:4] == b"\x1a\x45\xdf\xa3"  # Matroska / WebM
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
    )


def _open(path: Path) -> Any:
    import av

    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as err:
        if _looks_like_video(path):
            raise TruncatedVideo(
                f"the video file {path.name} is truncated or damaged and cannot be read;"
                " copy or export it again"
            ) from err
        raise NotAVideo(f"{path.name} is not a video file PainPath can read") from err


def _video_stream(container: Any, path: Path, *, codec_threads: bool = True) -> Any:
    if not container.streams.video:
        if container.streams.audio:
            raise NoVideoStream(f"{path.name} contains no video, only audio")
        if _looks_like_video(path):  # an MP4 cut before its stream table
            raise TruncatedVideo(f"the video file {path.name} is truncated or damaged")
        raise NoVideoStream(f"{path.name} contains no video stream")
    stream = container.streams.video[0]
    # frame threads: decode is the cheap half, keep it so; without (one thread) when the
    # caller runs decoders in parallel itself: about 7 % less CPU on the Sports2D demo
    stream.thread_type = "AUTO" if codec_threads else "NONE"
    return stream


def _check_resolution(width: int, height: int, limits: VideoLimits) -> None:
    if width <= 0 or height <= 0:
        raise NotAVideo("the video stream has no frame size; it cannot be decoded")
    too_big = width > limits.max_width or height > limits.max_height
    if too_big or width * height > limits.max_pixels:
        raise VideoTooLarge(
            f"the video resolution {width}x{height} is above the limit of "
            f"{limits.max_width}x{limits.max_height} ({limits.max_pixels / 1e6:.0f} MP)"
        )


def _rotation_ccw(frame: Any, stream: Any) -> int:
    """Counter-clockwise display rotation in {0, 90, 180, 270}: display matrix, else tag."""
    rotation = round(float(frame.rotation or 0))
    if rotation == 0:
        tag = stream.metadata.get("rotate")  # legacy MOV tag: clockwise degrees
        if tag and tag.lstrip("-").isdigit():
            rotation = -int(tag)
    return (round(rotation / 90.0) * 90) % 360


def _duration_s(container: Any, stream: Any) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / 1_000_000.0  # AV_TIME_BASE microseconds
    return 0.0


def _first_frame(container: Any, stream: Any, path: Path) -> Any:
    import av

    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as err:
        raise TruncatedVideo(
            f"the video {path.name} is damaged: its frames cannot be decoded"
        ) from err
    raise TruncatedVideo(f"the video {path.name} holds no decodable frames (truncated or empty)")


def probe_video(path: str | os.PathLike[str], *, limits: VideoLimits | None = None) -> VideoInfo:
    """Read the header and the first frame; enforce ``limits`` (defaults: :class:`VideoLimits`).

    Resolution is checked on the stream header, so an enormous video is refused before any
    frame is decoded.
    """
    limits = limits or VideoLimits()
    p = Path(path)
    size = _check_file(p, limits)
    with _open(p) as container:
        stream = _video_stream(container, p)
        ctx = stream.codec_context
        _check_resolution(int(ctx.width), int(ctx.height), limits)
        fps = float(stream.average_rate or stream.guessed_rate or 0.0)
        duration = _duration_s(container, stream)
        if duration > limits.max_duration_s:
            raise VideoTooLong(
                f"the video lasts {duration:.0f} s; the limit is {limits.max_duration_s:.0f} s"
                " (trim the clip to the movement)"
            )
        frames = int(stream.frames or 0) or round(duration * fps)
        pixels = int(ctx.width) * int(ctx.height)
        check_workload(fps=fps, frames=frames, duration_s=duration, pixels=pixels, limits=limits)
        if 0 < frames < limits.min_frames:
            raise VideoTooShort(
                f"the video has {frames} frames; at least {limits.min_frames} are needed"
            )
        first = _first_frame(container, stream, p)
        rotation = _rotation_ccw(first, stream)
        start_s = _frame_time(first, stream, 0, fps)
        width, height = int(ctx.width), int(ctx.height)
        if rotation in (90, 270):
            width, height = height, width
        return VideoInfo(
            path=str(p),
            fps=fps,
            frames=frames,
            duration_s=duration,
            width=width,
            height=height,
            rotation_deg=rotation,
            codec=str(ctx.name),
            size_bytes=size,
            frames_counted=bool(stream.frames),
            start_s=start_s,
            middle_key_s=_key_near_middle(container, stream, start_s, duration),
        )


def check_workload(
    *, fps: float, frames: int, duration_s: float, pixels: int, limits: VideoLimits
) -> None:
    """Refuse a video whose frame rate, frame count or pixel throughput is above ``limits``.

    The frame rate is the larger of the stream's stated rate and frames / duration (a header
    may state 30 fps for a stream that packs far more frames into its duration).
    """
    rate = max(fps, frames / duration_s if duration_s > 0 else 0.0)
    if rate > limits.max_fps:
        raise VideoFrameRateTooHigh(
            f"the video has {rate:.0f} frames per second; the limit is {limits.max_fps:.0f}"
            " (film at a normal frame rate, 30 or 60 frames per second)"
        )
    if frames > limits.max_frames:
        raise VideoTooManyFrames(
            f"the video has {frames} frames; the limit is {limits.max_frames}"
            " (trim the clip to the movement)"
        )
    if pixels * rate > limits.max_pixel_rate:
        raise VideoTooLarge(
            f"the video needs {pixels * rate / 1e6:.0f} million pixels per second to decode;"
            f" the limit is {limits.max_pixel_rate / 1e6:.0f} million (film at a lower"
            " resolution or frame rate)"
        )


def frame_transform(
    info: VideoInfo, *, max_side: int = DEFAULT_MAX_SIDE, roi: Roi | None = None
) -> FrameTransform:
    """The fixed downscale + crop that :func:`iter_frames` applies to every frame.

    The scale is chosen so that the *cropped* region's longer side is at most ``max_side``
    (never upscaled), so a small ROI keeps its detail.
    """
    roi = roi or Roi(0.0, 0.0, 1.0, 1.0)
    roi_w = (roi.x1 - roi.x0) * info.width
    roi_h = (roi.y1 - roi.y0) * info.height
    scale = min(1.0, max_side / max(roi_w, roi_h, 1.0))
    full_w = max(2, round(info.width * scale / 2) * 2)  # even sizes suit swscale/yuv
    full_h = max(2, round(info.height * scale / 2) * 2)
    x0, x1 = round(roi.x0 * full_w), round(roi.x1 * full_w)
    y0, y1 = round(roi.y0 * full_h), round(roi.y1 * full_h)
    if x1 - x0 < 16 or y1 - y0 < 16:
        raise VideoError("the region of interest is too small (under 16 pixels) to find a person")
    return FrameTransform(
        scale_x=full_w / info.width,
        scale_y=full_h / info.height,
        offset_x=x0,
        offset_y=y0,
        size=(x1 - x0, y1 - y0),
        original_size=(info.width, info.height),
        scaled_full_size=(full_w, full_h),
    )


def _upright(frame: Any, info: VideoInfo, tf: FrameTransform) -> NDArray[np.uint8]:
    full_w, full_h = tf.scaled_full_size
    # swscale resizes the stored (unrotated) frame; rotation is a cheap array view after it
    stored_w, stored_h = (full_h, full_w) if info.rotation_deg in (90, 270) else (full_w, full_h)
    # fast bilinear: a third cheaper than swscale's default, and the model sees 256 px anyway
    rgb = frame.to_ndarray(
        width=stored_w, height=stored_h, format="rgb24", interpolation="FAST_BILINEAR"
    )
    if info.rotation_deg:
        rgb = np.rot90(rgb, k=info.rotation_deg // 90)
    x0, y0 = tf.offset_x, tf.offset_y
    crop = rgb[y0 : y0 + tf.size[1], x0 : x0 + tf.size[0]]
    return np.ascontiguousarray(crop)


def iter_frames(
    path: str | os.PathLike[str],
    *,
    max_side: int = DEFAULT_MAX_SIDE,
    roi: Roi | None = None,
    limits: VideoLimits | None = None,
    info: VideoInfo | None = None,
    start_s: float = 0.0,
    stop_s: float | None = None,
    max_fps: float | None = None,
    tally: DecodeTally | None = None,
    codec_threads: bool = True,
) -> Iterator[tuple[float, NDArray[np.uint8]]]:
    """Yield ``(t_s, rgb)`` per decoded frame, streamed (the video is never held in memory).

    ``t_s`` is the presentation time in seconds (PTS x time base, relative to the first
    frame), so variable-frame-rate phone clips keep their real timing; frames whose PTS does
    not increase are dropped. ``rgb`` is (H, W, 3) uint8, upright, downscaled and cropped as
    :func:`frame_transform` describes. Decoding stops with :class:`VideoTooLong` past
    ``limits.max_duration_s`` and with :class:`TruncatedVideo` on a damaged stream.

    ``start_s``/``stop_s`` (seconds from the first frame) decode one part of the clip: the
    decoder seeks to the key frame before ``start_s`` and yields frames with
    ``start_s <= t < stop_s`` (the completeness checks then apply to the whole clip only).

    ``max_fps`` caps the rate of the frames yielded: a frame is skipped (decoded, as the codec
    needs, but never converted to RGB) until 0.9 of the period ``1 / max_fps`` has passed since
    the last one yielded; a 60 fps clip gives every other frame at 30, a 30 fps clip all of
    them. None yields every frame. The limits and the completeness check count every decoded
    frame; ``tally`` (when given) receives that count, for a caller that decodes a clip in parts.
    ``codec_threads=False`` decodes in this thread alone (for a caller running several decoders
    at once); the frames are the same.
    """
    limits = limits or VideoLimits()
    p = Path(path)
    info = info or probe_video(p, limits=limits)
    tf = frame_transform(info, max_side=max_side, roi=roi)
    whole = start_s <= 0.0 and stop_s is None
    count = DecodeTally()
    with _open(p) as container:
        stream = _video_stream(container, p, codec_threads=codec_threads)
        if start_s > 0.0 and stream.time_base:
            target = _seek_target(info.start_s + start_s, stream)
            container.seek(target, stream=stream, backward=True, any_frame=False)
        gate = _RateGate(max_fps)
        decoded = _decoded(
            container, stream, p, info, limits, t0=None if whole else info.start_s,
            start_s=start_s, stop_s=stop_s, tallies=(count, tally),
        )  # fmt: skip
        for t, frame in decoded:
            if gate.keep(t):
                yield t, _upright(frame, info, tf)
    if whole:
        check_complete(count.frames, info, limits, p)


def _seek_target(t_s: float, stream: Any) -> int:
    """``t_s`` (seconds of the stream's clock) in stream ticks, rounded down; a time read from
    a frame's own timestamp maps back to exactly that timestamp (a millionth of a tick of
    slack for the float round trip), so a seek there lands on that frame, not the key frame
    before it."""
    return math.floor(t_s / float(stream.time_base) + 1e-6)


def _key_near_middle(
    container: Any, stream: Any, start_s: float, duration_s: float
) -> float | None:
    """Presentation time (from ``start_s``) of the key frame nearest the middle of the clip,
    the first frame excluded; None when there is none or the container cannot say. Read from
    the container's index: a seek to the middle backwards and one forwards, one packet read
    after each (its own timestamp, not the index's decode time), no frame decoded."""
    import av

    if not stream.time_base or duration_s <= 0:
        return None
    middle = start_s + duration_s / 2.0
    found: set[float] = set()
    try:
        for backward in (True, False):
            container.seek(
                _seek_target(middle, stream), stream=stream, backward=backward, any_frame=False
            )
            packet = next((k for k in container.demux(stream) if k.pts is not None), None)
            if packet is not None and packet.is_keyframe:
                found.add(float(packet.pts * stream.time_base) - start_s)
    except av.error.FFmpegError:
        return None
    inside = [t for t in found if 0.0 < t < duration_s]
    return min(inside, key=lambda t: abs(t - duration_s / 2.0)) if inside else None


def iter_frame_parts(
    path: str | os.PathLike[str],
    *,
    split_s: float,
    info: VideoInfo,
    max_side: int = DEFAULT_MAX_SIDE,
    roi: Roi | None = None,
    limits: VideoLimits | None = None,
    max_fps: float | None = None,
    tally: DecodeTally | None = None,
) -> Iterator[tuple[int, tuple[float, NDArray[np.uint8]]]]:
    """``(part, (t_s, rgb))``: the frames of :func:`iter_frames` for the two parts
    ``t < split_s`` (part 0) and ``t >= split_s`` (part 1), decoded in one pass.

    The frames are those that ``iter_frames(..., stop_s=split_s)`` and
    ``iter_frames(..., start_s=split_s)`` yield (the frame-rate cap starts afresh at the
    split), without decoding the frames before the split twice (the second part seeks to the
    key frame before the split and decodes from there: all of a clip with one key frame).
    """
    limits = limits or VideoLimits()
    p = Path(path)
    tf = frame_transform(info, max_side=max_side, roi=roi)
    with _open(p) as container:
        stream = _video_stream(container, p)
        part, gate = 0, _RateGate(max_fps)
        decoded = _decoded(
            container, stream, p, info, limits, t0=info.start_s, start_s=0.0, stop_s=None,
            tallies=(tally,),
        )  # fmt: skip
        for t, frame in decoded:
            if part == 0 and t >= split_s - 1e-9:
                part, gate = 1, _RateGate(max_fps)
            if gate.keep(t):
                yield part, (t, _upright(frame, info, tf))


class _RateGate:
    """Keeps a frame when 0.9 of the period ``1 / max_fps`` has passed since the last kept."""

    def __init__(self, max_fps: float | None) -> None:
        self.min_gap = _RATE_SLACK / max_fps if max_fps else 0.0
        self.kept = -np.inf

    def keep(self, t_s: float) -> bool:
        if t_s - self.kept < self.min_gap:
            return False
        self.kept = t_s
        return True


def _decoded(
    container: Any,
    stream: Any,
    p: Path,
    info: VideoInfo,
    limits: VideoLimits,
    *,
    t0: float | None,
    start_s: float,
    stop_s: float | None,
    tallies: tuple[DecodeTally | None, ...],
) -> Iterator[tuple[float, Any]]:
    """``(t_s, frame)`` for every decoded frame with ``start_s <= t < stop_s`` (``t`` from
    ``t0``, else from the first frame), in increasing time, counted in ``tallies`` and held to
    ``limits``; a damaged tail after good frames ends the stream quietly, like players do."""
    import av

    last = -np.inf
    decoded = 0
    try:
        for frame in container.decode(stream):
            t = _frame_time(frame, stream, decoded, info.fps)
            t0 = t if t0 is None else t0
            t -= t0
            if t <= last or t < start_s - 1e-9:
                continue
            if stop_s is not None and t >= stop_s - 1e-9:
                break
            if t > limits.max_duration_s:
                raise VideoTooLong(
                    f"the video lasts more than {limits.max_duration_s:.0f} s (the limit)"
                )
            last = t
            decoded += 1
            for tally in tallies:
                if tally is not None:
                    tally.add(1)
            _check_decoded(decoded, t, limits)
            yield t, frame
    except av.error.FFmpegError as err:
        if decoded == 0:
            raise TruncatedVideo(f"the video {p.name} is damaged and cannot be decoded") from err


def check_complete(decoded: int, info: VideoInfo, limits: VideoLimits, p: Path) -> None:
    """Refuse a clip that decoded fewer frames than it counts, or fewer than the minimum."""
    if info.frames_counted and decoded < _COMPLETE * info.frames:
        raise TruncatedVideo(
            f"the video {p.name} is truncated: {decoded} of its {info.frames} frames decode"
        )
    if decoded < limits.min_frames:
        raise VideoTooShort(
            f"only {decoded} frames could be decoded from {p.name}; at least "
            f"{limits.min_frames} are needed (the file may be truncated)"
        )


def _check_decoded(decoded: int, t_s: float, limits: VideoLimits) -> None:
    """The header's promises, kept while decoding: no more frames, nor faster, than allowed."""
    if decoded > limits.max_frames:
        raise VideoTooManyFrames(
            f"the video has more than {limits.max_frames} frames (the limit);"
            " trim the clip to the movement"
        )
    # allow a second's worth of slack so that timestamp jitter at the start never trips it
    if decoded > limits.max_fps * (t_s + 1.0):
        raise VideoFrameRateTooHigh(
            f"the video has more than {limits.max_fps:.0f} frames per second (the limit);"
            " film at a normal frame rate, 30 or 60 frames per second"
        )


def _frame_time(frame: Any, stream: Any, index: int, fps: float) -> float:
    pts = frame.pts if frame.pts is not None else frame.dts
    if pts is not None and frame.time_base is not None:
        return float(pts * Fraction(frame.time_base))
    if pts is not None and stream.time_base is not None:
        return float(pts * stream.time_base)
    return index / fps if fps > 0 else float(index)  # no timestamps at all: assume constant


def decode_only(
    path: str | os.PathLike[str],
    *,
    max_side: int = DEFAULT_MAX_SIDE,
    roi: Roi | None = None,
    limits: VideoLimits | None = None,
    info: VideoInfo | None = None,
) -> int:
    """Decode (and downscale/rotate/crop) every frame without pose: returns the frame count.

    For benchmarks: time this against the full pipeline to see what pose estimation costs.
    """
    frames = iter_frames(path, max_side=max_side, roi=roi, limits=limits, info=info)
    return sum(1 for _ in frames)
