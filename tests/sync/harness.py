"""Run the real, installed `track` command against the HTTP fakes, and look at what it left.

    from harness import Track, credentials, github_target, write_config, write_postmortems
    from harness import find_secret, tickets_by_measure
    from http_fake import kill, serve_github

    with serve_github() as server:
        measures = write_postmortems(tmp_path / "pm", count=200)      # [Measure(incident, text)]
        config = write_config(tmp_path, github_target(server))         # 2 s timeout, no pacing
        track = Track(tmp_path, config, db_url, credentials(server.fake))

        process = track.process("sync")          # not started: its kill can go into a fault first
        server.add(kill(process.kill, "POST", r"/issues$", nth=5, after_applying=True))
        assert process.start().wait().killed     # Finished(code, out, err, killed)
        server.wait_idle()
        done = track.run("sync", "--wait", "10")  # PostgreSQL frees a dead run's lock a bit late
        assert done.code == 0, done.err
        assert tickets_by_measure(server.fake) == Counter(measures)   # one ticket per measure
        assert find_secret("t0ken", [done.out, done.err], database_url=db_url) == []

`Track` runs `track` from the interpreter's own folder (where scripts/check installed the wheel;
the test skips when it is not there) in `cwd`, with `--config`, `TRACK_DATABASE_URL` and the
given variables, and nothing from the test's environment that could change what it does
(TRACK_*, GITHUB_*, JIRA_*, proxies). A run that outlives `timeout` is killed and fails the
test with what it printed. `tickets_by_uid` counts tickets per marker uid (GitHub: the body's
`<!-- track:item ... -->`; Jira: the `track.item` property); `tickets_by_measure` per
(incident, text), which also shows duplicates that carry different uids.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from fake_github import FakeGitHub
from fake_jira import FakeJira
from http_fake import FakeServer

from tracker.marker import PROPERTY, read_marker

TRACK = Path(sys.executable).parent / "track"
_DROPPED = ("TRACK_", "GITHUB_", "GHE_", "JIRA_")  # config, database, tokens
_PROXIES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str
    killed: bool = False  # ended by SIGKILL


@dataclass
class Process:
    """One `track` run, started with `start()`; `kill()` may be called from any thread."""

    args: list[str]
    cwd: Path
    env: dict[str, str]
    timeout: float
    popen: subprocess.Popen[str] | None = field(default=None, repr=False)

    def start(self) -> Process:
        self.popen = subprocess.Popen(
            self.args,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None, "the process was not started"
        return self.popen.pid

    @property
    def ended(self) -> bool:
        assert self.popen is not None, "the process was not started"
        return self.popen.poll() is not None

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no clean-up, no flush."""
        os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> Finished:
        assert self.popen is not None, "the process was not started"
        try:
            out, err = self.popen.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            out, err = self.popen.communicate()
            pytest.fail(f"track {self.args[1:]} ran past {self.timeout} s\n{out}\n{err}")
        code = self.popen.returncode
        return Finished(code, out, err, killed=code == -signal.SIGKILL)


@dataclass
class Track:
    """How to run `track` for one test: folder, config file, database, extra environment."""

    cwd: Path
    config: Path
    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 60

    def process(self, *args: str) -> Process:
        if not TRACK.exists():
            pytest.skip(f"no installed `track` beside {sys.executable}: run it via scripts/check")
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(_DROPPED) and k.lower() not in _PROXIES
        }
        environment.update(
            TRACK_DATABASE_URL=self.database_url,
            NO_PROXY="127.0.0.1,localhost",
            XDG_DATA_HOME=str(self.cwd / ".data"),  # a default SQLite file would land here
            **self.env,
        )
        command = [str(TRACK), *args, "--config", str(self.config)]
        return Process(command, self.cwd, environment, self.timeout)

    def start(self, *args: str) -> Process:
        return self.process(*args).start()

    def run(self, *args: str) -> Finished:
        return self.start(*args).wait()


# -- configuration and postmortems -----------------------------------------------------------


def github_target(server: FakeServer[FakeGitHub], **options: Any) -> dict[str, Any]:
    """A target for the served FakeGitHub: fast (no pacing, 2 s timeout) unless `options` say."""
    return {
        "kind": "github",
        "name": "gh",
        "repo": server.fake.repo,
        "api_url": server.fake.base,
        "token_env": "GITHUB_TOKEN",
        "timeout_seconds": 2,
        "write_interval_seconds": 0,
        "max_wait_seconds": 30,
        **options,
    }


def jira_target(server: FakeServer[FakeJira], **options: Any) -> dict[str, Any]:
    return {
        "kind": "jira",
        "name": "jira",
        "url": server.fake.url,
        "project": server.fake.project,
        "auth": "basic" if server.fake.cloud else "bearer",
        "timeout_seconds": 2,
        "max_wait_seconds": 30,
        **options,
    }


