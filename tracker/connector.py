"""The contract between the sync engine and a tracker connector (GitHub, Jira, fakes).

A connector speaks to one tracker target. Its methods are keyword-only, take and return the
value types below, and raise only `tracker.errors.TrackerError` subclasses. Every write must be
safe to repeat from the engine's point of view: a create that may have happened raises
`AmbiguousWrite` instead of being re-sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from tracker.ticket import Marker, read_marker

CloseReason = Literal["completed", "not_planned"]


@dataclass(frozen=True)
class RemoteIssue:
    key: str  # GitHub issue number, Jira issue key
    url: str
    title: str
    body: str | None
    state: Literal["open", "closed"]
    state_reason: (
        str | None
    )  # completed, not_planned, duplicate, reopened (GitHub); a resolution (Jira)
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    updated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None

    @property
    def marker(self) -> Marker | None:
        return read_marker(self.body)


@dataclass(frozen=True)
class NewTicket:
    title: str
    body: str
    labels: list[str]
    assignee: str | None = None


@dataclass(frozen=True)
class TicketChange:
    title: str | None = None
    body: str | None = None
    labels: list[str] | None = None
    close_as: CloseReason | None = None

    @property
    def empty(self) -> bool:
        return (
            self.title is None
            and self.body is None
            and self.labels is None
            and self.close_as is None
        )


@dataclass
class RequestCount:
    reads: int = 0
    writes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.reads + self.writes


class Connector(Protocol):
    target: str
    user_noun: str  # how the tracker calls its users, for ticket text ("GitHub user")
    requests: RequestCount

    def changed_since(self, *, since: dt.datetime | None) -> Iterator[RemoteIssue]:
        """Tickets with the tool's label, open or closed, changed since `since` (all if None)."""
        ...

    def find_created(self, *, uid: str, since: dt.datetime) -> RemoteIssue | None:
        """The ticket with this item's marker created since `since`, if any."""
        ...

    def create(self, *, ticket: NewTicket) -> RemoteIssue: ...

    def get(self, *, key: str) -> RemoteIssue: ...

    def update(self, *, key: str, change: TicketChange) -> RemoteIssue: ...

    def comment(self, *, key: str, body: str) -> None: ...
