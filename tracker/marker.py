"""The identity marker: how a ticket says which action item it tracks (docs/sync.md).

In a markdown body (GitHub) it is an HTML comment that trackers store and serve verbatim:

    <!-- track:item {"uid": "3f9c2a7b1d4e8f60", "incident": "INC-7", "text": "Add alerting"} -->

On Jira the same fields travel as the issue property `track.item`. `uid` is the item's
identity; `incident` and `text` let a sync that lost its database pair the ticket with the item
again (tracker/store/identity.py), so it adopts the ticket instead of creating another.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_MARKER = re.compile(r"<!-- track:item (\{.*?\}) -->", re.S)
PROPERTY = "track.item"


@dataclass(frozen=True)
class Marker:
    uid: str
    incident: str
    text: str


def marker_comment(marker: Marker) -> str:
    data = json.dumps(
        {"uid": marker.uid, "incident": marker.incident, "text": marker.text}, ensure_ascii=False
    )
    safe = data.replace("--", "-\\u002d")  # "--" may not appear inside an HTML comment
    return f"<!-- track:item {safe} -->"


def read_marker(body: str | None) -> Marker | None:
    """The identity marker in a ticket body, or None when there is none (or it is damaged)."""
    match = _MARKER.search(body or "")
    if match is None:
        return None
    try:
        data = json.loads(match.group(1))
        return Marker(
            uid=str(data["uid"]), incident=str(data["incident"]), text=str(data.get("text", ""))
        )
    except (ValueError, KeyError, TypeError):
        return None


def marker_property(marker: Marker) -> dict[str, str]:
    return {"uid": marker.uid, "incident": marker.incident, "text": marker.text}


def marker_from_property(value: object) -> Marker | None:
    if not isinstance(value, dict) or "uid" not in value:
        return None
    return Marker(str(value["uid"]), str(value.get("incident", "")), str(value.get("text", "")))
