"""The conventions a command-line user expects: -h, completion, plain metavars, bounded
numbers, GH_TOKEN, a dry run that says what it would do (and plans locally when the tracker
cannot be asked), plain network errors, --verbose and --log-format json."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses
import typer.main
from fake_github import FakeGitHub, Fault

from tracker.cli import app

DOC = """---
id: INC-9
title: Checkout outage
---
## Action items

- Alert when checkout errors exceed 2% (owner: dana)
- [x] Roll back the bad deploy
"""


def every_command() -> list[list[str]]:
    group = typer.main.get_command(app)
    found: list[list[str]] = [[]]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.append([name])
        found += [[name, sub] for sub in getattr(command, "commands", {})]
    return found


@pytest.mark.parametrize("words", every_command(), ids=lambda w: " ".join(w) or "track")
def test_dash_h_is_help_everywhere_with_plain_metavars(run, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = run(*words, "-h")
    assert result.code == 0, result.err
    assert "Usage: track" in result.out
    assert "<bool>" not in result.out and "<str>" not in result.out
    assert "<float>" not in result.out and "<int>" not in result.out


def test_flags_and_values_show_what_they_take(run) -> None:  # type: ignore[no-untyped-def]
    sync = run("sync", "-h").out
    assert re.search(r"--dry-run\s+Print the plan", sync)
    assert re.search(r"--wait\s+SECONDS", sync) and re.search(r"--target\s+NAME", sync)
    assert re.search(r"--config\s+FILE", sync) and "[PATH]..." in sync
    status = run("status", "-h").out
    assert re.search(r"--fail-under\s+PCT", status) and re.search(r"--grace-days\s+DAYS", status)


def test_shell_completion_is_offered_and_installable(run) -> None:  # type: ignore[no-untyped-def]
    assert "--install-completion" in run("--help").out
    script = run("--show-completion", "bash")
    assert script.code == 0
    assert "_TRACK_COMPLETE" in script.out and "complete" in script.out


@pytest.mark.parametrize(
    "args",
    [
        ["--fail-under", "101"],
        ["--fail-under", "-1"],
        ["--grace-days", "-1"],
    ],
)
def test_numbers_out_of_range_are_usage_errors(run, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = run("status", *args)
    assert result.code == 2
    assert "Invalid value for" in result.err and "Traceback" not in result.err


# -- syncing ---------------------------------------------------------------------------------


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'track.db'}")
    monkeypatch.setenv("GH_TOKEN", "t0ken")
    (tmp_path / "pm").mkdir()
    (tmp_path / "pm" / "checkout.md").write_text(DOC)
    (tmp_path / "track.yaml").write_text(
        "sources: ['pm/*.md']\ntargets:\n  - {kind: github, name: gh, repo: acme/ops, "
        "write_interval_seconds: 0}\n"
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeGitHub(mock)


def test_csv_booleans_are_true_and_false(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    assert run("ingest").code == 0
    rows = csv.DictReader(io.StringIO(run("status", "--items", "--format", "csv").out))
    assert [row["overdue"] for row in rows] == ["false"]  # not Python's False


def test_dry_run_says_what_it_would_do(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    result = run("sync", "--dry-run")
    assert result.code == 0, result.err
    assert "gh: would create  [INC-9] Alert when checkout errors exceed 2%" in result.out
    assert "local plan" not in result.err
    assert all(method == "GET" for method, _ in github.log)


def test_dry_run_without_a_token_shows_the_local_plan(github: FakeGitHub, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GH_TOKEN")
    result = run("sync", "--dry-run")
    assert result.code == 0, result.err
    assert "gh: local plan, from the store only (the tracker was not asked: " in result.err
    assert "GH_TOKEN or GITHUB_TOKEN holds no GitHub token" in result.err
    assert "gh: would create  [INC-9] Alert when checkout errors exceed 2%" in result.out
    assert github.log == []
    assert json.loads(run("status", "--format", "json").out)["incidents"] == []  # nothing kept
    real = run("sync")  # without --dry-run, a missing token is still an error
    assert real.code == 2 and "holds no GitHub token" in real.err


def test_a_local_plan_knows_the_tickets_already_made(
    github: FakeGitHub, run, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    assert run("sync").code == 0
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(doc.read_text() + "- Page the on-call for checkout (owner: dana)\n")
    monkeypatch.delenv("GH_TOKEN")
    result = run("sync", "--dry-run")
    assert result.code == 0, result.err
    assert "local plan" in result.err
    assert [line.split("  ")[0] for line in result.out.splitlines() if "would" in line] == [
        "gh: would create"
    ]
    assert "Page the on-call" in result.out


def test_dry_run_without_a_network_shows_the_local_plan(github: FakeGitHub, run, sleeps) -> None:  # type: ignore[no-untyped-def]
    github.faults.append(Fault("GET", r"/issues$", reset=True, times=100))
    result = run("sync", "--dry-run", "--format", "json")
    assert result.code == 0, result.err
    [target] = json.loads(result.out)["targets"]
    assert target["local_plan"] == "cannot reach api.github.com: connection dropped"
    assert target["created"] == 2 and target["stopped"] is None


def test_a_network_failure_is_one_plain_line(github: FakeGitHub, run, sleeps) -> None:  # type: ignore[no-untyped-def]
    github.faults.append(Fault("GET", r"/issues$", reset=True, times=100))
    result = run("sync")
    assert result.code == 1
    assert "gh: stopped: gh: cannot reach api.github.com: connection dropped" in result.err
    assert "urllib3" not in result.err and "HTTPSConnectionPool" not in result.err


def test_verbose_says_what_each_request_does_and_never_the_token(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    result = run("sync", "--verbose")
    assert result.code == 0, result.err
    assert "gh: GitHub: list issues of acme/ops" in result.err
    assert "gh: GitHub: create an issue" in result.err
    assert "t0ken" not in result.err + result.out
    last = result.err.strip().splitlines()[-1]
    assert last.startswith(
        "track sync: 2 created, 0 updated, 0 unchanged, 0 completed, 0 failed;"
    ), last
    quiet = run("sync")  # without the option, the log stays off
    assert "GitHub:" not in quiet.err


def test_log_format_json_ends_with_a_summary_record(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    result = run("sync", "--log-format", "json")
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.err.strip().splitlines()]
    summary = records[-1]
    assert summary["level"] == "info" and summary["logger"] == "tracker.sync"
    assert summary["summary"]["created"] == 2 and summary["summary"]["exit_code"] == 0
    assert summary["message"].startswith("track sync: 2 created")
    again = run("sync", "--log-format", "json")  # nothing changed: one record, for cron logs
    assert again.out == ""
    [record] = [json.loads(line) for line in again.err.strip().splitlines()]
    assert record["summary"]["unchanged"] == 2 and record["summary"]["requests"] == 1


@pytest.mark.parametrize(
    ("message", "words"),
    [
        (
            "HTTPSConnectionPool(host='api.github.com', port=443): Max retries exceeded with url: "
            '/user (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object '
            "at 0x7f>: Failed to resolve 'api.github.com' ([Errno -3] Temporary failure in name "
            'resolution)"))',
            "name resolution failed",
        ),
        ("[Errno 111] Connection refused", "connection refused"),
        (
            "('Connection aborted.', RemoteDisconnected('Remote end closed connection'))",
            "connection dropped",
        ),
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
            "TLS failed (certificate or proxy)",
        ),
        ("something else entirely", "connection failed"),
    ],
)
def test_network_failures_in_words(message: str, words: str) -> None:
    import requests

    from tracker.connectors.retry import network_reason

    assert network_reason(requests.ConnectionError(message)) == words


def test_a_refused_connection_names_the_host(tmp_path: Path, run, monkeypatch, sleeps) -> None:  # type: ignore[no-untyped-def]
    """A real socket, no fake: nothing listens on port 9 of this machine."""
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'track.db'}")
    monkeypatch.setenv("GH_TOKEN", "t0ken")
    (tmp_path / "track.yaml").write_text(
        "targets: [{kind: github, name: gh, repo: acme/ops, api_url: 'http://127.0.0.1:9'}]\n"
    )
    result = run("doctor")
    assert result.code == 1
    assert "cannot reach 127.0.0.1: connection refused" in result.out
    assert "0x" not in result.out
