"""What a video may be before PainPath analyses it, and the errors for each way it is not.

Each error is a :class:`~painpath.domain.errors.VideoError` (an ``InvalidInput``: HTTP 422,
CLI exit 2) whose message is one plain sentence a clinician can act on.
"""

from __future__ import annotations

from dataclasses import dataclass

from painpath.domain.errors import VideoError

__all__ = [
    "EmptyVideo",
    "NoVideoStream",
    "NotAVideo",
    "TruncatedVideo",
    "VideoFrameRateTooHigh",
    "VideoLimits",
    "VideoTooLarge",
    "VideoTooLong",
    "VideoTooManyFrames",
    "VideoTooShort",
]


class EmptyVideo(VideoError):
    """The file has zero bytes."""


class NotAVideo(VideoError):
    """The file is not a container or codec FFmpeg can read."""


class TruncatedVideo(VideoError):
    """The file starts like a video but is cut short or damaged."""


class NoVideoStream(VideoError):
    """The container holds no video stream (e.g. audio only)."""


class VideoTooLong(VideoError):
    """Duration above the configured limit."""


class VideoTooLarge(VideoError):
    """File size or frame resolution above the configured limit."""


class VideoTooShort(VideoError):
    """Fewer frames than any movement analysis needs."""


class VideoFrameRateTooHigh(VideoError):
    """More frames per second than any phone records (e.g. a crafted 1000 fps file)."""


class VideoTooManyFrames(VideoError):
    """More frames than an analysis may take (each frame costs a pose-model call)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoLimits:
    """What a video may be before PainPath agrees to analyse it.

    ``max_bytes`` file size; ``max_duration_s`` seconds; ``max_width``/``max_height`` and
    ``max_pixels`` per frame (checked on the stream header, before any frame is decoded);
    ``min_frames`` decoded frames (one repetition of the slowest test needs about a second).

    The work a video causes is bounded too, all checked on the container header before the
    job starts (and again while decoding, in case the header lies): ``max_fps`` frames per
    second (phones film slow motion at up to 240), ``max_frames`` frames in all (two minutes
    at 60 fps; every frame is one pose-model call) and ``max_pixel_rate`` decoded pixels per
    second of video (width x height x fps; 4K at 60 fps is 498 million).
    """

    max_bytes: int = 200 * 1024 * 1024
    max_duration_s: float = 120.0
    max_width: int = 4096
    max_height: int = 4096
    max_pixels: int = 16_000_000
    min_frames: int = 10
    max_fps: float = 240.0
    max_frames: int = 7_200
    max_pixel_rate: float = 500_000_000.0
