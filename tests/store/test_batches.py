"""A large ingest: parsed in worker processes, written many files to a transaction, with the
per-file promises of a small one (a bad file fails alone, items keep their identity)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.parse.document import DEFAULT_SETTINGS, parse_text
from tracker.store import parsing
from tracker.store.database import Store
from tracker.store.ingest import BATCH, ingest_paths
from tracker.store.parsing import Job, parse_jobs
from tracker.store.schema import ActionItem, Incident, ItemEvent

FILES = BATCH + 60  # more than one batch, and enough files for worker processes
MEASURES = 3


def write_postmortems(root: Path) -> None:
    root.mkdir()
    for number in range(FILES):
        measures = "".join(
            f"- Measure {m} of incident {number}: add a check (owner: @dana)\n"
            for m in range(MEASURES)
        )
        front = f"---\nid: INC-{number}\n---\n" if number % 3 == 0 else ""
        (root / f"pm-{number:03}.md").write_text(
            f"{front}# Incident {number}\n\n## Action items\n\n{measures}"
        )


@pytest.fixture
def many_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes even on a one-core machine."""
    monkeypatch.setattr(parsing, "usable_cores", lambda: 2)


@pytest.mark.usefixtures("many_cores")
def test_workers_parse_as_this_process_does(tmp_path: Path) -> None:
    root = tmp_path / "pm"
    write_postmortems(root)
    paths = sorted(root.glob("*.md"))
    jobs = [Job(path.name, path, root) for path in paths]
    parsed = list(parse_jobs(jobs, DEFAULT_SETTINGS, expected=len(jobs)))
    assert [p.key for p in parsed] == [path.name for path in paths]  # in order
    for path, result in zip(paths, parsed, strict=True):
        assert result.doc == parse_text(path.read_text(), path.name)


@pytest.mark.usefixtures("many_cores")
def test_a_large_ingest_keeps_the_promises_of_a_small_one(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "pm"
    write_postmortems(root)
    (root / "pm-010.md").write_bytes(b"\x00\x01binary")  # unreadable: fails alone
    (root / "pm-150.md").write_text("---\nid: INC-3\n---\n## Action items\n\n- Its own measure\n")
    report = ingest_paths(store, [root], root=root)
    failed = {f.path: f.error for f in report.failed}
    assert set(failed) == {"pm-010.md", "pm-150.md"}
    assert "already used by pm-003.md" in str(failed["pm-150.md"])
    stored = FILES - 2
    with store.session() as session:
        assert session.scalar(select(func.count(Incident.id))) == stored
        assert session.scalar(select(func.count(ActionItem.id))) == stored * MEASURES
        uids = dict(session.execute(select(ActionItem.text, ActionItem.uid)).all())
        assert session.scalar(select(func.count(ItemEvent.id))) == stored * MEASURES

    # Every file edited: a reworded measure keeps its item, a new one is new.
    for path in root.glob("pm-*.md"):
        if path.name not in failed:
            text = path.read_text().replace("add a check", "add a health check")
            path.write_text(text + "- One more measure\n")
    again = ingest_paths(store, [root], root=root)
    assert again.count("updated") == stored * MEASURES
    assert again.count("created") == stored
    with store.session() as session:
        for text, uid in session.execute(select(ActionItem.text, ActionItem.uid)):
            if "health check" in text:
                assert uids[text.replace("add a health check", "add a check")] == uid
    assert {f.outcome for f in ingest_paths(store, [root], root=root).files} == {
        "unchanged",
        "failed",
    }
