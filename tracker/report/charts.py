"""Chart geometry for the HTML report: plain numbers that the template draws as static SVG.

No chart library: three shapes cover the report (a stacked bar, columns, a line), each a
function from counts to coordinates, so tests check the geometry and the template only
writes `<rect>` and `<path>` elements. Coordinates are in the SVG's own units (its viewBox);
the browser scales the drawing to the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """One coloured part of a stacked bar: `kind` names its CSS class."""

    kind: str
    x: float
    width: float
    count: int


def stacked_bar(
    parts: Sequence[tuple[str, int]], *, scale_to: int, width: float = 100.0
) -> list[Segment]:
    """Segments laid left to right, `scale_to` filling `width`; empty parts are left out.

    A bar whose parts add up to more than `scale_to` is clipped at `width`."""
    if scale_to <= 0:
        return []
    segments: list[Segment] = []
    x = 0.0
    for kind, count in parts:
        if count <= 0 or x >= width:
            continue
        span = min(width * count / scale_to, width - x)
        segments.append(Segment(kind, round(x, 2), round(span, 2), count))
        x += span
    return segments


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Plot:
    """A chart of one value per period: columns, or a line through `points`."""

    width: float
    height: float
    top: float  # the value at the top of the plot area
    columns: list[Column]
    ticks: list[Tick]
    path: str  # SVG path data of the line through the values ("" for none)

    @property
    def has_marks(self) -> bool:
        return any(c.height > 0 for c in self.columns) or bool(self.path)


# Room left of the plot for the axis numbers, and below it for the period labels.
LEFT, BOTTOM, TOP = 34.0, 18.0, 6.0


def nice_top(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value` (1 for 0)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= value:
                return max(factor * step, 1)
        step *= 10


def _frame(values: Sequence[tuple[str, int]], height: float) -> tuple[int, float]:
    top = nice_top(max((v for _, v in values), default=0))
    return top, (height - BOTTOM - TOP)


def _ticks(top: int, plot_height: float) -> list[Tick]:
    return [Tick(v, round(TOP + plot_height * (1 - v / top), 2)) for v in (0, top // 2, top)]


def column_plot(
    values: Sequence[tuple[str, int]], *, width: float = 600.0, height: float = 80.0
) -> Plot:
    """One column per (label, value); a value of 0 is a column of no height."""
    top, plot_height = _frame(values, height)
    slot = (width - LEFT) / max(len(values), 1)
    columns = [
        Column(
            label,
            value,
            x=round(LEFT + slot * n + slot * 0.15, 2),
            y=round(TOP + plot_height * (1 - value / top), 2),
            width=round(slot * 0.7, 2),
            height=round(plot_height * value / top, 2),
        )
        for n, (label, value) in enumerate(values)
    ]
    return Plot(width, height, top, columns, _ticks(top, plot_height), "")


def line_plot(
    values: Sequence[tuple[str, int]], *, width: float = 600.0, height: float = 80.0
) -> Plot:
    """A line through one point per (label, value), at the middle of each period's slot.

    `columns` carry the labels and the points (of no width) for the template's axis."""
    top, plot_height = _frame(values, height)
    slot = (width - LEFT) / max(len(values), 1)
    points = [
        Column(
            label,
            value,
            x=round(LEFT + slot * (n + 0.5), 2),
            y=round(TOP + plot_height * (1 - value / top), 2),
            width=0.0,
            height=0.0,
        )
        for n, (label, value) in enumerate(values)
    ]
    path = " ".join(f"{'M' if n == 0 else 'L'}{p.x},{p.y}" for n, p in enumerate(points))
    if len(points) == 1:  # one period: a short flat stroke, so the value is still seen
        p = points[0]
        path = f"M{p.x - slot * 0.3:.2f},{p.y} L{p.x + slot * 0.3:.2f},{p.y}"
    return Plot(width, height, top, points, _ticks(top, plot_height), path)
