"""The sync engine against an in-memory tracker: never a duplicate, never a lost item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import Clock, FakeTracker
from sqlalchemy import func, select

from tracker.config import Config, GitHubTarget
from tracker.connector import NewTicket, RemoteIssue
from tracker.errors import RateLimited
from tracker.report.status import status_report
from tracker.store.database import Store, open_store
from tracker.store.ingest import ingest_paths
from tracker.store.schema import ActionItem, Incident, ItemEvent, RemoteLink
from tracker.sync.engine import SyncEngine, SyncReport

DOC = """---
id: INC-1
title: Queue outage
date: 2024-08-01
service: orders
---
## Action items

- [P1] Alert on queue age over five minutes (owner: alice) [detect]
- Load-test consumers before each release @bob
- [x] Restore the concurrency default
"""


def config(**target: object) -> Config:
    return Config.model_validate(
        {
            "targets": [
                {
                    "kind": "github",
                    "name": "gh",
                    "repo": "acme/ops",
                    "owners": {"alice": "alice-gh"},
                    **target,
                }
            ],
            "routing": {"default": "gh"},
        }
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tracker(clock: Clock) -> FakeTracker:
    return FakeTracker(clock)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / "queue.md").write_text(DOC)
    return folder


def sync(
    store: Store,
    tracker: FakeTracker,
    clock: Clock,
    root: Path,
    *,
    cfg: Config | None = None,
    by_name: bool = False,
    **options: object,
) -> SyncReport:
    """One run to the config's first target, or to the fake tracker's own when `by_name`."""
    cfg = cfg or config()
    ingest_paths(store, [root], root=root)
    target = cfg.target(tracker.target) if by_name else cfg.targets[0]
    engine = SyncEngine(store, tracker, target, cfg.routing, clock=clock, **options)  # type: ignore[arg-type]
    tracker.requests.reads = tracker.requests.writes = 0
    return engine.run()


def issue_for(tracker: FakeTracker, words: str) -> RemoteIssue:
    return next(i for i in tracker.issues.values() if words in i.title)


def test_first_sync_creates_one_ticket_per_item(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    report = sync(store, tracker, clock, root)
    assert report.count("created") == 3 and not report.failed
    alert = issue_for(tracker, "Alert on queue age")
    assert alert.title == "[INC-1] Alert on queue age over five minutes"
    assert set(alert.labels) == {"postmortem-action", "priority:P1", "type:detect"}
    assert alert.assignees == ("alice-gh",)
    assert alert.marker is not None and alert.marker.incident == "INC-1"
    load = issue_for(tracker, "Load-test")
    assert load.assignees == ()
    assert "bob (no fake user is mapped to this owner, so the ticket is unassigned)" in (
        load.body or ""
    )
    restored = issue_for(tracker, "Restore the concurrency")
    assert (restored.state, restored.state_reason) == ("closed", "completed")


def test_second_sync_changes_nothing_and_costs_one_request(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    before = dict(tracker.issues)
    clock.now += dt.timedelta(minutes=5)
    report = sync(store, tracker, clock, root)
    assert report.changes == [] and report.unchanged == 3
    assert tracker.requests.total == 1
    assert tracker.issues == before


def test_document_edit_updates_only_what_the_tool_owns(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    alert = issue_for(tracker, "Alert on queue age")
    tracker.edit(
        alert.key,
        body="Context from the on-call.\n\n" + (alert.body or "") + "\n\nMore notes.",
        labels=(*alert.labels, "team:orders"),
    )
    load = issue_for(tracker, "Load-test")
    tracker.edit(load.key, title="Load-test consumers (renamed by a person)")
    (root / "queue.md").write_text(
        DOC.replace("over five minutes", "over 5 minutes")
        .replace("before each release", "before every release")
        .replace("[P1]", "[P2]")
    )
    report = sync(store, tracker, clock, root)
    assert report.count("updated") == 2 and report.count("created") == 0
    alert = tracker.issues[alert.key]
    assert alert.title == "[INC-1] Alert on queue age over 5 minutes"
    assert (alert.body or "").startswith("Context from the on-call.") and (
        alert.body or ""
    ).endswith("More notes.")
    assert "> Alert on queue age over 5 minutes" in (alert.body or "")
    assert set(alert.labels) == {"postmortem-action", "priority:P2", "type:detect", "team:orders"}
    assert tracker.issues[load.key].title == "Load-test consumers (renamed by a person)"
    assert "before every release" in (tracker.issues[load.key].body or "")


def test_completion_comes_back(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    tracker.close(issue_for(tracker, "Alert").key, "completed")
    tracker.close(issue_for(tracker, "Load-test").key, "not_planned")
    report = sync(store, tracker, clock, root)
    assert (report.count("done"), report.count("wont_do")) == (1, 1)
    with store.session() as session:
        statuses = {
            text: status
            for text, status in session.execute(select(ActionItem.text, ActionItem.status))
        }
        counts = status_report(session).incidents[0].counts
    assert statuses["Alert on queue age over five minutes"] == "done"
    assert statuses["Load-test consumers before each release"] == "wont_do"
    assert (counts.done, counts.wont_do, counts.percent_complete) == (2, 1, 100.0)

    tracker.reopen(issue_for(tracker, "Load-test").key)
    report = sync(store, tracker, clock, root)
    assert report.count("reopened") == 1
    with store.session() as session:
        events = session.execute(
            select(ItemEvent.old_status, ItemEvent.new_status, ItemEvent.source)
            .join(ActionItem)
            .where(ActionItem.text.like("Load-test%"), ItemEvent.kind == "status")
            .order_by(ItemEvent.at)
        ).all()
    assert [tuple(e) for e in events] == [("open", "wont_do", "gh"), ("wont_do", "open", "gh")]


def test_lost_database_adopts_instead_of_creating(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, fresh: Store
) -> None:
    sync(store, tracker, clock, root)
    tracker.close(issue_for(tracker, "Alert").key)
    report = sync(fresh, tracker, clock, root)
    assert report.count("created") == 0 and report.count("adopted") == 3
    assert len(tracker.issues) == 3
    with fresh.session() as session:
        uids = set(session.scalars(select(ActionItem.uid)))
        status = {
            text: status
            for text, status in session.execute(select(ActionItem.text, ActionItem.status))
        }
    assert uids == {i.marker.uid for i in tracker.issues.values() if i.marker}
    assert status["Alert on queue age over five minutes"] == "done"
    again = sync(fresh, tracker, clock, root)
    assert again.changes == [] and tracker.requests.total == 1


def test_ambiguous_create_is_not_duplicated(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    tracker.fail_next_create_after_applying = True
    report = sync(store, tracker, clock, root)
    assert report.count("created") == 3 and not report.failed
    assert len(tracker.issues) == 3


def test_crash_after_a_create_leaves_no_duplicate(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    real_create = tracker.create_one

    def create_then_die(*, ticket: NewTicket) -> RemoteIssue:
        real_create(ticket=ticket)
        raise KeyboardInterrupt  # killed after GitHub created the issue, before the store recorded it

    tracker.create_one = create_then_die  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        sync(store, tracker, clock, root)
    tracker.create_one = real_create  # type: ignore[method-assign]
    report = sync(store, tracker, clock, root)
    assert len(tracker.issues) == 3
    assert (report.count("adopted"), report.count("created")) == (1, 2)


def test_rate_limit_stops_cleanly_and_the_next_run_resumes(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    real_create = tracker.create_one
    calls = {"n": 0}

    def limited(*, ticket: NewTicket) -> RemoteIssue:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RateLimited("fake: rate limit", retry_after=3600)
        return real_create(ticket=ticket)

    tracker.create_one = limited  # type: ignore[method-assign]
    report = sync(store, tracker, clock, root)
    assert report.stopped and report.count("created") == 1 and report.failed
    tracker.create_one = real_create  # type: ignore[method-assign]
    report = sync(store, tracker, clock, root)
    assert report.count("created") == 2 and len(tracker.issues) == 3


def test_removed_item_is_reported_then_closed_when_configured(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    (root / "queue.md").write_text(
        DOC.replace("- Load-test consumers before each release @bob\n", "")
    )
    report = sync(store, tracker, clock, root)
    assert (
        report.count("removed") == 1
        and tracker.issues[issue_for(tracker, "Load-test").key].state == "open"
    )
    assert sync(store, tracker, clock, root).count("removed") == 0  # reported once

    (root / "queue.md").write_text(
        DOC.replace("- Alert on", "- Page on").replace(
            "[P1] Alert on queue age over five minutes (owner: alice) [detect]", "Nothing"
        )
    )
    report = sync(store, tracker, clock, root, cfg=config(close_removed=True))
    closed = [c for c in report.changes if c.kind == "closed"]
    assert len(closed) == 1
    alert = issue_for(tracker, "Alert on queue age")
    assert (alert.state, alert.state_reason) == ("closed", "not_planned")
    assert "removed from the postmortem" in tracker.comments[alert.key][0]
    with store.session() as session:
        assert session.scalar(select(func.count(ActionItem.id))) >= 3  # never deleted


def test_deleted_ticket_is_reported_and_others_still_sync(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    tracker.delete(issue_for(tracker, "Alert").key)
    (root / "queue.md").write_text(
        DOC.replace("five minutes", "5 minutes").replace("each release", "every release")
    )
    report = sync(store, tracker, clock, root)
    failed = [c for c in report.changes if c.kind == "failed"]
    assert len(failed) == 1 and "is gone" in (failed[0].message or "")
    assert report.count("updated") == 1
    assert sync(store, tracker, clock, root).count("failed") == 0  # not retried forever


def test_drafts_wait_for_review(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    (root / "queue.md").write_text(DOC.replace("service: orders", "service: orders\nstatus: draft"))
    assert sync(store, tracker, clock, root).count("created") == 0
    assert sync(store, tracker, clock, root, include_drafts=True).count("created") == 3


def test_routing_by_front_matter_field(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    cfg = Config.model_validate(
        {
            "targets": [
                {"kind": "github", "name": "gh", "repo": "acme/ops"},
                {"kind": "github", "name": "payments", "repo": "acme/pay"},
            ],
            "routing": {
                "default": "gh",
                "rules": [{"target": "payments", "match": {"service": "ORDERS"}}],
            },
        }
    )
    assert sync(store, tracker, clock, root, cfg=cfg).count("created") == 0  # routed to payments
    engine = SyncEngine(store, tracker, cfg.target("payments"), cfg.routing, clock=clock)
    assert engine.run().count("created") == 3


def test_dry_run_touches_nothing(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    ingest_paths(store, [root], root=root)
    cfg = config()
    plan = SyncEngine(store, tracker, cfg.targets[0], cfg.routing, clock=clock).run(dry_run=True)
    assert plan.count("created") == 3 and tracker.issues == {} and tracker.requests.writes == 0
    with store.session() as session:
        assert session.scalar(select(func.count(RemoteLink.id))) == 0
    assert sync(store, tracker, clock, root).count("created") == 3


def test_github_target_maps_owners_case_insensitively() -> None:
    target = GitHubTarget(
        kind="github", name="gh", repo="a/b", owners={"Alice@Example.com": "alice"}
    )
    assert target.login_for("alice@example.com") == "alice"
    assert target.login_for("@Alice@example.com") == "alice"
    assert target.login_for("bob") is None


def test_ticking_the_postmortem_closes_the_ticket_without_flapping(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    (root / "queue.md").write_text(
        DOC.replace("- Load-test consumers", "- [x] Load-test consumers")
    )
    report = sync(store, tracker, clock, root)
    load = issue_for(tracker, "Load-test")
    assert (load.state, load.state_reason) == ("closed", "completed")
    assert report.count("reopened") == 0
    with store.session() as session:
        item = session.scalars(select(ActionItem).where(ActionItem.text.like("Load-test%"))).one()
        kinds = session.execute(
            select(ItemEvent.old_status, ItemEvent.new_status).where(
                ItemEvent.item_id == item.id, ItemEvent.kind == "status"
            )
        ).all()
    assert item.status == "done"
    assert [tuple(k) for k in kinds] == [("open", "done")]


# -- edges the engine must hold (each test kills a change to the engine's code) ---------------


def tick(root: Path, words: str) -> None:
    doc = root / "queue.md"
    doc.write_text(doc.read_text().replace(f"- {words}", f"- [x] {words}"))


def test_a_ticket_touched_while_its_measure_is_ticked_is_closed_not_reopened(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """The ticket is listed (a person commented on it) while still open, and the postmortem's
    box is ticked: the postmortem wins, the ticket is closed, the measure stays done."""
    sync(store, tracker, clock, root)
    load = issue_for(tracker, "Load-test")
    tracker.edit(load.key, body=(load.body or "") + "\n\nOn it. (the on-call)")
    tick(root, "Load-test consumers")
    report = sync(store, tracker, clock, root)
    assert report.count("reopened") == 0
    assert [(c.kind, c.message) for c in report.changes] == [("closed", "ticked in the postmortem")]
    assert tracker.issues[load.key].state == "closed"
    with store.session() as session:
        item = session.scalars(select(ActionItem).where(ActionItem.text.like("Load-test%"))).one()
        assert item.status == "done"


def test_a_ticked_measure_whose_ticket_people_closed_as_not_planned_is_wont_do(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """The box is ticked while people close the ticket as not planned: the ticket is closed,
    so it is not "still open" for the tick to close; its resolution counts."""
    sync(store, tracker, clock, root)
    load = issue_for(tracker, "Load-test")
    tick(root, "Load-test consumers")
    tracker.close(load.key, "not_planned")
    report = sync(store, tracker, clock, root)
    assert report.count("wont_do") == 1 and report.count("closed") == 0
    assert statuses(store)["Load-test consumers before each release"] == "wont_do"
    assert tracker.issues[load.key].state_reason == "not_planned"


def test_a_ticket_reopened_after_the_tick_closed_it_reopens_the_measure(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """The box is ticked, the run closes the ticket; then a person reopens it (the fix did not
    hold): the measure is open again, reported once, and the ticket is not closed again."""
    sync(store, tracker, clock, root)
    tick(root, "Load-test consumers")
    sync(store, tracker, clock, root)
    load = issue_for(tracker, "Load-test")
    assert tracker.issues[load.key].state == "closed"
    tracker.reopen(load.key)
    report = sync(store, tracker, clock, root)
    assert report.count("reopened") == 1
    assert tracker.issues[load.key].state == "open"
    assert sync(store, tracker, clock, root).changes == []
    assert tracker.issues[load.key].state == "open"
    assert statuses(store)["Load-test consumers before each release"] == "open"
    tracker.close(load.key, "completed")
    assert sync(store, tracker, clock, root).count("done") == 1


def test_the_next_listing_starts_after_this_runs_own_writes(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """A run that wrote reads the tracker again: the next run lists from the last change the
    tracker reported, not from where this run began (which would list its own writes again)."""
    sync(store, tracker, clock, root)
    clock.now += dt.timedelta(minutes=5)
    sync(store, tracker, clock, root)
    latest = max(i.updated_at for i in tracker.issues.values() if i.updated_at)
    assert tracker.listings[-1] == latest


def test_a_change_a_person_makes_during_a_run_is_read_by_that_run(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    real_create = tracker.create_one
    created: list[RemoteIssue] = []

    def create_while_a_person_closes_the_first(*, ticket: NewTicket) -> RemoteIssue:
        if created:
            tracker.close(created[0].key, "completed")
        created.append(real_create(ticket=ticket))
        return created[-1]

    tracker.create_one = create_while_a_person_closes_the_first  # type: ignore[method-assign]
    report = sync(store, tracker, clock, root)
    assert report.count("done") == 1
    with store.session() as session:
        assert (
            session.scalar(select(ActionItem.status).where(ActionItem.text.like("Alert on queue%")))
            == "done"
        )


def test_a_ticket_a_person_already_closed_is_not_closed_again(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    load = issue_for(tracker, "Load-test")
    tracker.close(load.key, "completed")
    closed = tracker.issues[load.key]
    tick(root, "Load-test consumers")
    sync(store, tracker, clock, root)
    assert tracker.requests.writes == 0  # nothing to write: no close, no body, no labels
    assert tracker.issues[load.key].closed_at == closed.closed_at  # no second close written
    assert tracker.issues[load.key].state_reason == "completed"


def test_a_removed_measure_whose_ticket_is_closed_gets_no_comment(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    load = issue_for(tracker, "Load-test")
    tracker.close(load.key, "completed")
    sync(store, tracker, clock, root)
    (root / "queue.md").write_text(
        DOC.replace("- Load-test consumers before each release @bob\n", "")
    )
    report = sync(store, tracker, clock, root, cfg=config(close_removed=True))
    assert report.count("closed") == 0
    assert load.key not in tracker.comments
    assert tracker.issues[load.key].state_reason == "completed"


@pytest.mark.parametrize("behind", [120, 290], ids=["2min", "4min50s"])
def test_a_create_answered_late_is_found_though_the_trackers_clock_is_behind(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, behind: int
) -> None:
    """The create got no answer but was applied; the tracker stamps it by its own clock, up
    to five minutes behind this machine's (docs/sync.md). Looking for it reaches back far
    enough to find it, so it is recorded now, not left unconfirmed and not sent again."""
    tracker.skew = -dt.timedelta(seconds=behind)
    tracker.fail_next_create_after_applying = True
    report = sync(store, tracker, clock, root)
    assert report.count("created") == 3 and report.count("unconfirmed") == 0
    assert len(tracker.issues) == 3


@pytest.mark.parametrize("step", [0, 1], ids=["same-instant", "one-second"])
def test_the_lifecycle_holds_when_the_clock_gives_one_instant_twice(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, step: int
) -> None:
    """Create, complete in the tracker, reopen, tick in the postmortem: the same outcome when
    every timestamp is the same instant (a coarse clock) as when each differs."""
    clock.step = dt.timedelta(seconds=step)
    assert sync(store, tracker, clock, root).count("created") == 3
    alert = issue_for(tracker, "Alert")
    tracker.close(alert.key, "completed")
    assert sync(store, tracker, clock, root).count("done") == 1
    tracker.reopen(alert.key)
    assert sync(store, tracker, clock, root).count("reopened") == 1
    tick(root, "Load-test consumers")
    report = sync(store, tracker, clock, root)
    assert report.count("reopened") == 0
    assert tracker.issues[issue_for(tracker, "Load-test").key].state == "closed"
    assert sync(store, tracker, clock, root).changes == []
    with store.session() as session:
        statuses = dict(session.execute(select(ActionItem.text, ActionItem.status)).all())
    assert sorted(statuses.values()) == ["done", "done", "open"]


def test_completion_is_dated_when_the_ticket_was_closed_not_last_touched(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """A comment after closing moves the ticket's update time; the measure was done when the
    ticket was closed (what the report's completions per week count)."""
    sync(store, tracker, clock, root)
    alert = issue_for(tracker, "Alert")
    tracker.close(alert.key, "completed")
    closed_at = tracker.issues[alert.key].closed_at
    clock.now += dt.timedelta(days=3)
    tracker.edit(alert.key, body=(alert.body or "") + "\n\nVerified in production.")
    sync(store, tracker, clock, root)
    with store.session() as session:
        item = session.scalars(select(ActionItem).where(ActionItem.text.like("Alert%"))).one()
        done_at = session.scalar(
            select(ItemEvent.at).where(ItemEvent.item_id == item.id, ItemEvent.new_status == "done")
        )
    assert done_at is not None and closed_at is not None
    assert done_at.replace(tzinfo=None) == closed_at.replace(tzinfo=None)


@pytest.mark.parametrize("lead", range(1, 9))
def test_a_long_measure_gets_the_longest_title_that_fits_cut_between_words(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, lead: int
) -> None:
    """Titles have a limit (MAX_TITLE): a longer measure is cut after the last whole word that
    fits with its "…". The first word's length moves where the words end, across the limit."""
    from tracker.sync.ticket import MAX_TITLE

    words = ["a" * lead] + [f"word{n}" for n in range(40)]
    (root / "queue.md").write_text(f"---\nid: INC-1\n---\n## Action items\n\n- {' '.join(words)}\n")
    sync(store, tracker, clock, root)
    (issue,) = tracker.issues.values()
    fits = ""
    for word in words:
        longer = f"{fits} {word}".strip()
        if len(f"[INC-1] {longer}…") > MAX_TITLE:
            break
        fits = longer
    assert issue.title == f"[INC-1] {fits}…"


def test_an_incident_routed_to_another_target_gets_tickets_there(
    store: Store, clock: Clock, root: Path
) -> None:
    """Routing moves an incident from one tracker to another: the new target creates its own
    tickets and never writes to keys that belong to the other tracker."""
    cfg = Config.model_validate(
        {
            "targets": [
                {"kind": "github", "name": "gh", "repo": "acme/ops"},
                {"kind": "github", "name": "payments", "repo": "acme/pay"},
            ],
            "routing": {"default": "payments"},
        }
    )
    payments, gh = FakeTracker(clock, "payments"), FakeTracker(clock, "gh")
    for key in "12345":  # the other repository's numbers are not these
        gh.add(key, f"Older issue {key}", "Made by a person.")
    ingest_paths(store, [root], root=root)
    first = SyncEngine(store, payments, cfg.target("payments"), cfg.routing, clock=clock).run()
    assert first.count("created") == 3
    (root / "queue.md").write_text(DOC.replace("five minutes", "5 minutes"))
    ingest_paths(store, [root], root=root)
    moved = cfg.model_copy(update={"routing": cfg.routing.model_copy(update={"default": "gh"})})
    report = SyncEngine(store, gh, moved.target("gh"), moved.routing, clock=clock).run()
    assert report.count("created") == 3 and not report.failed
    assert len(gh.issues) == 8 and len(payments.issues) == 3
    back = SyncEngine(store, payments, cfg.target("payments"), cfg.routing, clock=clock).run()
    assert back.count("updated") == 1 and back.count("created") == 0 and not back.failed
    assert "5 minutes" in issue_for(payments, "Alert").title


# -- several targets in one store, lost databases, edits in a row ---------------------------

PAYMENTS = """---
id: INC-2
title: Refund outage
date: 2024-08-05
service: payments
---
## Action items

- Page on refund queue depth
- Retry refunds with backoff
- Reconcile refunds nightly
- Add a refund runbook
"""


DOC_ALERT = "Alert on queue age over five minutes"


def two_targets(*, payments_gets: str = "payments", **payments: object) -> Config:
    """gh and payments (with the options `payments`); the postmortems of service payments go
    to `payments_gets`, the others to the other target."""
    other = "gh" if payments_gets == "payments" else "payments"
    return Config.model_validate(
        {
            "targets": [
                {"kind": "github", "name": "gh", "repo": "acme/ops"},
                {"kind": "github", "name": "payments", "repo": "acme/pay", **payments},
            ],
            "routing": {
                "default": other,
                "rules": [{"target": payments_gets, "match": {"service": "payments"}}],
            },
        }
    )


def test_a_ticket_named_in_one_target_is_read_by_that_target_only(
    store: Store, clock: Clock, root: Path
) -> None:
    """Payments' postmortem names payments' issue 42: gh's runs never ask gh for a 42."""
    (root / "payments.md").write_text(PAYMENTS.replace("backoff", "backoff, tracked in #42"))
    gh, payments = FakeTracker(clock, "gh"), FakeTracker(clock, "payments")
    payments.add("42", "Refund retries", "Made by a person.")
    cfg = two_targets()
    for fake in (payments, gh, gh):
        sync(store, fake, clock, root, cfg=cfg, by_name=True)
    assert gh.requests.total == 1  # the listing, nothing else
    payments.close("42", "completed")
    assert sync(store, payments, clock, root, cfg=cfg, by_name=True).count("done") == 1
    assert statuses(store)["Retry refunds with backoff"] == "done"


def test_an_adopted_ticket_follows_later_edits_of_its_measure(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, fresh: Store
) -> None:
    """After a lost database the adopted tickets still carry the tool's titles: the tool keeps
    them current as the measures change, as it would have without the loss."""
    sync(store, tracker, clock, root)
    assert sync(fresh, tracker, clock, root).count("adopted") == 3
    (root / "queue.md").write_text(DOC.replace("five minutes", "5 minutes"))
    assert sync(fresh, tracker, clock, root).count("updated") == 1
    assert issue_for(tracker, "Alert").title == "[INC-1] Alert on queue age over 5 minutes"


def test_a_measure_edited_while_its_database_was_lost_retitles_the_adopted_ticket(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, fresh: Store
) -> None:
    """A stateless run (the GitHub Action without a database) is a lost database every time.
    The ticket's title is still the one the tool wrote for the text in its marker, so it is
    the tool's to follow the edit; a title a person changed is kept."""
    sync(store, tracker, clock, root)
    tracker.edit(issue_for(tracker, "Load-test").key, title="Load tests (renamed by a person)")
    edited = DOC.replace("five minutes", "5 minutes").replace("each release", "every release")
    (root / "queue.md").write_text(edited)
    report = sync(fresh, tracker, clock, root)
    assert report.count("adopted") == 3 and report.count("created") == 0
    assert issue_for(tracker, "Alert").title == "[INC-1] Alert on queue age over 5 minutes"
    assert "every release" in (issue_for(tracker, "Load tests").body or "")
    assert issue_for(tracker, "Load tests").title == "Load tests (renamed by a person)"


def test_a_priority_changed_while_the_database_was_lost_moves_the_adopted_ticket_label(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, fresh: Store
) -> None:
    """The labels the tool wrote are read from the facts of the section it wrote (Priority,
    Type): the old priority label goes, a label a person added stays."""
    sync(store, tracker, clock, root)
    alert = issue_for(tracker, "Alert")
    tracker.edit(alert.key, labels=[*alert.labels, "customer-impact"])
    (root / "queue.md").write_text(DOC.replace("[P1]", "[P2]").replace("[detect]", "[prevent]"))
    assert sync(fresh, tracker, clock, root).count("adopted") == 3
    assert sorted(issue_for(tracker, "Alert").labels) == [
        "customer-impact",
        "postmortem-action",
        "priority:P2",
        "type:prevent",
    ]


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    """A second, empty store: the database lost and started again."""
    store = open_store(f"sqlite:///{tmp_path / 'new.db'}")
    yield store
    store.close()


def statuses(store: Store) -> dict[str, str]:
    with store.session() as session:
        return dict(session.execute(select(ActionItem.text, ActionItem.status)).all())


@pytest.mark.parametrize("first", ["gh", "payments"])
def test_two_targets_in_one_store_each_sync_their_own_tickets(
    store: Store, clock: Clock, root: Path, first: str
) -> None:
    """The trackers number their tickets alike (1, 2, 3 in both): a run for one target reads
    and writes that target's tickets only, whichever target was synced first."""
    (root / "payments.md").write_text(PAYMENTS)
    cfg = two_targets()
    gh, payments = FakeTracker(clock, "gh"), FakeTracker(clock, "payments")
    for fake in sorted((gh, payments), key=lambda fake: fake.target != first):
        assert sync(store, fake, clock, root, cfg=cfg, by_name=True).count("created") == (
            3 if fake is gh else 4
        )
    gh.close(issue_for(gh, "Load-test").key)
    payments.close(issue_for(payments, "Retry refunds").key)
    (root / "queue.md").write_text(DOC.replace("five minutes", "5 minutes"))
    (root / "payments.md").write_text(PAYMENTS.replace("nightly", "every night"))
    for fake in (gh, payments):
        report = sync(store, fake, clock, root, cfg=cfg, by_name=True)
        assert (report.count("done"), report.count("updated")) == (1, 1), report.changes
        assert report.count("created") == report.count("adopted") == 0 and not report.failed
    assert issue_for(gh, "Alert").title == "[INC-1] Alert on queue age over 5 minutes"
    assert issue_for(payments, "Reconcile").title == "[INC-2] Reconcile refunds every night"
    assert len(gh.issues) == 3 and len(payments.issues) == 4
    done = statuses(store)
    assert done["Load-test consumers before each release"] == "done"
    assert done["Retry refunds with backoff"] == "done"
    assert done["Page on refund queue depth"] == done["Alert on queue age over 5 minutes"] == "open"


@pytest.mark.parametrize("copied_in", ["gh", "payments"])
def test_a_duplicate_in_one_target_is_not_taken_for_a_ticket_of_another(
    store: Store, clock: Clock, root: Path, copied_in: str
) -> None:
    """A copy of a ticket in one target is a duplicate there; the same key in the other
    target is a measure's own ticket, and its completion still comes back. Payments closes
    its duplicates: never one gh recorded."""
    (root / "payments.md").write_text(PAYMENTS)
    cfg = two_targets(duplicates="close")
    gh, payments = FakeTracker(clock, "gh"), FakeTracker(clock, "payments")
    if copied_in == "payments":  # gh's tickets are 5, 6, 7; payments' copy will be 5
        for key in "1234":
            gh.add(key, f"Older issue {key}", "Made by a person.")
    sync(store, gh, clock, root, cfg=cfg, by_name=True)
    sync(store, payments, clock, root, cfg=cfg, by_name=True)
    copied, other = (gh, payments) if copied_in == "gh" else (payments, gh)
    words, measure = ("runbook", "Add a refund runbook") if copied is gh else ("Alert", DOC_ALERT)
    key = copied.copy(next(iter(k for k, i in copied.issues.items() if i.marker)))
    assert sync(store, copied, clock, root, cfg=cfg, by_name=True).count("duplicate") == 1
    assert issue_for(other, words).key == key
    other.close(key)
    report = sync(store, other, clock, root, cfg=cfg, by_name=True)
    assert report.count("done") == 1 and report.count("duplicate") == 0
    assert report.count("closed") == 0 and not report.failed
    assert statuses(store)[measure] == "done"


def test_a_lost_database_adopts_the_tickets_of_every_incident_in_any_order(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, fresh: Store
) -> None:
    """The store holds the incidents in the order of their files (INC-1, INC-3, INC-2): each
    ticket is paired with the measure of its own incident, whatever sorts before or after."""
    (root / "queue.md").unlink()
    for name, key, text in [
        ("a.md", "INC-1", "Alert on queue age"),
        ("b.md", "INC-3", "Rotate the signing keys"),
        ("c.md", "INC-2", "Page on refund queue depth"),
    ]:
        (root / name).write_text(f"---\nid: {key}\n---\n## Action items\n\n- {text}\n")
    assert sync(store, tracker, clock, root).count("created") == 3
    ingest_paths(fresh, [root], root=root)
    with fresh.session() as session:
        assert list(session.scalars(select(Incident.key).order_by(Incident.id))) == [
            "INC-1",
            "INC-3",
            "INC-2",
        ]
    report = sync(fresh, tracker, clock, root)
    assert report.count("adopted") == 3 and report.count("created") == 0
    assert len(tracker.issues) == 3


@pytest.mark.parametrize(("was", "back"), [("payments", "gh"), ("gh", "payments")])
def test_a_lost_database_rerouted_back_adopts_the_tickets_there(
    store: Store, clock: Clock, root: Path, fresh: Store, was: str, back: str
) -> None:
    """A first database made `back`'s tickets and was lost; the new one sent the incident to
    `was`, then routing sends it back: its tickets there are adopted, since no ticket of that
    target is linked to its measures yet (the other target's links do not count)."""
    to = {"gh": two_targets(), "payments": two_targets(payments_gets="gh")}  # INC-1: no service
    trackers = {name: FakeTracker(clock, name) for name in ("gh", "payments")}
    assert (
        sync(store, trackers[back], clock, root, cfg=to[back], by_name=True).count("created") == 3
    )
    assert sync(fresh, trackers[was], clock, root, cfg=to[was], by_name=True).count("created") == 3
    report = sync(fresh, trackers[back], clock, root, cfg=to[back], by_name=True)
    assert report.count("adopted") == 3 and report.count("created") == 0
    assert report.count("orphan") == 0 and len(trackers[back].issues) == 3


@pytest.mark.parametrize("priority", ["P0", "P2"])
def test_a_lost_database_rewrites_an_adopted_ticket_whose_priority_changed(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, fresh: Store, priority: str
) -> None:
    """Only the priority changed while the database was lost: the title is the same, the
    body is not (its text sorts before or after the ticket's), so the ticket is rewritten."""
    sync(store, tracker, clock, root)
    (root / "queue.md").write_text(DOC.replace("[P1]", f"[{priority}]"))
    report = sync(fresh, tracker, clock, root)
    assert report.count("adopted") == 3 and report.count("updated") == 1
    alert = issue_for(tracker, "Alert")
    assert f"**Priority:** {priority}" in (alert.body or "") and "P1" not in (alert.body or "")
    assert f"priority:{priority}" in alert.labels  # (P1 stays: this store never wrote it)


@pytest.mark.parametrize("name", ["ci", "gh"])  # before and after "document"
def test_a_ticket_reopened_after_the_box_was_ticked_reopens_the_measure(
    store: Store, clock: Clock, root: Path, name: str
) -> None:
    """Completion came from the tracker (a target whose name sorts before or after
    "document"); ticking the box later changes nothing; a reopen in the tracker then reopens
    the measure."""
    cfg = Config.model_validate(
        {
            "targets": [{"kind": "github", "name": name, "repo": "acme/ci"}],
            "routing": {"default": name},
        }
    )
    ci = FakeTracker(clock, name)
    sync(store, ci, clock, root, cfg=cfg)
    load = issue_for(ci, "Load-test").key
    ci.close(load)
    assert sync(store, ci, clock, root, cfg=cfg).count("done") == 1
    tick(root, "Load-test consumers")
    assert sync(store, ci, clock, root, cfg=cfg).count("reopened") == 0
    ci.reopen(load)
    report = sync(store, ci, clock, root, cfg=cfg)
    assert report.count("reopened") == 1
    assert statuses(store)["Load-test consumers before each release"] == "open"


def test_a_ticked_measure_whose_ticket_is_then_marked_not_planned_is_wont_do(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """The box is ticked and the run closes the ticket; a person then says it was not done
    (closed as not planned): the tracker's word is the later one."""
    sync(store, tracker, clock, root)
    tick(root, "Load-test consumers")
    sync(store, tracker, clock, root)
    load = issue_for(tracker, "Load-test").key
    assert tracker.issues[load].state == "closed"
    tracker.edit(load, state_reason="not_planned")
    assert sync(store, tracker, clock, root).count("wont_do") == 1
    assert statuses(store)["Load-test consumers before each release"] == "wont_do"


def test_the_title_follows_two_edits_in_a_row(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    for words in ("over 5 minutes", "over three minutes"):
        (root / "queue.md").write_text(DOC.replace("over five minutes", words))
        assert sync(store, tracker, clock, root).count("updated") == 1
        alert = issue_for(tracker, "Alert")
        assert alert.title == f"[INC-1] Alert on queue age {words}"
        assert f"> Alert on queue age {words}\n" in (alert.body or "")


def test_a_lost_database_never_gives_a_gone_incidents_ticket_to_another_incident(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, fresh: Store
) -> None:
    """Two postmortems share a measure's text; while the database was lost, one of them
    (INC-1) was deleted. Its ticket belongs to no measure now: reported, never adopted by the
    other incident's measure, which keeps its own ticket."""
    (root / "queue.md").unlink()
    for name, key in [("a.md", "INC-1"), ("b.md", "INC-2")]:
        (root / name).write_text(f"---\nid: {key}\n---\n## Action items\n\n- Write a runbook\n")
    sync(store, tracker, clock, root)
    own = next(i.key for i in tracker.issues.values() if i.title.startswith("[INC-2]"))
    (root / "a.md").unlink()
    report = sync(fresh, tracker, clock, root)
    assert report.count("orphan") == 1 and report.count("adopted") == 1
    assert report.count("created") == 0 and not report.failed
    with fresh.session() as session:
        assert list(session.scalars(select(RemoteLink.remote_key))) == [own]


def test_a_lost_database_with_two_targets_adopts_each_targets_own_tickets(
    store: Store, clock: Clock, root: Path, fresh: Store
) -> None:
    """Both targets number their tickets from 1: once gh's are adopted, payments' tickets of
    the same keys are still adopted for payments' measures, and nothing is created twice."""
    (root / "payments.md").write_text(PAYMENTS)
    cfg = two_targets()
    gh, payments = FakeTracker(clock, "gh"), FakeTracker(clock, "payments")
    for fake in (gh, payments):
        sync(store, fake, clock, root, cfg=cfg, by_name=True)
    for fake, tickets in ((gh, 3), (payments, 4)):
        report = sync(fresh, fake, clock, root, cfg=cfg, by_name=True)
        assert report.count("adopted") == tickets and report.count("created") == 0
        assert report.count("orphan") == 0 and len(fake.issues) == tickets
    with fresh.session() as session:
        links = set(session.execute(select(RemoteLink.target, RemoteLink.remote_key)).all())
    assert links == {("gh", k) for k in "123"} | {("payments", k) for k in "1234"}


def test_an_issue_a_person_labels_for_the_tool_is_left_alone(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """The tool's label on a person's issue (no marker, no link) puts it in the listing: it
    is no measure's ticket, and the run goes on without touching it."""
    sync(store, tracker, clock, root)
    tracker.add("9", "Queue follow-ups", "Made by a person.")
    tracker.edit("9", labels=("postmortem-action",))
    report = sync(store, tracker, clock, root)
    assert report.changes == [] and not report.failed and report.unchanged == 3
    assert tracker.issues["9"].body == "Made by a person." and tracker.requests.writes == 0


def test_a_ticket_whose_section_a_person_removed_keeps_its_body(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    alert = issue_for(tracker, "Alert")
    tracker.edit(alert.key, body="Rewritten by the on-call.")
    (root / "queue.md").write_text(DOC.replace("five minutes", "5 minutes"))
    report = sync(store, tracker, clock, root)
    (updated,) = [c for c in report.changes if c.kind == "updated"]
    assert updated.message == "the tool's section was removed from the issue body; body left alone"
    assert tracker.issues[alert.key].body == "Rewritten by the on-call."
    assert tracker.issues[alert.key].title == "[INC-1] Alert on queue age over 5 minutes"
    tracker.close(alert.key)  # no marker in it now: still its measure's ticket, by the link
    assert sync(store, tracker, clock, root).count("done") == 1
    assert statuses(store)["Alert on queue age over 5 minutes"] == "done"


def test_a_duplicate_closed_in_one_target_names_the_kept_ticket_of_that_target(
    store: Store, clock: Clock, root: Path
) -> None:
    """The incident moved from gh to payments, so its measures have a ticket in each. A copy
    in payments is closed as a duplicate of payments' ticket, never of gh's."""
    targets = [
        {"kind": "github", "name": "gh", "repo": "acme/ops"},
        {"kind": "github", "name": "payments", "repo": "acme/pay", "duplicates": "close"},
    ]
    to_gh, to_payments = (
        Config.model_validate({"targets": targets, "routing": {"default": name}})
        for name in ("gh", "payments")
    )
    gh, payments = FakeTracker(clock, "gh"), FakeTracker(clock, "payments")
    for key in "123":  # payments' tickets are 4, 5, 6; gh's 1, 2, 3
        payments.add(key, f"Older issue {key}", "Made by a person.")
    sync(store, gh, clock, root, cfg=to_gh, by_name=True)
    sync(store, payments, clock, root, cfg=to_payments, by_name=True)
    kept = issue_for(payments, "Alert")
    assert (kept.key, issue_for(gh, "Alert").key) == ("4", "1")
    copy = payments.copy(kept.key)
    report = sync(store, payments, clock, root, cfg=to_payments, by_name=True)
    assert report.count("closed") == 1
    assert payments.comments[copy][0].startswith(f"Duplicate of {kept.url}:")


@pytest.mark.parametrize(("was", "now"), [("gh", "payments"), ("payments", "gh")])
def test_a_moved_incident_naming_its_new_ticket_does_not_show_it_as_tracked_elsewhere(
    store: Store, clock: Clock, root: Path, was: str, now: str
) -> None:
    """The incident moved from one target (tickets 1-3) to the other (13-15), and `track link`
    wrote the new ticket's key beside the measure: that ticket is the measure's own there, so
    it is no "Tracked in" for itself, whatever the measure's ticket in the old target."""
    targets = [
        {"kind": "github", "name": "gh", "repo": "acme/ops"},
        {"kind": "github", "name": "payments", "repo": "acme/pay"},
    ]
    before, after = (
        Config.model_validate({"targets": targets, "routing": {"default": name}})
        for name in (was, now)
    )
    old, new = FakeTracker(clock, was), FakeTracker(clock, now)
    for key in range(1, 13):
        new.add(str(key), f"Older issue {key}", "Made by a person.")
    sync(store, old, clock, root, cfg=before, by_name=True)
    sync(store, new, clock, root, cfg=after, by_name=True)
    assert (issue_for(new, "Alert").key, issue_for(old, "Alert").key) == ("13", "1")
    (root / "queue.md").write_text(DOC.replace("[detect]", "[detect] (#13)"))
    assert sync(store, new, clock, root, cfg=after, by_name=True).changes == []
    assert "Tracked in" not in (new.issues["13"].body or "")


def test_a_target_closes_its_own_duplicates_only(store: Store, clock: Clock, root: Path) -> None:
    """gh closes duplicates, payments only reports them: a copy in payments is never closed
    by gh's runs (whose tracker has no ticket of that key)."""
    (root / "payments.md").write_text(PAYMENTS)
    cfg = Config.model_validate(
        {
            "targets": [
                {"kind": "github", "name": "gh", "repo": "acme/ops", "duplicates": "close"},
                {"kind": "github", "name": "payments", "repo": "acme/pay"},
            ],
            "routing": {
                "default": "gh",
                "rules": [{"target": "payments", "match": {"service": "payments"}}],
            },
        }
    )
    gh, payments = FakeTracker(clock, "gh"), FakeTracker(clock, "payments")
    for fake in (gh, payments):
        sync(store, fake, clock, root, cfg=cfg, by_name=True)
    copy = payments.copy(issue_for(payments, "runbook").key)
    assert sync(store, payments, clock, root, cfg=cfg, by_name=True).count("duplicate") == 1
    report = sync(store, gh, clock, root, cfg=cfg, by_name=True)
    assert report.changes == [] and not report.failed
    assert payments.issues[copy].state == "open"


def test_a_lost_database_adopts_each_ticket_into_its_own_incident(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, fresh: Store
) -> None:
    """Only INC-2 was synced when the database was lost; then INC-2's runbook measure was
    reworded and INC-1 came, with INC-2's old words exactly. INC-2's ticket goes back to
    INC-2's measure (a marker names its incident), and INC-1's measure gets a ticket of its own."""
    words = "- Add a runbook for queue saturation"
    inc2 = DOC.replace("id: INC-1", "id: INC-2")
    (root / "queue.md").write_text(inc2 + words + "\n")
    sync(store, tracker, clock, root)
    old = issue_for(tracker, "runbook").key
    (root / "queue.md").write_text(inc2 + words + " and backlog\n")
    (root / "a-first.md").write_text(DOC.replace("- [P1] Alert", "- [P2] Page") + words + "\n")
    report = sync(fresh, tracker, clock, root)
    assert report.count("adopted") == 4 and report.count("created") == 4
    runbooks = sorted(i.title for i in tracker.issues.values() if "runbook" in i.title)
    assert runbooks == [
        "[INC-1] Add a runbook for queue saturation",
        "[INC-2] Add a runbook for queue saturation and backlog",
    ]
    assert tracker.issues[old].title == "[INC-2] Add a runbook for queue saturation and backlog"
    with fresh.session() as session:
        for incident, uid in session.execute(
            select(Incident.key, ActionItem.uid)
            .join(ActionItem, ActionItem.incident_id == Incident.id)
            .where(ActionItem.text.like("Add a runbook%"))
        ):
            (ticket,) = [i for i in tracker.issues.values() if i.marker and i.marker.uid == uid]
            assert ticket.title.startswith(f"[{incident}]")


def test_an_update_the_tracker_refuses_is_tried_again_next_run(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """A refused update (a validation error) is reported; the ticket is not taken for gone,
    so the next run sends the update again."""
    from tracker.errors import ItemRejected

    sync(store, tracker, clock, root)
    real_update = tracker.update

    def refuse(**_: object) -> RemoteIssue:
        raise ItemRejected("fake: 422 validation failed")

    tracker.update = refuse  # type: ignore[method-assign,assignment]
    (root / "queue.md").write_text(DOC.replace("five minutes", "5 minutes"))
    assert sync(store, tracker, clock, root).count("failed") == 1
    tracker.update = real_update  # type: ignore[method-assign]
    report = sync(store, tracker, clock, root)
    assert report.count("updated") == 1 and not report.failed
    assert issue_for(tracker, "Alert").title == "[INC-1] Alert on queue age over 5 minutes"


def test_a_dry_run_of_updates_only_does_not_ask_whether_tickets_can_be_created(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    from tracker.errors import ItemRejected

    def cannot() -> None:
        raise ItemRejected("fake: this user cannot create issues")

    sync(store, tracker, clock, root)
    tracker.check_create = cannot  # type: ignore[method-assign]
    (root / "queue.md").write_text(DOC.replace("five minutes", "5 minutes"))
    ingest_paths(store, [root], root=root)
    cfg = config()
    engine = SyncEngine(store, tracker, cfg.targets[0], cfg.routing, clock=clock)
    assert [c.kind for c in engine.run(dry_run=True).changes] == ["updated"]


def test_a_dry_run_of_creates_asks_whether_tickets_can_be_created(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """Creates only: the dry run still finds that this tracker refuses them."""
    from tracker.errors import ItemRejected

    def cannot() -> None:
        raise ItemRejected("fake: this user cannot create issues")

    tracker.check_create = cannot  # type: ignore[method-assign]
    ingest_paths(store, [root], root=root)
    cfg = config()
    with pytest.raises(ItemRejected):
        SyncEngine(store, tracker, cfg.targets[0], cfg.routing, clock=clock).run(dry_run=True)
