"""ORM models: flow runs, support tickets and the tickets' append-only event log.

The schema itself is created by the Alembic migrations in ``bot/db/migrations``; these classes
must stay in step with them (a test compares the two on SQLite and PostgreSQL).

All timestamps are timezone-aware UTC datetimes (:class:`UTCDateTime`): naive datetimes are
rejected on write, and values read back always carry ``tzinfo=timezone.utc``, including on
SQLite, which stores no offset.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

FLOW_OUTCOMES = ("resolved", "escalated", "abandoned")
TICKET_STATUSES = ("new", "claimed", "waiting_on_user", "resolved", "closed")
OPEN_TICKET_STATUSES = ("new", "claimed", "waiting_on_user")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_EVENT_KINDS = ("created", "status_changed", "message", "note", "assigned", "rating")

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base: Any = declarative_base(metadata=metadata)


def _in_list_sql(column: str, values: tuple) -> str:
    """Render ``column IN ('a', 'b')`` for a CHECK constraint (values are trusted constants)."""
    rendered = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({rendered})"


class UTCDateTime(TypeDecorator):
    """A ``DateTime(timezone=True)`` that only accepts and always returns aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        """Normalise an aware datetime to UTC before it is written.

        Args:
            value: the datetime to store, or None.
            dialect: the database dialect in use.

        Returns:
            The datetime converted to UTC (without offset on SQLite, which cannot store one).

        Raises:
            ValueError: if ``value`` is naive.
        """
        if value is None:
            return None
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"naive datetime {value!r}: Frontline stores only timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(
        self, value: Optional[datetime], dialect: Dialect
    ) -> Optional[datetime]:
        """Return stored datetimes as aware UTC values.

        Args:
            value: the datetime read from the database, or None.
            dialect: the database dialect in use.

        Returns:
            The datetime with ``tzinfo=timezone.utc``.
        """
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class TicketRow(Base):
    """A support ticket handed to a human team."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_in_list_sql("status", TICKET_STATUSES), name="status"),
        CheckConstraint(_in_list_sql("priority", TICKET_PRIORITIES), name="priority"),
        Index("ix_tickets_requester_id_status", "requester_id", "status"),
        Index("ix_tickets_status", "status"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(32), nullable=False, unique=True)
    status = Column(String(32), nullable=False, default="new")
    priority = Column(String(16), nullable=False, default="normal")
    category = Column(String(128), nullable=False)
    team = Column(String(64), nullable=False)
    requester_id = Column(String(255), nullable=False)
    requester_name = Column(String(255), nullable=True)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(255), nullable=False)
    summary = Column(Text, nullable=False)
    details = Column(JSON, nullable=False)
    assignee = Column(String(255), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)
    resolved_at = Column(UTCDateTime, nullable=True)

    events = relationship("TicketEventRow", back_populates="ticket", passive_deletes=True)


class TicketEventRow(Base):
    """One entry of a ticket's append-only history."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        CheckConstraint(_in_list_sql("kind", TICKET_EVENT_KINDS), name="kind"),
        Index("ix_ticket_events_ticket_id", "ticket_id"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(32), nullable=False)
    actor = Column(String(255), nullable=False)
    body = Column(Text, nullable=False, default="")
    data = Column(JSON, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)

    ticket = relationship("TicketRow", back_populates="events")


class FlowRunRow(Base):
    """One finished run of a support flow inside a conversation."""

    __tablename__ = "flow_runs"
    __table_args__ = (
        CheckConstraint(_in_list_sql("outcome", FLOW_OUTCOMES), name="outcome"),
        Index("ix_flow_runs_conversation_id", "conversation_id"),
        Index("ix_flow_runs_flow_id_ended_at", "flow_id", "ended_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(255), nullable=False)
    channel = Column(String(32), nullable=False)
    flow_id = Column(String(128), nullable=False)
    outcome = Column(String(16), nullable=False)
    answers = Column(JSON, nullable=False)
    trail = Column(JSON, nullable=False)
    started_at = Column(UTCDateTime, nullable=False)
    ended_at = Column(UTCDateTime, nullable=False)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True)
