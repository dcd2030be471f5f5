"""View helpers for the questionnaire pages: form parsing and display, history charts and the
plain-language result a patient sees. No routes here (the pages module has them)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from painpath.domain.outcomes.instruments import (
    ChangeCategory,
    ChangeInterpretation,
    Direction,
    Instrument,
    ScoreSpec,
    WordingPack,
)
from painpath.services.questionnaires import (
    CATALOGUE_WORDING,
    HistoryPoint,
    InstrumentHistory,
    catalogue_instrument,
)

__all__ = [
    "ParsedForm",
    "demo_words",
    "form_view",
    "history_view",
    "minutes_for",
    "parse_form",
    "patient_words",
]

_SECONDS_PER_ITEM = 15  # a rough, generous reading-and-answering time for one item
_NOT_APPLICABLE = "na"  # the value of the "not applicable" radio on the form
_NA_LABEL = "Not applicable"  # clinician paper entry, when no pack names it


@dataclass
class ParsedForm:
    """A submitted form: answers in item order, plus what to show again if it is sent back.

    ``rows`` maps each answer (0-based) to the form row it came from (PSFS rows may be skipped).
    """

    answers: list[int | None] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    raw: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    not_applicable: list[int] = field(default_factory=list)

    def map_problems(self, problems: Mapping[int, str]) -> dict[int, str]:
        """Item numbers of the stored answers -> the form rows they came from."""
        mapped = {}
        for number, text in problems.items():
            row = self.rows[number - 1] if 0 < number <= len(self.rows) else number
            mapped[row] = text
        return mapped


def _int_or_problem(raw: str, number: int, parsed: ParsedForm) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        parsed.problems[number] = f"item {number}: {raw!r} is not one of the choices"
        return None


def parse_form(instrument: Instrument, form: Mapping[str, Any]) -> ParsedForm:
    """Read ``item-N`` radios (and ``activity-N`` names for the PSFS) from a posted form."""
    parsed = ParsedForm()
    psfs = instrument.min_answers is not None
    for item in instrument.items:
        n = item.number
        raw = str(form.get(f"item-{n}") or "").strip()[:8]
        name = str(form.get(f"activity-{n}") or "").strip()[:120] if psfs else ""
        parsed.raw[n], parsed.names[n] = raw, name
        if psfs and not raw and not name:
            continue
        if psfs and not name:
            parsed.problems[n] = f"activity {n}: write which activity this rating is for"
        parsed.rows.append(n)
        if raw == _NOT_APPLICABLE and item.not_applicable:
            parsed.not_applicable.append(n)
            parsed.answers.append(None)
        else:
            parsed.answers.append(_int_or_problem(raw, n, parsed))
        parsed.activities.append(name)
    if psfs:
        for n in range(1, instrument.fewest_answers + 1):
            if n not in parsed.rows and len(parsed.rows) < instrument.fewest_answers:
                parsed.problems[n] = (
                    f"activity {n}: name at least {instrument.fewest_answers} activities "
                    "and rate each one"
                )
    return parsed


def _is_scale(instrument: Instrument, values: tuple[int, ...]) -> bool:
    """0-10 style items are shown as a row of numbered choices, others as a list of labels."""
    return len(values) >= 7 and list(values) == list(range(values[0], values[0] + len(values)))


def form_view(
    instrument: Instrument,
    activities: tuple[str, ...],
    parsed: ParsedForm | None,
    *,
    wording: WordingPack | None = None,
) -> dict[str, Any]:
    """Everything the form template shows: items, choices, kept answers and the progress.

    With ``wording`` (a pack or the published text) items show its text and answer labels;
    without it (clinician paper entry only) the topic labels and the catalogue's option labels.
    """
    items = []
    for index, item in enumerate(instrument.items):
        n = item.number
        selected = parsed.raw.get(n, "") if parsed else ""
        name = parsed.names.get(n, "") if parsed else ""
        if not parsed and index < len(activities):
            name = activities[index]
        scale = _is_scale(instrument, item.values)
        words = wording.for_item(item.link_id) if wording is not None else None
        labels = list(words.options) if words else [o.label for o in item.options]
        na_label = (words.not_applicable if words else None) or _NA_LABEL
        items.append(
            {
                "number": n,
                "label": item.label,
                "text": words.text if words else None,
                "options": [(o.value, lab) for o, lab in zip(item.options, labels, strict=True)],
                "scale": scale,
                "low": labels[0] if scale else "",
                "high": labels[-1] if scale else "",
                "selected": selected,
                "activity": name,
                "not_applicable": na_label if item.not_applicable else "",
            }
        )
    answered = sum(1 for i in items if i["selected"] != "")
    return {
        "instrument": instrument,
        "questions": items,
        "psfs": instrument.min_answers is not None,
        "wording": wording,
        "shipped": wording is not None and wording.version == CATALOGUE_WORDING,
        "total": len(items),
        "answered": answered,
        "percent": round(100 * answered / max(1, len(items))),
    }


def minutes_for(instrument_ids: Iterable[str]) -> int:
    items = sum(len(catalogue_instrument(i).items) for i in instrument_ids)
    return max(1, math.ceil(items * _SECONDS_PER_ITEM / 60))


# -- clinician history ---------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0")


def change_words(change: ChangeInterpretation | None) -> str:
    """e.g. ``improved: -12 points (-28.6 %); 10-point rule and 30 % rule``."""
    if change is None:
        return ""
    percent = f" ({change.percent_change:+.1f} %)" if change.percent_change is not None else ""
    return f"{change.category.value}: {change.delta:+.1f} points{percent}; {change.rule_applied}"


def _chart(history: InstrumentHistory) -> dict[str, Any]:
    instrument = history.instrument
    spec = instrument.total or instrument.scores[0]
    points = [p for p in history.points if p.valid]
    x = [p.completed_on.isoformat() for p in points]
    data: list[dict[str, Any]] = []
    if instrument.total is not None:
        y = [p.total for p in points]
        data.append(
            {"type": "scatter", "mode": "lines+markers", "name": spec.label, "x": x, "y": y}
        )
    for sub in instrument.subscales:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": sub.label,
                "x": x,
                "y": [p.subscales.get(sub.name) for p in points],
                "line": {"dash": "dot"},
                "visible": True if instrument.total is None else "legendonly",
            }
        )
    layout: dict[str, Any] = {
        "height": 260,
        "margin": {"l": 44, "r": 12, "t": 12, "b": 36},
        "xaxis": {"type": "date", "title": {"text": "date completed"}},
        "yaxis": {"range": [spec.minimum, spec.maximum], "title": {"text": _axis_title(spec)}},
        "showlegend": len(data) > 1,
        "legend": {"orientation": "h"},
        "shapes": _mcid_band(history, spec.minimum, spec.maximum),
    }
    return {"data": data, "layout": layout}


def _axis_title(spec: ScoreSpec) -> str:
    unit = "%" if spec.unit == "%" else "points"
    return f"{spec.label} ({unit}, {spec.minimum:g}-{spec.maximum:g})"


def _mcid_band(history: InstrumentHistory, low: float, high: float) -> list[dict[str, Any]]:
    """The MCID band around the baseline: inside it, no change is clinically important yet."""
    mcid, baseline = history.instrument.mcid, history.baseline
    if mcid is None or baseline is None:
        return []
    band = {
        "type": "rect",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": max(low, baseline - mcid.value),
        "y1": min(high, baseline + mcid.value),
        "fillcolor": "rgba(23, 100, 138, 0.14)",
        "line": {"width": 0},
        "layer": "below",
    }
    line = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": baseline,
        "y1": baseline,
        "line": {"dash": "dash", "width": 1, "color": "#17648a"},
    }
    return [band, line]


def _point_row(point: HistoryPoint) -> dict[str, Any]:
    return {
        "record_id": point.record_id,
        "version": point.version,
        "date": point.completed_on.isoformat(),
        "demo": point.placeholder_wording,
        "total": _fmt(point.total) if point.valid else "not scored",
        "subscales": ", ".join(f"{k} {_fmt(v)}" for k, v in point.subscales.items()),
        "band": point.band_label or "",
        "from_baseline": change_words(point.from_baseline),
        "from_previous": change_words(point.from_previous),
    }


def history_view(history: InstrumentHistory) -> dict[str, Any]:
    """One instrument's history for the chart tab: rows, chart spec and a summary in words."""
    instrument = history.instrument
    latest = history.latest_change
    better = "lower" if instrument.direction is Direction.LOWER_BETTER else "higher"
    thresholds = []
    if instrument.mcid:
        percent = f" or {instrument.mcid.percent:g} %" if instrument.mcid.percent else ""
        thresholds.append(f"MCID {instrument.mcid.value:g} points{percent}")
    if instrument.mdc:
        thresholds.append(f"MDC {instrument.mdc.value:g} points")
    responder = {True: "responder", False: "not (yet) a responder", None: ""}[history.responder]
    if history.responder and latest and latest.category is ChangeCategory.WITHIN_ERROR:
        # The data can have an MCID below the MDC (TSK-17: 4 vs 8.8): say both, hide neither.
        responder = "responder by the MCID, but the change is within measurement error (MDC)"
    return {
        "id": instrument.id,
        "name": instrument.name,
        "better": f"{better} is better",
        "thresholds": "; ".join(thresholds) or "no MCID/MDC on file: change is not interpreted",
        "rows": [_point_row(p) for p in history.points],
        "points": history.points,
        "summary": latest.explanation if latest else "",
        "responder": responder,
        # One point makes no line: the table says it all until there is a second response.
        "chart": json.dumps(_chart(history)) if sum(p.valid for p in history.points) > 1 else "",
    }


