"""Tables for people, at any width: ids, counts and percentages are never cut.

A table is laid out by hand rather than by rich's Table, whose last resort when space runs out
is to cut every column. Here every column but one is as wide as its widest cell; the one
flexible column (a title, a measure's text) takes what is left, shortened or wrapped. When
even that leaves it less than `MIN_FLEXIBLE` characters, a narrower layout is tried, and at
the end each row is printed as a block of its own.

Lines go through a rich `Console`, which decides on colour: only on a terminal, never with
`NO_COLOR` set. Off a terminal (a pipe, cron mail, a CI log) lines are written as plain text
directly, which keeps a 10,000-row table fast.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.console import Console
from rich.text import Span, Text

MIN_FLEXIBLE = 16
GAP = "  "

Cell = str | Text  # a Text cell carries one style for the whole cell (`Text(s, style=...)`)


@dataclass(frozen=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "left"
    flexible: Literal["", "shorten", "wrap"] = ""  # the one column that gives way


def _plain(cell: Cell) -> tuple[str, str]:
    if isinstance(cell, Text):
        return cell.plain, str(cell.style or "")
    return cell, ""


def table_lines(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> list[Text] | None:
    """The table as lines of at most `width` cells, or None when it does not fit."""
    cells = [[_plain(c) for c in row] for row in rows]
    widths = [
        max([cell_len(col.header), *(cell_len(row[i][0]) for row in cells)])
        for i, col in enumerate(columns)
    ]
    flex = next((i for i, col in enumerate(columns) if col.flexible), None)
    fixed = sum(w for i, w in enumerate(widths) if i != flex) + len(GAP) * (len(columns) - 1)
    if flex is not None:
        room = width - fixed
        if room < min(MIN_FLEXIBLE, widths[flex]):
            return None
        widths[flex] = min(widths[flex], room)
    elif fixed > width:
        return None
    header = [(col.header, "bold") for col in columns]
    lines = _row_lines(columns, header, widths, flex)
    for row in cells:
        lines += _row_lines(columns, row, widths, flex)
    return lines


def _row_lines(
    columns: Sequence[Column], row: Sequence[tuple[str, str]], widths: list[int], flex: int | None
) -> list[Text]:
    parts: list[str] = []
    spans: list[Span] = []
    extra: list[str] = []
    at = 0
    for i, (col, (text, style), width) in enumerate(zip(columns, row, widths, strict=True)):
        if i == flex and cell_len(text) > width:
            if col.flexible == "wrap":
                text, *extra = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
            else:
                text = _shorten(text, width)
        pad = " " * (width - cell_len(text))
        start = at + (len(pad) if col.justify == "right" else 0)
        parts.append(pad + text if col.justify == "right" else text + pad)
        if style:
            spans.append(Span(start, start + len(text), style))
        at += len(parts[-1])
        if i < len(columns) - 1:
            parts.append(GAP)
            at += len(GAP)
    line = "".join(parts).rstrip()
    lines = [Text(line, spans=spans)]
    if extra and flex is not None:
        indent = " " * (sum(widths[:flex]) + len(GAP) * flex)
        lines += [Text(indent + more) for more in extra]
    return lines


def _shorten(text: str, width: int) -> str:
    cut = text
    while cell_len(cut) > width - 1:
        cut = cut[: max(len(cut) - max(cell_len(cut) - width + 1, 1), 0)]
    return cut.rstrip() + "…"


def print_lines(console: Console, lines: Sequence[Text]) -> None:
    if not console.is_terminal:  # no colour to decide: plain text, written at once
        console.file.write("".join(line.plain + "\n" for line in lines))
        return
    for line in lines:
        console.print(line, no_wrap=True, overflow="ignore", crop=False)


def print_blocks(console: Console, blocks: Sequence[Sequence[Text]]) -> None:
    """Rows as blocks: a first line never wrapped (the id), then lines wrapped at words."""
    for block in blocks:
        print_lines(console, [block[0]])
        for line in block[1:]:
            print_wrapped(console, line, indent=2)


def print_wrapped(console: Console, text: Text, *, indent: int, hang: int = 0) -> None:
    """`text` wrapped at words to the console's width, every line indented by `indent` and
    the lines after the first by `hang` more. A word longer than a line is folded, not cut."""
    room = max(console.width - indent, 8)
    if text.cell_len <= room:  # the usual case: one line, no wrapping to compute
        print_lines(console, [Text(" " * indent) + text])
        return
    first, *rest = text.wrap(_MEASURE, room, overflow="fold")
    out = [first]
    if rest:
        out += list(Text(" ").join(rest).wrap(_MEASURE, max(room - hang, 8), overflow="fold"))
    lines = []
    for number, line in enumerate(out):
        line.rstrip()
        lines.append(Text(" " * (indent + (hang if number else 0))) + line)
    print_lines(console, lines)


# wrapping needs a console only to measure; this one never prints
_MEASURE = Console(width=10_000, file=None, color_system=None)


def print_table(
    console: Console,
    layouts: Sequence[tuple[Sequence[Column], Sequence[Sequence[Cell]]]],
    blocks: Callable[[], Sequence[Sequence[Text]]],
) -> int:
    """The first layout that fits the console's width, else the blocks. Returns the number
    of the layout used (len(layouts) for blocks), so callers can add what a layout left out."""
    for number, (columns, rows) in enumerate(layouts):
        lines = table_lines(columns, rows, console.width)
        if lines is not None:
            print_lines(console, lines)
            return number
    print_blocks(console, blocks())
    return len(layouts)
