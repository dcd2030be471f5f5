"""Demo questionnaires: assignments at intake and responses over the weeks of care, matching
each demo patient's story (Maria's back pain with high fear, James's knee, Aisha's shoulder ...).

Answers are built to reach a target score through the real scorer, then stored through the
real services on the day they were filled in, so charts, change against MCID/MDC and the FHIR
export all show real data. Maria has questionnaires due today.

Wording: PainPath ships no licensed questionnaire text, so the demo installs a clearly labelled
*placeholder* wording pack for the Oswestry index at Riverside (sample text, shown with "demo
pack — replace with your licensed wording") and leaves the others without a pack: Maria sees the
back-pain form with the demo label, and a "this one is on paper" note for the rest. Forms she
could not have filled in online were entered by the clinician from paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.demo import DemoWorld
from painpath.domain.accounts import Actor
from painpath.domain.outcomes.instruments import FormulaKind, Instrument
from painpath.services.questionnaires import (
    assign_instruments,
    install_wording_pack,
    questionnaire_form,
    submit_response,
)

__all__ = ["DEMO_PACK_INSTRUMENT", "answers_for", "demo_wording_pack", "seed"]

DEMO_PACK_INSTRUMENT = "odi"
DEMO_CLINIC = "Riverside Physiotherapy"

Answers = list[int | None]


@dataclass(frozen=True)
class _Plan:
    """One assignment and its responses: ``responses`` maps week -> instrument -> target total
    (a number) or explicit answers (a list)."""

    instruments: tuple[str, ...]
    weeks: tuple[int, ...]
    responses: dict[int, dict[str, float | Answers]]


def _goal_sum(instrument: Instrument, target: float) -> float:
    """The sum of item scores that gives ``target`` as the instrument's total."""
    spec = instrument.total or instrument.scores[0]
    n = len(spec.items)
    kind, params = spec.formula.kind, spec.formula.params
    if kind is FormulaKind.MEAN:
        return target * n
    if kind is FormulaKind.PERCENT_OF_MAX:
        return target / 100.0 * sum(instrument.items[i - 1].max_score for i in spec.items)
    if kind is FormulaKind.MEAN_MINUS_MIN_TIMES:
        return (target / params["factor"] + params["min"]) * n
    return target


def answers_for(instrument: Instrument, target: float, *, seed: int = 0) -> Answers:
    """Answers whose total is as close to ``target`` as the options allow (from below).

    Raises each item one option at a time, in a rotating order so answers vary between items.
    """
    ladders = [sorted(item.options, key=lambda o: o.score) for item in instrument.items]
    level = [0] * len(ladders)
    remaining = _goal_sum(instrument, target) - sum(ladder[0].score for ladder in ladders)
    order = [(i * 7 + seed) % len(ladders) for i in range(len(ladders))]
    order = list(dict.fromkeys(order)) + [i for i in range(len(ladders)) if i not in order]
    moved = True
    while moved:
        moved = False
        for i in order:
            if level[i] + 1 < len(ladders[i]):
                step = ladders[i][level[i] + 1].score - ladders[i][level[i]].score
                if step <= remaining + 1e-9:
                    level[i] += 1
                    remaining -= step
                    moved = True
    return [ladders[i][level[i]].value for i in range(len(ladders))]


# Used where the intake named fewer than the 3 activities the PSFS needs.
_PSFS_EXTRA = ("squat to lift a box", "climb stairs", "sit for an hour")

PLANS: dict[str, tuple[_Plan, ...]] = {
    "maria": (
        _Plan(
            ("odi", "tsk-17", "nprs", "pcs"),
            (0, 4, 8),
            {
                0: {"odi": 42, "tsk-17": 44, "nprs": 7, "pcs": 32},
                4: {"odi": 30, "tsk-17": 38, "nprs": 5},
            },
        ),
        _Plan(("startback",), (0,), {0: {"startback": [1, 0, 1, 1, 1, 1, 1, 1, 3]}}),
    ),
    "james": (
        _Plan(
            ("lefs", "nprs", "psfs"),
            (0, 2, 6, 12),
            {
                0: {"lefs": 48, "nprs": 6, "psfs": [2, 5, 3]},
                2: {"lefs": 54, "nprs": 5, "psfs": [4, 6, 4]},
                6: {"lefs": 62, "nprs": 3, "psfs": [6, 8, 6]},
            },
        ),
    ),
    "aisha": (
        _Plan(
            ("spadi", "quickdash", "nprs"),
            (0, 2, 4, 8),
            {
                0: {"spadi": 62, "quickdash": 55, "nprs": 7},
                2: {"spadi": 53, "quickdash": 47, "nprs": 6},
                4: {"spadi": 42, "quickdash": 36, "nprs": 4},
            },
        ),
    ),
    "tom": (
        _Plan(("ndi", "nprs"), (0, 2, 6), {0: {"ndi": 18, "nprs": 6}, 2: {"ndi": 15, "nprs": 5}}),
    ),
    "helen": (
        _Plan(
            ("csi", "pcs", "phq-4", "nprs"),
            (0, 6, 12),
            {
                0: {"csi": 62, "pcs": 30, "phq-4": [2, 2, 1, 1], "nprs": 7},
                6: {"csi": 57, "pcs": 25, "phq-4": [2, 1, 1, 1], "nprs": 6},
            },
        ),
    ),
    "samuel": (
        _Plan(
            ("paindetect", "dn4"),
            (0,),
            {0: {"paindetect": [4, 4, 2, 3, 1, 3, 2, 0, 1], "dn4": [1, 1, 0, 1, 1, 0, 0, 1, 0, 0]}},
        ),
        _Plan(("odi", "nprs"), (0, 2, 6), {0: {"odi": 38, "nprs": 7}, 2: {"odi": 34, "nprs": 6}}),
    ),
    "peter": (_Plan(("nprs",), (0,), {0: {"nprs": 8}}),),
}


