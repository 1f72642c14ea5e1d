"""Which tracker target an incident's items go to: the first matching rule, else the default."""

from __future__ import annotations

from fnmatch import fnmatch

from tracker.config import Routing


def route(routing: Routing, *, source_path: str, meta: dict[str, object]) -> str | None:
    """The target name for an incident, or None when no rule matches and there is no default."""
    lowered = {str(k).lower(): str(v).lower() for k, v in meta.items()}
    for rule in routing.rules:
        fields_match = all(lowered.get(k.lower()) == v.lower() for k, v in rule.match.items())
        path_matches = rule.path is None or fnmatch(source_path, rule.path)
        if fields_match and path_matches:
            return rule.target
    return routing.default


def is_draft(meta: dict[str, object]) -> bool:
    return str(meta.get("status", "")).strip().lower() == "draft"
