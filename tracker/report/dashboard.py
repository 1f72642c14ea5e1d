"""What the HTML report shows, gathered from the store: `build_dashboard` returns plain data.

The per-incident numbers are `status_report`'s and the items are `item_rows`'s, the very
functions behind `track status`, so the report and `track status --format json` cannot
disagree. Groupings by team or service add up the incidents' counts; by owner is one grouped
query; the trend is one query over the item events, grouped by day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from tracker.report.items import ItemRow, item_rows
from tracker.report.status import Counts, Filters, IncidentStatus, StatusReport, status_report
from tracker.store.schema import ActionItem, Incident, ItemEvent, SyncState

# A flag on an incident (code, one-line explanation), from tracker/report/flags.py.
Flag = tuple[str, str]

WEEKS = 12  # the trend's span, ending with the current week
TOP = 10  # rows of the "slowest" and "overdue longest" lists
GROUP_FIELDS = ("team", "service")  # front-matter fields the report groups incidents by


@dataclass(frozen=True)
class IncidentView:
    status: IncidentStatus
    severity: str | None
    age_days: int
    source_path: str
    postmortem_url: str | None
    flags: list[Flag] = field(default_factory=list)


@dataclass(frozen=True)
class Group:
    name: str
    open: int
    overdue: int


@dataclass(frozen=True)
class Week:
    start: dt.date
    completed: int  # measures that became done during the week
    open_at_end: int  # open measures when the week ended (now, for the current week)


@dataclass(frozen=True)
class TargetSync:
    name: str
    finished: dt.datetime | None
    outcome: str | None


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    generated_at: dt.datetime
    database: str  # the URL, password hidden
    report: StatusReport
    incidents: list[IncidentView]
    items: list[ItemRow]  # every live measure, late first (the CSV has them all)
    by_owner: list[Group]
    by_field: dict[str, list[Group]]  # "team" / "service" -> groups; absent when none names it
    weeks: list[Week]
    targets: list[TargetSync]

    @property
    def totals(self) -> Counts:
        return self.report.totals

    @cached_property
    def open_items(self) -> list[ItemRow]:
        return [row for row in self.items if row.status == "open"]

    @cached_property
    def slowest(self) -> list[IncidentView]:
        """The oldest incidents that still have open measures."""
        waiting = [i for i in self.incidents if i.status.counts.open]
        return sorted(waiting, key=lambda i: (-i.age_days, i.status.id))[:TOP]

    @cached_property
    def overdue_longest(self) -> list[ItemRow]:
        return [row for row in self.items if row.overdue][:TOP]


def build_dashboard(
    session: Session,
    *,
    database: str,
    target_names: Sequence[str] = (),
    postmortem_template: str | None = None,
    flags: Mapping[str, list[Flag]] | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Dashboard:
    """Everything the report shows. `flags` maps an incident key to its weak-postmortem flags;
    `postmortem_template` (a target's `postmortem_url`, with `{path}`) links the incidents
    whose front matter has no `postmortem_url`."""
    now = now or dt.datetime.now(dt.UTC)
    today = today or now.date()
    report = status_report(session, Filters(), today=today)
    meta = _incident_meta(session)
    views = _incident_views(
        report, meta, today=today, template=postmortem_template, flags=flags or {}
    )
    return Dashboard(
        today=today,
        generated_at=now,
        database=database,
        report=report,
        incidents=views,
        items=item_rows(session, Filters(), today=today, open_only=False),
        by_owner=_by_owner(session, today),
        by_field={
            name: groups for name in GROUP_FIELDS if (groups := _by_meta_field(report, meta, name))
        },
        weeks=_weeks(session, today=today, open_now=report.totals.open),
        targets=_targets(session, target_names),
    )


def _incident_meta(session: Session) -> dict[str, tuple[dict[str, Any], str]]:
    rows = session.execute(select(Incident.key, Incident.meta, Incident.source_path))
    return {key: (meta or {}, path) for key, meta, path in rows}


def _incident_views(
    report: StatusReport,
    meta: Mapping[str, tuple[dict[str, Any], str]],
    *,
    today: dt.date,
    template: str | None,
    flags: Mapping[str, list[Flag]],
) -> list[IncidentView]:
    views = []
    for incident in report.incidents:
        fields, path = meta.get(incident.id, ({}, ""))
        began = incident.date or incident.created_at.date()
        own = fields.get("postmortem_url")
        link = own if isinstance(own, str) else None
        if link is None and template:
            link = template.replace("{path}", path)
        views.append(
            IncidentView(
                status=incident,
                severity=_text(fields.get("severity")),
                age_days=max((today - began).days, 0),
                source_path=path,
                postmortem_url=web_url(link),
                flags=list(flags.get(incident.id, [])),
            )
        )
    return views


def web_url(value: str | None) -> str | None:
    """`value` when it is an http(s) URL; anything else (javascript:, a path) is not linked."""
    if value and value.split(":", 1)[0].lower() in ("http", "https"):
        return value
    return None


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _by_owner(session: Session, today: dt.date) -> list[Group]:
    owner = func.lower(ActionItem.owner)  # as `track status --owner` matches them
    rows = session.execute(
        select(
            func.min(ActionItem.owner),
            func.count(ActionItem.id),
            _count_where(ActionItem.due < today),
        )
        .where(ActionItem.removed_at.is_(None), ActionItem.status == "open")
        .group_by(owner)
    )
    groups = [Group(owner or "(no owner)", int(n), int(late or 0)) for owner, n, late in rows]
    return sorted(groups, key=lambda g: (-g.overdue, -g.open, g.name))


def _by_meta_field(
    report: StatusReport, meta: Mapping[str, tuple[dict[str, Any], str]], name: str
) -> list[Group]:
    """Open and overdue measures per value of a front-matter field; [] when no incident has it."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    named = False
    for incident in report.incidents:
        value = _text(meta.get(incident.id, ({}, ""))[0].get(name))
        named = named or value is not None
        pair = counts[value or f"(no {name})"]
        pair[0] += incident.counts.open
        pair[1] += incident.counts.overdue
    if not named:
        return []
    groups = [Group(key, n, late) for key, (n, late) in counts.items() if n]
    return sorted(groups, key=lambda g: (-g.overdue, -g.open, g.name))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())  # Monday


