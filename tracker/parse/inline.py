"""Measures marked inline, outside every measures section.

A paragraph line or a list entry that starts with a marker of the language tables ("Action
item:", "Action point:", "AI:", "Follow-up:", "TODO:", "Acción:", "Maßnahme:", "対応：", ...)
is a measure wherever it stands, e.g. inside "Lessons learned"; it runs to the end of its
paragraph. So is a list entry tagged in capitals as a status (`DONE:`, `TODO:`, `DOING:`,
`[DONE]`), as lessons are tagged. In timelines and appendices only a paragraph marked as an
action counts: their lists are the record, and a "TODO:" there is a note about the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.tree import SyntaxTreeNode

from tracker.model import ParsedItem
from tracker.parse.entries import make_item
from tracker.parse.explain import UNTAKEN_COMMITMENT, skipped, taken
from tracker.parse.lexicon import Lexicon, current
from tracker.parse.markdown import Line, inline_lines, plain_text
from tracker.parse.nonmeasures import measures_only
from tracker.parse.phrases import status_word
from tracker.parse.sections import Block, Heading, Label, Paragraph, Section, Unit
from tracker.parse.vocabulary import Vocabulary

_LIST_TYPES = ("bullet_list", "ordered_list")
_TAG = re.compile(r"^(?:\[(?:DONE|TODO|DOING|WIP)\]|(?:DONE|TODO|DOING|WIP)\b[^:]{0,12}:)")


class _Markers:
    def __init__(self, lexicon: Lexicon) -> None:
        self.marker = re.compile(rf"^{lexicon.words('markers', start=True)}\s*:\s*(?=\S)", re.I)
        # "... ce genre de dérive. Action : allonger les tests": a marker after a sentence
        self.inside = re.compile(rf"(?<=[.!?])\s+(?={lexicon.words('markers')}\s*:\s*\S)", re.I)
        self.label = re.compile(rf"{lexicon.words('markers', start=True)}$", re.I)
        self.supporting = re.compile(lexicon.words("supporting"), re.I)
        self.commitment = re.compile(lexicon.words("commitments", start=True), re.I)


def _markers() -> _Markers:
    return current().cached(_Markers)


def _marker() -> re.Pattern[str]:
    return _markers().marker


def inline_items(
    units: list[Unit], sections: list[Section], vocabulary: Vocabulary
) -> list[ParsedItem]:
    """Items marked inline in the units that no measures section holds."""
    inside = {id(unit) for section in sections for unit in section.units}
    found: list[ParsedItem] = []
    heading = ""
    skip: int | None = None  # the level of the timeline or appendix heading we are under
    label: Label | None = None  # the marker label just before this unit
    for unit in units:
        after, label = label, None
        if isinstance(unit, Heading):
            heading = unit.title
            if skip is not None and unit.level <= skip:
                skip = None
            if skip is None and _markers().supporting.search(unit.title):
                skip = unit.level
            continue
        if id(unit) in inside:
            continue
        if skip is not None:
            # In a timeline or an appendix only a paragraph marked as an action counts: a list
            # there is the record, and a "TODO:" is a note about the document.
            if isinstance(unit, Paragraph):
                found += [i for i in _from_lines(unit.lines, heading) if i.status is None]
            continue
        if isinstance(unit, Label):
            # "Follow-up: switch the input ...": a label, the rest of its line the paragraph after
            label = unit if unit.rest and _markers().label.match(unit.title) else None
        elif isinstance(unit, Paragraph) and after is not None:
            item = _marked(make_item(unit.lines, heading, None), after.title)
            taken(item.line, item.text, f"inline label {after.title!r}, outside a section")
            found.append(item)
        elif isinstance(unit, Paragraph):
            found += _from_lines(unit.lines, heading)
        elif isinstance(unit, Block) and unit.node.type in _LIST_TYPES:
            found += _from_list(unit.node, heading)
    return measures_only(found)


def _from_lines(lines: list[Line], heading: str) -> Iterator[ParsedItem]:
    """From each line that starts with a marker to the next such line or the paragraph's end;
    a marker after a sentence inside a line starts a line of its own."""
    lines = [
        Line(**{**line.__dict__, "text": piece})
        for line in lines
        for piece in _markers().inside.split(line.text)
    ]
    starts = [i for i, line in enumerate(lines) if _marker().match(line.text)]
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        first = lines[start]
        label = _marker().match(first.text)
        assert label is not None
        stripped = Line(**{**first.__dict__, "text": first.text[label.end() :]})
        item = _marked(
            make_item([stripped, *lines[start + 1 : end]], heading, None), label.group(0)
        )
        taken(item.line, item.text, f"inline label {label.group(0).strip()!r}, outside a section")
        yield item


def _marked(item: ParsedItem, marker: str) -> ParsedItem:
    """A marker that is a status word ("TODO:", "Pendiente:", "À faire :") says the item is open."""
    word = status_word(marker.strip(" :"))
    if item.status is None and word is not None:
        return item.model_copy(update={"status": word})
    return item


def _from_list(node: SyntaxTreeNode, heading: str) -> Iterator[ParsedItem]:
    for entry in node.children:
        blocks = entry.children
        lines = inline_lines(blocks[0]) if blocks and blocks[0].type == "paragraph" else []
        if lines and _TAG.match(lines[0].text):
            details = "\n".join(plain_text(b) for b in blocks[1:]).strip() or None
            item = make_item(lines, heading, None, details=details)
            taken(item.line, item.text, "status tag on a list entry outside a measures section")
            yield item
        elif lines:
            yield from _from_lines(lines, heading)
        for block in blocks[1:]:
            if block.type in _LIST_TYPES:
                yield from _from_list(block, heading)


def untaken_commitments(
    units: list[Unit], sections: list[Section], items: list[ParsedItem]
) -> None:
    """Note the lines outside every measures section that read like promises ("We will add
    ...") and that no rule took: what `track check` shows the author as possibly missed."""
    inside = {id(unit) for section in sections for unit in section.units}
    lines_taken = {item.line for item in items}
    skip: int | None = None
    for unit in units:
        if isinstance(unit, Heading):
            if skip is not None and unit.level <= skip:
                skip = None
            if skip is None and _markers().supporting.search(unit.title):
                skip = unit.level
            continue
        if id(unit) in inside or skip is not None:
            continue
        lines = unit.lines if isinstance(unit, Paragraph) else []
        if isinstance(unit, Block) and unit.node.type in _LIST_TYPES:
            lines = [
                ln
                for child in unit.node.walk()
                if child.type == "inline"
                for ln in inline_lines(child)
            ]
        for line in lines:
            if line.number not in lines_taken and _markers().commitment.match(line.text):
                skipped(line.number, line.text, UNTAKEN_COMMITMENT)
