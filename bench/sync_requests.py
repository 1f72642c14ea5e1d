"""HTTP requests a GitHub sync costs, against a one-request-per-item baseline.

    python bench/sync_requests.py [ITEMS]          # default 1,000 items in one repository

Runs the real engine and GitHub connector against the fake GitHub of the tests (requests are
counted there), writes paced 0 s apart so the run is quick. The baseline is what a tool that
asks GitHub about each item separately sends: one request per item per run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import responses  # noqa: E402
from fake_github import FakeGitHub  # noqa: E402

from connectors import connect  # noqa: E402
from tracker.config import Config  # noqa: E402
from tracker.db import open_store  # noqa: E402
from tracker.ingest import ingest_paths  # noqa: E402
from tracker.sync import SyncEngine  # noqa: E402


def main() -> None:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    work = Path(tempfile.mkdtemp())
    root = work / "pm"
    root.mkdir()
    per_file = 10
    for number in range(items // per_file):
        measures = "".join(
            f"- Measure {m} of incident {number}: add a check\n" for m in range(per_file)
        )
        text = f"---\nid: INC-{number}\n---\n## Action items\n{measures}"
        (root / f"pm-{number:04}.md").write_text(text)
    os.environ["GITHUB_TOKEN"] = "t0ken"
    config = Config.model_validate(
        {
            "targets": [
                {"kind": "github", "name": "gh", "repo": "acme/ops", "write_interval_seconds": 0}
            ],
            "routing": {"default": "gh"},
        }
    )
    target = config.targets[0]
    rows: list[tuple[str, int, int]] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github = FakeGitHub(mock)
        github.spec = None  # counting, not validating, here: the tests validate

        def run(url: str, label: str, baseline: int) -> None:
            store = open_store(url)
            ingest_paths(store, [root], root=root)
            before = github.requests_made()
            SyncEngine(store, connect(target), target, config.routing).run()
            rows.append((label, github.requests_made() - before, baseline))
            store.close()

        url = f"sqlite:///{work / 'track.db'}"
        run(url, f"first sync, create {items}", items)
        run(url, "no-op sync", items)
        changed = 150
        for number in range(1, changed + 1):
            github.close(number)
        run(url, f"read back {changed} closed issues", items)
        run(f"sqlite:///{work / 'lost.db'}", "lost database: adopt all, create none", items)
    print(f"{'scenario':42} {'requests':>9} {'baseline':>9} {'ratio':>7}")
    for label, count, baseline in rows:
        print(f"{label:42} {count:9} {baseline:9} {count / baseline:7.3f}")


if __name__ == "__main__":
    main()
