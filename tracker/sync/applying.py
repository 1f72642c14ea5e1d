"""Applying the plan item by item, recording each result at once, so a crash loses nothing the
next run's listing cannot find again.

A create that may have reached the tracker (5xx, timeout, reset) is never re-sent blindly: the
item's marker is looked for first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.connector import NewTicket, RemoteIssue, TicketChange
from tracker.errors import AmbiguousWrite, ItemRejected, TicketGone, TrackerError
from tracker.store.schema import RemoteLink
from tracker.sync.listing import see
from tracker.sync.planning import REMOVED
from tracker.sync.ticket import splice
from tracker.sync.values import Change, Desired, Step, SyncContext, SyncReport

# How far back to look for a create that may have happened (local clock against the tracker's).
OVERLAP = dt.timedelta(minutes=5)


class Applier:
    def __init__(
        self, context: SyncContext, progress: Callable[[int, int], None] | None = None
    ) -> None:
        self.context = context
        self.connector = context.connector
        self.target = context.target
        self.progress = progress

    def apply(self, steps: list[Step], report: SyncReport) -> bool:
        """Carry out the plan; True when it called for any write."""
        creates = [step for step in steps if step.action == "create"]
        others = [step for step in steps if step.action != "create"]
        done = 0
        if creates:
            self.connector.check_create()
        size = max(1, self.connector.batch_size)
        for start in range(0, len(creates), size):
            batch = creates[start : start + size]
            self._create(batch, report)
            done += len(batch)
            self._advance(done, len(steps))
        for step in others:
            try:
                if step.action == "update":
                    self._update(step.item_id, step.desired, report)
                else:
                    self._remove(step.item_id, report)
            except (ItemRejected, TicketGone, AmbiguousWrite) as exc:
                report.changes.append(Change("failed", step.desired.title, message=str(exc)))
                if isinstance(exc, TicketGone):
                    self._mark_deleted(step.item_id)
            done += 1
            self._advance(done, len(steps))
        return bool(steps)

    def _advance(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)

    def _create(self, batch: list[Step], report: SyncReport) -> None:
        """Create a batch of tickets; a create that may have happened is looked for first."""
        tickets = [step.desired.ticket() for step in batch]
        before = self.context.clock()
        results: list[RemoteIssue | TrackerError]
        try:
            results = list(self.connector.create(tickets=tickets))
        except AmbiguousWrite as exc:
            results = self._resolve_ambiguous(tickets, before, exc)
        for step, result in zip(batch, results, strict=True):
            desired = step.desired
            if isinstance(result, TrackerError):
                report.changes.append(Change("failed", desired.title, message=str(result)))
                continue
            issue = result
            if desired.close:
                try:
                    issue = self.connector.update(
                        key=issue.key, change=TicketChange(close_as="completed")
                    )
                except (ItemRejected, TicketGone) as exc:
                    report.changes.append(Change("failed", desired.title, issue.url, str(exc)))
            self._record_created(step.item_id, desired, issue)
            report.changes.append(Change("created", desired.title, issue.url))

    def _resolve_ambiguous(
        self, tickets: list[NewTicket], before: dt.datetime, exc: AmbiguousWrite
    ) -> list[RemoteIssue | TrackerError]:
        uids = [ticket.identity.uid for ticket in tickets]
        found = self.connector.find_created(uids=uids, since=before - OVERLAP)
        missing = [ticket for ticket in tickets if ticket.identity.uid not in found]
        again: dict[str, RemoteIssue | TrackerError] = {}
        if missing:
            created: list[RemoteIssue | TrackerError]
            try:
                created = list(self.connector.create(tickets=missing))
            except AmbiguousWrite as second:
                created = [second] * len(missing)  # found and adopted by the next run, if it exists
            again = {t.identity.uid: r for t, r in zip(missing, created, strict=True)}
        return [found.get(uid) or again[uid] for uid in uids]

    def _record_created(self, item_id: int, desired: Desired, issue: RemoteIssue) -> None:
        with self.context.store.session() as session:
            link = RemoteLink(
                item_id=item_id,
                target=self.target.name,
                kind=self.target.kind,
                remote_key=issue.key,
                title_written=desired.title,
                labels_written=desired.labels,
                pushed_hash=desired.hash,
            )
            see(self.context, link, issue)
            session.add(link)

    def _update(self, item_id: int, desired: Desired, report: SyncReport) -> None:
        with self.context.store.session() as session:
            link = self._link(session, item_id)
            key, old_title = link.remote_key, link.title_written
            old_labels = set(link.labels_written or [])
        remote = self.connector.get(key=key)
        body = splice(remote.body, desired.section, self.connector.flavor)
        current = set(remote.labels)
        wanted = (current - (old_labels - set(desired.labels))) | set(desired.labels)
        retitle = remote.title == old_title and remote.title != desired.title
        change = TicketChange(
            title=desired.title if retitle else None,
            body=body if body is not None and body != remote.body else None,
            labels=sorted(wanted) if wanted != current else None,
            close_as="completed" if desired.close and remote.state == "open" else None,
        )
        if not change.empty:
            remote = self.connector.update(key=key, change=change)
        with self.context.store.session() as session:
            link = self._link(session, item_id)
            link.pushed_hash = desired.hash
            link.labels_written = desired.labels
            if remote.title == desired.title:
                link.title_written = desired.title
            see(self.context, link, remote)
        note = (
            None
            if body is not None
            else ("the tool's section was removed from the issue body; body left alone")
        )
        report.changes.append(Change("updated", desired.title, remote.url, note))

    def _remove(self, item_id: int, report: SyncReport) -> None:
        """A measure left the postmortem: report it, and comment and close as configured."""
        with self.context.store.session() as session:
            link = self._link(session, item_id)
            key, text, url = link.remote_key, link.item.text, link.url
        close = self.target.close_removed
        if close:
            url = self.connector.update(key=key, change=TicketChange(close_as="not_planned")).url
        if close or self.target.comment_removed:
            outcome = (
                "closed this ticket as not planned" if close else "leaves this ticket open for you"
            )
            self.connector.comment(
                key=key,
                body=f"This measure was removed from the postmortem; track {outcome}. "
                "It is kept for the record, never deleted.",
            )
        with self.context.store.session() as session:
            link = self._link(session, item_id)
            link.pushed_hash = REMOVED
            if close:
                link.remote_state, link.state_reason = "closed", "not_planned"
        report.changes.append(
            Change("closed" if close else "removed", text, url, "removed from the postmortem")
        )

    def _mark_deleted(self, item_id: int) -> None:
        with self.context.store.session() as session:
            link = self._find_link(session, item_id)
            if link is not None:
                link.remote_state = "deleted"

    def _link(self, session: Session, item_id: int) -> RemoteLink:
        link = self._find_link(session, item_id)
        assert link is not None, "a planned update or removal has a link"
        return link

    def _find_link(self, session: Session, item_id: int) -> RemoteLink | None:
        return session.scalar(
            select(RemoteLink).where(
                RemoteLink.item_id == item_id, RemoteLink.target == self.target.name
            )
        )
