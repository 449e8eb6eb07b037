"""Privacy: an audit record of every export and erasure (no personal data in it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``privacy_audit``."""
    op.create_table(
        "privacy_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('export', 'erase', 'retention')", name=op.f("ck_privacy_audit_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_audit")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_privacy_audit_created_at"), "privacy_audit", ["created_at"])


def downgrade() -> None:
    """Drop ``privacy_audit``."""
    op.drop_index(op.f("ix_privacy_audit_created_at"), table_name="privacy_audit")
    op.drop_table("privacy_audit")
