"""Exactly one ticket per measure, whatever happens: the real `track` process against GitHub and
Jira fakes served over HTTP (http_fake.py), killed at twenty moments, run four at a time, with a
tenth of its requests failing, with creates applied after it gave up, with its database lost,
and with postmortems renamed, moved and deleted. On SQLite and on PostgreSQL.

Every test ends by checking the invariants a team relies on: each measure has exactly one
ticket, no ticket lacks a measure, the status totals are right, and the token appears in no
output and nowhere in the database. With TRACK_FAULT_REPORT=FILE set, each test appends what
it did (kills, faults, duplicates) to FILE as a JSON line, for the benchmark notes.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_github import FakeGitHub
from fake_jira import FakeJira
from harness import (
    Finished,
    Measure,
    Track,
    credentials,
    find_secret,
    github_target,
    jira_target,
    tickets_by_measure,
    tickets_by_uid,
    write_config,
    write_postmortems,
)
from http_fake import (
    FakeServer,
    Fault,
    apply_later,
    kill,
    late_apply,
    latency,
    serve_github,
    serve_jira,
)
from sqlalchemy import create_engine, text

from tracker.marker import read_marker

WINDOW = 1.0  # unconfirmed_wait_seconds in these tests: long enough for an answer, short to wait
SETTLE = {"unconfirmed_wait_seconds": WINDOW}


def record(test: str, **figures: Any) -> None:
    path = os.environ.get("TRACK_FAULT_REPORT")
    if path:
        with open(path, "a") as out:
            out.write(json.dumps({"test": test, **figures}) + "\n")


class Run:
    """One test's world: a served fake, postmortems, a config, and every output seen."""

    def __init__(
        self,
        server: FakeServer[Any],
        folder: Path,
        db_url: str,
        target: dict[str, Any],
        sources: str = "pm/*.md",
    ):
        self.server = server
        self.folder = folder
        self.db_url = db_url
        self.config = write_config(folder, target, sources=sources)
        self.track = Track(folder, self.config, db_url, credentials(server.fake), timeout=120)
        self.outputs: list[str] = []
        self.kills = 0

    def sync(self, *args: str) -> Finished:
        done = self.track.run("sync", "--wait", "30", *args)
        self.outputs += [done.out, done.err]
        return done

    def killed_sync(self, fault_of: Any) -> Finished:
        """A sync SIGKILLed when the fault `fault_of(process.kill)` fires."""
        process = self.track.process("sync", "--wait", "30")
        fault: Fault = fault_of(process.kill)
        self.server.add(fault)
        done = process.start().wait()
        self.server.wait_idle()
        fault.times = 0  # a fault that never fired must not fire in a later run
        self.outputs += [done.out, done.err]
        self.kills += done.killed
        return done

    def settle(self, runs: int = 8) -> Finished:
        """Sync until a run ends with exit 0, waiting out the unconfirmed window in between."""
        for _ in range(runs):
            done = self.sync()
            if done.code == 0:
                return done
            assert done.code == 1, done.err
            time.sleep(WINDOW + 0.2)
        pytest.fail(f"no clean sync in {runs} runs:\n{done.out}\n{done.err}")

    def status(self) -> dict[str, Any]:
        """What `track status --format json` says (read in-process: a process each time is
        the suite's largest cost, and the command itself is tested elsewhere)."""
        from tracker.report.status import status_report
        from tracker.store.database import open_store

        store = open_store(self.db_url)
        try:
            with store.session(commit=False) as session:
                return status_report(session).as_json()
        finally:
            store.close()

    def check(self, measures: list[Measure], *, removed: list[Measure] = ()) -> None:  # type: ignore[assignment]
        """One ticket per measure (those removed from their postmortem keep theirs), none
        without one; the status totals and completion right; the token nowhere."""
        self.server.wait_idle()
        per_measure = tickets_by_measure(self.server.fake)
        duplicates = {m: n for m, n in per_measure.items() if n > 1}
        assert duplicates == {}, f"duplicate tickets: {duplicates}"
        wanted = set(measures) | set(removed)
        assert set(per_measure) == wanted, (
            f"lost: {wanted - set(per_measure)}; strays: {set(per_measure) - wanted}"
        )
        assert all(n == 1 for n in tickets_by_uid(self.server.fake).values())
        totals = self.status()["totals"]
        assert totals["total"] == len(measures)
        closed = closed_measures(self.server.fake) & set(measures)
        assert totals["done"] + totals["wont_do"] == len(closed)
        token = credentials(self.server.fake)["GITHUB_TOKEN" if self.github else "JIRA_API_TOKEN"]
        assert find_secret(token, self.outputs, database_url=self.db_url) == []

    @property
    def github(self) -> bool:
        return isinstance(self.server.fake, FakeGitHub)

    def faults_injected(self) -> int:
        return sum(1 for request in self.server.log if request.fault is not None)


