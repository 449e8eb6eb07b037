"""ORM models: flow runs, support tickets, their event log, and the knowledge base.

The schema itself is created by the Alembic migrations in ``bot/db/migrations``; these classes
must stay in step with them (a test compares the two on SQLite and PostgreSQL).

All timestamps are timezone-aware UTC datetimes (:class:`UTCDateTime`): naive datetimes are
rejected on write, and values read back always carry ``tzinfo=timezone.utc``, including on
SQLite, which stores no offset.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

FLOW_OUTCOMES = ("resolved", "escalated", "abandoned")
TICKET_STATUSES = ("new", "claimed", "waiting_on_user", "resolved", "closed")
OPEN_TICKET_STATUSES = ("new", "claimed", "waiting_on_user")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_EVENT_KINDS = ("created", "status_changed", "message", "note", "assigned", "rating")
OUTBOX_STATUSES = ("pending", "delivered", "dead")
HANDOFF_STATES = ("waiting", "claimed", "returned", "resolved")

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base: Any = declarative_base(metadata=metadata)


def _in_list_sql(column: str, values: tuple) -> str:
    """Render ``column IN ('a', 'b')`` for a CHECK constraint (values are trusted constants)."""
    rendered = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({rendered})"


class UTCDateTime(TypeDecorator):
    """A ``DateTime(timezone=True)`` that only accepts and always returns aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        """Normalise an aware datetime to UTC before it is written.

        Args:
            value: the datetime to store, or None.
            dialect: the database dialect in use.

        Returns:
            The datetime converted to UTC (without offset on SQLite, which cannot store one).

        Raises:
            ValueError: if ``value`` is naive.
        """
        if value is None:
            return None
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"naive datetime {value!r}: Frontline stores only timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(
        self, value: Optional[datetime], dialect: Dialect
    ) -> Optional[datetime]:
        """Return stored datetimes as aware UTC values.

        Args:
            value: the datetime read from the database, or None.
            dialect: the database dialect in use.

        Returns:
            The datetime with ``tzinfo=timezone.utc``.
        """
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class TicketRow(Base):
    """A support ticket handed to a human team."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_in_list_sql("status", TICKET_STATUSES), name="status"),
        CheckConstraint(_in_list_sql("priority", TICKET_PRIORITIES), name="priority"),
        Index("ix_tickets_requester_id_status", "requester_id", "status"),
        Index("ix_tickets_requester_email", "requester_email"),
        Index("ix_tickets_status", "status"),
        Index("ix_tickets_created_at", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(32), nullable=False, unique=True)
    status = Column(String(32), nullable=False, default="new")
    priority = Column(String(16), nullable=False, default="normal")
    category = Column(String(128), nullable=False)
    team = Column(String(64), nullable=False)
    requester_id = Column(String(255), nullable=False)
    requester_name = Column(String(255), nullable=True)
    # The requester's verified e-mail (Slack profile, verified widget identity), lower-case: links
    # their tickets across channels. Personal data: exported, erased and purged with the ticket.
    requester_email = Column(String(254), nullable=True)
    # A contact route (phone number or e-mail) the person explicitly gave to be contacted on
    # ("call me on …"). Kept out of the redacted columns on purpose: the engineer must read it.
    # Personal data: exported, erased and purged with the ticket; never logged.
    contact_route = Column(String(254), nullable=True)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(255), nullable=False)
    summary = Column(Text, nullable=False)
    details = Column(JSON, nullable=False)
    assignee = Column(String(255), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)
    resolved_at = Column(UTCDateTime, nullable=True)

    events = relationship("TicketEventRow", back_populates="ticket", passive_deletes=True)


class TicketEventRow(Base):
    """One entry of a ticket's append-only history."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        CheckConstraint(_in_list_sql("kind", TICKET_EVENT_KINDS), name="kind"),
        Index("ix_ticket_events_ticket_id", "ticket_id"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(32), nullable=False)
    actor = Column(String(255), nullable=False)
    body = Column(Text, nullable=False, default="")
    data = Column(JSON, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)

    ticket = relationship("TicketRow", back_populates="events")


