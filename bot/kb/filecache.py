"""A machine-wide embedding cache file, shared by every database on this machine.

The database's own ``kb_embeddings`` table already makes re-ingesting cheap. This file (by
default ``~/.cache/frontline/kb-embeddings.sqlite``, ``FRONTLINE_KB_CACHE``) also makes the
*first* ingest into a fresh database cheap - a new test database, a fresh clone's
``frontline run``, a second deployment on the same host - just as ``FRONTLINE_MODEL_CACHE`` does
for trained models. Entries are keyed like the table (:func:`bot.kb.dense.embedding_key`:
model id and text), so they can never be stale. Delete the file at any time.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Dict, Sequence

import numpy as np

from bot.kb.dense import from_blob, to_blob

log = logging.getLogger(__name__)
BATCH = 500


class FileEmbeddingCache:
    """Embeddings by cache key in a small SQLite file (safe for several processes).

    Args:
        path: the cache file (created with its directory on first write).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        """Open the file, creating the table if needed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(str(self.path), timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, vector BLOB NOT NULL)"
        )
        return connection

    def get(self, keys: Sequence[str], dim: int) -> Dict[str, np.ndarray]:
        """Cached vectors for ``keys`` (of size ``dim``); an unreadable file counts as empty."""
        found: Dict[str, np.ndarray] = {}
        if not keys or not self.path.exists():
            return found
        try:
            connection = self._connect()
            try:
                unique = sorted(set(keys))
                for start in range(0, len(unique), BATCH):
                    batch = unique[start : start + BATCH]
                    marks = ",".join("?" * len(batch))
                    rows = connection.execute(
                        f"SELECT key, vector FROM embeddings WHERE dim = ? AND key IN ({marks})", [dim, *batch]
                    )
                    for key, blob in rows:
                        found[key] = from_blob(blob, dim)
            finally:
                connection.close()
        except (sqlite3.Error, OSError, ValueError) as exc:
            log.warning("embedding cache %s unusable, ignoring it: %s", self.path, exc)
            return {}
        return found

    def put(self, vectors: Dict[str, np.ndarray]) -> None:
        """Store vectors (existing keys are kept); failures are logged, never raised."""
        if not vectors:
            return
        try:
            connection = self._connect()
            try:
                with connection:
                    connection.executemany(
                        "INSERT OR IGNORE INTO embeddings (key, dim, vector) VALUES (?, ?, ?)",
                        [(key, int(vector.shape[0]), to_blob(vector)) for key, vector in vectors.items()],
                    )
            finally:
                connection.close()
        except (sqlite3.Error, OSError) as exc:
            log.warning("could not write the embedding cache %s: %s", self.path, exc)
