"""Knowledge base: articles, chunks, cached embeddings, answers with feedback, full-text index.

Revision ID: 0002
Revises: 0001
Create Date: 2024-11-24

The full-text index is backend-specific and lives outside the ORM models (Alembic's
``include_name`` hook and its expression-index handling keep it out of autogenerate):

- SQLite: an external-content FTS5 table ``kb_chunks_fts`` over ``kb_chunks.search_head`` and
  ``kb_chunks.search_body``, kept in sync by three triggers. A later migration that alters
  ``kb_chunks`` in batch mode (table copy) must re-create these triggers.
- PostgreSQL: an expression GIN index over the weighted ``tsvector`` of the same two columns
  (``simple`` configuration: the text is already lemmatised and stop-word free).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Must stay identical to bot.kb.lexical.PG_TSVECTOR so that PostgreSQL uses the index.
PG_TSVECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, search_head), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B'))"
)

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE kb_chunks_fts USING fts5("
    "search_head, search_body, content='kb_chunks', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER kb_chunks_fts_ai AFTER INSERT ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(rowid, search_head, search_body) "
    "VALUES (new.id, new.search_head, new.search_body); END",
    "CREATE TRIGGER kb_chunks_fts_ad AFTER DELETE ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, search_head, search_body) "
    "VALUES ('delete', old.id, old.search_head, old.search_body); END",
    "CREATE TRIGGER kb_chunks_fts_au AFTER UPDATE ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, search_head, search_body) "
    "VALUES ('delete', old.id, old.search_head, old.search_body); "
    "INSERT INTO kb_chunks_fts(rowid, search_head, search_body) "
    "VALUES (new.id, new.search_head, new.search_body); END",
]


def upgrade() -> None:
    """Create the knowledge-base tables and the backend's full-text index."""
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("audience", sa.String(length=32), nullable=False),
        sa.Column("updated", sa.Date(), nullable=False),
        sa.Column("source_path", sa.String(length=500), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
        sa.UniqueConstraint("slug", name=op.f("uq_kb_articles_slug")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "kb_chunks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(length=300), nullable=False),
        sa.Column("anchor", sa.String(length=200), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("search_head", sa.Text(), nullable=False),
        sa.Column("search_body", sa.Text(), nullable=False),
        sa.Column("embed_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_chunks")),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_chunks_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("article_id", "ordinal", name="uq_kb_chunks_article_id_ordinal"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_kb_chunks_article_id", "kb_chunks", ["article_id"])
    op.create_index("ix_kb_chunks_embed_hash", "kb_chunks", ["embed_hash"])
    op.create_table(
        "kb_embeddings",
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("content_hash", name=op.f("pk_kb_embeddings")),
    )
    op.create_table(
        "kb_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("articles", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feedback_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_answers")),
    )
    op.create_index("ix_kb_answers_conversation_id", "kb_answers", ["conversation_id"])
    op.create_index("ix_kb_answers_created_at", "kb_answers", ["created_at"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_kb_chunks_fts ON kb_chunks USING gin ({PG_TSVECTOR})")


def downgrade() -> None:
    """Drop everything created by :func:`upgrade`."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("kb_chunks_fts_au", "kb_chunks_fts_ad", "kb_chunks_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS kb_chunks_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_kb_chunks_fts")
    op.drop_index("ix_kb_answers_created_at", table_name="kb_answers")
    op.drop_index("ix_kb_answers_conversation_id", table_name="kb_answers")
    op.drop_table("kb_answers")
    op.drop_table("kb_embeddings")
    op.drop_index("ix_kb_chunks_embed_hash", table_name="kb_chunks")
    op.drop_index("ix_kb_chunks_article_id", table_name="kb_chunks")
    op.drop_table("kb_chunks")
    op.drop_table("kb_articles")
