"""`track status`: per-incident completion, computed in SQL, in four formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import update

from tracker.report.status import Filters, status_report
from tracker.store.database import Store
from tracker.store.ingest import ingest_paths
from tracker.store.schema import ActionItem, RemoteLink, utcnow

TODAY = dt.date(2024, 9, 1)


@pytest.fixture
def ingested(store: Store, tmp_path: Path) -> Store:
    root = tmp_path / "pm"
    root.mkdir()
    (root / "a.md").write_text(
        "---\nid: A\ntitle: Alpha outage\ndate: 2024-05-01\n---\n## Action items\n"
        "- [x] First done thing @ana\n- [ ] Second thing due 2024-06-01 @ana\n"
        "- [ ] Third thing due 2025-01-01 @bo\n- [ ] Fourth thing we will not do @bo\n"
    )
    (root / "b.md").write_text(
        "---\nid: B\ntitle: Beta outage\ndate: 2024-08-20\n---\n## Action items\n- [x] Only thing @cy\n"
    )
    (root / "c.md").write_text(
        "---\nid: C\ntitle: Gamma, no measures\ndate: 2023-01-01\n---\nNothing.\n"
    )
    ingest_paths(store, [root], root=root)
    with store.session() as session:  # a tracker closed one as not planned
        session.execute(
            update(ActionItem)
            .where(ActionItem.text.like("Fourth%"))
            .values(status="wont_do", status_source="tracker")
        )
    return store


def report(store: Store, **filters: object):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return status_report(session, Filters(**filters), today=TODAY)  # type: ignore[arg-type]


def test_counts_per_incident_and_totals(ingested: Store) -> None:
    data = report(ingested).as_json()
    rows = {row["id"]: row for row in data["incidents"]}
    assert rows["A"] == {
        "id": "A",
        "title": "Alpha outage",
        "date": "2024-05-01",
        "total": 4,
        "done": 1,
        "wont_do": 1,
        "open": 2,
        "overdue": 1,
        "percent_complete": 33.3,
        "last_sync": None,
        "file_removed": None,
    }
    assert (rows["B"]["percent_complete"], rows["C"]["total"], rows["C"]["percent_complete"]) == (
        100.0,
        0,
        None,
    )
    assert [row["id"] for row in data["incidents"]] == ["B", "A", "C"]  # newest first
    assert data["totals"] == {
        "total": 5,
        "done": 2,
        "wont_do": 1,
        "open": 2,
        "overdue": 1,
        "percent_complete": 50.0,
    }


def test_removed_items_do_not_count(ingested: Store, tmp_path: Path) -> None:
    (tmp_path / "pm" / "b.md").write_text(
        "---\nid: B\ntitle: Beta outage\n---\n## Action items\n- [ ] A new thing\n"
    )
    ingest_paths(ingested, [tmp_path / "pm"], root=tmp_path / "pm")
    rows = {row["id"]: row for row in report(ingested).as_json()["incidents"]}
    assert (rows["B"]["total"], rows["B"]["done"], rows["B"]["open"]) == (1, 0, 1)


def test_filters(ingested: Store) -> None:
    assert [r.id for r in report(ingested, owner="@bo").incidents] == ["A"]
    assert report(ingested, owner="bo").incidents[0].counts.total == 2
    assert [r.id for r in report(ingested, overdue_only=True).incidents] == ["A"]
    assert [r.id for r in report(ingested, since=dt.date(2024, 6, 1)).incidents] == ["B"]
    assert [r.id for r in report(ingested, incident="B").incidents] == ["B"]
    assert [r.id for r in report(ingested, incident="*").incidents] == ["B", "A", "C"]


def test_last_sync_is_the_latest_remote_sighting(ingested: Store) -> None:
    seen = dt.datetime(2024, 8, 30, 12, 0, tzinfo=dt.UTC)
    with ingested.session() as session:
        item = session.query(ActionItem).filter(ActionItem.text.like("Only%")).one()
        session.add(
            RemoteLink(
                item_id=item.id, target="gh", kind="github", remote_key="1", last_seen_at=seen
            )
        )
    rows = {r.id: r for r in report(ingested).incidents}
    assert rows["B"].last_sync == seen
    assert rows["A"].last_sync is None


def test_fail_under_counts_only_incidents_past_the_grace_period(ingested: Store) -> None:
    status = report(ingested)
    assert [i.id for i in status.below(50, grace_days=30)] == ["A"]
    assert status.below(50, grace_days=200) == []
    assert status.below(30, grace_days=0) == []


def test_cli_formats_and_fail_under(ingested: Store, run) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("status", "--format", "json").out)
    assert set(data) == {"incidents", "totals"}
    assert set(data["incidents"][0]) >= {
        "id",
        "title",
        "date",
        "total",
        "done",
        "wont_do",
        "open",
        "overdue",
        "percent_complete",
    }

    rows = list(csv.DictReader(io.StringIO(run("status", "--format", "csv").out)))
    assert [r["id"] for r in rows] == ["B", "A", "C"]

    markdown = run("status", "--format", "markdown").out
    assert markdown.splitlines()[0].startswith("| Incident |")
    assert "| **Total** |" in markdown

    table = run("status")
    assert table.code == 0 and "Alpha outage" in table.out and "total" in table.out

    gate = run("status", "--fail-under", "80", "--grace-days", "0", "--format", "json")
    assert gate.code == 1
    assert "below 80%: A is 33.3% complete" in gate.err
    assert run("status", "--since", "yesterday").code == 2


def test_created_at_is_timezone_aware(ingested: Store) -> None:
    with ingested.session() as session:
        item = session.query(ActionItem).first()
        assert item is not None and item.created_at.tzinfo is not None
        assert abs((utcnow() - item.created_at).total_seconds()) < 600


def test_items_lists_what_is_open_and_late(ingested: Store, run) -> None:  # type: ignore[no-untyped-def]
    from tracker.report.items import item_rows

    with ingested.session() as session:
        rows = item_rows(session, Filters(), today=TODAY)
        late = item_rows(session, Filters(overdue_only=True), today=TODAY)
        bo = item_rows(session, Filters(owner="bo"), today=TODAY)
    assert [(r.incident, r.text, r.overdue) for r in rows] == [
        ("A", "Second thing", True),
        ("A", "Third thing", False),
    ]
    assert [r.text for r in late] == ["Second thing"]
    assert [r.text for r in bo] == ["Third thing"]
    data = json.loads(run("status", "--items", "--format", "json").out)
    assert {i["text"] for i in data["items"]} == {"Second thing", "Third thing"}
    assert "Second thing" in run("status", "--items").out
    assert run("status", "--items", "--format", "markdown").out.startswith(
        "| Id | Incident | Measure |"
    )
    assert (
        run("status", "--items", "--format", "csv").out.splitlines()[0]
        == "incident,text,owner,due,status,overdue,ticket,id,uid,priority,type,days_overdue,source"
    )
