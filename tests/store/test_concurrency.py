"""Two ingests at once on one database end as one ingest does: no duplicates, nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from tracker.store.database import Store
from tracker.store.schema import ActionItem, Incident, ItemEvent

FILES = 12
ITEMS = 5

SCRIPT = """
import sys
from pathlib import Path
from tracker.store.database import open_store
from tracker.store.ingest import ingest_paths
store = open_store(sys.argv[1])
root = Path(sys.argv[2])
report = ingest_paths(store, [root], root=root)
assert not report.failed, [f.error for f in report.failed]
store.close()
"""


def write_postmortems(root: Path) -> None:
    root.mkdir()
    for number in range(FILES):
        measures = "".join(
            f"- Measure {m} of incident {number}: add a check\n" for m in range(ITEMS)
        )
        front = f"---\nid: INC-{number}\n---\n" if number % 2 else ""
        (root / f"pm-{number:02}.md").write_text(
            f"{front}# Incident {number}\n\n## Action items\n\n{measures}"
        )


def run_together(url: str, root: Path, processes: int) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    running = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, url, str(root)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for process in running:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err


def test_concurrent_ingests_end_in_the_state_of_one(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "pm"
    write_postmortems(root)
    run_together(db_url, root, processes=3)
    with store.session() as session:
        assert session.scalar(select(func.count(Incident.id))) == FILES
        assert session.scalar(select(func.count(ActionItem.id))) == FILES * ITEMS
        texts = session.execute(select(ActionItem.incident_id, ActionItem.text)).all()
        assert len(set(texts)) == FILES * ITEMS
        created = session.scalar(
            select(func.count(ItemEvent.id)).where(ItemEvent.kind == "created")
        )
        assert created == FILES * ITEMS

    # Edit every file and ingest concurrently again: still one item per measure.
    for path in root.glob("*.md"):
        path.write_text(
            path.read_text().replace("add a check", "add a health check") + "- One more measure\n"
        )
    run_together(db_url, root, processes=2)
    with store.session() as session:
        assert session.scalar(select(func.count(ActionItem.id))) == FILES * (ITEMS + 1)
        assert (
            session.scalar(
                select(func.count(ActionItem.id)).where(ActionItem.removed_at.is_not(None))
            )
            == 0
        )


def test_first_use_by_several_processes_migrates_once(db_url: str, tmp_path: Path) -> None:
    """Cron jobs starting together on a new database: one migrates, the others wait, all ingest."""
    root = tmp_path / "pm"
    write_postmortems(root)
    run_together(db_url, root, processes=3)
    from tracker.store.database import open_store

    store = open_store(db_url)
    try:
        with store.session() as session:
            assert session.scalar(select(func.count(ActionItem.id))) == FILES * ITEMS
    finally:
        store.close()
