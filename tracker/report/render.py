"""Render results for people (rich tables, markdown) and programs (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.model import ParsedDocument
from tracker.report.flags import Flag
from tracker.report.groups import GroupReport
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
    "flags",  # the codes of the incident's weak-postmortem flags, space-separated (csv)
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


def _cells(row: IncidentStatus, flags: Sequence[Flag]) -> list[str]:
    data = row.as_json()
    cells = [_csv_cell(data[c]) for c in STATUS_COLUMNS[:-1]]
    return [*cells, " ".join(f.code for f in flags)]


def _csv_cell(value: object) -> str:
    """Empty for none, `true`/`false` for booleans (as JSON and spreadsheets' imports read)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def render_status(
    report: StatusReport, fmt: str, flags: Mapping[str, Sequence[Flag]] | None = None
) -> str:
    """The report as json, csv or markdown (the table is printed by tables.print_status).
    With `flags`, each incident carries its weak-postmortem flags."""
    if fmt == "json":
        return _status_json(report, flags)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(STATUS_COLUMNS if flags is not None else STATUS_COLUMNS[:-1])
        for row in report.incidents:
            cells = _cells(row, (flags or {}).get(row.id, ()))
            writer.writerow(cells if flags is not None else cells[:-1])
        return out.getvalue()
    return _markdown(report, flags or {})


def _status_json(report: StatusReport, flags: Mapping[str, Sequence[Flag]] | None) -> str:
    """One incident a line: readable, and encoded by json's C encoder (indent= is pure Python)."""
    data = report.as_json()
    incidents: list[dict[str, object]] = data["incidents"]  # type: ignore[assignment]
    if flags is not None:
        for row in incidents:
            row["flags"] = [f.as_json() for f in flags.get(str(row["id"]), ())]
    rows = ",\n    ".join(json.dumps(row, ensure_ascii=False) for row in incidents)
    totals = json.dumps(data["totals"], ensure_ascii=False)
    body = f"\n    {rows}\n  " if rows else ""
    return f'{{\n  "incidents": [{body}],\n  "totals": {totals}\n}}\n'


def _markdown(report: StatusReport, flags: Mapping[str, Sequence[Flag]]) -> str:
    lines = [
        "| Incident | Date | Done | Open | Overdue | Won't do | Complete |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in report.incidents:
        c = row.counts
        title = _cell(row.shown_title)
        lines.append(
            f"| {title} ({row.id}) | {row.date or ''} | {c.done}/{c.total} | {c.open} "
            f"| {c.overdue} | {c.wont_do} | {_percent(c.percent_complete)} |"
        )
    t = report.totals
    lines.append(
        f"| **Total** | | {t.done}/{t.total} | {t.open} | {t.overdue} | {t.wont_do} "
        f"| {_percent(t.percent_complete)} |"
    )
    if flags:
        lines += ["", "**Weak postmortems**", ""]
        lines += [f"- {key} `{f.code}`: {f.text}" for key, found in flags.items() for f in found]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def write_items(rows: Iterable[ItemRow], fmt: str, out: TextIO) -> int:
    """Write the items as json, csv or markdown while they are read; returns how many."""
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ITEM_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row.as_json().values()])
            count += 1
        return count
    if fmt == "json":
        out.write('{"items": [')
        for count, row in enumerate(rows, start=1):
            out.write(("\n  " if count == 1 else ",\n  ") + json.dumps(row.as_json()))
        out.write("\n]}\n" if count else "]}\n")
        return count
    out.write("| Id | Incident | Measure | Owner | Priority | Due | Source | Ticket |\n")
    out.write("|---|---|---|---|---|---|---|---|\n")
    for row in rows:
        count += 1
        due = row.due.isoformat() if row.due else ""
        if row.overdue:
            due = f"**{due} ({row.days_overdue} days overdue)**"
        out.write(
            f"| {row.short_id} | {row.incident} | {_cell(row.text)} | {row.owner or ''} "
            f"| {row.priority or ''} | {due} | {_cell(row.source)} | {row.ticket or ''} |\n"
        )
    return count


def render_groups(report: GroupReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        data = report.as_json()["groups"]
        keys = [report.by, "incidents", "total", "done", "wont_do", "open", "overdue"]
        keys.append("percent_complete")
        writer.writerow(keys)
        for group in data:  # type: ignore[attr-defined]
            writer.writerow(["" if group[k] is None else group[k] for k in keys])
        return out.getvalue()
    lines = [
        f"| {report.by.capitalize()} | Incidents | Done | Open | Overdue | Won't do | Complete |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for g in report.groups:
        c = g.counts
        lines.append(
            f"| {_cell(g.name or f'(no {report.by})')} | {g.incidents} | {c.done}/{c.total} "
            f"| {c.open} | {c.overdue} | {c.wont_do} | {_percent(c.percent_complete)} |"
        )
    return "\n".join(lines) + "\n"
