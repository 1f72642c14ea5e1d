"""The database engine: which URL, how to connect, transaction locks, errors in plain words.

SQLite (the default, a file in the user's data folder) takes a write lock at the start of every
transaction (BEGIN IMMEDIATE), so two processes never interleave writes; PostgreSQL
transactions take advisory locks where they need them (see `lock`).
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from tracker.errors import StoreError

ENV_URL = "TRACK_DATABASE_URL"
_BUSY_TIMEOUT_S = 60


def default_url() -> str:
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('track', appauthor=False) / 'track.db'}"


def database_url(configured: str | None) -> str:
    """TRACK_DATABASE_URL, else the config's database.url (or .path), else the default file."""
    return os.environ.get(ENV_URL) or configured or default_url()


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"database URL is not valid (set {ENV_URL} or database.url, "
            "e.g. sqlite:///track.db or postgresql+psycopg://user@host/db)"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.drivername in ("postgresql", "postgres"):
        # SQLAlchemy's default PostgreSQL driver is psycopg2; the package ships psycopg (3).
        parsed = parsed.set(drivername="postgresql+psycopg")
        url = parsed.render_as_string(hide_password=False)
    connect_args: dict[str, Any] = (
        {"connect_timeout": 10} if "postgresql" in parsed.drivername else {}
    )
    try:
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as exc:
        raise StoreError(
            f"database {safe_url(url)} needs a PostgreSQL driver, which is not installed: "
            f"{POSTGRES_INSTALL}"
        ) from exc
    except ArgumentError as exc:
        raise StoreError(f"cannot use database {safe_url(url)}: {exc}") from exc


POSTGRES_INSTALL = (
    "pipx install 'track-postmortems[postgres]' (or, to add it to an installed track: "
    "pipx inject track-postmortems 'psycopg[binary]'; with pip: pip install 'psycopg[binary]')"
)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    on_disk = bool(database) and database != ":memory:" and "mode=memory" not in url
    if database and on_disk:
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder of database {database}: {exc.strerror}"
            ) from exc
    engine = create_engine(url, connect_args={"timeout": _BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_S * 1000}")
        if on_disk:
            # Write-ahead log: a commit appends to the log instead of syncing the database
            # and a journal (about 1.5 ms a commit, twice per ticket created), readers do not
            # wait for a writer, and a killed process loses no committed transaction (a power
            # cut may lose the last ones; the next sync's marker search finds their tickets).
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def lock(connection: Connection, name: str) -> None:
    """Serialise transactions that touch `name` (PostgreSQL advisory lock; SQLite holds a
    database-wide write lock from BEGIN IMMEDIATE already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


def lock_key(name: str) -> int:
    """The PostgreSQL advisory lock key of a lock name."""
    return zlib.crc32(name.encode()) - 2**31


def describe(exc: SQLAlchemyError, url: str) -> str:
    """One line that says what is wrong with the database and what to do."""
    where = safe_url(url)
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    lowered = message.lower()
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return f"database {where} is read-only: give the user write access or use another database"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"database {where} is not a SQLite database or is corrupt: restore it from a backup, "
            f"or point {ENV_URL} / database.url at another file"
        )
    if "unable to open" in lowered:
        return f"cannot open database {where}: check the path and its folder's permissions"
    if "locked" in lowered:
        return f"database {where} stayed locked by another track process; try again"
    if isinstance(exc, OperationalError):
        return f"cannot use database {where}: {message} (check {ENV_URL} or database.url)"
    return f"database {where} failed: {message}"
