"""`track ingest` and `track status` from the shell, as cron and people run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "track.db"
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{db}")
    return db


def test_main_job_on_the_examples(run) -> None:  # type: ignore[no-untyped-def]
    first = run("ingest", str(EXAMPLES))
    assert first.code == 0, first.err
    assert "3 files: 3 read, 0 unchanged, 0 failed; items: 12 new" in first.out
    again = run("ingest", str(EXAMPLES))
    assert "3 files: 0 read, 3 unchanged, 0 failed; items: 0 new, 0 updated" in again.out
    status = json.loads(run("status", "--format", "json").out)
    assert [(i["id"], i["total"], i["done"]) for i in status["incidents"]] == [
        ("INC-2024-102", 5, 1),
        ("INC-2024-058", 3, 1),
        ("INC-2024-031", 4, 0),
    ]


def test_ingest_reports_failed_files_and_exits_1(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "pm"
    root.mkdir()
    (root / "good.md").write_text("## Action items\n- Add alerting\n")
    (root / "bad.md").write_bytes(b"\xff\xfe\x00binary")
    result = run("ingest", str(root))
    assert result.code == 1
    assert result.err.count("\n") == 1 and "bad.md" in result.err and "binary" in result.err
    assert "1 failed; items: 1 new" in result.out


def test_ingest_without_paths_reads_config_sources(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "repo"
    (repo / "postmortems" / "2024").mkdir(parents=True)
    (repo / "postmortems" / "2024" / "a.md").write_text("## Action items\n- Add alerting\n")
    (repo / "postmortems" / "notes.txt").write_text("not a postmortem")
    (repo / "track.yaml").write_text("sources:\n  - 'postmortems/**/*.md'\n")
    result = run("ingest", "--config", str(repo / "track.yaml"))
    assert result.code == 0, result.err
    status = json.loads(run("status", "--format", "json").out)
    assert [i["id"] for i in status["incidents"]] == ["postmortems/2024/a.md"]


def test_ingest_without_paths_or_sources_says_what_to_do(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ingest")
    assert result.code == 2
    assert "give PATH arguments, or list globs under `sources:`" in result.err


def test_status_on_an_empty_database(run) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("status", "--format", "json").out)
    assert data == {
        "incidents": [],
        "totals": {
            "total": 0,
            "done": 0,
            "wont_do": 0,
            "open": 0,
            "overdue": 0,
            "percent_complete": None,
        },
    }
    assert run("status", "--fail-under", "90").code == 0


def test_bad_config_values_name_the_key(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "c.yaml").write_text("status:\n  grace_days: -3\n")
    result = run("status", "--config", str(tmp_path / "c.yaml"))
    assert result.code == 2
    assert "c.yaml: status.grace_days must be 0 or more (not -3)" in result.err
    (tmp_path / "d.yaml").write_text("sources: 'postmortems/*.md'\n")
    result = run("ingest", "--config", str(tmp_path / "d.yaml"))
    assert result.code == 2
    assert "d.yaml: sources must be a list, e.g. [a, b] (not 'postmortems/*.md')" in result.err


def test_database_path_in_the_config_is_relative_to_the_config(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TRACK_DATABASE_URL")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "track.yaml").write_text("database:\n  path: data/track.db\n")
    assert run("ingest", str(EXAMPLES), "--config", str(tmp_path / "team" / "track.yaml")).code == 0
    assert (tmp_path / "team" / "data" / "track.db").exists()
    (tmp_path / "both.yaml").write_text("database:\n  path: a.db\n  url: sqlite:///b.db\n")
    result = run("status", "--config", str(tmp_path / "both.yaml"))
    assert result.code == 2 and "give database.url or database.path, not both" in result.err


def test_ingest_prints_the_parsers_warnings_on_stderr(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A postmortem whose measures the parser cannot find is said so at ingest, once: the
    run that reads it warns, a run that skips it unchanged is quiet, and neither fails."""
    root = tmp_path / "pm"
    root.mkdir()
    (root / "good.md").write_text("## Action items\n- Add alerting\n")
    (root / "none.md").write_text("# Quiet day\n\nNothing happened.\n")
    (root / "empty.md").write_text("# Outage\n\n## Action items\n\n## Timeline\n\n- 10:00 paged\n")
    (tmp_path / ".git").mkdir()  # paths are shown from the repository's root
    first = run("ingest", str(root))
    assert first.code == 0, first.err
    assert first.err.splitlines() == [
        "warning: pm/empty.md: measures section 'Action items' (line 3) lists no items",
        "warning: pm/none.md: no corrective or preventative measures section found",
    ]
    again = run("ingest", str(root))
    assert (again.code, again.err) == (0, "")
