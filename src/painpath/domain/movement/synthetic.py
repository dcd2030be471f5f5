"""Synthetic stick-figure pose sequences with analytically known joint angles.

A rigid-segment body (fixed lengths in metres) is posed from joint-angle time series and
projected orthographically to a front or side camera. Because every angle is set directly,
tests, benchmarks and the demo can check "known angles in -> same angles out". Body axes:
L = subject's left, U = up, F = forward; world output is hip-centred metres in camera-aligned
axes (x right, y down, z away from the camera), like BlazePose world landmarks.

Angle inputs (degrees, scalars or (F,) arrays) match the definitions in ``angles.py``: hip
flexion is thigh vs trunk, shoulder flexion/abduction are arm vs trunk, trunk flexion/lean are
vs vertical, valgus is the knee frontal-plane projection angle, obliquity + = left hip higher.
With knee valgus the knee is shifted medially, which lengthens the 3D segments slightly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from painpath.domain.movement.geometry import Array, landmark
from painpath.domain.movement.pose import N_LANDMARKS, Landmark, PoseSequence

__all__ = ["BodyDimensions", "JointAngles", "pair_swap_index", "synthesize_pose"]

Angle = float | Array
LM = Landmark


@dataclass(frozen=True, slots=True)
class BodyDimensions:
    """Segment lengths in metres (adult-like proportions)."""

    trunk: float = 0.50
    hip_half_width: float = 0.12
    shoulder_half_width: float = 0.19
    thigh: float = 0.43
    shank: float = 0.42
    upper_arm: float = 0.30
    forearm: float = 0.26


@dataclass(frozen=True, slots=True)
class JointAngles:
    """Joint-angle time series in degrees (scalars broadcast over frames)."""

    hip_flexion_left: Angle = 0.0
    hip_flexion_right: Angle = 0.0
    knee_flexion_left: Angle = 0.0
    knee_flexion_right: Angle = 0.0
    knee_valgus_left: Angle = 0.0
    knee_valgus_right: Angle = 0.0
    trunk_flexion: Angle = 0.0
    trunk_lean: Angle = 0.0
    pelvic_obliquity: Angle = 0.0
    shoulder_flexion_left: Angle = 0.0
    shoulder_flexion_right: Angle = 0.0
    shoulder_abduction_left: Angle = 0.0
    shoulder_abduction_right: Angle = 0.0
    elbow_flexion_left: Angle = 0.0
    elbow_flexion_right: Angle = 0.0
    shoulder_elevation_left_m: Angle = 0.0
    shoulder_elevation_right_m: Angle = 0.0
    root_forward_m: Angle = 0.0
    root_lateral_m: Angle = 0.0
    feet_on_ground: bool = True  # translate vertically so the lowest foot point is at 0 m
    dims: BodyDimensions = field(default_factory=BodyDimensions)


def _arr(value: Angle, frames: int) -> Array:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (frames,)).copy()


def _vec(lat: Array, up: Array, fwd: Array) -> Array:
    return np.stack([lat, up, fwd], axis=-1)


def _fppa(hip: Array, knee: Array, ankle: Array, medial: float) -> Array:
    """Frontal (L, U) projection angle, + when the knee lies towards ``medial``."""
    u = hip[:, :2] - knee[:, :2]
    v = ankle[:, :2] - knee[:, :2]
    inner = np.arctan2(np.abs(u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]), np.sum(u * v, axis=-1))
    line = ankle[:, :2] - hip[:, :2]
    rel = knee[:, :2] - hip[:, :2]
    cross = line[:, 0] * rel[:, 1] - line[:, 1] * rel[:, 0]
    return np.asarray(np.degrees(np.pi - inner) * np.sign(cross) * medial, dtype=np.float64)


def _leg(
    hip: Array,
    hip_flex: Array,
    knee_flex: Array,
    valgus: Array,
    trunk: Array,
    side: float,
    dims: BodyDimensions,
) -> dict[str, Array]:
    n = hip.shape[0]
    zero = np.zeros(n)
    thigh_angle = np.radians(hip_flex - trunk)
    shank_angle = thigh_angle - np.radians(knee_flex)
    knee = hip + dims.thigh * _vec(zero, -np.cos(thigh_angle), np.sin(thigh_angle))
    ankle = knee + dims.shank * _vec(zero, -np.cos(shank_angle), np.sin(shank_angle))
    medial = -side  # left leg (side +1): medial is towards -L
    lo, hi = np.full(n, -0.5), np.full(n, 0.5)
    for _ in range(50):  # bisection for the medial knee shift that gives the requested FPPA
        mid = (lo + hi) / 2.0
        shifted = knee + _vec(mid * medial, zero, zero)
        too_much = _fppa(hip, shifted, ankle, medial) > valgus
        hi = np.where(too_much, mid, hi)
        lo = np.where(too_much, lo, mid)
    knee = knee + _vec((lo + hi) / 2.0 * medial, zero, zero)
    heel = ankle + np.array([0.0, -0.05, -0.05])
    toe = ankle + np.array([0.0, -0.07, 0.15])
    return {"hip": hip, "knee": knee, "ankle": ankle, "heel": heel, "foot_index": toe}


def _arm(
    shoulder: Array,
    flex: Array,
    abd: Array,
    elbow_flex: Array,
    trunk: Array,
    side: float,
    dims: BodyDimensions,
    lean: Array,
) -> dict[str, Array]:
    # arm angles in the world = angles relative to the trunk corrected for the trunk's tilt
    phi = np.radians(flex - trunk)
    alpha = np.radians(abd - side * lean)
    upper = _vec(
        side * np.sin(alpha) * np.cos(phi),
        -np.cos(alpha) * np.cos(phi),
        np.cos(alpha) * np.sin(phi),
    )
    upper /= np.linalg.norm(upper, axis=-1, keepdims=True)
    forward = np.array([0.0, 0.0, 1.0])
    perp = forward - np.sum(upper * forward, axis=-1, keepdims=True) * upper
    norm = np.linalg.norm(perp, axis=-1, keepdims=True)
    perp = np.where(norm > 1e-6, perp / np.maximum(norm, 1e-12), np.array([0.0, 1.0, 0.0]))
    eps = np.radians(elbow_flex)[:, None]
    fore = np.cos(eps) * upper + np.sin(eps) * perp
    elbow = shoulder + dims.upper_arm * upper
    wrist = elbow + dims.forearm * fore
    hand = wrist + 0.08 * fore
    return {
        "shoulder": shoulder,
        "elbow": elbow,
        "wrist": wrist,
        "pinky": hand,
        "index": hand + np.array([0.0, 0.0, 0.01]),
        "thumb": wrist + 0.04 * fore,
    }


_SERIES = tuple(
    name for name in JointAngles.__dataclass_fields__ if name not in ("feet_on_ground", "dims")
)


def _body(angles: JointAngles, frames: int) -> Array:
    """Landmarks (F, 33, 3) in body axes (L, U, F), pelvis centre at the root."""
    a = {name: _arr(getattr(angles, name), frames) for name in _SERIES}
    d = angles.dims
    zero = np.zeros(frames)
    pelvis = _vec(a["root_lateral_m"], zero, a["root_forward_m"])
    obl = np.radians(a["pelvic_obliquity"])
    half = d.hip_half_width * _vec(np.cos(obl), np.sin(obl), zero)
    lam, tau = np.radians(a["trunk_lean"]), np.radians(a["trunk_flexion"])
    # this direction projects to exactly `lean` in the frontal and `flexion` in the sagittal plane
    trunk_dir = _vec(
        np.sin(lam) * np.cos(tau), np.cos(lam) * np.cos(tau), np.cos(lam) * np.sin(tau)
    )
    trunk_dir /= np.linalg.norm(trunk_dir, axis=-1, keepdims=True)
    s_mid = pelvis + d.trunk * trunk_dir
    out = np.full((frames, N_LANDMARKS, 3), np.nan)
    for side, tag in ((1.0, "left"), (-1.0, "right")):
        parts = _limbs(a, pelvis + side * half, s_mid, side, tag, d)
        for part, pos in parts.items():
            out[:, landmark(f"{tag.upper()}_{part.upper()}")] = pos
    _head(out, s_mid)
    return out


def _limbs(
    a: dict[str, Array], hip: Array, s_mid: Array, side: float, tag: str, d: BodyDimensions
) -> dict[str, Array]:
    zero = np.zeros(hip.shape[0])
    leg = _leg(
        hip,
        a[f"hip_flexion_{tag}"],
        a[f"knee_flexion_{tag}"],
        a[f"knee_valgus_{tag}"],
        a["trunk_flexion"],
        side,
        d,
    )
    shoulder = s_mid + _vec(
        side * d.shoulder_half_width + zero, a[f"shoulder_elevation_{tag}_m"], zero
    )
    arm = _arm(
        shoulder,
        a[f"shoulder_flexion_{tag}"],
        a[f"shoulder_abduction_{tag}"],
        a[f"elbow_flexion_{tag}"],
        a["trunk_flexion"],
        side,
        d,
        a["trunk_lean"],
    )
    return {**leg, **arm}


_HEAD_OFFSETS = {  # metres from the shoulder midpoint (L, U, F); the head does not hike
    LM.LEFT_EAR: (0.07, 0.22, 0.0),
    LM.RIGHT_EAR: (-0.07, 0.22, 0.0),
    LM.LEFT_EYE: (0.03, 0.26, 0.08),
    LM.RIGHT_EYE: (-0.03, 0.26, 0.08),
    LM.LEFT_EYE_INNER: (0.015, 0.26, 0.09),
    LM.RIGHT_EYE_INNER: (-0.015, 0.26, 0.09),
    LM.LEFT_EYE_OUTER: (0.045, 0.26, 0.07),
    LM.RIGHT_EYE_OUTER: (-0.045, 0.26, 0.07),
    LM.MOUTH_LEFT: (0.025, 0.16, 0.09),
    LM.MOUTH_RIGHT: (-0.025, 0.16, 0.09),
    LM.NOSE: (0.0, 0.21, 0.11),
}


def _head(out: Array, s_mid: Array) -> None:
    for lm, offset in _HEAD_OFFSETS.items():
        out[:, lm] = s_mid + np.array(offset)


def pair_swap_index() -> list[int]:
    """Landmark index permutation that exchanges every left landmark with its right twin."""
    perm = list(range(N_LANDMARKS))
    for lm in LM:
        if lm.name.startswith("LEFT_"):
            twin = landmark(lm.name.replace("LEFT_", "RIGHT_", 1))
            perm[lm], perm[twin] = twin, lm
        elif lm.name.endswith("_LEFT"):
            twin = landmark(lm.name.replace("_LEFT", "_RIGHT"))
            perm[lm], perm[twin] = twin, lm
    return perm


def _corrupt(
    image: Array,
    world: Array,
    conf: Array,
    rng: np.random.Generator,
    noise_m: float,
    noise_px: float,
    dropout_fraction: float,
    swap_frames: tuple[int, int] | None,
) -> None:
    """Add noise, blank dropped frames and swap labels, in place."""
    if noise_px > 0:
        image += rng.normal(0.0, noise_px, image.shape)
        world += rng.normal(0.0, noise_m, world.shape)
    if dropout_fraction > 0:
        dropped = rng.random(image.shape[0]) < dropout_fraction
        image[dropped], world[dropped], conf[dropped] = np.nan, np.nan, 0.0
    if swap_frames is not None:
        span = slice(*swap_frames)
        perm = pair_swap_index()
        image[span], world[span], conf[span] = (
            image[span][:, perm],
            world[span][:, perm],
            conf[span][:, perm],
        )


def _camera_axes(body: Array, view: Literal["front", "side"]) -> Array:
    """Body (L, U, F) metres -> camera-aligned world axes (x right, y down, z away from the
    camera), as BlazePose's world landmarks are: the image's x/y and the world's x/y agree.

    Front: x = L, z = -F (the camera faces the subject). Side: x = F, z = L (the image's
    forward is x, so a right-handed camera looks from the subject's right towards the left).
    """
    lat, up, fwd = body[..., 0], body[..., 1], body[..., 2]
    if view == "front":
        return np.stack([lat, -up, -fwd], axis=-1)
    return np.stack([fwd, -up, lat], axis=-1)


def synthesize_pose(
    t_s: Array,
    angles: JointAngles,
    *,
    view: Literal["front", "side"],
    frame_size: tuple[int, int] = (720, 1280),
    noise_px: float = 0.0,
    dropout_fraction: float = 0.0,
    swap_frames: tuple[int, int] | None = None,
    confidence: float = 0.95,
    seed: int = 0,
) -> PoseSequence:
    """Pose a stick figure from ``angles`` and project it to a front or side camera.

    The camera faces the subject (front: subject's left appears on the image right) or looks
    at the subject's side with the subject facing image-right (side; orthographic, so near and
    far limbs do not hide each other). Noise is Gaussian
    (``noise_px`` pixels; the same physical size in metres on world points). Dropouts blank
    random whole frames (NaN, confidence 0); ``swap_frames`` = (start, stop) exchanges all
    left/right labels in that frame range.
    """
    frames = t_s.shape[0]
    rng = np.random.default_rng(seed)
    body = _body(angles, frames)
    if angles.feet_on_ground:
        feet = body[:, [LM.LEFT_HEEL, LM.RIGHT_HEEL, LM.LEFT_FOOT_INDEX, LM.RIGHT_FOOT_INDEX], 1]
        body[..., 1] -= np.min(feet, axis=1)[:, None]
    width, height = frame_size
    scale = 0.8 * height / 2.0  # pixels per metre: a 2 m tall space fills 80 % of the frame
    horizontal = body[..., 0] if view == "front" else body[..., 2]
    image = np.stack([width / 2.0 + scale * horizontal, 0.9 * height - scale * body[..., 1]], -1)
    pelvis = (body[:, LM.LEFT_HIP] + body[:, LM.RIGHT_HIP]) / 2.0
    world = _camera_axes(body - pelvis[:, None, :], view)
    conf = np.full((frames, N_LANDMARKS), confidence)
    _corrupt(image, world, conf, rng, noise_px / scale, noise_px, dropout_fraction, swap_frames)
    return PoseSequence(
        t_s=np.asarray(t_s, dtype=np.float64),
        image_xy=image,
        confidence=conf,
        frame_size=frame_size,
        world_xyz=world,
        source="synthetic",
    )
