"""Incremental rollup of Rasa's ``events`` into ``insights_conversations`` and ``insights_steps``.

Each refresh reads the events added since the last one (the watermark in ``insights_state``),
and for every sender that has new events re-derives that sender's last stored conversation and
anything after it. Older conversations never change, so a refresh costs what was added, not
the history. A small overlap below the watermark re-reads events whose transactions committed
late (PostgreSQL sequences hand out ids before commit); re-deriving is idempotent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.db.models import InsightsConversationRow, InsightsStateRow, InsightsStepRow
from bot.insights.conversations import Conversation, split_conversations
from bot.insights.tracker_events import PARSED_TYPES, TrackerEvent, events_table

log = logging.getLogger(__name__)

WATERMARK = "events_watermark"
OVERLAP = 1000
SENDER_BATCH = 1000
INSERT_BATCH = 2000

conversations_table = InsightsConversationRow.__table__
steps_table = InsightsStepRow.__table__
state_table = InsightsStateRow.__table__


@dataclass(frozen=True)
class RefreshResult:
    """What one refresh did."""

    senders: int
    conversations: int
    watermark: int


def _week(day: date) -> str:
    """The ISO week's Monday, as ``YYYY-MM-DD``."""
    return (day - timedelta(days=day.weekday())).isoformat()


def conversation_values(conv: Conversation) -> Dict[str, object]:
    """The ``insights_conversations`` row of a conversation."""
    day = conv.started_at.date()
    return {
        "sender_id": conv.sender_id,
        "start_event_id": conv.start_event_id,
        "last_event_id": conv.last_event_id,
        "channel": conv.channel[:32],
        "started_at": conv.started_at,
        "last_event_at": conv.last_event_at,
        "day": day.isoformat(),
        "week": _week(day),
        "flow": conv.flow,
        "user_turns": conv.user_turns,
        "fallbacks": conv.fallbacks,
        "clarifications": conv.clarifications,
        "outcome": conv.outcome,
        "escalation_reason": conv.escalation_reason,
        "after_clarify_topic": conv.after_clarify["topic"],
        "after_clarify_rephrased": conv.after_clarify["rephrased"],
        "after_clarify_human": conv.after_clarify["human"],
        "after_clarify_fallback": conv.after_clarify["fallback"],
        "after_clarify_left": conv.after_clarify["left"],
        "end_flow": conv.end_flow,
        "end_step": conv.end_step,
    }


