"""Flags for weak postmortems, read from the store (SQLite and PostgreSQL) and configurable."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tracker.config import Config
from tracker.errors import ConfigError
from tracker.report.flags import CODES, Flag, MeasureProfile, incident_flags, weak_flags
from tracker.store.database import Store
from tracker.store.ingest import ingest_paths

TODAY = dt.date(2024, 9, 1)

WEAK = """---
id: WEAK
title: Everything missing
date: 2024-06-01
---
## Action items
- [ ] Restart the pods when they hang (mitigate)
- [ ] Roll back the bad deploy (repair) @ana
- [ ] Look at the dashboards
"""
STRONG = """---
id: STRONG
title: Done right
date: 2024-06-01
---
## Action items

| Action item | Type | Owner | Priority | Due | Status |
|---|---|---|---|---|---|
| Add a canary stage to deploys | prevent | ana | P1 | 2024-07-01 | done |
| Alert on the error budget burn | detect | bo | P2 | 2024-10-01 | open |
"""


@pytest.fixture
def flagged(store: Store, tmp_path: Path) -> Store:
    root = tmp_path / "pm"
    root.mkdir()
    (root / "weak.md").write_text(WEAK)
    (root / "strong.md").write_text(STRONG)
    ingest_paths(store, [root], root=root)
    return store


def flags_of(store: Store, settings: Config | None = None) -> dict[str, list[Flag]]:
    with store.session() as session:
        return incident_flags(session, settings or Config(), TODAY)


def test_a_weak_postmortem_gets_every_flag_and_a_strong_one_none(flagged: Store) -> None:
    found = flags_of(flagged)
    assert "STRONG" not in found
    assert [f.code for f in found["WEAK"]] == list(CODES)
    texts = {f.code: f.text for f in found["WEAK"]}
    assert texts["no-prevention"] == "none of its 3 measures is of a type that prevents (prevent)"
    assert texts["no-owner"] == "2 of its 3 open measures have no owner"
    assert texts["no-due"] == "3 of its 3 open measures have no due date"
    assert texts["same-priority"] == "none of its 3 measures has a priority"
    assert texts["nothing-done"] == "92 days old and none of its 3 measures is done"


def test_each_flag_can_be_turned_off_or_given_a_threshold(flagged: Store) -> None:
    settings = Config.model_validate(
        {
            "status": {"grace_days": 200},
            "flags": {
                "no_prevention": {"preventive_types": ["prevent", "mitigate"]},
                "no_owner": {"at_least": 3},
                "no_due": {"enabled": False},
                "same_priority": {"min_measures": 4},
            },
        }
    )
    assert flags_of(flagged, settings) == {}
    shorter = Config.model_validate({"flags": {"nothing_done": {"grace_days": 100}}})
    assert "nothing-done" not in [f.code for f in flags_of(flagged, shorter)["WEAK"]]


def test_wont_do_and_removed_measures_do_not_count(flagged: Store, tmp_path: Path) -> None:
    from sqlalchemy import update

    from tracker.store.schema import ActionItem

    with flagged.session() as session:  # the only preventive measure is dropped by the tracker
        session.execute(
            update(ActionItem).where(ActionItem.type == "prevent").values(status="wont_do")
        )
    assert [f.code for f in flags_of(flagged)["STRONG"]] == ["no-prevention", "nothing-done"]


def test_a_wrong_flag_key_is_one_clear_config_error(tmp_path: Path) -> None:
    from tracker.config import load_config

    path = tmp_path / "track.yaml"
    path.write_text("flags:\n  no_owner: {at_least: 0}\n")
    with pytest.raises(ConfigError, match=r"flags\.no_owner\.at_least must be 1 or more"):
        load_config(path)


def profile(**counts: int) -> MeasureProfile:
    base = {
        "measures": 3,
        "done": 1,
        "open": 2,
        "preventive": 1,
        "open_unowned": 0,
        "open_undated": 0,
    }
    return MeasureProfile(
        key="X",
        started=dt.date(2024, 8, 1),
        lowest_priority="P1",
        highest_priority="P2",
        **(base | counts),
    )


def test_weak_flags_is_pure_and_reads_only_counts() -> None:
    settings = Config()
    assert weak_flags([profile()], settings, TODAY) == {}
    same = MeasureProfile(**{**profile().__dict__, "highest_priority": "P1"})
    assert weak_flags([same], settings, TODAY) == {
        "X": [Flag("same-priority", "all 3 measures are P1: none says what comes first")]
    }
    assert [f.code for f in weak_flags([profile(measures=0, done=0, open=0, preventive=0)], settings, TODAY)["X"]] == ["no-prevention"]  # fmt: skip
    assert weak_flags([profile(done=0)], settings, dt.date(2024, 8, 31)) == {}  # within grace


def test_status_json_carries_the_flags(flagged: Store, run) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("status", "--format", "json").out)
    rows = {row["id"]: row for row in data["incidents"]}
    assert rows["STRONG"]["flags"] == []
    assert {f["code"] for f in rows["WEAK"]["flags"]} >= {"no-prevention", "no-owner"}
    assert all(set(f) == {"code", "text"} for f in rows["WEAK"]["flags"])
    csv_out = run("status", "--format", "csv").out.splitlines()
    assert csv_out[0].endswith(",flags")
    markdown = run("status", "--format", "markdown").out
    assert "- WEAK `no-owner`: 2 of its 3 open measures have no owner" in markdown
