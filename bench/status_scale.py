"""`track status` at scale: 10,000 incidents with 100,000 action items.

    python bench/status_scale.py [DATABASE_URL]     # default: a new SQLite file in /tmp

Builds the database, then prints the time of `track status --format json` (the real command,
in a subprocess, start-up included; and the library call alone) next to the time of the bare
SQL aggregation on the same database, as ratios.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from sqlalchemy import insert, text  # noqa: E402

from tracker.report.render import render_status  # noqa: E402
from tracker.report.status import status_report  # noqa: E402
from tracker.store.database import open_store  # noqa: E402
from tracker.store.schema import ActionItem, Incident, utcnow  # noqa: E402

INCIDENTS = 10_000
ITEMS_EACH = 10

BARE_SQL = """
SELECT i.key, count(a.id),
       sum(CASE WHEN a.status = 'done' THEN 1 ELSE 0 END),
       sum(CASE WHEN a.status = 'wont_do' THEN 1 ELSE 0 END),
       sum(CASE WHEN a.status = 'open' THEN 1 ELSE 0 END),
       sum(CASE WHEN a.status = 'open' AND a.due < :today THEN 1 ELSE 0 END)
FROM incidents i LEFT JOIN action_items a ON a.incident_id = i.id AND a.removed_at IS NULL
GROUP BY i.id, i.key
"""


def build(url: str) -> None:
    store = open_store(url)
    rng = random.Random(7)
    now = utcnow()
    with store.engine.begin() as conn:
        conn.execute(
            insert(Incident),
            [
                {
                    "id": n + 1,
                    "key": f"INC-{n:05}",
                    "title": f"Incident {n}",
                    "source_path": f"pm/{n}.md",
                    "date": dt.date(2020, 1, 1) + dt.timedelta(days=n % 1500),
                    "meta": {},
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(INCIDENTS)
            ],
        )
        rows = []
        for n in range(INCIDENTS * ITEMS_EACH):
            rows.append(
                {
                    "uid": f"{n:016x}",
                    "incident_id": n // ITEMS_EACH + 1,
                    "position": n % ITEMS_EACH,
                    "text": f"Measure {n}",
                    "fingerprint": f"measure {n}",
                    "status": rng.choice(("open", "open", "done", "done", "done", "wont_do")),
                    "status_source": "document",
                    "due": dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(1000)),
                    "status_changed_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(rows) == 20_000:
                conn.execute(insert(ActionItem), rows)
                rows = []
        if rows:
            conn.execute(insert(ActionItem), rows)
    store.close()


def best_of(runs: int, work) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/scale.db"
    start = time.perf_counter()
    build(url)
    print(
        f"built {INCIDENTS:,} incidents, {INCIDENTS * ITEMS_EACH:,} items "
        f"in {time.perf_counter() - start:.1f} s"
    )

    store = open_store(url)
    today = dt.date.today()
    with store.engine.connect() as conn:
        bare = best_of(5, lambda: conn.execute(text(BARE_SQL), {"today": today}).all())

    def library() -> None:
        with store.session() as session:
            render_status(status_report(session), "json")

    lib = best_of(5, library)
    store.close()
    env = {**os.environ, "TRACK_DATABASE_URL": url, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    track = [sys.executable, "-m", "tracker"]

    def cli(*args: str, runs: int = 3) -> tuple[float, int]:
        """Best wall time of the command, and its peak RSS in MiB (from the last run)."""
        peak = [0]

        def once() -> None:  # GNU time prints the peak resident set (KiB) as the last line
            done = subprocess.run(
                ["/usr/bin/time", "-f", "%M", *track, *args],
                env=env,
                check=True,
                capture_output=True,
            )
            peak[0] = int(done.stderr.decode().strip().splitlines()[-1]) // 1024

        return best_of(runs, once), peak[0]

    print(f"bare SQL aggregation:            {bare * 1000:7.0f} ms")
    print(f"status_report + JSON (library):  {lib * 1000:7.0f} ms  ratio {lib / bare:.2f}")
    for label, args in (
        ("track status --format json", ("status", "--format", "json")),
        ("track status (table, 120 cols)", ("status",)),
        ("track status --by owner", ("status", "--by", "owner")),
        ("track status --items --format json", ("status", "--items", "--format", "json")),
        ("track status --items --format csv", ("status", "--items", "--format", "csv")),
        ("track status --items (table)", ("status", "--items")),
        ("track digest --format json", ("digest", "--format", "json")),
    ):
        took, peak = cli(*args)
        print(f"{label:36} {took * 1000:6.0f} ms  ratio {took / bare:5.1f}  peak {peak} MiB")


if __name__ == "__main__":
    main()
