"""`track digest`: what changed since the last review, short enough to paste into a chat.

Read from the store's event history (`item_events`) and its current state:

    completed        measures whose latest change to done is in the window, and still done
    newly overdue    open measures whose due date passed in the window
    reached 100%     incidents now complete with a measure done, won't do or removed in the window
    below target     incidents past status.grace_days under digest.target percent, with the
                     owners of their open measures and their weak-postmortem flags
    new and weak     incidents first stored in the window that carry flags

The flags appear as codes, with one line explaining each code shown at the end.

Each list shows at most `SHOWN` entries and counts the rest, so a digest stays a message.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from tracker.config import Config
from tracker.errors import UsageError
from tracker.report.flags import MEANING, Flag, incident_flags
from tracker.report.status import IncidentStatus, status_report
from tracker.store.schema import ActionItem, Incident, ItemEvent, RemoteLink

SHOWN = 10
_SPAN = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.I)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: dt.datetime) -> dt.datetime:
    """`7d`, `24h`, `2w` before `now`, or a date (midnight UTC) or an ISO time."""
    span = _SPAN.match(value)
    if span:
        return now - dt.timedelta(**{_UNITS[span.group(2).lower()]: int(span.group(1))})
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--since {value!r} is not a time: use 7d, 24h, 2w, YYYY-MM-DD or an ISO time"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Measure:
    incident: str
    text: str
    owner: str | None
    due: dt.date | None
    ticket: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "incident": self.incident,
            "text": self.text,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "ticket": self.ticket,
        }


@dataclass(frozen=True)
class IncidentLine:
    id: str
    title: str
    percent_complete: float | None
    done: int
    planned: int  # measures not won't do
    link: str | None  # the postmortem (a target's postmortem_url), if configured
    owners: list[str] = field(default_factory=list)  # of its open measures
    flags: list[Flag] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "percent_complete": self.percent_complete,
            "done": self.done,
            "planned": self.planned,
            "postmortem_url": self.link,
            "owners": self.owners,
            "flags": [f.as_json() for f in self.flags],
        }


@dataclass(frozen=True)
class Digest:
    since: dt.datetime
    until: dt.datetime
    target: float
    grace_days: int
    completed: list[Measure]
    newly_overdue: list[Measure]
    reached_complete: list[IncidentLine]
    below_target: list[IncidentLine]
    new_weak: list[IncidentLine]

    @property
    def empty(self) -> bool:
        return not (
            self.completed
            or self.newly_overdue
            or self.reached_complete
            or self.below_target
            or self.new_weak
        )

    def as_json(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "target": self.target,
            "grace_days": self.grace_days,
            "completed": [m.as_json() for m in self.completed],
            "newly_overdue": [m.as_json() for m in self.newly_overdue],
            "reached_complete": [i.as_json() for i in self.reached_complete],
            "below_target": [i.as_json() for i in self.below_target],
            "new_weak": [i.as_json() for i in self.new_weak],
        }


def _ticket() -> Any:
    return (
        select(func.min(RemoteLink.url))
        .where(RemoteLink.item_id == ActionItem.id)
        .correlate(ActionItem)
        .scalar_subquery()
    )


def _measures(session: Session, query: Select[Any]) -> list[Measure]:
    return [Measure(*row) for row in session.execute(query)]


def _measure_columns() -> Select[Any]:
    return select(Incident.key, ActionItem.text, ActionItem.owner, ActionItem.due, _ticket()).join(
        Incident, Incident.id == ActionItem.incident_id
    )


def build_digest(
    session: Session,
    settings: Config,
    *,
    since: dt.datetime,
    now: dt.datetime,
    target: float | None = None,
) -> Digest:
    today = now.date()
    target = settings.digest.target if target is None else target
    grace = settings.status.grace_days
    live = ActionItem.removed_at.is_(None)
    done_events = (
        select(ItemEvent.item_id)
        .where(ItemEvent.kind == "status", ItemEvent.new_status == "done")
        .where(ItemEvent.at >= since, ItemEvent.at <= now)
    )
    completed = _measures(
        session,
        _measure_columns()
        .where(live, ActionItem.status == "done", ActionItem.id.in_(done_events))
        .order_by(Incident.key, ActionItem.position),
    )
    overdue = _measures(
        session,
        _measure_columns()
        .where(live, ActionItem.status == "open")
        .where(ActionItem.due >= since.date(), ActionItem.due < today)
        .order_by(ActionItem.due, Incident.key, ActionItem.position),
    )
    report = status_report(session, today=today)
    flags = incident_flags(session, settings, today)
    closing = and_(
        ItemEvent.at >= since,
        ItemEvent.at <= now,
        or_(ItemEvent.kind == "removed", ItemEvent.new_status.in_(("done", "wont_do"))),
    )
    touched = set(
        session.scalars(
            select(Incident.key)
            .join(ActionItem, ActionItem.incident_id == Incident.id)
            .join(ItemEvent, ItemEvent.item_id == ActionItem.id)
            .where(closing)
            .distinct()
        )
    )
    reached = [i for i in report.incidents if i.counts.percent_complete == 100 and i.id in touched]
    below = sorted(report.below(target, grace_days=grace), key=_lagging)
    new = [i for i in report.incidents if since <= i.created_at <= now and i.id in flags]
    wanted = {i.id for i in [*reached, *below[:SHOWN], *new[:SHOWN]]}
    paths, owners = _paths_and_owners(session, wanted)

    def line(i: IncidentStatus) -> IncidentLine:
        c = i.counts
        path = paths.get(i.id)
        return IncidentLine(
            id=i.id,
            title=i.shown_title,
            percent_complete=c.percent_complete,
            done=c.done,
            planned=c.total - c.wont_do,
            link=settings.postmortem_url(path) if path else None,
            owners=owners.get(i.id, []),
            flags=flags.get(i.id, []),
        )

    return Digest(
        since=since,
        until=now,
        target=target,
        grace_days=grace,
        completed=completed,
        newly_overdue=overdue,
        reached_complete=[line(i) for i in reached],
        below_target=[line(i) for i in below],
        new_weak=[line(i) for i in new],
    )


def _lagging(incident: IncidentStatus) -> tuple[float, str]:
    return (incident.counts.percent_complete or 0.0, incident.id)


def _paths_and_owners(
    session: Session, keys: set[str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    if not keys:
        return {}, {}
    chosen = Incident.key.in_(sorted(keys))
    paths = dict(session.execute(select(Incident.key, Incident.source_path).where(chosen)).all())
    owners: dict[str, list[str]] = {}
    rows = session.execute(
        select(Incident.key, ActionItem.owner)
        .join(ActionItem, ActionItem.incident_id == Incident.id)
        .where(chosen, ActionItem.removed_at.is_(None), ActionItem.status == "open")
        .where(ActionItem.owner.is_not(None))
        .distinct()
        .order_by(Incident.key, ActionItem.owner)
    )
    for key, owner in rows:
        owners.setdefault(key, []).append(str(owner))
    return paths, owners


def render_digest(digest: Digest, fmt: str) -> str:
    """json for programs; text (plain, bare URLs: pastes anywhere, Slack links them) or
    markdown (links written [as](links))."""
    if fmt == "json":
        import json

        return json.dumps(digest.as_json(), indent=2, ensure_ascii=False) + "\n"
    md = fmt == "markdown"
    span = f"{digest.since:%Y-%m-%d %H:%M} – {digest.until:%Y-%m-%d %H:%M} UTC"
    lines = [f"**Postmortem actions, {span}**" if md else f"Postmortem actions, {span}"]
    if digest.empty:
        return (
            "\n".join([*lines, "Nothing changed, nothing newly late, nothing below target."]) + "\n"
        )
    sections: list[tuple[str, list[str]]] = [
        ("Completed", [_measure(m, md, due=False) for m in digest.completed]),
        ("Newly overdue", [_measure(m, md, due=True) for m in digest.newly_overdue]),
        ("Reached 100%", [_incident(i, md, counts=False) for i in digest.reached_complete]),
        (
            f"Below {digest.target:g}% after {digest.grace_days} days",
            [_incident(i, md, counts=True) for i in digest.below_target],
        ),
        ("New postmortems with flags", [_weak(i, md) for i in digest.new_weak]),
    ]
    shown = [i for i in (*digest.below_target[:SHOWN], *digest.new_weak[:SHOWN])]
    used = {f.code for i in shown for f in i.flags}
    legend = [f"{code}: {text}" for code, text in MEANING.items() if code in used]
    sections.append(("Flags", legend))
    for title, entries in sections:
        if not entries:
            continue
        heading = f"{title} ({len(entries)})" if title != "Flags" else title
        lines += ["", f"**{heading}**" if md else f"{heading}:"]
        bullet = "- " if md else "• "
        lines += [bullet + entry for entry in entries[:SHOWN]]
        if len(entries) > SHOWN:
            lines.append(f"{bullet}… and {len(entries) - SHOWN} more (track status --items)")
    return "\n".join(lines) + "\n"


def _link(text: str, url: str | None, md: bool) -> str:
    if not url:
        return text
    return f"[{text}]({url})" if md else f"{text} {url}"


def _measure(m: Measure, md: bool, *, due: bool) -> str:
    who = m.owner or "no owner"
    when = f", due {m.due.isoformat()}" if due and m.due else ""
    ticket = f" · {_link('ticket', m.ticket, md) if md else m.ticket}" if m.ticket else ""
    return f"{_escape(m.text, md)} — {who}{when} · {m.incident}{ticket}"


def _incident(i: IncidentLine, md: bool, *, counts: bool) -> str:
    head = _link(i.id, i.link, md) if md else i.id
    text = f"{head} {_escape(i.title, md)}"
    if counts:
        pct = "—" if i.percent_complete is None else f"{i.percent_complete:g}%"
        text += f" — {pct} ({i.done} of {i.planned} done)"
        if i.owners:
            text += f", open with {', '.join(i.owners[:5])}"
        if i.flags:
            text += f" · flags: {', '.join(f.code for f in i.flags)}"
    if i.link and not md:
        text += f" · {i.link}"
    return text


def _weak(i: IncidentLine, md: bool) -> str:
    head = _link(i.id, i.link, md) if md else i.id
    tail = f" · {i.link}" if i.link and not md else ""
    return f"{head} {_escape(i.title, md)} — {', '.join(f.code for f in i.flags)}{tail}"


def _escape(text: str, md: bool) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text) if md else text
