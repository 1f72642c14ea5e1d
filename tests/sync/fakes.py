"""An in-memory tracker that keeps the connector contract, for testing the sync engine."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from tracker.connector import NewTicket, RemoteIssue, RequestCount, TicketChange
from tracker.errors import AmbiguousWrite, ItemRejected, TicketGone


@dataclass
class Clock:
    """This machine's clock. `step` is how far it moves on each reading: 0 gives the same
    instant again, as a coarse clock or a fast machine does."""

    now: dt.datetime = dt.datetime(2024, 9, 1, 12, 0, tzinfo=dt.UTC)
    step: dt.timedelta = dt.timedelta(seconds=1)

    def __call__(self) -> dt.datetime:
        self.now += self.step
        return self.now


class FakeTracker:
    user_noun = "fake user"
    flavor = "markdown"
    batch_size = 1

    def __init__(
        self, clock: Clock, target: str = "fake", tool_label: str = "postmortem-action"
    ) -> None:
        self.target = target
        self.tool_label = tool_label  # the listing shows only tickets carrying it, as a real one
        self.clock = clock
        self.skew = dt.timedelta(0)  # how far the tracker's clock is from this machine's
        self.listings: list[dt.datetime | None] = []  # the `since` of every listing asked for
        self.issues: dict[str, RemoteIssue] = {}
        self.comments: dict[str, list[str]] = {}
        self.requests = RequestCount()
        self.fail_next_create_after_applying = False
        self.hold_creates = 0  # this many creates get no answer and are applied only by `release`
        self.held: list[NewTicket] = []
        self.created_at: dict[str, dt.datetime] = {}
        self.deleted: set[str] = set()

    def now(self) -> dt.datetime:
        """The tracker's clock: this machine's, off by `skew`."""
        return self.clock() + self.skew

    # people, acting in the tracker
    def close(self, key: str, reason: str = "completed") -> None:
        self._set(key, state="closed", state_reason=reason, closed_at=self.now())

    def reopen(self, key: str) -> None:
        self._set(key, state="open", state_reason="reopened", closed_at=None)

    def edit(self, key: str, **fields: object) -> None:
        self._set(key, **fields)

    def release(self) -> None:
        """The creates that got no answer are applied now, late (a slow server, a proxy)."""
        held, self.held = self.held, []
        for ticket in held:
            self.create_one(ticket=ticket)

    def add(self, key: str, title: str, body: str) -> RemoteIssue:
        """An issue a person made, without the tool's label or marker."""
        now = self.now()
        self.issues[key] = as_read(
            RemoteIssue(
                key=key,
                url=f"https://tracker.example/issues/{key}",
                title=title,
                body=body,
                state="open",
                state_reason=None,
                updated_at=now,
            )
        )
        self.created_at[key] = now
        return self.issues[key]

    def copy(self, key: str) -> str:
        """A person (or an older tool) makes another issue with the same body."""
        original = self.issues[key]
        new = str(len(self.issues) + len(self.deleted) + 1)
        now = self.now()
        self.issues[new] = replace(
            original, key=new, url=original.url.rsplit("/", 1)[0] + f"/{new}", updated_at=now
        )
        self.created_at[new] = now
        return new

    def _set(self, key: str, **fields: object) -> None:
        self.issues[key] = as_read(replace(self.issues[key], updated_at=self.now(), **fields))  # type: ignore[arg-type]

    # the contract
    def changed_since(self, *, since: dt.datetime | None) -> Iterator[RemoteIssue]:
        self.listings.append(since)
        self.requests.reads += 1 + max(0, (len(self.issues) - 1) // 100)
        found = [
            i
            for i in self.issues.values()
            if self.tool_label in i.labels
            and (since is None or (i.updated_at and i.updated_at >= since))
        ]
        return iter(
            sorted(found, key=lambda i: i.updated_at or dt.datetime.min.replace(tzinfo=dt.UTC))
        )

    def find_created(self, *, uids: list[str], since: dt.datetime) -> dict[str, RemoteIssue]:
        self.requests.reads += 1
        return {
            i.marker.uid: i
            for i in self.issues.values()
            if i.marker and i.marker.uid in uids and self.created_at[i.key] >= since
        }

    def check_create(self) -> None:
        pass

    def own_key(self, ref: str) -> str | None:
        return ref[1:] if ref.startswith("#") and ref[1:].isdigit() else None

    def create(self, *, tickets: list[NewTicket]) -> list[RemoteIssue | ItemRejected]:
        return [self.create_one(ticket=ticket) for ticket in tickets]

    def create_one(self, *, ticket: NewTicket) -> RemoteIssue:
        self.requests.writes += 1
        if self.hold_creates > 0:
            self.hold_creates -= 1
            self.held.append(ticket)
            raise AmbiguousWrite("fake: no answer to the create within the timeout")
        key = str(len(self.issues) + len(self.deleted) + 1)
        now = self.now()
        issue = as_read(
            RemoteIssue(
                key=key,
                url=f"https://tracker.example/issues/{key}",
                title=ticket.title,
                body=ticket.body,
                state="open",
                state_reason=None,
                labels=tuple(ticket.labels),
                assignees=(ticket.assignee,) if ticket.assignee else (),
                updated_at=now,
            )
        )
        self.issues[key] = issue
        self.created_at[key] = now
        if self.fail_next_create_after_applying:
            self.fail_next_create_after_applying = False
            raise AmbiguousWrite("fake: 502 after applying the create")
        return issue

    def get(self, *, key: str) -> RemoteIssue:
        self.requests.reads += 1
        if key not in self.issues:
            raise TicketGone(f"fake: issue {key} is gone")
        return self.issues[key]

    def update(self, *, key: str, change: TicketChange) -> RemoteIssue:
        self.requests.writes += 1
        if key not in self.issues:
            raise TicketGone(f"fake: issue {key} is gone")
        fields: dict[str, object] = {}
        if change.title is not None:
            fields["title"] = change.title
        if change.body is not None:
            fields["body"] = change.body
        if change.labels is not None:
            fields["labels"] = tuple(change.labels)
        if change.close_as is not None:
            fields.update(state="closed", state_reason=change.close_as, closed_at=self.now())
        self._set(key, **fields)
        return self.issues[key]

    def comment(self, *, key: str, body: str) -> None:
        self.requests.writes += 1
        self.comments.setdefault(key, []).append(body)
        self._set(key)

    def delete(self, key: str) -> None:
        del self.issues[key]
        self.deleted.add(key)


def as_read(issue: RemoteIssue) -> RemoteIssue:
    """The issue as a connector reads it: its texts are strings parsed from an answer, equal
    to what was sent but never the same objects (so `is` is no stand-in for `==`)."""

    def fresh(text: Any) -> Any:
        return json.loads(json.dumps(text))

    return replace(
        issue,
        title=fresh(issue.title),
        body=fresh(issue.body),
        state=fresh(issue.state),
        state_reason=fresh(issue.state_reason),
    )
