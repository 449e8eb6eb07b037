"""Rasa's tracker-store table ``events`` with its ``sender_id`` index (RasaHQ/rasa#3645).

Works whether the Rasa server created ``events`` before this migration ran or not: a missing
table is created with Rasa's exact definition (Rasa's own ``create_all`` then leaves it alone);
an existing one gets the index when it has none on ``sender_id``. See bot/db/tracker_events.py.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.tracker_events import EVENTS_TABLE, SENDER_INDEX, ensure_sender_index, events_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``events`` if missing (with the index), else add the index if missing."""
    connection = op.get_bind()
    if not sa.inspect(connection).has_table(EVENTS_TABLE):
        events_table(sa.MetaData()).create(connection)
    ensure_sender_index(connection)


def downgrade() -> None:
    """Drop the index only: ``events`` holds the conversations and belongs to Rasa."""
    op.execute(sa.text(f"DROP INDEX IF EXISTS {SENDER_INDEX}"))
