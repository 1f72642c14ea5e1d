"""`track check` from the shell, as a pull request's workflow runs it: real files, the real
parser, exit codes. Annotation lines are compared whole; whatever else the parser may come
to note about these files (warnings, commitment lines) is left out of the comparison."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES

DOC = """---
id: INC-7
title: Disk full on db-3
---
# Disk full on db-3

## Action items

- [P1] Alert at 80% disk (owner: ana) due 2024-05-01
- Rotate the WAL archive @ben
- Add a runbook for a full disk
- [x] Free the disk
"""


@pytest.fixture
def pm(tmp_path: Path) -> Path:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "disk.md").write_text(DOC)
    (folder / "none.md").write_text("# Quiet day\n\nNothing happened.\n")
    (folder / "empty.md").write_text("# Outage\n\n## Action items\n\n## Timeline\n\n- 10:00\n")
    return folder


def errors(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("::error ")]


def test_github_format_annotates_what_fails_and_exits_1(run, pm: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--format", "github", "postmortems")
    assert result.code == 1, result.err
    assert errors(result.out) == [
        "::error file=postmortems/disk.md,line=11,title=track::measure has no owner: Add a runbook for a full disk",
        "::error file=postmortems/empty.md,line=3,title=track::no measures found, so no tickets will be made (measures section 'Action items' (line 3) lists no items)",
        "::error file=postmortems/none.md,title=track::no measures found, so no tickets will be made (no corrective or preventative measures section found)",
    ]
    assert (
        "::notice file=postmortems/disk.md,line=9,title=track::will become a ticket: "
        "Alert at 80%25 disk (owner ana, due 2024-05-01, P1, open)"
    ) in result.out.splitlines()
    assert result.err == ""


def test_require_from_the_option_and_from_the_config(run, pm: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    disk = "postmortems/disk.md"
    assert run("check", disk).code == 1
    assert run("check", "--require", "none", disk).code == 0
    due = run("check", "-f", "github", "--require", "owner,due", disk)
    assert [line.split("::")[-1] for line in errors(due.out)] == [
        "measure has no due date: Rotate the WAL archive",
        "measure has no owner or due date: Add a runbook for a full disk",
    ]
    (tmp_path / "track.yaml").write_text("check:\n  require: [priority]\n")
    from_config = run("check", "-f", "github", disk)
    assert len(errors(from_config.out)) == 2
    assert "open measures must have: priority" in from_config.out
    assert run("check", "--require", "none", disk).code == 0  # the option wins


def test_a_file_with_no_measures_fails_even_with_nothing_required(run, pm: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("check", "--require", "none", "postmortems/none.md").code == 1


@pytest.mark.parametrize("value", ["ownr", "owner,", "none,owner"])
def test_a_wrong_require_is_one_line_and_exit_2(run, pm: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--require", value, "postmortems/disk.md")
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"error: --require {value!r}: ")
    assert result.err.endswith("give a comma-separated list of owner, due, priority, or none\n")


def test_a_wrong_config_names_the_key(run, pm: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "track.yaml").write_text("check:\n  require: [owners]\n")
    result = run("check", "postmortems/disk.md")
    assert result.code == 2
    assert result.err.startswith(
        "error: track.yaml: check.require[0] must be one of 'owner', 'due' or 'priority' "
        "(not 'owners')"
    )


def test_a_missing_path_is_exit_2_and_an_unreadable_file_exit_1(run, pm: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("check", "postmortems/nope.md").code == 2
    (pm / "bad.md").write_bytes(b"\xff\xfe\x00binary")
    result = run("check", "-f", "github", "postmortems/bad.md", "postmortems/disk.md")
    assert result.code == 1
    assert errors(result.out)[0] == (
        "::error file=postmortems/bad.md,title=track::cannot be read: not a text file "
        "(binary content); give a markdown file"
    )


def test_markdown_format_is_one_comment_body(run, pm: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--format", "markdown", "postmortems/disk.md")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[:8] == [
        "<!-- track:check -->",
        "## Postmortem check: 1 of 1 file needs attention",
        "",
        "### `postmortems/disk.md` — Disk full on db-3",
        "",
        "| Line | Measure | Owner | Due | Priority | Status |",
        "|---:|---|---|---|---|---|",
        "| 9 | Alert at 80% disk | ana | 2024-05-01 | P1 | open |",
    ]
    assert "- line 11: measure has no owner: Add a runbook for a full disk" in lines
    assert run("check", "--format", "markdown", "postmortems/disk.md").out == result.out


def test_text_format_on_the_examples(run) -> None:  # type: ignore[no-untyped-def]
    """The examples list open measures nobody owns (see tests/report/test_check.py)."""
    result = run("check", str(EXAMPLES))
    assert result.code == 1
    assert result.out.splitlines()[-1] == (
        "3 files: 2 need attention, 0 notes; 12 measures become tickets; "
        "open measures must have: owner"
    )
    assert run("check", "--require", "none", str(EXAMPLES)).code == 0


def test_help_says_what_fails_and_what_is_only_a_note(run) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(run("check", "--help").out.split())
    assert "read like commitments outside every measures section" in text
    assert "do not change the exit code" in text
    assert "github" in text and "markdown" in text and "--require" in text
