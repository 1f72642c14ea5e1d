"""The status, item and group tables as a terminal (or a pipe) shows them (layout: terminal.py).

Status: the full table when it fits; a compact one (short headers, last sync below it) when it
does not; one block per incident when even that leaves the title too little room.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.text import Text

from tracker.report.flags import Flag
from tracker.report.groups import GroupReport
from tracker.report.items import ItemRow
from tracker.report.status import Counts, IncidentStatus, StatusReport
from tracker.report.terminal import Cell, Column, print_table, print_wrapped

LATE = "red"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _late(count: int) -> Text:
    return Text(str(count), style=LATE if count else "")


def _counts(c: Counts) -> list[Cell]:
    return [f"{c.done}/{c.total}", str(c.open), _late(c.overdue), str(c.wont_do)]


def _sync(row: IncidentStatus) -> str:
    return row.last_sync.strftime("%Y-%m-%d %H:%M") if row.last_sync else "never"


def print_status(
    console: Console, report: StatusReport, flags: Mapping[str, Sequence[Flag]]
) -> None:
    counts = ("done", "open", "overdue", "won't do", "complete")
    wide = [
        Column("incident"),
        Column("title", flexible="shorten"),
        Column("date"),
        *(Column(name, justify="right") for name in counts),
        Column("last sync"),
    ]
    compact = [
        Column("incident"),
        Column("title", flexible="shorten"),
        Column("date"),
        *(Column(name, justify="right") for name in ("done", "open", "late", "won't", "%")),
    ]
    rows: list[list[Cell]] = []
    for row in report.incidents:
        c = row.counts
        when = row.date.isoformat() if row.date else ""
        rows.append([row.id, row.shown_title, when, *_counts(c), percent(c.percent_complete)])
    t = report.totals
    rows.append(["total", "", "", *_counts(t), percent(t.percent_complete)])
    wide_rows = [[*r, _sync(i)] for r, i in zip(rows, report.incidents, strict=False)]
    wide_rows.append([*rows[-1], ""])
    used = print_table(
        console, [(wide, wide_rows), (compact, rows)], lambda: _status_blocks(report)
    )
    if used > 0:
        synced = [i.last_sync for i in report.incidents if i.last_sync]
        last = max(synced).strftime("%Y-%m-%d %H:%M") if synced else "never"
        never = len(report.incidents) - len(synced)
        tail = f" ({never} never synced)" if synced and never else ""
        console.print(Text(f"last sync: {last}{tail}"), soft_wrap=True)
    print_flags(console, flags)


def _status_blocks(report: StatusReport) -> list[list[Text]]:
    blocks = []
    for row in report.incidents:
        head = Text(row.id, style="bold")
        if row.date:
            head.append(f"  {row.date.isoformat()}")
        blocks.append(
            [head, Text(row.shown_title), _summary(row.counts), Text(f"last sync {_sync(row)}")]
        )
    blocks.append([Text("total", style="bold"), _summary(report.totals)])
    return blocks


def _summary(c: Counts) -> Text:
    text = Text(f"{c.done}/{c.total} done · {c.open} open · ")
    text.append_text(_late(c.overdue))
    text.append(f" overdue · {c.wont_do} won't do · {percent(c.percent_complete)} complete")
    return text


def print_flags(console: Console, flags: Mapping[str, Sequence[Flag]]) -> None:
    """Each flag on one line, with what it means for this incident."""
    if not flags:
        return
    console.print(Text("weak postmortems:", style="bold"))
    for key, found in flags.items():
        for flag in found:
            line = Text(f"{key}  ")
            line.append(flag.code, style="yellow")
            line.append(f": {flag.text}")
            print_wrapped(console, line, indent=2, hang=2)


def print_items(console: Console, rows: Sequence[ItemRow], *, more: int) -> None:
    """The items in a table, or a block each; `more` items not shown are counted below."""
    columns = [
        Column("id"),
        Column("incident"),
        Column("measure", flexible="wrap"),
        Column("owner"),
        Column("pri"),
        Column("type"),
        Column("due"),
        Column("late", justify="right"),
        Column("source"),
        Column("ticket"),
    ]
    cells: list[list[Cell]] = [
        [
            row.short_id,
            row.incident,
            row.text,
            row.owner or "",
            row.priority or "",
            row.type or "",
            row.due.isoformat() if row.due else "",
            Text(f"{row.days_overdue}d", style=LATE) if row.overdue else "",
            row.source,
            row.ticket or "",
        ]
        for row in rows
    ]
    print_table(console, [(columns, cells)], lambda: [_item_block(row) for row in rows])
    if more:
        console.print(
            Text(f"… and {more} more (--limit N or --all to show them, --format csv for a file)"),
            soft_wrap=True,
        )


def _item_block(row: ItemRow) -> list[Text]:
    head = Text(row.short_id, style="bold")
    head.append(f"  {row.incident}")
    facts = [f for f in (row.priority, row.type, row.owner and f"@{row.owner}") if f]
    line = Text(" · ".join(facts) or "no owner, priority or type")
    if row.due:
        line.append(f" · due {row.due.isoformat()}")
    if row.overdue:
        line.append(f" ({row.days_overdue} days overdue)", style=LATE)
    block = [head, Text(row.text), line, Text(row.source)]
    if row.ticket:
        block.append(Text(row.ticket))
    return block


def print_groups(console: Console, report: GroupReport) -> None:
    names = ("incidents", "done", "open", "overdue", "won't do", "complete")
    columns = [Column(report.by), *(Column(n, justify="right") for n in names)]
    rows: list[list[Cell]] = [
        [
            g.name or f"(no {report.by})",
            str(g.incidents),
            *_counts(g.counts),
            percent(g.counts.percent_complete),
        ]
        for g in report.groups
    ]
    t = report.totals
    rows.append(["total", str(report.incident_count), *_counts(t), percent(t.percent_complete)])
    print_table(console, [(columns, rows)], lambda: _group_blocks(report))


def _group_blocks(report: GroupReport) -> list[list[Text]]:
    return [
        [Text(str(g.name or f"(no {report.by})"), style="bold"), _summary(g.counts)]
        for g in report.groups
    ] + [[Text("total", style="bold"), _summary(report.totals)]]
