"""Knowledge-base persistence: articles, chunks and cached embeddings (SQLAlchemy, 2.0 style).

:class:`KbStore` is the only code that writes the knowledge-base tables. Ingestion hands it
fully prepared articles and applies them in one transaction, so a running bot sees either the
old or the new knowledge base, never half of it. Search reads a :class:`Snapshot` (articles,
passages and the embedding matrix in memory) and reloads it when the chunk table's
:meth:`KbStore.fingerprint` changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from bot.db.models import KbArticleRow, KbChunkRow, KbEmbeddingRow
from bot.kb.dense import from_blob, to_blob

Clock = Callable[[], datetime]
IN_BATCH = 500


@dataclass(frozen=True)
class PreparedChunk:
    """A section ready to store: display text, normalised search text and embedding key."""

    ordinal: int
    heading: str
    anchor: str
    line: int
    body: str
    search_head: str
    search_body: str
    embed_text: str
    embed_hash: str


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready to store (new or changed)."""

    slug: str
    title: str
    url: str
    tags: Tuple[str, ...]
    products: Tuple[str, ...]
    audience: str
    updated: date
    source_path: str
    content_hash: str
    chunks: Tuple[PreparedChunk, ...]


@dataclass(frozen=True)
class ArticleMeta:
    """What search needs to know about an article."""

    id: int
    slug: str
    title: str
    url: str
    tags: Tuple[str, ...]
    products: Tuple[str, ...]
    audience: str
    source_path: str


@dataclass(frozen=True)
class ChunkMeta:
    """What search needs to know about a chunk (its row index in the snapshot matrix)."""

    id: int
    article_id: int
    heading: str
    anchor: str
    line: int
    body: str
    terms: frozenset


@dataclass
class Snapshot:
    """The knowledge base in memory, for search.

    Attributes:
        fingerprint: the store fingerprint this snapshot was loaded at.
        articles: article id → metadata.
        chunks: chunk metadata; ``chunks[i]`` is row ``i`` of ``vectors``.
        chunk_index: chunk id → row index.
        vectors: ``(len(chunks), dim)`` unit vectors; rows without an embedding are zero.
        chunk_articles: article id of each row.
        article_terms: article id → every normalised term of its chunks.
        article_rows: article id → its chunks' row indices.
    """

    fingerprint: Tuple[int, int]
    articles: Dict[int, ArticleMeta]
    chunks: List[ChunkMeta]
    chunk_index: Dict[int, int]
    vectors: np.ndarray
    chunk_articles: np.ndarray
    article_terms: Dict[int, frozenset] = field(default_factory=dict)
    article_rows: Dict[int, np.ndarray] = field(default_factory=dict)

    def article_by_slug(self, slug: str) -> Optional[ArticleMeta]:
        """Find an article by slug."""
        for meta in self.articles.values():
            if meta.slug == slug:
                return meta
        return None


