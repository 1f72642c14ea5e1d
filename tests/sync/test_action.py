"""The GitHub Action, run as a job runs it: the event payload in a file, the `GITHUB_*`
variables, outputs and a step summary written to files, GitHub's API served by the fake over
HTTP (`http_fake.py`), a real git repository with an `origin` to push to. `action.yml` itself
is checked for the structure GitHub requires of a composite action."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_github import FakeGitHub
from http_fake import FakeServer, serve_github

from tracker import action

from conftest import ROOT

TOKEN = "t0ken-of-the-job"
DOC = """---
id: INC-7
title: Queue backlog
---
## Action items

- [ ] Alert when the oldest message is older than 5 minutes (owner: kai)
- [ ] Cap the consumer batch size (owner: ana)
"""
UNOWNED = "## Action items\n\n- Reject unknown configuration keys at start-up\n"


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


class Branches:
    """The branches of the repository the job pushes to, as GitHub would know them."""

    def __init__(self, bare: Path) -> None:
        self.bare = bare

    def __contains__(self, name: object) -> bool:
        found = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", f"refs/heads/{name}"],
            cwd=self.bare,
            capture_output=True,
        )
        return found.returncode == 0


@pytest.fixture
def server() -> Iterator[FakeServer[FakeGitHub]]:
    with serve_github(token=TOKEN) as served:
        yield served


@pytest.fixture
def repo(tmp_path: Path, server: FakeServer[FakeGitHub]) -> Path:
    """A postmortems repository, checked out as actions/checkout leaves it, with an origin."""
    bare, work = tmp_path / "origin.git", tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    subprocess.run(["git", "clone", "-q", str(bare), str(work)], check=True, capture_output=True)
    (work / "postmortems").mkdir()
    (work / "postmortems" / "2024-09-18-queue.md").write_text(DOC)
    (work / "README.md").write_text("# Postmortems\n")
    (work / "track.yaml").write_text(
        "sources: ['postmortems/*.md']\n"
        "targets:\n"
        f"  - {{kind: github, name: ops, repo: acme/ops, api_url: '{server.fake.base}',"
        " write_interval_seconds: 0, timeout_seconds: 10}\n"
    )
    git(work, "checkout", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "first")
    git(work, "push", "-q", "origin", "main")
    server.fake.branches = Branches(bare)
    return work


def job_env(
    monkeypatch: pytest.MonkeyPatch,
    repo: Path,
    server: FakeServer[FakeGitHub],
    event: str,
    payload: dict[str, Any],
    **inputs: str,
) -> tuple[Path, Path]:
    """Set the variables GitHub gives a job step; (outputs file, summary file)."""
    home = repo.parent
    (home / "event.json").write_text(json.dumps(payload))
    output, summary = home / "output.txt", home / "summary.md"
    output.write_text("")
    summary.write_text("")
    variables = {
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(home / "event.json"),
        "GITHUB_REPOSITORY": "acme/ops",
        "GITHUB_API_URL": server.fake.base,
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REF_NAME": "main",
        "TRACK_ACTION_CONFIG": "track.yaml",
        **{f"TRACK_ACTION_{name.upper()}": value for name, value in inputs.items()},
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(repo)
    return output, summary


DECLARED = set(yaml.safe_load((ROOT / "action.yml").read_text())["outputs"])


def outputs(path: Path) -> dict[str, str]:
    """What the step wrote to GITHUB_OUTPUT; each of them is an output action.yml declares."""
    values = dict(line.split("=", 1) for line in path.read_text().splitlines())
    assert set(values) <= DECLARED, set(values) - DECLARED
    return values


def push_payload(ref: str = "refs/heads/main") -> dict[str, Any]:
    return {"ref": ref, "repository": {"full_name": "acme/ops", "default_branch": "main"}}


def pull_request(repo: Path, server: FakeServer[FakeGitHub]) -> dict[str, Any]:
    """A pull request that edits one postmortem, adds one and touches the README."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "new-postmortem")
    (repo / "postmortems" / "2024-10-01-config.md").write_text(UNOWNED)
    (repo / "README.md").write_text("# Postmortems\n\nMore words.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a postmortem")
    number = server.fake.open_pull_request("A postmortem", "", [])
    head = git(repo, "rev-parse", "HEAD")
    return {
        "number": number,
        "pull_request": {"number": number, "base": {"sha": base}, "head": {"sha": head}},
        "repository": {"full_name": "acme/ops", "default_branch": "main"},
    }


