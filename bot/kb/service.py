"""The knowledge base as the bot uses it: answers with a confidence threshold, and feedback.

:class:`KbService` implements the flow engine's :class:`bot.flows.runtime.ports.KnowledgeBase` port
(``kb:`` steps call ``search``) and offers the richer :meth:`KbService.answer` that the
conversation actions use: the best article and its matching passage, up to two alternatives,
the confidence, and ``found=False`` when even the best match is below the threshold, so the bot
says it found nothing instead of showing a weak match.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.config import Settings
from bot.flows.runtime.fit import establishes_anything, fitting
from bot.flows.runtime.ports import Article
from bot.kb.dense import MiniLMEmbedder
from bot.kb.feedback import Clock, FeedbackStore
from bot.kb.lexical import LexicalIndex
from bot.kb.model import Filters, KbAnswer, KbHit
from bot.kb.normalise import Normaliser
from bot.kb.search import HybridSearcher
from bot.kb.store import KbStore

log = logging.getLogger(__name__)

# Alternatives are shown when their confidence reaches this share of the threshold.
ALTERNATIVE_FACTOR = 0.8
MAX_ALTERNATIVES = 2
# How many hits to rank before choosing the best and the alternatives.
RANKED = 5


def excerpt(text: str, limit: int = 500) -> str:
    """Shorten a Markdown passage for a chat bubble, cutting at a paragraph, line or sentence.

    Args:
        text: the passage.
        limit: the longest result in characters (an ellipsis is added when cut).

    Returns:
        The passage, or its beginning.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    for separator in ("\n\n", "\n", ". "):
        cut = head.rfind(separator)
        if cut >= limit // 2:
            return head[: cut + (1 if separator == ". " else 0)].rstrip() + " …"
    cut = head.rfind(" ")
    return head[: cut if cut > 0 else limit].rstrip() + " …"


def plain_snippet(text: str, limit: int = 200) -> str:
    """A one-line, Markdown-free snippet (for article lists in flows)."""
    flat = re.sub(r"[*_`#>]+", "", " ".join(text.split()))
    flat = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", flat)
    return excerpt(flat, limit)


