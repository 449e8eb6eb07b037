"""Slack channel: keys it must remember across restarts (handled events, clicks, threads).

Revision ID: 0003
Revises: 0002
Create Date: 2024-11-25

Slack re-sends an event when it believes we missed it; the event ids recorded here let the
channel answer each event once even when the retry reaches a restarted (or another) Rasa server.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``slack_seen`` with its expiry index (pruning deletes by expiry)."""
    op.create_table(
        "slack_seen",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_slack_seen")),
    )
    op.create_index("ix_slack_seen_expires_at", "slack_seen", ["expires_at"])


def downgrade() -> None:
    """Drop what :func:`upgrade` created."""
    op.drop_index("ix_slack_seen_expires_at", table_name="slack_seen")
    op.drop_table("slack_seen")
