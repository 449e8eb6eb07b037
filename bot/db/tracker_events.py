"""Rasa's tracker-store table (``events``) as Frontline's database sees it, and its lookup index.

Rasa's ``SQLTrackerStore`` creates ``events`` itself (``metadata.create_all`` when the Rasa server
starts) and reads a conversation with ``WHERE sender_id = ? ... ORDER BY id`` on every turn.
RasaHQ/rasa#3645 was about that lookup scanning the whole table: Rasa 3.6 declares
``sender_id`` with ``index=True``, so a table *Rasa creates today* gets ``ix_events_sender_id``,
but a table created by an older Rasa, restored from a dump without indexes, or created by hand
does not, and ``create_all`` never adds an index to an existing table. Frontline therefore makes
the index its own business, in two places that both end in :func:`ensure_sender_index`:

- migration ``0007`` creates the table (Rasa's exact definition, so Rasa's later ``create_all``
  finds it and leaves it alone) when it does not exist yet, then ensures the index;
- the tracker-store plug-in (``bot/rasa_ext/stores.py``) ensures it again after Rasa's
  ``create_all``, for a Rasa server started on a database nobody migrated.

The index carries Rasa's own name, so the two never produce a second, duplicate index.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

EVENTS_TABLE = "events"
SENDER_INDEX = "ix_events_sender_id"


def events_table(metadata: sa.MetaData) -> sa.Table:
    """Rasa 3.6's ``events`` table definition (``rasa.core.tracker_store.SQLTrackerStore.SQLEvent``).

    Args:
        metadata: the metadata to define it in (a throwaway one: it is not Frontline's model).

    Returns:
        The table, with ``sender_id`` indexed under Rasa's index name.
    """
    return sa.Table(
        EVENTS_TABLE,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
        sa.Index(SENDER_INDEX, "sender_id"),
    )


def has_sender_index(connection: Connection) -> bool:
    """True when some index on ``events`` starts with ``sender_id`` (ours, Rasa's or an operator's)."""
    indexes = sa.inspect(connection).get_indexes(EVENTS_TABLE)
    return any((index.get("column_names") or [None])[0] == "sender_id" for index in indexes)


def ensure_sender_index(connection: Connection) -> bool:
    """Create ``ix_events_sender_id`` unless ``events`` is missing or already indexed on ``sender_id``.

    ``IF NOT EXISTS`` (PostgreSQL and SQLite) makes two processes doing this at once harmless.

    Args:
        connection: an open connection in a transaction.

    Returns:
        True if the index was created now.
    """
    if not sa.inspect(connection).has_table(EVENTS_TABLE) or has_sender_index(connection):
        return False
    connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {SENDER_INDEX} ON {EVENTS_TABLE} (sender_id)"))
    return True
