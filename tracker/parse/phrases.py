"""What one metadata phrase says: a status word, a type, a priority, a ticket reference, or a
short phrase such as "owner: bob", "due 2024-05-01", "P1", "OPS-12" (`meta_part`).

Both the segment reader (segments.py) and the item-text reader (metadata.py) use these.
"""

from __future__ import annotations

import re

from tracker.parse.dates import any_due, first_date, parse_due
from tracker.parse.lexicon import Lexicon, current

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


class _Phrases:
    """This module's patterns for one lexicon (every language's words), compiled once."""

    def __init__(self, lexicon: Lexicon) -> None:
        words = lexicon.words
        self.done = re.compile(words("done", start=True), re.I)
        self.open = re.compile(words("open", start=True), re.I)
        self.owner = re.compile(rf"^{words('owner')}\s*[:=\-–]?\s*(?P<v>.+)$", re.I)
        self.due = re.compile(
            rf"^(?:{words('due')}|{words('due_words')})\s*[:=]?\s*(?P<v>{any_due()})$", re.I
        )
        self.priority = re.compile(
            rf"^(?:{words('priority')}\s*[:=]?\s*)?(?P<v>P[0-4])$"
            rf"|^{words('priority')}\s*[:=]?\s*(?P<w>\w+(?: \w+)?)$",
            re.I,
        )
        self.status = re.compile(
            rf"^{words('status')}\s*[:=]\s*(?P<v>.+)$"
            r"|^(?P<w>done|todo|completed|fixed|open|in progress)\b.*$",
            re.I,
        )
        self.ref = re.compile(rf"^{words('ticket')}?\s*[:=]?\s*(?P<v>\S+)$", re.I)
        self.unassigned = re.compile(rf"^(?:{lexicon.alternation('unassigned')})$", re.I)
        self.done_word = re.compile(words("done"), re.I)


def _phrases() -> _Phrases:
    return current().cached(_Phrases)


UNASSIGNED = ""  # an owner the document explicitly says there is none of


def is_unassigned(value: str) -> bool:
    """'unassigned', 'nobody', 'TBD', '未定': an owner field that names nobody."""
    return bool(_phrases().unassigned.match(value.strip().lstrip("@")))


def has_owner_label(part: str) -> bool:
    """'owner Priya N.', 'Responsable : X': the part names its owner outright."""
    return bool(_phrases().owner.match(part.strip()))


def done_on_date(part: str) -> bool:
    """'done 2025-04-18', 'Erledigt am 12.05.2024', '2024/05/20 完了': when it was done, which is
    not a due date."""
    if re.match(r"^(?:done|completed|shipped|merged|fixed|closed)\b", part, re.I):
        return True
    return bool(_phrases().done_word.search(part)) and first_date(part) is not None


def status_word(value: str) -> str | None:
    """'done' or 'open' for a status cell or word, None when it says neither."""
    word = re.sub(r"[^\w' ]+", " ", value).strip().lower()
    if not word:
        return None
    phrases = _phrases()
    if phrases.done.match(word) or value.strip() in ("✅", "✓", "✔"):
        return "done"
    if phrases.open.match(word):
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


_PART_TYPE = re.compile(
    r"^(?:type\s*[:=]\s*)?(?P<v>" + "|".join(TYPES + tuple(TYPE_SYNONYMS)) + r")$", re.I
)
HANDLE = r"[A-Za-z0-9](?:[\w.-]{0,38}[A-Za-z0-9_])?"  # a @mention: GitHub, Slack, chat handles
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"


def meta_part(part: str) -> dict[str, object] | None:
    """What one metadata phrase says ("owner: bob", "due 2024-05-01", "P1", "OPS-12"), or None."""
    part = part.strip()
    phrases = _phrases()
    if match := phrases.owner.match(part):
        who = match.group("v").strip().lstrip("@")
        return {"owner": UNASSIGNED if is_unassigned(who) else who}
    if match := re.fullmatch(rf"@(?P<v>{HANDLE})|(?P<e>{EMAIL})", part):
        return {"owner": match.group("v") or match.group("e")}
    if (match := phrases.due.match(part)) and parse_due(match.group("v")):
        return {"due": parse_due(match.group("v"))}
    if match := phrases.priority.match(part):
        return {"priority": normalize_priority(match.group("v") or match.group("w"))}
    if match := _PART_TYPE.match(part):
        return {"type": normalize_type(match.group("v"))}
    if (match := phrases.status.match(part)) and status_word(match.group("v") or match.group("w")):
        return {"status": status_word(match.group("v") or match.group("w"))}
    match = phrases.ref.match(part)
    if match and (
        ticket_in_url(match.group("v")) or ticket_in_text(match.group("v")) == match.group("v")
    ):
        return {"tracker_ref": match.group("v")}
    return None
