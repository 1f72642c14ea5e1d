"""Turn the content of one measures section into items.

Within a section, content is split into groups at sub-headings and labels. A group that holds
structure (lists, tables, bold-title paragraphs, lines starting with a bullet glyph) yields that
structure, and its plain prose is read as introduction or conclusion. A group of prose only
yields one item per paragraph, or one per line when the lines are a list typed without markers.
A sub-heading that states a measure ("### 1. Add disk alerts") over prose is itself the item.
When a section holds an action-item table, the table is the list of items: lists beside it
define vocabulary (types, priorities), they are not measures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tracker.model import ParsedItem
from tracker.parse.entries import fill_missing, list_items, make_item, prose_facts
from tracker.parse.explain import skipped, taken
from tracker.parse.markdown import Line, plain_text
from tracker.parse.nonmeasures import measures_only
from tracker.parse.prose import (
    glyph_items,
    has_glyph_bullets,
    is_line_list,
    prose_items,
    trim_intro_and_conclusion,
)
from tracker.parse.sections import NUMBERED, Block, Heading, Label, Paragraph, Section, Unit
from tracker.parse.tables import table_items

_ITEM_HEADING_WORDS = 4
# "We restored access by:" introduces steps already taken, not measures.
_PAST_INTRO = re.compile(
    r"\b(?:we|i|they|the team|engineers?|on-?call)\s+(?:\w+ed|did|took|made|ran|built|got|had|"
    r"put|set|rolled back|brought|gave|wrote|found|kept)\b",
    re.I,
)
_DONE_INTRO = re.compile(r"(?:\bby|taken|performed|done|carried out|following steps)\s*:$", re.I)
_FUTURE = re.compile(r"\b(?:will|'ll|going to|plan|should|must|need|want)\b", re.I)


@dataclass
class Group:
    head: Heading | Label | None
    units: list[Unit] = field(default_factory=list)

    @property
    def label(self) -> str | None:
        return self.head.title if self.head else None


def section_items(section: Section) -> list[ParsedItem]:
    groups = _groups(section)
    has_table = any(
        isinstance(u, Block)
        and u.node.type == "table"
        and measures_only(table_items(u.node, section.title, None))
        for g in groups
        for u in g.units
    )
    items: list[ParsedItem] = []
    headed = any(_is_item_heading(g) for g in groups)
    for index, group in enumerate(groups):
        if _is_item_heading(group):
            items.append(_heading_item(group, section.title))
        elif index == 0 and headed and not any(_is_structured(u) for u in group.units):
            continue  # prose before measures written as sub-headings introduces them
        else:
            # Beside a table of measures, lists are vocabulary, unless a label says they are
            # measures too ("Other fixes:").
            named = group.head is not None and group.head.kind == "measures"
            items.extend(_group_items(group, section.title, tables_only=has_table and not named))
    return measures_only(items)


def _groups(section: Section) -> list[Group]:
    groups = [Group(None)]
    for unit in section.units:
        if isinstance(unit, Heading | Label):
            groups.append(Group(unit))
        else:
            groups[-1].units.append(unit)
    return groups


def _is_item_heading(group: Group) -> bool:
    """A sub-heading that is a measure: numbered, or a phrase, with only prose under it."""
    head = group.head
    if not isinstance(head, Heading) or any(isinstance(u, Block) for u in group.units):
        return False
    if NUMBERED.match(head.title):
        return True
    return head.kind != "measures" and len(head.title.split()) >= _ITEM_HEADING_WORDS


def _heading_item(group: Group, section: str) -> ParsedItem:
    assert isinstance(group.head, Heading)
    title = NUMBERED.sub("", group.head.title)
    lines = [ln for u in group.units if isinstance(u, Paragraph) for ln in u.lines]
    details = "\n".join(ln.text for ln in lines) or None
    item = make_item([Line(text=title, number=group.head.line)], section, None, details=details)
    taken(item.line, item.text, "sub-heading stating a measure")
    return fill_missing(item, prose_facts(lines))


def _group_items(group: Group, section: str, *, tables_only: bool) -> Iterator[ParsedItem]:
    structured = [u for u in group.units if _is_structured(u)]
    if not structured:  # a list typed without markers is the group's structure
        structured = [u for u in group.units if isinstance(u, Paragraph) and is_line_list(u.lines)]
    if tables_only:
        for unit in structured:
            if isinstance(unit, Block) and unit.node.type == "table":
                yield from _noted(table_items(unit.node, section, group.label), "table row")
            else:
                _skip_unit(unit, "beside a table of measures: a list of terms, not measures")
        return
    if structured:
        previous: Unit | Label | Heading | None = group.head
        for unit in group.units:
            if unit in structured and _follows_past_intro(unit, previous):
                _skip_unit(unit, "a list of steps already taken (after 'We ... by:')")
            elif unit in structured:
                yield from _structured_items(unit, section, group.label)
            previous = unit
        return
    every = [u.lines for u in group.units if isinstance(u, Paragraph)]
    paragraphs = trim_intro_and_conclusion(every)
    for lines in every:
        if lines not in paragraphs:
            skipped(lines[0].number, " ".join(ln.text for ln in lines), "introduces or concludes")
    for lines in paragraphs:
        yield from _noted(prose_items(lines, section, group.label), "prose in a measures section")


def _noted(items: Iterable[ParsedItem], rule: str) -> Iterator[ParsedItem]:
    """The items, each noted as found by `rule` (for `track parse --explain`)."""
    for item in items:
        taken(item.line, item.text, rule)
        yield item


def _skip_unit(unit: Unit, why: str) -> None:
    if isinstance(unit, Block) and unit.node.map:
        skipped(unit.node.map[0] + 1, plain_text(unit.node).split("\n")[0], why)


def _follows_past_intro(unit: Unit, previous: Unit | Label | Heading | None) -> bool:
    """A list right after "We restored access by:" lists steps taken, not measures."""
    if not isinstance(unit, Block):
        return False
    if isinstance(previous, Paragraph):
        intro = previous.lines[-1].text
    elif isinstance(previous, Label):
        intro = previous.title + ":"
    else:
        return False
    past = _PAST_INTRO.search(intro) and _DONE_INTRO.search(intro)
    return bool(past) and not _FUTURE.search(intro)


def _is_structured(unit: Unit) -> bool:
    if isinstance(unit, Block):
        return True
    if isinstance(unit, Paragraph):
        return bool(unit.lines[0].lead_bold) or has_glyph_bullets(unit.lines)
    return False


def _structured_items(unit: Unit, section: str, group: str | None) -> Iterator[ParsedItem]:
    if isinstance(unit, Block):
        if unit.node.type == "table":
            yield from _noted(table_items(unit.node, section, group), "table row")
        else:
            yield from list_items(unit.node, section, group)
    elif isinstance(unit, Paragraph):
        if unit.lines[0].lead_bold:
            yield from _noted([make_item(unit.lines, section, group)], "bold-title paragraph")
        elif has_glyph_bullets(unit.lines):
            yield from _noted(glyph_items(unit.lines, section, group), "line with a bullet glyph")
        else:
            yield from _noted(prose_items(unit.lines, section, group), "line of a plain list")
