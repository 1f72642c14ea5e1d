"""One sync at a time per database: a second `track sync` waits or stops with a clear message.

SQLite: an exclusive `flock` on a file beside the database. PostgreSQL: a session advisory
lock held on a dedicated connection for the whole sync, keyed by the database and schema, so
stores in other schemas of one server do not wait for each other. Both are released by the operating
system or the server when the process dies, so a killed sync never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from tracker.errors import SyncBusy
from tracker.store.database import Store

_LOCK_NAME = "track:sync"


@contextmanager
def sync_lock(store: Store, *, wait_seconds: float = 0) -> Iterator[None]:
    deadline = time.monotonic() + wait_seconds
    if store.engine.dialect.name == "postgresql":
        with _postgres_lock(store, deadline):
            yield
    else:
        with _file_lock(store, deadline):
            yield


def _busy() -> SyncBusy:
    return SyncBusy(
        "another track sync is running on this database; this one stopped without changes "
        "(use --wait SECONDS to wait for it)"
    )


@contextmanager
def _postgres_lock(store: Store, deadline: float) -> Iterator[None]:
    with store.engine.connect() as connection:
        where = connection.execute(text("SELECT current_database(), current_schema()")).one()
        key = zlib.crc32(f"{_LOCK_NAME}:{where[0]}:{where[1]}".encode()) - 2**31
        while not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            if time.monotonic() >= deadline:
                raise _busy()
            time.sleep(1)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            connection.commit()


@contextmanager
def _file_lock(store: Store, deadline: float) -> Iterator[None]:
    database = store.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # nothing another process could share
        return
    path = Path(database).with_name(Path(database).name + ".sync-lock")
    with path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy() from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
