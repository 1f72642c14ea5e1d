"""The local plan of a dry run that cannot ask the tracker (no token, no network).

A stand-in connector that knows no tickets: the engine then plans from the store alone, what
it would create for items without a ticket and what it would update or close from what it
recorded last time. The report says it is a local plan; nothing is sent, nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from tracker.connector import NewTicket, RemoteIssue, RequestCount, TicketChange
from tracker.errors import ItemRejected, TrackerUnavailable


class LocalOnly:
    batch_size = 1

    def __init__(self, target: str, *, user_noun: str, flavor: str) -> None:
        self.target = target
        self.user_noun = user_noun  # as the real connector's, so ticket text compares equal
        self.flavor = flavor
        self.requests = RequestCount()

    def changed_since(self, *, since: dt.datetime | None) -> Iterator[RemoteIssue]:
        return iter(())

    def find_created(self, *, uids: list[str], since: dt.datetime) -> dict[str, RemoteIssue]:
        return {}

    def check_create(self) -> None:
        """The create screen cannot be read: the real sync checks it."""

    def create(self, *, tickets: list[NewTicket]) -> list[RemoteIssue | ItemRejected]:
        raise TrackerUnavailable(f"{self.target}: a local plan sends nothing")

    def get(self, *, key: str) -> RemoteIssue:
        raise TrackerUnavailable(f"{self.target}: a local plan reads no ticket")

    def own_key(self, ref: str) -> str | None:
        return None

    def update(self, *, key: str, change: TicketChange) -> RemoteIssue:
        raise TrackerUnavailable(f"{self.target}: a local plan sends nothing")

    def comment(self, *, key: str, body: str) -> None:
        raise TrackerUnavailable(f"{self.target}: a local plan sends nothing")