_QUESTION_START = re.compile(
    r"^\s*(how|where|what|which|why|when|who|can|could|do|does|is|are|should|would|will|"
    r"am i|may i|is there|are there|any way|help me|i need to know|tell me how)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """Tell whether a message reads like a question or a how-to request.

    Args:
        text: the user's message.

    Returns:
        True for "how do I map a drive", "where is software center?", "vpn not working?"; False
        for statements, greetings and button payloads.
    """
    stripped = text.strip()
    if not stripped or stripped.startswith("/"):
        return False
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped)) or "how to " in stripped.lower()


def fitted(answer: KbAnswer, entities: Mapping[str, Any]) -> KbAnswer:
    """``answer`` with its article chosen for what the conversation established.

    Outside flows the conversation's ``os`` and ``app_name`` slots say which platform and
    application the person has; the ranked hits are fitted to them as a flow's ``kb:`` step does
    (:func:`bot.flows.runtime.fit.fitting`): an article only for another platform is not shown,
    one about their application comes first. The best fitting hit that reaches the threshold is
    shown; none fitting and good enough means nothing is shown (``found`` False).

    Args:
        answer: the search's answer (its ``hits`` ranked best first).
        entities: entity name → value the conversation established.
    """
    if not answer.found or not establishes_anything({}, entities):
        return answer
    fit = fitting(answer.hits or answer.shown, {}, entities, lambda hit: hit.products)
    best = next((hit for hit in fit if hit.confidence >= answer.threshold), None)
    return answer_with(answer.query, best, fit, answer.hits, answer.threshold)


def answer_with(
    query: str, best: Optional[KbHit], candidates: Sequence[KbHit], hits: Tuple[KbHit, ...], threshold: float
) -> KbAnswer:
    """The answer showing ``best`` (None: nothing reached the threshold), with up to
    :data:`MAX_ALTERNATIVES` of the other ``candidates`` that come close (``ALTERNATIVE_FACTOR``
    of the threshold) as alternatives.

    Args:
        query: the question.
        best: the hit to show, chosen by the caller.
        candidates: the hits in the order they are preferred (the ranking, or it fitted to the
            conversation).
        hits: everything that was ranked (kept on the answer; its top sets the confidence of an
            answer that shows nothing).
        threshold: the confidence an article needs to be shown.
    """
    if best is None:
        return KbAnswer(query=query, found=False, confidence=hits[0].confidence if hits else 0.0, threshold=threshold, hits=hits)
    alternatives = tuple(
        hit for hit in candidates if hit is not best and hit.confidence >= threshold * ALTERNATIVE_FACTOR
    )[:MAX_ALTERNATIVES]
    return KbAnswer(
        query=query, found=True, confidence=best.confidence, threshold=threshold,
        best=best, alternatives=alternatives, hits=hits,
    )


class KbService:
    """Searches the knowledge base and decides what is good enough to show.

    Args:
        searcher: the hybrid searcher.
        min_confidence: answers below this confidence are not shown (``FRONTLINE_KB_MIN_CONFIDENCE``).
    """

    def __init__(self, searcher: HybridSearcher, min_confidence: float) -> None:
        self.searcher = searcher
        self.min_confidence = min_confidence

    @property
    def alternative_threshold(self) -> float:
        """The confidence an alternative needs."""
        return self.min_confidence * ALTERNATIVE_FACTOR

    def warm_up(self) -> None:
        """Load spaCy, the embedding model and the stored articles now (takes seconds)."""
        self.searcher.warm_up()

    def answer(self, query: str, filters: Optional[Filters] = None, mode: str = "hybrid") -> KbAnswer:
        """What the bot should answer to ``query``.

        Args:
            query: the user's question.
            filters: optional product/tag/audience restrictions.
            mode: search mode (``hybrid`` in production).

        Returns:
            The answer; ``found`` is False when the best match is below the threshold, and then
            ``best`` and ``alternatives`` are empty (``hits`` still lists what was ranked).
        """
        hits = tuple(self.searcher.search(query, top=RANKED, filters=filters, mode=mode))
        # Ranks decide the order: only the top hit can be shown, and only if confident enough.
        best = hits[0] if hits and hits[0].confidence >= self.min_confidence else None
        return answer_with(query, best, hits, hits, self.min_confidence)

    def article(self, slug: str, query: str = "") -> Optional[KbHit]:
        """One article with its best passage for ``query`` (when the user picks an alternative)."""
        return self.searcher.hit_for(slug, query)

    def search(self, query: str, top: int) -> List[Article]:
        """The flow engine's port: at most ``top`` articles good enough to show, best first.

        Args:
            query: the rendered query of a ``kb:`` step.
            top: how many articles the step shows at most.

        Returns:
            Articles (title, link to the matching section, snippet, confidence); empty when
            nothing reaches the threshold.
        """
        answer = self.answer(query)
        if not answer.found:
            return []
        hits: Tuple[KbHit, ...] = answer.shown
        if top > len(hits):
            extra = [
                hit
                for hit in answer.hits
                if hit not in hits and hit.confidence >= self.alternative_threshold
            ]
            hits = hits + tuple(extra)
        return [
            Article(
                title=hit.title,
                url=hit.passage_url,
                snippet=plain_snippet(hit.passage.text),
                score=hit.confidence,
                products=tuple(hit.products),
            )
            for hit in hits[: max(top, 0)]
        ]


class KbWarmUp:
    """Action-server background job: load spaCy, the model and the articles right after start.

    The server starts (and reports healthy) at once; the loading runs in a worker thread, so the
    first question doesn't wait about ten seconds for it. A search that arrives earlier simply
    waits for the same locks.

    Args:
        service: the knowledge-base service to warm up.
    """

    def __init__(self, service: KbService) -> None:
        self._service = service
        self._future: Optional["asyncio.Future[None]"] = None

    async def start(self) -> None:
        """Start loading in a worker thread (does not wait for it)."""
        loop = asyncio.get_running_loop()
        self._future = loop.run_in_executor(None, self._run)

    def _run(self) -> None:
        """Warm up; a failure is logged (the first search will report it properly)."""
        try:
            self._service.warm_up()
        except Exception:  # noqa: BLE001 - never take the server down for a cache warm-up
            log.exception("knowledge-base warm-up failed")

    async def stop(self) -> None:
        """Nothing to stop: an unfinished warm-up thread ends with the process."""


def build_knowledge_base(
    settings: Settings, engine: Engine, sessions: sessionmaker, clock: Clock
) -> Tuple[KbService, FeedbackStore]:
    """Wire the knowledge base for ``settings`` (nothing heavy is loaded until first use).

    Args:
        settings: the application settings.
        engine: the database engine (its backend picks the full-text implementation).
        sessions: the session factory.
        clock: the clock for stored timestamps.

    Returns:
        The service and the feedback store.
    """
    store = KbStore(sessions, clock)
    searcher = HybridSearcher(
        store, LexicalIndex(engine), Normaliser(), MiniLMEmbedder(settings.kb_model_dir)
    )
    return KbService(searcher, settings.kb_min_confidence), FeedbackStore(sessions, clock)
