"""Turn the content of one measures section into items.

Within a section, content is split into groups at sub-headings and labels. A group that holds
structure (lists, tables, bold-title paragraphs, lines starting with a bullet glyph) yields that
structure, and its plain prose is read as introduction or conclusion. A group of prose only
yields one item per paragraph, or one per line when the lines are a list typed without markers.
When a section holds an action-item table, the table is the list of items: lists beside it
define vocabulary (types, priorities), they are not measures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from tracker.markdown import Line, comments_in, inline_lines, plain_text
from tracker.metadata import read_facts
from tracker.model import ParsedItem
from tracker.sections import Block, Heading, Label, Paragraph, Section, Unit
from tracker.tables import table_items

_BULLET = re.compile(
    r"^[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u2013\u2014\u27a2\u2192\u25ba*+-]\s*"
)
_GROUP_LABEL_WORDS = 8


@dataclass
class Group:
    label: str | None
    units: list[Unit] = field(default_factory=list)


def section_items(section: Section) -> list[ParsedItem]:
    groups = _groups(section)
    has_table = any(
        isinstance(u, Block) and u.node.type == "table" and table_items(u.node, section.title, None)
        for g in groups
        for u in g.units
    )
    items: list[ParsedItem] = []
    for group in groups:
        items.extend(_group_items(group, section.title, tables_only=has_table))
    return [item for item in items if item.text]  # "Owner: @x" alone says no measure


def _groups(section: Section) -> list[Group]:
    groups = [Group(None)]
    for unit in section.units:
        if isinstance(unit, Heading | Label):
            groups.append(Group(unit.title))
        else:
            groups[-1].units.append(unit)
    return groups


def _group_items(group: Group, section: str, *, tables_only: bool) -> Iterator[ParsedItem]:
    structured = [u for u in group.units if _is_structured(u)]
    if not structured:  # a list typed without markers is the group's structure
        structured = [u for u in group.units if isinstance(u, Paragraph) and _is_line_list(u.lines)]
    if tables_only:
        for unit in structured:
            if isinstance(unit, Block) and unit.node.type == "table":
                yield from table_items(unit.node, section, group.label)
        return
    if structured:
        for unit in structured:
            yield from _structured_items(unit, section, group.label)
        return
    for unit in group.units:
        if isinstance(unit, Paragraph):
            yield from _prose_items(unit.lines, section, group.label)


def _is_structured(unit: Unit) -> bool:
    if isinstance(unit, Block):
        return True
    if isinstance(unit, Paragraph):
        first = unit.lines[0]
        return bool(first.lead_bold) or any(_BULLET.match(ln.text) for ln in unit.lines)
    return False


def _structured_items(unit: Unit, section: str, group: str | None) -> Iterator[ParsedItem]:
    if isinstance(unit, Block):
        if unit.node.type == "table":
            yield from table_items(unit.node, section, group)
        else:
            yield from list_items(unit.node, section, group)
    elif isinstance(unit, Paragraph):
        if unit.lines[0].lead_bold:
            yield make_item(unit.lines, section, group)
        elif any(_BULLET.match(ln.text) for ln in unit.lines):
            for line in unit.lines:
                if _BULLET.match(line.text):
                    yield make_item([_unbullet(line)], section, group)
        else:
            yield from _prose_items(unit.lines, section, group)


def _prose_items(lines: list[Line], section: str, group: str | None) -> Iterator[ParsedItem]:
    if _is_line_list(lines):
        for line in lines:
            if not line.text.endswith(":"):
                yield make_item([_unbullet(line)], section, group)
    elif not lines[-1].text.endswith(":"):
        yield make_item(lines, section, group)


def _is_line_list(lines: list[Line]) -> bool:
    """Lines typed one measure per line, without list markers (not wrapped prose)."""
    if len(lines) < 2:
        return False
    starts = all(re.match(r"[\W_]*[A-Z0-9]", ln.text) for ln in lines[1:])
    ends = all(ln.text.endswith((".", "!", "?", ":", ")")) for ln in lines[:-1])
    return starts and (ends or len(lines) >= 3)


def _unbullet(line: Line) -> Line:
    text = _BULLET.sub("", line.text, count=1)
    return Line(
        text=text,
        links=line.links,
        comments=line.comments,
        number=line.number,
        struck=line.struck,
        checked=line.checked,
    )


def list_items(node: SyntaxTreeNode, section: str, group: str | None) -> Iterator[ParsedItem]:
    """One item per list entry; group-label entries yield their children instead."""
    for entry in node.children:
        blocks = entry.children
        lines = inline_lines(blocks[0]) if blocks and blocks[0].type == "paragraph" else []
        nested = [b for b in blocks[1:] if b.type in ("bullet_list", "ordered_list")]
        if not lines:
            for child in nested:
                yield from list_items(child, section, group)
            continue
        if _is_group_label(lines, nested):
            label = lines[0].text.rstrip(":").strip()
            for line in lines[1:]:
                yield make_item([_unbullet(line)], section, label)
            for child in nested:
                yield from list_items(child, section, label)
            continue
        details = "\n".join(plain_text(b) for b in blocks[1:]).strip() or None
        item = make_item(lines, section, group, details=details, extra_comments=comments_in(entry))
        if item.tracker_ref is None:  # "[issue](...)" at the end of the item's last paragraph
            more = [ln for b in blocks[1:] if b.type == "paragraph" for ln in inline_lines(b)]
            ref = read_facts(" ".join(ln.text for ln in more), [u for ln in more for u in ln.links])
            item = item.model_copy(update={"tracker_ref": ref.tracker_ref})
        yield item


def _is_group_label(lines: list[Line], nested: list[SyntaxTreeNode]) -> bool:
    head = lines[0]
    if not nested and len(lines) < 2:
        return False
    if len(head.text.split()) > 25:
        return False
    if head.text.endswith(":"):
        return True
    bold_only = head.lead_bold and not head.after_bold
    return bool(
        bold_only and len(head.text.split()) <= _GROUP_LABEL_WORDS and not head.text.endswith(".")
    )


def make_item(
    lines: list[Line],
    section: str,
    group: str | None,
    *,
    details: str | None = None,
    extra_comments: list[str] | None = None,
) -> ParsedItem:
    text = " ".join(ln.text for ln in lines)
    links = [url for ln in lines for url in ln.links]
    comments = [c for ln in lines for c in ln.comments] + (extra_comments or [])
    facts = read_facts(text, links, comments)
    status = facts.status
    if status is None and lines[0].checked is not None:
        status = "done" if lines[0].checked else "open"
    if status is None and all(ln.struck for ln in lines):
        status = "done"
    return ParsedItem(
        text=facts.text,
        owner=facts.owner,
        due=facts.due,
        priority=facts.priority,
        type=facts.type,
        status=status,  # type: ignore[arg-type]
        tracker_ref=facts.tracker_ref,
        explicit_id=facts.explicit_id,
        section=section,
        group=group,
        details=details,
        line=lines[0].number,
    )
