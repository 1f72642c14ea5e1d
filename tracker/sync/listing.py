"""Reading the tracker: pair each listed ticket with its item by the marker, adopt tickets the
store does not know (a lost database), keep one ticket per item when several carry its marker,
and take completion from them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.connector import RemoteIssue
from tracker.errors import TicketGone
from tracker.store.identity import match_items
from tracker.store.schema import (
    ActionItem,
    DuplicateTicket,
    Incident,
    ItemEvent,
    PendingCreate,
    RemoteLink,
)
from tracker.sync.planning import desired_for
from tracker.sync.ticket import marker_title, splice, written_labels
from tracker.sync.values import Change, Incoming, SyncContext, SyncReport, remote_status


class Listing:
    def __init__(self, context: SyncContext) -> None:
        self.context = context
        self.target = context.target.name

    def take(self, session: Session, remote: Iterable[RemoteIssue], report: SyncReport) -> None:
        """Record what the listed tickets say: their state, and completion for their items."""
        listed = list(remote)
        links = {link.remote_key: link for link in self._links(session)}
        duplicates = self._known_duplicates(session, listed)
        for issue in listed:
            link = links.get(issue.key)
            if issue.marker is None and link is not None:  # a ticket the postmortem names
                self._take_ticket(session, link, issue, report)
        groups: dict[str, list[RemoteIssue]] = {}
        for issue in listed:
            if issue.marker is not None and issue.key not in duplicates:
                groups.setdefault(issue.marker.uid, []).append(issue)
        items = {
            item.uid: item
            for item in session.scalars(select(ActionItem).where(ActionItem.uid.in_(groups)))
        }
        unknown = [g[0] for uid, g in groups.items() if uid not in items]
        items.update(self._adopt(session, [i for i in unknown if i.key not in links]))
        by_item = {link.item_id: link for link in links.values()}
        for uid, group in groups.items():
            item = items.get(uid) or next(
                (links[i.key].item for i in group if i.key in links), None
            )
            if item is None:
                for issue in group:
                    text = issue.marker.text if issue.marker else issue.title
                    report.changes.append(
                        Change("orphan", text, issue.url, "no item in the store has this marker")
                    )
                continue
            self._take_group(session, item, group, by_item.get(item.id), report)

    def _take_group(
        self,
        session: Session,
        item: ActionItem,
        group: list[RemoteIssue],
        link: RemoteLink | None,
        report: SyncReport,
    ) -> None:
        """One item's listed tickets: the oldest is its ticket, any other is a duplicate."""
        listed = {issue.key: issue for issue in group}
        keys = set(listed) | ({link.remote_key} if link is not None else set())
        kept = min(keys, key=age_order)
        for extra in sorted(keys - {kept}, key=age_order):
            url = listed[extra].url if extra in listed else (link.url if link else None)
            state = listed[extra].state if extra in listed else None
            self._record_duplicate(session, item, extra, kept, url, state, report)
        issue = listed.get(kept)
        if link is None:
            assert issue is not None
            link = self._link_adopted(session, item, issue)
            report.changes.append(Change("adopted", item.text, issue.url))
        elif link.remote_key != kept:
            assert issue is not None  # the kept ticket is older than the linked one: it was listed
            link.remote_key, link.origin = kept, "adopted"
            link.pushed_hash = link.title_written = None  # what it says is not known: update it
            link.remote_state = None  # nor whether it was ever closed
        if issue is not None:
            self._take_ticket(session, link, issue, report)

    def fetch_named(self) -> dict[str, RemoteIssue | TicketGone]:
        """The tickets postmortems name, as they are now: they carry no label for the listing
        to find them by, so each costs one read a run (`take_named` records them)."""
        query = select(RemoteLink.remote_key).where(
            RemoteLink.target == self.target,
            RemoteLink.origin == "named",
            RemoteLink.remote_state != "deleted",
        )
        with self.context.store.session(commit=False) as session:
            keys = list(session.scalars(query))
        answers: dict[str, RemoteIssue | TicketGone] = {}
        for key in keys:  # no transaction is open while the tracker answers
            try:
                answers[key] = self.context.connector.get(key=key)
            except TicketGone as exc:
                answers[key] = exc
        return answers

    def take_named(
        self, session: Session, answers: dict[str, RemoteIssue | TicketGone], report: SyncReport
    ) -> None:
        if not answers:
            return
        for link in self._links(session):
            answer = answers.get(link.remote_key)
            if isinstance(answer, TicketGone):
                link.remote_state = "deleted"
                report.changes.append(Change("failed", link.item.text, link.url, str(answer)))
            elif answer is not None:
                self._take_ticket(session, link, answer, report)

    def _links(self, session: Session) -> list[RemoteLink]:
        return list(session.scalars(select(RemoteLink).where(RemoteLink.target == self.target)))

    def _known_duplicates(
        self, session: Session, listed: list[RemoteIssue]
    ) -> dict[str, DuplicateTicket]:
        known = {
            d.remote_key: d
            for d in session.scalars(
                select(DuplicateTicket).where(DuplicateTicket.target == self.target)
            )
        }
        for issue in listed:
            if issue.key in known:
                known[issue.key].remote_state, known[issue.key].url = issue.state, issue.url
        return known

    def _record_duplicate(
        self,
        session: Session,
        item: ActionItem,
        key: str,
        kept: str,
        url: str | None,
        state: str | None,
        report: SyncReport,
    ) -> None:
        session.add(
            DuplicateTicket(
                target=self.target,
                remote_key=key,
                item_id=item.id,
                kept_key=kept,
                url=url,
                remote_state=state,
                found_at=self.context.clock(),
            )
        )
        action = "closing it" if self.context.target.duplicates == "close" else "left as it is"
        report.changes.append(
            Change(
                "duplicate",
                item.text,
                url,
                f"another ticket carries this measure's marker; keeping the older {kept}, {action}",
            )
        )

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
        desired = desired_for(self.context, item, ticket=issue.key)
        same = (
            issue.title == desired.title
            and splice(issue.body, desired.section, self.context.connector.flavor) == issue.body
        )
        # the title the tool wrote for the measure as its marker last saw it: an edit made
        # while the store was lost (or in every stateless run) is the tool's to follow
        tool_title = issue.marker is not None and issue.title in (
            desired.title,
            marker_title(issue.marker, item.incident.source_path),
        )
        # the labels it wants, and those it wrote with the section the ticket has (a priority
        # changed since then): the tool's to remove when it no longer wants them
        target, flavor = self.context.target, self.context.connector.flavor
        owned = desired.labels + written_labels(
            issue.body, flavor, tool_label=target.tool_label, extra=target.labels
        )
        link = RemoteLink(
            item_id=item.id,
            target=self.target,
            kind=self.context.target.kind,
            remote_key=issue.key,
            url=issue.url,
            title_written=issue.title if tool_title else None,
            labels_written=[label for label in issue.labels if label in owned],
            pushed_hash=desired.hash if same else None,
            origin="adopted",
        )
        session.add(link)
        # a create whose answer was lost (or a run killed after sending it): confirmed now
        session.execute(
            delete(PendingCreate).where(
                PendingCreate.item_id == item.id, PendingCreate.target == self.target
            )
        )
        session.flush()
        return link

    def _take_ticket(
        self, session: Session, link: RemoteLink, issue: RemoteIssue, report: SyncReport
    ) -> None:
        """Remember what the ticket says now, and take its completion for the item."""
        seen_closed = link.remote_state == "closed"
        see(self.context, link, issue)
        self._take_status(session, link.item, issue, report, seen_closed=seen_closed)

    def _take_status(
        self,
        session: Session,
        item: ActionItem,
        issue: RemoteIssue,
        report: SyncReport,
        *,
        seen_closed: bool,
    ) -> None:
        new = remote_status(issue)
        if item.status == new:
            return
        ticked = item.status_source == "document" and item.document_status == "done"
        if new == "open" and ticked and not seen_closed:
            # Ticked in the postmortem and the ticket not closed yet: this run closes it, not
            # the other way round. A ticket reopened after it was closed belongs to people.
            return
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


def age_order(key: str) -> tuple[tuple[int, int | str], ...]:
    """Tickets of one target in the order they were created: keys count up (GitHub's issue
    numbers, a Jira project's OPS-1, OPS-2, ...), compared number by number."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", key) if p)


def seen(context: SyncContext, issue: RemoteIssue) -> dict[str, Any]:
    """What the tracker last said of a ticket, as the columns of its link."""
    return {
        "url": issue.url,
        "remote_state": issue.state,
        "state_reason": issue.state_reason,
        "remote_updated_at": issue.updated_at,
        "last_seen_at": context.clock(),
    }


def see(context: SyncContext, link: RemoteLink, issue: RemoteIssue) -> None:
    """Remember what the tracker last said of a ticket."""
    for column, value in seen(context, issue).items():
        setattr(link, column, value)
