"""`track init`: the shipped example, filled with what the repository shows; never overwrites."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tracker.config import Config
from tracker.setup.scaffold import github_remote


def git_repo(folder: Path, remote: str | None = "git@github.com:acme/ops.git") -> Path:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(folder), "remote", "add", "origin", remote], check=True)
    return folder


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/ops.git", ("github.com", "acme/ops")),
        ("https://github.com/acme/ops", ("github.com", "acme/ops")),
        ("https://user@github.com/acme/ops.git/", ("github.com", "acme/ops")),
        ("git@github.com:acme/ops.git", ("github.com", "acme/ops")),
        ("ssh://git@github.com/acme/post-mortems.git", ("github.com", "acme/post-mortems")),
        ("ssh://git@github.acme.internal:2222/sre/ops.git", ("github.acme.internal", "sre/ops")),
        ("git@gitlab.com:acme/ops.git", None),
        ("/srv/git/ops.git", None),
        ("", None),
    ],
)
def test_github_remotes_in_https_and_ssh_forms(url: str, expected: object) -> None:
    assert github_remote(url) == expected


def test_init_fills_root_sources_and_the_github_repository(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    git_repo(tmp_path)
    (tmp_path / "docs" / "postmortems" / "2024").mkdir(parents=True)
    (tmp_path / "docs" / "postmortems" / "2024" / "db.md").write_text("# DB\n")
    (tmp_path / "README.md").write_text("# Not a postmortem\n")
    result = run("init")
    assert result.code == 0, result.err
    assert "GitHub repository acme/ops (from git remote origin)" in result.out
    text = (tmp_path / "track.yaml").read_text()
    assert text.startswith("# track configuration, written by `track init`")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 50  # the example's comments are kept
    config = Config.model_validate(yaml.safe_load(text))
    assert config.root == Path(".")
    assert config.sources == ["docs/postmortems/**/*.md"]
    [target] = config.targets
    assert (target.kind, target.name, target.repo) == ("github", "ops", "acme/ops")
    assert target.owners == {}  # the example's alice and bob stay comments
    assert "#       alice@acme.com: alice" not in text and "# alice@acme.com: alice" in text
    assert run("parse", "docs").code == 0
    doctor = run("doctor")
    assert "ok    config: " in doctor.out  # what init wrote is what the tool reads


def test_init_in_a_subfolder_points_root_at_the_git_root(tmp_path: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    git_repo(tmp_path, remote="https://github.acme.internal/sre/ops.git")
    (tmp_path / "ops").mkdir()
    monkeypatch.chdir(tmp_path / "ops")
    assert run("init").code == 0
    config = Config.model_validate(yaml.safe_load((tmp_path / "ops" / "track.yaml").read_text()))
    assert config.root == Path("..")
    assert config.targets[0].api_url == "https://github.acme.internal/api/v3"  # type: ignore[union-attr]


def test_init_without_a_remote_leaves_targets_to_fill_in(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    git_repo(tmp_path, remote=None)
    result = run("init")
    assert result.code == 0
    assert "no GitHub remote named origin" in result.out
    assert "sources: none found" in result.out
    config = Config.model_validate(yaml.safe_load((tmp_path / "track.yaml").read_text()))
    assert config.targets == [] and config.sources == []


def test_init_never_overwrites_without_force(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    git_repo(tmp_path)
    (tmp_path / "track.yaml").write_text("sources: ['mine/*.md']\n")
    result = run("init")
    assert result.code == 2
    assert result.err.strip() == "error: track.yaml exists: track init --force replaces it"
    assert (tmp_path / "track.yaml").read_text() == "sources: ['mine/*.md']\n"
    assert run("init", "--force").code == 0
    assert "acme/ops" in (tmp_path / "track.yaml").read_text()
