"""Ingestion on SQLite and PostgreSQL: validation, incremental re-ingest, deletion, embedding cache."""

from __future__ import annotations

from pathlib import Path

from kb_helpers import FakeEmbedder, article, make_service, normaliser, write_kb
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.db.models import KbArticleRow, KbChunkRow, KbEmbeddingRow
from bot.kb.ingest import ingest
from bot.kb.store import KbStore

BASE = "https://support.example.com/kb"


def count(session_factory: sessionmaker, column) -> int:
    with session_factory() as session:
        return int(session.execute(select(func.count(column))).scalar_one())


def test_first_ingest_adds_everything_and_search_finds_it(
    engine: Engine, session_factory: sessionmaker, clock, tmp_path: Path
) -> None:
    folder = write_kb(tmp_path / "kb")
    store, embedder = KbStore(session_factory, clock), FakeEmbedder()

    report = ingest(folder, store, normaliser(), embedder, BASE, shown_root=tmp_path)

    assert report.ok and report.changed
    assert sorted(report.added) == ["map-network-drive", "printer-paper-jam", "set-out-of-office", "vpn-keeps-disconnecting"]
    assert report.embedded == len(embedder.embedded) == count(session_factory, KbChunkRow.id) == 8
    with session_factory() as session:
        row = session.execute(select(KbArticleRow).where(KbArticleRow.slug == "map-network-drive")).scalar_one()
        assert row.url == f"{BASE}/map-network-drive"
        assert row.source_path == "kb/map-network-drive.md"
        assert row.tags == ["access_request", "shared-drive"]
    service = make_service(engine, store, embedder)
    hits = service.searcher.search("how do I map a network drive", top=2)
    assert hits[0].slug == "map-network-drive"
    assert hits[0].lexical_rank == 1 and hits[0].dense_rank == 1
    hits = service.searcher.search("map the drive with finder on a mac", top=2)
    assert hits[0].slug == "map-network-drive"
    assert hits[0].passage.heading == "Mac"
    assert hits[0].passage_url == f"{BASE}/map-network-drive#mac"


def test_reingest_skips_unchanged_updates_changed_and_deletes_removed(
    engine: Engine, session_factory: sessionmaker, clock, tmp_path: Path
) -> None:
    folder = write_kb(tmp_path / "kb")
    store, embedder = KbStore(session_factory, clock), FakeEmbedder()
    ingest(folder, store, normaliser(), embedder, BASE)
    service = make_service(engine, store, embedder)
    assert service.searcher.search("paper jam", top=1)[0].slug == "printer-paper-jam"
    embedder.embedded.clear()

    again = ingest(folder, store, normaliser(), embedder, BASE)

    assert (again.added, again.updated, again.deleted, again.changed) == ((), (), (), False)
    assert len(again.unchanged) == 4 and embedder.embedded == []

    # Change one section of one article, delete another.
    vpn = folder / "vpn-keeps-disconnecting.md"
    vpn.write_text(vpn.read_text().replace("Restart the home router", "Power-cycle the home router"))
    (folder / "printer-paper-jam.md").unlink()

    report = ingest(folder, store, normaliser(), embedder, BASE)

    assert report.updated == ("vpn-keeps-disconnecting",)
    assert report.deleted == ("printer-paper-jam",)
    assert len(report.unchanged) == 2
    # Only the changed passage is embedded; the unchanged intro comes from the cache.
    assert report.embedded == 1 and report.reused == 1
    assert embedder.embedded == ["VPN keeps disconnecting: Check your router\nPower-cycle the home router and use a cable."]
    with session_factory() as session:
        slugs = set(session.execute(select(KbArticleRow.slug)).scalars())
        assert "printer-paper-jam" not in slugs
        orphans = session.execute(
            select(func.count(KbChunkRow.id)).where(KbChunkRow.article_id.not_in(select(KbArticleRow.id)))
        ).scalar_one()
        assert orphans == 0
    # Cached embeddings nobody uses any more were dropped.
    assert count(session_factory, KbEmbeddingRow.content_hash) == count(session_factory, KbChunkRow.id) == 6
    # The running searcher notices the change without a restart; the full-text index forgot it.
    assert [h.slug for h in service.searcher.search("paper jam printer", top=5, mode="lexical")] == []
    assert service.searcher.search("power-cycle", top=1, mode="lexical")[0].slug == "vpn-keeps-disconnecting"


