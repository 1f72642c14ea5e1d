"""What a sync run reports, and the values its phases plan and work with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from tracker.config import AnyTarget
from tracker.connector import Connector, NewTicket, RemoteIssue
from tracker.marker import Marker
from tracker.store.database import Store
from tracker.sync.ticket import content_hash


@dataclass
class Change:
    # created, linked, updated, adopted, done, wont_do, reopened, removed, closed, failed,
    # orphan, duplicate, unconfirmed
    kind: str
    item: str
    ticket: str | None = None
    message: str | None = None


@dataclass
class SyncReport:
    target: str
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    requests: int = 0
    stopped: str | None = None  # why the run stopped early (rate limit), to resume next time
    local_plan: str | None = None  # a dry run planned from the store alone: why

    def count(self, kind: str) -> int:
        return sum(change.kind == kind for change in self.changes)

    @property
    def failed(self) -> bool:
        """Something is not synced yet: a failure, a create awaiting its answer, a stop."""
        return self.count("failed") + self.count("unconfirmed") > 0 or self.stopped is not None

    def summary(self) -> dict[str, object]:
        kinds = (
            "created",
            "linked",
            "updated",
            "adopted",
            "done",
            "wont_do",
            "reopened",
            "removed",
            "closed",
            "failed",
            "orphan",
            "duplicate",
            "unconfirmed",
        )
        counts: dict[str, object] = {kind: self.count(kind) for kind in kinds}
        counts["completed"] = self.count("done")
        counts["unchanged"] = self.unchanged
        return {
            "target": self.target,
            "dry_run": self.dry_run,
            **counts,
            "requests": self.requests,
            "stopped": self.stopped,
            "local_plan": self.local_plan,
        }


@dataclass(frozen=True)
class Desired:
    title: str
    section: str
    labels: list[str]
    assignee: str | None
    priority: str | None
    close: bool  # the document marks the measure done
    identity: Marker

    def ticket(self) -> NewTicket:
        return NewTicket(
            self.title, self.section, self.labels, self.identity, self.assignee, self.priority
        )

    @property
    def hash(self) -> str:
        return content_hash(self.title, self.section, sorted(self.labels), self.close)


def high_water(since: dt.datetime | None, issues: Iterable[RemoteIssue]) -> dt.datetime | None:
    """The latest change time the tracker reported: where the next listing starts.

    The tracker's own clock, not ours, so no skew can hide a change; listings include changes
    at exactly `since`, so one made in the same second as the mark is read again, not lost.
    """
    stamps = [issue.updated_at for issue in issues if issue.updated_at is not None]
    return max([*stamps, *([since] if since else [])], default=None)


def remote_status(issue: RemoteIssue) -> str:
    if issue.state == "open":
        return "open"
    return "wont_do" if issue.state_reason in ("not_planned", "duplicate") else "done"


@dataclass(frozen=True)
class Incoming:
    text: str
    explicit_id: str | None = None


@dataclass(frozen=True)
class SyncContext:
    """What every phase of one target's sync works with."""

    store: Store
    connector: Connector
    target: AnyTarget
    clock: Callable[[], dt.datetime]


@dataclass(frozen=True)
class Step:
    """One write the plan calls for: create a ticket (looking for an unconfirmed earlier create
    first when `sent_at` is set), link the ticket the postmortem names (`key`), update a
    ticket, handle a removed measure, or close a duplicate ticket (`key`)."""

    action: Literal["create", "link", "update", "remove", "close_duplicate"]
    item_id: int
    desired: Desired
    key: str | None = None
    sent_at: dt.datetime | None = None