@pytest.fixture(params=["github", "jira"])
def tracker(request: pytest.FixtureRequest) -> Iterator[FakeServer[Any]]:
    serve = serve_github if request.param == "github" else serve_jira
    with serve() as server:
        yield server


def closed_measures(fake: FakeGitHub | FakeJira) -> set[Measure]:
    """The measures whose ticket is closed (GitHub) or in a done status (Jira)."""
    from tracker.marker import PROPERTY, read_marker

    with fake.lock:
        if isinstance(fake, FakeGitHub):
            markers = [
                read_marker(i["body"]) for i in fake.issues.values() if i["state"] == "closed"
            ]
            return {Measure(m.incident, m.text) for m in markers if m is not None}
        done = [
            fake.properties.get(key, {}).get(PROPERTY)
            for key, issue in fake.issues.items()
            if issue["fields"]["status"]["statusCategory"]["key"] == "done"
        ]
        return {Measure(p["incident"], p["text"]) for p in done if isinstance(p, dict)}


def target_for(server: FakeServer[Any], **options: Any) -> dict[str, Any]:
    make = github_target if isinstance(server.fake, FakeGitHub) else jira_target
    return make(server, **{**SETTLE, **options})


def creates(server: FakeServer[Any]) -> str:
    return r"/issues$" if isinstance(server.fake, FakeGitHub) else r"/issue/bulk$"


def listing(server: FakeServer[Any]) -> tuple[str, str]:
    if isinstance(server.fake, FakeGitHub):
        return "GET", r"/issues$"
    return ("POST" if server.fake.cloud else "GET"), r"/search"


# -- kills ----------------------------------------------------------------------------------------


# Where each run is killed: (name, method, path, query, nth, after the request was applied).
# No run finishes until the end, so every listing is a full one: with 100 tickets or more, its
# second page is "mid-listing"; the read-back is the listing from a mark (`since=`).
BEFORE_ANY = ("before any request", "*", "", "", 1, False)
APPLIED = ("create applied, not recorded", "POST", r"/issues$", "", 12, True)
NOT_APPLIED = ("create sent, not applied", "POST", r"/issues$", "", 12, False)
MID_LISTING = ("mid-listing", "GET", r"/issues$", "", 2, False)
READ_BACK = ("mid-read-back", "GET", r"/issues$", "since=", 1, False)
KILLS = [
    BEFORE_ANY,
    *[APPLIED, NOT_APPLIED] * 6,
    MID_LISTING,
    APPLIED,
    MID_LISTING,
    READ_BACK,
    ("new measures: create applied", "POST", r"/issues$", "", 3, True),
    ("new measures: create not applied", "POST", r"/issues$", "", 3, False),
    READ_BACK,
]


