"""`track sync` from start to end: lock, ingest, sync each target, report, choose the exit code.

Quiet when nothing changed (cron mails only what matters); a progress bar on a terminal for
long runs; `--format json` prints one summary object.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from tracker.config import AnyTarget, Config, example_config
from tracker.connector import Connector
from tracker.errors import ConfigError, TrackerFatal
from tracker.store.database import Store, open_store
from tracker.store.engine import database_url
from tracker.store.ingest import IngestReport, ingest_paths
from tracker.store.schema import ActionItem, Incident
from tracker.sync.engine import SyncEngine, SyncReport
from tracker.sync.lock import sync_lock
from tracker.sync.offline import LocalOnly
from tracker.sync.routing import is_draft, route
from tracker.sync.writeback import WriteBackReport, write_back

log = logging.getLogger("tracker.sync")

TOTALS = (
    "created",
    "linked",
    "updated",
    "unchanged",
    "completed",
    "wont_do",
    "reopened",
    "adopted",
    "closed",
    "removed",
    "duplicate",
    "unconfirmed",
    "failed",
    "requests",
)


@dataclass
class Outcome:
    ingested: IngestReport = field(default_factory=IngestReport)
    reports: list[SyncReport] = field(default_factory=list)
    fatal: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: WriteBackReport | None = None  # with --write-back

    @property
    def exit_code(self) -> int:
        if self.fatal:
            return 2
        skipped = self.written is not None and any(f.skipped for f in self.written.files)
        return 1 if self.ingested.failed or any(r.failed for r in self.reports) or skipped else 0


def run_sync(
    settings: Config,
    *,
    paths: list[Path],
    complete: bool = False,
    only: str | None,
    dry_run: bool,
    json_output: bool,
    include_drafts: bool,
    wait: float,
    writing_back: bool = False,
) -> int:
    """Run the sync; print what changed; return the exit code (0, 1 or 2). `writing_back`:
    then write ticket references and ticked boxes into the postmortems (`writeback`)."""
    if not settings.targets:
        raise TrackerFatal(
            f"no tracker targets are configured: add one under `targets:` (see {example_config()})"
        )
    if problem := settings.unrouted_problem():
        raise ConfigError(problem)
    targets = [settings.target(only)] if only else settings.targets
    from tracker.connectors import connect  # a client library loads only when a sync runs

    started = time.monotonic()
    store = open_store(database_url(settings.database_url()))
    outcome = Outcome()
    try:
        with sync_lock(store, wait_seconds=wait), _stage(store, dry_run) as working:
            if paths or complete:  # all sources, even none left: gone files are noticed
                outcome.ingested = ingest_paths(
                    working,
                    paths,
                    root=settings.source_root(),
                    settings=settings.parser_settings(),
                    complete=complete,
                )
            outcome.warnings += _unrouted(working, settings, include_drafts)
            for target in targets:
                try:
                    outcome.reports.append(
                        _sync_target(working, target, settings, include_drafts, dry_run, connect)
                    )
                except TrackerFatal as exc:
                    outcome.fatal.append(str(exc))
            if writing_back:
                outcome.written = write_back(
                    working, settings, paths, root=settings.source_root(), dry_run=dry_run
                )
    finally:
        store.close()
    if json_output:
        _print_json(outcome, dry_run=dry_run)
    else:
        _print_text(outcome, dry_run=dry_run)
    _log_summary(outcome, dry_run=dry_run, seconds=time.monotonic() - started)
    return outcome.exit_code


def _sync_target(
    store: Store,
    target: AnyTarget,
    settings: Config,
    include_drafts: bool,
    dry_run: bool,
    connect: Callable[[AnyTarget], Connector],
) -> SyncReport:
    """One target's run. A dry run without a token or a network plans from the store alone,
    and says so, instead of failing."""

    def run(connector: Connector) -> SyncReport:
        engine = SyncEngine(
            store,
            connector,
            target,
            settings.routing,
            include_drafts=include_drafts,
            progress=_progress(target.name),
        )
        return engine.run(dry_run=dry_run)

    try:
        report = run(connect(target))
    except TrackerFatal as exc:
        if not (dry_run and "holds no" in str(exc)):  # a token not given, not one refused
            raise
        reason = str(exc)
    else:
        if not (dry_run and report.stopped and "cannot reach" in report.stopped):
            return report
        reason = report.stopped
    from tracker.connectors import ticket_style

    user_noun, flavor = ticket_style(target)
    local = run(LocalOnly(target.name, user_noun=user_noun, flavor=flavor))
    local.local_plan = reason.removeprefix(f"{target.name}: ")
    return local


def _log_summary(outcome: Outcome, *, dry_run: bool, seconds: float) -> None:
    """One line per sync for cron logs and log shippers (with --verbose or --log-format)."""
    totals = _totals(outcome)
    always = ("created", "updated", "completed", "failed", "unchanged")
    words = ", ".join(
        f"{totals[k]} {k.replace('_', ' ')}"
        for k in TOTALS
        if k in always or (k != "requests" and totals[k])
    )
    log.info(
        "track sync%s: %s; %d requests; %.1f s; exit %d",
        " (dry run)" if dry_run else "",
        words,
        totals["requests"],
        seconds,
        outcome.exit_code,
        extra={"summary": {**totals, "dry_run": dry_run, "exit_code": outcome.exit_code}},
    )


def _totals(outcome: Outcome) -> dict[str, int]:
    summaries = [report.summary() for report in outcome.reports]
    return {key: sum(int(str(s[key])) for s in summaries) for key in TOTALS}


def unrouted_incidents(
    store: Store, settings: Config, include_drafts: bool = False
) -> list[tuple[str, int]]:
    """(incident key, live items) of the stored incidents routing sends to no target."""
    with store.session(commit=False) as session:
        rows = session.execute(
            select(Incident.key, Incident.source_path, Incident.meta, func.count(ActionItem.id))
            .join(ActionItem, ActionItem.incident_id == Incident.id)
            .where(ActionItem.removed_at.is_(None), Incident.removed_at.is_(None))
            .group_by(Incident.id)
        ).all()
    return [
        (key, items)
        for key, path, meta, items in rows
        if (include_drafts or not is_draft(meta))
        and route(settings.routing, source_path=path, meta=meta) is None
    ]


def _unrouted(store: Store, settings: Config, include_drafts: bool) -> list[str]:
    """A warning when routing sends some incidents to no target: never silence."""
    lost = unrouted_incidents(store, settings, include_drafts)
    if not lost:
        return []
    names = ", ".join(key for key, _ in lost[:3]) + (", ..." if len(lost) > 3 else "")
    return [
        f"{len(lost)} incidents ({sum(n for _, n in lost)} items) match no routing rule and "
        f"there is no routing.default, so they go to no target ({names}): add a rule or set "
        "routing.default"
    ]


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


def _print_json(outcome: Outcome, *, dry_run: bool) -> None:
    summaries = [report.summary() for report in outcome.reports]
    totals = _totals(outcome)
    ingested = outcome.ingested
    print(
        json.dumps(
            {
                "dry_run": dry_run,
                "files": {
                    "read": sum(f.outcome == "ingested" for f in ingested.files),
                    "failed": len(ingested.failed),
                    "moved": [
                        {"from": f.moved_from, "to": f.path} for f in ingested.files if f.moved_from
                    ],
                    "gone": ingested.gone,
                    "warnings": [
                        {"path": f.path, "warning": w} for f in ingested.files for w in f.warnings
                    ],
                },
                "targets": summaries,
                "totals": totals,
                "warnings": outcome.warnings
                + (outcome.written.warnings() if outcome.written else []),
                "errors": [f.error for f in ingested.failed] + outcome.fatal,
                **({"write_back": outcome.written.summary()} if outcome.written else {}),
            },
            indent=2,
        )
    )


def _print_text(outcome: Outcome, *, dry_run: bool) -> None:
    for file in outcome.ingested.failed:
        print(f"error: {file.error}", file=sys.stderr)
    for message in outcome.fatal:
        for line in message.splitlines():  # a check may find several problems: a line each
            print(f"error: {line}", file=sys.stderr)
    for file in outcome.ingested.files:
        for warning in file.warnings:  # only files read in this run: cron stays quiet
            print(f"warning: {file.path}: {warning}", file=sys.stderr)
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for line in outcome.ingested.notes():
        print(line)
    for report in outcome.reports:
        _print_report(report, dry_run=dry_run)
    if outcome.written is not None:
        print_written(outcome.written)


def print_written(report: WriteBackReport) -> None:
    """What write-back wrote (or would write), a line a file; why a file was left alone."""
    verb = "would write" if report.dry_run else "wrote"
    for file in report.files:
        if (file.linked or file.ticked) and file.skipped is None:
            print(f"{verb} {file.path}: {len(file.linked)} linked, {len(file.ticked)} ticked")
    for warning in report.warnings():
        print(f"warning: {warning}", file=sys.stderr)


# What a dry run says it would do, per kind of change.
WOULD = {
    "created": "would create",
    "linked": "would link",
    "updated": "would update",
    "closed": "would close",
    "removed": "would report removed",
    "adopted": "would adopt",
    "done": "would mark done",
    "wont_do": "would mark won't do",
    "reopened": "would reopen",
}


def _print_report(report: SyncReport, *, dry_run: bool) -> None:
    if report.local_plan:
        print(
            f"{report.target}: local plan, from the store only (the tracker was not asked: "
            f"{report.local_plan})",
            file=sys.stderr,
        )
    for change in report.changes:
        if change.kind == "failed":
            print(f"{report.target}: failed: {change.item}: {change.message}", file=sys.stderr)
            continue
        where = f" {change.ticket}" if change.ticket else ""
        note = f" ({change.message})" if change.message and not dry_run else ""
        kind = WOULD.get(change.kind, f"would be {change.kind}") if dry_run else change.kind
        print(f"{report.target}: {kind}{where}  {change.item}{note}")
    if report.stopped:
        print(f"{report.target}: stopped: {report.stopped}", file=sys.stderr)
    if report.changes or report.stopped:
        summary = report.summary()
        closed = f"{summary['closed']} closed, " if summary["closed"] else ""
        print(
            f"{report.target}: {summary['created']} created, {summary['updated']} updated, "
            f"{closed}{summary['completed']} completed, {summary['failed']} failed, "
            f"{report.unchanged} unchanged ({report.requests} requests)"
        )
