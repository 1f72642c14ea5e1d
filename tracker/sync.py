"""The sync engine: plan, apply, read completion back. The protocol is in docs/sync.md.

Per target, one run:
1. list the tickets that changed since the last successful listing (all tickets on the first
   run, or after the database was lost), pair each with its item by the marker, adopting
   tickets the store does not know, and take completion from them;
2. plan: a ticket for every live item without one, an update where what the tool would write
   changed, a close (or a report) for removed items;
3. apply the plan item by item, recording each result at once;
4. if anything was written, list again from the first listing's start, so changes people made
   while the run wrote are not lost; remember where the listing got to, for the next run.
A create that may have reached the tracker (5xx, timeout, reset) is never re-sent blindly: the
engine looks for the item's marker first. A crash at any point leaves issues the next run's
listing finds and adopts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.config import AnyTarget, Routing
from tracker.connector import Connector, NewTicket, RemoteIssue, TicketChange
from tracker.db import Store
from tracker.errors import (
    AmbiguousWrite,
    ItemRejected,
    RateLimited,
    TicketGone,
    TrackerError,
    TrackerUnavailable,
)
from tracker.identity import match_items
from tracker.routing import is_draft, route
from tracker.schema import ActionItem, Incident, ItemEvent, RemoteLink, SyncState, utcnow
from tracker.syncplan import Change, Desired, Incoming, SyncReport, high_water, remote_status
from tracker.ticket import ItemView, Marker, labels, section, splice, title

# How far back to look for a create that may have happened (local clock against the tracker's).
OVERLAP = dt.timedelta(minutes=5)
REMOVED = "removed"  # pushed_hash of a link whose item's removal was handled


class SyncEngine:
    def __init__(
        self,
        store: Store,
        connector: Connector,
        target: AnyTarget,
        routing: Routing,
        *,
        include_drafts: bool = False,
        clock: Callable[[], dt.datetime] = utcnow,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.store = store
        self.connector = connector
        self.target = target
        self.routing = routing
        self.include_drafts = include_drafts
        self.clock = clock
        self.progress = progress

    # -- the run -------------------------------------------------------------------------

    def run(self, *, dry_run: bool = False) -> SyncReport:
        report = SyncReport(self.target.name, dry_run=dry_run)
        since = self._since()
        self._mark_started(self.clock(), dry_run)
        try:
            remote = list(self.connector.changed_since(since=since))
            first_mark = high_water(since, remote)
            with self.store.session(commit=not dry_run) as session:
                self._take_remote(session, remote, report)
                plan = self._plan(session, report)
                if dry_run:
                    if any(action == "create" for action, _, _ in plan):
                        self.connector.check_create()  # reads only: a dry run finds these too
                    self._report_plan(plan, report)
                    return report
            mark = first_mark
            if self._apply(plan, report):
                # Read again from the first listing's mark: people's changes made while this run
                # wrote are seen now, and the next run starts after this run's own writes.
                again = list(self.connector.changed_since(since=first_mark))
                with self.store.session() as session:
                    self._take_remote(session, again, report)
                mark = high_water(first_mark, again)
            self._mark_finished(mark, "ok")
        except (RateLimited, TrackerUnavailable) as exc:
            self._mark_finished(None, "interrupted")  # what was done is recorded; resume next run
            report.stopped = str(exc)
        except TrackerError:
            self._mark_finished(None, "failed")
            raise
        finally:
            report.requests = self.connector.requests.total
        return report

    # -- reading the tracker -------------------------------------------------------------

    def _take_remote(
        self, session: Session, remote: Iterable[RemoteIssue], report: SyncReport
    ) -> None:
        issues = [issue for issue in remote if issue.marker is not None]
        links = {
            link.remote_key: link
            for link in session.scalars(
                select(RemoteLink).where(RemoteLink.target == self.target.name)
            )
        }
        uids = {m.uid for m in (i.marker for i in issues) if m}
        items = {
            item.uid: item
            for item in session.scalars(select(ActionItem).where(ActionItem.uid.in_(uids)))
        }
        unknown = [
            i for i in issues if i.key not in links and i.marker and i.marker.uid not in items
        ]
        items.update(self._adopt(session, unknown))
        for issue in issues:
            marker = issue.marker
            assert marker is not None
            link = links.get(issue.key)
            item = link.item if link is not None else items.get(marker.uid)
            if item is None:
                report.changes.append(
                    Change("orphan", marker.text, issue.url, "no item in the store has this marker")
                )
                continue
            if link is None:
                link = self._link_adopted(session, item, issue)
                links[issue.key] = link
                report.changes.append(Change("adopted", item.text, issue.url))
            self._see(link, issue)
            self._take_status(session, item, issue, report)

    def _adopt(self, session: Session, issues: list[RemoteIssue]) -> dict[str, ActionItem]:
        """Pair tickets whose uid the store lacks (a lost database) with items, by the identity
        rule on the marker's incident and text; the item takes the ticket's uid."""
        adopted: dict[str, ActionItem] = {}
        by_incident: dict[str, list[RemoteIssue]] = {}
        for issue in issues:
            assert issue.marker is not None
            by_incident.setdefault(issue.marker.incident, []).append(issue)
        for key, group in by_incident.items():
            incident = session.scalar(select(Incident).where(Incident.key == key))
            if incident is None:
                continue
            linked = select(RemoteLink.item_id).where(RemoteLink.target == self.target.name)
            free = list(
                session.scalars(
                    select(ActionItem).where(
                        ActionItem.incident_id == incident.id, ActionItem.id.not_in(linked)
                    )
                )
            )
            incoming = [Incoming(issue.marker.text) for issue in group if issue.marker]
            for index, item in match_items(incoming, free).pairs:
                marker = group[index].marker
                assert marker is not None
                item.uid = marker.uid
                adopted[marker.uid] = item
        session.flush()
        return adopted

    def _link_adopted(self, session: Session, item: ActionItem, issue: RemoteIssue) -> RemoteLink:
        desired = self._desired(item)
        same = (
            issue.title == desired.title
            and splice(issue.body, desired.section, self.connector.flavor) == issue.body
        )
        link = RemoteLink(
            item_id=item.id,
            target=self.target.name,
            kind=self.target.kind,
            remote_key=issue.key,
            url=issue.url,
            title_written=issue.title if same else None,
            labels_written=[label for label in desired.labels if label in issue.labels],
            pushed_hash=desired.hash if same else None,
        )
        session.add(link)
        session.flush()
        return link

    def _see(self, link: RemoteLink, issue: RemoteIssue) -> None:
        link.url = issue.url
        link.remote_state = issue.state
        link.state_reason = issue.state_reason
        link.remote_updated_at = issue.updated_at
        link.last_seen_at = self.clock()

    def _take_status(
        self, session: Session, item: ActionItem, issue: RemoteIssue, report: SyncReport
    ) -> None:
        new = remote_status(issue)
        if item.status == new:
            return
        if new == "open" and item.status_source == "document" and item.document_status == "done":
            return  # ticked in the postmortem: this run closes the ticket, not the other way round
        old = item.status
        at = (issue.closed_at if issue.state == "closed" else issue.updated_at) or self.clock()
        item.status, item.status_source, item.status_changed_at = new, self.target.name, at
        session.add(
            ItemEvent(
                item_id=item.id,
                at=at,
                kind="status",
                old_status=old,
                new_status=new,
                source=self.target.name,
            )
        )
        kind = {"done": "done", "wont_do": "wont_do", "open": "reopened"}[new]
        report.changes.append(Change(kind, item.text, issue.url))

    # -- planning ------------------------------------------------------------------------

    def _plan(self, session: Session, report: SyncReport) -> list[tuple[str, int, Desired]]:
        """(action, item id, what to write) for each item that needs a write."""
        incidents = [
            incident
            for incident in session.scalars(select(Incident))
            if route(self.routing, source_path=incident.source_path, meta=incident.meta)
            == self.target.name
            and (self.include_drafts or not is_draft(incident.meta))
        ]
        ids = [incident.id for incident in incidents]
        links = {
            link.item_id: link
            for link in session.scalars(
                select(RemoteLink).where(RemoteLink.target == self.target.name)
            )
        }
        plan: list[tuple[str, int, Desired]] = []
        query = select(ActionItem).where(ActionItem.incident_id.in_(ids)).order_by(ActionItem.id)
        for item in session.scalars(query.options(selectinload(ActionItem.incident))):
            link = links.get(item.id)
            desired = self._desired(item)
            if item.removed_at is not None:
                if link is not None and link.remote_state == "open" and link.pushed_hash != REMOVED:
                    plan.append(("remove", item.id, desired))
            elif link is None:
                plan.append(("create", item.id, desired))
            elif link.remote_state != "deleted" and link.pushed_hash != desired.hash:
                plan.append(("update", item.id, desired))
            else:
                report.unchanged += 1
        return plan

    def _desired(self, item: ActionItem) -> Desired:
        incident = item.incident
        assignee = self.target.login_for(item.owner)
        view = ItemView(
            uid=item.uid,
            text=item.text,
            incident_key=incident.key,
            incident_title=incident.title,
            incident_date=incident.date.isoformat() if incident.date else None,
            source_path=incident.source_path,
            owner=item.owner,
            assignee=assignee,
            due=item.due.isoformat() if item.due else None,
            priority=item.priority,
            type=item.type,
            details=item.details,
        )
        return Desired(
            title=title(view),
            section=section(
                view,
                tracker_user=self.connector.user_noun,
                postmortem_url=self.target.postmortem_url,
                flavor=self.connector.flavor,
            ),
            labels=labels(view, tool_label=self.target.tool_label, extra=self.target.labels),
            assignee=assignee,
            priority=item.priority,
            close=item.document_status == "done",
            identity=Marker(item.uid, incident.key, item.text),
        )

    def _report_plan(self, plan: list[tuple[str, int, Desired]], report: SyncReport) -> None:
        kinds = {"create": "created", "update": "updated", "remove": "removed"}
        for action, _, desired in plan:
            report.changes.append(Change(kinds[action], desired.title, message="planned (dry run)"))

    # -- applying ------------------------------------------------------------------------

    def _apply(self, plan: list[tuple[str, int, Desired]], report: SyncReport) -> bool:
        creates = [(item_id, desired) for action, item_id, desired in plan if action == "create"]
        others = [step for step in plan if step[0] != "create"]
        done = 0
        if creates:
            self.connector.check_create()
        size = max(1, self.connector.batch_size)
        for start in range(0, len(creates), size):
            batch = creates[start : start + size]
            self._create(batch, report)
            done += len(batch)
            self._advance(done, len(plan))
        for action, item_id, desired in others:
            try:
                if action == "update":
                    self._update(item_id, desired, report)
                else:
                    self._remove(item_id, report)
            except (ItemRejected, TicketGone, AmbiguousWrite) as exc:
                report.changes.append(Change("failed", desired.title, message=str(exc)))
                if isinstance(exc, TicketGone):
                    self._mark_deleted(item_id)
            done += 1
            self._advance(done, len(plan))
        return bool(plan)

    def _advance(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)

    def _create(self, batch: list[tuple[int, Desired]], report: SyncReport) -> None:
        """Create a batch of tickets; a create that may have happened is looked for first."""
        tickets = [desired.ticket() for _, desired in batch]
        before = self.clock()
        results: list[RemoteIssue | TrackerError]
        try:
            results = list(self.connector.create(tickets=tickets))
        except AmbiguousWrite as exc:
            results = self._resolve_ambiguous(tickets, before, exc)
        for (item_id, desired), result in zip(batch, results, strict=True):
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
            self._record_created(item_id, desired, issue)
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
        with self.store.session() as session:
            link = RemoteLink(
                item_id=item_id,
                target=self.target.name,
                kind=self.target.kind,
                remote_key=issue.key,
                title_written=desired.title,
                labels_written=desired.labels,
                pushed_hash=desired.hash,
            )
            self._see(link, issue)
            session.add(link)

    def _update(self, item_id: int, desired: Desired, report: SyncReport) -> None:
        with self.store.session() as session:
            link = self._link(session, item_id)
            key, old_title, old_labels = (
                link.remote_key,
                link.title_written,
                set(link.labels_written or []),
            )
        remote = self.connector.get(key=key)
        body = splice(remote.body, desired.section, self.connector.flavor)
        current = set(remote.labels)
        wanted = (current - (old_labels - set(desired.labels))) | set(desired.labels)
        change = TicketChange(
            title=desired.title
            if remote.title == old_title and remote.title != desired.title
            else None,
            body=body if body is not None and body != remote.body else None,
            labels=sorted(wanted) if wanted != current else None,
            close_as="completed" if desired.close and remote.state == "open" else None,
        )
        if not change.empty:
            remote = self.connector.update(key=key, change=change)
        with self.store.session() as session:
            link = self._link(session, item_id)
            link.pushed_hash = desired.hash
            link.labels_written = desired.labels
            if remote.title == desired.title:
                link.title_written = desired.title
            self._see(link, remote)
        note = (
            None
            if body is not None
            else "the tool's section was removed from the issue body; body left alone"
        )
        report.changes.append(Change("updated", desired.title, remote.url, note))

    def _remove(self, item_id: int, report: SyncReport) -> None:
        """A measure left the postmortem: report it, and comment and close as configured."""
        with self.store.session() as session:
            link = self._link(session, item_id)
            key, text, url = link.remote_key, link.item.text, link.url
        close, comment = (
            self.target.close_removed,
            self.target.close_removed or self.target.comment_removed,
        )
        if close:
            url = self.connector.update(key=key, change=TicketChange(close_as="not_planned")).url
        if comment:
            outcome = (
                "closed this ticket as not planned" if close else "leaves this ticket open for you"
            )
            self.connector.comment(
                key=key,
                body=f"This measure was removed from the postmortem; track {outcome}. "
                "It is kept for the record, never deleted.",
            )
        with self.store.session() as session:
            link = self._link(session, item_id)
            link.pushed_hash = REMOVED
            if close:
                link.remote_state, link.state_reason = "closed", "not_planned"
        report.changes.append(
            Change("closed" if close else "removed", text, url, "removed from the postmortem")
        )

    def _mark_deleted(self, item_id: int) -> None:
        with self.store.session() as session:
            link = session.scalar(
                select(RemoteLink).where(
                    RemoteLink.item_id == item_id, RemoteLink.target == self.target.name
                )
            )
            if link is not None:
                link.remote_state = "deleted"

    def _link(self, session: Session, item_id: int) -> RemoteLink:
        return session.scalars(
            select(RemoteLink).where(
                RemoteLink.item_id == item_id, RemoteLink.target == self.target.name
            )
        ).one()

    # -- where the listing got to --------------------------------------------------------

    def _since(self) -> dt.datetime | None:
        with self.store.session() as session:
            state = session.get(SyncState, self.target.name)
            return state.listed_until if state is not None else None

    def _mark_started(self, at: dt.datetime, dry_run: bool) -> None:
        if dry_run:
            return
        with self.store.session() as session:
            state = session.get(SyncState, self.target.name) or SyncState(target=self.target.name)
            state.last_started_at, state.last_outcome = at, "running"
            session.add(state)

    def _mark_finished(self, listed_until: dt.datetime | None, outcome: str) -> None:
        with self.store.session() as session:
            state = session.get(SyncState, self.target.name)
            if state is None:
                return  # a dry run records nothing
            if listed_until is not None:
                state.listed_until = listed_until
            state.last_finished_at, state.last_outcome = self.clock(), outcome


__all__ = ["OVERLAP", "Change", "SyncEngine", "SyncReport"]
