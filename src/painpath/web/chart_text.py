"""Every chart also in words and as a table: what a screen reader, a phone without the chart
library or a page without JavaScript shows. Read from the same plotly spec the chart draws."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from datetime import date
from typing import Any

__all__ = ["chart_summary", "chart_table"]

Series = tuple[str, list[Any], list[Any]]


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, tuple):  # a range: its low and high edge
        return "–".join(_fmt(v) for v in sorted(value))
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    if isinstance(value, str) and len(value) == 10:
        with suppress(ValueError):  # an ISO day reads as "11 Oct 2026"
            day = date.fromisoformat(value)
            return f"{day.day} {day:%b %Y}"
    return str(value)


def _axis_title(layout: Mapping[str, Any], axis: str, default: str) -> str:
    title = (layout.get(axis) or {}).get("title")
    text = title.get("text") if isinstance(title, Mapping) else title
    return str(text) if text else default


def _series(spec: Mapping[str, Any]) -> list[Series]:
    """Named series in legend order. A band is drawn as an unlisted edge followed by a trace
    of the same name filled to it: the two become one series whose values are (low, high)."""
    out: list[Series] = []
    edges: dict[str, Mapping[str, Any]] = {}
    for trace in spec.get("data", []):
        name = trace.get("name")
        if not name:
            continue
        if trace.get("showlegend") is False:
            edges[str(name)] = trace  # the band's other edge, drawn only to fill the area
            continue
        x, y = list(trace.get("x", [])), list(trace.get("y", []))
        edge = edges.pop(str(name), None)
        if edge is not None and trace.get("fill"):
            other = dict(zip(edge.get("x", []), edge.get("y", []), strict=False))
            y = [
                None if v is None or other.get(at) is None else (v, other[at])
                for at, v in zip(x, y, strict=False)
            ]
        out.append((str(name), x, y))
    return out


def _where(spec: Mapping[str, Any], x: Any) -> str:
    """Where on the x axis, in the words the chart gives (``meta.x_point``, e.g. "week {}")."""
    template = (spec.get("layout", {}).get("meta") or {}).get("x_point")
    return str(template).format(_fmt(x)) if template else _fmt(x)


def chart_summary(spec: Mapping[str, Any]) -> str:
    """One sentence per series: its first and latest value, where each was, how many values."""
    parts = []
    for name, x, y in _series(spec):
        known = [(a, b) for a, b in zip(x, y, strict=False) if b is not None]
        if not known:
            parts.append(f"{name}: no values yet.")
        elif len(known) == 1:
            parts.append(f"{name}: {_fmt(known[0][1])} at {_where(spec, known[0][0])}.")
        else:
            (x0, y0), (x1, y1) = known[0], known[-1]
            parts.append(
                f"{name}: {_fmt(y0)} at {_where(spec, x0)}, {_fmt(y1)} at {_where(spec, x1)}"
                f" ({len(known)} values)."
            )
    return " ".join(parts)


def chart_table(spec: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """(column headings, rows): the x axis, then one column per series, one row per x value."""
    series = _series(spec)
    layout = spec.get("layout", {})
    xs: list[Any] = []
    for _, x, _ in series:
        xs += [v for v in x if v not in xs]
    with suppress(TypeError):  # mixed x values keep the order the series gave them
        xs.sort()
    columns = [dict(zip(x, y, strict=False)) for _, x, y in series]
    headings = [_axis_title(layout, "xaxis", "x")] + [name for name, _, _ in series]
    rows = [[_fmt(v)] + [_fmt(col.get(v)) for col in columns] for v in xs]
    return headings, rows
