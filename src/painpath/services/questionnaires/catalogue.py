"""The instrument catalogue as the pages and the API show it."""

from __future__ import annotations

from typing import Any

from painpath.adapters.instrument_catalogue import (
    get_instrument,
    instrument_to_dict,
    load_catalogue,
)
from painpath.domain.access import Access
from painpath.domain.outcomes.instruments import Instrument
from painpath.services.context import Call, operation
from painpath.services.questionnaires._common import group_of, instrument_or_404


@operation(Access.SIGNED_IN)
def list_instruments(call: Call) -> list[dict[str, Any]]:
    """A short public description of every instrument in the catalogue."""
    return [
        {
            "id": i.id,
            "name": i.name,
            "description": i.description,
            "group": group_of(i.id),
            "items": len(i.items),
            "direction": i.direction.value,
        }
        for i in load_catalogue().values()
    ]


@operation(Access.SIGNED_IN)
def describe_instrument(call: Call, *, instrument_id: str) -> dict[str, Any]:
    """The public structure of one instrument (topic labels, options, scores, MCID/MDC)."""
    return {
        **instrument_to_dict(instrument_or_404(instrument_id)),
        "group": group_of(instrument_id),
    }


def catalogue_instrument(instrument_id: str) -> Instrument:
    """One instrument of the catalogue; ``UnknownInstrument`` for an id it does not hold.

    A plain function, not an operation (like ``catalogue_by_group``): the catalogue is shipped
    clinical knowledge, not a patient's record, so there is nothing to authorise or audit.
    """
    return get_instrument(instrument_id)
