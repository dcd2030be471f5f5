"""BlazePose heavy: the larger landmark model, installed once at setup, never at analysis time.

mediapipe 0.10.14's wheel carries the detector and the *full* landmark model (read by
:mod:`painpath.adapters.pose.blazepose`); its *heavy* landmark model is not in the wheel
(mediapipe's own Python solution downloads it at run time, which PainPath never does). The npm
registry package ``@mediapipe/pose`` (the same legacy solution for the web, Apache-2.0) carries
``pose_landmark_heavy.tflite``; its ``pose_landmark_full.tflite`` is byte for byte the one in
the mediapipe wheel, and the heavy model has the same input (256 x 256 x 3) and outputs
(landmarks, presence flag, segmentation, 64 x 64 heat maps, world landmarks), so the LiteRT
path runs it unchanged (backend ``litert-heavy``).

Setup (``make venv`` does it; or ``painpath models install``): ``npm pack`` the pinned
package into a temporary folder, take the model out of the tarball, check its SHA-256 and copy
it to :func:`model_dir`. Analysis only reads the installed file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sysconfig
import tarfile
import tempfile
from pathlib import Path

from painpath.domain.errors import InvalidInput

__all__ = [
    "HEAVY_LANDMARK_NAME",
    "HEAVY_LANDMARK_PACKAGE",
    "HEAVY_LANDMARK_SHA256",
    "MODEL_DIR_ENV",
    "ModelInstallError",
    "heavy_landmark_file",
    "install_heavy_landmark",
    "model_dir",
]

HEAVY_LANDMARK_NAME = "pose_landmark_heavy.tflite"
HEAVY_LANDMARK_PACKAGE = "@mediapipe/pose@0.5.1675469404"
HEAVY_LANDMARK_SHA256 = "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"
MODEL_DIR_ENV = "PAINPATH_MODEL_DIR"
_MEMBER = f"package/{HEAVY_LANDMARK_NAME}"
_NPM_TIMEOUT_S = 600


class ModelInstallError(InvalidInput):
    """The heavy model could not be fetched from the npm registry or failed its checksum."""


def model_dir() -> Path:
    """Where installed model files live: ``$PAINPATH_MODEL_DIR``, else ``share/painpath/models``
    under the Python environment's data folder (the virtualenv itself), next to the packages
    that use it."""
    env = os.environ.get(MODEL_DIR_ENV)
    if env:
        return Path(env)
    return Path(sysconfig.get_path("data")) / "share" / "painpath" / "models"


def heavy_landmark_file() -> Path:
    """The installed heavy landmark model; :class:`InvalidInput` saying how to install it."""
    path = model_dir() / HEAVY_LANDMARK_NAME
    if not path.is_file():
        raise InvalidInput(
            f"the BlazePose heavy model is not installed ({path}); run `painpath models "
            "install` (or `make venv`) once, or use the default backend `litert`"
        )
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _npm_pack(folder: Path) -> Path:
    """``npm pack`` the pinned package into ``folder``; the tarball's path."""
    try:
        done = subprocess.run(
            ["npm", "pack", "--silent", HEAVY_LANDMARK_PACKAGE],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=_NPM_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ModelInstallError(
            f"could not run npm to fetch {HEAVY_LANDMARK_PACKAGE}: {exc}"
        ) from exc
    found = sorted(folder.glob("*.tgz"))
    if done.returncode != 0 or not found:
        raise ModelInstallError(
            f"npm pack {HEAVY_LANDMARK_PACKAGE} failed (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}"
        )
    return found[0]


def install_heavy_landmark(
    *,
    tarball: Path | None = None,
    dest: Path | None = None,
    sha256: str = HEAVY_LANDMARK_SHA256,
) -> Path:
    """Install the heavy landmark model from ``tarball`` (an ``npm pack`` of
    ``@mediapipe/pose``; None: fetch it from the npm registry) into ``dest`` (default
    :func:`model_dir`) after checking its SHA-256. Idempotent: a file already there with the
    right checksum is kept. Returns the installed path."""
    target = (dest or model_dir()) / HEAVY_LANDMARK_NAME
    if target.is_file() and _sha256(target) == sha256:
        return target
    with tempfile.TemporaryDirectory(prefix="painpath-model-") as tmp:
        folder = Path(tmp)
        source = tarball if tarball is not None else _npm_pack(folder)
        extracted = folder / HEAVY_LANDMARK_NAME
        try:
            with tarfile.open(source, "r:gz") as tar:
                member = tar.extractfile(_MEMBER)
                if member is None:
                    raise KeyError(_MEMBER)
                with member, extracted.open("wb") as out:
                    shutil.copyfileobj(member, out)
        except (tarfile.TarError, KeyError, OSError) as exc:
            raise ModelInstallError(f"{source} is not a tarball holding {_MEMBER}: {exc}") from exc
        got = _sha256(extracted)
        if got != sha256:
            raise ModelInstallError(
                f"{HEAVY_LANDMARK_NAME} from {source} has SHA-256 {got}, expected {sha256}; "
                "not installed"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        shutil.copyfile(extracted, partial)
        partial.replace(target)  # no half-written model if interrupted
    return target
