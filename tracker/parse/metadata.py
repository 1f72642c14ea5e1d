"""Facts written inside an item's text: owner, due date, priority, type, status, ticket refs.

`read_facts` returns them with the text cleaned of the tags it consumed ("[P1]", "TODO:",
"(owner: bob)"), so the text reads as the measure itself. Words in running prose stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from tracker.parse.dates import any_date, any_due, parse_date, parse_due
from tracker.parse.lexicon import Lexicon, current
from tracker.parse.phrases import (
    EMAIL,
    HANDLE,
    TYPE_SYNONYMS,
    TYPES,
    UNASSIGNED,
    is_unassigned,
    normalize_priority,
    normalize_type,
    status_word,
    ticket_in_text,
    ticket_in_url,
)
from tracker.parse.segments import is_team, parts_facts, take_segments

# ✅ done, ⬜ open, ❌ dropped (won't do: neither open nor done)
_STATUS_EMOJI = re.compile(
    r"^\s*(?:(?P<done>✅|✔️|✔|☑️|☑)|(?P<open>⬜|☐|🔲|⏳|🚧)|(?P<dropped>❌|🚫))\s*"
)
_CHECKBOX = re.compile(r"^\s*\[(?P<mark>[ xX✓✔])\]\s+")
_PRIORITY_TAG = re.compile(r"^\s*\[?(?P<p>P[0-4])\]?\s*[:\-–—]?\s+|\s*\[(?P<q>P[0-4])\]", re.I)
_WILL = re.compile(r"^(?P<who>[A-Z][a-z]+) will\b")
_NOT_NAMES = set(
    [
        "We",
        "They",
        "It",
        "This",
        "That",
        "The",
        "Everyone",
        "Someone",
        "Nobody",
        "Team",
        "He",
        "She",
        "You",
        "I",
        "Ops",
        "Engineering",
        "Support",
        "Management",
        "Nothing",
    ]
)
_TYPE_TAG = re.compile(
    r"\s*[\(\[](?:type\s*[:=]\s*)?(?P<t>" + "|".join(TYPES + tuple(TYPE_SYNONYMS)) + r")[\)\]]"
    r"|\btype\s*[:=]\s*(?P<u>\w+)",
    re.I,
)
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")
_ID_COMMENT = re.compile(r"^(?:track[-:\s]*)?id\s*[:=]\s*(?P<id>[\w.:/-]+)$", re.I)


# What ends a name or handle written after a label: the end, punctuation, or a separator.
_NAME_END = r"(?=\s*(?:$|[,.;:\)\]·•|—–]|\s-\s))"
_TEAM = r"(?:team|squad|crew|group|équipe|equipo|time|squadra|チーム)"


class _Meta:
    """The patterns of this module for one lexicon (every language's words), compiled once."""

    def __init__(self, lexicon: Lexicon) -> None:
        words = lexicon.words
        tags = rf"{words('done')}|{words('open')}"
        self.status_tag = re.compile(
            rf"^\s*(?:\[(?P<b>{tags})\]|(?P<w>{tags})(?P<p>\s*\[P[0-4]\])?\s*[:\-–—])\s*", re.I
        )
        self.done_suffix = re.compile(
            rf"\s*[\(\[](?:{words('done')})[^\)\]]{{0,40}}[\)\]]\s*\.?$"
            # or a last sentence such as "Done in grafana."
            r"|(?:^\s*|(?<=[.!?])\s+)(?:done|completed|fixed|shipped)\b"
            r"(?:[^.!?]|[.!?](?=\S)){0,120}[.!]?$",
            re.I,
        )
        self.open_suffix = re.compile(rf"\s*[\(\[](?:{words('open')})[!.]?[\)\]]\s*\.?$", re.I)
        label = r"\s*[:=\-–]?\s*"
        self.owner_clause = re.compile(
            rf"\s*[\(\[]\s*{words('owner')}{label}(?P<who>[^\)\],;]+?)\s*[\)\]]", re.I
        )
        self.owner_inline = re.compile(
            rf"{words('owner')}\s*[:=]\s*(?P<who>@?{EMAIL}|@?{HANDLE}"
            rf"(?:\s+(?:[A-Z][\w'’-]*|{_TEAM})){{0,2}}){_NAME_END}",
            re.I,
        )
        self.priority = re.compile(
            rf"{words('priority')}\s*[:=]?\s*(?P<word>P[0-4]|{words('priority_words')})"
            r"|(?<![\w-])(?P<p>P[0-4])(?![\w-])",
            re.I,
        )
        self.date_mention = re.compile(rf"\s*@(?P<when>{any_date()})", re.I)
        self.due = re.compile(
            rf"[\(\[]?\s*(?:{words('due')}|{words('due_words')})\s*[:=]?\s*"
            rf"(?P<when>{any_due()})\s*[\)\]]?",
            re.I,
        )


def _meta() -> _Meta:
    return current().cached(_Meta)


_MENTION = re.compile(rf"(?<![\w@/.:`])@(?P<who>{HANDLE})(?![\w@-])")


@dataclass(frozen=True)
class Facts:
    text: str
    owner: str | None = None
    due: date | None = None
    priority: str | None = None
    type: str | None = None
    status: str | None = None
    tracker_ref: str | None = None
    explicit_id: str | None = None


def explicit_id(comments: list[str]) -> str | None:
    for comment in comments:
        match = _ID_COMMENT.match(comment.strip())
        if match:
            return match.group("id")
    return None


_BRACKETS = re.compile(r"\s*[\(\[](?P<body>[^\(\)\[\]]{1,160})[\)\]]")


_PERSON = re.compile(r"^[A-Z][a-zà-ÿ'’-]+(?:\s+[A-Z][a-zà-ÿ'’-]+){1,2}$")


def _take_brackets(facts: Facts) -> Facts:
    """Consume bracketed groups made only of metadata: "(owner: x, due 2024-05-01)",
    "(jo, CI-310)", and a person's name alone at the very end: "(Sofia Lind)."."""
    if "(" not in facts.text and "[" not in facts.text:
        return facts
    found: dict[str, object] = {}
    text = facts.text
    for match in reversed(list(_BRACKETS.finditer(facts.text))):
        body = match.group("body").strip()
        said = parts_facts(body, strict=True)
        if said is None:
            continue
        alone = said.keys() == {"owner"} and said["owner"] == body
        at_end = not facts.text[match.end() :].strip(" .")
        if alone and not (at_end and (_PERSON.match(body) or is_team(body))):
            continue  # "(AWS ElastiCache)" mid-sentence is a product, not an owner
        for key, value in said.items():
            found.setdefault(key, value)
        text = text[: match.start()] + text[match.end() :]
    return replace(facts, text=text, **found)  # type: ignore[arg-type]


def read_facts(text: str, links: list[str] = (), comments: list[str] = ()) -> Facts:  # type: ignore[assignment]
    """Pull owner, due date, priority, type, status and ticket refs out of an item's text."""
    body, segments = take_segments(text)
    facts = Facts(text=body, explicit_id=explicit_id(list(comments)))
    facts = replace(facts, **{k: v for k, v in segments.items() if k != "owner"})  # type: ignore[arg-type]
    if "owner" in segments:
        facts = replace(facts, owner=str(segments["owner"]))
    facts = _take_brackets(facts)
    facts = _take_status(facts)
    facts = _take_priority(facts)
    facts = _take_due(facts)
    facts = _take_owner(facts)
    facts = _take_type(facts)
    urls = [*links, *_BARE_URL.findall(text)]
    ref = next((url for url in urls if ticket_in_url(url)), None) or facts.tracker_ref
    unowned = facts.owner is None or facts.owner == UNASSIGNED or is_unassigned(facts.owner)
    owner = None if unowned else facts.owner  # "· Unassigned ·", "Owner: TBD"
    return replace(
        facts, text=_tidy(facts.text), tracker_ref=ref or ticket_in_text(text), owner=owner
    )


_DIGIT = re.compile(r"\d")
_TRAILING_TAGS = re.compile(  # "... game day @sam", "... release — ORD-77", "..., @mkowalski."
    r"(?:\s*[—–,-]?\s*(?:@[\w.-]*\w|[A-Z][A-Z0-9]{1,9}-\d+|[\w.-]+/[\w.-]+#\d+|#\d{2,}))+[\s.]*$"
)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = _TRAILING_TAGS.sub("", text) or text  # "... game day @sam", "... release — ORD-77"
    text = re.sub(r"\s+([,.;:])(?=\s|$)", r"\1", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text).strip()
    return text.strip(" -–—:;,") or text


def _take_status(facts: Facts) -> Facts:
    text = facts.text
    status = None
    box = _CHECKBOX.match(text)
    if box:
        status = "open" if box.group("mark") == " " else "done"
        text = text[box.end() :]
    meta = _meta()
    tag = meta.status_tag.match(text)
    if tag:
        status = status_word(tag.group("b") or tag.group("w"))
        text = (tag.group("p") or "") + " " + text[tag.end() :]  # "TODO [P2]: ..." keeps its [P2]
    suffix = meta.done_suffix.search(text)
    if suffix:
        status = "done"
        text = text[: suffix.start()]
    elif suffix := meta.open_suffix.search(text):
        status = "open"  # "(in progress)"
        text = text[: suffix.start()]
    if text.rstrip().endswith(("✅", "✔️", "✔")):
        status = "done"
        text = text.rstrip().rstrip("✅✔️")
    emoji = _STATUS_EMOJI.match(text)
    if emoji:
        status = {"done": "done", "open": "open"}.get(emoji.lastgroup or "")
        text = text[emoji.end() :]
    return replace(facts, text=text, status=status or facts.status)


def _take_priority(facts: Facts) -> Facts:
    if facts.priority:
        return facts
    text = facts.text
    tag = _PRIORITY_TAG.search(text)
    if tag and (tag.start() == 0 or tag.group("q")):
        value = tag.group("p") or tag.group("q")
        return replace(
            facts, text=text[: tag.start()] + " " + text[tag.end() :], priority=value.upper()
        )
    match = _meta().priority.search(text)
    if match:
        return replace(facts, priority=normalize_priority(match.group("word") or match.group("p")))
    return facts


def _take_owner(facts: Facts) -> Facts:
    if facts.owner:
        return facts
    text = facts.text
    meta = _meta()
    clause = meta.owner_clause.search(text) if "(" in text or "[" in text else None
    if clause:
        who = clause.group("who").strip().lstrip("@")
        return replace(facts, text=text[: clause.start()] + text[clause.end() :], owner=who)
    inline = meta.owner_inline.search(text) if ":" in text or "=" in text else None
    if inline:
        who = inline.group("who").strip().lstrip("@").rstrip(".,;")
        return replace(facts, text=text[: inline.start()] + text[inline.end() :], owner=who)
    mention = _MENTION.search(text)
    if mention:
        who = mention.group("who")
        surname = re.match(r"\s+([A-Z][\w'’-]+)\b", text[mention.end() :])
        if who[:1].isupper() and surname:  # "@Jonas Eberle", as Notion writes people
            who = f"{who} {surname.group(1)}"
        return replace(facts, owner=who)
    will = _WILL.match(text)
    if will and will.group("who") not in _NOT_NAMES:
        return replace(facts, owner=will.group("who"))  # "Aisha will set up ..."
    return facts


def _take_due(facts: Facts) -> Facts:
    if facts.due or not _DIGIT.search(facts.text):  # every due date has a digit
        return facts
    meta = _meta()
    mentioned = meta.date_mention.search(facts.text)  # "@March 28, 2025", as Notion writes dates
    if mentioned and parse_date(mentioned.group("when")):
        text = facts.text[: mentioned.start()] + facts.text[mentioned.end() :]
        return replace(facts, text=text, due=parse_date(mentioned.group("when")))
    for match in meta.due.finditer(facts.text):  # the first that names a real date
        when = parse_due(match.group("when"))
        if when is not None:
            break
    else:
        return facts
    text = facts.text
    if match.group(0).lstrip().startswith(("(", "[")) or re.match(r"\s*due", match.group(0), re.I):
        text = text[: match.start()] + " " + text[match.end() :]
    return replace(facts, text=text, due=when)


def _take_type(facts: Facts) -> Facts:
    if facts.type:
        return facts
    match = _TYPE_TAG.search(facts.text)
    if not match:
        return facts
    value = normalize_type(match.group("t") or match.group("u"))
    text = facts.text[: match.start()] + " " + facts.text[match.end() :]
    return replace(facts, text=text, type=value)
