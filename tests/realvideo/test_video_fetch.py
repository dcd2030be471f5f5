"""The fetch-and-cache of test videos (fast: no network, pip is replaced)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from . import videos


def _fake_wheel(cache: Path, name: str, version: str, members: tuple[str, ...]) -> Path:
    wheel = cache / "wheels" / f"{name}-{version}-py3-none-any.whl"
    wheel.parent.mkdir(parents=True)
    with zipfile.ZipFile(wheel, "w") as zf:
        for member in members:
            zf.writestr(member, f"content of {member}")
    return wheel


def test_unreachable_registry_fails_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAINPATH_TEST_VIDEO_CACHE", str(tmp_path))

    def no_network(cmd: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        assert cmd[1:4] == ["-m", "pip", "download"] and "--no-deps" in cmd
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found")

    monkeypatch.setattr(subprocess, "run", no_network)
    with pytest.raises(videos.VideoFetchError, match=r"sports2d==0\.8\.34 failed .*registry"):
        videos.fetch_sports2d_demo()


def test_cached_wheel_is_unpacked_once_and_pip_is_not_called_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAINPATH_TEST_VIDEO_CACHE", str(tmp_path))
    _fake_wheel(tmp_path, *videos.POSE2SIM, videos._P2S_MEMBERS)

    def forbidden(*_: Any, **__: Any) -> None:
        raise AssertionError("pip must not run when the wheel is cached")

    monkeypatch.setattr(subprocess, "run", forbidden)
    demo = videos.fetch_pose2sim_demo()
    assert sorted(demo.videos) == ["cam01", "cam02", "cam03", "cam04"]
    assert demo.videos["cam02"].read_text().endswith("videos/cam02.mp4")
    assert demo.calibration.name == "Calib.qca.txt" and demo.calibration.is_file()
    (tmp_path / "wheels").rename(tmp_path / "gone")  # the unpacked files alone now suffice
    assert videos.fetch_pose2sim_demo() == demo


def test_damaged_wheel_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAINPATH_TEST_VIDEO_CACHE", str(tmp_path))
    _fake_wheel(tmp_path, *videos.SPORTS2D, ("something/else.txt",))
    with pytest.raises(videos.VideoFetchError, match="lacks"):
        videos.fetch_sports2d_demo()
