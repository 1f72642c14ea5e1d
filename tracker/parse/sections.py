"""Find the measures sections of a document.

The document is read as a flat run of `Unit`s: headings, label lines (a bold or short line such
as "**Action Items:**" or "Corrective and Preventative Measures"), paragraphs, and blocks
(lists, tables). A heading that names measures opens a section that runs to the next heading of
the same or a higher level; a label opens one that runs to the next heading, rule, or label of
another kind of section. Inside a section, sub-headings and labels start new groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from tracker.parse.markdown import Line, inline_lines
from tracker.parse.vocabulary import Kind, Vocabulary

BLOCK_TYPES = ("bullet_list", "ordered_list", "table")
_MAX_LABEL_WORDS = 8
_MAX_PREFIX_WORDS = 6
_SECTION_NAME_WORDS = 5
NUMBERED = re.compile(r"^\d+[.)]\s+")


@dataclass
class Heading:
    level: int
    title: str
    kind: Kind | None
    line: int


@dataclass
class Label:
    title: str
    kind: Kind | None
    line: int
    strong: bool = False  # names measures outright ("Action items"), not just "Fixes"
    rest: str = ""  # text after the label on the same line


@dataclass
class Paragraph:
    lines: list[Line]


@dataclass
class Block:
    node: SyntaxTreeNode


@dataclass
class Rule:
    pass


Unit = Heading | Label | Paragraph | Block | Rule


@dataclass
class Section:
    title: str
    line: int
    level: int | None  # heading level; None for a section opened by a label
    units: list[Unit] = field(default_factory=list)
    strong: bool = True  # named outright ("Action items"), not only "Tasks" or "Improvements"


def units_of(root: SyntaxTreeNode, vocabulary: Vocabulary) -> list[Unit]:
    """The top-level content of a document as units, in order."""
    units: list[Unit] = []
    for node in root.children:
        if node.type == "heading":
            lines = inline_lines(node)
            title = " ".join(ln.text for ln in lines)
            line = lines[0].number if lines else 0
            units.append(Heading(int(node.tag[1:]), title, vocabulary.classify(title), line))
        elif node.type == "paragraph":
            units.extend(_paragraph_units(inline_lines(node), vocabulary))
        elif node.type in BLOCK_TYPES:
            units.append(Block(node))
        elif node.type == "hr":
            units.append(Rule())
    return units


def _paragraph_units(lines: list[Line], vocabulary: Vocabulary) -> list[Unit]:
    units: list[Unit] = []
    pending: list[Line] = []
    for index, line in enumerate(lines):
        label = as_label(line, vocabulary)
        if label is not None and index and label[1] and vocabulary.classify(label[0]) != "measures":
            label = None  # "Status: done." inside a paragraph is a field, not a section
        if label is None:
            pending.append(line)
            continue
        title, rest = label
        if pending:
            units.append(Paragraph(pending))
            pending = []
        kind = vocabulary.classify(title)
        units.append(Label(title, kind, line.number, strong=vocabulary.is_strong(title), rest=rest))
        if rest:
            pending.append(
                Line(text=rest, links=line.links, comments=line.comments, number=line.number)
            )
    if pending:
        units.append(Paragraph(pending))
    return units


def as_label(line: Line, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """(title, rest of line) when the line is a section label, else None.

    Labels: a line that starts in bold ("**Action Items:**", "**Root Cause:** text"), a short
    line ending in a colon, or a short line that names a known section ("Action Items").
    """
    if line.lead_bold:
        title = line.lead_bold.rstrip(": ").strip()
        rest = re.sub(r"^[\s:.\-–—]+", "", line.after_bold)
        if not re.search(r"[^\W\d_]", rest):
            rest = ""
        bare = line.lead_bold.endswith(":") or line.after_bold.startswith(":") or not rest
        if title and bare and (vocabulary.classify(title) or not rest):
            return title, rest
        return None
    text = line.text
    head, colon, rest = text.partition(":")
    words = len(head.split())
    if colon and 0 < words <= _MAX_PREFIX_WORDS and not re.search(r"\d", head):
        if vocabulary.classify(head) or not rest.strip():
            return head.strip(), rest.strip()
        return None
    short = words <= _MAX_LABEL_WORDS and not text.endswith((".", "!", "?", ","))
    if not colon and short and vocabulary.classify(text):
        return text, ""
    return None


def find_sections(units: list[Unit], vocabulary: Vocabulary) -> list[Section]:
    """The measures sections among `units`, in document order."""
    sections: list[Section] = []
    current: Section | None = None
    under_other = False  # inside a heading section known not to hold measures
    for unit in units:
        if isinstance(unit, Heading):
            if current is not None and _inside(current, unit):
                current.units.append(unit)
                continue
            current = None
            under_other = unit.kind == "other"
            if unit.kind == "measures":
                current = Section(
                    unit.title, unit.line, unit.level, strong=vocabulary.is_strong(unit.title)
                )
                sections.append(current)
        elif isinstance(unit, Label):
            if _opens_section(unit, current, under_other):
                current = Section(unit.title, unit.line, None, strong=unit.strong)
                sections.append(current)
            elif unit.kind == "other" and (
                not unit.rest or current is None or current.level is None
            ):
                current = None  # "Lessons learned", or "Root cause: ..." after a label section
            elif current is not None:
                current.units.append(unit)
        elif isinstance(unit, Rule):
            if current is not None and current.level is None:
                current = None
        elif current is not None:
            current.units.append(unit)
    return sections


def _opens_section(label: Label, current: Section | None, under_other: bool) -> bool:
    """A label opens a section outside heading-made sections, unless it is a note.

    "TODO: k-dev email" (a label followed by a remark) is a note; "Fixes:" under a
    "Resolution" heading lists what was done, not what will be.
    """
    if label.kind != "measures" or (current is not None and current.level is not None):
        return False
    if current is not None and not label.strong:
        return False  # "Tasks:" inside "Corrective measures" starts a group
    if label.rest and not label.rest.endswith(":"):
        return False
    return label.strong or not under_other


def _inside(section: Section, heading: Heading) -> bool:
    """Whether `heading` is a sub-heading of `section` rather than the start of a new part.

    Under a heading that names measures outright ("## Follow-ups"), every deeper heading is a
    group of it, even one whose words name another section elsewhere ("### Detection",
    "### Lessons learned"). Under a weak one ("# ... Actions workflow", a title), a short
    sub-heading naming another section ("## Timeline") ends it; a numbered or long one
    ("### 3. Add the recovery steps to the runbook") does not.
    """
    if section.level is None or heading.level <= section.level:
        return False
    if section.strong:
        return True
    names_a_section = len(heading.title.split()) <= _SECTION_NAME_WORDS and not NUMBERED.match(
        heading.title
    )
    return heading.kind != "other" or not names_a_section
