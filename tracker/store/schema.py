"""The store's tables, as typed SQLAlchemy models. Migrations in `migrations/` build them.

incidents        one per postmortem (key: front-matter id, else path under the source root)
source_files     the file an incident was last read from, with its content hash
action_items     one per measure; `uid` is the identity written into tracker tickets
remote_links     an item's ticket in a tracker: key, URL, last state seen there
pending_creates  a create sent to a tracker whose outcome is not known yet (docs/sync.md)
duplicate_tickets  further tickets carrying an item's marker, beside the one kept
sync_state       per target: how far the tracker has been read
item_events      every change of an item's status or presence, with its time
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stored as naive UTC on every database, read back as aware UTC (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC time")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON,
    }


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(500), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    date: Mapped[dt.date | None] = mapped_column(Date)
    source_path: Mapped[str] = mapped_column(String(1000))
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # when an ingest covering all sources found the postmortem's file gone (None: it is there)
    removed_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list[ActionItem]] = relationship(back_populates="incident")

    @property
    def keyed_by_path(self) -> bool:
        """The incident has no front-matter id: its key is its file's path."""
        return self.key == self.source_path


class SourceFile(Base):
    __tablename__ = "source_files"

    path: Mapped[str] = mapped_column(String(1000), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    ingested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ActionItem(Base):
    __tablename__ = "action_items"
    __table_args__ = (
        Index("ix_action_items_incident_status", "incident_id", "status"),
        Index("ix_action_items_owner", "owner"),
        Index("ix_action_items_due", "due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(Text)
    explicit_id: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(200))
    due: Mapped[dt.date | None] = mapped_column(Date)
    priority: Mapped[str | None] = mapped_column(String(50))
    type: Mapped[str | None] = mapped_column(String(50))
    section: Mapped[str | None] = mapped_column(String(500))
    group_label: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[str | None] = mapped_column(Text)
    tracker_ref: Mapped[str | None] = mapped_column(String(500))
    line: Mapped[int | None] = mapped_column(Integer)
    document_status: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    status_source: Mapped[str] = mapped_column(String(20), default="document")
    status_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="items")
    links: Mapped[list[RemoteLink]] = relationship(back_populates="item")


class RemoteLink(Base):
    __tablename__ = "remote_links"
    __table_args__ = (
        UniqueConstraint("item_id", "target", name="uq_remote_links_item_target"),
        UniqueConstraint("target", "remote_key", name="uq_remote_links_target_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    remote_key: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    remote_state: Mapped[str | None] = mapped_column(String(50))  # open, closed, deleted
    state_reason: Mapped[str | None] = mapped_column(String(50))
    remote_updated_at: Mapped[dt.datetime | None] = mapped_column()
    last_seen_at: Mapped[dt.datetime | None] = mapped_column()
    title_written: Mapped[str | None] = mapped_column(
        Text
    )  # a different remote title is a person's
    labels_written: Mapped[list[str] | None] = mapped_column(JSON)
    pushed_hash: Mapped[str | None] = mapped_column(String(64))  # of what the tool last wrote
    # created: by this tool; adopted: found by its marker; named: the postmortem names the
    # ticket, so the tool only reads it and never writes to it
    origin: Mapped[str] = mapped_column(String(20), default="created", server_default="created")

    item: Mapped[ActionItem] = relationship(back_populates="links")


class PendingCreate(Base):
    """A create was (or is about to be) sent and no answer said what became of it. The item
    waits: a listing that shows its marker links it; after the target's
    `unconfirmed_wait_seconds` a look for the marker decides whether to send it again."""

    __tablename__ = "pending_creates"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(String(200), primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=1)


class DuplicateTicket(Base):
    """A ticket carrying the marker of an item that already has a (kept, older) ticket."""

    __tablename__ = "duplicate_tickets"

    target: Mapped[str] = mapped_column(String(200), primary_key=True)
    remote_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    kept_key: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    remote_state: Mapped[str | None] = mapped_column(String(50))
    found_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column()  # closed by the tool as a duplicate


class SyncState(Base):
    """Per target: how far the tracker has been read, and how the last sync ended."""

    __tablename__ = "sync_state"

    target: Mapped[str] = mapped_column(String(200), primary_key=True)
    listed_until: Mapped[dt.datetime | None] = mapped_column()  # `since` of the next listing
    last_started_at: Mapped[dt.datetime | None] = mapped_column()
    last_finished_at: Mapped[dt.datetime | None] = mapped_column()
    last_outcome: Mapped[str | None] = mapped_column(String(20))  # ok, failed, interrupted


class ItemEvent(Base):
    __tablename__ = "item_events"
    __table_args__ = (Index("ix_item_events_item_at", "item_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # created, status, removed, restored
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))  # document or a tracker target's name
