"""``frontline kb ingest``: make the stored knowledge base match a folder of articles.

1. Parse and validate every file (:mod:`bot.kb.parse`). Any problem aborts the run before
   anything is written, so a typo never half-updates the bot's knowledge.
2. Compare each article's content hash with the stored one; unchanged articles are skipped
   without loading spaCy or the embedding model.
3. Chunk new and changed articles by heading, normalise them for full-text search, and embed
   their passages; embeddings already cached in ``kb_embeddings`` (same model, same text) are
   reused instead of recomputed.
4. Write everything and delete articles whose file is gone, in one transaction; drop cached
   embeddings nothing uses any more. (New embeddings are committed to the cache as they are
   computed, so an interrupted run loses no model work.)
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence


from bot.kb.chunk import split_sections
from bot.kb.dense import Embedder, embedding_key
from bot.kb.filecache import FileEmbeddingCache
from bot.kb.model import ArticleDoc, IngestReport
from bot.kb.normalise import Normaliser
from bot.kb.parse import load_folder, tags_as_text
from bot.kb.store import KbStore, PreparedArticle, PreparedChunk

log = logging.getLogger(__name__)

# Bump when chunking or the stored representation changes: every article is then re-indexed.
INGEST_VERSION = "1"
# Passages embedded (and committed to the cache) per step: an interrupted ingest resumes from
# the cache, and batches this large let the embedder use its compiled graph.
EMBED_BATCH = 1024

Progress = Callable[[int, int], None]


def article_url(base_url: str, slug: str) -> str:
    """The published URL of an article: ``<base>/<slug>``."""
    return f"{base_url.rstrip('/')}/{slug}"


def content_hash(doc: ArticleDoc, url: str, normaliser_version: str, model_id: str) -> str:
    """Hash of everything that determines an article's stored form.

    Args:
        doc: the parsed article (its raw bytes are hashed).
        url: the article URL (changes when ``FRONTLINE_KB_URL`` changes).
        normaliser_version: :data:`bot.kb.normalise.NORMALISER_VERSION`.
        model_id: the embedding model id ("" without dense search).

    Returns:
        A sha256 hex digest.
    """
    digest = hashlib.sha256()
    for part in (INGEST_VERSION, normaliser_version, model_id, url, doc.path):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(doc.raw)
    return digest.hexdigest()


def embed_text(doc: ArticleDoc, heading: str, body: str) -> str:
    """The text a passage is embedded as: title and heading give the passage its context."""
    head = doc.title if heading == doc.title else f"{doc.title}: {heading}"
    return f"{head}\n{body}"


def prepare(
    docs: Sequence[ArticleDoc],
    hashes: Dict[str, str],
    urls: Dict[str, str],
    normaliser: Normaliser,
    model_id: str,
) -> List[PreparedArticle]:
    """Chunk and normalise articles for storage.

    Args:
        docs: the new or changed articles.
        hashes: slug → content hash.
        urls: slug → article URL.
        normaliser: the search normaliser.
        model_id: the embedding model id ("" without dense search).

    Returns:
        One prepared article per doc.
    """
    sections = {doc.slug: split_sections(doc) for doc in docs}
    heads: List[str] = []
    bodies: List[str] = []
    for doc in docs:
        meta = f"{doc.title} {tags_as_text(doc.tags)} {tags_as_text(doc.products)}"
        for section in sections[doc.slug]:
            heads.append(meta if section.heading == doc.title else f"{meta} {section.heading}")
            bodies.append(section.text)
    normal_heads = iter(normaliser.normalise_many(heads))
    normal_bodies = iter(normaliser.normalise_many(bodies))
    prepared: List[PreparedArticle] = []
    for doc in docs:
        chunks = []
        for ordinal, section in enumerate(sections[doc.slug]):
            text = embed_text(doc, section.heading, section.text)
            chunks.append(
                PreparedChunk(
                    ordinal=ordinal,
                    heading=section.heading,
                    anchor=section.anchor,
                    line=section.line,
                    body=section.text,
                    search_head=next(normal_heads),
                    search_body=next(normal_bodies),
                    embed_text=text,
                    embed_hash=embedding_key(model_id, text),
                )
            )
        prepared.append(
            PreparedArticle(
                slug=doc.slug,
                title=doc.title,
                url=urls[doc.slug],
                tags=doc.tags,
                products=doc.products,
                audience=doc.audience,
                updated=doc.updated,
                source_path=doc.path,
                content_hash=hashes[doc.slug],
                chunks=tuple(chunks),
            )
        )
    return prepared


def ingest(
    folder: Path,
    store: KbStore,
    normaliser: Normaliser,
    embedder: Optional[Embedder],
    base_url: str,
    *,
    progress: Optional[Progress] = None,
    shown_root: Optional[Path] = None,
    file_cache: Optional[FileEmbeddingCache] = None,
) -> IngestReport:
    """Make the stored knowledge base match ``folder`` (incrementally).

    Args:
        folder: the articles folder (``kb/``).
        store: the knowledge-base store.
        normaliser: the search normaliser (loaded only if something changed).
        embedder: the embedding model (loaded only if a passage is not cached), or None to
            store no embeddings (lexical search only).
        base_url: ``FRONTLINE_KB_URL``.
        progress: called with ``(done, total)`` while passages are embedded.
        shown_root: paths in messages and in the store are relative to it.
        file_cache: a machine-wide embedding cache consulted after the database's own cache
            (and filled with what had to be computed), so a fresh database ingests fast.

    Returns:
        What changed; when ``report.problems`` is non-empty nothing was written.

    Raises:
        bot.kb.dense.EmbeddingModelUnavailable: if passages need embedding and the model
            cannot be loaded (nothing is written then either).
    """
    docs, problems = load_folder(folder, shown_root)
    if problems:
        return IngestReport(folder=folder, problems=tuple(problems))
    model_id = embedder.model_id if embedder is not None else ""
    stored = store.article_hashes()
    urls = {doc.slug: article_url(base_url, doc.slug) for doc in docs}
    hashes = {doc.slug: content_hash(doc, urls[doc.slug], normaliser.version, model_id) for doc in docs}
    changed = [doc for doc in docs if stored.get(doc.slug) != hashes[doc.slug]]
    unchanged = tuple(doc.slug for doc in docs if stored.get(doc.slug) == hashes[doc.slug])
    present = {doc.slug for doc in docs}
    deleted = tuple(sorted(slug for slug in stored if slug not in present))

    prepared = prepare(changed, hashes, urls, normaliser, model_id) if changed else []
    embedded = 0
    reused = 0
    if embedder is not None and prepared:
        texts: Dict[str, str] = {}
        for article in prepared:
            for chunk in article.chunks:
                texts.setdefault(chunk.embed_hash, chunk.embed_text)
        cached = store.cached_embeddings(list(texts), embedder.dim)
        missing = [key for key in texts if key not in cached]
        if file_cache is not None and missing:
            from_file = file_cache.get(missing, embedder.dim)
            if from_file:
                store.add_embeddings(from_file, model_id)
                cached.update(from_file)
                missing = [key for key in missing if key not in from_file]
        reused = len(cached)
        for start in range(0, len(missing), EMBED_BATCH):
            keys = missing[start : start + EMBED_BATCH]
            vectors = dict(zip(keys, embedder.embed([texts[key] for key in keys]), strict=True))
            store.add_embeddings(vectors, model_id)
            if file_cache is not None:
                file_cache.put(vectors)
            embedded += len(keys)
            if progress is not None:
                progress(min(start + EMBED_BATCH, len(missing)), len(missing))
    if prepared or deleted:
        store.apply(prepared, deleted)
        pruned = store.prune_embeddings()
        if pruned:
            log.info("dropped %d cached embeddings no passage uses any more", pruned)
    added = tuple(a.slug for a in prepared if a.slug not in stored)
    updated = tuple(a.slug for a in prepared if a.slug in stored)
    return IngestReport(
        folder=folder,
        added=added,
        updated=updated,
        unchanged=unchanged,
        deleted=deleted,
        embedded=embedded,
        reused=reused,
    )

