"""Tickets: the contact route the requester gave to be contacted on ("call me on …").

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``tickets.contact_route``."""
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("contact_route", sa.String(length=254), nullable=True))


def downgrade() -> None:
    """Drop ``tickets.contact_route``."""
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("contact_route")
