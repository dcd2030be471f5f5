"""Every chart in words and as a table, from the same spec plotly draws."""

from __future__ import annotations

from painpath.web.chart_text import chart_summary, chart_table

SPEC = {
    "data": [
        {"name": "usual range", "x": [0, 1], "y": [6, 5], "showlegend": False},
        {"name": "daily pain", "x": [0, 1, 2], "y": [6, None, 4.25]},
        {"name": "goal", "x": [1, 2], "y": [10, 12]},
    ],
    "layout": {"xaxis": {"title": {"text": "week"}}},
}


def test_the_summary_names_each_series_first_and_last_value() -> None:
    assert chart_summary(SPEC) == (
        "daily pain: from 6 (0) to 4.2 (2), 2 values. goal: from 10 (1) to 12 (2), 2 values."
    )


def test_the_table_has_a_row_per_x_and_a_column_per_series() -> None:
    head, rows = chart_table(SPEC)
    assert head == ["week", "daily pain", "goal"]
    assert rows == [["0", "6", "—"], ["1", "—", "10"], ["2", "4.2", "12"]]
