"""An open store: a migrated database handing out sessions (`open_store`, `Store`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tracker.errors import StoreError
from tracker.store.engine import create, describe
from tracker.store.migrate import upgrade


class Store:
    """An open, migrated database, handing out sessions."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self, *, commit: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed on success (rolled back instead when
        `commit` is false, for dry runs), rolled back on any error."""
        try:
            with self._sessions() as session, session.begin() as transaction:
                yield session
                if not commit:
                    transaction.rollback()
        except (OperationalError, DatabaseError) as exc:
            raise StoreError(describe(exc, self.url)) from exc

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def rehearsal(self) -> Iterator[Store]:
        """A store on one connection whose every change is rolled back at the end (dry runs)."""
        with self.engine.connect() as connection:
            outer = connection.begin()
            try:
                yield _Rehearsal(self.engine, self.url, connection)
            finally:
                outer.rollback()


class _Rehearsal(Store):
    def __init__(self, engine: Engine, url: str, connection: Connection) -> None:
        super().__init__(engine, url)
        self._sessions = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Connect, refuse a schema newer than this version, and upgrade an older one."""
    engine = create(url)
    try:
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise StoreError(describe(exc, url)) from exc
    except StoreError:
        engine.dispose()
        raise
    return Store(engine, url)
