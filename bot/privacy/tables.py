"""Redaction where our tables are written: a ``before_flush`` hook on a session factory.

Every row of the tables in :data:`REDACTED_COLUMNS` is redacted in the transaction that writes
it, whichever repository wrote it (tickets, ticket events, flow runs, knowledge-base answers, the
outbox that carries the ticket webhook's payloads).
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.privacy.redact import Redactor

# Table → columns that may hold what a person typed (free text or JSON holding it).
REDACTED_COLUMNS: Dict[str, Tuple[str, ...]] = {
    "tickets": ("summary", "details"),
    "ticket_events": ("body", "data"),
    "flow_runs": ("answers", "trail"),
    "kb_answers": ("query",),
    "ticket_outbox": ("payload",),
}
_INSTALLED = "_frontline_redaction"


def install_redaction(session_factory: sessionmaker, redactor: Redactor) -> None:
    """Redact :data:`REDACTED_COLUMNS` of every new or changed row written through ``session_factory``.

    Idempotent: installing twice on one factory keeps one listener.
    """
    if getattr(session_factory, _INSTALLED, None) is not None:
        return

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        for row in list(session.new) + list(session.dirty):
            columns = REDACTED_COLUMNS.get(getattr(row, "__tablename__", ""))
            for column in columns or ():
                value = getattr(row, column, None)
                if value is None:
                    continue
                redacted = redactor.redact_value(value)
                if redacted != value:
                    setattr(row, column, redacted)

    event.listen(session_factory, "before_flush", before_flush)
    setattr(session_factory, _INSTALLED, before_flush)
