"""The optional BlazePose heavy model: installed from an ``npm pack`` tarball with its checksum
checked, found where the backend looks, and a clear error when it is missing."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from painpath.adapters.pose import model_files
from painpath.adapters.pose.model_files import (
    HEAVY_LANDMARK_NAME,
    ModelInstallError,
    heavy_landmark_file,
    install_heavy_landmark,
)
from painpath.adapters.pose.pipeline import default_estimator
from painpath.domain.errors import InvalidInput

PAYLOAD = b"not a real model, but bytes with a known checksum"


def _tarball(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv(model_files.MODEL_DIR_ENV, str(folder))
    return folder


def test_the_model_is_taken_from_the_tarball_and_found_by_the_backend(
    tmp_path: Path, model_dir: Path
) -> None:
    tgz = _tarball(tmp_path / "pose.tgz", {f"package/{HEAVY_LANDMARK_NAME}": PAYLOAD})
    installed = install_heavy_landmark(tarball=tgz, sha256=_sha(PAYLOAD))
    assert installed == model_dir / HEAVY_LANDMARK_NAME
    assert installed.read_bytes() == PAYLOAD
    assert heavy_landmark_file() == installed
    # idempotent: a second install keeps the file without reading the tarball
    assert (
        install_heavy_landmark(tarball=tmp_path / "absent.tgz", sha256=_sha(PAYLOAD)) == installed
    )


def test_a_wrong_checksum_installs_nothing(tmp_path: Path, model_dir: Path) -> None:
    tgz = _tarball(tmp_path / "pose.tgz", {f"package/{HEAVY_LANDMARK_NAME}": PAYLOAD})
    with pytest.raises(ModelInstallError, match="SHA-256"):
        install_heavy_landmark(tarball=tgz)  # the pinned checksum of the real model
    assert not (model_dir / HEAVY_LANDMARK_NAME).exists()
    with pytest.raises(InvalidInput, match="not installed"):
        heavy_landmark_file()


def test_a_tarball_without_the_model_is_refused(tmp_path: Path, model_dir: Path) -> None:
    tgz = _tarball(tmp_path / "other.tgz", {"package/pose_landmark_full.tflite": PAYLOAD})
    with pytest.raises(ModelInstallError, match="not a tarball holding"):
        install_heavy_landmark(tarball=tgz, sha256=_sha(PAYLOAD))


def test_the_heavy_backend_says_how_to_install_a_missing_model(model_dir: Path) -> None:
    with pytest.raises(InvalidInput, match="painpath models install"):
        default_estimator("litert-heavy")
    with pytest.raises(InvalidInput, match="litert-heavy"):
        default_estimator("no-such-backend")
