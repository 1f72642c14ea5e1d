"""Writing a batch of parsed files in one transaction, with bulk statements.

The decisions are made file by file, in order, in Python (which incident a file is, whether it
may have that id, which stored item each measure is); only then are the batch's rows written,
a few statements for the whole batch. A file whose decision fails (a second file claiming an
incident id) is reported failed and contributes nothing; the others are written.

Locks are taken for every file and incident of the batch first, in one sorted order, so
concurrent ingests on PostgreSQL wait for each other instead of deadlocking; SQLite holds its
database-wide write lock from the transaction's start. Hashes and incidents are read after the
locks, so a file another process stored meanwhile is seen as unchanged.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, delete, insert, or_, select, text, update
from sqlalchemy.orm import Session

from tracker.errors import ParseError
from tracker.model import ParsedDocument, ParsedItem
from tracker.store.engine import lock_key
from tracker.store.identity import fingerprint, match_items
from tracker.store.schema import ActionItem, Incident, ItemEvent, SourceFile

if TYPE_CHECKING:
    from tracker.store.parsing import Parsed

INCIDENTS = cast(Table, Incident.__table__)
ITEMS = cast(Table, ActionItem.__table__)
EVENTS = cast(Table, ItemEvent.__table__)
SOURCES = cast(Table, SourceFile.__table__)

# The item's columns the document decides, and what they are in a parsed measure.
DOCUMENT_VALUES: dict[str, Callable[[ParsedItem], Any]] = {
    "text": lambda p: p.text,
    "fingerprint": lambda p: fingerprint(p.text),
    "explicit_id": lambda p: p.explicit_id,
    "owner": lambda p: p.owner,
    "due": lambda p: p.due,
    "priority": lambda p: p.priority,
    "type": lambda p: p.type,
    "section": lambda p: p.section,
    "group_label": lambda p: p.group,
    "details": lambda p: p.details,
    "tracker_ref": lambda p: p.tracker_ref,
    "line": lambda p: p.line,
    "document_status": lambda p: p.status,
}
COSMETIC = {"position", "line"}  # a change of only these does not count as an update
UPDATED = (
    *DOCUMENT_VALUES,
    "position",
    "status",
    "status_source",
    "status_changed_at",
    "removed_at",
    "updated_at",
)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    removed: int = 0
    restored: int = 0


class StoredItem:
    """A stored action item as matching and updating need it: its row, as read."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row

    @property
    def explicit_id(self) -> str | None:
        return cast(str | None, self.row["explicit_id"])

    @property
    def fingerprint(self) -> str:
        return cast(str, self.row["fingerprint"])

    @property
    def position(self) -> int:
        return cast(int, self.row["position"])


@dataclass(eq=False)  # the same incident is the same object: compared by identity
class IncidentRow:
    """An incident in the batch: as stored (`id` set), or new in this batch (`id` None)."""

    key: str
    source_path: str
    id: int | None = None
    title: str = ""
    items: list[StoredItem] = field(default_factory=list)
    row: dict[str, Any] = field(default_factory=dict)  # the values this batch writes

    @property
    def keyed_by_path(self) -> bool:
        return self.key == self.source_path


@dataclass
class Batch:
    """The rows one batch writes, collected file by file."""

    now: dt.datetime
    incidents: dict[str, IncidentRow] = field(default_factory=dict)  # by key
    written: list[IncidentRow] = field(default_factory=list)  # in file order
    sources: list[tuple[str, str, IncidentRow]] = field(default_factory=list)
    new_items: list[tuple[IncidentRow, dict[str, Any]]] = field(default_factory=list)
    changed_items: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # item by "item_id" or "uid"


FindMove = Callable[[Session, ParsedDocument, str, Path], Incident | None]


