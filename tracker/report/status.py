"""The status report: per incident, how many measures are done, open, won't do, overdue.

Aggregation happens in SQL (one grouped query), so the report stays interactive over tens of
thousands of incidents.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from tracker.store.schema import ActionItem, Incident, RemoteLink


@dataclass(frozen=True)
class Counts:
    total: int = 0
    done: int = 0
    wont_do: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def percent_complete(self) -> float | None:
        """done / (total - won't do), as a percentage; None when nothing is to be done."""
        planned = self.total - self.wont_do
        return round(100.0 * self.done / planned, 1) if planned else None


@dataclass(frozen=True)
class IncidentStatus:
    id: str
    title: str
    date: dt.date | None
    counts: Counts
    last_sync: dt.datetime | None
    created_at: dt.datetime
    file_removed: dt.datetime | None = None  # when its postmortem file was found gone

    @property
    def shown_title(self) -> str:
        return f"(file removed) {self.title}" if self.file_removed else self.title

    def as_json(self) -> dict[str, object]:
        c = self.counts
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "total": c.total,
            "done": c.done,
            "wont_do": c.wont_do,
            "open": c.open,
            "overdue": c.overdue,
            "percent_complete": c.percent_complete,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "file_removed": self.file_removed.isoformat() if self.file_removed else None,
        }


@dataclass(frozen=True)
class Filters:
    incident: str | None = None  # key, or a pattern with * wildcards
    owner: str | None = None
    overdue_only: bool = False
    since: dt.date | None = None


@dataclass(frozen=True)
class StatusReport:
    incidents: list[IncidentStatus]
    today: dt.date

    @property
    def totals(self) -> Counts:
        return Counts(
            **{
                name: sum(getattr(i.counts, name) for i in self.incidents)
                for name in ("total", "done", "wont_do", "open", "overdue")
            }
        )

    def as_json(self) -> dict[str, object]:
        totals = self.totals
        return {
            "incidents": [i.as_json() for i in self.incidents],
            "totals": {**asdict(totals), "percent_complete": totals.percent_complete},
        }

    def below(self, percent: float, *, grace_days: int) -> list[IncidentStatus]:
        """Incidents older than the grace period whose completion is under `percent`."""
        cutoff = self.today - dt.timedelta(days=grace_days)
        return [
            i
            for i in self.incidents
            if (i.date or i.created_at.date()) <= cutoff
            and i.counts.percent_complete is not None
            and i.counts.percent_complete < percent
        ]


def status_query(filters: Filters, today: dt.date) -> Select[Any]:
    item = ActionItem
    live = and_(item.incident_id == Incident.id, item.removed_at.is_(None))
    if filters.owner:
        live = and_(live, func.lower(item.owner) == filters.owner.lower().lstrip("@"))
    overdue = and_(item.status == "open", item.due < today)

    def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    synced = (
        select(ActionItem.incident_id, func.max(RemoteLink.last_seen_at).label("last_sync"))
        .join(RemoteLink, RemoteLink.item_id == ActionItem.id)
        .group_by(ActionItem.incident_id)
        .subquery()
    )
    query = (
        select(
            Incident.key,
            Incident.title,
            Incident.date,
            Incident.created_at,
            Incident.removed_at,
            func.count(item.id).label("total"),
            count_where(item.status == "done").label("done"),
            count_where(item.status == "wont_do").label("wont_do"),
            count_where(item.status == "open").label("open"),
            count_where(overdue).label("overdue"),
            func.max(synced.c.last_sync).label("last_sync"),
        )
        .select_from(Incident)
        .outerjoin(item, live)
        .outerjoin(synced, synced.c.incident_id == Incident.id)
        # by the primary key alone: the other columns depend on it (SQL:1999, PostgreSQL and
        # SQLite both allow it), and grouping by six columns doubled the query's time
        .group_by(Incident.id)
        .order_by(Incident.date.desc().nulls_last(), Incident.key)
    )
    query = incident_filter(query, filters)
    if filters.owner:
        query = query.having(func.count(item.id) > 0)
    if filters.overdue_only:
        query = query.having(count_where(overdue) > 0)
    return typing.cast("Select[Any]", query)  # more columns than SQLAlchemy's typed overloads


_Query = typing.TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def incident_filter(query: _Query, filters: Filters) -> _Query:
    """The incident and date parts of the filters, on a query that selects from incidents."""
    if filters.incident:
        pattern = filters.incident.replace("%", r"\%").replace("_", r"\_").replace("*", "%")
        query = query.where(
            or_(Incident.key.like(pattern, escape="\\"), Incident.key == filters.incident)
        )
    if filters.since:
        query = query.where(
            func.coalesce(Incident.date, cast(Incident.created_at, Date)) >= filters.since
        )
    return query


def status_report(
    session: Session, filters: Filters = Filters(), today: dt.date | None = None
) -> StatusReport:
    today = today or dt.date.today()
    rows = session.execute(status_query(filters, today)).all()
    incidents = [  # a row per incident: key, title, date, created, removed, counts, last sync
        IncidentStatus(
            id=key,
            title=title,
            date=date,
            counts=Counts(int(total), int(done), int(wont_do), int(open_), int(overdue)),
            last_sync=_aware(last_sync),
            created_at=_aware(created) or dt.datetime.now(dt.UTC),
            file_removed=_aware(removed),
        )
        for (
            key,
            title,
            date,
            created,
            removed,
            total,
            done,
            wont_do,
            open_,
            overdue,
            last_sync,
        ) in rows
    ]
    return StatusReport(incidents, today)


def _aware(value: object) -> dt.datetime | None:
    """Aggregates bypass the column type: SQLite returns text, PostgreSQL a naive datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def first_unmatched(filters: Filters, has_rows: Callable[[Filters], bool]) -> str | None:
    """The option that, added to those before it, leaves nothing (`--owner zed`); None when
    nothing is there even without a filter."""
    if not has_rows(Filters()):
        return None
    steps = (
        ("incident", f"--incident {filters.incident}"),
        ("since", f"--since {filters.since}"),
        ("owner", f"--owner {filters.owner}"),
        ("overdue_only", "--overdue"),
    )
    current = Filters()
    for name, option in steps:
        if getattr(filters, name):
            current = replace(current, **{name: getattr(filters, name)})
            if not has_rows(current):
                return option
    return None
