"""Alembic migrations, run from the installed package (no alembic.ini needed).

The repository keeps them in the top-level `migrations/` folder; the wheel installs that folder
as `tracker/migrations`, and Alembic finds it as the package resource `tracker:migrations`.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from tracker.errors import StoreError
from tracker.store.engine import lock

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATION_LOCK = "track:migrations"
# The newest revision in migrations/versions; a test checks it against Alembic's own answer.
# Knowing it lets a command skip loading Alembic when the database is already current.
HEAD = "0003"


SCRIPT_LOCATION = "tracker:migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # Alembic loads only when a migration may be needed

    config = Config(stdout=io.StringIO())  # alembic's messages are not for track's users
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def is_current(engine: Engine) -> bool:
    with engine.connect() as connection:
        if not engine.dialect.has_table(connection, "alembic_version"):
            return False
        return (
            connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
        )


def upgrade(engine: Engine) -> None:
    """Bring the schema to this version's head, once, even with several processes starting."""
    if is_current(engine):
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    with engine.begin() as connection:
        lock(connection, MIGRATION_LOCK)
        current = current_revision(connection)
        if current == script.get_current_head():
            return
        if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
            raise StoreError(
                f"the database schema ({current}) is newer than this version of track knows "
                f"(up to {script.get_current_head()}): upgrade track, or use another database"
            )
        command.upgrade(alembic_config(connection), "head")
