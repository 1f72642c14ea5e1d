"""Action-item tables: columns recognised by their header, one item per filled row.

The SRE book's `Action Item | Type | Owner | Bug` (with TODO/DONE in the Bug cell) and its
variants: Who/Assignee, Priority, Due/Deadline, Status, Issue/Ticket/Link, ID.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.tree import SyntaxTreeNode

from tracker.model import ParsedItem
from tracker.parse.dates import parse_due
from tracker.parse.lexicon import current
from tracker.parse.markdown import Line, inline_lines
from tracker.parse.metadata import read_facts
from tracker.parse.nonmeasures import is_placeholder
from tracker.parse.phrases import (
    is_unassigned,
    normalize_priority,
    normalize_type,
    status_word,
    ticket_in_text,
    ticket_in_url,
)

_CELL_FLAG = re.compile(r"\b(?:DONE|TODO|FIXED|WONTFIX|IN PROGRESS)\b")
_NOT_A_REF = re.compile(r"|n/?a|none|-+|tbd|—", re.I)


def column_roles(headers: list[str]) -> dict[int, str]:
    """The role of each column by its header, with the language tables' `[columns]` words: the
    first role (number, id, owner, due, priority, type, status, ref, text) that matches wins."""
    roles: dict[int, str] = {}
    patterns = current().column_patterns
    for index, header in enumerate(headers):
        name = header.strip().lower()
        for role, pattern in patterns:
            if name and role not in roles.values() and pattern.search(name):
                roles[index] = role
                break
    if "text" not in roles.values():
        free = [i for i in range(len(headers)) if i not in roles]
        if free:
            roles[free[0]] = "text"
    return roles


def _rows(table: SyntaxTreeNode) -> tuple[list[list[Line]], list[list[list[Line]]]]:
    header: list[list[Line]] = []
    body: list[list[list[Line]]] = []
    for part in table.children:
        for row in part.children:
            cells = [inline_lines(cell) for cell in row.children]
            if part.type == "thead":
                header = cells
            else:
                body.append(cells)
    return header, body


def table_items(table: SyntaxTreeNode, section: str, group: str | None) -> list[ParsedItem]:
    header, body = _rows(table)
    roles = column_roles([" ".join(ln.text for ln in cell) for cell in header])
    return list(_row_items(body, roles, section, group))


def _row_items(
    body: list[list[list[Line]]], roles: dict[int, str], section: str, group: str | None
) -> Iterator[ParsedItem]:
    text_col = next(i for i, role in roles.items() if role == "text")
    for cells in body:
        if text_col >= len(cells) or not any(ln.text for ln in cells[text_col]):
            continue
        lines = cells[text_col]
        text = " ".join(ln.text for ln in lines)
        links = [url for ln in lines for url in ln.links]
        comments = [c for cell in cells for ln in cell for c in ln.comments]
        facts = read_facts(text, links, comments)
        values = {
            role: (" ".join(ln.text for ln in cells[i]), [u for ln in cells[i] for u in ln.links])
            for i, role in roles.items()
            if i < len(cells) and role not in ("text", "number")
        }
        item = ParsedItem(
            text=facts.text,
            owner=facts.owner,
            due=facts.due,
            priority=facts.priority,
            type=facts.type,
            status=facts.status,  # type: ignore[arg-type]
            tracker_ref=facts.tracker_ref,
            explicit_id=facts.explicit_id,
            section=section,
            group=group,
            line=lines[0].number,
        )
        yield _apply_columns(item, values)


def _apply_columns(item: ParsedItem, values: dict[str, tuple[str, list[str]]]) -> ParsedItem:
    changes: dict[str, object] = {}
    for role, (value, links) in values.items():
        value = value.strip()
        if not value and not links:
            continue
        if role == "owner":
            if not (is_unassigned(value) or is_placeholder(value)):  # "TBD", "未定", "k. A."
                changes["owner"] = value.lstrip("@")
        elif role == "due":
            changes["due"] = parse_due(value) or item.due
            if changes["due"] is None and status_word(value) == "done":
                changes["status"] = "done"  # a Target date cell that says "done"
        elif role == "priority":
            changes["priority"] = normalize_priority(value)
        elif role == "type":
            changes["type"] = normalize_type(value)
        elif role == "id":
            changes["explicit_id"] = value
            if ticket_in_text(value) == value and "tracker_ref" not in changes:
                changes["tracker_ref"] = value  # an ID column of ticket keys (PAY-2201)
        elif role in ("status", "ref"):
            flag = _CELL_FLAG.search(value)  # the SRE book writes "Bug 5554823 **TODO**"
            word = status_word(value) or (status_word(flag.group()) if flag else None)
            if word:
                changes["status"] = word
            if role == "ref":
                rest = _CELL_FLAG.sub("", value).strip(" -–—:")
                url = next((u for u in links if ticket_in_url(u)), None)
                free_text = (
                    rest if re.search(r"\d", rest) and not _NOT_A_REF.fullmatch(rest) else None
                )
                changes["tracker_ref"] = url or ticket_in_text(rest) or free_text
    return replace_item(item, changes)


def replace_item(item: ParsedItem, changes: dict[str, object]) -> ParsedItem:
    return item.model_copy(update={k: v for k, v in changes.items() if v is not None})


__all__ = ["column_roles", "table_items"]
