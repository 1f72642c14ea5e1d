"""The installed package, as `pip install .` or `pipx install` gives it to a user."""

from __future__ import annotations

import importlib
import os
import shutil
import sqlite3
import subprocess
import sys
from importlib.metadata import distribution
from importlib.resources import files
from pathlib import Path

import pytest

from conftest import EXAMPLES

INSTALLED = os.environ.get("TRACK_TEST_INSTALLED") == "1"


@pytest.mark.skipif(not INSTALLED, reason="runs where scripts/check installed the built wheel")
def test_tests_run_against_the_installed_wheel_not_the_checkout() -> None:
    import tracker

    assert "site-packages" in Path(tracker.__file__).parts


@pytest.mark.skipif(not INSTALLED, reason="runs where scripts/check installed the built wheel")
def test_installed_track_command_parses_the_examples() -> None:
    track = Path(sys.executable).parent / "track"
    assert track.exists(), "the wheel installs no `track` command"
    done = subprocess.run(
        [str(track), "parse", str(EXAMPLES), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Move static.example.com to automated ACME renewal" in done.stdout


def test_wheel_carries_every_part_of_the_layout_inside_the_package() -> None:
    for name in ("tracker", "tracker.connectors", "tracker.migrations", "tracker.parse"):
        module = importlib.import_module(name)
        assert module.__file__ is not None
    example = files("tracker") / "config.example.yaml"
    assert example.is_file() and "targets:" in example.read_text()
    templates = files("tracker.report") / "templates"
    for name in ("report.html.j2", "charts.html.j2", "report.css"):
        assert (templates / name).is_file(), f"the wheel lacks the report's {name}"


@pytest.mark.skipif(not INSTALLED, reason="runs where scripts/check installed the built wheel")
def test_the_installed_wheel_claims_only_its_own_top_level_names() -> None:
    """site-packages gets `tracker` and the dist-info, never a generic `connectors` or
    `migrations` that another distribution could also install."""
    dist = distribution("track-postmortems")
    record = dist.read_text("RECORD")
    assert record is not None
    tops = {line.split(",")[0].split("/")[0] for line in record.splitlines() if line}
    tops.discard("..")  # the `track` script, installed into the venv's bin folder
    assert tops == {"tracker", f"track_postmortems-{dist.version}.dist-info"}


@pytest.mark.skipif(not INSTALLED, reason="runs where scripts/check installed the built wheel")
def test_installed_track_migrates_a_new_database(tmp_path: Path) -> None:
    track = Path(sys.executable).parent / "track"
    url = f"sqlite:///{tmp_path / 'new.db'}"
    done = subprocess.run(
        [str(track), "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "TRACK_DATABASE_URL": url},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "schema revision" in done.stdout
    tables = sqlite3.connect(tmp_path / "new.db").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    assert {"incidents", "action_items", "remote_links", "alembic_version"} <= {
        row[0] for row in tables
    }


def test_public_api_is_small_and_pinned() -> None:
    import tracker

    assert sorted(tracker.__all__) == [
        "Incident",
        "ParseError",
        "ParsedDocument",
        "ParsedItem",
        "ParserSettings",
        "TrackError",
        "markdown_files",
        "parse_file",
        "parse_text",
    ]


def test_help_starts_without_importing_tracker_clients() -> None:
    """Every cron run pays start-up: `track --help` imports no client, database or parser library."""
    heavy = "('github', 'jira', 'sqlalchemy', 'alembic', 'pydantic', 'markdown_it', 'yaml')"
    code = f"import sys; import tracker.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.stdout.strip() == "[]"


def test_ruff_and_mypy_are_available_to_the_check() -> None:
    if not INSTALLED:
        pytest.skip("only meaningful inside scripts/check's environment")
    assert shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert shutil.which("mypy", path=str(Path(sys.executable).parent))


def test_every_public_name_resolves() -> None:
    import tracker

    for name in tracker.__all__:
        assert getattr(tracker, name) is not None
    with pytest.raises(AttributeError):
        tracker.not_a_name  # noqa: B018
