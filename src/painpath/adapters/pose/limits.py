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
    "VideoLimits",
    "VideoTooLarge",
    "VideoTooLong",
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


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoLimits:
    """What a video may be before PainPath agrees to analyse it.

    ``max_bytes`` file size; ``max_duration_s`` seconds; ``max_width``/``max_height`` and
    ``max_pixels`` per frame (checked on the stream header, before any frame is decoded);
    ``min_frames`` decoded frames (one repetition of the slowest test needs about a second).
    """

    max_bytes: int = 200 * 1024 * 1024
    max_duration_s: float = 120.0
    max_width: int = 4096
    max_height: int = 4096
    max_pixels: int = 16_000_000
    min_frames: int = 10