def test_a_readded_article_reuses_its_cached_embeddings_until_pruned(
    session_factory: sessionmaker, clock, tmp_path: Path
) -> None:
    folder = write_kb(tmp_path / "kb")
    store, embedder = KbStore(session_factory, clock), FakeEmbedder()
    ingest(folder, store, normaliser(), embedder, BASE)
    moved = tmp_path / "elsewhere.md"
    (folder / "set-out-of-office.md").rename(moved)
    ingest(folder, store, normaliser(), embedder, BASE)
    moved.rename(folder / "set-out-of-office.md")
    embedder.embedded.clear()

    report = ingest(folder, store, normaliser(), embedder, BASE)

    assert report.added == ("set-out-of-office",)
    assert report.embedded == 1  # pruned when the article was deleted, so computed again


def test_invalid_folder_changes_nothing_and_reports_file_and_line(
    session_factory: sessionmaker, clock, tmp_path: Path
) -> None:
    folder = write_kb(tmp_path / "kb")
    store, embedder = KbStore(session_factory, clock), FakeEmbedder()
    ingest(folder, store, normaliser(), embedder, BASE)
    (folder / "map-network-drive.md").unlink()
    (folder / "broken.md").write_text(article("Broken", "Text").replace("audience: everyone", "audience: aliens"))

    report = ingest(folder, store, normaliser(), embedder, BASE, shown_root=tmp_path)

    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "kb/broken.md:5: 'audience' must be one of everyone, staff, managers, contractors, new-starters, it-staff (got 'aliens')"
    ]
    with session_factory() as session:
        assert "map-network-drive" in set(session.execute(select(KbArticleRow.slug)).scalars())


def test_changing_the_base_url_rewrites_article_links(
    session_factory: sessionmaker, clock, tmp_path: Path
) -> None:
    folder = write_kb(tmp_path / "kb")
    store, embedder = KbStore(session_factory, clock), FakeEmbedder()
    ingest(folder, store, normaliser(), embedder, BASE)
    embedder.embedded.clear()

    report = ingest(folder, store, normaliser(), embedder, "https://help.example.org/articles/")

    assert len(report.updated) == 4 and report.embedded == 0
    with session_factory() as session:
        urls = set(session.execute(select(KbArticleRow.url)).scalars())
    assert "https://help.example.org/articles/map-network-drive" in urls


def test_machine_wide_cache_makes_a_fresh_database_ingest_without_the_model(
    session_factory: sessionmaker, clock, tmp_path: Path
) -> None:
    from bot.db.engine import make_engine, make_session_factory
    from bot.db.migrate import upgrade
    from bot.kb.filecache import FileEmbeddingCache

    folder = write_kb(tmp_path / "kb")
    cache = FileEmbeddingCache(tmp_path / "cache" / "kb-embeddings.sqlite")
    first = FakeEmbedder()
    assert ingest(folder, KbStore(session_factory, clock), normaliser(), first, BASE, file_cache=cache).embedded == 8

    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(fresh_url)
    fresh_engine = make_engine(fresh_url)
    try:
        second = FakeEmbedder()
        report = ingest(folder, KbStore(make_session_factory(fresh_engine), clock), normaliser(), second, BASE, file_cache=cache)
        assert (report.embedded, report.reused, second.embedded) == (0, 8, [])
        assert make_service(fresh_engine, KbStore(make_session_factory(fresh_engine), clock), second).answer(
            "how do I map a network drive"
        ).found
    finally:
        fresh_engine.dispose()


def test_an_unreadable_cache_file_is_ignored(tmp_path: Path) -> None:
    from bot.kb.filecache import FileEmbeddingCache

    path = tmp_path / "kb-embeddings.sqlite"
    path.write_text("not a database")
    cache = FileEmbeddingCache(path)

    assert cache.get(["a"], 4) == {}
    cache.put({"a": FakeEmbedder().embed(["x"])[0]})  # logged, not raised
