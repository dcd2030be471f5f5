"""End of care in the demo (seeders run in name order, so this one runs after the visits and
scores it closes): James, the fast responder, is discharged with his goals met, so the chart shows
a discharged episode and its printable discharge summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from painpath.services.episodes import discharge_episode
from painpath.services.patients import list_episodes

if TYPE_CHECKING:
    from painpath.demo import DemoWorld

JAMES_SUMMARY = (
    "Back to running twice a week and climbing stairs without knee pain. Hip strength and knee "
    "control on the single-leg squat improved. Keeps the home program twice a week; knows the "
    "flare-up plan and will call if pain on stairs returns."
)


def seed(world: DemoWorld) -> str:
    if "james" not in world.patients:
        return "wrap-up: no discharge"
    patient = world.patients["james"]
    ctx = world.ctx(world.clinician)
    episode = list_episodes(ctx, patient_id=patient.id)[0]
    discharge_episode(
        ctx,
        patient_id=patient.id,
        episode_id=episode.id,
        reason="goals_met",
        outcome_summary=JAMES_SUMMARY,
    )
    return "wrap-up: James discharged (goals met)"