def lock_batch(session: Session, names: set[str]) -> None:
    """Take the transaction locks of all `names` at once, in one global order (PostgreSQL)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql" or not names:
        return
    keys = sorted({lock_key(name) for name in names})
    # unnest yields the sorted array in order, and each row takes its lock as it is produced
    connection.execute(
        text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"),
        {"keys": keys},
    ).all()


def stored_hashes(session: Session, keys: Sequence[str]) -> dict[str, str]:
    rows = session.execute(
        select(SOURCES.c.path, SOURCES.c.content_hash).where(SOURCES.c.path.in_(keys))
    )
    return {path: digest for path, digest in rows}


def load_incidents(session: Session, batch: Batch, keys: set[str]) -> None:
    """The batch's stored incidents (by key) and their items, in two queries."""
    found = session.execute(
        select(INCIDENTS.c.id, INCIDENTS.c.key, INCIDENTS.c.source_path, INCIDENTS.c.title).where(
            INCIDENTS.c.key.in_(keys)
        )
    ).all()
    rows = [IncidentRow(key, path, id_, title) for id_, key, path, title in found]
    _load_items(session, rows)
    batch.incidents.update((row.key, row) for row in rows)


def _load_items(session: Session, incidents: list[IncidentRow]) -> None:
    by_id = {row.id: row for row in incidents}
    if not by_id:
        return
    query = select(ITEMS).where(ITEMS.c.incident_id.in_(list(by_id))).order_by(ITEMS.c.id)
    for item in session.execute(query).mappings():
        by_id[item["incident_id"]].items.append(StoredItem(dict(item)))


def add_file(
    session: Session,
    batch: Batch,
    parsed: Parsed,
    root: Path,
    find_move: FindMove,
) -> tuple[str, str | None, Counts]:
    """Decide one file's rows into `batch`: (incident key, the path it moved from, counts).
    Raises ParseError, leaving `batch` as it was, when the file may not be stored."""
    doc = cast(ParsedDocument, parsed.doc)
    key = parsed.key
    incident_key = doc.incident.id if doc.incident.id_from_document else key
    incident = batch.incidents.get(incident_key)
    moved_from = None
    if incident is None and not doc.incident.id_from_document:
        found = find_move(session, doc, parsed.digest, root)
        if found is not None:
            moved_from = found.source_path
            incident = IncidentRow(found.key, found.source_path, found.id, found.title)
            _load_items(session, [incident])
    if incident is None:
        incident = IncidentRow(incident_key, key)
    elif incident.source_path != key and (root / incident.source_path).exists():
        raise ParseError(
            key,
            f"incident id {incident_key!r} is already used by {incident.source_path}; "
            "give each postmortem its own id in its front matter",
        )
    batch.incidents.pop(incident.key, None)
    incident.key, incident.source_path = incident_key, key  # a moved incident takes its new key
    incident.row = {
        "key": incident_key,
        "title": doc.incident.title,
        "date": doc.incident.date,
        "source_path": key,
        "removed_at": None,
        "meta": dict(doc.incident.metadata),
        "updated_at": batch.now,
    }
    batch.incidents[incident_key] = incident
    if incident not in batch.written:
        batch.written.append(incident)
    batch.sources.append((key, parsed.digest, incident))
    return incident_key, moved_from, _add_items(batch, incident, doc.items)


def _add_items(batch: Batch, incident: IncidentRow, parsed: tuple[ParsedItem, ...]) -> Counts:
    counts = Counts()
    matching = match_items(parsed, incident.items)
    now = batch.now
    for index, item in matching.pairs:
        row = dict(item.row)
        if row["removed_at"] is not None:
            row["removed_at"] = None
            # with its status, for the report's trend of open measures
            batch.events.append(_event(row["id"], "restored", now, new=row["status"]))
            counts.restored += 1
        changed = _apply(row, parsed[index], index, now)
        if row.get("status") != item.row["status"]:
            batch.events.append(
                _event(row["id"], "status", now, old=item.row["status"], new=row["status"])
            )
        if changed - COSMETIC:
            counts.updated += 1
        if row != item.row:
            row["updated_at"] = now
            batch.changed_items.append(row)
            item.row = row
    for index in matching.new:
        row = {"uid": new_uid(), "status": None, "status_source": None, "status_changed_at": now}
        _apply(row, parsed[index], index, now)
        row.update(removed_at=None, created_at=now, updated_at=now)
        batch.new_items.append((incident, row))
        batch.events.append(_event(None, "created", now, new=row["status"], uid=row["uid"]))
        counts.created += 1
    for item in matching.gone:
        if item.row["removed_at"] is None:
            batch.events.append(_event(item.row["id"], "removed", now, old=item.row["status"]))
            item.row = {**item.row, "removed_at": now, "updated_at": now}
            batch.changed_items.append(item.row)
            counts.removed += 1
    return counts


