"""Applying the plan item by item, recording each result at once, so a crash loses nothing the
next run's listing cannot find again.

A create that may have reached the tracker (5xx, timeout, reset) is never re-sent blindly: the
item's marker is looked for first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from tracker.connector import RemoteIssue, TicketChange
from tracker.errors import AmbiguousWrite, ItemRejected, TicketGone, TrackerError
from tracker.store.schema import DuplicateTicket, PendingCreate, RemoteLink
from tracker.sync.listing import see, seen
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
        # Tickets created and not yet recorded: written with the next create's pending mark
        # (one transaction per ticket instead of two) or when the creates end.
        self._unrecorded: list[tuple[Step, RemoteIssue, str]] = []

    def apply(self, steps: list[Step], report: SyncReport) -> bool:
        """Carry out the plan; True when it called for any write."""
        creates = [step for step in steps if step.action == "create"]
        others = [step for step in steps if step.action != "create"]
        done = 0
        if creates:
            self.connector.check_create()
        size = max(1, self.connector.batch_size)
        try:
            for start in range(0, len(creates), size):
                batch = creates[start : start + size]
                self._create(batch, report)
                done += len(batch)
                self._advance(done, len(steps))
        finally:  # also when the tracker stopped the run: what was created is recorded
            self._record_unrecorded()
        handlers = {
            "link": lambda step: self._link_named(step, report),
            "update": lambda step: self._update(step.item_id, step.desired, report),
            "remove": lambda step: self._remove(step.item_id, report),
            "close_duplicate": lambda step: self._close_duplicate(step, report),
        }
        for step in others:
            try:
                handlers[step.action](step)
            except (ItemRejected, TicketGone, AmbiguousWrite) as exc:
                report.changes.append(Change("failed", step.desired.title, message=str(exc)))
                if isinstance(exc, TicketGone) and step.action in ("update", "remove"):
                    self._mark_deleted(step.item_id)
            done += 1
            self._advance(done, len(steps))
        return bool(steps)

    def _advance(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)

    def _create(self, batch: list[Step], report: SyncReport) -> None:
        """Create a batch of tickets, never sending one twice without knowing the first is
        lost: each is pending (in the store) before it is sent, and a create that got no
        answer stays pending for a later run to confirm (docs/sync.md, "Never a duplicate")."""
        earlier = [step for step in batch if step.sent_at is not None]
        found = self._look_for(
            earlier, min((s.sent_at for s in earlier if s.sent_at), default=None)
        )
        for step in earlier:
            if (issue := found.get(step.desired.identity.uid)) is not None:
                self._record_created(step, issue, origin="adopted")
                report.changes.append(Change("adopted", step.desired.title, issue.url))
        sending = [step for step in batch if step.desired.identity.uid not in found]
        if not sending:
            return
        sent_at = self._mark_pending(sending)
        try:
            results: list[RemoteIssue | TrackerError] = list(
                self.connector.create(tickets=[step.desired.ticket() for step in sending])
            )
        except AmbiguousWrite as exc:
            landed = self._look_for(sending, sent_at)  # a look now; never a second send
            results = [landed.get(step.desired.identity.uid) or exc for step in sending]
        except TrackerError:
            self._clear_pending(sending)  # refused or rate limited: nothing was created
            raise
        for step, result in zip(sending, results, strict=True):
            self._created(step, result, report)

    def _created(self, step: Step, result: RemoteIssue | TrackerError, report: SyncReport) -> None:
        desired = step.desired
        if isinstance(result, AmbiguousWrite):
            message = f"{result}; it is not sent again until its ticket shows up or "
            message += f"{self.target.unconfirmed_wait_seconds:g}s have passed"
            report.changes.append(Change("unconfirmed", desired.title, message=message))
            return
        if isinstance(result, TrackerError):
            self._clear_pending([step])
            report.changes.append(Change("failed", desired.title, message=str(result)))
            return
        issue = result
        if desired.close:
            try:
                issue = self.connector.update(
                    key=issue.key, change=TicketChange(close_as="completed")
                )
            except (ItemRejected, TicketGone) as exc:
                report.changes.append(Change("failed", desired.title, issue.url, str(exc)))
        self._record_created(step, issue)
        report.changes.append(Change("created", desired.title, issue.url))

    def _look_for(self, steps: list[Step], since: dt.datetime | None) -> dict[str, RemoteIssue]:
        """Tickets already carrying these items' markers, created since `since` (and a
        margin for the clocks of this machine and the tracker)."""
        if not steps or since is None:
            return {}
        uids = [step.desired.identity.uid for step in steps]
        return self.connector.find_created(uids=uids, since=since - OVERLAP)

    def _mark_pending(self, steps: list[Step]) -> dt.datetime:
        # Core statements, not ORM objects: this runs once per ticket created
        now, ids = self.context.clock(), [step.item_id for step in steps]
        mine = (PendingCreate.target == self.target.name, PendingCreate.item_id.in_(ids))
        with self.context.store.session() as session:
            self._write_unrecorded(session)
            again = set(session.scalars(select(PendingCreate.item_id).where(*mine)))
            if again:
                session.execute(
                    update(PendingCreate)
                    .where(*mine)
                    .values(sent_at=now, attempts=PendingCreate.attempts + 1)
                    .execution_options(synchronize_session=False)
                )
            new = [i for i in ids if i not in again]
            if new:
                session.execute(
                    insert(PendingCreate),
                    [{"item_id": i, "target": self.target.name, "sent_at": now} for i in new],
                )
        return now

    def _clear_pending(self, steps: list[Step]) -> None:
        with self.context.store.session() as session:
            self._write_unrecorded(session)
            self._delete_pending(session, [step.item_id for step in steps])

    def _delete_pending(self, session: Session, item_ids: list[int]) -> None:
        session.execute(
            delete(PendingCreate)
            .where(PendingCreate.item_id.in_(item_ids), PendingCreate.target == self.target.name)
            .execution_options(synchronize_session=False)
        )

    def _record_created(self, step: Step, issue: RemoteIssue, *, origin: str = "created") -> None:
        """Link the item to its ticket, in the store's next transaction (the next create's
        pending mark, or the end of the creates). Until then the item's pending mark stands:
        a run killed in between leaves the next run to find the ticket by its marker."""
        self._unrecorded.append((step, issue, origin))

    def _record_unrecorded(self) -> None:
        if self._unrecorded:  # no empty transaction
            with self.context.store.session() as session:
                self._write_unrecorded(session)

    def _write_unrecorded(self, session: Session) -> None:
        if not self._unrecorded:
            return
        links = []
        for step, issue, origin in self._unrecorded:
            desired = step.desired
            same = origin == "created"  # a ticket found rather than answered: update it
            links.append(
                {
                    "item_id": step.item_id,
                    "target": self.target.name,
                    "kind": self.target.kind,
                    "remote_key": issue.key,
                    "title_written": desired.title if same else None,
                    "labels_written": desired.labels,
                    "pushed_hash": desired.hash if same else None,
                    "origin": origin,
                    **seen(self.context, issue),
                }
            )
        session.execute(insert(RemoteLink), links)
        self._delete_pending(session, [step.item_id for step, _, _ in self._unrecorded])
        self._unrecorded = []  # a failed commit raises: the run stops, the marks stand

    def _link_named(self, step: Step, report: SyncReport) -> None:
        """The postmortem names this target's ticket for the measure: track that ticket, write
        nothing to it; a key that does not exist gets a ticket of the tool's own instead."""
        assert step.key is not None
        try:
            issue = self.connector.get(key=step.key)
        except TicketGone:
            report.changes.append(
                Change(
                    "failed",
                    step.desired.title,
                    message=f"names {step.key}, which does not "
                    "exist in this target; fix the reference (a ticket is created meanwhile)",
                )
            )
            self._create([replace(step, action="create", key=None)], report)
            self._record_unrecorded()
            return
        with self.context.store.session() as session:
            link = RemoteLink(
                item_id=step.item_id,
                target=self.target.name,
                kind=self.target.kind,
                remote_key=issue.key,
                labels_written=[],
                origin="named",
            )
            see(self.context, link, issue)
            session.add(link)
        report.changes.append(
            Change("linked", step.desired.title, issue.url, "named in the postmortem")
        )

    def _close_duplicate(self, step: Step, report: SyncReport) -> None:
        assert step.key is not None
        with self.context.store.session() as session:
            duplicate = session.get(DuplicateTicket, (self.target.name, step.key))
            assert duplicate is not None
            kept = (
                session.scalar(
                    select(RemoteLink.url).where(
                        RemoteLink.item_id == step.item_id, RemoteLink.target == self.target.name
                    )
                )
                or duplicate.kept_key
            )
        # Closing first: it is safe to repeat, and a closed duplicate is not planned again.
        issue = self.connector.update(key=step.key, change=TicketChange(close_as="duplicate"))
        self.connector.comment(
            key=step.key,
            body=f"Duplicate of {kept}: that ticket tracks this postmortem measure; track closed "
            "this one, which carries the same marker.",
        )
        with self.context.store.session() as session:
            duplicate = session.get(DuplicateTicket, (self.target.name, step.key))
            assert duplicate is not None
            duplicate.closed_at, duplicate.remote_state = self.context.clock(), issue.state
        report.changes.append(
            Change("closed", step.desired.title, issue.url, f"duplicate of {kept}")
        )

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
        notes = []
        if change.close_as:
            notes.append("ticked in the postmortem")
        if body is None:
            notes.append("the tool's section was removed from the issue body; body left alone")
        kind = "closed" if change.close_as else "updated"
        report.changes.append(Change(kind, desired.title, remote.url, "; ".join(notes) or None))

    def _remove(self, item_id: int, report: SyncReport) -> None:
        """A measure left the postmortem: report it, and comment and close as configured."""
        with self.context.store.session() as session:
            link = self._link(session, item_id)
            key, text, url = link.remote_key, link.item.text, link.url
            why = (
                f"its postmortem file {link.item.incident.source_path} was removed"
                if link.item.incident.removed_at is not None
                else "it was removed from the postmortem"
            )
        close = self.target.close_removed
        if close:
            url = self.connector.update(key=key, change=TicketChange(close_as="not_planned")).url
        if close or self.target.comment_removed:
            outcome = (
                "closed this ticket as not planned" if close else "leaves this ticket open for you"
            )
            self.connector.comment(
                key=key,
                body=f"This measure is no longer tracked: {why}; track {outcome}. "
                "It is kept for the record, never deleted.",
            )
        with self.context.store.session() as session:
            link = self._link(session, item_id)
            link.pushed_hash = REMOVED
            if close:
                link.remote_state, link.state_reason = "closed", "not_planned"
        report.changes.append(Change("closed" if close else "removed", text, url, why))

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
