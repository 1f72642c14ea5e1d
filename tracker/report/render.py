"""Render results for people (rich tables, markdown) and programs (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.model import ParsedDocument
from tracker.report.items import COLUMNS as ITEM_COLUMNS
from tracker.report.items import ItemRow
from tracker.report.status import IncidentStatus, StatusReport
from tracker.store.ingest import IngestReport

ITEM_KEYS = ("text", "owner", "due", "priority", "type", "status", "tracker_ref")
STATUS_COLUMNS = (
    "id",
    "title",
    "date",
    "total",
    "done",
    "wont_do",
    "open",
    "overdue",
    "percent_complete",
    "last_sync",
    "file_removed",
)


def _console(*, stderr: bool = False) -> Console:
    # soft_wrap: a message stays one line however narrow the terminal (or the cron mail) is
    return Console(highlight=False, soft_wrap=True, stderr=stderr)


def document_json(doc: ParsedDocument) -> dict[str, object]:
    data = doc.model_dump(mode="json", exclude=set() if doc.notes else {"notes"})
    data["items"] = [
        {key: item[key] for key in ITEM_KEYS}
        | {k: v for k, v in item.items() if k not in ITEM_KEYS}
        for item in data["items"]
    ]
    return data


def to_json(docs: Iterable[ParsedDocument]) -> str:
    return json.dumps([document_json(doc) for doc in docs], indent=2, ensure_ascii=False)


def print_document(doc: ParsedDocument) -> None:
    console = _console()
    incident = doc.incident
    when = incident.date.isoformat() if incident.date else "no date"
    console.print(Text(f"{doc.path}", style="bold"))
    console.print(Text(f"  {incident.title}  [{incident.id}, {when}]"))
    if doc.items:
        table = Table(pad_edge=False, box=None)
        for name in ("#", "status", "measure", "owner", "due", "priority", "type", "ref"):
            table.add_column(name, overflow="fold")
        for number, item in enumerate(doc.items, start=1):
            table.add_row(
                str(number),
                item.status or "",
                item.text,
                item.owner or "",
                item.due.isoformat() if item.due else "",
                item.priority or "",
                item.type or "",
                item.tracker_ref or "",
            )
        console.print(table)
    for warning in doc.warnings:
        console.print(Text(f"  warning: {warning}", style="yellow"))
    for note in doc.notes:
        mark = "took" if note.taken else "skipped"
        console.print(
            Text(f"  line {note.line}: {mark} ({note.rule}): {note.text}"), soft_wrap=True
        )
    console.print()


def print_ingest(report: IngestReport) -> None:
    console = _console()
    err = _console(stderr=True)
    for file in report.files:
        if file.outcome == "failed":
            err.print(f"error: {file.error}", markup=False)
        for warning in file.warnings:
            err.print(f"warning: {file.path}: {warning}", markup=False)
        if file.outcome != "failed" and file.changed:
            parts = [
                f"{n} {label}"
                for n, label in (
                    (file.created, "new"),
                    (file.updated, "updated"),
                    (file.removed, "removed"),
                    (file.restored, "restored"),
                )
                if n
            ]
            console.print(f"{file.path}: {', '.join(parts)}", markup=False)
    for line in report.notes():
        console.print(line, markup=False)
    ingested = sum(f.outcome == "ingested" for f in report.files)
    unchanged = sum(f.outcome == "unchanged" for f in report.files)
    console.print(
        f"{len(report.files)} files: {ingested} read, {unchanged} unchanged, "
        f"{len(report.failed)} failed; "
        f"items: {report.count('created')} new, {report.count('updated')} updated, "
        f"{report.count('removed')} removed, {report.count('restored')} restored",
        markup=False,
    )


def _cells(row: IncidentStatus) -> list[str]:
    data = row.as_json()
    return [_csv_cell(data[c]) for c in STATUS_COLUMNS]


def _csv_cell(value: object) -> str:
    """Empty for none, `true`/`false` for booleans (as JSON and spreadsheets' imports read)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def render_status(report: StatusReport, fmt: str) -> str:
    if fmt == "json":
        return _status_json(report)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(STATUS_COLUMNS)
        writer.writerows(_cells(row) for row in report.incidents)
        return out.getvalue()
    if fmt == "markdown":
        return _markdown(report)
    return _table(report)


def _status_json(report: StatusReport) -> str:
    """One incident a line: readable, and encoded by json's C encoder (indent= is pure Python)."""
    data = report.as_json()
    rows = ",\n    ".join(json.dumps(row, ensure_ascii=False) for row in data["incidents"])  # type: ignore[attr-defined]
    totals = json.dumps(data["totals"], ensure_ascii=False)
    body = f"\n    {rows}\n  " if rows else ""
    return f'{{\n  "incidents": [{body}],\n  "totals": {totals}\n}}\n'


def _markdown(report: StatusReport) -> str:
    lines = [
        "| Incident | Date | Done | Open | Overdue | Won't do | Complete |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in report.incidents:
        c = row.counts
        title = row.shown_title.replace("|", "\\|")
        lines.append(
            f"| {title} ({row.id}) | {row.date or ''} | {c.done}/{c.total} | {c.open} "
            f"| {c.overdue} | {c.wont_do} | {_percent(c.percent_complete)} |"
        )
    t = report.totals
    lines.append(
        f"| **Total** | | {t.done}/{t.total} | {t.open} | {t.overdue} | {t.wont_do} "
        f"| {_percent(t.percent_complete)} |"
    )
    return "\n".join(lines) + "\n"


def _table(report: StatusReport) -> str:
    import shutil

    width = max(shutil.get_terminal_size((120, 24)).columns, 110)
    console = Console(highlight=False, record=True, file=io.StringIO(), width=width)
    table = Table(box=None, pad_edge=False)
    table.add_column("incident", no_wrap=True)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=40)
    table.add_column("date", no_wrap=True, min_width=10)
    for name in ("done", "open", "overdue", "won't do", "complete"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("last sync", no_wrap=True)
    for row in report.incidents:
        c = row.counts
        table.add_row(
            row.id,
            row.shown_title,
            row.date.isoformat() if row.date else "",
            f"{c.done}/{c.total}",
            str(c.open),
            Text(str(c.overdue), style="red" if c.overdue else ""),
            str(c.wont_do),
            _percent(c.percent_complete),
            row.last_sync.strftime("%Y-%m-%d %H:%M") if row.last_sync else "never",
        )
    t = report.totals
    table.add_row(
        "total",
        "",
        "",
        f"{t.done}/{t.total}",
        str(t.open),
        str(t.overdue),
        str(t.wont_do),
        _percent(t.percent_complete),
        "",
    )
    console.print(table)
    return console.export_text()


def render_items(rows: list[ItemRow], fmt: str) -> str:
    """The open measures, for `track status --items`."""
    if fmt == "json":
        return (
            json.dumps({"items": [row.as_json() for row in rows]}, indent=2, ensure_ascii=False)
            + "\n"
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ITEM_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row.as_json().values()])
        return out.getvalue()
    if fmt == "markdown":
        lines = ["| Incident | Measure | Owner | Due | Ticket |", "|---|---|---|---|---|"]
        for row in rows:
            due = (
                f"**{row.due} (overdue)**"
                if row.overdue
                else (row.due.isoformat() if row.due else "")
            )
            text = row.text.replace("|", "\\|")
            lines.append(
                f"| {row.incident} | {text} | {row.owner or ''} | {due} | {row.ticket or ''} |"
            )
        return "\n".join(lines) + "\n"
    import shutil

    console = Console(
        highlight=False,
        record=True,
        file=io.StringIO(),
        width=max(shutil.get_terminal_size((120, 24)).columns, 110),
    )
    table = Table(box=None, pad_edge=False)
    for name in ("incident", "measure", "owner", "due", "ticket"):
        table.add_column(name, overflow="fold")
    for row in rows:
        shown = Text(f"{row.due} overdue", style="red") if row.overdue else Text(str(row.due or ""))
        table.add_row(row.incident, row.text, row.owner or "", shown, row.ticket or "")
    console.print(table)
    return console.export_text()
