"""`track status --items` streamed, `--by` groups, and an empty result that says why."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tracker.report.groups import group_report
from tracker.report.items import ItemRow
from tracker.report.render import write_items
from tracker.report.status import Filters
from tracker.store.database import Store
from tracker.store.ingest import ingest_paths

from conftest import EXAMPLES

TODAY = dt.date(2024, 9, 25)


@pytest.fixture
def examples(store: Store, tmp_path: Path) -> Store:
    root = tmp_path / "pm"
    root.mkdir()
    for example in EXAMPLES.glob("*.md"):
        (root / example.name).write_text(example.read_text())
    (root / "extra.md").write_text(
        "---\nid: EXTRA\ntitle: Another payments outage\ndate: 2024-08-01\nseverity: sev2\n"
        "Team: Platform-Data\n---\n## Action items\n- [ ] Add a replica check @Dana due 2024-09-01\n"
    )
    ingest_paths(store, [root], root=root)
    return store


def test_items_json_and_csv_carry_id_priority_type_lateness_and_source(
    examples: Store, run
) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(
        run("status", "--items", "--format", "json", "--incident", "INC-2024-058").out
    )
    first = data["items"][0]
    assert first["text"] == "Send certificate notices to the team alias, not a person"
    assert (first["priority"], first["type"], first["source"]) == (
        "P2",
        "process",
        "2024-06-02-cdn-certificate-expiry.md:48",
    )
    assert first["id"] == first["uid"][:8] and first["days_overdue"] > 0
    rows = list(csv.DictReader(io.StringIO(run("status", "--items", "--format", "csv").out)))
    assert len(rows) == 11 and rows[0]["days_overdue"].isdigit()
    markdown = run("status", "--items", "--format", "markdown").out
    assert markdown.startswith("| Id | Incident | Measure |") and "days overdue)**" in markdown


def test_items_are_written_while_they_are_read() -> None:
    """Each row is out before the next one is read: nothing waits for the whole list."""
    out = io.StringIO()
    seen: list[str] = []

    def rows(fmt: str) -> Iterator[ItemRow]:
        for n in range(3):
            seen.append(out.getvalue())
            yield ItemRow(
                f"INC-{n}", f"measure {n}", None, None, "open", False, None, uid=f"{n:016x}"
            )

    for fmt in ("json", "csv", "markdown"):
        out.seek(0)
        out.truncate()
        seen.clear()
        assert write_items(rows(fmt), fmt, out) == 3
        assert "measure 0" in seen[1] and "measure 1" in seen[2], fmt
        if fmt == "json":
            assert len(json.loads(out.getvalue())["items"]) == 3


def test_groups_by_front_matter_field_and_by_owner(examples: Store) -> None:
    with examples.session() as session:
        team = group_report(session, "team", Filters(), TODAY)
        owner = group_report(session, "owner", Filters(), TODAY)
        severity = group_report(session, "severity", Filters(), TODAY)
    by_team = {g.name: (g.incidents, g.counts.total) for g in team.groups}
    # "Team: Platform-Data" joins "team: platform-data"; a group is named as most incidents
    # write it, on a tie as the newest does
    assert by_team == {"Platform-Data": (2, 5), None: (2, 8)}
    assert team.incident_count == 4 and team.totals.total == 13
    dana = next(g for g in owner.groups if g.name and g.name.lower() == "dana")
    assert (dana.incidents, dana.counts.total, dana.counts.overdue) == (2, 2, 2)
    assert owner.totals == team.totals  # every measure in exactly one group
    by_severity = {g.name: g.incidents for g in severity.groups}
    assert by_severity == {"SEV2": 3, "SEV3": 1}  # "sev2" joins the SEV2 most incidents write


def test_by_in_every_format(examples: Store, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "100")
    table = run("status", "--by", "team").out.splitlines()
    assert table[0].split() == [
        "team",
        "incidents",
        "done",
        "open",
        "overdue",
        "won't",
        "do",
        "complete",
    ]
    assert table[-1].split()[:3] == ["total", "4", "2/13"]
    data = json.loads(run("status", "--by", "service", "--format", "json").out)
    assert data["by"] == "service" and data["totals"]["incidents"] == 4
    assert {g["service"] for g in data["groups"]} == {"payments", "web", "orders", None}
    assert run("status", "--by", "owner", "--format", "csv").out.startswith("owner,incidents,")
    assert run("status", "--by", "team", "--items").code == 2


def test_an_empty_result_names_the_filter_and_the_database(
    examples: Store, run, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    result = run("status", "--incident", "INC-2024-*", "--owner", "zed")
    assert result.code == 0 and result.out == ""
    assert result.err.startswith("no incidents match --owner zed in ")
    assert make_url(db_url).render_as_string(hide_password=True) in result.err
    late = run("status", "--items", "--owner", "tomas", "--overdue", "--since", "2024-07-01")
    assert late.err.startswith("no open measures match --owner tomas in ")  # --since left some
    data = json.loads(run("status", "--owner", "zed", "--format", "json").out)
    assert data["incidents"] == []


def test_an_empty_database_says_so_and_hides_the_password(run, db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":  # trust auth takes any password
        url = url.set(password="s3cret-pw")
    monkeypatch.setenv("TRACK_DATABASE_URL", url.render_as_string(hide_password=False))
    result = run("status")
    assert result.code == 0
    assert result.err.startswith("no incidents in ") and "track ingest" in result.err
    assert "s3cret-pw" not in result.err
    assert run("status", "--by", "owner").err.startswith("no incidents in ")
