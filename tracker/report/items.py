"""`track status --items`: the measures themselves, not only counts: what is open, what is late.

One SQL query over items, their incidents and their first ticket, with the same filters as
the per-incident report; live (not removed) items only, most overdue first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from tracker.report.status import Filters
from tracker.store.schema import ActionItem, Incident, RemoteLink

COLUMNS = ("incident", "text", "owner", "due", "status", "overdue", "ticket")


@dataclass(frozen=True)
class ItemRow:
    incident: str
    text: str
    owner: str | None
    due: dt.date | None
    status: str
    overdue: bool
    ticket: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "incident": self.incident,
            "text": self.text,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "overdue": self.overdue,
            "ticket": self.ticket,
        }


def items_query(filters: Filters, today: dt.date, *, open_only: bool) -> Select[Any]:
    ticket = (
        select(func.min(RemoteLink.url))
        .where(RemoteLink.item_id == ActionItem.id)
        .correlate(ActionItem)
        .scalar_subquery()
    )
    query = (
        select(
            Incident.key,
            ActionItem.text,
            ActionItem.owner,
            ActionItem.due,
            ActionItem.status,
            ticket,
        )
        .join(Incident, Incident.id == ActionItem.incident_id)
        .where(ActionItem.removed_at.is_(None))
        .order_by(ActionItem.due.is_(None), ActionItem.due, Incident.key, ActionItem.position)
    )
    if open_only:
        query = query.where(ActionItem.status == "open")
    if filters.owner:
        query = query.where(func.lower(ActionItem.owner) == filters.owner.lower().lstrip("@"))
    if filters.overdue_only:
        query = query.where(and_(ActionItem.status == "open", ActionItem.due < today))
    if filters.incident:
        pattern = filters.incident.replace("%", r"\%").replace("_", r"\_").replace("*", "%")
        query = query.where(
            or_(Incident.key.like(pattern, escape="\\"), Incident.key == filters.incident)
        )
    if filters.since:
        query = query.where(Incident.date >= filters.since)
    return query


def item_rows(
    session: Session, filters: Filters, *, today: dt.date | None = None, open_only: bool = True
) -> list[ItemRow]:
    today = today or dt.date.today()
    return [
        ItemRow(
            incident=key,
            text=text,
            owner=owner,
            due=due,
            status=status,
            overdue=status == "open" and due is not None and due < today,
            ticket=url,
        )
        for key, text, owner, due, status, url in session.execute(
            items_query(filters, today, open_only=open_only)
        )
    ]
