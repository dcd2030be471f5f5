"""Test wording packs: installed where a test is about something other than the wording, so
that a patient may fill the form in. The text is obviously not any published questionnaire."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from painpath.adapters.instrument_catalogue import get_instrument, load_catalogue
from painpath.bootstrap import Container
from painpath.services.questionnaires import assign_instruments, install_wording_pack

if TYPE_CHECKING:
    from tests.conftest import World

__all__ = ["assign_due_today", "install_test_packs", "sample_pack"]


def sample_pack(instrument_id: str) -> dict[str, Any]:
    instrument = get_instrument(instrument_id)
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        row: dict[str, Any] = {
            "id": item.link_id,
            "text": f"Test wording {instrument.id} item {item.number}",
            "options": [f"test choice {o.value}" for o in item.options],
        }
        if item.not_applicable:
            row["not_applicable"] = "test: not applicable"
        items.append(row)
    return {
        "instrument": instrument.id,
        "version": "test",
        "licence": {"holder": "test suite", "reference": "test licence"},
        "items": items,
    }


def install_test_packs(container: Container, instrument_ids: Iterable[str] | None = None) -> None:
    """Install a test pack for the whole installation for each instrument (default: all)."""
    for instrument_id in instrument_ids or list(load_catalogue()):
        install_wording_pack(container.context(), document=sample_pack(instrument_id))


def assign_due_today(world: World, instrument_ids: list[str]) -> None:
    """The world's clinician assigns the instruments to its patient, one time point, due today."""
    assign_instruments(
        world.ctx(world.clinician),
        patient_id=world.patient.id,
        instruments=instrument_ids,
        schedule_weeks=[0],
        start=world.container.clock.today(),
    )
