"""HTTP requests a sync costs, against a one-request-per-item baseline: GitHub and Jira.

    python bench/sync_requests.py [ITEMS]          # default 1,000 items in one repository/project

Runs the real engine and connectors against the fakes of the tests (requests are counted
there; GitHub writes paced 0 s apart so the run is quick). The baseline is what a tool that
asks the tracker about each item separately sends: one request per item per run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "sync")]

import responses  # noqa: E402
from fake_github import FakeGitHub  # noqa: E402
from fake_jira import FakeJira  # noqa: E402

from tracker.config import Config  # noqa: E402
from tracker.connectors import connect  # noqa: E402
from tracker.store.database import open_store  # noqa: E402
from tracker.store.ingest import ingest_paths  # noqa: E402
from tracker.sync.engine import SyncEngine  # noqa: E402


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
    os.environ.update(GITHUB_TOKEN="t0ken", JIRA_EMAIL="bot@acme.com", JIRA_API_TOKEN="t0ken")
    for kind in ("github", "jira"):
        report(kind, scenarios(kind, items, root, work / kind))


def scenarios(kind: str, items: int, root: Path, work: Path) -> list[tuple[str, int, int]]:
    work.mkdir()
    target = {"kind": "github", "name": "t", "repo": "acme/ops", "write_interval_seconds": 0}
    if kind == "jira":
        target = {
            "kind": "jira",
            "name": "t",
            "url": "https://acme.atlassian.net",
            "project": "OPS",
        }
    config = Config.model_validate({"targets": [target]})
    rows: list[tuple[str, int, int]] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeGitHub(mock) if kind == "github" else FakeJira(mock)
        fake.spec = None  # counting, not validating, here: the tests validate

        def run(url: str, label: str) -> None:
            store = open_store(url)
            ingest_paths(store, [root], root=root)
            before = fake.requests_made()
            SyncEngine(store, connect(config.targets[0]), config.targets[0], config.routing).run()
            rows.append((label, fake.requests_made() - before, items))
            store.close()

        url = f"sqlite:///{work / 'track.db'}"
        run(url, f"first sync, create {items}")
        run(url, "no-op sync")
        changed = 150
        for number in range(1, changed + 1):
            if isinstance(fake, FakeGitHub):
                fake.close(number)
            else:
                fake.transition(f"OPS-{number}", "Done", "Done")
        run(url, f"read back {changed} closed issues")
        run(f"sqlite:///{work / 'lost.db'}", "lost database: adopt all, create none")
    return rows


def report(kind: str, rows: list[tuple[str, int, int]]) -> None:
    print(f"{kind}: {'scenario':42} {'requests':>9} {'baseline':>9} {'ratio':>7}")
    for label, count, baseline in rows:
        print(f"{kind}: {label:42} {count:9} {baseline:9} {count / baseline:7.3f}")


if __name__ == "__main__":
    main()