def test_twenty_kills_spread_over_the_run_leave_one_ticket_per_measure(
    db_url: str, tmp_path: Path
) -> None:
    """~200 measures, and a sync SIGKILLed at twenty moments spread over the work: before any
    request, between a create being applied and being recorded, after a create was sent but
    before it was applied, on the second page of a listing, in the read-back after the writes.
    New measures are added before the last kills. Then the sync runs to its end."""
    with serve_github() as server:
        measures = write_postmortems(tmp_path / "pm", count=67, measures=3)
        run = Run(server, tmp_path, db_url, target_for(server))
        killed: list[str] = []
        missed: list[tuple[str, int, str]] = []  # moments that never came, and why the run ended
        added: list[Measure] = []
        for name, method, path, query, nth, applied in KILLS:
            if name.startswith("new measures") and not added:
                added = add_measures(tmp_path / "pm", count=10)  # once: twice is a second copy
                measures += added
            done = run.killed_sync(
                lambda k, m=method, p=path, q=query, n=nth, a=applied: kill(
                    k, m, p, query=q, nth=n, after_applying=a
                )
            )
            if done.killed:
                killed.append(name)
            else:
                assert done.code in (0, 1), done.err  # the moment never came: the run ended
                missed.append((name, done.code, (done.out + done.err)[-400:]))
        final = run.settle()
        assert "unconfirmed" not in final.out
        run.check(measures)
        assert len(killed) >= 20, missed
        record(
            "kills",
            db=db_url.split(":")[0],
            measures=len(measures),
            kills=len(killed),
            moments=sorted(set(killed)),
            requests=len(server.log),
            duplicates=0,
            lost=0,
        )


def add_measures(folder: Path, *, count: int) -> list[Measure]:
    """One new measure in each of the first `count` postmortems."""
    added = []
    for number in range(1, count + 1):
        path = folder / f"INC-{number:04}.md"
        text = f"Rehearse the rollback of outage {number} in staging"
        path.write_text(path.read_text() + f"- {text}\n")
        added.append(Measure(f"INC-{number:04}", text))
    return added


def test_a_kill_mid_bulk_on_jira_leaves_one_ticket_per_measure(db_url: str, tmp_path: Path) -> None:
    with serve_jira() as server:
        measures = write_postmortems(tmp_path / "pm", count=67, measures=3)
        run = Run(server, tmp_path, db_url, target_for(server))
        for nth, applied in ((1, True), (2, False), (1, False), (1, True)):
            run.killed_sync(
                lambda k, n=nth, a=applied: kill(
                    k, "POST", r"/issue/bulk$", nth=n, after_applying=a
                )
            )
            time.sleep(WINDOW / 4)
        run.settle()
        run.check(measures)
        assert run.kills == 4
        record("kills-jira", db=db_url.split(":")[0], measures=len(measures), kills=run.kills)


# -- concurrent runs --------------------------------------------------------------------------------


def test_four_syncs_started_together_make_one_ticket_per_measure(
    tracker: FakeServer[Any], db_url: str, tmp_path: Path
) -> None:
    """Four processes (on PostgreSQL as if from four hosts: four connections, one database):
    one syncs, the other three stop at once with the lock's exit code, 75."""
    measures = write_postmortems(tmp_path / "pm", count=20, measures=3)
    run = Run(tracker, tmp_path, db_url, target_for(tracker))
    method, path = listing(tracker)
    held = latency(60.0, method, path, nth=1)  # the winner's first listing waits for the others
    tracker.add(held)
    processes = [run.track.process("sync") for _ in range(4)]
    for process in processes:
        process.start()
    deadline = time.monotonic() + 60  # however slowly the machine starts them
    while sum(p.ended for p in processes) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    held.release.set()
    results = [process.wait() for process in processes]
    run.outputs += [r.out + r.err for r in results]
    codes = sorted(r.code for r in results)
    assert codes == [0, 75, 75, 75], [r.err for r in results]
    busy = [r.err.strip() for r in results if r.code == 75]
    assert all(line.startswith("error: another track sync is running") for line in busy)
    run.check(measures)
    waiting = [run.track.process("sync", "--wait", "60") for _ in range(4)]
    for process in waiting:
        process.start()
    assert [p.wait().code for p in waiting] == [0, 0, 0, 0]  # with --wait they take turns
    run.check(measures)
    record("concurrent", db=db_url.split(":")[0], tracker=type(tracker.fake).__name__, runs=8)


# -- a tenth of the requests failing, over cycles of edits and human closes ----------------------


