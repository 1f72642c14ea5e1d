"""Metadata written after the measure as separated segments, the way exports and chat write it:

    Rename vault paths · Owner: Hugo Martin · Completed · PAY-1093
    Alert on 429 responses (PLAT-1511) — @mbrandt — done
    Diff every zone — owner: Ahmed Salem — done 2025-04-18

Segments are read from the end while each one is metadata (a status, an owner, a person's
name, a due date, a priority, a ticket); the first one that is not ends the search, so a dash
inside the measure's own words is left alone.
"""

from __future__ import annotations

import re

from tracker.parse.dates import parse_due
from tracker.parse.phrases import meta_part, status_word

_SEPARATOR = re.compile(r"(\s+[·•|—–]\s+|\s+-\s+|\s*[·•|]\s*$)")
_NAME = re.compile(r"^[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}$")
_DONE_WITH_DATE = re.compile(r"^(?:done|completed|shipped|merged|fixed|closed)\b.*$", re.I)
_UNOWNED = re.compile(r"^(?:unassigned|unowned|nobody|no owner|tbd)$", re.I)
UNASSIGNED = ""  # an owner the document explicitly says there is none of


def take_segments(text: str) -> tuple[str, dict[str, object]]:
    """(the text without trailing metadata segments, what they said)."""
    pieces = _SEPARATOR.split(text)
    if len(pieces) < 3:
        return text, {}
    words, separators = pieces[0::2], pieces[1::2]
    found: dict[str, object] = {}
    keep = len(words)
    for index in range(len(words) - 1, 0, -1):
        fact = _segment(words[index].strip().rstrip("."))
        if fact is None:
            break
        for key, value in fact.items():
            found.setdefault(key, value)
        keep = index
    if keep == len(words):
        return text, {}
    kept = [words[0]]
    for separator, word in zip(separators[: keep - 1], words[1:keep], strict=True):
        kept += [separator, word]
    return "".join(kept).strip(), found


def _segment(segment: str) -> dict[str, object] | None:
    if not segment:
        return {}
    if _DONE_WITH_DATE.match(segment):
        return {"status": "done"}  # "done 2025-04-18": when it was done, not when it is due
    if _UNOWNED.match(segment):
        return {"owner": UNASSIGNED}
    word = status_word(segment)
    if word and len(segment.split()) <= 3:
        return {"status": word}
    part = meta_part(segment)
    if part:
        return part
    if _NAME.match(segment):
        return {"owner": segment}
    when = parse_due(segment)
    if when is not None and len(segment) <= 20:
        return {"due": when}
    return None
