"""`track report` at scale: 10,000 incidents, 100,000 action items, each with a ticket and a
history of events, against `track status --format json` on the same database.

    python bench/report.py [DATABASE_URL]     # default: a new SQLite file in /tmp

Prints both commands' times (the real commands, in subprocesses, start-up included; best of
three, interleaved), their ratio (the goal: under 3), and the size of the page and of its CSV files.
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

from sqlalchemy import func, insert, select  # noqa: E402

from tracker.store.database import open_store  # noqa: E402
from tracker.store.schema import (  # noqa: E402
    ActionItem,
    Incident,
    ItemEvent,
    RemoteLink,
    SyncState,
    utcnow,
)

INCIDENTS = 10_000
ITEMS_EACH = 10
OWNERS = [f"engineer{n}" for n in range(300)] + [None] * 30
SERVICES = [f"service-{n}" for n in range(40)]
TEAMS = [f"team-{n}" for n in range(15)]


def build(url: str) -> None:
    store = open_store(url)
    rng = random.Random(11)
    now = utcnow()
    with store.engine.begin() as conn:
        conn.execute(insert(Incident), [_incident(n, rng, now) for n in range(INCIDENTS)])
        items, events, links = [], [], []
        for n in range(INCIDENTS * ITEMS_EACH):
            item, history = _item(n, rng, now)
            items.append(item)
            events += history
            links.append(
                {
                    "item_id": n + 1,
                    "target": "gh",
                    "kind": "github",
                    "remote_key": str(n + 1),
                    "url": f"https://github.com/acme/ops/issues/{n + 1}",
                    "remote_state": "closed" if item["status"] != "open" else "open",
                    "last_seen_at": now,
                    "origin": "created",
                }
            )
            if len(items) == 20_000:
                _flush(conn, items, events, links)
        _flush(conn, items, events, links)
        conn.execute(
            insert(SyncState),
            [{"target": "gh", "last_finished_at": now, "last_outcome": "ok"}],
        )
    store.close()


def _flush(conn, items: list, events: list, links: list) -> None:  # type: ignore[no-untyped-def,type-arg]
    if items:
        conn.execute(insert(ActionItem), items)
        conn.execute(insert(ItemEvent), events)
        conn.execute(insert(RemoteLink), links)
    items.clear()
    events.clear()
    links.clear()


def _incident(n: int, rng: random.Random, now: dt.datetime) -> dict[str, object]:
    return {
        "id": n + 1,
        "key": f"INC-{n:05}",
        "title": f"Incident {n}: {rng.choice(SERVICES)} degraded",
        "source_path": f"pm/{n}.md",
        "date": dt.date(2022, 1, 1) + dt.timedelta(days=n % 1700),
        "meta": {
            "severity": rng.choice(("SEV1", "SEV2", "SEV3")),
            "service": rng.choice(SERVICES),
            "team": rng.choice(TEAMS),
        },
        "created_at": now,
        "updated_at": now,
    }


def _item(n: int, rng: random.Random, now: dt.datetime) -> tuple[dict[str, object], list]:  # type: ignore[type-arg]
    status = rng.choice(("open", "open", "done", "done", "done", "wont_do"))
    created = now - dt.timedelta(days=rng.randrange(7, 200))
    item = {
        "id": n + 1,
        "uid": f"{n:016x}",
        "incident_id": n // ITEMS_EACH + 1,
        "position": n % ITEMS_EACH,
        "text": f"Measure {n}: add an alert for the {rng.choice(SERVICES)} error rate",
        "fingerprint": f"measure {n}",
        "owner": rng.choice(OWNERS),
        "status": status,
        "status_source": "document",
        "due": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(1400)),
        "status_changed_at": now,
        "created_at": created,
        "updated_at": now,
    }
    history = [
        {"item_id": n + 1, "at": created, "kind": "created", "new_status": "open", "source": "doc"}
    ]
    if status != "open":
        closed = created + (now - created) * rng.random()
        history.append(
            {
                "item_id": n + 1,
                "at": closed,
                "kind": "status",
                "old_status": "open",
                "new_status": status,
                "source": "gh",
            }
        )
    return item, history


def _empty(url: str) -> bool:
    store = open_store(url)
    with store.engine.connect() as conn:
        count = conn.execute(select(func.count(Incident.id))).scalar_one()
    store.close()
    return count == 0


def best_of(runs: int, command: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/report.db"
    start = time.perf_counter()
    if _empty(url):  # a database this script built before is timed again as it is
        build(url)
        print(
            f"built {INCIDENTS:,} incidents, {INCIDENTS * ITEMS_EACH:,} items with tickets and "
            f"events in {time.perf_counter() - start:.1f} s"
        )
    env = {**os.environ, "TRACK_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    track = [sys.executable, "-m", "tracker"]
    page = Path(tempfile.mkdtemp()) / "report.html"
    status = report = float("inf")
    for _ in range(3):  # interleaved, so a busy moment of the machine slows both alike
        status = min(status, best_of(1, [*track, "status", "--format", "json"], env))
        report = min(report, best_of(1, [*track, "report", "--output", str(page)], env))
    print(f"track status --format json: {status:6.2f} s")
    print(f"track report:               {report:6.2f} s   ratio {report / status:.2f}")
    for path in sorted(page.parent.iterdir()):
        print(f"  {path.name}: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
