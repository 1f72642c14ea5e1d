"""Why the parser decided as it did (`track parse --explain`, `track check`).

The rules that make items call `taken`, and the ones that drop a candidate call `skipped`; both
do nothing unless a parse is `recording`, so the parser pays nothing when nobody asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from tracker.model import Note

# The rule of a skipped note for a line that reads like a promise ("We will add ...") outside
# every measures section: what `track check` shows authors as possibly missed.
UNTAKEN_COMMITMENT = "reads like a commitment, but is outside every measures section"

_NOTES: ContextVar[list[Note] | None] = ContextVar("track_parse_notes", default=None)


@contextmanager
def recording() -> Iterator[list[Note]]:
    """Collect the notes of the parse run inside the block."""
    notes: list[Note] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


def taken(line: int, text: str, rule: str) -> None:
    notes = _NOTES.get()
    if notes is not None:
        notes.append(Note(line=line, text=_short(text), taken=True, rule=rule))


def skipped(line: int, text: str, why: str) -> None:
    notes = _NOTES.get()
    if notes is not None:
        short = _short(text)  # a candidate dropped after a rule took it: only the drop stays
        notes[:] = [n for n in notes if not (n.taken and n.line == line and n.text == short)]
        notes.append(Note(line=line, text=short, taken=False, rule=why))


def active() -> bool:
    """Whether a parse is being explained (work done only for the notes can be skipped)."""
    return _NOTES.get() is not None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 100 else text[:99] + "…"