def test_random_faults_over_edit_and_close_cycles_converge(
    tracker: FakeServer[Any], db_url: str, tmp_path: Path
) -> None:
    """A tenth of the requests fail (5xx, 5xx after applying, resets before and after applying,
    rate limits, latency), while postmortems gain and lose measures and people close tickets.
    Each cycle converges within four runs, with no duplicate and nothing lost."""
    measures = write_postmortems(tmp_path / "pm", count=30, measures=3)
    run = Run(tracker, tmp_path, db_url, target_for(tracker))
    runs = 0
    removed: list[Measure] = []
    for cycle in range(4):
        if cycle:
            human_closes(tracker, cycle)
            measures, gone = edit_postmortems(tmp_path / "pm", measures, cycle)
            removed += gone
        tracker.random_faults(seed=100 + cycle, rate=0.1)
        for attempt in range(1, 5):  # noqa: B007 (the message below names the count)
            runs += 1
            done = run.sync()
            if done.code == 0:
                break
            assert done.code == 1, done.err
            time.sleep(WINDOW + 0.2)
        assert done.code == 0, f"cycle {cycle} did not converge in {attempt} runs: {done.err}"
        tracker.random_faults(seed=0, rate=0.0)
        run.check(measures, removed=removed)
    assert run.faults_injected() >= 0.05 * len(tracker.log)
    record(
        "random-faults",
        db=db_url.split(":")[0],
        tracker=type(tracker.fake).__name__,
        runs=runs,
        requests=len(tracker.log),
        faults=run.faults_injected(),
        duplicates=0,
        lost=0,
    )


def human_closes(server: FakeServer[Any], cycle: int) -> int:
    """People close a few tickets: two as done, one as not planned."""
    fake = server.fake
    if isinstance(fake, FakeGitHub):
        open_numbers = sorted(n for n, i in fake.issues.items() if i["state"] == "open")
        chosen = open_numbers[cycle::7][:3]
        for position, number in enumerate(chosen):
            fake.close(number, "not_planned" if position == 2 else "completed")
        return len(chosen)
    assert isinstance(fake, FakeJira)
    open_keys = sorted(k for k, i in fake.issues.items() if i["fields"]["resolution"] is None)
    chosen = open_keys[cycle::7][:3]
    for position, key in enumerate(chosen):
        fake.transition(key, "Done", "Won't Do" if position == 2 else "Done")
    return len(chosen)


def edit_postmortems(
    folder: Path, measures: list[Measure], cycle: int
) -> tuple[list[Measure], list[Measure]]:
    """Three postmortems gain a measure, two lose their last one, four measures get an owner
    (an update of their tickets); the rest stay."""
    added, gone = [], []
    for offset in range(3):
        number = 3 * cycle + offset
        path = folder / f"INC-{number:04}.md"
        text = f"Review the paging policy after cycle {cycle}"
        path.write_text(path.read_text() + f"- {text}\n")
        added.append(Measure(f"INC-{number:04}", text))
    for number in (cycle + 20, cycle + 25):
        path = folder / f"INC-{number:04}.md"
        lines = path.read_text().splitlines(keepends=True)
        last = next(line for line in reversed(lines) if line.startswith("- "))
        path.write_text("".join(line for line in lines if line != last))
        gone.append(Measure(f"INC-{number:04}", last[2:].strip()))
    for number in range(4 * cycle, 4 * cycle + 4):
        path = folder / f"INC-{(number % 19) + 1:04}.md"
        lines = path.read_text().splitlines(keepends=True)
        first = next(i for i, line in enumerate(lines) if line.startswith("- "))
        if "(owner:" not in lines[first]:
            lines[first] = lines[first].rstrip("\n") + f" (owner: sam{cycle})\n"
        path.write_text("".join(lines))
    return [m for m in measures if m not in gone] + added, gone


# -- creates applied after the client gave up --------------------------------------------------------


