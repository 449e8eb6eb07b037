"""Hybrid retrieval: full-text ranks fused with dense similarity, plus a calibrated confidence.

For a question the searcher

1. normalises it into terms (:mod:`bot.kb.normalise`) and asks the database's full-text index
   for the best chunks (:mod:`bot.kb.lexical`);
2. embeds it (:mod:`bot.kb.dense`) and scores every chunk in memory by cosine similarity;
3. turns both chunk lists into article candidates (an article counts with its best chunk) and
   fuses them with a weighted sum of normalised scores: ``0.7 × scaled cosine + 0.3 × BM25 /
   best BM25 of the query`` (``fusion="rrf"`` switches to reciprocal-rank fusion,
   ``1/(k + lexical rank) + 1/(k + dense rank)``; the benchmark compares both);
4. picks each article's best passage and computes a confidence in [0, 1] from the passage's
   cosine similarity and the share of the question's terms the article contains.

Ranks decide the order; the confidence decides whether the bot shows the article at all
(:class:`bot.kb.service.KbService` compares it with ``FRONTLINE_KB_MIN_CONFIDENCE``).
``mode="lexical"`` and ``mode="dense"`` use one retriever only (for the benchmark and for
designers comparing them).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set

import numpy as np

from bot.kb.dense import Embedder, EmbeddingModelUnavailable
from bot.kb.lexical import LexicalIndex
from bot.kb.model import SEARCH_MODES, Filters, KbHit, Passage
from bot.kb.normalise import Normaliser
from bot.kb.store import KbStore, Snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchConfig:
    """Tuning knobs of :class:`HybridSearcher` (defaults are what the benchmark reports).

    Attributes:
        candidates: chunks taken from each retriever before fusion.
        fusion: ``"convex"`` (weighted sum of normalised scores) or ``"rrf"`` (reciprocal-rank
            fusion). Convex won on the labelled questions at 74 and at 10,000 articles
            (docs/benchmarks.md): with RRF, an article that only one retriever finds loses to
            articles both find at mediocre ranks.
        rrf_k: the reciprocal-rank-fusion constant (larger flattens the rank differences).
        lexical_weight: the full-text share of the convex fusion score.
        cos_floor: cosine similarity that counts as no evidence at all.
        cos_ceiling: cosine similarity that counts as full evidence.
        dense_weight: share of the confidence that comes from the cosine similarity (the rest
            comes from term coverage) in hybrid mode.
        passage_coverage_weight: how much a chunk's term coverage adds to its similarity when
            choosing the passage to show.
    """

    candidates: int = 50
    fusion: str = "convex"
    rrf_k: int = 60
    lexical_weight: float = 0.3
    cos_floor: float = 0.15
    cos_ceiling: float = 0.70
    dense_weight: float = 0.65
    passage_coverage_weight: float = 0.1


def _clamp(value: float) -> float:
    """Clamp to [0, 1]."""
    return max(0.0, min(1.0, value))


class HybridSearcher:
    """Searches the stored knowledge base.

    Args:
        store: where articles, chunks and embeddings live.
        lexical: the database's full-text index.
        normaliser: the same normaliser that ingestion used.
        embedder: the embedding model, or None for lexical-only search.
        config: tuning knobs.
    """

    def __init__(
        self,
        store: KbStore,
        lexical: LexicalIndex,
        normaliser: Normaliser,
        embedder: Optional[Embedder],
        config: SearchConfig = SearchConfig(),
    ) -> None:
        self._store = store
        self._lexical = lexical
        self._normaliser = normaliser
        self._embedder = embedder
        self._dense_error: Optional[str] = None
        self.config = config
        self._snapshot: Optional[Snapshot] = None
        self._lock = threading.Lock()

    @property
    def dense_available(self) -> bool:
        """False once the embedding model failed to load (search then degrades to lexical)."""
        return self._embedder is not None and self._dense_error is None

    def warm_up(self, dense: bool = True) -> None:
        """Load the normaliser, the embedding model and the snapshot now instead of on first use.

        Args:
            dense: also load the embedding model (not needed for lexical-only search).
        """
        self._normaliser.terms("warm up")
        if dense:
            self._query_vector("warm up")
        self.snapshot()

    def snapshot(self) -> Snapshot:
        """The in-memory knowledge base, reloaded when the stored one changed."""
        fingerprint = self._store.fingerprint()
        current = self._snapshot
        if current is not None and current.fingerprint == fingerprint:
            return current
        with self._lock:
            current = self._snapshot
            if current is None or current.fingerprint != fingerprint:
                current = self._store.load_snapshot(self._dimension())
                self._snapshot = current
                log.info(
                    "knowledge base loaded: %d articles, %d passages", len(current.articles), len(current.chunks)
                )
        return current

    def _dimension(self) -> Optional[int]:
        """The embedding size, or None without dense search."""
        if not self.dense_available or self._embedder is None:
            return None
        try:
            return int(self._embedder.dim)
        except EmbeddingModelUnavailable as exc:
            self._dense_error = str(exc)
            log.error("dense search disabled, using full-text search only: %s", exc)
            return None

    def _query_vector(self, query: str) -> Optional[np.ndarray]:
        """Embed the question; None (and lexical-only from then on) if the model is unusable."""
        if not self.dense_available or self._embedder is None:
            return None
        try:
            return self._embedder.embed([query])[0]
        except EmbeddingModelUnavailable as exc:
            self._dense_error = str(exc)
            log.error("dense search disabled, using full-text search only: %s", exc)
            return None

    def search(
        self,
        query: str,
        top: int = 3,
        filters: Optional[Filters] = None,
        mode: str = "hybrid",
    ) -> List[KbHit]:
        """Rank articles for ``query``.

        Args:
            query: the question as the user wrote it.
            top: how many articles to return at most.
            filters: restrict to some products/tags/audiences.
            mode: ``"hybrid"`` (default), ``"lexical"`` or ``"dense"``.

        Returns:
            Up to ``top`` hits, best first, each with its scores and confidence.
        """
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode {mode!r}; expected one of {', '.join(SEARCH_MODES)}")
        snap = self.snapshot()
        if not snap.chunks or top <= 0:
            return []
        allowed = self._allowed(snap, filters)
        if allowed is not None and not allowed:
            return []
        terms = self._normaliser.query_terms(query)

        lexical_rank: Dict[int, int] = {}
        lexical_score: Dict[int, float] = {}
        if mode in ("hybrid", "lexical"):
            for chunk_id, score in self._lexical.search(terms, self.config.candidates, allowed):
                index = snap.chunk_index.get(chunk_id)
                if index is None:  # ingested after the snapshot; next search reloads
                    continue
                aid = snap.chunks[index].article_id
                if aid not in lexical_rank:
                    lexical_rank[aid] = len(lexical_rank) + 1
                    lexical_score[aid] = score

        sims: Optional[np.ndarray] = None
        dense_rank: Dict[int, int] = {}
        if mode in ("hybrid", "dense"):
            vector = self._query_vector(query)
            if vector is not None and snap.vectors.shape[1] == vector.shape[0]:
                sims = snap.vectors @ vector
                if allowed is not None:
                    sims = np.where(np.isin(snap.chunk_articles, list(allowed)), sims, -1.0)
                dense_rank = self._dense_ranking(snap, sims)

        scores = self._fuse(snap, lexical_rank, lexical_score, dense_rank, sims)
        ordered = sorted(scores, key=lambda aid: (-scores[aid], min(lexical_rank.get(aid, 10**9), dense_rank.get(aid, 10**9))))
        effective_mode = mode if sims is not None or mode == "lexical" else "lexical"
        return [
            self._hit(snap, aid, scores[aid], terms, sims, lexical_rank, lexical_score, dense_rank, effective_mode)
            for aid in ordered[:top]
        ]

    def _fuse(
        self,
        snap: Snapshot,
        lexical_rank: Dict[int, int],
        lexical_score: Dict[int, float],
        dense_rank: Dict[int, int],
        sims: Optional[np.ndarray],
    ) -> Dict[int, float]:
        """Combine the two article rankings into one score per article."""
        scores: Dict[int, float] = {}
        if self.config.fusion == "rrf" or sims is None:
            k = self.config.rrf_k
            for aid, rank in lexical_rank.items():
                scores[aid] = scores.get(aid, 0.0) + 1.0 / (k + rank)
            for aid, rank in dense_rank.items():
                scores[aid] = scores.get(aid, 0.0) + 1.0 / (k + rank)
            return scores
        top = max(lexical_score.values(), default=0.0) or 1.0
        weight = self.config.lexical_weight
        span = self.config.cos_ceiling - self.config.cos_floor
        for aid in set(lexical_rank) | set(dense_rank):
            cosine = float(sims[snap.article_rows[aid]].max())
            dense = _clamp((cosine - self.config.cos_floor) / span)
            lexical = max(lexical_score.get(aid, 0.0), 0.0) / top
            scores[aid] = (1.0 - weight) * dense + weight * lexical
        return scores

    def hit_for(self, slug: str, query: str) -> Optional[KbHit]:
        """Score one article for ``query`` (used when the user picks an alternative).

        Args:
            slug: the article's slug.
            query: the question the article should answer.

        Returns:
            The hit with the article's best passage for ``query``, or None for an unknown slug.
        """
        snap = self.snapshot()
        meta = snap.article_by_slug(slug)
        if meta is None or meta.id not in snap.article_rows:
            return None
        terms = self._normaliser.query_terms(query) if query else []
        sims = None
        vector = self._query_vector(query) if query else None
        if vector is not None and snap.vectors.shape[1] == vector.shape[0]:
            sims = snap.vectors @ vector
        mode = "hybrid" if sims is not None else "lexical"
        return self._hit(snap, meta.id, 0.0, terms, sims, {}, {}, {}, mode)

    def _allowed(self, snap: Snapshot, filters: Optional[Filters]) -> Optional[Set[int]]:
        """Article ids passing ``filters`` (None when there are no filters)."""
        if filters is None or filters.empty:
            return None
        return {
            aid for aid, meta in snap.articles.items() if filters.matches(meta.products, meta.tags, meta.audience)
        }

    def _dense_ranking(self, snap: Snapshot, sims: np.ndarray) -> Dict[int, int]:
        """Article ranks from the best chunks by cosine similarity."""
        count = min(self.config.candidates, sims.shape[0])
        best = np.argpartition(-sims, count - 1)[:count]
        best = best[np.argsort(-sims[best], kind="stable")]
        ranking: Dict[int, int] = {}
        for index in best:
            if sims[index] <= -1.0:
                break
            aid = int(snap.chunk_articles[index])
            if aid not in ranking:
                ranking[aid] = len(ranking) + 1
        return ranking

    def _hit(
        self,
        snap: Snapshot,
        aid: int,
        score: float,
        terms: Sequence[str],
        sims: Optional[np.ndarray],
        lexical_rank: Dict[int, int],
        lexical_score: Dict[int, float],
        dense_rank: Dict[int, int],
        mode: str,
    ) -> KbHit:
        """Build the hit for article ``aid``: best passage, scores and confidence."""
        meta = snap.articles[aid]
        rows = snap.article_rows[aid]
        query_terms = set(terms)

        def chunk_coverage(index: int) -> float:
            if not query_terms:
                return 0.0
            return len(query_terms & snap.chunks[index].terms) / len(query_terms)

        if sims is not None:
            weight = self.config.passage_coverage_weight
            best_index = max(rows, key=lambda i: float(sims[i]) + weight * chunk_coverage(int(i)))
            cosine: Optional[float] = float(max(sims[rows]))
        else:
            best_index = max(rows, key=lambda i: (chunk_coverage(int(i)), -int(i)))
            cosine = None
        chunk = snap.chunks[int(best_index)]
        coverage = (
            len(query_terms & snap.article_terms.get(aid, frozenset())) / len(query_terms) if query_terms else 0.0
        )
        return KbHit(
            slug=meta.slug,
            title=meta.title,
            url=meta.url,
            tags=meta.tags,
            products=meta.products,
            source_path=meta.source_path,
            passage=Passage(heading=chunk.heading, anchor=chunk.anchor, text=chunk.body, line=chunk.line),
            score=score,
            confidence=self.confidence(cosine, coverage, mode),
            lexical_rank=lexical_rank.get(aid),
            lexical_score=lexical_score.get(aid),
            dense_rank=dense_rank.get(aid),
            dense_score=cosine,
            coverage=coverage,
        )

    def confidence(self, cosine: Optional[float], coverage: float, mode: str = "hybrid") -> float:
        """Confidence that an article answers the question, in [0, 1].

        Args:
            cosine: cosine similarity of the question and the article's best passage (None
                without dense search).
            coverage: share of the question's terms that occur in the article.
            mode: the search mode; lexical-only confidence is the coverage alone and
                dense-only confidence the scaled similarity alone.

        Returns:
            The confidence.
        """
        if cosine is None or mode == "lexical":
            return round(_clamp(coverage), 4)
        span = self.config.cos_ceiling - self.config.cos_floor
        dense = _clamp((cosine - self.config.cos_floor) / span)
        if mode == "dense":
            return round(dense, 4)
        weight = self.config.dense_weight
        return round(_clamp(weight * dense + (1.0 - weight) * coverage), 4)
