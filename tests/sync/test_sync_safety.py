"""Exactly one ticket per measure, whatever happens between `track` and the tracker: creates
answered too late, tickets that carry one marker twice, postmortems renamed, moved or deleted,
measures that name a ticket already. On SQLite and PostgreSQL, against the in-memory tracker."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from fakes import Clock, FakeTracker
from sqlalchemy import func, select

from tracker.config import Config
from tracker.connector import RemoteIssue
from tracker.report.status import status_report
from tracker.store.database import Store
from tracker.store.ingest import ingest_paths
from tracker.store.schema import ActionItem, DuplicateTicket, Incident, PendingCreate, RemoteLink
from tracker.sync.engine import SyncEngine, SyncReport

DOC = """## Action items

- Alert on queue age over five minutes (owner: alice)
- Load-test consumers before each release
- Document the consumer concurrency limit
"""


def config(**target: object) -> Config:
    return Config.model_validate(
        {
            "targets": [{"kind": "github", "name": "gh", "repo": "acme/ops", **target}],
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
    (folder / "README.md").write_text("# Postmortems\n\nOne file per incident.\n")
    return folder


def sync(
    store: Store,
    tracker: FakeTracker,
    clock: Clock,
    root: Path,
    *,
    cfg: Config | None = None,
    complete: bool = False,
) -> SyncReport:
    cfg = cfg or config()
    ingest_paths(store, [root], root=root, complete=complete)
    return SyncEngine(store, tracker, cfg.targets[0], cfg.routing, clock=clock).run()


def tickets_per_uid(tracker: FakeTracker) -> dict[str, int]:
    counts: dict[str, int] = {}
    for issue in tracker.issues.values():
        assert issue.marker is not None
        counts[issue.marker.uid] = counts.get(issue.marker.uid, 0) + 1
    return counts


def count(store: Store, model: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# -- 1. a create answered after the client's timeout -------------------------------------------


def test_a_late_applied_create_is_never_sent_twice(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """The first create gets no answer and lands later: the run does not send it again, the
    next run finds and links it, and every later run succeeds."""
    tracker.hold_creates = 1
    first = sync(store, tracker, clock, root)
    assert first.count("unconfirmed") == 1 and first.count("created") == 2 and first.failed
    assert len(tracker.issues) == 2 and len(tracker.held) == 1
    tracker.release()  # the server applies the create, long after the client gave up
    second = sync(store, tracker, clock, root)
    assert second.count("adopted") == 1 and second.count("created") == 0
    assert not second.failed, second.changes
    assert sorted(tickets_per_uid(tracker).values()) == [1, 1, 1]
    assert count(store, PendingCreate) == 0
    third = sync(store, tracker, clock, root)
    assert not third.failed and third.changes == []


@pytest.mark.parametrize("later", [900, 901])
def test_an_unanswered_create_that_never_landed_is_sent_again_after_the_window(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, later: int
) -> None:
    """Sent again once unconfirmed_wait_seconds (900) have passed: at 900 s, not only after."""
    clock.step = dt.timedelta(0)  # every reading is the instant the test sets
    tracker.hold_creates = 1
    sync(store, tracker, clock, root)
    tracker.held.clear()  # it never reached the tracker
    waiting = sync(store, tracker, clock, root)
    assert waiting.count("unconfirmed") == 1 and len(tracker.issues) == 2
    clock.now += dt.timedelta(seconds=later)
    after = sync(store, tracker, clock, root)
    assert after.count("created") == 1 and not after.failed
    assert sorted(tickets_per_uid(tracker).values()) == [1, 1, 1]


def test_a_create_unanswered_twice_is_recorded_as_two_attempts(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    tracker.hold_creates = 1
    sync(store, tracker, clock, root)
    tracker.held.clear()  # it never reached the tracker
    clock.now += dt.timedelta(seconds=901)
    tracker.hold_creates = 1
    assert sync(store, tracker, clock, root).count("unconfirmed") == 1  # sent again, no answer
    with store.session() as session:
        assert session.scalars(select(PendingCreate.attempts)).all() == [2]


def test_an_unanswered_create_found_after_the_window_is_linked_not_sent(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """Past the window the tool looks for the marker before sending: a ticket that landed but
    that the listing did not show (an index behind) is linked, not duplicated."""
    tracker.hold_creates = 1
    sync(store, tracker, clock, root)
    tracker.release()
    listing = tracker.changed_since  # the listing does not show the late ticket (index lag)
    tracker.changed_since = lambda *, since: iter(())  # type: ignore[method-assign]
    clock.now += dt.timedelta(seconds=901)
    report = sync(store, tracker, clock, root)
    tracker.changed_since = listing  # type: ignore[method-assign]
    assert report.count("adopted") == 1 and report.count("created") == 0
    assert sorted(tickets_per_uid(tracker).values()) == [1, 1, 1]


# -- 2. two tickets carrying one marker ----------------------------------------------------------


def synced_and_copied(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, words: str = "Alert"
) -> tuple[RemoteIssue, str]:
    """The first sync, then a person copies the ticket whose title has `words`, marker and
    all: (that ticket, the copy's key)."""
    sync(store, tracker, clock, root)
    ticket = next(i for i in tracker.issues.values() if words in i.title)
    return ticket, tracker.copy(ticket.key)


def test_two_tickets_with_one_marker_never_wedge_the_sync(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    alert, copy = synced_and_copied(store, tracker, clock, root)
    report = sync(store, tracker, clock, root)
    assert report.count("duplicate") == 1 and not report.failed
    assert tracker.issues[copy].state == "open"  # default: report, touch nothing
    again = sync(store, tracker, clock, root)
    assert again.count("duplicate") == 0 and not again.failed  # reported once
    tracker.close(copy, "completed")
    closed_copy = sync(store, tracker, clock, root)
    assert closed_copy.count("done") == 0  # the duplicate's state is not the item's
    with store.session() as session:
        link = session.scalars(
            select(RemoteLink).join(ActionItem).where(ActionItem.text.like("Alert%"))
        ).one()
        assert link.remote_key == alert.key
        assert (
            session.scalar(select(ActionItem.status).where(ActionItem.id == link.item_id)) == "open"
        )


@pytest.mark.parametrize("measure", ["Alert", "Load-test"])
def test_duplicates_are_closed_naming_the_kept_ticket_when_configured(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, measure: str
) -> None:
    """The first measure's copy and a later one's: each comment names its own kept ticket."""
    alert, copy = synced_and_copied(store, tracker, clock, root, measure)
    report = sync(store, tracker, clock, root, cfg=config(duplicates="close"))
    assert report.count("duplicate") == 1 and report.count("closed") == 1
    assert (tracker.issues[copy].state, tracker.issues[copy].state_reason) == (
        "closed",
        "duplicate",
    )
    assert alert.url in tracker.comments[copy][0]
    (found,) = [c for c in report.changes if c.kind == "duplicate"]
    assert found.ticket == tracker.issues[copy].url  # the copy is the duplicate, not the kept
    assert (found.message or "").endswith(f"keeping the older {alert.key}, closing it")
    assert tracker.issues[alert.key].state == "open"
    assert sync(store, tracker, clock, root, cfg=config(duplicates="close")).changes == []


def test_a_duplicate_people_closed_already_is_reported_and_left_alone(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    _, copy = synced_and_copied(store, tracker, clock, root)
    tracker.close(copy, "not_planned")
    report = sync(store, tracker, clock, root, cfg=config(duplicates="close"))
    assert report.count("duplicate") == 1 and report.count("closed") == 0
    assert tracker.comments.get(copy, []) == []
    assert tracker.issues[copy].state_reason == "not_planned"


def test_a_duplicate_people_close_after_it_was_reported_is_left_alone(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """Reported while open; a person closes it; then the team turns on `duplicates: close`:
    the listing told the tool it is closed, so it is neither closed again nor commented."""
    _, copy = synced_and_copied(store, tracker, clock, root)
    assert sync(store, tracker, clock, root).count("duplicate") == 1
    tracker.close(copy, "not_planned")
    assert sync(store, tracker, clock, root).changes == []
    assert sync(store, tracker, clock, root, cfg=config(duplicates="close")).changes == []
    assert tracker.comments.get(copy, []) == []


def test_a_dry_run_that_would_only_close_a_duplicate_does_not_ask_about_creating(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """Asking whether tickets can be created is for runs that would create one: a user who
    may close tickets but not open them gets the dry run of the close."""
    _, copy = synced_and_copied(store, tracker, clock, root)
    cfg = config(duplicates="close")
    asked: list[str] = []
    tracker.check_create = lambda: asked.append("create")  # type: ignore[method-assign]
    ingest_paths(store, [root], root=root)
    engine = SyncEngine(store, tracker, cfg.targets[0], cfg.routing, clock=clock)
    report = engine.run(dry_run=True)
    assert [c.kind for c in report.changes] == ["duplicate", "closed"] and asked == []
    assert tracker.issues[copy].state == "open"


def test_a_lost_database_with_two_tickets_per_marker_keeps_the_oldest(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, tmp_path: Path
) -> None:
    """Adoption used to stop on a UNIQUE constraint here, run after run."""
    sync(store, tracker, clock, root)
    alert = next(i for i in tracker.issues.values() if "Alert" in i.title)
    tracker.copy(alert.key)
    from tracker.store.database import open_store

    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        report = sync(fresh, tracker, clock, root)
        assert report.count("adopted") == 3 and report.count("duplicate") == 1
        assert report.count("created") == 0 and not report.failed
        with fresh.session() as session:
            keys = set(session.scalars(select(RemoteLink.remote_key)))
        assert alert.key in keys and len(keys) == 3
        assert count(fresh, DuplicateTicket) == 1
        assert not sync(fresh, tracker, clock, root).failed
    finally:
        fresh.close()


def test_an_older_ticket_found_later_becomes_the_kept_one(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """Two databases raced and each linked its own ticket: both keep the same (oldest) one."""
    sync(store, tracker, clock, root)
    alert = next(i for i in tracker.issues.values() if "Alert" in i.title)
    newer = tracker.copy(alert.key)
    with store.session() as session:  # this database linked the newer copy
        link = session.scalars(select(RemoteLink).where(RemoteLink.remote_key == alert.key)).one()
        link.remote_key = newer
    tracker.edit(alert.key)  # both show up in the next listing
    report = sync(store, tracker, clock, root)
    assert report.count("duplicate") == 1
    with store.session() as session:
        assert (
            session.scalar(select(RemoteLink.remote_key).where(RemoteLink.item_id == link.item_id))
            == alert.key
        )
        assert session.scalar(select(DuplicateTicket.remote_key)) == newer


def test_an_older_ticket_found_later_is_kept_when_its_number_has_fewer_digits(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """Ticket 9 is older than ticket 12, though "9" sorts after "12" as text."""
    for key in "12345678":
        tracker.add(key, f"Older issue {key}", "Made by a person.")
    sync(store, tracker, clock, root)
    alert = next(i for i in tracker.issues.values() if "Alert" in i.title)
    assert alert.key == "9"
    newer = tracker.copy(alert.key)
    assert newer == "12"
    with store.session() as session:  # this database linked the newer copy
        link = session.scalars(select(RemoteLink).where(RemoteLink.remote_key == "9")).one()
        link.remote_key = newer
    tracker.edit(alert.key)
    assert sync(store, tracker, clock, root).count("duplicate") == 1
    with store.session() as session:
        assert (
            session.scalar(select(RemoteLink.remote_key).where(RemoteLink.item_id == link.item_id))
            == "9"
        )


# -- 3 and 4. postmortems renamed, moved, deleted ------------------------------------------------


def test_a_renamed_postmortem_keeps_its_incident_items_and_tickets(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    with store.session() as session:
        uids = set(session.scalars(select(ActionItem.uid)))
    (root / "2024").mkdir()
    (root / "queue.md").rename(root / "2024" / "queue-outage.md")
    ingested = ingest_paths(store, [root], root=root)
    moved = {f.path: f.moved_from for f in ingested.files}
    assert moved["2024/queue-outage.md"] == "queue.md"
    report = SyncEngine(store, tracker, config().targets[0], config().routing, clock=clock).run()
    assert report.count("created") == 0 and report.count("updated") == 3
    assert len(tracker.issues) == 3
    with store.session() as session:
        keys = set(session.scalars(select(Incident.key)))
        assert keys == {"2024/queue-outage.md", "README.md"}
        assert set(session.scalars(select(ActionItem.uid))) == uids
    body = next(iter(tracker.issues.values())).body or ""
    assert "2024/queue-outage.md" in body


def test_a_renamed_and_edited_postmortem_is_still_the_same_incident(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    (root / "queue.md").unlink()
    (root / "queue-2024.md").write_text(
        DOC.replace("five minutes", "5 minutes") + "- Add a dashboard for consumer lag\n"
    )
    report = sync(store, tracker, clock, root)
    assert report.count("created") == 1  # only the new measure
    assert sorted(tickets_per_uid(tracker).values()) == [1, 1, 1, 1]


def test_an_unrelated_new_postmortem_is_not_taken_for_a_moved_one(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    (root / "queue.md").unlink()
    (root / "dns.md").write_text("## Action items\n\n- Lower the DNS TTL before migrations\n")
    ingested = ingest_paths(store, [root], root=root)
    assert all(f.moved_from is None for f in ingested.files)
    with store.session() as session:
        assert set(session.scalars(select(Incident.key))) == {"queue.md", "dns.md", "README.md"}


def test_a_deleted_postmortem_is_marked_and_its_tickets_left_alone(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root, complete=True)
    (root / "queue.md").unlink()
    (root / "other.md").write_text("## Action items\n\n- Rotate the on-call pager\n")
    report = sync(store, tracker, clock, root, complete=True)
    assert report.count("removed") == 3 and report.count("closed") == 0
    assert all(i.state == "open" for i in tracker.issues.values() if "pager" not in i.title)
    with store.session() as session:
        gone = session.scalars(select(Incident).where(Incident.key == "queue.md")).one()
        assert gone.removed_at is not None
        rows = {row.id: row for row in status_report(session).incidents}
    assert rows["queue.md"].file_removed is not None
    assert rows["queue.md"].shown_title.startswith("(file removed)")  # seen in a narrow table
    assert sync(store, tracker, clock, root, complete=True).count("removed") == 0  # once


def test_a_deleted_postmortem_closes_its_tickets_only_with_close_removed(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root, complete=True)
    (root / "queue.md").unlink()
    report = sync(store, tracker, clock, root, cfg=config(close_removed=True), complete=True)
    assert report.count("closed") == 3
    assert {(i.state, i.state_reason) for i in tracker.issues.values()} == {
        ("closed", "not_planned")
    }
    assert all("postmortem file queue.md was removed" in c[0] for c in tracker.comments.values())


def test_a_partial_ingest_never_marks_anything_removed(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root)
    (root / "queue.md").unlink()
    assert sync(store, tracker, clock, root, complete=False).count("removed") == 0
    with store.session() as session:
        assert session.scalar(select(Incident.removed_at)) is None


def test_a_postmortem_that_comes_back_is_no_longer_removed(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    sync(store, tracker, clock, root, complete=True)
    (root / "queue.md").rename(root.parent / "queue.md")
    sync(store, tracker, clock, root, complete=True)
    (root.parent / "queue.md").rename(root / "queue.md")
    report = ingest_paths(store, [root], root=root, complete=True)
    assert report.back == ["queue.md"]
    with store.session() as session:
        assert session.scalar(select(Incident.removed_at)) is None


# -- 5. a file's key does not depend on the current folder ---------------------------------------


def test_one_file_named_from_two_folders_is_one_incident(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "h"
    folder.mkdir()
    (folder / "Action_Plan.md").write_text(DOC)
    os.chdir(tmp_path)
    ingest_paths(store, [Path("h/Action_Plan.md")], root=None)
    os.chdir(folder)
    ingest_paths(store, [Path("Action_Plan.md")], root=None)
    with store.session() as session:
        keys = list(session.scalars(select(Incident.key)))
    assert len(keys) == 1 and keys[0].endswith("h/Action_Plan.md")


def test_without_a_config_keys_start_at_the_git_repository(store: Store, tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "pm").mkdir()
    (tmp_path / "repo" / "pm" / "db.md").write_text(DOC)
    os.chdir(tmp_path / "repo" / "pm")
    ingest_paths(store, [Path("db.md")], root=None)
    with store.session() as session:
        assert session.scalar(select(Incident.key)) == "pm/db.md"


# -- 6. tickets the postmortem already names -----------------------------------------------------


def test_a_measure_naming_this_trackers_ticket_is_linked_not_created(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    tracker.add("42", "Queue age alert", "Made by a person.")
    (root / "queue.md").write_text(DOC.replace("(owner: alice)", "(owner: alice), tracked in #42"))
    report = sync(store, tracker, clock, root)
    assert report.count("linked") == 1 and report.count("created") == 2
    assert len(tracker.issues) == 3
    assert tracker.issues["42"].body == "Made by a person."  # never written to
    tracker.close("42", "completed")
    done = sync(store, tracker, clock, root)
    assert done.count("done") == 1
    with store.session() as session:
        item = session.scalars(select(ActionItem).where(ActionItem.text.like("Alert%"))).one()
        assert item.status == "done"
    assert sync(store, tracker, clock, root).changes == []
    assert tracker.issues["42"].body == "Made by a person."


@pytest.mark.parametrize("named", ["42", "10"])  # after and before the created keys, 11 and 12
def test_a_named_ticket_already_tracking_another_measure_is_not_shared(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path, named: str
) -> None:
    for key in "123456789":
        tracker.add(key, f"Older issue {key}", "Made by a person.")
    tracker.add(named, "Queue work", "Made by a person.")
    (root / "queue.md").write_text(
        DOC.replace("minutes (owner: alice)", f"minutes #{named}").replace(
            "each release", f"each release #{named}"
        )
    )
    report = sync(store, tracker, clock, root)
    assert report.count("linked") == 1 and report.count("created") == 2
    load = next(i for i in tracker.issues.values() if "Load-test" in i.title)
    assert load.key in ("11", "12") and f"**Tracked in:** #{named}" in (load.body or "")
    assert sync(store, tracker, clock, root).changes == []  # linked now, the reference stays
    assert f"**Tracked in:** #{named}" in (tracker.issues[load.key].body or "")


def test_a_reference_to_another_tracker_is_shown_in_the_ticket(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    (root / "queue.md").write_text(DOC.replace("(owner: alice)", "(owner: alice) PAY-412"))
    report = sync(store, tracker, clock, root)
    assert report.count("created") == 3 and report.count("linked") == 0
    alert = next(i for i in tracker.issues.values() if "Alert" in i.title)
    assert "**Tracked in:** PAY-412" in (alert.body or "")


# -- 8. the lock: its own exit code, and one per store ---------------------------------------------


def test_the_sync_lock_is_per_store_even_on_one_postgresql_server(db_url: str) -> None:
    """Two stores in two schemas of one PostgreSQL database sync at once; two syncs of one
    store do not (SyncBusy, exit code 75)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("schemas are PostgreSQL's")
    import uuid

    from sqlalchemy import create_engine, text

    from tracker.errors import SyncBusy
    from tracker.store.database import open_store
    from tracker.sync.lock import sync_lock

    base = os.environ["TRACK_TEST_POSTGRES_URL"]
    other_schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {other_schema}"))
    one = open_store(db_url)
    other = open_store(f"{base}?options=-csearch_path%3D{other_schema}")
    same = open_store(db_url)
    try:
        with sync_lock(one), sync_lock(other), pytest.raises(SyncBusy) as busy, sync_lock(same):
            pass
        assert busy.value.exit_code == 75
    finally:
        for store in (one, other, same):
            store.close()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {other_schema} CASCADE"))
        admin.dispose()


def test_a_removed_measure_never_closes_the_ticket_its_postmortem_named(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """A named ticket is read, never written: removing its measure from the postmortem leaves
    it open and uncommented, even with close_removed."""
    tracker.add("42", "Queue age alert", "Made by a person.")
    (root / "queue.md").write_text(DOC.replace("(owner: alice)", "(owner: alice), tracked in #42"))
    sync(store, tracker, clock, root)
    (root / "queue.md").write_text(
        DOC.replace("- Alert on queue age over five minutes (owner: alice)\n", "")
    )
    report = sync(store, tracker, clock, root, cfg=config(close_removed=True))
    assert report.count("closed") == 0
    assert tracker.issues["42"].state == "open" and "42" not in tracker.comments


def test_a_ticket_with_an_unknown_marker_never_takes_a_measure_that_has_a_ticket(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """Another copy of track (its own database) made a second ticket for a measure: its marker
    names the same incident and text under another uid. The measure keeps its own ticket; the
    stranger is reported, not adopted."""
    from dataclasses import replace

    from tracker.marker import Marker

    sync(store, tracker, clock, root)
    alert = next(i for i in tracker.issues.values() if "Alert" in i.title)
    marker = alert.marker
    assert marker is not None
    stranger = tracker.copy(alert.key)
    body = (alert.body or "").replace(marker.uid, "0" * len(marker.uid))
    tracker.issues[stranger] = replace(tracker.issues[stranger], body=body)
    assert isinstance(tracker.issues[stranger].marker, Marker)
    report = sync(store, tracker, clock, root)
    assert report.count("adopted") == 0 and report.count("orphan") == 1
    with store.session() as session:
        keys = set(session.scalars(select(RemoteLink.remote_key)))
        uids = set(session.scalars(select(ActionItem.uid)))
    assert alert.key in keys and stranger not in keys
    assert marker.uid in uids


def test_a_closed_named_ticket_that_is_reopened_reopens_its_measure(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """The named ticket is read each run while open and while closed."""
    tracker.add("42", "Queue age alert", "Made by a person.")
    (root / "queue.md").write_text(DOC.replace("(owner: alice)", "(owner: alice), tracked in #42"))
    sync(store, tracker, clock, root)
    tracker.close("42", "completed")
    assert sync(store, tracker, clock, root).count("done") == 1
    tracker.reopen("42")
    assert sync(store, tracker, clock, root).count("reopened") == 1
    with store.session() as session:
        item = session.scalars(select(ActionItem).where(ActionItem.text.like("Alert%"))).one()
        assert item.status == "open"


def test_a_measure_naming_its_own_ticket_is_not_rewritten(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """`track link` writes the ticket's own key into the postmortem: that reference is no
    "Tracked in" for the ticket itself, and nothing is written."""
    for key in "123456789":  # people's issues: the tool's tickets are #10 on, a reference
        tracker.add(key, f"Older issue {key}", "Made by a person.")
    sync(store, tracker, clock, root)
    alert = next(i for i in tracker.issues.values() if "Alert" in i.title)
    assert alert.key == "10"
    (root / "queue.md").write_text(DOC.replace("(owner: alice)", f"(owner: alice) (#{alert.key})"))
    writes = tracker.requests.writes
    report = sync(store, tracker, clock, root)
    assert report.changes == [] and tracker.requests.writes == writes
    assert "Tracked in" not in (tracker.issues[alert.key].body or "")


def test_an_unanswered_create_in_one_target_does_not_hold_back_another(
    store: Store, clock: Clock, root: Path
) -> None:
    """Each target's first create of INC-1 and INC-2 got no answer; routing then swaps the
    targets: each creates its tickets at once, with no wait for the other target's create."""
    (root / "refunds.md").write_text(
        "---\nid: INC-2\nservice: payments\n---\n## Action items\n\n"
        "- Page on refund queue depth\n- Retry refunds with backoff\n"
    )

    def routed(payments_gets: str) -> Config:
        other = "gh" if payments_gets == "payments" else "payments"
        return Config.model_validate(
            {
                "targets": [
                    {"kind": "github", "name": "gh", "repo": "acme/ops"},
                    {"kind": "github", "name": "payments", "repo": "acme/pay"},
                ],
                "routing": {
                    "default": other,
                    "rules": [{"target": payments_gets, "match": {"service": "payments"}}],
                },
            }
        )

    trackers = {name: FakeTracker(clock, name) for name in ("gh", "payments")}
    for routing in ("payments", "gh"):  # as configured, then swapped
        cfg = routed(routing)
        for name, fake in trackers.items():
            fake.hold_creates = 1 if routing == "payments" else 0
            ingest_paths(store, [root], root=root)
            report = SyncEngine(store, fake, cfg.target(name), cfg.routing, clock=clock).run()
            if routing == "payments":
                assert report.count("unconfirmed") == 1
            else:
                assert report.count("unconfirmed") == 0, (name, report.changes)
                assert report.count("created") == (2 if name == "gh" else 3)
    assert count(store, PendingCreate) == 2  # the two unanswered creates, still waited for


def test_a_late_create_found_after_an_edit_gets_the_edit(
    store: Store, tracker: FakeTracker, clock: Clock, root: Path
) -> None:
    """The create got no answer; the measure is edited; past the window its ticket is found
    by the marker (not listed): it was made from the old text, so the next run rewrites it."""
    tracker.hold_creates = 1
    sync(store, tracker, clock, root)
    tracker.release()
    (root / "queue.md").write_text(DOC.replace("five minutes", "5 minutes"))
    listing = tracker.changed_since
    tracker.changed_since = lambda *, since: iter(())  # type: ignore[method-assign]
    clock.now += dt.timedelta(seconds=901)
    assert sync(store, tracker, clock, root).count("adopted") == 1
    tracker.changed_since = listing  # type: ignore[method-assign]
    report = sync(store, tracker, clock, root)
    assert report.count("updated") == 1 and report.count("created") == 0
    alert = next(i for i in tracker.issues.values() if "Alert" in i.title)
    assert "> Alert on queue age over 5 minutes" in (alert.body or "")
    assert sorted(tickets_per_uid(tracker).values()) == [1, 1, 1]
