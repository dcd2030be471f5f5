"""Forward kinematics and SVG output of the stick-figure illustrations."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.domain.errors import InvalidInput
from painpath.domain.planning.illustration import (
    SEGMENT_LENGTHS,
    Pose,
    View,
    compute_joints,
    pose_from_mapping,
    render_svg,
)
from strategies_library import angle_maps, pose_mappings

L = SEGMENT_LENGTHS
SVG = "{http://www.w3.org/2000/svg}"


def close(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return math.isclose(p[0], q[0], abs_tol=1e-9) and math.isclose(p[1], q[1], abs_tol=1e-9)


def test_standing_straight_stacks_the_joints_vertically() -> None:
    j = compute_joints({}, view=View.SIDE)
    assert close(j["hip"], (0.0, 0.0))
    assert close(j["knee"], (0.0, -L["thigh"]))
    assert close(j["ankle"], (0.0, -L["thigh"] - L["shank"]))
    assert close(j["toe"], (L["foot"], -L["thigh"] - L["shank"]))  # the foot points forward
    assert close(j["shoulder"], (0.0, L["trunk"]))
    assert close(j["wrist"], (0.0, L["trunk"] - L["upper_arm"] - L["forearm"]))
    assert j["head"][1] > j["shoulder"][1]
    assert close(j["far_knee"], j["knee"])  # far limbs default to the near-side angles


def test_sitting_angles_put_the_thigh_forward_and_the_shank_down() -> None:
    j = compute_joints({"hip": 90, "knee": 90}, view=View.SIDE)
    assert close(j["knee"], (L["thigh"], 0.0))
    assert close(j["ankle"], (L["thigh"], -L["shank"]))


def test_knee_flexion_moves_the_heel_behind_and_arm_flexion_overhead() -> None:
    j = compute_joints({"knee": 90, "shoulder": 180, "elbow": 0}, view=View.SIDE)
    assert close(j["ankle"], (-L["shank"], -L["thigh"]))
    assert close(j["wrist"], (0.0, L["trunk"] + L["upper_arm"] + L["forearm"]))


def test_trunk_lean_and_far_limb_override() -> None:
    j = compute_joints({"trunk": 90, "hip": 90, "hip_far": 0}, view=View.SIDE)
    assert close(j["shoulder"], (L["trunk"], 0.0))  # trunk horizontal, head forward
    assert close(j["knee"], (0.0, -L["thigh"]))  # near thigh straight down (hands and knees)
    assert close(j["far_knee"], (-L["thigh"], 0.0))  # far leg straight back (bird dog)


def test_front_view_is_mirror_symmetric_and_abduction_moves_outward() -> None:
    j = compute_joints({"hip": 30, "shoulder": 90}, view=View.FRONT)
    for part in ("hip", "knee", "ankle", "shoulder", "elbow", "wrist"):
        a, b = j[f"a_{part}"], j[f"b_{part}"]
        assert math.isclose(a[0], -b[0], abs_tol=1e-9) and math.isclose(a[1], b[1], abs_tol=1e-9)
    assert j["b_knee"][0] > j["b_hip"][0]
    assert math.isclose(j["b_elbow"][1], j["b_shoulder"][1], abs_tol=1e-9)  # arm horizontal


def test_body_tilt_rotates_the_whole_figure() -> None:
    upright = compute_joints({}, view=View.FRONT)
    lying = compute_joints({"body": 90}, view=View.FRONT)
    x, y = upright["head"]
    assert close(lying["head"], (-y, x))


@settings(max_examples=60, deadline=None)
@given(angle_maps(), st.sampled_from(list(View)))
def test_segments_keep_their_length_for_any_angles(angles: dict[str, float], view: View) -> None:
    j = compute_joints(angles, view=view)
    prefix = "" if view is View.SIDE else "b_"
    hip = j["hip"] if view is View.SIDE else j["b_hip"]
    assert math.isclose(math.dist(hip, j[f"{prefix}knee"]), L["thigh"], rel_tol=1e-9)
    assert math.isclose(
        math.dist(j[f"{prefix}knee"], j[f"{prefix}ankle"]), L["shank"], rel_tol=1e-9
    )
    assert math.isclose(
        math.dist(j[f"{prefix}elbow"], j[f"{prefix}wrist"]), L["forearm"], rel_tol=1e-9
    )


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def test_svg_is_accessible_and_draws_start_and_end() -> None:
    pose = pose_from_mapping({"view": "side", "start": {}, "end": {"hip": 90, "knee": 90}})
    root = parse(render_svg(pose, title='Squat <deep> & "slow"'))
    assert root.get("role") == "img"
    assert "Squat" in (root.get("aria-label") or "")
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == 'Squat <deep> & "slow"'
    figures = root.findall(f"{SVG}g")
    assert len(figures) == 2
    assert figures[0].get("stroke") != figures[1].get("stroke")  # light start, dark end


def test_feet_stay_on_the_floor_when_only_the_arms_move() -> None:
    pose = Pose(view=View.SIDE, start={}, end={"shoulder": 180})
    root = parse(render_svg(pose, title="Arm raise"))
    paths = [g.find(f"{SVG}path") for g in root.findall(f"{SVG}g")]
    starts, ends = (p.get("d", "") if p is not None else "" for p in paths)
    # the leg bones (hip-knee-ankle-toe) are drawn identically in both positions
    assert starts.split(" M")[6:9] == ends.split(" M")[6:9]


@settings(max_examples=40, deadline=None)
@given(pose_mappings())
def test_any_legal_pose_renders_well_formed_svg(raw: dict[str, object]) -> None:
    parse(render_svg(pose_from_mapping(raw), title="Any"))


def test_invalid_pose_mapping_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="view"):
        pose_from_mapping({"start": {}, "end": {}})
    with pytest.raises(InvalidInput, match="must be a number"):
        pose_from_mapping({"view": "side", "start": {"hip": True}, "end": {}})


def test_squat_keeps_the_ankle_in_place_and_lowers_the_hip() -> None:
    pose = Pose(view=View.SIDE, start={}, end={"trunk": 30, "hip": 120, "knee": 110, "ankle": 25})
    root = parse(render_svg(pose, title="Squat"))
    paths = [g.find(f"{SVG}path") for g in root.findall(f"{SVG}g")]
    start_d, end_d = (p.get("d", "") if p is not None else "" for p in paths)

    def point(d: str, bone: int, end: int) -> tuple[float, float]:
        seg = d.split(" M")[bone].lstrip("M").split(" L")[end]
        x, y = seg.split(",")
        return float(x), float(y)

    assert point(start_d, 7, 1) == point(end_d, 7, 1)  # knee-ankle bone: the ankle stays put
    assert point(end_d, 6, 0)[1] > point(start_d, 6, 0)[1]  # hip lower (svg y grows downward)


def test_chair_prop_sits_under_the_start_hip() -> None:
    raw = {"view": "side", "prop": "chair", "start": {"hip": 90, "knee": 90}, "end": {}}
    pose = pose_from_mapping(raw)
    root = parse(render_svg(pose, title="Sit to stand"))
    chair = root.find(f"{SVG}path[@class='prop']")
    assert chair is not None
    seat_y = float(chair.get("d", "").split(" L")[0].split(",")[1])
    shank = SEGMENT_LENGTHS["shank"]
    assert -shank < seat_y < 0  # above the floor, just below the hip (svg y points down)
    assert (
        parse(render_svg(pose_from_mapping(raw | {"prop": None}), title="x")).find(
            f"{SVG}path[@class='prop']"
        )
        is None
    )
    with pytest.raises(InvalidInput, match="prop"):
        pose_from_mapping(raw | {"prop": "sofa"})
