"""`track sync` from start to end: lock, ingest, sync each target, report, choose the exit code.

Quiet when nothing changed (cron mails only what matters); a progress bar on a terminal for
long runs; `--format json` prints one summary object.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.config import Config, example_config
from tracker.errors import TrackerFatal
from tracker.store.database import Store, open_store
from tracker.store.engine import database_url
from tracker.store.ingest import IngestReport, ingest_paths
from tracker.sync.engine import SyncEngine, SyncReport
from tracker.sync.lock import sync_lock


def run_sync(
    settings: Config,
    *,
    paths: list[Path],
    only: str | None,
    dry_run: bool,
    json_output: bool,
    include_drafts: bool,
    wait: float,
) -> int:
    """Run the sync; print what changed; return the exit code (0, 1 or 2)."""
    if not settings.targets:
        raise TrackerFatal(
            f"no tracker targets are configured: add one under `targets:` (see {example_config()})"
        )
    targets = [settings.target(only)] if only else settings.targets
    from tracker.connectors import connect  # a client library loads only when a sync runs

    store = open_store(database_url(settings.database_url()))
    reports: list[SyncReport] = []
    fatal: list[str] = []
    try:
        with sync_lock(store, wait_seconds=wait), _stage(store, dry_run) as working:
            ingested = IngestReport()
            if paths:
                ingested = ingest_paths(
                    working, paths, root=settings.source_root(), settings=settings.parser.settings()
                )
            for target in targets:
                try:
                    engine = SyncEngine(
                        working,
                        connect(target),
                        target,
                        settings.routing,
                        include_drafts=include_drafts,
                        progress=_progress(target.name),
                    )
                    reports.append(engine.run(dry_run=dry_run))
                except TrackerFatal as exc:
                    fatal.append(str(exc))
    finally:
        store.close()
    _print(ingested, reports, fatal, json_output=json_output, dry_run=dry_run)
    if fatal:
        return 2
    return 1 if ingested.failed or any(r.failed for r in reports) else 0


@contextmanager
def _stage(store: Store, dry_run: bool) -> Iterator[Store]:
    if dry_run:
        with store.rehearsal() as rehearsal:
            yield rehearsal
    else:
        yield store


def _progress(target: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = None

    def advance(done: int, total: int) -> None:
        nonlocal task
        if total < 20:
            return
        if task is None:
            bar.start()
            task = bar.add_task(f"{target}: writing", total=total)
        bar.update(task, completed=done)
        if done >= total:
            bar.stop()

    return advance


def _print(
    ingested: IngestReport,
    reports: list[SyncReport],
    fatal: list[str],
    *,
    json_output: bool,
    dry_run: bool,
) -> None:
    if json_output:
        totals = {
            key: sum(int(r.summary()[key]) for r in reports)  # type: ignore[call-overload]
            for key in (
                "created",
                "updated",
                "unchanged",
                "completed",
                "wont_do",
                "reopened",
                "adopted",
                "removed",
                "failed",
                "requests",
            )
        }
        print(
            json.dumps(
                {
                    "dry_run": dry_run,
                    "files": {
                        "read": sum(f.outcome == "ingested" for f in ingested.files),
                        "failed": len(ingested.failed),
                    },
                    "targets": [r.summary() for r in reports],
                    "totals": totals,
                    "errors": [f.error for f in ingested.failed] + fatal,
                },
                indent=2,
            )
        )
        return
    for file in ingested.failed:
        print(f"error: {file.error}", file=sys.stderr)
    for message in fatal:
        for line in message.splitlines():  # a check may find several problems: a line each
            print(f"error: {line}", file=sys.stderr)
    for report in reports:
        prefix = f"{report.target}: " + ("would be " if dry_run else "")
        for change in report.changes:
            where = f" {change.ticket}" if change.ticket else ""
            note = (
                f" ({change.message})"
                if change.message and change.kind != "failed" and not dry_run
                else ""
            )
            if change.kind == "failed":
                print(f"{report.target}: failed: {change.item}: {change.message}", file=sys.stderr)
            else:
                print(f"{prefix}{change.kind}{where}  {change.item}{note}")
        if report.stopped:
            print(f"{report.target}: stopped: {report.stopped}", file=sys.stderr)
        if report.changes or report.stopped:
            summary = report.summary()
            print(
                f"{report.target}: {summary['created']} created, {summary['updated']} updated, "
                f"{summary['completed']} completed, {summary['failed']} failed, "
                f"{report.unchanged} unchanged ({report.requests} requests)"
            )