@pytest.mark.parametrize("late", ["answer after the timeout", "reset now, applied later"])
def test_late_applied_creates_make_no_duplicate(
    tracker: FakeServer[Any], db_url: str, tmp_path: Path, late: str
) -> None:
    """GitHub: one create; Jira: a whole bulk of creates. The run that sent it waits; the next
    runs link what landed and succeed."""
    measures = write_postmortems(tmp_path / "pm", count=4, measures=3)
    run = Run(tracker, tmp_path, db_url, target_for(tracker, unconfirmed_wait_seconds=600))
    nth = 2 if isinstance(tracker.fake, FakeGitHub) else 1  # Jira: the one bulk of 12
    if late.startswith("answer"):  # 4 s against the client's 2 s timeout
        fault = late_apply(4.0, "POST", creates(tracker), nth=nth)
    else:  # reset at once, applied only when released below: no race with a slow machine
        fault = apply_later(120.0, "POST", creates(tracker), nth=nth)
    tracker.add(fault)
    first = run.sync()
    assert first.code == 1 and "unconfirmed" in first.out, first.out + first.err
    fault.release.set()
    tracker.wait_idle()  # the create lands now, long after the client gave up
    second = run.sync()
    assert second.code == 0, second.out + second.err
    third = run.sync()
    assert (third.code, third.out) == (0, "")
    run.check(measures)
    record(
        "late-creates",
        db=db_url.split(":")[0],
        tracker=type(tracker.fake).__name__,
        late=late,
        pending=first.out.count("unconfirmed"),
        duplicates=0,
    )


def test_a_create_landing_after_the_window_is_closed_as_a_duplicate(
    db_url: str, tmp_path: Path
) -> None:
    """A write held longer than unconfirmed_wait_seconds: the tool sends it again, the late one
    lands too, and the next run keeps the older ticket and closes the other as a duplicate."""
    with serve_github() as server:
        measures = write_postmortems(tmp_path / "pm", count=1, measures=3)
        run = Run(server, tmp_path, db_url, target_for(server, duplicates="close"))
        held = apply_later(120.0, "POST", r"/issues$", nth=1)  # held until released below
        server.add(held)
        assert run.sync().code == 1
        time.sleep(WINDOW + 0.2)
        assert run.sync().code == 0  # the window passed, no ticket found: sent again
        held.release.set()  # the first one lands after all, whatever the machine's speed
        server.wait_idle()
        report = run.sync()
        assert "duplicate" in report.out and report.code == 0, report.out + report.err
        fake: FakeGitHub = server.fake
        open_uids = Counter(
            marker.uid
            for issue in fake.issues.values()
            if issue["state"] == "open" and (marker := read_marker(issue["body"]))
        )
        assert len(fake.issues) == 4 and sorted(open_uids.values()) == [1, 1, 1]
        late = max(fake.issues)
        assert (fake.issues[late]["state"], fake.issues[late]["state_reason"]) == (
            "closed",
            "duplicate",
        )
        assert run.sync().code == 0
        assert run.status()["totals"]["total"] == len(measures)


# -- a lost database --------------------------------------------------------------------------------


def lose_database(db_url: str, tmp_path: Path) -> None:
    if db_url.startswith("sqlite"):
        for path in tmp_path.glob("track.db*"):
            path.unlink()
        return
    engine = create_engine(db_url)
    with engine.begin() as connection:
        tables = [
            row[0]
            for row in connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
        ]
        for table in tables:
            connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    engine.dispose()


def test_a_database_lost_after_a_full_sync_rebuilds_without_a_new_ticket(
    tracker: FakeServer[Any], db_url: str, tmp_path: Path
) -> None:
    measures = write_postmortems(tmp_path / "pm", count=10, measures=3)
    run = Run(tracker, tmp_path, db_url, target_for(tracker))
    run.settle()
    human_closes(tracker, 1)
    run.settle()
    before = run.status()["totals"]
    assert before["done"] == 2 and before["wont_do"] == 1
    lose_database(db_url, tmp_path)
    posts = tracker.count("POST", creates(tracker))
    again = run.settle()
    assert tracker.count("POST", creates(tracker)) == posts, again.out  # not one new ticket
    assert again.out.count(" adopted ") == len(measures)
    after = run.status()["totals"]
    assert (after["done"], after["wont_do"], after["total"]) == (
        before["done"],
        before["wont_do"],
        before["total"],
    )
    run.check(measures)


