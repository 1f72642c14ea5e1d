"""Commands start fast because they load only what they use: a cron job running `track status`
does not pay for the parser or Alembic, and `track --help` loads no database library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs one command in a fresh interpreter and prints the project and library modules it loaded.
PROBE = """
import json, sys
from tracker.cli import main
sys.argv = ["track", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded(tmp_path: Path, *args: str) -> set[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "TRACK_DATABASE_URL": f"sqlite:///{tmp_path / 'track.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_loads_no_database_parser_or_rich(tmp_path: Path) -> None:
    modules = loaded(tmp_path, "--help")
    for heavy in ("sqlalchemy", "alembic", "tracker.parse.document", "rich.markdown"):
        assert heavy not in modules, f"track --help loads {heavy}"


@pytest.mark.parametrize("args", [("status",), ("status", "--format", "json")])
def test_status_on_an_empty_database_loads_neither_parser_nor_alembic(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    loaded(tmp_path, "db", "upgrade")  # the database exists and is current
    modules = loaded(tmp_path, *args)
    assert "sqlalchemy" in modules  # the probe really ran the command
    for heavy in ("alembic", "tracker.parse.document", "markdown_it", "tracker.connectors"):
        assert heavy not in modules, f"track {' '.join(args)} loads {heavy}"
