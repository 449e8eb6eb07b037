"""Knowledge base for the end-to-end session: ingest kb/ into the fresh test database, fast.

Embedding the shipped articles takes half a minute, so the passages are ingested once into a
persistent cache database (``var/test-cache/kb.db``, incremental like any ingest) and copied
from there into each session's fresh database. The copy goes through SQLAlchemy, so the test
database's own full-text index (FTS5 triggers / PostgreSQL expression index) is built as usual.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import delete, select

from bot.config import Settings
from bot.db.engine import make_engine
from bot.db.models import KbArticleRow, KbChunkRow, KbEmbeddingRow
from bot.kb.cli import ingest_folder

TABLES = (KbArticleRow.__table__, KbEmbeddingRow.__table__, KbChunkRow.__table__)


def ingest_kb(settings: Settings, cache_dir: Path) -> None:
    """Make the knowledge base of ``settings.database_url`` match ``settings.kb_dir``.

    Args:
        settings: the session's settings (its database must be migrated).
        cache_dir: where the persistent cache database lives.

    Raises:
        AssertionError: if kb/ has problems (the message lists them).
    """
    cache = settings.with_(database_url=f"sqlite:///{cache_dir / 'kb.db'}")
    out, err = io.StringIO(), io.StringIO()
    status = ingest_folder(cache, settings.kb_dir, out, err, quiet=True)
    assert status == 0, f"kb/ could not be ingested:\n{err.getvalue()}"
    source, target = make_engine(cache.database_url), make_engine(settings.database_url)
    try:
        with source.connect() as src, target.begin() as dst:
            for table in reversed(TABLES):
                dst.execute(delete(table))
            for table in TABLES:
                rows = [dict(row._mapping) for row in src.execute(select(table))]
                if rows:
                    dst.execute(table.insert(), rows)
    finally:
        source.dispose()
        target.dispose()
