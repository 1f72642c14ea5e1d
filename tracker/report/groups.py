"""`track status --by owner|team|service|severity`: the counts grouped by who or what.

`owner` is a measure's field: measures are counted in their owner's group, in SQL. `team`,
`service` and `severity` are front-matter fields of the postmortem (any other front-matter key
works the same way): each incident's counts go to the group its value names, compared without
case (named as most of its incidents write it); an incident without the field is in the group
`None`, shown as "(no team)".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from tracker.report.status import Counts, Filters, incident_filter, status_report
from tracker.store.schema import ActionItem, Incident

GROUP_FIELDS = ("owner", "team", "service", "severity")
_COUNTS = ("total", "done", "wont_do", "open", "overdue")


@dataclass(frozen=True)
class GroupRow:
    name: str | None  # None: the measures (or incidents) without the field
    incidents: int
    counts: Counts

    def as_json(self, by: str) -> dict[str, object]:
        c = self.counts
        return {by: self.name, "incidents": self.incidents, **asdict(c)} | {
            "percent_complete": c.percent_complete
        }


@dataclass(frozen=True)
class GroupReport:
    by: str
    groups: list[GroupRow]
    incident_count: int  # distinct incidents over all groups

    @property
    def totals(self) -> Counts:
        return Counts(**{n: sum(getattr(g.counts, n) for g in self.groups) for n in _COUNTS})

    def as_json(self) -> dict[str, object]:
        totals = self.totals
        return {
            "by": self.by,
            "groups": [g.as_json(self.by) for g in self.groups],
            "totals": {
                "incidents": self.incident_count,
                **asdict(totals),
                "percent_complete": totals.percent_complete,
            },
        }


def group_report(
    session: Session, by: str, filters: Filters | None = None, today: dt.date | None = None
) -> GroupReport:
    today = today or dt.date.today()
    filters = filters or Filters()
    if by == "owner":
        return _by_owner(session, filters, today)
    return _by_field(session, by, filters, today)


def _by_owner(session: Session, filters: Filters, today: dt.date) -> GroupReport:
    item = ActionItem

    def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    overdue = and_(item.status == "open", item.due < today)
    owner = func.lower(item.owner)
    measures = (
        func.count(item.id),
        count_where(item.status == "done"),
        count_where(item.status == "wont_do"),
        count_where(item.status == "open"),
        count_where(overdue),
    )
    base = select(func.count(func.distinct(item.incident_id)), *measures).join(
        Incident, Incident.id == item.incident_id
    )
    base = incident_filter(base.where(item.removed_at.is_(None)), filters)
    if filters.owner:
        base = base.where(owner == filters.owner.lower().lstrip("@"))
    grouped = base.add_columns(func.min(item.owner)).group_by(owner).order_by(owner.nulls_last())
    if filters.overdue_only:
        grouped = grouped.having(count_where(overdue) > 0)
    groups = [
        GroupRow(name, int(n), Counts(*(int(v) for v in counts)))
        for n, *counts, name in session.execute(grouped)
    ]
    if filters.overdue_only and groups:  # the incidents of the owners shown
        shown = [g.name.lower() for g in groups if g.name is not None]
        unowned = any(g.name is None for g in groups)
        base = base.where(or_(owner.in_(shown), item.owner.is_(None) if unowned else false()))
    total_incidents = session.execute(base).one()[0] if groups else 0
    return GroupReport("owner", groups, int(total_incidents))


def _by_field(session: Session, by: str, filters: Filters, today: dt.date) -> GroupReport:
    report = status_report(session, filters, today)
    wanted = by.lower()
    query = incident_filter(select(Incident.key, Incident.meta), filters)
    values: dict[str, str | None] = {}
    for key, meta in session.execute(query):
        found = next((v for k, v in (meta or {}).items() if str(k).lower() == wanted), None)
        values[key] = str(found).strip() if found not in (None, "") else None
    spellings: dict[str | None, Counter[str]] = {}  # folded name -> how it is written
    sums: dict[str | None, list[int]] = {}
    for incident in report.incidents:
        value = values.get(incident.id)
        folded = value.casefold() if value else None
        if value:
            spellings.setdefault(folded, Counter())[value] += 1
        total = sums.setdefault(folded, [0] * (len(_COUNTS) + 1))
        total[0] += 1
        for n, name in enumerate(_COUNTS, start=1):
            total[n] += getattr(incident.counts, name)
    order = sorted(sums, key=lambda k: (k is None, k or ""))
    groups = [  # each group named as most of its incidents write it
        GroupRow(spellings[k].most_common(1)[0][0] if k else None, sums[k][0], Counts(*sums[k][1:]))
        for k in order
    ]
    return GroupReport(by, groups, len(report.incidents))