def _batches(values: Sequence[str], size: int = IN_BATCH) -> Iterable[Sequence[str]]:
    """Split ``values`` for ``IN (...)`` clauses of bounded size."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class KbStore:
    """Reads and writes the knowledge-base tables.

    Args:
        sessions: a session factory from :func:`bot.db.engine.make_session_factory`.
        clock: returns aware UTC datetimes (injected for tests).
    """

    def __init__(self, sessions: sessionmaker, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def article_hashes(self) -> Dict[str, str]:
        """Slug → content hash of every stored article."""
        with self._sessions() as session:
            rows = session.execute(select(KbArticleRow.slug, KbArticleRow.content_hash)).all()
        return {slug: content_hash for slug, content_hash in rows}

    def cached_embeddings(self, keys: Sequence[str], dim: int) -> Dict[str, np.ndarray]:
        """Embeddings already stored for ``keys``.

        Args:
            keys: embedding cache keys (:func:`bot.kb.dense.embedding_key`).
            dim: the expected vector size.

        Returns:
            key → vector for the keys that are cached.
        """
        found: Dict[str, np.ndarray] = {}
        unique = sorted(set(keys))
        with self._sessions() as session:
            for batch in _batches(unique):
                rows = session.execute(
                    select(KbEmbeddingRow.content_hash, KbEmbeddingRow.vector, KbEmbeddingRow.dim).where(
                        KbEmbeddingRow.content_hash.in_(batch)
                    )
                ).all()
                for key, blob, stored_dim in rows:
                    if stored_dim == dim:
                        found[key] = from_blob(blob, dim)
        return found

    def add_embeddings(self, vectors: Dict[str, np.ndarray], model_id: str) -> None:
        """Cache freshly computed embeddings (keys already cached are left alone).

        Args:
            vectors: embeddings by cache key (:func:`bot.kb.dense.embedding_key`).
            model_id: the model that computed them.
        """
        now = self._clock()
        keys = list(vectors)
        with self._sessions.begin() as session:
            present = set()
            for batch in _batches(keys):
                present.update(
                    session.execute(
                        select(KbEmbeddingRow.content_hash).where(KbEmbeddingRow.content_hash.in_(batch))
                    ).scalars()
                )
            session.add_all(
                KbEmbeddingRow(
                    content_hash=key,
                    model=model_id,
                    dim=int(vector.shape[0]),
                    vector=to_blob(vector),
                    created_at=now,
                )
                for key, vector in vectors.items()
                if key not in present
            )

    def apply(self, upserts: Sequence[PreparedArticle], deletions: Sequence[str]) -> None:
        """Write changed articles and delete removed ones, atomically.

        Args:
            upserts: new or changed articles; a changed article keeps its id, its chunks are
                replaced.
            deletions: slugs of articles to delete (their chunks go with them).
        """
        now = self._clock()
        with self._sessions.begin() as session:
            for batch in _batches(list(deletions)):
                ids = select(KbArticleRow.id).where(KbArticleRow.slug.in_(batch))
                session.execute(
                    delete(KbChunkRow)
                    .where(KbChunkRow.article_id.in_(ids))
                    .execution_options(synchronize_session=False)
                )
                session.execute(
                    delete(KbArticleRow)
                    .where(KbArticleRow.slug.in_(batch))
                    .execution_options(synchronize_session=False)
                )
            existing = {}
            slugs = [article.slug for article in upserts]
            for batch in _batches(slugs):
                for row in session.execute(select(KbArticleRow).where(KbArticleRow.slug.in_(batch))).scalars():
                    existing[row.slug] = row
            for article in upserts:
                row = existing.get(article.slug)
                if row is None:
                    row = KbArticleRow(slug=article.slug)
                    session.add(row)
                else:
                    session.execute(
                        delete(KbChunkRow)
                        .where(KbChunkRow.article_id == row.id)
                        .execution_options(synchronize_session=False)
                    )
                row.title = article.title
                row.url = article.url
                row.tags = list(article.tags)
                row.products = list(article.products)
                row.audience = article.audience
                row.updated = article.updated
                row.source_path = article.source_path
                row.content_hash = article.content_hash
                row.ingested_at = now
                session.flush()
                session.add_all(
                    KbChunkRow(
                        article_id=row.id,
                        ordinal=chunk.ordinal,
                        heading=chunk.heading,
                        anchor=chunk.anchor,
                        line=chunk.line,
                        body=chunk.body,
                        search_head=chunk.search_head,
                        search_body=chunk.search_body,
                        embed_hash=chunk.embed_hash,
                    )
                    for chunk in article.chunks
                )

    def prune_embeddings(self) -> int:
        """Delete cached embeddings that no chunk uses any more.

        Returns:
            How many were deleted.
        """
        with self._sessions.begin() as session:
            used = select(KbChunkRow.embed_hash)
            result = session.execute(
                delete(KbEmbeddingRow)
                .where(KbEmbeddingRow.content_hash.not_in(used))
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)

    def fingerprint(self) -> Tuple[int, int]:
        """``(chunk count, highest chunk id)``: changes whenever an ingest changed anything.

        Chunk ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL) and every
        changed article gets new chunks, so any addition, change or deletion moves this pair.
        """
        with self._sessions() as session:
            count, highest = session.execute(select(func.count(KbChunkRow.id), func.max(KbChunkRow.id))).one()
        return int(count or 0), int(highest or 0)

    def counts(self) -> Dict[str, int]:
        """Row counts of the knowledge-base tables (for reports and ``frontline doctor``)."""
        with self._sessions() as session:
            return {
                "articles": int(session.execute(select(func.count(KbArticleRow.id))).scalar_one()),
                "chunks": int(session.execute(select(func.count(KbChunkRow.id))).scalar_one()),
                "embeddings": int(session.execute(select(func.count(KbEmbeddingRow.content_hash))).scalar_one()),
            }

    def load_snapshot(self, dim: Optional[int]) -> Snapshot:
        """Load articles, chunks and their embeddings into memory.

        Args:
            dim: the embedding size to load, or None to load no vectors (lexical only).

        Returns:
            A :class:`Snapshot`; chunks without a cached embedding get a zero vector.
        """
        fingerprint = self.fingerprint()
        with self._sessions() as session:
            articles = {
                row.id: ArticleMeta(
                    id=row.id,
                    slug=row.slug,
                    title=row.title,
                    url=row.url,
                    tags=tuple(row.tags or ()),
                    products=tuple(row.products or ()),
                    audience=row.audience,
                    source_path=row.source_path,
                )
                for row in session.execute(select(KbArticleRow)).scalars()
            }
            rows = session.execute(
                select(
                    KbChunkRow.id,
                    KbChunkRow.article_id,
                    KbChunkRow.heading,
                    KbChunkRow.anchor,
                    KbChunkRow.line,
                    KbChunkRow.body,
                    KbChunkRow.search_head,
                    KbChunkRow.search_body,
                    KbChunkRow.embed_hash,
                ).order_by(KbChunkRow.id)
            ).all()
            vectors: Dict[str, bytes] = {}
            if dim:
                for key, blob in session.execute(
                    select(KbEmbeddingRow.content_hash, KbEmbeddingRow.vector)
                    .join(KbChunkRow, KbChunkRow.embed_hash == KbEmbeddingRow.content_hash)
                    .where(KbEmbeddingRow.dim == dim)
                ).all():
                    vectors[key] = blob
        chunks: List[ChunkMeta] = []
        matrix = np.zeros((len(rows), dim or 0), dtype=np.float32)
        article_terms: Dict[int, set] = {}
        article_rows: Dict[int, List[int]] = {}
        for index, (cid, aid, heading, anchor, line, body, head, search_body, key) in enumerate(rows):
            terms = frozenset(f"{head} {search_body}".split())
            chunks.append(ChunkMeta(cid, aid, heading, anchor, line, body, terms))
            article_terms.setdefault(aid, set()).update(terms)
            article_rows.setdefault(aid, []).append(index)
            if dim and key in vectors:
                matrix[index] = from_blob(vectors[key], dim)
        return Snapshot(
            fingerprint=fingerprint,
            articles=articles,
            chunks=chunks,
            chunk_index={chunk.id: index for index, chunk in enumerate(chunks)},
            vectors=matrix,
            chunk_articles=np.array([chunk.article_id for chunk in chunks], dtype=np.int64),
            article_terms={aid: frozenset(terms) for aid, terms in article_terms.items()},
            article_rows={aid: np.array(rows, dtype=np.int64) for aid, rows in article_rows.items()},
        )
