"""compute_* against analytic answers, plus translation/scale invariance and mirror symmetry."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from tests.strategies_movement import offsets, point_sets, scales

from painpath.domain.movement import angles as ang
from painpath.domain.movement.geometry import Array, horizontal_axis, project_to_plane, to_y_up


def p(*xy: float) -> Array:
    return np.array([xy], dtype=np.float64)


def test_knee_flexion_straight_right_angle_and_3d() -> None:
    assert ang.compute_knee_flexion_deg(p(0, 2), p(0, 1), p(0, 0))[0] == pytest.approx(0.0)
    assert ang.compute_knee_flexion_deg(p(0, 2), p(0, 1), p(1, 1))[0] == pytest.approx(90.0)
    hip, knee = p(0, 1, 0), p(0, 0, 0)
    ankle = p(0, -math.cos(math.radians(30)), math.sin(math.radians(30)))
    assert ang.compute_knee_flexion_deg(hip, knee, ankle)[0] == pytest.approx(30.0)


def test_hip_flexion_is_thigh_versus_trunk() -> None:
    # trunk straight up, thigh forward horizontal -> 90 deg flexion
    mid, top = p(0, 0), p(0, 1)
    assert ang.compute_hip_flexion_trunk_deg(mid, top, p(0, 0), p(1, 0))[0] == pytest.approx(90.0)
    assert ang.compute_hip_flexion_trunk_deg(mid, top, p(0, 0), p(0, -1))[0] == pytest.approx(0.0)
    # a hip joint beside the midline (3D) still reads 0 with the thigh straight down
    left_hip = p(0.12, 0, 0)
    got = ang.compute_hip_flexion_trunk_deg(p(0, 0, 0), p(0, 0.5, 0), left_hip, p(0.12, -0.4, 0))
    assert got[0] == pytest.approx(0.0)
    # the 3-point form with the same-side shoulder (0.19 m out) reads the offset instead
    wide = ang.compute_hip_flexion_deg(p(0.19, 0.5, 0), left_hip, p(0.12, -0.4, 0))
    assert wide[0] == pytest.approx(np.degrees(np.arctan(0.07 / 0.5)))


def test_trunk_flexion_signed_forward_and_backward() -> None:
    assert ang.compute_trunk_flexion_deg(p(0, 0), p(1, 1))[0] == pytest.approx(45.0)
    assert ang.compute_trunk_flexion_deg(p(0, 0), p(-math.tan(0.2), 1))[0] == pytest.approx(
        -math.degrees(0.2)
    )


def test_trunk_lateral_lean_towards_left_is_positive() -> None:
    assert ang.compute_trunk_lateral_lean_deg(p(0, 0), p(0.1763, 1))[0] == pytest.approx(
        10.0, abs=0.01
    )


def test_fppa_valgus_positive_for_medial_knee_each_side() -> None:
    # frontal axis points to the subject's left; left leg medial = -x, right leg medial = +x
    hip, ankle = p(0, 0), p(0, -2)
    medial_left = p(-math.tan(math.radians(5)), -1)
    assert ang.compute_fppa_deg(hip, medial_left, ankle, side="left")[0] == pytest.approx(10.0)
    assert ang.compute_fppa_deg(hip, medial_left, ankle, side="right")[0] == pytest.approx(-10.0)
    assert ang.compute_fppa_deg(hip, p(0, -1), ankle, side="left")[0] == pytest.approx(0.0)


def test_pelvic_obliquity_left_hip_higher_positive() -> None:
    angle = ang.compute_pelvic_obliquity_deg(
        p(1, math.tan(math.radians(6))), p(-1, -math.tan(math.radians(6)))
    )
    assert angle[0] == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("elbow", "expected"),
    [
        ((0.0, -1.0), 0.0),
        ((1.0, 0.0), 90.0),
        ((0.0, 1.0), 180.0),
        ((-1.0, 0.0), -90.0),
        ((-0.1, 1.0), 180.0 + math.degrees(math.atan(0.1))),
    ],
)
def test_shoulder_flexion_sagittal(elbow: tuple[float, float], expected: float) -> None:
    got = ang.compute_shoulder_flexion_deg(p(0, -1), p(0, 0), p(0, 0), p(*elbow))
    assert got[0] == pytest.approx(expected)


def test_shoulder_abduction_frontal_and_3d() -> None:
    assert ang.compute_shoulder_abduction_deg(p(0, -1), p(0, 0), p(0.2, 0), p(1.2, 0))[
        0
    ] == pytest.approx(90.0)
    got = ang.compute_shoulder_abduction_deg(p(0, -1, 0), p(0, 0, 0), p(0, 0, 0), p(0, 1, 0))
    assert got[0] == pytest.approx(180.0)


def test_shoulder_elevation_ratio_falls_when_shoulder_hikes() -> None:
    rest = ang.compute_shoulder_elevation_ratio(p(0.2, 0), p(0.1, 0.2), p(0.2, 0), p(-0.2, 0))
    hiked = ang.compute_shoulder_elevation_ratio(
        p(0.2, 0.04), p(0.1, 0.2), p(0.2, 0.04), p(-0.2, 0.04)
    )
    assert rest[0] == pytest.approx(0.5)
    assert rest[0] - hiked[0] == pytest.approx(0.1)


def test_nan_in_gives_nan_out() -> None:
    assert np.isnan(ang.compute_knee_flexion_deg(p(np.nan, 0), p(0, 0), p(1, 1))[0])


def test_definition_table_names_carry_units() -> None:
    names = [d.name for d in ang.ANGLE_DEFINITIONS]
    assert len(set(names)) == len(names)
    assert all(n.endswith(("_deg", "_ratio")) for n in names)
    assert all(d.range_deg[0] < d.range_deg[1] for d in ang.ANGLE_DEFINITIONS)


@settings(max_examples=40, deadline=None)
@given(point_sets(3, 3), offsets, scales)
def test_flexion_invariant_to_translation_and_scale_3d(
    pts: Array, off: tuple[float, float, float], scale: float
) -> None:
    base = ang.compute_joint_flexion_deg(pts[0], pts[1], pts[2])
    moved = pts * scale + np.array(off)
    again = ang.compute_joint_flexion_deg(moved[0], moved[1], moved[2])
    assert again[0] == pytest.approx(base[0], abs=1e-6)


def _frontal_angles(image: Array) -> dict[str, float]:
    """Planar frontal angles for a 5-point body: L hip, R hip, L knee, R knee, L/R ankle."""
    up = to_y_up(image)
    axis = horizontal_axis(up[:, 1], up[:, 0])
    q = [project_to_plane(up[:, i], axis) for i in range(up.shape[1])]
    return {
        "fppa_left": float(ang.compute_fppa_deg(q[0], q[2], q[4], side="left")[0]),
        "fppa_right": float(ang.compute_fppa_deg(q[1], q[3], q[5], side="right")[0]),
        "obliquity": float(ang.compute_pelvic_obliquity_deg(q[0], q[1])[0]),
        "lean": float(ang.compute_trunk_lateral_lean_deg((q[0] + q[1]) / 2, q[6])[0]),
    }


def _body(jitter: Array) -> Array:
    # image px, y down: L hip, R hip, L knee, R knee, L ankle, R ankle, shoulder mid
    base = np.array(
        [[360, 600], [300, 600], [370, 800], [290, 800], [362, 1000], [298, 1000], [330, 380]],
        dtype=np.float64,
    )
    return (base + jitter)[None, :, :]


@settings(max_examples=40, deadline=None)
@given(point_sets(7, 2), offsets, scales)
def test_frontal_angles_translation_scale_and_mirror(
    jit: Array, off: tuple[float, float, float], scale: float
) -> None:
    image = _body(jit[:, 0, :] * 0.05)
    base = _frontal_angles(image)
    moved = _frontal_angles(image * scale + np.array(off[:2]))
    for key, value in base.items():
        assert moved[key] == pytest.approx(value, abs=1e-6)
    mirrored = image.copy()
    mirrored[..., 0] = 720.0 - mirrored[..., 0]
    mirrored = mirrored[:, [1, 0, 3, 2, 5, 4, 6]]  # swap left/right labels
    m = _frontal_angles(mirrored)
    assert m["fppa_left"] == pytest.approx(base["fppa_right"], abs=1e-6)
    assert m["fppa_right"] == pytest.approx(base["fppa_left"], abs=1e-6)
    assert m["obliquity"] == pytest.approx(-base["obliquity"], abs=1e-6)
    assert m["lean"] == pytest.approx(-base["lean"], abs=1e-6)
