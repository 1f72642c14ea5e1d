"""Ingest: postmortem files become durable incidents and action items.

A file whose content hash is unchanged is skipped without parsing; changed files are parsed
(in worker processes when there are many) and written many to a transaction, in bulk
statements; a file that fails is reported failed and leaves the others stored. Items keep
their identity across edits (`tracker.store.identity`); a measure deleted from the document is
marked removed, never deleted.
Two processes ingesting at once serialise per file and per incident (the locks of a batch are
taken together, in one order) and end in the state one ingest gives.

Where a postmortem's file went is followed too: a new file (without a front-matter id) whose
measures are those of an incident whose file is gone is that incident, moved; and an ingest of
all of `sources` marks incidents whose file is gone as removed (`sweep_removed`), keeping their
items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.errors import ParseError, StoreError
from tracker.model import ParsedDocument
from tracker.store.database import Store
from tracker.store.engine import lock
from tracker.store.identity import fingerprint, match_items
from tracker.store.schema import Incident, SourceFile, utcnow
from tracker.store.writing import Batch, add_file, load_incidents, lock_batch, stored_hashes, write

if TYPE_CHECKING:  # the parser loads when an ingest runs, not for a report that names one
    from tracker.parse.document import ParserSettings
    from tracker.store.parsing import Job, Parsed

Outcome = Literal["unchanged", "ingested", "failed"]


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


class Keys:
    """Files' keys for one ingest. A key is the file's path under its root, with '/'
    separators (or absolute, outside it); the root is the configured one, else the file's git
    repository, else the filesystem's root, never the current folder. Each folder's repository
    is looked for once."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._bases: dict[Path, Path] = {}
        self._resolved: dict[Path, Path] = {}

    def of(self, path: Path) -> tuple[str, Path]:
        """The file's key and its root."""
        resolved = path.resolve()
        base = self.root or self._base(resolved.parent)
        if base not in self._resolved:
            self._resolved[base] = base.resolve()
        try:
            return resolved.relative_to(self._resolved[base]).as_posix(), base
        except ValueError:
            return resolved.as_posix(), base

    def _base(self, folder: Path) -> Path:
        if folder not in self._bases:
            found = next((f for f in (folder, *folder.parents) if (f / ".git").exists()), None)
            self._bases[folder] = found or Path(folder.anchor)
        return self._bases[folder]


BATCH = 100  # parsed files written per transaction
HASH_CHUNK = 500  # files whose stored hash one query reads


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    root: Path | None,
    settings: ParserSettings | None = None,
    complete: bool = False,
) -> IngestReport:
    """Ingest every markdown file under `paths`. `complete` says the paths are all of
    `sources`: incidents whose file is gone are then marked removed.

    Files whose hash is unchanged are skipped unread by the parser; the others are parsed (in
    worker processes when there are many, `tracker.store.parsing`) and written `BATCH` files
    to a transaction (`tracker.store.writing`). A file that fails is reported and the others
    are stored. Without `settings`, the parser's defaults."""
    from tracker.parse.document import DEFAULT_SETTINGS, markdown_files
    from tracker.store.parsing import parse_jobs

    settings = settings or DEFAULT_SETTINGS
    slots: list[FileReport | None] = []
    jobs: list[tuple[int, Job]] = []
    keys = Keys(root)
    files = [(path, *keys.of(path)) for path in markdown_files(paths)]
    for start in range(0, len(files), HASH_CHUNK):
        _find_changed(store, files[start : start + HASH_CHUNK], settings, slots, jobs)
    moves = Moves()
    parsed = parse_jobs((job for _, job in jobs), settings, expected=len(jobs))
    where = iter(index for index, _ in jobs)
    batch: list[Parsed] = []
    for result in parsed:
        batch.append(result)
        if len(batch) == BATCH:
            _store(store, batch, root, moves, slots, where)
            batch = []
    if batch:
        _store(store, batch, root, moves, slots, where)
    report = IngestReport(files=[slot for slot in slots if slot is not None])
    if complete and root is not None:
        sweep_removed(store, root, report)
    return report


def _find_changed(
    store: Store,
    files: list[tuple[Path, str, Path]],
    settings: ParserSettings,
    slots: list[FileReport | None],
    jobs: list[tuple[int, Job]],
) -> None:
    """Hash the files; those unchanged since their last ingest are reported so, the others
    become jobs (read again when parsed, so the hash stored is that of the bytes parsed)."""
    from tracker.parse.document import read_file
    from tracker.store.parsing import Job, content_hash

    hashed: list[tuple[int, Job, str]] = []
    for path, key, base in files:
        try:
            digest = content_hash(read_file(path, settings.max_bytes), settings)
        except ParseError as exc:
            slots.append(FileReport(key, "failed", error=str(exc)))
            continue
        slots.append(None)
        hashed.append((len(slots) - 1, Job(key, path, base), digest))
    with store.session() as session:
        stored = stored_hashes(session, [job.key for _, job, _ in hashed])
    for index, job, digest in hashed:
        if stored.get(job.key) == digest:
            slots[index] = FileReport(job.key, "unchanged")
        else:
            jobs.append((index, job))