class InsightsRollup:
    """Keeps the insights tables in step with the tracker store.

    Args:
        engine: an engine on the Frontline database (which also holds Rasa's ``events``).
        idle: silence that ends a conversation (``FRONTLINE_INSIGHTS_IDLE_MINUTES``).
    """

    def __init__(self, engine: Engine, idle: timedelta) -> None:
        self.engine = engine
        self.idle = idle

    def refresh(self) -> RefreshResult:
        """Fold the events added since the last refresh into the insights tables."""
        with self.engine.begin() as conn:
            if not self.engine.dialect.has_table(conn, "events"):
                return RefreshResult(0, 0, 0)  # Rasa has not written anything yet
            mark = conn.execute(select(state_table.c.value).where(state_table.c.key == WATERMARK)).scalar()
            top = conn.execute(select(func.max(events_table.c.id))).scalar()
        if top is None or (mark is not None and top <= mark):
            return RefreshResult(0, 0, int(mark or 0))
        since = max(0, (mark or 0) - OVERLAP) if mark else 0
        with self.engine.connect() as conn:
            senders = list(conn.execute(
                select(events_table.c.sender_id).where(events_table.c.id > since, events_table.c.id <= top).distinct()
            ).scalars())
        written = 0
        for start in range(0, len(senders), SENDER_BATCH):
            batch = senders[start:start + SENDER_BATCH]
            try:
                written += self._refresh_senders(batch, top)
            except IntegrityError:
                # Another process (the dashboard, the digest, the CLI) derived the same
                # conversations at the same moment; derive them again over its rows.
                log.info("insights rollup: a concurrent refresh wrote the same conversations; retrying")
                written += self._refresh_senders(batch, top)
        with self.engine.begin() as conn:
            self._set_watermark(conn, top)
        return RefreshResult(len(senders), written, top)

    def rebuild(self) -> RefreshResult:
        """Forget every rollup and derive it again from all events (after changing the idle time)."""
        with self.engine.begin() as conn:
            conn.execute(delete(steps_table))
            conn.execute(delete(conversations_table))
            conn.execute(delete(state_table).where(state_table.c.key == WATERMARK))
        return self.refresh()

    def _set_watermark(self, conn: Connection, top: int) -> None:
        updated = conn.execute(
            state_table.update().where(state_table.c.key == WATERMARK).values(value=top)
        ).rowcount
        if not updated:
            conn.execute(insert(state_table).values(key=WATERMARK, value=top))

    def _refresh_senders(self, senders: Sequence[str], top: int) -> int:
        """Re-derive each sender's last conversation and everything after it."""
        with self.engine.begin() as conn:
            c = conversations_table.c
            # Each sender's last conversation (re-derived) and the one before it (whose open flow,
            # if any, the re-derived one continues).
            ranked = select(
                c.id, c.sender_id, c.start_event_id, c.end_flow, c.end_step,
                func.row_number().over(partition_by=c.sender_id, order_by=c.start_event_id.desc()).label("rank"),
            ).where(c.sender_id.in_(senders)).subquery()
            restart: Dict[str, int] = {}
            carried: Dict[str, Tuple[str, str]] = {}
            stale: List[int] = []
            for row in conn.execute(select(ranked).where(ranked.c.rank <= 2)):
                if row.rank == 1:
                    restart[row.sender_id] = row.start_event_id
                    stale.append(row.id)
                elif row.end_flow and row.end_step:
                    carried[row.sender_id] = (row.end_flow, row.end_step)
            if stale:
                conn.execute(delete(steps_table).where(steps_table.c.conversation_id.in_(stale)))
                conn.execute(delete(conversations_table).where(c.id.in_(stale)))
            low = min(restart.values()) if restart and len(restart) == len(senders) else 0
            e = events_table.c
            # Only user and slot bodies are ever read: the others are not even fetched.
            body = case((e.type_name.in_(PARSED_TYPES), e.data), else_=None)
            rows = conn.execute(
                select(e.sender_id, e.id, e.type_name, e.timestamp, e.intent_name, e.action_name, body)
                .where(e.sender_id.in_(senders), e.id >= low, e.id <= top)
                .order_by(e.sender_id, e.id)
            ).fetchall()
            convs: List[Conversation] = []
            for sender, events in _by_sender(rows, restart):
                carry = carried.get(sender)
                convs.extend(split_conversations(sender, events, self.idle, carry))
            self._insert(conn, convs)
            return len(convs)

    def _insert(self, conn: Connection, convs: List[Conversation]) -> None:
        c = conversations_table.c
        for start in range(0, len(convs), INSERT_BATCH):
            chunk = convs[start:start + INSERT_BATCH]
            conn.execute(insert(conversations_table), [conversation_values(conv) for conv in chunk])
            with_runs = [conv for conv in chunk if conv.runs]
            if not with_runs:
                continue
            ids: Dict[Tuple[str, int], int] = {}
            senders = sorted({conv.sender_id for conv in with_runs})
            for row in conn.execute(
                select(c.sender_id, c.start_event_id, c.id).where(
                    c.sender_id.in_(senders), c.start_event_id >= min(conv.start_event_id for conv in with_runs)
                )
            ):
                ids[(row[0], row[1])] = row[2]
            steps: List[Dict[str, object]] = []
            for conv in with_runs:
                steps.extend(_step_values(ids[(conv.sender_id, conv.start_event_id)], conv))
            if steps:
                conn.execute(insert(steps_table), steps)


def _step_values(conv_id: int, conv: Conversation) -> List[Dict[str, object]]:
    rows: List[Dict[str, object]] = []
    for number, run in enumerate(conv.runs):
        for ordinal, step in enumerate(run.steps):
            rows.append({
                "conversation_id": conv_id, "run": number, "flow": run.flow[:128], "step": step[:128],
                "ordinal": ordinal, "started_at": conv.started_at, "channel": conv.channel[:32],
                "last_event_at": conv.last_event_at, "last": ordinal == len(run.steps) - 1,
                "run_outcome": run.outcome[:16],
            })
    return rows


def _by_sender(rows: Iterable[object], restart: Dict[str, int]) -> Iterable[Tuple[str, List[TrackerEvent]]]:
    """Group ``(sender, id, ...)`` rows by sender, dropping each sender's events before its restart id."""
    current: Optional[str] = None
    batch: List[TrackerEvent] = []
    for row in rows:
        sender = row[0]  # type: ignore[index]
        if sender != current:
            if current is not None and batch:
                yield current, batch
            current, batch = sender, []
        if row[1] < restart.get(sender, 0):  # type: ignore[index]
            continue
        batch.append(TrackerEvent.from_row(row[1:]))  # type: ignore[index]
    if current is not None and batch:
        yield current, batch
