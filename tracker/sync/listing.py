"""Reading the tracker: pair each listed ticket with its item by the marker, adopt tickets the
store does not know (a lost database), and take completion from them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.connector import RemoteIssue
from tracker.store.identity import match_items
from tracker.store.schema import ActionItem, Incident, ItemEvent, RemoteLink
from tracker.sync.planning import desired_for
from tracker.sync.ticket import splice
from tracker.sync.values import Change, Incoming, SyncContext, SyncReport, remote_status


class Listing:
    def __init__(self, context: SyncContext) -> None:
        self.context = context
        self.target = context.target.name

    def take(self, session: Session, remote: Iterable[RemoteIssue], report: SyncReport) -> None:
        """Record what the listed tickets say: their state, and completion for their items."""
        issues = [issue for issue in remote if issue.marker is not None]
        links = {
            link.remote_key: link
            for link in session.scalars(select(RemoteLink).where(RemoteLink.target == self.target))
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
            see(self.context, link, issue)
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
            linked = select(RemoteLink.item_id).where(RemoteLink.target == self.target)
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
        desired = desired_for(self.context, item)
        same = (
            issue.title == desired.title
            and splice(issue.body, desired.section, self.context.connector.flavor) == issue.body
        )
        link = RemoteLink(
            item_id=item.id,
            target=self.target,
            kind=self.context.target.kind,
            remote_key=issue.key,
            url=issue.url,
            title_written=issue.title if same else None,
            labels_written=[label for label in desired.labels if label in issue.labels],
            pushed_hash=desired.hash if same else None,
        )
        session.add(link)
        session.flush()
        return link

    def _take_status(
        self, session: Session, item: ActionItem, issue: RemoteIssue, report: SyncReport
    ) -> None:
        new = remote_status(issue)
        if item.status == new:
            return
        if new == "open" and item.status_source == "document" and item.document_status == "done":
            return  # ticked in the postmortem: this run closes the ticket, not the other way round
        old = item.status
        at = (issue.closed_at if issue.state == "closed" else issue.updated_at) or (
            self.context.clock()
        )
        item.status, item.status_source, item.status_changed_at = new, self.target, at
        session.add(
            ItemEvent(
                item_id=item.id,
                at=at,
                kind="status",
                old_status=old,
                new_status=new,
                source=self.target,
            )
        )
        kind = {"done": "done", "wont_do": "wont_do", "open": "reopened"}[new]
        report.changes.append(Change(kind, item.text, issue.url))


def see(context: SyncContext, link: RemoteLink, issue: RemoteIssue) -> None:
    """Remember what the tracker last said of a ticket."""
    link.url = issue.url
    link.remote_state = issue.state
    link.state_reason = issue.state_reason
    link.remote_updated_at = issue.updated_at
    link.last_seen_at = context.clock()
