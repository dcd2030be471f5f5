"""Real test videos, fetched from registry packages and cached (never committed).

Two BSD-3 packages on PyPI ship short real recordings:

- ``pose2sim==0.10.49``: ``Pose2Sim/Demo_SinglePerson/videos/cam01..04.mp4`` (one man moving on
  one leg, four synchronised calibrated cameras, 60 fps, 100 frames, portrait 1080/1088x1920) and
  the Qualisys calibration ``Pose2Sim/Demo_SinglePerson/calibration/Calib.qca.txt``; and
  ``Pose2Sim/Demo_MultiPerson`` (same cameras and calibration, another trial: the same man
  moving on one leg with a woman standing near him, who hides him in ``cam03`` from frame 80).
- ``sports2d==0.8.34``: ``Sports2D/Demo/demo.mp4`` (1768x994, 30 fps, 230 frames; a woman walks
  right to left in side view in the lower half, a man jumps from a cabinet in the upper half).

``pip download --no-deps`` fetches each wheel once; only the needed members are unzipped into the
cache directory (``$PAINPATH_TEST_VIDEO_CACHE`` or ``~/.cache/painpath-test-videos``). A failed
download raises :class:`VideoFetchError` with the pip output: the slow tests fail loudly instead of
skipping, so a missing registry never looks like a passing suite.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "P2S_CAMERAS",
    "POSE2SIM",
    "SPORTS2D",
    "Pose2SimDemo",
    "VideoFetchError",
    "cache_dir",
    "fetch_pose2sim_demo",
    "fetch_pose2sim_multiperson_demo",
    "fetch_sports2d_demo",
]

POSE2SIM = ("pose2sim", "0.10.49")
SPORTS2D = ("sports2d", "0.8.34")
_P2S_ROOT = "Pose2Sim/Demo_SinglePerson"
P2S_CAMERAS = ("cam01", "cam02", "cam03", "cam04")
_P2S_MEMBERS = (
    *(f"{_P2S_ROOT}/videos/{cam}.mp4" for cam in P2S_CAMERAS),
    f"{_P2S_ROOT}/calibration/Calib.qca.txt",
)
_P2S_MULTI_ROOT = "Pose2Sim/Demo_MultiPerson"
_P2S_MULTI_MEMBERS = tuple(m.replace(_P2S_ROOT, _P2S_MULTI_ROOT) for m in _P2S_MEMBERS)
# Regions (fractions x0, y0, x1, y1 of the upright frame) that keep the man and leave out the
# woman where she would be tracked instead (checked by eye and by the reprojection error of
# the four-view triangulation: about 20 px over the first 40 frames); cam03 needs none until
# frame 80, where the tracker moves to the woman passing in front of him.
_P2S_MULTI_ROIS = {
    "cam01": (0.0, 0.0, 1.0, 0.63),
    "cam02": (0.3, 0.05, 1.0, 0.75),
    "cam04": (0.0, 0.1, 0.62, 1.0),
}
_P2S_MULTI_FRAMES = 80
_S2D_MEMBERS = ("Sports2D/Demo/demo.mp4",)
_PIP_TIMEOUT_S = 300


class VideoFetchError(RuntimeError):
    """The registry package holding a test video could not be downloaded or unpacked."""


@dataclass(frozen=True)
class Pose2SimDemo:
    """Paths of the four synchronised views and their calibration; ``rois`` per view (fractions
    x0, y0, x1, y1) and ``frames`` (the usable first frames, None = all) where the clip needs
    them to follow one person."""

    videos: dict[str, Path]
    calibration: Path
    rois: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    frames: int | None = None


def cache_dir() -> Path:
    """Where wheels and unpacked videos are kept between runs."""
    env = os.environ.get("PAINPATH_TEST_VIDEO_CACHE")
    root = Path(env) if env else Path.home() / ".cache" / "painpath-test-videos"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _wheel(name: str, version: str, root: Path) -> Path:
    wheels = root / "wheels"
    found = sorted(wheels.glob(f"{name}-{version}-*.whl"))
    if found:
        return found[0]
    wheels.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check"]
    cmd += ["-q", f"{name}=={version}", "-d", str(wheels)]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=_PIP_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise VideoFetchError(f"could not run pip to fetch {name}=={version}: {exc}") from exc
    found = sorted(wheels.glob(f"{name}-{version}-*.whl"))
    if done.returncode != 0 or not found:
        raise VideoFetchError(
            f"pip download {name}=={version} failed (exit {done.returncode}); the real-video "
            f"tests need the package registry.\n{done.stdout}\n{done.stderr}"
        )
    return found[0]


@contextmanager
def _cache_lock(root: Path) -> Iterator[None]:
    """Hold the cache's lock file: the test processes of one run (pytest-xdist workers) and of
    other checkouts share the cache, and two must not download or unpack into it at once."""
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _extract(name: str, version: str, members: tuple[str, ...]) -> Path:
    root = cache_dir()
    target = root / f"{name}-{version}"
    if all((target / m).is_file() for m in members):
        return target
    with _cache_lock(root):
        return _extract_locked(name, version, members, root, target)


def _extract_locked(
    name: str, version: str, members: tuple[str, ...], root: Path, target: Path
) -> Path:
    if all((target / m).is_file() for m in members):  # another process unpacked it meanwhile
        return target
    wheel = _wheel(name, version, root)
    try:
        with zipfile.ZipFile(wheel) as zf:
            for member in members:
                # Extract to a temporary name first so an interrupted run leaves no half file.
                dest = target / member
                dest.parent.mkdir(parents=True, exist_ok=True)
                tmp = dest.with_suffix(dest.suffix + ".part")
                tmp.write_bytes(zf.read(member))
                tmp.replace(dest)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise VideoFetchError(f"{wheel.name} is damaged or lacks {members}: {exc}") from exc
    return target


def fetch_pose2sim_demo() -> Pose2SimDemo:
    """Download (once) and return the four Pose2Sim demo views and their calibration."""
    base = _extract(*POSE2SIM, _P2S_MEMBERS) / _P2S_ROOT
    videos = {cam: base / "videos" / f"{cam}.mp4" for cam in P2S_CAMERAS}
    return Pose2SimDemo(videos=videos, calibration=base / "calibration" / "Calib.qca.txt")


def fetch_sports2d_demo() -> Path:
    """Download (once) and return the Sports2D demo clip."""
    return _extract(*SPORTS2D, _S2D_MEMBERS) / _S2D_MEMBERS[0]


def fetch_pose2sim_multiperson_demo() -> Pose2SimDemo:
    """Download (once) and return the Pose2Sim multi-person trial: the man's second movement,
    with the regions and frame count that keep all four views on him."""
    base = _extract(*POSE2SIM, _P2S_MULTI_MEMBERS) / _P2S_MULTI_ROOT
    videos = {cam: base / "videos" / f"{cam}.mp4" for cam in P2S_CAMERAS}
    return Pose2SimDemo(
        videos=videos,
        calibration=base / "calibration" / "Calib.qca.txt",
        rois=dict(_P2S_MULTI_ROIS),
        frames=_P2S_MULTI_FRAMES,
    )
