"""Automatic person selection with BlazePose's bundled detector on the real clips.

On the Sports2D demo two people are in view: a man on a cabinet (upper half, left of centre),
who jumps down into the lower half at the end, and a woman walking right to left across the
lower half. Both are about the same size in the picture, and the man stays nearer the centre,
so the issue's rule ("the most central, largest person") picks **the man**. Her score is close
to his and she walks through his region, so the choice is flagged as unclear and nothing is
concluded; ``--roi`` remains the way to analyse the woman (``test_real_videos.py``). The
Pose2Sim views show one person for the detector, and nothing is cropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from painpath.adapters.pose.outputs import build_payload
from painpath.adapters.pose.person_detect import select_person
from painpath.adapters.pose.pipeline import analyze_video
from painpath.adapters.pose.video import probe_video

from .videos import P2S_CAMERAS, Pose2SimDemo

pytestmark = pytest.mark.slow


def test_sports2d_two_people_are_seen_and_the_man_is_chosen(sports2d_demo: Path) -> None:
    info = probe_video(sports2d_demo)
    sel = select_person(sports2d_demo, info)
    # two people; a third track appears when one of them moves too far between two samples
    assert sel.people >= 2 and sel.roi is not None
    height, width = info.height, info.width
    ys = np.array([box.cy / height for _, box in sel.chosen])
    xs = np.array([box.cx / width for _, box in sel.chosen])
    # the man: on the cabinet (upper half, left of centre) in the first samples, then down
    assert np.all(ys[:3] < 0.5) and np.all(np.abs(xs[:3] - 0.36) < 0.1)
    assert len(sel.chosen) >= 5
    # the analysed region holds his whole track: the cabinet and the landing place
    assert sel.roi.y0 < 0.1 and sel.roi.y1 > 0.8 and sel.roi.x0 < 0.3
    assert "chose the more central one" in sel.message
    # she walks through his region (and may score nearly as high): not clearly one person
    assert not sel.passed
    assert "another person also enters the analysed region" in sel.message


def test_sports2d_gait_without_roi_concludes_nothing_in_one_pose_pass(
    sports2d_demo: Path,
) -> None:
    """What ``painpath analyze demo.mp4 --test gait`` does without ``--roi``: the rule picks
    the man, says the choice is unclear and concludes nothing. Without that last step a false
    abnormal ``gait_asymmetry`` (step-time ratio 1.75) came out of his jumps on the cabinet in
    one measured run. Since nothing is concluded either way, the whole frame's pose pass is
    kept (it used to be run a second time on his region, doubling the time of this clip)."""
    result = analyze_video(sports2d_demo, test="gait")
    payload = build_payload(result)
    assert result.selection is not None and result.selection.people >= 2
    assert payload["roi"] is None  # one pass, on the whole frame
    note = next(q for q in payload["quality"] if q["id"] == "person_selection")
    assert not note["passed"]
    assert note["message"].startswith(f"{result.selection.people} people seen on 8 sampled frames")
    assert "--roi" in note["message"] and "pose pass was kept" in note["message"]
    assert payload["metrics"] == {} and payload["findings"] == [] and payload["reps"] == []
    assert payload["frames_with_person"] > 100  # the angle series are still there
    assert 0 < result.selection_s < result.elapsed_s


@pytest.mark.parametrize("cam", P2S_CAMERAS)
def test_pose2sim_one_person_is_not_cropped(cam: str, pose2sim_demo: Pose2SimDemo) -> None:
    path = pose2sim_demo.videos[cam]
    sel = select_person(path, probe_video(path))
    assert sel.roi is None and sel.people == 1, sel.message
    assert (
        sel.message == "One person was seen on 8 sampled frames, so the whole frame was analysed."
    )
