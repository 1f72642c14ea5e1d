"""The sync engine: one target's run, from listing to where the next run starts.

The protocol is in docs/sync.md. Per target, one run:
1. list the tickets that changed since the last successful listing (all tickets on the first
   run, or after the database was lost) and take what they say (`listing`);
2. plan: a ticket for every live item without one, an update where what the tool would write
   changed, a close (or a report) for removed items (`planning`);
3. apply the plan item by item, recording each result at once (`applying`);
4. if anything was written, list again from the first listing's start, so changes people made
   while the run wrote are not lost; remember where the listing got to, for the next run.
A crash at any point leaves tickets the next run's listing finds and adopts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tracker.config import AnyTarget, Routing
from tracker.connector import Connector
from tracker.errors import RateLimited, TrackerError, TrackerUnavailable
from tracker.store.database import Store
from tracker.store.schema import SyncState, utcnow
from tracker.sync.applying import Applier
from tracker.sync.listing import Listing
from tracker.sync.planning import plan, report_plan
from tracker.sync.values import SyncContext, SyncReport, high_water


class SyncEngine:
    def __init__(
        self,
        store: Store,
        connector: Connector,
        target: AnyTarget,
        routing: Routing,
        *,
        include_drafts: bool = False,
        clock: Callable[[], dt.datetime] = utcnow,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.context = SyncContext(store, connector, target, clock)
        self.routing = routing
        self.include_drafts = include_drafts
        self.listing = Listing(self.context)
        self.applier = Applier(self.context, progress)

    def run(self, *, dry_run: bool = False) -> SyncReport:
        store, connector = self.context.store, self.context.connector
        report = SyncReport(self.context.target.name, dry_run=dry_run)
        since = self._since()
        self._mark_started(dry_run)
        try:
            remote = list(connector.changed_since(since=since))
            first_mark = high_water(since, remote)
            named = self.listing.fetch_named()
            with store.session(commit=not dry_run) as session:
                self.listing.take(session, remote, report)
                self.listing.take_named(session, named, report)
                steps = plan(
                    self.context,
                    session,
                    report,
                    routing=self.routing,
                    include_drafts=self.include_drafts,
                )
                if dry_run:
                    if any(step.action == "create" for step in steps):
                        connector.check_create()  # reads only: a dry run finds these too
                    report_plan(steps, report)
                    return report
            mark = first_mark
            if self.applier.apply(steps, report):
                # Read again from the first listing's mark: people's changes made while this run
                # wrote are seen now, and the next run starts after this run's own writes.
                again = list(connector.changed_since(since=first_mark))
                with store.session() as session:
                    self.listing.take(session, again, report)
                mark = high_water(first_mark, again)
            self._mark_finished(mark, "ok")
        except (RateLimited, TrackerUnavailable) as exc:
            self._mark_finished(None, "interrupted")  # what was done is recorded; resume next run
            report.stopped = str(exc)
        except TrackerError:
            self._mark_finished(None, "failed")
            raise
        finally:
            report.requests = connector.requests.total
        return report

    # -- where the listing got to --------------------------------------------------------

    def _since(self) -> dt.datetime | None:
        with self.context.store.session() as session:
            state = session.get(SyncState, self.context.target.name)
            return state.listed_until if state is not None else None

    def _mark_started(self, dry_run: bool) -> None:
        if dry_run:
            return
        name = self.context.target.name
        with self.context.store.session() as session:
            state = session.get(SyncState, name) or SyncState(target=name)
            state.last_started_at, state.last_outcome = self.context.clock(), "running"
            session.add(state)

    def _mark_finished(self, listed_until: dt.datetime | None, outcome: str) -> None:
        with self.context.store.session() as session:
            state = session.get(SyncState, self.context.target.name)
            if state is None:
                return  # a dry run records nothing
            if listed_until is not None:
                state.listed_until = listed_until
            state.last_finished_at, state.last_outcome = self.context.clock(), outcome


__all__ = ["SyncEngine", "SyncReport"]
