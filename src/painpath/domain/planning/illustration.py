"""Stick-figure illustrations of exercises, drawn from joint angles (pure; returns SVG text).

A pose is a set of joint angles in degrees. Forward kinematics with fixed segment lengths turns
the angles into 2D joint positions, and the SVG shows the start position (light) and the end
position (dark) on one floor line.

Conventions (all angles in degrees, range -180..180):

Both views: ``body`` tilts the whole figure about the hip centre, + counter-clockwise on the
page (front view, ``body`` 90 = lying on side ``a`` with side ``b`` on top).

Side view (the figure faces right, +x; math axes, y up):
  * ``trunk``: trunk lean from vertical, + forward (90 = trunk horizontal, head forward;
    -90 = lying on the back, head to the left).
  * ``hip``: hip flexion, angle between the trunk line and the thigh, + thigh forward.
  * ``knee``: knee flexion, + heel moves behind the thigh line.
  * ``ankle``: dorsiflexion of the foot from a right angle to the shank, + toes up.
  * ``shoulder``: shoulder flexion from the trunk line, 0 = arm down, 180 = overhead.
  * ``elbow``: elbow flexion, + forearm forward/up.
  * ``neck``: neck flexion, + chin down.
  * ``hip_far``, ``knee_far``, ``ankle_far``, ``shoulder_far``, ``elbow_far``: the far-side
    limb when it differs (lunge, bird-dog); default = the near-side value.

Front view (the viewer faces the figure; side ``b`` is on +x, side ``a`` mirrors it):
  * ``trunk``: side lean, + toward +x.  ``neck``: side bend, + toward +x.
  * ``hip``: hip abduction.  ``knee``: frontal knee angle, + knee drifts toward the midline.
  * ``shoulder``: shoulder abduction, 0 = arm down, 180 = overhead.  ``elbow``: + forearm up.
  * ``*_far`` keys give the side ``a`` limb when it differs (single-leg stance).

``prop: chair`` draws a seat under the start position's hip (seated drills, sit to stand).

Segment lengths are fractions of body height (rounded from Winter DA, Biomechanics and Motor
Control of Human Movement, 4th ed., 2009, anthropometric table); they only need to look right.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from xml.sax.saxutils import escape, quoteattr

from painpath.domain.errors import InvalidInput

__all__ = [
    "ANGLE_KEYS",
    "SEGMENT_LENGTHS",
    "Pose",
    "Prop",
    "View",
    "compute_joints",
    "pose_from_mapping",
    "render_svg",
]

Point = tuple[float, float]

ANGLE_KEYS: frozenset[str] = frozenset(
    {"body", "trunk", "hip", "knee", "ankle", "shoulder", "elbow", "neck"}
    | {"hip_far", "knee_far", "ankle_far", "shoulder_far", "elbow_far"}
)

# Body height = 100 units.
SEGMENT_LENGTHS: Mapping[str, float] = MappingProxyType(
    {
        "trunk": 30.0,  # hip joint to shoulder joint
        "neck": 6.0,
        "head_radius": 6.0,
        "thigh": 24.5,
        "shank": 24.5,
        "foot": 10.0,  # ankle to toes (side view)
        "upper_arm": 18.5,
        "forearm": 16.0,  # incl. hand
        "pelvis_half": 5.0,  # front view: hip joint to midline
        "shoulder_half": 12.0,  # front view: shoulder joint to midline
        "foot_front": 5.0,  # front view: foot seen end-on, drawn as a short stub
    }
)

LIGHT = "#9aa5b1"
DARK = "#1f2937"
PROP = "#d5dbe1"


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"


class Prop(StrEnum):
    CHAIR = "chair"  # a seat under the start position's hip (seated drills, sit to stand)


@dataclass(frozen=True, slots=True)
class Pose:
    """Start and end joint angles (degrees, see module docstring) in one view."""

    view: View
    start: Mapping[str, float]
    end: Mapping[str, float]
    prop: Prop | None = None  # furniture drawn under the start position


def _angles_from(raw: object, where: str) -> Mapping[str, float]:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: expected a mapping of joint angles, got {raw!r}")
    angles: dict[str, float] = {}
    for key, value in raw.items():
        if key not in ANGLE_KEYS:
            raise InvalidInput(f"{where}: unknown joint {key!r}; use one of {sorted(ANGLE_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(f"{where}: angle {key!r} must be a number, got {value!r}")
        if not -180.0 <= float(value) <= 180.0:
            raise InvalidInput(f"{where}: angle {key!r}={value} is outside -180..180 degrees")
        angles[str(key)] = float(value)
    return MappingProxyType(angles)


def pose_from_mapping(raw: object, *, where: str = "pose") -> Pose:
    """Build a Pose from ``{view: side|front, start: {...}, end: {...}}``; raises InvalidInput."""
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: expected a mapping with view, start and end")
    try:
        view = View(raw.get("view", ""))
    except ValueError:
        raise InvalidInput(
            f"{where}: view must be 'side' or 'front', got {raw.get('view')!r}"
        ) from None
    prop = raw.get("prop")
    if prop is not None and prop not in {p.value for p in Prop}:
        raise InvalidInput(f"{where}: unknown prop {prop!r}; use one of {[p.value for p in Prop]}")
    return Pose(
        view=view,
        start=_angles_from(raw.get("start"), f"{where}.start"),
        end=_angles_from(raw.get("end"), f"{where}.end"),
        prop=None if prop is None else Prop(prop),
    )


def _step(origin: Point, direction_deg: float, length: float) -> Point:
    rad = math.radians(direction_deg)
    return (origin[0] + length * math.cos(rad), origin[1] + length * math.sin(rad))


def _side_limbs(a: Mapping[str, float], trunk_down: float, suffix: str) -> dict[str, Point]:
    """Near (suffix '') or far (suffix '_far') leg and arm, side view; hip at (0, 0)."""
    L = SEGMENT_LENGTHS

    def angle(key: str) -> float:
        return a.get(f"{key}{suffix}", a.get(key, 0.0))

    hip: Point = (0.0, 0.0)
    shoulder = _step(hip, trunk_down + 180.0, L["trunk"])
    thigh_dir = trunk_down + angle("hip")
    knee = _step(hip, thigh_dir, L["thigh"])
    shank_dir = thigh_dir - angle("knee")
    ankle = _step(knee, shank_dir, L["shank"])
    toe = _step(ankle, shank_dir + 90.0 + angle("ankle"), L["foot"])
    arm_dir = trunk_down + angle("shoulder")
    elbow = _step(shoulder, arm_dir, L["upper_arm"])
    wrist = _step(elbow, arm_dir + angle("elbow"), L["forearm"])
    tag = "far_" if suffix else ""
    return {
        f"{tag}knee": knee,
        f"{tag}ankle": ankle,
        f"{tag}toe": toe,
        f"{tag}elbow": elbow,
        f"{tag}wrist": wrist,
    }


def _side_joints(a: Mapping[str, float]) -> dict[str, Point]:
    L = SEGMENT_LENGTHS
    trunk_up = 90.0 - a.get("trunk", 0.0)
    hip: Point = (0.0, 0.0)
    shoulder = _step(hip, trunk_up, L["trunk"])
    head = _step(shoulder, trunk_up - a.get("neck", 0.0), L["neck"] + L["head_radius"])
    joints = {"hip": hip, "shoulder": shoulder, "head": head}
    joints |= _side_limbs(a, trunk_up + 180.0, "")
    joints |= _side_limbs(a, trunk_up + 180.0, "_far")
    return joints


def _front_side(
    a: Mapping[str, float], trunk_up: float, sign: float, suffix: str
) -> dict[str, Point]:
    """One side of the front view; ``sign`` +1 for side b (+x), -1 for side a (mirrored)."""
    L = SEGMENT_LENGTHS

    def angle(key: str) -> float:
        return a.get(f"{key}{suffix}", a.get(key, 0.0))

    hip: Point = (sign * L["pelvis_half"], 0.0)
    chest = _step((0.0, 0.0), trunk_up, L["trunk"])
    shoulder = _step(chest, trunk_up - sign * 90.0, L["shoulder_half"])
    thigh_dir = -90.0 + sign * angle("hip")
    knee = _step(hip, thigh_dir, L["thigh"])
    ankle = _step(knee, thigh_dir + sign * angle("knee"), L["shank"])
    toe = _step(ankle, 90.0 - sign * 90.0, L["foot_front"])
    arm_dir = trunk_up + 180.0 + sign * angle("shoulder")
    elbow = _step(shoulder, arm_dir, L["upper_arm"])
    wrist = _step(elbow, arm_dir + sign * angle("elbow"), L["forearm"])
    tag = "b" if sign > 0 else "a"
    names = ("hip", "knee", "ankle", "toe", "shoulder", "elbow", "wrist")
    points = (hip, knee, ankle, toe, shoulder, elbow, wrist)
    return {f"{tag}_{name}": p for name, p in zip(names, points, strict=True)}


def _front_joints(a: Mapping[str, float]) -> dict[str, Point]:
    L = SEGMENT_LENGTHS
    trunk_up = 90.0 - a.get("trunk", 0.0)
    chest = _step((0.0, 0.0), trunk_up, L["trunk"])
    head = _step(chest, trunk_up - a.get("neck", 0.0), L["neck"] + L["head_radius"])
    joints: dict[str, Point] = {"pelvis": (0.0, 0.0), "chest": chest, "head": head}
    joints |= _front_side(a, trunk_up, 1.0, "")
    joints |= _front_side(a, trunk_up, -1.0, "_far")
    return joints


def compute_joints(angles: Mapping[str, float], *, view: View) -> dict[str, Point]:
    """Joint positions (body-height units, y up) with the hip centre at the origin.

    Side view keys: hip, shoulder, head (centre), knee, ankle, toe, elbow, wrist and the same
    with a ``far_`` prefix. Front view keys: pelvis, chest, head and ``a_``/``b_`` prefixed
    hip, knee, ankle, toe, shoulder, elbow, wrist.
    """
    joints = _side_joints(angles) if view is View.SIDE else _front_joints(angles)
    tilt = math.radians(angles.get("body", 0.0))
    cos_t, sin_t = math.cos(tilt), math.sin(tilt)
    return {k: (x * cos_t - y * sin_t, x * sin_t + y * cos_t) for k, (x, y) in joints.items()}


_SIDE_BONES = (
    ("hip", "shoulder"),
    ("far_knee", "hip"),
    ("far_ankle", "far_knee"),
    ("far_toe", "far_ankle"),
    ("far_elbow", "shoulder"),
    ("far_wrist", "far_elbow"),
    ("hip", "knee"),
    ("knee", "ankle"),
    ("ankle", "toe"),
    ("shoulder", "elbow"),
    ("elbow", "wrist"),
)
_FRONT_PAIRS = (
    ("hip", "knee"),
    ("knee", "ankle"),
    ("ankle", "toe"),
    ("shoulder", "elbow"),
    ("elbow", "wrist"),
)
_FRONT_BONES: tuple[tuple[str, str], ...] = (
    ("pelvis", "chest"),
    ("a_hip", "b_hip"),
    ("a_shoulder", "b_shoulder"),
    *((f"{s}_{p}", f"{s}_{c}") for s in "ab" for p, c in _FRONT_PAIRS),
)


def _placed(joints: dict[str, Point], anchor: Point) -> dict[str, Point]:
    """Shift joints so that the lowest point (incl. the head's edge) sits on y = 0 at anchor x."""
    r = SEGMENT_LENGTHS["head_radius"]
    low = min(min(y for _, y in joints.values()), joints["head"][1] - r)
    dx = anchor[0]
    return {k: (x + dx, y - low) for k, (x, y) in joints.items()}


def _lowest_joint(joints: Mapping[str, Point]) -> str:
    return min(sorted(joints), key=lambda k: joints[k][1])


def _place_pair(pose: Pose) -> tuple[dict[str, Point], dict[str, Point]]:
    """Place start and end on one floor; keep the start's ground contact still if it stays."""
    start = compute_joints(pose.start, view=pose.view)
    end = compute_joints(pose.end, view=pose.view)
    contact = _lowest_joint(start)
    start_placed = _placed(start, (-start[contact][0], 0.0))
    end_probe = _placed(end, (0.0, 0.0))
    if end_probe[contact][1] < 1.0:  # the same joint still touches the floor: do not slide it
        dx = start_placed[contact][0] - end_probe[contact][0]
    else:
        dx = _hip_x(start_placed) - _hip_x(end_probe)
    return start_placed, {k: (x + dx, y) for k, (x, y) in end_probe.items()}


def _hip_x(joints: Mapping[str, Point]) -> float:
    return joints["hip"][0] if "hip" in joints else joints["pelvis"][0]


def _figure(joints: Mapping[str, Point], bones: tuple[tuple[str, str], ...], colour: str) -> str:
    def svg_xy(p: Point) -> str:
        return f"{p[0]:.1f},{-p[1]:.1f}"

    lines = " ".join(f"M{svg_xy(joints[a])} L{svg_xy(joints[b])}" for a, b in bones)
    hx, hy = joints["head"]
    r = SEGMENT_LENGTHS["head_radius"]
    return (
        f'<g stroke="{colour}" stroke-width="2.2" stroke-linecap="round" fill="none">'
        f'<path d="{lines}"/><circle cx="{hx:.1f}" cy="{-hy:.1f}" r="{r:.1f}"/></g>'
    )


def _chair(start: Mapping[str, Point]) -> str:
    """Seat just below the start hip, under the thighs, with two legs to the floor."""
    hx, hy = start["hip"] if "hip" in start else start["pelvis"]
    seat_y = -(hy - 3.0)
    x0, x1 = hx - 8.0, hx + 14.0
    d = f"M{x0:.1f},{seat_y:.1f} L{x1:.1f},{seat_y:.1f} M{x0 + 2:.1f},{seat_y:.1f} L{x0 + 2:.1f},0"
    d += f" M{x1 - 2:.1f},{seat_y:.1f} L{x1 - 2:.1f},0"
    return f'<path class="prop" d="{d}" stroke="{PROP}" stroke-width="2.5" fill="none"/>'


def render_svg(pose: Pose, *, title: str, description: str = "") -> str:
    """An accessible SVG: start position light grey, end position dark, on a floor line."""
    start, end = _place_pair(pose)
    bones = _SIDE_BONES if pose.view is View.SIDE else _FRONT_BONES
    r = SEGMENT_LENGTHS["head_radius"]
    xs = [x for j in (start, end) for x, _ in j.values()]
    ys = [y for j in (start, end) for _, y in j.values()]
    left, right = min(xs) - r - 6, max(xs) + r + 6
    top = max(ys) + r + 6
    width, height = right - left, top + 6
    label = f"{title}: start position in light grey, end position in dark"
    desc = description or f"Stick figure, {pose.view.value} view."
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f"aria-label={quoteattr(label)} "
        f'viewBox="{left:.1f} {-top:.1f} {width:.1f} {height:.1f}" width="200" height="200">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        f'<line x1="{left:.1f}" y1="0" x2="{right:.1f}" y2="0" stroke="{LIGHT}" '
        'stroke-width="1" stroke-dasharray="3 2"/>'
        f"{_chair(start) if pose.prop is Prop.CHAIR else ''}"
        f"{_figure(start, bones, LIGHT)}{_figure(end, bones, DARK)}</svg>"
    )
