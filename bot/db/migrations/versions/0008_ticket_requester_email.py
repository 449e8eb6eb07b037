"""Tickets: the requester's verified e-mail, so a person's tickets follow them across channels.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``tickets.requester_email`` and its index."""
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("requester_email", sa.String(length=254), nullable=True))
    op.create_index("ix_tickets_requester_email", "tickets", ["requester_email"])


def downgrade() -> None:
    """Drop ``tickets.requester_email``."""
    op.drop_index("ix_tickets_requester_email", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("requester_email")
