"""Planning: for each item routed to the target, the write it needs (create, link the ticket
the postmortem names, update, remove), duplicates to close, and what the tool would write into
an item's ticket (`desired_for`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.config import Routing
from tracker.marker import Marker
from tracker.store.schema import ActionItem, DuplicateTicket, Incident, PendingCreate, RemoteLink
from tracker.sync.routing import is_draft, route
from tracker.sync.ticket import ItemView, labels, section, title
from tracker.sync.values import Change, Desired, Step, SyncContext, SyncReport

REMOVED = "removed"  # pushed_hash of a link whose item's removal was handled


def plan(
    context: SyncContext,
    session: Session,
    report: SyncReport,
    *,
    routing: Routing,
    include_drafts: bool,
) -> list[Step]:
    """The writes the items routed to this target need, in item order; counts the rest as
    unchanged, and reports creates still waiting for an answer."""
    name = context.target.name
    ids = [
        incident.id
        for incident in session.scalars(select(Incident))
        if route(routing, source_path=incident.source_path, meta=incident.meta) == name
        and (include_drafts or not is_draft(incident.meta))
    ]
    links = {
        link.item_id: link
        for link in session.scalars(select(RemoteLink).where(RemoteLink.target == name))
    }
    claimed = {link.remote_key for link in links.values()}
    pending = {
        p.item_id: p
        for p in session.scalars(select(PendingCreate).where(PendingCreate.target == name))
    }
    steps: list[Step] = []
    query = select(ActionItem).where(ActionItem.incident_id.in_(ids)).order_by(ActionItem.id)
    options = selectinload(ActionItem.incident), selectinload(ActionItem.links)
    for item in session.scalars(query.options(*options)):
        desired = desired_for(context, item)
        link = links.get(item.id)
        if link is None:
            step = _first_step(context, item, desired, claimed, pending.get(item.id), report)
            steps += [step] if step else []
        elif is_removed(item):
            if (
                link.origin != "named"
                and link.remote_state == "open"
                and link.pushed_hash != REMOVED
            ):
                steps.append(Step("remove", item.id, desired))
        elif (
            link.origin != "named"
            and link.remote_state != "deleted"
            and (link.pushed_hash != desired.hash)
        ):
            steps.append(Step("update", item.id, desired))
        else:
            report.unchanged += 1
    return steps + _duplicates_to_close(context, session)


def is_removed(item: ActionItem) -> bool:
    """The measure left its postmortem, or the postmortem's file is gone."""
    return item.removed_at is not None or item.incident.removed_at is not None


def _first_step(
    context: SyncContext,
    item: ActionItem,
    desired: Desired,
    claimed: set[str],
    pending: PendingCreate | None,
    report: SyncReport,
) -> Step | None:
    """An item without a ticket: link the one its postmortem names, wait for an unconfirmed
    create, or create one (nothing for a removed measure)."""
    if is_removed(item):
        return None
    named = context.connector.own_key(item.tracker_ref) if item.tracker_ref else None
    if named is not None and named not in claimed:
        claimed.add(named)
        return Step("link", item.id, desired, key=named)
    if pending is None:
        return Step("create", item.id, desired)
    wait = dt.timedelta(seconds=context.target.unconfirmed_wait_seconds)
    if context.clock() - pending.sent_at < wait:
        report.changes.append(
            Change(
                "unconfirmed",
                desired.title,
                message=f"a create sent at {pending.sent_at:%Y-%m-%d %H:%M:%S} UTC got no answer; "
                "it is not sent again until its ticket shows up or "
                f"{context.target.unconfirmed_wait_seconds:g}s have passed",
            )
        )
        return None
    return Step("create", item.id, desired, sent_at=pending.sent_at)


def _duplicates_to_close(context: SyncContext, session: Session) -> list[Step]:
    if context.target.duplicates != "close":
        return []
    query = select(DuplicateTicket).where(
        DuplicateTicket.target == context.target.name,
        DuplicateTicket.closed_at.is_(None),
        DuplicateTicket.remote_state == "open",
    )
    steps = []
    for duplicate in session.scalars(query):
        item = session.get(ActionItem, duplicate.item_id)
        assert item is not None
        steps.append(
            Step("close_duplicate", item.id, desired_for(context, item), key=duplicate.remote_key)
        )
    return steps


def desired_for(context: SyncContext, item: ActionItem, *, ticket: str | None = None) -> Desired:
    """What the tool would write into the item's ticket now (`ticket`: its key, when the
    store does not link it yet). A reference the postmortem gives to that very ticket (written
    back by `track link`) is not shown as "Tracked in"."""
    incident, target = item.incident, context.target
    assignee = target.login_for(item.owner)
    own = ticket or next(
        (link.remote_key for link in item.links if link.target == target.name), None
    )
    reference = item.tracker_ref
    if reference and own is not None and context.connector.own_key(reference) == own:
        reference = None
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
        reference=reference,
    )
    return Desired(
        title=title(view),
        section=section(
            view,
            tracker_user=context.connector.user_noun,
            postmortem_url=target.postmortem_url,
            flavor=context.connector.flavor,
        ),
        labels=labels(view, tool_label=target.tool_label, extra=target.labels),
        assignee=assignee,
        priority=item.priority,
        close=item.document_status == "done",
        identity=Marker(item.uid, incident.key, item.text),
    )


def report_plan(steps: list[Step], report: SyncReport) -> None:
    """A dry run's report: what each step would do."""
    kinds = {
        "create": "created",
        "link": "linked",
        "update": "updated",
        "remove": "removed",
        "close_duplicate": "closed",
    }
    for step in steps:
        report.changes.append(
            Change(kinds[step.action], step.desired.title, message="planned (dry run)")
        )
