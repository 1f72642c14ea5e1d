"""Shared fixtures: every test runs in its own folder with no config or tokens from outside."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in (
        "TRACK_CONFIG",
        "TRACK_DATABASE_URL",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "JIRA_API_TOKEN",
        "JIRA_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".user-config"))  # no user's track.yaml
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def shared_dir(*parts: str) -> Path:
    """A folder of ../shared, or a skip when this checkout has none beside it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is only beside the project in CI)")
    return path


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the `track` entry point in-process, as a user would from a shell."""
    from tracker.cli import main

    def invoke(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["track", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


POSTGRES_ENV = "TRACK_TEST_POSTGRES_URL"


def _postgres_schema_url(base: str, schema: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes fresh, empty databases of one kind: SQLite files, or schemas of their own on the
    real PostgreSQL (dropped afterwards). Tests that need "another database" (a lost one
    replaced) call it twice."""
    if request.param == "sqlite":
        names = (f"track{n or ''}.db" for n in range(1_000_000))  # track.db, track1.db, ...
        yield lambda: f"sqlite:///{tmp_path / next(names)}"
        return
    import os
    import uuid

    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"set {POSTGRES_ENV} (as .ci/run does) to run the store tests on PostgreSQL")
    from sqlalchemy import create_engine, text

    admin = create_engine(base)
    schemas: list[str] = []

    def make() -> str:
        schemas.append("t_" + uuid.uuid4().hex[:12])
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schemas[-1]}"))
        return _postgres_schema_url(base, schemas[-1])

    try:
        yield make
    finally:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def db_url(new_database: Callable[[], str]) -> str:
    """A fresh, empty database: a SQLite file (track.db), or a schema on the real PostgreSQL."""
    return new_database()


@pytest.fixture
def store(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from tracker.store.database import open_store

    monkeypatch.setenv("TRACK_DATABASE_URL", db_url)
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Waits the code under test asks for, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr("time.sleep", waited.append)
    return waited
