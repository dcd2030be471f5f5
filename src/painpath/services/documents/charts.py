"""Small SVG charts for the printed reports (numbers only, no user text): weekly pain against the
expected course band, and one questionnaire's scores over time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

__all__ = ["pain_course_svg", "score_series_svg"]

W, H, PAD = 480.0, 180.0, 30.0


def _frame(label_top: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W:g}" height="{H:g}" '
        f'viewBox="0 0 {W:g} {H:g}" font-family="sans-serif" font-size="10">',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - 10}" y2="{H - PAD}" stroke="black"/>',
        f'<line x1="{PAD}" y1="10" x2="{PAD}" y2="{H - PAD}" stroke="black"/>',
        f'<text x="2" y="16">{label_top}</text>',
        f'<text x="2" y="{H - PAD}">0</text>',
    ]


def _xy(x: float, y: float, x_max: float, y_max: float) -> tuple[float, float]:
    px = PAD + (W - PAD - 10) * (x / x_max if x_max else 0)
    py = (H - PAD) - (H - PAD - 10) * (y / y_max if y_max else 0)
    return round(px, 1), round(py, 1)


def pain_course_svg(
    weekly: Sequence[tuple[float, float]], band: Sequence[tuple[float, float, float]]
) -> str:
    """Weekly mean pain (points and line) over the expected range (grey band); 0-10 scale.
    ``band`` holds (week, low, high)."""
    x_max = max([w for w, _ in weekly] + [w for w, _, _ in band] + [1.0])
    out = _frame("10")
    if band:
        upper = [_xy(w, hi, x_max, 10) for w, _, hi in band]
        lower = [_xy(w, lo, x_max, 10) for w, lo, _ in reversed(band)]
        points = " ".join(f"{x},{y}" for x, y in upper + lower)
        out.append(f'<polygon points="{points}" fill="#d0d0d0" stroke="none"/>')
    if weekly:
        pts = [_xy(w, p, x_max, 10) for w, p in weekly]
        out.append(
            '<polyline fill="none" stroke="black" stroke-width="1.5" points="'
            + " ".join(f"{x},{y}" for x, y in pts)
            + '"/>'
        )
        out += [f'<circle cx="{x}" cy="{y}" r="2.5" fill="black"/>' for x, y in pts]
    out.append(f'<text x="{W - 10}" y="{H - 10}" text-anchor="end">weeks (0 to {x_max:g})</text>')
    out.append("</svg>")
    return "".join(out)


def score_series_svg(
    series: Sequence[tuple[date, float]], *, y_max: float, threshold: float | None = None
) -> str:
    """One questionnaire's scores over time, on its own 0..``y_max`` scale; ``threshold`` (a
    dashed line) is the first score moved by the minimal important change."""
    if not series:
        return ""
    first = series[0][0]
    days = [float((d - first).days) for d, _ in series]
    x_max = max([*days, 1.0])
    top = max([y_max, *(v for _, v in series), *([threshold] if threshold else [])])
    out = _frame(f"{top:g}")
    pts = [_xy(x, v, x_max, top) for x, (_, v) in zip(days, series, strict=True)]
    if threshold is not None and threshold >= 0:
        x0, y = _xy(0, threshold, x_max, top)
        x1, _ = _xy(x_max, threshold, x_max, top)
        out.append(
            f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="black" stroke-dasharray="5,4"/>'
        )
    out.append(
        '<polyline fill="none" stroke="black" stroke-width="1.5" points="'
        + " ".join(f"{x},{y}" for x, y in pts)
        + '"/>'
    )
    out += [f'<circle cx="{x}" cy="{y}" r="2.5" fill="black"/>' for x, y in pts]
    out.append(f'<text x="{W - 10}" y="{H - 10}" text-anchor="end">days (0 to {x_max:g})</text>')
    out.append("</svg>")
    return "".join(out)
