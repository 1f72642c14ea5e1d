"""Ingest: postmortem files become durable incidents and action items.

Each file is one transaction, so a failure leaves every other file as it was. A file whose
content hash is unchanged is skipped without parsing. Items keep their identity across edits
(`tracker.store.identity`); a measure deleted from the document is marked removed, never deleted.
Two processes ingesting at once serialise per file and per incident and end in the state one
ingest gives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import ParseError
from tracker.model import ParsedDocument, ParsedItem
from tracker.parse.document import (
    DEFAULT_SETTINGS,
    ParserSettings,
    decode_markdown,
    markdown_files,
    parse_text,
    read_file,
)
from tracker.store.database import Store
from tracker.store.engine import lock
from tracker.store.identity import fingerprint, match_items
from tracker.store.schema import ActionItem, Incident, ItemEvent, SourceFile, utcnow

Outcome = Literal["unchanged", "ingested", "failed"]
PARSER_VERSION = "1"  # bump when the parser reads the same text differently


@dataclass
class FileReport:
    path: str
    outcome: Outcome
    incident: str | None = None
    created: int = 0
    updated: int = 0
    removed: int = 0
    restored: int = 0
    error: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.restored)


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    def count(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.outcome == "failed"]


def source_key(path: Path, root: Path) -> str:
    """The file's path under the source root, with '/' separators (or absolute, outside it)."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    root: Path,
    settings: ParserSettings = DEFAULT_SETTINGS,
) -> IngestReport:
    """Ingest every markdown file under `paths`; one transaction per file."""
    report = IngestReport()
    for path in markdown_files(paths):
        key = source_key(path, root)
        try:
            report.files.append(ingest_file(store, path, key, root=root, settings=settings))
        except ParseError as exc:
            report.files.append(FileReport(key, "failed", error=str(exc)))
    return report


def ingest_file(
    store: Store, path: Path, key: str, *, root: Path, settings: ParserSettings = DEFAULT_SETTINGS
) -> FileReport:
    data = read_file(path, settings.max_bytes)  # read once: hashed, then parsed if it changed
    digest = content_hash(data, settings)
    with store.session() as session:
        if _unchanged(session, key, digest):
            return FileReport(key, "unchanged")
    doc = parse_text(decode_markdown(path, data), key, settings)
    incident_key = doc.incident.id if doc.incident.id_from_document else key
    with store.session() as session:
        lock(session.connection(), f"file:{key}")
        lock(session.connection(), f"incident:{incident_key}")
        if _unchanged(session, key, digest):  # another process ingested it meanwhile
            return FileReport(key, "unchanged", incident_key)
        incident = _upsert_incident(session, doc, incident_key, key, root)
        result = FileReport(key, "ingested", incident_key)
        _sync_items(session, incident, doc.items, result)
        _record_source(session, key, digest, incident)
        return result


def content_hash(data: bytes, settings: ParserSettings) -> str:
    """Hash of the file and of what reads it: a new parser or heading pattern reads it again."""
    reader = f"{PARSER_VERSION}|{'|'.join(settings.measures_headings)}\n".encode()
    return hashlib.sha256(reader + data).hexdigest()


def _unchanged(session: Session, key: str, digest: str) -> bool:
    return session.scalar(select(SourceFile.content_hash).where(SourceFile.path == key)) == digest


def _upsert_incident(
    session: Session, doc: ParsedDocument, incident_key: str, path: str, root: Path
) -> Incident:
    incident = session.scalar(select(Incident).where(Incident.key == incident_key))
    if incident is None:
        incident = Incident(key=incident_key, title=doc.incident.title, source_path=path)
        session.add(incident)
    elif incident.source_path != path and (root / incident.source_path).exists():
        raise ParseError(
            path,
            f"incident id {incident_key!r} is already used by {incident.source_path}; "
            "give each postmortem its own id in its front matter",
        )
    incident.title = doc.incident.title
    incident.date = doc.incident.date
    incident.source_path = path
    incident.meta = dict(doc.incident.metadata)
    session.flush()
    return incident


def _record_source(session: Session, key: str, digest: str, incident: Incident) -> None:
    for moved in session.scalars(
        select(SourceFile).where(SourceFile.incident_id == incident.id, SourceFile.path != key)
    ):
        session.delete(moved)  # the postmortem moved: its old path no longer names it
    source = session.get(SourceFile, key)
    if source is None:
        session.add(SourceFile(path=key, content_hash=digest, incident_id=incident.id))
    else:
        source.content_hash, source.incident_id, source.ingested_at = digest, incident.id, utcnow()


def _sync_items(
    session: Session, incident: Incident, parsed: tuple[ParsedItem, ...], report: FileReport
) -> None:
    stored = list(session.scalars(select(ActionItem).where(ActionItem.incident_id == incident.id)))
    matching = match_items(parsed, stored)
    now = utcnow()
    for index, item in matching.pairs:
        if item.removed_at is not None:
            item.removed_at = None
            _event(session, item, "restored", now)
            report.restored += 1
        if _apply(item, parsed[index], index, now, session):
            report.updated += 1
    for index in matching.new:
        item = ActionItem(uid=new_uid(), incident_id=incident.id, status_changed_at=now)
        _apply(item, parsed[index], index, now, session)
        session.add(item)
        session.flush()
        _event(session, item, "created", now, new=item.status)
        report.created += 1
    for item in matching.gone:
        if item.removed_at is None:
            item.removed_at = now
            _event(session, item, "removed", now, old=item.status)
            report.removed += 1


def _apply(
    item: ActionItem, parsed: ParsedItem, position: int, now: dt.datetime, session: Session
) -> bool:
    """Copy the document's view of the measure onto the stored item; True if anything changed."""
    values = {
        "position": position,
        "text": parsed.text,
        "fingerprint": fingerprint(parsed.text),
        "explicit_id": parsed.explicit_id,
        "owner": parsed.owner,
        "due": parsed.due,
        "priority": parsed.priority,
        "type": parsed.type,
        "section": parsed.section,
        "group_label": parsed.group,
        "details": parsed.details,
        "tracker_ref": parsed.tracker_ref,
        "line": parsed.line,
        "document_status": parsed.status,
    }
    changed = {k: v for k, v in values.items() if getattr(item, k, None) != v}
    for name, value in changed.items():
        setattr(item, name, value)
    wanted = parsed.status or "open"
    if item.status_source in (None, "document") and item.status != wanted:
        old = item.status
        item.status, item.status_source, item.status_changed_at = wanted, "document", now
        if item.id is not None:
            _event(session, item, "status", now, old=old, new=wanted)
    cosmetic = {"position", "line"}
    return item.id is not None and bool(set(changed) - cosmetic)


def _event(
    session: Session,
    item: ActionItem,
    kind: str,
    at: dt.datetime,
    *,
    old: str | None = None,
    new: str | None = None,
) -> None:
    session.add(
        ItemEvent(
            item_id=item.id, at=at, kind=kind, old_status=old, new_status=new, source="document"
        )
    )


def new_uid() -> str:
    """An item's identity in trackers: 16 hex digits, random."""
    return secrets.token_hex(8)
