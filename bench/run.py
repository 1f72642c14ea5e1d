"""Every figure of issue 13 next to its baseline, measured in the same run, as one table.

    python -m bench [--quick] [--runs N] [--postgres URL] [--rss-50k]

Run it with the interpreter of a virtualenv where the project is installed (`track` beside
it). It builds its own data in a temporary folder: generated postmortems in four styles
(`bench/corpus.py`), a database of 10,000 incidents with 100,000 items, and a GitHub fake
served over HTTP with 50 ms of latency on every request. Each figure and its baseline are whole
processes (or, for sync, whole request sequences) run in turns, median of `--runs`; the machine
is shared, so the ratios are what to read, not the seconds. `--quick` uses 1,000 files,
1,000 incidents and 100 synced items. PostgreSQL rows need `--postgres` (or
TRACK_BENCH_POSTGRES_URL); each run gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
# The installed package, not the source tree (which lacks tracker/migrations), from here on.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "sync")]  # the HTTP fakes

PYTHON = sys.executable
TRACK = Path(PYTHON).parent / "track"


@dataclass
class Row:
    figure: str
    measured: float
    baseline_label: str
    baseline: float
    limit: float  # the target: ratio at most this
    percent: bool = False  # show the ratio as a percentage

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline

    def cells(self) -> list[str]:
        ratio = f"{self.ratio:.1%}" if self.percent else f"{self.ratio:.2f}×"
        target = f"≤ {self.limit:.0%}" if self.percent else f"≤ {self.limit:g}×"
        verdict = "meets" if self.ratio <= self.limit else "misses"
        return [
            self.figure,
            _seconds(self.measured),
            f"{self.baseline_label}: {_seconds(self.baseline)}",
            ratio,
            target,
            verdict,
        ]


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


class Run:
    """A finished process: how long it took and its peak resident memory."""

    def __init__(self, seconds: float, peak_kib: int) -> None:
        self.seconds, self.peak_kib = seconds, peak_kib


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run a whole process, output discarded; fail loudly if it fails."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):  # 1: some files failed, still a full run
            err.seek(0)
            raise SystemExit(f"{command} failed:\n{err.read().decode()[-2000:]}")
    return Run(elapsed, usage.ru_maxrss)


def pairs(
    runs: int, baseline: Callable[[], float], measured: Callable[[], float]
) -> tuple[float, float]:
    """Medians of the two, run in turns so both meet the same load."""
    base, value = [], []
    for _ in range(runs):
        base.append(baseline())
        value.append(measured())
    return statistics.median(value), statistics.median(base)


def track_env(work: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACK_", "GITHUB_"))}
    return {**env, "TRACK_DATABASE_URL": url, "XDG_DATA_HOME": str(work / ".data")}


# -- ingest -----------------------------------------------------------------------------------


@dataclass
class IngestFigures:
    first: float
    again: float
    tokenize: float
    peak_mib: float


def ingest_figures(
    work: Path, folder: Path, runs: int, new_url: Callable[[], Iterator[str]]
) -> IngestFigures:
    tokenize = [PYTHON, str(ROOT / "bench" / "md_tokenize.py"), str(folder)]
    firsts, agains, tokens, peaks = [], [], [], []
    for _ in range(runs):
        tokens.append(run(tokenize).seconds)
        with contextmanager(new_url)() as url:
            env = track_env(work, url)
            first = run([str(TRACK), "ingest", str(folder)], env, cwd=work)
            again = run([str(TRACK), "ingest", str(folder)], env, cwd=work)
        firsts.append(first.seconds)
        agains.append(again.seconds)
        peaks.append(first.peak_kib / 1024)
    return IngestFigures(
        statistics.median(firsts), statistics.median(agains), statistics.median(tokens), max(peaks)
    )


def sqlite_urls(work: Path) -> Callable[[], Iterator[str]]:
    def new() -> Iterator[str]:
        path = work / f"ingest-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)

    return new


def postgres_urls(base: str) -> Callable[[], Iterator[str]]:
    from sqlalchemy import create_engine, text

    def new() -> Iterator[str]:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        separator = "&" if "?" in base else "?"
        try:
            yield f"{base}{separator}options=-csearch_path%3D{schema}"
        finally:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()

    return new


def peak_rss(work: Path, files: int) -> float:
    """Peak RSS (MiB) of a first ingest of `files` generated postmortems into a new SQLite."""
    folder = work / f"rss-{files}"
    write_corpus(folder, files)
    with contextmanager(sqlite_urls(work))() as url:
        return (
            run([str(TRACK), "ingest", str(folder)], track_env(work, url), cwd=work).peak_kib / 1024
        )


# -- status and item lists --------------------------------------------------------------------

ITEMS_SQL = (
    "SELECT i.key, a.text, a.owner, a.due, a.status FROM action_items a "
    "JOIN incidents i ON i.id = a.incident_id "
    "WHERE a.removed_at IS NULL AND a.status = 'open' ORDER BY a.due, i.key, a.position"
)


def status_rows(work: Path, incidents: int, runs: int) -> list[Row]:
    from bench import status_scale  # the 10-items-per-incident database

    status_scale.INCIDENTS = incidents
    path = work / "status.db"
    url = f"sqlite:///{path}"
    status_scale.build(url)
    today = dt.date.today().isoformat()
    group_by = status_scale.BARE_SQL.replace(":today", f"'{today}'")
    env = track_env(work, url)

    def sqlite3(sql: str) -> Callable[[], float]:
        return lambda: run(["sqlite3", str(path), sql]).seconds

    def track(*args: str) -> Callable[[], float]:
        return lambda: run([str(TRACK), "status", *args], env, cwd=work).seconds

    label = f"{incidents:,} incidents / {incidents * 10:,} items, SQLite"
    status, bare = pairs(runs, sqlite3(group_by), track("--format", "json"))
    items, select = pairs(runs, sqlite3(ITEMS_SQL), track("--items"))
    return [
        Row(f"`track status --format json`, {label}", status, "GROUP BY in sqlite3", bare, 3),
        Row("`track status --items`, same database", items, "SELECT in sqlite3", select, 3),
    ]


# -- start-up ---------------------------------------------------------------------------------


def help_row(work: Path, runs: int) -> Row:
    helped, typer = pairs(
        runs,
        lambda: run([PYTHON, "-c", "import typer"], cwd=work).seconds,
        lambda: run([str(TRACK), "--help"], cwd=work).seconds,
    )
    return Row("`track --help`", helped, '`python -c "import typer"`', typer, 2)


# -- sync -------------------------------------------------------------------------------------


def sync_row(work: Path, items: int) -> Row:
    """First sync of `items` measures against the GitHub fake, 50 ms on every request, no
    pacing; baseline: `items` bare POSTs of an issue to the same kind of server."""
    import requests
    from http_fake import Fault, serve_github

    folder = work / "sync" / "pm"
    folder.mkdir(parents=True)
    for number in range(items // 10):
        measures = "".join(f"- Measure {m} of incident {number}: add a check\n" for m in range(10))
        (folder / f"pm-{number:04}.md").write_text(
            f"---\nid: INC-{number}\n---\n# Outage {number}\n\n## Action items\n\n{measures}"
        )
    with serve_github() as server:
        server.add(Fault(times=None, delay=0.05, name="latency"))
        session = requests.Session()
        session.headers["Authorization"] = f"token {server.fake.token}"
        url = f"{server.fake.base}/repos/{server.fake.repo}/issues"
        start = time.perf_counter()
        for number in range(items):
            answer = session.post(url, json={"title": f"Measure {number}", "body": "x"}, timeout=10)
            answer.raise_for_status()
        bare = time.perf_counter() - start
    with serve_github() as server:
        server.add(Fault(times=None, delay=0.05, name="latency"))
        config = work / "sync" / "track.yaml"
        config.write_text(
            "targets:\n  - kind: github\n    name: gh\n"
            f"    repo: {server.fake.repo}\n    api_url: {server.fake.base}\n"
            "    token_env: GITHUB_TOKEN\n    write_interval_seconds: 0\n    timeout_seconds: 10\n"
        )
        env = {
            **track_env(work, f"sqlite:///{work / 'sync' / 'track.db'}"),
            "GITHUB_TOKEN": server.fake.token,
            "NO_PROXY": "127.0.0.1,localhost",
        }
        synced = run(
            [str(TRACK), "sync", str(folder), "--config", str(config)], env, cwd=work
        ).seconds
        server.wait_idle()
        created = len(server.fake.issues)
    if created != items:
        raise SystemExit(f"the sync created {created} issues of {items}")
    return Row(
        f"first sync of {items:,} items, fake with 50 ms latency, no pacing",
        synced,
        f"{items:,} bare POSTs",
        bare,
        1.1,
    )


# -- the table --------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    head = ["figure", "measured", "baseline in the same run", "ratio", "target", ""]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.platform()}, Python {platform.python_version()}, {cpus} cores, "
        f"load average {load} at the end"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: under 2 minutes")
    parser.add_argument("--runs", type=int, help="runs per figure (default: 3, quick: 1)")
    parser.add_argument("--postgres", default=os.environ.get("TRACK_BENCH_POSTGRES_URL"))
    parser.add_argument("--rss-50k", action="store_true", help="also peak RSS at 50,000 files")
    args = parser.parse_args()
    if not TRACK.exists():
        raise SystemExit(f"no `track` beside {PYTHON}: install the project in this environment")
    runs = args.runs or (1 if args.quick else 3)
    files, incidents, synced = (1000, 1000, 100) if args.quick else (10_000, 10_000, 1000)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="track-bench-") as tmp:
        work = Path(tmp)
        folder = work / "postmortems"
        write_corpus(folder, files)
        label = f"`track ingest` of {files:,} generated postmortems (~3 KB)"
        sqlite = ingest_figures(work, folder, runs, sqlite_urls(work))
        rows = [
            Row(
                f"{label}, new SQLite",
                sqlite.first,
                "tokenizing with markdown-it-py",
                sqlite.tokenize,
                1.5,
            ),
        ]
        if args.postgres:
            pg = ingest_figures(work, folder, runs, postgres_urls(args.postgres))
            rows.append(Row("the same into PostgreSQL", pg.first, "tokenizing", pg.tokenize, 2))
        rows.append(
            Row(
                "re-ingest unchanged (SQLite)",
                sqlite.again,
                "first ingest",
                sqlite.first,
                0.1,
                percent=True,
            )
        )
        rows += status_rows(work, incidents, runs)
        rows.append(help_row(work, max(runs, 5)))
        rows.append(sync_row(work, synced))
        memory = {files: sqlite.peak_mib}
        sizes = [1000] if args.quick else [1000, 10_000, *([50_000] if args.rss_50k else [])]
        for size in sizes:
            if size not in memory:
                memory[size] = peak_rss(work, size)
    print(table(rows))
    print()
    print("| files ingested | peak RSS of the `track ingest` process |\n|---:|---:|")
    for size, mib in sorted(memory.items()):
        print(f"| {size:,} | {mib:.0f} MiB |")
    print()
    took = time.perf_counter() - started
    print(f"Machine: {machine()}. Medians of {runs} run(s); whole run {took:.0f} s.")


if __name__ == "__main__":
    main()
