"""List entries and the item each one makes.

An entry is an item; its sub-bullets and later paragraphs are its details. An entry that is
only a group label ("Monitoring:", a short bold phrase) yields its children instead, and so
does a lesson whose children are labelled "Action:" (only those children are measures).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.tree import SyntaxTreeNode

from tracker.model import ParsedItem
from tracker.parse.explain import skipped, taken
from tracker.parse.markdown import Line, comments_in, inline_lines, plain_text
from tracker.parse.metadata import read_facts
from tracker.parse.nonmeasures import is_placeholder
from tracker.parse.phrases import UNASSIGNED, meta_part, ticket_in_text
from tracker.parse.segments import parts_facts

BULLET = re.compile(
    r"^([\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u2013\u2014\u27a2\u2192\u25ba*+-])\s*"
)
_GROUP_LABEL_WORDS = (
    5  # "**Monitoring and alerting**" labels a group; a longer bold line is a measure
)
_DONE_DETAIL = re.compile(r"^(?:done|completed|fixed|shipped|finished)\b", re.I)
_LIST_TYPES = ("bullet_list", "ordered_list")
# A child entry that names itself a measure: "**Action:** Generate the Service from the chart."
_ACTION_LABEL = re.compile(
    r"^(?:action(?: item)?|follow[- ]?up|todo|to-do|next step|fix|remediation)\s*:\s*", re.I
)


def list_items(node: SyntaxTreeNode, section: str, group: str | None) -> Iterator[ParsedItem]:
    """One item per list entry; group-label entries yield their children instead."""
    if any(_has_labelled_actions(entry) for entry in node.children):
        # Lessons, each with "Action: ..." children: only those children are measures.
        for entry in node.children:
            lines = inline_lines(entry.children[0]) if entry.children else []
            context = lines[0].text.rstrip(":") if lines else group
            for child in entry.children[1:]:
                if child.type in _LIST_TYPES:
                    yield from _labelled_actions(child, section, context)
        return
    for entry in node.children:
        blocks = entry.children
        lines = inline_lines(blocks[0]) if blocks and blocks[0].type == "paragraph" else []
        nested = [b for b in blocks[1:] if b.type in _LIST_TYPES]
        if not lines:
            for child in nested:
                yield from list_items(child, section, group)
        elif _is_group_label(lines, nested):
            label = lines[0].text.rstrip(":").strip()
            skipped(lines[0].number, label, "a group label: its entries are the measures")
            for line in lines[1:]:
                item = make_item([unbullet(line)], section, label)
                taken(item.line, item.text, f"line under the group label {label!r}")
                yield item
            for child in nested:
                yield from list_items(child, section, label)
        elif any(_own_measures(child) for child in nested):
            # A task with sub-task checkboxes: the parent is a measure, and so is each child.
            rest = [b for b in blocks[1:] if b.type not in _LIST_TYPES]
            details = "\n".join(plain_text(b) for b in rest).strip() or None
            item = make_item(lines, section, group, details=details, extra=comments_in(blocks[0]))
            taken(item.line, item.text, "list entry with sub-tasks")
            yield with_detail_facts(item, rest)
            for child in nested:
                yield from list_items(child, section, lines[0].text)
        else:
            details = "\n".join(plain_text(b) for b in blocks[1:]).strip() or None
            item = make_item(lines, section, group, details=details, extra=comments_in(entry))
            taken(item.line, item.text, "list entry" + (f" under {group!r}" if group else ""))
            yield with_detail_facts(item, blocks[1:])


def _is_task_list(node: SyntaxTreeNode) -> bool:
    """A list whose entries carry checkboxes (`- [ ]`, `- [x]`)."""
    for entry in node.children:
        first = entry.children[0] if entry.children else None
        lines = inline_lines(first) if first is not None and first.type == "paragraph" else []
        if lines and lines[0].checked is not None:
            return True
    return False


def _has_labelled_actions(entry: SyntaxTreeNode) -> bool:
    for child in entry.children[1:]:
        if child.type in _LIST_TYPES:
            for sub in child.children:
                lines = inline_lines(sub.children[0]) if sub.children else []
                if lines and _ACTION_LABEL.match(lines[0].text):
                    return True
    return False


def _labelled_actions(
    node: SyntaxTreeNode, section: str = "", group: str | None = None
) -> list[ParsedItem]:
    found: list[ParsedItem] = []
    for entry in node.children:
        lines = inline_lines(entry.children[0]) if entry.children else []
        label = _ACTION_LABEL.match(lines[0].text) if lines else None
        if label is None:
            continue
        first = Line(**{**lines[0].__dict__, "text": lines[0].text[label.end() :]})
        if first.text and not is_placeholder(first.text):
            found.append(make_item([first, *lines[1:]], section, group))
            taken(first.number, first.text, f"{label.group(0).strip()!r} child of a lesson")
    return found


def _is_group_label(lines: list[Line], nested: list[SyntaxTreeNode]) -> bool:
    head = lines[0]
    if not nested and len(lines) < 2:
        return False
    if len(head.text.split()) > 25:
        return False
    if head.text.endswith(":"):
        return True
    if nested and all(_only_fields(child) for child in nested):
        return False  # "**Expand the cluster**" over "Owner: x", "Due: y": one measure
    bold_only = head.lead_bold and not head.after_bold
    short = len(head.text.split()) <= _GROUP_LABEL_WORDS
    return bool(bold_only and short and not head.text.endswith("."))


def _only_fields(node: SyntaxTreeNode) -> bool:
    """A list whose every entry is a field of its parent ("Owner: Bob", "Status: open")."""
    for entry in node.children:
        lines = inline_lines(entry.children[0]) if entry.children else []
        if len(lines) != 1 or field_line(lines[0].text) is None:
            return False
    return bool(node.children)


_MAYBE_OWN = re.compile(r"\d|@|:|[—–·|(]")  # an owner or a date needs one of these


def _own_measures(node: SyntaxTreeNode) -> bool:
    """Nested entries that are measures of their own: checkboxes, or text that names its own
    owner or due date ("Order the hardware – Owner: Jörg Brandt, by 17 May 2024")."""
    if _is_task_list(node):
        return True
    for entry in node.children:
        lines = inline_lines(entry.children[0]) if entry.children else []
        if not lines or not _MAYBE_OWN.search(lines[0].text):
            continue
        if field_line(lines[0].text) is not None:
            continue
        item = make_item(lines[:1], "", None)
        if item.text and (item.owner or item.due) and not _only_fields(node):
            return True
    return False


def with_detail_facts(item: ParsedItem, blocks: list[SyntaxTreeNode]) -> ParsedItem:
    """Fill what the item's own text left open from its details.

    Later paragraphs give metadata written in prose ("Owner: Bob. Tracked in OPS-12",
    "[issue](...)"); sub-bullets such as "Owner: Bob", "Ticket: OPS-2041", "Due: 2024-05-01"
    give those fields.
    """
    found = prose_facts([ln for b in blocks if b.type == "paragraph" for ln in inline_lines(b)])
    for block in blocks:
        if block.type not in _LIST_TYPES:
            continue
        for entry in block.children:
            lines = inline_lines(entry.children[0]) if entry.children else []
            for key, value in _detail_line_facts(lines).items():
                if found.get(key) is None:
                    found[key] = value
    return fill_missing(item, found)


def _detail_line_facts(lines: list[Line]) -> dict[str, object]:
    """'Owner: Bob', 'Ticket: OPS-1', or 'done on 2025-02-03, see change CHG-1190'."""
    if len(lines) != 1:
        return {}
    text = lines[0].text
    if _DONE_DETAIL.match(text):
        return {"status": "done", "tracker_ref": ticket_in_text(text)}
    return (meta_part(text) or {}) if ":" in text else {}


def prose_facts(lines: list[Line]) -> dict[str, object]:
    """Owner, due date, ticket and a stated status from paragraphs of explanation."""
    if not lines:
        return {}
    text = " ".join(ln.text for ln in lines)
    facts = read_facts(text, [u for ln in lines for u in ln.links])
    return {
        "owner": facts.owner,
        "due": facts.due,
        "tracker_ref": facts.tracker_ref,
        "status": _stated_status(text),
    }


def fill_missing(item: ParsedItem, found: dict[str, object]) -> ParsedItem:
    missing = {k: v for k, v in found.items() if v is not None and getattr(item, k) is None}
    return item.model_copy(update=missing) if missing else item


def _stated_status(text: str) -> str | None:
    """A status the details state as a field: 'Status: done.'"""
    match = re.search(r"\bstatus\s*:\s*([\w ']+)", text, re.I)
    part = meta_part(f"status: {match.group(1)}") if match else None
    value = (part or {}).get("status")
    return value if isinstance(value, str) else None


def strip_bullet(text: str) -> str:
    return BULLET.sub("", text, count=1)


def unbullet(line: Line) -> Line:
    """The line without a bullet glyph typed as text ("• ", "– ")."""
    return Line(**{**line.__dict__, "text": strip_bullet(line.text)})


def make_item(
    lines: list[Line],
    section: str,
    group: str | None,
    *,
    details: str | None = None,
    extra: list[str] | None = None,
) -> ParsedItem:
    """The item `lines` state, with its metadata read and consumed from the text. Lines after
    the first that are only fields ("Responsabile: Luca Ferri", "Échéance : 19 avril 2024 —
    Statut : Fait") give the item's metadata and are not part of its text."""
    fields: dict[str, object] = {}
    while len(lines) > 1 and (said := field_line(lines[-1].text)) is not None:
        fields = {**said, **fields}
        lines = lines[:-1]
    text = " ".join(ln.text for ln in lines)
    links = [url for ln in lines for url in ln.links]
    comments = [c for ln in lines for c in ln.comments] + (extra or [])
    facts = read_facts(text, links, comments)
    status = facts.status
    if status is None and lines[0].checked is not None:
        status = "done" if lines[0].checked else "open"
    if status is None and all(ln.struck for ln in lines):
        status = "done"
    item = ParsedItem(
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
    if fields.get("owner") == UNASSIGNED:
        fields["owner"] = None
    return fill_missing(item, fields)


_LABELLED = re.compile(r"[^\W\d_][^:]{0,40}\s*:\s*\S")


def field_line(text: str) -> dict[str, object] | None:
    """What a line made only of labelled fields says ("Owner: Bob — Due: 2024-05-01"), or None."""
    if not _LABELLED.match(text):
        return None
    found: dict[str, object] = {}
    for piece in re.split(r"\s+[·•|—–]\s+|\s+-\s+", text):
        said = parts_facts(piece.strip().rstrip("."), strict=True)
        if said is None:
            return None
        for key, value in said.items():
            found.setdefault(key, value)
    return found or None
