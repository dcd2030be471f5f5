"""Every chart in words and as a table, from the same spec plotly draws."""

from __future__ import annotations

from painpath.web.chart_text import chart_summary, chart_table

SPEC = {
    "data": [
        {"name": "daily pain", "x": [0, 1, 2], "y": [6, None, 4.25]},
        {"name": "goal", "x": [1, 2], "y": [10, 12]},
    ],
    "layout": {"xaxis": {"title": {"text": "week"}}, "meta": {"x_point": "week {}"}},
}

# A band as the progress chart draws it: an unlisted edge, then the same name filled to it.
BAND = {
    "data": [
        {"name": "usual range", "x": [0, 1], "y": [6, 7], "showlegend": False},
        {"name": "usual range", "x": [0, 1], "y": [6, 2.5], "fill": "tonexty"},
        {"name": "done", "x": ["2026-10-11", "2026-12-05"], "y": [14.3, 16.9]},
    ],
    "layout": {"xaxis": {"title": {"text": "week"}}},
}


def test_the_summary_names_each_series_first_and_latest_value_and_where() -> None:
    assert chart_summary(SPEC) == (
        "daily pain: 6 at week 0, 4.2 at week 2 (2 values). "
        "goal: 10 at week 1, 12 at week 2 (2 values)."
    )


def test_a_band_reads_as_a_range_and_days_read_as_dates() -> None:
    assert chart_summary(BAND) == (
        "usual range: 6–6 at 0, 2.5–7 at 1 (2 values). "
        "done: 14.3 at 11 Oct 2026, 16.9 at 5 Dec 2026 (2 values)."
    )
    head, rows = chart_table(BAND)
    assert head == ["week", "usual range", "done"]
    assert rows[1] == ["1", "2.5–7", "—"]


def test_the_table_has_a_row_per_x_and_a_column_per_series() -> None:
    head, rows = chart_table(SPEC)
    assert head == ["week", "daily pain", "goal"]
    assert rows == [["0", "6", "—"], ["1", "—", "10"], ["2", "4.2", "12"]]
