"""`track sync` end to end against a fake GitHub held to GitHub's OpenAPI description."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import responses
from fake_github import FakeGitHub, Fault

DOC = """---
id: INC-9
title: Checkout outage
date: 2024-08-20
---
## Corrective and preventative measures

1. [P1] Alert when checkout errors exceed 2% (owner: dana) [detect]
2. Add a circuit breaker in front of the payment provider
3. [x] Roll back the bad deploy
"""


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("TRACK_DATABASE_URL", db_url)
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    (tmp_path / "pm").mkdir()
    (tmp_path / "pm" / "checkout.md").write_text(DOC)
    write_config(tmp_path)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeGitHub(mock)


def write_config(folder: Path, **target: object) -> None:
    options = {
        "write_interval_seconds": 0,
        "max_wait_seconds": 30,
        "owners": {"dana": "dana-gh"},
        **target,
    }
    lines = [f"    {k}: {json.dumps(v)}" for k, v in options.items()]
    (folder / "track.yaml").write_text(
        "sources: ['pm/*.md']\ntargets:\n  - kind: github\n    name: gh\n    repo: acme/ops\n"
        + "\n".join(lines)
        + "\nrouting:\n  default: gh\n"
    )


def sync(run, *args: str):  # type: ignore[no-untyped-def]
    return run("sync", *args)


def summary(run) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result = run("sync", "--format", "json")
    assert result.code in (0, 1), result.err
    return json.loads(result.out)["targets"][0]  # type: ignore[no-any-return]


def test_first_sync_creates_issues_and_a_second_sync_costs_at_most_two_requests(
    github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    first = sync(run)
    assert first.code == 0, first.err
    assert len(github.issues) == 3
    alert = github.issues[1]
    assert alert["title"] == "[INC-9] Alert when checkout errors exceed 2%"
    assert {label["name"] for label in alert["labels"]} == {
        "postmortem-action",
        "priority:P1",
        "type:detect",
    }
    assert [a["login"] for a in alert["assignees"]] == ["dana-gh"]
    assert '<!-- track:item {"uid": ' in alert["body"]
    assert (github.issues[3]["state"], github.issues[3]["state_reason"]) == ("closed", "completed")
    assert "gh: created https://github.com/acme/ops/issues/1" in first.out

    before = github.requests_made()
    second = sync(run)
    assert (second.code, second.out, second.err) == (0, "", "")  # quiet: nothing changed
    assert github.requests_made() - before <= 2


def test_document_edits_update_the_tool_section_only(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sync(run)
    github.edit(
        2,
        body="Notes from the team.\n\n" + github.issues[2]["body"],
        title="Circuit breaker for payments",
    )
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(
        doc.read_text().replace("payment provider", "payment service provider").replace("2%", "1%")
    )
    result = sync(run)
    assert result.code == 0, result.err
    assert "updated" in result.out
    assert github.issues[1]["title"] == "[INC-9] Alert when checkout errors exceed 1%"
    assert github.issues[2]["title"] == "Circuit breaker for payments"  # renamed by a person: kept
    assert github.issues[2]["body"].startswith("Notes from the team.")
    assert (
        "> Add a circuit breaker in front of the payment service provider"
        in github.issues[2]["body"]
    )
    assert len(github.issues) == 3


def test_completion_not_planned_and_reopen_come_back(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    sync(run)
    github.close(1, "completed")
    github.close(2, "not_planned")
    counts = summary(run)
    assert (counts["completed"], counts["wont_do"]) == (1, 1)
    status = json.loads(run("status", "--format", "json").out)["incidents"][0]
    assert (status["done"], status["wont_do"], status["open"], status["percent_complete"]) == (
        2,
        1,
        0,
        100.0,
    )
    assert status["last_sync"] is not None
    github.reopen(2)
    assert summary(run)["reopened"] == 1
    assert json.loads(run("status", "--format", "json").out)["incidents"][0]["open"] == 1


def test_a_box_ticked_in_the_postmortem_closes_its_ticket_and_says_so(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sync(run)
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(doc.read_text().replace("2. Add a circuit", "2. [x] Add a circuit"))
    result = sync(run)
    assert result.code == 0, result.err
    assert (github.issues[2]["state"], github.issues[2]["state_reason"]) == ("closed", "completed")
    (line,) = [line for line in result.out.splitlines() if "circuit breaker" in line]
    assert line.startswith("gh: closed https://github.com/acme/ops/issues/2  [INC-9] Add")
    assert line.endswith("(ticked in the postmortem)")
    assert "0 updated, 1 closed, 0 completed" in result.out
    doc.write_text(doc.read_text().replace("1. [P1] Alert", "1. [x] [P1] Alert"))
    totals = json.loads(run("sync", "--format", "json").out)["totals"]
    assert (totals["closed"], totals["updated"]) == (1, 0)
    assert github.issues[1]["state"] == "closed"


def test_lost_database_adopts_every_issue(
    github: FakeGitHub,
    run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_database: Callable[[], str],
) -> None:  # type: ignore[no-untyped-def]
    sync(run)
    github.close(1)
    monkeypatch.setenv("TRACK_DATABASE_URL", new_database())
    counts = summary(run)
    assert (counts["created"], counts["adopted"]) == (0, 3)
    assert len(github.issues) == 3
    assert json.loads(run("status", "--format", "json").out)["incidents"][0]["done"] == 2


def test_ambiguous_create_answered_502_after_applying_is_not_duplicated(
    github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    github.faults.append(Fault("POST", r"/issues$", status=502, after_applying=True))
    result = sync(run)
    assert result.code == 0, result.err
    assert len(github.issues) == 3


def test_an_unanswered_create_waits_and_is_sent_again_only_after_the_window(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A reset create may or may not have reached GitHub: it is not sent again in that run, nor
    while the window lasts; once it has passed and no issue carries the marker, it is."""
    github.faults.append(Fault("POST", r"/issues$", reset=True))
    first = sync(run)
    assert first.code == 1
    assert "gh: unconfirmed" in first.out and "not sent again" in first.out
    assert len(github.issues) == 2
    posts = sum(1 for method, path in github.log if method == "POST")
    assert posts == 3  # the reset one was sent once, never twice
    waiting = sync(run)
    assert (waiting.code, len(github.issues)) == (1, 2)
    assert "unconfirmed" in waiting.out
    write_config(tmp_path, unconfirmed_wait_seconds=0)
    after = sync(run)
    assert after.code == 0, after.err + after.out
    assert len(github.issues) == 3
    assert len({i["title"] for i in github.issues.values()}) == 3


