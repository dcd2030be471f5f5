"""Video input: probe, upright/downscaled/cropped frames, VFR timing, and every bad-input error."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from painpath.adapters.pose import video as video_mod
from painpath.adapters.pose.video import (
    EmptyVideo,
    NotAVideo,
    NoVideoStream,
    Roi,
    TruncatedVideo,
    VideoLimits,
    VideoTooLarge,
    VideoTooLong,
    VideoTooShort,
    decode_only,
    frame_transform,
    iter_frames,
    parse_roi,
    probe_video,
)
from painpath.domain.errors import InvalidInput, VideoError

from .pose_videos import MakeVideo, write_audio_only

SMALL = VideoLimits(min_frames=5)


def _marker_centre(rgb: np.ndarray) -> tuple[float, float]:
    """(x, y) of the white orientation marker, as a share of width and height."""
    ys, xs = np.nonzero(rgb.min(axis=2) > 200)
    return float(xs.mean()) / rgb.shape[1], float(ys.mean()) / rgb.shape[0]


def _red_centre_x(rgb: np.ndarray) -> float:
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 100)
    return float(np.nonzero(red)[1].mean())


def test_probe_reports_the_stream(make_video: MakeVideo) -> None:
    path = make_video(frames=45, width=320, height=240, fps=30)
    info = probe_video(path)
    assert (info.width, info.height, info.rotation_deg, info.codec) == (320, 240, 0, "h264")
    assert info.fps == pytest.approx(30.0)
    assert info.frames == 45
    assert info.duration_s == pytest.approx(1.5, abs=0.05)
    assert info.size_bytes == path.stat().st_size


def test_frames_are_timed_downscaled_and_show_the_motion(make_video: MakeVideo) -> None:
    path = make_video(frames=30, width=640, height=360, fps=30)
    frames = list(iter_frames(path, max_side=320))
    assert len(frames) == 30
    times = np.array([t for t, _ in frames])
    np.testing.assert_allclose(times, np.arange(30) / 30, atol=1e-6)
    assert {rgb.shape for _, rgb in frames} == {(180, 320, 3)}
    assert all(rgb.dtype == np.uint8 and rgb.flags.c_contiguous for _, rgb in frames)
    # the square moves 4 px per frame in the original, 2 px after halving
    xs = [_red_centre_x(rgb) for _, rgb in frames]
    assert xs[-1] - xs[0] == pytest.approx(29 * 2, abs=3)


def test_small_video_is_never_upscaled(make_video: MakeVideo) -> None:
    path = make_video(frames=10, width=160, height=120)
    _, rgb = next(iter(iter_frames(path, max_side=640, limits=SMALL)))
    assert rgb.shape == (120, 160, 3)


@pytest.mark.parametrize(
    ("rotation_ccw", "expected_marker"),
    [(90, (0.0, 1.0)), (-90, (1.0, 0.0)), (180, (1.0, 1.0))],
)
def test_display_rotation_turns_frames_upright(
    make_video: MakeVideo, rotation_ccw: int, expected_marker: tuple[float, float]
) -> None:
    path = make_video(frames=10, width=320, height=240, rotation_ccw=rotation_ccw)
    info = probe_video(path, limits=SMALL)
    assert info.rotation_deg == rotation_ccw % 360
    upright = (240, 320) if rotation_ccw % 180 else (320, 240)
    assert (info.width, info.height) == upright
    _, rgb = next(iter(iter_frames(path, limits=SMALL)))
    assert (rgb.shape[1], rgb.shape[0]) == upright
    # the stored top-left marker lands in the corner the display rotation sends it to
    x, y = _marker_centre(rgb)
    assert abs(x - expected_marker[0]) < 0.15 and abs(y - expected_marker[1]) < 0.15


@pytest.mark.parametrize(
    ("fps", "cap", "kept"),
    [(60, 30.0, list(range(0, 40, 2))), (30, 30.0, list(range(40))),
     (50, 30.0, list(range(0, 40, 2))), (60, None, list(range(40)))],
)  # fmt: skip
def test_frame_rate_cap_skips_frames_and_keeps_their_timestamps(
    make_video: MakeVideo, fps: int, cap: float | None, kept: list[int]
) -> None:
    path = make_video(frames=40, fps=fps)
    tally = video_mod.DecodeTally()
    times = [t for t, _ in iter_frames(path, limits=SMALL, max_fps=cap, tally=tally)]
    np.testing.assert_allclose(times, np.array(kept) / fps, atol=1e-6)
    assert tally.frames == 40  # the limits and the completeness check see every frame


def test_frame_rate_cap_follows_real_timestamps(make_video: MakeVideo) -> None:
    pts_ms = [0, 16, 33, 40, 50, 66, 120, 130, 140, 170, 183, 205]
    path = make_video(frames=len(pts_ms), pts_ms=pts_ms)
    times = [round(t * 1000) for t, _ in iter_frames(path, limits=SMALL, max_fps=30.0)]
    # a frame is kept once 0.9 x 33.3 ms = 30 ms have passed since the last one kept
    assert times == [0, 33, 66, 120, 170, 205]


def test_variable_frame_rate_keeps_real_timestamps(make_video: MakeVideo) -> None:
    pts_ms = [0, 33, 70, 90, 150, 160, 200, 260, 300, 333, 400, 420]
    path = make_video(frames=len(pts_ms), pts_ms=pts_ms)
    times = [t for t, _ in iter_frames(path, limits=SMALL)]
    np.testing.assert_allclose(times, np.array(pts_ms) / 1000, atol=1e-6)


def test_roi_crops_and_the_transform_maps_back(make_video: MakeVideo) -> None:
    path = make_video(frames=10, width=640, height=360)
    roi = Roi(0.0, 0.0, 0.5, 0.5)
    info = probe_video(path, limits=SMALL)
    tf = frame_transform(info, max_side=640, roi=roi)
    _, rgb = next(iter(iter_frames(path, max_side=640, roi=roi, limits=SMALL)))
    assert (rgb.shape[1], rgb.shape[0]) == tf.size == (320, 180)
    # the white marker fills the original's top-left 80x45 px
    ys, xs = np.nonzero(rgb.min(axis=2) > 200)
    corner = tf.to_original(np.array([[xs.max(), ys.max()]], dtype=float))[0]
    assert corner == pytest.approx([79, 44], abs=2)


def test_roi_offset_is_undone() -> None:
    info = video_mod.VideoInfo("x", 30.0, 10, 1.0, 1920, 1080, 0, "h264", 1)
    tf = frame_transform(info, max_side=640, roi=Roi(0.5, 0.25, 1.0, 1.0))
    assert max(tf.size) <= 640
    original = np.array([[1500.0, 700.0], [np.nan, np.nan]])
    crop_px = original * [tf.scale_x, tf.scale_y] - [tf.offset_x, tf.offset_y]
    back = tf.to_original(crop_px)
    np.testing.assert_allclose(back[0], original[0], atol=1e-9)
    assert np.isnan(back[1]).all()


@pytest.mark.parametrize("text", ["0.2,0.1,0.8", "a,b,c,d", "0.8,0,0.2,1", "0,0,1.5,1", ""])
def test_bad_roi_is_refused(text: str) -> None:
    with pytest.raises(VideoError, match=r"fractions|region"):
        parse_roi(text)


def test_decode_only_counts_frames(make_video: MakeVideo) -> None:
    assert decode_only(make_video(frames=25)) == 25


# ---------------------------------------------------------------- bad input, one clear sentence


def _assert_clear(err: pytest.ExceptionInfo[VideoError]) -> None:
    message = str(err.value)
    assert isinstance(err.value, InvalidInput)
    assert "\n" not in message and "Errno" not in message and "av." not in message
    assert 10 < len(message) < 200


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(EmptyVideo) as err:
        probe_video(path)
    _assert_clear(err)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="not found") as err:
        probe_video(tmp_path / "nope.mp4")
    _assert_clear(err)


def test_random_bytes_are_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp4"
    path.write_bytes(np.random.default_rng(1).bytes(20_000))
    with pytest.raises(NotAVideo) as err:
        probe_video(path)
    _assert_clear(err)


def test_text_file_is_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "notes.mov"
    path.write_text("squat video to follow\n" * 50)
    with pytest.raises(VideoError) as err:
        probe_video(path)
    _assert_clear(err)


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_mp4_is_refused_on_probe(make_video: MakeVideo, keep: float) -> None:
    data = make_video(frames=60).read_bytes()
    path = make_video("cut.mp4", frames=1)
    path.write_bytes(data[: int(len(data) * keep)])  # index (moov) is at the end: lost
    with pytest.raises(TruncatedVideo) as err:
        probe_video(path)
    _assert_clear(err)


def test_truncated_faststart_mp4_is_refused_while_decoding(make_video: MakeVideo) -> None:
    data = make_video(frames=60, width=320, height=240, faststart=True).read_bytes()
    path = make_video("cut.mp4", frames=1)
    path.write_bytes(data[: len(data) // 2])  # index first, half of the frames missing
    assert probe_video(path).frames == 60
    with pytest.raises(TruncatedVideo, match="truncated") as err:
        decode_only(path)
    _assert_clear(err)


def test_audio_only(tmp_path: Path) -> None:
    path = write_audio_only(tmp_path / "voice.m4a")
    with pytest.raises(NoVideoStream, match="only audio") as err:
        probe_video(path)
    _assert_clear(err)


def test_too_long_on_probe(make_video: MakeVideo) -> None:
    path = make_video(frames=60, fps=30)
    with pytest.raises(VideoTooLong) as err:
        probe_video(path, limits=VideoLimits(max_duration_s=1.0))
    _assert_clear(err)


def test_too_long_while_decoding_when_the_header_says_nothing(
    make_video: MakeVideo, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_video(frames=60, fps=30)
    monkeypatch.setattr(video_mod, "_duration_s", lambda container, stream: 0.0)
    with pytest.raises(VideoTooLong):
        decode_only(path, limits=VideoLimits(max_duration_s=1.0))


def test_file_too_big(make_video: MakeVideo) -> None:
    path = make_video(frames=10)
    with pytest.raises(VideoTooLarge, match="MB") as err:
        probe_video(path, limits=VideoLimits(max_bytes=100))
    _assert_clear(err)


def test_enormous_resolution_is_refused_before_any_frame_is_decoded(
    make_video: MakeVideo, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_video(frames=10, width=4160, height=64)  # wider than the default 4096
    decoded: list[object] = []
    monkeypatch.setattr(video_mod, "_first_frame", lambda *a: decoded.append(a))
    with pytest.raises(VideoTooLarge, match="4160x64") as err:
        probe_video(path)
    _assert_clear(err)
    assert decoded == []
    with pytest.raises(VideoTooLarge, match="MP"):
        probe_video(path, limits=VideoLimits(max_pixels=100_000))


def test_too_few_frames(make_video: MakeVideo) -> None:
    with pytest.raises(VideoTooShort) as err:
        probe_video(make_video(frames=3))
    _assert_clear(err)


def test_errors_carry_the_library_error_as_cause(tmp_path: Path) -> None:
    path = tmp_path / "noise.bin"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(NotAVideo) as err:
        probe_video(path)
    assert err.value.__cause__ is not None  # raise ... from: the PyAV error is kept for logs


# ---------------------------------------------------------------- work bounds (issue 12)


def test_a_thousand_frames_per_second_is_refused_on_probe(make_video: MakeVideo) -> None:
    path = make_video(frames=1500, width=16, height=16, fps=1000)  # 1.5 s of tiny frames
    with pytest.raises(video_mod.VideoFrameRateTooHigh, match="1000 frames per second"):
        probe_video(path)


def test_too_many_frames_is_refused_on_probe(make_video: MakeVideo) -> None:
    path = make_video(frames=40, width=32, height=32, fps=30)
    with pytest.raises(video_mod.VideoTooManyFrames, match="40 frames; the limit is 30"):
        probe_video(path, limits=VideoLimits(max_frames=30, min_frames=5))


def test_pixel_throughput_is_refused_on_probe(make_video: MakeVideo) -> None:
    path = make_video(frames=12, width=320, height=240, fps=60)  # 4.6 million pixels per s
    with pytest.raises(VideoTooLarge, match="million pixels per second"):
        probe_video(path, limits=VideoLimits(max_pixel_rate=2_000_000, min_frames=5))


def test_frame_bounds_hold_while_decoding_when_the_header_understates(
    make_video: MakeVideo,
) -> None:
    path = make_video(frames=40, width=32, height=32, fps=30)
    info = probe_video(path)  # the header as read; the decode loop checks again
    with pytest.raises(video_mod.VideoTooManyFrames, match="more than 30 frames"):
        decode_only(path, limits=VideoLimits(max_frames=30, min_frames=5), info=info)
    with pytest.raises(video_mod.VideoFrameRateTooHigh, match="more than 10 frames per second"):
        decode_only(path, limits=VideoLimits(max_fps=10, min_frames=5), info=info)


@pytest.mark.parametrize(("fps", "gop", "split_s"), [(60, None, 0.5), (30, 12, 0.61), (60, 7, 0.3)])
def test_parts_decoded_once_are_the_parts_decoded_apart(
    make_video: MakeVideo, fps: int, gop: int | None, split_s: float
) -> None:
    path = make_video(frames=48, fps=fps, gop=gop)
    info = probe_video(path, limits=SMALL)
    apart = [
        list(iter_frames(path, limits=SMALL, info=info, stop_s=split_s, max_fps=30.0)),
        list(iter_frames(path, limits=SMALL, info=info, start_s=split_s, max_fps=30.0)),
    ]
    tally = video_mod.DecodeTally()
    once = list(
        video_mod.iter_frame_parts(
            path, split_s=split_s, info=info, limits=SMALL, max_fps=30.0, tally=tally
        )
    )
    for part in (0, 1):
        got = [frame for k, frame in once if k == part]
        assert [t for t, _ in got] == [t for t, _ in apart[part]]
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(got, apart[part], strict=True))
    assert [k for k, _ in once] == sorted(k for k, _ in once)  # part 0, then part 1
    assert tally.frames == 48  # every frame decoded once
