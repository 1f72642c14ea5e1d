"""`track doctor` against the fakes: one line per check, a fix for each failure, exit 0/1/2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses
from fake_github import FakeGitHub, Fault
from fake_jira import FakeJira

DOC = """---
id: INC-9
title: Checkout outage
---
## Action items

- Alert when checkout errors exceed 2% (owner: dana)
"""


def github_config(folder: Path, extra: str = "", **target: object) -> None:
    options = {"name": "gh", "repo": "acme/ops", "owners": {"dana": "dana-gh"}, **target}
    lines = "\n".join(f"    {k}: {json.dumps(v)}" for k, v in options.items())
    (folder / "track.yaml").write_text(
        f"sources: ['pm/*.md']\ntargets:\n  - kind: github\n{lines}\n{extra}"
    )


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'track.db'}")
    monkeypatch.setenv("GH_TOKEN", "t0ken")
    (tmp_path / "pm").mkdir()
    (tmp_path / "pm" / "checkout.md").write_text(DOC)
    github_config(tmp_path)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeGitHub(mock)


def lines(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each check's line by its subject ("gh: token"), for reading one at a time."""
    return checks_by_subject(result, "gh")


def checks_by_subject(result, target: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    found = {}
    for line in result.out.splitlines():
        status, rest = line.split(None, 1)
        parts = rest.split(": ")
        subject = ": ".join(parts[:2]) if parts[0] == target else parts[0]
        found[subject] = status + " " + rest[len(subject) + 2 :]
    return found


def test_all_well_is_exit_0_with_a_line_per_check(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    assert run("ingest").code == 0
    result = run("doctor")
    assert result.code == 0, result.out
    checks = lines(result)
    assert list(checks) == [
        "config",
        "database",
        "gh: token",
        "gh: repository",
        "gh: label",
        "gh: owners",
        "routing",
    ]
    assert all(line.startswith("ok ") for line in checks.values()), checks
    assert "belongs to track-bot" in checks["gh: token"]
    assert "track.yaml; 1 postmortems from `sources`" in checks["config"]
    assert "schema 0003 (current)" in checks["database"]
    assert "first issue creates it" in checks["gh: label"]
    assert all(method == "GET" for method, _ in github.log)  # a diagnosis writes nothing
    assert "t0ken" not in result.out


def test_no_token_says_which_variable_to_export(github: FakeGitHub, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GH_TOKEN")
    result = run("doctor")
    assert result.code == 1
    assert "fail  gh: token:" in result.out
    assert "fix: export GH_TOKEN=..." in result.out
    assert github.log == []


def test_github_token_is_read_when_gh_token_is_not(github: FakeGitHub, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GH_TOKEN")
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    assert "ok    gh: token: valid, belongs to track-bot" in run("doctor").out
    monkeypatch.setenv("GH_TOKEN", "stale")  # both set: GH_TOKEN wins, as with gh
    result = run("doctor")
    assert "fail  gh: token:" in result.out and "401" in result.out


def test_a_rejected_token(github: FakeGitHub, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GH_TOKEN", "wrong")
    result = run("doctor")
    assert result.code == 1
    assert "GitHub rejected the token (401" in result.out
    assert "wrong" not in result.out


def test_a_repository_the_token_cannot_see(github: FakeGitHub, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    github_config(tmp_path, repo="acme/nope")
    result = run("doctor")
    assert result.code == 1
    assert "fail  gh: repository:" in result.out and "repository not found (404)" in result.out
    assert "fix: check `repo`, and that track-bot can see it" in result.out


def test_read_only_access_and_no_label_to_use(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    github.permissions.update(push=False, triage=False)
    result = run("doctor")
    assert result.code == 1
    checks = lines(result)
    assert checks["gh: repository"].startswith(
        "fail track-bot may read but not create issues in acme/ops"
    )
    assert "fix: give track-bot write access to acme/ops" in checks["gh: repository"]
    assert checks["gh: label"].startswith("fail 'postmortem-action' is not in acme/ops")
    github.labels.add("postmortem-action")
    assert lines(run("doctor"))["gh: label"] == "ok 'postmortem-action' exists in acme/ops"


def test_issues_turned_off(github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    github.issues_enabled = False
    result = run("doctor")
    assert result.code == 1
    assert "acme/ops has issues turned off -- fix: turn on Issues in its settings" in result.out


def test_an_owner_who_cannot_be_assigned(github: FakeGitHub, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    github_config(tmp_path, owners={"dana": "dana-gh", "kai": "kai-gh"})
    github.assignable = {"dana-gh"}
    result = run("doctor")
    assert result.code == 1
    owners = lines(result)["gh: owners"]
    assert owners.startswith("fail kai-gh cannot be assigned issues in acme/ops")
    assert "dana-gh" not in owners
    assert ("GET", "/repos/acme/ops/assignees/kai-gh") in github.log


def test_an_unreachable_tracker_is_one_plain_line(github: FakeGitHub, run, sleeps) -> None:  # type: ignore[no-untyped-def]
    github.faults.append(Fault("GET", r"^/user$", reset=True, times=10))
    result = run("doctor")
    assert result.code == 1
    token = lines(result)["gh: token"]
    assert "cannot reach api.github.com: connection dropped" in token
    assert "urllib3" not in result.out and "object at 0x" not in result.out


def test_routing_that_sends_a_stored_incident_nowhere(github: FakeGitHub, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    second = "  - {kind: github, name: gh2, repo: acme/ops}\n"
    rules = "routing:\n  rules: [{target: gh2, match: {service: payments}}]\n"
    github_config(tmp_path, extra=second + rules)
    assert run("ingest").code == 0
    result = run("doctor")
    assert result.code == 1
    assert "fail  routing: 1 stored incidents go to no target (INC-9)" in result.out
    assert "fix: set routing.default" in result.out


def test_an_unknown_key_is_exit_2(github: FakeGitHub, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    github_config(tmp_path, tool_lable="x")
    result = run("doctor")
    assert result.code == 2
    assert "fail  config:" in result.out
    assert "targets[0].tool_lable: unknown key; did you mean tool_label?" in result.out


def test_sources_that_match_nothing(github: FakeGitHub, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pm" / "checkout.md").unlink()
    result = run("doctor")
    assert result.code == 1
    assert "`sources` (pm/*.md) match no file" in result.out


def test_database_unreachable_with_its_password_hidden(
    github: FakeGitHub, run, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRACK_DATABASE_URL", "postgresql://track:s3cret@127.0.0.1:9/track")
    result = run("doctor")
    assert result.code == 1
    database = lines(result)["database"]
    assert database.startswith("fail cannot use database postgresql://track:***@127.0.0.1:9/track")
    assert "s3cret" not in result.out
    assert "routing" not in lines(result)  # nothing stored can be read


def test_a_database_from_a_newer_track(github: FakeGitHub, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    assert run("ingest").code == 0
    with sqlite3.connect(tmp_path / "track.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    result = run("doctor")
    assert result.code == 1
    assert "schema 0099, this track expects 0003 -- fix: track db upgrade" in result.out


def test_a_database_not_created_yet_is_fine(github: FakeGitHub, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run("doctor")
    assert result.code == 0, result.out
    assert "does not exist yet" in lines(result)["database"]
    assert not (tmp_path / "track.db").exists()  # the diagnosis created nothing


# -- Jira ------------------------------------------------------------------------------------


@pytest.fixture
def jira(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeJira]:
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'track.db'}")
    monkeypatch.setenv("JIRA_EMAIL", "bot@acme.com")
    monkeypatch.setenv("JIRA_API_TOKEN", "t0ken")
    jira_config(tmp_path)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeJira(mock)


def jira_config(folder: Path, **target: object) -> None:
    options = {
        "name": "pay",
        "url": "https://acme.atlassian.net",
        "project": "OPS",
        "owners": {"erin": "erin@acme.com"},
        **target,
    }
    lines = "\n".join(f"    {k}: {json.dumps(v)}" for k, v in options.items())
    (folder / "track.yaml").write_text(f"targets:\n  - kind: jira\n{lines}\n")


def jira_lines(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return checks_by_subject(result, "pay")


def test_jira_all_well(jira: FakeJira, run) -> None:  # type: ignore[no-untyped-def]
    result = run("doctor")
    assert result.code == 0, result.out
    checks = jira_lines(result)
    assert checks["pay: token"] == "ok valid, belongs to Track Bot (bot@acme.com)"
    assert checks["pay: project"].startswith("ok may create Task issues in OPS")
    assert checks["pay: owners"] == "ok 1 found"
    assert ("GET", "/myself") in jira.log


def test_jira_rejected_credentials(jira: FakeJira, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("JIRA_API_TOKEN", "wrong")
    result = run("doctor")
    assert result.code == 1
    token = jira_lines(result)["pay: token"]
    assert token.startswith("fail") and "401" in token
    assert "fix: export JIRA_EMAIL=... JIRA_API_TOKEN=..." in token


def test_jira_project_missing_and_required_field(jira: FakeJira, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    jira.required_fields = {"customfield_10551": "Team"}
    result = run("doctor")
    assert result.code == 1
    assert (
        "'Team' (customfield_10551) is required on the create screen"
        in jira_lines(result)["pay: project"]
    )
    jira_config(tmp_path, project="NOPE")
    project = jira_lines(run("doctor"))["pay: project"]
    assert project.startswith("fail") and "project NOPE or its issue type was not found" in project


def test_jira_owner_not_found(jira: FakeJira, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    jira_config(tmp_path, owners={"erin": "erin@acme.com", "kai": "kai@acme.com", "x": "5b1"})
    result = run("doctor")
    assert result.code == 1
    owners = jira_lines(result)["pay: owners"]
    assert owners.startswith("fail Jira knows no user kai@acme.com (1 used as given")
