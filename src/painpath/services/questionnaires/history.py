"""Each instrument over time: change from baseline and previous against MCID/MDC, responder."""

from __future__ import annotations

from collections.abc import Sequence

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.access import Access
from painpath.domain.outcomes.instruments import (
    ChangeInterpretation,
    Instrument,
    interpret_change,
    responder,
)
from painpath.services.context import Call, operation
from painpath.services.questionnaires._common import (
    HistoryPoint,
    InstrumentHistory,
    ResponseView,
    current_responses,
)


def _change(
    instrument: Instrument, before: float | None, after: float | None
) -> ChangeInterpretation | None:
    if instrument.mcid is None or before is None or after is None:
        return None
    return interpret_change(instrument, before, after)


def _history(instrument: Instrument, views: Sequence[ResponseView]) -> InstrumentHistory:
    labels = {b.id: b.label for b in instrument.bands}
    valid_totals = [v.total for v in views if v.valid and v.total is not None]
    baseline = valid_totals[0] if valid_totals else None
    points, previous = [], None
    for view in views:
        total = view.total if view.valid else None
        first = total is not None and previous is None
        points.append(
            HistoryPoint(
                record_id=view.record_id,
                version=view.version,
                completed_on=view.completed_on,
                total=total,
                subscales=view.subscales,
                band=view.band,
                band_label=labels.get(view.band or ""),
                valid=view.valid,
                from_baseline=None if first else _change(instrument, baseline, total),
                from_previous=None if first else _change(instrument, previous, total),
                placeholder_wording=view.placeholder_wording,
            )
        )
        previous = total if total is not None else previous
    latest = valid_totals[-1] if valid_totals else None
    is_responder = (
        responder(instrument, baseline, latest)
        if instrument.mcid and baseline is not None and latest is not None and len(valid_totals) > 1
        else None
    )
    return InstrumentHistory(instrument, tuple(points), baseline, latest, is_responder)


@operation(Access.PATIENT_READ, audit="response.history")
def response_history(
    call: Call, *, patient_id: str, instrument_id: str | None = None
) -> list[InstrumentHistory]:
    """Per instrument: the time series with bands and the change from baseline and previous
    interpreted against MCID/MDC (``interpret_change``), and responder status."""
    views = current_responses(call, patient_id)
    by_instrument: dict[str, list[ResponseView]] = {}
    for view in views:
        if instrument_id is None or view.instrument_id == instrument_id:
            by_instrument.setdefault(view.instrument_id, []).append(view)
    return [_history(get_instrument(k), v) for k, v in sorted(by_instrument.items())]
