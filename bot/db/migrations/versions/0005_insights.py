"""Support insights: per-conversation rollups of Rasa's tracker events, and flow-step funnels.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

``insights_conversations`` holds one row per conversation (see docs/insights.md for how a
conversation and its outcome are defined), ``insights_steps`` the flow steps each run reached,
``insights_state`` the rollup's watermark in Rasa's ``events`` table. Everything here can be
rebuilt from ``events`` (``frontline insights --rebuild``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OUTCOMES = "outcome IN ('contained_resolved', 'contained_left', 'escalated', 'abandoned')"


def upgrade() -> None:
    """Create the insights tables and their indexes."""
    op.create_table(
        "insights_conversations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("start_event_id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("flow", sa.String(length=128), nullable=True),
        sa.Column("user_turns", sa.Integer(), nullable=False),
        sa.Column("fallbacks", sa.Integer(), nullable=False),
        sa.Column("clarifications", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("escalation_reason", sa.String(length=32), nullable=True),
        sa.Column("after_clarify_topic", sa.Integer(), nullable=False),
        sa.Column("after_clarify_rephrased", sa.Integer(), nullable=False),
        sa.Column("after_clarify_human", sa.Integer(), nullable=False),
        sa.Column("after_clarify_fallback", sa.Integer(), nullable=False),
        sa.Column("after_clarify_left", sa.Integer(), nullable=False),
        sa.Column("end_flow", sa.String(length=128), nullable=True),
        sa.Column("end_step", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights_conversations")),
        sa.UniqueConstraint("sender_id", "start_event_id", name="uq_insights_conversations_sender_id"),
        sa.CheckConstraint(OUTCOMES, name=op.f("ck_insights_conversations_outcome")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_insights_conversations_started_at", "insights_conversations", ["started_at"])
    op.create_table(
        "insights_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=128), nullable=False),
        sa.Column("step", sa.String(length=128), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last", sa.Boolean(), nullable=False),
        sa.Column("run_outcome", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights_steps")),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["insights_conversations.id"],
            name=op.f("fk_insights_steps_conversation_id_insights_conversations"), ondelete="CASCADE",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_insights_steps_conversation_id", "insights_steps", ["conversation_id"])
    op.create_index("ix_insights_steps_started_at_flow", "insights_steps", ["started_at", "flow"])
    op.create_table(
        "insights_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_insights_state")),
    )
    # The dashboard's ticket and KB queries filter by time.
    op.create_index("ix_tickets_created_at", "tickets", ["created_at"])
    op.create_index("ix_flow_runs_ended_at", "flow_runs", ["ended_at"])


def downgrade() -> None:
    """Drop what :func:`upgrade` created."""
    op.drop_index("ix_flow_runs_ended_at", table_name="flow_runs")
    op.drop_index("ix_tickets_created_at", table_name="tickets")
    op.drop_table("insights_state")
    op.drop_index("ix_insights_steps_started_at_flow", table_name="insights_steps")
    op.drop_index("ix_insights_steps_conversation_id", table_name="insights_steps")
    op.drop_table("insights_steps")
    op.drop_index("ix_insights_conversations_started_at", table_name="insights_conversations")
    op.drop_table("insights_conversations")
