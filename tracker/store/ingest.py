"""Ingest: postmortem files become durable incidents and action items.

Each file is one transaction, so a failure leaves every other file as it was. A file whose
content hash is unchanged is skipped without parsing. Items keep their identity across edits
(`tracker.store.identity`); a measure deleted from the document is marked removed, never deleted.
Two processes ingesting at once serialise per file and per incident and end in the state one
ingest gives.

Where a postmortem's file went is followed too: a new file (without a front-matter id) whose
measures are those of an incident whose file is gone is that incident, moved; and an ingest of
all of `sources` marks incidents whose file is gone as removed (`sweep_removed`), keeping their
items.
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
PARSER_VERSION = "2"  # bump when the parser reads the same text differently


@dataclass
class FileReport:
    path: str
    outcome: Outcome
    incident: str | None = None
    moved_from: str | None = None  # the path the incident was known by before this file
    created: int = 0
    updated: int = 0
    removed: int = 0
    restored: int = 0
    error: str | None = None
    # the parser's warnings, for a file parsed in this run (an unchanged one is not read)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.restored)


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # incidents whose file was found gone
    back: list[str] = field(default_factory=list)  # incidents whose gone file is there again

    def count(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.outcome == "failed"]

    def notes(self) -> list[str]:
        """What happened to postmortem files themselves: moves, files gone and back."""
        lines = [
            f"{f.path}: moved from {f.moved_from} (the same incident; its items and tickets stay)"
            for f in self.files
            if f.moved_from
        ]
        lines += [
            f"{key}: its postmortem file is gone; the incident and its items are kept, marked "
            "removed (their tickets are closed only with close_removed)"
            for key in self.gone
        ]
        return lines + [f"{key}: its postmortem file is back" for key in self.back]


def repository_root(path: Path) -> Path | None:
    """The folder of the git repository holding `path`, if any."""
    for folder in path.resolve().parents:
        if (folder / ".git").exists():
            return folder
    return None


def file_root(path: Path, root: Path | None) -> Path:
    """Where a file's key starts: the configured root, else the file's git repository, else the
    filesystem's root (an absolute key); never the current folder."""
    return root or repository_root(path) or Path(path.resolve().anchor)


