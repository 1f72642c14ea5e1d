"""A broken or unusable database: one clear line, exit code 2, nothing stored is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tracker.errors import StoreError
from tracker.store.database import open_store

DOC = "## Action items\n- Add alerting\n- Write a runbook\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "pm"
    root.mkdir()
    (root / "a.md").write_text(DOC)
    return root


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def item_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from action_items").fetchone()[0])


def test_unreachable_postgresql(run, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(
        "TRACK_DATABASE_URL", "postgresql+psycopg://track:secret-pw@127.0.0.1:1/track"
    )
    result = run("ingest", str(folder))
    assert result.code == 2
    line = one_line(result.err)
    assert "cannot use database postgresql+psycopg://track:***@127.0.0.1:1/track" in line
    assert "secret-pw" not in result.err + result.out


def test_invalid_url(run, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRACK_DATABASE_URL", "not a url")
    result = run("status")
    assert result.code == 2
    assert "database URL is not valid" in one_line(result.err)


def test_read_only_database_keeps_its_data(
    run, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "track.db"
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{db}")
    assert run("ingest", str(folder)).code == 0
    (folder / "b.md").write_text(DOC.replace("Add alerting", "Add paging"))
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///file:{db}?mode=ro&uri=true")
    result = run("ingest", str(folder))
    assert result.code == 2
    assert "is read-only" in one_line(result.err)
    assert item_count(db) == 2


def test_corrupt_sqlite_file(
    run, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "track.db"
    db.write_bytes(b"this is not a database, it is a text file that someone overwrote" * 100)
    before = db.read_bytes()
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{db}")
    result = run("status")
    assert result.code == 2
    assert "not a SQLite database or is corrupt" in one_line(result.err)
    assert db.read_bytes() == before  # left as it was for recovery


def test_newer_schema_is_refused_untouched(db_url: str, folder: Path) -> None:
    open_store(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"schema \(9999\) is newer than this version of track"):
        open_store(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_database_folder_is_created(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "er" / "track.db"
    open_store(f"sqlite:///{db}").close()
    assert db.exists()


def test_default_database_lives_in_the_user_data_folder(
    run, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert run("ingest", str(folder)).code == 0
    assert (tmp_path / "data" / "track" / "track.db").exists()


def test_db_upgrade_reports_the_revision(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = run("db", "upgrade")
    assert result.code == 0
    assert "is at schema revision 0003" in result.out


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    """`alembic check`: autogenerate finds nothing to add on a database built by migrations."""
    from alembic import command

    from tracker.store.migrate import alembic_config

    open_store(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        command.check(alembic_config(conn))
    engine.dispose()


def test_migrations_ship_in_the_package() -> None:
    from importlib.resources import files

    from tracker.store.migrate import HEAD, head_revision

    assert head_revision() == HEAD
    migrations = files("tracker") / "migrations"
    assert (migrations / "env.py").is_file()
    assert any(
        name.name.endswith("_0001_initial_store.py") for name in (migrations / "versions").iterdir()
    )
