"""Render parse results for people (rich tables) and programs (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.model import ParsedDocument

ITEM_KEYS = ("text", "owner", "due", "priority", "type", "status", "tracker_ref")


def document_json(doc: ParsedDocument) -> dict[str, object]:
    data = doc.model_dump(mode="json")
    data["items"] = [
        {key: item[key] for key in ITEM_KEYS}
        | {k: v for k, v in item.items() if k not in ITEM_KEYS}
        for item in data["items"]
    ]
    return data


def to_json(docs: Iterable[ParsedDocument]) -> str:
    return json.dumps([document_json(doc) for doc in docs], indent=2, ensure_ascii=False)


def print_table(doc: ParsedDocument, console: Console) -> None:
    incident = doc.incident
    when = incident.date.isoformat() if incident.date else "no date"
    console.print(Text(f"{doc.path}", style="bold"))
    console.print(Text(f"  {incident.title}  [{incident.id}, {when}]"))
    if doc.items:
        table = Table(show_lines=False, pad_edge=False, box=None)
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
    console.print()
