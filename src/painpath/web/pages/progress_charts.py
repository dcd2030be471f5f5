"""Plotly figure specs (plain dicts) for the progress views; app.js draws them.

Kept apart from the routes so both the patient's page and the clinician's tab draw the same
charts from one ``ProgressSummary``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from painpath.domain.errors import UnknownInstrument
from painpath.services.progress import ProgressSummary
from painpath.services.questionnaires import catalogue_instrument

__all__ = ["progress_charts"]

_LAYOUT: dict[str, Any] = {
    "margin": {"l": 44, "r": 12, "t": 28, "b": 30},
    "height": 340,
    # Above the plot, anchored at its foot: however many rows it wraps to on a phone, plotly
    # widens the top margin for it, so it never lands on the x axis title (it did below).
    "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
    "font": {"size": 13},
}


def _axis(text: str, **extra: Any) -> dict[str, Any]:
    # automargin: the title sits below the tick labels (two-line date ticks overlapped it)
    return {"title": {"text": text}, "automargin": True, **extra}


def _layout(title: str, x: str, y: str, x_point: str = "", **extra: Any) -> dict[str, Any]:
    # The title is shown as an HTML heading above the chart (the template reads it here), so
    # it never collides with plotly's tool bar on a narrow phone screen. Both axes carry a
    # title with the unit.
    xaxis, yaxis = _axis(x, **extra.pop("xaxis", {})), _axis(y, **extra.pop("yaxis", {}))
    # ``x_point`` words a point of the x axis for the chart's text summary ("week {}").
    meta = {"title": title, **({"x_point": x_point} if x_point else {})}
    return {**_LAYOUT, "meta": meta, "xaxis": xaxis, "yaxis": yaxis, **extra}


def _pain_chart(s: ProgressSummary) -> dict[str, Any] | None:
    if not s.checkins:
        return None
    start = s.programme.start_day if s.programme else s.checkins[0].day
    data: list[dict[str, Any]] = []
    if s.course:
        weeks = [p.week for p in s.course]
        data += [
            {"x": weeks, "y": [p.high for p in s.course], "mode": "lines", "name": "usual range",
             "line": {"width": 0}, "hoverinfo": "skip", "showlegend": False},
            {"x": weeks, "y": [p.low for p in s.course], "mode": "lines", "name": "usual range",
             "fill": "tonexty", "fillcolor": "rgba(23,100,138,0.15)", "line": {"width": 0}},
            {"x": weeks, "y": [p.mid for p in s.course], "mode": "lines", "name": "typical course",
             "line": {"dash": "dash", "color": "#17648a"}},
        ]  # fmt: skip
    days = [c for c in s.checkins if c.day >= start]
    data += [
        {"x": [round((c.day - start).days / 7, 2) for c in days], "y": [c.pain_now for c in days],
         "mode": "markers", "name": "daily pain", "marker": {"size": 5, "color": "#9aa5b1"}},
        {"x": [w for w, _ in s.weekly_pain], "y": [p for _, p in s.weekly_pain],
         "mode": "lines+markers", "name": "your weekly average", "line": {"color": "#b3261e"}},
    ]  # fmt: skip
    layout = _layout(
        "Pain (0-10) by week, against the usual course" if s.course else "Pain (0-10) by week",
        "weeks since the start",
        "pain (0-10)",
        x_point="week {}",
        yaxis={"range": [0, 10]},
    )
    return {"data": data, "layout": layout}


def _quota_chart(s: ProgressSummary) -> dict[str, Any] | None:
    decided = [d for d in s.decisions if d.quota_before is not None or d.quota_after is not None]
    if s.programme is None or not decided:
        return None
    by_day = {c.day: c for c in s.checkins}
    days = [d.day.isoformat() for d in s.decisions]
    goal = [d.quota_before for d in s.decisions]
    done = [by_day[d.day].quota_done if d.day in by_day else None for d in s.decisions]
    unit = s.programme.unit
    planned_x = [p.day.isoformat() for p in s.planned]
    last_x = max([days[-1], *planned_x[-1:]])
    data = [
        {"x": days, "y": done, "type": "bar", "name": f"done ({unit})",
         "marker": {"color": "#9cc3d9"}},
        {"x": planned_x, "y": [p.quota for p in s.planned], "mode": "lines",
         "line": {"dash": "dash", "color": "#6b4f9e", "shape": "hv"},
         "name": "plan set in advance"},
        {"x": days, "y": goal, "mode": "lines", "line": {"shape": "hv", "color": "#17648a"},
         "name": "daily goal"},
        {"x": [days[0], last_x], "y": [s.programme.goal, s.programme.goal], "mode": "lines",
         "line": {"dash": "dot", "color": "#1e7a46"}, "name": "final goal"},
    ]  # fmt: skip
    title = f"{s.programme.activity.capitalize()}: the plan, the daily goal and what was done"
    return {"data": data, "layout": _layout(f"{title} ({unit})", "day", unit)}


def _adherence_chart(s: ProgressSummary) -> dict[str, Any] | None:
    if s.programme is None or not s.decisions:
        return None
    by_day = {c.day: c for c in s.checkins}
    start = s.programme.start_day
    weeks: dict[int, list[tuple[bool, bool | None]]] = {}
    for d in s.decisions:
        c = by_day.get(d.day)
        met = None if d.quota_before is None else bool(c and c.quota_done >= d.quota_before)
        weeks.setdefault((d.day - start).days // 7, []).append((c is not None, met))
    labels = [(start + timedelta(weeks=w)).isoformat() for w in sorted(weeks)]

    def pct(values: list[bool | None]) -> float | None:
        known = [v for v in values if v is not None]
        return round(100 * sum(known) / len(known)) if known else None

    checked = [pct([a for a, _ in weeks[w]]) for w in sorted(weeks)]
    reached = [pct([b for _, b in weeks[w]]) for w in sorted(weeks)]
    data = [
        {"x": labels, "y": checked, "type": "bar", "name": "days checked in (%)"},
        {"x": labels, "y": reached, "type": "bar", "name": "days goal reached (%)"},
    ]
    layout = _layout(
        "Week by week (% of days)",
        "week starting",
        "% of days",
        x_point="the week of {}",
        yaxis={"range": [0, 100]},
    )
    return {"data": data, "layout": layout}


def _plain_name(instrument_id: str, name: str) -> str:
    """The chart is drawn on the patient's page too: series carry the plain instrument name."""
    try:
        return catalogue_instrument(instrument_id).plain_name
    except UnknownInstrument:
        return name


def _outcome_chart(s: ProgressSummary) -> dict[str, Any] | None:
    shown = [o for o in s.outcomes if len(o.series) > 1]
    if not shown:
        return None
    data = [
        {"x": [d.isoformat() for d, _ in o.series], "y": [v for _, v in o.series],
         "mode": "lines+markers", "name": _plain_name(o.instrument, o.name)}
        for o in shown
    ]  # fmt: skip
    title = "Questionnaires over time (pain and function)"
    return {"data": data, "layout": _layout(title, "date", "score (points)")}


def progress_charts(s: ProgressSummary) -> list[dict[str, Any]]:
    """The charts that have data, in reading order."""
    charts = (_pain_chart(s), _quota_chart(s), _adherence_chart(s), _outcome_chart(s))
    return [c for c in charts if c is not None]
