"""Frontline's persistence layer: SQLAlchemy 1.4 (2.0 style) models, repositories and migrations.

Nothing here touches a database at import time. The application builds an engine from its
settings with :func:`make_engine`, wraps it with :func:`make_session_factory` and hands the
factory to the repositories (:class:`FlowRunStore`, :class:`TicketStore`), which return plain
frozen dataclasses so that callers never handle ORM sessions or objects.
"""

from __future__ import annotations

from bot.db.engine import check_database, describe_url, make_engine, make_session_factory
from bot.db.repositories import (
    FlowRun,
    FlowRunStore,
    Ticket,
    TicketEvent,
    TicketNotFound,
    TicketStore,
    utc_now,
)

__all__ = [
    "FlowRun",
    "FlowRunStore",
    "Ticket",
    "TicketEvent",
    "TicketNotFound",
    "TicketStore",
    "check_database",
    "describe_url",
    "make_engine",
    "make_session_factory",
    "utc_now",
]