def test_a_pull_request_gets_annotations_and_one_comment_edited_in_place(
    repo: Path,
    server: FakeServer[FakeGitHub],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    payload = pull_request(repo, server)
    number = payload["number"]
    quoted = f"> {action.MARKER}\n> ## track: measures\n\nLooks good to me"
    server.fake.add_comment(number, quoted, login="kai")  # a person quoting the bot's comment
    output, summary = job_env(monkeypatch, repo, server, "pull_request", payload)
    assert action.main() == 1  # the new measure has no owner
    printed = capsys.readouterr().out
    assert re.search(
        r"^::error file=postmortems/2024-10-01-config.md,line=3,title=track::measure has no owner",
        printed,
        re.M,
    )
    assert "README" not in printed and "2024-09-18-queue" not in printed  # not changed here
    comments = [c["body"] for c in server.fake.comment_records.values()]
    assert comments[0] == quoted and len(comments) == 2
    assert comments[1].startswith(action.MARKER)
    assert "Reject unknown configuration keys at start-up" in comments[1]
    values = outputs(output)
    assert (values["files"], values["measures"], values["problems"]) == ("1", "1", "1")
    assert values["comment-url"].endswith(f"/issues/{number}#issuecomment-2")
    assert action.MARKER in summary.read_text()

    (repo / "postmortems" / "2024-10-01-config.md").write_text(
        UNOWNED.replace("up\n", "up (owner: ana)\n")
    )
    git(repo, "commit", "-qam", "an owner")
    payload["pull_request"]["head"]["sha"] = git(repo, "rev-parse", "HEAD")
    job_env(monkeypatch, repo, server, "pull_request", payload)
    assert action.main() == 0
    comments = [c["body"] for c in server.fake.comment_records.values()]
    assert len(comments) == 2 and "ana" in comments[1]  # the same comment, edited
    assert server.count("PATCH", r"/issues/comments/2$") == 1
    before = len(server.log)
    assert action.main() == 0  # the same text again: nothing is sent but the listing
    assert [r.method for r in server.log[before:]] == ["GET"]


def test_a_check_that_cannot_run_posts_no_comment(
    repo: Path, server: FakeServer[FakeGitHub], monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = pull_request(repo, server)
    (repo / "track.yaml").write_text((repo / "track.yaml").read_text() + "check: {require: [x]}\n")
    job_env(monkeypatch, repo, server, "pull_request", payload)
    assert action.main() == 2
    assert server.fake.comment_records == {}


def test_a_push_to_the_default_branch_syncs_statelessly_and_adopts_on_the_next_run(
    repo: Path,
    server: FakeServer[FakeGitHub],
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    output, summary = job_env(monkeypatch, repo, server, "push", push_payload())
    assert action.main() == 0
    first = outputs(output)
    assert (first["created"], first["adopted"], first["stateless"]) == ("2", "0", "true")
    assert len(server.fake.issues) == 2
    assert "| ops | 2 | 0 | 0 | 0 | 0 |" in summary.read_text()

    server.fake.close(1)
    output, summary = job_env(monkeypatch, repo, server, "schedule", {"schedule": "*/30 * * * *"})
    assert action.main() == 0
    second = outputs(output)
    assert (second["created"], second["adopted"], second["completed"]) == ("0", "2", "1")
    assert len(server.fake.issues) == 2  # no database, still no duplicate
    printed = capfd.readouterr()
    seen = [printed.out, printed.err, output.read_text(), summary.read_text()]
    assert not any(TOKEN in text for text in seen)

    doc = repo / "postmortems" / "2024-09-18-queue.md"
    doc.write_text(doc.read_text().replace("batch size", "batch size at 500"))
    output, _ = job_env(monkeypatch, repo, server, "schedule", {"schedule": "*/30 * * * *"})
    assert action.main() == 0
    assert (outputs(output)["adopted"], outputs(output)["updated"]) == ("2", "1")
    assert server.fake.issues[2]["title"] == "[INC-7] Cap the consumer batch size at 500"


def test_a_database_url_keeps_the_store_between_runs(
    repo: Path, server: FakeServer[FakeGitHub], monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    output, _ = job_env(monkeypatch, repo, server, "push", push_payload(), database_url=db_url)
    assert action.main() == 0
    assert (outputs(output)["created"], outputs(output)["stateless"]) == ("2", "false")
    output, _ = job_env(monkeypatch, repo, server, "push", push_payload(), database_url=db_url)
    assert action.main() == 0
    assert (outputs(output)["created"], outputs(output)["adopted"]) == ("0", "0")


def test_a_push_to_another_branch_syncs_nothing(
    repo: Path, server: FakeServer[FakeGitHub], monkeypatch: pytest.MonkeyPatch
) -> None:
    job_env(monkeypatch, repo, server, "push", push_payload("refs/heads/feature"))
    assert action.main() == 0
    assert server.log == []


def test_write_back_opens_one_pull_request_and_never_pushes_the_branch(
    repo: Path, server: FakeServer[FakeGitHub], monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = repo.parent / "origin.git"
    main_before = git(bare, "rev-parse", "refs/heads/main")
    output, _ = job_env(monkeypatch, repo, server, "push", push_payload(), write_back="true")
    assert action.main() == 0
    url = outputs(output)["pull-request-url"]
    (pull,) = server.fake.pulls.values()
    assert url == pull["html_url"] and pull["head"]["ref"] == action.BRANCH
    assert pull["base"]["ref"] == "main"
    assert git(bare, "rev-parse", "refs/heads/main") == main_before
    written = git(bare, "show", f"{action.BRANCH}:postmortems/2024-09-18-queue.md")
    assert "5 minutes (owner: kai) (acme/ops#1)" in written

    server.fake.close(2)
    git(repo, "checkout", "-q", "main")
    git(repo, "reset", "-q", "--hard", "origin/main")  # the next job's fresh checkout
    output, _ = job_env(monkeypatch, repo, server, "schedule", {}, write_back="true")
    assert action.main() == 0
    assert outputs(output)["pull-request-url"] == url and len(server.fake.pulls) == 1
    written = git(bare, "show", f"{action.BRANCH}:postmortems/2024-09-18-queue.md")
    assert "- [x] Cap the consumer batch size (owner: ana) (acme/ops#2)" in written


def test_an_event_the_action_does_not_handle_is_one_line(
    repo: Path,
    server: FakeServer[FakeGitHub],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    job_env(monkeypatch, repo, server, "issues", {})
    assert action.main() == 2
    assert capsys.readouterr().err == (
        "::error title=track::the track action runs on pull_request, push, schedule and "
        "workflow_dispatch, not issues\n"
    )


# -- action.yml ------------------------------------------------------------------------------


def test_action_yml_is_a_composite_action_whose_references_exist() -> None:
    spec = yaml.safe_load((ROOT / "action.yml").read_text())
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(spec)
    assert spec["runs"]["using"] == "composite"
    steps = spec["runs"]["steps"]
    for step in steps:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", f"a composite run step needs a shell: {step}"
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == set(spec["inputs"]), "every input is used, and only inputs that exist"
    ids = {step["id"] for step in steps if "id" in step}
    for name, output in spec["outputs"].items():
        match = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}", output["value"])
        assert match and match.group(1) in ids and match.group(2) == name, name
    (runner,) = [step for step in steps if "python -m tracker.action" in step.get("run", "")]
    read = set(re.findall(r"TRACK_ACTION_\w+", Path(action.__file__).read_text()))
    assert set(runner["env"]) - {"GITHUB_TOKEN"} == read


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"GITHUB_TOKEN": ""}, "no token: give the action's `token` input"),
        ({"TRACK_ACTION_WRITE_BACK": "yes"}, "write-back must be true or false, not 'yes'"),
        ({"GITHUB_EVENT_NAME": ""}, "GITHUB_EVENT_NAME is not set"),
        ({"GITHUB_EVENT_PATH": "/nonexistent/event.json"}, "cannot read the event payload"),
    ],
)
def test_wrong_inputs_are_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, str],
    message: str,
) -> None:
    (tmp_path / "event.json").write_text("{}")
    env = {
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
        "GITHUB_REPOSITORY": "acme/ops",
        "GITHUB_TOKEN": TOKEN,
        **change,
    }
    assert action.main(env) == 2
    err = capsys.readouterr().err
    assert err.startswith("::error title=track::") and message in err
    assert err.count("\n") == 1 and TOKEN not in err
