"""``frontline kb ingest [DIR]`` and ``frontline kb search "<question>" [--top N] [--json]``.

``ingest`` migrates the database if needed, so it works on a fresh clone. ``search`` shows
exactly what the bot would answer, with every score, so content designers can see why an
article wins; ``--json`` makes it scriptable (any labelled question set can be scored against
any ingested folder).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, TextIO

from bot.config import Settings


def ingest_on_start(settings: Settings, out: Optional[TextIO] = None) -> bool:
    """Bring the knowledge base up to date before the servers start (``frontline run``).

    Never fatal: with problems in the folder, or without the embedding model, the bot starts
    with the articles ingested last time and the reason is printed.

    Args:
        settings: the application settings.
        out: where to print (default stdout).

    Returns:
        True when the stored knowledge base now matches ``FRONTLINE_KB_DIR``.
    """
    import io

    out = out or sys.stdout
    if not settings.kb_dir.is_dir():
        print(f"note: no knowledge-base folder at {settings.kb_dir}; knowledge-base answers are off", file=out)
        return False
    errors = io.StringIO()
    try:
        status = ingest_folder(settings, settings.kb_dir, out, errors, quiet=True, migrate=False)
    except Exception as exc:  # reported, not raised: the assistant still starts
        status = 1
        errors.write(f"{exc}\n")
    if status != 0:
        print(
            f"warning: the knowledge base was not updated from {settings.kb_dir}; the bot uses the "
            f"articles ingested last time.\n{errors.getvalue().rstrip()}",
            file=out,
        )
    return status == 0


def ingest_folder(
    settings: Settings,
    folder: Path,
    out: TextIO,
    err: TextIO,
    quiet: bool = False,
    migrate: bool = True,
) -> int:
    """Migrate the database, then ingest ``folder`` incrementally and print a report.

    Args:
        settings: the application settings (database URL, KB base URL, model directory).
        folder: the articles folder.
        out: stream for the report.
        err: stream for problems.
        quiet: print nothing when nothing changed (used by ``frontline run``).
        migrate: bring the schema to head first (``frontline run`` already did).

    Returns:
        0 on success, 1 if the folder has problems or the database/model is unusable.
    """
    from bot.db.engine import describe_url, make_engine, make_session_factory
    from bot.db.migrate import DatabaseUnavailable, upgrade
    from bot.db.repositories import utc_now
    from bot.kb.dense import EmbeddingModelUnavailable, MiniLMEmbedder
    from bot.kb.filecache import FileEmbeddingCache
    from bot.kb.ingest import ingest
    from bot.kb.normalise import Normaliser
    from bot.kb.store import KbStore

    if migrate:
        try:
            upgrade(settings.database_url)
        except DatabaseUnavailable as exc:
            print(f"error: {exc}", file=err)
            return 1
    engine = make_engine(settings.database_url)
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        print(f"knowledge base: embedding passages {done}/{total}", file=out, flush=True)

    try:
        store = KbStore(make_session_factory(engine), utc_now)
        report = ingest(
            folder,
            store,
            Normaliser(),
            MiniLMEmbedder(settings.kb_model_dir),
            settings.kb_url,
            progress=progress,
            file_cache=FileEmbeddingCache(settings.kb_cache) if settings.kb_cache else None,
        )
        counts = store.counts() if report.ok else {}
    except EmbeddingModelUnavailable as exc:
        print(f"error: {exc}", file=err)
        return 1
    finally:
        engine.dispose()
    if not report.ok:
        for problem in report.problems:
            print(str(problem), file=err)
        print(
            f"error: {len(report.problems)} problem(s) in {folder}; nothing was ingested. "
            "Fix them and run `frontline kb ingest` again.",
            file=err,
        )
        return 1
    if quiet and not report.changed:
        return 0
    total = len(report.added) + len(report.updated) + len(report.unchanged)
    print(
        f"{folder}: {total} articles: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.deleted)} deleted; "
        f"{report.embedded} passages embedded, {report.reused} reused from the cache "
        f"({counts.get('chunks', 0)} passages stored in {describe_url(settings.database_url)}; "
        f"{time.monotonic() - started:.1f}s)",
        file=out,
    )
    for label, slugs in (("added", report.added), ("updated", report.updated), ("deleted", report.deleted)):
        for slug in slugs:
            print(f"  {label}: {slug}", file=out)
    return 0


def _hit_json(hit: Any) -> Dict[str, Any]:
    """A hit as JSON."""
    return {
        "slug": hit.slug,
        "title": hit.title,
        "url": hit.passage_url,
        "file": f"{hit.source_path}:{hit.passage.line}",
        "passage_heading": hit.passage.heading,
        "confidence": hit.confidence,
        "score": round(hit.score, 6),
        "lexical_rank": hit.lexical_rank,
        "lexical_score": None if hit.lexical_score is None else round(hit.lexical_score, 4),
        "dense_rank": hit.dense_rank,
        "dense_score": None if hit.dense_score is None else round(hit.dense_score, 4),
        "coverage": round(hit.coverage, 4),
        "tags": list(hit.tags),
        "products": list(hit.products),
    }


def search_query(
    settings: Settings,
    query: str,
    *,
    top: int = 3,
    as_json: bool = False,
    products: Sequence[str] = (),
    tags: Sequence[str] = (),
    mode: str = "hybrid",
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Show what the bot would find for ``query``.

    Args:
        settings: the application settings.
        query: the question.
        top: how many ranked articles to list.
        as_json: print one JSON object instead of a table.
        products: only articles about one of these products.
        tags: only articles with one of these tags.
        mode: ``hybrid``, ``lexical`` or ``dense``.
        out: output stream (default stdout).
        err: error stream (default stderr).

    Returns:
        0 (also when nothing is found), 1 when the database is unusable or empty.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db.engine import make_engine, make_session_factory
    from bot.db.repositories import utc_now
    from bot.kb.model import Filters
    from bot.kb.service import RANKED, build_knowledge_base

    out = out or sys.stdout
    err = err or sys.stderr
    engine = make_engine(settings.database_url)
    try:
        service, _ = build_knowledge_base(settings, engine, make_session_factory(engine), utc_now)
        try:
            if not service.searcher.snapshot().chunks:
                print("error: the knowledge base is empty; run `frontline kb ingest` first", file=err)
                return 1
        except SQLAlchemyError:
            print("error: no knowledge base in the database; run `frontline kb ingest` first", file=err)
            return 1
        service.searcher.warm_up(dense=mode != "lexical")  # time the search, not the model loading
        started = time.perf_counter()
        answer = service.answer(query, Filters.of(products, tags), mode=mode)
        elapsed_ms = (time.perf_counter() - started) * 1000
        hits = list(answer.hits[:top])
        if top > RANKED:
            hits = service.searcher.search(query, top=top, filters=Filters.of(products, tags), mode=mode)
    finally:
        engine.dispose()
    if as_json:
        payload = {
            "query": query,
            "mode": mode,
            "found": answer.found,
            "confidence": answer.confidence,
            "threshold": answer.threshold,
            "answer": answer.best.slug if answer.best else None,
            "alternatives": [hit.slug for hit in answer.alternatives],
            "hits": [_hit_json(hit) for hit in hits],
            "ms": round(elapsed_ms, 1),
        }
        print(json.dumps(payload, indent=2), file=out)
        return 0
    print(f"query: {query!r}  ({mode}, {elapsed_ms:.0f} ms)", file=out)
    if not hits:
        print("no article matches at all", file=out)
    for rank, hit in enumerate(hits, start=1):
        lexical = f"#{hit.lexical_rank} ({hit.lexical_score:.2f})" if hit.lexical_rank else "-"
        dense = f"#{hit.dense_rank}" if hit.dense_rank else "-"
        cosine = f"{hit.dense_score:.3f}" if hit.dense_score is not None else "-"
        print(
            f"{rank}. {hit.title}  [{hit.slug}]\n"
            f"   confidence {hit.confidence:.2f} | fused {hit.score:.4f} | full-text {lexical} | "
            f"dense {dense} cos {cosine} | term coverage {hit.coverage:.0%}\n"
            f"   passage: {hit.passage.heading!r} ({hit.source_path}:{hit.passage.line})\n"
            f"   {hit.passage_url}",
            file=out,
        )
    if answer.found and answer.best is not None:
        alternatives = ", ".join(hit.title for hit in answer.alternatives) or "none"
        print(
            f"→ the bot answers with {answer.best.title!r} (confidence {answer.confidence:.2f} ≥ "
            f"{answer.threshold:.2f}); alternatives: {alternatives}",
            file=out,
        )
    else:
        print(
            f"→ the bot says it found nothing (best confidence {answer.confidence:.2f} < "
            f"threshold {answer.threshold:.2f})",
            file=out,
        )
    return 0
