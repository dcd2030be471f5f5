"""Every chart also in words and as a table: what a screen reader, a phone without the chart
library or a page without JavaScript shows. Read from the same plotly spec the chart draws."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any

__all__ = ["chart_summary", "chart_table"]


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def _axis_title(layout: Mapping[str, Any], axis: str, default: str) -> str:
    title = (layout.get(axis) or {}).get("title")
    text = title.get("text") if isinstance(title, Mapping) else title
    return str(text) if text else default


def _series(spec: Mapping[str, Any]) -> list[tuple[str, Sequence[Any], Sequence[Any]]]:
    out: list[tuple[str, Sequence[Any], Sequence[Any]]] = []
    for trace in spec.get("data", []):
        name = trace.get("name")
        if not name or trace.get("showlegend") is False:
            continue  # a band's invisible edge, drawn only to fill the area
        out.append((str(name), list(trace.get("x", [])), list(trace.get("y", []))))
    return out


def chart_summary(spec: Mapping[str, Any]) -> str:
    """One sentence per series: where it started, where it is now, how many points."""
    parts = []
    for name, x, y in _series(spec):
        known = [(a, b) for a, b in zip(x, y, strict=False) if b is not None]
        if not known:
            parts.append(f"{name}: no values yet.")
        elif len(known) == 1:
            parts.append(f"{name}: {_fmt(known[0][1])} ({_fmt(known[0][0])}).")
        else:
            (x0, y0), (x1, y1) = known[0], known[-1]
            parts.append(
                f"{name}: from {_fmt(y0)} ({_fmt(x0)}) to {_fmt(y1)} ({_fmt(x1)}), "
                f"{len(known)} values."
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
