"""Full-text search over chunks: SQLite FTS5 (BM25) or PostgreSQL full-text search (ts_rank).

Both indexes cover the normalised ``search_head`` (title, tags, products, heading; weighted
higher) and ``search_body`` columns built by migration 0002. Queries are the normalised terms of
the question joined with OR, so a chunk matching more (and rarer) terms ranks higher.
"""

from __future__ import annotations

from typing import Collection, List, Optional, Sequence, Tuple

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine

# Must stay identical to the expression indexed by migration 0002 (ix_kb_chunks_fts).
PG_TSVECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, search_head), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B'))"
)
# BM25 column weights: search_head, search_body.
SQLITE_WEIGHTS = (3.0, 1.0)
# ts_rank weights {D, C, B, A}: body is B, head is A.
PG_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"

Hit = Tuple[int, float]


class LexicalIndex:
    """Runs full-text queries on the database's own index.

    Args:
        engine: the database engine (SQLite with FTS5, or PostgreSQL).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.backend = engine.dialect.name
        if self.backend not in ("sqlite", "postgresql"):
            raise ValueError(f"full-text search is not supported on {self.backend}")

    def search(
        self, terms: Sequence[str], limit: int, article_ids: Optional[Collection[int]] = None
    ) -> List[Hit]:
        """Return the best-matching chunks.

        Args:
            terms: normalised query terms (``[a-z0-9]+`` only; see :mod:`bot.kb.normalise`).
            limit: how many chunks to return at most.
            article_ids: if given, only chunks of these articles.

        Returns:
            ``(chunk id, score)`` pairs, best first; higher scores are better.
        """
        terms = [t for t in dict.fromkeys(terms) if t.isalnum() and t.isascii()]
        if not terms or limit <= 0 or (article_ids is not None and not article_ids):
            return []
        if self.backend == "sqlite":
            return self._sqlite(terms, limit, article_ids)
        return self._postgresql(terms, limit, article_ids)

    def _sqlite(self, terms: Sequence[str], limit: int, article_ids: Optional[Collection[int]]) -> List[Hit]:
        """FTS5 MATCH with BM25 (FTS5's bm25() is lower-is-better, so it is negated)."""
        weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
        where = ""
        params = {"q": " OR ".join(f'"{term}"' for term in terms), "limit": limit}
        if article_ids is not None:
            where = " AND c.article_id IN :ids"
            params["ids"] = list(article_ids)
        sql = text(
            f"SELECT f.rowid, -bm25(kb_chunks_fts, {weights}) AS score "
            "FROM kb_chunks_fts AS f JOIN kb_chunks AS c ON c.id = f.rowid "
            f"WHERE kb_chunks_fts MATCH :q{where} "
            f"ORDER BY bm25(kb_chunks_fts, {weights}) LIMIT :limit"
        )
        if article_ids is not None:
            sql = sql.bindparams(bindparam("ids", expanding=True))
        with self._engine.connect() as connection:
            return [(int(cid), float(score)) for cid, score in connection.execute(sql, params)]

    def _postgresql(
        self, terms: Sequence[str], limit: int, article_ids: Optional[Collection[int]]
    ) -> List[Hit]:
        """``@@`` on the GIN-indexed tsvector, ranked by ``ts_rank`` (length-normalised)."""
        where = ""
        params = {"q": " | ".join(terms), "limit": limit}
        if article_ids is not None:
            where = " AND article_id IN :ids"
            params["ids"] = list(article_ids)
        sql = text(
            f"SELECT id, ts_rank('{PG_WEIGHTS}', {PG_TSVECTOR}, query, 1) AS score "
            "FROM kb_chunks, to_tsquery('simple'::regconfig, :q) AS query "
            f"WHERE {PG_TSVECTOR} @@ query{where} "
            "ORDER BY score DESC, id LIMIT :limit"
        )
        if article_ids is not None:
            sql = sql.bindparams(bindparam("ids", expanding=True))
        with self._engine.connect() as connection:
            return [(int(cid), float(score)) for cid, score in connection.execute(sql, params)]