def _weeks(session: Session, *, today: dt.date, open_now: int) -> list[Week]:
    """Completions per week and open measures at each week's end, over the last WEEKS weeks.

    The open line is counted back from `open_now` (the status report's own total) by the
    events after each week, so its last point is the report's number by construction."""
    starts = [week_start(today) - dt.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    into_open = _count_where(ItemEvent.new_status == "open")
    out_of_open = _count_where(ItemEvent.old_status == "open")
    completed = _count_where((ItemEvent.kind == "status") & (ItemEvent.new_status == "done"))
    day = func.date(ItemEvent.at)
    rows = session.execute(
        select(day, into_open, out_of_open, completed)
        .where(ItemEvent.at >= dt.datetime.combine(starts[0], dt.time(), dt.UTC))
        .group_by(day)
    )
    done: dict[dt.date, int] = defaultdict(int)
    change: dict[dt.date, int] = defaultdict(int)  # net change of the open count in the week
    for when, entered, left, finished in rows:
        start = week_start(when if isinstance(when, dt.date) else dt.date.fromisoformat(when))
        done[start] += int(finished or 0)
        change[start] += int(entered or 0) - int(left or 0)
    weeks = []
    open_count = open_now
    for start in reversed(starts):
        # below 0 only where a change went unrecorded (a database older than its events)
        weeks.append(Week(start, done[start], max(open_count, 0)))
        open_count -= change[start]
    return list(reversed(weeks))


def _targets(session: Session, names: Sequence[str]) -> list[TargetSync]:
    """Each configured target's last finished sync, and any other target the store knows."""
    states = {s.target: s for s in session.scalars(select(SyncState))}
    ordered = list(names) + sorted(set(states) - set(names))
    return [
        TargetSync(
            name,
            states[name].last_finished_at if name in states else None,
            states[name].last_outcome if name in states else None,
        )
        for name in ordered
    ]
