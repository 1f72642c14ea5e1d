"""`track report`: the dashboard as one self-contained HTML file, and CSV files beside it.

The page carries its CSS and SVG inline, fetches nothing and runs no script, so it can be
mailed, opened from disk and printed. Tables stop at `rows` lines (a page of 100,000 measures
is not one a browser opens comfortably); the CSV files written beside the page hold every
incident and every measure, and the page links to them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tracker.errors import UsageError
from tracker.report import charts
from tracker.report.dashboard import Dashboard, Group, IncidentView
from tracker.report.flags import MEANING
from tracker.report.items import ItemRow
from tracker.report.render import render_status, write_items

DEFAULT_ROWS = 200
OVERVIEW = 20  # incidents in the bars at the top; more go to the table at the end
GROUP_ROWS = 10  # owners, teams, services shown, most overdue first


@dataclass(frozen=True)
class Written:
    page: Path
    incidents_csv: Path
    items_csv: Path


def csv_paths(page: Path) -> tuple[Path, Path]:
    """Where the full lists go: `report.html` -> `report-incidents.csv`, `report-items.csv`."""
    return (
        page.with_name(f"{page.stem}-incidents.csv"),
        page.with_name(f"{page.stem}-items.csv"),
    )


def render_page(
    dashboard: Dashboard, *, rows: int = DEFAULT_ROWS, csv_names: tuple[str, str]
) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("tracker.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["days_overdue"] = lambda row: days_overdue(row, dashboard.today)
    env.filters["when"] = _when
    env.filters["flag_codes"] = lambda views: [
        code for code in MEANING if any(code == c for view in views for c, _ in view.flags)
    ]
    return env.get_template("report.html.j2").render(
        d=dashboard,
        flag_meaning=MEANING,
        rows=rows,
        overview=min(OVERVIEW, rows),
        group_rows=min(GROUP_ROWS, rows),
        incidents_csv=csv_names[0],
        items_csv=csv_names[1],
        completion=_completion_bars(dashboard.incidents[: max(rows, OVERVIEW)]),
        owners=group_bars(dashboard.by_owner),
        fields={name: group_bars(groups) for name, groups in dashboard.by_field.items()},
        completed_plot=charts.column_plot(
            [(w.start.strftime("%d %b"), w.completed) for w in dashboard.weeks]
        ),
        open_plot=charts.line_plot(
            [(w.start.strftime("%d %b"), w.open_at_end) for w in dashboard.weeks]
        ),
        slowest_bars=_scaled([i.age_days for i in dashboard.slowest]),
        overdue_bars=_scaled([days_overdue(r, dashboard.today) for r in dashboard.overdue_longest]),
    )


def write_report(dashboard: Dashboard, page: Path, *, rows: int = DEFAULT_ROWS) -> Written:
    """Write the page and its two CSV files, each whole or not at all (a reader opening the
    file during a scheduled run never sees half a page)."""
    if not page.parent.is_dir():
        raise UsageError(f"cannot write {page}: folder {page.parent} does not exist")
    incidents_csv, items_csv = csv_paths(page)
    _write_whole(incidents_csv, lambda out: out.write(render_status(dashboard.report, "csv")))
    _write_whole(items_csv, lambda out: write_items(dashboard.items, "csv", out))
    html = render_page(dashboard, rows=rows, csv_names=(incidents_csv.name, items_csv.name))
    _write_whole(page, lambda out: out.write(html))
    return Written(page, incidents_csv, items_csv)


def _write_whole(path: Path, write: Callable[[TextIO], object]) -> None:
    """`write` fills a temporary file beside `path` (streamed: the items CSV is large), which
    then replaces `path` in one step."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # umask applies, unlike mkstemp
    try:
        with temporary.open("w", encoding="utf-8", newline="") as out:
            write(out)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def days_overdue(row: ItemRow, today: dt.date) -> int:
    return (today - row.due).days if row.overdue and row.due else 0


def _when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "never"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _completion_bars(views: list[IncidentView]) -> dict[str, list[charts.Segment]]:
    """Per incident, its measures as one bar: done, won't do, open on time, overdue."""
    bars = {}
    for view in views:
        c = view.status.counts
        bars[view.status.id] = charts.stacked_bar(
            [
                ("done", c.done),
                ("wont", c.wont_do),
                ("open", c.open - c.overdue),
                ("late", c.overdue),
            ],
            scale_to=c.total,
        )
    return bars


def group_bars(groups: list[Group]) -> list[tuple[Group, list[charts.Segment]]]:
    """Open measures per group, overdue first, all bars on one scale (the largest group)."""
    widest = max((g.open for g in groups), default=0)
    return [
        (
            g,
            charts.stacked_bar(
                [("late", g.overdue), ("open", g.open - g.overdue)], scale_to=widest
            ),
        )
        for g in groups
    ]


def _scaled(values: list[int]) -> list[float]:
    """Bar widths out of 100 for values on one scale; the largest fills the bar."""
    top = max(values, default=0)
    return [round(100 * v / top, 2) if top else 0.0 for v in values]