def source_key(path: Path, root: Path | None) -> str:
    """The file's path under its root, with '/' separators (or absolute, outside it)."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(file_root(path, root).resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    root: Path | None,
    settings: ParserSettings = DEFAULT_SETTINGS,
    complete: bool = False,
) -> IngestReport:
    """Ingest every markdown file under `paths`; one transaction per file. `complete` says the
    paths are all of `sources`: incidents whose file is gone are then marked removed."""
    report = IngestReport()
    moves = Moves()
    for path in markdown_files(paths):
        key = source_key(path, root)
        try:
            report.files.append(
                ingest_file(store, path, key, root=root, settings=settings, moves=moves)
            )
        except ParseError as exc:
            report.files.append(FileReport(key, "failed", error=str(exc)))
    if complete and root is not None:
        sweep_removed(store, root, report)
    return report


def ingest_file(
    store: Store,
    path: Path,
    key: str,
    *,
    root: Path | None,
    settings: ParserSettings = DEFAULT_SETTINGS,
    moves: Moves | None = None,
) -> FileReport:
    data = read_file(path, settings.max_bytes)  # read once: hashed, then parsed if it changed
    digest = content_hash(data, settings)
    with store.session() as session:
        if _unchanged(session, key, digest):
            return FileReport(key, "unchanged")
    doc = parse_text(decode_markdown(path, data), key, settings)
    incident_key = doc.incident.id if doc.incident.id_from_document else key
    base = file_root(path, root)
    with store.session() as session:
        lock(session.connection(), f"file:{key}")
        lock(session.connection(), f"incident:{incident_key}")
        if _unchanged(session, key, digest):  # another process ingested it meanwhile
            return FileReport(key, "unchanged", incident_key)
        result = FileReport(key, "ingested", incident_key, warnings=list(doc.warnings))
        incident = session.scalar(select(Incident).where(Incident.key == incident_key))
        if incident is None and not doc.incident.id_from_document:
            incident = (moves or Moves()).find(session, doc, digest, base)
            result.moved_from = incident.source_path if incident is not None else None
        incident = _upsert_incident(session, doc, incident, incident_key, key, base)
        _sync_items(session, incident, doc.items, result)
        _record_source(session, key, digest, incident)
        return result


class Moves:
    """Incidents keyed by a path whose file is gone: where a new file may have come from.

    A new file is such an incident, moved or renamed, when its content is the one last read
    for it, or when its measures are the incident's (at least half of the larger list pair
    by the identity rule) and, for fewer than three measures, its title is the incident's too.
    The list is read once per ingest and per root, so a first ingest pays one query.
    """

    def __init__(self) -> None:
        self._gone: dict[Path, list[int]] = {}

    def find(
        self, session: Session, doc: ParsedDocument, digest: str, root: Path
    ) -> Incident | None:
        if root not in self._gone:
            self._gone[root] = [
                incident.id
                for incident in session.scalars(select(Incident))
                if incident.keyed_by_path and not (root / incident.source_path).exists()
            ]
        best: tuple[float, Incident] | None = None
        for incident_id in self._gone[root]:
            incident = session.get(Incident, incident_id)
            if incident is None or not incident.keyed_by_path:
                continue
            lock(session.connection(), f"incident:{incident.key}")
            session.refresh(incident)
            if (root / incident.source_path).exists():
                continue  # another ingest moved it meanwhile
            score = _same_incident(session, doc, digest, incident)
            if score > 0 and (best is None or score > best[0]):
                best = (score, incident)
        if best is None:
            return None
        self._gone[root].remove(best[1].id)
        return best[1]


def _same_incident(session: Session, doc: ParsedDocument, digest: str, incident: Incident) -> float:
    """How surely `doc` is `incident` moved: 0 when it is not."""
    last_read = session.scalars(
        select(SourceFile.content_hash).where(SourceFile.incident_id == incident.id)
    )
    if digest in set(last_read):
        return 2.0  # the very content last read for it
    stored = [item for item in incident.items if item.removed_at is None]
    if not stored or not doc.items:
        return 0.0
    pairs = len(match_items(doc.items, stored).pairs)
    share = pairs / max(len(doc.items), len(stored))
    same_title = fingerprint(doc.incident.title) == fingerprint(incident.title)
    if share < 0.5 or (pairs < 3 and not same_title):
        return 0.0
    return share


def sweep_removed(store: Store, root: Path, report: IngestReport) -> None:
    """After an ingest of all sources: mark incidents whose file is gone as removed (their
    items and tickets stay; sync handles them like removed measures), and clear the mark of
    those whose file is back."""
    now = utcnow()
    with store.session() as session:
        lock(session.connection(), "sweep")
        for incident in session.scalars(select(Incident).order_by(Incident.key)):
            there = (root / incident.source_path).exists()
            if not there and incident.removed_at is None:
                incident.removed_at = now
                report.gone.append(incident.key)
            elif there and incident.removed_at is not None:
                incident.removed_at = None
                report.back.append(incident.key)


def content_hash(data: bytes, settings: ParserSettings) -> str:
    """Hash of the file and of what reads it: a new parser, heading pattern or language table
    reads it again."""
    reader = f"{PARSER_VERSION}|{'|'.join(settings.measures_headings)}|{settings.lexicon.digest}\n"
    return hashlib.sha256(reader.encode() + data).hexdigest()


def _unchanged(session: Session, key: str, digest: str) -> bool:
    return session.scalar(select(SourceFile.content_hash).where(SourceFile.path == key)) == digest


def _upsert_incident(
    session: Session,
    doc: ParsedDocument,
    incident: Incident | None,
    incident_key: str,
    path: str,
    root: Path,
) -> Incident:
    if incident is None:
        incident = Incident(key=incident_key, title=doc.incident.title, source_path=path)
        session.add(incident)
    elif incident.source_path != path and (root / incident.source_path).exists():
        raise ParseError(
            path,
            f"incident id {incident_key!r} is already used by {incident.source_path}; "
            "give each postmortem its own id in its front matter",
        )
    incident.key = incident_key  # a moved incident takes its new path as its key
    incident.title = doc.incident.title
    incident.date = doc.incident.date
    incident.source_path = path
    incident.removed_at = None
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
            _event(session, item, "restored", now, new=item.status)  # for the report's trend
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