def _answers(instrument_id: str, spec: float | Sequence[int | None], seed: int) -> Answers:
    if isinstance(spec, int | float):
        return answers_for(get_instrument(instrument_id), float(spec), seed=seed)
    return list(spec)


def _activities(world: DemoWorld, actor: Actor, key: str, count: int) -> list[str]:
    """The PSFS activities the form would prefill (last time's, else the intake goals)."""
    form = questionnaire_form(
        world.ctx(actor), patient_id=world.patients[key].id, instrument_id="psfs"
    )
    names = list(form.activities) + [a for a in _PSFS_EXTRA if a not in form.activities]
    return names[:count]


def demo_wording_pack(instrument: Instrument) -> dict[str, object]:
    """A placeholder pack with the instrument's exact item structure and sample text that says
    what it is: for showing the pack mechanism, never the questionnaire itself."""
    items: list[dict[str, object]] = []
    for item in instrument.items:
        row: dict[str, object] = {
            "id": item.link_id,
            "text": f"Sample question {item.number} (topic: {item.label.lower()}).",
            "options": [f"Sample answer {n}" for n in range(1, len(item.options) + 1)],
        }
        if item.not_applicable:
            row["not_applicable"] = "Does not apply to me (sample answer)"
        items.append(row)
    return {
        "instrument": instrument.id,
        "version": "demo placeholder",
        "licence": {
            "holder": "PainPath demo",
            "reference": "no licence: sample text, replace with your licensed wording",
        },
        "placeholder": True,
        "instructions": "Sample instructions: choose the answer that fits you best today.",
        "items": items,
    }


def _seed_patient(world: DemoWorld, key: str, plans: Sequence[_Plan]) -> int:
    patient = world.patients[key]
    start = world.intake_day(key)
    # Maria has her own account and fills hers in at home where a form is available to her; the
    # others (and Maria's paper-only ones) were paper forms entered at the clinic.
    patient_actor = world.patient_actors.get(key)
    count = 0
    for plan_no, plan in enumerate(plans):
        assign_instruments(
            world.ctx(world.clinician, on=start),
            patient_id=patient.id,
            instruments=list(plan.instruments),
            schedule_weeks=list(plan.weeks),
            start=start,
        )
        for week, targets in sorted(plan.responses.items()):
            day = min(start + timedelta(weeks=week), world.today)
            for n, (instrument_id, spec) in enumerate(targets.items()):
                answers = _answers(instrument_id, spec, seed=week + n + plan_no)
                entering: Actor = world.clinician
                if patient_actor is not None and _online(world, patient_actor, key, instrument_id):
                    entering = patient_actor
                submit_response(
                    world.ctx(entering, on=day),
                    patient_id=patient.id,
                    instrument_id=instrument_id,
                    answers=answers,
                    completed_on=day,
                    activities=_activities(world, entering, key, len(answers))
                    if instrument_id == "psfs"
                    else (),
                )
                count += 1
    return count


def _online(world: DemoWorld, actor: Actor, key: str, instrument_id: str) -> bool:
    form = questionnaire_form(
        world.ctx(actor), patient_id=world.patients[key].id, instrument_id=instrument_id
    )
    return form.patient_may_fill_in


def seed(world: DemoWorld) -> str:
    instrument = get_instrument(DEMO_PACK_INSTRUMENT)
    install_wording_pack(
        world.ctx(world.admin), document=demo_wording_pack(instrument), clinic_name=DEMO_CLINIC
    )
    total = sum(
        _seed_patient(world, key, plans) for key, plans in PLANS.items() if key in world.patients
    )
    return (
        f"questionnaires: {total} responses for {len(PLANS)} patients; Maria has some due today; "
        f"a placeholder wording pack for {instrument.id} at {DEMO_CLINIC} (demo label)"
    )