def test_secondary_rate_limit_is_waited_out(github: FakeGitHub, run, sleeps: list[float]) -> None:  # type: ignore[no-untyped-def]
    github.faults.append(
        Fault(
            "POST",
            r"/issues$",
            status=403,
            headers={"Retry-After": "7"},
            message="You have exceeded a secondary rate limit.",
        )
    )
    result = sync(run)
    assert result.code == 0, result.err
    assert 7.0 in sleeps
    assert len(github.issues) == 3


def test_exhausted_budget_stops_cleanly_and_resumes(
    github: FakeGitHub, run, sleeps: list[float]
) -> None:  # type: ignore[no-untyped-def]
    import time

    reset = str(int(time.time()) + 3600)
    github.faults.append(
        Fault(
            "POST",
            r"/issues$",
            status=403,
            headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
            message="API rate limit exceeded",
            times=5,
        )
    )
    github.faults.append(Fault("POST", r"/issues$", status=201, times=0))
    first = sync(run)
    assert first.code == 1
    assert "rate limit" in first.err and "resumes" in first.err
    assert github.issues == {}
    github.faults.clear()
    second = sync(run)
    assert second.code == 0 and len(github.issues) == 3


def test_pagination_beyond_a_hundred_issues(
    github: FakeGitHub,
    run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_database: Callable[[], str],
) -> None:  # type: ignore[no-untyped-def]
    many = "".join(f"- Measure number {n} for the big incident\n" for n in range(250))
    (tmp_path / "pm" / "big.md").write_text(f"---\nid: BIG\n---\n## Action items\n{many}")
    sync(run)
    assert len(github.issues) == 253
    monkeypatch.setenv("TRACK_DATABASE_URL", new_database())
    before = github.requests_made()
    counts = summary(run)
    assert (counts["created"], counts["adopted"]) == (0, 253)
    assert github.requests_made() - before == 3  # one listing of 3 pages, nothing written


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            Fault("GET", r"/issues$", status=401, message="Bad credentials"),
            "GitHub rejected the token (401",
        ),
        (Fault("GET", r"/issues$", status=404, message="Not Found"), "repository not found (404)"),
        (
            Fault("GET", r"/issues$", status=410, message="Issues are disabled for this repo"),
            "issues are disabled",
        ),
    ],
)
def test_fatal_answers_give_one_clear_line_and_exit_2(
    github: FakeGitHub, run, fault: Fault, message: str
) -> None:  # type: ignore[no-untyped-def]
    github.faults.append(replace(fault))  # a fresh copy: parameters are shared objects
    result = sync(run)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and message in result.err
    assert "t0ken" not in result.err + result.out


