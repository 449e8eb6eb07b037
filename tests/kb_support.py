"""Knowledge base for the end-to-end session: ingest kb/ into the fresh test database.

Embeddings come from the machine-wide cache (``FRONTLINE_KB_CACHE``) after the first session,
so this takes seconds; the first session on a machine embeds the passages once.
"""

from __future__ import annotations

import io

from bot.config import Settings
from bot.kb.cli import ingest_folder


def ingest_kb(settings: Settings) -> None:
    """Make the knowledge base of ``settings.database_url`` match ``settings.kb_dir``.

    Args:
        settings: the session's settings (its database must be migrated).

    Raises:
        AssertionError: if kb/ has problems (the message lists them).
    """
    out, err = io.StringIO(), io.StringIO()
    status = ingest_folder(settings, settings.kb_dir, out, err, quiet=True, migrate=False)
    assert status == 0, f"kb/ could not be ingested:\n{err.getvalue()}"