# -- what the patient reads ------------------------------------------------------------------

_PATIENT_CHANGE = {
    ChangeCategory.IMPROVED: (
        "That is a real improvement since last time: a change of this size is one people "
        "usually notice in daily life."
    ),
    ChangeCategory.WITHIN_ERROR: (
        "That is about the same as last time. Small ups and downs from one time to the next "
        "are normal."
    ),
    ChangeCategory.NO_IMPORTANT_CHANGE: (
        "That is a small change since last time. Bigger changes often take a few more weeks."
    ),
    ChangeCategory.WORSENED: (
        "Things seem harder than last time. Setbacks are common and do not mean you are "
        "harming yourself; your physiotherapist will look at this with you."
    ),
}
_SUPPORT = (
    "If you often feel worried, low or on edge, you are not alone: please tell your "
    "physiotherapist or your doctor. If you ever feel unsafe, call your local emergency number."
)


def demo_words() -> list[str]:
    """The thank-you page after a form with placeholder (demo) wording: no score, because the
    questions were sample text, not the questionnaire."""
    return [
        "Thank you. Your answers are saved.",
        "This was a demo form with sample questions, not the real questionnaire, so there is "
        "no score to show.",
    ]


def patient_words(instrument: Instrument, point: HistoryPoint) -> list[str]:
    """The result in everyday words: no band names, no jargon. Screening questionnaires get no
    score at all: they are for the clinician to talk through with the patient."""
    words = ["Thank you. Your answers are saved and your physiotherapist can see them."]
    if instrument.mcid is None:
        words.append("Your physiotherapist will go through them with you at your next visit.")
    elif not point.valid or point.total is None:
        words.append(
            "A few answers were missing, so we could not work out a score this time. "
            "That is fine; your physiotherapist will look at your answers."
        )
    else:
        spec = instrument.total
        out_of = f" out of {spec.maximum:g}" if spec else ""
        better = "lower" if instrument.direction is Direction.LOWER_BETTER else "higher"
        words.append(
            f"Your score is {_fmt(point.total)}{out_of}. On this questionnaire a {better} "
            "score means things are going better for you."
        )
        change = point.from_previous
        words.append(
            _PATIENT_CHANGE[change.category]
            if change
            else "This is your starting point. Next time we can see how things are changing."
        )
    if instrument.id == "phq-4":
        words.append(_SUPPORT)
    return words
