"""What the tool writes into a ticket, and how it finds its own part again (docs/sync.md).

The tool owns one section of the ticket body, between `<!-- track:begin -->` and
`<!-- track:end -->`; text before and after it is people's and is never changed. The section
ends with the identity marker (tracker/marker.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from tracker.marker import Marker, marker_comment

BEGIN = "<!-- track:begin -->"
END = "<!-- track:end -->"
# Jira wiki markup has no comments: invisible anchors delimit the section there, and the
# identity travels in the issue property `track.item` (the anchor repeats the uid).
JIRA_BEGIN = "{anchor:track-begin}"
JIRA_END = "{anchor:track-end}"
_DELIMITERS = {"markdown": (BEGIN, END), "jira": (JIRA_BEGIN, JIRA_END)}
_FACT_MARKS = {"markdown": ("- ", "**"), "jira": ("* ", "*")}  # a fact line: bullet, bold
MAX_TITLE = 120


@dataclass(frozen=True)
class ItemView:
    """What a ticket shows of an item (filled from the store by the sync engine)."""

    uid: str
    text: str
    incident_key: str
    incident_title: str
    incident_date: str | None
    source_path: str
    owner: str | None
    assignee: str | None  # the tracker's user the owner maps to
    due: str | None
    priority: str | None
    type: str | None
    details: str | None
    reference: str | None = None  # a ticket elsewhere the postmortem names for this measure


def title(view: ItemView) -> str:
    return _title(view.incident_key, view.source_path, view.text)


def marker_title(marker: Marker, source_path: str) -> str:
    """The title the tool wrote beside this marker (its incident and text, as `title` does):
    a ticket still titled so carries the tool's title, whatever the store remembers."""
    return _title(marker.incident, source_path, marker.text)


def _title(incident_key: str, source_path: str, text: str) -> str:
    short = incident_key if len(incident_key) <= 30 else source_path.rsplit("/", 1)[-1]
    text = text.rstrip(". ")
    room = MAX_TITLE - len(short) - 3
    if len(text) > room:
        text = text[:room].rsplit(" ", 1)[0] + "…"  # whole words, then "…", within the room
    return f"[{short}] {text}"


def section(
    view: ItemView,
    *,
    tracker_user: str,
    postmortem_url: str | None = None,
    flavor: str = "markdown",
) -> str:
    """The tool's section of the body, with the marker at its end."""
    jira = flavor == "jira"
    where = postmortem_url.replace("{path}", view.source_path) if postmortem_url else None
    if jira:
        postmortem = f"[{view.source_path}|{where}]" if where else f"{{{{{view.source_path}}}}}"
    else:
        postmortem = f"[{view.source_path}]({where})" if where else f"`{view.source_path}`"
    if view.assignee:
        owner = f"{view.owner or view.assignee} (assigned)" if jira else f"@{view.assignee}"
    elif view.owner:
        owner = (
            f"{view.owner} (no {tracker_user} is mapped to this owner, so the ticket is unassigned)"
        )
    else:
        owner = "not named in the postmortem"
    when = f", {view.incident_date}" if view.incident_date else ""
    bullet, strong = _FACT_MARKS[flavor]
    facts = [
        ("Incident", f"{view.incident_title} ({view.incident_key}{when})"),
        ("Postmortem", postmortem),
        ("Owner", owner),
        ("Due", view.due),
        ("Priority", view.priority),
        ("Type", view.type),
        ("Tracked in", view.reference),
    ]
    begin, end = _DELIMITERS[flavor]
    lines = [begin, ("bq. " if jira else "> ") + view.text, ""]
    lines += [f"{bullet}{strong}{name}:{strong} {value}" for name, value in facts if value]
    if view.details:
        lines += ["", "Details from the postmortem:", "{noformat}" if jira else "```", view.details]
        lines += ["{noformat}" if jira else "```"]
    note = (
        "This section is kept up to date from the postmortem by track; "
        "edit the postmortem, not this section. Anything outside it is yours."
    )
    marker = Marker(view.uid, view.incident_key, view.text)
    if jira:
        lines += ["", f"_{note}_", f"{{anchor:track-item-{view.uid}}}", end]
    else:
        lines += ["", f"<sub>{note}</sub>", marker_comment(marker), end]
    return "\n".join(lines)


def splice(body: str | None, new_section: str, flavor: str = "markdown") -> str | None:
    """The body with the tool's section replaced; None when the section is gone (a person
    removed it: the tool then leaves the body alone)."""
    pattern = _section_pattern(flavor)
    if body is None or not pattern.search(body):
        return None
    return pattern.sub(lambda _: new_section, body, count=1)


def _section_pattern(flavor: str) -> re.Pattern[str]:
    """The tool's section in a body, delimiters included; group 1 is what lies between."""
    begin, end = _DELIMITERS[flavor]
    return re.compile(re.escape(begin) + r"(.*?)" + re.escape(end), re.S)


def labels(view: ItemView, *, tool_label: str, extra: list[str]) -> list[str]:
    """The labels the tool owns on this ticket."""
    return _labels(tool_label, extra, view.priority, view.type)


def written_labels(
    body: str | None, flavor: str = "markdown", *, tool_label: str, extra: list[str]
) -> list[str]:
    """The labels the tool wrote together with the section in `body` (from its Priority and
    Type facts): what the tool last gave a ticket found without the store's memory of it."""
    found = _section_pattern(flavor).search(body or "")
    if found is None:
        return []
    bullet, strong = _FACT_MARKS[flavor]
    fact = re.compile(re.escape(bullet + strong) + r"(\w+):" + re.escape(strong) + r" (.+)")
    facts: dict[str, str] = {}
    for line in found.group(1).split("\n"):  # the facts: the first run of fact lines
        if (match := fact.fullmatch(line)) is not None:
            facts[match.group(1)] = match.group(2)
        elif facts:
            break  # the details that may follow are the postmortem's words, not facts
    return _labels(tool_label, extra, facts.get("Priority"), facts.get("Type"))


def _labels(tool_label: str, extra: list[str], priority: str | None, kind: str | None) -> list[str]:
    owned = [tool_label, *extra]
    if priority:
        owned.append(f"priority:{priority}")
    if kind:
        owned.append(f"type:{kind}")
    # Jira labels cannot hold spaces; GitHub's may, but one spelling for both keeps them alike.
    return list(dict.fromkeys(re.sub(r"\s+", "-", label.strip()) for label in owned))


def content_hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
