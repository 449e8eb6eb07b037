"""Pending contact routes: a number given mid-flow before any ticket existed, kept for the ticket.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``pending_contacts``."""
    op.create_table(
        "pending_contacts",
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("route", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_pending_contacts")),
    )


def downgrade() -> None:
    """Drop ``pending_contacts``."""
    op.drop_table("pending_contacts")
