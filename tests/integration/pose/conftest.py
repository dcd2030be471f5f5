"""Fixtures for the video and CLI tests (helpers live in ``pose_videos``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .pose_videos import MakeVideo, write_video


@pytest.fixture
def make_video(tmp_path: Path) -> MakeVideo:
    def make(name: str = "clip.mp4", **kwargs: object) -> Path:
        return write_video(tmp_path / name, **kwargs)  # type: ignore[arg-type]

    return make
