"""`track status --items`: the measures themselves, not only counts: what is open, what is late.

One SQL query over items, their incidents and their first ticket, with the same filters as
the per-incident report; live (not removed) items only, most overdue first. Rows are read as
a stream (`iter_items`), so a list of 100,000 items is written without holding it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from tracker.report.status import Filters, incident_filter
from tracker.store.schema import ActionItem, Incident, RemoteLink

# the first seven are the columns of earlier versions, kept first for scripts that read them
COLUMNS = (
    "incident",
    "text",
    "owner",
    "due",
    "status",
    "overdue",
    "ticket",
    "id",
    "uid",
    "priority",
    "type",
    "days_overdue",
    "source",
)
SHORT_ID = 8  # hex digits of the uid shown as an item's id, as git shows a commit
BATCH = 1000


@dataclass(frozen=True)
class ItemRow:
    incident: str
    text: str
    owner: str | None
    due: dt.date | None
    status: str
    overdue: bool
    ticket: str | None
    uid: str = ""
    priority: str | None = None
    type: str | None = None
    days_overdue: int = 0
    source_path: str = ""
    line: int | None = None

    @property
    def short_id(self) -> str:
        return self.uid[:SHORT_ID]

    @property
    def source(self) -> str:
        return f"{self.source_path}:{self.line}" if self.line else self.source_path

    def as_json(self) -> dict[str, object]:
        return {
            "incident": self.incident,
            "text": self.text,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "overdue": self.overdue,
            "ticket": self.ticket,
            "id": self.short_id,
            "uid": self.uid,
            "priority": self.priority,
            "type": self.type,
            "days_overdue": self.days_overdue,
            "source": self.source,
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
            ActionItem.uid,
            ActionItem.priority,
            ActionItem.type,
            Incident.source_path,
            ActionItem.line,
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
    return incident_filter(query, filters)


def iter_items(
    session: Session, filters: Filters, *, today: dt.date | None = None, open_only: bool = True
) -> Generator[ItemRow, None, None]:
    """The items, read from the database in batches as the caller consumes them."""
    today = today or dt.date.today()
    query = items_query(filters, today, open_only=open_only).execution_options(yield_per=BATCH)
    result = session.execute(query)
    try:
        for key, text, owner, due, status, url, uid, priority, type_, path, line in result:
            late = status == "open" and due is not None and due < today
            yield ItemRow(
                incident=key,
                text=text,
                owner=owner,
                due=due,
                status=status,
                overdue=late,
                ticket=url,
                uid=uid,
                priority=priority,
                type=type_,
                days_overdue=(today - due).days if late and due else 0,
                source_path=path,
                line=line,
            )
    finally:
        result.close()


def count_items(session: Session, filters: Filters, *, today: dt.date, open_only: bool) -> int:
    query = items_query(filters, today, open_only=open_only).order_by(None).subquery()
    return int(session.execute(select(func.count()).select_from(query)).scalar_one())


def item_rows(
    session: Session, filters: Filters, *, today: dt.date | None = None, open_only: bool = True
) -> list[ItemRow]:
    return list(iter_items(session, filters, today=today, open_only=open_only))
