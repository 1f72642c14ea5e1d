"""The report's chart geometry: bars in proportion, nothing drawn for nothing."""

from __future__ import annotations

import pytest

from tracker.report.charts import column_plot, line_plot, nice_top, stacked_bar


def test_a_stacked_bar_lays_parts_left_to_right_in_proportion() -> None:
    bar = stacked_bar([("done", 1), ("wont", 0), ("open", 2), ("late", 1)], scale_to=4)
    assert [(s.kind, s.x, s.width, s.count) for s in bar] == [
        ("done", 0.0, 25.0, 1),
        ("open", 25.0, 50.0, 2),
        ("late", 75.0, 25.0, 1),
    ]


def test_a_bar_of_nothing_has_no_segments_and_an_oversized_one_is_clipped() -> None:
    assert stacked_bar([("open", 0)], scale_to=0) == []
    assert stacked_bar([("open", 3)], scale_to=0) == []
    clipped = stacked_bar([("late", 3), ("open", 3)], scale_to=4)
    assert [(s.kind, s.width) for s in clipped] == [("late", 75.0), ("open", 25.0)]


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (40, 50), (51, 100), (999, 1000)]
)
def test_the_axis_top_is_a_round_number_at_or_above_the_largest_value(value: int, top: int) -> None:
    assert nice_top(value) == top


def test_columns_are_as_tall_as_their_values_and_sit_on_the_baseline() -> None:
    plot = column_plot([("a", 0), ("b", 5), ("c", 10)], width=334, height=124)
    assert plot.top == 10
    heights = [c.height for c in plot.columns]
    assert heights[0] == 0 and heights[2] == pytest.approx(2 * heights[1]) and heights[2] == 100
    assert {round(c.y + c.height, 2) for c in plot.columns} == {106.0}  # one baseline
    xs = [c.x for c in plot.columns]
    assert xs == sorted(xs) and all(c.width > 0 for c in plot.columns)
    assert plot.has_marks
    assert not column_plot([("a", 0), ("b", 0)]).has_marks


def test_a_line_passes_through_one_point_per_period() -> None:
    plot = line_plot([("a", 2), ("b", 4), ("c", 1)], width=334, height=124)
    points = [(c.x, c.y) for c in plot.columns]
    assert plot.path == " ".join(
        f"{'M' if n == 0 else 'L'}{x},{y}" for n, (x, y) in enumerate(points)
    )
    assert points[1][1] < points[0][1] < points[2][1]  # higher values drawn higher
    single = line_plot([("a", 3)])
    assert single.path.startswith("M") and " L" in single.path  # still a visible stroke
