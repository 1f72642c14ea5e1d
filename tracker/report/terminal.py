"""Tables for people, at any width: ids, counts and percentages are never cut.

A table is laid out by hand rather than by rich's Table, whose last resort when space runs out
is to cut every column. Here every column but one is as wide as its widest cell; the one
flexible column (a title, a measure's text) takes what is left, shortened or wrapped. When
even that leaves it less than `MIN_FLEXIBLE` characters, a narrower layout is tried, and at
the end each row is printed as a block of its own.

Lines go through a rich `Console`, which decides on colour: only on a terminal, never with
`NO_COLOR` set, and never when piped (cron mail, CI logs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

MIN_FLEXIBLE = 16
GAP = "  "

Cell = str | Text


@dataclass(frozen=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "left"
    flexible: Literal["", "shorten", "wrap"] = ""  # the one column that gives way


def table_lines(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> list[Text] | None:
    """The table as lines of at most `width` cells, or None when it does not fit."""
    cells = [[_text(c) for c in row] for row in rows]
    widths = [
        max([cell_len(col.header), *(row[i].cell_len for row in cells)])
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
    header = [Text(col.header, style="bold") for col in columns]
    lines = _row_lines(columns, header, widths, flex)
    for row in cells:
        lines += _row_lines(columns, row, widths, flex)
    return lines


def _row_lines(
    columns: Sequence[Column], row: Sequence[Text], widths: list[int], flex: int | None
) -> list[Text]:
    extra: list[Text] = []
    first = Text()
    for i, (col, cell, width) in enumerate(zip(columns, row, widths, strict=True)):
        if i == flex and cell.cell_len > width:
            if col.flexible == "wrap":
                wrapped = cell.wrap(_MEASURE, width)
                cell, extra = wrapped[0], list(wrapped[1:])
            else:
                cell = cell.copy()
                cell.truncate(width, overflow="ellipsis")
        pad = " " * (width - cell.cell_len)
        first.append_text(Text(pad) + cell if col.justify == "right" else cell + Text(pad))
        if i < len(columns) - 1:
            first.append(GAP)
    lines = [first]
    if extra and flex is not None:
        indent = sum(widths[:flex]) + len(GAP) * flex
        lines += [Text(" " * indent) + line for line in extra]
    for line in lines:
        line.rstrip()
    return lines


# wrapping needs a console only to measure; this one never prints
_MEASURE = Console(width=10_000, file=None, color_system=None)


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def print_lines(console: Console, lines: Sequence[Text]) -> None:
    for line in lines:
        console.print(line, no_wrap=True, overflow="ignore", crop=False)


def print_blocks(console: Console, blocks: Sequence[Sequence[Text]]) -> None:
    """Rows as blocks: a first line never wrapped (the id), then lines rich wraps at words."""
    for block in blocks:
        console.print(block[0], soft_wrap=True)
        for line in block[1:]:
            print_wrapped(console, line, indent=2)


def print_wrapped(console: Console, text: Text, *, indent: int, hang: int = 0) -> None:
    """`text` wrapped at words to the console's width, every line indented by `indent` and
    the lines after the first by `hang` more. A word longer than a line is folded, not cut."""
    first = max(console.width - indent, 8)
    lines = text.wrap(_MEASURE, first, overflow="fold")
    rest = Text(" ").join(lines[1:]) if len(lines) > 1 else None
    out = [lines[0]]
    if rest is not None:
        out += list(rest.wrap(_MEASURE, max(first - hang, 8), overflow="fold"))
    for number, line in enumerate(out):
        line.rstrip()
        pad = " " * (indent + (hang if number else 0))
        console.print(Text(pad) + line, no_wrap=True, overflow="ignore", crop=False)


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
