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
from tracker.metadata import meta_part, read_facts
from tracker.model import ParsedItem
from tracker.sections import Block, Heading, Label, Paragraph, Section, Unit
from tracker.tables import table_items

_BULLET = re.compile(
    r"^[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u2013\u2014\u27a2\u2192\u25ba*+-]\s*"
)
_GROUP_LABEL_WORDS = 8
# "The following measures will be taken." / "With these changes we believe ..."
_INTRO = re.compile(r"\bfollowing\b|\bas follows\b|:$", re.I)
_CONCLUSION = re.compile(
    r"(?:with|by|through|after) (?:these|this|the above|all)\b|(?:these|the above|together|overall|"
    r"in summary|in short|all in all)\b",
    re.I,
)


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
    paragraphs = [u for u in group.units if isinstance(u, Paragraph)]
    if len(paragraphs) >= 3:  # prose with an introduction and a conclusion around the measures
        if _INTRO.search(_text(paragraphs[0])):
            paragraphs = paragraphs[1:]
        if _CONCLUSION.match(_text(paragraphs[-1])):
            paragraphs = paragraphs[:-1]
    for unit in paragraphs:
        yield from _prose_items(unit.lines, section, group.label)


def _text(paragraph: Paragraph) -> str:
    return " ".join(line.text for line in paragraph.lines)


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
        yield _with_detail_facts(item, blocks[1:])


def _with_detail_facts(item: ParsedItem, blocks: list[SyntaxTreeNode]) -> ParsedItem:
    """Fill what the item's first paragraph left open from its details.

    "[issue](...)" at the end of a later paragraph gives the ticket; sub-bullets such as
    "Owner: Bob", "Ticket: OPS-2041", "Due: 2024-05-01" give those fields.
    """
    found: dict[str, object] = {}
    paragraphs = [ln for b in blocks if b.type == "paragraph" for ln in inline_lines(b)]
    if paragraphs:
        text = " ".join(ln.text for ln in paragraphs)
        found["tracker_ref"] = read_facts(
            text, [u for ln in paragraphs for u in ln.links]
        ).tracker_ref
    for block in blocks:
        if block.type not in ("bullet_list", "ordered_list"):
            continue
        for entry in block.children:
            lines = inline_lines(entry.children[0]) if entry.children else []
            part = meta_part(lines[0].text) if len(lines) == 1 and ":" in lines[0].text else None
            for key, value in (part or {}).items():
                found.setdefault(key, value)
    missing = {k: v for k, v in found.items() if v is not None and getattr(item, k) is None}
    return item.model_copy(update=missing) if missing else item


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
