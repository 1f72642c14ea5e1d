"""The contract between the sync engine and a tracker connector (GitHub, Jira, fakes).

A connector speaks to one tracker target. Its methods are keyword-only, take and return the
value types below, and raise only `tracker.errors.TrackerError` subclasses. Every write must be
safe to repeat from the engine's point of view: a create that may have happened raises
`AmbiguousWrite` instead of being re-sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

from tracker.errors import ItemRejected
from tracker.marker import Marker, read_marker

CloseReason = Literal["completed", "not_planned", "duplicate"]


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
    identity: Marker | None = None  # read from outside the body (a Jira issue property)

    @property
    def marker(self) -> Marker | None:
        return self.identity or read_marker(self.body)


@dataclass(frozen=True)
class NewTicket:
    title: str
    body: str
    labels: list[str]
    identity: Marker
    assignee: str | None = None
    priority: str | None = None  # P0-P4; the connector maps it to the tracker's names


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

    @property
    def total(self) -> int:
        return self.reads + self.writes


class Connector(Protocol):
    target: str
    user_noun: str  # how the tracker calls its users, for ticket text ("GitHub user")
    flavor: str  # markup of ticket bodies: "markdown" or "jira"
    batch_size: int  # tickets one create request may carry
    requests: RequestCount

    def changed_since(self, *, since: dt.datetime | None) -> Iterator[RemoteIssue]:
        """Tickets with the tool's label, open or closed, changed since `since` (all if None)."""
        ...

    def find_created(self, *, uids: list[str], since: dt.datetime) -> dict[str, RemoteIssue]:
        """Tickets carrying these items' markers created since `since`, by uid."""
        ...

    def check_create(self) -> None:
        """Before the first create of a run: fail early (TrackerFatal, one line a problem) when
        tickets cannot be created as configured (required fields, fields not on the screen)."""
        ...

    def create(self, *, tickets: list[NewTicket]) -> list[RemoteIssue | ItemRejected]:
        """Create up to `batch_size` tickets; per ticket, the ticket or why it was refused.
        Raises AmbiguousWrite when the request may have been applied but no answer came."""
        ...

    def get(self, *, key: str) -> RemoteIssue: ...

    def own_key(self, ref: str) -> str | None:
        """The key of this target's ticket that a reference names ("#12", "acme/ops#12", an
        issue URL; "OPS-12"), or None when it names another project, tracker or nothing."""
        ...

    def update(self, *, key: str, change: TicketChange) -> RemoteIssue: ...

    def comment(self, *, key: str, body: str) -> None: ...
