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
from tracker.parse.phrases import (
    EMAIL,
    HANDLE,
    UNASSIGNED,
    done_on_date,
    has_owner_label,
    is_unassigned,
    meta_part,
    status_word,
)

_SEPARATOR = re.compile(r"(\s+[·•|—–]\s+|\s+-\s+|\s*[·•|]\s*$)")
# "Hugo Martin", "Priya N.", "Atención al Cliente", "Jan van der Berg"
_NAME = re.compile(
    r"^[A-Z][\w'’-]+(?:\s+(?:(?:de|del|al|la|da|do|di|von|van|der|den|du|le)\s+)*"
    r"(?:[A-Z][\w'’-]+|[A-Z]\.)){1,3}$"
)
_CJK_NAME = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff]{1,6}$")  # 木村, 佐々木
_EMOJI_DONE = re.compile(r"\s*(?:✅|✔️|✔|☑️|☑)$")
_TEAM = re.compile(  # "SRE team", "Team Netzwerk", "équipe Front", "Equipo de Pedidos"
    r"^(?:[A-Z][\w-]*\s+(?:[Tt]eam|[Ss]quad|[Cc]rew|[Gg]roup)"
    r"|(?:[Tt]eam|[ÉéEe]quipe|[Ee]quipo|[Tt]ime|[Ss]quadra|[Ss]quad)"
    r"(?:\s+(?:de|do|da|du|di|of))?\s+[A-Z][\w-]*)$"
)
# A bare lowercase handle ("wnowak", "jo") names an owner only beside other metadata.
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,30}$")
_LEAD = re.compile(rf"^(?:@(?P<h>{HANDLE})|(?P<e>{EMAIL}))\s+(?=\S)")
_BRACKETED = re.compile(r"\s*\((?P<body>[^()]{1,120})\)\s*$")


def take_segments(text: str) -> tuple[str, dict[str, object]]:
    """(the text without trailing metadata segments, what they said)."""
    text, found = _take_dashed(text)
    if not found:
        text, found = _take_commas(text)
    return text, found


_MAYBE_META = re.compile(r"\d|@|:|^[A-Z]|[\u3040-\u30ff\u3400-\u9fff]")


def is_team(text: str) -> bool:
    """'SRE team', 'Team Netzwerk', 'équipe QA': a team named as an owner."""
    return bool(_TEAM.match(text.strip()))


def _split_outside_brackets(text: str) -> list[str]:
    """Split at ", " where no bracket is open: "(担当: 田中, 期限: ...)" stays one piece."""
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += (char in "([" and 1) or 0
        depth -= (char in ")]" and 1) or 0
        if char == "," and depth <= 0 and text[index + 1 : index + 2] == " ":
            pieces.append(text[start:index])
            start = index + 2
    return [*pieces, text[start:]]


def _take_commas(text: str) -> tuple[str, dict[str, object]]:
    """Metadata after the measure's last comma: ", Javier Ruiz, 31 de mayo de 2024.",
    ", owner Raj Patel, MSG-331". Only a run holding a date, ticket, priority or status counts,
    so "for A, Redis Cluster" keeps its words."""
    if ", " not in text:
        return text, {}
    pieces = _split_outside_brackets(_trimmed(text.rstrip()))
    if not _MAYBE_META.search(pieces[-1]) and meta_part(pieces[-1]) is None:
        return text, {}  # ", and C": the measure's own words
    found: dict[str, object] = {}
    keep = len(pieces)
    for index in range(len(pieces) - 1, 0, -1):
        said = parts_facts(pieces[index].strip(), beside=found, strict=True)
        if said is None:
            break
        for key, value in said.items():
            found.setdefault(key, value)
        keep = index
    labelled = any(has_owner_label(piece) for piece in pieces[keep:])  # "owner Priya N."
    if keep == len(pieces) or (found.keys() <= {"owner"} and not labelled):
        return text, {}
    return ", ".join(pieces[:keep]).strip(), found


def _take_dashed(text: str) -> tuple[str, dict[str, object]]:
    pieces = _SEPARATOR.split(text)
    if len(pieces) < 3:
        return text, {}
    words, separators = pieces[0::2], pieces[1::2]
    found: dict[str, object] = {}
    keep = len(words)
    for index in range(len(words) - 1, 0, -1):
        fact = parts_facts(words[index].strip().rstrip("."), beside=found)
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


def parts_facts(
    text: str, *, beside: dict[str, object] | None = None, strict: bool = False
) -> dict[str, object] | None:
    """What a run of metadata parts says, or None unless every part is metadata:
    "Nikolai Petrov, AUTH-612, due 2024-06-28", "Owner: Platform team, Q3 2024 (PLAT-402)",
    "jo, CI-310". `beside` is what neighbouring segments already said. `strict` (inside
    brackets) takes a status only from a part that is nothing but a status word: "(scheduled
    for October)" is a remark, "(done)" is not."""
    parts: list[str] = []
    while match := _BRACKETED.search(text):  # "Q3 2024 (PLAT-402)": the brackets are parts too
        parts[:0] = re.split(r"\s*[,;]\s*", match.group("body"))
        text = text[: match.start()]
    parts[:0] = re.split(r"\s*[,;]\s*", text)
    facts: dict[str, object] = {}
    loose: list[str] = []
    for part in (_trimmed(p) for p in parts):
        if not part:
            continue
        done = _EMOJI_DONE.search(part)
        if done:  # "@mkovacs due 2024-07-31 ✅"
            facts.setdefault("status", "done")
            part = part[: done.start()]
        fact = _part(part, strict=strict)
        if fact is None and (_USERNAME.match(part) or _CJK_NAME.match(part)):
            loose.append(part)
            continue
        if fact is None:
            return None
        for key, value in fact.items():
            facts.setdefault(key, value)
    if loose:
        context = {**(beside or {}), **facts}
        if len(loose) > 1 or "owner" in context or not context:
            return None
        facts["owner"] = loose[0]
    return facts


def _trimmed(part: str) -> str:
    """The part without a closing full stop, unless it ends an initial ("Priya N.")."""
    part = part.strip()
    return part if re.search(r"(?:^|\s)[A-Z]\.$", part) else part.rstrip(".")


def _part(part: str, *, strict: bool = False) -> dict[str, object] | None:
    if done_on_date(part):
        return {"status": "done"}  # "done 2025-04-18": when it was done, not when it is due
    word = status_word(part)
    if word and (len(part.split()) <= 1 if strict else len(part.split()) <= 3):
        return {"status": word}
    if is_unassigned(part):
        return {"owner": UNASSIGNED}
    if lead := _LEAD.match(part):  # "@ines due 2024-08-02", "marcus@shop.io P1"
        rest = _part(part[lead.end() :].strip(), strict=strict)
        if rest is not None and "owner" not in rest:
            return {"owner": lead.group("h") or lead.group("e"), **rest}
    found = meta_part(part)
    if found:
        return found
    if _NAME.match(part) or _TEAM.match(part):
        return {"owner": part}
    when = parse_due(part)
    if when is not None and len(part) <= 32:  # "30 de setembro de 2024", not a sentence
        return {"due": when}
    return None