def _apply(row: dict[str, Any], parsed: ParsedItem, position: int, now: dt.datetime) -> set[str]:
    """Copy the document's view of the measure onto the row; the names of the values changed."""
    values = {name: read(parsed) for name, read in DOCUMENT_VALUES.items()}
    values["position"] = position
    changed = {name for name, value in values.items() if row.get(name) != value}
    row.update(values)
    wanted = parsed.status or "open"
    if row["status_source"] in (None, "document") and row["status"] != wanted:
        row.update(status=wanted, status_source="document", status_changed_at=now)
    return changed


def _event(
    item_id: int | None,
    kind: str,
    at: dt.datetime,
    *,
    old: str | None = None,
    new: str | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "uid": uid,
        "at": at,
        "kind": kind,
        "old_status": old,
        "new_status": new,
        "source": "document",
    }


def write(session: Session, batch: Batch) -> None:
    """Write the batch's rows: a few bulk statements, whatever the number of files."""
    _write_incidents(session, batch)
    if batch.new_items:
        rows = [{**row, "incident_id": incident.id} for incident, row in batch.new_items]
        returned = session.execute(
            insert(ITEMS).returning(ITEMS.c.id, ITEMS.c.uid, sort_by_parameter_order=True), rows
        )
        ids = {uid: id_ for id_, uid in returned}
    else:
        ids = {}
    if batch.changed_items:
        changed = [
            {"item_pk": row["id"], **{name: row[name] for name in UPDATED}}
            for row in batch.changed_items
        ]
        session.execute(update(ITEMS).where(ITEMS.c.id == bindparam("item_pk")), changed)
    if batch.events:
        events = [
            {name: value for name, value in event.items() if name != "uid"}
            | {"item_id": event["item_id"] or ids[event["uid"]]}
            for event in batch.events
        ]
        session.execute(insert(EVENTS), events)
    _write_sources(session, batch)


def _write_incidents(session: Session, batch: Batch) -> None:
    new = [incident for incident in batch.written if incident.id is None]
    if new:
        rows = [{**incident.row, "created_at": batch.now} for incident in new]
        returned = session.execute(
            insert(INCIDENTS).returning(INCIDENTS.c.id, sort_by_parameter_order=True), rows
        )
        for incident, (id_,) in zip(new, returned, strict=True):
            incident.id = id_
    known = [{"incident_pk": i.id, **i.row} for i in batch.written if i not in new]
    if known:
        session.execute(update(INCIDENTS).where(INCIDENTS.c.id == bindparam("incident_pk")), known)


def _write_sources(session: Session, batch: Batch) -> None:
    """Each file's hash, and no other path for its incident (a moved postmortem's old path no
    longer names it)."""
    keys = [key for key, _, _ in batch.sources]
    incident_ids = [incident.id for _, _, incident in batch.sources]
    named = or_(SOURCES.c.path.in_(keys), SOURCES.c.incident_id.in_(incident_ids))
    session.execute(delete(SOURCES).where(named))
    rows = [
        {"path": key, "content_hash": digest, "incident_id": incident.id, "ingested_at": batch.now}
        for key, digest, incident in batch.sources
    ]
    session.execute(insert(SOURCES), rows)


def new_uid() -> str:
    """An item's identity in trackers: 16 hex digits, random."""
    return secrets.token_hex(8)
