"""Records every knowledge-base answer shown in a conversation and whether it helped.

One ``kb_answers`` row per answer: the question, the article slugs shown (best first), the
confidence, whether anything was found, and, once the user clicks Yes/No, ``helpful`` and when.
Analytics read :meth:`FeedbackStore.article_stats` (which articles deflect tickets, which ones
people say did not help) and the rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from bot.db.models import KbAnswerRow
from bot.kb.model import KbAnswer

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class AnswerRecord:
    """A recorded answer and its feedback."""

    id: int
    conversation_id: str
    channel: str
    query: str
    articles: Tuple[str, ...]
    confidence: float
    found: bool
    helpful: Optional[bool]
    created_at: datetime
    feedback_at: Optional[datetime]


@dataclass(frozen=True)
class ArticleStats:
    """How an article fared: times shown as the best answer, and the feedback on those answers."""

    slug: str
    shown_first: int
    helpful: int
    not_helpful: int


def _record(row: KbAnswerRow) -> AnswerRecord:
    """Convert an ORM row."""
    return AnswerRecord(
        id=row.id,
        conversation_id=row.conversation_id,
        channel=row.channel,
        query=row.query,
        articles=tuple(row.articles or ()),
        confidence=float(row.confidence),
        found=bool(row.found),
        helpful=row.helpful,
        created_at=row.created_at,
        feedback_at=row.feedback_at,
    )


class FeedbackStore:
    """Writes and reads ``kb_answers``.

    Args:
        sessions: a session factory.
        clock: returns aware UTC datetimes.
    """

    def __init__(self, sessions: sessionmaker, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def record_answer(
        self,
        conversation_id: str,
        channel: str,
        answer: KbAnswer,
        articles: Optional[Sequence[str]] = None,
    ) -> int:
        """Record an answer the user is being shown.

        Args:
            conversation_id: the Rasa sender id.
            channel: the input channel ("rest", "slack", ...).
            answer: the answer (its query, confidence and found flag are stored).
            articles: the slugs shown, best first (default: ``answer.shown``).

        Returns:
            The record's id, to attach feedback to later.
        """
        slugs = list(articles) if articles is not None else [hit.slug for hit in answer.shown]
        with self._sessions.begin() as session:
            row = KbAnswerRow(
                conversation_id=conversation_id,
                channel=channel or "unknown",
                query=answer.query,
                articles=slugs,
                confidence=float(answer.confidence),
                found=bool(answer.found),
                helpful=None,
                created_at=self._clock(),
            )
            session.add(row)
            session.flush()
            return int(row.id)

    def record_feedback(self, answer_id: int, helpful: bool) -> bool:
        """Store the user's verdict on an answer (a later click overrides an earlier one).

        Args:
            answer_id: the id returned by :meth:`record_answer`.
            helpful: True for "yes, it helped".

        Returns:
            False if there is no such answer.
        """
        with self._sessions.begin() as session:
            result = session.execute(
                update(KbAnswerRow)
                .where(KbAnswerRow.id == answer_id)
                .values(helpful=bool(helpful), feedback_at=self._clock())
            )
            return bool(result.rowcount)

    def get(self, answer_id: int) -> Optional[AnswerRecord]:
        """One recorded answer, or None."""
        with self._sessions() as session:
            row = session.get(KbAnswerRow, answer_id)
            return _record(row) if row is not None else None

    def for_conversation(self, conversation_id: str) -> List[AnswerRecord]:
        """Every answer shown in a conversation, oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(KbAnswerRow)
                .where(KbAnswerRow.conversation_id == conversation_id)
                .order_by(KbAnswerRow.id)
            ).scalars()
            return [_record(row) for row in rows]

    def recent(self, limit: int = 50, since: Optional[datetime] = None) -> List[AnswerRecord]:
        """The latest answers, newest first."""
        query = select(KbAnswerRow).order_by(KbAnswerRow.id.desc()).limit(limit)
        if since is not None:
            query = query.where(KbAnswerRow.created_at >= since)
        with self._sessions() as session:
            return [_record(row) for row in session.execute(query).scalars()]

    def article_stats(self, since: Optional[datetime] = None) -> List[ArticleStats]:
        """Per article: how often it was the best answer, and the Yes/No feedback it got.

        Args:
            since: only answers recorded at or after this time.

        Returns:
            Stats sorted by times shown, most shown first.
        """
        query = select(KbAnswerRow.articles, KbAnswerRow.helpful).where(KbAnswerRow.found.is_(True))
        if since is not None:
            query = query.where(KbAnswerRow.created_at >= since)
        counts: Dict[str, List[int]] = {}
        with self._sessions() as session:
            for articles, helpful in session.execute(query):
                if not articles:
                    continue
                entry = counts.setdefault(articles[0], [0, 0, 0])
                entry[0] += 1
                if helpful is True:
                    entry[1] += 1
                elif helpful is False:
                    entry[2] += 1
        return sorted(
            (ArticleStats(slug, *values) for slug, values in counts.items()),
            key=lambda stats: (-stats.shown_first, stats.slug),
        )
