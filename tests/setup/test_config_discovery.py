"""Which config file is read, and its errors in words a person would use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CONFIG = "parser:\n  measures_headings: ['{word}']\n"
DOC = "## Homework\n\n- Add a canary\n\n## Chores\n\n- Rotate the keys\n"


def found(run, path: str = "x.md") -> list[str]:  # type: ignore[no-untyped-def]
    """The measures `track parse` finds: which headings count says which config was read."""
    result = run("parse", path, "-f", "json")
    assert result.code == 0, result.err
    return [item["text"] for item in json.loads(result.out)[0]["items"]]


def test_the_order_config_files_are_looked_for_in(tmp_path: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    deep = tmp_path / "repo" / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "x.md").write_text(DOC)
    monkeypatch.chdir(deep)
    user = tmp_path / ".user-config" / "track"
    user.mkdir(parents=True)
    (user / "track.yaml").write_text(CONFIG.format(word="chores"))
    assert found(run) == ["Rotate the keys"]  # the user's config folder, last
    (tmp_path / "track.yaml").write_text(CONFIG.format(word="nothing"))  # above the git root
    assert found(run) == ["Rotate the keys"]
    (tmp_path / "repo" / "track.yaml").write_text(CONFIG.format(word="homework"))  # the root
    assert found(run) == ["Add a canary"]
    (deep / "track.yaml").write_text(CONFIG.format(word="chores|homework"))  # ./track.yaml
    assert found(run) == ["Add a canary", "Rotate the keys"]
    (tmp_path / "env.yaml").write_text(CONFIG.format(word="chores"))
    monkeypatch.setenv("TRACK_CONFIG", str(tmp_path / "env.yaml"))
    assert found(run) == ["Rotate the keys"]
    (tmp_path / "flag.yaml").write_text(CONFIG.format(word="homework"))
    result = run("parse", "x.md", "-f", "json", "--config", str(tmp_path / "flag.yaml"))
    assert [i["text"] for i in json.loads(result.out)[0]["items"]] == ["Add a canary"]


def test_outside_a_git_repository_parents_are_not_searched(
    tmp_path: Path, run, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.md").write_text(DOC)
    (tmp_path / "track.yaml").write_text(CONFIG.format(word="chores"))
    monkeypatch.chdir(tmp_path / "sub")
    assert found(run) == []


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "targets: [{kind: github, name: ops, repo: acme}]",
            "targets[0].repo must be OWNER/NAME, e.g. acme/ops (not 'acme')",
        ),
        (
            "targets: [{kind: jira, name: j, url: 'https://x.atlassian.net', project: 'O P'}]",
            "targets[0].project must be a Jira project key, e.g. OPS (not 'O P')",
        ),
        ("targets: [{kind: gitlab, name: x}]", "targets[0]: kind must be github or jira"),
        ("targets: [{name: x}]", "targets[0]: kind must be github or jira"),
        ("targets: [{kind: github, name: ops}]", "targets[0].repo is required"),
        ("status: {grace_days: -1}", "status.grace_days must be 0 or more (not -1)"),
        ("status: {grace_days: soon}", "status.grace_days must be a whole number (not 'soon')"),
        (
            "targets: [{kind: github, name: o, repo: a/b, close_removed: maybe}]",
            "targets[0].close_removed must be true or false (not 'maybe')",
        ),
        ("sources: postmortems/*.md", "sources must be a list, e.g. [a, b]"),
        (
            "check: {require: [owner, team]}",
            "check.require[1] must be one of 'owner', 'due' or 'priority' (not 'team')",
        ),
        ("statu: {}", "statu: unknown key; did you mean status?"),
    ],
)
def test_config_errors_in_plain_words(tmp_path: Path, run, yaml_text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "track.yaml").write_text(yaml_text + "\n")
    result = run("status")
    assert result.code == 2
    assert result.err.startswith(f"error: track.yaml: {message}"), result.err
    assert "pattern" not in result.err and "Input should" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_postgresql_url_without_the_driver_says_how_to_install_it(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    monkeypatch.setenv("TRACK_DATABASE_URL", "postgresql://track:pw@db.internal/track")
    result = run("status")
    assert result.code == 2
    assert "needs a PostgreSQL driver, which is not installed" in result.err
    assert "pipx install 'track-postmortems[postgres]'" in result.err
    assert "pipx inject track-postmortems 'psycopg[binary]'" in result.err
    assert "pw@" not in result.err and "Traceback" not in result.err