def test_missing_token_is_a_configuration_error(
    github: FakeGitHub, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GITHUB_TOKEN")
    result = sync(run)
    assert result.code == 2
    assert "GITHUB_TOKEN holds no GitHub token" in result.err


def test_deleted_issue_is_reported_and_the_rest_synced(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sync(run)
    github.delete(1)  # GitHub then answers 410 Gone for it
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(
        doc.read_text().replace("2%", "1%").replace("payment provider", "payments provider")
    )
    result = sync(run)
    assert result.code == 1
    assert "issue #1 is gone" in result.err
    assert "payments provider" in github.issues[2]["body"]


def test_dry_run_sends_no_write_and_stores_nothing(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    result = sync(run, "--dry-run")
    assert result.code == 0, result.err
    assert "gh: would create" in result.out
    assert all(method == "GET" for method, _ in github.log)
    assert json.loads(run("status", "--format", "json").out)["incidents"] == []


def test_github_enterprise_server_base_url(
    tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'track.db'}")
    monkeypatch.setenv("GHE_TOKEN", "t0ken")
    (tmp_path / "pm").mkdir()
    (tmp_path / "pm" / "checkout.md").write_text(DOC)
    write_config(tmp_path, api_url="https://ghe.example.com/api/v3", token_env="GHE_TOKEN")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeGitHub(mock, base="https://ghe.example.com/api/v3")
        assert sync(run).code == 0
        assert len(fake.issues) == 3


def test_the_fake_refuses_requests_github_would_not_accept(github: FakeGitHub) -> None:
    if github.spec is None:
        pytest.skip("../shared/api is not present: the fake runs unchecked here")
    with pytest.raises(AssertionError, match="request body"):
        github.spec.check_request(
            "POST",
            "https://api.github.com/repos/acme/ops/issues",
            json.dumps({"labels": "not-a-list"}),
        )
    with pytest.raises(AssertionError, match="not an operation"):
        github.spec.check_request("DELETE", "https://api.github.com/repos/acme/ops/issues/1", None)


def test_json_summary_counts(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    result = run("sync", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["totals"]["created"] == 3 and data["totals"]["failed"] == 0
    assert set(data["targets"][0]) >= {
        "target",
        "created",
        "updated",
        "unchanged",
        "completed",
        "failed",
        "requests",
    }
    github.close(1)
    again = json.loads(run("sync", "--format", "json").out)
    assert (
        again["totals"]["completed"],
        again["totals"]["unchanged"],
        again["totals"]["requests"],
    ) == (1, 3, 1)


def test_a_second_sync_on_the_same_database_stops_with_a_message(
    github: FakeGitHub, run, tmp_path: Path, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    """On SQLite the lock is a file beside the database; on PostgreSQL an advisory lock."""
    import fcntl

    from tracker.store.database import open_store
    from tracker.sync.lock import sync_lock

    with contextlib.ExitStack() as held:
        if db_url.startswith("sqlite"):
            lock_file = held.enter_context((tmp_path / "track.db.sync-lock").open("a"))
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # as another `track sync` holds it
        else:
            other = open_store(db_url)  # another `track sync`, on its own connection
            held.callback(other.close)
            held.enter_context(sync_lock(other))
        result = sync(run)
    assert result.code == 75  # EX_TEMPFAIL: cron and CI can tell an overlap from a failure
    assert result.err.count("\n") == 1
    assert "another track sync is running on this database" in result.err
    assert github.issues == {}
    assert sync(run).code == 0


def test_unknown_target_is_a_usage_error(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    result = run("sync", "--target", "nope")
    assert result.code == 2
    assert "no target named 'nope' (targets: gh)" in result.err


def test_the_fake_answers_like_the_recorded_github_exchanges(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    from conftest import SHARED

    recorded = SHARED / "api" / "octokit-fixtures" / "paginate-issues.json"
    if not recorded.exists():
        pytest.skip("../shared/api is not present")
    real_issue = json.loads(recorded.read_text())[0]["response"][0]
    sync(run)
    fake_issue = github.issues[1]
    missing = set(real_issue) - set(fake_issue)
    assert not missing, f"the fake's issues lack fields GitHub sends: {missing}"


def test_sync_without_paths_or_sources_syncs_what_is_stored(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run("ingest", str(tmp_path / "pm")).code == 0
    (tmp_path / "track.yaml").write_text(
        (tmp_path / "track.yaml").read_text().replace("sources: ['pm/*.md']\n", "")
    )
    result = run("sync")
    assert result.code == 0, result.err
    assert len(github.issues) == 3


def test_one_target_failing_does_not_stop_the_others(
    github: FakeGitHub, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    config = (tmp_path / "track.yaml").read_text().replace("routing:\n  default: gh\n", "")
    config += (
        "  - kind: jira\n    name: jira\n    url: https://acme.atlassian.net\n    project: OPS\n"
        "routing:\n  default: gh\n"
    )
    (tmp_path / "track.yaml").write_text(config)
    result = sync(run)
    assert result.code == 2
    assert "jira: the environment variable JIRA_EMAIL holds no Jira account email" in result.err
    assert len(github.issues) == 3  # the GitHub target still synced


def test_a_measure_naming_an_issue_of_the_repo_is_linked_to_it(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The postmortem says where the work is tracked: that issue is read, never written, and
    no issue is created for the measure; a reference elsewhere is shown in the new issue."""
    github._create({"title": "Circuit breaker for the payment provider", "body": "By a person."})
    (tmp_path / "pm" / "checkout.md").write_text(
        DOC.replace(
            "payment provider", "payment provider (https://github.com/acme/ops/issues/1)"
        ).replace("(owner: dana)", "(owner: dana) other/repo#77")
    )
    first = summary(run)
    assert (first["linked"], first["created"]) == (1, 2)
    assert len(github.issues) == 3
    assert github.issues[1]["body"] == "By a person." and github.issues[1]["labels"] == []
    alert = next(i for i in github.issues.values() if "Alert" in i["title"])
    assert "**Tracked in:** other/repo#77" in alert["body"]
    github.close(1)
    assert summary(run)["completed"] == 1
    assert github.issues[1]["body"] == "By a person."
    status = json.loads(run("status", "--format", "json").out)["incidents"][0]
    assert status["done"] == 2


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("#12", "12"),
        ("acme/ops#12", "12"),
        ("ACME/Ops#12", "12"),
        ("https://github.com/acme/ops/issues/12", "12"),
        ("https://github.com/acme/ops/issues/12#issuecomment-1", "12"),
        ("https://api.github.com/repos/acme/ops/issues/12", "12"),
        ("other/ops#12", None),
        ("https://github.com/acme/other/issues/12", None),
        ("https://gitlab.com/acme/ops/issues/12", None),
        ("https://github.com/acme/ops/pull/12", None),
        ("OPS-12", None),
    ],
)
def test_which_references_name_an_issue_of_the_repository(ref: str, key: str | None) -> None:
    from tracker.connectors.github import GitHubConnector

    connector = GitHubConnector(target="gh", repo="acme/ops", token="t", tool_label="x")
    assert connector.own_key(ref) == key
    ghes = GitHubConnector(
        target="gh",
        repo="acme/ops",
        token="t",
        tool_label="x",
        api_url="https://git.acme.io/api/v3",
    )
    assert ghes.own_key("https://git.acme.io/acme/ops/issues/7") == "7"
    assert ghes.own_key("https://github.com/acme/ops/issues/7") is None


def test_two_targets_without_routing_is_a_configuration_error(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "track.yaml").write_text(
        "sources: ['pm/*.md']\ntargets:\n"
        "  - {kind: github, name: ops, repo: acme/ops}\n"
        "  - {kind: github, name: pay, repo: acme/pay}\n"
    )
    result = run("sync")
    assert result.code == 2 and github.log == []
    assert result.err.strip() == (
        "error: 2 targets (ops, pay) and no routing: set routing.default to one of them, "
        "or add routing.rules"
    )


def test_incidents_no_rule_routes_are_named_in_a_warning(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "track.yaml").write_text(
        "sources: ['pm/*.md']\ntargets:\n"
        "  - {kind: github, name: gh, repo: acme/ops, write_interval_seconds: 0}\n"
        "  - {kind: github, name: pay, repo: acme/pay}\n"
        "routing:\n  rules: [{target: pay, match: {service: payments}}]\n"
    )
    result = run("sync", "--target", "gh")
    assert result.code == 0 and github.issues == {}
    assert result.err.strip() == (
        "warning: 1 incidents (3 items) match no routing rule and there is no routing.default, "
        "so they go to no target (INC-9): add a rule or set routing.default"
    )


def test_sync_warns_about_files_it_reads_whose_measures_the_parser_cannot_find(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The parser's warnings reach the cron mail once, from the run that reads the file; the
    next run skips the unchanged file and stays quiet. JSON carries them per file."""
    (tmp_path / "pm" / "draft.md").write_text("# Disk full\n\nWe are still writing this up.\n")
    first = sync(run)
    assert first.code == 0, first.err
    assert first.err.splitlines() == [
        "warning: pm/draft.md: no corrective or preventative measures section found"
    ]
    assert len(github.issues) == 3
    assert sync(run).err == ""
    (tmp_path / "pm" / "draft.md").write_text("# Disk full\n\n## Action items\n\n## Timeline\n")
    out = json.loads(run("sync", "--format", "json").out)
    assert out["files"]["warnings"] == [
        {
            "path": "pm/draft.md",
            "warning": "measures section 'Action items' (line 3) lists no items",
        }
    ]
    assert json.loads(run("sync", "--format", "json").out)["files"]["warnings"] == []


def test_pull_requests_in_the_listing_are_never_taken_for_issues(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    """GitHub lists pull requests among issues. One carrying the tool label and a copy of a
    ticket's marker (pasted into its description) is neither adopted nor a duplicate."""
    sync(run)
    copied = github.issues[1]["body"]
    github.open_pull_request("Fix the alert", copied, ["postmortem-action"])
    counts = summary(run)
    assert (counts["adopted"], counts["duplicate"], counts["orphan"]) == (0, 0, 0)
    assert len([i for i in github.issues.values() if "pull_request" not in i]) == 3


def test_an_owner_github_will_not_assign_gets_an_unassigned_issue(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    github.assignable = {"someone-else"}  # dana-gh may not be assigned in this repository
    result = sync(run)
    assert result.code == 0, result.err
    alert = next(i for i in github.issues.values() if "Alert" in i["title"])
    assert alert["assignees"] == []
    posts = [path for method, path in github.log if method == "POST"]
    assert len(posts) == 4  # the refused create, sent again without the assignee, and two more


def test_a_spent_rate_limit_waits_until_its_reset_not_a_guess(
    github: FakeGitHub, run, sleeps: list[float]
) -> None:  # type: ignore[no-untyped-def]
    import time

    reset = int(time.time()) + 20  # within max_wait_seconds (30): waited out
    github.faults.append(
        Fault(
            "POST",
            r"/issues$",
            status=403,
            headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
            message="API rate limit exceeded for user ID 1.",
        )
    )
    assert sync(run).code == 0
    assert any(12 <= wait <= 22 for wait in sleeps), sleeps  # until the reset, not a guess
    assert 60.0 not in sleeps


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (429, "Too many requests"),
        (403, "You have exceeded a secondary rate limit. Please wait a few minutes."),
    ],
)
def test_a_secondary_rate_limit_without_headers_stops_the_run_cleanly(
    github: FakeGitHub, run, sleeps: list[float], status: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    """No Retry-After and no reset time: GitHub asks for at least a minute, more than the
    configured wait (30 s), so the run stops as rate limited; the next run finishes the work."""
    github.faults.append(Fault("POST", r"/issues$", status=status, message=message))
    first = sync(run)
    assert first.code == 1
    assert "stopped: gh: GitHub rate limit reached" in first.err
    assert "the next sync resumes where this one stopped (retry in 60 s)" in first.err
    assert 60.0 not in sleeps  # not slept through: it is beyond max_wait_seconds
    assert len([i for i in github.issues.values()]) < 3
    assert sync(run).code == 0
    assert len(github.issues) == 3
