"""Tickets: the delivery outbox for external ticket sinks, and live handoffs to engineers.

Revision ID: 0004
Revises: 0003
Create Date: 2024-11-26

``ticket_outbox`` holds one row per ticket event and configured sink, written in the event's own
transaction; the action server's dispatcher delivers them with retries. ``handoffs`` records
where a ticket was posted on the engineers' desk (Slack) and who has the conversation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ticket_outbox`` and ``handoffs`` with their constraints and indexes."""
    op.create_table(
        "ticket_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sink", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_outbox")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"],
            name=op.f("fk_ticket_outbox_ticket_id_tickets"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["ticket_events.id"],
            name=op.f("fk_ticket_outbox_event_id_ticket_events"), ondelete="CASCADE",
        ),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ticket_outbox_idempotency_key")),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'dead')", name=op.f("ck_ticket_outbox_status")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_ticket_outbox_status_next_attempt_at", "ticket_outbox", ["status", "next_attempt_at"]
    )
    op.create_index("ix_ticket_outbox_sink_ticket_id", "ticket_outbox", ["sink", "ticket_id"])

    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("engineer_id", sa.String(length=255), nullable=True),
        sa.Column("engineer_name", sa.String(length=255), nullable=True),
        sa.Column("desk_channel", sa.String(length=64), nullable=True),
        sa.Column("desk_thread", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"],
            name=op.f("fk_handoffs_ticket_id_tickets"), ondelete="CASCADE",
        ),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_handoffs_ticket_id")),
        sa.CheckConstraint(
            "state IN ('waiting', 'claimed', 'returned', 'resolved')", name=op.f("ck_handoffs_state")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_handoffs_conversation_id_state", "handoffs", ["conversation_id", "state"]
    )
    op.create_index(
        "ix_handoffs_desk_channel_desk_thread", "handoffs", ["desk_channel", "desk_thread"]
    )


def downgrade() -> None:
    """Drop what :func:`upgrade` created."""
    op.drop_index("ix_handoffs_desk_channel_desk_thread", table_name="handoffs")
    op.drop_index("ix_handoffs_conversation_id_state", table_name="handoffs")
    op.drop_table("handoffs")
    op.drop_index("ix_ticket_outbox_sink_ticket_id", table_name="ticket_outbox")
    op.drop_index("ix_ticket_outbox_status_next_attempt_at", table_name="ticket_outbox")
    op.drop_table("ticket_outbox")
