"""Session fixtures for the real-video tests: fetched clips, cached pose, the 3D reference.

Pose estimation is the slow part (about 1 s per 100 frames on 2 cores), so every clip is run
through PainPath's estimator once per session and shared by all tests. A registry that cannot be
reached fails the tests (it does not skip them): see ``videos.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from painpath.domain.movement.pose import PoseSequence

from .calibration import Camera, read_qca
from .crossview import Triangulation, triangulate_sequence
from .videos import Pose2SimDemo, VideoFetchError, fetch_pose2sim_demo, fetch_sports2d_demo

# protobuf 4 (pinned below 5 for mediapipe 0.10.14) warns from google.protobuf itself, which
# pyproject's "ignore::UserWarning:mediapipe.*" filter does not cover; only that one is let pass.
PROTOBUF_WARNING = "ignore:SymbolDatabase.GetPrototype\\(\\) is deprecated:UserWarning"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent == Path(__file__).parent:
            item.add_marker(pytest.mark.filterwarnings(PROTOBUF_WARNING))
            # one pytest-xdist worker runs them all: the session fixtures below (pose of every
            # clip) are then computed once a run, not once per worker
            item.add_marker(pytest.mark.xdist_group("realvideo"))


# The woman walks in the lower half of the Sports2D demo; the man jumps in the upper half.
SPORTS2D_LOWER_HALF = (0.0, 0.5, 1.0, 1.0)


@pytest.fixture(scope="session")
def pose2sim_demo() -> Pose2SimDemo:
    try:
        return fetch_pose2sim_demo()
    except VideoFetchError as exc:
        pytest.fail(f"cannot get the Pose2Sim demo videos: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def sports2d_demo() -> Path:
    try:
        return fetch_sports2d_demo()
    except VideoFetchError as exc:
        pytest.fail(f"cannot get the Sports2D demo video: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def p2s_cameras(pose2sim_demo: Pose2SimDemo) -> dict[str, Camera]:
    return read_qca(pose2sim_demo.calibration)


@pytest.fixture(scope="session")
def p2s_poses(pose2sim_demo: Pose2SimDemo) -> dict[str, PoseSequence]:
    from .poses import estimate_pose

    return {cam: estimate_pose(path) for cam, path in pose2sim_demo.videos.items()}


@pytest.fixture(scope="session")
def p2s_reference(
    p2s_cameras: dict[str, Camera], p2s_poses: dict[str, PoseSequence]
) -> Triangulation:
    names = sorted(p2s_poses)
    return triangulate_sequence(
        [p2s_cameras[n] for n in names],
        [p2s_poses[n].image_xy for n in names],
        [p2s_poses[n].confidence for n in names],
    )


@pytest.fixture(scope="session")
def s2d_pose_roi(sports2d_demo: Path) -> PoseSequence:
    from painpath.adapters.pose.video import Roi

    from .poses import estimate_pose

    return estimate_pose(sports2d_demo, roi=Roi(*SPORTS2D_LOWER_HALF))


@pytest.fixture(scope="session")
def s2d_pose_full(sports2d_demo: Path) -> PoseSequence:
    from .poses import estimate_pose

    return estimate_pose(sports2d_demo)
