"""Alembic environment: runs on the connection `tracker.store.migrate` hands in.

From a checkout, `alembic upgrade head`, `alembic check` and `alembic revision --autogenerate`
use TRACK_DATABASE_URL, else a throw-away SQLite file.
"""

from __future__ import annotations

import os
import tempfile

from alembic import context
from sqlalchemy import create_engine

from tracker.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = os.environ.get("TRACK_DATABASE_URL") or (
        "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="track-alembic-"), "check.db")
    )
    engine = create_engine(url)
    with engine.begin() as conn:
        run(conn)
    engine.dispose()