def test_a_database_lost_mid_way_makes_only_the_missing_tickets(
    db_url: str, tmp_path: Path
) -> None:
    with serve_github() as server:
        measures = write_postmortems(tmp_path / "pm", count=10, measures=3)
        run = Run(server, tmp_path, db_url, target_for(server))
        done = run.killed_sync(lambda k: kill(k, "POST", r"/issues$", nth=12, after_applying=True))
        assert done.killed
        lose_database(db_url, tmp_path)
        run.settle()
        run.check(measures)
        assert server.count("POST", r"/issues$") == len(measures)  # not one create twice


# -- postmortems renamed, moved, deleted; tickets they name -------------------------------------------


def test_renamed_moved_and_deleted_postmortems_and_named_tickets(
    tracker: FakeServer[Any], db_url: str, tmp_path: Path
) -> None:
    pm = tmp_path / "pm"
    pm.mkdir()
    docs = {
        "dns.md": ["Lower the DNS TTL before migrations", "Alert on resolver errors"],
        "cdn.md": ["Automate certificate renewal", "Page on certificate expiry"],
        "db.md": ["Test failover every quarter", "Add a replica lag alert"],
    }
    for name, texts in docs.items():
        (pm / name).write_text(
            f"# {name}\n\n## Action items\n\n" + "".join(f"- {t}\n" for t in texts)
        )
    run = Run(tracker, tmp_path, db_url, target_for(tracker), sources="pm/**/*.md")
    run.settle()
    first = len(tracker.fake.issues)
    (pm / "2024").mkdir()
    (pm / "dns.md").rename(pm / "2024" / "dns-outage.md")  # moved and renamed
    (pm / "cdn.md").unlink()  # deleted
    named = human_ticket(tracker)
    (pm / "db.md").write_text(
        (pm / "db.md").read_text() + f"- Rehearse the restore runbook ({named})\n"
    )
    done = run.settle()
    assert "pm/2024/dns-outage.md: moved from pm/dns.md" in done.out
    assert "pm/cdn.md: its postmortem file is gone" in done.out
    assert len(tracker.fake.issues) == first + 1  # only the person's ticket is new
    status = {row["id"]: row for row in run.status()["incidents"]}
    assert status["pm/cdn.md"]["file_removed"] is not None
    assert "pm/2024/dns-outage.md" in status and "pm/dns.md" not in status
    assert status["pm/db.md"]["total"] == 3
    remaining = [Measure(i, t) for i, t in identities(tracker)]
    assert len(remaining) == len(set(remaining)) == first
    person = named_ticket_state(tracker)
    assert person == ("Opened by hand." if isinstance(tracker.fake, FakeGitHub) else "By hand.")
    token = credentials(tracker.fake)["GITHUB_TOKEN" if run.github else "JIRA_API_TOKEN"]
    assert find_secret(token, run.outputs, database_url=db_url) == []


def human_ticket(server: FakeServer[Any]) -> str:
    """A ticket a person opened; the postmortem names it."""
    fake = server.fake
    with fake.lock:
        if isinstance(fake, FakeGitHub):
            fake._create({"title": "Restore drill", "body": "Opened by hand."})
            return str(fake.issues[max(fake.issues)]["html_url"])
        fake._bulk(
            {"issueUpdates": [{"fields": {"summary": "Restore drill", "description": "By hand."}}]}
        )
        return f"{fake.project}-{fake.counter}"


def named_ticket_state(server: FakeServer[Any]) -> str:
    """The body of the person's ticket: the tool never writes to it."""
    fake = server.fake
    if isinstance(fake, FakeGitHub):
        return str(fake.issues[max(fake.issues)]["body"])
    return str(fake.issues[f"{fake.project}-{fake.counter}"]["fields"]["description"])


def identities(server: FakeServer[Any]) -> list[tuple[str, str]]:
    from harness import _identities

    return [(incident, text) for _, incident, text in _identities(server.fake)]
