"""Measures written as text rather than markdown structure.

Bold-title paragraphs ("**Add alerting.** We will ..."), bullets typed as glyphs ("• ", "– "),
one measure per line without markers, and paragraphs of prose with an introduction and a
conclusion around them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tracker.model import ParsedItem
from tracker.parse.entries import BULLET, make_item, strip_bullet, unbullet
from tracker.parse.markdown import Line

# "The following measures will be taken." / "With these changes we believe ..."
INTRO = re.compile(r"\bfollowing\b|\bas follows\b|:$", re.I)
CONCLUSION = re.compile(
    r"(?:with|by|through|after) (?:these|this|the above|all)\b|(?:these|the above|together|"
    r"overall|in summary|in short|all in all|thanks?\b|thank you|that'?s all|that is all)",
    re.I,
)


def has_glyph_bullets(lines: list[Line]) -> bool:
    return any(BULLET.match(ln.text) for ln in lines)


def glyph_items(lines: list[Line], section: str, group: str | None) -> Iterator[ParsedItem]:
    """One item per line with the first bullet glyph; lines with another glyph are details."""
    glyph = next(m.group(1) for ln in lines if (m := BULLET.match(ln.text)))
    current: list[Line] = []
    details: list[str] = []
    for line in lines:
        match = BULLET.match(line.text)
        if match and match.group(1) == glyph:
            if current:
                yield make_item(current, section, group, details="\n".join(details) or None)
            current, details = [unbullet(line)], []
        elif current and match:
            details.append(strip_bullet(line.text))
    if current:
        yield make_item(current, section, group, details="\n".join(details) or None)


def is_line_list(lines: list[Line]) -> bool:
    """Lines typed one measure per line, without list markers (not wrapped prose)."""
    if len(lines) < 2:
        return False
    starts = all(re.match(r"[\W_]*[A-Z0-9]", ln.text) for ln in lines[1:])
    ends = all(ln.text.endswith((".", "!", "?", ":", ")")) for ln in lines[:-1])
    return starts and (ends or len(lines) >= 3)


def prose_items(lines: list[Line], section: str, group: str | None) -> Iterator[ParsedItem]:
    """A paragraph as items: one per line when typed as a list, else one for the paragraph."""
    if is_line_list(lines):
        if len(lines) >= 3 and CONCLUSION.match(lines[-1].text):
            lines = lines[:-1]  # "Thanks to everyone who reported the problem!"
        for line in lines:
            if not line.text.endswith(":"):
                yield make_item([unbullet(line)], section, group)
    elif not lines[-1].text.endswith(":"):
        yield make_item(lines, section, group)


def trim_intro_and_conclusion(paragraphs: list[list[Line]]) -> list[list[Line]]:
    """Drop an introduction and a conclusion around three or more paragraphs of measures."""
    if len(paragraphs) < 3:
        return paragraphs
    if INTRO.search(" ".join(ln.text for ln in paragraphs[0])):
        paragraphs = paragraphs[1:]
    if CONCLUSION.match(" ".join(ln.text for ln in paragraphs[-1])):
        paragraphs = paragraphs[:-1]
    return paragraphs