class FlowRunRow(Base):
    """One finished run of a support flow inside a conversation."""

    __tablename__ = "flow_runs"
    __table_args__ = (
        CheckConstraint(_in_list_sql("outcome", FLOW_OUTCOMES), name="outcome"),
        Index("ix_flow_runs_conversation_id", "conversation_id"),
        Index("ix_flow_runs_flow_id_ended_at", "flow_id", "ended_at"),
        Index("ix_flow_runs_ended_at", "ended_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(255), nullable=False)
    channel = Column(String(32), nullable=False)
    flow_id = Column(String(128), nullable=False)
    outcome = Column(String(16), nullable=False)
    answers = Column(JSON, nullable=False)
    trail = Column(JSON, nullable=False)
    started_at = Column(UTCDateTime, nullable=False)
    ended_at = Column(UTCDateTime, nullable=False)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True)


class KbArticleRow(Base):
    """A knowledge-base article ingested from ``kb/<slug>.md`` (the file is the source of truth)."""

    __tablename__ = "kb_articles"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id = Column(Integer, primary_key=True, autoincrement=True)
    slug = Column(String(200), nullable=False, unique=True)
    title = Column(String(300), nullable=False)
    url = Column(String(500), nullable=False)
    tags = Column(JSON, nullable=False)
    products = Column(JSON, nullable=False)
    audience = Column(String(32), nullable=False)
    updated = Column(Date, nullable=False)
    source_path = Column(String(500), nullable=False)
    content_hash = Column(String(64), nullable=False)
    ingested_at = Column(UTCDateTime, nullable=False)

    chunks = relationship("KbChunkRow", back_populates="article", passive_deletes=True)


class KbChunkRow(Base):
    """One heading section of an article: the unit that lexical and dense search rank.

    ``search_head``/``search_body`` hold the normalised (lemmatised, stop-word-free) text that the
    full-text indexes cover: an FTS5 table kept in sync by triggers on SQLite, an expression GIN
    index on PostgreSQL (both created by migration 0002, outside this model).
    """

    __tablename__ = "kb_chunks"
    __table_args__ = (
        UniqueConstraint("article_id", "ordinal", name="uq_kb_chunks_article_id_ordinal"),
        Index("ix_kb_chunks_article_id", "article_id"),
        Index("ix_kb_chunks_embed_hash", "embed_hash"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    article_id = Column(Integer, ForeignKey("kb_articles.id", ondelete="CASCADE"), nullable=False)
    ordinal = Column(Integer, nullable=False)
    heading = Column(String(300), nullable=False)
    anchor = Column(String(200), nullable=False)
    line = Column(Integer, nullable=False)
    body = Column(Text, nullable=False)
    search_head = Column(Text, nullable=False)
    search_body = Column(Text, nullable=False)
    embed_hash = Column(String(64), nullable=False)

    article = relationship("KbArticleRow", back_populates="chunks")


class KbEmbeddingRow(Base):
    """A cached sentence embedding, keyed by the hash of the model id and the embedded text.

    Re-ingesting an unchanged (or moved, or re-added) passage reuses the stored vector instead of
    running the model again.
    """

    __tablename__ = "kb_embeddings"

    content_hash = Column(String(64), primary_key=True)
    model = Column(String(200), nullable=False)
    dim = Column(Integer, nullable=False)
    vector = Column(LargeBinary, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


class KbAnswerRow(Base):
    """A knowledge-base answer shown in a conversation, and the user's feedback on it."""

    __tablename__ = "kb_answers"
    __table_args__ = (
        Index("ix_kb_answers_conversation_id", "conversation_id"),
        Index("ix_kb_answers_created_at", "created_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(255), nullable=False)
    channel = Column(String(32), nullable=False)
    query = Column(Text, nullable=False)
    articles = Column(JSON, nullable=False)
    confidence = Column(Float, nullable=False)
    found = Column(Boolean, nullable=False)
    helpful = Column(Boolean, nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
    feedback_at = Column(UTCDateTime, nullable=True)


class SlackSeenRow(Base):
    """A key the Slack channel must remember across restarts, until it expires.

    Keys name handled events (``event:<team>:<event id>``: Slack retries events), clicked
    messages (``click:<team>:<channel>:<ts>``) and channel threads the bot takes part in
    (``thread:slack:<team>:<channel>:<thread ts>``). See :mod:`bot.db.slack_seen`.
    """

    __tablename__ = "slack_seen"
    __table_args__ = (Index("ix_slack_seen_expires_at", "expires_at"),)

    key = Column(String(255), primary_key=True)
    seen_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)


class OutboxRow(Base):
    """One ticket event waiting to be (or already) delivered to one external ticket sink.

    Rows are written in the same transaction as the ticket event they carry (the transactional
    outbox), so an event can never be recorded without its deliveries, nor the other way round.
    :class:`bot.tickets.dispatcher.OutboxDispatcher` delivers them in id order per sink and
    ticket, retrying with backoff; ``dead`` rows gave up (see ``last_error``).
    """

    __tablename__ = "ticket_outbox"
    __table_args__ = (
        CheckConstraint(_in_list_sql("status", OUTBOX_STATUSES), name="status"),
        Index("ix_ticket_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_ticket_outbox_sink_ticket_id", "sink", "ticket_id"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    sink = Column(String(64), nullable=False)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    event_id = Column(Integer, ForeignKey("ticket_events.id", ondelete="CASCADE"), nullable=False)
    idempotency_key = Column(String(128), nullable=False, unique=True)
    payload = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime, nullable=False)
    locked_until = Column(UTCDateTime, nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
    delivered_at = Column(UTCDateTime, nullable=True)


class HandoffRow(Base):
    """The live handoff of a ticket's conversation to an engineer.

    ``state`` goes waiting → claimed → returned | resolved (or straight from waiting to an end).
    ``desk_channel``/``desk_thread`` locate the ticket's message on the engineers' desk (a Slack
    channel and the message's ts); they stay empty until the ticket has been posted there.
    """

    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint(_in_list_sql("state", HANDOFF_STATES), name="state"),
        Index("ix_handoffs_conversation_id_state", "conversation_id", "state"),
        Index("ix_handoffs_desk_channel_desk_thread", "desk_channel", "desk_thread"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, unique=True)
    conversation_id = Column(String(255), nullable=False)
    channel = Column(String(32), nullable=False)
    state = Column(String(16), nullable=False, default="waiting")
    engineer_id = Column(String(255), nullable=True)
    engineer_name = Column(String(255), nullable=True)
    desk_channel = Column(String(64), nullable=True)
    desk_thread = Column(String(64), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)
    claimed_at = Column(UTCDateTime, nullable=True)
    ended_at = Column(UTCDateTime, nullable=True)


# -- support insights (bot/insights): incremental rollups of Rasa's tracker events ------------

INSIGHTS_OUTCOMES = ("contained_resolved", "contained_left", "escalated", "abandoned")


class InsightsConversationRow(Base):
    """One conversation, summarised from Rasa's ``events`` table by :mod:`bot.insights.rollup`.

    ``outcome`` is what the conversation counts as once it has ended (its last message is older
    than the idle time); queries decide "ended" at read time, so the row never needs revisiting.
    """

    __tablename__ = "insights_conversations"
    __table_args__ = (
        CheckConstraint(_in_list_sql("outcome", INSIGHTS_OUTCOMES), name="outcome"),
        UniqueConstraint("sender_id", "start_event_id", name="uq_insights_conversations_sender_id"),
        Index("ix_insights_conversations_started_at", "started_at"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(255), nullable=False)
    start_event_id = Column(Integer, nullable=False)
    last_event_id = Column(Integer, nullable=False)
    channel = Column(String(32), nullable=False)
    started_at = Column(UTCDateTime, nullable=False)
    last_event_at = Column(UTCDateTime, nullable=False)
    day = Column(String(10), nullable=False)
    week = Column(String(10), nullable=False)
    flow = Column(String(128), nullable=True)
    user_turns = Column(Integer, nullable=False)
    fallbacks = Column(Integer, nullable=False)
    clarifications = Column(Integer, nullable=False)
    outcome = Column(String(24), nullable=False)
    escalation_reason = Column(String(32), nullable=True)
    after_clarify_topic = Column(Integer, nullable=False)
    after_clarify_rephrased = Column(Integer, nullable=False)
    after_clarify_human = Column(Integer, nullable=False)
    after_clarify_fallback = Column(Integer, nullable=False)
    after_clarify_left = Column(Integer, nullable=False)
    end_flow = Column(String(128), nullable=True)
    end_step = Column(String(128), nullable=True)


class InsightsStepRow(Base):
    """A flow step (a question) one flow run reached, for the drop-off funnel.

    ``run_outcome`` is the run's end: resolved, escalated, cancelled, or ``open`` when the
    conversation's last event left it waiting at ``step`` (counted as *left* once it has ended).
    """

    __tablename__ = "insights_steps"
    __table_args__ = (
        Index("ix_insights_steps_conversation_id", "conversation_id"),
        Index("ix_insights_steps_started_at_flow", "started_at", "flow"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        Integer, ForeignKey("insights_conversations.id", ondelete="CASCADE"), nullable=False
    )
    run = Column(Integer, nullable=False)
    flow = Column(String(128), nullable=False)
    step = Column(String(128), nullable=False)
    ordinal = Column(Integer, nullable=False)
    started_at = Column(UTCDateTime, nullable=False)
    # Copied from the conversation so the funnel needs no join.
    channel = Column(String(32), nullable=False)
    last_event_at = Column(UTCDateTime, nullable=False)
    last = Column(Boolean, nullable=False)
    run_outcome = Column(String(16), nullable=False)


class InsightsStateRow(Base):
    """Bookkeeping of the insights rollup (e.g. the last ``events.id`` it has read)."""

    __tablename__ = "insights_state"

    key = Column(String(64), primary_key=True)
    value = Column(Integer, nullable=False)


PRIVACY_ACTIONS = ("export", "erase", "retention")


class PrivacyAuditRow(Base):
    """One served privacy request or retention run: when, by whom, how, and how many records.

    It holds no personal data: not the person's id, not what was removed, only counts per store.
    """

    __tablename__ = "privacy_audit"
    __table_args__ = (
        CheckConstraint(_in_list_sql("action", PRIVACY_ACTIONS), name="action"),
        Index("ix_privacy_audit_created_at", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    action = Column(String(16), nullable=False)
    actor = Column(String(255), nullable=False)
    via = Column(String(16), nullable=False)
    counts = Column(JSON, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


class PendingContactRow(Base):
    """A contact route a person gave in a conversation before any ticket existed ("call me on …"
    in the middle of a flow), kept until the conversation's ticket is opened and takes it.

    Not redacted (like ``tickets.contact_route``): the person gave it to be contacted on. The
    flow state in the tracker store is redacted, so the number cannot wait there. Erased with
    the person's conversations and removed by retention like flow runs.
    """

    __tablename__ = "pending_contacts"

    conversation_id = Column(String(255), primary_key=True)
    route = Column(String(254), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
