"""Planning: for each item routed to the target, the write it needs (create, update, remove),
and what the tool would write into its ticket (`desired_for`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.config import Routing
from tracker.marker import Marker
from tracker.store.schema import ActionItem, Incident, RemoteLink
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
    unchanged."""
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
    steps: list[Step] = []
    query = select(ActionItem).where(ActionItem.incident_id.in_(ids)).order_by(ActionItem.id)
    for item in session.scalars(query.options(selectinload(ActionItem.incident))):
        link = links.get(item.id)
        desired = desired_for(context, item)
        if item.removed_at is not None:
            if link is not None and link.remote_state == "open" and link.pushed_hash != REMOVED:
                steps.append(Step("remove", item.id, desired))
        elif link is None:
            steps.append(Step("create", item.id, desired))
        elif link.remote_state != "deleted" and link.pushed_hash != desired.hash:
            steps.append(Step("update", item.id, desired))
        else:
            report.unchanged += 1
    return steps


def desired_for(context: SyncContext, item: ActionItem) -> Desired:
    """What the tool would write into the item's ticket now."""
    incident, target = item.incident, context.target
    assignee = target.login_for(item.owner)
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
    kinds = {"create": "created", "update": "updated", "remove": "removed"}
    for step in steps:
        report.changes.append(
            Change(kinds[step.action], step.desired.title, message="planned (dry run)")
        )