def _store(
    store: Store,
    batch: list[Parsed],
    root: Path | None,
    moves: Moves,
    slots: list[FileReport | None],
    where: Iterator[int],
) -> None:
    """Write a batch in one transaction; should the database refuse it (a constraint), write
    its files one by one, so only the file at fault fails."""
    indexes = [next(where) for _ in batch]
    saved = moves.snapshot()
    try:
        reports = _write_batch(store, batch, root, moves)
    except StoreError as exc:
        if len(batch) == 1 or not isinstance(exc.__cause__, IntegrityError):
            raise
        moves.restore(saved)
        reports = [_write_batch(store, [one], root, moves)[0] for one in batch]
    for index, file_report in zip(indexes, reports, strict=True):
        slots[index] = file_report


def _write_batch(
    store: Store, batch: list[Parsed], root: Path | None, moves: Moves
) -> list[FileReport]:
    reports: list[FileReport] = []
    with store.session() as session:
        readable = [p for p in batch if p.doc is not None]
        incident_keys = {_incident_key(p) for p in readable}
        names = {f"file:{p.key}" for p in readable} | {f"incident:{k}" for k in incident_keys}
        lock_batch(session, names)
        stored = stored_hashes(session, [p.key for p in readable])
        writes = Batch(now=utcnow())
        load_incidents(session, writes, incident_keys)
        for parsed in batch:
            reports.append(_add(session, writes, parsed, root, moves, stored))
        if writes.sources:
            write(session, writes)
    return reports


def _add(
    session: Session,
    writes: Batch,
    parsed: Parsed,
    root: Path | None,
    moves: Moves,
    stored: dict[str, str],
) -> FileReport:
    if parsed.doc is None:
        return FileReport(parsed.key, "failed", error=parsed.error)
    incident_key = _incident_key(parsed)
    if stored.get(parsed.key) == parsed.digest:  # another process ingested it meanwhile
        return FileReport(parsed.key, "unchanged", incident_key)
    try:
        key, moved_from, counts = add_file(session, writes, parsed, parsed.base, moves.find)
    except ParseError as exc:
        return FileReport(parsed.key, "failed", error=str(exc))
    return FileReport(
        parsed.key,
        "ingested",
        key,
        moved_from=moved_from,
        created=counts.created,
        updated=counts.updated,
        removed=counts.removed,
        restored=counts.restored,
        warnings=list(parsed.doc.warnings),
    )


def _incident_key(parsed: Parsed) -> str:
    doc = cast(ParsedDocument, parsed.doc)
    return doc.incident.id if doc.incident.id_from_document else parsed.key


class Moves:
    """Incidents keyed by a path whose file is gone: where a new file may have come from.

    A new file is such an incident, moved or renamed, when its content is the one last read
    for it, or when its measures are the incident's (at least half of the larger list pair
    by the identity rule) and, for fewer than three measures, its title is the incident's too.
    The list is read once per ingest and per root, so a first ingest pays one query.
    """

    def __init__(self) -> None:
        self._gone: dict[Path, list[int]] = {}

    def snapshot(self) -> dict[Path, list[int]]:
        return {root: list(ids) for root, ids in self._gone.items()}

    def restore(self, saved: dict[Path, list[int]]) -> None:
        self._gone = saved

    def find(
        self, session: Session, doc: ParsedDocument, digest: str, root: Path
    ) -> Incident | None:
        if root not in self._gone:
            rows = session.execute(
                select(Incident.id, Incident.key, Incident.source_path).order_by(Incident.id)
            )
            self._gone[root] = [
                id_ for id_, key, path in rows if key == path and not (root / path).exists()
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
    table = cast(Table, Incident.__table__)
    with store.session() as session:
        lock(session.connection(), "sweep")
        rows = session.execute(
            select(Incident.id, Incident.key, Incident.source_path, Incident.removed_at).order_by(
                Incident.key
            )
        )
        gone, back = [], []
        for id_, key, path, removed_at in rows:
            there = (root / path).exists()
            if not there and removed_at is None:
                gone.append({"incident_pk": id_, "removed_at": now, "updated_at": now})
                report.gone.append(key)
            elif there and removed_at is not None:
                back.append({"incident_pk": id_, "removed_at": None, "updated_at": now})
                report.back.append(key)
        for changes in (gone, back):
            if changes:
                session.execute(
                    update(table).where(table.c.id == bindparam("incident_pk")), changes
                )
