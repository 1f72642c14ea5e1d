"""What one metadata phrase says: a status word, a type, a priority, a ticket reference, or a
short phrase such as "owner: bob", "due 2024-05-01", "P1", "OPS-12" (`meta_part`).

Both the segment reader (segments.py) and the item-text reader (metadata.py) use these.
"""

from __future__ import annotations

import re

from tracker.parse.dates import ANY_DATE, parse_date

TYPES = ("prevent", "mitigate", "detect", "repair", "investigate", "process", "other")
TYPE_SYNONYMS = {
    "prevention": "prevent",
    "preventive": "prevent",
    "preventative": "prevent",
    "mitigation": "mitigate",
    "detection": "detect",
    "monitoring": "detect",
    "corrective": "repair",
    "correction": "repair",
    "fix": "repair",
    "investigation": "investigate",
}
DONE_WORDS = (
    "done", "completed", "complete", "fixed", "resolved", "closed", "finished", "shipped",
    "merged", "deployed", "landed", "released",
)  # fmt: skip
OPEN_WORDS = (
    "todo", "to do", "to-do", "open", "in progress", "not started", "pending", "planned", "wip",
    "in review", "review", "blocked", "outstanding", "ongoing", "started", "scheduled", "backlog",
    "investigating",
)  # fmt: skip

_ISSUE_URL = re.compile(
    r"^https?://[^\s]+/(?:issues|pull|pulls|merge_requests|browse|tickets?|bugs?)/[\w-]+(?:[#?].*)?$"
    r"|^https?://[^\s]*show_bug\.cgi\?id=\d+",
    re.I,
)
_REPO_REF = re.compile(r"(?<![\w/])(?P<ref>[\w.-]+(?:/[\w.-]+)+[#!]\d+)\b")  # org/repo#4, g/p!34
_PHABRICATOR = re.compile(r"(?<![\w-])(?P<ref>T\d{5,})(?![\w-])")
_JIRA_KEY = re.compile(r"(?<![\w-])(?P<ref>[A-Z][A-Z0-9]{1,9}-\d+)(?![\w-])")
_HASH_REF = re.compile(r"(?<![\w&#/])(?P<ref>[#!]\d{2,})\b")  # "#2" is more often "rule 2"
_NOT_TICKETS = {
    "UTF",
    "SHA",
    "ISO",
    "RFC",
    "CVE",
    "TLS",
    "SSL",
    "HTTP",
    "IPV",
    "COVID",
    "GPT",
    "MP",
}


def normalize_type(value: str) -> str | None:
    word = value.strip().lower()
    if not word:
        return None
    head = re.split(r"[\s/,;-]+", word)[0]
    for candidate in (word, head):
        if candidate in TYPES:
            return candidate
        if candidate in TYPE_SYNONYMS:
            return TYPE_SYNONYMS[candidate]
    return word


def normalize_priority(value: str) -> str | None:
    word = value.strip()
    if not word:
        return None
    if re.fullmatch(r"[Pp][0-4]", word):
        return word.upper()
    return word.lower()


def status_word(value: str) -> str | None:
    """'done' or 'open' for a status cell or word, None when it says neither."""
    word = re.sub(r"[^\w' ]+", " ", value).strip().lower()
    if not word:
        return None
    if any(re.match(rf"{w}\b", word) for w in DONE_WORDS) or value.strip() in ("✅", "✓", "✔"):
        return "done"
    if any(re.match(rf"{w}\b", word) for w in OPEN_WORDS):
        return "open"
    return None


def ticket_in_url(url: str) -> bool:
    return bool(_ISSUE_URL.match(url.strip()))


def ticket_in_text(text: str) -> str | None:
    for pattern in (_REPO_REF, _JIRA_KEY, _PHABRICATOR, _HASH_REF):
        for match in pattern.finditer(text):
            ref = match.group("ref")
            if pattern is _JIRA_KEY and ref.split("-")[0] in _NOT_TICKETS:
                continue
            return ref
    return None


_PART_OWNER = re.compile(
    r"^(?:owners?|assignee|assigned to|owned by|dri)\s*[:=\-–]?\s*(?P<v>.+)$", re.I
)
_PART_DUE = re.compile(
    r"^(?:due(?:\s+(?:date|on|by))?|deadline|by|eta|target(?: date)?"
    r"|(?:estimated|expected|planned) completion(?: date)?|complete by)"
    rf"\s*[:=]?\s*(?P<v>{ANY_DATE})$",
    re.I,
)
_PART_PRIORITY = re.compile(
    r"^(?:priority\s*[:=]?\s*)?(?P<v>P[0-4])$|^priority\s*[:=]?\s*(?P<w>\w+)$", re.I
)
_PART_TYPE = re.compile(
    r"^(?:type\s*[:=]\s*)?(?P<v>" + "|".join(TYPES + tuple(TYPE_SYNONYMS)) + r")$", re.I
)
_PART_STATUS = re.compile(
    r"^(?:status\s*[:=]\s*)?(?P<v>done|todo|completed|fixed|open|in progress)\b.*$", re.I
)
_PART_REF = re.compile(
    r"^(?:ticket|issue|bug|jira|tracked in|tracking|see)?\s*[:=]?\s*(?P<v>\S+)$", re.I
)


def meta_part(part: str) -> dict[str, object] | None:
    """What one metadata phrase says ("owner: bob", "due 2024-05-01", "P1", "OPS-12"), or None."""
    part = part.strip()
    if match := _PART_OWNER.match(part):
        return {"owner": match.group("v").strip().lstrip("@")}
    if match := re.fullmatch(r"@(?P<v>[A-Za-z0-9][\w-]{0,38})", part):
        return {"owner": match.group("v")}
    if (match := _PART_DUE.match(part)) and parse_date(match.group("v")):
        return {"due": parse_date(match.group("v"))}
    if match := _PART_PRIORITY.match(part):
        return {"priority": normalize_priority(match.group("v") or match.group("w"))}
    if match := _PART_TYPE.match(part):
        return {"type": normalize_type(match.group("v"))}
    if match := _PART_STATUS.match(part):
        return {"status": status_word(match.group("v"))}
    match = _PART_REF.match(part)
    if match and (
        ticket_in_url(match.group("v")) or ticket_in_text(match.group("v")) == match.group("v")
    ):
        return {"tracker_ref": match.group("v")}
    return None
