"""Demo movement analyses: James's single-leg squat, Aisha's overhead reach and Maria's two
sit-to-stand videos.

No video ships with the demo, so each analysis runs the real ``analyze_movement`` on a
synthetic recording from ``domain.movement.scenarios`` with a known fault (James's right knee
drifts in; Aisha's shoulders hitch up). The records say so plainly ("synthetic demo recording,
no video file"), and their findings are added to the examination like a real upload's.

Maria (the demo's patient sign-in) sent two: in the first she walks out of the picture at
0:04, so the quality check withholds every conclusion and says why and what to do; the second
is a complete retake. Her own "Videos" page therefore shows both a quality message and a
finished analysis on the first click.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from painpath.adapters.pose.outputs import jsonable
from painpath.demo import DemoWorld
from painpath.domain.movement.analysis import AnalysisTest, MovementAnalysis, analyze_movement
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import (
    reach_recording,
    single_leg_squat_recording,
    sit_to_stand_recording,
)
from painpath.domain.types import Side
from painpath.services.movement_analysis import attach_findings, store_synthetic_analysis

__all__ = ["SYNTHETIC_LABEL", "seed", "synthetic_payload"]

SYNTHETIC_LABEL = "synthetic demo recording, no video file"


def synthetic_payload(seq: PoseSequence, analysis: MovementAnalysis) -> dict[str, Any]:
    """The analysis payload (same keys as an uploaded video's) of a synthetic recording."""
    test = analysis.test
    duration = float(seq.t_s[-1] - seq.t_s[0]) if seq.n_frames else 0.0
    fps = (seq.n_frames - 1) / duration if duration > 0 else 0.0
    return {
        "test": test,
        "side": jsonable(analysis.side),
        "roi": None,
        "source": seq.source,
        "elapsed_s": 0.0,
        "video": {
            "fps": round(fps, 3),
            "frames": seq.n_frames,
            "duration_s": round(duration, 3),
            "width": seq.frame_size[0],
            "height": seq.frame_size[1],
            "rotation_deg": 0,
            "codec": "none",
        },
        "view": analysis.view,
        "frames_with_person": analysis.frames_with_person,
        "t_s": [round(float(t), 4) for t in seq.t_s],
        "series": {k: list(v) for k, v in analysis.series.items()},
        "reps": jsonable(list(analysis.reps)),
        "metrics": jsonable(dict(analysis.metrics)),
        "findings": jsonable(list(analysis.findings)),
        "quality": jsonable(list(analysis.quality)),
        "file_id": None,
        "label": SYNTHETIC_LABEL,
        "synthetic": True,
        "images": [],
    }


def left_picture(seq: PoseSequence, *, at_s: float) -> PoseSequence:
    """``seq`` as if the person walked out of the picture ``at_s`` seconds in and stayed out:
    from then on no landmark is seen (what the pose model gives for an empty picture)."""
    gone = (seq.t_s - seq.t_s[0]) >= at_s
    image_xy = seq.image_xy.copy()
    confidence = seq.confidence.copy()
    image_xy[gone] = np.nan
    confidence[gone] = 0.0
    world = None
    if seq.world_xyz is not None:
        world = seq.world_xyz.copy()
        world[gone] = np.nan
    return replace(seq, image_xy=image_xy, confidence=confidence, world_xyz=world)


def _one(
    world: DemoWorld,
    key: str,
    seq: PoseSequence,
    test: AnalysisTest,
    side: Side | None,
    *,
    take: str = "",
) -> int:
    patient = world.patients[key]
    ctx = world.ctx(world.clinician)
    analysis = analyze_movement(seq, test=test, side=side)
    payload = synthetic_payload(seq, analysis)
    findings = analysis.findings
    attached, note = attach_findings(
        ctx, patient_id=patient.id, findings=findings, source="video (synthetic demo)"
    )
    payload.update(findings_attached=attached, findings_note=note)
    store_synthetic_analysis(ctx, patient_id=patient.id, key=f"demo-{test}{take}", payload=payload)
    return len(findings)


def seed(world: DemoWorld) -> str:
    james = single_leg_squat_recording(side=Side.RIGHT, valgus_deg=15.0, noise_px=1.0, seed=7)
    aisha = reach_recording(view="front", hiking_m=0.04, noise_px=1.0, seed=11)
    n_james = _one(world, "james", james, "single-leg-squat", Side.RIGHT)
    n_aisha = _one(world, "aisha", aisha, "overhead-reach", None)
    maria = sit_to_stand_recording(reps=5, noise_px=1.0, seed=5)
    _one(world, "maria", left_picture(maria, at_s=4.0), "sit-to-stand", None, take="-1")
    _one(world, "maria", maria, "sit-to-stand", None, take="-2")
    return (
        f"movement: 4 synthetic analyses (James single-leg squat, {n_james} findings; "
        f"Aisha overhead reach, {n_aisha} findings; Maria sit-to-stand twice: the first "
        "withheld because she left the picture at 0:04, then a complete retake)"
    )