def credentials(fake: FakeGitHub | FakeJira) -> dict[str, str]:
    """The environment variables the targets above read their secrets from."""
    if isinstance(fake, FakeGitHub):
        return {"GITHUB_TOKEN": fake.token}
    user, token = fake.credentials
    return {"JIRA_API_TOKEN": token, **({"JIRA_EMAIL": user} if fake.cloud else {})}


def write_config(folder: Path, *targets: dict[str, Any], sources: str = "pm/*.md") -> Path:
    """`folder/track.yaml` with these targets (everything routed to the first)."""
    path = folder / "track.yaml"
    config = {"sources": [sources], "targets": list(targets)}
    path.write_text(json.dumps(config, indent=2) + "\n")  # JSON is YAML
    return path


class Measure(NamedTuple):
    incident: str
    text: str


_WHAT = (
    "Add an alert",
    "Write a runbook",
    "Build a dashboard",
    "Run a load test",
    "Set up a canary",
    "Add a rate limiter",
    "Automate a backup check",
)
_WHERE = ("checkout", "payments", "search", "login", "queue", "cache", "CDN", "DNS", "billing")


def write_postmortems(folder: Path, *, count: int, measures: int = 3) -> list[Measure]:
    """`count` postmortems (INC-0001...) with `measures` distinct open measures each."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Measure] = []
    for number in range(1, count + 1):
        incident = f"INC-{number:04}"
        texts = [
            f"{_WHAT[m % len(_WHAT)]} for the {_WHERE[(number + m) % len(_WHERE)]} "
            f"service, step {m + 1} after outage {number}"
            for m in range(measures)
        ]
        items = "".join(f"- {text}\n" for text in texts)
        (folder / f"{incident}.md").write_text(
            f"---\nid: {incident}\ntitle: Outage {number}\ndate: 2024-08-20\n---\n"
            f"# Outage {number}\n\n## Corrective and preventative measures\n\n{items}"
        )
        written += [Measure(incident, text) for text in texts]
    return written


# -- what the tracker holds --------------------------------------------------------------------


def _identities(fake: FakeGitHub | FakeJira) -> list[tuple[str, str, str]]:
    """(uid, incident, text) of every ticket carrying the tool's identity."""
    with fake.lock:
        if isinstance(fake, FakeGitHub):
            markers = [read_marker(issue.get("body")) for issue in fake.issues.values()]
            return [(m.uid, m.incident, m.text) for m in markers if m is not None]
        found = [props.get(PROPERTY) for props in fake.properties.values()]
        return [(p["uid"], p["incident"], p["text"]) for p in found if isinstance(p, dict)]


def tickets_by_uid(fake: FakeGitHub | FakeJira) -> Counter[str]:
    """How many tickets carry each uid (GitHub: the body's marker; Jira: `track.item`)."""
    return Counter(uid for uid, _, _ in _identities(fake))


def tickets_by_measure(fake: FakeGitHub | FakeJira) -> Counter[Measure]:
    """How many tickets carry each (incident, text): duplicates show even with distinct uids."""
    return Counter(Measure(incident, text) for _, incident, text in _identities(fake))


# -- secrets -------------------------------------------------------------------------------


def find_secret(
    secret: str, texts: Sequence[str] = (), *, database_url: str | None = None
) -> list[str]:
    """Where `secret` appears: in one of `texts` (outputs, logs), in the SQLite file and its
    journals, or in any column of the PostgreSQL schema the URL selects. [] when nowhere."""
    found = [f"text {i}" for i, text in enumerate(texts) if secret in text]
    if database_url is None:
        return found
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return found + _in_sqlite_files(secret, Path(url.database or ""))
    return found + _in_postgres(secret, database_url)


def _in_sqlite_files(secret: str, path: Path) -> list[str]:
    files = [path, *(path.with_name(path.name + end) for end in ("-wal", "-journal", "-shm"))]
    return [f.name for f in files if f.exists() and secret.encode() in f.read_bytes()]


def _in_postgres(secret: str, database_url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            columns = conn.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() ORDER BY table_name, column_name"
                )
            ).all()
            return [
                f"{table}.{column}"
                for table, column in columns
                if conn.execute(
                    text(
                        f'SELECT count(*) FROM "{table}" WHERE strpos(CAST("{column}" AS text), :s) > 0'
                    ),
                    {"s": secret},
                ).scalar()
            ]
    finally:
        engine.dispose()


def as_texts(*values: Any) -> list[str]:
    """JSON of each value (a fake's issues, its log): texts for `find_secret`."""
    return [json.dumps(value, default=str) for value in values]
