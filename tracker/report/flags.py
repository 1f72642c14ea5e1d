"""Flags for weak postmortems: the gaps the SRE workbook names, found in an incident's measures.

The interface is two steps, so any report can show the same flags (docs/reports.md):

    profiles = measure_profiles(session, filters, settings=config)   # one grouped SQL query
    flags = weak_flags(profiles, config, today)                      # pure: {incident key: [Flag]}

`weak_flags` reads only counts (`MeasureProfile`), never item rows, so flagging 10,000
incidents costs one aggregation. Measures removed from their postmortem and measures marked
won't do are not counted: they will not prevent anything.

    no-prevention   no measure of a preventive type (`prevent` by default)
    no-owner        open measures nobody owns
    no-due          open measures with no due date
    same-priority   every measure at one priority (or none has one), so none comes first
    nothing-done    older than the grace period and no measure done
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from tracker.config import Config
from tracker.report.status import Filters, incident_filter
from tracker.store.schema import ActionItem, Incident

CODES = ("no-prevention", "no-owner", "no-due", "same-priority", "nothing-done")
# what each code means in general, for a legend where only codes are shown
MEANING = {
    "no-prevention": "no measure prevents a recurrence (all mitigate, repair or untyped)",
    "no-owner": "open measures nobody owns",
    "no-due": "open measures with no due date",
    "same-priority": "every measure at one priority (or none), so nothing comes first",
    "nothing-done": "past the grace period and no measure done",
}


@dataclass(frozen=True)
class Flag:
    code: str  # one of CODES
    text: str  # one line saying what is missing in this incident

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text}


@dataclass(frozen=True)
class MeasureProfile:
    """What the flags read of one incident: counts over its live measures, won't do excluded."""

    key: str
    started: dt.date  # the incident's date, else the day it was first stored
    measures: int
    done: int
    open: int
    preventive: int  # measures of a preventive type
    open_unowned: int
    open_undated: int
    lowest_priority: str  # min and max of the priorities, "" standing for none
    highest_priority: str


def profiles_query(filters: Filters, preventive_types: Iterable[str]) -> Select[Any]:
    item = ActionItem
    live = and_(
        item.incident_id == Incident.id, item.removed_at.is_(None), item.status != "wont_do"
    )
    is_open = item.status == "open"

    def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    priority = func.coalesce(item.priority, "")
    query = (
        select(
            Incident.key,
            Incident.date,
            Incident.created_at,
            func.count(item.id),
            count_where(item.status == "done"),
            count_where(is_open),
            count_where(func.lower(item.type).in_([t.lower() for t in preventive_types])),
            count_where(and_(is_open, or_(item.owner.is_(None), item.owner == ""))),
            count_where(and_(is_open, item.due.is_(None))),
            func.min(priority),
            func.max(priority),
        )
        .select_from(Incident)
        .outerjoin(item, live)
        .group_by(Incident.id)  # the other columns depend on the primary key
    )
    return cast("Select[Any]", incident_filter(query, filters))  # more columns than typed


def measure_profiles(
    session: Session, filters: Filters | None = None, *, settings: Config
) -> list[MeasureProfile]:
    """The profile of every incident the filters' incident and date parts select (owner and
    overdue filters do not apply: a flag is about the whole postmortem)."""
    types = settings.flags.no_prevention.preventive_types
    rows = session.execute(profiles_query(filters or Filters(), types)).all()
    return [
        MeasureProfile(
            key=key,
            started=date or created.date(),
            measures=int(measures),
            done=int(done),
            open=int(open_),
            preventive=int(preventive),
            open_unowned=int(unowned),
            open_undated=int(undated),
            lowest_priority=low or "",
            highest_priority=high or "",
        )
        for key, date, created, measures, done, open_, preventive, unowned, undated, low, high in (
            rows
        )
    ]


def weak_flags(
    profiles: Iterable[MeasureProfile], settings: Config, today: dt.date
) -> dict[str, list[Flag]]:
    """The flags each incident earns under `settings.flags`; incidents with none are absent.

    Pure: the same profiles, settings and day give the same flags."""
    rules = _rules(settings, today)
    found: dict[str, list[Flag]] = {}
    for profile in profiles:
        flags = [Flag(code, text) for code, rule in rules for text in [rule(profile)] if text]
        if flags:
            found[profile.key] = flags
    return found


def incident_flags(
    session: Session, settings: Config, today: dt.date, filters: Filters | None = None
) -> dict[str, list[Flag]]:
    """`weak_flags` over the incidents the filters select, read from the store."""
    return weak_flags(measure_profiles(session, filters, settings=settings), settings, today)


Rule = Callable[[MeasureProfile], str | None]


def _rules(settings: Config, today: dt.date) -> list[tuple[str, Rule]]:
    config = settings.flags
    grace = config.nothing_done.grace_days
    grace = settings.status.grace_days if grace is None else grace
    types = ", ".join(config.no_prevention.preventive_types)
    owner_min, due_min = config.no_owner.at_least, config.no_due.at_least
    same_min = config.same_priority.min_measures

    def no_prevention(p: MeasureProfile) -> str | None:
        if p.preventive:
            return None
        if not p.measures:
            return "lists no measures, so nothing prevents a recurrence"
        return f"none of its {_n(p.measures, 'measure')} is of a type that prevents ({types})"

    def no_owner(p: MeasureProfile) -> str | None:
        if p.open_unowned < owner_min:
            return None
        return f"{p.open_unowned} of its {p.open} open measures {_has(p.open_unowned)} no owner"

    def no_due(p: MeasureProfile) -> str | None:
        if p.open_undated < due_min:
            return None
        return f"{p.open_undated} of its {p.open} open measures {_has(p.open_undated)} no due date"

    def same_priority(p: MeasureProfile) -> str | None:
        if p.measures < same_min or p.lowest_priority != p.highest_priority:
            return None
        if not p.lowest_priority:
            return f"none of its {p.measures} measures has a priority"
        return f"all {p.measures} measures are {p.lowest_priority}: none says what comes first"

    def nothing_done(p: MeasureProfile) -> str | None:
        age = (today - p.started).days
        if age <= grace or p.done or not p.measures:
            return None
        return f"{age} days old and none of its {_n(p.measures, 'measure')} is done"

    chosen: list[tuple[str, Rule, bool]] = [
        ("no-prevention", no_prevention, config.no_prevention.enabled),
        ("no-owner", no_owner, config.no_owner.enabled),
        ("no-due", no_due, config.no_due.enabled),
        ("same-priority", same_priority, config.same_priority.enabled),
        ("nothing-done", nothing_done, config.nothing_done.enabled),
    ]
    return [(code, rule) for code, rule, enabled in chosen if enabled]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _has(count: int) -> str:
    return "has" if count == 1 else "have"
